/*
 * strategy: the registry of strategies, in the order of their keys (1-5).
 */
#include "strategy.h"

#include <stdio.h>
#include <string.h>

extern const struct strategy_ops strat_sync, strat_coop, strat_poll, strat_threads, strat_loop;

const struct strategy_ops *const strategies[STRATEGY_COUNT] = {
    &strat_sync, &strat_coop, &strat_poll, &strat_threads, &strat_loop,
};

int strategy_find(const char *name)
{
    for (int i = 0; i < STRATEGY_COUNT; i++)
        if (strcmp(strategies[i]->name, name) == 0) return i;
    return -1;
}

const char *strategy_name(int index)
{
    return index >= 0 && index < STRATEGY_COUNT ? strategies[index]->name : "?";
}

const char *strategy_list(void)
{
    static char list[STRATEGY_COUNT * 16];
    if (!list[0]) {
        size_t n = 0;
        for (int i = 0; i < STRATEGY_COUNT; i++)
            n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "",
                                  strategies[i]->name);
    }
    return list;
}

/*
 * waitfor: finding and reporting a cycle in the wait-for graph.
 */
#include "waitfor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static int next_in_cycle(const struct waitfor *g, int task)
{
    int res = g->task_wait[task];
    return res < 0 ? -1 : g->res_owner[res];
}

int waitfor_cycle(const struct waitfor *g, int start)
{
    int cur = start;
    for (int hops = 0;; hops++) {
        cur = next_in_cycle(g, cur);
        if (cur < 0 || hops > g->ntasks) return 0;
        if (cur == start) return 1;
    }
}

/* "A holds dryer and thread, waits for washer" into part (n bytes). */
static int describe(const struct waitfor *g, int task, int first, char *part, size_t n)
{
    int want = g->task_wait[task];
    int len = snprintf(part, n, "%s %s holds ", task == first ? "" : ";", g->task_names[task]);
    int held = 0;
    for (int r = 0; r < g->nres && len < (int)n; r++)
        if (g->res_owner[r] == task && r != want)
            len += snprintf(part + len, n - (size_t)len, "%s%s", held++ ? " and " : "",
                            g->res_names[r]);
    if (len < (int)n)
        len += snprintf(part + len, n - (size_t)len, "%s, waits for %s", held ? "" : "nothing",
                        g->res_names[want]);
    return len < (int)n ? len : (int)n - 1;
}

int waitfor_deadlock(const struct waitfor *g, int start, void (*emit)(void *, struct event *),
                     void *ctx)
{
    if (!waitfor_cycle(g, start)) return 0;
    /* Name the members in task order, so the text does not depend on who
     * happened to block last. */
    int first = start, cur = start;
    do {
        if (cur < first) first = cur;
        cur = next_in_cycle(g, cur);
    } while (cur != start);
    size_t cap = 256, len = 0;
    char *text = xmalloc(cap);
    len += (size_t)snprintf(text, cap, "deadlock:");
    cur = first;
    do {
        char part[256];
        int n = describe(g, cur, first, part, sizeof part);
        text = xgrow(text, &cap, len + (size_t)n + 1, 1);
        memcpy(text + len, part, (size_t)n + 1);
        len += (size_t)n;
        cur = next_in_cycle(g, cur);
    } while (cur != first);
    struct event ev = event_make(EV_LOG, 0, -1);
    ev.text = text;
    emit(ctx, &ev);
    /* Each member holds, in the cycle, what the one before it waits for
     * (so the members chain: A waits for washer, B holds washer, waits for
     * thread, A holds thread); the text above names all it holds. */
    int prev = first;
    while (next_in_cycle(g, prev) != first)
        prev = next_in_cycle(g, prev);
    cur = first;
    do {
        int want = g->task_wait[cur];
        ev = event_make(EV_DEADLOCK, 0, cur);
        ev.other = want;
        ev.value = g->task_wait[prev];
        prev = cur;
        ev.text = text;
        emit(ctx, &ev);
        cur = next_in_cycle(g, cur);
    } while (cur != first);
    free(text);
    return 1;
}

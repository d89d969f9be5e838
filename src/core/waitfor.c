/*
 * waitfor: finding and reporting a cycle in the wait-for graph.
 */
#include "waitfor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* A resource task holds other than except, or -1. */
static int held_by(const struct waitfor *g, int task, int except)
{
    for (int r = 0; r < g->nres; r++)
        if (g->res_owner[r] == task && r != except) return r;
    return -1;
}

static int next_in_cycle(const struct waitfor *g, int task)
{
    int res = g->task_wait[task];
    return res < 0 ? -1 : g->res_owner[res];
}

int waitfor_deadlock(const struct waitfor *g, int start, void (*emit)(void *, struct event *),
                     void *ctx)
{
    int cur = start;
    for (int hops = 0;; hops++) {
        cur = next_in_cycle(g, cur);
        if (cur < 0 || hops > g->ntasks) return 0;
        if (cur == start) break;
    }
    /* Name the members in task order, so the text does not depend on who
     * happened to block last. */
    int first = start;
    cur = start;
    do {
        if (cur < first) first = cur;
        cur = next_in_cycle(g, cur);
    } while (cur != start);
    size_t cap = 256, len = 0;
    char *text = xmalloc(cap);
    len += (size_t)snprintf(text, cap, "deadlock:");
    cur = first;
    do {
        int want = g->task_wait[cur];
        int held = held_by(g, cur, want);
        char part[256];
        int n = snprintf(part, sizeof part, "%s %s holds %s, waits for %s", cur == first ? "" : ";",
                         g->task_names[cur], held >= 0 ? g->res_names[held] : "nothing",
                         g->res_names[want]);
        if (n >= (int)sizeof part) n = (int)sizeof part - 1;
        text = xgrow(text, &cap, len + (size_t)n + 1, 1);
        memcpy(text + len, part, (size_t)n + 1);
        len += (size_t)n;
        cur = next_in_cycle(g, cur);
    } while (cur != first);
    struct event ev = event_make(EV_LOG, 0, -1);
    ev.text = text;
    emit(ctx, &ev);
    cur = first;
    do {
        int want = g->task_wait[cur];
        ev = event_make(EV_DEADLOCK, 0, cur);
        ev.other = want;
        ev.value = held_by(g, cur, want);
        ev.text = text;
        emit(ctx, &ev);
        cur = next_in_cycle(g, cur);
    } while (cur != first);
    free(text);
    return 1;
}

/*
 * stats: totals from the event stream.
 */
#include "stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void stats_init(struct stats *st)
{
    memset(st, 0, sizeof *st);
    st->ncpu = 1;
}

void stats_done(struct stats *st)
{
    for (size_t i = 0; i < st->ntasks; i++)
        free(st->tasks[i].name);
    free(st->tasks);
    free(st->deadlock);
    memset(st, 0, sizeof *st);
}

/* Closes the task's current span at t and opens one in state. */
static void enter(struct stats_task *tk, int state, int64_t t)
{
    int64_t d = t - tk->since;
    if (d < 0) d = 0;
    switch (tk->state) {
    case TASK_RUNNING: tk->running += d; break;
    case TASK_READY:
        tk->ready += d;
        if (d > tk->worst_ready) tk->worst_ready = d;
        break;
    case TASK_BLOCKED:
        tk->blocked += d;
        tk->blocked_by[tk->reason] += d;
        break;
    default: break;
    }
    tk->state = state;
    tk->since = t;
}

static struct stats_task *task_of(struct stats *st, int id)
{
    if (id < 0 || (size_t)id >= st->ntasks) return NULL;
    return &st->tasks[id];
}

void stats_sink(void *ctx, const struct event *ev)
{
    struct stats *st = ctx;
    struct stats_task *tk = task_of(st, ev->task);
    st->events++;
    if (ev->t > st->now) st->now = ev->t;
    switch (ev->kind) {
    case EV_RUN_START:
        snprintf(st->strategy, sizeof st->strategy, "%s", ev->text ? ev->text : "?");
        st->ncpu = ev->value > 0 ? (int)ev->value : 1;
        st->real = ev->value2 != 0;
        break;
    case EV_TASK_NEW:
        if (ev->task < 0) break;
        if ((size_t)ev->task >= st->ntasks) {
            st->tasks = xgrow(st->tasks, &st->cap, (size_t)ev->task + 1, sizeof *st->tasks);
            memset(st->tasks + st->ntasks, 0,
                   ((size_t)ev->task + 1 - st->ntasks) * sizeof *st->tasks);
            st->ntasks = (size_t)ev->task + 1;
        }
        tk = &st->tasks[ev->task];
        free(tk->name);
        tk->name = xstrdup(ev->text ? ev->text : "?");
        tk->state = TASK_READY;
        tk->since = ev->t;
        tk->end = -1;
        tk->until = -1;
        break;
    case EV_RUN:
        if (tk) enter(tk, TASK_RUNNING, ev->t);
        break;
    case EV_YIELD:
    case EV_PREEMPT:
    case EV_WAKE:
        if (tk) enter(tk, TASK_READY, ev->t);
        break;
    case EV_BLOCK:
        if (tk && ev->reason >= 0 && ev->reason < BLOCK__COUNT) {
            enter(tk, TASK_BLOCKED, ev->t);
            tk->reason = ev->reason;
            tk->stall = ev->other == 1;
            tk->until = ev->value;
        }
        break;
    case EV_SWITCH:
        st->switches++;
        if (tk) tk->switches_in++;
        break;
    case EV_ITEM_END:
        if (tk) {
            tk->items++;
            if (ev->value2) tk->failed_items++;
        }
        break;
    case EV_POLL:
        if (ev->reason)
            st->polls_useful++;
        else
            st->polls_wasted++;
        st->poll_cost += ev->value;
        break;
    case EV_DEADLOCK:
        free(st->deadlock);
        st->deadlock = xstrdup(ev->text ? ev->text : "deadlock");
        break;
    case EV_HTTP_DONE:
        st->http_done++;
        if (ev->text || ev->value >= 400 || ev->value == 0) st->http_errors++;
        break;
    case EV_TASK_STATS:
        if (tk) {
            tk->has_os = 1;
            tk->os_cpu_ns = ev->value;
            tk->os_vcsw = ev->value2;
            tk->os_ivcsw = ev->other;
        }
        break;
    case EV_TASK_DONE:
        if (tk) {
            enter(tk, TASK_DONE, ev->t);
            tk->end = ev->t;
        }
        break;
    case EV_RUN_END:
        for (size_t i = 0; i < st->ntasks; i++)
            if (st->tasks[i].state != TASK_DONE) enter(&st->tasks[i], st->tasks[i].state, ev->t);
        st->total = ev->value;
        st->ended = 1;
        st->failed = ev->reason != 0;
        break;
    default: break;
    }
}

int64_t stats_busy(const struct stats *st)
{
    int64_t busy = st->poll_cost;
    for (size_t i = 0; i < st->ntasks; i++)
        busy += st->tasks[i].running;
    return busy;
}

double stats_cpu_busy(const struct stats *st)
{
    int64_t span = st->ended ? st->total : st->now;
    if (span <= 0) return 0.0;
    double u = (double)stats_busy(st) / ((double)span * st->ncpu);
    return u > 1.0 ? 1.0 : u;
}

int64_t stats_worst_wait(const struct stats *st)
{
    int64_t w = 0;
    for (size_t i = 0; i < st->ntasks; i++)
        if (st->tasks[i].worst_ready > w) w = st->tasks[i].worst_ready;
    return w;
}

int64_t stats_task_time(const struct stats_task *tk, int state, int64_t t)
{
    int64_t base = state == TASK_RUNNING   ? tk->running
                   : state == TASK_READY   ? tk->ready
                   : state == TASK_BLOCKED ? tk->blocked
                                           : 0;
    if (tk->state == state && t > tk->since) base += t - tk->since;
    return base;
}

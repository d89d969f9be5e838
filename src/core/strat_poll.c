/*
 * poll: the polling parent. One thread starts non-blocking work and, every
 * poll_interval (on a fixed grid: P, 2P, 3P, ...), checks each task that has
 * work outstanding. A completion is noticed only at the next check; each
 * check costs check_cost of CPU whether or not it finds anything; checks
 * that find nothing are counted as wasted.
 *
 * Between checks the thread does CPU work round-robin, breaking off at
 * every interval (with nothing outstanding the round is empty, and the
 * next task with CPU work takes its turn). A task found finished is attended to right after the
 * round, before other CPU work, and without interruption until it starts
 * another wait or is done: "if any of those tasks do need attention, then
 * the parent will take care of it before going back to the checkbook".
 */
#include <stdlib.h>

#include "sim_internal.h"
#include "intq.h"
#include "xalloc.h"

enum { ACT_CHECK = 1, ACT_CPU, ACT_IO_DONE };

struct poll_data {
    int64_t next_check;
    int in_round;
    int64_t round_start;
    int *order; /* tasks to check this round */
    int norder, pos;
    int running;   /* task with a CPU chunk in progress, or -1 */
    int attending; /* task being attended to, or -1 */
    int idle_wait; /* an ACT_CHECK wakes the idle thread */
    int inflight;
    struct intq runq, attend;
};

static int64_t grid_after(struct sim *s, int64_t t)
{
    int64_t p = s->sc->poll_interval;
    return (t / p + 1) * p;
}

enum { BUSY, FREE };

/* Runs t (on the CPU) until it needs the CPU for a while, waits or ends. */
static int advance(struct sim *s, struct sim_task *t)
{
    struct poll_data *d = s->sd;
    while (!s->finished) {
        if (!t->has_step) sim_fetch(s, t);
        switch (t->cur.kind) {
        case STEP_CPU: {
            if (t->cpu_left == 0) {
                t->has_step = 0;
                continue;
            }
            int64_t chunk = t->cpu_left;
            if (d->attending != t->id) {
                if (s->now >= d->next_check) {
                    sim_make_ready(s, t, EV_PREEMPT, -1);
                    intq_push(&d->runq, t->id);
                    return FREE;
                }
                if (d->next_check - s->now < chunk) chunk = d->next_check - s->now;
            }
            d->running = t->id;
            sim_cpu(s, t, chunk, ACT_CPU, 0);
            return BUSY;
        }
        case STEP_WAIT:
            t->has_step = 0;
            d->inflight++;
            sim_wait(s, t, 0, ACT_IO_DONE, 0);
            if (d->attending == t->id) d->attending = -1;
            return FREE;
        case STEP_YIELD: t->has_step = 0; continue;
        case STEP_LOCK:
            t->has_step = 0;
            if (sim_lock_take(s, t, t->cur.res, 1)) continue;
            if (!s->finished) sim_stuck_on_lock(s, t); /* one thread: nobody can release it */
            return FREE;
        case STEP_LOAD:
        case STEP_STORE:
            t->has_step = 0;
            sim_var_step(s, t);
            continue;
        case STEP_UNLOCK:
            t->has_step = 0;
            sim_lock_release(s, t, t->cur.res);
            continue;
        case STEP_DONE:
            if (d->attending == t->id) d->attending = -1;
            sim_task_done(s, t);
            return FREE;
        }
    }
    return FREE;
}

static void start_round(struct sim *s)
{
    struct poll_data *d = s->sd;
    d->norder = 0;
    for (int i = 0; i < s->ntasks; i++) {
        struct sim_task *t = sim_task(s, i);
        /* Every blocked task waits for work it started (a lock wait ends the
         * run): wait_done may be 0, a zero-length wait at time 0. */
        if (t->state == TASK_BLOCKED && t->lock_wait < 0) d->order[d->norder++] = i;
    }
    /* Higher priority first, then task order: a stable insertion sort, which
     * is linear when priorities are all equal, as they usually are. */
    for (int i = 1; i < d->norder; i++) {
        int v = d->order[i], j = i;
        while (j > 0 && sim_task(s, d->order[j - 1])->priority < sim_task(s, v)->priority) {
            d->order[j] = d->order[j - 1];
            j--;
        }
        d->order[j] = v;
    }
    d->pos = 0;
    d->in_round = 1;
    d->round_start = s->now;
}

/* Checks the next task of the round. Returns 1 if that took time. */
static int check_one(struct sim *s)
{
    struct poll_data *d = s->sd;
    struct sim_task *t = sim_task(s, d->order[d->pos++]);
    int useful = s->now >= t->wait_done;
    struct event ev = event_make(EV_POLL, 0, t->id);
    ev.reason = (int16_t)useful;
    ev.value = s->sc->check_cost;
    sim_emit(s, &ev);
    if (useful) {
        t->wait_done = 0;
        d->inflight--;
        sim_make_ready(s, t, EV_WAKE, -1);
        intq_push(&d->attend, t->id);
    }
    if (s->sc->check_cost > 0) {
        sim_busy(s, s->sc->check_cost, ACT_CHECK, -1, 0);
        return 1;
    }
    return 0;
}

/* The thread's main loop: decides what it does next, until it must wait. */
static void pump(struct sim *s)
{
    struct poll_data *d = s->sd;
    while (!s->finished && d->running < 0) {
        if (d->in_round) {
            if (d->pos < d->norder) {
                if (check_one(s)) return;
                continue;
            }
            d->in_round = 0;
            d->next_check = grid_after(s, d->round_start);
            continue;
        }
        if (d->attend.n > 0) {
            struct sim_task *t = sim_task(s, intq_pop(&d->attend));
            d->attending = t->id;
            sim_run_on(s, t, 0);
            if (advance(s, t) == BUSY) return;
            continue;
        }
        if (s->now >= d->next_check) {
            if (d->inflight > 0) {
                start_round(s);
                continue;
            }
            d->next_check = grid_after(s, s->now);
        }
        if (d->runq.n > 0) {
            struct sim_task *t = sim_task(s, intq_pop(&d->runq));
            sim_run_on(s, t, 0);
            if (advance(s, t) == BUSY) return;
            continue;
        }
        if (d->inflight > 0 && !d->idle_wait) {
            d->idle_wait = 1;
            sim_at(s, d->next_check, ACT_CHECK, -1, 1);
        }
        return;
    }
}

static void poll_start(struct sim *s)
{
    struct poll_data *d = xcalloc(1, sizeof *d);
    s->sd = d;
    d->order = xmalloc((size_t)s->ntasks * sizeof *d->order);
    d->running = d->attending = -1;
    d->next_check = s->sc->poll_interval;
    for (int i = 0; i < s->ntasks; i++)
        intq_push(&d->runq, i);
    pump(s);
}

static void poll_fire(struct sim *s, const struct pending *p)
{
    struct poll_data *d = s->sd;
    switch (p->what) {
    case ACT_CHECK:
        if (p->arg == 1) d->idle_wait = 0;
        break;
    case ACT_CPU: {
        struct sim_task *t = sim_task(s, p->task);
        t->cpu_left -= t->used;
        d->running = -1;
        if (advance(s, t) == BUSY) return;
        break;
    }
    case ACT_IO_DONE: {
        /* Finished, but nobody knows yet: it waits to be noticed. */
        struct sim_task *t = sim_task(s, p->task);
        sim_block(s, t, BLOCK_POLL_WAIT, -1, 0);
        return;
    }
    }
    pump(s);
}

static void poll_cleanup(void *sd)
{
    struct poll_data *d = sd;
    free(d->order);
    intq_free(&d->runq);
    intq_free(&d->attend);
}

const struct strategy_ops strat_poll = {
    .name = "poll",
    .title = "polling: start work, check every poll_interval; completions wait to be noticed",
    .single_thread = 1,
    .polls = 1,
    .key = '3',
    .start = poll_start,
    .fire = poll_fire,
    .cleanup = poll_cleanup,
};

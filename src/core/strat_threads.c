/*
 * threads: preemptive threads (the threading parent). One thread per task,
 * scheduled FIFO over `cpus` CPUs with a time slice of `quantum`; a
 * blocking call blocks only its own thread; locks are real mutexes with
 * FIFO hand-off, and a wait that closes a cycle is reported as a deadlock.
 */
#include <stdlib.h>

#include "sim_internal.h"
#include "xalloc.h"

enum { ACT_CPU = 1, ACT_WAKE };

struct threads_data {
    struct cpuq q; /* the CPUs and the run queue (cpuq.c, shared with real runs) */
    int dispatching, again;
};

static void proceed(struct sim *s, struct sim_task *t);

/*
 * Gives every idle CPU the next ready thread. A thread that blocks at once
 * calls dispatch again from inside proceed; that call only asks for another
 * pass, so 100,000 threads that all block at once do not nest 100,000 deep.
 */
static void dispatch(struct sim *s)
{
    struct threads_data *d = s->sd;
    if (d->dispatching) {
        d->again = 1;
        return;
    }
    d->dispatching = 1;
    do {
        d->again = 0;
        int next, from = 0;
        while (!s->finished && (next = cpuq_next(s, &d->q, &from)) >= 0)
            proceed(s, sim_task(s, next));
    } while (d->again && !s->finished);
    d->dispatching = 0;
}

/* t leaves its CPU for the back of the run queue. */
static void requeue(struct sim *s, struct sim_task *t, int why)
{
    struct threads_data *d = s->sd;
    sim_make_ready(s, t, why, -1);
    cpuq_push(&d->q, t->id);
}

static void proceed(struct sim *s, struct sim_task *t)
{
    struct threads_data *d = s->sd;
    while (!s->finished) {
        if (!t->has_step) sim_fetch(s, t);
        int c = t->cpu;
        switch (t->cur.kind) {
        case STEP_CPU:
            if (t->cpu_left == 0) {
                t->has_step = 0;
                continue;
            }
            if (cpuq_slice_over(s, &d->q, c)) {
                requeue(s, t, EV_PREEMPT);
                dispatch(s);
                return;
            }
            int64_t chunk = d->q.slice[c] - s->now;
            if (t->cpu_left < chunk) chunk = t->cpu_left;
            sim_cpu(s, t, chunk, ACT_CPU, t->gen);
            return;
        case STEP_WAIT:
            t->has_step = 0;
            sim_wait(s, t, 0, ACT_WAKE, t->gen);
            dispatch(s);
            return;
        case STEP_YIELD:
            t->has_step = 0;
            if (d->q.ready.n > 0) {
                requeue(s, t, EV_YIELD);
                dispatch(s);
                return;
            }
            continue;
        case STEP_LOCK:
            t->has_step = 0;
            if (sim_lock_take(s, t, t->cur.res, 0)) continue;
            dispatch(s);
            return;
        case STEP_UNLOCK: {
            t->has_step = 0;
            int next = sim_lock_release(s, t, t->cur.res);
            if (next >= 0) {
                sim_make_ready(s, sim_task(s, next), EV_WAKE, t->id);
                cpuq_push(&d->q, next);
                dispatch(s);
            }
            continue;
        }
        case STEP_LOAD:
        case STEP_STORE:
            t->has_step = 0;
            sim_var_step(s, t);
            continue;
        case STEP_DONE:
            sim_task_done(s, t);
            dispatch(s);
            return;
        }
    }
}

static void threads_start(struct sim *s)
{
    struct threads_data *d = xcalloc(1, sizeof *d);
    s->sd = d;
    cpuq_init(&d->q, s->ncpu, 0);
    for (int i = 0; i < s->ntasks; i++)
        cpuq_push(&d->q, i);
    dispatch(s);
}

static void threads_fire(struct sim *s, const struct pending *p)
{
    struct sim_task *t = sim_task(s, p->task);
    if ((uint32_t)p->arg != t->gen) return;
    if (p->what == ACT_CPU) {
        t->cpu_left -= t->used;
        proceed(s, t);
    } else {
        struct threads_data *d = s->sd;
        sim_make_ready(s, t, EV_WAKE, -1);
        cpuq_push(&d->q, t->id);
        dispatch(s);
    }
}

static void threads_cleanup(void *sd)
{
    struct threads_data *d = sd;
    cpuq_free(&d->q);
}

const struct strategy_ops strat_threads = {
    .name = "threads",
    .title = "threads: preemptive time slices over CPUs; a blocking call blocks one thread",
    .single_thread = 0,
    .preemptive = 1,
    .key = '4',
    .start = threads_start,
    .fire = threads_fire,
    .cleanup = threads_cleanup,
};

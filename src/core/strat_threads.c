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
    int head, n;    /* run queue: a ring over ring[] */
    int64_t *slice; /* per CPU: when the running thread's slice ends */
    int dispatching, again;
    int ring[];
};

static void rq_push(struct sim *s, int task)
{
    struct threads_data *d = s->sd;
    d->ring[(d->head + d->n) % s->ntasks] = task;
    d->n++;
}

static int rq_pop(struct sim *s)
{
    struct threads_data *d = s->sd;
    int t = d->ring[d->head];
    d->head = (d->head + 1) % s->ntasks;
    d->n--;
    return t;
}

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
        for (int c = 0; c < s->ncpu && !s->finished; c++) {
            if (s->cpu_task[c] >= 0 || d->n == 0) continue;
            struct sim_task *t = sim_task(s, rq_pop(s));
            sim_run_on(s, t, c);
            d->slice[c] = s->now + s->sc->quantum;
            proceed(s, t);
        }
    } while (d->again && !s->finished);
    d->dispatching = 0;
}

/* t leaves its CPU for the back of the run queue. */
static void requeue(struct sim *s, struct sim_task *t, int why)
{
    sim_make_ready(s, t, why, -1);
    rq_push(s, t->id);
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
            if (s->now >= d->slice[c]) {
                if (d->n > 0) {
                    requeue(s, t, EV_PREEMPT);
                    dispatch(s);
                    return;
                }
                d->slice[c] = s->now + s->sc->quantum;
            }
            int64_t chunk = d->slice[c] - s->now;
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
            if (d->n > 0) {
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
                rq_push(s, next);
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
    struct threads_data *d = xcalloc(1, sizeof *d + (size_t)s->ntasks * sizeof *d->ring);
    s->sd = d;
    d->slice = xcalloc((size_t)s->ncpu, sizeof *d->slice);
    for (int i = 0; i < s->ntasks; i++)
        rq_push(s, i);
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
        sim_make_ready(s, t, EV_WAKE, -1);
        rq_push(s, t->id);
        dispatch(s);
    }
}

static void threads_cleanup(void *sd)
{
    struct threads_data *d = sd;
    free(d->slice);
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

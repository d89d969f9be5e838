/*
 * sync: the synchronous program (the article's example 1 and the
 * synchronous parent). Each task runs to completion in turn on one thread;
 * a blocking call stalls the whole program, and yield points mean nothing.
 */
#include <stdlib.h>

#include "sim_internal.h"
#include "xalloc.h"

struct sync_data {
    int current;
};

/* Runs tasks from `current` on until one is busy (waiting on the clock). */
static void drive(struct sim *s, int rc)
{
    struct sync_data *d = s->sd;
    while (!s->finished) {
        struct sim_task *t = sim_task(s, d->current);
        if (rc == PROCEED_YIELD) {
            rc = sim_blocking_proceed(s, t);
            continue;
        }
        if (rc == PROCEED_BUSY || rc == PROCEED_STUCK) return;
        sim_task_done(s, t);
        if (s->finished) return;
        d->current++;
        t = sim_task(s, d->current);
        sim_run_on(s, t, 0);
        rc = sim_blocking_proceed(s, t);
    }
}

static void sync_start(struct sim *s)
{
    struct sync_data *d = xcalloc(1, sizeof *d);
    s->sd = d;
    struct sim_task *t = sim_task(s, 0);
    sim_run_on(s, t, 0);
    drive(s, sim_blocking_proceed(s, t));
}

static void sync_fire(struct sim *s, const struct pending *p)
{
    drive(s, sim_blocking_fire(s, p));
}

const struct strategy_ops strat_sync = {
    .name = "sync",
    .title = "synchronous: each task runs to completion; a blocking call stalls everything",
    .single_thread = 1,
    .run_to_completion = 1,
    .key = '1',
    .start = sync_start,
    .fire = sync_fire,
};

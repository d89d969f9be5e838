/*
 * coop: cooperative generators driven round-robin (the article's examples 2,
 * 3 and 5). A task gives up the CPU only at a yield point; a blocking call
 * still stalls everyone.
 *
 * The driver is the article's main loop, quirk included:
 *
 *     while not done:
 *         for t in tasks:
 *             try: next(t)
 *             except StopIteration: tasks.remove(t)
 *             if len(tasks) == 0: done = True
 *
 * Removing from a list while iterating over it makes the for loop skip the
 * task after the removed one in that pass. The printed output depends on
 * it, so we iterate by index exactly as CPython's list iterator does.
 */
#include <string.h>

#include "sim_internal.h"
#include "xalloc.h"

struct coop_data {
    int n;
    int idx;    /* the for loop's position in list */
    int list[]; /* the article's `tasks` list */
};

static void drive(struct sim *s, int rc)
{
    struct coop_data *d = s->sd;
    while (!s->finished) {
        if (rc == PROCEED_BUSY || rc == PROCEED_STUCK) return;
        struct sim_task *t = sim_task(s, d->list[d->idx]);
        if (rc == PROCEED_YIELD) {
            sim_make_ready(s, t, EV_YIELD, -1);
        } else {
            /* StopIteration: tasks.remove(t), then the iterator moves on. */
            sim_task_done(s, t);
            if (s->finished) return;
            memmove(d->list + d->idx, d->list + d->idx + 1,
                    (size_t)(d->n - d->idx - 1) * sizeof *d->list);
            d->n--;
        }
        d->idx++;
        if (d->idx >= d->n) d->idx = 0; /* the for loop ends; while starts it again */
        t = sim_task(s, d->list[d->idx]);
        sim_run_on(s, t, 0);
        rc = sim_blocking_proceed(s, t);
    }
}

static void coop_start(struct sim *s)
{
    struct coop_data *d = xcalloc(1, sizeof *d + (size_t)s->ntasks * sizeof *d->list);
    s->sd = d;
    d->n = s->ntasks;
    for (int i = 0; i < d->n; i++)
        d->list[i] = i;
    struct sim_task *t = sim_task(s, 0);
    sim_run_on(s, t, 0);
    drive(s, sim_blocking_proceed(s, t));
}

static void coop_fire(struct sim *s, const struct pending *p)
{
    drive(s, sim_blocking_fire(s, p));
}

const struct strategy_ops strat_coop = {
    .name = "coop",
    .title = "cooperative: generators switch only at yield; a blocking call stalls everyone",
    .single_thread = 1,
    .cooperative = 1,
    .key = '2',
    .start = coop_start,
    .fire = coop_fire,
};

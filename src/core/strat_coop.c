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
 * it, so we follow CPython's list iterator exactly. Removing by shifting the
 * rest of the list left costs a pass over the list per finished task, which
 * is quadratic when a million tasks finish in one pass; instead a pass reads
 * the list at `pos` and writes the tasks that stay back at `keep`, once. A
 * removal at `pos` then skips the task at pos + 1 (it is kept, not run), as
 * the iterator's index does, and the pass ends at the pass's first length.
 */
#include "sim_internal.h"
#include "xalloc.h"

struct coop_data {
    int n;      /* the list's length when this pass started */
    int pos;    /* the task being run, in list[] as the pass started */
    int keep;   /* list[0..keep) are the tasks this pass kept */
    int list[]; /* the article's `tasks` list */
};

/* Keeps list[pos] for the next pass and moves on. */
static void keep_one(struct coop_data *d)
{
    d->list[d->keep++] = d->list[d->pos++];
}

static void drive(struct sim *s, int rc)
{
    struct coop_data *d = s->sd;
    while (!s->finished) {
        if (rc == PROCEED_BUSY || rc == PROCEED_STUCK) return;
        struct sim_task *t = sim_task(s, d->list[d->pos]);
        if (rc == PROCEED_YIELD) {
            sim_make_ready(s, t, EV_YIELD, -1);
            keep_one(d);
        } else {
            /* StopIteration: tasks.remove(t), then the iterator moves on,
             * past the task that took t's place. */
            sim_task_done(s, t);
            if (s->finished) return;
            d->pos++;
            if (d->pos < d->n) keep_one(d);
        }
        if (d->pos >= d->n) { /* the for loop ends; while starts it again */
            d->n = d->keep;
            d->pos = d->keep = 0;
        }
        t = sim_task(s, d->list[d->pos]);
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

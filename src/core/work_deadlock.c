/*
 * work_deadlock: the article's two parents and two machines. Parent A has
 * the dryer and unloads it, then needs the washer; parent B has the washer
 * and empties it, then needs the dryer. Run preemptively (threads) the two
 * hold one machine each and wait for the other forever: the engine finds
 * the cycle in the wait-for graph and ends the run.
 *
 * lock_order = ordered is the classic fix: both take the washer first, so
 * no cycle can form. Under coop the generators yield after each action, so
 * B can take the washer while A holds the dryer too; on one thread the
 * blocked acquire then stalls everything.
 *
 * Each parent's job (both machines, from reaching for the first to
 * releasing both) is one item; a deadlocked parent's never ends.
 */
#include <stdio.h>
#include <stdlib.h>

#include "strategy.h"
#include "work_common.h"
#include "xalloc.h"

enum { WASHER, DRYER, NRES };

static const char *const res_names[NRES] = {"washer", "dryer"};
static const char *const verbs[NRES] = {"empties the washer", "unloads the dryer"};

struct parent {
    int phase;
    int first, second;
};

struct deadlock {
    struct workload base;
    const struct scene *sc;
    struct emitter em;
    int yields;
    struct parent p[2];
    struct workload_task tasks[2];
};

static void dl_next(struct workload *base, int task, int64_t now, const struct step_result *last,
                    struct step *out)
{
    struct deadlock *d = (struct deadlock *)base;
    struct parent *p = &d->p[task];
    const char *name = d->tasks[task].name;
    (void)now;
    (void)last;
    for (;;) {
        switch (p->phase++) {
        case 0: {
            char label[48];
            snprintf(label, sizeof label, "%s, then %s", res_names[p->first], res_names[p->second]);
            work_emit(&d->em, EV_ITEM_START, task, label, 1, 0);
            work_say(&d->em, task, "%s reaches for the %s", name, res_names[p->first]);
            step_simple(out, STEP_LOCK, p->first, 0);
            return;
        }
        case 1:
            work_say(&d->em, task, "%s %s", name, verbs[p->first]);
            step_cpu(out, d->sc->dl.work, 0);
            return;
        case 2:
            if (!d->yields) continue;
            step_simple(out, STEP_YIELD, 0, 0);
            return;
        case 3:
            work_say(&d->em, task, "%s needs the %s", name, res_names[p->second]);
            step_simple(out, STEP_LOCK, p->second, 0);
            return;
        case 4:
            work_say(&d->em, task, "%s moves the clothes", name);
            step_cpu(out, d->sc->dl.move, 0);
            return;
        case 5: step_simple(out, STEP_UNLOCK, p->second, 0); return;
        case 6: step_simple(out, STEP_UNLOCK, p->first, 0); return;
        case 7:
            work_emit(&d->em, EV_ITEM_END, task, NULL, 1, 0);
            work_say(&d->em, task, "%s is done", name);
            continue;
        default: step_simple(out, STEP_DONE, 0, 0); return;
        }
    }
}

static void dl_finish(struct workload *base, int64_t now)
{
    (void)base;
    (void)now;
}

static int dl_failures(const struct workload *base)
{
    (void)base;
    return 0;
}

static void dl_free(struct workload *base)
{
    free(base);
}

static struct workload *dl_create(const struct scene *sc, int strategy, const struct emitter *em)
{
    struct deadlock *d = xcalloc(1, sizeof *d);
    d->base.ops = &work_deadlock_ops;
    d->sc = sc;
    d->em = *em;
    d->yields = strategies[strategy]->cooperative;
    /* A goes for the dryer first, B for the washer, unless ordered. */
    d->p[0] = (struct parent){0, sc->dl.ordered ? WASHER : DRYER, sc->dl.ordered ? DRYER : WASHER};
    d->p[1] = (struct parent){0, WASHER, DRYER};
    for (int i = 0; i < 2; i++)
        d->tasks[i] = (struct workload_task){sc->workers[i], 0, ROLE_NONE};
    d->base.ntasks = 2;
    d->base.tasks = d->tasks;
    d->base.nres = NRES;
    d->base.res_names = res_names;
    return &d->base;
}

const struct workload_ops work_deadlock_ops = {
    .kind = "deadlock",
    .create = dl_create,
    .next = dl_next,
    .finish = dl_finish,
    .failures = dl_failures,
    .free = dl_free,
};

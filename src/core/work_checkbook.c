/*
 * work_checkbook: the article's checking account. Parent C writes one
 * large urgent-care check while parent D pays the bills; every update is
 * load the balance, work out the new one (the window), store it. If the
 * scheduler switches between one update's load and its store, the other
 * parent's update in between is overwritten: a lost update, which the
 * engine reports as a race, and the book no longer matches the bank.
 *
 * lock = on holds the account's lock around each update, which makes it
 * correct. Under the event loop an update cannot be interleaved while its
 * window is CPU work (nothing awaits in the middle); await_in_update = on
 * makes the window a wait, and then the loop loses updates too.
 *
 * Each update (C's check, each of D's bills) is an item: it starts when the
 * parent begins it and ends when the new balance is stored.
 */
#include <stdio.h>
#include <stdlib.h>

#include "strategy.h"
#include "work_common.h"
#include "xalloc.h"

enum { ACCOUNT };
enum { BALANCE };

static const char *const res_names[] = {"account"};
static const char *const var_names[] = {"balance"};

struct checkbook {
    struct workload base;
    const struct scene *sc;
    struct emitter em;
    int yields;
    int phase[2];
    int64_t done[2]; /* updates done */
    int64_t init[1];
    int wrong; /* the book ended wrong: the run failed */
    struct workload_task tasks[2];
};

/* One update: [lock] load, window, store delta, [unlock]; then maybe yield. */
static void cb_update(struct checkbook *c, int task, int64_t delta, struct step *out)
{
    const struct scene_checkbook *p = &c->sc->cb;
    for (;;) {
        switch (c->phase[task]++) {
        case 0:
            if (!p->lock) continue;
            step_simple(out, STEP_LOCK, ACCOUNT, 0);
            return;
        case 1: step_simple(out, STEP_LOAD, BALANCE, 0); return;
        case 2:
            if (p->await)
                step_wait(out, BLOCK_IO, p->window);
            else
                step_cpu(out, p->window, 0);
            return;
        case 3: step_simple(out, STEP_STORE, BALANCE, delta); return;
        case 4:
            /* The new balance is written: the update (the item) is done. */
            work_emit(&c->em, EV_ITEM_END, task, NULL, c->done[task] + 1, 0);
            if (!p->lock) continue;
            step_simple(out, STEP_UNLOCK, ACCOUNT, 0);
            return;
        case 5:
            c->done[task]++;
            if (!c->yields) continue;
            step_simple(out, STEP_YIELD, 0, 0);
            return;
        default:
            c->phase[task] = 0;
            out->kind = -1;
            return;
        }
    }
}

static void cb_next(struct workload *base, int task, int64_t now, const struct step_result *last,
                    struct step *out)
{
    struct checkbook *c = (struct checkbook *)base;
    const struct scene_checkbook *p = &c->sc->cb;
    const char *name = c->tasks[task].name;
    (void)now;
    (void)last;
    for (;;) {
        int64_t todo = task == 0 ? 1 : p->bills;
        if (c->phase[task] == 0) {
            if (c->done[task] == todo) {
                work_say(&c->em, task, "%s is done", name);
                step_simple(out, STEP_DONE, 0, 0);
                return;
            }
            char label[48];
            if (task == 0) {
                work_say(&c->em, task, "%s writes a check for %lld", name, (long long)p->check);
                snprintf(label, sizeof label, "check %lld", (long long)p->check);
            } else {
                work_say(&c->em, task, "%s pays bill %lld: %lld", name,
                         (long long)c->done[task] + 1, (long long)p->amount);
                snprintf(label, sizeof label, "bill %lld", (long long)c->done[task] + 1);
            }
            work_emit(&c->em, EV_ITEM_START, task, label, c->done[task] + 1, 0);
        }
        cb_update(c, task, task == 0 ? -p->check : -p->amount, out);
        if (out->kind >= 0) return;
    }
}

static void cb_finish(struct workload *base, int64_t now)
{
    struct checkbook *c = (struct checkbook *)base;
    const struct scene_checkbook *p = &c->sc->cb;
    (void)now;
    /* What the bank holds: every update applied. What the book says: the
     * shared variable as the last store left it. */
    int64_t expected = p->balance - p->check * c->done[0] - p->amount * c->done[1];
    int64_t actual = c->base.live_vars ? c->base.live_vars[BALANCE] : c->init[0];
    if (actual == expected)
        work_say(&c->em, -1, "Balance %lld: every update counted", (long long)actual);
    else
        work_say(&c->em, -1, "Balance in the book %lld, at the bank %lld: an update was lost%s",
                 (long long)actual, (long long)expected,
                 expected < 0 ? ", and it is overdrawn" : "");
    c->wrong = actual != expected;
    work_emit(&c->em, EV_RESULT, -1, "balance", expected, actual);
}

/* A lost update is the run's failure: the program computed a wrong
 * balance. */
static int cb_failures(const struct workload *base)
{
    return ((const struct checkbook *)base)->wrong;
}

static void cb_free(struct workload *base)
{
    free(base);
}

static struct workload *cb_create(const struct scene *sc, int strategy, const struct emitter *em)
{
    struct checkbook *c = xcalloc(1, sizeof *c);
    c->base.ops = &work_checkbook_ops;
    c->sc = sc;
    c->em = *em;
    c->yields = work_interleaves(strategy);
    c->init[0] = sc->cb.balance;
    for (int i = 0; i < 2; i++)
        c->tasks[i] = (struct workload_task){sc->workers[i], 0, ROLE_NONE};
    c->base.ntasks = 2;
    c->base.tasks = c->tasks;
    c->base.nres = 1;
    c->base.res_names = res_names;
    c->base.nvars = 1;
    c->base.var_names = var_names;
    c->base.var_init = c->init;
    return &c->base;
}

const struct workload_ops work_checkbook_ops = {
    .kind = "checkbook",
    .create = cb_create,
    .next = cb_next,
    .finish = cb_finish,
    .failures = cb_failures,
    .free = cb_free,
};

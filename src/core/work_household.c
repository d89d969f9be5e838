/*
 * work_household: the article's parent, who balances the checkbook, does
 * the laundry and keeps an eye on the kids, on one CPU (the parent).
 *
 *   Kids       call for attention at seeded random times until bedtime;
 *              each call needs `attention` of the parent. Highest priority.
 *   Laundry    for each load: load the washer (CPU), the washer runs by
 *              itself (a wait) and buzzes, move the load to the dryer
 *              (CPU), the dryer runs and buzzes, fold (CPU).
 *   Checkbook  `entries` entries of CPU work, with a yield point between
 *              entries (a generator's yield, an await asyncio.sleep(0)).
 *
 * Every piece of work is an item (ITEM_START .. ITEM_END): a kid's call, a
 * load of laundry from loading to folding, a checkbook entry.
 *
 * The tasks are listed kids first, so the synchronous parent watches the
 * kids until they sleep and does the rest "well into the night". Waits for
 * the kids and the machines have roles, so the summary can report how long
 * the kids waited for attention and how long finished machines stood
 * unattended.
 */
#include <stdio.h>
#include <stdlib.h>

#include "strategy.h"
#include "work_common.h"
#include "xalloc.h"

enum { KIDS, LAUNDRY, CHECKBOOK, NTASKS };

struct household {
    struct workload base;
    const struct scene *sc;
    struct emitter em;
    int yields; /* the program has yield points (coop, loop, threads) */
    uint64_t rng;
    /* Kids */
    int kid_phase, calls;
    int64_t next_call, answered;
    /* Laundry */
    int laundry_phase, load;
    int64_t machine_done;
    /* Checkbook */
    int book_phase;
    int64_t entry;
    struct workload_task tasks[NTASKS];
};

static void kids(struct household *h, int64_t now, struct step *out)
{
    const struct scene_household *p = &h->sc->house;
    for (;;) {
        switch (h->kid_phase) {
        case 0: /* the next call */
            /* It comes a while after the last one was answered, whether or
             * not the Kids task has the parent then: a generator put back in
             * line (coop) finds it already made when its turn comes. */
            h->next_call = h->answered + work_exp(&h->rng, p->kid_mean);
            if (h->next_call >= p->bedtime) {
                work_say(&h->em, KIDS, "Kids asleep after %d calls", h->calls);
                step_simple(out, STEP_DONE, 0, 0);
                return;
            }
            h->kid_phase = 1;
            if (h->next_call > now) {
                step_wait(out, BLOCK_EXTERNAL, h->next_call - now);
                return;
            }
            continue;
        case 1: { /* the parent comes */
            h->calls++;
            work_say(&h->em, KIDS, "Kids call %d at %.1f: attended after %.1f", h->calls,
                     units_of_ns(h->next_call), units_of_ns(now - h->next_call));
            /* A call: the summary's wait for attention is from value2. */
            struct event ev = event_make(EV_ITEM_START, 0, KIDS);
            ev.text = "call";
            ev.value = h->calls;
            ev.value2 = h->next_call;
            ev.reason = ITEM_CALL;
            h->em.emit(h->em.ctx, &ev);
            h->kid_phase = 2;
            step_cpu(out, p->attention, 0);
            return;
        }
        case 2:
            work_emit(&h->em, EV_ITEM_END, KIDS, NULL, h->calls, 0);
            h->answered = now;
            h->kid_phase = h->yields ? 3 : 0;
            if (h->yields) {
                step_simple(out, STEP_YIELD, 0, 0);
                return;
            }
            continue;
        case 3: h->kid_phase = 0; continue;
        }
    }
}

static void laundry(struct household *h, int64_t now, struct step *out)
{
    const struct scene_household *p = &h->sc->house;
    static const char *const stage[] = {"loads the washer", "moves the load to the dryer",
                                        "folds the load"};
    int ph = h->laundry_phase;
    if (ph % 2 == 0 && ph / 2 < 3) {
        /* Parent work: load, move or fold. */
        if (ph == 0) {
            if (h->load == (int)p->loads) {
                work_say(&h->em, LAUNDRY, "Laundry done: %d loads", h->load);
                step_simple(out, STEP_DONE, 0, 0);
                return;
            }
            h->load++;
            work_emit(&h->em, EV_ITEM_START, LAUNDRY, "load", h->load, 0);
        }
        if (ph == 0)
            work_say(&h->em, LAUNDRY, "Laundry: parent %s (load %d)", stage[0], h->load);
        else
            work_say(&h->em, LAUNDRY, "Laundry: %s buzzed at %.1f, parent %s after %.1f",
                     ph == 2 ? "washer" : "dryer", units_of_ns(h->machine_done), stage[ph / 2],
                     units_of_ns(now - h->machine_done));
        h->laundry_phase++;
        step_cpu(out, p->move, 0);
        return;
    }
    if (ph == 5) {
        /* Folded: the load is done; yield before the next one. */
        work_emit(&h->em, EV_ITEM_END, LAUNDRY, NULL, h->load, 0);
        h->laundry_phase = 0;
        if (h->yields) {
            step_simple(out, STEP_YIELD, 0, 0);
            return;
        }
        laundry(h, now, out);
        return;
    }
    /* ph 1 or 3: the machine runs by itself and buzzes when done. */
    int64_t dur = ph == 1 ? p->wash : p->dry;
    h->machine_done = now + dur;
    h->laundry_phase++;
    step_wait(out, BLOCK_IO, dur);
}

/* Each entry is an item: it starts with its CPU work and ends when that
 * work is done (the entry is written), before the yield that follows. */
static void checkbook(struct household *h, struct step *out)
{
    const struct scene_household *p = &h->sc->house;
    if (h->book_phase == 1) {
        work_emit(&h->em, EV_ITEM_END, CHECKBOOK, NULL, h->entry, 0);
        h->book_phase = 0;
        if (h->yields) {
            step_simple(out, STEP_YIELD, 0, 0);
            return;
        }
    }
    if (h->entry == p->entries) {
        work_say(&h->em, CHECKBOOK, "Checkbook balanced: %lld entries", (long long)h->entry);
        step_simple(out, STEP_DONE, 0, 0);
        return;
    }
    h->entry++;
    char label[32];
    snprintf(label, sizeof label, "entry %lld", (long long)h->entry);
    work_emit(&h->em, EV_ITEM_START, CHECKBOOK, label, h->entry, 0);
    h->book_phase = 1;
    step_cpu(out, p->entry, 0);
}

static void hh_next(struct workload *base, int task, int64_t now, const struct step_result *last,
                    struct step *out)
{
    struct household *h = (struct household *)base;
    (void)last;
    switch (task) {
    case KIDS: kids(h, now, out); break;
    case LAUNDRY: laundry(h, now, out); break;
    default: checkbook(h, out); break;
    }
}

static void hh_finish(struct workload *base, int64_t now)
{
    struct household *h = (struct household *)base;
    work_say(&h->em, -1, "Day done at %.1f", units_of_ns(now));
}

static int hh_failures(const struct workload *base)
{
    (void)base;
    return 0;
}

static void hh_free(struct workload *base)
{
    free(base);
}

static struct workload *hh_create(const struct scene *sc, int strategy, const struct emitter *em)
{
    struct household *h = xcalloc(1, sizeof *h);
    h->base.ops = &work_household_ops;
    h->sc = sc;
    h->em = *em;
    h->rng = sc->seed;
    h->yields = work_interleaves(strategy);
    h->tasks[KIDS] = (struct workload_task){"Kids", 2, ROLE_ATTENTION};
    h->tasks[LAUNDRY] = (struct workload_task){"Laundry", 1, ROLE_MACHINE};
    h->tasks[CHECKBOOK] = (struct workload_task){"Checkbook", 0, ROLE_NONE};
    h->base.ntasks = NTASKS;
    h->base.tasks = h->tasks;
    return &h->base;
}

const struct workload_ops work_household_ops = {
    .kind = "household",
    .create = hh_create,
    .next = hh_next,
    .finish = hh_finish,
    .failures = hh_failures,
    .free = hh_free,
};

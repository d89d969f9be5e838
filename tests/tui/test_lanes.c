/*
 * Lanes that tell the truth, for every shipped scene under every strategy:
 * a CPU lane shows the task holding that CPU, including a task blocked in
 * a call that keeps its thread (sync, coop), so a CPU is never drawn idle
 * while a task holds it. The holder is worked out here from the events
 * alone (RUN takes a CPU; YIELD, PREEMPT, TASK_DONE and a BLOCK that does
 * not stall the thread give it back) and compared with the run model over
 * every stretch of time between two events.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/scene.h"
#include "core/sim.h"
#include "core/strategy.h"
#include "core/xalloc.h"
#include "ui/model.h"

struct rec {
    struct event *ev;
    size_t n, cap;
};

static void rec_sink(void *ctx, const struct event *ev)
{
    struct rec *r = ctx;
    r->ev = xgrow(r->ev, &r->cap, r->n + 1, sizeof *r->ev);
    r->ev[r->n] = *ev;
    r->ev[r->n++].text = NULL;
}

#define MAXCPU 64

/* Checks one run; returns the number of stretches compared. */
static size_t check_run(const char *path, int strategy)
{
    struct err e;
    struct scene *sc = scene_load(path, &e);
    assert_non_null(sc);
    struct rec r = {0};
    struct model m;
    model_init(&m);
    struct bus bus;
    bus_init(&bus);
    bus_attach(&bus, model_sink, &m);
    bus_attach(&bus, rec_sink, &r);
    struct sim *s = sim_new(sc, strategy, &bus);
    sim_run(s);
    sim_free(s);
    int holder[MAXCPU], blocked[MAXCPU];
    for (int c = 0; c < MAXCPU; c++)
        holder[c] = -1, blocked[c] = 0;
    size_t checked = 0, checks = 0, costly = 0;
    /* A poll check that costs time keeps the idle cpu0 busy until done,
     * spent on the task checked (the totals count it as busy). */
    int64_t check_end = -1;
    int check_task = -1;
    for (size_t i = 0; i < r.n; i++) {
        const struct event *ev = &r.ev[i];
        switch (ev->kind) {
        case EV_POLL:
            if (ev->value > 0 && holder[0] < 0) {
                costly++;
                check_end = ev->t + ev->value;
                check_task = ev->task;
            }
            break;
        case EV_RUN:
            if (ev->cpu >= 0 && ev->cpu < MAXCPU) holder[ev->cpu] = ev->task, blocked[ev->cpu] = 0;
            break;
        case EV_BLOCK:
        case EV_YIELD:
        case EV_PREEMPT:
        case EV_TASK_DONE:
            for (int c = 0; c < MAXCPU; c++)
                if (holder[c] == ev->task) {
                    if (ev->kind == EV_BLOCK && ev->other == 1)
                        blocked[c] = 1;
                    else
                        holder[c] = -1;
                }
            break;
        case EV_WAKE:
            for (int c = 0; c < MAXCPU; c++)
                if (holder[c] == ev->task) blocked[c] = 0;
            break;
        default: break;
        }
        if (i + 1 == r.n || r.ev[i + 1].t == ev->t) continue;
        /* The stretch's inside: a zero-length run at its start (drawn, so
         * that a brief run shows) is not a holder over the stretch. */
        int64_t t0 = ev->t + 1, t1 = r.ev[i + 1].t;
        for (int c = 0; c < m.ncpu && c < MAXCPU; c++) {
            int sw, held;
            int got = model_cpu_cell(&m.cpus[c], t0, t1, m.now, &sw, &held);
            int want = holder[c];
            /* A round of checks back to back is one span, naming its last. */
            int checking = want < 0 && c == 0 && t0 < check_end;
            if (checking) want = got >= 0 ? got : check_task;
            if (got != want) {
                fprintf(stderr, "%s %s cpu%d [%.3f, %.3f): model says %d, events say %d\n", path,
                        strategy_name(strategy), c, units_of_ns(t0), units_of_ns(t1), got, want);
                fail();
            }
            if (checking) {
                assert_int_equal(held, MODEL_CPU_CHECK);
                checks++;
            }
            /* Held, not running: a task blocked in a call that kept its
             * thread. (Woken but not yet run again counts as held too.) */
            if (holder[c] >= 0 && blocked[c]) assert_int_equal(held, MODEL_CPU_HELD);
            checked++;
        }
    }
    /* Checks that cost time are drawn on cpu0 (checked above, stretch by
     * stretch); household and webserver have them. */
    if (costly) assert_true(checks > 0);
    if (strategy == strategy_find("poll") && strstr(path, "household")) assert_true(costly > 10);
    free(r.ev);
    model_done(&m);
    scene_free(sc);
    return checked;
}

static void lanes__a_cpu_held_by_a_task_is_never_drawn_idle(void **state)
{
    (void)state;
    struct scene_catalog cat;
    assert_true(scene_catalog_load(&cat) >= 8);
    size_t total = 0;
    for (size_t i = 0; i < cat.n; i++)
        for (int s = 0; s < STRATEGY_COUNT; s++)
            total += check_run(cat.paths[i], s);
    assert_true(total > 1000);
    scene_catalog_free(&cat);
}

/* The article's example 3: under coop One's time.sleep holds the only
 * thread; cpu0 shows One holding it while Two waits, never idle. */
static void lanes__coop_sleep_holds_cpu0(void **state)
{
    (void)state;
    char *path = scene_resolve("sleep");
    assert_non_null(path);
    struct err e;
    struct scene *sc = scene_load(path, &e);
    assert_non_null(sc);
    struct model m;
    model_init(&m);
    struct bus bus;
    bus_init(&bus);
    bus_attach(&bus, model_sink, &m);
    struct sim *s = sim_new(sc, strategy_find("coop"), &bus);
    sim_advance(s, 8 * UNIT_NS);
    sim_free(s);
    int sw, held;
    assert_int_equal(model_cpu_cell(&m.cpus[0], 2 * UNIT_NS, 3 * UNIT_NS, 8 * UNIT_NS, &sw, &held),
                     0);
    assert_int_equal(held, 1);
    model_done(&m);
    scene_free(sc);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lanes__a_cpu_held_by_a_task_is_never_drawn_idle),
        cmocka_unit_test(lanes__coop_sleep_holds_cpu0),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

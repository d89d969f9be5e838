/*
 * Stop requests (bus_set_stop): the engine must notice one within a few
 * thousand events even when they all happen in one instant (a million coop
 * or sync tasks that finish at time 0 run inside one action), and a run
 * that stops is over (sim_finished) but unended: no RUN_END, no stall
 * reported.
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

struct watch {
    struct bus *bus;
    uint64_t stop_at; /* ask to stop once this many events are out */
    int run_end;
};

static void watch_sink(void *ctx, const struct event *ev)
{
    struct watch *w = ctx;
    if (ev->kind == EV_RUN_END) w->run_end = 1;
}

static int watch_stop(void *ctx)
{
    struct watch *w = ctx;
    return w->bus->seq >= w->stop_at;
}

/* 100,000 workers that each take at most one item: all but one find the
 * queue empty and finish at time 0, inside one action. */
static const char many[] = "[scene]\nkind = queue\n[workers]\ncount = 100000\n"
                           "[queue]\nwork = sleep\nitems = 1\n";

/* Runs many under strategy, instant by instant as the headless run does,
 * asking to stop after stop_at events; returns the events emitted. */
static uint64_t run_stopped(const char *strategy, uint64_t stop_at, int *failed, int *ended)
{
    struct err e;
    struct scene *sc = scene_parse("many.ini", many, &e);
    assert_non_null(sc);
    struct bus bus;
    bus_init(&bus);
    struct watch w = {&bus, stop_at, 0};
    bus_attach(&bus, watch_sink, &w);
    bus_set_stop(&bus, watch_stop, &w);
    struct sim *s = sim_new(sc, strategy_find(strategy), &bus);
    for (int i = 0; i < 1000 && !sim_finished(s) && !bus.stopped; i++) {
        int64_t next = sim_next_time(s);
        sim_advance(s, next < 0 ? INT64_MAX : next);
    }
    assert_true(bus.stopped);
    assert_true(sim_finished(s)); /* over: nothing more to advance */
    *failed = sim_failed(s);
    *ended = w.run_end;
    sim_free(s);
    scene_free(sc);
    return bus.seq;
}

static void check_stops_inside(const char *strategy)
{
    /* 100,000 TASK_NEW events come first: stop once in the long instant. */
    int failed, ended;
    uint64_t n = run_stopped(strategy, 150000, &failed, &ended);
    assert_false(failed);
    assert_false(ended);
    assert_true(n >= 150000);
    assert_true(n < 150000 + 2048 * 8); /* a step is a few events */
}

static void coop__stops_inside_one_long_instant(void **state)
{
    (void)state;
    check_stops_inside("coop");
}

static void sync__stops_inside_one_long_instant(void **state)
{
    (void)state;
    check_stops_inside("sync");
}

static void loop__stops_between_actions_of_one_instant(void **state)
{
    (void)state;
    check_stops_inside("loop");
}

static void sim__stops_while_announcing_tasks(void **state)
{
    (void)state;
    int failed, ended;
    uint64_t n = run_stopped("coop", 5000, &failed, &ended);
    assert_false(failed);
    assert_false(ended);
    assert_true(n >= 5000 && n < 5000 + 2048);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(coop__stops_inside_one_long_instant),
        cmocka_unit_test(sync__stops_inside_one_long_instant),
        cmocka_unit_test(loop__stops_between_actions_of_one_instant),
        cmocka_unit_test(sim__stops_while_announcing_tasks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Real runner tests: every strategy runs the article's sleep and HTTP
 * scenes for real (small time scales, the embedded server on loopback) and
 * prints what the simulation prints, in the same order, up to the measured
 * numbers; the event stream has the simulation's shape (RUN_START marked
 * real, TASK_STATS with the OS view, RUN_END last); failures end items and
 * fail the run; cancel stops a run at once; and the caller's loop closes
 * cleanly after real_run_free.
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
#include "exec/evq.h"
#include "exec/real.h"

static const char sleep_scene[] = "[scene]\nkind = queue\n[workers]\nnames = One, Two\n"
                                  "[queue]\nwork = sleep\nitems = 15, 10, 5, 2\n";

static const char http_scene[] =
    "[scene]\nkind = queue\n[workers]\nnames = One, Two\n[queue]\nwork = http\n"
    "server = embedded\ntimeout = 20\n"
    "urls = ${server}/delay/300, ${server}/delay/800, ${server}/delay/400,\n"
    "  ${server}/delay/300, ${server}/delay/500, ${server}/delay/500, ${server}/delay/400\n";

static const char fail_scene[] =
    "[scene]\nkind = queue\n[workers]\nnames = One, Two\n[queue]\nwork = http\n"
    "server = embedded\ntimeout = 10\n"
    "urls = ${server}/status/500, ${server}/delay/100, ${server}/delay/60000,\n"
    "  ${server}/reset/1000, ${server}/bytes/10\n";

#define MAX_LINES 64

struct capture {
    char *lines[MAX_LINES];
    int n;
    int kinds[EV__COUNT];
    int first_kind, last_kind;
    int real_clock;
    int64_t last_t;
    int time_ordered;
    int stats_tasks;
};

/* A LOG line with each number replaced by '#', so that measured times
 * compare equal to simulated ones. */
static char *mask(const char *s)
{
    static const char local[] = "http://127.0.0.1:";
    char *out = malloc(strlen(s) + 1), *o = out;
    while (*s) {
        if (strncmp(s, local, sizeof local - 1) == 0) {
            /* A real run prints the embedded server's address where the
             * scene (and so the simulation) says ${server}. */
            s += sizeof local - 1;
            while (*s >= '0' && *s <= '9')
                s++;
            memcpy(o, "${server}", 9);
            o += 9;
        } else if (*s >= '0' && *s <= '9') {
            while ((*s >= '0' && *s <= '9') || (*s == '.' && s[1] >= '0' && s[1] <= '9'))
                s++;
            *o++ = '#';
        } else
            *o++ = *s++;
    }
    *o = '\0';
    return out;
}

static void capture_sink(void *ctx, const struct event *ev)
{
    struct capture *c = ctx;
    if (c->kinds[EV_RUN_START] == 0 && ev->kind != EV_RUN_START) c->first_kind = -1;
    c->kinds[ev->kind]++;
    c->last_kind = ev->kind;
    if (ev->t < c->last_t) c->time_ordered = 0;
    c->last_t = ev->t;
    if (ev->kind == EV_RUN_START) c->real_clock = ev->value2 == 1;
    if (ev->kind == EV_TASK_STATS && ev->task >= 0) c->stats_tasks++;
    if (ev->kind == EV_LOG && c->n < MAX_LINES) c->lines[c->n++] = mask(ev->text ? ev->text : "");
}

static void capture_free(struct capture *c)
{
    for (int i = 0; i < c->n; i++)
        free(c->lines[i]);
}

static struct scene *parse(const char *text)
{
    struct err e;
    struct scene *sc = scene_parse("t.ini", text, &e);
    if (!sc) fail_msg("%s", e.msg);
    return sc;
}

static void simulate(const struct scene *sc, int strategy, struct capture *c)
{
    struct bus bus;
    bus_init(&bus);
    memset(c, 0, sizeof *c);
    c->time_ordered = 1;
    bus_attach(&bus, capture_sink, c);
    struct sim *s = sim_new(sc, strategy, &bus);
    sim_run(s);
    sim_free(s);
}

/* Runs sc for real with events delivered on a uv loop; returns whether
 * the run failed. Proves the loop closes cleanly afterwards. */
static int run_real(const struct scene *sc, int strategy, double scale, struct capture *c)
{
    struct bus bus;
    bus_init(&bus);
    memset(c, 0, sizeof *c);
    c->time_ordered = 1;
    bus_attach(&bus, capture_sink, c);
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct real_opts ro = {.time_scale = scale};
    struct err e;
    struct real_run *r = real_run_start(sc, strategy, &ro, &bus, &loop, &e);
    if (!r) fail_msg("%s", e.msg);
    while (!real_run_finished(r))
        uv_run(&loop, UV_RUN_ONCE);
    real_run_free(r);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
    return c->last_kind == EV_RUN_END ? 0 : -1;
}

static void assert_real_shape(const struct capture *c, int ntasks)
{
    assert_true(c->real_clock);
    assert_int_equal(c->first_kind, 0);
    assert_int_equal(c->last_kind, EV_RUN_END);
    assert_int_equal(c->kinds[EV_RUN_START], 1);
    assert_int_equal(c->kinds[EV_RUN_END], 1);
    assert_int_equal(c->kinds[EV_TASK_NEW], ntasks);
    assert_int_equal(c->kinds[EV_TASK_DONE], ntasks);
    assert_int_equal(c->stats_tasks, ntasks);
    assert_true(c->time_ordered);
}

/* Compares two lines, ignoring the task's name after "Task " when
 * anonymous is set. */
static int same_line(const char *a, const char *b, int anonymous)
{
    if (anonymous && strncmp(a, "Task ", 5) == 0 && strncmp(b, "Task ", 5) == 0) {
        const char *ra = strchr(a + 5, ' '), *rb = strchr(b + 5, ' ');
        if (ra && rb) return strcmp(ra, rb) == 0;
    }
    return strcmp(a, b) == 0;
}

/* Same lines as the simulation; for threads, whose interleaving is the
 * OS's, the same lines in some order, and whichever thread is free takes
 * the next item, so which task prints a line is the OS's choice too. */
static void assert_same_lines(const struct capture *sim, const struct capture *real, int ordered)
{
    assert_int_equal(real->n, sim->n);
    int used[MAX_LINES] = {0};
    for (int i = 0; i < sim->n; i++) {
        if (ordered) {
            if (strcmp(sim->lines[i], real->lines[i]) != 0)
                fail_msg("line %d: simulated '%s', real '%s'", i + 1, sim->lines[i],
                         real->lines[i]);
            continue;
        }
        int found = 0;
        for (int j = 0; j < real->n && !found; j++)
            if (!used[j] && same_line(sim->lines[i], real->lines[j], 1)) used[j] = found = 1;
        if (!found) fail_msg("simulated line '%s' missing from the real run", sim->lines[i]);
    }
}

static void check_scene_all_strategies(const char *text, double scale)
{
    struct scene *sc = parse(text);
    for (int s = 0; s < STRATEGY_COUNT; s++) {
        struct capture sim, real;
        simulate(sc, s, &sim);
        run_real(sc, s, scale, &real);
        assert_real_shape(&real, 2);
        assert_same_lines(&sim, &real, s != strategy_find("threads"));
        capture_free(&sim);
        capture_free(&real);
    }
    scene_free(sc);
}

static void real__sleep_scene_prints_the_simulated_lines_under_every_strategy(void **state)
{
    (void)state;
    check_scene_all_strategies(sleep_scene, 0.02);
}

static void real__http_scene_prints_the_simulated_lines_under_every_strategy(void **state)
{
    (void)state;
    /* Fetches end 100 ms of scene time apart: 100 ms for real, a margin
     * that a sanitizer on a machine at 4x its cores of load does not eat
     * into (30 ms did). */
    check_scene_all_strategies(http_scene, 1.0);
}

static void real__loop_overlaps_fetches_and_sync_does_not(void **state)
{
    (void)state;
    struct scene *sc = parse(http_scene);
    struct capture a, b;
    run_real(sc, strategy_find("loop"), 0.1, &a);
    run_real(sc, strategy_find("sync"), 0.1, &b);
    /* Under loop Two starts fetching while One waits; under sync One's
     * fetch ends before anything else happens. */
    assert_string_equal(a.lines[1], "Task Two getting URL: ${server}/delay/#");
    assert_string_equal(b.lines[1], "Task One elapsed time: #");
    capture_free(&a);
    capture_free(&b);
    scene_free(sc);
}

static void real__failures_end_their_items_and_fail_the_run(void **state)
{
    (void)state;
    struct scene *sc = parse(fail_scene);
    const char *const names[] = {"sync", "poll", "threads", "loop"};
    for (size_t k = 0; k < 4; k++) {
        struct capture c;
        run_real(sc, strategy_find(names[k]), 0.05, &c);
        assert_real_shape(&c, 2);
        int http500 = 0, timeout = 0, reset = 0, ok = 0;
        for (int i = 0; i < c.n; i++) {
            if (strstr(c.lines[i], "/status/#: HTTP #")) http500++;
            if (strstr(c.lines[i], "/delay/#: timeout")) timeout++;
            if (strstr(c.lines[i], "/reset/#: connection reset mid-body")) reset++;
            if (strncmp(c.lines[i], "Task ", 5) == 0 && strstr(c.lines[i], "elapsed time: #")) ok++;
        }
        assert_int_equal(http500, 1);
        assert_int_equal(timeout, 1);
        assert_int_equal(reset, 1);
        assert_int_equal(ok, 2);
        assert_int_equal(c.kinds[EV_HTTP_DONE], 5);
        capture_free(&c);
    }
    scene_free(sc);
}

static void real__cancel_stops_a_run_in_flight(void **state)
{
    (void)state;
    struct scene *sc = parse("[scene]\nkind = queue\n[workers]\nnames = One, Two\n[queue]\n"
                             "work = http\nserver = embedded\n"
                             "urls = ${server}/delay/60000, ${server}/delay/60000\n");
    struct scene *sl = parse("[scene]\nkind = queue\n[workers]\nnames = One, Two\n[queue]\n"
                             "work = sleep\nitems = 600, 600\n");
    for (int s = 0; s < STRATEGY_COUNT; s++) {
        for (int k = 0; k < 2; k++) {
            struct bus bus;
            struct capture c;
            bus_init(&bus);
            memset(&c, 0, sizeof c);
            bus_attach(&bus, capture_sink, &c);
            struct real_opts ro = {.time_scale = 1};
            struct err e;
            struct real_run *r = real_run_start(k ? sl : sc, s, &ro, &bus, NULL, &e);
            assert_non_null(r);
            /* Without a loop: drain by hand until both are waiting. */
            int64_t until = evq_mono_ns() + INT64_C(100000000);
            while (evq_mono_ns() < until)
                real_run_drain(r);
            real_run_cancel(r);
            int64_t give_up = evq_mono_ns() + INT64_C(10000000000);
            while (!real_run_finished(r) && evq_mono_ns() < give_up)
                real_run_drain(r);
            assert_true(real_run_finished(r));
            assert_int_equal(c.last_kind, EV_RUN_END);
            real_run_free(r);
            capture_free(&c);
        }
    }
    scene_free(sc);
    scene_free(sl);
}

static void real__server_variable_without_a_server_is_refused(void **state)
{
    (void)state;
    struct scene *sc = parse("[scene]\nkind = queue\n[workers]\nnames = One\n[queue]\n"
                             "work = http\nurls = ${server}/delay/1\n");
    struct bus bus;
    bus_init(&bus);
    struct err e;
    assert_null(real_run_start(sc, 0, NULL, &bus, NULL, &e));
    assert_non_null(strstr(e.msg, "server = embedded"));
    scene_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(real__sleep_scene_prints_the_simulated_lines_under_every_strategy),
        cmocka_unit_test(real__http_scene_prints_the_simulated_lines_under_every_strategy),
        cmocka_unit_test(real__loop_overlaps_fetches_and_sync_does_not),
        cmocka_unit_test(real__failures_end_their_items_and_fail_the_run),
        cmocka_unit_test(real__cancel_stops_a_run_in_flight),
        cmocka_unit_test(real__server_variable_without_a_server_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

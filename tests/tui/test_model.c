/*
 * Run model, canvas, key table and app tests, without a terminal: the run
 * model's spans, cells, bounds, warnings and "why not running" lines; the
 * canvas's clipping; the key table's integrity; and whole screens drawn
 * by panels_draw from an app driven like the TUI drives it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/scene.h"
#include "core/sim.h"
#include "core/strategy.h"
#include "ui/app.h"
#include "ui/canvas.h"
#include "ui/keys.h"
#include "ui/model.h"
#include "ui/panels.h"
#include "ui/theme.h"

#define U(x) ((int64_t)((x)*1e9 + 0.5))

static const char sleep_scene[] = "[scene]\ntitle = t\nkind = queue\n[workers]\nnames = One, Two\n"
                                  "[queue]\nwork = sleep\nitems = 15, 10, 5, 2\n";
static const char count_scene[] = "[scene]\ntitle = t\nkind = queue\n[workers]\nnames = One, Two\n"
                                  "[queue]\nwork = count\nitems = 15, 10, 5, 2\nstep = 0.1\n";

static struct scene *parse(const char *text)
{
    struct err e;
    struct scene *sc = scene_parse("test.ini", text, &e);
    assert_non_null(sc);
    return sc;
}

/* Runs text under strategy up to t (or to the end with t < 0) into m. */
static void run_to(struct model *m, const char *text, const char *strategy, int64_t t)
{
    struct scene *sc = parse(text);
    struct bus bus;
    bus_init(&bus);
    model_init(m);
    bus_attach(&bus, model_sink, m);
    struct sim *s = sim_new(sc, strategy_find(strategy), &bus);
    if (t < 0)
        sim_run(s);
    else
        sim_advance(s, t);
    sim_free(s);
    scene_free(sc);
}

static void model__spans_tile_each_tasks_lifetime(void **state)
{
    (void)state;
    struct model m;
    run_to(&m, sleep_scene, "coop", -1);
    assert_true(m.ended);
    assert_int_equal(m.total, U(32));
    for (size_t i = 0; i < m.ntasks; i++) {
        const struct model_task *tk = &m.tasks[i];
        for (size_t k = 1; k < tk->nspans; k++)
            assert_int_equal(tk->spans[k].t0, tk->spans[k - 1].t1);
        int64_t sum = 0;
        for (int s = 0; s < TASK__COUNT; s++)
            if (s != TASK_DONE) sum += model_task_time(tk, s, -1, m.total);
        /* Same totals as the stats sink. */
        assert_int_equal(model_task_time(tk, TASK_RUNNING, -1, m.total), m.st.tasks[i].running);
        assert_int_equal(model_task_time(tk, TASK_READY, -1, m.total), m.st.tasks[i].ready);
        assert_int_equal(model_task_time(tk, TASK_BLOCKED, -1, m.total), m.st.tasks[i].blocked);
        assert_int_equal(sum, m.st.tasks[i].end);
    }
    model_done(&m);
}

static void model__cells_show_brief_runs_and_the_main_state(void **state)
{
    (void)state;
    struct model m;
    run_to(&m, sleep_scene, "loop", U(8));
    int st, rs;
    /* One runs for no time at 0, then sleeps. */
    assert_int_equal(model_task_cell(&m.tasks[0], 0, U(0.1), U(8), &st, &rs), 2);
    assert_int_equal(st, TASK_RUNNING);
    assert_true(model_task_cell(&m.tasks[0], U(1), U(2), U(8), &st, &rs));
    assert_int_equal(st, TASK_BLOCKED);
    assert_int_equal(rs, BLOCK_SLEEP);
    /* Nothing is known after the play head. */
    assert_false(model_task_cell(&m.tasks[0], U(9), U(10), U(8), &st, &rs));
    int sw, held;
    assert_int_equal(model_cpu_cell(&m.cpus[0], U(1), U(2), U(8), &sw, &held), -1);
    assert_int_equal(sw, 0);
    assert_int_equal(model_cpu_cell(&m.cpus[0], U(9), U(10), U(8), &sw, &held), -2);
    model_done(&m);
    run_to(&m, sleep_scene, "sync", U(5));
    assert_true(model_task_cell(&m.tasks[1], U(1), U(2), U(5), &st, &rs));
    assert_int_equal(st, TASK_READY);
    model_done(&m);
}

static void emit(struct model *m, int kind, int64_t t, int task)
{
    struct event ev = event_make(kind, t, task);
    ev.cpu = 0;
    ev.text = kind == EV_TASK_NEW ? "T" : kind == EV_RUN_START ? "threads" : "line";
    ev.value = kind == EV_RUN_START ? 1 : 0;
    model_sink(m, &ev);
}

static void model__stays_bounded_on_long_runs(void **state)
{
    (void)state;
    struct model m;
    model_init(&m);
    emit(&m, EV_RUN_START, 0, -1);
    emit(&m, EV_TASK_NEW, 0, 0);
    int64_t t = 0;
    for (int i = 0; i < 200000; i++) {
        emit(&m, EV_RUN, t, 0);
        t += 10;
        emit(&m, EV_PREEMPT, t, 0);
        emit(&m, EV_LOG, t, 0);
        t += 10;
    }
    assert_true(m.tasks[0].nspans <= MODEL_MAX_SPANS + 1);
    assert_true(m.cpus[0].nspans <= MODEL_MAX_SPANS + 1);
    assert_int_equal(m.nlog, MODEL_MAX_LOG);
    assert_int_equal(m.log_dropped, 200000 - MODEL_MAX_LOG);
    /* Coalesced spans still tile the whole run. */
    assert_int_equal(m.tasks[0].spans[0].t0, 0);
    for (size_t k = 1; k < m.tasks[0].nspans; k++)
        assert_int_equal(m.tasks[0].spans[k].t0, m.tasks[0].spans[k - 1].t1);
    /* Totals are kept exactly by the stats sink. */
    assert_int_equal(m.st.tasks[0].running, 200000 * 10);
    model_done(&m);
}

static void model__says_why_a_task_is_not_running(void **state)
{
    (void)state;
    struct model m;
    char buf[256];
    run_to(&m, sleep_scene, "coop", U(5));
    model_task_why(&m, 1, U(5), buf, sizeof buf);
    assert_string_equal(buf, "stalled by a blocking call in One (sleep)");
    model_task_why(&m, 0, U(5), buf, sizeof buf);
    assert_string_equal(buf, "sleeping until 15.0, holding its thread");
    model_done(&m);
    run_to(&m, count_scene, "sync", U(1));
    model_task_why(&m, 1, U(1), buf, sizeof buf);
    assert_string_equal(buf, "waiting for the CPU behind One");
    model_task_why(&m, 0, U(1), buf, sizeof buf);
    assert_string_equal(buf, "running on CPU 0");
    model_done(&m);
    run_to(&m, sleep_scene, "loop", -1);
    model_task_why(&m, 0, m.total, buf, sizeof buf);
    assert_string_equal(buf, "finished at 17.0");
    model_done(&m);
}

static void model__warns_like_a_linter(void **state)
{
    (void)state;
    struct model m;
    char w[6][160];
    run_to(&m, sleep_scene, "coop", -1);
    assert_int_equal(model_task_warnings(&m, 0, m.total, w, 6), 1);
    assert_string_equal(w[0], "held the thread 15.0 without yielding");
    model_done(&m);
    run_to(&m, sleep_scene, "poll", -1);
    assert_int_equal(model_task_warnings(&m, 0, m.total, w, 6), 1);
    assert_true(strncmp(w[0], "most checks wasted", 18) == 0);
    model_done(&m);
    run_to(&m, sleep_scene, "loop", -1);
    assert_int_equal(model_task_warnings(&m, 0, m.total, w, 6), 0);
    model_done(&m);
    run_to(&m, count_scene, "loop", -1);
    assert_int_equal(model_task_warnings(&m, 0, m.total, w, 6), 1);
    assert_true(strncmp(w[0], "blocked the event loop for", 26) == 0);
    model_done(&m);
}

static void canvas__clips_and_counts_utf8_cells(void **state)
{
    (void)state;
    struct canvas c = {0};
    canvas_resize(&c, 6, 2);
    assert_int_equal(canvas_put(&c, 0, 0, 0, "a\u2588b", -1), 3);
    assert_int_equal(canvas_put(&c, 4, 1, 0, "xyz", -1), 2);
    canvas_put(&c, 2, 5, 0, "outside", -1);
    canvas_put(&c, 0, 1, 0, "\t", 1); /* ^I, clipped to one cell */
    char buf[64];
    canvas_row_text(&c, 0, buf, sizeof buf);
    assert_string_equal(buf, "a\u2588b");
    canvas_row_text(&c, 1, buf, sizeof buf);
    assert_string_equal(buf, "^   xy");
    assert_int_equal(canvas_width("\u2588\u2591x"), 3);
    /* An escape sequence in a name is shown, not obeyed; C1 CSI too. */
    canvas_resize(&c, 16, 1);
    assert_int_equal(canvas_put(&c, 0, 0, 0,
                                "\x1b[31mA\xc2\x9b"
                                "2J",
                                -1),
                     10);
    canvas_row_text(&c, 0, buf, sizeof buf);
    assert_string_equal(buf, "^[[31mA?2J");
    assert_int_equal(canvas_width("\x1b[0m"), 5);
    canvas_done(&c);
}

static void keys__every_code_has_one_binding_and_help(void **state)
{
    (void)state;
    for (size_t i = 0; i < keys_count; i++) {
        assert_non_null(keys_table[i].label);
        assert_non_null(keys_table[i].help);
        for (int k = 0; k < KEYS_MAX_CODES && keys_table[i].codes[k]; k++)
            for (size_t j = i + 1; j < keys_count; j++)
                for (int l = 0; l < KEYS_MAX_CODES && keys_table[j].codes[l]; l++)
                    if ((keys_table[i].where & keys_table[j].where))
                        assert_int_not_equal(keys_table[i].codes[k], keys_table[j].codes[l]);
    }
}

/* Finds a row of the screen containing needle. */
static int screen_has(const struct canvas *c, const char *needle)
{
    char buf[2048];
    for (int y = 0; y < c->rows; y++) {
        canvas_row_text(c, y, buf, sizeof buf);
        if (strstr(buf, needle)) return 1;
    }
    return 0;
}

static void app__switching_strategies_builds_the_session_line(void **state)
{
    (void)state;
    theme_set_utf8(0);
    struct scene *sc = parse(sleep_scene);
    struct tui_opts o = {.sc = sc, .strategy = strategy_find("loop"), .time_scale = 1};
    struct app a;
    assert_int_equal(app_init(&a, &o, NULL), 0);
    struct canvas c = {0};
    canvas_resize(&c, 140, 40);
    const char *order[] = {"sync", "coop", "loop"};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(keys_dispatch(&a, '1' + strategy_find(order[i])) & KEYS_REDRAW,
                         KEYS_REDRAW);
        /* x1 plays the first run shown (loop, 17 units) in ten seconds:
         * sync and coop (32 units) take about 19. */
        for (int f = 0; f < 600 && !app_finished(&a); f++)
            app_tick(&a, 33000000);
        assert_true(app_finished(&a));
    }
    panels_draw(&c, &a);
    /* The first run was left unfinished, so it is not in the line. */
    assert_true(screen_has(&c, "session  sync 32.0 - coop 32.0 - loop 17.0"));
    /* Compare: five rows. */
    keys_dispatch(&a, 'c');
    panels_draw(&c, &a);
    for (int i = 0; i < STRATEGY_COUNT; i++) {
        char row[32];
        snprintf(row, sizeof row, "| %-9s", strategy_name(i));
        assert_true(screen_has(&c, row));
    }
    /* Stepping back one event and forward again lands where it was. */
    keys_dispatch(&a, 27);
    size_t fed = a.fed;
    keys_dispatch(&a, ',');
    assert_int_equal(a.fed, fed - 1);
    keys_dispatch(&a, '.');
    assert_int_equal(a.fed, fed);
    assert_true(a.model.ended);
    canvas_done(&c);
    app_done(&a);
    scene_free(sc);
}

/* The view is fed only by the run it shows: no hidden simulation of the
 * other strategies until the compare view asks, and the axis is the
 * length of the run on screen. */
static void app__the_view_comes_from_the_run_it_shows(void **state)
{
    (void)state;
    struct scene *sc = parse(sleep_scene);
    struct tui_opts o = {.sc = sc, .strategy = strategy_find("loop"), .time_scale = 1};
    struct app a;
    assert_int_equal(app_init(&a, &o, NULL), 0);
    assert_false(a.have_compare);
    assert_int_equal(a.estimate, U(17));
    double speed = app_speed(&a);
    keys_dispatch(&a, '1' + strategy_find("coop"));
    assert_false(a.have_compare);
    assert_int_equal(a.estimate, U(32));
    /* Units per second stay those of the first run. */
    assert_true(app_speed(&a) == speed);
    keys_dispatch(&a, 'c');
    assert_true(a.have_compare);
    app_done(&a);
    scene_free(sc);
}

static void app__plays_sleep_under_loop_in_about_ten_seconds(void **state)
{
    (void)state;
    struct scene *sc = parse(sleep_scene);
    sc->strategy = strategy_find("loop"); /* as scenes/sleep.ini says */
    struct tui_opts o = {.sc = sc, .strategy = sc->strategy, .time_scale = 1};
    struct app a;
    assert_int_equal(app_init(&a, &o, NULL), 0);
    int frames = 0;
    while (!app_finished(&a) && frames < 10000) {
        app_tick(&a, 33000000); /* one 33 ms frame of wall time */
        frames++;
    }
    /* 17 units in 10 s of frames (303), give or take a frame. */
    assert_in_range(frames, 300, 305);
    assert_int_equal(a.playhead, U(17));
    /* Paused, time stands still. */
    a.paused = 1;
    app_seek(&a, U(3));
    assert_int_equal(app_tick(&a, 33000000), 0);
    assert_int_equal(a.playhead, U(3));
    app_done(&a);
    scene_free(sc);
}

/* Draws app a at time t on a fresh canvas. */
static void draw_at(struct app *a, struct canvas *c, int64_t t)
{
    app_seek(a, t);
    canvas_resize(c, 120, 30);
    panels_draw(c, a);
}

static void app__a_replay_draws_the_same_screens_as_the_live_run(void **state)
{
    (void)state;
    theme_set_utf8(1);
    struct scene *sc = parse(count_scene);
    struct tui_opts o = {.sc = sc, .strategy = strategy_find("threads"), .time_scale = 1};
    struct app live;
    assert_int_equal(app_init(&live, &o, NULL), 0);
    app_seek(&live, INT64_MAX / 4);
    char dir[] = "/tmp/juggle-tui-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(dir), 0);
    app_write_trace(&live);
    assert_true(strncmp(live.status, "wrote juggle-test-threads-1.jsonl", 33) == 0);
    char path[4200];
    snprintf(path, sizeof path, "%s/juggle-test-threads-1.jsonl", dir);
    assert_int_equal(chdir(cwd), 0);

    struct tui_opts r = {.replay = path, .time_scale = 1};
    struct app rep;
    assert_int_equal(app_init(&rep, &r, NULL), 0);
    struct canvas c1 = {0}, c2 = {0};
    /* Forward, then backward (a seek that rebuilds the model). */
    static const double at[] = {0.5, 2.1, 3.2, 1.0, 0.0, 2.7};
    char b1[2048], b2[2048];
    for (size_t k = 0; k < sizeof at / sizeof at[0]; k++) {
        draw_at(&live, &c1, U(at[k]));
        draw_at(&rep, &c2, U(at[k]));
        /* Row 0 names the source (sim / replay); the status row differs
         * too (replay keys). Everything between must match. */
        for (int y = 1; y < c1.rows - 1; y++) {
            canvas_row_text(&c1, y, b1, sizeof b1);
            canvas_row_text(&c2, y, b2, sizeof b2);
            if (strstr(b1, "session")) continue; /* "threads" vs "threads replay" */
            assert_string_equal(b1, b2);
        }
    }
    canvas_done(&c1);
    canvas_done(&c2);
    app_done(&rep);
    app_done(&live);
    unlink(path);
    rmdir(dir);
    scene_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(model__spans_tile_each_tasks_lifetime),
        cmocka_unit_test(model__cells_show_brief_runs_and_the_main_state),
        cmocka_unit_test(model__stays_bounded_on_long_runs),
        cmocka_unit_test(model__says_why_a_task_is_not_running),
        cmocka_unit_test(model__warns_like_a_linter),
        cmocka_unit_test(canvas__clips_and_counts_utf8_cells),
        cmocka_unit_test(keys__every_code_has_one_binding_and_help),
        cmocka_unit_test(app__switching_strategies_builds_the_session_line),
        cmocka_unit_test(app__the_view_comes_from_the_run_it_shows),
        cmocka_unit_test(app__plays_sleep_under_loop_in_about_ten_seconds),
        cmocka_unit_test(app__a_replay_draws_the_same_screens_as_the_live_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

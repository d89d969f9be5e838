/*
 * Interactive sessions (issue 13 item 7, app_work.c): the simulation runs
 * in slices with its progress on the status line, seeks and steps go
 * through a target and worker-thread copies of the model, the compare
 * view's runs go to a worker thread. Whatever the order, an interactive
 * app ends where an all-at-once one (dumps, the tests elsewhere) is: the
 * same journal, the same model field for field, the same screen, the same
 * totals as a plain simulation (what --json prints).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/scene.h"
#include "core/sim.h"
#include "core/stats.h"
#include "core/strategy.h"
#include "ui/app.h"
#include "ui/canvas.h"
#include "ui/model.h"
#include "ui/panels.h"
#include "ui/theme.h"

/* About 64,000 events: several checkpoints. */
static const char many_scene[] = "[scene]\ntitle = many\nkind = queue\nseed = 3\n[workers]\n"
                                 "count = 40\n[queue]\nwork = sleep\ngenerate = 8000\n"
                                 "min = 1\nmax = 20\n";
/* About 1.6 million events: far more than one slice can simulate. */
static const char big_scene[] = "[scene]\ntitle = big\nkind = queue\nseed = 7\n[workers]\n"
                                "count = 2000\n[queue]\nwork = sleep\ngenerate = 200000\n"
                                "min = 1\nmax = 20\n";

static struct scene *parse(const char *text)
{
    struct err e;
    struct scene *sc = scene_parse("async.ini", text, &e);
    assert_non_null(sc);
    return sc;
}

static void open_app(struct app *a, struct scene *sc, const char *strategy, int async)
{
    struct tui_opts o = {
        .sc = sc, .strategy = strategy_find(strategy), .time_scale = 1, .async = async};
    assert_int_equal(app_init(a, &o, NULL), 0);
    a->paused = 1;
}

/* The model's fields a panel shows, and the screen drawn from it. */
static void same_view(struct app *a, struct app *b)
{
    assert_int_equal(a->playhead, b->playhead);
    assert_int_equal(a->fed, b->fed);
    const struct model *x = &a->model, *y = &b->model;
    assert_int_equal(x->events, y->events);
    assert_int_equal(x->now, y->now);
    assert_int_equal(x->ended, y->ended);
    assert_int_equal(x->total, y->total);
    assert_int_equal(x->ntasks, y->ntasks);
    for (size_t i = 0; i < x->ntasks; i++) {
        assert_int_equal(x->tasks[i].state, y->tasks[i].state);
        assert_int_equal(x->tasks[i].nspans, y->tasks[i].nspans);
        assert_int_equal(x->tasks[i].nitems, y->tasks[i].nitems);
        assert_int_equal(x->st.tasks[i].running, y->st.tasks[i].running);
        assert_int_equal(x->st.tasks[i].blocked, y->st.tasks[i].blocked);
        assert_int_equal(x->st.tasks[i].worst_ready, y->st.tasks[i].worst_ready);
    }
    struct canvas c1 = {0}, c2 = {0};
    canvas_resize(&c1, 200, 60);
    canvas_resize(&c2, 200, 60);
    panels_draw(&c1, a);
    panels_draw(&c2, b);
    char r1[8192], r2[8192];
    for (int row = 0; row < c1.rows; row++) {
        canvas_row_text(&c1, row, r1, sizeof r1);
        canvas_row_text(&c2, row, r2, sizeof r2);
        if (strstr(r1, "session  ")) continue; /* history, not the state at T */
        assert_string_equal(r1, r2);
    }
    canvas_done(&c1);
    canvas_done(&c2);
}

/* The total of a plain simulation (the number --json prints). */
static int64_t plain_total(const struct scene *sc, int strategy)
{
    struct bus bus;
    struct stats st;
    bus_init(&bus);
    stats_init(&st);
    stats_attach(&bus, &st);
    struct sim *s = sim_new(sc, strategy, &bus);
    sim_run(s);
    sim_free(s);
    int64_t total = st.total;
    stats_done(&st);
    return total;
}

static void async__simulates_in_slices_with_progress(void **state)
{
    (void)state;
    theme_set_utf8(1);
    struct scene *sc = parse(big_scene);
    struct app *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
    open_app(a, sc, "loop", 1);
    /* The first frame comes before the run is simulated, and says so. */
    assert_int_not_equal(app_work(a, 1000000), 0);
    assert_false(app_finished(a));
    assert_int_equal(app_end(a), -1);
    assert_memory_equal(a->status, "simulating\u2026 t ", strlen("simulating\u2026 t "));
    /* The journal grows as the thread publishes, over many turns. */
    int grew = 0, left;
    size_t seen = a->nev;
    while ((left = app_work(a, 2000000)) != 0) {
        if (a->nev > seen) grew++;
        seen = a->nev;
        if (left == 1) nanosleep(&(struct timespec){0, 1000000}, NULL);
    }
    assert_true(grew > 2);
    assert_string_equal(a->status, ""); /* the progress is gone once done */
    /* The same journal as the run simulated at once. */
    open_app(b, sc, "loop", 0);
    assert_int_equal(a->nev, b->nev);
    for (size_t i = 0; i < a->nev; i++) {
        assert_int_equal(a->ev[i].seq, b->ev[i].seq);
        assert_int_equal(a->ev[i].t, b->ev[i].t);
        assert_int_equal(a->ev[i].kind, b->ev[i].kind);
        assert_int_equal(a->ev[i].task, b->ev[i].task);
    }
    assert_int_equal(app_end(a), app_end(b));
    assert_true(a->base_speed == b->base_speed);
    same_view(a, b);
    app_seek(a, INT64_MAX / 4);
    app_work_finish(a);
    app_seek(b, INT64_MAX / 4);
    same_view(a, b);
    assert_int_equal(a->model.total, plain_total(sc, strategy_find("loop")));
    app_done(a);
    app_done(b);
    free(a);
    free(b);
    scene_free(sc);
}

static void async__seeks_and_steps_end_where_at_once_does(void **state)
{
    (void)state;
    theme_set_utf8(1);
    struct scene *sc = parse(many_scene);
    struct app *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
    open_app(a, sc, "loop", 1);
    a->copy_here = 0; /* every checkpoint copied on a worker thread, as for a big run */
    open_app(b, sc, "loop", 0);
    app_work_finish(a);
    int64_t end = app_end(b);
    const int64_t at[] = {end, end / 2, 0, end / 3, end - 1, end / 4};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        app_seek(a, at[i]);
        app_work_finish(a);
        app_seek(b, at[i]);
        same_view(a, b);
    }
    assert_true(a->nckpt > 1); /* the restores met checkpoints */
    for (int k = 0; k < 5; k++) {
        app_step(a, k == 2 ? 1 : -1);
        app_step(a, -1); /* while the first is still restoring */
        app_work_finish(a);
        app_step(b, k == 2 ? 1 : -1);
        app_step(b, -1);
        same_view(a, b);
        assert_string_equal(a->status, b->status); /* "event N/M t …" */
    }
    app_done(a);
    app_done(b);
    free(a);
    free(b);
    scene_free(sc);
}

static void async__switch_mid_simulation_ends_with_plain_totals(void **state)
{
    (void)state;
    theme_set_utf8(1);
    struct scene *sc = parse(big_scene);
    struct app *a = calloc(1, sizeof *a);
    open_app(a, sc, "loop", 1);
    app_work(a, 2000000);
    assert_int_equal(app_end(a), -1); /* mid-simulation */
    app_set_strategy(a, strategy_find("threads"));
    app_seek(a, INT64_MAX / 4); /* End */
    app_work(a, 2000000);
    assert_false(a->model.ended);
    app_work_finish(a);
    assert_true(a->model.ended);
    assert_int_equal(a->model.total, plain_total(sc, strategy_find("threads")));
    assert_int_equal(a->playhead, app_end(a));
    app_done(a);
    free(a);
    scene_free(sc);
}

static void async__cursor_built_on_a_thread_equals_at_once(void **state)
{
    (void)state;
    theme_set_utf8(1);
    struct scene *sc = parse(many_scene);
    struct app *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
    open_app(a, sc, "loop", 1);
    a->copy_here = 0; /* as for a big run: the cursor's model on a thread */
    open_app(b, sc, "loop", 0);
    app_seek(a, INT64_MAX / 4);
    app_work_finish(a);
    app_seek(b, INT64_MAX / 4);
    int64_t end = app_end(b);
    const int64_t at[] = {end / 2, end / 4, end / 3, end - 1};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        app_cursor_set(a, at[i]);
        app_cursor_set(b, at[i]);
        app_readout_model(a);
        if (i == 0 || i == 3) assert_non_null(a->cursor_job); /* from a checkpoint */
        app_work_finish(a);
        const struct model *x = app_readout_model(a), *y = app_readout_model(b);
        assert_null(a->cursor_job);
        assert_int_equal(app_readout_time(a), app_readout_time(b));
        assert_int_equal(x->events, y->events);
        assert_int_equal(x->now, y->now);
        for (size_t k = 0; k < x->ntasks; k++) {
            assert_int_equal(x->tasks[k].state, y->tasks[k].state);
            assert_int_equal(x->tasks[k].nspans, y->tasks[k].nspans);
        }
        same_view(a, b);
    }
    app_done(a);
    app_done(b);
    free(a);
    free(b);
    scene_free(sc);
}

static void async__compare_on_a_thread_equals_at_once(void **state)
{
    (void)state;
    struct scene *sc = parse(many_scene);
    struct app *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
    open_app(a, sc, "loop", 1);
    open_app(b, sc, "loop", 0);
    app_compute_compare(a);
    app_compute_compare(b);
    assert_true(b->have_compare);
    app_work_finish(a);
    assert_true(a->have_compare);
    for (int i = 0; i < STRATEGY_COUNT; i++) {
        assert_int_equal(a->compare[i].total, b->compare[i].total);
        assert_int_equal(a->compare[i].events, b->compare[i].events);
        assert_int_equal(a->compare[i].switches, b->compare[i].switches);
        assert_int_equal(a->compare[i].total, plain_total(sc, i));
    }
    /* Left while computing: the job is cancelled and joined. */
    app_set_poll_interval(a, sc->poll_interval / 2);
    app_compute_compare(a);
    assert_false(a->have_compare);
    app_done(a);
    app_done(b);
    free(a);
    free(b);
    scene_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(async__simulates_in_slices_with_progress),
        cmocka_unit_test(async__seeks_and_steps_end_where_at_once_does),
        cmocka_unit_test(async__switch_mid_simulation_ends_with_plain_totals),
        cmocka_unit_test(async__cursor_built_on_a_thread_equals_at_once),
        cmocka_unit_test(async__compare_on_a_thread_equals_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

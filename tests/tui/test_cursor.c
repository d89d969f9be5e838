/*
 * The time cursor (issue 12 item 5): the model it reads at time T is the
 * model the play head has at T, whichever way the cursor got there (back,
 * forward, past checkpoints), so every lane's readout at the cursor is the
 * readout the play head would give at T. It never passes the play head;
 * `.`/`,` put it on event times; a new run turns it off.
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
#include "core/strategy.h"
#include "ui/app.h"
#include "ui/model.h"
#include "ui/theme.h"

#define U(x) ((int64_t)((x)*1e9 + 0.5))

/* Many workers, many items: about 64,000 events, several checkpoints. */
static const char many_scene[] = "[scene]\ntitle = many\nkind = queue\nseed = 3\n[workers]\n"
                                 "count = 40\n[queue]\nwork = sleep\ngenerate = 8000\n"
                                 "min = 1\nmax = 20\n";

static struct scene *parse(const char *text)
{
    struct err e;
    struct scene *sc = scene_parse("cursor.ini", text, &e);
    assert_non_null(sc);
    return sc;
}

static void open_sim(struct app *a, struct scene *sc, const char *strategy)
{
    struct tui_opts o = {.sc = sc, .strategy = strategy_find(strategy), .time_scale = 1};
    assert_int_equal(app_init(a, &o, NULL), 0);
    a->paused = 1;
}

/* The states, spans and CPU lanes of two models. */
static void models_equal(const struct model *a, const struct model *b)
{
    assert_int_equal(a->events, b->events);
    assert_int_equal(a->ntasks, b->ntasks);
    for (size_t i = 0; i < a->ntasks; i++) {
        const struct model_task *x = &a->tasks[i], *y = &b->tasks[i];
        assert_int_equal(x->state, y->state);
        assert_int_equal(x->reason, y->reason);
        assert_int_equal(x->since, y->since);
        assert_int_equal(x->until, y->until);
        assert_int_equal(x->nspans, y->nspans);
        assert_int_equal(x->nitems, y->nitems);
    }
    assert_int_equal(a->ncpu, b->ncpu);
    for (int c = 0; c < a->ncpu; c++) {
        assert_int_equal(a->cpus[c].task, b->cpus[c].task);
        assert_int_equal(a->cpus[c].nspans, b->cpus[c].nspans);
    }
}

static void readouts_equal(struct app *cur, struct app *seek)
{
    struct app_readout r1, r2;
    for (size_t i = 0; i < seek->model.ntasks; i++) {
        app_readout_task(cur, (int)i, &r1);
        app_readout_task(seek, (int)i, &r2);
        assert_string_equal(r1.what, r2.what);
        assert_string_equal(r1.since, r2.since);
    }
    for (int c = 0; c < seek->model.ncpu; c++) {
        app_readout_cpu(cur, c, &r1);
        app_readout_cpu(seek, c, &r2);
        assert_string_equal(r1.what, r2.what);
        assert_string_equal(r1.since, r2.since);
    }
}

static void cursor__reads_the_model_the_play_head_has_at_its_time(void **state)
{
    (void)state;
    theme_set_utf8(1);
    struct scene *sc = parse(many_scene);
    struct app a, b;
    open_sim(&a, sc, "threads");
    app_seek(&a, INT64_MAX / 4);
    int64_t end = app_end(&a);
    assert_true(a.nckpt >= 2);
    open_sim(&b, sc, "threads");
    /* Back, forward a little, forward past checkpoints, back to 0. */
    static const double at[] = {0.5, 0.52, 0.9, 0.1, 0.75, 0.0, 1.0};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        int64_t t = (int64_t)((double)end * at[i]);
        app_cursor_set(&a, t);
        assert_int_equal(app_readout_time(&a), t);
        app_seek(&b, t);
        assert_int_equal(b.cursor_on, 0);
        models_equal(app_readout_model(&a), &b.model);
        readouts_equal(&a, &b);
    }
    /* The play head's own model is untouched by the cursor. */
    assert_int_equal(a.playhead, end);
    assert_int_equal(a.fed, a.nev);
    app_done(&a);
    app_done(&b);
    scene_free(sc);
}

static void cursor__never_passes_the_play_head(void **state)
{
    (void)state;
    struct scene *sc = parse(many_scene);
    struct app a;
    open_sim(&a, sc, "loop");
    app_seek(&a, U(100));
    app_cursor_set(&a, U(500));
    assert_int_equal(app_readout_time(&a), U(100));
    app_cursor_set(&a, U(80));
    app_seek(&a, U(50)); /* the play head goes back: the cursor with it */
    assert_int_equal(app_readout_time(&a), U(50));
    assert_int_equal(app_readout_model(&a)->now, a.model.now);
    app_cursor_set(&a, -5);
    assert_int_equal(app_readout_time(&a), 0);
    app_done(&a);
    scene_free(sc);
}

/* The sleep scene under coop: events at 0, 15, 25, 30 and 32. */
static void cursor__steps_from_event_to_event(void **state)
{
    (void)state;
    struct err e;
    struct scene *sc = scene_load("scenes/sleep.ini", &e);
    assert_non_null(sc);
    struct app a;
    open_sim(&a, sc, "coop");
    app_seek(&a, INT64_MAX / 4);
    app_cursor_set(&a, 0);
    static const double want[] = {15, 25, 30, 32, 32};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        app_cursor_step(&a, 1);
        assert_int_equal(app_readout_time(&a), U(want[i]));
    }
    app_cursor_step(&a, -1);
    assert_int_equal(app_readout_time(&a), U(30));
    app_cursor_set(&a, U(20));
    app_cursor_step(&a, -1);
    assert_int_equal(app_readout_time(&a), U(15));
    struct app_readout r;
    app_readout_task(&a, 1, &r); /* Two, at 15: its sleep began */
    assert_string_equal(r.what, "sleeping until 25.0, holding its thread");
    assert_string_equal(r.since, "15.0");
    app_readout_cpu(&a, 0, &r);
    assert_string_equal(r.what, "held by Two, blocked in a call");
    /* A new run: the readouts follow its play head again. */
    app_set_strategy(&a, strategy_find("loop"));
    assert_int_equal(a.cursor_on, 0);
    app_done(&a);
    scene_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cursor__reads_the_model_the_play_head_has_at_its_time),
        cmocka_unit_test(cursor__never_passes_the_play_head),
        cmocka_unit_test(cursor__steps_from_event_to_event),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

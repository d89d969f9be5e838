/*
 * Seeking with checkpoints (issue 5): wherever the play head comes from —
 * played forward from 0, sought back from the end, stepped back one event,
 * jumped ahead past a checkpoint — the model at time T is the same, field
 * for field, and so is the screen drawn from it. The runs here are long
 * enough (tens of thousands of events) to hold several checkpoints, and
 * one has tasks whose spans are coalesced, so restoring a checkpoint meets
 * every kind of state the model keeps.
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
#include "core/trace.h"
#include "ui/app.h"
#include "ui/canvas.h"
#include "ui/model.h"
#include "ui/panels.h"
#include "ui/theme.h"

#define U(x) ((int64_t)((x)*1e9 + 0.5))

/* Many workers, many items: about 64,000 events. */
static const char many_scene[] = "[scene]\ntitle = many\nkind = queue\nseed = 3\n[workers]\n"
                                 "count = 40\n[queue]\nwork = sleep\ngenerate = 8000\n"
                                 "min = 1\nmax = 20\n";
/* Two workers with 10,000 items each: their spans get coalesced. */
static const char long_scene[] = "[scene]\ntitle = long\nkind = queue\nseed = 5\n[workers]\n"
                                 "count = 2\n[queue]\nwork = sleep\ngenerate = 20000\n"
                                 "min = 0.1\nmax = 2\n";

static struct scene *parse(const char *text)
{
    struct err e;
    struct scene *sc = scene_parse("seek.ini", text, &e);
    assert_non_null(sc);
    return sc;
}

static void spans_equal(const struct model_span *a, size_t na, const struct model_span *b,
                        size_t nb)
{
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) {
        assert_int_equal(a[i].t0, b[i].t0);
        assert_int_equal(a[i].t1, b[i].t1);
        assert_int_equal(a[i].state, b[i].state);
        assert_int_equal(a[i].reason, b[i].reason);
    }
}

static void marks_equal(const struct model_mark *a, size_t na, const struct model_mark *b,
                        size_t nb)
{
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) {
        assert_int_equal(a[i].t, b[i].t);
        assert_int_equal(a[i].kind, b[i].kind);
    }
}

/* Every field of two models, and of their stats, that a panel can show. */
static void models_equal(const struct model *a, const struct model *b)
{
    assert_int_equal(a->events, b->events);
    assert_int_equal(a->now, b->now);
    assert_int_equal(a->ended, b->ended);
    assert_int_equal(a->total, b->total);
    assert_string_equal(a->strategy, b->strategy);
    assert_int_equal(a->ntasks, b->ntasks);
    for (size_t i = 0; i < a->ntasks; i++) {
        const struct model_task *x = &a->tasks[i], *y = &b->tasks[i];
        assert_string_equal(x->name, y->name);
        assert_int_equal(x->state, y->state);
        assert_int_equal(x->reason, y->reason);
        assert_int_equal(x->since, y->since);
        assert_int_equal(x->until, y->until);
        assert_int_equal(x->hold_since, y->hold_since);
        assert_int_equal(x->hold_max, y->hold_max);
        assert_int_equal(x->yields, y->yields);
        assert_int_equal(x->preempts, y->preempts);
        spans_equal(x->spans, x->nspans, y->spans, y->nspans);
        marks_equal(x->marks, x->nmarks, y->marks, y->nmarks);
        assert_int_equal(x->nitems, y->nitems);
        for (size_t k = 0; k < x->nitems; k++) {
            assert_string_equal(x->items[k].label, y->items[k].label);
            assert_int_equal(x->items[k].t0, y->items[k].t0);
            assert_int_equal(x->items[k].t1, y->items[k].t1);
        }
    }
    assert_int_equal(a->ncpu, b->ncpu);
    for (int c = 0; c < a->ncpu; c++) {
        assert_int_equal(a->cpus[c].task, b->cpus[c].task);
        spans_equal(a->cpus[c].spans, a->cpus[c].nspans, b->cpus[c].spans, b->cpus[c].nspans);
        marks_equal(a->cpus[c].marks, a->cpus[c].nmarks, b->cpus[c].marks, b->cpus[c].nmarks);
    }
    assert_int_equal(a->nlog, b->nlog);
    assert_int_equal(a->log_dropped, b->log_dropped);
    for (size_t i = 0; i < a->nlog; i++) {
        assert_int_equal(model_log_at(a, i)->t, model_log_at(b, i)->t);
        assert_string_equal(model_log_at(a, i)->text, model_log_at(b, i)->text);
    }
    const struct stats *s = &a->st, *t = &b->st;
    assert_int_equal(s->events, t->events);
    assert_int_equal(s->switches, t->switches);
    assert_int_equal(s->ntasks, t->ntasks);
    for (size_t i = 0; i < s->ntasks; i++) {
        assert_int_equal(s->tasks[i].running, t->tasks[i].running);
        assert_int_equal(s->tasks[i].ready, t->tasks[i].ready);
        assert_int_equal(s->tasks[i].blocked, t->tasks[i].blocked);
        assert_int_equal(s->tasks[i].items, t->tasks[i].items);
        assert_int_equal(s->tasks[i].worst_ready, t->tasks[i].worst_ready);
    }
    assert_int_equal(s->nrequests, t->nrequests);
}

static void screens_equal(struct app *a, struct app *b)
{
    struct canvas c1 = {0}, c2 = {0};
    canvas_resize(&c1, 300, 80);
    canvas_resize(&c2, 300, 80);
    panels_draw(&c1, a);
    panels_draw(&c2, b);
    char r1[8192], r2[8192];
    for (int y = 0; y < c1.rows; y++) {
        canvas_row_text(&c1, y, r1, sizeof r1);
        canvas_row_text(&c2, y, r2, sizeof r2);
        /* The session line lists the runs seen to their end: history,
         * not the run's state at T. */
        if (strstr(r1, "session  ")) continue;
        assert_string_equal(r1, r2);
    }
    canvas_done(&c1);
    canvas_done(&c2);
}

static void open_sim(struct app *a, struct scene *sc, const char *strategy)
{
    struct tui_opts o = {.sc = sc, .strategy = strategy_find(strategy), .time_scale = 1};
    assert_int_equal(app_init(a, &o, NULL), 0);
    a->paused = 1;
}

static void seek__back_to_t_equals_playing_forward_to_t(void **state)
{
    (void)state;
    theme_set_utf8(1);
    static const char *const names[] = {"loop", "threads", "sync"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        struct scene *sc = parse(many_scene);
        struct app fwd, back;
        open_sim(&back, sc, names[k]);
        app_seek(&back, INT64_MAX / 4); /* to the end: every checkpoint taken */
        int64_t end = app_end(&back);
        assert_true(end > 0);
        assert_true(back.nev > 3 * APP_CKPT_EVERY);
        assert_true(back.nckpt >= 2);
        static const double at[] = {0.5, 0.25, 0.75, 0.1, 0.9, 0.0};
        for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
            int64_t t = (int64_t)((double)end * at[i]);
            app_seek(&back, t);
            /* Played forward from 0 in frames, as the TUI does. */
            open_sim(&fwd, sc, names[k]);
            for (int64_t p = 0; p < t; p += end / 50 + 1)
                app_seek(&fwd, p);
            app_seek(&fwd, t);
            assert_int_equal(fwd.fed, back.fed);
            models_equal(&fwd.model, &back.model);
            screens_equal(&fwd, &back);
            app_done(&fwd);
        }
        app_done(&back);
        scene_free(sc);
    }
}

static void seek__coalesced_spans_survive_a_checkpoint(void **state)
{
    (void)state;
    struct scene *sc = parse(long_scene);
    struct app fwd, back;
    open_sim(&back, sc, "loop");
    app_seek(&back, INT64_MAX / 4);
    int64_t end = app_end(&back);
    /* The tasks' spans were coalesced on the way. */
    assert_true(back.model.tasks[0].nspans < 4 * back.model.tasks[0].nitems);
    int64_t t = end * 9 / 10;
    app_seek(&back, t);
    open_sim(&fwd, sc, "loop");
    app_seek(&fwd, t);
    models_equal(&fwd.model, &back.model);
    screens_equal(&fwd, &back);
    app_done(&fwd);
    app_done(&back);
    scene_free(sc);
}

static void seek__stepping_back_equals_feeding_one_event_less(void **state)
{
    (void)state;
    struct scene *sc = parse(many_scene);
    struct app a, b;
    open_sim(&a, sc, "loop");
    app_seek(&a, INT64_MAX / 4);
    /* Land just past a checkpoint, then step back across it. */
    size_t target = a.ckpt[1].fed + 1;
    app_seek(&a, a.ev[target].t);
    while (a.fed > target - 2)
        app_step(&a, -1);
    open_sim(&b, sc, "loop");
    app_seek(&b, INT64_MAX / 4);
    app_seek(&b, 0);
    while (b.fed < a.fed)
        app_step(&b, 1);
    assert_int_equal(a.playhead, b.playhead);
    models_equal(&a.model, &b.model);
    app_done(&a);
    app_done(&b);
    scene_free(sc);
}

static void seek__a_replay_seeks_back_to_the_live_runs_state(void **state)
{
    (void)state;
    struct scene *sc = parse(many_scene);
    char path[] = "/tmp/juggle-seek-test-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    struct err e;
    struct trace_writer *w =
        trace_writer_open(path, sc->path, sc->text, "threads", "virtual", "test", &e);
    assert_non_null(w);
    struct bus bus;
    bus_init(&bus);
    bus_attach(&bus, trace_writer_sink, w);
    struct sim *s = sim_new(sc, strategy_find("threads"), &bus);
    sim_run(s);
    sim_free(s);
    assert_int_equal(trace_writer_close(w, 1, &e), 0);

    struct tui_opts r = {.replay = path, .time_scale = 1};
    struct app rep, fwd;
    assert_int_equal(app_init(&rep, &r, NULL), 0);
    /* Opening the trace took the checkpoints. */
    assert_true(rep.nckpt >= 2);
    assert_int_equal(rep.playhead, 0);
    int64_t end = app_end(&rep);
    static const double at[] = {0.6, 0.3, 0.95, 0.05};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        int64_t t = (int64_t)((double)end * at[i]);
        app_seek(&rep, end);
        app_seek(&rep, t);
        open_sim(&fwd, sc, "threads");
        app_seek(&fwd, t);
        assert_int_equal(fwd.fed, rep.fed);
        models_equal(&fwd.model, &rep.model);
        app_done(&fwd);
    }
    app_done(&rep);
    unlink(path);
    scene_free(sc);
}

static void seek__checkpoint_memory_stays_within_its_budget(void **state)
{
    (void)state;
    struct scene *sc = parse(many_scene);
    struct app a;
    open_sim(&a, sc, "threads");
    app_seek(&a, INT64_MAX / 4);
    assert_true(a.ckpt_bytes <= APP_CKPT_BYTES || a.nckpt <= 1);
    for (size_t i = 0; i < a.nckpt; i++) {
        assert_int_equal(a.ckpt[i].fed % a.ckpt_every, 0);
        if (i) assert_true(a.ckpt[i].fed > a.ckpt[i - 1].fed);
    }
    /* A restart of the same replay keeps them; a new run drops them. */
    app_set_strategy(&a, strategy_find("loop"));
    assert_int_equal(a.nckpt, 0);
    app_done(&a);
    scene_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(seek__back_to_t_equals_playing_forward_to_t),
        cmocka_unit_test(seek__coalesced_spans_survive_a_checkpoint),
        cmocka_unit_test(seek__stepping_back_equals_feeding_one_event_less),
        cmocka_unit_test(seek__a_replay_seeks_back_to_the_live_runs_state),
        cmocka_unit_test(seek__checkpoint_memory_stays_within_its_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

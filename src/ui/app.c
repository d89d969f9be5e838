/*
 * app: sessions, runs and the play head. See app.h for the flow of events
 * (source -> journal -> model) and why seeking works the same for every
 * source.
 */
#include "ui/app.h"

#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/sim.h"
#include "core/trace.h"
#include "core/xalloc.h"
#include "exec/real.h"
#include "exec/watch.h"
#include "ui/app_internal.h"

#ifndef JUGGLE_VERSION
#error "JUGGLE_VERSION comes from the Makefile's VERSION"
#endif

void app_status(struct app *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->status, sizeof a->status, fmt, ap);
    va_end(ap);
}

/* The journal and checkpoints are app_journal.c; event lines inspect.c;
 * the compare view and work off the loop app_work.c. */

/* ---- compare and session ---- */

void app_format_duration(char *buf, size_t n, int64_t ns)
{
    int dec = 1;
    while (dec < 6 && ns > 0) {
        int64_t scale = UNIT_NS;
        for (int i = 0; i < dec; i++)
            scale /= 10;
        if (ns % scale == 0 || ns >= scale * 10) break;
        dec++;
    }
    snprintf(buf, n, "%.*f", dec, units_of_ns(ns));
}

void app_run_label(const struct app *a, char *buf, size_t n)
{
    const char *name = a->model.strategy[0] ? a->model.strategy : strategy_name(a->strategy);
    char iv[32] = "";
    if (a->sc && strcmp(name, "poll") == 0 && a->sc->poll_interval != a->orig_poll_interval) {
        char u[24];
        app_format_duration(u, sizeof u, a->sc->poll_interval);
        snprintf(iv, sizeof iv, "/%s", u);
    }
    snprintf(buf, n, "%s%s%s", name, iv,
             a->source == APP_REAL     ? " real"
             : a->source == APP_REPLAY ? " replay"
                                       : "");
}

void app_note_session(struct app *a)
{
    if (a->noted || !a->model.ended) return;
    char label[32];
    app_run_label(a, label, sizeof label);
    int i;
    for (i = 0; i < a->nsession; i++)
        if (strcmp(a->session[i].label, label) == 0) break;
    if (i == a->nsession) {
        if (a->nsession == APP_MAX_SESSION) {
            memmove(a->session, a->session + 1, (APP_MAX_SESSION - 1) * sizeof *a->session);
            a->nsession--;
            i = a->nsession;
        }
        a->nsession++;
    }
    snprintf(a->session[i].label, sizeof a->session[i].label, "%s", label);
    a->session[i].total = a->model.total;
    a->session[i].failed = a->model.failed;
    a->noted = 1;
}

/* ---- runs ---- */

static void stop_source(struct app *a)
{
    sim_free(a->sim);
    a->sim = NULL;
    simjob_stop(a);
    if (a->real) {
        real_run_free(a->real);
        a->real = NULL;
    }
    watch_free(a->watch);
    a->watch = NULL;
}

const char *app_title(const struct app *a)
{
    return a->sc && a->sc->title              ? a->sc->title
           : a->watch                         ? watch_program(a->watch)
           : a->trace && a->trace->scene_path ? a->trace->scene_path
                                              : "run";
}

/* A live source: a real run or a watched program. */
static int live(const struct app *a)
{
    return a->real || a->watch;
}

static int live_finished(const struct app *a)
{
    return a->watch ? watch_finished(a->watch) : real_run_finished(a->real);
}

static int64_t live_now(const struct app *a)
{
    return a->watch ? watch_now(a->watch) : real_run_now(a->real);
}

/* The length of the run on screen, as far as its source has produced it
 * (a simulation and a replay: all of it). */
static int64_t journal_end(const struct app *a)
{
    return a->nev ? a->ev[a->nev - 1].t : 0;
}

/* Speed x1 plays the session's first simulated or replayed run in
 * APP_RUN_SECONDS; later runs keep its units per second, so a slower
 * strategy is felt to be slower. */
static void set_base_speed(struct app *a)
{
    if (a->base_speed > 0 || a->source == APP_REAL) return;
    int64_t total = journal_end(a);
    if (total <= 0) total = APP_RUN_SECONDS * UNIT_NS;
    a->base_speed = (double)total / (APP_RUN_SECONDS * 1e9);
}

void app_sim_ended(struct app *a)
{
    a->estimate = journal_end(a);
    set_base_speed(a);
}

int app_start(struct app *a)
{
    app_cursor_off(a); /* a new run: the readouts follow its play head */
    app_model_settle(a);
    a->target = -1;
    a->target_fed = SIZE_MAX;
    a->step_pending = 0;
    if (a->recorder && a->nev) app_close_recorder(a, a->model.ended);
    stop_source(a);
    model_restore(a, NULL);
    a->playhead = 0;
    a->noted = 0;
    a->view_t0 = 0;
    a->zoom = 0; /* each run opens fitted */
    a->follow = 1;
    a->log_scroll = 0;
    if (a->source == APP_REPLAY) {
        a->estimate = journal_end(a);
        app_feed(a);
        return 0;
    }
    journal_clear(a);
    bus_init(&a->bus);
    bus_attach(&a->bus, journal_sink, a);
    a->estimate = 0;
    if (a->source == APP_REAL && a->loop) {
        struct real_opts ro = {.time_scale = a->time_scale, .http_timeout = a->http_timeout};
        struct err e;
        a->real = real_run_start(a->sc, a->strategy, &ro, &a->bus, a->loop, &e);
        if (a->real) return 0;
        app_status(a, "cannot run for real: %s; simulating", e.msg);
        a->source = APP_SIM;
    }
    a->source = APP_SIM;
    /* A simulation is instant: run it whole into the journal, and let the
     * play head show it. The axis, the speed and the queue row then come
     * from this run's own events. */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (a->async) {
        simjob_start(a);
        /* Interactive: app_work simulates in slices, to the end in the
         * background; the play head waits at 0 until the first run's
         * length (and so the speed) is known. What is left of a slice
         * goes now: a small scene is then whole before its first frame. */
        app_target(a, 0);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        int64_t used = (t1.tv_sec - t0.tv_sec) * INT64_C(1000000000) + t1.tv_nsec - t0.tv_nsec;
        if (used < APP_WORK_SLICE_NS) app_work(a, APP_WORK_SLICE_NS - used);
        return 0;
    }
    a->sim = sim_new(a->sc, a->strategy, &a->bus);
    sim_run(a->sim);
    app_sim_ended(a);
    app_feed(a);
    return 0;
}

int app_start_watch(struct app *a, char *const argv[])
{
    struct err e;
    a->source = APP_REAL;
    journal_clear(a);
    bus_init(&a->bus);
    bus_attach(&a->bus, journal_sink, a);
    a->watch = watch_start(argv, 1, 0, &a->bus, a->loop, &e);
    if (!a->watch) {
        err_print(&e);
        return 2;
    }
    if (a->record_path) {
        a->recorder =
            trace_writer_open(a->record_path, watch_program(a->watch), watch_scene_text(a->watch),
                              "python", "real", JUGGLE_VERSION, &e);
        if (!a->recorder) {
            err_print(&e);
            return 2;
        }
        /* Written as events are first shown (feed_one), as for any run. */
    }
    a->base_speed = 1.0;
    app_status(a, "watching %s", watch_program(a->watch));
    return 0;
}

int app_watch_outcome(const struct app *a)
{
    if (!a->watch) return 0;
    fputs(watch_stderr(a->watch), stderr);
    if (!watch_finished(a->watch)) return 0;
    char why[600];
    int rc = watch_result(a->watch, why, sizeof why);
    if (rc) fprintf(stderr, "juggle: %s\n", why);
    return rc;
}

/* The simulation has run to its end: all at once, or on its thread. */
static int sim_done(const struct app *a)
{
    return a->sim ? sim_finished(a->sim) : simjob_finished(a);
}

int app_finished(const struct app *a)
{
    switch (a->source) {
    case APP_SIM: return sim_done(a) && a->fed == a->nev;
    case APP_REAL: return live(a) && live_finished(a) && a->fed == a->nev;
    default: return a->fed == a->nev && a->playhead >= (a->nev ? a->ev[a->nev - 1].t : 0);
    }
}

int app_playing(const struct app *a)
{
    return !a->picking && !a->paused && !app_finished(a);
}

int64_t app_end(const struct app *a)
{
    if (a->source == APP_REPLAY || (a->source == APP_SIM && sim_done(a))) return journal_end(a);
    if (a->source == APP_REAL && live(a) && live_finished(a)) return journal_end(a);
    return -1;
}

static int cmp_i64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return a < b ? -1 : a > b;
}

const int64_t *app_queue_marks(struct app *a, size_t *n)
{
    /* Requests the journal holds that were not looked at yet: a request's
     * arrival is known when it starts (ITEM_START, value2). */
    size_t before = a->nqmarks;
    for (; a->qscanned < a->nev; a->qscanned++) {
        const struct event *ev = &a->ev[a->qscanned];
        if (ev->kind != EV_ITEM_START || ev->reason != ITEM_REQUEST || ev->value2 < 0) continue;
        a->qmarks = xgrow(a->qmarks, &a->capqmarks, a->nqmarks + 2, sizeof *a->qmarks);
        a->qmarks[a->nqmarks++] = ev->value2 * 2 + 1;
        a->qmarks[a->nqmarks++] = ev->t * 2;
    }
    if (a->nqmarks != before) qsort(a->qmarks, a->nqmarks, sizeof *a->qmarks, cmp_i64);
    *n = a->nqmarks;
    return a->nqmarks ? a->qmarks : NULL;
}

double app_speed(const struct app *a)
{
    return a->base_speed * pow(2.0, a->speed_exp);
}

void app_seek(struct app *a, int64_t t)
{
    if (t < 0) t = 0;
    if (a->async && a->source != APP_REAL) {
        app_target(a, t); /* app_work gets there: a small run within this slice */
        app_work(a, APP_WORK_SLICE_NS);
        return;
    }
    if (a->source == APP_SIM && a->sim && !sim_finished(a->sim)) sim_advance(a->sim, t);
    if (a->source == APP_REAL && live(a)) {
        int64_t now = live_finished(a) ? (a->nev ? a->ev[a->nev - 1].t : 0) : live_now(a);
        if (t > now) t = now;
    }
    int64_t end = app_end(a);
    if (end >= 0 && t > end) t = end;
    /* Back: from the nearest checkpoint at or before t (or from the start);
     * forward past a checkpoint: jump to it rather than feed up to it. */
    const struct app_ckpt *c = ckpt_by_time(a, t);
    if (a->fed_tmax > t || (c && c->fed > a->fed)) model_restore(a, c);
    a->playhead = t;
    app_feed(a);
    if (a->model.ended) app_note_session(a);
}

int app_tick(struct app *a, int64_t wall_ns)
{
    if (a->picking) return 0;
    if (a->source == APP_REAL) {
        if (!live(a)) return 0;
        size_t before = a->fed;
        int64_t old = a->playhead;
        if (!a->paused) {
            /* The real clock, or once the run is over, its last event. */
            if (live_finished(a))
                a->playhead = a->nev ? a->ev[a->nev - 1].t : 0;
            else
                a->playhead = live_now(a);
            app_feed(a);
        }
        if (a->model.ended) app_note_session(a);
        return a->fed != before || a->playhead != old;
    }
    if (a->paused || app_finished(a)) return 0;
    /* Interactive: not before the speed is known, nor over a seek. */
    if (a->async && (a->base_speed <= 0 || app_busy(a))) return 0;
    double dt = (double)wall_ns * app_speed(a);
    if (dt < 1) dt = 1;
    app_seek(a, a->playhead + (int64_t)dt);
    return 1;
}

void app_step(struct app *a, int dir)
{
    a->paused = 1;
    if (a->async && app_busy(a)) {
        a->step_pending += dir > 0 ? 1 : -1; /* app_work takes it when free */
        return;
    }
    app_step_now(a, dir);
    if (a->async) app_work(a, APP_WORK_SLICE_NS); /* a small run: done now */
}

void app_step_now(struct app *a, int dir)
{
    a->paused = 1;
    if (dir < 0 && a->async && a->fed > 0) {
        app_target_fed(a, a->fed - 1); /* app_work restores and feeds */
        return;
    }
    if (dir > 0 && a->fed == a->nev && a->simjob && !simjob_finished(a)) {
        a->step_pending++; /* the next event is being simulated */
        return;
    }
    if (dir > 0) {
        if (a->fed == a->nev && a->source == APP_SIM && a->sim && !sim_finished(a->sim)) {
            int64_t next = sim_next_time(a->sim);
            if (next >= 0) sim_advance(a->sim, next);
        }
        if (a->fed < a->nev) {
            a->playhead = a->ev[a->fed].t;
            feed_one(a);
        }
    } else if (a->fed > 0) {
        size_t target = a->fed - 1;
        model_restore(a, ckpt_by_count(a, target));
        while (a->fed < target)
            feed_one(a);
        a->playhead = target ? a->ev[target - 1].t : 0;
    }
    if (a->model.ended) app_note_session(a);
    app_status_step(a);
}

void app_set_strategy(struct app *a, int strategy)
{
    if (strategy < 0 || strategy >= STRATEGY_COUNT || !a->sc) return;
    app_note_session(a);
    a->strategy = strategy;
    if (a->source == APP_REPLAY) {
        /* A trace holds one run; the others are simulated from its scene. */
        a->source = APP_SIM;
        journal_clear(a); /* the replay's events (their texts stay the trace's) */
    }
    a->paused = 0;
    app_start(a);
}

void app_toggle_real(struct app *a)
{
    if (!a->sc) return;
    if (a->source == APP_REPLAY) {
        app_status(a, "a replay shows a recorded run; press 1-5 to run it");
        return;
    }
    if (!a->loop) return;
    a->source = a->source == APP_REAL ? APP_SIM : APP_REAL;
    a->paused = 0;
    app_start(a);
    if (a->source == APP_REAL) app_status(a, "running for real (1 unit = %.3g s)", a->time_scale);
}

void app_set_poll_interval(struct app *a, int64_t ns)
{
    if (!a->sc) return;
    if (ns < UNIT_NS / 1000) ns = UNIT_NS / 1000;
    if (ns > 1000 * UNIT_NS) ns = 1000 * UNIT_NS;
    int64_t was = a->sc->poll_interval;
    a->sc->poll_interval = ns;
    struct err e;
    if (scene_check(a->sc, &e)) { /* too short for this scene: keep the old one */
        a->sc->poll_interval = was;
        scene_check(a->sc, &e);
        app_status(a, "%s", e.msg);
        return;
    }
    a->sc->poll_interval = was;
    app_note_session(a);
    a->sc->poll_interval = ns;
    char u[24];
    app_format_duration(u, sizeof u, ns);
    app_status(a, "poll interval %s", u);
    if (a->source == APP_SIM && strcmp(strategy_name(a->strategy), "poll") == 0) {
        /* Live: rerun to the same moment under the new interval. */
        int64_t t = a->playhead;
        int paused = a->paused;
        app_start(a);
        a->paused = paused;
        app_seek(a, t);
    }
}

/* ---- setup ---- */

static void picker_load(struct app *a)
{
    struct scene_catalog c;
    if (!scene_catalog_load(&c)) return;
    /* The picker takes the catalogue's arrays over. */
    a->pick_name = c.names;
    a->pick_path = c.paths;
    a->pick_title = c.titles;
    a->npick = (int)c.n;
}

int app_open_scene(struct app *a, const char *path)
{
    struct err e;
    struct scene *sc = scene_load(path, &e);
    if (!sc) {
        app_status(a, "%s", e.msg);
        return -1;
    }
    app_compare_cancel(a);
    compare_free(a);
    app_cursor_stop(a); /* it reads the journal, which the reap below frees */
    stop_source(a);
    simjob_reap(a, 1); /* its thread reads the scene */
    if (a->own_scene) scene_free(a->sc);
    a->sc = sc;
    a->own_scene = 1;
    a->strategy = sc->strategy;
    a->orig_poll_interval = sc->poll_interval;
    a->picking = 0;
    a->nsession = 0;
    a->base_speed = 0;
    app_start(a);
    return 0;
}

int app_init(struct app *a, const struct tui_opts *opts, uv_loop_t *loop)
{
    memset(a, 0, sizeof *a);
    model_init(&a->model);
    model_init(&a->cmodel);
    a->cbuilt = -1;
    a->ckpt_every = APP_CKPT_EVERY;
    a->async = opts->async && !opts->replay; /* a replay's first pass is whole */
    a->target = -1;
    a->target_fed = SIZE_MAX;
    a->copy_here = 4u << 20; /* small scenes seek and step at once, as always */
    a->loop = loop;
    a->time_scale = opts->time_scale > 0 ? opts->time_scale : 1.0;
    a->http_timeout = opts->http_timeout;
    a->follow = 1;
    a->record_path = opts->record;
    if (opts->watch) return loop ? app_start_watch(a, opts->watch) : 2;
    struct err e;
    if (opts->replay) {
        /* The trace is a source like any other: its events go through the
         * bus into the journal as they are read (their texts stay the
         * trace's). */
        a->source = APP_REPLAY;
        journal_clear(a);
        a->borrow_text = 1;
        bus_init(&a->bus);
        bus_attach(&a->bus, journal_sink, a);
        a->trace = trace_stream(opts->replay, &a->bus, 1, &e);
        if (!a->trace) {
            journal_clear(a);
            err_print(&e);
            return 2;
        }
        a->replay_path = xstrdup(opts->replay);
        a->sc = scene_parse(a->trace->scene_path ? a->trace->scene_path : opts->replay,
                            a->trace->scene_text ? a->trace->scene_text : "", &e);
        a->own_scene = a->sc != NULL;
        a->strategy = strategy_find(a->trace->strategy ? a->trace->strategy : "");
        if (a->strategy < 0) a->strategy = 0;
        /* The compare view is computed when asked for: a big trace's
         * scene can take a while to simulate five times. */
        if (a->sc) a->orig_poll_interval = a->sc->poll_interval;
        set_base_speed(a);
        /* One pass over the whole trace builds the checkpoints, so that
         * any seek later feeds at most ckpt_every events. The length is
         * known: start at a spacing that gives about 8 (copies that the
         * budget would drop again cost time for nothing). */
        while (a->nev / a->ckpt_every > 8)
            a->ckpt_every *= 2;
        a->playhead = INT64_MAX;
        app_feed(a);
        app_start(a);
        a->async = opts->async;
        if (!a->trace->complete) app_status(a, "the trace is incomplete (recording interrupted)");
        return 0;
    }
    if (!opts->sc) {
        a->picking = 1;
        picker_load(a);
        if (!a->npick) {
            fprintf(stderr, "juggle: no scenes directory found\n");
            return 2;
        }
        return 0;
    }
    a->sc = opts->sc;
    a->strategy = opts->strategy;
    a->orig_poll_interval = a->sc->poll_interval;
    a->source = opts->real && loop ? APP_REAL : APP_SIM;
    if (opts->record) {
        a->recorder =
            trace_writer_open(opts->record, a->sc->path, a->sc->text, strategy_name(a->strategy),
                              a->source == APP_REAL ? "real" : "virtual", JUGGLE_VERSION, &e);
        if (!a->recorder) {
            err_print(&e);
            return 2;
        }
    }
    app_start(a);
    return 0;
}

void app_done(struct app *a)
{
    app_work_done(a);
    a->async = 0; /* what is left is freed here */
    app_close_recorder(a, a->model.ended);
    stop_source(a);
    journal_clear(a);
    simjob_reap(a, 1);
    model_done(&a->model);
    model_done(&a->cmodel);
    compare_free(a);
    trace_free(a->trace);
    free(a->qmarks);
    free(a->replay_path);
    if (a->own_scene) scene_free(a->sc);
    for (int i = 0; i < a->npick; i++) {
        free(a->pick_path[i]);
        free(a->pick_name[i]);
        free(a->pick_title[i]);
    }
    free(a->pick_path);
    free(a->pick_name);
    free(a->pick_title);
    memset(a, 0, sizeof *a);
}

/*
 * app_work: long work in an interactive session, done so that every key is
 * answered within a frame (issue 13 item 7: a 1M-item run).
 *
 * With a->async set (the TUI sets it; dumps and tests leave it off and get
 * everything at once), nothing long happens inside a key or a tick:
 *   - the simulation advances in slices of APP_WORK_SLICE_NS per loop turn
 *     (app_work, from tui.c's idle handle), one instant of scene time at a
 *     time (sim_advance to sim_next_time), to the end in the background;
 *   - the play head has a target (a seek, End, a tick, a step back) that
 *     the model is fed toward in the same slices; the status line shows
 *     the progress ("simulating… t 53.2");
 *   - copies of the model (taking a checkpoint, restoring one) run on a
 *     worker thread while the model stays as it is (drawn, never fed); a
 *     model or a journal no longer shown is freed on a worker thread;
 *   - the compare view's five runs run on a worker thread, each with its
 *     own sim and bus, on a copy of the scene's struct (the scene's arrays
 *     are read-only; `[` `]` change only the copy's owner).
 * Events still reach the model only through the journal, in order.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/sim.h"
#include "core/xalloc.h"
#include "ui/app_internal.h"

enum job_kind {
    JOB_TAKE,
    JOB_RESTORE,
    JOB_FREE_MODEL,
    JOB_FREE_EVENTS,
    JOB_COMPARE,
    JOB_CALL,
    JOB_CURSOR
};

struct app_job {
    int kind;
    pthread_t th;
    atomic_int done, cancel;
    struct app_job *next; /* on a->reap */
    /* JOB_TAKE and JOB_RESTORE: src copied into m; JOB_FREE_MODEL: m freed. */
    const struct model *src;
    struct model m;
    size_t bytes, fed;
    int64_t tmax;
    /* JOB_FREE_EVENTS: a journal's array (its texts are in blocks). */
    struct event *ev;
    /* JOB_CURSOR: src (or nothing) then events [from, to) into m, for t */
    const struct event *jev;
    size_t from, to;
    int64_t t;
    /* JOB_CALL */
    void (*fn)(void *);
    void *arg;
    /* JOB_COMPARE */
    struct scene sc;
    struct stats st[STRATEGY_COUNT];
};

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void compare_runs(struct app_job *j)
{
    for (int i = 0; i < STRATEGY_COUNT && !atomic_load(&j->cancel); i++) {
        struct bus bus;
        bus_init(&bus);
        stats_attach(&bus, &j->st[i]); /* numbers only */
        struct sim *s = sim_new(&j->sc, i, &bus);
        while (!sim_finished(s) && !atomic_load(&j->cancel))
            sim_advance(s, sim_next_time(s));
        sim_free(s);
    }
}

static void *job_main(void *arg)
{
    struct app_job *j = arg;
    switch (j->kind) {
    case JOB_TAKE:
    case JOB_RESTORE: j->bytes = model_copy(&j->m, j->src); break;
    case JOB_FREE_MODEL: model_done(&j->m); break;
    case JOB_FREE_EVENTS: free(j->ev); break;
    case JOB_COMPARE: compare_runs(j); break;
    case JOB_CALL: j->fn(j->arg); break;
    case JOB_CURSOR:
        if (j->src)
            model_copy(&j->m, j->src);
        else
            model_init(&j->m);
        for (size_t i = j->from; i < j->to && !atomic_load(&j->cancel); i++)
            model_sink(&j->m, &j->jev[i]);
        break;
    }
    atomic_store(&j->done, 1);
    return NULL;
}

static struct app_job *job_new(int kind)
{
    struct app_job *j = xcalloc(1, sizeof *j);
    j->kind = kind;
    atomic_init(&j->done, 0);
    atomic_init(&j->cancel, 0);
    return j;
}

/* Starts j on a thread of its own; if none can be made, runs it here. */
static void job_start(struct app_job *j)
{
    if (pthread_create(&j->th, NULL, job_main, j)) {
        job_main(j);
        j->th = pthread_self();
    }
}

static void job_join(struct app_job *j)
{
    if (!pthread_equal(j->th, pthread_self())) pthread_join(j->th, NULL);
}

/* Fire and forget: the thread frees; app_work or app_done joins it. */
static void reap_later(struct app *a, struct app_job *j)
{
    job_start(j);
    j->next = a->reap;
    a->reap = j;
}

static void reap_done(struct app *a, int wait)
{
    for (struct app_job **p = &a->reap; *p;) {
        struct app_job *j = *p;
        if (wait || atomic_load(&j->done)) {
            job_join(j);
            *p = j->next;
            free(j);
        } else {
            p = &j->next;
        }
    }
}

void app_discard_model(struct app *a, struct model *m)
{
    if (!a->async) {
        model_done(m);
        return;
    }
    struct app_job *j = job_new(JOB_FREE_MODEL);
    j->m = *m;
    reap_later(a, j);
}

void app_later(struct app *a, void (*fn)(void *), void *arg)
{
    if (!a->async) {
        fn(arg);
        return;
    }
    struct app_job *j = job_new(JOB_CALL);
    j->fn = fn;
    j->arg = arg;
    reap_later(a, j);
}

void app_discard_events(struct app *a, struct event *ev)
{
    if (!a->async || !ev) {
        free(ev);
        return;
    }
    struct app_job *j = job_new(JOB_FREE_EVENTS);
    j->ev = ev;
    reap_later(a, j);
}

/* ---- the model's job: a checkpoint taken or restored off the loop ---- */

/* Starts the model job of kind on src, a model fed fed events up to tmax. */
static void model_job_start(struct app *a, int kind, const struct model *src, size_t fed,
                            int64_t tmax)
{
    struct app_job *j = job_new(kind);
    j->src = src;
    j->fed = fed;
    j->tmax = tmax;
    a->model_job = j;
    job_start(j);
}

static void take_start(struct app *a)
{
    size_t guess = a->nckpt ? a->ckpt[a->nckpt - 1].bytes : a->model.ntasks * 600;
    if (guess < a->copy_here) {
        ckpt_take(a);
        return;
    }
    model_job_start(a, JOB_TAKE, &a->model, a->fed, a->fed_tmax);
}

static void restore_start(struct app *a, const struct app_ckpt *c)
{
    struct model old = a->model;
    if (!c) {
        model_init(&a->model);
        a->fed = 0;
        a->fed_tmax = 0;
        app_discard_model(a, &old);
        return;
    }
    if (c->bytes < a->copy_here) {
        model_restore(a, c);
        return;
    }
    model_job_start(a, JOB_RESTORE, &c->m, c->fed, c->tmax);
}

/* A finished model job: the checkpoint joins the list, or the restored
 * model replaces the one shown. Returns 1 if the model is free again. */
static int model_job_poll(struct app *a, int wait)
{
    struct app_job *j = a->model_job;
    if (!j) return 1;
    if (!wait && !atomic_load(&j->done)) return 0;
    job_join(j);
    a->model_job = NULL;
    if (j->kind == JOB_TAKE) {
        ckpt_add(a, j->fed, j->tmax, &j->m, j->bytes);
    } else {
        app_discard_model(a, &a->model);
        a->model = j->m;
        a->fed = j->fed;
        a->fed_tmax = j->tmax;
    }
    free(j);
    return 1;
}

/* ---- the cursor's model (app_cursor.c) ---- */

void app_cursor_build(struct app *a, const struct app_ckpt *c, size_t from, size_t to, int64_t t)
{
    struct app_job *j = job_new(JOB_CURSOR);
    j->src = c ? &c->m : NULL;
    j->jev = a->ev; /* does not move: the simulation's array, or a replay's */
    j->from = from;
    j->to = to;
    j->t = t;
    a->cursor_job = j;
    job_start(j);
}

static void cursor_poll(struct app *a, int wait)
{
    struct app_job *j = a->cursor_job;
    if (!j || (!wait && !atomic_load(&j->done))) return;
    job_join(j);
    a->cursor_job = NULL;
    if (atomic_load(&j->cancel)) {
        model_done(&j->m);
    } else {
        app_discard_model(a, &a->cmodel);
        a->cmodel = j->m;
        a->cfed = j->to;
        a->cbuilt = j->t;
    }
    free(j);
}

void app_cursor_stop(struct app *a)
{
    if (!a->cursor_job) return;
    atomic_store(&a->cursor_job->cancel, 1);
    cursor_poll(a, 1);
}

/* ---- the compare view ---- */

static void compare_poll(struct app *a, int wait);

void compare_free(struct app *a)
{
    if (!a->have_compare) return;
    for (int i = 0; i < STRATEGY_COUNT; i++)
        stats_done(&a->compare[i]);
    a->have_compare = 0;
}

void app_compute_compare(struct app *a)
{
    if (!a->sc) return;
    if (a->have_compare && a->compare_poll_interval == a->sc->poll_interval) return;
    if (a->compare_job && a->compare_job->sc.poll_interval == a->sc->poll_interval) return;
    app_compare_cancel(a);
    compare_free(a);
    app_compare_start(a);
    if (!a->async) compare_poll(a, 1); /* at once */
}

void app_compare_start(struct app *a)
{
    if (a->compare_job || !a->sc) return;
    struct app_job *j = job_new(JOB_COMPARE);
    j->sc = *a->sc;
    for (int i = 0; i < STRATEGY_COUNT; i++)
        stats_init(&j->st[i]);
    a->compare_job = j;
    job_start(j);
}

static void compare_end(struct app *a, struct app_job *j, int keep)
{
    job_join(j);
    for (int i = 0; i < STRATEGY_COUNT; i++) {
        if (keep)
            a->compare[i] = j->st[i];
        else
            stats_done(&j->st[i]);
    }
    if (keep) {
        a->have_compare = 1;
        a->compare_poll_interval = j->sc.poll_interval;
    }
    free(j);
}

void app_compare_cancel(struct app *a)
{
    if (!a->compare_job) return;
    atomic_store(&a->compare_job->cancel, 1);
    compare_end(a, a->compare_job, 0);
    a->compare_job = NULL;
}

static void compare_poll(struct app *a, int wait)
{
    struct app_job *j = a->compare_job;
    if (!j || (!wait && !atomic_load(&j->done))) return;
    a->compare_job = NULL;
    compare_end(a, j, !atomic_load(&j->cancel));
}

/* ---- targets: where the play head is going ---- */

/* The time up to which the source has produced every event: just before
 * the simulation's next pending action while it runs, else the run's end. */
static int64_t frontier(const struct app *a)
{
    if (a->source == APP_SIM && a->simjob && !simjob_finished(a)) return simjob_frontier(a);
    return app_end(a) >= 0 ? app_end(a) : (a->nev ? a->ev[a->nev - 1].t : 0);
}

int app_busy(const struct app *a)
{
    return a->target >= 0 || a->target_fed != SIZE_MAX || a->model_job || a->step_pending;
}

/* Starts moving toward the target: back means a restore first. */
static void target_begin(struct app *a)
{
    if (a->target_fed != SIZE_MAX) {
        if (a->target_fed < a->fed) restore_start(a, ckpt_by_count(a, a->target_fed));
        return;
    }
    const struct app_ckpt *c = ckpt_by_time(a, a->target);
    if (a->fed_tmax > a->target || (c && c->fed > a->fed + ckpt_gap(a))) restore_start(a, c);
}

void app_target(struct app *a, int64_t t)
{
    a->target = t < 0 ? 0 : t;
    a->target_fed = SIZE_MAX;
    if (!a->model_job) target_begin(a);
}

void app_target_fed(struct app *a, size_t n)
{
    a->target = -1;
    a->target_fed = n;
    if (!a->model_job) target_begin(a);
}

/* Feeds toward the target until deadline; 1 when it is reached. */
static int feed_toward(struct app *a, int64_t deadline)
{
    int64_t lim = a->target >= 0 ? a->target : INT64_MAX;
    if (a->target >= 0 && lim > frontier(a)) lim = frontier(a);
    size_t nmax = a->target_fed != SIZE_MAX ? a->target_fed : a->nev;
    if (nmax > a->nev) nmax = a->nev;
    for (int n = 0; a->fed < nmax && a->ev[a->fed].t <= lim; n++) {
        if (ckpt_due(a)) {
            take_start(a);
            if (a->model_job) return 0;
        }
        feed_one(a);
        if ((n & 255) == 255 && mono_ns() > deadline) break;
    }
    a->playhead = a->fed_tmax;
    if (a->fed < nmax && a->ev[a->fed].t <= lim) return 0;
    if (a->target_fed != SIZE_MAX) {
        if (a->fed < a->target_fed) return 0;
        a->playhead = a->fed ? a->ev[a->fed - 1].t : 0;
        return 1;
    }
    if (lim > a->playhead) a->playhead = lim;
    return a->target <= frontier(a) || app_end(a) >= 0;
}

static void target_reached(struct app *a)
{
    int stepped = a->target_fed != SIZE_MAX;
    a->target = -1;
    a->target_fed = SIZE_MAX;
    if (a->model.ended) app_note_session(a);
    if (stepped) app_status_step(a);
}

/* ---- the loop's slice ---- */

/* 2: slices of work left; 1: only threads are busy; 0: nothing. */
static int aiming(const struct app *a)
{
    return a->target >= 0 || a->target_fed != SIZE_MAX;
}

static int simulating(const struct app *a)
{
    return a->source == APP_SIM && a->simjob && !simjob_finished(a);
}

/* The model can take the next journal event now (toward the target, or
 * for a step waiting). */
static int can_feed(const struct app *a)
{
    if (a->model_job || a->fed >= a->nev) return 0;
    if (a->step_pending) return 1;
    if (a->target_fed != SIZE_MAX) return a->fed < a->target_fed;
    int64_t lim = a->target < frontier(a) ? a->target : frontier(a);
    return a->target >= 0 && a->ev[a->fed].t <= lim;
}

/* 2: slices of work left; 1: only threads are busy (the simulation's,
 * a copy, the compare view, freeing); 0: nothing. */
static int work_left(const struct app *a)
{
    if (can_feed(a) || (a->step_pending < 0 && !a->model_job)) return 2;
    if (aiming(a) && !a->model_job && !simulating(a)) return 2; /* reached at once */
    return simulating(a) || a->model_job || a->compare_job || a->cursor_job || a->reap ||
           a->simreap || aiming(a) || a->step_pending;
}

void app_progress(struct app *a)
{
    /* A message of the user's own (a key's) stays until the next key. */
    if (a->status[0] && strcmp(a->status, a->progress) != 0) return;
    char t[32], line[sizeof a->progress];
    app_format_duration(t, sizeof t, simjob_now(a));
    int take = a->model_job && a->model_job->kind == JOB_TAKE;
    int aiming = a->target >= 0 || a->target_fed != SIZE_MAX || a->step_pending;
    line[0] = 0;
    if (simulating(a))
        snprintf(line, sizeof line, "simulating\u2026 t %s%s", t,
                 take ? "; keeping a checkpoint" : "");
    else if (take)
        snprintf(line, sizeof line, "keeping a checkpoint\u2026");
    else if (a->model_job || aiming)
        snprintf(line, sizeof line, "seeking\u2026");
    else if (a->cursor_job)
        snprintf(line, sizeof line, "reading the run at the cursor\u2026");
    else if (a->compare_job && a->overlay == OVERLAY_COMPARE)
        snprintf(line, sizeof line, "computing the compare view: five runs\u2026");
    snprintf(a->status, sizeof a->status, "%s", line);
    snprintf(a->progress, sizeof a->progress, "%s", line);
}

int app_work(struct app *a, int64_t budget_ns)
{
    int64_t deadline = mono_ns() + budget_ns;
    reap_done(a, 0);
    simjob_reap(a, 0);
    compare_poll(a, 0);
    cursor_poll(a, 0);
    if (model_job_poll(a, 0) && aiming(a)) target_begin(a);
    while (mono_ns() < deadline) {
        int got = simjob_collect(a);
        if (aiming(a) && !a->model_job) {
            if (feed_toward(a, deadline)) {
                target_reached(a);
                continue;
            }
            if (a->model_job) break;
            if (can_feed(a)) continue;
        } else if (a->step_pending && !a->model_job &&
                   (a->step_pending < 0 || a->fed < a->nev || !simulating(a))) {
            int dir = a->step_pending > 0 ? 1 : -1;
            a->step_pending -= dir;
            app_step_now(a, dir);
            continue;
        }
        if (!got) break;
    }
    app_progress(a);
    return work_left(a);
}

void app_work_finish(struct app *a)
{
    int left;
    while ((left = app_work(a, INT64_C(1000000000))) != 0) {
        if (left == 1) { /* threads: give them a moment */
            struct timespec ts = {0, 1000000};
            nanosleep(&ts, NULL);
        }
    }
}

void app_model_settle(struct app *a)
{
    model_job_poll(a, 1);
}

void app_work_done(struct app *a)
{
    model_job_poll(a, 1);
    app_compare_cancel(a);
    app_cursor_stop(a);
    simjob_reap(a, 1); /* before the reaper: it hands it the freeing */
    reap_done(a, 1);
}

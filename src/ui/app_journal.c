/*
 * app_journal: the journal of a run's events and the checkpoints that make
 * seeking cheap (see app.h): feeding the model, restoring it to a
 * checkpoint, the sink between a source and the journal (its texts kept in
 * 1 MB blocks). And where the journal is written out: the --record trace
 * (as events are first shown) and `w`, with what failed kept for after the
 * screen closes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/sim.h"
#include "core/trace.h"
#include "core/xalloc.h"
#include "exec/watch.h"
#include "ui/app_internal.h"

#ifndef JUGGLE_VERSION
#error "JUGGLE_VERSION comes from the Makefile's VERSION"
#endif

/* ---- checkpoints (see app.h) ---- */

void ckpt_clear(struct app *a)
{
    for (size_t i = 0; i < a->nckpt; i++)
        app_discard_model(a, &a->ckpt[i].m);
    free(a->ckpt);
    a->ckpt = NULL;
    a->nckpt = a->capckpt = 0;
    a->ckpt_every = APP_CKPT_EVERY;
    a->ckpt_bytes = 0;
}

/* Doubles the spacing: keeps the checkpoints at multiples of it. */
static void ckpt_thin(struct app *a)
{
    a->ckpt_every *= 2;
    size_t w = 0;
    for (size_t i = 0; i < a->nckpt; i++) {
        if (a->ckpt[i].fed % a->ckpt_every == 0) {
            a->ckpt[w++] = a->ckpt[i];
        } else {
            a->ckpt_bytes -= a->ckpt[i].bytes;
            app_discard_model(a, &a->ckpt[i].m);
        }
    }
    a->nckpt = w;
}

void ckpt_add(struct app *a, size_t fed, int64_t tmax, struct model *m, size_t bytes)
{
    a->ckpt = xgrow(a->ckpt, &a->capckpt, a->nckpt + 1, sizeof *a->ckpt);
    struct app_ckpt *c = &a->ckpt[a->nckpt++];
    c->fed = fed;
    c->tmax = tmax;
    c->m = *m;
    c->bytes = bytes;
    a->ckpt_bytes += c->bytes;
    while (a->ckpt_bytes > APP_CKPT_BYTES && a->nckpt > 1)
        ckpt_thin(a);
}

void ckpt_take(struct app *a)
{
    struct model m;
    size_t bytes = model_copy(&m, &a->model);
    ckpt_add(a, a->fed, a->fed_tmax, &m, bytes);
}

/* An interactive session spaces checkpoints so that copying one costs
 * about what feeding the events between two does: a copy runs ~2 ns a
 * byte, feeding ~110 ns an event, so a gap of a 64th of the model's bytes
 * (before the first: 8 events a task). A 100,000-task run's model is
 * 60-140 MB: checkpoints a million or more events apart, not 16384. */
size_t ckpt_gap(const struct app *a)
{
    size_t gap = a->nckpt ? a->ckpt[a->nckpt - 1].bytes / 64 : a->model.ntasks * 8;
    return gap > a->ckpt_every ? gap : a->ckpt_every;
}

int ckpt_due(const struct app *a)
{
    if (a->cursor_job) return 0; /* it reads a checkpoint a new one could thin away */
    size_t last = a->nckpt ? a->ckpt[a->nckpt - 1].fed : 0;
    return a->fed > 0 && a->fed % a->ckpt_every == 0 && a->fed > last &&
           a->fed - last >= ckpt_gap(a);
}

/* The latest checkpoint whose events all happened by t, or NULL. */
const struct app_ckpt *ckpt_by_time(const struct app *a, int64_t t)
{
    size_t lo = 0, hi = a->nckpt; /* tmax grows with fed */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (a->ckpt[mid].tmax <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? &a->ckpt[lo - 1] : NULL;
}

/* The latest checkpoint of at most n events, or NULL. */
const struct app_ckpt *ckpt_by_count(const struct app *a, size_t n)
{
    size_t lo = 0, hi = a->nckpt;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (a->ckpt[mid].fed <= n)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? &a->ckpt[lo - 1] : NULL;
}

/* Puts the model back to checkpoint c, or to nothing fed when c is NULL. */
void model_restore(struct app *a, const struct app_ckpt *c)
{
    app_discard_model(a, &a->model);
    if (c) {
        model_copy(&a->model, &c->m);
        a->fed = c->fed;
        a->fed_tmax = c->tmax;
    } else {
        model_init(&a->model);
        a->fed = 0;
        a->fed_tmax = 0;
    }
}

/* ---- writing the journal out ---- */

/* Keeps the first failed write of the session, for app_record_outcome. */
static void record_fail(struct app *a, const struct err *e)
{
    if (!a->record_failed) a->record_err = *e;
    a->record_failed = 1;
}

/* A --record write failed (a full disk): say so at once, while the run
 * goes on; the file's fate is known when it is closed. */
static void record_check(struct app *a)
{
    int err = trace_writer_error(a->recorder);
    if (!err || a->record_warned) return;
    a->record_warned = 1;
    app_status(a, "recording %s failed: %s (the run goes on; q says it again)",
               trace_writer_path(a->recorder), strerror(err));
}

void app_close_recorder(struct app *a, int complete)
{
    if (!a->recorder) return;
    struct err e;
    char path[512];
    snprintf(path, sizeof path, "%s", trace_writer_path(a->recorder));
    if (trace_writer_close(a->recorder, complete, &e)) {
        app_status(a, "could not write %s: %s", path, e.msg);
        record_fail(a, &e);
    } else {
        app_status(a, "recorded %s%s", path, complete ? "" : " (incomplete)");
    }
    a->recorder = NULL;
}

void app_write_trace(struct app *a)
{
    if (!a->nev) return;
    /* The whole run, as a dump writes it: finish a simulation first. */
    if (a->source == APP_SIM && a->sim && !sim_finished(a->sim)) {
        sim_run(a->sim);
        app_sim_ended(a);
    }
    if (a->source == APP_SIM) simjob_wait(a);
    char path[512];
    const char *name = a->watch   ? watch_program(a->watch)
                       : a->sc    ? a->sc->path
                       : a->trace ? a->trace->scene_path
                                  : NULL;
    const char *base = name ? strrchr(name, '/') : NULL;
    base = base ? base + 1 : name ? name : "run";
    char stem[128];
    snprintf(stem, sizeof stem, "%s", base);
    char *dot = strrchr(stem, '.');
    if (dot) *dot = 0;
    for (int i = 1; i < 10000; i++) {
        snprintf(path, sizeof path, "juggle-%s-%s-%d.jsonl", stem,
                 a->model.strategy[0] ? a->model.strategy : strategy_name(a->strategy), i);
        if (access(path, F_OK) != 0) break;
    }
    struct err e;
    const char *clock = a->model.real ? "real" : "virtual";
    struct trace_writer *w =
        a->watch ? trace_writer_open(path, watch_program(a->watch), watch_scene_text(a->watch),
                                     "python", clock, JUGGLE_VERSION, &e)
        : a->trace && a->source == APP_REPLAY
            ? trace_writer_open(path, a->trace->scene_path, a->trace->scene_text,
                                a->trace->strategy, clock, JUGGLE_VERSION, &e)
            : trace_writer_open(path, a->sc->path, a->sc->text, strategy_name(a->strategy), clock,
                                JUGGLE_VERSION, &e);
    if (!w) {
        app_status(a, "cannot write %s: %s", path, e.msg);
        record_fail(a, &e);
        return;
    }
    int ended = 0;
    for (size_t i = 0; i < a->nev; i++) {
        trace_writer_sink(w, &a->ev[i]);
        ended |= a->ev[i].kind == EV_RUN_END;
    }
    size_t n = a->nev;
    if (a->journal_dropped) ended = 0;
    if (trace_writer_close(w, ended, &e)) {
        app_status(a, "cannot write %s: %s", path, e.msg);
        record_fail(a, &e);
    } else {
        app_status(a, "wrote %s (%zu events%s)", path, n, ended ? "" : ", run not finished");
    }
}

int app_record_outcome(struct app *a)
{
    app_close_recorder(a, a->model.ended);
    if (!a->record_failed) return 0;
    err_print(&a->record_err);
    return 1;
}

/* Feeds the next journal event to the model, keeping a checkpoint every
 * ckpt_every events the first time through. */
void feed_one(struct app *a)
{
    size_t i = a->fed++;
    const struct event *ev = &a->ev[i];
    if (a->recorder && i == a->recorded) {
        trace_writer_sink(a->recorder, ev);
        a->recorded++;
        record_check(a);
    }
    if (ev->t > a->fed_tmax) a->fed_tmax = ev->t;
    model_sink(&a->model, ev);
    if (!a->ckpt_every) a->ckpt_every = APP_CKPT_EVERY;
    /* Interactive: app_work takes them (ckpt_due), but a real run's
     * events are fed here as they arrive. */
    if ((!a->async || a->source == APP_REAL) && a->fed % a->ckpt_every == 0 &&
        (!a->nckpt || a->ckpt[a->nckpt - 1].fed < a->fed))
        ckpt_take(a);
}

void journal_clear(struct app *a)
{
    app_cursor_stop(a); /* it reads the journal */
    ckpt_clear(a);
    if (!a->ev_mapped) app_discard_events(a, a->ev);
    a->ev_mapped = 0;
    texts_free(&a->texts);
    a->borrow_text = 0;
    a->recorded = 0;
    a->qscanned = 0;
    a->nqmarks = 0;
    a->jlog_scanned = 0;
    a->jlog_rows = 0;
    a->ev = NULL;
    a->nev = a->capev = 0;
    a->fed = 0;
    a->fed_tmax = 0;
    a->journal_dropped = 0;
}

/* The journal's texts live in blocks of 1 MB (a 1M-item run has millions:
 * one allocation each made freeing the journal take a long while). */
struct app_texts {
    struct app_texts *next;
    size_t used, cap;
    char data[];
};

#define TEXT_BLOCK (1u << 20)

const char *texts_dup(struct app_texts **list, const char *s)
{
    size_t n = strlen(s) + 1;
    struct app_texts *b = *list;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > TEXT_BLOCK ? n : TEXT_BLOCK;
        b = xmalloc(sizeof *b + cap);
        b->used = 0;
        b->cap = cap;
        b->next = *list;
        *list = b;
    }
    char *d = memcpy(b->data + b->used, s, n);
    b->used += n;
    return d;
}

void texts_free(struct app_texts **list)
{
    while (*list) {
        struct app_texts *b = *list;
        *list = b->next;
        free(b);
    }
}

/* The sink between a source and the journal: copies the event. */
void journal_sink(void *ctx, const struct event *ev)
{
    struct app *a = ctx;
    if (a->nev >= APP_JOURNAL_MAX && a->source == APP_REAL && a->fed == a->nev) {
        /* A long real run: keep memory bounded. The model (which bounds
         * itself) still sees every event; only `w` loses the tail. */
        a->journal_dropped++;
        model_sink(&a->model, ev);
        if (a->recorder) {
            trace_writer_sink(a->recorder, ev);
            record_check(a);
        }
        return;
    }
    a->ev = xgrow(a->ev, &a->capev, a->nev + 1, sizeof *a->ev);
    struct event *e = &a->ev[a->nev++];
    *e = *ev;
    /* A replay's texts live in the trace's arena for as long as it is
     * shown; other sources' texts are gone after dispatch. */
    if (!a->borrow_text) e->text = ev->text ? texts_dup(&a->texts, ev->text) : NULL;
}

void app_feed(struct app *a)
{
    while (a->fed < a->nev && a->ev[a->fed].t <= a->playhead)
        feed_one(a);
}

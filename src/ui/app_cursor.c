/*
 * app_cursor: the time cursor (issue 12 item 5). The user moves it over
 * the timeline apart from the play head (`i`, then the arrows, or a click
 * on the timeline); the lanes' readouts then say what each lane was doing
 * at the cursor: the state, what it waited for, since when.
 *
 * Nothing here works states out again: the model at the cursor is the run
 * model itself, built the way a seek builds it — the nearest checkpoint at
 * or before the cursor is copied and the journal fed from there up to the
 * cursor — and the readouts are the model's own answers (model_task_why,
 * the CPU spans, the reads and writes). It is kept apart from the model
 * at the play head and built again only when the cursor moves (forward:
 * just the events crossed). On a big run in the TUI (a->async), a build
 * that would copy a big checkpoint or feed many events goes to a worker
 * thread (app_work.c); meanwhile the readouts stay those of the last
 * cursor time, and the status line says the cursor is being read.
 */
#include <stdio.h>
#include <string.h>

#include "core/scene.h"
#include "ui/app_internal.h"

void app_cursor_off(struct app *a)
{
    app_cursor_stop(a);
    a->cursor_on = 0;
    model_reset(&a->cmodel);
    a->cfed = 0;
    a->cbuilt = -1;
}

void app_cursor_set(struct app *a, int64_t t)
{
    if (t > a->playhead) t = a->playhead;
    if (t < 0) t = 0;
    a->cursor_on = 1;
    a->cursor_t = t;
}

int64_t app_readout_time(const struct app *a)
{
    if (a->cursor_job && a->cbuilt >= 0) return a->cbuilt; /* what cmodel shows */
    return a->cursor_on && a->cursor_t < a->playhead ? a->cursor_t : a->playhead;
}

/* The journal's events up to t that the play head's model has seen. */
static size_t fed_by(const struct app *a, int64_t t)
{
    size_t lo = 0, hi = a->fed;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (a->ev[mid].t <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Too long for the loop: a big checkpoint to copy or many events. */
static int build_elsewhere(const struct app *a, const struct app_ckpt *c, size_t from, int64_t t)
{
    if (!a->async || !(a->ev_mapped || a->source == APP_REPLAY)) return 0;
    return (c && c->bytes >= a->copy_here) || fed_by(a, t) - from > APP_CURSOR_FEED_HERE;
}

const struct model *app_readout_model(struct app *a)
{
    if (!a->cursor_on) return &a->model;
    /* The play head may have moved back behind the cursor (Home, `,`). */
    if (a->cursor_t > a->playhead) a->cursor_t = a->playhead;
    int64_t t = a->cursor_t;
    if (a->cursor_job || t == a->cbuilt) return &a->cmodel;
    const struct app_ckpt *c = ckpt_by_time(a, t);
    int back = a->cbuilt < 0 || t < a->cbuilt || (c && c->fed > a->cfed);
    size_t from = back ? (c ? c->fed : 0) : a->cfed;
    if (build_elsewhere(a, back ? c : NULL, from, t)) {
        if (!a->model_job) app_cursor_build(a, c, c ? c->fed : 0, fed_by(a, t), t);
        return &a->cmodel; /* the last one until it is done */
    }
    if (back) {
        /* Back (or far forward): from the checkpoint, as a seek does. */
        model_done(&a->cmodel);
        if (c) {
            model_copy(&a->cmodel, &c->m);
            a->cfed = c->fed;
        } else {
            model_init(&a->cmodel);
            a->cfed = 0;
        }
    }
    /* The events up to the cursor that the play head's model has seen. */
    while (a->cfed < a->fed && a->ev[a->cfed].t <= t)
        model_sink(&a->cmodel, &a->ev[a->cfed++]);
    a->cbuilt = t;
    return &a->cmodel;
}

void app_cursor_step(struct app *a, int dir)
{
    size_t lo = fed_by(a, a->cursor_t); /* the first event after the cursor */
    if (dir > 0) {
        if (lo < a->fed) app_cursor_set(a, a->ev[lo].t);
        return;
    }
    /* The latest event before t. */
    while (lo > 0 && a->ev[lo - 1].t >= a->cursor_t)
        lo--;
    app_cursor_set(a, lo > 0 ? a->ev[lo - 1].t : 0);
}

/* ---- what the readouts say ---- */

static void since_at(struct app_readout *r, int64_t t)
{
    scene_format_units(r->since, sizeof r->since, t);
}

void app_readout_task(struct app *a, int task, struct app_readout *r)
{
    const struct model *m = app_readout_model(a);
    int64_t t = app_readout_time(a);
    const struct model_task *tk =
        task >= 0 && (size_t)task < m->ntasks && m->tasks[task].name ? &m->tasks[task] : NULL;
    r->since[0] = 0;
    if (!tk || model_task_unborn(tk) || tk->state == TASK_NEW) {
        snprintf(r->what, sizeof r->what, "not begun");
        return;
    }
    model_task_why(m, (size_t)task, t, r->what, sizeof r->what);
    if (tk->state == TASK_DONE) return; /* "finished at 32.0" */
    int64_t from = tk->since;
    int st = tk->state == TASK_READY ? model_task_staller(m, (size_t)task) : -1;
    if (st >= 0 && m->tasks[st].since > from) from = m->tasks[st].since; /* stalled since */
    if (stats_due_wait(tk->state, tk->reason, tk->since, tk->until, t)) {
        /* Its sleep or response is due; it waits for the CPU since then. */
        char until[32];
        scene_format_units(until, sizeof until, tk->until);
        snprintf(r->what, sizeof r->what, "%s was due at %s; waiting for the CPU",
                 block_reason_name(tk->reason), until);
        from = tk->until;
    }
    since_at(r, from);
}

/* Task id's name, or "?". */
static const char *name_of(const struct model *m, int id)
{
    return id >= 0 && (size_t)id < m->ntasks && m->tasks[id].name ? m->tasks[id].name : "?";
}

void app_readout_cpu(struct app *a, int cpu, struct app_readout *r)
{
    const struct model *m = app_readout_model(a);
    r->since[0] = 0;
    if (cpu < 0 || cpu >= m->ncpu || !m->cpus[cpu].nspans) {
        snprintf(r->what, sizeof r->what, "idle");
        return;
    }
    const struct model_cpu *c = &m->cpus[cpu];
    const struct model_span *s = &c->spans[c->nspans - 1];
    if (s->reason == MODEL_CPU_CHECK && s->t1 > app_readout_time(a)) {
        /* A check's span ends when it is done, ahead of the cursor. */
        snprintf(r->what, sizeof r->what, "checking on %s (poll)", name_of(m, s->state));
        since_at(r, c->check_at);
        return;
    }
    if (s->t1 >= 0) {
        snprintf(r->what, sizeof r->what, "idle");
        since_at(r, s->t1);
        return;
    }
    const char *name = name_of(m, s->state);
    if (s->reason == MODEL_CPU_HELD)
        snprintf(r->what, sizeof r->what, "held by %s, blocked in a call", name);
    else
        snprintf(r->what, sizeof r->what, "runs %s", name);
    since_at(r, s->t0);
}

void app_readout_balance(struct app *a, struct app_readout *r)
{
    const struct model *m = app_readout_model(a);
    r->since[0] = 0;
    if (!m->nvars) {
        snprintf(r->what, sizeof r->what, "not read yet");
        return;
    }
    const struct model_var *v = &m->vars_at[m->nvars - 1];
    const char *who = name_of(m, v->task);
    char at[32];
    scene_format_units(at, sizeof at, v->t);
    snprintf(r->what, sizeof r->what, "%s %s %lld at %s", who, v->write ? "wrote" : "read",
             (long long)v->value, at);
}

void app_readout_queue(struct app *a, struct app_readout *r)
{
    size_t nq;
    const int64_t *mk = app_queue_marks(a, &nq);
    int64_t t = app_readout_time(a), q = 0;
    for (size_t i = 0; mk && i < nq && mk[i] / 2 <= t; i++)
        q += (mk[i] & 1) ? 1 : -1;
    r->since[0] = 0;
    snprintf(r->what, sizeof r->what, "%lld waiting", (long long)q);
}

/*
 * model: events to spans, marks, items and the log. Task state follows the
 * same rules as stats.c (which this sink feeds too, for the totals): a
 * task is in exactly one state at a time, so its spans tile its lifetime.
 */
#include "ui/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/scene.h"
#include "core/xalloc.h"

void model_init(struct model *m)
{
    memset(m, 0, sizeof *m);
    stats_init(&m->st);
    m->ncpu = 0;
}

static void task_free(struct model_task *tk)
{
    free(tk->name);
    free(tk->spans);
    free(tk->marks);
    for (size_t i = 0; i < tk->nitems; i++)
        free(tk->items[i].label);
    free(tk->items);
    free(tk->lock_max_res);
    free(tk->url);
}

void model_done(struct model *m)
{
    for (size_t i = 0; i < m->ntasks; i++)
        task_free(&m->tasks[i]);
    free(m->tasks);
    for (int c = 0; c < m->ncpu; c++) {
        free(m->cpus[c].spans);
        free(m->cpus[c].marks);
    }
    free(m->cpus);
    for (size_t i = 0; i < m->nlog; i++)
        free(m->log[(m->logstart + i) % MODEL_MAX_LOG].text);
    free(m->log);
    stats_done(&m->st);
    memset(m, 0, sizeof *m);
}

void model_reset(struct model *m)
{
    model_done(m);
    model_init(m);
}

/* ---- copies (checkpoints for seeking) ---- */

size_t model_copy(struct model *d, const struct model *s)
{
    size_t bytes = sizeof *d;
    *d = *s;
    bytes += stats_copy(&d->st, &s->st);
    d->tasks = xdup_counted(s->tasks, s->ntasks, sizeof *s->tasks, &bytes);
    d->captasks = d->tasks ? s->ntasks : 0;
    for (size_t i = 0; i < d->ntasks; i++) {
        struct model_task *t = &d->tasks[i];
        const struct model_task *o = &s->tasks[i];
        t->name = xstrdup_counted(o->name, &bytes);
        t->spans = xdup_counted(o->spans, o->nspans, sizeof *o->spans, &bytes);
        t->capspans = t->spans ? o->nspans : 0;
        t->marks = xdup_counted(o->marks, o->nmarks, sizeof *o->marks, &bytes);
        t->capmarks = t->marks ? o->nmarks : 0;
        t->items = xdup_counted(o->items, o->nitems, sizeof *o->items, &bytes);
        t->capitems = t->items ? o->nitems : 0;
        for (size_t k = 0; k < t->nitems; k++)
            t->items[k].label = xstrdup_counted(o->items[k].label, &bytes);
        t->lock_max_res = xstrdup_counted(o->lock_max_res, &bytes);
        t->url = xstrdup_counted(o->url, &bytes);
    }
    d->cpus = xdup_counted(s->cpus, (size_t)s->ncpu, sizeof *s->cpus, &bytes);
    for (int c = 0; c < d->ncpu; c++) {
        struct model_cpu *cp = &d->cpus[c];
        const struct model_cpu *o = &s->cpus[c];
        cp->spans = xdup_counted(o->spans, o->nspans, sizeof *o->spans, &bytes);
        cp->capspans = cp->spans ? o->nspans : 0;
        cp->marks = xdup_counted(o->marks, o->nmarks, sizeof *o->marks, &bytes);
        cp->capmarks = cp->marks ? o->nmarks : 0;
    }
    /* The log is a ring of MODEL_MAX_LOG, allocated whole on first use. */
    d->log = xdup_counted(s->log, s->log ? MODEL_MAX_LOG : 0, sizeof *s->log, &bytes);
    for (size_t i = 0; i < d->nlog; i++) {
        struct model_log *l = &d->log[(d->logstart + i) % MODEL_MAX_LOG];
        l->text = xstrdup_counted(l->text, &bytes);
    }
    return bytes;
}

/* Halves the older half of a span array by merging neighbours. */
static void spans_coalesce(struct model_span *s, size_t *n)
{
    size_t half = *n / 2, w = 0;
    for (size_t i = 0; i + 1 < half; i += 2) {
        struct model_span a = s[i], b = s[i + 1];
        int64_t la = a.t1 - a.t0, lb = b.t1 - b.t0;
        struct model_span keep = lb > la ? b : a;
        keep.t0 = a.t0;
        keep.t1 = b.t1;
        s[w++] = keep;
    }
    size_t from = half - (half % 2);
    memmove(s + w, s + from, (*n - from) * sizeof *s);
    *n = w + (*n - from);
}

static void span_close(struct model_span *s, size_t n, int64_t t)
{
    if (n && s[n - 1].t1 < 0) s[n - 1].t1 = t < s[n - 1].t0 ? s[n - 1].t0 : t;
}

/* Closes the open span at t and opens one in state. Zero-length spans are
 * kept only for running (so a brief run shows); others are replaced. */
static void span_open(struct model_span **s, size_t *n, size_t *cap, int64_t t, int state,
                      int reason, int keep_zero_state)
{
    span_close(*s, *n, t);
    if (*n && (*s)[*n - 1].t1 == (*s)[*n - 1].t0 && (*s)[*n - 1].t0 == t &&
        (*s)[*n - 1].state != keep_zero_state)
        (*n)--;
    if (*n >= MODEL_MAX_SPANS) spans_coalesce(*s, n);
    *s = xgrow(*s, cap, *n + 1, sizeof **s);
    (*s)[(*n)++] = (struct model_span){t, -1, (int16_t)state, (int16_t)reason};
}

static void mark_add(struct model_mark **mk, size_t *n, size_t *cap, int64_t t, int kind)
{
    if (*n >= MODEL_MAX_MARKS) {
        memmove(*mk, *mk + *n / 2, (*n - *n / 2) * sizeof **mk);
        *n -= *n / 2;
    }
    *mk = xgrow(*mk, cap, *n + 1, sizeof **mk);
    (*mk)[(*n)++] = (struct model_mark){t, kind};
}

/* A simulated run's text with ${server} (the embedded delay server a real
 * run starts on loopback, at a port it picks) replaced by that address's
 * host; a real run's texts already carry the address. malloc'd. */
static char *sim_text(const struct model *m, const char *s)
{
    static const char var[] = "${server}", host[] = "http://127.0.0.1";
    if (!s) return xstrdup("");
    const char *p = m->real ? NULL : strstr(s, var);
    if (!p) return xstrdup(s);
    size_t n = 0, vl = sizeof var - 1, hl = sizeof host - 1;
    for (const char *q = p; q; q = strstr(q + vl, var))
        n++;
    char *out = xmalloc(strlen(s) + n * hl + 1), *w = out;
    for (const char *q = s; *q;) {
        if (strncmp(q, var, vl) == 0) {
            memcpy(w, host, hl);
            w += hl;
            q += vl;
        } else {
            *w++ = *q++;
        }
    }
    *w = 0;
    return out;
}

static struct model_task *task_of(struct model *m, int id)
{
    if (id < 0 || (size_t)id >= m->ntasks || !m->tasks[id].name) return NULL;
    return &m->tasks[id];
}

static struct model_cpu *cpu_of(struct model *m, int id)
{
    if (id < 0 || id >= m->ncpu) return NULL;
    return &m->cpus[id];
}

static void ensure_cpus(struct model *m, int n)
{
    if (n <= m->ncpu) return;
    m->cpus = xrealloc(m->cpus, (size_t)n * sizeof *m->cpus);
    for (int c = m->ncpu; c < n; c++) {
        memset(&m->cpus[c], 0, sizeof m->cpus[c]);
        m->cpus[c].task = -1;
    }
    m->ncpu = n;
}

/* The task stops holding its thread at t. */
static void hold_end(struct model_task *tk, int64_t t)
{
    if (tk->hold_since < 0) return;
    int64_t d = t - tk->hold_since;
    if (d > tk->hold_max) tk->hold_max = d;
    tk->hold_since = -1;
}

/* The task leaves its CPU at t. */
static void leave_cpu(struct model *m, int id, struct model_task *tk, int64_t t)
{
    struct model_cpu *c = cpu_of(m, tk->cpu);
    if (c && c->task == id) {
        span_close(c->spans, c->nspans, t);
        c->task = -1;
    }
    tk->cpu = -1;
}

/* The task blocks in a call that keeps its thread (sync, coop): its CPU
 * stays held by it, drawn hatched, so the CPU never looks idle while
 * another task waits for it. */
static void keep_cpu(struct model *m, int id, struct model_task *tk, int64_t t)
{
    struct model_cpu *c = cpu_of(m, tk->cpu);
    if (!c || c->task != id) {
        leave_cpu(m, id, tk, t);
        return;
    }
    span_open(&c->spans, &c->nspans, &c->capspans, t, id, MODEL_CPU_HELD, -100);
}

static void task_enter(struct model_task *tk, int64_t t, int state, int reason)
{
    /* A task that began life waiting for work (a request's coroutine
     * blocked until its request arrives) exists from the end of that
     * wait; one that spent time in any other state, from its creation. */
    if (tk->unborn && t > tk->since) {
        tk->unborn = 0;
        if (tk->state == TASK_BLOCKED && tk->reason == BLOCK_QUEUE) tk->born = t;
    }
    tk->state = state;
    tk->reason = reason;
    tk->since = t;
    span_open(&tk->spans, &tk->nspans, &tk->capspans, t, state, reason, TASK_RUNNING);
}

/* Run start and end, and a task's creation. */
static void on_run(struct model *m, struct model_task *tk, const struct event *ev)
{
    switch (ev->kind) {
    case EV_RUN_START:
        m->started = 1;
        snprintf(m->strategy, sizeof m->strategy, "%s", ev->text ? ev->text : "?");
        m->real = ev->value2 != 0;
        ensure_cpus(m, ev->value > 0 && ev->value < 4096 ? (int)ev->value : 1);
        break;
    case EV_TASK_NEW:
        if (ev->task < 0 || ev->task > 1000000) break;
        if ((size_t)ev->task >= m->ntasks) {
            m->tasks = xgrow(m->tasks, &m->captasks, (size_t)ev->task + 1, sizeof *m->tasks);
            memset(m->tasks + m->ntasks, 0, ((size_t)ev->task + 1 - m->ntasks) * sizeof *m->tasks);
            m->ntasks = (size_t)ev->task + 1;
        }
        tk = &m->tasks[ev->task];
        task_free(tk);
        memset(tk, 0, sizeof *tk);
        tk->name = xstrdup(ev->text ? ev->text : "?");
        tk->cpu = -1;
        tk->until = -1;
        tk->hold_since = -1;
        tk->lock_res = tk->lock_holder = -1;
        tk->born = ev->t;
        tk->unborn = 1;
        tk->woken_at = -1;
        tk->woken_by = -1;
        task_enter(tk, ev->t, TASK_READY, 0);
        break;
    case EV_RUN_END:
        m->ended = 1;
        m->total = ev->value;
        m->failed = ev->reason != 0;
        for (size_t i = 0; i < m->ntasks; i++) {
            struct model_task *t = &m->tasks[i];
            if (!t->name) continue;
            if (t->hold_since >= 0) hold_end(t, ev->t);
            span_close(t->spans, t->nspans, ev->t);
        }
        for (int c = 0; c < m->ncpu; c++) {
            /* A task still blocked in a call that keeps its thread (a
             * deadlock on one thread) holds it after the end, forever. */
            struct model_cpu *cp = &m->cpus[c];
            int id = cp->task;
            if (id >= 0 && (size_t)id < m->ntasks && m->tasks[id].stall &&
                m->tasks[id].state == TASK_BLOCKED && cp->nspans &&
                cp->spans[cp->nspans - 1].reason == MODEL_CPU_HELD)
                continue;
            span_close(cp->spans, cp->nspans, ev->t);
            cp->task = -1;
        }
        break;
    default: break;
    }
}

/* A task changes state: runs, leaves its CPU, blocks, wakes, ends. */
static void on_state(struct model *m, struct model_task *tk, const struct event *ev)
{
    if (!tk) return;
    switch (ev->kind) {
    case EV_RUN:
        if (ev->cpu >= 0) ensure_cpus(m, ev->cpu + 1);
        task_enter(tk, ev->t, TASK_RUNNING, 0);
        tk->cpu = ev->cpu;
        if (tk->hold_since < 0) tk->hold_since = ev->t;
        if (cpu_of(m, ev->cpu)) {
            struct model_cpu *c = &m->cpus[ev->cpu];
            span_close(c->spans, c->nspans, ev->t);
            span_open(&c->spans, &c->nspans, &c->capspans, ev->t, ev->task, 0, -100);
            c->task = ev->task;
        }
        break;
    case EV_YIELD:
    case EV_PREEMPT:
        if (ev->kind == EV_YIELD)
            tk->yields++;
        else
            tk->preempts++;
        leave_cpu(m, ev->task, tk, ev->t);
        hold_end(tk, ev->t);
        task_enter(tk, ev->t, TASK_READY, 0);
        break;
    case EV_WAKE:
        /* A timed wait due before the wake: ready from its due time. */
        if (stats_due_wait(tk->state, tk->reason, tk->since, tk->until, ev->t))
            task_enter(tk, tk->until, TASK_READY, 0);
        task_enter(tk, ev->t, TASK_READY, 0);
        tk->until = -1;
        tk->woken_at = ev->t;
        tk->woken_by = ev->other; /* the task that caused it (a lock handed over), or -1 */
        break;
    case EV_BLOCK:
        if (!tk || ev->reason < 0 || ev->reason >= BLOCK__COUNT) break;
        tk->stall = ev->other == 1;
        if (tk->stall)
            keep_cpu(m, ev->task, tk, ev->t);
        else
            leave_cpu(m, ev->task, tk, ev->t);
        if (!tk->stall) hold_end(tk, ev->t);
        tk->until = ev->value;
        task_enter(tk, ev->t, TASK_BLOCKED, ev->reason);
        break;
    case EV_TASK_DONE:
        leave_cpu(m, ev->task, tk, ev->t);
        hold_end(tk, ev->t);
        task_enter(tk, ev->t, TASK_DONE, 0);
        break;
    default: break;
    }
}

/* Marks, items, the log, locks, races, requests. */
static void on_other(struct model *m, struct model_task *tk, const struct event *ev)
{
    switch (ev->kind) {
    case EV_SWITCH: {
        struct model_cpu *c = cpu_of(m, ev->cpu);
        if (c) mark_add(&c->marks, &c->nmarks, &c->capmarks, ev->t, MARK_SWITCH);
        break;
    }
    case EV_ITEM_START:
        if (!tk) break;
        tk->items = xgrow(tk->items, &tk->capitems, tk->nitems + 1, sizeof *tk->items);
        tk->items[tk->nitems++] =
            (struct model_item){xstrdup(ev->text ? ev->text : "?"), ev->t, -1, 0};
        break;
    case EV_ITEM_END:
        if (tk && tk->nitems && tk->items[tk->nitems - 1].t1 < 0) {
            tk->items[tk->nitems - 1].t1 = ev->t;
            tk->items[tk->nitems - 1].failed = ev->value2 != 0;
        }
        break;
    case EV_LOG: {
        if (!m->log) m->log = xcalloc(MODEL_MAX_LOG, sizeof *m->log);
        struct model_log *l;
        if (m->nlog == MODEL_MAX_LOG) {
            l = &m->log[m->logstart];
            free(l->text);
            m->logstart = (m->logstart + 1) % MODEL_MAX_LOG;
            m->log_dropped++;
        } else {
            l = &m->log[(m->logstart + m->nlog++) % MODEL_MAX_LOG];
        }
        *l = (struct model_log){ev->t, ev->task, sim_text(m, ev->text)};
        break;
    }
    case EV_POLL:
        if (!tk) break;
        if (ev->reason)
            tk->checks_useful++;
        else
            tk->checks_wasted++;
        mark_add(&tk->marks, &tk->nmarks, &tk->capmarks, ev->t,
                 ev->reason ? MARK_CHECK_USEFUL : MARK_CHECK_WASTED);
        /* A check that costs time keeps the idle CPU busy until done: the
         * totals count it as busy, and so does the lane. */
        if (ev->value > 0 && m->ncpu > 0 && m->cpus[0].task < 0) {
            struct model_cpu *c = &m->cpus[0];
            struct model_span *last = c->nspans ? &c->spans[c->nspans - 1] : NULL;
            if (last && last->reason == MODEL_CPU_CHECK && last->t1 == ev->t) {
                /* Checks back to back are one span (a round of them is
                 * one stretch of CPU); it names the one under way. */
                last->state = (int16_t)ev->task;
            } else {
                span_open(&c->spans, &c->nspans, &c->capspans, ev->t, ev->task, MODEL_CPU_CHECK,
                          -100);
                last = &c->spans[c->nspans - 1];
            }
            last->t1 = ev->t + ev->value;
            c->check_at = ev->t;
        }
        break;
    case EV_LOCK_WAIT:
        if (!tk) break;
        tk->lock_res = ev->other;
        tk->lock_holder = (int)ev->value;
        tk->lock_since = ev->t;
        break;
    case EV_LOCK_ACQUIRE:
        if (!tk || tk->lock_res < 0) break;
        if (ev->t - tk->lock_since > tk->lock_max) {
            tk->lock_max = ev->t - tk->lock_since;
            free(tk->lock_max_res);
            tk->lock_max_res = xstrdup(stats_resource(&m->st, tk->lock_res));
        }
        tk->lock_res = tk->lock_holder = -1;
        break;
    case EV_VAR:
        if (m->nvars < MODEL_MAX_VARS)
            m->vars_at[m->nvars++] =
                (struct model_var){ev->t, ev->task, ev->reason == 1, ev->value};
        break;
    case EV_RACE:
        if (m->races < MODEL_MAX_RACES)
            m->races_at[m->races] = (struct model_race){ev->t, ev->task, ev->value, ev->value2};
        m->races++;
        if (tk) mark_add(&tk->marks, &tk->nmarks, &tk->capmarks, ev->t, MARK_RACE);
        break;
    case EV_HTTP_START:
        if (!tk) break;
        free(tk->url);
        tk->url = sim_text(m, ev->text ? ev->text : "?");
        break;
    default: break;
    }
}

void model_sink(void *ctx, const struct event *ev)
{
    struct model *m = ctx;
    stats_sink(&m->st, ev);
    m->events++;
    if (ev->t > m->now) m->now = ev->t;
    struct model_task *tk = task_of(m, ev->task);
    switch (ev->kind) {
    case EV_RUN_START:
    case EV_TASK_NEW:
    case EV_RUN_END: on_run(m, tk, ev); break;
    case EV_RUN:
    case EV_YIELD:
    case EV_PREEMPT:
    case EV_WAKE:
    case EV_BLOCK:
    case EV_TASK_DONE: on_state(m, tk, ev); break;
    default: on_other(m, tk, ev); break;
    }
}

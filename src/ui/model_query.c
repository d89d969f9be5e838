/*
 * model_query: what the panels ask the run model: a task's or a CPU's
 * state over a cell of time, its marks, its time by state, its warnings
 * and the one line saying why it is not running. Reads only; the sink
 * that builds the model is model.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/scene.h"
#include "ui/model.h"

static const struct model_task *task_at(const struct model *m, int id)
{
    if (id < 0 || (size_t)id >= m->ntasks || !m->tasks[id].name) return NULL;
    return &m->tasks[id];
}

const struct model_log *model_log_at(const struct model *m, size_t i)
{
    if (i >= m->nlog) return NULL;
    return &m->log[(m->logstart + i) % MODEL_MAX_LOG];
}

/* Index of the last span starting before t (0 if none): the first that
 * can overlap [t, ...), zero-length spans at t included. */
static size_t span_find(const struct model_span *s, size_t n, int64_t t)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s[mid].t0 < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? lo - 1 : 0;
}

int model_task_unborn(const struct model_task *tk)
{
    return tk->unborn && tk->state == TASK_BLOCKED && tk->reason == BLOCK_QUEUE;
}

/* Span i is an instant run between two waits for work: a worker woken
 * with the others when a request arrived, which found the queue taken
 * and went back to waiting (not drawn as a run: it did nothing). */
static int idle_wake(const struct model_task *tk, size_t i)
{
    const struct model_span *s = tk->spans;
    if (s[i].t1 != s[i].t0 || i + 1 >= tk->nspans) return 0;
    if (s[i + 1].state != TASK_BLOCKED || s[i + 1].reason != BLOCK_QUEUE) return 0;
    size_t k = i;
    while (k > 0 && s[k - 1].state == TASK_READY)
        k--;
    return k > 0 && s[k - 1].state == TASK_BLOCKED && s[k - 1].reason == BLOCK_QUEUE;
}

/* Time by state and reason within a cell, and the last state seen. */
struct cell_acc {
    int64_t acc[TASK__COUNT][BLOCK__COUNT];
    int any, last_state, last_reason;
};

static void cell_add(struct cell_acc *c, int64_t a, int64_t b, int st, int rs)
{
    if (b > a) c->acc[st][rs] += b - a;
    if (b >= a) {
        c->any = 1;
        c->last_state = st;
        c->last_reason = rs;
    }
}

/* Span i is the task's open wait whose due time has passed by now. */
static int open_due(const struct model_task *tk, size_t i, int64_t now)
{
    const struct model_span *s = &tk->spans[i];
    return i + 1 == tk->nspans && s->t1 < 0 &&
           stats_due_wait(s->state, s->reason, s->t0, tk->until, now);
}

int model_task_cell(const struct model_task *tk, int64_t t0, int64_t t1, int64_t now, int *state,
                    int *reason)
{
    if (!tk->nspans || t0 > now || tk->spans[0].t0 >= t1 || t1 <= tk->born) return 0;
    if (t0 == now && now > 0) return 0;
    if (model_task_unborn(tk)) return 0;
    if (t0 < tk->born) t0 = tk->born;
    size_t first = span_find(tk->spans, tk->nspans, t0);
    {
        /* The common case on a long run: one span covers the whole cell
         * (and no instant run sits at its start). */
        const struct model_span *s = &tk->spans[first];
        int64_t e = s->t1 < 0 ? now : s->t1;
        if (s->t0 <= t0 && e >= t1 && (s->t0 < t0 || s->state == TASK_RUNNING) &&
            !open_due(tk, first, now) && s->state >= 0 && s->state < TASK__COUNT &&
            s->reason >= 0 && s->reason < BLOCK__COUNT &&
            (first + 1 >= tk->nspans || tk->spans[first + 1].t0 >= t1)) {
            *state = s->state;
            *reason = s->state == TASK_RUNNING ? 0 : s->reason;
            return 1;
        }
    }
    struct cell_acc c = {.last_state = TASK_NEW};
    int running = 0;
    for (size_t i = first; i < tk->nspans; i++) {
        const struct model_span *s = &tk->spans[i];
        if (s->t0 >= t1 || s->t0 > now) break;
        int64_t e = s->t1 < 0 ? now : s->t1;
        if (e < t0) continue;
        int64_t a = s->t0 > t0 ? s->t0 : t0, b = e < t1 ? e : t1;
        int st = s->state >= 0 && s->state < TASK__COUNT ? s->state : TASK_NEW;
        int rs = s->reason >= 0 && s->reason < BLOCK__COUNT ? s->reason : 0;
        if (st == TASK_RUNNING && (b > a || (s->t0 >= t0 && s->t0 < t1 && !idle_wake(tk, i))))
            running = 1;
        if (open_due(tk, i, now)) {
            /* Its sleep or response is due, but it has not been woken: from
             * then on it only waits for the CPU (as stats counts it). */
            int64_t d = tk->until;
            cell_add(&c, a, b < d ? b : d, st, rs);
            cell_add(&c, a > d ? a : d, b, TASK_READY, 0);
        } else {
            cell_add(&c, a, b, st, rs);
        }
    }
    int64_t(*acc)[BLOCK__COUNT] = c.acc;
    int any = c.any, last_state = c.last_state, last_reason = c.last_reason;
    if (!any) return 0;
    if (running) {
        /* Ran for most of the cell: running; for a part (or an instant): a
         * partial mark, so that tasks taking turns on one CPU do not look
         * as if they ran at once. */
        int64_t covered = 0;
        for (int s = 0; s < TASK__COUNT; s++)
            for (int r = 0; r < BLOCK__COUNT; r++)
                covered += acc[s][r];
        *state = TASK_RUNNING;
        *reason = 0;
        return acc[TASK_RUNNING][0] * 4 >= covered * 3 && covered > 0 ? 1 : 2;
    }
    int64_t best = -1;
    *state = last_state;
    *reason = last_reason;
    for (int s = 0; s < TASK__COUNT; s++)
        for (int r = 0; r < BLOCK__COUNT; r++)
            if (acc[s][r] > best && acc[s][r] > 0) {
                best = acc[s][r];
                *state = s;
                *reason = r;
            }
    return 1;
}

static size_t mark_find(const struct model_mark *mk, size_t n, int64_t t)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (mk[mid].t < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int model_task_mark(const struct model_task *tk, int64_t t0, int64_t t1)
{
    int best = -1;
    for (size_t i = mark_find(tk->marks, tk->nmarks, t0); i < tk->nmarks && tk->marks[i].t < t1;
         i++)
        if (tk->marks[i].kind > best) best = tk->marks[i].kind;
    return best;
}

int model_cpu_cell(const struct model_cpu *c, int64_t t0, int64_t t1, int64_t now, int *switched,
                   int *held)
{
    *switched = 0;
    *held = 0;
    if (t0 > now || (t0 == now && now > 0)) return -2;
    size_t k = mark_find(c->marks, c->nmarks, t0);
    if (k < c->nmarks && c->marks[k].t < t1) *switched = 1;
    int best = -1;
    int64_t best_len = -1;
    for (size_t i = span_find(c->spans, c->nspans, t0); i < c->nspans; i++) {
        const struct model_span *s = &c->spans[i];
        if (s->t0 >= t1 || s->t0 > now) break;
        int64_t e = s->t1 < 0 ? now : s->t1;
        if (e < t0 || (e == t0 && s->t0 < t0)) continue;
        int64_t a = s->t0 > t0 ? s->t0 : t0, b = e < t1 ? e : t1;
        if (b - a > best_len) {
            best_len = b - a;
            best = s->state;
            *held = s->reason;
        }
    }
    return best;
}

int64_t model_task_time(const struct model_task *tk, int state, int reason, int64_t now)
{
    int64_t sum = 0;
    for (size_t i = 0; i < tk->nspans; i++) {
        const struct model_span *s = &tk->spans[i];
        int64_t e = s->t1 < 0 ? now : s->t1;
        if (open_due(tk, i, now)) {
            /* Blocked until its due time, ready since (see model_task_cell). */
            if (state == TASK_BLOCKED && (reason < 0 || reason == s->reason))
                sum += tk->until - s->t0;
            if (state == TASK_READY) sum += now - tk->until;
            continue;
        }
        if (s->state != state || (reason >= 0 && s->reason != reason)) continue;
        if (e > s->t0) sum += e - s->t0;
    }
    return sum;
}

static void fmt_units(char *buf, size_t n, int64_t ns)
{
    scene_format_units(buf, n, ns);
}

int model_task_warnings(const struct model *m, size_t task, int64_t now, char (*out)[160], int max)
{
    if (task >= m->ntasks || !m->tasks[task].name) return 0;
    const struct model_task *tk = &m->tasks[task];
    int n = 0;
    char a[32];
    int64_t hold = tk->hold_max;
    if (tk->hold_since >= 0 && now - tk->hold_since > hold) hold = now - tk->hold_since;
    if (n < max && strcmp(m->strategy, "coop") == 0 && hold >= MODEL_WARN_COOP_HOLD) {
        fmt_units(a, sizeof a, hold);
        snprintf(out[n++], 160, "held the thread %s without yielding", a);
    }
    if (n < max && strcmp(m->strategy, "loop") == 0 && hold >= MODEL_WARN_LOOP_BLOCK) {
        snprintf(out[n++], 160, "blocked the event loop for %.2f", units_of_ns(hold));
    }
    uint64_t checks = tk->checks_useful + tk->checks_wasted;
    if (n < max && checks >= MODEL_WARN_POLL_MIN && tk->checks_wasted * 2 > checks)
        snprintf(out[n++], 160, "most checks wasted (%llu of %llu)",
                 (unsigned long long)tk->checks_wasted, (unsigned long long)checks);
    int64_t lw = tk->lock_max;
    const char *res = tk->lock_max_res;
    if (tk->lock_res >= 0 && now - tk->lock_since > lw) {
        lw = now - tk->lock_since;
        res = stats_resource(&m->st, tk->lock_res);
    }
    if (n < max && lw >= MODEL_WARN_LOCK_WAIT) {
        fmt_units(a, sizeof a, lw);
        snprintf(out[n++], 160, "waited %s for the %s", a, res ? res : "lock");
    }
    for (size_t i = 0; i < m->st.ncycle && n < max; i++)
        if (m->st.cycle[i].task == (int)task) {
            snprintf(out[n++], 160, "deadlocked: holds %s, waits for %s",
                     stats_resource(&m->st, m->st.cycle[i].holds),
                     stats_resource(&m->st, m->st.cycle[i].waits));
            break;
        }
    int races = 0;
    for (size_t i = 0; i < tk->nmarks; i++)
        races += tk->marks[i].kind == MARK_RACE;
    if (n < max && races)
        snprintf(out[n++], 160, "lost %d update%s (race)", races, races > 1 ? "s" : "");
    return n;
}

int model_task_staller(const struct model *m, size_t task)
{
    for (size_t i = 0; i < m->ntasks; i++) {
        const struct model_task *o = &m->tasks[i];
        if (i != task && o->name && o->state == TASK_BLOCKED && o->stall) return (int)i;
    }
    return -1;
}

void model_task_why(const struct model *m, size_t task, int64_t now, char *buf, size_t n)
{
    (void)now;
    if (task >= m->ntasks || !m->tasks[task].name) {
        snprintf(buf, n, "no such task");
        return;
    }
    const struct model_task *tk = &m->tasks[task];
    char a[32];
    switch (tk->state) {
    case TASK_RUNNING: snprintf(buf, n, "running on CPU %d", tk->cpu); return;
    case TASK_DONE:
        fmt_units(a, sizeof a, tk->since);
        snprintf(buf, n, "finished at %s", a);
        return;
    case TASK_READY: {
        int st = model_task_staller(m, task);
        if (st >= 0) {
            const struct model_task *o = &m->tasks[st];
            snprintf(buf, n, "stalled by a blocking call in %s (%s)", o->name,
                     block_reason_name(o->reason));
            return;
        }
    }
        {
            char who[128] = "";
            size_t len = 0;
            for (size_t i = 0; i < m->ntasks; i++) {
                const struct model_task *o = &m->tasks[i];
                if (i == task || !o->name || o->state != TASK_RUNNING) continue;
                len += (size_t)snprintf(who + len, len < sizeof who ? sizeof who - len : 0, "%s%s",
                                        len ? ", " : "", o->name);
                if (len >= sizeof who) break;
            }
            if (*who)
                snprintf(buf, n, "waiting for the CPU behind %s", who);
            else
                snprintf(buf, n, "ready, waiting to be scheduled");
        }
        return;
    case TASK_BLOCKED:
        if (tk->reason == BLOCK_LOCK || tk->lock_res >= 0) {
            const char *res = stats_resource(&m->st, tk->lock_res);
            const struct model_task *h = task_at(m, tk->lock_holder);
            if (h)
                snprintf(buf, n, "waiting for the %s, held by %s", res, h->name);
            else
                snprintf(buf, n, "waiting for the %s", res);
            return;
        }
        fmt_units(a, sizeof a, tk->until);
        switch (tk->reason) {
        case BLOCK_SLEEP:
            if (tk->until >= 0)
                snprintf(buf, n, "sleeping until %s", a);
            else
                snprintf(buf, n, "sleeping");
            break;
        case BLOCK_HTTP:
            snprintf(buf, n, "waiting for %s%s%s", tk->url ? tk->url : "an HTTP response",
                     tk->until >= 0 ? " until " : "", tk->until >= 0 ? a : "");
            break;
        case BLOCK_IO:
        case BLOCK_EXTERNAL: /* the world's next call; a Python join or Event.wait */
            snprintf(buf, n, "waiting for %s%s%s",
                     tk->reason == BLOCK_IO ? "I/O" : "an outside event",
                     tk->until >= 0 ? " until " : "", tk->until >= 0 ? a : "");
            break;
        case BLOCK_POLL_WAIT:
            snprintf(buf, n, "its work is done; waiting for the next check");
            break;
        case BLOCK_QUEUE: snprintf(buf, n, "waiting for work in the queue"); break;
        default: snprintf(buf, n, "blocked (%s)", block_reason_name(tk->reason)); break;
        }
        if (tk->stall && strlen(buf) + 24 < n) strcat(buf, ", holding its thread");
        return;
    default: snprintf(buf, n, "not started yet"); return;
    }
}

/*
 * stats: totals from the event stream.
 */
#include "stats.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void stats_init(struct stats *st)
{
    memset(st, 0, sizeof *st);
    st->ncpu = 1;
}

void stats_done(struct stats *st)
{
    for (size_t i = 0; i < st->ntasks; i++)
        free(st->tasks[i].name);
    free(st->tasks_mem ? st->tasks_mem : st->tasks);
    free(st->deadlock);
    free(st->cycle);
    for (size_t i = 0; i < st->nresources; i++)
        free(st->resources[i]);
    free(st->resources);
    for (size_t i = 0; i < st->nresults; i++)
        free(st->results[i].name);
    free(st->results);
    free(st->requests);
    memset(st, 0, sizeof *st);
}

size_t stats_copy(struct stats *d, const struct stats *s)
{
    size_t bytes = 0;
    *d = *s;
    d->tasks = xdup_counted(s->tasks, s->ntasks, sizeof *s->tasks, &bytes);
    d->cap = d->tasks ? s->ntasks : 0;
    d->tasks_mem = NULL;
    for (size_t i = 0; i < d->ntasks; i++)
        d->tasks[i].name = xstrdup_counted(s->tasks[i].name, &bytes);
    d->deadlock = xstrdup_counted(s->deadlock, &bytes);
    d->cycle = xdup_counted(s->cycle, s->ncycle, sizeof *s->cycle, &bytes);
    d->resources = xdup_counted(s->resources, s->nresources, sizeof *s->resources, &bytes);
    for (size_t i = 0; i < d->nresources; i++)
        d->resources[i] = xstrdup_counted(s->resources[i], &bytes);
    d->results = xdup_counted(s->results, s->nresults, sizeof *s->results, &bytes);
    for (size_t i = 0; i < d->nresults; i++)
        d->results[i].name = xstrdup_counted(s->results[i].name, &bytes);
    d->requests = xdup_counted(s->requests, s->nrequests, sizeof *s->requests, &bytes);
    d->caprequests = d->requests ? s->nrequests : 0;
    return bytes;
}

/* a + b, held at INT64_MAX: a replayed trace's times and values may reach
 * TRACE_MAX_T (2e18), and sums over many events or tasks must not wrap.
 * (A task's own spans add up to at most its trace's length: times never
 * go back.) */
static int64_t sat_add(int64_t a, int64_t b)
{
    int64_t r;
    return __builtin_add_overflow(a, b, &r) ? (b > 0 ? INT64_MAX : INT64_MIN) : r;
}

/* Closes the task's current span at t and opens one in state. */
static void enter(struct stats_task *tk, int state, int64_t t)
{
    int64_t d = t - tk->since;
    if (d < 0) d = 0;
    switch (tk->state) {
    case TASK_RUNNING: tk->running += d; break;
    case TASK_READY:
        tk->ready += d;
        if (d > tk->worst_ready) tk->worst_ready = d;
        break;
    case TASK_BLOCKED:
        tk->blocked += d;
        if (tk->reason != tk->acc_reason) {
            tk->blocked_by[tk->acc_reason] += tk->acc;
            tk->acc_reason = tk->reason;
            tk->acc = 0;
        }
        tk->acc += d;
        break;
    default: break;
    }
    tk->state = state;
    tk->since = t;
}

int64_t stats_blocked_by(const struct stats_task *tk, int reason)
{
    if (reason < 0 || reason >= BLOCK__COUNT) return 0;
    return tk->blocked_by[reason] + (reason == tk->acc_reason ? tk->acc : 0);
}

/* Moves what acc holds into blocked_by. */
static void flush_acc(struct stats_task *tk)
{
    tk->blocked_by[tk->acc_reason] += tk->acc;
    tk->acc = 0;
}

int stats_due_wait(int state, int reason, int64_t since, int64_t until, int64_t t)
{
    if (state != TASK_BLOCKED || until < since || until >= t) return 0;
    return reason == BLOCK_SLEEP || reason == BLOCK_IO || reason == BLOCK_HTTP ||
           reason == BLOCK_EXTERNAL;
}

static struct stats_task *task_of(struct stats *st, int id)
{
    if (id < 0 || (size_t)id >= st->ntasks) return NULL;
    return &st->tasks[id];
}

/* Makes room for need tasks, keeping the table aligned to cache lines
 * (realloc keeps a large block's place in its page, so the memmove is
 * rare). */
static void grow_tasks(struct stats *st, size_t need)
{
    if (need <= st->cap) return;
    size_t cap = st->cap ? st->cap : 8, size = sizeof *st->tasks;
    while (cap < need)
        cap *= 2;
    char *old = st->tasks_mem ? st->tasks_mem : (char *)st->tasks;
    size_t off = old ? (size_t)((char *)st->tasks - old) : 0;
    char *mem = xrealloc(old, cap * size + 64);
    char *at = (char *)(((uintptr_t)mem + 63) & ~(uintptr_t)63);
    if ((size_t)(at - mem) != off) memmove(at, mem + off, st->ntasks * size);
    st->tasks_mem = mem;
    st->tasks = (struct stats_task *)(void *)at;
    st->cap = cap;
}

/* Run start and end, tasks and resources coming to be. */
static void __attribute__((noinline))
on_run(struct stats *st, struct stats_task *tk, const struct event *ev)
{
    switch (ev->kind) {
    case EV_RUN_START:
        snprintf(st->strategy, sizeof st->strategy, "%s", ev->text ? ev->text : "?");
        st->ncpu = ev->value > 0 ? (int)ev->value : 1;
        st->real = ev->value2 != 0;
        break;
    case EV_TASK_NEW:
        if (ev->task < 0) break;
        if ((size_t)ev->task >= st->ntasks) {
            grow_tasks(st, (size_t)ev->task + 1);
            memset(st->tasks + st->ntasks, 0,
                   ((size_t)ev->task + 1 - st->ntasks) * sizeof *st->tasks);
            st->ntasks = (size_t)ev->task + 1;
        }
        tk = &st->tasks[ev->task];
        free(tk->name);
        tk->name = xstrdup(ev->text ? ev->text : "?");
        tk->state = TASK_READY;
        tk->since = ev->t;
        tk->end = -1;
        tk->until = -1;
        tk->resp_until = -1;
        tk->item_arrival = -1;
        tk->role = ev->reason >= 0 && ev->reason < ROLE__COUNT ? ev->reason : ROLE_NONE;
        tk->priority = (int)ev->value;
        /* A task that stands for a call for attention wants the CPU from
         * the moment it exists: its first wait counts too. */
        if (tk->role == ROLE_ATTENTION) tk->resp_until = ev->t;
        break;
    case EV_RESOURCE_NEW:
        if (ev->other >= 0 && ev->other < 100000) {
            size_t id = (size_t)ev->other;
            if (id >= st->nresources) {
                st->resources = xrealloc(st->resources, (id + 1) * sizeof *st->resources);
                memset(st->resources + st->nresources, 0,
                       (id + 1 - st->nresources) * sizeof *st->resources);
                st->nresources = id + 1;
            }
            free(st->resources[id]);
            st->resources[id] = xstrdup(ev->text ? ev->text : "?");
        }
        break;
    case EV_RUN_END:
        for (size_t i = 0; i < st->ntasks; i++) {
            if (st->tasks[i].state != TASK_DONE) enter(&st->tasks[i], st->tasks[i].state, ev->t);
            flush_acc(&st->tasks[i]);
        }
        st->total = ev->value;
        st->ended = 1;
        st->failed = ev->reason != 0;
        break;
    default: break;
    }
}

/* A task changes state. */
static void on_state(struct stats *st, struct stats_task *tk, const struct event *ev)
{
    (void)st;
    switch (ev->kind) {
    case EV_RUN:
        if (tk) {
            enter(tk, TASK_RUNNING, ev->t);
            if (tk->resp_until >= 0) {
                int64_t r = ev->t - tk->resp_until;
                if (r < 0) r = 0;
                if (r > tk->resp_max) tk->resp_max = r;
                tk->resp_sum = sat_add(tk->resp_sum, r);
                tk->resp_n++;
                tk->resp_until = -1;
            }
        }
        break;
    case EV_YIELD:
    case EV_PREEMPT:
        /* A call for attention waits whenever it waits for the CPU: a
         * task that stands for one and is put back in line (coop's Kids
         * after a yield) is waiting for the parent again. */
        if (tk && tk->role == ROLE_ATTENTION && tk->resp_until < 0) tk->resp_until = ev->t;
        if (tk) enter(tk, TASK_READY, ev->t);
        break;
    case EV_WAKE:
        /* A timed wait that ended before the wake (a sleep or a response
         * due while the thread or the loop was busy elsewhere): from its
         * end the task was only waiting for the CPU. */
        if (tk && stats_due_wait(tk->state, tk->reason, tk->since, tk->until, ev->t))
            enter(tk, TASK_READY, tk->until);
        if (tk) enter(tk, TASK_READY, ev->t);
        break;
    case EV_BLOCK:
        if (tk && ev->reason >= 0 && ev->reason < BLOCK__COUNT) {
            enter(tk, TASK_BLOCKED, ev->t);
            tk->reason = ev->reason;
            tk->stall = ev->other == 1;
            tk->until = ev->value;
            /* A poll-wait block re-marks a finished wait; keep its end. */
            if (ev->value >= 0) tk->resp_until = ev->value;
        }
        break;
    case EV_TASK_DONE:
        if (tk) {
            enter(tk, TASK_DONE, ev->t);
            tk->end = ev->t;
        }
        break;
    default: break;
    }
}

/* Switches, items and requests, checks, outcomes, what the OS saw. */
static void __attribute__((noinline))
on_other(struct stats *st, struct stats_task *tk, const struct event *ev)
{
    switch (ev->kind) {
    case EV_SWITCH:
        st->switches++;
        if (tk) tk->switches_in++;
        break;
    case EV_ITEM_START:
        if (tk && ev->reason == ITEM_CALL) {
            /* A call for attention waited from when it was made; a
             * generator put back in line may find it made long ago. */
            int64_t r = ev->t > ev->value2 ? ev->t - ev->value2 : 0;
            if (r > tk->call_max) tk->call_max = r;
            tk->call_sum = sat_add(tk->call_sum, r);
            tk->call_n++;
        }
        if (tk && ev->reason == ITEM_REQUEST) {
            st->requests =
                xgrow(st->requests, &st->caprequests, st->nrequests + 1, sizeof *st->requests);
            st->requests[st->nrequests++] = (struct stats_request){ev->value2, ev->t, -1};
            tk->item_arrival = (int64_t)st->nrequests - 1;
        }
        break;
    case EV_ITEM_END:
        if (tk) {
            tk->items++;
            if (ev->value2) tk->failed_items++;
            if (tk->item_arrival >= 0) {
                st->requests[tk->item_arrival].end = ev->t;
                tk->item_arrival = -1;
            }
        }
        break;
    case EV_POLL:
        if (ev->reason)
            st->polls_useful++;
        else
            st->polls_wasted++;
        st->poll_cost = sat_add(st->poll_cost, ev->value);
        break;
    case EV_DEADLOCK:
        if (!st->deadlock) st->deadlock = xstrdup(ev->text ? ev->text : "deadlock");
        st->cycle = xrealloc(st->cycle, (st->ncycle + 1) * sizeof *st->cycle);
        st->cycle[st->ncycle++] = (struct stats_cycle){ev->task, (int)ev->value, ev->other};
        break;
    case EV_RACE: st->races++; break;
    case EV_RESULT:
        st->results = xrealloc(st->results, (st->nresults + 1) * sizeof *st->results);
        st->results[st->nresults++] =
            (struct stats_result){xstrdup(ev->text ? ev->text : "?"), ev->value, ev->value2};
        break;
    case EV_HTTP_DONE:
        st->http_done++;
        if (ev->text || ev->value >= 400 || ev->value == 0) st->http_errors++;
        break;
    case EV_TASK_STATS:
        if (ev->task == -1) {
            st->has_thread_os = 1;
            st->thread_cpu_ns = ev->value;
            st->thread_vcsw = ev->value2;
            st->thread_ivcsw = ev->other;
        }
        if (tk) {
            tk->has_os = 1;
            tk->os_cpu_ns = ev->value;
            tk->os_vcsw = ev->value2;
            tk->os_ivcsw = ev->other;
        }
        break;
    default: break;
    }
}

/* The layout stats_prefetch and the aligned table count on. */
_Static_assert(sizeof(void *) != 8 || sizeof(struct stats_task) == 256,
               "a stats_task is four cache lines");
_Static_assert(offsetof(struct stats_task, running) == 64, "a wake-up touches one line");
_Static_assert(offsetof(struct stats_task, blocked_by) == 128, "the hot part is two lines");

void stats_prefetch(void *ctx, int task, int deep)
{
    struct stats *st = ctx;
    if (task < 0 || (size_t)task >= st->ntasks) return;
    const char *p = (const char *)&st->tasks[task];
    __builtin_prefetch(p, 1);
    if (deep) __builtin_prefetch(p + 64, 1);
}

void stats_attach(struct bus *bus, struct stats *st)
{
    bus_attach_nolog(bus, stats_sink, st);
    bus_attach_prefetch(bus, st, stats_prefetch);
}

void stats_sink(void *ctx, const struct event *ev)
{
    struct stats *st = ctx;
    struct stats_task *tk = task_of(st, ev->task);
    st->events++;
    if (ev->t > st->now) st->now = ev->t;
    /* The commonest events of a task's step first, done here; the rest in
     * functions of their own, so this one stays small. */
    if (tk) switch (ev->kind) {
        case EV_SWITCH:
            st->switches++;
            tk->switches_in++;
            return;
        case EV_ITEM_START:
            if (ev->reason != ITEM_REQUEST && ev->reason != ITEM_CALL) return; /* plain */
            break;
        case EV_ITEM_END:
            if (tk->item_arrival >= 0) break;
            tk->items++;
            if (ev->value2) tk->failed_items++;
            return;
        default: break;
        }
    switch (ev->kind) {
    case EV_RUN_START:
    case EV_TASK_NEW:
    case EV_RESOURCE_NEW:
    case EV_RUN_END: on_run(st, tk, ev); break;
    case EV_RUN:
    case EV_YIELD:
    case EV_PREEMPT:
    case EV_WAKE:
    case EV_BLOCK:
    case EV_TASK_DONE: on_state(st, tk, ev); break;
    default: on_other(st, tk, ev); break;
    }
}

int64_t stats_busy(const struct stats *st)
{
    int64_t busy = st->poll_cost;
    for (size_t i = 0; i < st->ntasks; i++)
        busy = sat_add(busy, st->tasks[i].running);
    return busy;
}

double stats_cpu_busy(const struct stats *st)
{
    int64_t span = st->ended ? st->total : st->now;
    if (span <= 0) return 0.0;
    double u = (double)stats_busy(st) / ((double)span * st->ncpu);
    return u > 1.0 ? 1.0 : u;
}

int64_t stats_worst_wait(const struct stats *st)
{
    int64_t w = 0;
    for (size_t i = 0; i < st->ntasks; i++)
        if (st->tasks[i].worst_ready > w) w = st->tasks[i].worst_ready;
    return w;
}

int64_t stats_task_time(const struct stats_task *tk, int state, int64_t t)
{
    int64_t base = state == TASK_RUNNING   ? tk->running
                   : state == TASK_READY   ? tk->ready
                   : state == TASK_BLOCKED ? tk->blocked
                                           : 0;
    if (t <= tk->since) return base;
    if (stats_due_wait(tk->state, tk->reason, tk->since, tk->until, t)) {
        /* An open timed wait past its due time: blocked until then, ready
         * since (as EV_WAKE will count it). */
        if (state == TASK_BLOCKED) base += tk->until - tk->since;
        if (state == TASK_READY) base += t - tk->until;
        return base;
    }
    if (tk->state == state) base += t - tk->since;
    return base;
}

void stats_task_response(const struct stats_task *t, int64_t *max, int64_t *sum, uint64_t *n)
{
    int calls = t->call_n > 0;
    *max = calls ? t->call_max : t->resp_max;
    *sum = calls ? t->call_sum : t->resp_sum;
    *n = calls ? t->call_n : t->resp_n;
}

void stats_role_response(const struct stats *st, int role, int64_t *max, double *mean, int64_t *sum)
{
    int64_t m = 0, total = 0;
    uint64_t n = 0;
    for (size_t i = 0; i < st->ntasks; i++) {
        const struct stats_task *t = &st->tasks[i];
        if (t->role != role) continue;
        int64_t tmax, tsum;
        uint64_t tn;
        stats_task_response(t, &tmax, &tsum, &tn);
        if (tmax > m) m = tmax;
        total = sat_add(total, tsum);
        n += tn;
    }
    if (max) *max = m;
    if (mean) *mean = n ? (double)total / (double)n : 0.0;
    if (sum) *sum = total;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v[0..n). */
static int64_t rank(const int64_t *v, size_t n, int pct)
{
    if (!n) return 0;
    size_t k = (size_t)((pct * n + 99) / 100);
    if (k < 1) k = 1;
    return v[k - 1];
}

void stats_latency(const struct stats *st, struct stats_latency *out)
{
    memset(out, 0, sizeof *out);
    size_t n = 0;
    int64_t *lat = xmalloc((st->nrequests + 1) * sizeof *lat);
    /* Queue length: +1 at each arrival, -1 at each start, in time order
     * (a start at the arrival instant never counts as queued). */
    int64_t *marks = xmalloc((2 * st->nrequests + 1) * sizeof *marks);
    size_t nm = 0;
    for (size_t i = 0; i < st->nrequests; i++) {
        const struct stats_request *r = &st->requests[i];
        if (r->end >= 0) lat[n++] = r->end - r->arrival;
        marks[nm++] = r->arrival * 2 + 1; /* odd: arrival, after starts at the same time */
        marks[nm++] = r->start * 2;
    }
    qsort(lat, n, sizeof *lat, cmp_i64);
    qsort(marks, nm, sizeof *marks, cmp_i64);
    int64_t q = 0;
    for (size_t i = 0; i < nm; i++) {
        q += (marks[i] & 1) ? 1 : -1;
        if (q > out->queue_max) out->queue_max = q;
    }
    out->arrived = st->nrequests;
    out->served = n;
    out->p50 = rank(lat, n, 50);
    out->p95 = rank(lat, n, 95);
    out->p99 = rank(lat, n, 99);
    out->max = n ? lat[n - 1] : 0;
    int64_t span = st->ended ? st->total : st->now;
    out->throughput = span > 0 ? (double)n / units_of_ns(span) : 0.0;
    free(lat);
    free(marks);
}

const char *stats_resource(const struct stats *st, int id)
{
    return id >= 0 && (size_t)id < st->nresources && st->resources[id] ? st->resources[id] : "?";
}

/*
 * sim: the engine. It owns the clock, the pending-action heap, tasks, CPUs
 * and locks; strategies decide what runs (see strategy.h). Every state
 * change goes through the helpers below so that the events describing it
 * are the same whichever strategy caused it.
 *
 * Pending actions wait in a radix heap on (t, seq) (pq.h), which suits a
 * clock that never goes back and keeps 100,000 timers in flight cheaply.
 */
#include "sim.h"

#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"
#include "waitfor.h"
#include "xalloc.h"

_Static_assert(offsetof(struct sim_task, cpu_left) == 64, "a step's fields fit one cache line");
_Static_assert(sizeof(void *) != 8 || sizeof(struct sim_task) == 128, "a task is two lines");

void sim_at(struct sim *s, int64_t t, int what, int task, int64_t arg)
{
    assert(t >= s->now);
    struct pending p = {t, ++s->pseq, what, task, arg};
    pq_push(&s->pq, &p);
}

void sim_emit(struct sim *s, struct event *ev)
{
    ev->t = s->now;
    bus_emit(s->bus, ev);
}

/* The pq's hook: an action for a task is due soon; its records load. */
static void soon(void *ctx, const struct pending *p)
{
    struct sim *s = ctx;
    if (p->task >= 0 && p->task < s->ntasks) sim_prefetch(s, p->task, 1);
}

static void wl_emit(void *ctx, struct event *ev)
{
    sim_emit(ctx, ev);
}

/* The engine's clock: virtual time, or the backend's when it is later (a
 * real run's actions are handled when they are really noticed). */
static int64_t clock_now(struct sim *s)
{
    if (s->be) {
        int64_t now = s->be->now(s->be->ctx);
        if (now > s->now) return now;
    }
    return s->now;
}

void sim_cpu(struct sim *s, struct sim_task *t, int64_t chunk, int what, int64_t arg)
{
    if (!s->be) {
        t->used = chunk;
        sim_at(s, s->now + chunk, what, t->id, arg);
        return;
    }
    int64_t until = chunk < t->cpu_left ? s->now + chunk : -1;
    t->used = s->be->cpu(s->be->ctx, t->id, &t->cur, chunk, until);
    sim_at(s, clock_now(s), what, t->id, arg);
}

void sim_busy(struct sim *s, int64_t dur, int what, int task, int64_t arg)
{
    if (!s->be) {
        sim_at(s, s->now + dur, what, task, arg);
        return;
    }
    s->be->cpu(s->be->ctx, -1, NULL, dur, -1);
    sim_at(s, clock_now(s), what, task, arg);
}

void sim_wait(struct sim *s, struct sim_task *t, int stall, int what, int64_t arg)
{
    int64_t due = s->now + t->cur.dur;
    if (!s->be) {
        t->wait_done = due;
        sim_block(s, t, t->cur.reason, due, stall);
        sim_at(s, due, what, t->id, arg);
        return;
    }
    int timed = !(t->cur.reason == BLOCK_HTTP && t->cur.url);
    sim_block(s, t, t->cur.reason, timed ? due : -1, stall);
    t->wait_done = INT64_MAX;
    t->wake_what = what;
    t->wake_arg = arg;
    s->outstanding++;
    if (s->be->wait(s->be->ctx, t->id, &t->cur, stall, sim_result(s, t->id)) == 0) {
        s->outstanding--;
        t->wait_done = due;
        sim_at(s, due, what, t->id, arg);
    }
}

void sim_complete(struct sim *s, int task)
{
    struct sim_task *t = sim_task(s, task);
    if (s->finished || t->wait_done != INT64_MAX) return;
    s->outstanding--;
    t->has_result = 1;
    t->wait_done = clock_now(s);
    sim_at(s, t->wait_done, t->wake_what, task, t->wake_arg);
}

void sim_fetch(struct sim *s, struct sim_task *t)
{
    workload_next(s->wl, t->id, s->now, t->has_result ? sim_result(s, t->id) : NULL, &t->cur);
    t->has_result = 0;
    t->has_step = 1;
    if (t->cur.kind == STEP_CPU) t->cpu_left = t->cur.dur; /* no other step reads it */
}

/*
 * Whoever runs the engine may ask it to stop (bus_set_stop), also inside
 * one long action (a million coop tasks finishing at time 0): every 1024th
 * action or task put on a CPU asks. The run then counts as finished,
 * so every strategy's loop ends at its next turn, but it is not ended: no
 * closing lines, no RUN_END. stop_asked returns 1 once the run is over
 * either way.
 */
static __attribute__((noinline, cold)) void ask_stop(struct sim *s)
{
    s->stop_every = 1024;
    if (!s->finished && s->bus->stop && s->bus->stop(s->bus->stop_ctx)) {
        s->bus->stopped = 1;
        s->finished = 1;
    }
}

static inline int stop_asked(struct sim *s)
{
    if (__builtin_expect(--s->stop_every <= 0, 0)) ask_stop(s);
    return s->finished;
}

void sim_run_on(struct sim *s, struct sim_task *t, int cpu)
{
    struct event ev;
    stop_asked(s);
    int last = s->cpu_last[cpu];
    if (last != t->id && last >= 0) {
        ev = event_make(EV_SWITCH, 0, t->id);
        ev.cpu = cpu;
        ev.other = last;
        sim_emit(s, &ev);
    }
    s->cpu_task[cpu] = t->id;
    s->cpu_last[cpu] = t->id;
    t->cpu = cpu;
    if (t->state != TASK_RUNNING) {
        t->state = TASK_RUNNING;
        ev = event_make(EV_RUN, 0, t->id);
        ev.cpu = cpu;
        sim_emit(s, &ev);
    }
}

static void release_cpu(struct sim *s, struct sim_task *t)
{
    if (t->cpu >= 0 && s->cpu_task[t->cpu] == t->id) s->cpu_task[t->cpu] = -1;
    t->cpu = -1;
}

void sim_make_ready(struct sim *s, struct sim_task *t, int why, int cause)
{
    release_cpu(s, t);
    if (t->state == TASK_READY) return;
    t->state = TASK_READY;
    if (why >= 0) {
        struct event ev = event_make(why, 0, t->id);
        if (why == EV_WAKE) ev.other = cause;
        sim_emit(s, &ev);
    }
}

void sim_block(struct sim *s, struct sim_task *t, int reason, int64_t until, int stall)
{
    if (!stall) release_cpu(s, t);
    t->state = TASK_BLOCKED;
    struct event ev = event_make(EV_BLOCK, 0, t->id);
    ev.reason = (int16_t)reason;
    ev.value = until;
    ev.other = stall;
    ev.cpu = stall ? t->cpu : -1;
    sim_emit(s, &ev);
}

void sim_task_done(struct sim *s, struct sim_task *t)
{
    release_cpu(s, t);
    t->state = TASK_DONE;
    t->has_step = 0;
    t->gen++;
    if (s->be && s->be->done) s->be->done(s->be->ctx, t->id);
    struct event ev = event_make(EV_TASK_DONE, 0, t->id);
    sim_emit(s, &ev);
    if (++s->ndone == s->ntasks) sim_end(s, 0);
}

void sim_end(struct sim *s, int failed)
{
    if (s->finished) return;
    s->finished = 1;
    workload_finish(s->wl, s->now);
    if (workload_failures(s->wl) > 0) failed = 1;
    s->failed = failed;
    if (s->be && s->be->done) s->be->done(s->be->ctx, -1);
    struct event ev = event_make(EV_RUN_END, 0, -1);
    ev.value = s->now;
    ev.reason = (int16_t)failed;
    sim_emit(s, &ev);
    if (s->be && s->be->ended) s->be->ended(s->be->ctx);
}

void sim_cancel(struct sim *s)
{
    if (s->finished) return;
    struct event ev = event_make(EV_LOG, 0, -1);
    ev.text = "cancelled";
    sim_emit(s, &ev);
    sim_end(s, 1);
}

static const char *lock_name(struct sim *s, int res)
{
    return s->wl->res_names[res];
}

static const char *task_name(struct sim *s, int id)
{
    return s->wl->tasks[id].name;
}

/* The resource t holds other than `except`, or -1. */
static int held_by(struct sim *s, int task, int except)
{
    for (int r = 0; r < s->nlocks; r++)
        if (s->locks[r].owner == task && r != except) return r;
    return -1;
}

static void emit_cb(void *ctx, struct event *ev)
{
    sim_emit(ctx, ev);
}

/* Reports the wait-for cycle that starts and ends at t, if there is one:
 * a LOG line, then one DEADLOCK event per member; the run ends. With
 * one_thread, t keeps the only thread while it waits (a blocking call): the
 * thread is one more resource (WAITFOR_THREAD, announced when it is
 * reported), held by t and wanted by every other task not yet done. */
static int report_cycle(struct sim *s, struct sim_task *t, int one_thread)
{
    int thread = s->nlocks, nres = s->nlocks + (one_thread != 0);
    int *wait = xmalloc((size_t)s->ntasks * sizeof *wait);
    int *owner = xmalloc((size_t)nres * sizeof *owner);
    const char **names = xmalloc((size_t)s->ntasks * sizeof *names);
    const char **res = xmalloc((size_t)nres * sizeof *res);
    for (int i = 0; i < s->ntasks; i++) {
        wait[i] = s->tasks[i].lock_wait;
        if (one_thread && wait[i] < 0 && i != t->id && s->tasks[i].state != TASK_DONE)
            wait[i] = thread;
        names[i] = task_name(s, i);
    }
    for (int r = 0; r < s->nlocks; r++) {
        owner[r] = s->locks[r].owner;
        res[r] = lock_name(s, r);
    }
    if (one_thread) {
        owner[thread] = t->id;
        res[thread] = WAITFOR_THREAD;
    }
    struct waitfor g = {s->ntasks, nres, wait, owner, names, res};
    int found = waitfor_cycle(&g, t->id);
    if (found && one_thread) {
        struct event ev = event_make(EV_RESOURCE_NEW, 0, -1);
        ev.other = thread;
        ev.text = WAITFOR_THREAD;
        sim_emit(s, &ev);
    }
    if (found) waitfor_deadlock(&g, t->id, emit_cb, s);
    free(wait);
    free(owner);
    free(names);
    free(res);
    if (found) sim_end(s, 1);
    return found;
}

static int find_deadlock(struct sim *s, struct sim_task *t)
{
    int cur = t->id;
    for (int hops = 0;; hops++) { /* cheap check first: most waits are not cycles */
        int res = s->tasks[cur].lock_wait;
        if (res < 0 || (cur = s->locks[res].owner) < 0 || hops > s->ntasks) return 0;
        if (cur == t->id) break;
    }
    return report_cycle(s, t, 0);
}

void sim_var_step(struct sim *s, struct sim_task *t)
{
    int v = t->cur.res;
    assert(v >= 0 && v < s->nvars);
    struct event ev = event_make(EV_VAR, 0, t->id);
    ev.other = v;
    ev.text = s->wl->var_names[v];
    if (t->cur.kind == STEP_LOAD) {
        t->reg = s->vars[v];
        ev.value = t->reg;
        sim_emit(s, &ev);
        return;
    }
    int64_t stored = t->reg + t->cur.n;
    ev.reason = 1;
    ev.value = stored;
    if (s->vars[v] != t->reg) {
        /* Someone stored since we loaded: their update is overwritten. */
        struct event race = event_make(EV_RACE, 0, t->id);
        race.other = v;
        race.value = s->vars[v] + t->cur.n;
        race.value2 = stored;
        race.text = s->wl->var_names[v];
        sim_emit(s, &race);
    }
    s->vars[v] = stored;
    sim_emit(s, &ev);
}

int sim_lock_take(struct sim *s, struct sim_task *t, int res, int stall)
{
    assert(res >= 0 && res < s->nlocks);
    struct sim_lock *l = &s->locks[res];
    struct event ev;
    if (l->owner < 0) {
        l->owner = t->id;
        ev = event_make(EV_LOCK_ACQUIRE, 0, t->id);
        ev.other = res;
        sim_emit(s, &ev);
        return 1;
    }
    ev = event_make(EV_LOCK_WAIT, 0, t->id);
    ev.other = res;
    ev.value = l->owner;
    sim_emit(s, &ev);
    l->waiters = xgrow(l->waiters, &l->capwait, l->nwait + 1, sizeof *l->waiters);
    l->waiters[l->nwait++] = t->id;
    t->lock_wait = res;
    sim_block(s, t, BLOCK_LOCK, -1, stall);
    find_deadlock(s, t);
    return 0;
}

int sim_lock_release(struct sim *s, struct sim_task *t, int res)
{
    assert(res >= 0 && res < s->nlocks);
    struct sim_lock *l = &s->locks[res];
    assert(l->owner == t->id);
    struct event ev = event_make(EV_LOCK_RELEASE, 0, t->id);
    ev.other = res;
    sim_emit(s, &ev);
    l->owner = -1;
    if (l->nwait == 0) return -1;
    int next = l->waiters[0];
    memmove(l->waiters, l->waiters + 1, (l->nwait - 1) * sizeof *l->waiters);
    l->nwait--;
    l->owner = next;
    s->tasks[next].lock_wait = -1;
    ev = event_make(EV_LOCK_ACQUIRE, 0, next);
    ev.other = res;
    sim_emit(s, &ev);
    return next;
}

struct sim *sim_new(const struct scene *sc, int strategy, struct bus *bus)
{
    return sim_new_on(sc, strategy, bus, NULL);
}

struct sim *sim_new_on(const struct scene *sc, int strategy, struct bus *bus,
                       const struct sim_backend *be)
{
    assert(strategy >= 0 && strategy < STRATEGY_COUNT);
    struct sim *s = xcalloc(1, sizeof *s);
    s->sc = sc;
    s->strategy = strategy;
    s->ops = strategies[strategy];
    s->bus = bus;
    s->be = be;
    s->pq.soon = soon;
    s->pq.soon_ctx = s;
    s->em.emit = wl_emit;
    s->em.ctx = s;
    s->em.quiet = !bus_wants_logs(bus);
    s->wl = workload_new(sc, strategy, &s->em);
    s->ntasks = s->wl->ntasks;
    s->ncpu = s->ops->single_thread ? 1 : sc->cpus;
    s->cpu_task = xmalloc((size_t)s->ncpu * sizeof *s->cpu_task);
    s->cpu_last = xmalloc((size_t)s->ncpu * sizeof *s->cpu_last);
    for (int c = 0; c < s->ncpu; c++)
        s->cpu_task[c] = s->cpu_last[c] = -1;
    s->tasks = xaligned(64, (size_t)s->ntasks * sizeof *s->tasks);
    xprefault(s->tasks, (size_t)s->ntasks * sizeof *s->tasks);
    memset(s->tasks, 0, (size_t)s->ntasks * sizeof *s->tasks);
    if (be) s->results = xcalloc((size_t)s->ntasks + 1, sizeof *s->results);

    s->nlocks = s->wl->nres;
    s->locks = xcalloc((size_t)s->nlocks + 1, sizeof *s->locks);
    for (int r = 0; r < s->nlocks; r++)
        s->locks[r].owner = -1;
    s->nvars = s->wl->nvars;
    s->vars = xcalloc((size_t)s->nvars + 1, sizeof *s->vars);
    for (int v = 0; v < s->nvars; v++)
        s->vars[v] = s->wl->var_init[v];
    s->wl->live_vars = s->vars;

    struct event ev = event_make(EV_RUN_START, 0, -1);
    ev.text = s->ops->name;
    ev.value = s->ncpu;
    ev.value2 = be != NULL;
    sim_emit(s, &ev);
    for (int r = 0; r < s->nlocks; r++) {
        ev = event_make(EV_RESOURCE_NEW, 0, -1);
        ev.other = r;
        ev.text = s->wl->res_names[r];
        sim_emit(s, &ev);
    }
    for (int i = 0; i < s->ntasks; i++) {
        struct sim_task *t = &s->tasks[i];
        t->id = i;
        t->cpu = -1;
        t->lock_wait = -1;
        t->link = -1;
        t->state = TASK_READY;
        t->priority = s->wl->tasks[i].priority;
        if (t->priority) s->prioritised = 1;
        ev = event_make(EV_TASK_NEW, 0, i);
        ev.text = s->wl->tasks[i].name;
        ev.value = t->priority;
        ev.reason = (int16_t)s->wl->tasks[i].role;
        sim_emit(s, &ev);
        if (stop_asked(s)) return s; /* never starts */
    }
    if (!be) s->ops->start(s); /* a backend's run starts in sim_run_live */
    return s;
}

void sim_free(struct sim *s)
{
    if (!s) return;
    workload_free(s->wl);
    for (int i = 0; i < s->nlocks; i++)
        free(s->locks[i].waiters);
    free(s->locks);
    free(s->vars);
    pq_free(&s->pq);
    free(s->tasks);
    free(s->results);
    free(s->cpu_task);
    free(s->cpu_last);
    if (s->sd && s->ops->cleanup) s->ops->cleanup(s->sd);
    free(s->sd);
    free(s);
}

/* Nothing is pending but tasks remain: nothing can ever wake them. */
static void stalled(struct sim *s)
{
    char text[256];
    int waiting = -1;
    for (int i = 0; i < s->ntasks; i++)
        if (s->tasks[i].state != TASK_DONE) {
            waiting = i;
            break;
        }
    snprintf(text, sizeof text, "stalled: %s waits for something that can never happen",
             waiting >= 0 ? task_name(s, waiting) : "a task");
    struct event ev = event_make(EV_LOG, 0, -1);
    ev.text = text;
    sim_emit(s, &ev);
    sim_end(s, 1);
}

int sim_advance(struct sim *s, int64_t t)
{
    const struct pending *top;
    while (!stop_asked(s) && (top = pq_top(&s->pq)) && top->t <= t) {
        struct pending p = pq_pop(&s->pq);
        s->now = p.t;
        s->ops->fire(s, &p);
    }
    if (!s->finished && !pq_size(&s->pq)) stalled(s);
    if (!s->finished && t > s->now) s->now = t;
    return s->finished;
}

int sim_run(struct sim *s)
{
    sim_advance(s, INT64_MAX);
    return s->failed;
}

int sim_run_live(struct sim *s)
{
    const struct sim_backend *be = s->be;
    s->ops->start(s);
    while (!s->finished) {
        const struct pending *top = pq_top(&s->pq);
        int64_t next = top ? top->t : INT64_MAX;
        if (!top && s->outstanding == 0) {
            stalled(s);
            break;
        }
        if (be->idle(be->ctx, next) < 0) {
            sim_cancel(s);
            break;
        }
        /* One action at a time, looking for completions in between, as a
         * real loop looks at its sockets between callbacks. */
        int64_t now = clock_now(s);
        if ((top = pq_top(&s->pq)) && top->t <= now) {
            struct pending p = pq_pop(&s->pq);
            s->now = now;
            s->ops->fire(s, &p);
        }
    }
    return s->failed;
}

int64_t sim_now(const struct sim *s)
{
    return s->now;
}

int64_t sim_next_time(const struct sim *s)
{
    const struct pending *top = pq_top((struct pq *)&s->pq);
    return top ? top->t : -1;
}

int sim_finished(const struct sim *s)
{
    return s->finished;
}

int sim_failed(const struct sim *s)
{
    return s->failed;
}

uint64_t sim_events(const struct sim *s)
{
    return s->bus->seq;
}

void sim_stuck_on_lock(struct sim *s, struct sim_task *t)
{
    if (report_cycle(s, t, 1)) return;
    /* No cycle: the holder has finished without releasing it. */
    char text[256];
    int res = t->lock_wait;
    int owner = res >= 0 ? s->locks[res].owner : -1;
    snprintf(text, sizeof text, "deadlock: %s waits for %s, held by %s, which has finished",
             task_name(s, t->id), res >= 0 ? lock_name(s, res) : "?",
             owner >= 0 ? task_name(s, owner) : "nobody");
    struct event ev = event_make(EV_LOG, 0, -1);
    ev.text = text;
    sim_emit(s, &ev);
    ev = event_make(EV_DEADLOCK, 0, t->id);
    ev.other = res;
    ev.value = held_by(s, t->id, res);
    ev.text = text;
    sim_emit(s, &ev);
    sim_end(s, 1);
}

int sim_blocking_proceed(struct sim *s, struct sim_task *t)
{
    while (!s->finished) {
        sim_fetch(s, t);
        switch (t->cur.kind) {
        case STEP_CPU:
            if (t->cur.dur == 0) continue;
            sim_cpu(s, t, t->cur.dur, SIM_ACT_CPU, t->gen);
            return PROCEED_BUSY;
        case STEP_WAIT: sim_wait(s, t, 1, SIM_ACT_WAKE, t->gen); return PROCEED_BUSY;
        case STEP_YIELD: return PROCEED_YIELD;
        case STEP_LOCK:
            /* On one thread a held lock can never be released while we
             * wait for it: the run stalls (or the cycle is reported). */
            if (!sim_lock_take(s, t, t->cur.res, 1)) {
                if (!s->finished) sim_stuck_on_lock(s, t);
                return PROCEED_STUCK;
            }
            continue;
        case STEP_UNLOCK: sim_lock_release(s, t, t->cur.res); continue;
        case STEP_LOAD:
        case STEP_STORE: sim_var_step(s, t); continue;
        case STEP_DONE: return PROCEED_DONE;
        }
    }
    return PROCEED_STUCK;
}

int sim_blocking_fire(struct sim *s, const struct pending *p)
{
    struct sim_task *t = sim_task(s, p->task);
    if (p->what == SIM_ACT_WAKE) {
        sim_make_ready(s, t, EV_WAKE, -1);
        sim_run_on(s, t, 0);
    }
    return sim_blocking_proceed(s, t);
}

/*
 * real_threads: a preemptive strategy run for real (the threading parent).
 * Every task runs on an OS thread of its own; everything else is the
 * engine's task machine, driven under the run's engine lock r->mu: the
 * next step from the workload, the state events, locks with FIFO hand-off,
 * shared variables, and the deadlock check when a task starts to wait for
 * a lock. A task waiting for a lock really blocks (on r->lock_cv) until the
 * engine hands the lock to it; a lost update happens because two threads
 * really interleaved their load and store; a deadlock is the engine's own
 * cycle report, after which every thread unwinds.
 *
 * CPUs: a thread computes only while it holds one of the scene's `cpus`,
 * handed out by the simulated run's own rule (cpuq.c: FIFO, a slice of
 * `quantum` of the CPU time it really uses, preempted at its end if
 * another thread waits), as CPython's
 * threads take turns holding the GIL; a thread without one really waits
 * (on its own condition variable) and shows as ready. So what the view
 * draws is what ran: the OS cannot preempt one of our threads for another
 * behind juggle's back, as it did when the OS alone shared a CPU among
 * them and every thread looked running all along. The threads are pinned
 * to that many of the process's CPUs when it has more. The OS's own counts
 * are in each task's TASK_STATS.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim_internal.h"
#include "core/xalloc.h"
#include "exec/real_internal.h"

#define WORKER_STACK (512 * 1024)

/* The start gate: every thread waits here until all exist, so that they
 * start together, as the simulation's tasks do. */
struct gate {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int open;
};

struct worker {
    struct real_run *r;
    int task;
    int *turn;           /* the next task to take its first step (r->mu) */
    struct worker *next; /* the worker after this one, to wake for its turn */
    struct worker *all;  /* every worker, by task */
    struct cpuq *cpus;   /* the CPUs and who waits for one (r->mu) */
    pthread_cond_t cv;   /* this worker's turn came, or a CPU (r->mu) */
    struct gate *gate;
};

/* The engine's clock to now, after a wait (engine lock held). */
static void catch_up(struct real_run *r)
{
    int64_t now = real_now(r);
    if (now > r->s->now) r->s->now = now;
}

/* Takes the engine lock and brings the engine's clock to now. Returns 0,
 * or -1 if the run is over (the lock is held either way). */
static int enter(struct worker *w)
{
    struct real_run *r = w->r;
    pthread_mutex_lock(&r->mu);
    if (r->s->finished || real_stopped(r)) return -1;
    catch_up(r);
    return 0;
}

/* Hands free CPUs to the threads that have waited longest, and wakes
 * them (engine lock held). */
static void give_cpus(struct worker *w)
{
    int next, from = 0;
    while ((next = cpuq_next(w->r->s, w->cpus, &from)) >= 0)
        pthread_cond_signal(&w->all[next].cv);
}

/* t (ready, queued) waits until it has a CPU. Returns 0 when it has one,
 * -1 if the run ended meanwhile (engine lock held). */
static int await_cpu(struct worker *w, struct sim_task *t)
{
    struct real_run *r = w->r;
    while (t->cpu < 0 && !r->s->finished && !real_stopped(r))
        pthread_cond_wait(&w->cv, &r->mu);
    catch_up(r);
    return t->cpu >= 0 ? 0 : -1;
}

/* t (ready) waits for a CPU behind those already waiting. */
static int get_cpu(struct worker *w, struct sim_task *t)
{
    cpuq_push(w->cpus, t->id);
    give_cpus(w);
    return await_cpu(w, t);
}

/* The run is over: every thread still waiting for a CPU leaves. */
static void release_waiters(struct worker *w)
{
    while (w->cpus->ready.n)
        pthread_cond_signal(&w->all[intq_pop(&w->cpus->ready)].cv);
}

/* t's CPU step: computes for real in slices while it holds a CPU; at a
 * slice's end it gives the CPU up if another thread waits. Returns 0, or
 * -1 if the run ended meanwhile (engine lock held). */
static int cpu_step(struct worker *w, struct sim_task *t)
{
    struct real_run *r = w->r;
    struct sim *s = r->s;
    int64_t left = t->cur.dur;
    while (left > 0) {
        if (cpuq_slice_over(s, w->cpus, t->cpu)) {
            sim_make_ready(s, t, EV_PREEMPT, -1);
            if (get_cpu(w, t)) return -1;
        }
        int c = t->cpu;
        int64_t chunk = w->cpus->slice[c] - w->cpus->clock[c];
        if (chunk > left) chunk = left;
        pthread_mutex_unlock(&r->mu);
        int64_t used = real_cpu(r, chunk, -1);
        if (enter(w)) return -1;
        if (used < 0) used = 0;
        w->cpus->clock[c] += used;
        left -= used;
    }
    return 0;
}

/* The task waits for res, which the engine has queued it for, until the
 * engine hands it over. Returns 0, or -1 if the run ended meanwhile (a
 * deadlock among others). Engine lock held throughout. */
static int wait_lock(struct worker *w, struct sim_task *t, int res)
{
    struct real_run *r = w->r;
    give_cpus(w);
    while (r->s->locks[res].owner != t->id && !r->s->finished && !real_stopped(r))
        pthread_cond_wait(&r->lock_cv, &r->mu);
    if (r->s->locks[res].owner != t->id) return -1;
    return get_cpu(w, t);
}

/* t's wait step, for real, on its own thread. Returns 0, or -1 if the run
 * ended meanwhile. */
static int wait_step(struct worker *w, struct sim_task *t, struct http_client *c)
{
    struct real_run *r = w->r;
    struct real_task *rt = &r->tasks[t->id];
    struct step st = t->cur;
    int http = st.reason == BLOCK_HTTP && st.url;
    int64_t due = r->s->now + st.dur;
    sim_block(r->s, t, st.reason, http ? -1 : due, 0);
    give_cpus(w);
    pthread_mutex_unlock(&r->mu);
    if (http && c) {
        real_fetch_blocking(r, c, st.url, &rt->http);
    } else if (http) {
        memset(&rt->http, 0, sizeof rt->http);
        snprintf(rt->http.error, sizeof rt->http.error, "cannot start the HTTP client");
    } else {
        real_sleep_until(r, due);
    }
    if (enter(w)) return -1;
    if (http) {
        rt->res = sim_result(r->s, t->id);
        real_result(rt);
        t->has_result = 1;
    }
    sim_make_ready(r->s, t, EV_WAKE, -1);
    return get_cpu(w, t);
}

/* One step of t, with the engine lock held (released only while the step
 * really works or waits). Returns 1 when t is done or the run is over. */
static int step(struct worker *w, struct sim_task *t, struct http_client *c)
{
    struct real_run *r = w->r;
    struct sim *s = r->s;
    sim_fetch(s, t);
    t->has_step = 0;
    if (*w->turn == w->task) {
        /* Its first step is taken: the next thread may start. One signal
         * to that thread alone: a broadcast would wake all 1,000 of a
         * large scene for each of them. */
        (*w->turn)++;
        if (w->next) pthread_cond_signal(&w->next->cv);
    }
    switch (t->cur.kind) {
    case STEP_CPU: return cpu_step(w, t) ? 1 : 0;
    case STEP_WAIT: return wait_step(w, t, c) ? 1 : 0;
    case STEP_YIELD:
        /* time.sleep(0): the CPU to the thread waiting longest, if any. */
        if (w->cpus->ready.n == 0) return 0;
        sim_make_ready(s, t, EV_YIELD, -1);
        return get_cpu(w, t) ? 1 : 0;
    case STEP_LOCK:
        if (sim_lock_take(s, t, t->cur.res, 0)) return 0;
        return wait_lock(w, t, t->cur.res) ? 1 : 0;
    case STEP_UNLOCK: {
        int next = sim_lock_release(s, t, t->cur.res);
        if (next >= 0) {
            sim_make_ready(s, sim_task(s, next), EV_WAKE, t->id);
            pthread_cond_broadcast(&r->lock_cv);
        }
        return 0;
    }
    case STEP_LOAD:
    case STEP_STORE: sim_var_step(s, t); return 0;
    case STEP_DONE: {
        struct real_task *rt = &r->tasks[t->id];
        real_os_now(&rt->os);
        rt->has_os = 1;
        sim_task_done(s, t);
        give_cpus(w);
        return 1;
    }
    }
    return 1;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct real_run *r = w->r;
    pthread_mutex_lock(&w->gate->mu);
    while (!w->gate->open)
        pthread_cond_wait(&w->gate->cv, &w->gate->mu);
    pthread_mutex_unlock(&w->gate->mu);
    struct http_client c;
    int have_client = real_client_get(r, &c) == 0;
    if (enter(w) == 0) {
        /* Threads start in task order, as t1.start(); t2.start() would
         * have them and as the simulation's run queue does: each takes
         * its first step before the next one runs. */
        while (*w->turn < w->task && !r->s->finished && !real_stopped(r))
            pthread_cond_wait(&w->cv, &r->mu);
        struct sim_task *t = sim_task(r->s, w->task);
        if (!r->s->finished && !real_stopped(r) && await_cpu(w, t) == 0)
            while (!r->s->finished && !real_stopped(r) && !step(w, t, have_client ? &c : NULL))
                ;
        if (r->s->finished || real_stopped(r)) release_waiters(w);
    }
    /* A run that stopped before every thread's turn came: wake the next,
     * which sees it and leaves, and so on down the line. */
    if (w->next) pthread_cond_signal(&w->next->cv);
    pthread_mutex_unlock(&r->mu);
    if (have_client) real_client_put(r, &c);
    return NULL;
}

/* Which CPUs the threads may use: the scene's `cpus` of those allowed.
 * Returns 1 if the threads are to be pinned to them (the process may use
 * more). */
static int pin_cpus(struct real_run *r, cpu_set_t *pin)
{
    cpu_set_t allowed;
    CPU_ZERO(pin);
    int npin = 0;
    if (sched_getaffinity(0, sizeof allowed, &allowed) == 0)
        for (int c = 0; c < CPU_SETSIZE && npin < r->ncpu; c++)
            if (CPU_ISSET(c, &allowed)) {
                CPU_SET(c, pin);
                npin++;
            }
    return npin == r->ncpu && npin < CPU_COUNT(&allowed);
}

void real_threads_run(struct real_run *r)
{
    cpu_set_t pin;
    int do_pin = pin_cpus(r, &pin);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, WORKER_STACK);
    if (do_pin) pthread_attr_setaffinity_np(&attr, sizeof pin, &pin);
    pthread_t *th = xmalloc((size_t)r->ntasks * sizeof *th);
    struct worker *ws = xmalloc((size_t)r->ntasks * sizeof *ws);
    struct gate gate = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
    struct cpuq cpus;
    cpuq_init(&cpus, r->s->ncpu, 1);
    int started = 0, turn = 0;
    for (int i = 0; i < r->ntasks; i++) {
        ws[i] = (struct worker){.r = r,
                                .task = i,
                                .turn = &turn,
                                .next = i + 1 < r->ntasks ? &ws[i + 1] : NULL,
                                .all = ws,
                                .cpus = &cpus,
                                .gate = &gate};
        pthread_cond_init(&ws[i].cv, NULL);
    }
    for (int i = 0; i < r->ntasks; i++) {
        int rc = pthread_create(&th[i], &attr, worker_main, &ws[i]);
        if (rc) {
            char text[160];
            snprintf(text, sizeof text, "cannot start a thread for %s: %s", r->s->wl->tasks[i].name,
                     strerror(rc));
            pthread_mutex_lock(&r->mu);
            struct event ev = event_make(EV_LOG, 0, -1);
            ev.text = text;
            sim_emit(r->s, &ev);
            pthread_mutex_unlock(&r->mu);
            real_run_cancel(r);
            break;
        }
        started++;
    }
    pthread_attr_destroy(&attr);
    /* Every thread is ready at the start, queued in task order, and the
     * first `cpus` get a CPU, as the simulation's threads_start does (a
     * thread that queued only once its turn came would find the first
     * ones, preempted, ahead of it). */
    pthread_mutex_lock(&r->mu);
    for (int i = 0; i < started; i++)
        cpuq_push(&cpus, i);
    if (started) give_cpus(&ws[0]);
    pthread_mutex_unlock(&r->mu);
    pthread_mutex_lock(&gate.mu);
    gate.open = 1;
    pthread_cond_broadcast(&gate.cv);
    pthread_mutex_unlock(&gate.mu);
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < r->ntasks; i++)
        pthread_cond_destroy(&ws[i].cv);
    cpuq_free(&cpus);
    free(ws);
    free(th);
}

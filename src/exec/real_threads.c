/*
 * real_threads: one pthread per worker (the threading parent). Each thread
 * runs its task's steps with blocking calls; a blocking call blocks only
 * its own thread; the OS preempts CPU work as it sees fit. Calls into the
 * workload (the shared queue) are serialised by the runner's mutex, as a
 * queue.Queue would be, and the state events are recorded under it too.
 *
 * CPUs: the scene's `cpus` is honoured by pinning the workers to that many
 * of the CPUs the process may use, so `cpus = 1` really shares one CPU.
 * sched_getcpu() tells which one a thread runs on; a task seen on a CPU
 * where another task was seen last is recorded as a SWITCH: the switches
 * juggle can observe. The OS's own count is in each task's TASK_STATS
 * (getrusage(RUSAGE_THREAD) at the end of its thread).
 *
 * Locks are real mutexes, waited for in slices so that a cancelled run
 * (or, later, a deadlock watchdog: issue 6) can unwind a waiting thread.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"
#include "exec/real_internal.h"

#define WORKER_STACK (512 * 1024)

/* The start gate: every worker thread waits here until all have been
 * created, so they start together, as the simulation's tasks do, instead
 * of in the order the OS happened to schedule their creation. */
struct gate {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int open;
};

struct worker {
    struct real_run *r;
    struct real_task *t;
    const int *map; /* OS CPU -> CPU index, -1 unknown */
    struct gate *gate;
};

static int cpu_index(const struct worker *w)
{
    int c = sched_getcpu();
    if (c < 0) return 0;
    if (c < CPU_SETSIZE && w->map[c] >= 0) return w->map[c];
    return c % w->r->ncpu;
}

static void take_os(struct real_task *t)
{
    struct real_os o;
    real_os_now(&o);
    t->os = o;
    t->has_os = 1;
}

/* Takes resource res for t, recording the wait if there is one. Returns 0,
 * or -1 if the run was cancelled while waiting. */
static int take_lock(struct worker *w, int res)
{
    struct real_run *r = w->r;
    struct real_task *t = w->t;
    if (res < 0 || res >= REAL_MAX_LOCKS) return -1;
    if (pthread_mutex_trylock(&r->lock_mu[res]) != 0) {
        pthread_mutex_lock(&r->wl_mu);
        struct event ev = event_make(EV_LOCK_WAIT, 0, t->id);
        ev.other = res;
        ev.value = r->lock_owner[res];
        real_emit(r, &ev);
        real_block(r, t, BLOCK_LOCK, -1, 0);
        t->lock_wait = res;
        /* The watchdog: juggle's own record of holders and waiters, checked
         * when a task starts waiting and again every 50 ms while it waits. */
        real_watch_deadlock(r, t);
        pthread_mutex_unlock(&r->wl_mu);
        for (int tries = 0;; tries++) {
            if (real_cancelled(r)) return -1;
            if (tries > 0) {
                pthread_mutex_lock(&r->wl_mu);
                real_watch_deadlock(r, t);
                pthread_mutex_unlock(&r->wl_mu);
                if (real_cancelled(r)) return -1;
            }
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 50 * 1000000;
            if (ts.tv_nsec >= 1000000000) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000;
            }
            if (pthread_mutex_timedlock(&r->lock_mu[res], &ts) == 0) break;
        }
        pthread_mutex_lock(&r->wl_mu);
        r->lock_owner[res] = t->id;
        t->lock_wait = -1;
        struct event acq = event_make(EV_LOCK_ACQUIRE, 0, t->id);
        acq.other = res;
        real_emit(r, &acq);
        real_make_ready(r, t, EV_WAKE);
        real_run_on(r, t, cpu_index(w));
        pthread_mutex_unlock(&r->wl_mu);
        return 0;
    }
    pthread_mutex_lock(&r->wl_mu);
    r->lock_owner[res] = t->id;
    struct event ev = event_make(EV_LOCK_ACQUIRE, 0, t->id);
    ev.other = res;
    real_emit(r, &ev);
    pthread_mutex_unlock(&r->wl_mu);
    return 0;
}

static void drop_lock(struct worker *w, int res)
{
    struct real_run *r = w->r;
    if (res < 0 || res >= REAL_MAX_LOCKS) return;
    pthread_mutex_lock(&r->wl_mu);
    int mine = r->lock_owner[res] == w->t->id;
    if (mine) {
        r->lock_owner[res] = -1;
        struct event ev = event_make(EV_LOCK_RELEASE, 0, w->t->id);
        ev.other = res;
        real_emit(r, &ev);
    }
    pthread_mutex_unlock(&r->wl_mu);
    if (mine) pthread_mutex_unlock(&r->lock_mu[res]);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct real_run *r = w->r;
    struct real_task *t = w->t;
    pthread_mutex_lock(&w->gate->mu);
    while (!w->gate->open)
        pthread_cond_wait(&w->gate->cv, &w->gate->mu);
    pthread_mutex_unlock(&w->gate->mu);
    struct http_client c;
    int have_client = real_client_get(r, &c) == 0;
    pthread_mutex_lock(&r->wl_mu);
    real_run_on(r, t, cpu_index(w));
    pthread_mutex_unlock(&r->wl_mu);
    int done = 0;
    while (!done && !real_cancelled(r)) {
        pthread_mutex_lock(&r->wl_mu);
        real_fetch(r, t);
        struct step s = t->cur;
        pthread_mutex_unlock(&r->wl_mu);
        switch (s.kind) {
        case STEP_CPU:
            if (s.dur > 0) real_cpu(r, s.dur, -1);
            break;
        case STEP_WAIT: {
            int http = s.reason == BLOCK_HTTP && s.url;
            pthread_mutex_lock(&r->wl_mu);
            int64_t start = real_now(r);
            real_block(r, t, s.reason, http ? -1 : start + s.dur, 0);
            pthread_mutex_unlock(&r->wl_mu);
            if (http && have_client)
                real_fetch_blocking(r, t, &c);
            else if (http) {
                snprintf(t->http.error, sizeof t->http.error, "out of memory");
                t->has_result = 1;
            } else
                real_sleep_until(r, start + s.dur);
            if (real_cancelled(r)) break;
            pthread_mutex_lock(&r->wl_mu);
            real_make_ready(r, t, EV_WAKE);
            real_run_on(r, t, cpu_index(w));
            pthread_mutex_unlock(&r->wl_mu);
            break;
        }
        case STEP_YIELD:
            pthread_mutex_lock(&r->wl_mu);
            real_make_ready(r, t, EV_YIELD);
            pthread_mutex_unlock(&r->wl_mu);
            sched_yield();
            pthread_mutex_lock(&r->wl_mu);
            real_run_on(r, t, cpu_index(w));
            pthread_mutex_unlock(&r->wl_mu);
            break;
        case STEP_LOCK: take_lock(w, s.res); break;
        case STEP_UNLOCK: drop_lock(w, s.res); break;
        case STEP_LOAD:
        case STEP_STORE: real_var_step(r, t); break;
        case STEP_DONE: done = 1; break;
        }
    }
    for (int res = 0; res < REAL_MAX_LOCKS; res++)
        drop_lock(w, res);
    take_os(t);
    pthread_mutex_lock(&r->wl_mu);
    if (done) {
        real_task_done(r, t);
    } else {
        struct event ev = event_make(EV_TASK_STATS, 0, t->id);
        ev.value = t->os.cpu_ns;
        ev.value2 = t->os.vcsw;
        ev.other = (int32_t)t->os.ivcsw;
        real_emit(r, &ev);
    }
    pthread_mutex_unlock(&r->wl_mu);
    if (have_client) real_client_put(r, &c);
    return NULL;
}

static void threads_run(struct real_run *r)
{
    int *map = xmalloc(CPU_SETSIZE * sizeof *map);
    for (int i = 0; i < CPU_SETSIZE; i++)
        map[i] = -1;
    cpu_set_t allowed, pin;
    CPU_ZERO(&pin);
    int npin = 0;
    if (sched_getaffinity(0, sizeof allowed, &allowed) == 0)
        for (int c = 0; c < CPU_SETSIZE && npin < r->ncpu; c++)
            if (CPU_ISSET(c, &allowed)) {
                CPU_SET(c, &pin);
                map[c] = npin++;
            }
    int do_pin = npin == r->ncpu && npin < CPU_COUNT(&allowed);

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, WORKER_STACK);
    if (do_pin) pthread_attr_setaffinity_np(&attr, sizeof pin, &pin);
    pthread_t *th = xmalloc((size_t)r->ntasks * sizeof *th);
    struct worker *ws = xmalloc((size_t)r->ntasks * sizeof *ws);
    int started = 0;
    struct gate gate = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
    for (int i = 0; i < r->ntasks; i++) {
        ws[i] = (struct worker){r, &r->tasks[i], map, &gate};
        int rc = pthread_create(&th[i], &attr, worker_main, &ws[i]);
        if (rc) {
            char text[160];
            snprintf(text, sizeof text, "cannot start a thread for %s: %s", r->wl->tasks[i].name,
                     strerror(rc));
            struct event ev = event_make(EV_LOG, 0, -1);
            ev.text = text;
            real_emit(r, &ev);
            pthread_mutex_lock(&r->wl_mu);
            r->stuck = 1;
            pthread_mutex_unlock(&r->wl_mu);
            real_run_cancel(r);
            break;
        }
        started++;
    }
    pthread_attr_destroy(&attr);
    pthread_mutex_lock(&gate.mu);
    gate.open = 1;
    pthread_cond_broadcast(&gate.cv);
    pthread_mutex_unlock(&gate.mu);
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    free(ws);
    free(th);
    free(map);
}

const struct real_backend real_backend_threads = {
    .name = "threads",
    .run = threads_run,
};

/*
 * real_internal: the real runner as its backends see it. Only real.c and
 * the real_*.c backends include this.
 *
 * One backend per strategy does for real what the strategy's simulation
 * (src/core/strat_*.c) does in virtual time, in the same order; the core
 * gives it the workload (behind a mutex), the event queue, a cancellable
 * sleep, real CPU work, blocking HTTP, and helpers that emit the same
 * state-change events as the simulation's (sim_run_on, sim_block, ...).
 *
 * Threads: the backend's run() is called on the runner thread, which the
 * core starts; it returns when every task is done or the run is
 * cancelled. Backends that start more threads join them before returning.
 */
#ifndef JUGGLE_REAL_INTERNAL_H
#define JUGGLE_REAL_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "core/event.h"
#include "core/scene.h"
#include "core/workload.h"
#include "exec/delay_server.h"
#include "exec/evq.h"
#include "exec/http.h"
#include "exec/real.h"

struct real_run;

struct real_backend {
    const char *name; /* the strategy's name */
    /* Runs every task to its end (or until cancelled), on the runner thread. */
    void (*run)(struct real_run *r);
    /* Wakes whatever the runner thread may be blocked in, from any thread,
     * after r->cancelled was set; may be NULL. */
    void (*cancel)(struct real_run *r);
};

extern const struct real_backend real_backend_sync, real_backend_coop, real_backend_poll,
    real_backend_threads, real_backend_loop;

/* What the OS saw while a thread worked for a task. */
struct real_os {
    int64_t cpu_ns, vcsw, ivcsw;
};

struct real_task {
    int id;
    int state; /* enum task_state, as last reported */
    struct step cur;
    struct http_result http; /* the last fetch's outcome */
    int has_result;          /* pass http to the next workload call */
    struct real_os os;       /* accumulated */
    int has_os;
    int64_t reg;   /* STEP_LOAD: the value read, until its STEP_STORE */
    int lock_wait; /* threads: resource it waits for, or -1 (wl_mu) */
};

#define REAL_MAX_LOCKS 64

struct real_run {
    const struct scene *sc;
    int strategy;
    const struct real_backend *be;
    double scale;         /* real seconds per scene unit */
    int64_t http_timeout; /* scene ns */
    struct bus *bus;
    struct evq q;

    /* Consumer side (the caller's thread). */
    uv_async_t *async;
    int finished;
    int failed_seen;

    /* The workload and the scheduling state the helpers keep; wl_mu
     * serialises both (the workload is not thread-safe). */
    pthread_mutex_t wl_mu;
    struct workload *wl;
    struct emitter em;
    int ntasks, ncpu;
    struct real_task *tasks;
    int *cpu_last; /* last task seen on each CPU, -1 none */
    int ndone;

    /* Locks (resources): owners for the single-thread backends, real
     * mutexes for threads. */
    int lock_owner[REAL_MAX_LOCKS];
    pthread_mutex_t lock_mu[REAL_MAX_LOCKS];

    pthread_t runner;
    int runner_started;
    atomic_int cancelled;
    pthread_mutex_t cancel_mu;
    pthread_cond_t cancel_cv;    /* CLOCK_MONOTONIC */
    void *bd;                    /* backend data, owned by the backend */
    struct http_client *clients; /* blocking clients in use (cancel_mu) */

    struct delay_server *server;
    int stuck; /* a task waits for something that can never happen */

    /* Shared variables (the checkbook's balance): atomics, so a lost
     * update is a race in the program's logic, not a data race in C. */
    _Atomic int64_t *vars;
    int64_t *vars_seen; /* their final values, for the workload's report */
};

/* Scene time now, ns. */
static inline int64_t real_now(const struct real_run *r)
{
    return evq_now(&r->q);
}

static inline int real_cancelled(const struct real_run *r)
{
    return atomic_load_explicit(&r->cancelled, memory_order_relaxed);
}

/* Real ns for scene ns. */
static inline int64_t real_ns(const struct real_run *r, int64_t scene_ns)
{
    return (int64_t)((double)scene_ns * r->scale);
}

/* Queues ev (any thread). */
void real_emit(struct real_run *r, struct event *ev);

/*
 * State helpers, mirrors of the simulation's; callers hold wl_mu when more
 * than one thread runs tasks. cpu is the CPU index (0 for one thread).
 */
void real_run_on(struct real_run *r, struct real_task *t, int cpu);
void real_make_ready(struct real_run *r, struct real_task *t, int why);
void real_block(struct real_run *r, struct real_task *t, int reason, int64_t until, int stall);
void real_task_done(struct real_run *r, struct real_task *t);
/* Asks the workload for t's next step into t->cur (passing the last
 * fetch's result once). */
void real_fetch(struct real_run *r, struct real_task *t);

/* Uses dur scene ns of this thread's CPU time, really (counting), or stops
 * early at wall-clock scene time deadline (-1: none) or on cancel. Returns
 * the scene ns of CPU time used. */
int64_t real_cpu(struct real_run *r, int64_t dur, int64_t deadline);
/* Sleeps until scene time `until`, or less if cancelled. Returns 0, or -1
 * if cancelled. */
int real_sleep_until(struct real_run *r, int64_t until);
/* The URL to fetch for a workload URL: ${server} replaced. malloc'd. */
char *real_url(const struct real_run *r, const char *url);
/* The HTTP timeout in real ms. */
int64_t real_timeout_ms(const struct real_run *r);
/* A blocking client for this run, which cancel aborts at once; put it
 * back before its thread ends. Returns 0 or a negative code. */
int real_client_get(struct real_run *r, struct http_client *c);
void real_client_put(struct real_run *r, struct http_client *c);
/* Blocking fetch of t->cur.url into t->http (sync, coop, threads). */
void real_fetch_blocking(struct real_run *r, struct real_task *t, struct http_client *c);

/* STEP_LOAD or STEP_STORE of t->cur; a store that overwrites someone
 * else's update emits RACE. Any thread; takes no lock itself. */
void real_var_step(struct real_run *r, struct real_task *t);
/* Threads: t waits for res (wl_mu held). If that closes a cycle of waits,
 * reports the deadlock, marks the run stuck and cancels it so every thread
 * unwinds. Returns 1 then. */
int real_watch_deadlock(struct real_run *r, struct real_task *t);

/* OS view of the calling thread; add the difference of two snapshots to
 * t (single-thread backends attribute their thread's work this way). */
void real_os_now(struct real_os *o);
void real_os_add(struct real_task *t, const struct real_os *before, const struct real_os *after);

/*
 * Locks for the single-thread backends: 1 if t took res; 0 if another
 * task holds it, in which case the run is stuck (nothing can release it)
 * and has been told so.
 */
int real_lock_single(struct real_run *r, struct real_task *t, int res);
void real_unlock_single(struct real_run *r, struct real_task *t, int res);

/*
 * One-thread blocking execution for sync and coop: runs t's steps where
 * every wait is a blocking call. Returns REAL_YIELD at a yield point,
 * REAL_DONE when t finished (not yet marked done), REAL_STOP if the run is
 * cancelled or stuck.
 */
enum { REAL_YIELD, REAL_DONE, REAL_STOP };
int real_blocking_proceed(struct real_run *r, struct real_task *t, struct http_client *c);

#endif

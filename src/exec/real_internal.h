/*
 * real_internal: the real runner's parts, shared by real.c (the run, and
 * the backend for strategies that run on one thread) and real_threads.c
 * (the backend for a preemptive strategy: one OS thread per task).
 *
 * Neither decides anything a strategy decides. The engine (src/core/sim.c
 * and the strategy's own file) orders the work, keeps the locks, the
 * shared variables and the deadlock check; these files only give it a
 * clock, a way to wait, and the work itself: real CPU time, real sleeps,
 * real fetches.
 */
#ifndef JUGGLE_REAL_INTERNAL_H
#define JUGGLE_REAL_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "core/event.h"
#include "core/scene.h"
#include "core/sim.h"
#include "core/workload.h"
#include "exec/delay_server.h"
#include "exec/evq.h"
#include "exec/http.h"
#include "exec/http_uv.h"
#include "exec/real.h"

/* What the OS saw while a thread worked for a task. */
struct real_os {
    int64_t cpu_ns, vcsw, ivcsw;
};

struct real_task {
    struct http_result http; /* the last fetch's outcome */
    struct step_result *res; /* where the engine wants it */
    struct real_os os;       /* accumulated */
    int has_os;
};

struct real_run {
    const struct scene *sc;
    int strategy;
    double scale;         /* real seconds per scene unit */
    int64_t http_timeout; /* scene ns */
    struct bus *bus;      /* the caller's */
    struct bus inner;     /* the engine's: its one sink queues events */
    struct evq q;

    /* Consumer side (the caller's thread). */
    uv_async_t *async;
    uv_timer_t *hold; /* takes events while they keep coming (real.c) */
    int finished;

    /* The engine and its backend; the engine lives on the runner thread,
     * and under mu when task threads drive it. */
    struct sim *s;
    struct sim_backend be;
    int ntasks, ncpu;
    struct real_task *tasks;
    struct real_os thread_os; /* the runner thread's, as the run began */
    pthread_mutex_t mu;
    pthread_cond_t lock_cv; /* a lock changed hands or the run stopped (mu) */

    pthread_t runner;
    int runner_started;
    atomic_int stop;      /* the run is over or cancelled: unwind */
    atomic_int cancelled; /* stopped by real_run_cancel */
    pthread_mutex_t cancel_mu;
    pthread_cond_t cancel_cv;    /* CLOCK_MONOTONIC; sleepers wait on it */
    struct http_client *clients; /* blocking clients in use (cancel_mu) */

    /* The runner thread's loop: timers for idling, fetches of strategies
     * that do not block on them, and the wake-up a cancel sends. */
    uv_loop_t loop;
    int loop_ready;
    uv_async_t wake;
    uv_timer_t timer;
    struct http_uv *http;
    struct http_client client; /* the runner thread's blocking client */
    int have_client;

    struct delay_server *server;
};

/* Scene time now, ns. */
static inline int64_t real_now(const struct real_run *r)
{
    return evq_now(&r->q);
}

static inline int real_stopped(const struct real_run *r)
{
    return atomic_load_explicit(&r->stop, memory_order_relaxed);
}

/* Real ns for scene ns. */
static inline int64_t real_ns(const struct real_run *r, int64_t scene_ns)
{
    return (int64_t)((double)scene_ns * r->scale);
}

/* Uses dur scene ns of this thread's CPU time, really (counting), or stops
 * early at scene time until (-1: none) or when the run stops. Returns the
 * scene ns of CPU time used. With threads, a CPU step is this: threads
 * that share a CPU take turns, so one CPU shows no speed-up. */
int64_t real_cpu(struct real_run *r, int64_t dur, int64_t until);
/* Keeps this thread busy (counting) for dur scene ns of wall-clock time,
 * or until scene time until (-1: none), or until the run stops. Returns
 * the scene ns it was busy. On one thread, a CPU step is this: the thread
 * is taken for the step's length, so another process's load does not
 * stretch the scene (the OS figures show what CPU it really got). */
int64_t real_busy(struct real_run *r, int64_t dur, int64_t until);
/* Sleeps until scene time until, or less if the run stops. */
void real_sleep_until(struct real_run *r, int64_t until);
/* The URL to fetch for a workload URL: ${server} replaced. malloc'd. */
char *real_url(const struct real_run *r, const char *url);
/* The HTTP timeout in real ms. */
int64_t real_timeout_ms(const struct real_run *r);
/* A blocking fetch of url (as the scene wrote it) into t->http. */
void real_fetch_blocking(struct real_run *r, struct http_client *c, const char *url,
                         struct http_result *out);
/* A blocking client for this run, which a stop aborts at once; put it back
 * before its thread ends. Returns 0 or a negative code. */
int real_client_get(struct real_run *r, struct http_client *c);
void real_client_put(struct real_run *r, struct http_client *c);
/* Copies a fetch's outcome to the engine's step result. */
void real_result(struct real_task *t);

/* OS view of the calling thread; add the difference of two snapshots to t. */
void real_os_now(struct real_os *o);
void real_os_add(struct real_task *t, const struct real_os *before, const struct real_os *after);

/* The preemptive backend: runs every task on an OS thread of its own,
 * driving the engine's task machine under r->mu; returns when all have
 * ended. Runner thread. */
void real_threads_run(struct real_run *r);

#endif

/*
 * real: runs a scene for real — real CPU time, real sleeps, real HTTP
 * fetches on a real libuv loop, real threads — with the same engine as the
 * simulation. The engine (src/core) keeps every rule: the strategy's order,
 * locks, shared variables, deadlock detection; this file is its backend for
 * strategies that run on one thread (a clock, a way to wait, the work), and
 * owns the run's lifetime: the runner thread, the event queue, the embedded
 * server. A preemptive strategy's tasks run on OS threads of their own
 * (real_threads.c), still through the engine's task machine.
 *
 * Time: scene ns = real ns since the start / time_scale. The engine's
 * events go to an inner bus whose one sink queues them (evq.h); the caller
 * delivers them to its own bus on its own thread, by real_run_drain or,
 * given a uv loop, through uv_async_send. Events are stamped when queued.
 *
 * One thread: CPU steps run right on the runner thread, so they hold up
 * everything else, as they would in the real program; a blocking call (a
 * stalled wait in sync or coop) blocks it too. Between actions the thread
 * idles in its uv loop: timers, sockets of fetches in flight, and the
 * wake-up a cancel or the end of the run sends.
 */
#include "exec/real.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "core/strategy.h"
#include "core/xalloc.h"
#include "core/sim_internal.h"
#include "exec/real_internal.h"

#define SERVER_VAR "${server}"

/* The inner bus's sink. The workload's lines name URLs as the scene wrote
 * them; a real run prints the address it really fetched. */
static void to_queue(void *ctx, const struct event *e)
{
    struct real_run *r = ctx;
    struct event ev = *e;
    if (ev.kind == EV_LOG && ev.text && r->server && strstr(ev.text, SERVER_VAR)) {
        char *line = real_url(r, ev.text);
        while (strstr(line, SERVER_VAR)) {
            char *next = real_url(r, line);
            free(line);
            line = next;
        }
        ev.text = line;
        evq_push(&r->q, &ev);
        free(line);
        return;
    }
    evq_push(&r->q, &ev);
}

/* ---- the backend for one thread ---- */

static int64_t be_now(void *ctx)
{
    return real_now(ctx);
}

static int64_t be_cpu(void *ctx, int task, const struct step *st, int64_t chunk, int64_t until)
{
    (void)st;
    struct real_run *r = ctx;
    /* The OS's view (getrusage) only for a task's own step that uses time:
     * an engine overhead (task -1) or an empty chunk costs no system call. */
    if (task < 0 || chunk <= 0) return real_busy(r, chunk, until);
    struct real_os before, after;
    real_os_now(&before);
    int64_t used = real_busy(r, chunk, until);
    real_os_now(&after);
    real_os_add(&r->tasks[task], &before, &after);
    return used;
}

static void on_http_done(void *ctx, int tag, const struct http_result *res)
{
    struct real_run *r = ctx;
    struct real_task *t = &r->tasks[tag];
    t->http = *res;
    real_result(t);
    sim_complete(r->s, tag);
}

/* A fetch that could not start ends at once with why. */
static int fail_fetch(struct real_run *r, int task, const char *why)
{
    struct real_task *t = &r->tasks[task];
    memset(&t->http, 0, sizeof t->http);
    snprintf(t->http.error, sizeof t->http.error, "%s", why);
    real_result(t);
    sim_complete(r->s, task);
    return 1;
}

static int be_wait(void *ctx, int task, const struct step *st, int stall, struct step_result *res)
{
    struct real_run *r = ctx;
    if (!(st->reason == BLOCK_HTTP && st->url)) return 0; /* a timer: the engine times it */
    struct real_task *t = &r->tasks[task];
    t->res = res;
    if (stall) {
        /* A blocking call: requests.get holds the only thread. */
        if (!r->have_client) return fail_fetch(r, task, "cannot start the HTTP client");
        struct real_os before, after;
        real_os_now(&before);
        real_fetch_blocking(r, &r->client, st->url, &t->http);
        real_os_now(&after);
        real_os_add(t, &before, &after);
        real_result(t);
        sim_complete(r->s, task);
        return 1;
    }
    if (!r->http && http_uv_init(&r->http, &r->loop, on_http_done, r) != 0)
        return fail_fetch(r, task, "cannot start the HTTP client");
    char *url = real_url(r, st->url);
    int rc = http_uv_start(r->http, task, url, real_timeout_ms(r));
    free(url);
    if (rc) return fail_fetch(r, task, "cannot start the transfer");
    /* The transfer is connecting. A strategy may start many in one action
     * (the loop's turn runs every ready callback); one look at the sockets
     * (no wait) sends the requests of those already connected while later
     * ones connect, as a real client's kernel would. It runs no task: a
     * fetch that ends meanwhile only schedules its task's wake-up. */
    uv_run(&r->loop, UV_RUN_NOWAIT);
    return 1;
}

static void on_timer(uv_timer_t *tm)
{
    /* Ends uv_run's wait. uv_run(ONCE) runs due timers before it polls; a
     * timer already due then (the runner was descheduled) would leave the
     * poll with no timer and block for ever: uv_stop makes it not wait. */
    uv_stop(tm->loop);
}

static void on_wake(uv_async_t *a)
{
    (void)a;
}

static int be_idle(void *ctx, int64_t until)
{
    struct real_run *r = ctx;
    if (real_stopped(r)) return -1;
    int64_t left = until == INT64_MAX ? -1 : real_ns(r, until - real_now(r));
    if (left > 0) {
        /* Repeating: uv_run(ONCE) runs due timers before it polls, so a
         * one-shot timer that came due meanwhile would leave the poll with
         * nothing to end it. */
        uint64_t ms = (uint64_t)ceil((double)left / 1e6);
        uv_update_time(&r->loop);
        uv_timer_start(&r->timer, on_timer, ms, ms);
    }
    uv_run(&r->loop, left == 0 || (left < 0 && until != INT64_MAX) ? UV_RUN_NOWAIT : UV_RUN_ONCE);
    uv_timer_stop(&r->timer);
    return real_stopped(r) ? -1 : 0;
}

/* What the OS saw of task's thread (task -1: the run's one thread). */
static void emit_os(struct real_run *r, int task, const struct real_os *os)
{
    struct event ev = event_make(EV_TASK_STATS, 0, task);
    ev.value = os->cpu_ns;
    ev.value2 = os->vcsw;
    ev.other = (int32_t)os->ivcsw;
    bus_emit(&r->inner, &ev);
}

static void be_done(void *ctx, int task)
{
    struct real_run *r = ctx;
    if (task >= 0) {
        emit_os(r, task, &r->tasks[task].os);
        return;
    }
    if (r->be.runs_tasks) return; /* each task is its own thread */
    /* The run ends: the one thread's own figures, every task's work and
     * the loop's (fetches, timers) in them. */
    struct real_os now;
    real_os_now(&now);
    struct real_os run = {now.cpu_ns - r->thread_os.cpu_ns, now.vcsw - r->thread_os.vcsw,
                          now.ivcsw - r->thread_os.ivcsw};
    emit_os(r, -1, &run);
}

/* Stops every wait of the run: sleepers, lock waiters, fetches, the idle
 * loop. Any thread. */
static void stop_all(struct real_run *r)
{
    pthread_mutex_lock(&r->cancel_mu);
    atomic_store(&r->stop, 1);
    pthread_cond_broadcast(&r->cancel_cv);
    pthread_cond_broadcast(&r->lock_cv);
    for (struct http_client *c = r->clients; c; c = c->next)
        http_client_abort(c);
    if (r->loop_ready) uv_async_send(&r->wake);
    pthread_mutex_unlock(&r->cancel_mu);
}

static void be_ended(void *ctx)
{
    stop_all(ctx);
}

/* ---- the run ---- */

static void on_loop_closed(void *arg)
{
    (void)arg;
}

static void close_loop(struct real_run *r)
{
    pthread_mutex_lock(&r->cancel_mu);
    r->loop_ready = 0; /* no more wake-ups */
    pthread_mutex_unlock(&r->cancel_mu);
    if (r->http) http_uv_close(r->http, on_loop_closed, NULL);
    r->http = NULL;
    uv_close((uv_handle_t *)&r->wake, NULL);
    uv_close((uv_handle_t *)&r->timer, NULL);
    uv_run(&r->loop, UV_RUN_DEFAULT);
    int rc = uv_loop_close(&r->loop);
    if (rc != 0) {
        char text[128];
        snprintf(text, sizeof text, "internal: the runner's event loop did not close: %s",
                 uv_strerror(rc));
        struct event ev = event_make(EV_LOG, 0, -1);
        ev.text = text;
        evq_push(&r->q, &ev);
    }
}

static void *runner_main(void *arg)
{
    struct real_run *r = arg;
    r->s = sim_new_on(r->sc, r->strategy, &r->inner, &r->be);
    r->ntasks = r->s->ntasks;
    r->ncpu = r->s->ncpu;
    real_os_now(&r->thread_os);
    r->tasks = xcalloc((size_t)r->ntasks + 1, sizeof *r->tasks);
    if (r->be.runs_tasks) {
        real_threads_run(r);
        pthread_mutex_lock(&r->mu);
        sim_cancel(r->s); /* unless every task ended */
        pthread_mutex_unlock(&r->mu);
    } else {
        sim_run_live(r->s);
    }
    sim_free(r->s);
    r->s = NULL;
    close_loop(r);
    return NULL;
}

static void deliver(void *ctx, struct event *ev)
{
    struct real_run *r = ctx;
    bus_emit(r->bus, ev);
    if (ev->kind == EV_RUN_END) r->finished = 1;
}

static void notify_async(void *ctx)
{
    struct real_run *r = ctx;
    uv_async_send(r->async);
}

/* The caller's loop: the first event after a quiet spell wakes it (the
 * async); while events keep coming it takes them every HOLD_MS on a timer,
 * and the runner, told the consumer will look again, sends no wake-up per
 * action. A view draws at most every 16 ms, so it sees no difference. */
#define HOLD_MS 2

static void on_hold(uv_timer_t *tm)
{
    struct real_run *r = tm->data;
    if (evq_drain_hold(&r->q, deliver, r) > 0)
        uv_timer_start(tm, on_hold, HOLD_MS, 0);
    else
        real_run_drain(r); /* quiet: the next event wakes the loop again */
}

static void on_async(uv_async_t *a)
{
    struct real_run *r = a->data;
    evq_drain_hold(&r->q, deliver, r);
    uv_timer_start(r->hold, on_hold, HOLD_MS, 0);
}

static void on_handle_closed(uv_handle_t *h)
{
    free(h);
}

/* Lets a run with a thousand connections open as many descriptors as the
 * hard limit allows (the embedded server and the client share them). */
static void raise_fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static int check_urls(const struct scene *sc, struct err *e)
{
    if (sc->work == WORK_HTTP && !sc->server_embedded)
        for (size_t i = 0; i < sc->nurls; i++)
            if (strstr(sc->urls[i], SERVER_VAR)) {
                err_set(e, ERR_INPUT, sc->path, 0,
                        "URL '%s' uses ${server}, but the scene has no 'server = embedded'",
                        sc->urls[i]);
                return -1;
            }
    return 0;
}

/* Everything but the threads and the server. */
static struct real_run *run_new(const struct scene *sc, int strategy, const struct real_opts *ro,
                                struct bus *bus)
{
    struct real_run *r = xcalloc(1, sizeof *r);
    r->sc = sc;
    r->strategy = strategy;
    r->scale = ro && ro->time_scale > 0 ? ro->time_scale : 1.0;
    r->http_timeout = ro && ro->http_timeout > 0 ? ro->http_timeout : sc->timeout;
    if (r->http_timeout <= 0) r->http_timeout = SCENE_DEFAULT_TIMEOUT;
    r->bus = bus;
    bus_init(&r->inner);
    bus_attach(&r->inner, to_queue, r);
    r->be = (struct sim_backend){
        .ctx = r,
        .runs_tasks = strategies[strategy]->preemptive,
        .now = be_now,
        .cpu = be_cpu,
        .wait = be_wait,
        .idle = be_idle,
        .done = be_done,
        .ended = be_ended,
    };
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->lock_cv, NULL);
    pthread_mutex_init(&r->cancel_mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&r->cancel_cv, &ca);
    pthread_condattr_destroy(&ca);
    uv_loop_init(&r->loop);
    uv_async_init(&r->loop, &r->wake, on_wake);
    uv_timer_init(&r->loop, &r->timer);
    r->loop_ready = 1;
    return r;
}

struct real_run *real_run_start(const struct scene *sc, int strategy, const struct real_opts *ro,
                                struct bus *bus, uv_loop_t *loop, struct err *e)
{
    if (strategy < 0 || strategy >= STRATEGY_COUNT) {
        err_set(e, ERR_USAGE, NULL, 0, "unknown strategy %d", strategy);
        return NULL;
    }
    if (check_urls(sc, e)) return NULL;
    http_global_init();
    raise_fd_limit();
    struct real_run *r = run_new(sc, strategy, ro, bus);
    if (sc->server_embedded) {
        int rc = delay_server_start(&r->server, 0, r->scale);
        if (rc) {
            err_set(e, ERR_RUNTIME, sc->path, 0, "cannot start the embedded server: %s",
                    strerror(-rc));
            real_run_free(r);
            return NULL;
        }
    }
    if (loop) {
        r->async = xmalloc(sizeof *r->async);
        uv_async_init(loop, r->async, on_async);
        r->async->data = r;
        r->hold = xmalloc(sizeof *r->hold);
        uv_timer_init(loop, r->hold);
        r->hold->data = r;
    }
    r->have_client = real_client_get(r, &r->client) == 0;
    evq_init(&r->q, evq_mono_ns(), r->scale, loop ? notify_async : NULL, r);
    int rc = pthread_create(&r->runner, NULL, runner_main, r);
    if (rc) {
        err_set(e, ERR_RUNTIME, NULL, 0, "cannot start the runner thread: %s", strerror(rc));
        real_run_free(r);
        return NULL;
    }
    r->runner_started = 1;
    return r;
}

size_t real_run_drain(struct real_run *r)
{
    return evq_drain(&r->q, deliver, r);
}

int real_run_finished(const struct real_run *r)
{
    return r->finished;
}

int64_t real_run_now(const struct real_run *r)
{
    return evq_now(&r->q);
}

void real_run_cancel(struct real_run *r)
{
    if (!r) return;
    atomic_store(&r->cancelled, 1);
    stop_all(r);
}

void real_run_free(struct real_run *r)
{
    if (!r) return;
    if (r->runner_started) {
        real_run_cancel(r);
        pthread_join(r->runner, NULL);
        evq_done(&r->q);
    } else if (r->loop_ready) {
        close_loop(r);
    }
    if (r->have_client) real_client_put(r, &r->client);
    if (r->async) uv_close((uv_handle_t *)r->async, on_handle_closed);
    if (r->hold) uv_close((uv_handle_t *)r->hold, on_handle_closed);
    delay_server_stop(r->server);
    pthread_mutex_destroy(&r->mu);
    pthread_cond_destroy(&r->lock_cv);
    pthread_mutex_destroy(&r->cancel_mu);
    pthread_cond_destroy(&r->cancel_cv);
    free(r->tasks);
    free(r);
}

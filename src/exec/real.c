/*
 * real: the runner core. It owns the run's lifetime (the runner thread, the
 * event queue, the embedded server), hands events to the bus on the
 * caller's thread, and gives the backends (real_<strategy>.c) the helpers
 * in real_internal.h, so that every backend reports state changes with the
 * same events as the simulation.
 *
 * Time: scene ns = real ns since the start / time_scale. Waits of the
 * workload (dur, in scene ns) last dur x time_scale for real; CPU steps use
 * that much real CPU time of the thread that runs them.
 *
 * ${server}: a scene URL may begin with ${server}, the embedded delay
 * server's address. Printed lines and events keep the URL as the scene
 * wrote it, in simulated and real runs alike, so the two outputs can be
 * compared line by line; only the fetch itself uses the real address
 * (http://127.0.0.1:PORT on an ephemeral port).
 */
#include "exec/real.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "core/stats.h"
#include "core/strategy.h"
#include "core/xalloc.h"
#include "exec/real_internal.h"
#include "core/waitfor.h"
#include "headless/headless.h"
#include "headless/printer.h"
#include "headless/summary.h"

#define SERVER_VAR "${server}"

void real_emit(struct real_run *r, struct event *ev)
{
    evq_push(&r->q, ev);
}

/* The workload's lines name URLs as the scene writes them; a real run
 * prints the address it really fetched, like the real program would. */
static void wl_emit(void *ctx, struct event *ev)
{
    struct real_run *r = ctx;
    if (ev->kind == EV_LOG && ev->text && r->server && strstr(ev->text, SERVER_VAR)) {
        char *line = real_url(r, ev->text);
        while (strstr(line, SERVER_VAR)) {
            char *next = real_url(r, line);
            free(line);
            line = next;
        }
        const char *was = ev->text;
        ev->text = line;
        real_emit(r, ev);
        ev->text = was;
        free(line);
        return;
    }
    real_emit(r, ev);
}

void real_run_on(struct real_run *r, struct real_task *t, int cpu)
{
    struct event ev;
    int last = r->cpu_last[cpu];
    if (last != t->id && last >= 0) {
        ev = event_make(EV_SWITCH, 0, t->id);
        ev.cpu = cpu;
        ev.other = last;
        real_emit(r, &ev);
    }
    r->cpu_last[cpu] = t->id;
    if (t->state != TASK_RUNNING) {
        t->state = TASK_RUNNING;
        ev = event_make(EV_RUN, 0, t->id);
        ev.cpu = cpu;
        real_emit(r, &ev);
    }
}

void real_make_ready(struct real_run *r, struct real_task *t, int why)
{
    if (t->state == TASK_READY) return;
    t->state = TASK_READY;
    struct event ev = event_make(why, 0, t->id);
    real_emit(r, &ev);
}

void real_block(struct real_run *r, struct real_task *t, int reason, int64_t until, int stall)
{
    t->state = TASK_BLOCKED;
    struct event ev = event_make(EV_BLOCK, 0, t->id);
    ev.reason = (int16_t)reason;
    ev.value = until;
    ev.other = stall;
    ev.cpu = stall ? 0 : -1;
    real_emit(r, &ev);
}

void real_task_done(struct real_run *r, struct real_task *t)
{
    t->state = TASK_DONE;
    r->ndone++;
    if (t->has_os) {
        struct event ev = event_make(EV_TASK_STATS, 0, t->id);
        ev.value = t->os.cpu_ns;
        ev.value2 = t->os.vcsw;
        ev.other = (int32_t)t->os.ivcsw;
        real_emit(r, &ev);
    }
    struct event ev = event_make(EV_TASK_DONE, 0, t->id);
    real_emit(r, &ev);
}

void real_fetch(struct real_run *r, struct real_task *t)
{
    struct step_result sr, *last = NULL;
    if (t->has_result) {
        sr.status = t->http.status;
        sr.bytes = t->http.bytes;
        sr.error = t->http.error[0] ? t->http.error : NULL;
        last = &sr;
        t->has_result = 0;
    }
    workload_next(r->wl, t->id, real_now(r), last, &t->cur);
}

static int64_t thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t real_cpu(struct real_run *r, int64_t dur, int64_t deadline)
{
    int64_t want = real_ns(r, dur);
    int64_t wall_end = deadline >= 0 ? r->q.t0 + real_ns(r, deadline) : -1;
    int64_t start = thread_cpu_ns(), used = 0;
    volatile uint64_t counter = 0;
    while (used < want) {
        for (int i = 0; i < 4096; i++)
            counter = counter + 1;
        used = thread_cpu_ns() - start;
        if (real_cancelled(r)) break;
        if (wall_end >= 0 && evq_mono_ns() >= wall_end) break;
    }
    return (int64_t)((double)used / r->scale);
}

int real_sleep_until(struct real_run *r, int64_t until)
{
    int64_t due = r->q.t0 + real_ns(r, until);
    struct timespec ts = {(time_t)(due / 1000000000), (long)(due % 1000000000)};
    int rc = 0;
    pthread_mutex_lock(&r->cancel_mu);
    while (!real_cancelled(r)) {
        if (pthread_cond_timedwait(&r->cancel_cv, &r->cancel_mu, &ts) == ETIMEDOUT) break;
    }
    if (real_cancelled(r)) rc = -1;
    pthread_mutex_unlock(&r->cancel_mu);
    return rc;
}

char *real_url(const struct real_run *r, const char *url)
{
    const char *p = strstr(url, SERVER_VAR);
    if (!p || !r->server) return xstrdup(url);
    return xasprintf("%.*s%s%s", (int)(p - url), url, delay_server_url(r->server),
                     p + strlen(SERVER_VAR));
}

int64_t real_timeout_ms(const struct real_run *r)
{
    int64_t ms = real_ns(r, r->http_timeout) / 1000000;
    return ms < 1 ? 1 : ms;
}

int real_client_get(struct real_run *r, struct http_client *c)
{
    int rc = http_client_init(c);
    if (rc) return rc;
    pthread_mutex_lock(&r->cancel_mu);
    c->next = r->clients;
    r->clients = c;
    pthread_mutex_unlock(&r->cancel_mu);
    return 0;
}

void real_client_put(struct real_run *r, struct http_client *c)
{
    pthread_mutex_lock(&r->cancel_mu);
    for (struct http_client **p = &r->clients; *p; p = &(*p)->next)
        if (*p == c) {
            *p = c->next;
            break;
        }
    pthread_mutex_unlock(&r->cancel_mu);
    http_client_done(c);
}

void real_fetch_blocking(struct real_run *r, struct real_task *t, struct http_client *c)
{
    char *url = real_url(r, t->cur.url);
    http_client_fetch(c, url, real_timeout_ms(r), &r->cancelled, &t->http);
    t->has_result = 1;
    free(url);
}

void real_os_now(struct real_os *o)
{
    struct rusage ru;
    memset(o, 0, sizeof *o);
    if (getrusage(RUSAGE_THREAD, &ru) != 0) return;
    o->cpu_ns = ((int64_t)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000 +
                ((int64_t)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000;
    o->vcsw = ru.ru_nvcsw;
    o->ivcsw = ru.ru_nivcsw;
}

void real_os_add(struct real_task *t, const struct real_os *before, const struct real_os *after)
{
    t->has_os = 1;
    t->os.cpu_ns += after->cpu_ns - before->cpu_ns;
    t->os.vcsw += after->vcsw - before->vcsw;
    t->os.ivcsw += after->ivcsw - before->ivcsw;
}

int real_lock_single(struct real_run *r, struct real_task *t, int res)
{
    struct event ev;
    if (res >= 0 && res < REAL_MAX_LOCKS && r->lock_owner[res] < 0) {
        r->lock_owner[res] = t->id;
        ev = event_make(EV_LOCK_ACQUIRE, 0, t->id);
        ev.other = res;
        real_emit(r, &ev);
        return 1;
    }
    int owner = res >= 0 && res < REAL_MAX_LOCKS ? r->lock_owner[res] : -1;
    ev = event_make(EV_LOCK_WAIT, 0, t->id);
    ev.other = res;
    ev.value = owner;
    real_emit(r, &ev);
    real_block(r, t, BLOCK_LOCK, -1, 0);
    char text[256];
    snprintf(text, sizeof text, "stalled: %s waits for resource %d, held on the same thread",
             r->wl->tasks[t->id].name, res);
    ev = event_make(EV_LOG, 0, -1);
    ev.text = text;
    real_emit(r, &ev);
    r->stuck = 1;
    return 0;
}

void real_unlock_single(struct real_run *r, struct real_task *t, int res)
{
    if (res < 0 || res >= REAL_MAX_LOCKS || r->lock_owner[res] != t->id) return;
    r->lock_owner[res] = -1;
    struct event ev = event_make(EV_LOCK_RELEASE, 0, t->id);
    ev.other = res;
    real_emit(r, &ev);
}

int real_blocking_proceed(struct real_run *r, struct real_task *t, struct http_client *c)
{
    for (;;) {
        if (real_cancelled(r) || r->stuck) return REAL_STOP;
        real_fetch(r, t);
        const struct step *s = &t->cur;
        switch (s->kind) {
        case STEP_CPU:
            if (s->dur > 0) real_cpu(r, s->dur, -1);
            continue;
        case STEP_WAIT: {
            int64_t start = real_now(r);
            int http = s->reason == BLOCK_HTTP && s->url;
            real_block(r, t, s->reason, http ? -1 : start + s->dur, 1);
            if (http)
                real_fetch_blocking(r, t, c);
            else
                real_sleep_until(r, start + s->dur);
            if (real_cancelled(r)) return REAL_STOP;
            real_make_ready(r, t, EV_WAKE);
            real_run_on(r, t, 0);
            continue;
        }
        case STEP_YIELD: return REAL_YIELD;
        case STEP_LOCK:
            if (!real_lock_single(r, t, s->res)) return REAL_STOP;
            continue;
        case STEP_UNLOCK: real_unlock_single(r, t, s->res); continue;
        case STEP_LOAD:
        case STEP_STORE: real_var_step(r, t); continue;
        case STEP_DONE: return REAL_DONE;
        }
    }
}

void real_var_step(struct real_run *r, struct real_task *t)
{
    int v = t->cur.res;
    if (v < 0 || v >= r->wl->nvars) return;
    if (t->cur.kind == STEP_LOAD) {
        t->reg = atomic_load_explicit(&r->vars[v], memory_order_relaxed);
        return;
    }
    int64_t stored = t->reg + t->cur.n;
    int64_t now = atomic_exchange_explicit(&r->vars[v], stored, memory_order_relaxed);
    if (now != t->reg) {
        /* Someone stored since we loaded: their update is overwritten. */
        struct event ev = event_make(EV_RACE, 0, t->id);
        ev.other = v;
        ev.value = now + t->cur.n;
        ev.value2 = stored;
        ev.text = r->wl->var_names[v];
        real_emit(r, &ev);
    }
}

static void watch_emit(void *ctx, struct event *ev)
{
    real_emit(ctx, ev);
}

int real_watch_deadlock(struct real_run *r, struct real_task *t)
{
    if (r->stuck) return 1;
    int wait[REAL_MAX_LOCKS * 4], *waits = wait;
    const char *names_buf[REAL_MAX_LOCKS * 4], **names = names_buf;
    if (r->ntasks > REAL_MAX_LOCKS * 4) {
        waits = xmalloc((size_t)r->ntasks * sizeof *waits);
        names = xmalloc((size_t)r->ntasks * sizeof *names);
    }
    for (int i = 0; i < r->ntasks; i++) {
        waits[i] = r->tasks[i].lock_wait;
        names[i] = r->wl->tasks[i].name;
    }
    struct waitfor g = {r->ntasks, r->wl->nres, waits, r->lock_owner, names, r->wl->res_names};
    int found = waitfor_deadlock(&g, t->id, watch_emit, r);
    if (waits != wait) {
        free(waits);
        free(names);
    }
    if (found) {
        r->stuck = 1;
        atomic_store(&r->cancelled, 1);
        if (r->be->cancel) r->be->cancel(r);
    }
    return found;
}

/* ---- the run ---- */

static const struct real_backend *const backends[STRATEGY_COUNT] = {
    &real_backend_sync,    &real_backend_coop, &real_backend_poll,
    &real_backend_threads, &real_backend_loop,
};

static void *runner_main(void *arg)
{
    struct real_run *r = arg;
    struct event ev = event_make(EV_RUN_START, 0, -1);
    ev.text = r->be->name;
    ev.value = r->ncpu;
    ev.value2 = 1;
    real_emit(r, &ev);
    for (int i = 0; i < r->wl->nres; i++) {
        ev = event_make(EV_RESOURCE_NEW, 0, -1);
        ev.other = i;
        ev.text = r->wl->res_names[i];
        real_emit(r, &ev);
    }
    for (int i = 0; i < r->ntasks; i++) {
        ev = event_make(EV_TASK_NEW, 0, i);
        ev.text = r->wl->tasks[i].name;
        ev.value = r->wl->tasks[i].priority;
        ev.reason = (int16_t)r->wl->tasks[i].role;
        real_emit(r, &ev);
    }
    r->be->run(r);
    for (int i = 0; i < r->wl->nvars; i++)
        r->vars_seen[i] = atomic_load(&r->vars[i]);

    pthread_mutex_lock(&r->wl_mu);
    workload_finish(r->wl, real_now(r));
    int failed = workload_failures(r->wl) > 0 || r->stuck || real_cancelled(r);
    pthread_mutex_unlock(&r->wl_mu);
    ev = event_make(EV_RUN_END, 0, -1);
    ev.value = real_now(r);
    ev.reason = (int16_t)failed;
    real_emit(r, &ev);
    return NULL;
}

static void notify_async(void *ctx)
{
    struct real_run *r = ctx;
    uv_async_send(r->async);
}

static void on_async(uv_async_t *a)
{
    real_run_drain(a->data);
}

static void on_async_closed(uv_handle_t *h)
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

struct real_run *real_run_start(const struct scene *sc, int strategy, const struct real_opts *ro,
                                struct bus *bus, uv_loop_t *loop, struct err *e)
{
    if (strategy < 0 || strategy >= STRATEGY_COUNT) {
        err_set(e, ERR_USAGE, NULL, 0, "unknown strategy %d", strategy);
        return NULL;
    }
    if (sc->work == WORK_HTTP && !sc->server_embedded)
        for (size_t i = 0; i < sc->nurls; i++)
            if (strstr(sc->urls[i], SERVER_VAR)) {
                err_set(e, ERR_INPUT, sc->path, 0,
                        "URL '%s' uses ${server}, but the scene has no 'server = embedded'",
                        sc->urls[i]);
                return NULL;
            }
    struct real_run *r = xcalloc(1, sizeof *r);
    r->sc = sc;
    r->strategy = strategy;
    r->be = backends[strategy];
    r->scale = ro && ro->time_scale > 0 ? ro->time_scale : 1.0;
    r->http_timeout = ro && ro->http_timeout > 0 ? ro->http_timeout : sc->timeout;
    if (r->http_timeout <= 0) r->http_timeout = SCENE_DEFAULT_TIMEOUT;
    r->bus = bus;
    r->em.emit = wl_emit;
    r->em.ctx = r;
    /* The workload names the tasks; it emits nothing until asked for a step. */
    r->wl = workload_new(sc, strategy, &r->em);
    if (r->wl->nres > REAL_MAX_LOCKS) {
        err_set(e, ERR_INPUT, sc->path, 0, "too many resources (%d, at most %d for real runs)",
                r->wl->nres, REAL_MAX_LOCKS);
        workload_free(r->wl);
        free(r);
        return NULL;
    }
    r->ntasks = r->wl->ntasks;
    r->vars = xcalloc((size_t)r->wl->nvars + 1, sizeof *r->vars);
    r->vars_seen = xcalloc((size_t)r->wl->nvars + 1, sizeof *r->vars_seen);
    for (int i = 0; i < r->wl->nvars; i++) {
        atomic_init(&r->vars[i], r->wl->var_init[i]);
        r->vars_seen[i] = r->wl->var_init[i];
    }
    r->wl->live_vars = r->vars_seen;
    r->ncpu = strategies[strategy]->single_thread ? 1 : (sc->cpus > 0 ? sc->cpus : 1);
    r->tasks = xcalloc((size_t)r->ntasks, sizeof *r->tasks);
    for (int i = 0; i < r->ntasks; i++) {
        r->tasks[i].id = i;
        r->tasks[i].state = TASK_READY;
        r->tasks[i].lock_wait = -1;
    }
    r->cpu_last = xmalloc((size_t)r->ncpu * sizeof *r->cpu_last);
    for (int c = 0; c < r->ncpu; c++)
        r->cpu_last[c] = -1;
    for (int i = 0; i < REAL_MAX_LOCKS; i++) {
        r->lock_owner[i] = -1;
        pthread_mutex_init(&r->lock_mu[i], NULL);
    }
    pthread_mutex_init(&r->wl_mu, NULL);
    pthread_mutex_init(&r->cancel_mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&r->cancel_cv, &ca);
    pthread_condattr_destroy(&ca);
    http_global_init();
    raise_fd_limit();

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
    }
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

static void deliver(void *ctx, struct event *ev)
{
    struct real_run *r = ctx;
    bus_emit(r->bus, ev);
    if (ev->kind == EV_RUN_END) {
        r->finished = 1;
        r->failed_seen = ev->reason != 0;
    }
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
    pthread_mutex_lock(&r->cancel_mu);
    atomic_store(&r->cancelled, 1);
    pthread_cond_broadcast(&r->cancel_cv);
    if (r->be->cancel && r->bd) r->be->cancel(r);
    for (struct http_client *c = r->clients; c; c = c->next)
        http_client_abort(c);
    pthread_mutex_unlock(&r->cancel_mu);
}

void real_run_free(struct real_run *r)
{
    if (!r) return;
    if (r->runner_started) {
        real_run_cancel(r);
        pthread_join(r->runner, NULL);
        evq_done(&r->q);
    }
    if (r->async) uv_close((uv_handle_t *)r->async, on_async_closed);
    delay_server_stop(r->server);
    workload_free(r->wl);
    for (int i = 0; i < REAL_MAX_LOCKS; i++)
        pthread_mutex_destroy(&r->lock_mu[i]);
    pthread_mutex_destroy(&r->wl_mu);
    pthread_mutex_destroy(&r->cancel_mu);
    pthread_cond_destroy(&r->cancel_cv);
    free(r->cpu_last);
    free(r->tasks);
    free((void *)r->vars);
    free(r->vars_seen);
    free(r);
}

/* ---- headless ---- */

struct headless_ctx {
    struct real_run *r;
    int cancelled;
};

static void on_signal(uv_signal_t *s, int signum)
{
    (void)signum;
    struct headless_ctx *h = s->data;
    if (!h->cancelled) {
        h->cancelled = 1;
        real_run_cancel(h->r);
    }
}

int real_run_headless(const struct scene *sc, int strategy, const struct real_opts *ro, int format,
                      FILE *out)
{
    struct bus bus;
    struct stats st;
    headless_attach(&bus, &st, format, out);
    signal(SIGPIPE, SIG_IGN);

    uv_loop_t loop;
    uv_loop_init(&loop);
    struct err e;
    struct headless_ctx h = {0};
    h.r = real_run_start(sc, strategy, ro, &bus, &loop, &e);
    if (!h.r) {
        err_print(&e);
        uv_run(&loop, UV_RUN_DEFAULT);
        uv_loop_close(&loop);
        stats_done(&st);
        return 2;
    }
    uv_signal_t sigint, sigterm;
    uv_signal_init(&loop, &sigint);
    uv_signal_init(&loop, &sigterm);
    sigint.data = sigterm.data = &h;
    uv_signal_start(&sigint, on_signal, SIGINT);
    uv_signal_start(&sigterm, on_signal, SIGTERM);
    while (!real_run_finished(h.r))
        uv_run(&loop, UV_RUN_ONCE);
    real_run_free(h.r);
    uv_close((uv_handle_t *)&sigint, NULL);
    uv_close((uv_handle_t *)&sigterm, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    int closed = uv_loop_close(&loop);
    if (closed) fprintf(stderr, "juggle: internal: the event loop did not close cleanly\n");
    fflush(out);
    if (h.cancelled) fprintf(stderr, "juggle: cancelled\n");

    if (format == HEADLESS_SUMMARY) summary_print(out, &st);
    if (format == HEADLESS_JSON) {
        json_t *j = summary_json(&st);
        summary_dump_json(out, j);
        json_decref(j);
    }
    int failed = st.failed || h.cancelled;
    stats_done(&st);
    return failed ? 1 : 0;
}

/* ---- juggle serve ---- */

int serve_main(int port)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* the server's threads inherit it */
    signal(SIGPIPE, SIG_IGN);
    struct delay_server *s;
    int rc = delay_server_start(&s, port, 1.0);
    if (rc) {
        fprintf(stderr, "juggle: serve: cannot listen on 127.0.0.1:%d: %s\n", port, strerror(-rc));
        return 2;
    }
    printf("juggle: serving %s (/delay/MS, /bytes/N, /status/CODE, /reset/N); Ctrl-C stops\n",
           delay_server_url(s));
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    delay_server_stop(s);
    return 0;
}

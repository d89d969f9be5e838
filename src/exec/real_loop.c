/*
 * real_loop: an event loop for real (the article's examples 4 and 6): a
 * libuv loop on the runner thread. Sleeps are uv_timers; HTTP goes through
 * curl's multi socket interface on the same loop (http_uv.c); CPU work runs
 * on the loop thread and blocks it, as it would block asyncio's.
 *
 * The order in which tasks resume is asyncio's, as strat_loop.c models it,
 * built on libuv with a ready queue of our own:
 *   - a finished sleep or fetch (the uv timer or curl completion callback)
 *     only files its task as expired, like a future being completed;
 *   - a turn (a uv_idle callback, which runs once per loop iteration while
 *     work is ready and keeps the loop from blocking in epoll) first moves
 *     the expired tasks to the ready queue as wake-ups, then runs exactly
 *     the callbacks that were ready when it began; a wake-up schedules the
 *     task's next step for the following turn, like call_soon.
 *
 * Cancel (another thread) goes through a uv_async: the loop thread drops
 * every transfer and timer and closes its handles; tasks stop where they
 * are. Every handle is closed before run() returns, which checks that the
 * loop closed cleanly.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "exec/http_uv.h"
#include "exec/real_internal.h"

enum { CB_STEP, CB_WAKE };

struct cb {
    int kind, task;
};

struct loopd {
    struct real_run *r;
    uv_loop_t loop;
    uv_idle_t turn;
    uv_async_t cancel;
    uv_timer_t *timers; /* one per task */
    struct http_uv *http;
    struct cb *ready;
    size_t cap, head, n;
    int *expired;
    size_t nexp, capexp;
    int closing;
};

static void push_ready(struct loopd *d, int kind, int task)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 64;
        struct cb *nr = xmalloc(cap * sizeof *nr);
        for (size_t i = 0; i < d->n; i++)
            nr[i] = d->ready[(d->head + i) % d->cap];
        free(d->ready);
        d->ready = nr;
        d->cap = cap;
        d->head = 0;
    }
    d->ready[(d->head + d->n) % d->cap] = (struct cb){kind, task};
    d->n++;
}

static struct cb pop_ready(struct loopd *d)
{
    struct cb c = d->ready[d->head];
    d->head = (d->head + 1) % d->cap;
    d->n--;
    return c;
}

static void on_turn(uv_idle_t *idle);

static void queue_turn(struct loopd *d)
{
    if (!d->closing) uv_idle_start(&d->turn, on_turn);
}

static void expire(struct loopd *d, int task)
{
    d->expired = xgrow(d->expired, &d->capexp, d->nexp + 1, sizeof *d->expired);
    d->expired[d->nexp++] = task;
    queue_turn(d);
}

static void on_timer(uv_timer_t *tm)
{
    struct loopd *d = tm->loop->data;
    expire(d, (int)(tm - d->timers));
}

static void on_http_done(void *ctx, int tag, const struct http_result *res)
{
    struct loopd *d = ctx;
    struct real_task *t = &d->r->tasks[tag];
    t->http = *res;
    t->has_result = 1;
    expire(d, tag);
}

static void on_closed(uv_handle_t *h)
{
    (void)h; /* every handle lives inside struct loopd, freed after the loop closes */
}

static void shut(struct loopd *d)
{
    if (d->closing) return;
    d->closing = 1;
    struct real_run *r = d->r;
    pthread_mutex_lock(&r->cancel_mu);
    r->bd = NULL; /* real_run_cancel no longer signals us */
    pthread_mutex_unlock(&r->cancel_mu);
    uv_close((uv_handle_t *)&d->turn, on_closed);
    uv_close((uv_handle_t *)&d->cancel, on_closed);
    for (int i = 0; i < r->ntasks; i++)
        uv_close((uv_handle_t *)&d->timers[i], on_closed);
    if (d->http) http_uv_close(d->http, NULL, NULL);
    d->http = NULL;
}

/* Runs t until it awaits, finishes or yields (CPU work runs right here). */
static void step_task(struct loopd *d, struct real_task *t)
{
    struct real_run *r = d->r;
    for (;;) {
        if (real_cancelled(r) || r->stuck) {
            shut(d);
            return;
        }
        real_fetch(r, t);
        const struct step *s = &t->cur;
        switch (s->kind) {
        case STEP_CPU:
            if (s->dur > 0) real_cpu(r, s->dur, -1);
            continue;
        case STEP_WAIT:
            if (s->reason == BLOCK_HTTP && s->url) {
                real_block(r, t, s->reason, -1, 0);
                if (!d->http && http_uv_init(&d->http, &d->loop, on_http_done, d) != 0) {
                    snprintf(t->http.error, sizeof t->http.error, "cannot start the HTTP client");
                    t->has_result = 1;
                    expire(d, t->id);
                    return;
                }
                char *url = real_url(r, s->url);
                int rc = http_uv_start(d->http, t->id, url, real_timeout_ms(r));
                free(url);
                if (rc) {
                    snprintf(t->http.error, sizeof t->http.error, "cannot start the transfer");
                    t->has_result = 1;
                    expire(d, t->id);
                }
            } else {
                int64_t now = real_now(r);
                real_block(r, t, s->reason, now + s->dur, 0);
                /* Timers count from the loop's cached time: refresh it, as
                 * CPU work may have run since the turn began. */
                uv_update_time(&d->loop);
                double ms = ceil((double)real_ns(r, s->dur) / 1e6);
                uv_timer_start(&d->timers[t->id], on_timer, (uint64_t)ms, 0);
            }
            return;
        case STEP_YIELD:
            /* await asyncio.sleep(0): to the back of the ready queue. */
            real_make_ready(r, t, EV_YIELD);
            push_ready(d, CB_STEP, t->id);
            queue_turn(d);
            return;
        case STEP_LOCK:
            if (!real_lock_single(r, t, s->res)) {
                shut(d);
                return;
            }
            continue;
        case STEP_UNLOCK: real_unlock_single(r, t, s->res); continue;
        case STEP_LOAD:
        case STEP_STORE: real_var_step(r, t); continue;
        case STEP_DONE:
            real_task_done(r, t);
            if (r->ndone == r->ntasks) shut(d);
            return;
        }
    }
}

static void on_turn(uv_idle_t *idle)
{
    struct loopd *d = idle->data;
    struct real_run *r = d->r;
    for (size_t i = 0; i < d->nexp; i++)
        push_ready(d, CB_WAKE, d->expired[i]);
    d->nexp = 0;
    size_t batch = d->n;
    while (batch-- > 0 && !d->closing) {
        struct cb c = pop_ready(d);
        struct real_task *t = &r->tasks[c.task];
        if (c.kind == CB_WAKE) {
            real_make_ready(r, t, EV_WAKE);
            push_ready(d, CB_STEP, c.task);
            continue;
        }
        real_run_on(r, t, 0);
        struct real_os before, after;
        real_os_now(&before);
        step_task(d, t);
        real_os_now(&after);
        real_os_add(t, &before, &after);
    }
    if (!d->closing && d->n == 0 && d->nexp == 0) uv_idle_stop(&d->turn);
}

static void on_cancel(uv_async_t *a)
{
    shut(a->data);
}

static void loop_cancel(struct real_run *r)
{
    struct loopd *d = r->bd;
    uv_async_send(&d->cancel);
}

static void loop_run(struct real_run *r)
{
    struct loopd *d = xcalloc(1, sizeof *d);
    d->r = r;
    if (uv_loop_init(&d->loop) != 0) {
        free(d);
        r->stuck = 1;
        return;
    }
    d->loop.data = d;
    d->timers = xcalloc((size_t)r->ntasks, sizeof *d->timers);
    uv_idle_init(&d->loop, &d->turn);
    d->turn.data = d;
    uv_async_init(&d->loop, &d->cancel, on_cancel);
    d->cancel.data = d;
    for (int i = 0; i < r->ntasks; i++)
        uv_timer_init(&d->loop, &d->timers[i]);
    pthread_mutex_lock(&r->cancel_mu);
    r->bd = d;
    int cancelled = real_cancelled(r);
    pthread_mutex_unlock(&r->cancel_mu);

    /* asyncio.create_task schedules each task's first step with call_soon. */
    for (int i = 0; i < r->ntasks; i++)
        push_ready(d, CB_STEP, i);
    if (cancelled || r->ntasks == 0)
        shut(d);
    else
        queue_turn(d);
    uv_run(&d->loop, UV_RUN_DEFAULT);
    int rc = uv_loop_close(&d->loop);
    if (rc != 0) {
        char text[128];
        snprintf(text, sizeof text, "internal: the runner's event loop did not close: %s",
                 uv_strerror(rc));
        struct event ev = event_make(EV_LOG, 0, -1);
        ev.text = text;
        real_emit(r, &ev);
    }
    free(d->timers);
    free(d->ready);
    free(d->expired);
    free(d);
}

const struct real_backend real_backend_loop = {
    .name = "loop",
    .run = loop_run,
    .cancel = loop_cancel,
};

/*
 * real_poll: the polling parent for real. One thread starts non-blocking
 * work (a sleep is a deadline; a fetch is a transfer on a curl multi
 * handle that nobody waits on) and, every poll_interval on a fixed grid,
 * checks each task with work outstanding; a completion is noticed only at
 * the next check. Each check costs check_cost of real CPU time, and checks
 * that find nothing are counted as wasted (POLL events). Between checks
 * the thread does CPU work round-robin, breaking off at each interval; a
 * task found finished is attended to before other CPU work, without
 * interruption until it starts another wait or ends. strat_poll.c is the
 * model; this is the same loop on the real clock.
 *
 * While it has nothing to do the thread waits in curl_multi_poll until the
 * next check, which lets transfers progress (connect, send, receive) but
 * notices nothing: noticing is what checks are for. curl_multi_wakeup
 * interrupts the wait on cancel.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "core/intq.h"
#include "exec/real_internal.h"

struct ptask {
    int has_step;
    int64_t cpu_left;
    int outstanding;  /* a wait was started and not yet noticed */
    int64_t deadline; /* sleep: when it completes; -1 for a fetch */
    CURL *easy;       /* fetch in flight */
    struct http_xfer x;
    int finished; /* the fetch ended (curl said so) */
    CURLcode rc;
};

struct polld {
    struct real_run *r;
    CURLM *multi;
    struct ptask *pt;
    struct intq runq, attend;
    int attending;
    int inflight;
    int64_t next_check;
};

static int64_t grid_after(const struct real_run *r, int64_t t)
{
    int64_t p = r->sc->poll_interval > 0 ? r->sc->poll_interval : SCENE_DEFAULT_POLL_INTERVAL;
    return (t / p + 1) * p;
}

/* Lets curl move every transfer on and records which ended. */
static void progress(struct polld *d)
{
    int running;
    curl_multi_perform(d->multi, &running);
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(d->multi, &left))) {
        if (msg->msg != CURLMSG_DONE) continue;
        struct http_xfer *x = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
        struct ptask *p = x->user;
        p->finished = 1;
        p->rc = msg->data.result;
    }
}

static void start_fetch(struct polld *d, struct real_task *t)
{
    struct real_run *r = d->r;
    struct ptask *p = &d->pt[t->id];
    p->deadline = -1;
    p->finished = 0;
    p->easy = curl_easy_init();
    if (!p->easy) {
        snprintf(t->http.error, sizeof t->http.error, "out of memory");
        p->finished = 1;
        return;
    }
    p->x = (struct http_xfer){.res = &t->http, .cap = HTTP_BODY_CAP, .user = p};
    char *url = real_url(r, t->cur.url);
    http_xfer_setup(p->easy, &p->x, url, real_timeout_ms(r));
    free(url);
    curl_multi_add_handle(d->multi, p->easy);
    progress(d); /* start it: resolve, connect, send what can be sent now */
}

static void end_fetch(struct polld *d, struct real_task *t)
{
    struct ptask *p = &d->pt[t->id];
    if (p->easy) {
        http_xfer_finish(p->easy, &p->x, p->rc);
        curl_multi_remove_handle(d->multi, p->easy);
        curl_easy_cleanup(p->easy);
        p->easy = NULL;
    }
    t->has_result = 1;
}

enum { BUSY_DONE, FREE };

/* Runs t on the CPU until it waits, ends, or (unless attended to) reaches
 * the next check. */
static void advance(struct polld *d, struct real_task *t)
{
    struct real_run *r = d->r;
    struct ptask *p = &d->pt[t->id];
    while (!real_cancelled(r) && !r->stuck) {
        if (!p->has_step) {
            real_fetch(r, t);
            p->has_step = 1;
            p->cpu_left = t->cur.kind == STEP_CPU ? t->cur.dur : 0;
        }
        switch (t->cur.kind) {
        case STEP_CPU: {
            if (p->cpu_left <= 0) {
                p->has_step = 0;
                continue;
            }
            int64_t deadline = -1;
            if (d->attending != t->id) {
                if (real_now(r) >= d->next_check) {
                    real_make_ready(r, t, EV_PREEMPT);
                    intq_push(&d->runq, t->id);
                    return;
                }
                deadline = d->next_check;
            }
            p->cpu_left -= real_cpu(r, p->cpu_left, deadline);
            continue;
        }
        case STEP_WAIT: {
            p->has_step = 0;
            p->outstanding = 1;
            d->inflight++;
            if (t->cur.reason == BLOCK_HTTP && t->cur.url) {
                real_block(r, t, t->cur.reason, -1, 0);
                start_fetch(d, t);
            } else {
                p->deadline = real_now(r) + t->cur.dur;
                real_block(r, t, t->cur.reason, p->deadline, 0);
            }
            if (d->attending == t->id) d->attending = -1;
            return;
        }
        case STEP_YIELD: p->has_step = 0; continue;
        case STEP_LOCK:
            p->has_step = 0;
            if (!real_lock_single(r, t, t->cur.res)) return;
            continue;
        case STEP_UNLOCK:
            p->has_step = 0;
            real_unlock_single(r, t, t->cur.res);
            continue;
        case STEP_DONE:
            if (d->attending == t->id) d->attending = -1;
            real_task_done(r, t);
            return;
        case STEP_LOAD:
        case STEP_STORE:
            p->has_step = 0;
            real_var_step(r, t);
            continue;
        default: p->has_step = 0; continue;
        }
    }
}

/* Checks t's outstanding work: useful if it has completed. */
static void check_one(struct polld *d, struct real_task *t)
{
    struct real_run *r = d->r;
    struct ptask *p = &d->pt[t->id];
    int useful = p->deadline >= 0 ? real_now(r) >= p->deadline : p->finished;
    struct event ev = event_make(EV_POLL, 0, t->id);
    ev.reason = (int16_t)useful;
    ev.value = r->sc->check_cost;
    real_emit(r, &ev);
    if (r->sc->check_cost > 0) real_cpu(r, r->sc->check_cost, -1);
    if (!useful) return;
    p->outstanding = 0;
    d->inflight--;
    if (p->deadline < 0) end_fetch(d, t);
    real_make_ready(r, t, EV_WAKE);
    intq_push(&d->attend, t->id);
}

static void round_of_checks(struct polld *d)
{
    struct real_run *r = d->r;
    int64_t start = real_now(r);
    progress(d);
    for (int i = 0; i < r->ntasks && !real_cancelled(r); i++) {
        struct real_task *t = &r->tasks[i];
        if (t->state == TASK_BLOCKED && d->pt[i].outstanding) check_one(d, t);
    }
    d->next_check = grid_after(r, start);
}

/* Nothing to do until the next check: let transfers progress meanwhile. */
static void idle_until_check(struct polld *d)
{
    struct real_run *r = d->r;
    for (;;) {
        int64_t left = real_ns(r, d->next_check - real_now(r));
        if (left <= 0 || real_cancelled(r)) return;
        int ms = (int)ceil((double)left / 1e6);
        curl_multi_poll(d->multi, NULL, 0, ms, NULL);
        int running;
        curl_multi_perform(d->multi, &running);
    }
}

/* Runs t on the thread, charging the OS's view of that stretch to t. */
static void run_task(struct polld *d, struct real_task *t)
{
    struct real_os before, after;
    real_run_on(d->r, t, 0);
    real_os_now(&before);
    advance(d, t);
    real_os_now(&after);
    real_os_add(t, &before, &after);
}

static void poll_run(struct real_run *r)
{
    struct polld *d = xcalloc(1, sizeof *d);
    d->r = r;
    d->multi = curl_multi_init();
    if (!d->multi) {
        free(d);
        r->stuck = 1;
        return;
    }
    d->pt = xcalloc((size_t)r->ntasks, sizeof *d->pt);
    d->attending = -1;
    d->next_check = grid_after(r, 0);
    pthread_mutex_lock(&r->cancel_mu);
    r->bd = d;
    pthread_mutex_unlock(&r->cancel_mu);
    for (int i = 0; i < r->ntasks; i++)
        intq_push(&d->runq, i);

    while (!real_cancelled(r) && !r->stuck && r->ndone < r->ntasks) {
        if (d->attend.n > 0) {
            struct real_task *t = &r->tasks[intq_pop(&d->attend)];
            d->attending = t->id;
            run_task(d, t);
            continue;
        }
        if (real_now(r) >= d->next_check) {
            if (d->inflight > 0) {
                round_of_checks(d);
                continue;
            }
            d->next_check = grid_after(r, real_now(r));
        }
        if (d->runq.n > 0) {
            run_task(d, &r->tasks[intq_pop(&d->runq)]);
            continue;
        }
        if (d->inflight > 0) {
            idle_until_check(d);
            continue;
        }
        break;
    }

    pthread_mutex_lock(&r->cancel_mu);
    r->bd = NULL;
    pthread_mutex_unlock(&r->cancel_mu);
    for (int i = 0; i < r->ntasks; i++)
        if (d->pt[i].easy) {
            curl_multi_remove_handle(d->multi, d->pt[i].easy);
            curl_easy_cleanup(d->pt[i].easy);
        }
    curl_multi_cleanup(d->multi);
    free(d->pt);
    intq_free(&d->runq);
    intq_free(&d->attend);
    free(d);
}

static void poll_cancel(struct real_run *r)
{
    struct polld *d = r->bd;
    curl_multi_wakeup(d->multi);
}

const struct real_backend real_backend_poll = {
    .name = "poll",
    .run = poll_run,
    .cancel = poll_cancel,
};

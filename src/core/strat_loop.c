/*
 * loop: an asyncio-style event loop on one thread (the article's examples 4
 * and 6). I/O is registered with the loop and resumes its task when done;
 * CPU work runs on the loop thread and blocks it.
 *
 * The model follows asyncio's BaseEventLoop._run_once so that the order of
 * printed lines matches what the real programs print:
 *   - each turn moves every expired timer to the ready queue, then runs
 *     exactly the callbacks that were ready when the turn began;
 *   - a finished sleep does not resume its task directly: the timer's
 *     callback completes a future, and the future schedules the task's
 *     wake-up with call_soon, which runs on the following turn;
 *   - a task whose step runs CPU work keeps the loop busy; timers that
 *     expire meanwhile wait for the next turn.
 * One addition: a task with a higher priority (the kids, in the household)
 * goes ahead of lower ones in the ready queue, and its wake-up is served
 * before the callbacks still queued in the current turn, so it waits for
 * at most the one callback running when it woke. With equal priorities,
 * as in every queue scene, the order is asyncio's.
 */
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"
#include "xalloc.h"

enum { ACT_TIMER = 1, ACT_TURN, ACT_CPU };
enum { CB_STEP, CB_WAKE };

struct cb {
    int kind, task;
};

struct loop_data {
    /* Callbacks for the next turn, by priority then FIFO, and this turn's. */
    struct cb *next, *cur;
    size_t nnext, capnext, ncur, capcur, pos;
    /* Timers that expired since the last turn, in expiry order. */
    int *expired;
    size_t nexp, capexp;
    size_t nurgent; /* of them, timers of high-priority tasks */
    int busy;       /* a task is on the CPU (a CPU step is running) */
    int turn_queued;
};

static void push_ready(struct sim *s, int kind, int task)
{
    struct loop_data *d = s->sd;
    if (d->nnext == d->capnext)
        d->next = xgrow(d->next, &d->capnext, d->nnext + 1, sizeof *d->next);
    size_t at = d->nnext;
    if (s->prioritised) { /* else every priority is 0: FIFO */
        int prio = sim_task(s, task)->priority;
        while (at > 0 && sim_task(s, d->next[at - 1].task)->priority < prio)
            at--;
        memmove(d->next + at + 1, d->next + at, (d->nnext - at) * sizeof *d->next);
    }
    d->next[at] = (struct cb){kind, task};
    d->nnext++;
}

static void queue_turn(struct sim *s)
{
    struct loop_data *d = s->sd;
    if (!d->turn_queued && !s->finished) {
        d->turn_queued = 1;
        sim_at(s, s->now, ACT_TURN, -1, 0);
    }
}

/* Runs t from where it is until it awaits, finishes or starts CPU work.
 * Returns 1 if it is now busy on the CPU. */
static int step_task(struct sim *s, struct sim_task *t)
{
    struct loop_data *d = s->sd;
    while (!s->finished) {
        sim_fetch(s, t);
        switch (t->cur.kind) {
        case STEP_CPU:
            if (t->cur.dur == 0) continue;
            d->busy = 1;
            sim_cpu(s, t, t->cur.dur, ACT_CPU, 0);
            return 1;
        case STEP_WAIT:
            if (t->cur.dur == 0 && t->cur.reason == BLOCK_SLEEP) {
                /* asyncio.sleep(0) is a bare yield, not a timer: the task's
                 * next step is scheduled at once with call_soon. */
                sim_make_ready(s, t, EV_YIELD, -1);
                push_ready(s, CB_STEP, t->id);
                return 0;
            }
            sim_wait(s, t, 0, ACT_TIMER, 0);
            return 0;
        case STEP_YIELD:
            /* await asyncio.sleep(0): the task goes to the back of the queue. */
            sim_make_ready(s, t, EV_YIELD, -1);
            push_ready(s, CB_STEP, t->id);
            return 0;
        case STEP_LOCK:
            if (sim_lock_take(s, t, t->cur.res, 0)) continue;
            return 0;
        case STEP_UNLOCK: {
            /* asyncio.Lock.release completes the first waiter's future,
             * which schedules its wake-up with call_soon. */
            int next = sim_lock_release(s, t, t->cur.res);
            if (next >= 0) {
                sim_make_ready(s, sim_task(s, next), EV_WAKE, t->id);
                push_ready(s, CB_STEP, next);
            }
            continue;
        }
        case STEP_LOAD:
        case STEP_STORE: sim_var_step(s, t); continue;
        case STEP_DONE: sim_task_done(s, t); return 0;
        }
    }
    return 0;
}

/* A timer of a high-priority task (a kid's cry) that expired while the
 * loop was busy, or -1. It is served before the rest of the batch. */
static int take_urgent(struct sim *s)
{
    struct loop_data *d = s->sd;
    if (d->nurgent == 0) return -1; /* every queue scene: nothing to scan */
    for (size_t i = 0; i < d->nexp; i++) {
        int task = d->expired[i];
        if (sim_task(s, task)->priority > 0) {
            memmove(d->expired + i, d->expired + i + 1, (d->nexp - i - 1) * sizeof *d->expired);
            d->nexp--;
            d->nurgent--;
            return task;
        }
    }
    return -1;
}

/* How many callbacks ahead run_batch prefetches: with 100,000 tasks each
 * one's records are cache misses; this many overlap. */
enum { AHEAD = 8 };

/* Runs the rest of the current turn's callbacks. */
static void run_batch(struct sim *s)
{
    struct loop_data *d = s->sd;
    for (size_t i = d->pos; i < d->pos + AHEAD && i < d->ncur; i++)
        sim_prefetch(s, d->cur[i].task, d->cur[i].kind == CB_STEP);
    while (!s->finished) {
        int urgent = take_urgent(s);
        if (urgent >= 0) {
            /* The one addition to asyncio's order: a high-priority task's
             * wake-up goes ahead of the callbacks still queued. */
            struct sim_task *u = sim_task(s, urgent);
            sim_make_ready(s, u, EV_WAKE, -1);
            sim_run_on(s, u, 0);
            if (step_task(s, u)) return;
            continue;
        }
        if (d->pos >= d->ncur) break;
        if (d->pos + AHEAD < d->ncur) {
            const struct cb *ahead = &d->cur[d->pos + AHEAD];
            sim_prefetch(s, ahead->task, ahead->kind == CB_STEP);
        }
        struct cb c = d->cur[d->pos++];
        struct sim_task *t = sim_task(s, c.task);
        if (c.kind == CB_WAKE) {
            /* The sleep's future completes; the task is ready from now. */
            sim_make_ready(s, t, EV_WAKE, -1);
            push_ready(s, CB_STEP, c.task);
            continue;
        }
        sim_run_on(s, t, 0);
        if (step_task(s, t)) return; /* busy: ACT_CPU continues the batch */
    }
    if (!s->finished && (d->nnext > 0 || d->nexp > 0)) queue_turn(s);
}

static void turn(struct sim *s)
{
    struct loop_data *d = s->sd;
    /* Expired timers complete their futures; urgent ones stay for
     * run_batch, which serves them first. */
    size_t keep = 0;
    for (size_t i = 0; i < d->nexp; i++) {
        if (s->prioritised && sim_task(s, d->expired[i])->priority > 0)
            d->expired[keep++] = d->expired[i];
        else
            push_ready(s, CB_WAKE, d->expired[i]);
    }
    d->nexp = keep;
    /* This turn runs exactly what is ready now; what it schedules waits. */
    struct cb *tmp = d->cur;
    size_t tmpcap = d->capcur;
    d->cur = d->next;
    d->capcur = d->capnext;
    d->ncur = d->nnext;
    d->next = tmp;
    d->capnext = tmpcap;
    d->nnext = 0;
    d->pos = 0;
    run_batch(s);
}

static void loop_start(struct sim *s)
{
    s->sd = xcalloc(1, sizeof(struct loop_data));
    /* asyncio.create_task schedules each task's first step with call_soon. */
    for (int i = 0; i < s->ntasks; i++)
        push_ready(s, CB_STEP, i);
    queue_turn(s);
}

static void loop_fire(struct sim *s, const struct pending *p)
{
    struct loop_data *d = s->sd;
    switch (p->what) {
    case ACT_TURN:
        d->turn_queued = 0;
        turn(s);
        break;
    case ACT_TIMER:
        if (d->nexp == d->capexp)
            d->expired = xgrow(d->expired, &d->capexp, d->nexp + 1, sizeof *d->expired);
        d->expired[d->nexp++] = p->task;
        if (s->prioritised && sim_task(s, p->task)->priority > 0) d->nurgent++;
        if (!d->busy && d->pos >= d->ncur) queue_turn(s);
        break;
    case ACT_CPU: {
        d->busy = 0;
        struct sim_task *t = sim_task(s, p->task);
        if (step_task(s, t)) return;
        run_batch(s);
        break;
    }
    }
}

static void loop_cleanup(void *sd)
{
    struct loop_data *d = sd;
    free(d->next);
    free(d->cur);
    free(d->expired);
}

const struct strategy_ops strat_loop = {
    .name = "loop",
    .title = "event loop: I/O resumes its task when done; CPU work blocks the loop",
    .single_thread = 1,
    .event_driven = 1,
    .key = '5',
    .start = loop_start,
    .fire = loop_fire,
    .cleanup = loop_cleanup,
};

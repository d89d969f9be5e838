/*
 * evq: the real runner's event queue. Worker threads record events here;
 * the consumer (the UI's loop, or whoever calls real_run_drain) takes them
 * all at once and hands them to the bus on its own thread.
 *
 * Recording must stay cheap, under 100 ns and with no system call: a push
 * takes an uncontended mutex (a user-space atomic on Linux), reads the
 * clock (the TSC where the kernel trusts it, else the vDSO's monotonic
 * clock; see evq.c), and copies the event and its text into a block of a
 * chunked buffer. The consumer is notified (uv_async_send, a write to an
 * eventfd) only when the queue goes from empty to non-empty, so a burst of
 * events costs one notification, not one per event; a consumer that will
 * look again soon anyway (evq_drain_hold) is not notified at all.
 *
 * Time stamps are monotone in queue order: each is taken under the lock
 * and is never less than the one queued before it, even when several
 * threads record at once.
 *
 * Ownership: the queue copies every event and its text; the event passed
 * to the consumer's function is valid only for that call, like a bus event.
 */
#ifndef JUGGLE_EVQ_H
#define JUGGLE_EVQ_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "core/event.h"

struct evq_block;

struct evq {
    pthread_mutex_t mu;
    struct evq_block *head, *tail; /* queued events, oldest first */
    struct evq_block *pool;        /* emptied blocks kept for reuse */
    int npool;
    int64_t t0;                              /* CLOCK_MONOTONIC ns of scene time 0 */
    double inv_scale;                        /* scene ns per real ns */
    int64_t last;                            /* the last stamp queued */
    struct evq_clock {                       /* the TSC's rate against CLOCK_MONOTONIC */
        int tsc;                             /* the TSC is used at all */
        uint64_t base_tsc, anchor_tsc, mult; /* mult: ns per cycle << 32; 0 unknown */
        int64_t base_ns, anchor_ns;
    } clk;
    int pending;               /* a notification is outstanding */
    void (*notify)(void *ctx); /* called outside the lock; may be NULL */
    void *notify_ctx;
    uint64_t pushed;
};

/* CLOCK_MONOTONIC now, in ns. */
int64_t evq_mono_ns(void);

/* Prepares q: scene time 0 is CLOCK_MONOTONIC t0; one scene unit lasts
 * scale real seconds. notify (may be NULL) is called when events become
 * available after the consumer emptied the queue. Returns 0 or -errno. */
int evq_init(struct evq *q, int64_t t0, double scale, void (*notify)(void *ctx), void *ctx);
/* Frees whatever is still queued. */
void evq_done(struct evq *q);

/* Scene time now, ns. Any thread. */
int64_t evq_now(const struct evq *q);

/* Stamps ev->t with the scene time now and queues a copy of ev and its
 * text. Any thread. */
void evq_push(struct evq *q, struct event *ev);

/* Takes every queued event and calls fn for each, in order, on the
 * caller's thread, without holding the lock. Returns how many. */
size_t evq_drain(struct evq *q, void (*fn)(void *ctx, struct event *ev), void *ctx);
/* The same, but producers do not notify until the next evq_drain: for a
 * consumer that promises to drain again soon (on a timer), so that a busy
 * run costs a wake-up per period rather than one per burst. */
size_t evq_drain_hold(struct evq *q, void (*fn)(void *ctx, struct event *ev), void *ctx);

#endif

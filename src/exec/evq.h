/*
 * evq: the real runner's event queue. Worker threads record events here;
 * the consumer (the UI's loop, or whoever calls real_run_drain) takes them
 * all at once and hands them to the bus on its own thread.
 *
 * Recording must stay cheap, well under a microsecond and with no system
 * call: a push takes an uncontended mutex (a user-space atomic on Linux),
 * reads the vDSO monotonic clock, and copies the event and its text into a
 * block of a chunked buffer. The consumer is notified (uv_async_send, a
 * write to an eventfd) only when the queue goes from empty to non-empty, so
 * a burst of events costs one notification, not one per event.
 *
 * The time stamp is taken under the mutex, so queue order and time order
 * agree even when several threads record at once.
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
    struct evq_block *spare;       /* one emptied block kept for reuse */
    int64_t t0;                    /* CLOCK_MONOTONIC ns of scene time 0 */
    double inv_scale;              /* scene ns per real ns */
    int pending;                   /* a notification is outstanding */
    void (*notify)(void *ctx);     /* called outside the lock; may be NULL */
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

#endif

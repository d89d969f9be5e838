/*
 * evq: a chunked, mutex-protected event buffer. Records are laid out back
 * to back in 64 KiB blocks (an event, then its text with its NUL, padded to
 * 8 bytes); a record larger than a block gets a block of its own. Draining
 * swaps the whole chain out under the lock and walks it outside the lock,
 * so producers never wait for the bus.
 */
#include "exec/evq.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"

#define BLOCK_DATA (64 * 1024)

struct evq_block {
    struct evq_block *next;
    size_t used, cap;
    _Alignas(8) unsigned char data[];
};

struct rec {
    struct event ev;
    uint32_t len;  /* text bytes with the NUL; 0 when text is NULL */
    uint32_t size; /* whole record, padded */
};

int64_t evq_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int evq_init(struct evq *q, int64_t t0, double scale, void (*notify)(void *ctx), void *ctx)
{
    memset(q, 0, sizeof *q);
    int rc = pthread_mutex_init(&q->mu, NULL);
    if (rc) return -rc;
    q->t0 = t0;
    q->inv_scale = scale > 0 ? 1.0 / scale : 1.0;
    q->notify = notify;
    q->notify_ctx = ctx;
    return 0;
}

static void free_chain(struct evq_block *b)
{
    while (b) {
        struct evq_block *next = b->next;
        free(b);
        b = next;
    }
}

void evq_done(struct evq *q)
{
    free_chain(q->head);
    free(q->spare);
    q->head = q->tail = q->spare = NULL;
    pthread_mutex_destroy(&q->mu);
}

int64_t evq_now(const struct evq *q)
{
    return (int64_t)((double)(evq_mono_ns() - q->t0) * q->inv_scale);
}

/* A block with room for size bytes at the tail. Called with the lock held. */
static struct evq_block *room(struct evq *q, size_t size)
{
    struct evq_block *b = q->tail;
    if (b && b->cap - b->used >= size) return b;
    if (size <= BLOCK_DATA && q->spare) {
        b = q->spare;
        q->spare = NULL;
    } else {
        size_t cap = size > BLOCK_DATA ? size : BLOCK_DATA;
        b = xmalloc(sizeof *b + cap);
        b->cap = cap;
    }
    b->next = NULL;
    b->used = 0;
    if (q->tail)
        q->tail->next = b;
    else
        q->head = b;
    q->tail = b;
    return b;
}

void evq_push(struct evq *q, struct event *ev)
{
    size_t len = ev->text ? strlen(ev->text) + 1 : 0;
    size_t size = (sizeof(struct rec) + len + 7) & ~(size_t)7;
    pthread_mutex_lock(&q->mu);
    ev->t = evq_now(q);
    struct evq_block *b = room(q, size);
    struct rec *r = (struct rec *)(b->data + b->used);
    r->ev = *ev;
    r->len = (uint32_t)len;
    r->size = (uint32_t)size;
    if (len) memcpy(r + 1, ev->text, len);
    b->used += size;
    q->pushed++;
    int wake = !q->pending;
    q->pending = 1;
    pthread_mutex_unlock(&q->mu);
    if (wake && q->notify) q->notify(q->notify_ctx);
}

size_t evq_drain(struct evq *q, void (*fn)(void *ctx, struct event *ev), void *ctx)
{
    pthread_mutex_lock(&q->mu);
    struct evq_block *chain = q->head;
    q->head = q->tail = NULL;
    q->pending = 0;
    pthread_mutex_unlock(&q->mu);

    size_t n = 0;
    for (struct evq_block *b = chain; b; b = b->next) {
        for (size_t off = 0; off < b->used;) {
            struct rec *r = (struct rec *)(b->data + off);
            struct event ev = r->ev;
            ev.text = r->len ? (const char *)(r + 1) : NULL;
            fn(ctx, &ev);
            off += r->size;
            n++;
        }
    }
    if (!chain) return 0;
    /* Keep one ordinary block for the producers; free the rest. */
    struct evq_block *keep = NULL;
    if (chain->cap == BLOCK_DATA) {
        keep = chain;
        chain = chain->next;
    }
    free_chain(chain);
    if (keep) {
        pthread_mutex_lock(&q->mu);
        if (!q->spare) {
            q->spare = keep;
            keep = NULL;
        }
        pthread_mutex_unlock(&q->mu);
        free(keep);
    }
    return n;
}

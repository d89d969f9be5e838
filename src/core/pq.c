/*
 * pq: a calendar of whole units and a radix heap on the time, each first-in
 * first-out among equal times. See pq.h.
 */
#include "pq.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "xalloc.h"

static void __attribute__((noinline)) grow(struct pq_fifo *f)
{
    f->v = xgrow(f->v, &f->cap, f->n + 1, sizeof *f->v);
}

static inline void put(struct pq_fifo *f, const struct pending *p)
{
    if (f->n == f->cap) grow(f);
    /* The line a few appends on, to be written: arrays of thousands of
     * timers are not in the cache. */
    __builtin_prefetch((const void *)((uintptr_t)(f->v + f->n) + 8 * sizeof *f->v), 1);
    f->v[f->n++] = *p;
}

void pq_init(struct pq *q)
{
    memset(q, 0, sizeof *q);
}

void pq_free(struct pq *q)
{
    for (int i = 0; i < PQ_BUCKETS; i++)
        free(q->b[i].v);
    for (int i = 0; i < PQ_SLOTS; i++)
        free(q->slot[i].v);
    for (int i = 0; i < q->nspare; i++)
        free(q->spare[i].v);
    memset(q, 0, sizeof *q);
}

/* ---- the radix heap ---- */

static uint64_t key_of(int64_t t)
{
    /* Flip the sign bit so that signed times order as unsigned. */
    return (uint64_t)t ^ UINT64_C(0x8000000000000000);
}

/* The bucket of key k when the last key is last (k > last). */
static int bucket_of(uint64_t k, uint64_t last)
{
    return 64 - __builtin_clzll(k ^ last);
}

static void heap_put(struct pq *q, int b, const struct pending *p)
{
    put(&q->b[b], p);
    if (b) q->nonempty |= UINT64_C(1) << (b - 1);
}

static void heap_push(struct pq *q, const struct pending *p)
{
    uint64_t k = key_of(p->t);
    q->nheap++;
    if (k > q->last) {
        heap_put(q, bucket_of(k, q->last), p);
        return;
    }
    /* Due at the last time: after the others due then. Before it (a real
     * run's completion after a look): bucket 0 must be searched. */
    if (k < q->last) q->mixed = 1;
    heap_put(q, 0, p);
}

/* Makes bucket 0 hold the heap's earliest actions; returns the index
 * there of the earliest. The heap must not be empty. */
static size_t settle(struct pq *q)
{
    struct pq_fifo *b0 = &q->b[0];
    if (b0->head == b0->n) {
        b0->head = b0->n = 0;
        q->mixed = 0;
        assert(q->nonempty);
        int i = __builtin_ctzll(q->nonempty) + 1;
        /* The smallest key of bucket i becomes `last`; every element of the
         * bucket then falls into a lower one, the smallest into bucket 0,
         * each in the order it had. */
        size_t n = q->b[i].n;
        struct pending *v = q->b[i].v;
        uint64_t min = key_of(v[0].t);
        for (size_t j = 1; j < n; j++) {
            uint64_t k = key_of(v[j].t);
            if (k < min) min = k;
        }
        q->last = min;
        q->b[i].n = 0;
        /* A few: they are the next ones out, whichever bucket they fall to. */
        if (q->soon && n <= PQ_SOON)
            for (size_t j = 0; j < n; j++)
                q->soon(q->soon_ctx, &v[j]);
        q->nonempty &= ~(UINT64_C(1) << (i - 1));
        for (size_t j = 0; j < n; j++) {
            uint64_t k = key_of(v[j].t);
            heap_put(q, k == min ? 0 : bucket_of(k, min), &v[j]);
        }
    }
    if (!q->mixed) return b0->head;
    size_t best = b0->head;
    const struct pending *v = b0->v;
    for (size_t j = b0->head + 1; j < b0->n; j++)
        if (v[j].t < v[best].t || (v[j].t == v[best].t && v[j].seq < v[best].seq)) best = j;
    return best;
}

static void heap_remove(struct pq *q, size_t at)
{
    struct pq_fifo *b0 = &q->b[0];
    if (at == b0->head) {
        b0->head++;
    } else { /* searched: keep the rest in order */
        memmove(b0->v + at, b0->v + at + 1, (b0->n - at - 1) * sizeof *b0->v);
        b0->n--;
    }
    q->nheap--;
}

/* ---- the calendar ---- */

/* The calendar's slot for time t, or -1 when t is not a whole unit within
 * PQ_SLOTS units of the last time popped. */
static int slot_of(const struct pq *q, int64_t t)
{
    if (t < 0 || t % UNIT_NS) return -1;
    int64_t u = t / UNIT_NS;
    if (u < q->unit || u >= q->unit + PQ_SLOTS) return -1;
    return (int)(u % PQ_SLOTS);
}

/* The slot holding the calendar's earliest actions (it must hold some). */
static int first_slot(const struct pq *q)
{
    int from = (int)(q->unit % PQ_SLOTS);
    uint64_t rot = from ? (q->used >> from) | (q->used << (PQ_SLOTS - from)) : q->used;
    return (from + __builtin_ctzll(rot)) % PQ_SLOTS;
}

/* ---- both ---- */

void pq_push(struct pq *q, const struct pending *p)
{
    q->top = NULL; /* the arrays may move */
    int s = slot_of(q, p->t);
    if (s < 0) {
        heap_push(q, p);
        return;
    }
    struct pq_fifo *f = &q->slot[s];
    if (!f->v && q->nspare) f[0] = q->spare[--q->nspare];
    put(f, p);
    q->used |= UINT64_C(1) << s;
    q->ncal++;
}

const struct pending *pq_top(struct pq *q)
{
    if (q->top) return q->top;
    const struct pending *h = NULL, *c = NULL;
    if (q->nheap) {
        size_t at = settle(q);
        h = &q->b[0].v[at];
    }
    if (q->ncal) {
        q->top_slot = first_slot(q);
        struct pq_fifo *f = &q->slot[q->top_slot];
        c = &f->v[f->head];
    }
    q->top_cal = c && (!h || c->t < h->t || (c->t == h->t && c->seq < h->seq));
    q->top = q->top_cal ? c : h;
    return q->top;
}

struct pending pq_pop(struct pq *q)
{
    assert(pq_size(q) > 0);
    const struct pending *top = pq_top(q);
    struct pending p = *top;
    if (q->top_cal) {
        int s = q->top_slot;
        struct pq_fifo *f = &q->slot[s];
        if (++f->head == f->n) {
            f->head = f->n = 0;
            q->used &= ~(UINT64_C(1) << s);
            q->spare[q->nspare++] = *f; /* the slot's next unit is far off */
            memset(f, 0, sizeof *f);
        }
        q->ncal--;
    } else {
        heap_remove(q, (size_t)(top - q->b[0].v));
    }
    q->top = NULL;
    /* The calendar moves on to this unit (a real run's early push can be
     * below the last time popped: the calendar never moves back). */
    int64_t u = p.t >= 0 ? p.t / UNIT_NS : 0;
    if (u > q->unit) q->unit = u;
    return p;
}

/*
 * pq: a radix heap on the time, first-in first-out among equal times. See
 * pq.h.
 */
#include "pq.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static uint64_t key_of(int64_t t)
{
    /* Flip the sign bit so that signed times order as unsigned. */
    return (uint64_t)t ^ UINT64_C(0x8000000000000000);
}

/* The bucket of key k when the last key popped is last (k > last). */
static int bucket_of(uint64_t k, uint64_t last)
{
    return 64 - __builtin_clzll(k ^ last);
}

static void put(struct pq *q, int b, const struct pending *p)
{
    if (q->b[b].n == q->b[b].cap)
        q->b[b].v = xgrow(q->b[b].v, &q->b[b].cap, q->b[b].n + 1, sizeof *q->b[b].v);
    q->b[b].v[q->b[b].n++] = *p;
    if (b) q->nonempty |= UINT64_C(1) << (b - 1);
}

void pq_init(struct pq *q)
{
    memset(q, 0, sizeof *q);
}

void pq_free(struct pq *q)
{
    for (int i = 0; i < PQ_BUCKETS; i++)
        free(q->b[i].v);
    memset(q, 0, sizeof *q);
}

void pq_push(struct pq *q, const struct pending *p)
{
    uint64_t k = key_of(p->t);
    q->top = NULL; /* the arrays may move */
    q->size++;
    if (k > q->last) {
        put(q, bucket_of(k, q->last), p);
        return;
    }
    /* Due at the last time popped: after the others due then. Before it
     * (a real run's completion after a look): bucket 0 must be searched. */
    if (k < q->last) q->mixed = 1;
    put(q, 0, p);
}

/* Makes bucket 0 hold the earliest actions; returns the index there of the
 * earliest (bucket 0 must not be empty after). */
static size_t settle(struct pq *q)
{
    if (q->head == q->b[0].n) {
        q->head = q->b[0].n = 0;
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
        q->nonempty &= ~(UINT64_C(1) << (i - 1));
        for (size_t j = 0; j < n; j++) {
            uint64_t k = key_of(v[j].t);
            put(q, k == min ? 0 : bucket_of(k, min), &v[j]);
        }
    }
    if (!q->mixed) return q->head;
    size_t best = q->head;
    const struct pending *v = q->b[0].v;
    for (size_t j = q->head + 1; j < q->b[0].n; j++)
        if (v[j].t < v[best].t || (v[j].t == v[best].t && v[j].seq < v[best].seq)) best = j;
    return best;
}

const struct pending *pq_top(struct pq *q)
{
    if (q->size == 0) return NULL;
    if (!q->top) {
        size_t at = settle(q); /* first: it may move bucket 0 */
        q->top = &q->b[0].v[at];
    }
    return q->top;
}

struct pending pq_pop(struct pq *q)
{
    assert(q->size > 0);
    size_t at = settle(q);
    struct pending *v = q->b[0].v;
    struct pending p = v[at];
    if (at == q->head) {
        q->head++;
    } else { /* searched: keep the rest in order */
        memmove(v + at, v + at + 1, (q->b[0].n - at - 1) * sizeof *v);
        q->b[0].n--;
    }
    q->size--;
    q->top = NULL;
    return p;
}

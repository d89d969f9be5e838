/*
 * pq: a radix heap on 128-bit keys (time, then sequence). See pq.h.
 */
#include "pq.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

typedef unsigned __int128 key_t128;

static key_t128 key_of(const struct pending *p)
{
    /* Flip the sign bit so that signed times order as unsigned. */
    uint64_t t = (uint64_t)p->t ^ UINT64_C(0x8000000000000000);
    return ((key_t128)t << 64) | p->seq;
}

static int bucket_of(key_t128 k, key_t128 last)
{
    key_t128 x = k ^ last;
    uint64_t hi = (uint64_t)(x >> 64), lo = (uint64_t)x;
    if (hi) return 128 - __builtin_clzll(hi);
    if (lo) return 64 - __builtin_clzll(lo);
    return 0;
}

static void put(struct pq *q, int b, const struct pending *p)
{
    if (q->b[b].n == q->b[b].cap)
        q->b[b].v = xgrow(q->b[b].v, &q->b[b].cap, q->b[b].n + 1, sizeof *q->b[b].v);
    q->b[b].v[q->b[b].n++] = *p;
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
    key_t128 k = key_of(p);
    q->top = NULL; /* the arrays may move */
    /* Bucket 0 holds the keys at or below `last`: the earliest of all. A
     * key below `last` comes only after a look (pq_top) that a real run
     * made before a completion arrived; it joins them there. */
    put(q, k <= q->last ? 0 : bucket_of(k, q->last), p);
    q->size++;
}

/* Makes bucket 0 hold the earliest key; returns its index there. */
static size_t settle(struct pq *q)
{
    if (q->b[0].n == 0) {
        int i = 1;
        while (q->b[i].n == 0)
            i++;
        /* The smallest key of bucket i becomes `last`; every element of the
         * bucket then falls into a lower one, the smallest into bucket 0. */
        size_t n = q->b[i].n;
        struct pending *v = q->b[i].v;
        key_t128 min = key_of(&v[0]);
        for (size_t j = 1; j < n; j++) {
            key_t128 k = key_of(&v[j]);
            if (k < min) min = k;
        }
        q->last = min;
        q->b[i].n = 0;
        for (size_t j = 0; j < n; j++)
            put(q, bucket_of(key_of(&v[j]), min), &v[j]);
    }
    size_t best = 0;
    const struct pending *v = q->b[0].v;
    for (size_t j = 1; j < q->b[0].n; j++)
        if (key_of(&v[j]) < key_of(&v[best])) best = j;
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
    v[at] = v[--q->b[0].n];
    q->size--;
    q->top = NULL;
    return p;
}

/*
 * pq: the engine's queue of pending actions, ordered by (time, scheduling
 * order) so that actions due at the same time run first-scheduled-first,
 * like asyncio's timer heap.
 *
 * A radix heap: the engine never schedules into the past, so every key
 * pushed is at least the last key popped, and an element only ever moves
 * to a lower bucket (by the highest bit in which it differs from the last
 * key popped). Pushes append to an array; a pop that finds its bucket
 * empty redistributes the next non-empty bucket. For 100,000 timers in
 * flight this touches memory in order, where a comparison heap jumps
 * through cache lines on every push and pop.
 *
 * The key is 128 bits, time then sequence, so ties are exact. Looking at
 * the earliest action does not commit to it: a real run looks, then waits,
 * and a fetch that completes meanwhile is pushed at a time before it.
 */
#ifndef JUGGLE_PQ_H
#define JUGGLE_PQ_H

#include <stddef.h>
#include <stdint.h>

struct pending {
    int64_t t;
    uint64_t seq;
    int32_t what; /* strategy-defined action */
    int32_t task;
    int64_t arg;
};

#define PQ_BUCKETS 129

struct pq {
    struct {
        struct pending *v;
        size_t n, cap;
    } b[PQ_BUCKETS];
    unsigned __int128 last; /* keys in bucket 0 are at or below it */
    size_t size;
    const struct pending *top; /* the earliest, once found; NULL: not known */
};

void pq_init(struct pq *q);
void pq_free(struct pq *q);
/* Adds p; its (t, seq) must not be below the last one popped (it may be
 * below the one pq_top last showed). */
void pq_push(struct pq *q, const struct pending *p);
/* The earliest pending action, or NULL if none. Valid until the next push
 * or pop. */
const struct pending *pq_top(struct pq *q);
/* Removes and returns the earliest; the queue must not be empty. */
struct pending pq_pop(struct pq *q);

#endif

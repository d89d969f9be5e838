/*
 * pq: the engine's queue of pending actions, ordered by (time, scheduling
 * order) so that actions due at the same time run first-scheduled-first,
 * like asyncio's timer heap.
 *
 * A radix heap on the time alone: the engine never schedules into the
 * past, so every time pushed is at least the last one popped, and an
 * element only ever moves to a lower bucket (by the highest bit in which
 * its time differs from the last time popped). Pushes append to an array;
 * a pop that finds bucket 0 empty redistributes the first non-empty
 * bucket. For 100,000 timers in flight this touches memory in order, where
 * a comparison heap jumps through cache lines on every push and pop.
 *
 * Ties need no comparison: actions due at the same time always sit in the
 * same bucket, in the order they were pushed (appends and redistribution
 * keep it), which is their scheduling order. Bucket 0 holds the actions
 * due at the last time popped and is read first-in first-out, so a scene
 * whose times are whole units (thousands of timers due at each instant)
 * pops each one in constant time: a bucket queue for such clocks, and a
 * radix heap for any other.
 *
 * Looking at the earliest action does not commit to it: a real run looks,
 * then waits, and a fetch that completes meanwhile is pushed at a time
 * before it. Such an action joins bucket 0, which is then searched by
 * (time, sequence) until it empties.
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

#define PQ_BUCKETS 65

struct pq {
    struct {
        struct pending *v;
        size_t n, cap;
    } b[PQ_BUCKETS];
    size_t head;       /* bucket 0 is read from here */
    int mixed;         /* bucket 0 holds times before `last`: search it */
    uint64_t nonempty; /* bit i-1: bucket i (1..64) holds something */
    uint64_t last;     /* the last time popped (or looked at), as a key */
    size_t size;
    const struct pending *top; /* the earliest, once found; NULL: not known */
};

void pq_init(struct pq *q);
void pq_free(struct pq *q);
/* Adds p; its time must not be below the last one popped (it may be
 * below the one pq_top last showed), and its seq must be above every seq
 * pushed before. */
void pq_push(struct pq *q, const struct pending *p);
/* The earliest pending action, or NULL if none. Valid until the next push
 * or pop. */
const struct pending *pq_top(struct pq *q);
/* Removes and returns the earliest; the queue must not be empty. */
struct pending pq_pop(struct pq *q);

#endif

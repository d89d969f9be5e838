/*
 * pq: the engine's queue of pending actions, ordered by (time, scheduling
 * order) so that actions due at the same time run first-scheduled-first,
 * like asyncio's timer heap. Two structures share the work, each fitting
 * one kind of clock:
 *
 * A calendar for whole scene units (every listed sleep, every turn of the
 * loop at such a time): one first-in first-out slot per unit for the next
 * PQ_SLOTS units, so that thousands of timers due at one instant are
 * pushed and popped in constant time each, in their scheduling order.
 *
 * A radix heap on the time for every other time (generated durations, CPU
 * steps, real clocks) and for whole units beyond the calendar: the engine
 * never schedules into the past, so every time pushed is at least the
 * last one popped, and an element only ever moves to a lower bucket (by
 * the highest bit in which its time differs from the last one popped).
 * Pushes append to an array; a pop that finds bucket 0 empty redistributes
 * the first non-empty bucket. Actions due at the same time always share a
 * bucket, in push order (appends and redistribution keep it), so ties need
 * no comparison, and bucket 0 (the actions due at the last time) is read
 * first-in first-out.
 *
 * An instant's actions can sit in both (a whole time first pushed beyond
 * the calendar): the earlier sequence goes first.
 *
 * Looking at the earliest action does not commit to it: a real run looks,
 * then waits, and a fetch that completes meanwhile is pushed at a time
 * before it. In the heap such an action joins bucket 0, which is then
 * searched by (time, sequence) until it empties.
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
#define PQ_SLOTS   64
#define PQ_SOON    64 /* the most actions of one bucket told to `soon` */

/* An array read from head: a first-in first-out list. */
struct pq_fifo {
    struct pending *v;
    size_t head, n, cap;
};

struct pq {
    /* The radix heap: bucket i holds times whose highest bit differing
     * from `last` is bit i - 1; bucket 0, times equal to it. */
    struct pq_fifo b[PQ_BUCKETS];
    int mixed;         /* bucket 0 holds times before `last`: search it */
    uint64_t nonempty; /* bit i-1: bucket i (1..64) holds something */
    uint64_t last;     /* the last time popped or looked at there, as a key */
    size_t nheap;
    /* The calendar: unit u (from `unit` on) in slot u % PQ_SLOTS. */
    struct pq_fifo slot[PQ_SLOTS];
    uint64_t used; /* bit s: slot s holds something */
    /* Arrays of slots that emptied, for the next slots to fill: only the
     * units in flight hold memory, not every slot the most it ever held. */
    struct pq_fifo spare[PQ_SLOTS];
    int nspare;
    int64_t unit; /* the unit of the last time popped */
    size_t ncal;
    const struct pending *top; /* the earliest, once found; NULL: not known */
    int top_cal;               /* ... and it is the calendar's */
    /* Optional: told of actions that are among the next few to be popped
     * (those of a small heap bucket being spread out), so that what they
     * will touch can start loading. */
    void (*soon)(void *ctx, const struct pending *p);
    void *soon_ctx;
    int top_slot; /* ... in this slot */
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
/* Pending actions. */
static inline size_t pq_size(const struct pq *q)
{
    return q->nheap + q->ncal;
}

#endif

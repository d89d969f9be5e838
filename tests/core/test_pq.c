/*
 * The engine's queue of pending actions (src/core/pq.c): pops come out in
 * (time, sequence) order, the order a sorted reference gives, for random
 * mixes of pushes and pops where many actions share a time (whole-unit
 * clocks), where none do, where whole units mix with other times and
 * reach beyond the calendar, across the sign of the time and the full range
 * of a 64-bit time, and after a look (pq_top) that a real run follows
 * with a push before the time it saw.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/pq.h"

/* The reference: an unsorted array searched for the least (t, seq). */
struct ref {
    struct pending v[4096];
    size_t n;
};

static size_t ref_min(const struct ref *r)
{
    size_t best = 0;
    for (size_t i = 1; i < r->n; i++)
        if (r->v[i].t < r->v[best].t || (r->v[i].t == r->v[best].t && r->v[i].seq < r->v[best].seq))
            best = i;
    return best;
}

static uint64_t next_rand(uint64_t *x)
{
    *x = *x * 6364136223846793005u + 1442695040888963407u;
    return *x >> 33;
}

static void check_pop(struct pq *q, struct ref *r)
{
    size_t m = ref_min(r);
    const struct pending *top = pq_top(q);
    assert_non_null(top);
    assert_int_equal(top->seq, r->v[m].seq);
    struct pending p = pq_pop(q);
    assert_int_equal(p.t, r->v[m].t);
    assert_int_equal(p.seq, r->v[m].seq);
    assert_int_equal(p.task, r->v[m].task);
    r->v[m] = r->v[--r->n];
}

/* Pushes at now + a random offset below span (0: always now), pops at
 * random, then drains; `early` pushes, after a look, a time between the
 * last popped and the one seen. */
static void mix(int64_t start, int64_t span, int64_t scale, int early, uint64_t seed)
{
    struct pq q;
    pq_init(&q);
    struct ref *r = calloc(1, sizeof *r);
    uint64_t x = seed, seq = 0;
    int64_t now = start;
    for (int round = 0; round < 20000; round++) {
        if (r->n < 4000 && (r->n == 0 || next_rand(&x) % 3 != 0)) {
            int64_t off = span ? (int64_t)(next_rand(&x) % (uint64_t)span) * scale : 0;
            struct pending p = {now + off, ++seq, 1, (int32_t)round, 0};
            pq_push(&q, &p);
            r->v[r->n++] = p;
            continue;
        }
        if (early && r->n && next_rand(&x) % 4 == 0) {
            const struct pending *top = pq_top(&q);
            if (top->t > now) {
                int64_t t = now + (int64_t)(next_rand(&x) % (uint64_t)(top->t - now));
                struct pending p = {t, ++seq, 2, -round, 0};
                pq_push(&q, &p);
                r->v[r->n++] = p;
            }
        }
        now = r->v[ref_min(r)].t;
        check_pop(&q, r);
    }
    while (r->n)
        check_pop(&q, r);
    assert_null(pq_top(&q));
    pq_free(&q);
    free(r);
}

static void pq__pops_in_time_then_push_order(void **state)
{
    (void)state;
    mix(0, 20, 1000000000, 0, 1); /* whole units: many ties */
    /* Half units over 200 units: whole times in the calendar, beyond it and
     * in between, with ties between the two. */
    mix(0, 400, 500000000, 0, 9);
    mix(0, 0, 1, 0, 2);                                  /* everything at one time */
    mix(0, 1 << 30, 1, 0, 3);                            /* almost no ties */
    mix(-5000, 10000, 1, 0, 4);                          /* across zero */
    mix(INT64_MIN / 2, 1 << 20, INT64_C(1) << 40, 0, 5); /* the whole range */
}

static void pq__takes_a_push_before_the_time_it_showed(void **state)
{
    (void)state;
    mix(0, 20, 1000000000, 1, 6);
    mix(0, 400, 500000000, 1, 10);
    mix(0, 1 << 20, 1, 1, 7);
    mix(0, 3, 1, 1, 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pq__pops_in_time_then_push_order),
        cmocka_unit_test(pq__takes_a_push_before_the_time_it_showed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

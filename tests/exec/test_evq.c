/*
 * Event queue tests: events come out in the order they went in, with
 * their text copied and time stamps that never go backwards, from one
 * thread or several, and agreeing with the clock; the consumer is
 * notified once per batch, not once per event, and not at all while it
 * holds the queue (evq_drain_hold).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exec/evq.h"

struct seen {
    int n;
    int64_t last_t;
    int ordered;
    int per_task[8]; /* last value seen per producer */
    char texts[4][32];
};

static void collect(void *ctx, struct event *ev)
{
    struct seen *s = ctx;
    if (ev->t < s->last_t) s->ordered = 0;
    s->last_t = ev->t;
    if (ev->task >= 0 && ev->task < 8) {
        if (ev->value != s->per_task[ev->task] + 1) s->ordered = 0;
        s->per_task[ev->task] = (int)ev->value;
    }
    if (s->n < 4 && ev->text) snprintf(s->texts[s->n], sizeof s->texts[0], "%s", ev->text);
    s->n++;
}

static void count_notify(void *ctx)
{
    (*(int *)ctx)++;
}

static void evq__keeps_order_and_copies_text(void **state)
{
    (void)state;
    struct evq q;
    int notified = 0;
    assert_int_equal(evq_init(&q, evq_mono_ns(), 0.5, count_notify, &notified), 0);
    char buf[32];
    for (int i = 1; i <= 3; i++) {
        snprintf(buf, sizeof buf, "line %d", i);
        struct event ev = event_make(EV_LOG, 0, 0);
        ev.text = buf;
        ev.value = i;
        evq_push(&q, &ev);
        strcpy(buf, "overwritten");
    }
    assert_int_equal(notified, 1); /* one notification for the batch */
    struct seen s = {.ordered = 1};
    assert_int_equal(evq_drain(&q, collect, &s), 3);
    assert_true(s.ordered);
    assert_string_equal(s.texts[0], "line 1");
    assert_string_equal(s.texts[2], "line 3");
    assert_int_equal(evq_drain(&q, collect, &s), 0);
    struct event ev = event_make(EV_RUN, 0, 0);
    ev.value = 4;
    evq_push(&q, &ev);
    assert_int_equal(notified, 2); /* drained, so the next event notifies again */
    evq_done(&q);
}

static void evq__carries_records_larger_than_a_block(void **state)
{
    (void)state;
    struct evq q;
    evq_init(&q, evq_mono_ns(), 1.0, NULL, NULL);
    size_t n = 200 * 1024;
    char *big = malloc(n + 1);
    memset(big, 'a', n);
    big[n] = '\0';
    struct event ev = event_make(EV_LOG, 0, -1);
    ev.text = big;
    evq_push(&q, &ev);
    ev.text = NULL;
    evq_push(&q, &ev);
    struct seen s = {.ordered = 1};
    assert_int_equal(evq_drain(&q, collect, &s), 2);
    free(big);
    evq_done(&q);
}

struct producer {
    struct evq *q;
    int id, n;
};

static void *produce(void *arg)
{
    struct producer *p = arg;
    for (int i = 1; i <= p->n; i++) {
        struct event ev = event_make(EV_ITEM_START, 0, p->id);
        ev.value = i;
        ev.text = "item";
        evq_push(p->q, &ev);
    }
    return NULL;
}

static void evq__orders_many_producers_by_time(void **state)
{
    (void)state;
    struct evq q;
    evq_init(&q, evq_mono_ns(), 0.01, NULL, NULL);
    pthread_t th[4];
    struct producer p[4];
    for (int i = 0; i < 4; i++) {
        p[i] = (struct producer){&q, i, 20000};
        pthread_create(&th[i], NULL, produce, &p[i]);
    }
    struct seen s = {.ordered = 1};
    for (int done = 0; done < 4; done++) {
        evq_drain(&q, collect, &s); /* drain while they produce */
        pthread_join(th[done], NULL);
    }
    evq_drain(&q, collect, &s);
    assert_int_equal(s.n, 80000);
    assert_true(s.ordered);
    evq_done(&q);
}

static void count(void *ctx, struct event *ev)
{
    struct event *last = ctx;
    *last = *ev;
}

/* A consumer that drains with evq_drain_hold is not notified again until
 * it drains with evq_drain; every field of an event comes back as queued. */
static void evq__a_held_drain_is_not_notified(void **state)
{
    (void)state;
    struct evq q;
    int notified = 0;
    evq_init(&q, evq_mono_ns(), 1.0, count_notify, &notified);
    struct event ev = event_make(EV_BLOCK, 0, 3), got;
    ev.reason = BLOCK_HTTP;
    ev.cpu = 1;
    ev.other = -7;
    ev.value = INT64_C(1) << 40;
    ev.value2 = -5;
    evq_push(&q, &ev);
    assert_int_equal(notified, 1);
    assert_int_equal(evq_drain_hold(&q, count, &got), 1);
    assert_int_equal(got.kind, EV_BLOCK);
    assert_int_equal(got.reason, BLOCK_HTTP);
    assert_int_equal(got.task, 3);
    assert_int_equal(got.cpu, 1);
    assert_int_equal(got.other, -7);
    assert_true(got.value == INT64_C(1) << 40);
    assert_int_equal(got.value2, -5);
    assert_null(got.text);
    assert_true(got.t == ev.t);
    evq_push(&q, &ev);
    evq_push(&q, &ev);
    assert_int_equal(notified, 1); /* held: the consumer looks again anyway */
    assert_int_equal(evq_drain_hold(&q, count, &got), 2);
    assert_int_equal(evq_drain(&q, count, &got), 0);
    evq_push(&q, &ev);
    assert_int_equal(notified, 2); /* released by evq_drain */
    evq_done(&q);
}

/* A stamp is the scene time between the clock readings around the push
 * (within 1 us: the TSC path converts with a measured rate), from the
 * first push on and after the rate is calibrated (10 ms in). */
static void evq__stamps_follow_the_clock(void **state)
{
    (void)state;
    struct evq q;
    int64_t start = evq_mono_ns();
    evq_init(&q, start, 1.0, NULL, NULL);
    struct event got;
    int n = 0;
    while (evq_mono_ns() - start < 40000000) {
        struct event ev = event_make(EV_ITEM_END, 0, 0);
        int64_t before = evq_now(&q);
        evq_push(&q, &ev);
        int64_t after = evq_now(&q);
        if (ev.t < before - 1000 || ev.t > after + 1000)
            fail_msg("push %d stamped %lld, not within [%lld, %lld]", n, (long long)ev.t,
                     (long long)before, (long long)after);
        if (++n % 4096 == 0) evq_drain(&q, count, &got);
    }
    evq_drain(&q, count, &got);
    evq_done(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(evq__keeps_order_and_copies_text),
        cmocka_unit_test(evq__carries_records_larger_than_a_block),
        cmocka_unit_test(evq__orders_many_producers_by_time),
        cmocka_unit_test(evq__a_held_drain_is_not_notified),
        cmocka_unit_test(evq__stamps_follow_the_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

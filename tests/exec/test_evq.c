/*
 * Event queue tests: events come out in the order they went in, with
 * their text copied and time stamps that never go backwards, from one
 * thread or several; the consumer is notified once per batch, not once per
 * event.
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(evq__keeps_order_and_copies_text),
        cmocka_unit_test(evq__carries_records_larger_than_a_block),
        cmocka_unit_test(evq__orders_many_producers_by_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

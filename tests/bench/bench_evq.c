/*
 * Event recording cost in real runs (issue 4): what a worker thread pays
 * to record one event into the real runner's queue (evq_push: time stamp,
 * copy, no system call), alone and with two threads recording at once
 * while a consumer drains. Target: well under 1 us per event.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#include "exec/evq.h"

enum { N = 2000000 };

static atomic_int stop;

static void *producer(void *arg)
{
    struct evq *q = arg;
    for (int i = 0; i < N; i++) {
        struct event ev = event_make(EV_ITEM_END, 0, i & 7);
        ev.value = i;
        evq_push(q, &ev);
    }
    return NULL;
}

static void sink(void *ctx, struct event *ev)
{
    (void)ev;
    ++*(size_t *)ctx;
}

static void *consumer(void *arg)
{
    struct evq *q = arg;
    size_t seen = 0;
    while (!atomic_load(&stop)) {
        evq_drain(q, sink, &seen);
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    evq_drain(q, sink, &seen);
    return NULL;
}

static double run(int producers)
{
    struct evq q;
    evq_init(&q, evq_mono_ns(), 1.0, NULL, NULL);
    atomic_store(&stop, 0);
    pthread_t c, p[2];
    pthread_create(&c, NULL, consumer, &q);
    int64_t t0 = evq_mono_ns();
    for (int i = 0; i < producers; i++)
        pthread_create(&p[i], NULL, producer, &q);
    for (int i = 0; i < producers; i++)
        pthread_join(p[i], NULL);
    int64_t t1 = evq_mono_ns();
    atomic_store(&stop, 1);
    pthread_join(c, NULL);
    evq_done(&q);
    /* Per event as one producer sees it: its wall time over its events. */
    return (double)(t1 - t0) / N;
}

int main(void)
{
    double one = run(1), two = run(2);
    printf("record   real-run event, 1 thread            %6.0f ns/event  (target < 1000)\n", one);
    printf("record   real-run event, 2 threads at once   %6.0f ns/event  (target < 1000)\n", two);
    return 0;
}

/*
 * Cancel latency of real runs (issue 10): one cancel path for a SIGINT, `q`,
 * a deadlock or a fatal error. Each run is cancelled while its tasks are
 * in long sleeps, long fetches (from the embedded server) or, under
 * threads, waiting for a lock; the figure is the time from real_run_cancel
 * to the runner and every task thread joined (real_run_free returned).
 * Target: within 100 ms. Prints the worst of three per strategy and wait.
 */
#include <stdio.h>
#include <string.h>

#include "bench_util.h"
#include "exec/evq.h"
#include "exec/real.h"

static const char *const scenes[] = {
    "[scene]\nkind = queue\n[workers]\nnames = One, Two\n[queue]\nwork = sleep\n"
    "items = 600, 600\n",
    "[scene]\nkind = queue\n[workers]\nnames = One, Two\n[queue]\nwork = http\n"
    "server = embedded\ntimeout = 1000\nurls = ${server}/delay/600000, ${server}/delay/600000\n",
    "[scene]\nkind = deadlock\nstrategy = threads\ncpus = 2\n[workers]\nnames = A, B\n"
    "[deadlock]\nwork = 0.05\nmove = 1\nlock_order = as-needed\n",
};
static const char *const what[] = {"sleeps", "fetches", "deadlock"};

static void nothing(void *ctx, const struct event *ev)
{
    (void)ctx;
    (void)ev;
}

/* Seconds from the cancel (for a deadlock: from the run's end being
 * delivered) to every thread joined; -1 if the run could not start. */
static double once(const struct scene *sc, int strategy, int deadlock)
{
    struct bus bus;
    bus_init(&bus);
    bus_attach(&bus, nothing, NULL);
    struct real_opts ro = {.time_scale = 1};
    struct err e;
    struct real_run *r = real_run_start(sc, strategy, &ro, &bus, NULL, &e);
    if (!r) return -1;
    /* Let every task reach its wait; a deadlock ends the run by itself. */
    double until = now_s() + (deadlock ? 5 : 0.2);
    while (now_s() < until && !real_run_finished(r))
        real_run_drain(r);
    double t0 = now_s();
    if (!deadlock) real_run_cancel(r);
    real_run_free(r);
    return now_s() - t0;
}

int main(void)
{
    for (int k = 0; k < 3; k++) {
        struct err e;
        struct scene *sc = scene_parse("bench.ini", scenes[k], &e);
        if (!sc) {
            fprintf(stderr, "bench_cancel: %s\n", e.msg);
            return 1;
        }
        for (int s = 0; s < STRATEGY_COUNT; s++) {
            if (k == 2 && !strategies[s]->preemptive) continue;
            double worst = 0;
            for (int i = 0; i < 3; i++) {
                double t = once(sc, s, k == 2);
                if (t > worst) worst = t;
            }
            char label[64];
            snprintf(label, sizeof label, "cancel %s, %s", what[k], strategies[s]->name);
            printf("real     %-45s %8.1f ms               (<= 100 ms)\n", label, worst * 1e3);
        }
        scene_free(sc);
    }
    return 0;
}

/*
 * bench_util: what the benchmarks share: a monotonic clock, and the
 * generated million-event trace that the trace and seek benchmarks load.
 */
#ifndef JUGGLE_BENCH_UTIL_H
#define JUGGLE_BENCH_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "core/scene.h"
#include "core/sim.h"
#include "core/strategy.h"
#include "core/trace.h"

static inline double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Records a loop run of 1000 workers and 125,000 sleep items (about
 * 1,000,000 events) to path; *events gets the count. Returns 0 or 1. */
static inline int bench_write_trace(const char *path, uint64_t *events)
{
    const char *text = "[scene]\nseed = 1\n[workers]\ncount = 1000\n[queue]\nwork = sleep\n"
                       "generate = 125000\nmin = 1\nmax = 20\n";
    struct err e;
    struct scene *sc = scene_parse("bench.ini", text, &e);
    if (!sc) return 1;
    struct trace_writer *w =
        trace_writer_open(path, sc->path, sc->text, "loop", "virtual", "bench", &e);
    if (!w) {
        fprintf(stderr, "bench: %s\n", e.msg);
        scene_free(sc);
        return 1;
    }
    struct bus bus;
    bus_init(&bus);
    bus_attach(&bus, trace_writer_sink, w);
    struct sim *s = sim_new(sc, strategy_find("loop"), &bus);
    sim_run(s);
    if (events) *events = sim_events(s);
    sim_free(s);
    int rc = trace_writer_close(w, 1, &e) ? 1 : 0;
    scene_free(sc);
    return rc;
}

#endif

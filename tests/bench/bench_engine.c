/*
 * Engine throughput: a generated queue scene (100,000 workers, 1,000,000
 * sleep items) under `loop`, the engine alone (no sink: issue 13's target,
 * >= 20 million events per second) and with the stats sink attached (issue
 * 2's, >= 5 million on one core), and memory that
 * grows with workers and in-flight events, not with elapsed time, shown by
 * running 1M and 4M items on the same workers: the peak RSS should stay put.
 *
 * Each configuration runs in a child process so that its peak RSS is its
 * own. Prints numbers; never fails on them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/scene.h"
#include "core/sim.h"
#include "core/stats.h"
#include "core/strategy.h"
#include "bench_util.h"

static int one(long workers, long items, const char *strategy, int with_stats)
{
    char text[512];
    snprintf(text, sizeof text,
             "[scene]\nseed = 1\n[workers]\ncount = %ld\n[queue]\nwork = sleep\n"
             "generate = %ld\ndist = uniform\nmin = 1\nmax = 20\n",
             workers, items);
    struct err e;
    struct scene *sc = scene_parse("bench.ini", text, &e);
    if (!sc) {
        fprintf(stderr, "bench: %s\n", e.msg);
        return 1;
    }
    struct bus bus;
    struct stats st;
    bus_init(&bus);
    stats_init(&st);
    if (with_stats) stats_attach(&bus, &st);
    double t0 = now_s();
    struct sim *s = sim_new(sc, strategy_find(strategy), &bus);
    sim_run(s);
    double dt = now_s() - t0;
    uint64_t events = sim_events(s);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("engine   %-8s %7ld workers %8ld items %-6s %7.2f M events/s  (target >= %d)  %6.2f s  "
           "peak RSS %6.1f MB  scene time %.0f\n",
           strategy, workers, items, with_stats ? "+stats" : "alone", (double)events / dt / 1e6,
           with_stats ? 5 : 20, dt, (double)ru.ru_maxrss / 1024.0, units_of_ns(sim_now(s)));
    sim_free(s);
    stats_done(&st);
    scene_free(sc);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5) return one(atol(argv[1]), atol(argv[2]), argv[3], atoi(argv[4]));
    const char *configs[][4] = {
        {"100000", "1000000", "loop", "0"}, {"100000", "1000000", "loop", "1"},
        {"100000", "4000000", "loop", "1"}, {"1000", "1000000", "threads", "1"},
        {"1000", "1000000", "coop", "1"},
    };
    for (size_t i = 0; i < sizeof configs / sizeof *configs; i++) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            execl("/proc/self/exe", argv[0], configs[i][0], configs[i][1], configs[i][2],
                  configs[i][3], (char *)NULL);
            _exit(127);
        }
        int status;
        waitpid(pid, &status, 0);
    }
    return 0;
}

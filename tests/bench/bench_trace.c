/*
 * Trace load and seek (issue 5): a generated trace of about 1,000,000
 * events is written once, then loaded in a fresh child process (so the
 * peak RSS is the loader's) and the time to seek to its middle measured:
 * seeking rebuilds the totals from the start, as replay does.
 * Targets: load <= 1 s and <= 300 MB; seek to the middle <= 50 ms.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/scene.h"
#include "core/sim.h"
#include "core/stats.h"
#include "core/strategy.h"
#include "core/trace.h"
#include "bench_util.h"

static int write_trace(const char *path)
{
    uint64_t n = 0;
    double t0 = now_s();
    if (bench_write_trace(path, &n)) return 1;
    double dt = now_s() - t0;
    printf("trace    record %llu events   %.2f s   %.2f us/event (JSON lines)\n",
           (unsigned long long)n, dt, dt * 1e6 / (double)n);
    return 0;
}

static int load(const char *path)
{
    struct err e;
    double t0 = now_s();
    struct trace *t = trace_load(path, &e);
    double dt = now_s() - t0;
    if (!t) {
        fprintf(stderr, "bench: %s\n", e.msg);
        return 1;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("trace    load %zu events   %.3f s (target <= 1 s)   peak RSS %.1f MB (target <= 300)\n",
           t->n, dt, (double)ru.ru_maxrss / 1024.0);
    /* Seek to the middle: rebuild the totals from the first event. */
    double best = 1e9;
    for (int rep = 0; rep < 5; rep++) {
        struct bus bus;
        struct stats st;
        bus_init(&bus);
        stats_init(&st);
        bus_attach(&bus, stats_sink, &st);
        t0 = now_s();
        trace_replay(t, 0, t->n / 2, &bus);
        double d = now_s() - t0;
        if (d < best) best = d;
        stats_done(&st);
    }
    printf("trace    seek to the middle (%zu events)   %.1f ms (target <= 50)\n", t->n / 2,
           best * 1e3);
    trace_free(t);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3) return load(argv[2]);
    char path[] = "/tmp/juggle-bench-trace-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return 1;
    close(fd);
    int rc = write_trace(path);
    if (rc == 0) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            execl("/proc/self/exe", argv[0], "load", path, (char *)NULL);
            _exit(127);
        }
        int status;
        waitpid(pid, &status, 0);
    }
    unlink(path);
    return rc;
}

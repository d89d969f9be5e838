/*
 * stats: a sink that turns the event stream into totals: per task, time
 * running, ready (waiting for a CPU) and blocked (by reason), items done,
 * the longest single wait for a CPU; per run, context switches, checks
 * (useful and wasted), CPU utilisation, the elapsed time and how it ended.
 *
 * States do not overlap, like Go's execution trace: at any instant a task
 * is in exactly one of new, ready, running, blocked or done, so a task's
 * running + ready + blocked equals the time from its creation to its end.
 *
 * Because it sees only events, it gives the same totals for a simulated
 * run, a real run and a replay.
 */
#ifndef JUGGLE_STATS_H
#define JUGGLE_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

struct stats_task {
    /* Hot: what a task's events touch, in the first 128 bytes (two cache
     * lines: the table is aligned to them), so that a run with 100,000
     * tasks misses the cache at most twice per burst of a task's events,
     * and the engine can prefetch them (stats_prefetch). The first line
     * holds all that a wake-up touches. */
    int16_t state;      /* enum task_state */
    int16_t reason;     /* enum block_reason while blocked */
    int16_t acc_reason; /* the reason `acc` holds blocked time for */
    int16_t stall;      /* while blocked: it holds its thread (blocking call) */
    int16_t role;       /* enum task_role */
    int16_t has_os;     /* what the OS saw (os_*, cold): real runs only */
    int priority;
    int64_t since;
    int64_t until; /* while blocked: expected wake time, or -1 */
    int64_t ready, blocked;
    /* Blocked time for acc_reason not yet in blocked_by (a task mostly
     * blocks for one reason: its waits then stay in the hot lines). */
    int64_t acc;
    int64_t worst_ready; /* longest single wait for a CPU */
    /* Second line. */
    int64_t running;
    /* Response: from the end of a wait (its known wake time) until the task
     * runs again: how long a finished machine or a calling kid waited. */
    int64_t resp_until;   /* pending wait end, or -1 */
    int64_t item_arrival; /* request being served: its arrival, or -1 */
    int64_t resp_max, resp_sum;
    uint64_t items;
    uint64_t switches_in; /* times a CPU switched to it */
    uint64_t resp_n;
    /* Cold. By reason: complete once the run has ended; while it runs, see
     * stats_blocked_by. */
    int64_t blocked_by[BLOCK__COUNT];
    uint64_t failed_items;
    int64_t end; /* when it finished, or -1 */
    char *name;
    int64_t os_cpu_ns;
    int64_t os_vcsw, os_ivcsw;
    /* Calls for attention (ITEM_CALL items): each from when it was made
     * until the parent started on it. */
    int64_t call_max, call_sum;
    uint64_t call_n;
};

struct stats {
    char strategy[16];
    int ncpu;
    int real;
    /* A real run on one thread: what the OS saw of that thread, whoever's
     * work it did (a TASK_STATS event for task -1). */
    int has_thread_os;
    int64_t thread_cpu_ns, thread_vcsw, thread_ivcsw;
    struct stats_task *tasks; /* aligned to 64 bytes, in tasks_mem */
    size_t ntasks, cap;
    void *tasks_mem; /* what was allocated (NULL: tasks itself) */
    uint64_t switches;
    uint64_t polls_useful, polls_wasted;
    int64_t poll_cost; /* CPU spent checking */
    int64_t now;       /* time of the last event */
    int64_t total;     /* elapsed time of the run, once ended */
    int ended, failed;
    char *deadlock; /* description of the cycle, or NULL */
    struct stats_cycle {
        int task, holds, waits; /* resource ids, -1 for none */
    } * cycle;
    size_t ncycle;
    char **resources; /* names by id */
    size_t nresources;
    uint64_t races; /* lost updates */
    struct stats_result {
        char *name;
        int64_t expected, actual;
    } * results;
    size_t nresults;
    /* Requests (server scenes): arrival, start and end of each. */
    struct stats_request {
        int64_t arrival, start, end;
    } * requests;
    size_t nrequests, caprequests;
    uint64_t events;
    uint64_t http_done, http_errors;
};

void stats_init(struct stats *st);
/* Frees everything st holds and zeroes it. */
void stats_done(struct stats *st);
/* Makes dst an independent deep copy of src (dst's old contents are not
 * freed); capacities shrink to the counts. Returns the bytes allocated. */
size_t stats_copy(struct stats *dst, const struct stats *src);
/* The sink: attach with bus_attach(bus, stats_sink, &st), or with
 * stats_attach. */
void stats_sink(void *ctx, const struct event *ev);
/* Attaches st to bus as a sink that ignores LOG events, with its prefetch:
 * the faster way for a run with many tasks. */
void stats_attach(struct bus *bus, struct stats *st);
/* The sink's prefetch (sink_prefetch_fn): starts loading task's record
 * (its first line only when not deep: a wake-up). */
void stats_prefetch(void *ctx, int task, int deep);

/* Busy CPU time over available CPU time, 0..1 (up to `now` if not ended). */
double stats_cpu_busy(const struct stats *st);
/* The longest single wait for a CPU over all tasks. */
int64_t stats_worst_wait(const struct stats *st);
/* Sum of running time over tasks, plus time spent checking. */
int64_t stats_busy(const struct stats *st);
/* Response-time totals over the tasks with role (enum task_role):
 * max, mean (0 if none) and sum. */
/* A task's response figures: its calls' waits when it made calls, else
 * its waits' ends until it ran. */
void stats_task_response(const struct stats_task *t, int64_t *max, int64_t *sum, uint64_t *n);
void stats_role_response(const struct stats *st, int role, int64_t *max, double *mean,
                         int64_t *sum);

struct stats_latency {
    uint64_t served, arrived;
    int64_t p50, p95, p99, max;
    double throughput; /* requests served per scene unit */
    int64_t queue_max; /* most requests waiting to be started at once */
};
/* Latency percentiles (nearest rank) and queue length of served requests. */
void stats_latency(const struct stats *st, struct stats_latency *out);

/* A resource's name, or "?". */
const char *stats_resource(const struct stats *st, int id);

/* 1 if a task blocked since `since` in a timed wait (sleep, I/O, HTTP,
 * external) that was due at `until` is, at t, past it: from `until` it
 * only waits for the CPU (the loop was blocked, the thread busy), and
 * counts as ready. A poll-wait, a lock or a queue is not a timed wait. */
int stats_due_wait(int state, int reason, int64_t since, int64_t until, int64_t t);

/* The time task tk has been blocked for reason (enum block_reason), in
 * the spans that have ended. */
int64_t stats_blocked_by(const struct stats_task *tk, int reason);

/* A task's total in state (running/ready/blocked) including the open span
 * up to time t, for live views. */
int64_t stats_task_time(const struct stats_task *tk, int state, int64_t t);

#endif

/*
 * model: the run model, a sink that turns the event stream into what the
 * panels draw: per-task spans of state (running, ready, blocked by reason,
 * done), per-CPU spans of which task ran, marks (checks, races, context
 * switches), each task's items, the log with time stamps, and the totals
 * (an embedded stats sink, so the numbers on screen are the numbers of
 * `--json`). Panels draw only from here; they never see the engine, the
 * real runner or a trace, so every source looks the same.
 *
 * Memory stays bounded on long runs: when a task or CPU holds more than
 * MODEL_MAX_SPANS spans, its older half is coalesced pairwise (the longer
 * state of each pair wins), marks and the log keep their newest entries.
 *
 * Seeking backwards is done by the owner: model_reset (or model_copy of a
 * checkpoint the owner kept), then feed the events again from there.
 */
#ifndef JUGGLE_MODEL_H
#define JUGGLE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "core/stats.h"

#define MODEL_MAX_SPANS 16384
#define MODEL_MAX_MARKS 16384
#define MODEL_MAX_LOG   5000
#define MODEL_MAX_RACES 8
#define MODEL_MAX_VARS  256

/* Warning thresholds, in ns of scene time (see model_task_warnings). */
#define MODEL_WARN_COOP_HOLD  (1 * UNIT_NS)  /* coop: held the thread without yielding */
#define MODEL_WARN_LOOP_BLOCK (UNIT_NS / 10) /* loop: blocked the loop (asyncio's 100 ms) */
#define MODEL_WARN_LOCK_WAIT  (1 * UNIT_NS)  /* waited for a lock */
#define MODEL_WARN_POLL_MIN   4              /* checks before "most wasted" can apply */

struct model_span {
    int64_t t0, t1; /* t1 = -1 while open */
    int16_t state;  /* enum task_state; for CPU spans: the task id */
    int16_t reason; /* enum block_reason while blocked; CPU spans: MODEL_CPU_* */
};

/* A CPU span's reason: its task runs, holds it blocked in a call, or the
 * polling loop spends it checking on that task (a check costs CPU). */
enum { MODEL_CPU_RUN = 0, MODEL_CPU_HELD = 1, MODEL_CPU_CHECK = 2 };

enum model_mark_kind { MARK_CHECK_WASTED, MARK_CHECK_USEFUL, MARK_RACE, MARK_SWITCH };

struct model_mark {
    int64_t t;
    int kind;
};

struct model_item {
    char *label;
    int64_t t0, t1; /* t1 = -1 while in progress */
    int failed;
};

struct model_task {
    char *name;
    int state, reason, stall;
    int cpu; /* while running */
    int64_t since, until;
    struct model_span *spans;
    size_t nspans, capspans;
    struct model_mark *marks;
    size_t nmarks, capmarks;
    struct model_item *items;
    size_t nitems, capitems;
    /* Holding the thread: running, or blocked in a call that stalls it. */
    int64_t hold_since; /* -1 when not holding */
    int64_t hold_max;
    /* Lock waits. */
    int lock_res, lock_holder; /* while waiting; -1 otherwise */
    int64_t lock_since, lock_max;
    char *lock_max_res;
    uint64_t checks_useful, checks_wasted;
    uint64_t yields, preempts;
    char *url; /* last HTTP request */
    /* When its lane begins: its creation, or for a task created waiting for
     * work (a request's coroutine before its request arrives), the end of
     * that first wait; unborn while it lasts. */
    int64_t born;
    int unborn;
    /* Its last wake: when, and the task that caused it (or -1). */
    int64_t woken_at;
    int woken_by;
};

struct model_cpu {
    int task;                 /* running now, or -1 */
    struct model_span *spans; /* state = task id */
    size_t nspans, capspans;
    struct model_mark *marks; /* context switches */
    size_t nmarks, capmarks;
    int64_t check_at; /* when the latest poll check on it began */
};

struct model_log {
    int64_t t;
    int task;
    char *text;
};

struct model {
    struct stats st; /* totals, fed the same events */
    char strategy[16];
    int real;
    int started, ended, failed;
    int64_t now;   /* time of the last event */
    int64_t total; /* once ended */
    uint64_t events;
    struct model_task *tasks;
    size_t ntasks, captasks;
    struct model_cpu *cpus;
    int ncpu;
    struct model_log *log; /* a ring of MODEL_MAX_LOG */
    size_t nlog, logstart;
    uint64_t log_dropped;
    int races;
    /* The lost updates (first MODEL_MAX_RACES): when, who, what a serial
     * update would have stored and what was stored. */
    struct model_race {
        int64_t t;
        int task;
        int64_t serial, stored;
    } races_at[MODEL_MAX_RACES];
    /* Reads and writes of the shared variables (the checkbook's balance),
     * the first MODEL_MAX_VARS of them: when, who, read or write, what. */
    int nvars;
    struct model_var {
        int64_t t;
        int task, write;
        int64_t value;
    } vars_at[MODEL_MAX_VARS];
};

void model_init(struct model *m);
void model_done(struct model *m);
/* Forgets everything (model_done + model_init). */
void model_reset(struct model *m);
/*
 * Makes dst a deep copy of src (dst's old contents are not freed: pass an
 * empty or freed model). The copy is independent: feeding either leaves
 * the other alone, and each is freed with model_done. Returns the bytes
 * the copy holds (for the owner's memory budget).
 */
size_t model_copy(struct model *dst, const struct model *src);
/* The sink: bus_attach(bus, model_sink, m). */
void model_sink(void *ctx, const struct event *ev);

/* The i-th log line, oldest first, 0 <= i < m->nlog. */
const struct model_log *model_log_at(const struct model *m, size_t i);

/*
 * What a task did in [t0, t1) up to `now`: the state and reason that
 * covered most of the interval; but if the task ran at all, the state is
 * running and the return value says how much: 1 for at least three
 * quarters of the cell, 2 for less (a brief or instantaneous run). Returns
 * 0 if the task did not exist then (or the interval is after now), 1 for
 * any other state. An instant run between two waits for work (a worker
 * woken for a request another took) is not a run.
 */
int model_task_cell(const struct model_task *tk, int64_t t0, int64_t t1, int64_t now, int *state,
                    int *reason);
/* 1 while the task still waits for its first work (see born). */
int model_task_unborn(const struct model_task *tk);
/* The mark of the highest kind in [t0, t1) (races win over checks), or -1. */
int model_task_mark(const struct model_task *tk, int64_t t0, int64_t t1);
/* The task that held the CPU most in [t0, t1), -1 idle, -2 not started;
 * *held: how (MODEL_CPU_RUN, _HELD blocked in a call, _CHECK the polling
 * loop checking on it: the last of a round of checks back to back). */
int model_cpu_cell(const struct model_cpu *c, int64_t t0, int64_t t1, int64_t now, int *switched,
                   int *held);

/*
 * Warnings for a task at time now, like tokio-console's lints, written as
 * short sentences into out[i] (each of size len). Returns how many (at
 * most max).
 */
int model_task_warnings(const struct model *m, size_t task, int64_t now, char (*out)[160], int max);
/* The task blocked in a call that keeps the one thread (so task, ready,
 * cannot run), or -1. */
int model_task_staller(const struct model *m, size_t task);
/* One line saying why the task is not running right now. */
void model_task_why(const struct model *m, size_t task, int64_t now, char *buf, size_t n);
/* Time the task spent in a state (enum task_state), and blocked by reason
 * when state is TASK_BLOCKED and reason >= 0, up to now. */
int64_t model_task_time(const struct model_task *tk, int state, int reason, int64_t now);

#endif

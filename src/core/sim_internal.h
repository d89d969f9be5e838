/*
 * sim_internal: the task machine, as strategies and backends see it.
 * sim.c, the strat_*.c files and the real runner's backend (src/exec)
 * include this: a backend that runs tasks on threads of its own drives
 * them with the same helpers, so every rule is written once.
 *
 * A strategy decides which task runs where and when; the engine gives it a
 * clock, a pending-action heap, tasks with their current step, CPUs, locks
 * and helpers that change a task's state and emit the matching events, so
 * every strategy reports state changes the same way.
 */
#ifndef JUGGLE_SIM_INTERNAL_H
#define JUGGLE_SIM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "pq.h"
#include "scene.h"
#include "intq.h"
#include "sim.h"
#include "strategy.h"
#include "workload.h"

/*
 * A task as the engine keeps it, aligned to a cache line: the first 64
 * bytes are what a step touches (a sleep: fetch, block, wake, run). With
 * 100,000 tasks each task is a cache miss, so a step should cost one line,
 * not two.
 */
struct sim_task {
    _Alignas(64) struct step cur; /* the step it is on */
    int state;                    /* enum task_state */
    int id;
    uint32_t gen;       /* bumped to make pending actions for it stale */
    int16_t cpu;        /* CPU it runs on, or -1 (a scene has at most 1024) */
    uint8_t has_step;   /* cur is fetched and not finished */
    uint8_t has_result; /* result holds the last wait's outcome */
    int64_t wait_done;  /* when the current wait completes (INT64_MAX: not known yet) */
    /* Second line and on. */
    int64_t cpu_left; /* ns of CPU still needed by cur (STEP_CPU only) */
    int64_t used;     /* ns of CPU the last sim_cpu chunk used */
    int64_t wake_arg; /* the action sim_complete fires, and its arg */
    int wake_what;
    int priority;
    int lock_wait; /* resource it waits for, or -1 */
    int link;      /* next task in a strategy's queue, or -1 */
    int64_t reg;   /* the value it loaded from a shared variable */
    /* Its last wait's outcome is in sim->results (real runs only): the
     * record stays two lines. */
};

struct sim_lock {
    int owner;    /* task or -1 */
    int *waiters; /* FIFO of task ids */
    size_t nwait, capwait;
};

struct sim {
    const struct scene *sc;
    const struct strategy_ops *ops;
    int strategy;
    struct bus *bus;
    struct workload *wl;
    struct emitter em;
    const struct sim_backend *be; /* NULL: virtual time */
    int outstanding;              /* waits the backend will complete */

    int64_t now;
    uint64_t pseq;
    struct pq pq; /* pending actions */

    struct sim_task *tasks;
    struct step_result *results; /* per task, with a backend only */
    int ntasks, ndone;
    int prioritised; /* some task has a priority other than 0 */

    int ncpu;
    int *cpu_task; /* running task per CPU, -1 idle */
    int *cpu_last; /* last task that ran per CPU, -1 none */

    struct sim_lock *locks;
    int nlocks;
    int64_t *vars; /* shared variables */
    int nvars;

    int finished, failed;
    int stop_every; /* calls to go before asking whether to stop (sim.c) */
    void *sd;       /* strategy data, freed by sim_free */
};

/* Schedules action `what` for task at time t (>= now). */
void sim_at(struct sim *s, int64_t t, int what, int task, int64_t arg);
/* Emits ev at the current time. */
void sim_emit(struct sim *s, struct event *ev);

/* t uses the CPU for chunk ns (its step is STEP_CPU); action what (for t,
 * with arg) fires when the chunk is over, with t->used set to the ns used.
 * Real backends do the work right here, on the engine's thread. */
void sim_cpu(struct sim *s, struct sim_task *t, int64_t chunk, int what, int64_t arg);
/* The thread is busy for dur ns on no task's behalf (a poll check);
 * action what fires when that is over. */
void sim_busy(struct sim *s, int64_t dur, int what, int task, int64_t arg);
/* t starts the wait of its STEP_WAIT step: it blocks (stall: it keeps its
 * thread, a blocking call), and action what (for t, with arg) fires when
 * the wait is over; t->wait_done says when, once known. */
void sim_wait(struct sim *s, struct sim_task *t, int stall, int what, int64_t arg);

/* Asks the workload for t's next step into t->cur (and cpu_left). */
void sim_fetch(struct sim *s, struct sim_task *t);
/* Puts t on cpu: SWITCH (if another task ran there last) and RUN. */
void sim_run_on(struct sim *s, struct sim_task *t, int cpu);
/* Takes t off its CPU and marks it ready; why is EV_YIELD, EV_PREEMPT,
 * EV_WAKE (with cause task in `cause`), or -1 for no event. */
void sim_make_ready(struct sim *s, struct sim_task *t, int why, int cause);
/* Marks t blocked for reason until `until` (-1 unknown). stall = 1 when t
 * keeps its thread (a blocking call in sync/coop), so it stays on its CPU. */
void sim_block(struct sim *s, struct sim_task *t, int reason, int64_t until, int stall);
/* Marks t done and frees its CPU. Ends the run when it is the last. */
void sim_task_done(struct sim *s, struct sim_task *t);
/* Ends the run: the workload's closing lines, then RUN_END. */
void sim_end(struct sim *s, int failed);

/*
 * Locks. sim_lock_take returns 1 if t now holds res; otherwise t is queued
 * as a waiter, marked blocked (LOCK_WAIT, BLOCK) and 0 is returned; if that
 * wait closes a cycle the deadlock is reported and the run ended. stall = 1
 * when the wait is a blocking call that keeps t's thread (one thread, no
 * event loop: sync, coop, poll), as sim_block's.
 * sim_lock_release returns the task that now holds res (it got
 * LOCK_ACQUIRE; the caller makes it ready), or -1.
 */
int sim_lock_take(struct sim *s, struct sim_task *t, int res, int stall);
int sim_lock_release(struct sim *s, struct sim_task *t, int res);

/* Carries out a STEP_LOAD or STEP_STORE (instantaneous). A store that
 * overwrites a value other than the one t loaded loses someone's update:
 * it emits RACE. */
void sim_var_step(struct sim *s, struct sim_task *t);

static inline struct sim_task *sim_task(struct sim *s, int id)
{
    return &s->tasks[id];
}

/* Where a backend writes task id's wait outcome (has_result says it did). */
static inline struct step_result *sim_result(struct sim *s, int id)
{
    return &s->results[id];
}

/*
 * A strategy that knows which task it serves a few turns from now says so:
 * the task's records (the engine's, the workload's and all of each sink's
 * when fetch is set, for a step; else what a wake-up needs) start loading,
 * so that with 100,000 tasks the cache misses overlap instead of coming
 * one after the other.
 */
static inline void sim_prefetch(struct sim *s, int task, int fetch)
{
    __builtin_prefetch(&s->tasks[task], 1); /* the first line: see struct sim_task */
    if (fetch && s->wl->ops->prefetch) s->wl->ops->prefetch(s->wl, task);
    bus_prefetch(s->bus, task, fetch);
}

/*
 * One-thread blocking execution, shared by sync and coop: runs t's steps on
 * cpu 0 where every wait is a blocking call that stalls the thread. Returns
 * PROCEED_BUSY when it scheduled SIM_ACT_CPU or SIM_ACT_WAKE for t (the
 * strategy's fire must pass those to sim_blocking_fire and act on its
 * result), PROCEED_YIELD at a yield point, PROCEED_DONE when t finished
 * (not yet marked done), PROCEED_STUCK when t waits for a lock nobody can
 * release (the run has been ended as stalled or deadlocked).
 */
enum { PROCEED_BUSY, PROCEED_YIELD, PROCEED_DONE, PROCEED_STUCK };
enum { SIM_ACT_CPU = 1000, SIM_ACT_WAKE };

int sim_blocking_proceed(struct sim *s, struct sim_task *t);

/*
 * The preemptive strategy's CPUs (cpuq.c), for the simulated and the real
 * run alike: ready threads in FIFO order, a slice of quantum from the
 * moment a thread gets a CPU, preempted at its end only if another waits.
 */
struct cpuq {
    struct intq ready; /* threads waiting for a CPU, longest first */
    int64_t *slice;    /* per CPU: when its thread's slice ends, on its clock */
    int64_t *clock;    /* per CPU: CPU time used on it (own_clock), or NULL: s->now */
};
/* own_clock: slices are measured in the CPU time the caller adds to
 * clock[cpu] (a real run), not in the run's time. */
void cpuq_init(struct cpuq *q, int ncpu, int own_clock);
int64_t cpuq_clock(const struct sim *s, const struct cpuq *q, int cpu);
void cpuq_free(struct cpuq *q);
/* t is ready and waits for a CPU, behind those already waiting. */
static inline void cpuq_push(struct cpuq *q, int task)
{
    intq_push(&q->ready, task);
}
/* Gives the first free CPU from *from on to the thread that has waited
 * longest (RUN, a slice starts now), moves *from past it and returns the
 * thread; -1 when no CPU from *from is free or nobody waits. A pass over
 * the CPUs starts with *from = 0, so threads ready together spread over
 * the CPUs even if the first blocks at once. */
int cpuq_next(struct sim *s, struct cpuq *q, int *from);
/* Whether the thread on cpu must leave it now: its slice is over and
 * another thread waits (if nobody waits, it gets a new slice). */
int cpuq_slice_over(struct sim *s, struct cpuq *q, int cpu);
/* On one thread, t waits for a lock another task holds: nothing can ever
 * release it. Reports it as a deadlock and ends the run. */
void sim_stuck_on_lock(struct sim *s, struct sim_task *t);
/* Handles SIM_ACT_CPU / SIM_ACT_WAKE for blocking execution, then proceeds. */
int sim_blocking_fire(struct sim *s, const struct pending *p);

#endif

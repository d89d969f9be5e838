/*
 * sim: the discrete-event simulation engine.
 *
 * Time is integer nanoseconds of scene time. Pending actions sit in a heap
 * ordered by (time, scheduling order), so actions due at the same time run
 * first-scheduled-first, exactly like asyncio's timer heap. The engine runs
 * a scene's workload under one strategy and emits the typed event stream on
 * a bus; nothing else leaves it. It is steppable: sim_advance(T) runs every
 * action due up to T, so a UI can animate it; sim_run runs to the end.
 *
 * Memory grows with tasks and in-flight actions, never with elapsed time.
 */
#ifndef JUGGLE_SIM_H
#define JUGGLE_SIM_H

#include <stdint.h>

#include "event.h"
#include "scene.h"

struct sim;
struct step;
struct step_result;

/*
 * A backend carries out a run's work. The simulation needs none: with no
 * backend the engine times every CPU step and wait itself, in virtual time.
 * A real backend (src/exec/real.c) gives the engine a clock, a way to wait,
 * and the work itself; every rule of the run (the strategies' order, locks,
 * shared variables, deadlock detection) stays in the engine, so a real run
 * obeys the same rules as a simulated one. Callbacks come on the engine's
 * thread, or, when the backend runs tasks on threads of its own (a
 * preemptive strategy run for real), under the backend's engine lock.
 */
struct sim_backend {
    void *ctx;
    /* The backend runs each task on a thread of its own and drives it with
     * the task machine (sim_internal.h); the strategy is not started. */
    int runs_tasks;
    /* Scene time now, ns. */
    int64_t (*now)(void *ctx);
    /* Does chunk ns of task's CPU step st for real, stopping early at scene
     * time until (-1: none; a strategy's boundary, such as the next poll
     * check) or on cancel; returns the scene ns of CPU it used. */
    int64_t (*cpu)(void *ctx, int task, const struct step *st, int64_t chunk, int64_t until);
    /* Starts task's wait st (stall: a blocking call that keeps the thread).
     * Returns 0 for a plain timer the engine times itself (now + st->dur);
     * 1 when the backend ends the wait by calling sim_complete, which a
     * blocking call does before it returns. res receives the outcome. */
    int (*wait)(void *ctx, int task, const struct step *st, int stall, struct step_result *res);
    /* Nothing is due before scene time until (INT64_MAX: nothing is
     * scheduled): wait until then, a completion or a cancel; until <= now
     * only collects completions. Returns -1 once the run is cancelled. */
    int (*idle)(void *ctx, int64_t until);
    /* Task is about to be reported done, or (task -1) the run is about to
     * end; may be NULL. */
    void (*done)(void *ctx, int task);
    /* The run has ended (done, deadlock, stall, cancel): wake whatever
     * waits. May be NULL. */
    void (*ended)(void *ctx);
};

/* Creates a run of sc under strategy (index into strategies[]); events go
 * to bus. sc and bus are borrowed and must outlive the sim. Emits
 * RUN_START and TASK_NEW events immediately. */
struct sim *sim_new(const struct scene *sc, int strategy, struct bus *bus);
/* The same with a backend (borrowed; NULL: virtual time). With a backend
 * the strategy starts in sim_run_live (a backend that runs tasks itself
 * does not call that). */
struct sim *sim_new_on(const struct scene *sc, int strategy, struct bus *bus,
                       const struct sim_backend *be);
void sim_free(struct sim *s);

/* Runs every action due at or before t. Returns 1 once the run has ended,
 * or stopped on request (bus_set_stop: then it counts as finished but has
 * no RUN_END). */
int sim_advance(struct sim *s, int64_t t);
/* Runs to the end. Returns 1 if the run failed (deadlock, failed items). */
int sim_run(struct sim *s);
/* Starts the strategy and runs to the end on the backend's clock, waiting through its idle; a
 * cancel ends the run as failed. Returns 1 if the run failed. */
int sim_run_live(struct sim *s);
/* A wait the backend took on (its wait returned 1) is over now; the task's
 * result (if any) was written to the res it was given. Engine thread. */
void sim_complete(struct sim *s, int task);
/* Ends the run as cancelled (failed), unless it has ended. */
void sim_cancel(struct sim *s);

int64_t sim_now(const struct sim *s);
/* Time of the next pending action, or -1 if none. */
int64_t sim_next_time(const struct sim *s);
int sim_finished(const struct sim *s);
int sim_failed(const struct sim *s);
/* Events emitted so far (for benchmarks). */
uint64_t sim_events(const struct sim *s);

#endif

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

/* Creates a run of sc under strategy (index into strategies[]); events go
 * to bus. sc and bus are borrowed and must outlive the sim. Emits
 * RUN_START and TASK_NEW events immediately. */
struct sim *sim_new(const struct scene *sc, int strategy, struct bus *bus);
void sim_free(struct sim *s);

/* Runs every action due at or before t. Returns 1 once the run has ended. */
int sim_advance(struct sim *s, int64_t t);
/* Runs to the end. Returns 1 if the run failed (deadlock, failed items). */
int sim_run(struct sim *s);

int64_t sim_now(const struct sim *s);
/* Time of the next pending action, or -1 if none. */
int64_t sim_next_time(const struct sim *s);
int sim_finished(const struct sim *s);
int sim_failed(const struct sim *s);
/* Events emitted so far (for benchmarks). */
uint64_t sim_events(const struct sim *s);

#endif

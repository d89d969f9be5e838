/*
 * waitfor: the wait-for graph of tasks and locks, and the deadlock report.
 *
 * Shared by the simulation engine and the real runner (which runs the
 * engine's own lock steps), so a deadlock reads the same however it was
 * found: a LOG line ("deadlock: A holds dryer, waits for washer; B holds
 * washer, waits for dryer", members in task order, each with everything it
 * holds) and one DEADLOCK event per member (other: what it waits for;
 * value: what it holds in the cycle, the resource the member before it
 * waits for).
 *
 * On one thread (sync, coop, poll) the thread itself is a resource: the
 * task stalled in a blocking lock wait holds it and every other task waits
 * for it (WAITFOR_THREAD names it), so the report names both waits there
 * too: "A holds dryer and thread, waits for washer; B holds washer, waits
 * for thread".
 */
#ifndef JUGGLE_WAITFOR_H
#define JUGGLE_WAITFOR_H

#include "event.h"

struct waitfor {
    int ntasks, nres;
    const int *task_wait; /* per task: the resource it waits for, or -1 */
    const int *res_owner; /* per resource: the task that holds it, or -1 */
    const char *const *task_names;
    const char *const *res_names;
};

/* The name of the one thread as a resource of the wait-for graph. */
#define WAITFOR_THREAD "thread"

/* 1 if the tasks waiting from start lead back to start (a cycle). */
int waitfor_cycle(const struct waitfor *g, int start);

/*
 * If the tasks waiting from start lead back to start, emits the report
 * through emit (event times are the caller's) and returns 1; else 0.
 */
int waitfor_deadlock(const struct waitfor *g, int start, void (*emit)(void *, struct event *),
                     void *ctx);

#endif

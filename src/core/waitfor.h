/*
 * waitfor: the wait-for graph of tasks and locks, and the deadlock report.
 *
 * Shared by the simulation engine and the real runner's watchdog, so a
 * deadlock reads the same however it was found: a LOG line
 * ("deadlock: A holds dryer, waits for washer; B holds washer, waits for
 * dryer", members in task order) and one DEADLOCK event per member.
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

/*
 * If the tasks waiting from start lead back to start, emits the report
 * through emit (event times are the caller's) and returns 1; else 0.
 */
int waitfor_deadlock(const struct waitfor *g, int start, void (*emit)(void *, struct event *),
                     void *ctx);

#endif

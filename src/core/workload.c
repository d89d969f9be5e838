/*
 * workload: picks the workload for a scene's kind.
 */
#include "workload.h"

#include <assert.h>

static const struct workload_ops *const by_kind[SCENE__COUNT] = {
    [SCENE_QUEUE] = &work_queue_ops,       [SCENE_HOUSEHOLD] = &work_household_ops,
    [SCENE_DEADLOCK] = &work_deadlock_ops, [SCENE_CHECKBOOK] = &work_checkbook_ops,
    [SCENE_SERVER] = &work_server_ops,     [SCENE_CPU] = &work_cpu_ops,
};

struct workload *workload_new(const struct scene *sc, int strategy, const struct emitter *em)
{
    assert(sc->kind >= 0 && sc->kind < SCENE__COUNT && by_kind[sc->kind]);
    return by_kind[sc->kind]->create(sc, strategy, em);
}

void workload_free(struct workload *w)
{
    if (w) w->ops->free(w);
}

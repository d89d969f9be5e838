/*
 * workload: picks the workload for a scene's kind.
 */
#include "workload.h"

#include <assert.h>

static const struct workload_ops *const by_kind[SCENE__COUNT] = {
    [SCENE_QUEUE] = &work_queue_ops,
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

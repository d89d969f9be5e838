/*
 * scene_limits: the bounds a scene is checked against once, at load, so
 * that every valid scene ends in bounded time and no time, sum or total in
 * the engine, the stats or the view can overflow int64 nanoseconds.
 *
 * For each scene kind it works out, in floating point (so the estimate
 * itself cannot overflow), an upper bound on the run's length under any
 * strategy and an estimate of the events it emits, and refuses a scene
 * whose length or events are over the caps in scene.h. Only scene.c uses
 * it; scene.c turns a refusal into FILE:LINE with the line of the key
 * blamed.
 */
#ifndef JUGGLE_SCENE_LIMITS_H
#define JUGGLE_SCENE_LIMITS_H

#include <stddef.h>

#include "scene.h"

/* The key a refusal is about, for its line. */
enum limit_blame {
    BLAME_WORK,          /* the items, URLs or the kind's own section */
    BLAME_QUANTUM,       /* [scene] quantum */
    BLAME_POLL_INTERVAL, /* [scene] poll_interval */
    BLAME_CHECK_COST,    /* [scene] check_cost */
    BLAME_CHUNK,         /* [cpu] chunk */
};

/* Fills sc->bound_length and sc->bound_events. Returns 0, or -1 with the
 * refusal in msg and the key blamed in *blame. */
int scene_limits(struct scene *sc, char *msg, size_t n, int *blame);

#endif

/*
 * real: runs a scene for real: real threads, a real libuv loop, real HTTP
 * fetches with libcurl, under the same engine and rules as the simulation,
 * emitting the same event stream with real timestamps (ns of scene time =
 * real ns / time_scale).
 *
 * The workload always runs on its own thread(s), never on the caller's
 * loop. Events are queued cheaply on the worker side and delivered to the
 * bus on the caller's thread, either by real_run_drain or, when a uv loop
 * is given, automatically through uv_async_send.
 */
#ifndef JUGGLE_REAL_H
#define JUGGLE_REAL_H

#include <stdint.h>

#include <uv.h>

#include "core/err.h"
#include "core/event.h"
#include "core/scene.h"

struct real_opts {
    double time_scale;    /* real seconds per scene unit (default 1) */
    int64_t http_timeout; /* ns; 0: the scene's timeout */
};

struct real_run;

/*
 * Starts sc under strategy in the background. sc and bus are borrowed and
 * must outlive the run. With loop non-NULL, events are delivered to bus on
 * that loop's thread as they come; with NULL, call real_run_drain. Returns
 * NULL and fills e if the run cannot start (e.g. the embedded server).
 */
struct real_run *real_run_start(const struct scene *sc, int strategy, const struct real_opts *ro,
                                struct bus *bus, uv_loop_t *loop, struct err *e);
/* Delivers queued events to the bus; returns how many. Caller's thread. */
size_t real_run_drain(struct real_run *r);
/* 1 once RUN_END has been delivered. */
int real_run_finished(const struct real_run *r);
/* Scene time now, ns, measured from the run's start. */
int64_t real_run_now(const struct real_run *r);
/* Cancels transfers and sleeps in flight; the run ends soon after. */
void real_run_cancel(struct real_run *r);
/* Cancels if needed, joins every thread, frees. NULL is a no-op. With a
 * loop, the uv handles are closed; run the loop once more to finish. */
void real_run_free(struct real_run *r);

#endif

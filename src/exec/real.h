/*
 * real: runs a scene for real (issue 4): real threads, a real libuv loop,
 * real HTTP fetches with libcurl, emitting the same event stream as the
 * simulation with real timestamps.
 */
#ifndef JUGGLE_REAL_H
#define JUGGLE_REAL_H

#include <stdint.h>
#include <stdio.h>

#include "core/scene.h"

struct real_opts {
    double time_scale;    /* real seconds per scene unit (default 1) */
    int64_t http_timeout; /* ns; 0: the scene's timeout */
};

/* Runs sc under strategy for real and prints like headless_run (format is
 * enum headless_format). Returns 0, 1 if the run had failures, 2 on error. */
int real_run_headless(const struct scene *sc, int strategy, const struct real_opts *ro,
                      int format, FILE *out);

/* `juggle serve`: the delay server on loopback until SIGINT/SIGTERM. */
int serve_main(int port);

#endif

/*
 * watch_run: `juggle watch --headless -- python3 PROG.py ARGS`, and the
 * same run on a caller's bus (juggle compare --with-python).
 */
#ifndef JUGGLE_WATCH_RUN_H
#define JUGGLE_WATCH_RUN_H

#include <stddef.h>
#include <stdio.h>

#include "core/event.h"

/* Runs argv under the tracer, prints like `juggle run` (format is enum
 * headless_format), records to record if not NULL. Returns the exit
 * status: 0, 1 the program failed, 2 it could not be run or followed. */
int headless_watch(char *const argv[], const char *record, int format, FILE *out);

/* Runs argv under the tracer to its end on a loop of its own, its events
 * on bus (recorded to record if not NULL); the program's stdout goes to
 * juggle's, or to /dev/null with discard_stdout. Returns the exit status
 * as headless_watch; unless 0, why holds one line saying why (without
 * "juggle: "), or is empty when that line was already printed. */
int watch_run_bus(char *const argv[], const char *record, int discard_stdout, struct bus *bus,
                  char *why, size_t n);

#endif

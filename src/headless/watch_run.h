/*
 * watch_run: `juggle watch --headless -- python3 PROG.py ARGS`.
 */
#ifndef JUGGLE_WATCH_RUN_H
#define JUGGLE_WATCH_RUN_H

#include <stdio.h>

/* Runs argv under the tracer, prints like `juggle run` (format is enum
 * headless_format), records to record if not NULL. Returns the exit
 * status: 0, 1 the program failed, 2 it could not be run or followed. */
int headless_watch(char *const argv[], const char *record, int format, FILE *out);

#endif

/*
 * headless: runs a scene without a screen and prints what the article's
 * program prints, optionally followed by a summary, or a JSON summary
 * instead; and `compare`, every strategy on one workload.
 */
#ifndef JUGGLE_HEADLESS_H
#define JUGGLE_HEADLESS_H

#include <stdio.h>

#include "core/scene.h"

enum headless_format { HEADLESS_LINES, HEADLESS_SUMMARY, HEADLESS_JSON };

/* Runs sc under strategy in virtual time. Returns the exit status:
 * 0 success, 1 the run finished with failures. */
int headless_run(const struct scene *sc, int strategy, int format, FILE *out);

/* Runs sc under every strategy. Returns 0, or 1 if any run failed. */
int headless_compare(const struct scene *sc, int json, FILE *out);

#endif

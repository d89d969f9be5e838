/*
 * compare_python: a scene's simulated run beside the traced run of the
 * Python program it models (`juggle compare SCENE --with-python`).
 */
#ifndef JUGGLE_COMPARE_PYTHON_H
#define JUGGLE_COMPARE_PYTHON_H

#include <stddef.h>
#include <stdio.h>

#include "core/scene.h"

/* Runs sc under strategy in virtual time, then argv (python3 PROG.py
 * [ARGS...]) under the tracer as `juggle watch --headless` does, its
 * times divided by scale (real seconds per scene unit), and prints one
 * table with a row for each, whether the printed lines agree and the
 * makespan ratio; as JSON with json. Returns 0, 1 if the simulation or
 * the program failed, 2 if the program could not be run or followed
 * (one line on stderr saying why). */
int headless_compare_python(const struct scene *sc, int strategy, double scale, char *const argv[],
                            int json, FILE *out);

/* text with each measured time (a number with a fraction) as "#", and
 * each URL's address ("${server}" or scheme://host:port) as "${server}"
 * with the digits in the rest of the URL as "#". A new string. */
char *compare_mask(const char *text);

struct compare_diff {
    size_t nlines;  /* lines the simulation printed */
    size_t line;    /* first line that differs (from 1), 0 if they agree */
    char *sim, *py; /* that line on each side, masked, NULL past the end */
};

/* Compares two printed texts line by line once masked. Returns 1 if they
 * agree; fills d either way (free with compare_diff_free). */
int compare_lines(const char *sim, const char *py, struct compare_diff *d);
void compare_diff_free(struct compare_diff *d);

#endif

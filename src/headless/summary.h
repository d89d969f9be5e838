/*
 * summary: the metrics block (--summary), the JSON summary (--json) and the
 * comparison table (juggle compare), all drawn from struct stats.
 */
#ifndef JUGGLE_SUMMARY_H
#define JUGGLE_SUMMARY_H

#include <jansson.h>
#include <stdio.h>

#include "core/stats.h"

/* Writes the human-readable metrics block. */
void summary_print(FILE *out, const struct stats *st);
/* Returns a new JSON object (caller owns the reference). */
json_t *summary_json(const struct stats *st);
/* Writes the same object as summary_json dumped by summary_dump_json, as a
 * value nested depth levels deep and without the final newline, but one
 * task at a time: memory does not grow with the tasks. Returns 0 or -1. */
int summary_write_json(FILE *out, const struct stats *st, int depth);
/* Writes `juggle compare --json`: {"scene": title, "runs": [...]} and a
 * newline, streamed the same way. Returns 0 or -1. */
int summary_write_compare_json(FILE *out, const char *title, const struct stats *runs, int n);
/* The same with the members of the object extra (may be NULL) between
 * "scene" and "runs", in the object's order. Returns 0 or -1. */
int summary_write_compare_json_with(FILE *out, const char *title, json_t *extra,
                                    const struct stats *runs, int n);
/* Prints one table row per run; names[i] labels runs[i]. */
void summary_print_compare(FILE *out, const char *title, const struct stats *runs, int n);
/* Writes a JSON value followed by a newline. Returns 0 or -1. */
int summary_dump_json(FILE *out, json_t *v);

#endif

/*
 * headless: runs a scene without a screen and prints what the article's
 * program prints, optionally followed by a summary, or a JSON summary
 * instead; and `compare`, every strategy on one workload.
 */
#ifndef JUGGLE_HEADLESS_H
#define JUGGLE_HEADLESS_H

#include <stdio.h>

#include "core/event.h"
#include "core/scene.h"
#include "core/stats.h"

enum headless_format { HEADLESS_LINES, HEADLESS_SUMMARY, HEADLESS_JSON };

struct real_opts;

/* The sinks every headless mode attaches to a fresh bus: stats, and the
 * printer unless the format is JSON. out may be NULL: nothing printed. */
void headless_attach(struct bus *bus, struct stats *st, int format, FILE *out);

/*
 * Runs sc under strategy, in virtual time, or for real when real is not
 * NULL, recording to `record` when not NULL ("-": the trace goes to
 * standard output and the printed lines to stderr), printing to out (NULL:
 * nothing): the same sinks, recording and stopping for both.
 *
 * The run stops early on SIGINT, SIGTERM or SIGHUP (unless ignored when
 * juggle started; a second signal kills at once), on a failed write to out
 * (EPIPE: SIGPIPE is ignored) or to the trace (a full disk). The trace is
 * then closed as incomplete and put at FILE, and after a signal juggle dies
 * of it once everything is on disk. Returns the exit status: 0 success, 1
 * the run finished with failures, or out or the trace failed (one line for
 * the trace; out's errors are main's to report), 2 the run could not start
 * or the trace cannot be written there (nothing was run).
 */
int headless_run(const struct scene *sc, int strategy, int format, const char *record,
                 const struct real_opts *real, FILE *out);

/* Prints a recorded run as it was printed (format as for headless_run).
 * Returns 0, 1 if the run had failures or the trace is incomplete, 2 if
 * the trace cannot be read. */
int headless_replay(const char *path, int format, FILE *out);

/* Writes the trace at path as Chrome Trace Event Format JSON to out_path
 * (through outfile: "-" is stdout; the trace itself is refused). Returns
 * 0, 1 on a write error, or 2 on bad input or an unusable out_path. */
int headless_export_chrome(const char *path, const char *out_path);

/* Writes the trace at path as an SVG picture of the view at its end (the
 * timeline, legend and totals; cols x rows cells, 0 for 160x50) to
 * out_path. Returns 0, or 2 on bad input or a write error. */
int headless_export_svg(const char *path, const char *out_path, int cols, int rows);

/* Runs sc under every strategy. Returns 0, or 1 if any run failed. */
int headless_compare(const struct scene *sc, int json, FILE *out);

#endif

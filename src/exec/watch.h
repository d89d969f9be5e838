/*
 * watch: runs a real Python program under juggle's tracer (issue 14) and
 * turns what the tracer writes into the event stream every view reads.
 *
 * `juggle watch -- python3 PROG.py ARGS` becomes `python3 -c 'import
 * juggle_tracer; ...' PROG.py ARGS` with the tracer's folder (make's
 * byte-compiled copy when it is current) on PYTHONPATH and a pipe on fd 3
 * (JUGGLE_TRACE_FD=3). Events arrive as trace lines on that pipe; each is
 * parsed by the trace reader's own line parser, checked (tasks created in
 * order, time never going back) and emitted on the caller's bus from the
 * caller's libuv loop. A program that dies without the tracer's run_end
 * still ends the stream: watch emits run_end itself, marked failed.
 */
#ifndef JUGGLE_WATCH_H
#define JUGGLE_WATCH_H

#include <stdint.h>
#include <stdio.h>

#include <uv.h>

#include "core/err.h"
#include "core/event.h"

struct watch;

/*
 * Starts argv (python3 [OPTIONS] PROG.py [ARGS...]) under the tracer on
 * loop; events go to bus as they come. quiet = 1 (the TUI): the program's
 * stdin and stdout are /dev/null and its stderr is kept (watch_stderr);
 * quiet = 0: it shares juggle's stdin, stdout and stderr, except that
 * quiet = 0 with discard_stdout sends its stdout to /dev/null (--json).
 * Returns NULL and fills e when it cannot start (exit status 2).
 */
struct watch *watch_start(char *const argv[], int quiet, int discard_stdout, struct bus *bus,
                          uv_loop_t *loop, struct err *e);
/* 1 once the program has exited, its pipe is drained and run_end sent. */
int watch_finished(const struct watch *w);
/* The program's time now, ns (the tracer's clock); it stops where the
 * trace does (the program's end, or its pipe's if that came first). */
int64_t watch_now(const struct watch *w);
/* Asks the program to stop (SIGTERM); it finishes as usual. */
void watch_stop(struct watch *w);
/*
 * Once finished: the exit status juggle should give (0, 1 the program
 * failed, 2 juggle could not run or follow it: no tracer, bad lines, or a
 * trace that ends before the program did) and, unless 0, one line saying
 * why (no "juggle: " prefix, no newline).
 */
int watch_result(const struct watch *w, char *why, size_t n);
/* 1 if the tracer itself ended the stream (the trace is complete). */
int watch_complete(const struct watch *w);
/* What the program wrote to stderr (quiet mode), NUL-terminated. */
const char *watch_stderr(const struct watch *w);
/* The scene text a trace of this program records (a comment block). */
const char *watch_scene_text(const struct watch *w);
/* The program's path, for the trace's header. */
const char *watch_program(const struct watch *w);
/* Stops the program if it runs and closes the handles; the struct is
 * freed when the loop has closed them (run the loop once more). */
void watch_free(struct watch *w);

#endif

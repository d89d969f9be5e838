/*
 * trace: recording a run's event stream to a file and reading it back.
 *
 * Format: JSON Lines, written and read with jansson. The first line is a
 * header:
 *   {"format":"juggle-trace","major":1,"minor":0,"juggle":"0.1.0",
 *    "scene":{"path":...,"text":...},"strategy":"loop","clock":"virtual",
 *    "time_unit":"ns","fields":["seq","t","kind","task","cpu","other",
 *    "reason","value","value2","text"]}
 * then one event per line, as an array of those fields in that order (the
 * text only when there is one; see event.h for what each field means):
 *   [3,0,"run",0,0,-1,0,0,0]
 *   [12,0,"log",0,-1,-1,0,0,0,"Task One running"]
 * Arrays rather than objects: a trace of a million events must load in
 * under a second, and an array costs jansson a fraction of an object.
 * and last an end line, {"end":"complete","events":N}, or
 * {"end":"incomplete",...} when the recording was cut short (a signal):
 * such a trace still loads and replays what it holds.
 *
 * Nothing is lost: the writer writes FILE.tmp and renames it into place
 * when it is closed, complete or not. A reader accepts a newer minor
 * version (unknown fields are ignored) but not a newer major one.
 */
#ifndef JUGGLE_TRACE_H
#define JUGGLE_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "event.h"

#define TRACE_FORMAT "juggle-trace"
#define TRACE_MAJOR  1
#define TRACE_MINOR  0

struct trace_writer;

/*
 * Opens FILE.tmp for writing and writes the header. scene_path and
 * scene_text describe the scene (the text makes the trace self-contained);
 * clock is "virtual" or "real". Returns NULL and fills e on failure.
 */
struct trace_writer *trace_writer_open(const char *path, const char *scene_path,
                                       const char *scene_text, const char *strategy,
                                       const char *clock, const char *version, struct err *e);
/* The sink: bus_attach(bus, trace_writer_sink, w). */
void trace_writer_sink(void *ctx, const struct event *ev);
/* Flushes if at least 100 ms passed since the last flush (real runs call
 * this from their loop so a quiet run is still on disk). */
void trace_writer_tick(struct trace_writer *w);
/*
 * Writes the end line, flushes, closes and renames FILE.tmp to FILE.
 * complete = 0 marks the trace incomplete. Returns 0 or a negative code
 * (fills e). Frees w either way. NULL is a no-op.
 */
int trace_writer_close(struct trace_writer *w, int complete, struct err *e);
/* The final path (for status lines). */
const char *trace_writer_path(const struct trace_writer *w);

/* A loaded trace: the header and every event, texts interned. */
struct trace {
    char *path;
    int major, minor;
    char *version;
    char *scene_path, *scene_text;
    char *strategy;
    int real; /* clock: 1 real, 0 virtual */
    int complete;
    struct event *ev;
    size_t n;
    /* Texts are kept in one arena; events point into it. */
    char *arena;
    size_t arena_len, arena_cap;
};

/* Loads and validates a trace. Returns NULL and fills e (FILE:LINE: ...). */
struct trace *trace_load(const char *path, struct err *e);
void trace_free(struct trace *t);

/*
 * Parses one event line (an array, as in a trace file; no newline needed)
 * into ev, for producers that stream events (juggle watch). Its text, if
 * any, is copied into *text (grown as needed; *cap its size) and ev->text
 * points there. Returns 0, or -1 with *why set to what is wrong.
 */
int trace_parse_event(const char *line, size_t len, struct event *ev, char **text, size_t *cap,
                      const char **why);

/* Delivers events [from, to) to bus, in order, with their recorded seq. */
void trace_replay(const struct trace *t, size_t from, size_t to, struct bus *bus);

#endif

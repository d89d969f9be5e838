/*
 * trace: recording a run's event stream to a file and reading it back.
 *
 * Format: JSON Lines (read by trace.c, written by trace_write.c). The
 * first line is a header:
 *   {"format":"juggle-trace","major":1,"minor":1,"juggle":"1.0.0",
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
 * {"end":"incomplete",...} when the recording was cut short (a signal, a
 * closed pipe, a full disk):
 * such a trace still loads and replays what it holds.
 *
 * Nothing is lost, nothing clobbered: the writer goes through outfile (a
 * regular FILE is written as a unique temporary beside it and renamed into
 * place when closed, complete or not; a device, FIFO or "-" is written
 * directly; a directory or the scene being run is refused). When a write
 * fails (a full disk) the file is cut back to its last whole line and ended
 * as incomplete if that fits. A reader accepts a newer minor version
 * (unknown fields are ignored) but not a newer major one.
 *
 * Minor 1: texts that are not UTF-8 keep their bytes. An event's text is
 * then {"base64":"..."} instead of a string; the header's scene path or
 * text gets a "path_base64" / "text_base64" field beside a readable copy
 * (bad bytes as \xNN). The end line's count is checked: a trace holding
 * fewer or more events than it says loads as incomplete.
 */
#ifndef JUGGLE_TRACE_H
#define JUGGLE_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "event.h"

#define TRACE_FORMAT "juggle-trace"
#define TRACE_MAJOR  1
#define TRACE_MINOR  1

/* Reading limits. A pipe (kept whole where lines are printed) is refused
 * once it passes TRACE_MAX_BYTES, and so is a line longer than that (the
 * reader's buffer holds a line). A regular file may hold up to
 * TRACE_MAX_FILE: it is read a chunk at a time, twice where lines are
 * printed, and a valid run records up to SCENE_MAX_EVENTS events (some
 * GB); replay --headless and export keep none of them, the view keeps
 * them (about 63 bytes each, 1.3 times the file). Event times and values beyond
 * +-TRACE_MAX_T are refused on load: 2e18 ns, the bound every time and
 * total of a valid scene stays below (scene.h: a run lasts at most 1e9
 * units), so that whatever the engine records, replay loads; times never
 * go back, and the stats add such values with saturation. */
#define TRACE_MAX_BYTES ((uint64_t)1 << 30)
#define TRACE_MAX_FILE  ((uint64_t)1 << 36)
#define TRACE_MAX_T     INT64_C(2000000000000000000)

struct trace_writer;

/*
 * Opens path for writing (see outfile.h; scene_path is refused as a
 * target) and writes the header. scene_path and
 * scene_text describe the scene (the text makes the trace self-contained);
 * clock is "virtual" or "real". Returns NULL and fills e on failure.
 */
struct trace_writer *trace_writer_open(const char *path, const char *scene_path,
                                       const char *scene_text, const char *strategy,
                                       const char *clock, const char *version, struct err *e);
/* The sink: bus_attach(bus, trace_writer_sink, w). */
void trace_writer_sink(void *ctx, const struct event *ev);
/* errno of the first failed write (a full disk, a closed pipe), else 0:
 * the caller may stop its run early; close then keeps what was written. */
int trace_writer_error(const struct trace_writer *w);
/* Events taken so far. */
uint64_t trace_writer_events(const struct trace_writer *w);
/* Flushes if at least 100 ms passed since the last flush (real runs call
 * this from their loop so a quiet run is still on disk). */
void trace_writer_tick(struct trace_writer *w);
/*
 * Writes the end line, flushes and puts the file in place. complete = 0
 * marks the trace incomplete. Returns 0 or ERR_IO (fills e; after a failed
 * write what was written is still put in place). Frees w either way. NULL
 * is a no-op.
 */
int trace_writer_close(struct trace_writer *w, int complete, struct err *e);
/* The final path (for status lines). */
const char *trace_writer_path(const struct trace_writer *w);

struct trace_texts;

/* A trace read: the header, the end line's word and, from trace_load,
 * every event. */
struct trace {
    char *path;
    int major, minor;
    char *version;
    char *scene_path, *scene_text;
    char *strategy;
    int real;           /* clock: 1 real, 0 virtual */
    int complete;       /* the end line says complete and its count matches */
    int64_t end_events; /* the end line's event count, -1 if it gave none */
    struct event *ev;   /* trace_load: the events; trace_stream/each: NULL */
    size_t n;           /* the events read */
    /* Each distinct text once, in blocks that never move; events point
     * into them (NULL when trace_stream was not asked to keep texts). */
    struct trace_texts *texts;
};

/* Loads and validates a trace. Returns NULL and fills e (FILE:LINE: ...).
 * Refuses a file over TRACE_MAX_FILE, a pipe over TRACE_MAX_BYTES, and inputs that are neither
 * regular files nor pipes (a device such as /dev/zero). The file is read a chunk at a time: memory
 * holds the events, not the file. */
struct trace *trace_load(const char *path, struct err *e);
/*
 * Reads and validates a trace as trace_load does but keeps no events:
 * each one goes to bus (bus_emit, which stamps its seq) as soon as it is
 * read and checked, so memory does not grow with the trace. keep_texts: the
 * texts they point to last as long as the trace returned (a journal may
 * keep the events); else only while dispatched. bus NULL: only checks.
 * Returns the header with n, complete and end_events (ev NULL), or NULL
 * with e filled -- after the events before the bad line went to the bus:
 * a caller that must print nothing for a bad trace checks it first.
 */
struct trace *trace_stream(const char *path, struct bus *bus, int keep_texts, struct err *e);
/* 1 when path can be read twice (a regular file): a reader that must check
 * before it writes streams it twice; anything else (a pipe) is loaded. */
int trace_rereadable(const char *path);
/* trace_stream for a consumer that is not a bus: fn(ctx, ev) gets each
 * event with the seq it was recorded with. */
struct trace *trace_each(const char *path, sink_fn fn, void *ctx, int keep_texts, struct err *e);
void trace_free(struct trace *t);
/* 1 if path is a regular file that starts like a juggle trace. */
int trace_sniff(const char *path);

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

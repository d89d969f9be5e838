/*
 * trace_write: the recorder (see trace.h for the format).
 *
 * Event lines are formatted straight into a buffer (integers with
 * snprintf, the text through textenc, which keeps bytes that are not
 * UTF-8) and written in 64 KiB blocks of whole lines, so the file on disk
 * is always a run of whole lines: when a write fails (a full disk) the
 * writer knows exactly where the last whole line ends, cuts the file back
 * there and ends it as incomplete if that still fits. The header and end
 * lines go through jansson.
 */
#include "trace.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "outfile.h"
#include "textenc.h"
#include "xalloc.h"

/* The order of an event line's values, also written into the header. */
static const char *const trace_fields[] = {"seq",   "t",      "kind",  "task",   "cpu",
                                           "other", "reason", "value", "value2", "text"};

struct trace_writer {
    struct outfile out;
    char *buf; /* complete lines not yet written */
    size_t len, cap;
    uint64_t events;         /* events taken */
    uint64_t events_written; /* of which on disk (the rest are in buf) */
    off_t written;           /* bytes on disk, all whole lines */
    int64_t last_flush_ms;
    int err; /* errno of the first failed write, 0 */
};

#define WRITER_FLUSH_AT (64 * 1024)

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Writes buf out. After a failure nothing more is written: what is on disk
 * stays a run of whole lines (a partial write is cut back at close). */
static void writer_flush(struct trace_writer *w)
{
    if (w->err || !w->len) return;
    int rc = outfile_write(&w->out, w->buf, w->len);
    if (rc) {
        w->err = -rc;
        return;
    }
    w->written += (off_t)w->len;
    w->events_written = w->events;
    w->len = 0;
}

static void put_json_line(struct trace_writer *w, json_t *o)
{
    size_t n = json_dumpb(o, NULL, 0, JSON_COMPACT | JSON_PRESERVE_ORDER);
    w->buf = xgrow(w->buf, &w->cap, w->len + n + 2, 1);
    w->len += json_dumpb(o, w->buf + w->len, n, JSON_COMPACT | JSON_PRESERVE_ORDER);
    w->buf[w->len++] = '\n';
}

/* Sets key to text, and key_base64 to its bytes when text is not UTF-8
 * (key then holds a readable copy with the bad bytes as \xNN). */
static void set_text(json_t *o, const char *key, const char *text)
{
    text = text ? text : "";
    json_object_set_new(o, key, textenc_json_escaped(text));
    if (!textenc_is_utf8(text, strlen(text))) {
        char k[64];
        snprintf(k, sizeof k, "%s_base64", key);
        char *b = textenc_base64(text, strlen(text));
        json_object_set_new(o, k, json_string(b));
        free(b);
    }
}

struct trace_writer *trace_writer_open(const char *path, const char *scene_path,
                                       const char *scene_text, const char *strategy,
                                       const char *clock, const char *version, struct err *e)
{
    struct trace_writer *w = xcalloc(1, sizeof *w);
    const char *avoid[] = {scene_path, NULL};
    if (outfile_open(&w->out, path, scene_path ? avoid : NULL, e)) {
        free(w);
        return NULL;
    }
    json_t *h = json_object();
    json_object_set_new(h, "format", json_string(TRACE_FORMAT));
    json_object_set_new(h, "major", json_integer(TRACE_MAJOR));
    json_object_set_new(h, "minor", json_integer(TRACE_MINOR));
    json_object_set_new(h, "juggle", json_string(version));
    json_t *sc = json_object();
    set_text(sc, "path", scene_path);
    set_text(sc, "text", scene_text);
    json_object_set_new(h, "scene", sc);
    json_object_set_new(h, "strategy", json_string(strategy));
    json_object_set_new(h, "clock", json_string(clock));
    json_object_set_new(h, "time_unit", json_string("ns"));
    json_t *fields = json_array();
    for (size_t i = 0; i < sizeof trace_fields / sizeof *trace_fields; i++)
        json_array_append_new(fields, json_string(trace_fields[i]));
    json_object_set_new(h, "fields", fields);
    put_json_line(w, h);
    json_decref(h);
    writer_flush(w);
    w->last_flush_ms = mono_ms();
    return w;
}

void trace_writer_sink(void *ctx, const struct event *ev)
{
    struct trace_writer *w = ctx;
    if (w->err) return;
    w->buf = xgrow(w->buf, &w->cap, w->len + 256, 1);
    w->len += (size_t)snprintf(w->buf + w->len, 256, "[%llu,%lld,\"%s\",%d,%d,%d,%d,%lld,%lld",
                               (unsigned long long)ev->seq, (long long)ev->t,
                               event_kind_name(ev->kind), ev->task, ev->cpu, ev->other, ev->reason,
                               (long long)ev->value, (long long)ev->value2);
    if (ev->text) {
        w->buf[w->len++] = ',';
        textenc_append_json(&w->buf, &w->len, &w->cap, ev->text);
    }
    w->buf = xgrow(w->buf, &w->cap, w->len + 2, 1);
    w->buf[w->len++] = ']';
    w->buf[w->len++] = '\n';
    w->events++;
    if (w->len >= WRITER_FLUSH_AT)
        writer_flush(w);
    else if ((w->events & 63) == 0)
        trace_writer_tick(w);
}

void trace_writer_tick(struct trace_writer *w)
{
    int64_t now = mono_ms();
    if (now - w->last_flush_ms >= 100) {
        writer_flush(w);
        w->last_flush_ms = now;
    }
}

int trace_writer_error(const struct trace_writer *w)
{
    return w ? w->err : 0;
}

uint64_t trace_writer_events(const struct trace_writer *w)
{
    return w ? w->events : 0;
}

const char *trace_writer_path(const struct trace_writer *w)
{
    return w->out.path;
}

static void put_end(struct trace_writer *w, int complete, uint64_t events)
{
    json_t *end = json_object();
    json_object_set_new(end, "end", json_string(complete ? "complete" : "incomplete"));
    json_object_set_new(end, "events", json_integer((json_int_t)events));
    put_json_line(w, end);
    json_decref(end);
}

/* After a failed write (a full disk): cut the file back to its last whole
 * line and try to end it as incomplete there; what fits is kept. */
static int salvage(struct trace_writer *w, const char *path, struct err *e)
{
    int first = w->err;
    int ended = 0;
    uint64_t kept = w->events_written;
    if (outfile_is_regular(&w->out) && ftruncate(w->out.fd, w->written) == 0 &&
        lseek(w->out.fd, w->written, SEEK_SET) >= 0) {
        w->len = 0;
        w->err = 0;
        put_end(w, 0, w->events_written);
        writer_flush(w);
        ended = !w->err;
        if (!ended && ftruncate(w->out.fd, w->written) != 0) w->err = errno;
    }
    struct err ce;
    if (outfile_commit(&w->out, &ce)) return err_set(e, ce.code, ce.file, 0, "%s", ce.msg);
    if (ended)
        return err_set(e, ERR_IO, path, 0,
                       "cannot write trace: %s (kept the first %llu events, marked incomplete)",
                       strerror(first), (unsigned long long)kept);
    return err_set(e, ERR_IO, path, 0, "cannot write trace: %s", strerror(first));
}

int trace_writer_close(struct trace_writer *w, int complete, struct err *e)
{
    if (!w) return 0;
    char *path = xstrdup(w->out.path);
    int rc;
    if (!w->err) {
        put_end(w, complete, w->events);
        writer_flush(w);
    }
    if (w->err) {
        rc = salvage(w, path, e);
    } else {
        rc = outfile_commit(&w->out, e);
    }
    free(path);
    free(w->buf);
    free(w);
    return rc;
}

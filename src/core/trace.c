/*
 * trace: reading JSON Lines traces with jansson (trace_write.c writes
 * them).
 *
 * The reader parses each line with json_loadb and checks it against the
 * format before keeping it. Validation is strict where a wrong trace would
 * replay as a wrong picture (order, kinds, task ids) and lenient where a
 * newer minor version may add things (unknown fields).
 */
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "textenc.h"
#include "xalloc.h"

static char *dup_field(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? xstrdup(s) : NULL;
}

/* key's text, from key_base64 when the writer stored one (a text that is
 * not UTF-8), else from key. */
static char *dup_text(json_t *o, const char *key)
{
    char k[64];
    snprintf(k, sizeof k, "%s_base64", key);
    json_t *b = json_object_get(o, k);
    size_t len;
    if (json_is_string(b)) {
        char *s = textenc_unbase64(json_string_value(b), json_string_length(b), &len);
        if (s && memchr(s, '\0', len) == NULL) return s;
        free(s);
        return NULL;
    }
    return dup_field(o, key);
}

struct reader {
    const char *path;
    int line;
    struct err *e;
};

static int bad(struct reader *r, const char *msg, const char *detail)
{
    if (detail)
        err_set(r->e, ERR_INPUT, r->path, r->line, "%s: %s", msg, detail);
    else
        err_set(r->e, ERR_INPUT, r->path, r->line, "%s", msg);
    return -1;
}

static int read_header(struct reader *r, struct trace *t, json_t *h)
{
    const char *fmt = json_string_value(json_object_get(h, "format"));
    if (!fmt || strcmp(fmt, TRACE_FORMAT) != 0)
        return bad(r, "not a juggle trace (no header)", NULL);
    json_t *major = json_object_get(h, "major"), *minor = json_object_get(h, "minor");
    if (!json_is_integer(major) || !json_is_integer(minor))
        return bad(r, "header has no format version", NULL);
    t->major = (int)json_integer_value(major);
    t->minor = (int)json_integer_value(minor);
    if (t->major != TRACE_MAJOR) {
        char v[64];
        snprintf(v, sizeof v, "%d.%d (this juggle reads %d.x)", t->major, t->minor, TRACE_MAJOR);
        return bad(r, "unsupported trace format version", v);
    }
    json_t *sc = json_object_get(h, "scene");
    t->version = dup_field(h, "juggle");
    t->strategy = dup_field(h, "strategy");
    t->scene_path = json_is_object(sc) ? dup_text(sc, "path") : NULL;
    t->scene_text = json_is_object(sc) ? dup_text(sc, "text") : NULL;
    const char *clock = json_string_value(json_object_get(h, "clock"));
    if (!t->strategy || !t->scene_text || !clock)
        return bad(r, "header lacks strategy, scene text or clock", NULL);
    if (strcmp(clock, "real") && strcmp(clock, "virtual"))
        return bad(r, "clock is neither 'real' nor 'virtual'", clock);
    t->real = strcmp(clock, "real") == 0;
    return 0;
}

/*
 * Loading parses lines on several threads (jansson's per-line work is most
 * of the cost, and lines are independent) straight into the final event
 * array, then checks them in one ordered pass, so the first problem
 * reported is the first in the file.
 */
enum line_kind { LINE_EVENT, LINE_END_COMPLETE, LINE_END_INCOMPLETE, LINE_BAD };

struct chunk {
    const char *buf;
    const size_t *starts; /* line start offsets; line i ends at starts[i+1] */
    size_t from, to;      /* line indexes [from, to) */
    struct event *ev;     /* line i goes to ev[i - 1] */
    size_t *off;          /* its text's offset in this chunk's arena */
    uint8_t *kind;        /* enum line_kind per line */
    char *arena;
    size_t len, cap;
    int64_t end_events; /* the end line's event count, -1 if it has none */
    size_t bad_line;    /* first bad line, or 0 */
    const char *bad;
    char detail[JSON_ERROR_TEXT_LENGTH];
};

static int chunk_bad(struct chunk *c, size_t line, const char *what, const char *detail)
{
    c->kind[line] = LINE_BAD;
    c->bad_line = line;
    c->bad = what;
    snprintf(c->detail, sizeof c->detail, "%s", detail ? detail : "");
    return -1;
}

/* Reads element i of an event array as an integer. */
static int elem_int(json_t *a, size_t i, int64_t *out)
{
    json_t *v = json_array_get(a, i);
    if (!json_is_integer(v)) return -1;
    *out = json_integer_value(v);
    return 0;
}

static const char bad_kind[] = "unknown event kind";

/* Checks the nine numbers of an event line (v[2] unused: the kind) and
 * fills ev. Returns 0, or -1 with *why saying what is wrong. */
static int event_of_values(int kind, const int64_t v[9], struct event *ev, const char **why)
{
    if (v[3] < -1 || v[3] > 10000000 || v[4] < -1 || v[4] > 4096 || v[5] < -1 || v[5] > INT32_MAX ||
        v[6] < -32768 || v[6] > 32767 || v[0] < 1 || v[1] < 0) {
        *why = "event field out of range";
        return -1;
    }
    /* Bounded so that sums of thousands of them cannot overflow later. */
    if (v[1] > TRACE_MAX_T) {
        *why = "event time out of range (the limit is 1e15 ns)";
        return -1;
    }
    if (v[7] < -TRACE_MAX_T || v[7] > TRACE_MAX_T || v[8] < -TRACE_MAX_T || v[8] > TRACE_MAX_T) {
        *why = "event value out of range (the limit is 1e15)";
        return -1;
    }
    *ev = event_make(kind, v[1], (int)v[3]);
    ev->seq = (uint64_t)v[0];
    ev->cpu = (int32_t)v[4];
    ev->other = (int32_t)v[5];
    ev->reason = (int16_t)v[6];
    ev->value = v[7];
    ev->value2 = v[8];
    return 0;
}

/* Reads an event array into ev (text left NULL); *text is its text value
 * or NULL. Returns 0, or -1 with *why saying what is wrong. */
static int event_of_array(json_t *o, struct event *ev, json_t **text, const char **why)
{
    size_t n = json_array_size(o);
    const char *kind = json_string_value(json_array_get(o, 2));
    int64_t v[9];
    *text = NULL;
    if (n < 9 || n > 10 || !kind) {
        *why = "an event line has 9 or 10 values: seq, t, kind, ...";
        return -1;
    }
    if (event_kind_from_name(kind) < 0) {
        *why = bad_kind;
        return -1;
    }
    for (size_t k = 0; k < 9; k++)
        if (k != 2 && elem_int(o, k, &v[k])) {
            *why = "event field is not a whole number";
            return -1;
        }
    json_t *t = n == 10 ? json_array_get(o, 9) : NULL;
    if (t && !json_is_string(t) && !json_is_string(json_object_get(t, "base64"))) {
        *why = "event text is not a string";
        return -1;
    }
    if (event_of_values(event_kind_from_name(kind), v, ev, why)) return -1;
    *text = t;
    return 0;
}

int trace_parse_event(const char *line, size_t len, struct event *ev, char **text, size_t *cap,
                      const char **why)
{
    json_error_t je;
    json_t *o = json_loadb(line, len, 0, &je);
    if (!json_is_array(o)) {
        json_decref(o);
        *why = "not a JSON event array";
        return -1;
    }
    json_t *t = NULL;
    int rc = event_of_array(o, ev, &t, why);
    if (rc == 0 && t) {
        size_t tl = 0;
        char *decoded = textenc_from_json(t, &tl);
        if (!decoded || memchr(decoded, '\0', tl)) {
            *why = decoded ? "event text holds a NUL byte" : "event text is not a string";
            rc = -1;
        } else {
            *text = xgrow(*text, cap, tl + 1, 1);
            memcpy(*text, decoded, tl + 1);
            ev->text = *text;
        }
        free(decoded);
    }
    json_decref(o);
    return rc;
}

/* The fast path for an event line exactly as juggle writes it:
 * [seq,t,"kind",task,cpu,other,reason,value,value2] or with ,"text" where
 * the text is plain ASCII with no escapes. Returns 1 and fills ev (text
 * left NULL), *tx and *tl (pointing into the line, or NULL); 0 when the
 * line is anything else, for jansson to read (same result, slower). */
static int scan_int(const char **p, const char *end, int64_t *out)
{
    const char *q = *p;
    int neg = q < end && *q == '-';
    q += neg;
    const char *d = q;
    int64_t v = 0;
    while (q < end && *q >= '0' && *q <= '9' && q - d < 18)
        v = v * 10 + (*q++ - '0');
    if (q == d || (*d == '0' && q - d > 1) || (q < end && *q >= '0' && *q <= '9')) return 0;
    *out = neg ? -v : v;
    *p = q;
    return 1;
}

static int scan_event(const char *line, size_t len, struct event *ev, const char **tx, size_t *tl,
                      const char **why)
{
    const char *p = line, *end = line + len;
    while (end > p && (end[-1] == '\n' || end[-1] == '\r'))
        end--;
    int64_t v[9] = {0};
    char kind[32];
    if (p == end || *p++ != '[') return 0;
    for (int k = 0; k < 9; k++) {
        if (k > 0 && (p == end || *p++ != ',')) return 0;
        if (k != 2) {
            if (!scan_int(&p, end, &v[k])) return 0;
            continue;
        }
        if (p == end || *p++ != '"') return 0;
        size_t n = 0;
        while (p < end && n < sizeof kind - 1 && ((*p >= 'a' && *p <= 'z') || *p == '_'))
            kind[n++] = *p++;
        if (p == end || *p++ != '"') return 0;
        kind[n] = '\0';
    }
    *tx = NULL;
    *tl = 0;
    if (p < end && *p == ',') {
        p++;
        if (p == end || *p++ != '"') return 0;
        const char *s0 = p;
        while (p < end && *p != '"') {
            unsigned char ch = (unsigned char)*p;
            if (ch == '\\' || ch < 0x20 || ch >= 0x80) return 0;
            p++;
        }
        if (p == end) return 0;
        *tx = s0;
        *tl = (size_t)(p - s0);
        p++;
    }
    if (p == end || *p++ != ']' || p != end) return 0;
    int k = event_kind_from_name(kind);
    if (k < 0) return 0; /* jansson's path names the kind in the error */
    if (event_of_values(k, v, ev, why)) return -1;
    return 1;
}

static int parse_line(struct chunk *c, size_t i)
{
    const char *line = c->buf + c->starts[i];
    size_t len = c->starts[i + 1] - c->starts[i];
    const char *why = NULL, *stx;
    size_t stl;
    int scanned = scan_event(line, len, &c->ev[i - 1], &stx, &stl, &why);
    if (scanned < 0) return chunk_bad(c, i, why, NULL);
    if (scanned) {
        c->off[i - 1] = SIZE_MAX;
        if (stx) {
            c->arena = xgrow(c->arena, &c->cap, c->len + stl + 1, 1);
            memcpy(c->arena + c->len, stx, stl);
            c->arena[c->len + stl] = '\0';
            c->off[i - 1] = c->len;
            c->len += stl + 1;
        }
        c->kind[i] = LINE_EVENT;
        return 0;
    }
    json_error_t je;
    json_t *o = json_loadb(line, len, 0, &je);
    if (!o || !(json_is_array(o) || json_is_object(o))) {
        json_decref(o);
        return chunk_bad(c, i, "not a JSON event line", o ? NULL : je.text);
    }
    int rc = 0;
    if (json_is_object(o)) {
        const char *e = json_string_value(json_object_get(o, "end"));
        json_t *count = json_object_get(o, "events");
        c->end_events = json_is_integer(count) ? json_integer_value(count) : -1;
        if (count && (!json_is_integer(count) || json_integer_value(count) < 0))
            rc = chunk_bad(c, i, "the end line's event count is not a whole number", NULL);
        else if (e && strcmp(e, "complete") == 0)
            c->kind[i] = LINE_END_COMPLETE;
        else if (e && strcmp(e, "incomplete") == 0)
            c->kind[i] = LINE_END_INCOMPLETE;
        else
            rc = chunk_bad(c, i, "not an event or end line", NULL);
        json_decref(o);
        return rc;
    }
    json_t *text = NULL;
    struct event *ev = &c->ev[i - 1];
    if (event_of_array(o, ev, &text, &why)) {
        rc = chunk_bad(c, i, why, why == bad_kind ? json_string_value(json_array_get(o, 2)) : NULL);
    } else {
        /* A string is used in place; only base64 needs a decoded copy. */
        size_t tl = 0;
        const char *tx = NULL;
        char *decoded = NULL;
        if (json_is_string(text)) {
            tx = json_string_value(text);
            tl = json_string_length(text);
        } else if (text) {
            tx = decoded = textenc_from_json(text, &tl);
        }
        if (text && !tx) {
            rc = chunk_bad(c, i, "event text is not a string", NULL);
        } else if (tx && memchr(tx, '\0', tl)) {
            rc = chunk_bad(c, i, "event text holds a NUL byte", NULL);
        } else {
            c->off[i - 1] = SIZE_MAX;
            if (tx) {
                c->arena = xgrow(c->arena, &c->cap, c->len + tl + 1, 1);
                memcpy(c->arena + c->len, tx, tl);
                c->arena[c->len + tl] = '\0';
                c->off[i - 1] = c->len;
                c->len += tl + 1;
            }
            c->kind[i] = LINE_EVENT;
        }
        free(decoded);
    }
    json_decref(o);
    return rc;
}

static void *parse_chunk(void *arg)
{
    struct chunk *c = arg;
    for (size_t i = c->from; i < c->to; i++)
        if (parse_line(c, i)) break; /* nothing after a bad line matters */
    return NULL;
}

/* Checks event ev (already parsed) against the one before it. */
static int check_event(struct reader *r, const struct event *ev, const struct event *prev,
                       int *ntasks)
{
    if (prev) {
        if (ev->seq <= prev->seq) return bad(r, "events out of order (seq goes back)", NULL);
        if (ev->t < prev->t) return bad(r, "events out of order (time goes back)", NULL);
    } else if (ev->kind != EV_RUN_START) {
        return bad(r, "the first event is not run_start", NULL);
    }
    if (ev->kind == EV_TASK_NEW) {
        if (ev->task != *ntasks) return bad(r, "task ids must be created in order", NULL);
        (*ntasks)++;
    } else if (ev->task >= *ntasks) {
        return bad(r, "event for a task that was never created", NULL);
    }
    if (ev->kind == EV_BLOCK && (ev->reason < 0 || ev->reason >= BLOCK__COUNT))
        return bad(r, "unknown block reason", NULL);
    return 0;
}

#define LOAD_THREADS 2

/* "30.0 GB", "512.0 MB", "999 bytes": sizes as people read them. */
static void human_size(uint64_t n, char *buf, size_t len)
{
    if (n >= 1000000000)
        snprintf(buf, len, "%.1f GB", (double)n / 1e9);
    else if (n >= 1000000)
        snprintf(buf, len, "%.1f MB", (double)n / 1e6);
    else
        snprintf(buf, len, "%llu bytes", (unsigned long long)n);
}

static int too_big(const char *path, uint64_t size, int at_least, struct err *e)
{
    char h[32];
    human_size(size, h, sizeof h);
    return err_set(e, ERR_INPUT, path, 0, "trace is %s%s, over the %d GiB limit",
                   at_least ? "more than " : "", h, (int)(TRACE_MAX_BYTES >> 30));
}

/* Why a file of this type cannot be a trace, or NULL if it can be read:
 * a regular file, or a pipe (read with the cap enforced as it streams). */
static const char *unreadable_type(mode_t m)
{
    if (S_ISREG(m) || S_ISFIFO(m) || S_ISSOCK(m)) return NULL;
    if (S_ISDIR(m)) return "is a directory";
    if (S_ISCHR(m)) return "not a trace file (a character device)";
    if (S_ISBLK(m)) return "not a trace file (a block device)";
    return "not a trace file";
}

static char *read_all(const char *path, size_t *len, struct err *e)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        err_set(e, ERR_IO, path, 0, "cannot open: %s", strerror(errno));
        if (fd >= 0) close(fd);
        return NULL;
    }
    const char *why = unreadable_type(sb.st_mode);
    if (why || (S_ISREG(sb.st_mode) && (uint64_t)sb.st_size > TRACE_MAX_BYTES)) {
        if (why)
            err_set(e, ERR_INPUT, path, 0, "%s", why);
        else
            too_big(path, (uint64_t)sb.st_size, 0, e);
        close(fd);
        return NULL;
    }
    /* Sized from the file where it can be, so a large trace is read in
     * one go instead of through a chain of reallocations. */
    size_t cap = S_ISREG(sb.st_mode) && sb.st_size > 0 ? (size_t)sb.st_size + 1 : 1 << 16;
    size_t n = 0;
    char *buf = xmalloc_large(cap);
    for (;;) {
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
            int bad_read = got < 0 ? errno : 0;
            close(fd);
            if (!bad_read) break;
            free(buf);
            err_set(e, ERR_IO, path, 0, "cannot read: %s", strerror(bad_read));
            return NULL;
        }
        n += (size_t)got;
        if (n > TRACE_MAX_BYTES) { /* a pipe, or a file that grew */
            close(fd);
            free(buf);
            too_big(path, n, 1, e);
            return NULL;
        }
        if (n == cap) {
            cap = cap * 2 > TRACE_MAX_BYTES + 1 ? TRACE_MAX_BYTES + 1 : cap * 2;
            buf = xrealloc(buf, cap);
        }
    }
    *len = n;
    return buf;
}

int trace_sniff(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) return 0;
    struct stat sb;
    char head[64];
    ssize_t n = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) ? read(fd, head, sizeof head - 1) : 0;
    close(fd);
    if (n <= 0) return 0;
    head[n] = '\0';
    return strstr(head, "\"format\":\"" TRACE_FORMAT "\"") != NULL;
}

struct trace *trace_load(const char *path, struct err *e)
{
    size_t len;
    char *buf = read_all(path, &len, e);
    if (!buf) return NULL;
    struct trace *t = xcalloc(1, sizeof *t);
    t->path = xstrdup(path);
    t->end_events = -1;
    struct reader r = {path, 0, e};
    int failed = 0;
    size_t *off = NULL;
    uint8_t *kinds = NULL;

    /* Line starts; a final line without '\n' is a truncated write. */
    size_t nlines = 0, cap = 0;
    size_t *starts = NULL;
    for (size_t at = 0; at < len;) {
        starts = xgrow(starts, &cap, nlines + 2, sizeof *starts);
        starts[nlines++] = at;
        const char *nl = memchr(buf + at, '\n', len - at);
        at = nl ? (size_t)(nl - buf) + 1 : len;
    }
    if (nlines == 0) {
        failed = err_set(e, ERR_INPUT, path, 0, "empty trace");
        goto out;
    }
    starts[nlines] = len;
    int truncated = buf[len - 1] != '\n';
    r.line = 1;
    if (truncated && nlines == 1) {
        failed = bad(&r, "truncated line (the trace was cut off mid-write)", NULL);
        goto out;
    }
    {
        json_error_t je;
        json_t *h = json_loadb(buf, starts[1], 0, &je);
        if (!h || !json_is_object(h))
            failed = bad(&r, "not a JSON object", h ? NULL : je.text);
        else
            failed = read_header(&r, t, h);
        json_decref(h);
        if (failed) goto out;
    }

    /* Lines 2.. in parallel; line i (0-based) holds event i - 1. */
    size_t body = nlines - 1;
    size_t last = truncated ? nlines - 1 : nlines; /* a truncated last line is not parsed */
    t->ev = xmalloc_large((body + 1) * sizeof *t->ev);
    off = xmalloc((body + 1) * sizeof *off);
    kinds = xcalloc(nlines + 1, 1);
    struct chunk chunks[LOAD_THREADS] = {0};
    pthread_t threads[LOAD_THREADS];
    int nthreads = body > 20000 ? LOAD_THREADS : 1;
    for (int i = 0; i < nthreads; i++) {
        chunks[i].buf = buf;
        chunks[i].starts = starts;
        chunks[i].from = 1 + (last - 1) * (size_t)i / (size_t)nthreads;
        chunks[i].to = 1 + (last - 1) * (size_t)(i + 1) / (size_t)nthreads;
        chunks[i].ev = t->ev;
        chunks[i].off = off;
        chunks[i].kind = kinds;
        threads[i] = 0;
        if (i > 0 && pthread_create(&threads[i], NULL, parse_chunk, &chunks[i]) != 0) {
            threads[i] = 0;
            parse_chunk(&chunks[i]);
        }
    }
    parse_chunk(&chunks[0]);
    for (int i = 1; i < nthreads; i++)
        if (threads[i]) pthread_join(threads[i], NULL);

    /* The ordered pass. */
    size_t base[LOAD_THREADS];
    for (int i = 0; i < nthreads; i++) {
        base[i] = t->arena_len;
        t->arena = xgrow(t->arena, &t->arena_cap, t->arena_len + chunks[i].len + 1, 1);
        if (chunks[i].len) memcpy(t->arena + t->arena_len, chunks[i].arena, chunks[i].len);
        t->arena_len += chunks[i].len;
        free(chunks[i].arena);
    }
    int ntasks = 0, ended = 0, ci = 0;
    for (size_t i = 1; i < nlines && !failed; i++) {
        r.line = (int)i + 1;
        while (ci + 1 < nthreads && i >= chunks[ci].to)
            ci++;
        if (i == last) {
            failed = bad(&r, "truncated line (the trace was cut off mid-write)", NULL);
        } else if (ended) {
            failed = bad(&r, "text after the end line", NULL);
        } else if (kinds[i] == LINE_BAD) {
            failed = bad(&r, chunks[ci].bad, chunks[ci].detail[0] ? chunks[ci].detail : NULL);
        } else if (kinds[i] != LINE_EVENT) {
            ended = 1;
            t->complete = kinds[i] == LINE_END_COMPLETE;
            t->end_events = chunks[ci].end_events;
        } else {
            struct event *ev = &t->ev[i - 1];
            failed = check_event(&r, ev, t->n ? &t->ev[t->n - 1] : NULL, &ntasks);
            ev->text = off[i - 1] == SIZE_MAX
                           ? NULL
                           : (const char *)(uintptr_t)(base[ci] + off[i - 1] + 1);
            t->n++;
        }
    }
    if (!failed && !ended) {
        r.line = (int)nlines + 1;
        failed = bad(&r, "no end line (the trace was cut off)", NULL);
    }
    /* Events missing (or added) since the writer counted them. */
    if (!failed && t->end_events >= 0 && (uint64_t)t->end_events != t->n) t->complete = 0;
    /* Texts were kept as offset + 1 until the arena stopped moving. */
    if (!failed)
        for (size_t i = 0; i < t->n; i++)
            if (t->ev[i].text) t->ev[i].text = t->arena + ((uintptr_t)t->ev[i].text - 1);
out:
    free(off);
    free(kinds);
    free(starts);
    free(buf);
    if (failed) {
        trace_free(t);
        return NULL;
    }
    return t;
}

void trace_free(struct trace *t)
{
    if (!t) return;
    free(t->path);
    free(t->version);
    free(t->scene_path);
    free(t->scene_text);
    free(t->strategy);
    free(t->ev);
    free(t->arena);
    free(t);
}

void trace_replay(const struct trace *t, size_t from, size_t to, struct bus *bus)
{
    if (to > t->n) to = t->n;
    for (size_t i = from; i < to; i++) {
        struct event ev = t->ev[i];
        bus_emit(bus, &ev);
    }
}

/*
 * trace: reading JSON Lines traces (trace_write.c writes them).
 *
 * The reader takes the file a chunk at a time and each line in order
 * (trace_line.c reads one line: a scanner for lines as juggle writes them,
 * jansson for the header, the end line and anything else), checks it
 * against the format and the line before it, and hands each event on as
 * soon as it is checked: trace_load keeps them in an array, trace_stream
 * gives them to a bus, so memory need not grow with the trace. The first
 * problem in the file is the one reported. Validation is strict where a
 * wrong trace would replay as a wrong picture (order, kinds, task ids) and
 * lenient where a newer minor version may add things (unknown fields).
 */
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "textenc.h"
#include "trace_line.h"
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

static int too_big(const char *path, uint64_t size, int at_least, uint64_t limit, struct err *e)
{
    char h[32];
    human_size(size, h, sizeof h);
    return err_set(e, ERR_INPUT, path, 0, "trace is %s%s, over the %d GiB limit%s",
                   at_least ? "more than " : "", h, (int)(limit >> 30),
                   limit == TRACE_MAX_BYTES && TRACE_MAX_BYTES < TRACE_MAX_FILE
                       ? " for a pipe (a file may be larger)"
                       : "");
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

/* The input, read a chunk at a time: memory holds the line being read,
 * never the whole file. */
#define LINES_CHUNK ((size_t)1 << 20)

struct lines {
    int fd;
    char *buf;
    size_t cap, beg, end, scan; /* unread: buf[beg, end); no newline in buf[beg, scan) */
    uint64_t total;             /* bytes read so far */
    uint64_t limit;             /* total allowed: TRACE_MAX_FILE, or _BYTES for a pipe */
    int eof;
};

/* Opens path for reading, refusing what cannot be a trace: a directory,
 * a device, a regular file over TRACE_MAX_BYTES. */
static int lines_open(struct lines *s, const char *path, struct err *e)
{
    memset(s, 0, sizeof *s);
    s->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    struct stat sb;
    if (s->fd < 0 || fstat(s->fd, &sb) != 0) {
        err_set(e, ERR_IO, path, 0, "cannot open: %s", strerror(errno));
        if (s->fd >= 0) close(s->fd);
        return -1;
    }
    const char *why = unreadable_type(sb.st_mode);
    s->limit = S_ISREG(sb.st_mode) ? TRACE_MAX_FILE : TRACE_MAX_BYTES;
    if (why || (S_ISREG(sb.st_mode) && (uint64_t)sb.st_size > s->limit)) {
        if (why)
            err_set(e, ERR_INPUT, path, 0, "%s", why);
        else
            too_big(path, (uint64_t)sb.st_size, 0, s->limit, e);
        close(s->fd);
        return -1;
    }
    /* A small file needs no more than its size. */
    s->cap = LINES_CHUNK;
    if (S_ISREG(sb.st_mode) && (uint64_t)sb.st_size < LINES_CHUNK) s->cap = (size_t)sb.st_size + 1;
    if (S_ISREG(sb.st_mode)) posix_fadvise(s->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    s->buf = xmalloc(s->cap);
    return 0;
}

static void lines_close(struct lines *s)
{
    close(s->fd);
    free(s->buf);
}

/* Reads more input behind what is unread, moving that to the front and
 * growing the buffer for a line longer than it. Returns 0, or -1 with e
 * filled (a read error, or more than TRACE_MAX_BYTES from a pipe or a
 * file that grew). */
static int lines_fill(struct lines *s, const char *path, struct err *e)
{
    if (s->beg > 0) {
        memmove(s->buf, s->buf + s->beg, s->end - s->beg);
        s->end -= s->beg;
        s->scan -= s->beg;
        s->beg = 0;
    }
    if (s->end == s->cap) {
        if (s->cap > TRACE_MAX_BYTES)
            return err_set(e, ERR_INPUT, path, 0, "a line is over the %d GiB limit",
                           (int)(TRACE_MAX_BYTES >> 30));
        s->cap = s->cap * 2 > TRACE_MAX_BYTES + 1 ? TRACE_MAX_BYTES + 1 : s->cap * 2;
        s->buf = xrealloc(s->buf, s->cap);
    }
    for (;;) {
        ssize_t got = read(s->fd, s->buf + s->end, s->cap - s->end);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return err_set(e, ERR_IO, path, 0, "cannot read: %s", strerror(errno));
        s->eof = got == 0;
        s->end += (size_t)got;
        s->total += (uint64_t)got;
        if (s->total > s->limit) return too_big(path, s->total, 1, s->limit, e);
        return 0;
    }
}

/* The next line: 1 with *line (len bytes, its newline included when
 * *whole; changeable until the next call), 0 at the end of the input, -1
 * with e filled. */
static int next_line(struct lines *s, const char *path, char **line, size_t *len, int *whole,
                     struct err *e)
{
    for (;;) {
        char *nl = s->scan < s->end ? memchr(s->buf + s->scan, '\n', s->end - s->scan) : NULL;
        if (nl || (s->eof && s->beg < s->end)) {
            size_t stop = nl ? (size_t)(nl - s->buf) + 1 : s->end;
            *line = s->buf + s->beg;
            *len = stop - s->beg;
            *whole = nl != NULL;
            s->beg = s->scan = stop;
            return 1;
        }
        s->scan = s->end;
        if (s->eof) return 0;
        if (lines_fill(s, path, e)) return -1;
    }
}

/* Texts kept for as long as the trace: each distinct text once (a trace
 * repeats its log lines and labels), in blocks that never move, so the
 * events can point at them while the trace is still being read. */
#define TEXT_BLOCK ((size_t)64 << 10)

struct text_block {
    struct text_block *next;
    size_t len, cap;
    char data[];
};

struct trace_texts {
    struct text_block *blocks;
    const char **slot; /* open addressing; NULL: empty */
    size_t nslot, used;
};

static uint64_t text_hash(const char *s, size_t len)
{
    uint64_t h = 14695981039346656037u; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

static void texts_rehash(struct trace_texts *x)
{
    size_t n = x->nslot ? x->nslot * 2 : 1024;
    const char **slot = xcalloc(n, sizeof *slot);
    for (size_t i = 0; i < x->nslot; i++) {
        const char *s = x->slot[i];
        if (!s) continue;
        size_t j = text_hash(s, strlen(s)) & (n - 1);
        while (slot[j])
            j = (j + 1) & (n - 1);
        slot[j] = s;
    }
    free(x->slot);
    x->slot = slot;
    x->nslot = n;
}

/* s[0, len) (no NUL in it) as a kept text. */
static const char *intern(struct trace_texts *x, const char *s, size_t len)
{
    if ((x->used + 1) * 2 > x->nslot) texts_rehash(x);
    size_t j = text_hash(s, len) & (x->nslot - 1);
    for (; x->slot[j]; j = (j + 1) & (x->nslot - 1))
        if (memcmp(x->slot[j], s, len) == 0 && x->slot[j][len] == '\0') return x->slot[j];
    struct text_block *b = x->blocks;
    if (!b || b->cap - b->len < len + 1) {
        size_t cap = len + 1 > TEXT_BLOCK ? len + 1 : TEXT_BLOCK;
        b = xmalloc(sizeof *b + cap);
        b->len = 0;
        b->cap = cap;
        b->next = x->blocks;
        x->blocks = b;
    }
    char *d = b->data + b->len;
    memcpy(d, s, len);
    d[len] = '\0';
    b->len += len + 1;
    x->slot[j] = d;
    x->used++;
    return d;
}

static void texts_free(struct trace_texts *x)
{
    if (!x) return;
    while (x->blocks) {
        struct text_block *b = x->blocks;
        x->blocks = b->next;
        free(b);
    }
    free(x->slot);
    free(x);
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

/* Lines 2.. in order: events to fn, then the end line. The first problem
 * in the file is the one reported. */
static int read_body(struct reader *r, struct lines *s, struct trace *t, sink_fn fn, void *ctx,
                     int keep_texts)
{
    struct event prev = {0};
    int ntasks = 0, ended = 0;
    for (;;) {
        char *line;
        size_t len;
        int whole;
        r->line++;
        int got = next_line(s, r->path, &line, &len, &whole, r->e);
        if (got <= 0) {
            if (got < 0) return -1;
            break;
        }
        if (!whole) return bad(r, "truncated line (the trace was cut off mid-write)", NULL);
        if (ended) return bad(r, "text after the end line", NULL);
        struct trace_line tl;
        int kind = trace_line_parse(line, len, &tl), rc = 0;
        if (kind == LINE_BAD) {
            rc = bad(r, tl.why, tl.detail[0] ? tl.detail : NULL);
        } else if (kind != LINE_EVENT) {
            ended = 1;
            t->complete = kind == LINE_END_COMPLETE;
            t->end_events = tl.end_events;
        } else if ((rc = check_event(r, &tl.ev, t->n ? &prev : NULL, &ntasks)) == 0) {
            prev = tl.ev;
            tl.ev.text = tl.text && keep_texts ? intern(t->texts, tl.text, tl.text_len) : tl.text;
            fn(ctx, &tl.ev);
            t->n++;
        }
        trace_line_done(&tl);
        if (rc) return rc;
    }
    if (!ended) return bad(r, "no end line (the trace was cut off)", NULL);
    /* Events missing (or added) since the writer counted them. */
    if (t->end_events >= 0 && (uint64_t)t->end_events != t->n) t->complete = 0;
    return 0;
}

static struct trace *trace_new(const char *path, int keep_texts)
{
    struct trace *t = xcalloc(1, sizeof *t);
    t->path = xstrdup(path);
    t->end_events = -1;
    if (keep_texts) t->texts = xcalloc(1, sizeof *t->texts);
    return t;
}

/* Reads t->path: the header into t, each event to fn. Returns 0 or -1
 * (e filled). */
static int read_trace(struct trace *t, sink_fn fn, void *ctx, struct err *e)
{
    struct lines s;
    if (lines_open(&s, t->path, e)) return -1;
    struct reader r = {t->path, 1, e};
    char *line;
    size_t len;
    int whole;
    int got = next_line(&s, t->path, &line, &len, &whole, e), failed = got < 0;
    if (got == 0) {
        failed = err_set(e, ERR_INPUT, t->path, 0, "empty trace");
    } else if (got > 0 && !whole) {
        failed = bad(&r, "truncated line (the trace was cut off mid-write)", NULL);
    } else if (got > 0) {
        json_error_t je;
        json_t *h = json_loadb(line, len, 0, &je);
        if (!h || !json_is_object(h))
            failed = bad(&r, "not a JSON object", h ? NULL : je.text);
        else
            failed = read_header(&r, t, h);
        json_decref(h);
    }
    if (!failed) failed = read_body(&r, &s, t, fn, ctx, t->texts != NULL);
    lines_close(&s);
    return failed ? -1 : 0;
}

struct loader {
    struct trace *t;
    size_t cap;
};

static void keep_event(void *ctx, const struct event *ev)
{
    struct loader *l = ctx;
    /* Doubling by realloc: a big array is moved by remapping, not copied. */
    l->t->ev = xgrow(l->t->ev, &l->cap, l->t->n + 1, sizeof *l->t->ev);
    l->t->ev[l->t->n] = *ev;
}

struct trace *trace_load(const char *path, struct err *e)
{
    struct trace *t = trace_new(path, 1);
    struct loader l = {t, 0};
    if (read_trace(t, keep_event, &l, e)) {
        trace_free(t);
        return NULL;
    }
    return t;
}

struct trace *trace_each(const char *path, sink_fn fn, void *ctx, int keep_texts, struct err *e)
{
    struct trace *t = trace_new(path, keep_texts);
    if (read_trace(t, fn, ctx, e)) {
        trace_free(t);
        return NULL;
    }
    return t;
}

static void emit_event(void *ctx, const struct event *ev)
{
    struct event copy = *ev;
    if (ctx) bus_emit(ctx, &copy);
}

struct trace *trace_stream(const char *path, struct bus *bus, int keep_texts, struct err *e)
{
    return trace_each(path, emit_event, bus, keep_texts, e);
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
    texts_free(t->texts);
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

int trace_rereadable(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

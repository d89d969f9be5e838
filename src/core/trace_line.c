/*
 * trace_line: what one line of a trace's body says. A line exactly as
 * juggle writes it ([seq,t,"kind",task,cpu,other,reason,value,value2] and
 * maybe a plain ASCII text) goes through a scanner that reads it in place;
 * any other line through jansson, with the same result and the same
 * checks (trace_load's reader and juggle watch's trace_parse_event share
 * them). Nothing here keeps state between lines: the order checks are the
 * reader's.
 */
#include "trace_line.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textenc.h"
#include "trace.h"
#include "xalloc.h"

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
        *why = "event time out of range (the limit is 2e18 ns)";
        return -1;
    }
    if (v[7] < -TRACE_MAX_T || v[7] > TRACE_MAX_T || v[8] < -TRACE_MAX_T || v[8] > TRACE_MAX_T) {
        *why = "event value out of range (the limit is 2e18)";
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
    const char *d = q, *lim = end - q > 18 ? q + 18 : end;
    int64_t v = 0;
    while (q < lim && (unsigned)(*q - '0') < 10)
        v = v * 10 + (*q++ - '0');
    if (q == d || (*d == '0' && q - d > 1) || (q < end && *q >= '0' && *q <= '9')) return 0;
    *out = neg ? -v : v;
    *p = q;
    return 1;
}

/* The kind named s[0, n), or -1: names compared by length and first
 * letter before their bytes (most lines are one of a few kinds). */
static int scan_kind(const char *s, size_t n)
{
    static const char *const names[] = {
#define X(name, str) str,
        EVENT_KINDS(X)
#undef X
    };
    static const unsigned char lens[] = {
#define X(name, str) sizeof str - 1,
        EVENT_KINDS(X)
#undef X
    };
    for (int k = 0; k < EV__COUNT; k++)
        if (lens[k] == n && names[k][0] == s[0] && memcmp(names[k], s, n) == 0) return k;
    return -1;
}

static int scan_event(const char *line, size_t len, struct event *ev, const char **tx, size_t *tl,
                      const char **why)
{
    const char *p = line, *end = line + len;
    while (end > p && (end[-1] == '\n' || end[-1] == '\r'))
        end--;
    int64_t v[9] = {0};
    int kind = -1;
    if (p == end || *p++ != '[') return 0;
    for (int k = 0; k < 9; k++) {
        if (k > 0 && (p == end || *p++ != ',')) return 0;
        if (k != 2) {
            if (!scan_int(&p, end, &v[k])) return 0;
            continue;
        }
        if (p == end || *p++ != '"') return 0;
        const char *k0 = p;
        while (p < end && p - k0 < 31 && ((*p >= 'a' && *p <= 'z') || *p == '_'))
            p++;
        if (p == end || *p != '"' || p == k0) return 0;
        kind = scan_kind(k0, (size_t)(p++ - k0));
        if (kind < 0) return 0; /* jansson's path names the kind in the error */
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
    if (event_of_values(kind, v, ev, why)) return -1;
    return 1;
}

int trace_parse_event(const char *line, size_t len, struct event *ev, char **text, size_t *cap,
                      const char **why)
{
    const char *stx;
    size_t stl;
    int scanned = scan_event(line, len, ev, &stx, &stl, why);
    if (scanned < 0) return -1;
    if (scanned) {
        if (stx) {
            *text = xgrow(*text, cap, stl + 1, 1);
            memcpy(*text, stx, stl);
            (*text)[stl] = '\0';
            ev->text = *text;
        }
        return 0;
    }
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

static int line_bad(struct trace_line *out, const char *why, const char *detail)
{
    out->why = why;
    snprintf(out->detail, sizeof out->detail, "%s", detail ? detail : "");
    return LINE_BAD;
}

/* An end line: {"end":"complete"|"incomplete","events":N}. */
static int end_line(json_t *o, struct trace_line *out)
{
    const char *e = json_string_value(json_object_get(o, "end"));
    json_t *count = json_object_get(o, "events");
    out->end_events = json_is_integer(count) ? json_integer_value(count) : -1;
    if (count && (!json_is_integer(count) || json_integer_value(count) < 0))
        return line_bad(out, "the end line's event count is not a whole number", NULL);
    if (e && strcmp(e, "complete") == 0) return LINE_END_COMPLETE;
    if (e && strcmp(e, "incomplete") == 0) return LINE_END_INCOMPLETE;
    return line_bad(out, "not an event or end line", NULL);
}

/* The text of an event line read by jansson: a string is used in place;
 * only base64 needs a decoded copy. */
static int event_text(json_t *text, struct trace_line *out)
{
    size_t tl = 0;
    const char *tx = NULL;
    if (json_is_string(text)) {
        tx = json_string_value(text);
        tl = json_string_length(text);
    } else if (text) {
        tx = out->decoded = textenc_from_json(text, &tl);
    }
    if (text && !tx) return line_bad(out, "event text is not a string", NULL);
    if (tx && memchr(tx, '\0', tl)) return line_bad(out, "event text holds a NUL byte", NULL);
    out->text = tx;
    out->text_len = tl;
    return LINE_EVENT;
}

int trace_line_parse(char *line, size_t len, struct trace_line *out)
{
    const char *why = NULL, *stx;
    size_t stl;
    out->text = NULL;
    out->text_len = 0;
    out->hold = NULL;
    out->decoded = NULL;
    int scanned = scan_event(line, len, &out->ev, &stx, &stl, &why);
    if (scanned < 0) return line_bad(out, why, NULL);
    if (scanned) {
        if (stx) {
            line[stx - line + stl] = '\0'; /* the closing quote */
            out->text = stx;
            out->text_len = stl;
        }
        return LINE_EVENT;
    }
    json_error_t je;
    json_t *o = json_loadb(line, len, 0, &je);
    if (!o || !(json_is_array(o) || json_is_object(o))) {
        json_decref(o);
        return line_bad(out, "not a JSON event line", o ? NULL : je.text);
    }
    out->hold = o;
    if (json_is_object(o)) return end_line(o, out);
    json_t *text = NULL;
    if (event_of_array(o, &out->ev, &text, &why))
        return line_bad(out, why, why == bad_kind ? json_string_value(json_array_get(o, 2)) : NULL);
    return event_text(text, out);
}

void trace_line_done(struct trace_line *out)
{
    if (!out->hold && !out->decoded) return; /* a scanned line */
    json_decref(out->hold);
    free(out->decoded);
    out->hold = NULL;
    out->decoded = NULL;
}

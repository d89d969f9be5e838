/*
 * trace_line: one line of a trace's body read into what it says (an
 * event, the end line, or what is wrong with it). Internal to the trace
 * reader (trace.c) and trace_parse_event; see trace.h for the format.
 */
#ifndef JUGGLE_TRACE_LINE_H
#define JUGGLE_TRACE_LINE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

enum line_kind { LINE_EVENT, LINE_END_COMPLETE, LINE_END_INCOMPLETE, LINE_BAD };

struct trace_line {
    struct event ev;                     /* LINE_EVENT: the event, its text NULL */
    const char *text;                    /* ... and its text, NUL-terminated, or NULL */
    size_t text_len;                     /* (a text holds no NUL byte) */
    int64_t end_events;                  /* an end line's event count, -1 if it gives none */
    const char *why;                     /* LINE_BAD: what is wrong */
    char detail[JSON_ERROR_TEXT_LENGTH]; /* ... and its detail, or "" */
    json_t *hold;                        /* what text points into, if jansson's */
    char *decoded;                       /* a decoded base64 text */
};

/*
 * Reads line[0, len) (its newline included or not) into *out and returns
 * its kind. The line may be changed: a text read in place is ended with a
 * NUL there. Lines exactly as juggle writes them go through a scanner;
 * anything else through jansson, with the same result. Call
 * trace_line_done after using out->text.
 */
int trace_line_parse(char *line, size_t len, struct trace_line *out);
void trace_line_done(struct trace_line *out);

#endif

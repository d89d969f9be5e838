/*
 * textenc: carrying text that may not be UTF-8 through JSON.
 *
 * Scenes are bytes: a comment, a task name or a log line may hold bytes that
 * are not UTF-8, and JSON strings (and jansson) take UTF-8 only. Traces must
 * keep every byte, so a text that is not UTF-8 is stored as base64 (as an
 * object {"base64":"..."} where a string would be, or a KEY_base64 field
 * beside a readable KEY); reports meant for people and tools (`--json`) show
 * each bad byte as the four characters \xNN instead.
 */
#ifndef JUGGLE_TEXTENC_H
#define JUGGLE_TEXTENC_H

#include <jansson.h>
#include <stddef.h>

/* 1 if s[0..n) is valid UTF-8 as jansson accepts it (no overlong forms,
 * surrogates or code points past U+10FFFF), else 0. */
int textenc_is_utf8(const char *s, size_t n);

/* The base64 (RFC 4648, padded) of p[0..n). The caller frees it. */
char *textenc_base64(const void *p, size_t n);
/* Decodes base64 s[0..n) into a new NUL-terminated buffer (caller frees),
 * its length in *len. Returns NULL if s is not base64. */
char *textenc_unbase64(const char *s, size_t n, size_t *len);

/* s with every byte that is not part of valid UTF-8 written as \xNN: a
 * valid UTF-8 string the caller frees. */
char *textenc_escape(const char *s);
/* A JSON string for s: s itself when valid, else textenc_escape(s). */
json_t *textenc_json_escaped(const char *s);

/* Appends s as a JSON value to buf (xgrow'n, *len and *cap updated): a
 * JSON string when s is UTF-8, else {"base64":"..."}. */
void textenc_append_json(char **buf, size_t *len, size_t *cap, const char *s);
/* Reads a value written by textenc_append_json (or any JSON string) into a
 * new buffer (caller frees), its length in *len. NULL if v is neither. */
char *textenc_from_json(const json_t *v, size_t *len);

#endif

/*
 * xalloc: allocation that never returns NULL. Out-of-memory is not a
 * condition juggle can recover from in a useful way, so these abort with a
 * message instead of making every caller check.
 */
#ifndef JUGGLE_XALLOC_H
#define JUGGLE_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows an array to hold at least `need` elements of `size` bytes,
 * doubling; *cap is updated. */
void *xgrow(void *p, size_t *cap, size_t need, size_t size);
/* xmalloc for a buffer of many megabytes that is written once (a trace
 * being loaded): asks the kernel for transparent huge pages where it
 * offers them on request, which saves most of the page faults. Free with
 * free(). */
void *xmalloc_large(size_t n);
/* Maps the pages of n bytes at p, about to be written, in one call rather
 * than one fault each (advice: does nothing below 1 MiB or where the
 * kernel cannot). */
void xprefault(void *p, size_t n);
/* xmalloc aligned to align bytes (a power of two, a multiple of
 * sizeof(void *)); free with free(). */
void *xaligned(size_t align, size_t n);
char *xstrdup(const char *s);
/* Copies for checkpoints, adding what they take to *bytes: n elements of
 * size bytes (NULL for none), and a string (NULL for NULL). */
void *xdup_counted(const void *p, size_t n, size_t size, size_t *bytes);
char *xstrdup_counted(const char *s, size_t *bytes);
char *xstrndup(const char *s, size_t n);
/* printf into a freshly allocated string owned by the caller. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif

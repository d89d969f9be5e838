/*
 * xalloc: abort-on-failure wrappers around the C allocator.
 */
#include "xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>

static void oom(size_t n)
{
    fprintf(stderr, "juggle: out of memory (%zu bytes)\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) oom(n);
    return p;
}

void *xaligned(size_t align, size_t n)
{
    void *p = NULL;
    if (posix_memalign(&p, align, n ? n : 1) != 0) oom(n);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) oom(count * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) oom(n);
    return q;
}

void *xgrow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return p;
    size_t c = *cap ? *cap : 8;
    while (c < need)
        c *= 2;
    *cap = c;
    return xrealloc(p, c * size);
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) abort();
    char *s = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

void xprefault(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
    enum { PAGE = 4096 };
    uintptr_t from = ((uintptr_t)p + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
    uintptr_t to = ((uintptr_t)p + n) & ~(uintptr_t)(PAGE - 1);
    if (n >= ((size_t)1 << 20) && to > from) madvise((void *)from, to - from, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)n;
#endif
}

void *xmalloc_large(size_t n)
{
    void *p = xmalloc(n);
#ifdef MADV_HUGEPAGE
    enum { HUGE = 2 * 1024 * 1024 };
    if (n >= 4 * (size_t)HUGE) {
        uintptr_t from = ((uintptr_t)p + HUGE - 1) & ~(uintptr_t)(HUGE - 1);
        uintptr_t to = ((uintptr_t)p + n) & ~(uintptr_t)(HUGE - 1);
        if (to > from) madvise((void *)from, to - from, MADV_HUGEPAGE); /* advice only */
    }
#endif
    return p;
}

void *xdup_counted(const void *p, size_t n, size_t size, size_t *bytes)
{
    if (!p || !n) return NULL;
    void *q = xmalloc(n * size);
    memcpy(q, p, n * size);
    *bytes += n * size;
    return q;
}

char *xstrdup_counted(const char *s, size_t *bytes)
{
    if (!s) return NULL;
    *bytes += strlen(s) + 1;
    return xstrdup(s);
}

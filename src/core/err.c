/*
 * err: filling and printing struct err.
 */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(struct err *e, int code, const char *file, int line, const char *fmt, ...)
{
    if (!e) return code;
    e->code = code;
    snprintf(e->file, sizeof e->file, "%s", file ? file : "");
    e->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return code;
}

void err_print(const struct err *e)
{
    if (e->file[0] && e->line > 0)
        fprintf(stderr, "juggle: %s:%d: %s\n", e->file, e->line, e->msg);
    else if (e->file[0])
        fprintf(stderr, "juggle: %s: %s\n", e->file, e->msg);
    else
        fprintf(stderr, "juggle: %s\n", e->msg);
}

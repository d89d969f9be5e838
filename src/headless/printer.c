/*
 * printer: LOG events to a stream, as the program would have printed them.
 * A failed write is remembered with its errno: stdio only reports that
 * the stream failed, and by the time main checks, errno is long gone.
 */
#include "headless/printer.h"

#include <errno.h>

static int first_errno;

void printer_sink(void *ctx, const struct event *ev)
{
    if (ev->kind != EV_LOG) return;
    FILE *out = ctx;
    if (ferror(out)) return;
    if (fputs(ev->text ? ev->text : "", out) == EOF || fputc('\n', out) == EOF)
        printer_note_error(errno);
}

void printer_note_error(int err)
{
    if (!first_errno) first_errno = err ? err : EIO;
}

int printer_error(void)
{
    return first_errno;
}

/*
 * printer: LOG events to a stream, as the program would have printed them.
 */
#include "headless/printer.h"

void printer_sink(void *ctx, const struct event *ev)
{
    if (ev->kind != EV_LOG) return;
    FILE *out = ctx;
    fputs(ev->text ? ev->text : "", out);
    fputc('\n', out);
}

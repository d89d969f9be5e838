/*
 * printer: the headless sink that prints what the article's program
 * prints: the text of every LOG event, one line each, nothing more.
 */
#ifndef JUGGLE_PRINTER_H
#define JUGGLE_PRINTER_H

#include <stdio.h>

#include "core/event.h"

/* Sink: ctx is the FILE * to print to. */
void printer_sink(void *ctx, const struct event *ev);
/* errno of the first failed write to the output (seen by the sink or
 * noted with printer_note_error), else 0. */
int printer_error(void);
void printer_note_error(int err);

#endif

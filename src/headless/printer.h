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

#endif

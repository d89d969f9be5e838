/*
 * overlays: help, compare, task detail (boxes centred over the body) and
 * the scene picker. Each reads the app and draws onto the canvas.
 */
#ifndef JUGGLE_OVERLAYS_H
#define JUGGLE_OVERLAYS_H

#include "ui/app.h"
#include "ui/canvas.h"

void overlays_help(struct canvas *c, struct app *a);
void overlays_compare(struct canvas *c, struct app *a);
void overlays_detail(struct canvas *c, struct app *a);
void overlays_picker(struct canvas *c, struct app *a);
/* Every glyph the screen can show, with what it means (key g). */
void overlays_legend(struct canvas *c, struct app *a);

#endif

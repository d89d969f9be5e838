/*
 * panels: draws the whole screen for an app state onto a canvas: header
 * (title, strategy tabs, clock, speed, state, sim/real), timeline, log,
 * totals, the overlays (help, compare, task detail), the scene picker, the
 * status line, and the "too small" notice. Drawing reads the model only;
 * it records where the tabs and task rows landed (for mouse clicks) and
 * keeps the followed view in step with the play head.
 */
#ifndef JUGGLE_PANELS_H
#define JUGGLE_PANELS_H

#include "ui/app.h"
#include "ui/canvas.h"

/* The smallest screen drawn normally. */
#define PANELS_MIN_COLS 20
#define PANELS_MIN_ROWS 6

void panels_draw(struct canvas *c, struct app *a);

#endif

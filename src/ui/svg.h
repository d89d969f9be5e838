/*
 * svg: a canvas as a standalone SVG picture, for slides and blog posts
 * (`juggle export TRACE --svg OUT.svg`, `juggle run SCENE --svg OUT.svg`).
 * It is the TUI's own screen (timeline, legend, totals, log), so the
 * picture is exactly what the view shows: each cell at its place in a
 * monospace grid, in the colour its role has on a 256-colour terminal.
 * Block glyphs (█ ▌ ▒ ░ ╱ and the queue's ▁…█) are drawn as rectangles so
 * they tile without gaps whatever font the viewer has; each lane is a
 * group with its name (class "lane"), so tools and tests can find them.
 */
#ifndef JUGGLE_SVG_H
#define JUGGLE_SVG_H

#include <stdio.h>

#include "ui/canvas.h"

/* Writes the canvas's rows [y0, y1) as an SVG document titled title.
 * lane[y] (NULL, or NULL entries) names the lane drawn on row y: that row
 * becomes <g class="lane" data-lane="NAME">. Returns 0, or -1 if writing
 * failed. */
int svg_write(const struct canvas *c, int y0, int y1, const char *const *lane, const char *title,
              FILE *out);

#endif

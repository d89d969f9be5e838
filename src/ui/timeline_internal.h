/*
 * timeline_internal: what the timeline's files share (timeline.c draws the
 * box, the axis and the task, queue and CPU lanes; timeline_balance.c the
 * checkbook's balance lane): where the lanes' cells are and the time each
 * column stands for.
 */
#ifndef JUGGLE_TIMELINE_INTERNAL_H
#define JUGGLE_TIMELINE_INTERNAL_H

#include <stdint.h>

#include "ui/app.h"
#include "ui/canvas.h"

/* A lane's geometry: its label column from x (lw cells, the name nw), then
 * tw cells of timeline; column col covers [t0 + col * npc, + npc); cur is
 * the play head's column (-1 left of the view). */
struct lane_geom {
    int x, lw, tw, nw;
    int64_t t0, npc;
    int cur;
};

/* The checkbook's shared balance on row y. */
void timeline_draw_balance(struct canvas *c, struct app *a, const struct lane_geom *g, int y);

#endif

/*
 * timeline_internal: what the timeline's files share (timeline.c draws the
 * box, the axis and the task, queue and CPU lanes; timeline_balance.c the
 * checkbook's balance lane; timeline_cursor.c the time cursor and its
 * readouts): where the lanes' cells are and the time each column stands
 * for.
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

/* Where a lane landed: a task's (index = task), the queue's, the
 * balance's or a CPU's (index = cpu), from row y, rows high. */
enum { TL_TASK, TL_QUEUE, TL_BALANCE, TL_CPU };
struct timeline_lane {
    int kind, index, y, rows;
};

/* The checkbook's shared balance on row y. */
void timeline_draw_balance(struct canvas *c, struct app *a, const struct lane_geom *g, int y);

/* The one-line legend (timeline_legend.c), up to rows rows from x, y. */
void timeline_draw_legend(struct canvas *c, struct app *a, int x, int y, int w, int rows);

/* The time cursor over the lanes (axis row axis_y), and beside it each
 * lane's readout at the cursor's time. */
void timeline_draw_cursor(struct canvas *c, struct app *a, const struct lane_geom *g, int axis_y,
                          const struct timeline_lane *lanes, int n);

#endif

/*
 * timeline_cursor: the time cursor drawn over the timeline (`i`, the
 * arrows, a click): a vertical line through the axis and every lane at
 * the cursor's column, and beside it a readout a lane — a task's state,
 * what it waits for and since when; what each CPU runs; the balance's
 * last read or write; the requests waiting — on the lane's first row (a
 * thick lane's cells are repeated on its other rows, so nothing of the
 * picture is lost; a thin lane gives up the cells beside the line). The
 * block goes right of the line when it fits there, else on the side with
 * more room. The words are app_cursor.c's, from the run model as it was
 * at the cursor.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#include "ui/theme.h"
#include "ui/timeline.h"
#include "ui/timeline_internal.h"

#define READOUT_MAX 256

static void lane_readout(struct app *a, const struct timeline_lane *l, struct app_readout *r)
{
    switch (l->kind) {
    case TL_TASK: app_readout_task(a, l->index, r); break;
    case TL_QUEUE: app_readout_queue(a, r); break;
    case TL_BALANCE: app_readout_balance(a, r); break;
    default: app_readout_cpu(a, l->index, r); break;
    }
}

/* The lane's readout as it is drawn: on one row "what, since 8.0"; a lane
 * of two rows or more puts "since 8.0" on the second. Within maxw cells
 * (maxw < 0: any), clauses are dropped from the end of `what` (", holding
 * its thread"), then its last words give way to "…", so that the time
 * since stays whole. */
static void compose(const struct app_readout *r, int two_rows, int maxw, char *row0, char *row1)
{
    char what[sizeof r->what];
    snprintf(what, sizeof what, "%s", r->what);
    const char *tail = ""; /* "…" once words were dropped */
    int one_row = r->since[0] && !two_rows;
    for (;;) {
        if (one_row)
            snprintf(row0, READOUT_MAX, "%s%s, since %s", what, tail, r->since);
        else
            snprintf(row0, READOUT_MAX, "%s%s", what, tail);
        if (maxw < 0 || canvas_width(row0) <= maxw) break;
        char *cut = strrchr(what, ','); /* a clause first */
        if (!cut) {
            cut = strrchr(what, ' '); /* then a word */
            tail = theme_utf8() ? "\u2026" : "...";
        }
        if (!cut) break; /* one word: clipped at the edge */
        *cut = 0;
    }
    if (two_rows && r->since[0])
        snprintf(row1, READOUT_MAX, "since %s", r->since);
    else
        row1[0] = 0;
}

/* The vertical line at col through rows axis_y to bottom - 1. */
static void draw_line(struct canvas *c, struct app *a, int x, int axis_y, int bottom)
{
    for (int y = axis_y; y < bottom; y++)
        canvas_put(c, x, y, THEME_SELECTED, legend_glyph(LEG_TCURSOR), 1);
    timeline_use(a, LEG_TCURSOR);
}

void timeline_draw_cursor(struct canvas *c, struct app *a, const struct lane_geom *g, int axis_y,
                          const struct timeline_lane *lanes, int n)
{
    int64_t t = app_readout_time(a);
    int col = t >= g->t0 && t < g->t0 + g->npc * g->tw ? (int)((t - g->t0) / g->npc) : -1;
    int x0 = g->x + g->lw;
    int bottom = n ? lanes[n - 1].y + lanes[n - 1].rows : axis_y + 1;
    if (col >= 0) draw_line(c, a, x0 + col, axis_y, bottom);
    if (n <= 0) return;
    struct app_readout *r = xmalloc((size_t)n * sizeof *r);
    char row0[READOUT_MAX], row1[READOUT_MAX];
    int widest = 0;
    for (int i = 0; i < n; i++) {
        lane_readout(a, &lanes[i], &r[i]);
        compose(&r[i], lanes[i].rows > 1, -1, row0, row1);
        int w = canvas_width(row0) > canvas_width(row1) ? canvas_width(row0) : canvas_width(row1);
        if (w > widest) widest = w;
    }
    /* A space each side; right of the line when it fits or that side has
     * more room (or the cursor is out of the view: from the left edge). */
    int w = widest + 2;
    int room_right = g->tw - (col + 1), room_left = col;
    int right = col < 0 || room_right >= w || room_right >= room_left;
    int room = right ? room_right : room_left;
    if (w > room) w = room;
    int x = right ? x0 + col + 1 : x0 + col - w;
    for (int i = 0; i < n && w > 2; i++) {
        compose(&r[i], lanes[i].rows > 1, w - 2, row0, row1);
        for (int k = 0; k < 2; k++) {
            const char *text = k ? row1 : row0;
            if (k && !text[0]) break;
            canvas_fill(c, x, lanes[i].y + k, w, 1, THEME_NORMAL, " ");
            canvas_put(c, x + 1, lanes[i].y + k, THEME_NORMAL, text, w - 2);
        }
    }
    free(r);
}

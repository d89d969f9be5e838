/*
 * timeline_legend: what every glyph of the timeline means — the table the
 * one-line legend under the lanes and the `g` overlay both come from — and
 * the one-line legend itself: the glyphs drawn in this frame first (so
 * every glyph on screen is explained), then the others while they fit,
 * then "g all".
 */
#include "ui/theme.h"
#include "ui/timeline.h"
#include "ui/timeline_internal.h"

const struct legend_item legend_items[LEG__COUNT] = {
    [LEG_RUNNING] = {GLYPH_RUNNING, NULL, THEME_RUNNING, "running", "running on a CPU"},
    [LEG_RUN_PART] = {GLYPH_RUN_PART, NULL, THEME_RUNNING, "ran part",
                      "ran for part of the cell (or an instant)"},
    [LEG_READY] = {GLYPH_READY, NULL, THEME_READY, "ready", "ready: waiting for a CPU"},
    [LEG_HELD] = {GLYPH_HELD, NULL, THEME_HELD, "held",
                  "CPU held by a task blocked in a call that keeps its thread"},
    [LEG_SLEEP] = {GLYPH_SLEEP, NULL, THEME_SLEEP, "sleep", "blocked: sleeping"},
    [LEG_IO] = {GLYPH_IO, NULL, THEME_IO, "I/O",
                "blocked: waiting for I/O, a response or an outside event"},
    [LEG_LOCK] = {GLYPH_LOCK, NULL, THEME_LOCK, "lock", "blocked: waiting for a lock"},
    [LEG_POLL_WAIT] = {GLYPH_POLL_WAIT, NULL, THEME_POLL_WAIT, "poll-wait",
                       "done, waiting for the next check to notice"},
    [LEG_QUEUE] = {GLYPH_QUEUE, NULL, THEME_QUEUE, "queue", "waiting for work from the queue"},
    [LEG_CHECK_WASTED] = {GLYPH_CHECK_WASTED, NULL, THEME_CHECK, "wasted check",
                          "a poll check that found nothing"},
    [LEG_CHECK_USEFUL] = {GLYPH_CHECK_USEFUL, NULL, THEME_CHECK, "useful check",
                          "a poll check that found the work done"},
    [LEG_RACE] = {GLYPH_RACE, NULL, THEME_ERROR, "lost update", "a lost update (race)"},
    [LEG_VAR_READ] = {-1, "R", THEME_NORMAL, "read",
                      "balance lane: a task reads the shared value (R 1000)"},
    [LEG_VAR_WRITE] = {-1, "W", THEME_NORMAL, "write",
                       "balance lane: a task writes it back (W 100)"},
    [LEG_VAR_WRITES] = {GLYPH_VAR_WRITES, NULL, THEME_NORMAL, "several, a write",
                        "balance lane: several in one cell, a write among them (its value)"},
    [LEG_VAR_READS] = {GLYPH_VAR_READS, NULL, THEME_NORMAL, "several reads",
                       "balance lane: several reads in one cell (z zooms in)"},
    [LEG_DEADLOCK] = {GLYPH_DEADLOCK, NULL, THEME_ERROR, "deadlock",
                      "member of a deadlock (a cycle of waits)"},
    [LEG_WARN] = {GLYPH_WARN, NULL, THEME_WARN, "warn", "a warning: Enter on the task says"},
    [LEG_CPU_TAG] = {-1, "A", THEME_RUNNING, "on CPU",
                     "CPU lane: the task on it (first letter, else last, else a digit or capital)"},
    [LEG_CPU_CHECK] =
        {GLYPH_CPU_CHECK, NULL, THEME_CHECK, "check",
         "CPU lane: the polling loop checking on a task (each check costs check_cost)"},
    [LEG_IDLE] = {GLYPH_IDLE, NULL, THEME_DIM, "idle", "CPU idle (queue lane: nobody waiting)"},
    [LEG_SWITCH] = {GLYPH_SWITCH, NULL, THEME_SWITCH, "switch", "a context switch in the cell"},
    [LEG_LEVELS] = {-1, NULL, THEME_QUEUE, "waiting",
                    "queue lane: requests arrived, not yet started (scale on the left)"},
    [LEG_CURSOR] = {-1, NULL, THEME_CURSOR, "now", "the play head (on the axis; its column)"},
    [LEG_TCURSOR] = {GLYPH_TCURSOR, NULL, THEME_SELECTED, "cursor",
                     "the time cursor (i, or a click): each lane's readout is for its time"},
    [LEG_SELECT] = {GLYPH_SELECT, NULL, THEME_SELECTED, "selected",
                    "the selected task (Up/Down, Enter for its detail)"},
    [LEG_FAILED] = {-1, "!", THEME_ERROR, "failed", "session: that run failed"},
};

const char *legend_glyph(int entry)
{
    if (entry < 0 || entry >= LEG__COUNT) return "?";
    const struct legend_item *it = &legend_items[entry];
    if (entry == LEG_LEVELS)
        return theme_utf8() ? "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588" : "1-8";
    if (entry == LEG_CURSOR) return theme_utf8() ? "\u25bc" : "v";
    return it->glyph >= 0 ? theme_glyph(it->glyph) : it->text_glyph;
}

/* The glyphs used in this frame first, then the others while they fit; a
 * pointer to `g` when some do not. Up to rows rows. */
void timeline_draw_legend(struct canvas *c, struct app *a, int x, int y, int w, int rows)
{
    int order[LEG__COUNT], n = 0;
    /* The time cursor first while it is on: the user just asked for it. */
    if ((a->legend_used >> LEG_TCURSOR) & 1) order[n++] = LEG_TCURSOR;
    for (int pass = 0; pass < 2; pass++)
        for (int e = 0; e < LEG__COUNT; e++) {
            int used = (a->legend_used >> e) & 1;
            if (used == !pass && e != LEG_CURSOR && e != LEG_SELECT && e != LEG_FAILED &&
                !(e == LEG_TCURSOR && used))
                order[n++] = e;
        }
    int cx = x, row = 0, shown = 0;
    const char *more = "g all";
    int mw = canvas_width(more);
    /* When the glyphs on screen do not fit on one row two spaces apart,
     * one space apart. */
    int gap = 2, wide = mw;
    for (int i = 0; i < n; i++)
        if ((a->legend_used >> order[i]) & 1)
            wide += canvas_width(legend_glyph(order[i])) + 1 +
                    canvas_width(legend_items[order[i]].name) + 2;
    if (rows == 1 && wide > w) gap = 1;
    for (int i = 0; i < n; i++) {
        const struct legend_item *it = &legend_items[order[i]];
        const char *gl = legend_glyph(order[i]);
        int need = canvas_width(gl) + 1 + canvas_width(it->name) + gap;
        int last = row == rows - 1;
        if (cx + need + (last && i + 1 < n ? mw : 0) > x + w) {
            if (last) break;
            row++;
            cx = x;
        }
        cx += canvas_put(c, cx, y + row, it->role, gl, -1);
        cx += canvas_put(c, cx, y + row, THEME_DIM, " ", 1);
        cx += canvas_put(c, cx, y + row, THEME_DIM, it->name, -1);
        cx += canvas_put(c, cx, y + row, THEME_DIM, "  ", gap);
        shown++;
    }
    if (shown < n) canvas_put(c, x + w - mw, y + row, THEME_TAB_KEY, more, mw);
}

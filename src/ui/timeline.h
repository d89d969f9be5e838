/*
 * timeline: the timeline box. An axis with the play head, one lane per
 * task (thicker when there is room), the web server's queue-length lane,
 * the CPU lanes (pinned: they stay when tasks do not fit), and a legend of
 * the glyphs drawn. When tasks do not fit, the lanes show the active ones
 * (started and not finished at the play head), then the latest finished,
 * and always the selected task; ↑/↓ move through all of them.
 *
 * The legend lists first the glyphs this frame used, so every glyph on
 * screen is explained; `g` shows all of them (legend_entries).
 */
#ifndef JUGGLE_TIMELINE_H
#define JUGGLE_TIMELINE_H

#include <stdint.h>

#include "ui/app.h"
#include "ui/canvas.h"

/* The most rows one task lane takes when there is room. */
#define TIMELINE_MAX_THICK 20

/* Legend entries, in the order they are listed. */
enum legend_entry {
    LEG_RUNNING,
    LEG_RUN_PART,
    LEG_READY,
    LEG_HELD,
    LEG_SLEEP,
    LEG_IO,
    LEG_LOCK,
    LEG_POLL_WAIT,
    LEG_QUEUE,
    LEG_CHECK_WASTED,
    LEG_CHECK_USEFUL,
    LEG_RACE,
    LEG_VAR_READ,
    LEG_VAR_WRITE,
    LEG_VAR_WRITES,
    LEG_VAR_READS,
    LEG_DEADLOCK,
    LEG_WARN,
    LEG_CPU_TAG,
    LEG_CPU_CHECK,
    LEG_IDLE,
    LEG_SWITCH,
    LEG_LEVELS,
    LEG_CURSOR,
    LEG_TCURSOR,
    LEG_SELECT,
    LEG_FAILED,
    LEG__COUNT
};

struct legend_item {
    int glyph; /* enum theme_glyph, or -1: see text_glyph */
    const char *text_glyph;
    int role;
    const char *name; /* in the one-line legend */
    const char *full; /* in the `g` overlay */
};
/* The entry's glyph as drawn now (UTF-8 or ASCII). */
const char *legend_glyph(int entry);
extern const struct legend_item legend_items[LEG__COUNT];

/* The height (borders included) the timeline wants within maxh rows:
 * every lane, up to maxthick rows each; with maxh < 0, one row a lane
 * (however many rows that takes). */
int timeline_height(const struct app *a, int maxh, int maxthick);
/* ns per column that fits the whole run into a timeline tw cells wide. */
int64_t timeline_fit_npc(const struct app *a, int tw);
/* Draws the timeline in the rectangle (boxed when there is room). */
void timeline_draw(struct canvas *c, struct app *a, int x, int y, int w, int h, int boxed);
/* The most requests waiting at once up to now (mk: app_queue_marks). */
int64_t timeline_queue_peak(const int64_t *mk, size_t n, int64_t now);
/* 1 if task i has a lane at all: it exists and its name holds the
 * filter (`/`). */
int timeline_shown(const struct app *a, size_t i);
/* Marks a legend entry as drawn in this frame. */
void timeline_use(struct app *a, int entry);

#endif

/*
 * canvas: a grid of cells that every panel draws on. A cell holds one
 * character (UTF-8, one column wide) and a colour role. The same canvas is
 * shown on the terminal by term.c or written out as plain text for
 * --dump-screen, so a screen dump is exactly what the TUI shows, minus
 * colour. Drawing outside the grid is clipped silently, so panels need not
 * check bounds.
 */
#ifndef JUGGLE_CANVAS_H
#define JUGGLE_CANVAS_H

#include <stdio.h>

struct canvas_cell {
    char ch[5];         /* one UTF-8 character, NUL-terminated */
    unsigned char role; /* enum theme_role */
};

struct canvas {
    int cols, rows;
    struct canvas_cell *cells;
    /* While clipped (canvas_clip), writes land only inside this rectangle:
     * an overlay's text cannot run over its box's border. */
    int clipped, clip_x0, clip_y0, clip_x1, clip_y1;
};

/* Sets the size (reallocating) and clears. */
void canvas_resize(struct canvas *c, int cols, int rows);
void canvas_done(struct canvas *c);
/* Until canvas_unclip, writes outside the w x h rectangle at x, y are
 * dropped (as writes outside the grid always are). */
void canvas_clip(struct canvas *c, int x, int y, int w, int h);
void canvas_unclip(struct canvas *c);
/* Every cell a space in role 0. */
void canvas_clear(struct canvas *c);
/* The cell at x, y, or NULL outside the grid. */
struct canvas_cell *canvas_at(struct canvas *c, int x, int y);

/*
 * Writes the UTF-8 string s at x, y in role, at most maxw cells (maxw < 0:
 * to the right edge). Nothing reaches the terminal that it could obey:
 * control characters are written in caret notation (ESC as ^[, two
 * cells), C1 controls and invalid UTF-8 as '?'. This is the one place
 * text meets the screen, so task names and log lines from a scene or a
 * trace are made safe here. Returns the number of cells the string takes
 * (even where clipped by the edge).
 */
int canvas_put(struct canvas *c, int x, int y, int role, const char *s, int maxw);
/* printf, then canvas_put. */
int canvas_printf(struct canvas *c, int x, int y, int role, int maxw, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Fills a rectangle with one glyph in role. */
void canvas_fill(struct canvas *c, int x, int y, int w, int h, int role, const char *glyph);
/* Sets the role of w cells from x, y, keeping their characters. */
void canvas_paint(struct canvas *c, int x, int y, int w, int role);
/* A box with an optional title in its top edge. */
void canvas_box(struct canvas *c, int x, int y, int w, int h, int role, const char *title);
/* Number of cells a UTF-8 string takes. */
int canvas_width(const char *s);

/* Writes the grid as text, one line per row, trailing spaces trimmed. */
void canvas_write_text(const struct canvas *c, FILE *out);
/* One row as text into buf (trailing spaces trimmed). */
void canvas_row_text(const struct canvas *c, int y, char *buf, size_t n);

#endif

/*
 * svg: canvas cells to SVG elements (see svg.h). A cell is CW x CH pixels;
 * runs of text cells in one role become one <text> with a position per
 * character (so the grid holds in any monospace font), block glyphs
 * become <rect>s, and every role has one colour, as theme.c names them
 * and term.c shows them on a 256-colour terminal.
 */
#include "ui/svg.h"

#include <string.h>

#include "ui/theme.h"

#define CW 8.4
#define CH 17.0
#define BG "#1d1f21"
#define FG "#c5c8c6"

/* The foreground (and, for a few roles, background) of each role. */
static const struct {
    const char *fg, *bg;
    int bold;
} colours[THEME__COUNT] = {
    [THEME_NORMAL] = {FG, NULL, 0},
    [THEME_DIM] = {"#8a8a8a", NULL, 0},
    [THEME_TITLE] = {"#ffffff", "#005f87", 1},
    [THEME_TAB] = {FG, NULL, 0},
    [THEME_TAB_ACTIVE] = {"#000000", "#5fd7d7", 1},
    [THEME_TAB_KEY] = {"#ffd75f", NULL, 1},
    [THEME_BORDER] = {"#5f87af", NULL, 0},
    [THEME_PANEL_TITLE] = {"#5fd7d7", NULL, 1},
    [THEME_AXIS] = {"#8a8a8a", NULL, 0},
    [THEME_CURSOR] = {"#000000", "#e0e0e0", 0},
    [THEME_RUNNING] = {"#5fd75f", NULL, 1},
    [THEME_READY] = {"#d7d75f", NULL, 0},
    [THEME_SLEEP] = {"#5fafff", NULL, 0},
    [THEME_IO] = {"#5fd7d7", NULL, 0},
    [THEME_LOCK] = {"#ff5f5f", NULL, 0},
    [THEME_POLL_WAIT] = {"#d75fd7", NULL, 0},
    [THEME_QUEUE] = {"#8a8a8a", NULL, 0},
    [THEME_DONE] = {FG, NULL, 0},
    [THEME_SWITCH] = {"#d75fd7", NULL, 1},
    [THEME_HELD] = {"#5faf5f", NULL, 0},
    [THEME_CHECK] = {"#d75fd7", NULL, 0},
    [THEME_WARN] = {"#ffaf00", NULL, 1},
    [THEME_ERROR] = {"#ff5f5f", NULL, 1},
    [THEME_TIME] = {"#5fd7d7", NULL, 0},
    [THEME_SELECTED] = {"#ffd75f", NULL, 1},
    [THEME_STATUS] = {"#000000", "#e0e0e0", 0},
    [THEME_BAR] = {"#5fd75f", NULL, 0},
    [THEME_STATE_RUN] = {"#5fd75f", NULL, 1},
    [THEME_STATE_PAUSE] = {"#ffd75f", NULL, 1},
};

static const char *fg_of(int role)
{
    return role >= 0 && role < THEME__COUNT && colours[role].fg ? colours[role].fg : FG;
}

/* A block glyph as a rectangle within its cell: left, top, width, height
 * as fractions of the cell, and opacity; 0 if ch is not one. */
static int block(const char *ch, double *x, double *y, double *w, double *h, double *op, int *hatch)
{
    static const char *const levels[] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                         "\u2585", "\u2586", "\u2587", "\u2588"};
    *x = 0, *y = 0, *w = 1, *h = 1, *op = 1, *hatch = 0;
    for (int i = 0; i < 8; i++)
        if (strcmp(ch, levels[i]) == 0) {
            *h = (i + 1) / 8.0;
            *y = 1 - *h;
            return 1;
        }
    if (strcmp(ch, "\u258c") == 0) return *w = 0.5, 1;
    if (strcmp(ch, "\u2592") == 0) return *op = 0.55, 1;
    if (strcmp(ch, "\u2591") == 0) return *op = 0.3, 1;
    if (strcmp(ch, "\u2571") == 0) return *hatch = 1, 1;
    return 0;
}

static void xml_char(FILE *out, const char *ch)
{
    if (strcmp(ch, "<") == 0)
        fputs("&lt;", out);
    else if (strcmp(ch, ">") == 0)
        fputs("&gt;", out);
    else if (strcmp(ch, "&") == 0)
        fputs("&amp;", out);
    else
        fputs(ch, out);
}

static void xml_text(FILE *out, const char *s)
{
    char ch[2] = {0, 0};
    for (; *s; s++) {
        ch[0] = *s;
        if (*s == '"')
            fputs("&quot;", out);
        else
            xml_char(out, ch);
    }
}

/* One row: backgrounds, blocks, then text runs. Neighbouring cells with
 * the same background, or the same whole-width block, share a rect. */
static void row(const struct canvas *c, int y, double py, FILE *out)
{
    for (int x = 0; x < c->cols;) {
        const struct canvas_cell *cell = &c->cells[y * c->cols + x];
        int r = cell->role < THEME__COUNT ? cell->role : THEME_NORMAL, n = 1;
        if (!colours[r].bg) {
            x++;
            continue;
        }
        while (x + n < c->cols && c->cells[y * c->cols + x + n].role == cell->role)
            n++;
        fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
                x * CW, py, n * CW + 0.2, CH, colours[r].bg);
        x += n;
    }
    for (int x = 0; x < c->cols;) {
        const struct canvas_cell *cell = &c->cells[y * c->cols + x];
        int r = cell->role < THEME__COUNT ? cell->role : THEME_NORMAL, n = 1;
        double bx, by, bw, bh, op;
        int hatch;
        if (!block(cell->ch, &bx, &by, &bw, &bh, &op, &hatch)) {
            x++;
            continue;
        }
        if (bw == 1)
            while (x + n < c->cols && c->cells[y * c->cols + x + n].role == cell->role &&
                   strcmp(c->cells[y * c->cols + x + n].ch, cell->ch) == 0)
                n++;
        fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"",
                x * CW + bx * CW, py + by * CH, (n - 1 + bw) * CW + (bw == 1 ? 0.2 : 0),
                bh * CH + 0.2, hatch ? "url(#hatch)" : fg_of(r));
        if (op < 1) fprintf(out, " fill-opacity=\"%.2f\"", op);
        fputs("/>", out);
        x += n;
    }
    for (int x = 0; x < c->cols;) {
        const struct canvas_cell *cell = &c->cells[y * c->cols + x];
        double d[5];
        int hatch;
        if (strcmp(cell->ch, " ") == 0 ||
            block(cell->ch, &d[0], &d[1], &d[2], &d[3], &d[4], &hatch)) {
            x++;
            continue;
        }
        int r = cell->role < THEME__COUNT ? cell->role : THEME_NORMAL, x1 = x;
        fprintf(out, "<text y=\"%.1f\" fill=\"%s\"%s x=\"", py + CH * 0.78, fg_of(r),
                colours[r].bold ? " font-weight=\"bold\"" : "");
        while (x1 < c->cols) {
            const struct canvas_cell *k = &c->cells[y * c->cols + x1];
            if (k->role != cell->role || strcmp(k->ch, " ") == 0 ||
                block(k->ch, &d[0], &d[1], &d[2], &d[3], &d[4], &hatch))
                break;
            fprintf(out, "%s%.1f", x1 > x ? " " : "", x1 * CW);
            x1++;
        }
        fputs("\">", out);
        for (int k = x; k < x1; k++)
            xml_char(out, c->cells[y * c->cols + k].ch);
        fputs("</text>", out);
        x = x1;
    }
}

int svg_write(const struct canvas *c, int y0, int y1, const char *const *lane, const char *title,
              FILE *out)
{
    if (y0 < 0) y0 = 0;
    if (y1 > c->rows) y1 = c->rows;
    double w = c->cols * CW, h = (y1 - y0) * CH;
    fprintf(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
            "viewBox=\"0 0 %.0f %.0f\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, "
            "monospace\" font-size=\"14\" xml:space=\"preserve\">\n<title>",
            w, h, w, h);
    xml_text(out, title ? title : "juggle");
    fprintf(out,
            "</title>\n<defs><pattern id=\"hatch\" width=\"4\" height=\"4\" "
            "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
            "<rect width=\"2\" height=\"4\" fill=\"%s\"/></pattern></defs>\n"
            "<rect width=\"100%%\" height=\"100%%\" fill=\"%s\"/>\n",
            fg_of(THEME_HELD), BG);
    for (int y = y0; y < y1; y++) {
        if (lane && lane[y]) {
            fputs("<g class=\"lane\" data-lane=\"", out);
            xml_text(out, lane[y]);
            fputs("\">", out);
        } else {
            fputs("<g>", out);
        }
        row(c, y, (y - y0) * CH, out);
        fputs("</g>\n", out);
    }
    fputs("</svg>\n", out);
    return ferror(out) ? -1 : 0;
}

/*
 * canvas: the cell grid. Characters are kept as UTF-8 so that writing text
 * out is a plain copy and curses gets them as multibyte strings; every
 * character is assumed to be one column wide (the glyphs we use are, and
 * task names and log lines in the shipped scenes are ASCII).
 */
#include "ui/canvas.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "ui/theme.h"

void canvas_resize(struct canvas *c, int cols, int rows)
{
    if (cols < 1) cols = 1;
    if (rows < 1) rows = 1;
    if (cols != c->cols || rows != c->rows) {
        free(c->cells);
        c->cells = xcalloc((size_t)cols * (size_t)rows, sizeof *c->cells);
        c->cols = cols;
        c->rows = rows;
    }
    canvas_clear(c);
}

void canvas_done(struct canvas *c)
{
    free(c->cells);
    c->cells = NULL;
    c->cols = c->rows = 0;
}

void canvas_clear(struct canvas *c)
{
    for (int i = 0; i < c->cols * c->rows; i++) {
        c->cells[i].ch[0] = ' ';
        c->cells[i].ch[1] = 0;
        c->cells[i].role = THEME_NORMAL;
    }
}

void canvas_clip(struct canvas *c, int x, int y, int w, int h)
{
    c->clipped = 1;
    c->clip_x0 = x;
    c->clip_y0 = y;
    c->clip_x1 = x + (w > 0 ? w : 0);
    c->clip_y1 = y + (h > 0 ? h : 0);
}

void canvas_unclip(struct canvas *c)
{
    c->clipped = 0;
}

/* The cell at x, y if a write may land there (inside the grid and the
 * clip rectangle), else NULL. */
static struct canvas_cell *writable(struct canvas *c, int x, int y)
{
    if (c->clipped && (x < c->clip_x0 || y < c->clip_y0 || x >= c->clip_x1 || y >= c->clip_y1))
        return NULL;
    return canvas_at(c, x, y);
}

struct canvas_cell *canvas_at(struct canvas *c, int x, int y)
{
    if (x < 0 || y < 0 || x >= c->cols || y >= c->rows) return NULL;
    return &c->cells[y * c->cols + x];
}

/* Length of the UTF-8 sequence starting with byte b (1 for invalid). */
static int seq_len(unsigned char b)
{
    if (b < 0x80) return 1;
    if ((b & 0xe0) == 0xc0) return 2;
    if ((b & 0xf0) == 0xe0) return 3;
    if ((b & 0xf8) == 0xf0) return 4;
    return 1;
}

int canvas_width(const char *s)
{
    int w = 0;
    while (*s) {
        unsigned char b = (unsigned char)*s;
        if (b < 0x20 || b == 0x7f) { /* caret notation: ^[ */
            s++;
            w += 2;
            continue;
        }
        int n = seq_len(b);
        for (int i = 1; i < n; i++)
            if (!s[i]) return w + 1;
        s += n;
        w++;
    }
    return w;
}

int canvas_put(struct canvas *c, int x, int y, int role, const char *s, int maxw)
{
    int w = 0;
    if (!s) return 0;
    while (*s && (maxw < 0 || w < maxw)) {
        int n = seq_len((unsigned char)*s);
        int ok = 1;
        for (int i = 1; i < n && ok; i++)
            if (((unsigned char)s[i] & 0xc0) != 0x80) ok = 0;
        unsigned char b0 = (unsigned char)*s, b1 = n > 1 ? (unsigned char)s[1] : 0;
        if (ok && n == 1 && (b0 < 0x20 || b0 == 0x7f)) {
            /* A control character (an escape sequence's ESC...): shown in
             * caret notation, ^[ , never sent to the terminal. */
            char caret[3] = {'^', (char)(b0 ^ 0x40), 0};
            if (maxw >= 0 && w + 2 > maxw) caret[1] = 0;
            w += canvas_put(c, x + w, y, role, caret, -1);
            s++;
            continue;
        }
        struct canvas_cell *cell = writable(c, x + w, y);
        if (cell) {
            /* Invalid UTF-8 and the C1 controls (U+0080-U+009F, which some
             * terminals obey as CSI and friends) become '?'. */
            if (!ok || (n == 2 && b0 == 0xc2 && b1 < 0xa0)) {
                cell->ch[0] = '?';
                cell->ch[1] = 0;
            } else {
                memcpy(cell->ch, s, (size_t)n);
                cell->ch[n] = 0;
            }
            cell->role = (unsigned char)role;
        } else if (maxw < 0 && (x + w >= c->cols || (c->clipped && x + w >= c->clip_x1))) {
            break;
        }
        s += ok ? n : 1;
        w++;
    }
    return w;
}

int canvas_printf(struct canvas *c, int x, int y, int role, int maxw, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return canvas_put(c, x, y, role, buf, maxw);
}

void canvas_fill(struct canvas *c, int x, int y, int w, int h, int role, const char *glyph)
{
    for (int j = 0; j < h; j++)
        for (int i = 0; i < w; i++)
            canvas_put(c, x + i, y + j, role, glyph, 1);
}

void canvas_paint(struct canvas *c, int x, int y, int w, int role)
{
    for (int i = 0; i < w; i++) {
        struct canvas_cell *cell = writable(c, x + i, y);
        if (cell) cell->role = (unsigned char)role;
    }
}

void canvas_box(struct canvas *c, int x, int y, int w, int h, int role, const char *title)
{
    if (w < 2 || h < 2) return;
    canvas_fill(c, x + 1, y, w - 2, 1, role, theme_glyph(GLYPH_HLINE));
    canvas_fill(c, x + 1, y + h - 1, w - 2, 1, role, theme_glyph(GLYPH_HLINE));
    canvas_fill(c, x, y + 1, 1, h - 2, role, theme_glyph(GLYPH_VLINE));
    canvas_fill(c, x + w - 1, y + 1, 1, h - 2, role, theme_glyph(GLYPH_VLINE));
    canvas_put(c, x, y, role, theme_glyph(GLYPH_TL), 1);
    canvas_put(c, x + w - 1, y, role, theme_glyph(GLYPH_TR), 1);
    canvas_put(c, x, y + h - 1, role, theme_glyph(GLYPH_BL), 1);
    canvas_put(c, x + w - 1, y + h - 1, role, theme_glyph(GLYPH_BR), 1);
    if (title && *title && w > 6) {
        canvas_put(c, x + 1, y, role, " ", 1);
        int n = canvas_put(c, x + 2, y, THEME_PANEL_TITLE, title, w - 5);
        canvas_put(c, x + 2 + n, y, role, " ", 1);
    }
}

void canvas_row_text(const struct canvas *c, int y, char *buf, size_t n)
{
    size_t len = 0, keep = 0;
    if (!n) return;
    for (int x = 0; x < c->cols; x++) {
        const char *ch = c->cells[y * c->cols + x].ch;
        size_t l = strlen(ch);
        if (len + l + 1 > n) break;
        memcpy(buf + len, ch, l);
        len += l;
        if (strcmp(ch, " ") != 0) keep = len;
    }
    buf[keep] = 0;
}

void canvas_write_text(const struct canvas *c, FILE *out)
{
    size_t n = (size_t)c->cols * 4 + 1;
    char *buf = xmalloc(n);
    for (int y = 0; y < c->rows; y++) {
        canvas_row_text(c, y, buf, n);
        fputs(buf, out);
        fputc('\n', out);
    }
    free(buf);
}

/*
 * overlays: the boxes drawn over the body (help from the key table, the
 * compare view of all five strategies with each scene's outcome, a task's
 * detail) and the scene picker.
 */
#include "ui/overlays.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/scene.h"
#include "core/strategy.h"
#include "ui/keys.h"
#include "ui/lesson.h"
#include "ui/theme.h"
#include "ui/timeline.h"

#define MAX_WARN  6
#define MAX_LINES 64

static void fmt_u(char *buf, size_t n, int64_t ns)
{
    scene_format_units(buf, n, ns);
}

/* An overlay's box: the frame at x, y (w x h) and its inside, where the
 * canvas is clipped while the overlay draws (overlay_end lifts it), so no
 * text runs over the border at any size. */
struct box {
    int x, y, w, h;
};

static struct box overlay_begin(struct canvas *c, int w, int h, const char *title)
{
    struct box b;
    b.w = w > c->cols - 2 ? c->cols - 2 : w;
    b.h = h > c->rows - 3 ? c->rows - 3 : h;
    b.x = (c->cols - b.w) / 2;
    b.y = 2 + (c->rows - 3 - b.h) / 2;
    canvas_fill(c, b.x, b.y, b.w, b.h, THEME_NORMAL, " ");
    canvas_box(c, b.x, b.y, b.w, b.h, THEME_BORDER, title);
    canvas_clip(c, b.x + 1, b.y + 1, b.w - 2, b.h - 2);
    return b;
}

static void overlay_end(struct canvas *c)
{
    canvas_unclip(c);
}

/* The next row of s wrapped at w cells: *take bytes are shown, *next is
 * where the row after it starts (breaks at spaces where it can). */
static void wrap_row(const char *s, int w, size_t *take, size_t *next)
{
    size_t i = 0, space = 0;
    int cells = 0;
    while (s[i] && cells < w) {
        if (s[i] == ' ') space = i;
        unsigned char b = (unsigned char)s[i++];
        if (b >= 0xc0)
            while ((s[i] & 0xc0) == 0x80)
                i++;
        cells++;
    }
    if (!s[i] || s[i] == ' ' || !space)
        *take = i;
    else
        *take = space;
    *next = *take;
    while (s[*next] == ' ')
        (*next)++;
}

/* One entry of a list overlay: a head (a key, a glyph) in a column of its
 * own and a text that wraps within the rest of the row, or under the head
 * when the box is too narrow for both side by side. */
struct entry {
    int hrole, role;
    const char *head, *text;
};

/* How a list of entries lays out in a box iw cells wide inside. */
struct list_geom {
    int hw;      /* the head column (0: no heads) */
    int tx, tw;  /* the text: offset from the inside's left and width */
    int stacked; /* heads on a row of their own */
};

static struct list_geom list_geom(const struct entry *e, int n, int iw)
{
    struct list_geom g = {0, 1, iw - 2, 0};
    for (int i = 0; i < n; i++)
        if (e[i].head && canvas_width(e[i].head) > g.hw) g.hw = canvas_width(e[i].head);
    if (!g.hw) return g;
    if (iw - 2 - g.hw - 1 >= 16) {
        g.tx = 1 + g.hw + 1;
        g.tw = iw - 2 - g.hw - 1;
    } else {
        g.stacked = 1;
        g.tx = 3;
        g.tw = iw - 4;
    }
    if (g.tw < 1) g.tw = 1;
    return g;
}

/* Rows entry e takes: drawn from row `skip` of it at y while fewer than
 * `room` rows are drawn (room 0: count only). */
static int entry_rows(struct canvas *c, const struct entry *e, const struct list_geom *g, int x,
                      int y, int skip, int room)
{
    int r = 0;
    if (g->stacked && e->head) {
        if (room && r >= skip && r - skip < room)
            canvas_put(c, x + 1, y + r - skip, e->hrole, e->head, -1);
        r++;
    }
    const char *s = e->text ? e->text : "";
    int first = 1;
    do {
        size_t take, next;
        wrap_row(s, g->tw, &take, &next);
        if (room && r >= skip && r - skip < room) {
            char buf[512];
            snprintf(buf, sizeof buf, "%.*s", (int)take, s);
            if (first && e->head && !g->stacked)
                canvas_put(c, x + 1, y + r - skip, e->hrole, e->head, g->hw);
            canvas_put(c, x + g->tx, y + r - skip, e->role, buf, g->tw);
        }
        first = 0;
        s += next;
        r++;
    } while (*s);
    return r;
}

/* Draws the entries inside box b from wrapped row *scroll (clamped),
 * leaving the last inside row for the footer. Returns the rows they take
 * in all; *shown is set to the rows that fit. */
static int list_draw(struct canvas *c, const struct box *b, const struct entry *e, int n,
                     int *scroll, int *shown)
{
    int iw = b->w - 2, room = b->h - 3;
    struct list_geom g = list_geom(e, n, iw);
    int total = 0;
    for (int i = 0; i < n; i++)
        total += entry_rows(c, &e[i], &g, 0, 0, 0, 0);
    if (room < 0) room = 0;
    if (*scroll > total - room) *scroll = total - room;
    if (*scroll < 0) *scroll = 0;
    int row = 0, y = b->y + 1;
    for (int i = 0; i < n && room; i++) {
        int k = entry_rows(c, &e[i], &g, 0, 0, 0, 0);
        if (row + k > *scroll && row < *scroll + room) {
            int skip = *scroll > row ? *scroll - row : 0;
            int at = row + skip - *scroll;
            entry_rows(c, &e[i], &g, b->x + 1, y + at, skip, room - at);
        }
        row += k;
    }
    *shown = total < room ? total : room;
    return total;
}

/* The footer row: what closes the box, and whether more rows are above
 * or below (Up/Down scroll them when `scrolls`, else a taller terminal
 * shows them). */
static void list_footer(struct canvas *c, const struct box *b, const char *closes, int scroll,
                        int shown, int total, int scrolls)
{
    char buf[160];
    if (shown >= total)
        snprintf(buf, sizeof buf, "%s", closes);
    else if (!shown)
        snprintf(buf, sizeof buf, "needs more rows  %s", closes);
    else if (scrolls)
        snprintf(buf, sizeof buf, "%s %d-%d of %d  Up/Down scroll  %s",
                 scroll + shown < total ? "\u25bc" : "\u25b2", scroll + 1, scroll + shown, total,
                 closes);
    else
        snprintf(buf, sizeof buf, "\u25bc %d more rows: taller terminal  %s", total - shown,
                 closes);
    canvas_put(c, b->x + 2, b->y + b->h - 2, THEME_DIM, buf, b->w - 4);
}

/* The width a list needs to show every entry on one row (at most the
 * screen's). */
static int list_width(const struct entry *e, int n)
{
    int hw = 0, tw = 0;
    for (int i = 0; i < n; i++) {
        if (e[i].head && canvas_width(e[i].head) > hw) hw = canvas_width(e[i].head);
        if (canvas_width(e[i].text) > tw) tw = canvas_width(e[i].text);
    }
    return 2 + 2 + (hw ? hw + 1 : 0) + tw;
}

/* A list of entries in a box of its own (help, legend): as wide as the
 * longest entry needs (at least minw); narrower, rows wrap and the box
 * grows to hold them, scrolling past the screen's height. */
static void list_overlay(struct canvas *c, struct app *a, const struct entry *e, int n, int minw,
                         const char *title, const char *footer)
{
    int w = list_width(e, n), shown;
    if (w < minw) w = minw;
    struct list_geom g = list_geom(e, n, (w > c->cols - 2 ? c->cols - 2 : w) - 2);
    int total = 0;
    for (int i = 0; i < n; i++)
        total += entry_rows(c, &e[i], &g, 0, 0, 0, 0);
    struct box b = overlay_begin(c, w, total + 3, title);
    total = list_draw(c, &b, e, n, &a->help_scroll, &shown);
    list_footer(c, &b, footer, a->help_scroll, shown, total, 1);
    overlay_end(c);
}

void overlays_help(struct canvas *c, struct app *a)
{
    struct entry e[MAX_LINES];
    int n = 0;
    for (size_t i = 0; i < keys_count && n < MAX_LINES; i++)
        if (keys_table[i].where & KEYS_MAIN)
            e[n++] = (struct entry){THEME_TAB_KEY, THEME_NORMAL, keys_table[i].label,
                                    keys_table[i].help};
    list_overlay(c, a, e, n, 0, "keys", "Esc or ? closes");
}

static void draw_bar(struct canvas *c, int x, int y, int w, double frac, int role)
{
    if (w <= 0) return;
    if (frac < 0) frac = 0;
    if (frac > 1) frac = 1;
    int halves = (int)(frac * w * 2 + 0.5);
    for (int i = 0; i < halves / 2; i++)
        canvas_put(c, x + i, y, role, theme_glyph(GLYPH_BAR), 1);
    if (halves % 2) canvas_put(c, x + halves / 2, y, role, theme_glyph(GLYPH_BAR_HALF), 1);
}

/* Text wrapped inside box b from its first inside row. */
static void box_message(struct canvas *c, const struct box *b, int role, const char *text)
{
    struct entry e = {role, role, NULL, text};
    struct list_geom g = list_geom(&e, 1, b->w - 2);
    entry_rows(c, &e, &g, b->x + 1, b->y + 1, 0, b->h - 2);
}

#define COMPARE_H     11
#define COMPARE_MIN_W 39 /* the names and the three bar columns */

/* The compare table inside box b (room checked): heads, a row a strategy,
 * the outcome columns that fit whole; returns how many did not. */
static int compare_table(struct canvas *c, struct app *a, const struct box *b)
{
    static const char *const heads[] = {"total", "CPU busy", "CPU wait"};
    enum { NB = 3 };
    double val[STRATEGY_COUNT][NB], max[NB] = {0, 100.0, 0}; /* CPU busy: of 100 % */
    struct lesson ls[STRATEGY_COUNT];
    int kind = a->sc ? a->sc->kind : -1, ncol = 0, x = b->x, y = b->y, w = b->w;
    int cw[LESSON_COLS] = {0}, ow = 0;
    for (int i = 0; i < STRATEGY_COUNT; i++) {
        const struct stats *st = &a->compare[i];
        val[i][0] = units_of_ns(st->total);
        val[i][1] = 100.0 * stats_cpu_busy(st);
        val[i][2] = units_of_ns(stats_worst_wait(st));
        for (int k = 0; k < NB; k++)
            if (val[i][k] > max[k]) max[k] = val[i][k];
        lesson_columns(kind, st, &ls[i]);
        if (ls[i].ncol > ncol) ncol = ls[i].ncol;
    }
    /* Outcome columns take what they need (at least their head); the bar
     * columns share the rest. */
    for (int k = 0; k < ncol; k++) {
        cw[k] = canvas_width(ls[0].col[k].head);
        for (int i = 0; i < STRATEGY_COUNT; i++)
            if (canvas_width(ls[i].col[k].val) > cw[k]) cw[k] = canvas_width(ls[i].col[k].val);
        ow += cw[k] + 2;
    }
    int colw = (w - 12 - ow) / NB;
    if (colw < 9) colw = 9;
    for (int k = 0; k < NB; k++)
        canvas_put(c, x + 11 + k * colw, y + 2, THEME_DIM, heads[k], colw - 1);
    int k = 0;
    for (int cx = x + 11 + NB * colw; k < ncol && cx + cw[k] <= x + w - 2; cx += cw[k++] + 2) {
        canvas_printf(c, cx, y + 2, THEME_SELECTED, cw[k], "%*s", cw[k], ls[0].col[k].head);
        for (int i = 0; i < STRATEGY_COUNT; i++)
            canvas_printf(c, cx, y + 3 + i, ls[i].col[k].bad ? THEME_ERROR : THEME_NORMAL, cw[k],
                          "%*s", cw[k], k < ls[i].ncol ? ls[i].col[k].val : "-");
    }
    for (int i = 0; i < STRATEGY_COUNT; i++) {
        int ry = y + 3 + i;
        int role = i == a->strategy ? THEME_SELECTED : THEME_NORMAL;
        canvas_printf(c, x + 2, ry, role, 9, "%s%s", strategy_name(i),
                      a->compare[i].failed ? "!" : "");
        for (int j = 0; j < NB; j++) {
            int cx = x + 11 + j * colw;
            char num[32];
            snprintf(num, sizeof num, j == 1 ? "%5.1f%%" : "%7.2f", val[i][j]);
            int n = canvas_put(c, cx, ry, role, num, colw - 1);
            draw_bar(c, cx + n + 1, ry, colw - n - 3, max[j] > 0 ? val[i][j] / max[j] : 0,
                     THEME_BAR);
        }
    }
    return ncol - k;
}

/* The compare overlay: the scene under every strategy, the common
 * columns with bars (total, CPU busy, worst wait for a CPU), then the
 * scene's own outcome (lesson.h) as numbers. Too small a terminal gets
 * the size it needs instead of a cut table. */
void overlays_compare(struct canvas *c, struct app *a)
{
    int w = c->cols - 4 > 116 ? 116 : c->cols - 4;
    struct box b =
        overlay_begin(c, w, COMPARE_H, "compare: the scene under all five strategies (simulated)");
    char buf[160];
    if (!a->have_compare) {
        box_message(c, &b, THEME_DIM,
                    a->compare_job ? "computing\u2026 (the five runs are simulated in the "
                                     "background; keys still work)"
                                   : "no scene to compare");
    } else if (b.w < COMPARE_MIN_W || b.h < COMPARE_H) {
        snprintf(buf, sizeof buf,
                 "needs %dx%d (this terminal is %dx%d) for the table; Esc or c closes",
                 COMPARE_MIN_W + 4, COMPARE_H + 3, c->cols, c->rows);
        box_message(c, &b, THEME_WARN, buf);
    } else {
        int cut = compare_table(c, a, &b);
        int n = 0;
        if (cut)
            n = snprintf(buf, sizeof buf, "%d more column%s on a wider terminal  ", cut,
                         cut == 1 ? "" : "s");
        snprintf(buf + n, sizeof buf - (size_t)n, "! failed   1-5 run one  Esc or c closes");
        canvas_put(c, b.x + 2, b.y + 9, THEME_DIM, buf, b.w - 4);
    }
    overlay_end(c);
}

/* The detail's rows, built before they are laid out in the box. */
struct rows {
    struct entry e[MAX_LINES];
    char text[MAX_LINES][256];
    int n;
};

static void __attribute__((format(printf, 3, 4)))
rows_add(struct rows *rs, int role, const char *fmt, ...)
{
    if (rs->n >= MAX_LINES) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rs->text[rs->n], sizeof rs->text[rs->n], fmt, ap);
    va_end(ap);
    rs->e[rs->n] = (struct entry){role, role, NULL, rs->text[rs->n]};
    rs->n++;
}

/* The time by state and the last items of task ti. */
static void detail_times(struct rows *rs, const struct model_task *tk, int64_t now)
{
    char t[32];
    rows_add(rs, THEME_DIM, "time by state (non-overlapping)");
    fmt_u(t, sizeof t, model_task_time(tk, TASK_RUNNING, -1, now));
    rows_add(rs, THEME_RUNNING, "  %s running              %8s", theme_glyph(GLYPH_RUNNING), t);
    fmt_u(t, sizeof t, model_task_time(tk, TASK_READY, -1, now));
    rows_add(rs, THEME_READY, "  %s waiting for the CPU  %8s", theme_glyph(GLYPH_READY), t);
    fmt_u(t, sizeof t, model_task_time(tk, TASK_BLOCKED, -1, now));
    rows_add(rs, THEME_NORMAL, "    blocked              %8s", t);
    for (int r = 0; r < BLOCK__COUNT; r++) {
        int64_t b = model_task_time(tk, TASK_BLOCKED, r, now);
        if (!b) continue;
        fmt_u(t, sizeof t, b);
        rows_add(rs, theme_state_role(TASK_BLOCKED, r), "  %s   %-18s %8s",
                 theme_glyph(theme_state_glyph(TASK_BLOCKED, r)), block_reason_name(r), t);
    }
    rows_add(rs, THEME_NORMAL, " ");
    int nitems = (int)tk->nitems, show = nitems > 8 ? 8 : nitems;
    rows_add(rs, THEME_DIM, "items (%d)", nitems);
    for (int i = nitems - show; i < nitems; i++) {
        const struct model_item *it = &tk->items[i];
        char a0[32], a1[32];
        fmt_u(a0, sizeof a0, it->t0);
        if (it->t1 >= 0)
            fmt_u(a1, sizeof a1, it->t1);
        else
            snprintf(a1, sizeof a1, "...");
        rows_add(rs, it->failed ? THEME_ERROR : THEME_NORMAL, "  %-12s %7s - %s%s", it->label, a0,
                 a1, it->failed ? "  failed" : "");
    }
    if (nitems > 8) rows_add(rs, THEME_DIM, "  (%d earlier)", nitems - 8);
}

/* A task's detail: its state and why it is not running, what woke it,
 * time by state, its last items and warnings. Rows that do not fit are
 * counted in the footer (Up/Down select another task here). */
void overlays_detail(struct canvas *c, struct app *a)
{
    const struct model *m = &a->model;
    if (a->selected < 0 || (size_t)a->selected >= m->ntasks || !m->tasks[a->selected].name) return;
    size_t ti = (size_t)a->selected;
    const struct model_task *tk = &m->tasks[ti];
    static struct rows rs;
    rs.n = 0;
    char why[256], t[32], warn[MAX_WARN][160];
    model_task_why(m, ti, a->playhead, why, sizeof why);
    rows_add(&rs, THEME_NORMAL, "now: %s", task_state_name(tk->state));
    rows_add(&rs, THEME_SELECTED, "why not running: %s", why);
    if (tk->woken_at >= 0) {
        /* Why it woke last: the cause the Chrome export draws as a flow. */
        fmt_u(t, sizeof t, tk->woken_at);
        int by = tk->woken_by;
        if (by >= 0 && (size_t)by < m->ntasks && m->tasks[by].name)
            rows_add(&rs, THEME_NORMAL, "last woken at %s by %s", t, m->tasks[by].name);
        else
            rows_add(&rs, THEME_NORMAL, "last woken at %s (its wait ended)", t);
    }
    rows_add(&rs, THEME_NORMAL, " ");
    detail_times(&rs, tk, a->playhead);
    rows_add(&rs, THEME_NORMAL, " ");
    int nwarn = model_task_warnings(m, ti, a->playhead, warn, MAX_WARN);
    for (int i = 0; i < nwarn; i++)
        rows_add(&rs, THEME_WARN, "%s %s", theme_glyph(GLYPH_WARN), warn[i]);
    if (!nwarn) rows_add(&rs, THEME_DIM, "no warnings");
    char title[96];
    snprintf(title, sizeof title, "task %s", tk->name);
    int w = c->cols - 4 > 90 ? 90 : c->cols - 4, scroll = 0, shown;
    struct list_geom g = list_geom(rs.e, rs.n, (w > c->cols - 2 ? c->cols - 2 : w) - 2);
    int total = 0;
    for (int i = 0; i < rs.n; i++)
        total += entry_rows(c, &rs.e[i], &g, 0, 0, 0, 0);
    struct box b = overlay_begin(c, w, total + 3, title);
    total = list_draw(c, &b, rs.e, rs.n, &scroll, &shown);
    list_footer(c, &b, "Esc or Enter closes", 0, shown, total, 0);
    overlay_end(c);
}

/* ---- picker ---- */

void overlays_picker(struct canvas *c, struct app *a)
{
    canvas_fill(c, 0, 0, c->cols, 1, THEME_TITLE, " ");
    canvas_put(c, 0, 0, THEME_TITLE, " juggle: pick a scene", -1);
    int rows = c->rows - 3;
    int first = a->pick_sel >= rows ? a->pick_sel - rows + 1 : 0;
    int nw = 8;
    for (int i = 0; i < a->npick; i++)
        if (canvas_width(a->pick_name[i]) > nw) nw = canvas_width(a->pick_name[i]);
    for (int r = 0; r < rows && first + r < a->npick; r++) {
        int i = first + r, sel = i == a->pick_sel;
        if (sel) canvas_put(c, 1, 2 + r, THEME_SELECTED, theme_glyph(GLYPH_SELECT), 1);
        /* The title where at least a few words of it fit; else the name. */
        int tw = c->cols - 3 - nw - 2;
        canvas_printf(c, 3, 2 + r, sel ? THEME_SELECTED : THEME_NORMAL, c->cols - 3, "%-*s  %s", nw,
                      a->pick_name[i], tw >= 10 ? a->pick_title[i] : "");
    }
}

void overlays_legend(struct canvas *c, struct app *a)
{
    struct entry e[LEG__COUNT];
    for (int i = 0; i < LEG__COUNT; i++)
        e[i] = (struct entry){legend_items[i].role, THEME_NORMAL, legend_glyph(i),
                              legend_items[i].full};
    list_overlay(c, a, e, LEG__COUNT, 84, "legend: every glyph on screen", "Esc or g closes");
}

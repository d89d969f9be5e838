/*
 * overlays: the boxes drawn over the body (help from the key table, the
 * compare view of all five strategies with each scene's outcome, a task's
 * detail) and the scene picker.
 */
#include "ui/overlays.h"

#include <stdio.h>
#include <string.h>

#include "core/scene.h"
#include "core/strategy.h"
#include "ui/keys.h"
#include "ui/lesson.h"
#include "ui/theme.h"
#include "ui/timeline.h"

#define MAX_WARN 6

static void fmt_u(char *buf, size_t n, int64_t ns)
{
    scene_format_units(buf, n, ns);
}

static void overlay_box(struct canvas *c, int w, int h, const char *title, int *x, int *y)
{
    if (w > c->cols - 2) w = c->cols - 2;
    if (h > c->rows - 3) h = c->rows - 3;
    *x = (c->cols - w) / 2;
    *y = 2 + (c->rows - 3 - h) / 2;
    canvas_fill(c, *x, *y, w, h, THEME_NORMAL, " ");
    canvas_box(c, *x, *y, w, h, THEME_BORDER, title);
}

void overlays_help(struct canvas *c, struct app *a)
{
    int n = 0;
    for (size_t i = 0; i < keys_count; i++)
        if (keys_table[i].where & KEYS_MAIN) n++;
    int x, y, w = 76;
    overlay_box(c, w, n + 4, "keys", &x, &y);
    w = w > c->cols - 2 ? c->cols - 2 : w;
    int h = n + 4 > c->rows - 3 ? c->rows - 3 : n + 4;
    int rows = h - 3;
    if (a->help_scroll > n - rows) a->help_scroll = n - rows;
    if (a->help_scroll < 0) a->help_scroll = 0;
    int r = 0, k = 0;
    for (size_t i = 0; i < keys_count && r < rows; i++) {
        const struct key_binding *b = &keys_table[i];
        if (!(b->where & KEYS_MAIN)) continue;
        if (k++ < a->help_scroll) continue;
        canvas_put(c, x + 2, y + 1 + r, THEME_TAB_KEY, b->label, 14);
        canvas_put(c, x + 17, y + 1 + r, THEME_NORMAL, b->help, w - 19);
        r++;
    }
    canvas_put(c, x + 2, y + h - 2, THEME_DIM, "Esc or ? closes", w - 4);
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

/* The compare overlay: the scene under every strategy, the common
 * columns with bars (total, CPU busy, worst wait for a CPU), then the
 * scene's own outcome (lesson.h) as numbers. */
void overlays_compare(struct canvas *c, struct app *a)
{
    int x, y, w = c->cols - 4 > 116 ? 116 : c->cols - 4;
    overlay_box(c, w, 11, "compare: the scene under all five strategies (simulated)", &x, &y);
    w = w > c->cols - 2 ? c->cols - 2 : w;
    if (!a->have_compare) {
        canvas_put(c, x + 2, y + 1, THEME_DIM,
                   a->compare_job ? "computing\u2026 (the five runs are simulated in the "
                                    "background; keys still work)"
                                  : "no scene to compare",
                   w - 4);
        return;
    }
    static const char *const heads[] = {"total", "CPU busy", "CPU wait"};
    enum { NB = 3 };
    double val[STRATEGY_COUNT][NB], max[NB] = {0, 0, 0};
    struct lesson ls[STRATEGY_COUNT];
    int kind = a->sc ? a->sc->kind : -1, ncol = 0;
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
    max[1] = 100.0;
    /* Outcome columns take what they need (at least their head); the bar
     * columns share the rest. */
    int ow = 0;
    for (int k = 0; k < ncol; k++) {
        int cw = canvas_width(ls[0].col[k].head);
        for (int i = 0; i < STRATEGY_COUNT; i++)
            if (canvas_width(ls[i].col[k].val) > cw) cw = canvas_width(ls[i].col[k].val);
        ow += cw + 2;
    }
    int colw = (w - 12 - ow) / NB;
    if (colw < 9) colw = 9;
    for (int k = 0; k < NB; k++)
        canvas_put(c, x + 11 + k * colw, y + 2, THEME_DIM, heads[k], colw - 1);
    int ox = x + 11 + NB * colw;
    for (int k = 0, cx = ox; k < ncol; k++) {
        int cw = canvas_width(ls[0].col[k].head);
        for (int i = 0; i < STRATEGY_COUNT; i++)
            if (canvas_width(ls[i].col[k].val) > cw) cw = canvas_width(ls[i].col[k].val);
        canvas_printf(c, cx, y + 2, THEME_SELECTED, x + w - 1 - cx, "%*s", cw, ls[0].col[k].head);
        for (int i = 0; i < STRATEGY_COUNT; i++)
            canvas_printf(c, cx, y + 3 + i, ls[i].col[k].bad ? THEME_ERROR : THEME_NORMAL,
                          x + w - 1 - cx, "%*s", cw, k < ls[i].ncol ? ls[i].col[k].val : "-");
        cx += cw + 2;
    }
    for (int i = 0; i < STRATEGY_COUNT; i++) {
        int ry = y + 3 + i;
        int role = i == a->strategy ? THEME_SELECTED : THEME_NORMAL;
        canvas_printf(c, x + 2, ry, role, 9, "%s%s", strategy_name(i),
                      a->compare[i].failed ? "!" : "");
        for (int k = 0; k < NB; k++) {
            int cx = x + 11 + k * colw;
            char num[32];
            if (k == 1)
                snprintf(num, sizeof num, "%5.1f%%", val[i][k]);
            else
                snprintf(num, sizeof num, "%7.2f", val[i][k]);
            int n = canvas_put(c, cx, ry, role, num, colw - 1);
            draw_bar(c, cx + n + 1, ry, colw - n - 3, max[k] > 0 ? val[i][k] / max[k] : 0,
                     THEME_BAR);
        }
    }
    canvas_put(c, x + 2, y + 9, THEME_DIM, "! failed   1-5 run one  Esc or c closes", w - 4);
}

void overlays_detail(struct canvas *c, struct app *a)
{
    const struct model *m = &a->model;
    if (a->selected < 0 || (size_t)a->selected >= m->ntasks || !m->tasks[a->selected].name) return;
    size_t ti = (size_t)a->selected;
    const struct model_task *tk = &m->tasks[ti];
    char warn[MAX_WARN][160];
    int nwarn = model_task_warnings(m, ti, a->playhead, warn, MAX_WARN);
    int nitems = (int)tk->nitems;
    int show_items = nitems > 8 ? 8 : nitems;
    int h = 4 + 1 + (tk->woken_at >= 0) + 4 + BLOCK__COUNT + 1 + show_items + (nitems > 8) + 1 +
            nwarn + 2;
    int x, y, w = c->cols - 4 > 90 ? 90 : c->cols - 4;
    char title[96];
    snprintf(title, sizeof title, "task %s", tk->name);
    overlay_box(c, w, h, title, &x, &y);
    w = w > c->cols - 2 ? c->cols - 2 : w;
    int r = y + 1, iw = w - 4;
    x += 2;
    char why[256], t[32];
    model_task_why(m, ti, a->playhead, why, sizeof why);
    canvas_printf(c, x, r++, THEME_NORMAL, iw, "now: %s", task_state_name(tk->state));
    canvas_printf(c, x, r++, THEME_SELECTED, iw, "why not running: %s", why);
    if (tk->woken_at >= 0) {
        /* Why it woke last: the cause the Chrome export draws as a flow. */
        fmt_u(t, sizeof t, tk->woken_at);
        int by = tk->woken_by;
        if (by >= 0 && (size_t)by < m->ntasks && m->tasks[by].name)
            canvas_printf(c, x, r++, THEME_NORMAL, iw, "last woken at %s by %s", t,
                          m->tasks[by].name);
        else
            canvas_printf(c, x, r++, THEME_NORMAL, iw, "last woken at %s (its wait ended)", t);
    }
    r++;
    int64_t now = a->playhead;
    int64_t run = model_task_time(tk, TASK_RUNNING, -1, now);
    int64_t ready = model_task_time(tk, TASK_READY, -1, now);
    int64_t blocked = model_task_time(tk, TASK_BLOCKED, -1, now);
    canvas_put(c, x, r++, THEME_DIM, "time by state (non-overlapping)", iw);
    fmt_u(t, sizeof t, run);
    canvas_printf(c, x, r++, THEME_RUNNING, iw, "  %s running              %8s",
                  theme_glyph(GLYPH_RUNNING), t);
    fmt_u(t, sizeof t, ready);
    canvas_printf(c, x, r++, THEME_READY, iw, "  %s waiting for the CPU  %8s",
                  theme_glyph(GLYPH_READY), t);
    fmt_u(t, sizeof t, blocked);
    canvas_printf(c, x, r++, THEME_NORMAL, iw, "    blocked              %8s", t);
    for (int rs = 0; rs < BLOCK__COUNT; rs++) {
        int64_t b = model_task_time(tk, TASK_BLOCKED, rs, now);
        if (!b) continue;
        fmt_u(t, sizeof t, b);
        canvas_printf(c, x, r++, theme_state_role(TASK_BLOCKED, rs), iw, "  %s   %-18s %8s",
                      theme_glyph(theme_state_glyph(TASK_BLOCKED, rs)), block_reason_name(rs), t);
    }
    r++;
    canvas_printf(c, x, r++, THEME_DIM, iw, "items (%d)", nitems);
    for (int i = nitems - show_items; i < nitems; i++) {
        const struct model_item *it = &tk->items[i];
        char a0[32], a1[32];
        fmt_u(a0, sizeof a0, it->t0);
        if (it->t1 >= 0)
            fmt_u(a1, sizeof a1, it->t1);
        else
            snprintf(a1, sizeof a1, "...");
        canvas_printf(c, x, r++, it->failed ? THEME_ERROR : THEME_NORMAL, iw, "  %-12s %7s - %s%s",
                      it->label, a0, a1, it->failed ? "  failed" : "");
    }
    if (nitems > 8) canvas_printf(c, x, r++, THEME_DIM, iw, "  (%d earlier)", nitems - 8);
    r++;
    for (int i = 0; i < nwarn; i++)
        canvas_printf(c, x, r++, THEME_WARN, iw, "%s %s", theme_glyph(GLYPH_WARN), warn[i]);
    if (!nwarn) canvas_put(c, x, r++, THEME_DIM, "no warnings", iw);
    canvas_put(c, x, y + h - 2, THEME_DIM, "Esc or Enter closes", iw);
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
        canvas_printf(c, 3, 2 + r, sel ? THEME_SELECTED : THEME_NORMAL, -1, "%-*s  %s", nw,
                      a->pick_name[i], a->pick_title[i]);
    }
}

void overlays_legend(struct canvas *c, struct app *a)
{
    (void)a;
    int x, y, w = 84, h = LEG__COUNT + 4;
    overlay_box(c, w, h, "legend: every glyph on screen", &x, &y);
    w = w > c->cols - 2 ? c->cols - 2 : w;
    h = h > c->rows - 3 ? c->rows - 3 : h;
    for (int e = 0, r = 0; e < LEG__COUNT && r < h - 3; e++, r++) {
        canvas_put(c, x + 2, y + 1 + r, legend_items[e].role, legend_glyph(e), 8);
        canvas_put(c, x + 11, y + 1 + r, THEME_NORMAL, legend_items[e].full, w - 13);
    }
    canvas_put(c, x + 2, y + h - 2, THEME_DIM, "Esc or g closes", w - 4);
}

/*
 * timeline_balance: the checkbook's shared balance as a lane. A line while
 * the run goes on; R and W where a task reads the balance or writes it
 * back, with the value where there is room ("R 1000", "W 100"); ✗ where an
 * update was lost, with what was stored over what; at the end the balance
 * against the expected one. When a column holds several reads and writes
 * (a coarse zoom), it shows what teaches: a lost update over everything,
 * else a write over a read, in a glyph of its own that says "several"
 * (Ŵ: a write among them, with what was written; Ȓ: reads only).
 */
#include <stdio.h>

#include "core/scene.h"
#include "ui/theme.h"
#include "ui/timeline.h"
#include "ui/timeline_internal.h"

static const char *task_name(const struct model *m, int task)
{
    return task >= 0 && (size_t)task < m->ntasks && m->tasks[task].name ? m->tasks[task].name : "?";
}

/* Columns a lost update's text takes on the balance lane, [from, to). */
static void race_span(const struct model *m, const struct lane_geom *g, int i, int *from, int *to)
{
    const struct model_race *r = &m->races_at[i];
    *from = *to = -1;
    if (r->t < g->t0 || r->t >= g->t0 + g->npc * g->tw) return;
    char buf[128];
    snprintf(buf, sizeof buf, " %s wrote %lld, not %lld", task_name(m, r->task),
             (long long)r->stored, (long long)r->serial);
    *from = (int)((r->t - g->t0) / g->npc);
    *to = *from + 1 + canvas_width(buf);
}

/* The first column at or after col that a lost update's text takes. */
static int race_after(const struct model *m, const struct lane_geom *g, int col, int *inside)
{
    int n = m->races < MODEL_MAX_RACES ? m->races : MODEL_MAX_RACES, first = g->tw;
    *inside = 0;
    for (int i = 0; i < n; i++) {
        int from, to;
        race_span(m, g, i, &from, &to);
        if (from < 0) continue;
        if (col >= from && col < to) *inside = 1;
        if (from >= col && from < first) first = from;
    }
    return first;
}

/* The column of the i-th read or write, or -1 when it is not drawn (out of
 * the view, or after the play head). */
static int var_col(const struct app *a, const struct lane_geom *g, int i)
{
    const struct model_var *v = &a->model.vars_at[i];
    if (v->t > a->playhead || v->t < g->t0 || v->t >= g->t0 + g->npc * g->tw) return -1;
    return (int)((v->t - g->t0) / g->npc);
}

/* The reads and writes, a column at a time (they are in time order). */
static void draw_var_marks(struct canvas *c, struct app *a, const struct lane_geom *g, int y)
{
    const struct model *m = &a->model;
    int n = m->nvars;
    for (int i = 0; i < n;) {
        int col = var_col(a, g, i);
        if (col < 0) {
            i++;
            continue;
        }
        /* The marks in this column: how many, and the last write (what the
         * balance became) or, with none, the last read. */
        int j = i, shown = i, writes = 0;
        for (; j < n && var_col(a, g, j) == col; j++)
            if (m->vars_at[j].write) {
                shown = j;
                writes++;
            } else if (!writes) {
                shown = j;
            }
        int count = j - i;
        int next = j < n && var_col(a, g, j) > col ? var_col(a, g, j) : g->tw;
        i = j;
        int inside;
        int race = race_after(m, g, col, &inside);
        if (inside) continue; /* a lost update is here: its ✗ and text say it */
        if (race < next) next = race;
        int entry = count > 1 ? (writes ? LEG_VAR_WRITES : LEG_VAR_READS)
                    : writes  ? LEG_VAR_WRITE
                              : LEG_VAR_READ;
        canvas_put(c, g->x + g->lw + col, y, THEME_NORMAL, legend_glyph(entry), 1);
        timeline_use(a, entry);
        char buf[32];
        int len = snprintf(buf, sizeof buf, " %lld", (long long)m->vars_at[shown].value);
        if (col + 1 + len < next) canvas_put(c, g->x + g->lw + col + 1, y, THEME_DIM, buf, len);
    }
}

void timeline_draw_balance(struct canvas *c, struct app *a, const struct lane_geom *g, int y)
{
    const struct model *m = &a->model;
    canvas_put(c, g->x + 1, y, THEME_DIM, "balance", g->nw);
    int last = -1;
    for (int col = 0; col < g->tw; col++) {
        int64_t c0 = g->t0 + col * g->npc;
        if (c0 > a->playhead || (c0 == a->playhead && a->playhead > 0)) break;
        canvas_put(c, g->x + g->lw + col, y, col == g->cur ? THEME_CURSOR : THEME_DIM,
                   theme_glyph(GLYPH_HLINE), 1);
        last = col;
    }
    draw_var_marks(c, a, g, y);
    int n = m->races < MODEL_MAX_RACES ? m->races : MODEL_MAX_RACES;
    for (int i = 0; i < n; i++) {
        const struct model_race *r = &m->races_at[i];
        if (r->t < g->t0 || r->t >= g->t0 + g->npc * g->tw) continue;
        int col = (int)((r->t - g->t0) / g->npc);
        canvas_put(c, g->x + g->lw + col, y, THEME_ERROR, theme_glyph(GLYPH_RACE), 1);
        timeline_use(a, LEG_RACE);
        canvas_printf(c, g->x + g->lw + col + 1, y, THEME_ERROR, g->tw - col - 1,
                      " %s wrote %lld, not %lld", task_name(m, r->task), (long long)r->stored,
                      (long long)r->serial);
    }
    if (m->ended && m->st.nresults && last >= 0) {
        const struct stats_result *res = &m->st.results[0];
        char buf[96];
        snprintf(buf, sizeof buf, " %lld (expected %lld)", (long long)res->actual,
                 (long long)res->expected);
        int bw = canvas_width(buf);
        int x = g->x + g->lw + last + 1;
        if (x + bw > g->x + g->lw + g->tw) x = g->x + g->lw + g->tw - bw;
        canvas_put(c, x, y, res->actual == res->expected ? THEME_NORMAL : THEME_ERROR, buf, -1);
    }
}

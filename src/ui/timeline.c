/*
 * timeline: the axis, the lanes and the legend (see timeline.h). Each cell
 * asks the run model what covered its slice of time (model_task_cell,
 * model_cpu_cell), so a lane is exactly as fine as the zoom and nothing
 * here keeps state of its own but the legend's "used" bits and where the
 * lanes landed (for mouse clicks).
 */
#include "ui/timeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/scene.h"
#include "core/xalloc.h"
#include "ui/theme.h"
#include "ui/timeline_internal.h"

void timeline_use(struct app *a, int entry)
{
    a->legend_used |= 1u << entry;
}

/* ---- axis ---- */

static const int64_t nice_steps[] = {
    1000000,       2000000,       5000000,       10000000,       20000000,        50000000,
    100000000,     200000000,     500000000,     1000000000,     2000000000,      5000000000,
    10000000000,   20000000000,   50000000000,   100000000000,   200000000000,    500000000000,
    1000000000000, 2000000000000, 5000000000000, 10000000000000, 100000000000000, 1000000000000000,
};

static void tick_label(char *buf, size_t n, int64_t t, int64_t step)
{
    if (step >= UNIT_NS)
        snprintf(buf, n, "%lld", (long long)(t / UNIT_NS));
    else if (step >= UNIT_NS / 10)
        snprintf(buf, n, "%.1f", units_of_ns(t));
    else if (step >= UNIT_NS / 100)
        snprintf(buf, n, "%.2f", units_of_ns(t));
    else
        snprintf(buf, n, "%.3f", units_of_ns(t));
}

/* A Python program's threads (no scene: juggle watch) are placed on CPUs
 * by the OS, which does not say where: a one-row note stands in for its
 * CPU lanes. juggle's own real runs have the scene's CPUs (one thread, or
 * the threads taking turns at cpuq's CPUs), drawn as a simulation's. */
static int cpus_unknown(const struct app *a)
{
    return a->model.real && !a->sc;
}

int64_t timeline_fit_npc(const struct app *a, int tw)
{
    if (tw < 1) tw = 1;
    int64_t span = a->estimate;
    int64_t end = app_end(a);
    if (end > span) span = end;
    if (a->playhead > span) span = a->playhead;
    /* A deadlock is forever: leave room after the run's end to show
     * its members still waiting. */
    if (a->model.st.deadlock) span += span / 4;
    if (span <= 0) span = UNIT_NS;
    int64_t npc = (span + tw - 2) / (tw > 1 ? tw - 1 : 1);
    return npc < 1 ? 1 : npc;
}

/* The view's left edge and ns per column for a timeline tw cells wide. */
static void view_range(struct app *a, int tw, int64_t *t0, int64_t *npc)
{
    if (tw < 1) tw = 1;
    if (a->zoom <= 0) {
        *npc = timeline_fit_npc(a, tw);
        a->view_t0 = 0;
        *t0 = 0;
        return;
    }
    *npc = a->zoom;
    int64_t width = *npc * tw;
    if (a->follow) {
        if (a->playhead >= a->view_t0 + width - *npc || a->playhead < a->view_t0)
            a->view_t0 = a->playhead - width * 3 / 4;
    }
    /* Never past the end of the run: its last column holds the end. */
    int64_t end = app_end(a) >= 0 ? app_end(a) : -1;
    if (end >= 0 && a->view_t0 + width - *npc > end) a->view_t0 = end - width + *npc;
    if (a->view_t0 < 0) a->view_t0 = 0;
    *t0 = a->view_t0;
}

static void draw_axis(struct canvas *c, int x, int y, int lw, int tw, int64_t t0, int64_t npc,
                      int cur)
{
    int64_t step = nice_steps[sizeof nice_steps / sizeof nice_steps[0] - 1];
    for (size_t i = 0; i < sizeof nice_steps / sizeof nice_steps[0]; i++)
        if (nice_steps[i] >= npc * 8) {
            step = nice_steps[i];
            break;
        }
    canvas_put(c, x, y, THEME_AXIS, "time", lw - 1);
    for (int64_t t = (t0 + step - 1) / step * step; t < t0 + npc * tw; t += step) {
        int col = (int)((t - t0) / npc);
        char lab[32];
        tick_label(lab, sizeof lab, t, step);
        int w = canvas_width(lab);
        /* A label never hides the cursor. */
        if (col + w < tw && !(cur >= col && cur <= col + w))
            canvas_put(c, x + lw + col, y, THEME_AXIS, lab, -1);
    }
    if (cur >= 0 && cur < tw)
        canvas_put(c, x + lw + cur, y, THEME_CURSOR, legend_glyph(LEG_CURSOR), 1);
}

/* ---- lanes ---- */

static int name_width(const struct app *a)
{
    int w = 4;
    for (size_t i = 0; i < a->model.ntasks; i++)
        if (a->model.tasks[i].name) {
            int n = canvas_width(a->model.tasks[i].name);
            if (n > w) w = n;
        }
    return w > 12 ? 12 : w;
}

/* A one-character tag for a task in the CPU rows: the first letter of its
 * name if no other task shares it, else the last (worker1 -> 1), else its
 * number in digits and capitals (no O, no X: they read as glyphs). */
static char task_tag(const struct model *m, size_t task)
{
    const char *name = m->tasks[task].name;
    size_t len = strlen(name);
    for (int pass = 0; pass < 2 && len; pass++) {
        char ch = pass ? name[len - 1] : name[0];
        /* Never a letter the lanes use as a glyph (x lock, ~ I/O...). */
        if ((unsigned char)ch < 0x21 || (unsigned char)ch > 0x7e || strchr("x~:_.#=|+oX*@!", ch))
            continue;
        int unique = 1;
        for (size_t i = 0; i < m->ntasks && unique; i++) {
            const char *o = m->tasks[i].name;
            size_t ol = o ? strlen(o) : 0;
            if (i != task && ol && (pass ? o[ol - 1] : o[0]) == ch) unique = 0;
        }
        if (unique) return ch;
    }
    return "0123456789ABCDEFGHIJKLMNPQRSTUVWYZ"[task % 34];
}

static int in_cycle(const struct app *a, size_t task)
{
    for (size_t i = 0; i < a->model.st.ncycle; i++)
        if (a->model.st.cycle[i].task == (int)task) return 1;
    return 0;
}

static int active(const struct model *m, size_t i)
{
    const struct model_task *t = &m->tasks[i];
    return t->name && !model_task_unborn(t) && t->state != TASK_DONE;
}

static const struct model *sort_model;
static int64_t sort_now;

static int by_end_desc(const void *x, const void *y)
{
    int64_t a = sort_model->tasks[*(const int *)x].since;
    int64_t b = sort_model->tasks[*(const int *)y].since;
    return a < b ? 1 : a > b ? -1 : *(const int *)x - *(const int *)y;
}

/* Lane order by state: running, ready, blocked, not begun, done. */
static int state_rank(const struct model_task *t)
{
    if (model_task_unborn(t)) return 3;
    switch (t->state) {
    case TASK_RUNNING: return 0;
    case TASK_READY: return 1;
    case TASK_BLOCKED: return 2;
    default: return 4;
    }
}

static int by_state(const void *x, const void *y)
{
    int a = *(const int *)x, b = *(const int *)y;
    /* A task not created yet at the time shown (the cursor's) has not begun. */
    int ra = (size_t)a < sort_model->ntasks ? state_rank(&sort_model->tasks[a]) : 3;
    int rb = (size_t)b < sort_model->ntasks ? state_rank(&sort_model->tasks[b]) : 3;
    return ra != rb ? ra - rb : a - b;
}

/* The task's longest wait for a CPU so far, the one going on included. */
static int64_t worst_wait(int i)
{
    if ((size_t)i >= sort_model->st.ntasks) return 0;
    const struct stats_task *t = &sort_model->st.tasks[i];
    int64_t w = t->worst_ready;
    if (t->state == TASK_READY && sort_now - t->since > w) w = sort_now - t->since;
    return w;
}

static int by_wait(const void *x, const void *y)
{
    int a = *(const int *)x, b = *(const int *)y;
    int64_t wa = worst_wait(a), wb = worst_wait(b);
    return wa != wb ? (wa < wb ? 1 : -1) : a - b;
}

/* The task has a lane at all: it exists and matches the name filter. */
static int shown(const struct app *a, size_t i)
{
    const struct model_task *t = &a->model.tasks[i];
    return t->name && (!a->filter[0] || strcasestr(t->name, a->filter));
}

int timeline_shown(const struct app *a, size_t i)
{
    return i < a->model.ntasks && shown(a, i);
}

/*
 * Which tasks get a lane: those matching the filter (`/`); when rows are
 * short, the active ones and the selected one, then the latest finished,
 * then those not yet begun. In task order, or by state or by wait (`o`).
 * Scrolls so the selected one shows. Returns the count (<= rows); vis
 * must hold ntasks.
 */
static int pick_tasks(struct app *a, int rows, int *vis)
{
    /* Every task the run has; their states at the time the readouts are
     * for (the cursor's, when it is on: the lanes follow it). */
    const struct model *m = &a->model, *at = app_readout_model(a);
    int n = 0, total = 0;
    for (size_t i = 0; i < m->ntasks; i++)
        total += shown(a, i);
    if (a->selected >= (int)m->ntasks) a->selected = (int)m->ntasks - 1;
    if (a->selected < 0) a->selected = 0;
    char *keep = calloc(m->ntasks ? m->ntasks : 1, 1);
    int k = 0;
    for (size_t i = 0; i < m->ntasks; i++)
        if (shown(a, i) &&
            (total <= rows || (i < at->ntasks && active(at, i)) || (int)i == a->selected))
            keep[i] = 1, k++;
    for (int pass = 0; pass < 2 && k < rows; pass++) {
        int nc = 0;
        for (size_t i = 0; i < m->ntasks; i++)
            if (!keep[i] && shown(a, i) &&
                (pass ? 1 : i < at->ntasks && at->tasks[i].state == TASK_DONE))
                vis[nc++] = (int)i;
        if (!pass) {
            sort_model = at;
            qsort(vis, (size_t)nc, sizeof *vis, by_end_desc);
        }
        for (int j = 0; j < nc && k < rows; j++)
            keep[vis[j]] = 1, k++;
    }
    for (size_t i = 0; i < m->ntasks; i++)
        if (keep[i]) vis[n++] = (int)i;
    free(keep);
    sort_model = at;
    sort_now = app_readout_time(a);
    if (a->lane_sort == 1) qsort(vis, (size_t)n, sizeof *vis, by_state);
    if (a->lane_sort == 2) qsort(vis, (size_t)n, sizeof *vis, by_wait);
    if (n > rows) {
        int pos = 0;
        while (pos < n && vis[pos] != a->selected)
            pos++;
        if (pos < a->task_scroll) a->task_scroll = pos;
        if (pos >= a->task_scroll + rows) a->task_scroll = pos - rows + 1;
        if (a->task_scroll > n - rows) a->task_scroll = n - rows;
        if (a->task_scroll < 0) a->task_scroll = 0;
        memmove(vis, vis + a->task_scroll, (size_t)rows * sizeof *vis);
        n = rows;
    } else {
        a->task_scroll = 0;
    }
    return n;
}

static int state_entry(int state, int reason)
{
    switch (state) {
    case TASK_RUNNING: return LEG_RUNNING;
    case TASK_READY: return LEG_READY;
    case TASK_BLOCKED:
        switch (reason) {
        case BLOCK_IO:
        case BLOCK_HTTP:
        case BLOCK_EXTERNAL: return LEG_IO;
        case BLOCK_LOCK: return LEG_LOCK;
        case BLOCK_POLL_WAIT: return LEG_POLL_WAIT;
        case BLOCK_QUEUE: return LEG_QUEUE;
        default: return LEG_SLEEP;
        }
    default: return -1;
    }
}

/* The lane's short readout under its name: the state at the play head. */
static const char *readout(const struct model_task *tk, int64_t now)
{
    if (model_task_unborn(tk)) return "";
    if (stats_due_wait(tk->state, tk->reason, tk->since, tk->until, now)) return "ready (due)";
    switch (tk->state) {
    case TASK_RUNNING: return "running";
    case TASK_READY: return "ready";
    case TASK_BLOCKED: return tk->stall ? "holds CPU" : block_reason_name(tk->reason);
    case TASK_DONE: return "done";
    default: return "";
    }
}

/* A thick lane's label column, under the name: the state at the play head
 * (or at the time cursor), then its time running, waiting and blocked by
 * then, and its items. */
static void draw_readout(struct canvas *c, struct app *a, const struct lane_geom *g, int ti, int y,
                         int thick)
{
    const struct model *m = app_readout_model(a);
    int64_t now = app_readout_time(a);
    if (ti < 0 || (size_t)ti >= m->ntasks || !m->tasks[ti].name) return; /* not yet created */
    const struct model_task *tk = &m->tasks[ti];
    canvas_put(c, g->x + 1, y + 1, THEME_DIM, readout(tk, now), g->nw);
    static const struct {
        const char *label;
        int state;
    } rows[] = {{"ran", TASK_RUNNING}, {"wait", TASK_READY}, {"blk", TASK_BLOCKED}};
    int r = 2;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0] && r < thick; i++, r++) {
        char t[32];
        scene_format_units(t, sizeof t, model_task_time(tk, rows[i].state, -1, now));
        canvas_printf(c, g->x + 1, y + r, THEME_DIM, g->nw, "%-4s %*s", rows[i].label, g->nw - 5,
                      t);
    }
    /* Items finished, as the totals count them; the one under way below. */
    size_t going = tk->nitems && tk->items[tk->nitems - 1].t1 < 0, done = tk->nitems - going;
    if (r < thick && tk->nitems)
        canvas_printf(c, g->x + 1, y + r++, THEME_DIM, g->nw, "%zu item%s", done,
                      done == 1 ? "" : "s");
    if (r < thick && going) canvas_put(c, g->x + 1, y + r, THEME_DIM, "1 under way", g->nw);
}

static void draw_task_lane(struct canvas *c, struct app *a, const struct lane_geom *g, int ti,
                           int y, int thick)
{
    const struct model *m = &a->model;
    const struct model_task *tk = &m->tasks[ti];
    int sel = ti == a->selected;
    if (sel)
        canvas_put(c, g->x, y, a->focus == FOCUS_TIMELINE ? THEME_SELECTED : THEME_DIM,
                   theme_glyph(GLYPH_SELECT), 1);
    canvas_put(c, g->x + 1, y, sel ? THEME_SELECTED : THEME_NORMAL, tk->name, g->nw);
    if (thick > 1) draw_readout(c, a, g, ti, y, thick);
    char warn[6][160];
    if (in_cycle(a, (size_t)ti)) {
        canvas_put(c, g->x + 2 + g->nw, y, THEME_ERROR, theme_glyph(GLYPH_DEADLOCK), 1);
        timeline_use(a, LEG_DEADLOCK);
    } else if (model_task_warnings(m, (size_t)ti, a->playhead, warn, 6)) {
        canvas_put(c, g->x + 2 + g->nw, y, THEME_WARN, theme_glyph(GLYPH_WARN), 1);
        timeline_use(a, LEG_WARN);
    }
    int stuck = m->ended && in_cycle(a, (size_t)ti);
    for (int col = 0; col < g->tw; col++) {
        int64_t c0 = g->t0 + col * g->npc;
        int state, reason;
        if (stuck && c0 >= m->total) {
            /* After the deadlock was found: the member waits on, forever. */
            int glyph = theme_state_glyph(tk->state, tk->reason);
            for (int r = 0; r < thick; r++)
                canvas_put(c, g->x + g->lw + col, y + r, THEME_ERROR, theme_glyph(glyph), 1);
            timeline_use(a, state_entry(tk->state, tk->reason));
            continue;
        }
        int got = model_task_cell(tk, c0, c0 + g->npc, a->playhead, &state, &reason);
        if (!got || state == TASK_DONE || state == TASK_NEW) continue;
        int glyph = theme_state_glyph(state, reason), role = theme_state_role(state, reason);
        int entry = got == 2 ? LEG_RUN_PART : state_entry(state, reason);
        if (got == 2) glyph = GLYPH_RUN_PART;
        int mk = model_task_mark(tk, c0, c0 + g->npc);
        if (mk == MARK_RACE) {
            glyph = GLYPH_RACE;
            role = THEME_ERROR;
            entry = LEG_RACE;
        } else if (mk >= 0 && state != TASK_RUNNING) {
            glyph = mk == MARK_CHECK_USEFUL ? GLYPH_CHECK_USEFUL : GLYPH_CHECK_WASTED;
            entry = mk == MARK_CHECK_USEFUL ? LEG_CHECK_USEFUL : LEG_CHECK_WASTED;
            role = THEME_CHECK;
        }
        if (col == g->cur) role = THEME_CURSOR;
        if (entry >= 0) timeline_use(a, entry);
        for (int r = 0; r < thick; r++)
            canvas_put(c, g->x + g->lw + col, y + r, role, theme_glyph(glyph), 1);
    }
}

int64_t timeline_queue_peak(const int64_t *mk, size_t n, int64_t now)
{
    int64_t q = 0, peak = 0;
    for (size_t i = 0; i < n && mk[i] / 2 <= now; i++) {
        q += (mk[i] & 1) ? 1 : -1;
        if (q > peak) peak = q;
    }
    return peak;
}

/* The queue lane: in each cell the most requests waiting at once (arrived,
 * not yet started), as a bar `thick` rows high scaled to the most waiting
 * up to the play head (the scale is written under the label); nothing
 * after the play head. */
static void draw_queue(struct canvas *c, struct app *a, const struct lane_geom *g,
                       const int64_t *mk, size_t n, int y, int thick)
{
    int64_t now = a->playhead, q = 0, peak = timeline_queue_peak(mk, n, now);
    canvas_put(c, g->x + 1, y, THEME_DIM, "queue", g->nw);
    if (thick > 1) canvas_printf(c, g->x + 1, y + 1, THEME_DIM, g->nw, "max %lld", (long long)peak);
    size_t i = 0;
    for (; i < n && mk[i] / 2 < g->t0; i++)
        q += (mk[i] & 1) ? 1 : -1;
    timeline_use(a, LEG_LEVELS);
    for (int col = 0; col < g->tw; col++) {
        int64_t c0 = g->t0 + col * g->npc, c1 = c0 + g->npc;
        if (c0 > now || (c0 == now && now > 0)) break;
        int64_t most = q;
        for (; i < n && mk[i] / 2 < c1 && mk[i] / 2 <= now; i++) {
            q += (mk[i] & 1) ? 1 : -1;
            if (q > most) most = q;
        }
        int levels = THEME_LEVELS * thick;
        int level = most > 0 && peak > 0 ? (int)((most * levels + peak - 1) / peak) : 0;
        int role = col == g->cur ? THEME_CURSOR : THEME_QUEUE;
        for (int r = 0; r < thick; r++) {
            /* Row r from the bottom holds levels above r * THEME_LEVELS. */
            int lv = level - (thick - 1 - r) * THEME_LEVELS;
            if (lv > THEME_LEVELS) lv = THEME_LEVELS;
            if (lv <= 0 && r < thick - 1) continue;
            if (lv < 1) timeline_use(a, LEG_IDLE); /* its `·`: nobody waiting */
            canvas_put(c, g->x + g->lw + col, y + r, role, theme_level_glyph(lv), 1);
        }
    }
}

static void draw_cpu_lane(struct canvas *c, struct app *a, const struct lane_geom *g, int ci, int y)
{
    const struct model *m = &a->model;
    const struct model_cpu *cpu = &m->cpus[ci];
    canvas_printf(c, g->x + 1, y, THEME_DIM, g->nw, "cpu%d", ci);
    /* A deadlock member blocked in a call that keeps the thread holds it
     * on, forever, like its lane (model.c leaves that span open). */
    int forever = m->ended && m->st.deadlock && cpu->nspans && cpu->spans[cpu->nspans - 1].t1 < 0 &&
                  cpu->spans[cpu->nspans - 1].reason == MODEL_CPU_HELD;
    for (int col = 0; col < g->tw; col++) {
        int64_t c0 = g->t0 + col * g->npc;
        int sw, held;
        if (forever && c0 >= m->total) {
            canvas_put(c, g->x + g->lw + col, y, THEME_ERROR, theme_glyph(GLYPH_HELD), 1);
            timeline_use(a, LEG_HELD);
            continue;
        }
        int task = model_cpu_cell(cpu, c0, c0 + g->npc, a->playhead, &sw, &held);
        if (task == -2) continue;
        int cur = col == g->cur;
        int role = cur ? THEME_CURSOR : THEME_DIM;
        if (sw) {
            canvas_put(c, g->x + g->lw + col, y, cur ? role : THEME_SWITCH,
                       theme_glyph(GLYPH_SWITCH), 1);
            timeline_use(a, LEG_SWITCH);
        } else if (held == MODEL_CPU_CHECK && task >= 0) {
            canvas_put(c, g->x + g->lw + col, y, cur ? role : THEME_CHECK,
                       theme_glyph(GLYPH_CPU_CHECK), 1);
            timeline_use(a, LEG_CPU_CHECK);
        } else if (held == MODEL_CPU_HELD && task >= 0) {
            canvas_put(c, g->x + g->lw + col, y, cur ? role : THEME_HELD, theme_glyph(GLYPH_HELD),
                       1);
            timeline_use(a, LEG_HELD);
        } else if (task >= 0 && (size_t)task < m->ntasks && m->tasks[task].name) {
            char ch[2] = {task_tag(m, (size_t)task), 0};
            canvas_put(c, g->x + g->lw + col, y, cur ? role : THEME_RUNNING, ch, 1);
            timeline_use(a, LEG_CPU_TAG);
        } else {
            canvas_put(c, g->x + g->lw + col, y, role, theme_glyph(GLYPH_IDLE), 1);
            timeline_use(a, LEG_IDLE);
        }
    }
}

/* ---- the box ---- */

static int lane_count(struct app *a, int *has_queue)
{
    size_t nq;
    *has_queue = app_queue_marks(a, &nq) != NULL;
    int n = 0;
    for (size_t i = 0; i < a->model.ntasks; i++)
        n += shown(a, i);
    return n;
}

int timeline_height(const struct app *a, int maxh, int maxthick)
{
    int q;
    int tasks = lane_count((struct app *)a, &q);
    /* Box, axis, legend, CPU lanes (a Python program: one row saying why
     * none; see plan_rows). */
    int fixed = 2 + 1 + 1 + (cpus_unknown(a) ? 1 : a->model.ncpu);
    if (a->sc && a->sc->kind == SCENE_CHECKBOOK) fixed++; /* the balance */
    int lanes = tasks + q;
    if (maxh < 0) return fixed + (lanes ? lanes : 1); /* one row a lane */
    if (lanes == 0) return fixed + 1 < maxh ? fixed + 1 : maxh;
    if (fixed + lanes >= maxh) return maxh;
    int thick = (maxh - fixed) / lanes;
    if (thick > maxthick) thick = maxthick;
    if (thick < 1) thick = 1;
    return fixed + lanes * thick;
}

/* How the timeline's rows are shared (see timeline_draw). */
struct row_plan {
    int legend, ncpu, qrows, brow, task_rows, thick, nvis;
};

/* Rows: the axis, the lanes, the legend. CPU lanes are pinned (they go
 * last when even they do not fit); the queue keeps its lane while there
 * are two rows; tasks get the rest, as thick as it allows. vis gets the
 * tasks with a lane. */
static void plan_rows(struct app *a, int h, int *vis, struct row_plan *p)
{
    const struct model *m = &a->model;
    int q;
    int ntasks = lane_count(a, &q);
    int rows = h - 1;
    p->legend = rows >= 8 || rows > ntasks + q + m->ncpu ? 1 : 0;
    rows -= p->legend;
    int cpu_lanes = cpus_unknown(a) ? 1 : m->ncpu;
    p->ncpu = cpu_lanes < rows ? cpu_lanes : rows;
    p->qrows = q && rows - p->ncpu >= 2 ? 1 : 0;
    p->brow = a->sc && a->sc->kind == SCENE_CHECKBOOK && rows - p->ncpu - p->qrows >= 3;
    p->task_rows = rows - p->ncpu - p->qrows - p->brow;
    if (p->task_rows < 0) p->task_rows = 0;
    p->nvis = pick_tasks(a, p->task_rows, vis);
    int thick = p->nvis + p->qrows ? (p->task_rows + p->qrows) / (p->nvis + p->qrows) : 1;
    if (thick < 1) thick = 1;
    if (thick > TIMELINE_MAX_THICK) thick = TIMELINE_MAX_THICK;
    p->thick = thick;
    if (p->qrows) p->qrows = thick;
}

void timeline_draw(struct canvas *c, struct app *a, int x, int y, int w, int h, int boxed)
{
    const struct model *m = &a->model;
    a->rows_n = 0;
    if (boxed) {
        static const char *const order[] = {"", ", by state", ", by wait"};
        char title[96];
        snprintf(title, sizeof title, "timeline%s%s%s%s", a->filter[0] || a->filtering ? "  /" : "",
                 a->filter, a->filtering ? "_" : "", order[a->lane_sort % 3]);
        canvas_box(c, x, y, w, h, THEME_BORDER, title);
        x++, y++, w -= 2, h -= 2;
    }
    if (w < 4 || h < 2) return;
    size_t nq;
    const int64_t *qm = app_queue_marks(a, &nq);
    int *vis = xmalloc((m->ntasks ? m->ntasks : 1) * sizeof *vis);
    struct row_plan p;
    plan_rows(a, h, vis, &p);
    int thick = p.thick;

    struct lane_geom g = {.x = x, .nw = name_width(a)};
    if (qm && g.nw < 7) g.nw = 7;          /* "queue", "max 117" */
    if (thick > 1 && g.nw < 9) g.nw = 9;   /* "holds CPU" */
    if (thick > 2 && g.nw < 11) g.nw = 11; /* "wait  123.4" */
    g.lw = g.nw + 4;                       /* selection mark, name, space, warning mark, space */
    if (g.lw > w / 2) g.lw = w / 2;
    g.tw = w - g.lw;
    view_range(a, g.tw, &g.t0, &g.npc);
    a->view_npc = g.npc;
    a->timeline_x0 = x + g.lw;
    a->timeline_w = g.tw;
    g.cur = a->playhead >= g.t0 ? (int)((a->playhead - g.t0) / g.npc) : -1;
    a->legend_used = 0;
    draw_axis(c, x, y, g.lw, g.tw, g.t0, g.npc, g.cur);

    /* The lanes, and where each landed (for the cursor's readouts). */
    struct timeline_lane *lanes = xmalloc((size_t)(p.nvis + p.ncpu + 2) * sizeof *lanes);
    int nl = 0, ry = y + 1;
    a->rows_y0 = ry;
    for (int i = 0; i < p.nvis; i++, ry += thick) {
        draw_task_lane(c, a, &g, vis[i], ry, thick);
        lanes[nl++] = (struct timeline_lane){TL_TASK, vis[i], ry, thick};
        for (int r = 0; r < thick && a->rows_n < APP_MAX_LANE_ROWS; r++)
            a->lane_task[a->rows_n++] = vis[i];
    }
    free(vis);
    if (p.qrows) {
        draw_queue(c, a, &g, qm, nq, ry, p.qrows);
        lanes[nl++] = (struct timeline_lane){TL_QUEUE, 0, ry, p.qrows};
        ry += p.qrows;
    }
    if (p.brow) {
        timeline_draw_balance(c, a, &g, ry);
        lanes[nl++] = (struct timeline_lane){TL_BALANCE, 0, ry++, 1};
    }
    if (cpus_unknown(a) && p.ncpu)
        canvas_put(c, x + 1, ry++, THEME_DIM,
                   "a Python program: the OS places its threads on CPUs and does not say where "
                   "(what it saw per thread is in the totals)",
                   w - 1);
    else
        for (int ci = 0; ci < p.ncpu; ci++, ry++) {
            draw_cpu_lane(c, a, &g, ci, ry);
            lanes[nl++] = (struct timeline_lane){TL_CPU, ci, ry, 1};
        }
    a->timeline_y0 = y;
    a->timeline_y1 = ry;
    if (a->cursor_on) timeline_draw_cursor(c, a, &g, y, lanes, nl);
    free(lanes);
    if (p.legend) timeline_draw_legend(c, a, x + 1, y + h - 1, w - 1, 1);
}

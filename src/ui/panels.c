/*
 * panels: the screen layout and every panel. Layout, top to bottom: two
 * header rows, the timeline box, then the log and the totals side by side
 * (stacked when narrow, dropped when short), and one status row. Overlays
 * (help, compare, detail) are boxes drawn over the body.
 */
#include "ui/panels.h"

#include <stdio.h>
#include <string.h>

#include "core/scene.h"
#include "core/strategy.h"
#include "core/trace.h"
#include "exec/watch.h"
#include "ui/keys.h"
#include "ui/lesson.h"
#include "ui/theme.h"

#define MAX_WARN 6

static void fmt_u(char *buf, size_t n, int64_t ns)
{
    scene_format_units(buf, n, ns);
}

/* ---- header ---- */

static const char *state_text(const struct app *a, int *role)
{
    *role = THEME_STATE_RUN;
    if (app_finished(a)) {
        *role = a->model.failed ? THEME_ERROR : THEME_STATE_PAUSE;
        return a->model.failed ? "failed" : "finished";
    }
    if (a->paused) {
        *role = THEME_STATE_PAUSE;
        return "paused";
    }
    return "running";
}

static void draw_header(struct canvas *c, struct app *a)
{
    int w = c->cols;
    canvas_fill(c, 0, 0, w, 1, THEME_TITLE, " ");
    int x = canvas_put(c, 0, 0, THEME_TITLE, " juggle ", -1);
    const char *title = a->sc                              ? a->sc->title
                        : a->watch                         ? watch_program(a->watch)
                        : a->trace && a->trace->scene_path ? a->trace->scene_path
                                                           : "(no scene)";
    canvas_put(c, x, 0, THEME_TITLE, title, w - x);
    char mode[96];
    if (a->source == APP_REAL)
        snprintf(mode, sizeof mode, " real x%.3g ", a->time_scale);
    else if (a->source == APP_REPLAY)
        snprintf(mode, sizeof mode, " replay ");
    else
        snprintf(mode, sizeof mode, " sim ");
    int mw = canvas_width(mode);
    if (w - mw > x + 10) canvas_put(c, w - mw, 0, THEME_TAB_ACTIVE, mode, -1);

    x = 0;
    a->tab_y = 1;
    /* No scene (a watched program, or its trace): one run, no strategies
     * to switch to; the tab names what produced it ("python"). */
    for (int i = 0; !a->sc && i < STRATEGY_COUNT; i++)
        a->tab_x0[i] = a->tab_x1[i] = -1;
    if (!a->sc) {
        char tab[48];
        snprintf(tab, sizeof tab, "[%s]", a->model.strategy[0] ? a->model.strategy : "?");
        x += canvas_put(c, x, 1, THEME_TAB_ACTIVE, tab, -1);
    }
    for (int i = 0; a->sc && i < STRATEGY_COUNT; i++) {
        int active = i == a->strategy;
        char tab[32];
        snprintf(tab, sizeof tab, active ? "[%d %s]" : " %d %s ", i + 1, strategy_name(i));
        a->tab_x0[i] = x;
        int n = canvas_put(c, x, 1, active ? THEME_TAB_ACTIVE : THEME_TAB, tab, -1);
        canvas_paint(c, x + 1, 1, 1, active ? THEME_TAB_ACTIVE : THEME_TAB_KEY);
        a->tab_x1[i] = x + n;
        x += n;
    }
    char t[32], buf[160];
    fmt_u(t, sizeof t, a->playhead);
    x += canvas_printf(c, x, 1, THEME_NORMAL, -1, "  t %s", t);
    if (a->source == APP_REAL) {
        x += canvas_put(c, x, 1, THEME_NORMAL, "  real time", -1);
    } else {
        if (a->speed_exp >= 0)
            snprintf(buf, sizeof buf, "  speed %s%d", theme_utf8() ? "\u00d7" : "x",
                     1 << a->speed_exp);
        else
            snprintf(buf, sizeof buf, "  speed %s1/%d", theme_utf8() ? "\u00d7" : "x",
                     1 << -a->speed_exp);
        x += canvas_put(c, x, 1, THEME_NORMAL, buf, -1);
    }
    int role;
    const char *st = state_text(a, &role);
    int playing = !strcmp(st, "running");
    x += canvas_put(c, x, 1, THEME_NORMAL, "  ", -1);
    x += canvas_put(c, x, 1, role, theme_glyph(playing ? GLYPH_PLAY : GLYPH_PAUSE), -1);
    canvas_put(c, x, 1, role, " ", -1);
    canvas_put(c, x + 1, 1, role, st, -1);
}

/* ---- timeline ---- */

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

/* The view's left edge and ns per column for a timeline tw cells wide. */
static void view_range(struct app *a, int tw, int64_t *t0, int64_t *npc)
{
    if (tw < 1) tw = 1;
    if (a->zoom <= 0) {
        int64_t span = a->estimate;
        int64_t end = app_end(a);
        if (end > span) span = end;
        if (a->playhead > span) span = a->playhead;
        if (span <= 0) span = UNIT_NS;
        *npc = (span + tw - 2) / (tw > 1 ? tw - 1 : 1);
        if (*npc < 1) *npc = 1;
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
    if (a->view_t0 < 0) a->view_t0 = 0;
    *t0 = a->view_t0;
}

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
 * number in base 36. */
static char task_tag(const struct model *m, size_t task)
{
    const char *name = m->tasks[task].name;
    size_t len = strlen(name);
    for (int pass = 0; pass < 2 && len; pass++) {
        char ch = pass ? name[len - 1] : name[0];
        if ((unsigned char)ch < 0x21 || (unsigned char)ch > 0x7e) continue;
        int unique = 1;
        for (size_t i = 0; i < m->ntasks && unique; i++) {
            const char *o = m->tasks[i].name;
            size_t ol = o ? strlen(o) : 0;
            if (i != task && ol && (pass ? o[ol - 1] : o[0]) == ch) unique = 0;
        }
        if (unique) return ch;
    }
    return "0123456789abcdefghijklmnopqrstuvwxyz"[task % 36];
}

static int in_cycle(const struct app *a, size_t task)
{
    for (size_t i = 0; i < a->model.st.ncycle; i++)
        if (a->model.st.cycle[i].task == (int)task) return 1;
    return 0;
}

static void draw_legend(struct canvas *c, int x, int y, int w)
{
    static const struct {
        int glyph, role;
        const char *text;
    } items[] = {
        {GLYPH_RUNNING, THEME_RUNNING, "running"},
        {GLYPH_RUN_PART, THEME_RUNNING, "ran part"},
        {GLYPH_READY, THEME_READY, "ready"},
        {GLYPH_SLEEP, THEME_SLEEP, "sleep"},
        {GLYPH_IO, THEME_IO, "I/O"},
        {GLYPH_LOCK, THEME_LOCK, "lock"},
        {GLYPH_POLL_WAIT, THEME_POLL_WAIT, "poll-wait"},
        {GLYPH_QUEUE, THEME_QUEUE, "queue"},
        {GLYPH_HELD, THEME_HELD, "held"},
        {GLYPH_CHECK_WASTED, THEME_CHECK, "check"},
        {GLYPH_SWITCH, THEME_SWITCH, "switch"},
        {GLYPH_RACE, THEME_ERROR, "race"},
        {GLYPH_WARN, THEME_WARN, "warning"},
    };
    int cx = x;
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        int need = 2 + canvas_width(items[i].text) + 2;
        if (cx + need > x + w) break;
        cx += canvas_put(c, cx, y, items[i].role, theme_glyph(items[i].glyph), 1);
        cx += canvas_put(c, cx, y, THEME_DIM, " ", 1);
        cx += canvas_put(c, cx, y, THEME_DIM, items[i].text, -1);
        cx += canvas_put(c, cx, y, THEME_DIM, "  ", -1);
    }
}

/* The queue row: in each cell the most requests waiting at once (arrived,
 * not yet started), as a bar scaled to the most waiting at any time up to
 * the play head; nothing after the play head. mk: app_queue_marks. */
static int64_t queue_peak(const int64_t *mk, size_t n, int64_t now)
{
    int64_t q = 0, peak = 0;
    for (size_t i = 0; i < n && mk[i] / 2 <= now; i++) {
        q += (mk[i] & 1) ? 1 : -1;
        if (q > peak) peak = q;
    }
    return peak;
}

static void draw_queue(struct canvas *c, const struct app *a, const int64_t *mk, size_t n, int x,
                       int tw, int y, int64_t t0, int64_t npc, int cur)
{
    int64_t now = a->playhead, q = 0, peak = queue_peak(mk, n, now);
    size_t i = 0;
    for (; i < n && mk[i] / 2 < t0; i++)
        q += (mk[i] & 1) ? 1 : -1;
    for (int col = 0; col < tw; col++) {
        int64_t c0 = t0 + col * npc, c1 = c0 + npc;
        if (c0 > now || (c0 == now && now > 0)) break;
        int64_t most = q;
        for (; i < n && mk[i] / 2 < c1 && mk[i] / 2 <= now; i++) {
            q += (mk[i] & 1) ? 1 : -1;
            if (q > most) most = q;
        }
        int level = most > 0 && peak > 0 ? (int)((most * THEME_LEVELS + peak - 1) / peak) : 0;
        canvas_put(c, x + col, y, col == cur ? THEME_CURSOR : THEME_QUEUE, theme_level_glyph(level),
                   1);
    }
}

/* Draws the timeline in the rectangle; boxed when there is room. */
static void draw_timeline(struct canvas *c, struct app *a, int x, int y, int w, int h, int boxed)
{
    const struct model *m = &a->model;
    if (boxed) {
        canvas_box(c, x, y, w, h, THEME_BORDER, "timeline");
        x++;
        y++;
        w -= 2;
        h -= 2;
    }
    if (w < 4 || h < 2) return;
    size_t nq;
    const int64_t *qm = app_queue_marks(a, &nq);
    int nw = name_width(a);
    if (qm && nw < 5) nw = 5; /* "queue" */
    int lw = nw + 4;          /* selection mark, name, space, warning mark, space */
    if (lw > w / 2) lw = w / 2;
    int tw = w - lw;
    int64_t t0, npc;
    view_range(a, tw, &t0, &npc);
    a->view_npc = npc;
    a->timeline_x0 = x + lw;
    a->timeline_w = tw;

    /* Axis: tick labels, and the cursor at the play head. */
    int64_t step = nice_steps[sizeof nice_steps / sizeof nice_steps[0] - 1];
    for (size_t i = 0; i < sizeof nice_steps / sizeof nice_steps[0]; i++)
        if (nice_steps[i] >= npc * 8) {
            step = nice_steps[i];
            break;
        }
    canvas_put(c, x, y, THEME_AXIS, "time", lw - 1);
    int cur = a->playhead >= t0 ? (int)((a->playhead - t0) / npc) : -1;
    for (int64_t t = (t0 + step - 1) / step * step; t < t0 + npc * tw; t += step) {
        int col = (int)((t - t0) / npc);
        char lab[32];
        tick_label(lab, sizeof lab, t, step);
        int lw2 = canvas_width(lab);
        /* A label never hides the cursor. */
        if (col + lw2 <= tw && !(cur >= col && cur <= col + lw2))
            canvas_put(c, x + lw + col, y, THEME_AXIS, lab, -1);
    }
    int rows = h - 1;
    int legend = 0;
    if (rows > m->ncpu + (int)m->ntasks + (qm != NULL) || rows >= 8) {
        legend = 1;
        rows--;
    }
    if (rows < 1) rows = 1;
    /* Rows: tasks, the queue (server scenes), then CPUs (CPU rows first to
     * go when short; the queue keeps its row while there are two). */
    int qrow = qm && rows >= 2;
    int task_rows = (int)m->ntasks < rows - qrow ? (int)m->ntasks : rows - qrow;
    int ncpu_rows = m->ncpu < rows - task_rows - qrow ? m->ncpu : rows - task_rows - qrow;
    if (a->selected < a->task_scroll) a->task_scroll = a->selected;
    if (task_rows > 0 && a->selected >= a->task_scroll + task_rows)
        a->task_scroll = a->selected - task_rows + 1;
    if (a->task_scroll > (int)m->ntasks - task_rows) a->task_scroll = (int)m->ntasks - task_rows;
    if (a->task_scroll < 0) a->task_scroll = 0;
    a->rows_y0 = y + 1;
    a->rows_n = task_rows;
    int ry = y + 1;
    char warn[MAX_WARN][160];
    for (int r = 0; r < task_rows; r++, ry++) {
        size_t ti = (size_t)(a->task_scroll + r);
        const struct model_task *tk = &m->tasks[ti];
        if (!tk->name) continue;
        int sel = (int)ti == a->selected;
        if (sel)
            canvas_put(c, x, ry, a->focus == FOCUS_TIMELINE ? THEME_SELECTED : THEME_DIM,
                       theme_glyph(GLYPH_SELECT), 1);
        canvas_put(c, x + 1, ry, sel ? THEME_SELECTED : THEME_NORMAL, tk->name, nw);
        if (in_cycle(a, ti))
            canvas_put(c, x + 2 + nw, ry, THEME_ERROR, theme_glyph(GLYPH_DEADLOCK), 1);
        else if (model_task_warnings(m, ti, a->playhead, warn, MAX_WARN))
            canvas_put(c, x + 2 + nw, ry, THEME_WARN, theme_glyph(GLYPH_WARN), 1);
        for (int col = 0; col < tw; col++) {
            int64_t c0 = t0 + col * npc;
            int state, reason;
            int got = model_task_cell(tk, c0, c0 + npc, a->playhead, &state, &reason);
            if (!got) continue;
            int glyph = theme_state_glyph(state, reason), role = theme_state_role(state, reason);
            if (got == 2) glyph = GLYPH_RUN_PART;
            int mk = model_task_mark(tk, c0, c0 + npc);
            if (mk == MARK_RACE) {
                glyph = GLYPH_RACE;
                role = THEME_ERROR;
            } else if (mk >= 0 && state != TASK_RUNNING) {
                glyph = mk == MARK_CHECK_USEFUL ? GLYPH_CHECK_USEFUL : GLYPH_CHECK_WASTED;
                role = THEME_CHECK;
            }
            if (col == cur) role = THEME_CURSOR;
            canvas_put(c, x + lw + col, ry, role, theme_glyph(glyph), 1);
        }
    }
    if (qrow) {
        canvas_put(c, x + 1, ry, THEME_DIM, "queue", nw);
        draw_queue(c, a, qm, nq, x + lw, tw, ry, t0, npc, cur);
        ry++;
    }
    for (int ci = 0; ci < ncpu_rows; ci++, ry++) {
        const struct model_cpu *cpu = &m->cpus[ci];
        canvas_printf(c, x + 1, ry, THEME_DIM, nw, "cpu%d", ci);
        for (int col = 0; col < tw; col++) {
            int64_t c0 = t0 + col * npc;
            int sw, held;
            int task = model_cpu_cell(cpu, c0, c0 + npc, a->playhead, &sw, &held);
            if (task == -2) continue;
            int role = col == cur ? THEME_CURSOR : THEME_DIM;
            if (sw) {
                canvas_put(c, x + lw + col, ry, col == cur ? role : THEME_SWITCH,
                           theme_glyph(GLYPH_SWITCH), 1);
            } else if (held && task >= 0) {
                canvas_put(c, x + lw + col, ry, col == cur ? role : THEME_HELD,
                           theme_glyph(GLYPH_HELD), 1);
            } else if (task >= 0 && (size_t)task < m->ntasks && m->tasks[task].name) {
                char ch[2] = {task_tag(m, (size_t)task), 0};
                canvas_put(c, x + lw + col, ry, col == cur ? role : THEME_RUNNING, ch, 1);
            } else {
                canvas_put(c, x + lw + col, ry, role, theme_glyph(GLYPH_IDLE), 1);
            }
        }
    }
    if (cur >= 0 && cur < tw)
        canvas_put(c, x + lw + cur, y, THEME_CURSOR, theme_utf8() ? "\u25bc" : "v", 1);
    if (legend) draw_legend(c, x + 1, y + h - 1, w - 1);
}

/* ---- log ---- */

static void draw_log(struct canvas *c, struct app *a, int x, int y, int w, int h)
{
    const struct model *m = &a->model;
    canvas_box(c, x, y, w, h, a->focus == FOCUS_LOG ? THEME_SELECTED : THEME_BORDER, "log");
    int rows = h - 2;
    if (rows < 1) return;
    int maxscroll = (int)m->nlog > rows ? (int)m->nlog - rows : 0;
    if (a->log_scroll > maxscroll) a->log_scroll = maxscroll;
    if (a->log_scroll < 0) a->log_scroll = 0;
    int first = (int)m->nlog - rows - a->log_scroll;
    if (first < 0) first = 0;
    for (int r = 0; r < rows && first + r < (int)m->nlog; r++) {
        const struct model_log *l = model_log_at(m, (size_t)(first + r));
        char t[32];
        fmt_u(t, sizeof t, l->t);
        canvas_printf(c, x + 1, y + 1 + r, THEME_TIME, 7, "%6s", t);
        canvas_put(c, x + 9, y + 1 + r, THEME_NORMAL, l->text, w - 10);
    }
}

/* ---- totals ---- */

/* The session line: every run finished so far, wrapped onto at most
 * maxrows rows. Returns the rows used. */
static int draw_session(struct canvas *c, const struct app *a, int x, int y, int w, int maxrows)
{
    int lead = canvas_put(c, x, y, THEME_DIM, "session  ", w);
    int cx = x + lead, row = 0;
    if (!a->nsession) {
        canvas_put(c, cx, y, THEME_DIM, "(runs appear here as they finish)", x + w - cx);
        return 1;
    }
    for (int i = 0; i < a->nsession; i++) {
        char t[32], buf[64];
        fmt_u(t, sizeof t, a->session[i].total);
        snprintf(buf, sizeof buf, "%s %s%s", a->session[i].label, t,
                 a->session[i].failed ? "!" : "");
        int need = canvas_width(buf) + (i ? 3 : 0);
        if (i && cx + need > x + w && row + 1 < maxrows) {
            row++;
            cx = x + lead;
        } else if (i) {
            cx += canvas_printf(c, cx, y + row, THEME_DIM, x + w - cx, " %s ",
                                theme_glyph(GLYPH_DOT));
        }
        cx += canvas_put(c, cx, y + row, THEME_NORMAL, buf, x + w - cx);
    }
    return row + 1;
}

/* The scene's outcome (lesson.h), one sentence a row. Returns the rows. */
static int draw_lesson(struct canvas *c, struct app *a, int x, int y, int w, int h)
{
    const struct stats *st = &a->model.st;
    char lines[LESSON_LINES][LESSON_LINE];
    int bad[LESSON_LINES];
    /* The longest queue so far, as the queue row shows it: requests that
     * arrived and still wait count before they start. */
    size_t nq;
    const int64_t *qm = app_queue_marks(a, &nq);
    int64_t qmax = qm ? queue_peak(qm, nq, a->playhead) : -1;
    int n = lesson_lines(a->sc ? a->sc->kind : -1, st, qmax, lines, bad,
                         h < LESSON_LINES ? h : LESSON_LINES);
    for (int i = 0; i < n; i++)
        canvas_put(c, x, y + i, bad[i] ? THEME_ERROR : THEME_SELECTED, lines[i], w);
    return n;
}

static void draw_totals(struct canvas *c, struct app *a, int x, int y, int w, int h)
{
    const struct model *m = &a->model;
    const struct stats *st = &m->st;
    canvas_box(c, x, y, w, h, THEME_BORDER, "totals");
    x++;
    y++;
    w -= 2;
    h -= 2;
    if (w < 4 || h < 1) return;
    int64_t now = a->playhead;
    int64_t span = m->ended ? m->total : now;
    char t[32];
    fmt_u(t, sizeof t, span);
    int64_t busy = st->poll_cost;
    for (size_t i = 0; i < st->ntasks; i++)
        busy += stats_task_time(&st->tasks[i], TASK_RUNNING, now);
    double util = span > 0 ? (double)busy / ((double)span * (st->ncpu > 0 ? st->ncpu : 1)) : 0;
    if (util > 1) util = 1;
    int row = 0;
    canvas_printf(c, x, y + row++, THEME_NORMAL, w, "elapsed %s  CPU %.1f%%  switches %llu", t,
                  100.0 * util, (unsigned long long)st->switches);
    if (row < h && st->polls_useful + st->polls_wasted)
        canvas_printf(c, x, y + row++, THEME_NORMAL, w, "checks %llu, %llu wasted",
                      (unsigned long long)(st->polls_useful + st->polls_wasted),
                      (unsigned long long)st->polls_wasted);
    if (row < h) row += draw_session(c, a, x, y + row, w, h - row > 3 ? 3 : h - row);
    if (row < h) row += draw_lesson(c, a, x, y + row, w, h - row);
    if (row < h && a->sc && strcmp(m->strategy, "poll") == 0) {
        fmt_u(t, sizeof t, a->sc->poll_interval);
        char ww[32];
        fmt_u(ww, sizeof ww, stats_worst_wait(st));
        canvas_printf(c, x, y + row++, THEME_NORMAL, w, "poll interval %s ([ ]), worst wait %s", t,
                      ww);
    }
    if (row >= h) return;
    int nw = name_width(a);
    /* Real runs add what the OS saw for each worker thread (reported as
     * each one ends): its CPU time and voluntary/involuntary switches. */
    int os = 0;
    for (size_t i = 0; i < st->ntasks; i++)
        os |= st->tasks[i].has_os;
    canvas_printf(c, x, y + row++, THEME_DIM, w, "%-*s %8s %8s %8s %6s %8s", nw, "task", "running",
                  "waiting", "blocked", "items", "worst");
    for (size_t i = 0; i < st->ntasks && row < h; i++, row++) {
        const struct stats_task *tk = &st->tasks[i];
        char r[16], q[16], b[16], wr[16];
        fmt_u(r, sizeof r, stats_task_time(tk, TASK_RUNNING, now));
        fmt_u(q, sizeof q, stats_task_time(tk, TASK_READY, now));
        fmt_u(b, sizeof b, stats_task_time(tk, TASK_BLOCKED, now));
        int64_t worst = tk->worst_ready;
        if (tk->state == TASK_READY && now - tk->since > worst) worst = now - tk->since;
        fmt_u(wr, sizeof wr, worst);
        canvas_printf(c, x, y + row, (int)i == a->selected ? THEME_SELECTED : THEME_NORMAL, w,
                      "%-*.*s %8s %8s %8s %6llu %8s", nw, nw, tk->name ? tk->name : "?", r, q, b,
                      (unsigned long long)tk->items, wr);
    }
    if (!os || row + 1 >= h) return;
    canvas_printf(c, x, y + row++, THEME_DIM, w, "%-*s %8s %8s %8s", nw, "os saw", "cpu s",
                  "vol sw", "invol sw");
    for (size_t i = 0; i < st->ntasks && row < h; i++) {
        const struct stats_task *tk = &st->tasks[i];
        if (!tk->has_os) continue;
        canvas_printf(c, x, y + row++, THEME_NORMAL, w, "%-*.*s %8.3f %8lld %8lld", nw, nw,
                      tk->name ? tk->name : "?", (double)tk->os_cpu_ns / 1e9,
                      (long long)tk->os_vcsw, (long long)tk->os_ivcsw);
    }
}

/* ---- overlays ---- */

static void overlay_box(struct canvas *c, int w, int h, const char *title, int *x, int *y)
{
    if (w > c->cols - 2) w = c->cols - 2;
    if (h > c->rows - 3) h = c->rows - 3;
    *x = (c->cols - w) / 2;
    *y = 2 + (c->rows - 3 - h) / 2;
    canvas_fill(c, *x, *y, w, h, THEME_NORMAL, " ");
    canvas_box(c, *x, *y, w, h, THEME_BORDER, title);
}

static void draw_help(struct canvas *c, struct app *a)
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
static void draw_compare(struct canvas *c, struct app *a)
{
    int x, y, w = c->cols - 4 > 116 ? 116 : c->cols - 4;
    overlay_box(c, w, 11, "compare: the scene under all five strategies (simulated)", &x, &y);
    w = w > c->cols - 2 ? c->cols - 2 : w;
    if (!a->have_compare) {
        canvas_put(c, x + 2, y + 1, THEME_DIM, "no scene to compare", w - 4);
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

static void draw_detail(struct canvas *c, struct app *a)
{
    const struct model *m = &a->model;
    if (a->selected < 0 || (size_t)a->selected >= m->ntasks || !m->tasks[a->selected].name) return;
    size_t ti = (size_t)a->selected;
    const struct model_task *tk = &m->tasks[ti];
    char warn[MAX_WARN][160];
    int nwarn = model_task_warnings(m, ti, a->playhead, warn, MAX_WARN);
    int nitems = (int)tk->nitems;
    int show_items = nitems > 8 ? 8 : nitems;
    int h = 4 + 1 + 4 + BLOCK__COUNT + 1 + show_items + (nitems > 8) + 1 + nwarn + 2;
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

/* ---- picker, status, too small ---- */

static void draw_picker(struct canvas *c, struct app *a)
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

static void draw_status(struct canvas *c, struct app *a)
{
    int y = c->rows - 1;
    canvas_fill(c, 0, y, c->cols, 1, THEME_STATUS, " ");
    if (a->status[0]) {
        canvas_put(c, 1, y, THEME_STATUS, a->status, c->cols - 1);
        return;
    }
    const char *hint =
        a->picking ? "Up/Down select  Enter open  q quit"
        : a->source == APP_REPLAY
            ? "space play  +/- speed  . , step  Home/End  Left/Right scrub  ? help  q quit"
            : "1-5 strategy  space pause  +/- speed  c compare  Enter detail  ? help  q quit";
    canvas_put(c, 1, y, THEME_STATUS, hint, c->cols - 1);
}

void panels_draw(struct canvas *c, struct app *a)
{
    canvas_clear(c);
    int w = c->cols, h = c->rows;
    if (w < PANELS_MIN_COLS || h < PANELS_MIN_ROWS) {
        char buf[64];
        snprintf(buf, sizeof buf, "too small %dx%d", w, h);
        canvas_put(c, 0, 0, THEME_WARN, "juggle: terminal", w);
        canvas_put(c, 0, 1, THEME_WARN, buf, w);
        snprintf(buf, sizeof buf, "need %dx%d", PANELS_MIN_COLS, PANELS_MIN_ROWS);
        canvas_put(c, 0, 2, THEME_NORMAL, buf, w);
        return;
    }
    if (a->picking) {
        draw_picker(c, a);
        draw_status(c, a);
        return;
    }
    draw_header(c, a);
    int body = h - 3, by = 2;
    const struct model *m = &a->model;
    size_t nq;
    int want = 2 + 1 + (int)m->ntasks + m->ncpu + 1 + (app_queue_marks(a, &nq) != NULL);
    if (body < 12) {
        draw_timeline(c, a, 0, by, w, body, 0);
    } else {
        int th = want;
        if (th > body * 3 / 5) th = body * 3 / 5;
        if (th < 5) th = 5;
        draw_timeline(c, a, 0, by, w, th, 1);
        int ry = by + th, rh = body - th;
        if (w >= 80) {
            int tw = w * 45 / 100;
            if (tw < 52) tw = 52;
            if (tw > 64) tw = 64;
            int lw = w - tw;
            draw_log(c, a, 0, ry, lw, rh);
            draw_totals(c, a, lw, ry, w - lw, rh);
        } else {
            draw_totals(c, a, 0, ry, w, rh / 2);
            draw_log(c, a, 0, ry + rh / 2, w, rh - rh / 2);
        }
    }
    switch (a->overlay) {
    case OVERLAY_HELP: draw_help(c, a); break;
    case OVERLAY_COMPARE: draw_compare(c, a); break;
    case OVERLAY_DETAIL: draw_detail(c, a); break;
    default: break;
    }
    draw_status(c, a);
}

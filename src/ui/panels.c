/*
 * panels: the screen layout, the header, the log, the totals and the
 * status row. The timeline takes the height first (timeline.c: every lane
 * that fits, as thick as the room allows, CPU lanes pinned); the log and
 * the totals get the rest, side by side below it, or at 150 columns and
 * more the totals take a column of their own on the right. Log lines wrap
 * rather than being cut, and the totals' table drops columns rather than
 * cut a number. Overlays (overlays.c) are drawn over the body.
 */
#include "ui/panels.h"

#include <stdio.h>
#include <string.h>

#include "core/scene.h"
#include "core/strategy.h"
#include "core/trace.h"
#include "ui/keys.h"
#include "ui/lesson.h"
#include "ui/overlays.h"
#include "ui/timeline.h"
#include "ui/theme.h"

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
        if (!a->model.ended) {
            /* A trace whose recording was cut short, or a real run whose
             * journal filled: the run did not end on screen. */
            *role = THEME_WARN;
            return "incomplete";
        }
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
    canvas_put(c, x, 0, THEME_TITLE, app_title(a), w - x);
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
    if (a->cursor_on)
        x += canvas_printf(c, x, 1, THEME_SELECTED, -1, "  cursor %.2f",
                           units_of_ns(app_readout_time(a)));
    if (a->source == APP_REAL)
        snprintf(buf, sizeof buf, "  real time");
    else if (a->speed_exp >= 0)
        snprintf(buf, sizeof buf, "  speed %s%d", theme_utf8() ? "\u00d7" : "x", 1 << a->speed_exp);
    else
        snprintf(buf, sizeof buf, "  speed %s1/%d", theme_utf8() ? "\u00d7" : "x",
                 1 << -a->speed_exp);
    /* The speed gives way to the cursor's time when the state would not
     * fit after it ("  ‖ incomplete"). */
    if (!a->cursor_on || x + canvas_width(buf) + 14 <= w)
        x += canvas_put(c, x, 1, THEME_NORMAL, buf, -1);
    int role;
    const char *st = state_text(a, &role);
    int playing = !strcmp(st, "running");
    x += canvas_put(c, x, 1, THEME_NORMAL, "  ", -1);
    x += canvas_put(c, x, 1, role, theme_glyph(playing ? GLYPH_PLAY : GLYPH_PAUSE), -1);
    canvas_put(c, x, 1, role, " ", -1);
    canvas_put(c, x + 1, 1, role, st, -1);
}

/* ---- log ---- */

/* Where line text of width w breaks: the last space within w, or (a word
 * longer than a line) w - 1 cells, so a broken word never touches the
 * panel's edge. */
static int wrap_at(const char *s, int w)
{
    const char *s0 = s;
    int cells = 0, last_space = -1, i = 0;
    while (s[i] && cells < w) {
        if (s[i] == ' ') last_space = i;
        i++;
        while ((s[i] & 0xc0) == 0x80)
            i++;
        cells++;
    }
    if (!s[i]) return i;
    if (last_space > 0) return last_space;
    if (w < 2) return i;
    /* Back one character. */
    do
        i--;
    while (i > 0 && (s0[i] & 0xc0) == 0x80);
    return i;
}

/* Rows the text takes wrapped at w cells (w >= 1). */
static int wrap_rows(const char *s, int w)
{
    int rows = 1;
    for (;;) {
        int k = wrap_at(s, w);
        if (!s[k]) return rows;
        s += k;
        while (*s == ' ')
            s++;
        if (!*s) return rows;
        rows++;
    }
}

/* Rows the log would like: its lines, wrapped at width w, up to max. */
static int log_rows(const struct app *a, int w, int max)
{
    int rows = 0;
    for (int i = (int)a->model.nlog - 1; i >= 0 && rows < max; i--)
        rows += wrap_rows(model_log_at(&a->model, (size_t)i)->text, w - 11 > 0 ? w - 11 : 1);
    return rows < max ? rows : max;
}

/* The log: newest at the bottom, each line wrapped under its time stamp. */
static void draw_log(struct canvas *c, struct app *a, int x, int y, int w, int h)
{
    const struct model *m = &a->model;
    canvas_box(c, x, y, w, h, a->focus == FOCUS_LOG ? THEME_SELECTED : THEME_BORDER, "log");
    int rows = h - 2, tw = w - 11; /* a space before the edge */
    if (rows < 1 || tw < 1) return;
    int maxscroll = (int)m->nlog > 1 ? (int)m->nlog - 1 : 0;
    if (a->log_scroll > maxscroll) a->log_scroll = maxscroll;
    if (a->log_scroll < 0) a->log_scroll = 0;
    /* From the newest shown line upwards until the rows are full; when
     * every line fits, from the top. */
    int all = log_rows(a, w, rows + 1);
    int bottom = y + 1 + (a->log_scroll == 0 && all < rows ? all : rows);
    for (int i = (int)m->nlog - 1 - a->log_scroll; i >= 0 && bottom > y + 1; i--) {
        const struct model_log *l = model_log_at(m, (size_t)i);
        int n = wrap_rows(l->text, tw);
        int top = bottom - n;
        char t[32];
        fmt_u(t, sizeof t, l->t);
        if (top >= y + 1) canvas_printf(c, x + 1, top, THEME_TIME, 7, "%6s", t);
        const char *s = l->text;
        for (int r = 0; r < n; r++) {
            int k = wrap_at(s, tw);
            if (top + r >= y + 1) {
                char buf[1024];
                snprintf(buf, sizeof buf, "%.*s", k, s);
                canvas_put(c, x + 9, top + r, THEME_NORMAL, buf, tw);
            }
            s += k;
            while (*s == ' ')
                s++;
        }
        bottom = top;
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

/* The served requests' latencies as a histogram on one row: "latency"
 * then a bar per bucket from 0 to the longest, scaled to the fullest
 * bucket, then the range. Returns 1, or 0 when none was served yet. */
static int draw_latency(struct canvas *c, const struct stats *st, int x, int y, int w)
{
    int64_t max = 0;
    for (size_t i = 0; i < st->nrequests; i++)
        if (st->requests[i].end >= 0 && st->requests[i].end - st->requests[i].arrival > max)
            max = st->requests[i].end - st->requests[i].arrival;
    char range[40];
    snprintf(range, sizeof range, " 0-%.2f", units_of_ns(max));
    int nb = w - 8 - canvas_width(range);
    if (nb > 32) nb = 32;
    if (max <= 0 || nb < 4) return 0;
    int count[32] = {0}, top = 0;
    for (size_t i = 0; i < st->nrequests; i++) {
        const struct stats_request *r = &st->requests[i];
        if (r->end < 0) continue;
        int b = (int)((r->end - r->arrival) * nb / (max + 1));
        if (++count[b] > top) top = count[b];
    }
    int cx = x + canvas_put(c, x, y, THEME_DIM, "latency ", w);
    for (int b = 0; b < nb; b++) {
        int lv = count[b] ? (count[b] * THEME_LEVELS + top - 1) / top : 0;
        cx += canvas_put(c, cx, y, lv ? THEME_BAR : THEME_DIM, theme_level_glyph(lv), 1);
    }
    canvas_put(c, cx, y, THEME_DIM, range, x + w - cx);
    return 1;
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
    int64_t qmax = qm ? timeline_queue_peak(qm, nq, a->playhead) : -1;
    int n = lesson_lines(a->sc ? a->sc->kind : -1, st, a->playhead, qmax, lines, bad,
                         h < LESSON_LINES ? h : LESSON_LINES);
    for (int i = 0; i < n; i++)
        canvas_put(c, x, y + i, bad[i] ? THEME_ERROR : THEME_SELECTED, lines[i], w);
    if (a->sc && a->sc->kind == SCENE_SERVER && n < h) n += draw_latency(c, st, x, y + n, w);
    /* The deadlock's wait-for cycle, drawn, when there is room. */
    int g =
        lesson_cycle_graph(st, theme_utf8(), lines, h - n < LESSON_LINES ? h - n : LESSON_LINES);
    for (int i = 0; i < g; i++)
        canvas_put(c, x, y + n + i, THEME_ERROR, lines[i], w);
    return n + g;
}

/* The per-task table: the columns that fit, never a number cut. */
static void draw_task_table(struct canvas *c, struct app *a, int x, int y, int w, int h)
{
    const struct stats *st = &a->model.st;
    int64_t now = a->playhead;
    enum { RUN, WAIT, BLOCKED, ITEMS, WORST, NCOL };
    static const char *const head[NCOL] = {"running", "waiting", "blocked", "items", "worst"};
    static const int width[NCOL] = {8, 8, 8, 6, 8};
    static const int priority[NCOL] = {WAIT, RUN, WORST, BLOCKED, ITEMS};
    int nw = st->has_thread_os ? 6 : 4; /* "thread" */
    for (size_t i = 0; i < st->ntasks; i++)
        if (st->tasks[i].name && canvas_width(st->tasks[i].name) > nw)
            nw = canvas_width(st->tasks[i].name);
    if (nw > 12) nw = 12;
    int on[NCOL] = {0}, used = nw;
    for (int k = 0; k < NCOL; k++)
        if (used + width[priority[k]] <= w) {
            on[priority[k]] = 1;
            used += width[priority[k]];
        }
    int cx = x + canvas_printf(c, x, y, THEME_DIM, w, "%-*s", nw, "task");
    for (int k = 0; k < NCOL; k++)
        if (on[k]) cx += canvas_printf(c, cx, y, THEME_DIM, width[k], "%*s", width[k], head[k]);
    int row = 1;
    for (size_t i = 0; i < st->ntasks && row < h; i++, row++) {
        const struct stats_task *tk = &st->tasks[i];
        char v[NCOL][24];
        fmt_u(v[RUN], sizeof v[RUN], stats_task_time(tk, TASK_RUNNING, now));
        fmt_u(v[WAIT], sizeof v[WAIT], stats_task_time(tk, TASK_READY, now));
        fmt_u(v[BLOCKED], sizeof v[BLOCKED], stats_task_time(tk, TASK_BLOCKED, now));
        snprintf(v[ITEMS], sizeof v[ITEMS], "%llu", (unsigned long long)tk->items);
        int64_t worst = tk->worst_ready;
        if (tk->state == TASK_READY && now - tk->since > worst) worst = now - tk->since;
        if (stats_due_wait(tk->state, tk->reason, tk->since, tk->until, now) &&
            now - tk->until > worst)
            worst = now - tk->until;
        fmt_u(v[WORST], sizeof v[WORST], worst);
        int role = (int)i == a->selected ? THEME_SELECTED : THEME_NORMAL;
        cx =
            x + canvas_printf(c, x, y + row, role, nw, "%-*.*s", nw, nw, tk->name ? tk->name : "?");
        for (int k = 0; k < NCOL; k++)
            if (on[k]) cx += canvas_printf(c, cx, y + row, role, width[k], "%*s", width[k], v[k]);
    }
    /* Real runs add what the OS saw for each worker thread (reported as
     * each one ends): its CPU time and voluntary/involuntary switches. */
    int os = st->has_thread_os;
    for (size_t i = 0; i < st->ntasks; i++)
        os |= st->tasks[i].has_os;
    if (!os || row + 1 >= h || nw + 27 > w) return;
    canvas_printf(c, x, y + row++, THEME_DIM, w, "%-*s %8s %8s %8s", nw, "os saw", "cpu s",
                  "vol sw", "invol sw");
    /* One thread did every task's work and the loop's: its own row. */
    if (st->has_thread_os && row < h)
        canvas_printf(c, x, y + row++, THEME_NORMAL, w, "%-*.*s %8.3f %8lld %8lld", nw, nw,
                      "thread", (double)st->thread_cpu_ns / 1e9, (long long)st->thread_vcsw,
                      (long long)st->thread_ivcsw);
    for (size_t i = 0; i < st->ntasks && row < h; i++) {
        const struct stats_task *tk = &st->tasks[i];
        if (!tk->has_os) continue;
        canvas_printf(c, x, y + row++, THEME_NORMAL, w, "%-*.*s %8.3f %8lld %8lld", nw, nw,
                      tk->name ? tk->name : "?", (double)tk->os_cpu_ns / 1e9,
                      (long long)tk->os_vcsw, (long long)tk->os_ivcsw);
    }
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
        app_format_duration(t, sizeof t, a->sc->poll_interval);
        char ww[32];
        fmt_u(ww, sizeof ww, stats_worst_wait(st));
        canvas_printf(c, x, y + row++, THEME_NORMAL, w, "poll interval %s ([ ]), worst wait %s", t,
                      ww);
    }
    if (row < h) draw_task_table(c, a, x, y + row, w, h - row);
}

/* Totals' rows for width w (an estimate for the layout). */
static int totals_rows(struct app *a, int w)
{
    const struct stats *st = &a->model.st;
    char lines[LESSON_LINES][LESSON_LINE];
    int bad[LESSON_LINES];
    int n = 2 + 1 +
            lesson_lines(a->sc ? a->sc->kind : -1, st, a->playhead, -1, lines, bad, LESSON_LINES);
    n += st->polls_useful + st->polls_wasted > 0;
    n += a->nsession * 14 / (w > 20 ? w : 20); /* the session line wraps */
    n += strcmp(a->model.strategy, "poll") == 0;
    n += 1 + (int)st->ntasks;
    for (size_t i = 0; i < st->ntasks; i++)
        if (st->tasks[i].has_os) n++;
    return n + 2; /* the box */
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
        a->picking     ? "Up/Down select  Enter open  q quit"
        : a->cursor_on ? "cursor: Left/Right a column  H/L ten  . , events  Home/End  Esc back to "
                         "the play head"
        : a->source == APP_REPLAY
            ? "space play  +/- speed  . , step  Home/End  Left/Right scrub  ? help  q quit"
        : a->watch
            ? "space pause  i cursor  Enter detail  w write trace  ? help  q quit"
            : "1-5 strategy  space pause  +/- speed  c compare  Enter detail  ? help  q quit";
    canvas_put(c, 1, y, THEME_STATUS, hint, c->cols - 1);
}

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Rows the whole run's log takes wrapped at text width tw, up to max: the
 * journal's LOG events (all of them for a simulation or a replay), so the
 * layout does not shift as the log fills. Counted once per width. */
static int app_log_rows(struct app *a, int tw, int max)
{
    if (tw < 1) tw = 1;
    if (tw != a->jlog_w || a->jlog_scanned > a->nev) {
        a->jlog_w = tw;
        a->jlog_scanned = 0;
        a->jlog_rows = 0;
    }
    for (; a->jlog_scanned < a->nev && a->jlog_rows < APP_MAX_LANE_ROWS; a->jlog_scanned++) {
        const struct event *ev = &a->ev[a->jlog_scanned];
        if (ev->kind == EV_LOG) a->jlog_rows += wrap_rows(ev->text ? ev->text : "", tw);
    }
    return a->jlog_rows < max ? a->jlog_rows : max;
}

/* Splits the body's h rows between the timeline (on top) and what goes
 * below it, which wants `want` rows and needs at least `min`: the timeline
 * first gets a row a lane (as many as fit above min), then what goes below
 * gets what it wants, then lanes grow thicker (up to a third of
 * the body, so a tall screen is not left blank) and any rest goes below
 * again. When a row a lane fits but not with min rows below, the timeline
 * takes the body (its lanes are what the screen is for; a smaller screen
 * shows the timeline alone too). Returns the timeline's height. */
static int split(const struct app *a, int h, int want, int min)
{
    int thin = timeline_height(a, -1, 1);
    if (thin > h - min && thin <= h) return h;
    if (thin > h - min) return h - min > 5 ? h - min : (h < 5 ? h : 5);
    int below = want < h - thin ? want : h - thin;
    if (below < min) below = min;
    return timeline_height(a, h - below, clamp(h / 3, 1, TIMELINE_MAX_THICK));
}

/* The body between the header and the status row: rows from y. */
static void draw_body(struct canvas *c, struct app *a, int y, int body)
{
    int w = c->cols;
    if (body < 12) {
        timeline_draw(c, a, 0, y, w, body, 0);
        return;
    }
    if (w >= 150) {
        /* Totals in a column of their own; the log under the timeline. */
        int sw = clamp(w * 30 / 100, 52, 72), lw = w - sw;
        int th = split(a, body, clamp(app_log_rows(a, lw - 11, body) + 2, 5, body / 3), 5);
        timeline_draw(c, a, 0, y, lw, th, 1);
        if (th < body) draw_log(c, a, 0, y + th, lw, body - th);
        draw_totals(c, a, lw, y, sw, body);
        return;
    }
    if (w >= 80) {
        int tw = clamp(w * 45 / 100, 52, 64), lw = w - tw;
        int want = totals_rows(a, tw - 2);
        int lwant = clamp(app_log_rows(a, lw - 11, body) + 2, 6, body / 2);
        if (lwant > want) want = lwant;
        int th = split(a, body, want, 6);
        if (th >= body) {
            timeline_draw(c, a, 0, y, w, body, 1);
            return;
        }
        timeline_draw(c, a, 0, y, w, th, 1);
        draw_log(c, a, 0, y + th, lw, body - th);
        draw_totals(c, a, lw, y + th, tw, body - th);
        return;
    }
    int th = split(a, body, totals_rows(a, w - 2) + 5, 8);
    if (th >= body) {
        timeline_draw(c, a, 0, y, w, body, 1);
        return;
    }
    timeline_draw(c, a, 0, y, w, th, 1);
    int rh = body - th;
    draw_totals(c, a, 0, y + th, w, rh / 2);
    draw_log(c, a, 0, y + th + rh / 2, w, rh - rh / 2);
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
        overlays_picker(c, a);
        draw_status(c, a);
        return;
    }
    draw_header(c, a);
    draw_body(c, a, 2, h - 3);
    switch (a->overlay) {
    case OVERLAY_HELP: overlays_help(c, a); break;
    case OVERLAY_COMPARE: overlays_compare(c, a); break;
    case OVERLAY_DETAIL: overlays_detail(c, a); break;
    case OVERLAY_LEGEND: overlays_legend(c, a); break;
    default: break;
    }
    draw_status(c, a);
}

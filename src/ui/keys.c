/*
 * keys: the key table and its actions. Each action changes the app and
 * returns flags; tui.c redraws once per loop turn afterwards.
 */
#include "ui/keys.h"

#include <curses.h>
#include <string.h>

#include "core/strategy.h"
#include "ui/app.h"
#include "ui/timeline.h"

static int overlay_toggle(struct app *a, int which)
{
    a->overlay = a->overlay == which ? OVERLAY_NONE : which;
    a->help_scroll = 0;
    return KEYS_REDRAW;
}

/* A traced Python program (watched live, or its trace replayed) has no
 * scene: the keys that would run one say so, and where to go instead.
 * Returns 1 when it said it. */
static int no_scene(struct app *a, const char *what)
{
    if (a->sc) return 0;
    app_status(a,
               "no scene to %s: this is a Python program as it ran (juggle compare SCENE "
               "--with-python PROG.py sets a scene beside it)",
               what);
    return 1;
}

static int act_strategy(struct app *a, int code)
{
    if (no_scene(a, "run under another strategy")) return KEYS_REDRAW;
    a->overlay = OVERLAY_NONE;
    a->status[0] = 0;
    app_set_strategy(a, code - '1');
    return KEYS_REDRAW | KEYS_TIMER;
}

static int act_pause(struct app *a, int code)
{
    (void)code;
    if (app_finished(a) && a->source == APP_REAL) {
        /* Its threads have ended: nothing runs to pause, and running a
         * real program again is not done behind a pause key (a watched
         * one is never run twice from the view). */
        a->paused = 0;
        if (a->watch)
            app_status(a, "the program has finished; w writes its trace (juggle replay plays it "
                          "back)");
        else
            app_status(a, "the real run has finished: r runs it again, w writes it to replay");
    } else if (app_finished(a)) {
        /* Play again from the start, as a media player does. */
        app_seek(a, 0);
        a->paused = 0;
    } else {
        a->paused = !a->paused;
        if (a->source == APP_REAL && a->paused)
            app_status(a, "view paused; the real run goes on (its threads cannot be paused)");
        else if (a->source == APP_REAL)
            app_status(a, "view follows the real run again");
    }
    return KEYS_REDRAW | KEYS_TIMER;
}

static int act_speed(struct app *a, int code)
{
    if (a->watch) {
        app_status(a, "a watched program goes at the wall clock: +/- apply to simulations and "
                      "replays");
        return KEYS_REDRAW;
    }
    if (a->source == APP_REAL) {
        app_status(a,
                   "a real run goes at the wall clock (1 unit = %.3g s): +/- apply to "
                   "simulations and replays",
                   a->time_scale);
        return KEYS_REDRAW;
    }
    if (code == '-' || code == '_') {
        if (a->speed_exp > -8) a->speed_exp--;
    } else if (a->speed_exp < 10) {
        a->speed_exp++;
    }
    return KEYS_REDRAW;
}

/* Moves the time cursor by cols columns (clamped to 0 .. the play head),
 * scrolling a zoomed view to keep it in sight. */
static int cursor_move(struct app *a, int cols)
{
    int64_t npc = a->view_npc > 0 ? a->view_npc : 1;
    int64_t want = a->cursor_t + cols * npc;
    app_cursor_set(a, want);
    if (want > a->playhead) app_status(a, "the cursor stops at the play head");
    int64_t width = npc * (a->timeline_w > 0 ? a->timeline_w : 1);
    if (a->zoom && (a->cursor_t < a->view_t0 || a->cursor_t >= a->view_t0 + width)) {
        a->follow = 0;
        a->view_t0 = a->cursor_t - width / 2;
        if (a->view_t0 < 0) a->view_t0 = 0;
    }
    return KEYS_REDRAW;
}

/* Scrolls the timeline by a tenth of its width (H L: half); in a replay,
 * scrubs. With the time cursor on, moves it a column (H L: ten). */
static int act_scroll(struct app *a, int code)
{
    int dir = code == KEY_LEFT || code == 'h' || code == KEY_SLEFT || code == 'H' ? -1 : 1;
    int big = code == KEY_SLEFT || code == KEY_SRIGHT || code == 'H' || code == 'L';
    if (a->cursor_on) return cursor_move(a, dir * (big ? 10 : 1));
    int64_t npc = a->view_npc > 0 ? a->view_npc : 1;
    int cols = a->timeline_w > 10 ? a->timeline_w / (big ? 2 : 10) : 1;
    int64_t step = npc * cols;
    if (a->source == APP_REPLAY) {
        app_seek(a, a->playhead + dir * step);
        return KEYS_REDRAW;
    }
    if (!a->zoom) { /* scrolling a view that holds the whole run shows nothing new */
        app_status(a, "the whole run is in view; z zooms in, i shows a time cursor");
        return KEYS_REDRAW;
    }
    a->follow = 0;
    a->view_t0 += dir * step;
    if (a->view_t0 < 0) a->view_t0 = 0;
    return KEYS_REDRAW;
}

/* The time cursor on (at the play head, or the view's middle when the
 * play head is out of sight) or off. */
static int act_cursor(struct app *a, int code)
{
    (void)code;
    if (a->cursor_on) {
        app_cursor_off(a);
        return KEYS_REDRAW;
    }
    int64_t t = a->playhead;
    int64_t width = a->view_npc * (a->timeline_w > 0 ? a->timeline_w : 1);
    if (a->zoom && (t < a->view_t0 || t >= a->view_t0 + width)) t = a->view_t0 + width / 2;
    app_cursor_set(a, t);
    return KEYS_REDRAW;
}

/* Zooms in / out. With the time cursor on, around it: it keeps its column
 * (tools like a DAW or Perfetto zoom around the cursor), so it stays in
 * view with its readouts; else the view follows the play head. */
static int act_zoom(struct app *a, int code)
{
    int64_t npc = a->zoom ? a->zoom : (a->view_npc > 0 ? a->view_npc : 1);
    int64_t col = a->cursor_on ? (a->cursor_t - a->view_t0) / npc : 0;
    if (code == 'z') {
        a->zoom = npc / 2 > 0 ? npc / 2 : 1;
        a->follow = 1;
    } else {
        /* Zooming out to the whole run's scale or past it goes back to
         * fitting it (z then Z: the fitted view again, from 0; halving an
         * odd scale and doubling it back loses 1 ns a column). */
        a->zoom = npc * 2;
        if (a->timeline_w > 0 && a->zoom + 1 >= timeline_fit_npc(a, a->timeline_w)) {
            a->zoom = 0;
            a->follow = 1;
        }
    }
    if (a->cursor_on && a->zoom) {
        if (col < 0 || col >= a->timeline_w) col = a->timeline_w / 2;
        a->follow = 0;
        a->view_t0 = a->cursor_t - col * a->zoom;
        if (a->view_t0 < 0) a->view_t0 = 0;
    }
    return KEYS_REDRAW;
}

static int act_home_end(struct app *a, int code)
{
    if (a->cursor_on) { /* the cursor to the start, or to the play head */
        app_cursor_set(a, code == KEY_HOME ? 0 : a->playhead);
        return cursor_move(a, 0);
    }
    if (a->source == APP_REAL) {
        a->follow = code == KEY_END;
        if (code == KEY_HOME) a->view_t0 = 0;
        return KEYS_REDRAW;
    }
    if (code == KEY_HOME) {
        app_seek(a, 0);
    } else {
        app_seek(a, INT64_MAX / 4);
    }
    a->follow = 1;
    return KEYS_REDRAW | KEYS_TIMER;
}

static int act_restart(struct app *a, int code)
{
    (void)code;
    if (a->watch) {
        app_status(a, "a watched program is not run twice from the view (its effects would "
                      "happen again): q, then juggle watch again");
        return KEYS_REDRAW;
    }
    if (a->source == APP_REPLAY)
        app_seek(a, 0);
    else
        app_start(a);
    a->paused = 0;
    return KEYS_REDRAW | KEYS_TIMER;
}

static int act_compare(struct app *a, int code)
{
    (void)code;
    if (no_scene(a, "compare")) return KEYS_REDRAW;
    app_compute_compare(a);
    return overlay_toggle(a, OVERLAY_COMPARE);
}

static int act_focus(struct app *a, int code)
{
    (void)code;
    a->focus = a->focus == FOCUS_TIMELINE ? FOCUS_LOG : FOCUS_TIMELINE;
    return KEYS_REDRAW;
}

static int act_updown(struct app *a, int code)
{
    int dir = code == KEY_UP || code == 'k' ? -1 : 1;
    if (a->picking) {
        a->pick_sel += dir;
        if (a->pick_sel < 0) a->pick_sel = 0;
        if (a->pick_sel >= a->npick) a->pick_sel = a->npick - 1;
    } else if (a->overlay == OVERLAY_HELP || a->overlay == OVERLAY_LEGEND) {
        a->help_scroll += dir;
    } else if (a->focus == FOCUS_LOG) {
        a->log_scroll -= dir;
    } else {
        /* The next task with a lane (the filter may hide some). */
        int s = a->selected + dir;
        while (s >= 0 && s < (int)a->model.ntasks && !timeline_shown(a, (size_t)s))
            s += dir;
        if (s >= 0 && s < (int)a->model.ntasks) a->selected = s;
    }
    return KEYS_REDRAW;
}

static int act_enter(struct app *a, int code)
{
    (void)code;
    if (a->picking) {
        if (a->npick) app_open_scene(a, a->pick_path[a->pick_sel]);
        return KEYS_REDRAW | KEYS_TIMER;
    }
    if (!a->model.ntasks) return 0;
    if (a->overlay != OVERLAY_DETAIL && a->filter[0] &&
        (a->selected < 0 || !timeline_shown(a, (size_t)a->selected))) {
        app_status(a, "no task shown to open: the filter '%s' matches none (/ then Esc clears it)",
                   a->filter);
        return KEYS_REDRAW;
    }
    return overlay_toggle(a, OVERLAY_DETAIL);
}

static int act_legend(struct app *a, int code)
{
    (void)code;
    return overlay_toggle(a, OVERLAY_LEGEND);
}

static int act_sort(struct app *a, int code)
{
    (void)code;
    static const char *const names[] = {"in task order", "by state (running, ready, blocked)",
                                        "by longest wait for a CPU"};
    a->lane_sort = (a->lane_sort + 1) % 3;
    app_status(a, "lanes %s", names[a->lane_sort]);
    return KEYS_REDRAW;
}

static int act_filter(struct app *a, int code)
{
    (void)code;
    a->filtering = 1;
    a->filter[0] = 0;
    app_status(a, "filter lanes by name: type, Enter keeps it, Esc clears it");
    return KEYS_REDRAW;
}

/* When the filter hides the selected task, the selection moves to the
 * nearest task with a lane (after it, else before it), so what Enter
 * opens is what is drawn selected. */
static void select_shown(struct app *a)
{
    int n = (int)a->model.ntasks, s = a->selected;
    if (s < 0 || s >= n || timeline_shown(a, (size_t)s)) return;
    for (int d = 1; d < n; d++) {
        if (s + d < n && timeline_shown(a, (size_t)(s + d))) {
            a->selected = s + d;
            return;
        }
        if (s - d >= 0 && timeline_shown(a, (size_t)(s - d))) {
            a->selected = s - d;
            return;
        }
    }
}

/* Typing the filter: printable characters, Backspace, Enter, Esc. */
static int filter_key(struct app *a, int code)
{
    size_t n = strlen(a->filter);
    if (code == '\n' || code == '\r' || code == KEY_ENTER) {
        a->filtering = 0;
        app_status(a, a->filter[0] ? "lanes: names holding '%s' (/ then Esc clears)" : "%s",
                   a->filter);
    } else if (code == 27) {
        a->filtering = 0;
        a->filter[0] = 0;
        a->status[0] = 0;
    } else if (code == KEY_BACKSPACE || code == 127 || code == 8) {
        if (n) a->filter[n - 1] = 0;
    } else if (code >= 0x20 && code < 0x7f && n + 1 < sizeof a->filter) {
        a->filter[n] = (char)code;
        a->filter[n + 1] = 0;
    }
    select_shown(a);
    return KEYS_REDRAW;
}

static int act_help(struct app *a, int code)
{
    (void)code;
    return overlay_toggle(a, OVERLAY_HELP);
}

static int act_escape(struct app *a, int code)
{
    (void)code;
    /* A panel first; then the time cursor (back to the play head). */
    if (!a->overlay && a->cursor_on) app_cursor_off(a);
    a->overlay = OVERLAY_NONE;
    a->status[0] = 0;
    return KEYS_REDRAW;
}

static int act_quit(struct app *a, int code)
{
    (void)code;
    a->quit = 1;
    return KEYS_QUIT;
}

static int act_mode(struct app *a, int code)
{
    (void)code;
    if (no_scene(a, "simulate")) return KEYS_REDRAW;
    app_toggle_real(a);
    return KEYS_REDRAW | KEYS_TIMER;
}

/* Real runs: seconds per scene unit, halved or doubled; the real run
 * restarts at the new scale (its threads cannot change pace mid-run). */
static int act_scale(struct app *a, int code)
{
    if (no_scene(a, "run at another pace")) return KEYS_REDRAW;
    double s = code == '<' ? a->time_scale / 2 : a->time_scale * 2;
    if (s < 0.001) s = 0.001;
    if (s > 10) s = 10;
    a->time_scale = s;
    if (a->source == APP_REAL) {
        app_start(a);
        a->paused = 0;
        app_status(a, "real run restarted: 1 unit = %.3g s", s);
    } else {
        app_status(a, "real runs (m) will take 1 unit = %.3g s", s);
    }
    return KEYS_REDRAW | KEYS_TIMER;
}

static int act_write(struct app *a, int code)
{
    (void)code;
    app_write_trace(a);
    return KEYS_REDRAW;
}

static int act_step(struct app *a, int code)
{
    if (a->source == APP_REAL && !a->cursor_on) {
        if (a->watch)
            app_status(a, "a watched program cannot be stepped; i for the time cursor, or w "
                          "and replay the trace");
        else
            app_status(a, "a real run cannot be stepped; press m for the simulation, or w and "
                          "replay the trace");
        return KEYS_REDRAW;
    }
    if (a->cursor_on) {
        app_cursor_step(a, code == '.' ? 1 : -1);
        return cursor_move(a, 0);
    }
    app_step(a, code == '.' ? 1 : -1);
    return KEYS_REDRAW;
}

static int act_interval(struct app *a, int code)
{
    if (no_scene(a, "poll")) return KEYS_REDRAW;
    if (a->source == APP_REPLAY) return 0;
    int64_t iv = a->sc->poll_interval;
    app_set_poll_interval(a, code == '[' ? iv / 2 : iv * 2);
    return KEYS_REDRAW;
}

const struct key_binding keys_table[] = {
    {{'1', '2', '3', '4', '5'},
     "1-5",
     "switch strategy (sync coop poll threads loop); restarts",
     act_strategy,
     KEYS_MAIN},
    {{' '},
     "space",
     "pause / resume (finished: play again; a real run: r runs it again)",
     act_pause,
     KEYS_MAIN},
    {{'+', '=', '-', '_'}, "+ -", "speed up / slow down (x2 each)", act_speed, KEYS_MAIN},
    {{KEY_LEFT, KEY_RIGHT, 'h', 'l'},
     "Left Right h l",
     "scroll time (replay: scrub); cursor on: move it a column",
     act_scroll,
     KEYS_MAIN},
    {{KEY_SLEFT, KEY_SRIGHT, 'H', 'L'},
     "H L",
     "scroll half a screen; cursor on: move it ten columns",
     act_scroll,
     KEYS_MAIN},
    {{'i'},
     "i",
     "time cursor on / off: each lane's state under it (Esc: off)",
     act_cursor,
     KEYS_MAIN},
    {{'z', 'Z'}, "z Z", "zoom in / out (out past the run: fit it)", act_zoom, KEYS_MAIN},
    {{KEY_HOME, KEY_END},
     "Home End",
     "go to the start / end of the run (cursor: start / play head)",
     act_home_end,
     KEYS_MAIN},
    {{'.', ','},
     ". ,",
     "step one event forward / back (pauses; cursor: to the next / last event)",
     act_step,
     KEYS_MAIN},
    {{'r'}, "r", "restart the run", act_restart, KEYS_MAIN},
    {{'c'}, "c", "compare all five strategies", act_compare, KEYS_MAIN},
    {{'\t'}, "Tab", "focus timeline / log", act_focus, KEYS_MAIN},
    {{KEY_UP, KEY_DOWN, 'k', 'j'},
     "Up Down k j",
     "select a task (log focus, help, legend: scroll)",
     act_updown,
     KEYS_MAIN | KEYS_PICKER},
    {{'\n', '\r', KEY_ENTER},
     "Enter",
     "task detail (picker: open the scene)",
     act_enter,
     KEYS_MAIN | KEYS_PICKER},
    {{'m'}, "m", "toggle simulated / real execution", act_mode, KEYS_MAIN},
    {{'[', ']'}, "[ ]", "halve / double the poll interval", act_interval, KEYS_MAIN},
    {{'w'}, "w", "write the run to a trace file", act_write, KEYS_MAIN},
    {{'<', '>'},
     "< >",
     "real runs: halve / double the seconds per unit; restarts",
     act_scale,
     KEYS_MAIN},
    {{'g'}, "g", "the legend: every glyph and what it means", act_legend, KEYS_MAIN},
    {{'o'}, "o", "order lanes: by task, by state, by longest wait", act_sort, KEYS_MAIN},
    {{'/'}, "/", "filter lanes by name (Enter keeps, Esc clears)", act_filter, KEYS_MAIN},
    {{'?'}, "?", "this help", act_help, KEYS_MAIN},
    {{27}, "Esc", "close a panel; then the cursor (back to the play head)", act_escape, KEYS_MAIN},
    {{'q', 'Q'}, "q", "quit", act_quit, KEYS_MAIN | KEYS_PICKER},
    {{0},
     "click",
     "a strategy tab switches to it; a task row selects it; the timeline: the cursor",
     NULL,
     KEYS_MAIN},
};

const size_t keys_count = sizeof keys_table / sizeof keys_table[0];

int keys_dispatch(struct app *a, int code)
{
    if (a->filtering && !a->picking) return filter_key(a, code);
    int where = a->picking ? KEYS_PICKER : KEYS_MAIN;
    for (size_t i = 0; i < keys_count; i++) {
        const struct key_binding *b = &keys_table[i];
        if (!(b->where & where) || !b->act) continue;
        for (int k = 0; k < KEYS_MAX_CODES && b->codes[k]; k++)
            if (b->codes[k] == code) return b->act(a, code);
    }
    return 0;
}

int keys_click(struct app *a, int x, int y)
{
    if (a->picking) return 0;
    if (y == a->tab_y)
        for (int i = 0; i < STRATEGY_COUNT; i++)
            if (x >= a->tab_x0[i] && x < a->tab_x1[i]) return act_strategy(a, '1' + i);
    if (a->overlay) return 0;
    int on_lanes = y >= a->timeline_y0 && y < a->timeline_y1;
    if (on_lanes && x >= a->timeline_x0 && x < a->timeline_x0 + a->timeline_w)
        app_cursor_set(a, a->view_t0 + (int64_t)(x - a->timeline_x0) * a->view_npc);
    if (y >= a->rows_y0 && y < a->rows_y0 + a->rows_n) {
        a->selected = a->lane_task[y - a->rows_y0];
        a->focus = FOCUS_TIMELINE;
    }
    return on_lanes ? KEYS_REDRAW : 0;
}

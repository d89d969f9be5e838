/*
 * tui: the interactive front end's main loop and the screen dump.
 *
 * libuv is the UI's event loop: a uv_poll on stdin for keys, a uv_timer
 * for animation frames (stopped while paused or finished, so an idle
 * screen costs nothing), uv_signal for SIGINT, SIGTERM, SIGHUP and
 * SIGWINCH, and a uv_prepare that redraws at most once per loop turn when
 * something changed. Real runs deliver their events on this loop through
 * uv_async (see exec/real.h). A uv_idle gives app_work its slices
 * (app_work.c: simulating, seeking) each turn while there are some, a
 * uv_timer every 10 ms while only worker threads are busy; a turn with a
 * frame to draw does no work, so a key waits at most one slice.
 *
 * tui_dump_screen builds the same app state without a terminal, moves the
 * play head to opts->at and writes the canvas as text: exactly the screen
 * the TUI shows at that moment, minus colour.
 */
#include "ui/tui.h"

#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "core/outfile.h"
#include "ui/app.h"
#include "ui/canvas.h"
#include "ui/keys.h"
#include "ui/panels.h"
#include "ui/svg.h"
#include "ui/term.h"
#include "ui/theme.h"

#define FRAME_MS 33
#define WAIT_MS  10

struct tui {
    uv_loop_t loop;
    uv_poll_t input;
    uv_timer_t frame;
    uv_idle_t work;
    uv_timer_t wait;
    uv_prepare_t redraw;
    uv_signal_t sig[4];
    struct app app;
    struct canvas canvas;
    int dirty;
    int timer_on;
    int work_on;
    uint64_t last_ms;
    uint64_t drawn_ms; /* when the last frame was drawn */
};

static void stop(struct tui *t)
{
    uv_stop(&t->loop);
}

static void on_frame(uv_timer_t *h);

static void frame_timer_update(struct tui *t)
{
    int want = app_playing(&t->app) || (t->app.source == APP_REAL && t->app.real &&
                                        !app_finished(&t->app) && !t->app.paused);
    if (want && !t->timer_on) {
        t->last_ms = uv_now(&t->loop);
        uv_timer_start(&t->frame, on_frame, FRAME_MS, FRAME_MS);
        t->timer_on = 1;
    } else if (!want && t->timer_on) {
        uv_timer_stop(&t->frame);
        t->timer_on = 0;
    }
}

static void on_work(uv_idle_t *h);
static void on_wait(uv_timer_t *h);

/* Schedules app_work (see the top): each turn while it has slices left,
 * in WAIT_MS while only worker threads are busy. */
static void work_update(struct tui *t, int left)
{
    if (left == 2 && !t->work_on) {
        uv_timer_stop(&t->wait);
        uv_idle_start(&t->work, on_work);
        t->work_on = 1;
    } else if (left != 2 && t->work_on) {
        uv_idle_stop(&t->work);
        t->work_on = 0;
    }
    if (left == 1 && !uv_is_active((uv_handle_t *)&t->wait))
        uv_timer_start(&t->wait, on_wait, WAIT_MS, 0);
}

static void work_slice(struct tui *t)
{
    int left = app_work(&t->app, APP_WORK_SLICE_NS);
    /* Progress at the frame rate; once more when all is done. */
    if (left != 2 || uv_now(&t->loop) - t->drawn_ms >= FRAME_MS) t->dirty = 1;
    work_update(t, left);
    frame_timer_update(t);
}

static void on_work(uv_idle_t *h)
{
    struct tui *t = h->data;
    if (t->dirty) return; /* draw first (prepare, this turn): the frame answers a key */
    work_slice(t);
}

static void on_wait(uv_timer_t *h)
{
    work_slice(h->data);
}

static void handle_flags(struct tui *t, int flags)
{
    if (flags & KEYS_QUIT) stop(t);
    if (flags) t->dirty = 1;
}

static void on_input(uv_poll_t *h, int status, int events)
{
    struct tui *t = h->data;
    (void)events;
    if (status < 0) {
        /* stdin is gone (the terminal closed): leave as on SIGHUP. */
        t->app.exit_code = 129;
        stop(t);
        return;
    }
    int x = 0, y = 0, key;
    while ((key = term_key(&x, &y)) != -1) {
        if (key == KEY_RESIZE) {
            t->dirty = 1;
        } else if (key == TERM_CLICK) {
            handle_flags(t, keys_click(&t->app, x, y));
        } else if (key > 0) {
            if (t->app.status[0] && key != 'w') t->app.status[0] = 0;
            handle_flags(t, keys_dispatch(&t->app, key));
        }
        if (t->app.quit) break;
    }
    app_progress(&t->app);
    work_update(t, 2);
    frame_timer_update(t);
}

static void on_frame(uv_timer_t *h)
{
    struct tui *t = h->data;
    uint64_t now = uv_now(&t->loop);
    int64_t dt = (int64_t)(now - t->last_ms) * 1000000;
    t->last_ms = now;
    if (app_tick(&t->app, dt)) {
        t->dirty = 1;
        work_update(t, 2);
    }
    frame_timer_update(t);
}

static void on_prepare(uv_prepare_t *h)
{
    struct tui *t = h->data;
    /* Real runs: events that arrived through uv_async since the last turn. */
    if (t->app.source == APP_REAL && !t->app.paused) {
        size_t before = t->app.fed;
        app_tick(&t->app, 0);
        if (t->app.fed != before) t->dirty = 1;
        frame_timer_update(t);
    }
    if (!t->dirty) return;
    t->dirty = 0;
    int cols, rows;
    term_size(&cols, &rows);
    canvas_resize(&t->canvas, cols, rows);
    panels_draw(&t->canvas, &t->app);
    term_draw(&t->canvas);
    t->drawn_ms = uv_now(&t->loop);
}

static void on_signal(uv_signal_t *h, int signum)
{
    struct tui *t = h->data;
    if (signum == SIGWINCH) {
        term_resize();
        t->dirty = 1;
        return;
    }
    t->app.exit_code = 128 + signum;
    app_close_recorder(&t->app, 0);
    stop(t);
}

static void close_handle(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h)) uv_close(h, NULL);
}

int tui_main(const struct tui_opts *opts)
{
    if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)) {
        fprintf(stderr,
                "juggle: %s is not a terminal; for plain output use --headless "
                "(e.g. juggle run sleep --headless)\n",
                isatty(STDOUT_FILENO) ? "stdin" : "stdout");
        return 2;
    }
    setlocale(LC_CTYPE, "");
    theme_set_utf8(theme_locale_is_utf8());
    signal(SIGPIPE, SIG_IGN);

    struct tui *t = calloc(1, sizeof *t);
    if (!t) return 2;
    uv_loop_init(&t->loop);
    struct tui_opts o = *opts;
    o.async = 1;
    int rc = app_init(&t->app, &o, &t->loop);
    if (rc) {
        app_done(&t->app);
        uv_run(&t->loop, UV_RUN_DEFAULT);
        uv_loop_close(&t->loop);
        free(t);
        return rc;
    }
    if (term_open()) {
        app_done(&t->app);
        uv_walk(&t->loop, close_handle, NULL);
        uv_run(&t->loop, UV_RUN_DEFAULT);
        uv_loop_close(&t->loop);
        free(t);
        fprintf(stderr, "juggle: cannot open the terminal (TERM=%s)\n",
                getenv("TERM") ? getenv("TERM") : "");
        return 2;
    }
    uv_poll_init(&t->loop, &t->input, STDIN_FILENO);
    t->input.data = t;
    uv_poll_start(&t->input, UV_READABLE, on_input);
    uv_timer_init(&t->loop, &t->frame);
    t->frame.data = t;
    uv_timer_start(&t->frame, on_frame, FRAME_MS, FRAME_MS);
    t->timer_on = 1;
    uv_idle_init(&t->loop, &t->work);
    t->work.data = t;
    uv_timer_init(&t->loop, &t->wait);
    t->wait.data = t;
    work_update(t, 2);
    t->last_ms = uv_now(&t->loop);
    uv_prepare_init(&t->loop, &t->redraw);
    t->redraw.data = t;
    uv_prepare_start(&t->redraw, on_prepare);
    static const int sigs[4] = {SIGINT, SIGTERM, SIGHUP, SIGWINCH};
    for (int i = 0; i < 4; i++) {
        uv_signal_init(&t->loop, &t->sig[i]);
        t->sig[i].data = t;
        uv_signal_start(&t->sig[i], on_signal, sigs[i]);
    }
    t->dirty = 1;
    frame_timer_update(t);
    uv_run(&t->loop, UV_RUN_DEFAULT);

    term_close();
    rc = t->app.exit_code;
    if (!rc) rc = app_watch_outcome(&t->app);
    /* A recording that failed is said on stderr once the terminal is
     * restored (the status line that said it is gone): exit 1. */
    if (app_record_outcome(&t->app) && !rc) rc = 1;
    app_done(&t->app);
    uv_walk(&t->loop, close_handle, NULL);
    uv_run(&t->loop, UV_RUN_DEFAULT);
    if (uv_loop_close(&t->loop))
        fprintf(stderr, "juggle: internal: the event loop did not close cleanly\n");
    canvas_done(&t->canvas);
    free(t);
    return rc;
}

/* A session with no terminal, for pictures of the view (a screen dump, an
 * SVG): simulated, not recording. NULL with *rc set if it cannot start. */
static struct app *offscreen(const struct tui_opts *opts, int utf8, int *rc)
{
    setlocale(LC_CTYPE, "");
    theme_set_utf8(utf8 >= 0 ? utf8 : theme_locale_is_utf8());
    struct app *a = calloc(1, sizeof *a);
    *rc = 2;
    if (!a) return NULL;
    struct tui_opts o = *opts;
    o.real = 0;
    o.record = NULL;
    *rc = app_init(a, &o, NULL);
    if (*rc) {
        app_done(a);
        free(a);
        return NULL;
    }
    return a;
}

int tui_dump_screen(const struct tui_opts *opts, FILE *out)
{
    int rc;
    struct app *a = offscreen(opts, -1, &rc);
    if (!a) return rc;
    app_seek(a, opts->at);
    struct canvas c = {0};
    canvas_resize(&c, opts->cols, opts->rows);
    /* JUGGLE_DUMP_KEYS: keys pressed after the seek (tests and the
     * README's pictures of overlays: "c" the compare view, "g" the
     * legend, "." a step); each is drawn once, as the TUI would. */
    const char *keys = getenv("JUGGLE_DUMP_KEYS");
    for (; keys && *keys; keys++) {
        panels_draw(&c, a);
        keys_dispatch(a, (unsigned char)*keys);
    }
    panels_draw(&c, a);
    canvas_write_text(&c, out);
    canvas_done(&c);
    app_done(a);
    free(a);
    return 0;
}

/* The name of the lane on each row of the screen just drawn (NULL where
 * none): task lanes from where the timeline put them, CPU, queue and
 * balance lanes from their labels (copied into own[y]). */
static void lane_names(const struct canvas *c, const struct app *a, const char **lane,
                       char (*own)[16])
{
    char buf[64];
    for (int y = 0; y < c->rows; y++) {
        lane[y] = NULL;
        int i = y - a->rows_y0;
        if (i >= 0 && i < a->rows_n) {
            lane[y] = a->model.tasks[a->lane_task[i]].name;
            continue;
        }
        canvas_row_text(c, y, buf, sizeof buf);
        const char *p = strncmp(buf, "\u2502 ", 4) == 0 ? buf + 4 : "";
        char word[16];
        if (sscanf(p, "%15s", word) != 1) continue;
        if (strcmp(word, "queue") == 0 || strcmp(word, "balance") == 0 ||
            (strncmp(word, "cpu", 3) == 0 && word[3] >= '0' && word[3] <= '9')) {
            snprintf(own[y], sizeof own[y], "%s", word);
            lane[y] = own[y];
        }
    }
}

int tui_svg(const struct tui_opts *opts, const char *path)
{
    /* The picture never replaces the scene or trace it is drawn from. */
    const char *avoid[] = {opts->replay ? opts->replay : opts->sc ? opts->sc->path : NULL, NULL};
    struct outfile of;
    struct err e;
    if (outfile_open(&of, path, avoid, &e)) {
        err_print(&e);
        return 2;
    }
    int rc;
    struct app *a = offscreen(opts, 1, &rc); /* SVG is UTF-8 whatever the terminal */
    if (!a) {
        outfile_abort(&of);
        return rc;
    }
    app_seek(a, opts->at > 0 ? opts->at : INT64_MAX / 4);
    a->status[0] = 0;
    struct canvas c = {0};
    canvas_resize(&c, opts->cols > 0 ? opts->cols : 160, opts->rows > 0 ? opts->rows : 50);
    panels_draw(&c, a);
    const char **lane = calloc((size_t)c.rows, sizeof *lane);
    char(*own)[16] = calloc((size_t)c.rows, sizeof *own);
    lane_names(&c, a, lane, own);
    char title[256];
    snprintf(title, sizeof title, "juggle: %s (%s)", app_title(a), a->model.strategy);
    FILE *out = outfile_stdio(&of);
    if (!out) {
        fprintf(stderr, "juggle: %s: cannot write: %s\n", path, strerror(errno));
        outfile_abort(&of);
        rc = 2;
    } else {
        /* Everything but the status row (key hints mean nothing on a slide). */
        svg_write(&c, 0, c.rows - 1, lane, title, out);
        rc = outfile_finish_stdio(&of, out);
    }
    free(lane);
    free(own);
    canvas_done(&c);
    app_done(a);
    free(a);
    return rc;
}

/*
 * Key latency (issue 13 item 7): the view of a 1M-item run stays
 * interactive. The scene is bench_scene.sh's: 100,000 workers and
 * 1,000,000 sleep items listed in the file (the same LCG), under loop.
 *
 * The TUI's loop is played without a terminal, as tui.c runs it: app_init
 * then the first frame (panels_draw on a 200x50 canvas) is "open"; each
 * key is keys_dispatch, app_progress (the status line) and panels_draw —
 * a turn with a frame to draw does no work first — the time until the
 * next frame, which shows the key's effect or its progress. Between keys,
 * slices of app_work with a frame every 33 ms. After the run is simulated the play head goes to its
 * middle; then the keys in order: space, `.`, `,`, End, Home, `2`, `c`, Esc, `i` (the time cursor),
 * Left (the cursor a column back), each after the work the previous one started is done (as a user
 * pauses between keys). Prints each with the target (<= 50 ms) and when its work was all done; how
 * long the background took to simulate the run and the compare view; and the longest slice of work
 * the loop ran (a key that comes during it waits that long more). Never fails on numbers.
 */
#include <curses.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/scene.h"
#include "core/strategy.h"
#include "bench_util.h"
#include "ui/app.h"
#include "ui/canvas.h"
#include "ui/keys.h"
#include "ui/panels.h"
#include "ui/theme.h"

#define COLS_ 200
#define ROWS_ 50

/* bench_scene.sh's listed scene, as text. */
static char *listed_scene(void)
{
    size_t cap = 16u << 20, n = 0;
    char *s = malloc(cap);
    if (!s) return NULL;
    n += (size_t)snprintf(s + n, cap - n,
                          "[scene]\ntitle = 100,000 workers, 1,000,000 listed items\nkind = "
                          "queue\n[workers]\nnames = ");
    for (int i = 1; i <= 100000; i++) {
        n += (size_t)snprintf(s + n, cap - n, "W%d", i);
        if (i % 20 == 0 && i < 100000)
            n += (size_t)snprintf(s + n, cap - n, ",\n   ");
        else if (i < 100000)
            n += (size_t)snprintf(s + n, cap - n, ", ");
    }
    n += (size_t)snprintf(s + n, cap - n, "\n[queue]\nwork = sleep\nitems = ");
    uint64_t x = 1;
    for (int i = 1; i <= 1000000; i++) {
        x = (x * 1103515245u + 12345u) % 2147483648u;
        n += (size_t)snprintf(s + n, cap - n, "%d", 1 + (int)(x / 65536 % 20));
        if (i % 40 == 0 && i < 1000000)
            n += (size_t)snprintf(s + n, cap - n, ",\n   ");
        else if (i < 1000000)
            n += (size_t)snprintf(s + n, cap - n, ", ");
    }
    snprintf(s + n, cap - n, "\n");
    return s;
}

static double worst_slice; /* the longest app_work call: a key's worst wait */

/* The loop's turns between keys, as tui.c runs them: slices of work, a
 * frame drawn every 33 ms of them, until nothing is left or max_s.
 * Returns the seconds spent. */
static double settle(struct app *a, struct canvas *c, double max_s)
{
    double t0 = now_s(), drawn = t0;
    for (;;) {
        double s0 = now_s();
        int left = app_work(a, APP_WORK_SLICE_NS);
        double s1 = now_s();
        if (s1 - s0 > worst_slice) worst_slice = s1 - s0;
        if (!left || s1 - t0 > max_s) break;
        if (s1 - drawn >= 0.033) {
            panels_draw(c, a);
            drawn = now_s();
        }
        if (left == 1) {
            struct timespec ts = {0, 10000000}; /* only threads work: tui.c waits 10 ms */
            nanosleep(&ts, NULL);
        }
    }
    return now_s() - t0;
}

/* A key as tui.c answers it: dispatch, the progress line, the frame. */
static double press(struct app *a, struct canvas *c, int key)
{
    double t0 = now_s();
    a->status[0] = 0;
    keys_dispatch(a, key);
    app_progress(a);
    panels_draw(c, a);
    return now_s() - t0;
}

int main(void)
{
    theme_set_utf8(1);
    char *text = listed_scene();
    struct err e;
    struct scene *sc = text ? scene_parse("listed.ini", text, &e) : NULL;
    free(text);
    if (!sc) return 1;
    struct app *a = calloc(1, sizeof *a);
    if (!a) return 1;
    struct tui_opts o = {.sc = sc, .strategy = strategy_find("loop"), .time_scale = 1, .async = 1};
    struct canvas c = {0};
    canvas_resize(&c, COLS_, ROWS_);
    double t0 = now_s();
    if (app_init(a, &o, NULL)) return 1;
    app_progress(a);
    panels_draw(&c, a);
    double open = now_s() - t0;
    printf("keys     1M-item listed scene (100k workers, loop): open to first frame   %7.1f ms  "
           "(target <= 50)\n",
           open * 1e3);
    double sim_all = settle(a, &c, 60);
    /* The keys are pressed mid-run, as after playing to the middle. */
    app_seek(a, app_end(a) / 2);
    settle(a, &c, 60);
    struct {
        int key;
        const char *name;
    } keys[] = {{' ', "space (pause)"},     {'.', ". (step)"},  {',', ", (step back)"},
                {KEY_END, "End"},           {KEY_HOME, "Home"}, {'2', "2 (coop)"},
                {'c', "c (compare)"},       {27, "Esc"},        {'i', "i (cursor)"},
                {KEY_LEFT, "Left (cursor)"}};
    double compare_all = 0;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (keys[i].key == 'i') { /* the cursor mid-run too */
            app_seek(a, app_end(a) / 2);
            settle(a, &c, 60);
        }
        double d = press(a, &c, keys[i].key);
        double s = settle(a, &c, 60);
        printf("keys     key %-14s to the next frame                       %7.1f ms  (target <= "
               "50; all its work done %.0f ms later)\n",
               keys[i].name, d * 1e3, s * 1e3);
        if (keys[i].key == 'c') compare_all = s;
    }
    printf("keys     background: the whole run simulated %.2f s, the compare view %.2f s; the "
           "longest slice (a key's worst wait) %.1f ms\n",
           sim_all, compare_all, worst_slice * 1e3);
    canvas_done(&c);
    app_done(a);
    free(a);
    scene_free(sc);
    return 0;
}

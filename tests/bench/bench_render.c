/*
 * Render time (issue 3): a frame of the TUI for 200 tasks at 300x80.
 *
 * A queue scene of 200 workers sleeping through generated items is
 * simulated (as the TUI does) to the middle of its run; then:
 *   - panels_draw onto a 300x80 canvas, the same state every frame: the
 *     cost of drawing every panel from the model;
 *   - a playing frame as the TUI's loop does it: app_tick by 33 ms of wall
 *     time at x1 (the model takes the new events), panels_draw, and
 *     term_draw through curses (newterm on /dev/null, TERM=xterm-256color,
 *     UTF-8), in a child process so curses owns nothing of ours.
 * Target: <= 2 ms per frame. CPU while paused is tests/bench/bench_paused.sh.
 */
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/scene.h"
#include "core/strategy.h"
#include "ui/app.h"
#include "ui/canvas.h"
#include "ui/panels.h"
#include "ui/term.h"
#include "ui/theme.h"
#include "bench_util.h"

#define COLS_  300
#define ROWS_  80
#define FRAMES 300

static const char scene_text[] = "[scene]\ntitle = 200 workers\nseed = 1\nstrategy = loop\n"
                                 "[workers]\ncount = 200\n"
                                 "[queue]\nwork = sleep\ngenerate = 20000\nmin = 1\nmax = 20\n";

/* An app on the scene at mid-run (the caller frees it with app_done). */
static int open_app(struct app *a, struct scene **sc)
{
    struct err e;
    *sc = scene_parse("bench.ini", scene_text, &e);
    if (!*sc) {
        fprintf(stderr, "bench: %s\n", e.msg);
        return -1;
    }
    struct tui_opts o = {.sc = *sc, .strategy = strategy_find("loop"), .time_scale = 1};
    if (app_init(a, &o, NULL)) return -1;
    app_seek(a, a->estimate / 2);
    return 0;
}

/* The child: frames written through curses to /dev/null. Prints ms/frame. */
static int curses_frames(void)
{
    FILE *null = freopen("/dev/null", "w", stdout);
    if (!null) return 1;
    setenv("TERM", "xterm-256color", 1);
    setenv("COLUMNS", "300", 1);
    setenv("LINES", "80", 1);
    unsetenv("NO_COLOR");
    if (!setlocale(LC_ALL, "C.UTF-8")) setlocale(LC_ALL, "");
    theme_set_utf8(1);
    struct app *a = calloc(1, sizeof *a);
    struct scene *sc = NULL;
    if (!a || open_app(a, &sc)) return 1;
    if (term_open()) return 1;
    struct canvas c = {0};
    canvas_resize(&c, COLS_, ROWS_);
    panels_draw(&c, a);
    term_draw(&c);
    double tick = 0, draw = 0, write = 0;
    for (int f = 0; f < FRAMES; f++) {
        double t0 = now_s();
        app_tick(a, 33000000);
        double t1 = now_s();
        panels_draw(&c, a);
        double t2 = now_s();
        term_draw(&c);
        double t3 = now_s();
        tick += t1 - t0;
        draw += t2 - t1;
        write += t3 - t2;
    }
    term_close();
    fprintf(stderr, "%.3f %.3f %.3f\n", (tick + draw + write) * 1e3 / FRAMES, tick * 1e3 / FRAMES,
            write * 1e3 / FRAMES);
    canvas_done(&c);
    app_done(a);
    free(a);
    scene_free(sc);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2) return curses_frames();
    theme_set_utf8(1);
    struct app *a = calloc(1, sizeof *a);
    struct scene *sc = NULL;
    if (!a || open_app(a, &sc)) return 1;
    struct canvas c = {0};
    canvas_resize(&c, COLS_, ROWS_);
    panels_draw(&c, a); /* warm */
    double best = 1e9, sum = 0;
    for (int f = 0; f < FRAMES; f++) {
        double t0 = now_s();
        panels_draw(&c, a);
        double d = now_s() - t0;
        sum += d;
        if (d < best) best = d;
    }
    printf("render   frame, %zu tasks at %dx%d (panels_draw)            %.2f ms/frame  (target <= "
           "2)\n",
           a->model.ntasks, COLS_, ROWS_, sum * 1e3 / FRAMES);
    canvas_done(&c);
    app_done(a);
    free(a);
    scene_free(sc);
    fflush(stdout);

    /* The curses half in a child, its number back on a pipe. */
    int fds[2];
    if (pipe(fds)) return 1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        execl("/proc/self/exe", argv[0], "curses", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char buf[64] = "";
    ssize_t n = read(fds[0], buf, sizeof buf - 1);
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    double all, tick, write;
    if (n > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
        sscanf(buf, "%lf %lf %lf", &all, &tick, &write) == 3)
        printf("render   frame playing: tick + draw + curses write (/dev/null)   %.2f ms/frame  "
               "(target <= 2; tick %.2f, curses %.2f)\n",
               all, tick, write);
    else
        printf("render   frame with curses: could not run (exit %d)\n",
               WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return 0;
}

/*
 * tui: the interactive curses front end (issue 3).
 *
 * tui_main opens the screen on a scene (or on the scene picker when
 * opts->sc is NULL) and runs until the user quits. tui_dump_screen renders,
 * as plain text, exactly the screen the TUI shows at scene time opts->at,
 * without a terminal.
 */
#ifndef JUGGLE_TUI_H
#define JUGGLE_TUI_H

#include <stdint.h>
#include <stdio.h>

#include "core/scene.h"

struct tui_opts {
    struct scene *sc;     /* borrowed; NULL: open on the scene picker */
    int strategy;         /* index into strategies[] */
    int real;             /* start in real mode (--real) */
    double time_scale;    /* real mode: seconds per scene unit */
    int64_t http_timeout; /* ns, 0: the scene's */
    const char *record;   /* --record FILE or NULL */
    const char *replay;   /* juggle replay FILE: the trace to show, or NULL */
    char *const *watch;   /* juggle watch: python3 PROG.py ARGS, or NULL */
    int cols, rows;       /* --dump-screen size */
    int64_t at;           /* --dump-screen time, ns */
    int async;            /* long work in slices and on threads (app_work.c): the TUI */
};

/* Runs the TUI. Returns the process exit status. */
int tui_main(const struct tui_opts *opts);
/* Prints the screen at opts->at to out. Returns the exit status. */
int tui_dump_screen(const struct tui_opts *opts, FILE *out);
/* Writes the screen at opts->at (at the end when at <= 0), opts->cols x
 * opts->rows (160x50 when 0), as an SVG picture to path. Returns the exit
 * status (2, after saying why, if the file cannot be written). */
int tui_svg(const struct tui_opts *opts, const char *path);

#endif

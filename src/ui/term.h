/*
 * term: the one module that owns the terminal. It sets curses up, maps
 * colour roles to colour pairs (256 colours, 8, or none with NO_COLOR or a
 * monochrome terminal), shows a canvas, reads keys and mouse clicks, and
 * restores the terminal on every way out: term_close (idempotent, also
 * registered with atexit) and, for crashes, a signal handler that resets
 * the tty with async-signal-safe calls and re-raises.
 */
#ifndef JUGGLE_TERM_H
#define JUGGLE_TERM_H

#include "ui/canvas.h"

/* Opens the screen on stdin/stdout. Returns 0 or -1 (TERM unusable). */
int term_open(void);
/* Restores the terminal. Safe to call more than once, or before open. */
void term_close(void);
/* Picks up a new window size (after SIGWINCH). */
void term_resize(void);
void term_size(int *cols, int *rows);
/* Shows the canvas (only changed cells reach the terminal). */
void term_draw(const struct canvas *c);
/* The next key, or -1 when none is waiting. Mouse clicks come back as
 * TERM_CLICK with *x, *y set. */
#define TERM_CLICK (-2)
int term_key(int *x, int *y);
/* The colour depth in use (enum theme_colors). */
int term_colors(void);

#endif

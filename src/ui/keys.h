/*
 * keys: the one table that maps keys to actions. tui.c dispatches every
 * key press through it and the help panel lists it, so help can never
 * disagree with what the keys do. Actions change the app and return flags
 * (redraw, quit) instead of drawing.
 */
#ifndef JUGGLE_KEYS_H
#define JUGGLE_KEYS_H

#include <stddef.h>

struct app;

enum { KEYS_REDRAW = 1, KEYS_QUIT = 2, KEYS_TIMER = 4 };

/* Where a binding applies. */
enum { KEYS_MAIN = 1, KEYS_PICKER = 2 };

#define KEYS_MAX_CODES 6

struct key_binding {
    int codes[KEYS_MAX_CODES]; /* curses key codes; 0 ends the list */
    const char *label;         /* as shown in help: "1-5", "space" */
    const char *help;
    int (*act)(struct app *a, int code);
    int where; /* KEYS_MAIN | KEYS_PICKER */
};

extern const struct key_binding keys_table[];
extern const size_t keys_count;

/* Runs the binding for code (and mouse events). Returns KEYS_* flags. */
int keys_dispatch(struct app *a, int code);
/* A mouse click at screen cell x, y. Returns KEYS_* flags. */
int keys_click(struct app *a, int x, int y);

#endif

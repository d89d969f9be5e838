/*
 * theme: colour roles and glyphs. Panels name what a cell means (a role
 * such as THEME_RUNNING) and which glyph stands for a state; this module
 * alone decides how that looks: 256 or 8 colours, no colour at all (a
 * monochrome terminal or NO_COLOR), Unicode blocks or ASCII when the
 * locale is not UTF-8. Every state has its own glyph as well as its own
 * colour, so the timeline reads the same in monochrome.
 */
#ifndef JUGGLE_THEME_H
#define JUGGLE_THEME_H

/* X(NAME): the colour roles. */
#define THEME_ROLES(X)                                                                             \
    X(NORMAL)                                                                                      \
    X(DIM)                                                                                         \
    X(TITLE)                                                                                       \
    X(TAB)                                                                                         \
    X(TAB_ACTIVE)                                                                                  \
    X(TAB_KEY)                                                                                     \
    X(BORDER)                                                                                      \
    X(PANEL_TITLE)                                                                                 \
    X(AXIS)                                                                                        \
    X(CURSOR)                                                                                      \
    X(RUNNING)                                                                                     \
    X(READY)                                                                                       \
    X(SLEEP)                                                                                       \
    X(IO)                                                                                          \
    X(LOCK)                                                                                        \
    X(POLL_WAIT)                                                                                   \
    X(QUEUE)                                                                                       \
    X(DONE)                                                                                        \
    X(SWITCH)                                                                                      \
    X(HELD)                                                                                        \
    X(CHECK)                                                                                       \
    X(WARN)                                                                                        \
    X(ERROR)                                                                                       \
    X(TIME)                                                                                        \
    X(SELECTED)                                                                                    \
    X(STATUS)                                                                                      \
    X(BAR)                                                                                         \
    X(STATE_RUN)                                                                                   \
    X(STATE_PAUSE)

enum theme_role {
#define X(name) THEME_##name,
    THEME_ROLES(X)
#undef X
        THEME__COUNT
};

/* X(NAME, utf8, ascii): the glyphs. */
#define THEME_GLYPHS(X)                                                                            \
    X(RUNNING, "\u2588", "#")                                                                      \
    X(RUN_PART, "\u258c", "+")                                                                     \
    X(READY, "\u2592", "=")                                                                        \
    X(SLEEP, "\u2591", ".")                                                                        \
    X(IO, "~", "~")                                                                                \
    X(LOCK, "x", "x")                                                                              \
    X(POLL_WAIT, ":", ":")                                                                         \
    X(QUEUE, "_", "_")                                                                             \
    X(DONE, " ", " ")                                                                              \
    X(IDLE, "\u00b7", ".")                                                                         \
    X(HELD, "\u2571", "/")                                                                         \
    X(SWITCH, "\u2195", "|")                                                                       \
    X(CHECK_WASTED, "\u25e6", "o")                                                                 \
    X(CHECK_USEFUL, "\u2022", "*")                                                                 \
    X(CPU_CHECK, "?", "?")                                                                         \
    X(RACE, "\u2717", "X")                                                                         \
    X(VAR_WRITES, "\u0174", "w")                                                                   \
    X(VAR_READS, "\u0212", "r")                                                                    \
    X(DEADLOCK, "\u27f2", "@")                                                                     \
    X(WARN, "\u26a0", "!")                                                                         \
    X(CURSOR, "\u2502", "|")                                                                       \
    X(TCURSOR, "\u2503", "^")                                                                      \
    X(TICK, "\u2577", "'")                                                                         \
    X(HLINE, "\u2500", "-")                                                                        \
    X(VLINE, "\u2502", "|")                                                                        \
    X(TL, "\u250c", "+")                                                                           \
    X(TR, "\u2510", "+")                                                                           \
    X(BL, "\u2514", "+")                                                                           \
    X(BR, "\u2518", "+")                                                                           \
    X(BAR, "\u2588", "#")                                                                          \
    X(BAR_HALF, "\u258c", "#")                                                                     \
    X(DOT, "\u00b7", "-")                                                                          \
    X(PLAY, "\u25b6", ">")                                                                         \
    X(PAUSE, "\u2016", "=")                                                                        \
    X(SELECT, "\u25b8", ">")                                                                       \
    X(LEFT, "\u2190", "<-")                                                                        \
    X(RIGHT, "\u2192", "->")                                                                       \
    X(UP, "\u2191", "Up")                                                                          \
    X(DOWN, "\u2193", "Down")

enum theme_glyph {
#define X(name, u, a) GLYPH_##name,
    THEME_GLYPHS(X)
#undef X
        GLYPH__COUNT
};

/* Colour depth the screen is drawn with. */
enum theme_colors { THEME_COLORS_NONE, THEME_COLORS_8, THEME_COLORS_256 };

/* Chooses glyphs: utf8 = 1 for Unicode, 0 for ASCII. */
void theme_set_utf8(int utf8);
int theme_utf8(void);
/* 1 if the current locale's character set is UTF-8 (call setlocale first). */
int theme_locale_is_utf8(void);
/* The glyph's text (a static string). */
const char *theme_glyph(int glyph);

/* Levels of a bar row (the queue): 1 to THEME_LEVELS, drawn as the
 * blocks ▁▂▃▄▅▆▇█ or, in ASCII, the digits 1-8; level 0 (and below) is the
 * idle glyph. */
#define THEME_LEVELS 8
const char *theme_level_glyph(int level);
/* The glyph and role for a task state (enum task_state) and block reason. */
int theme_state_glyph(int state, int reason);
int theme_state_role(int state, int reason);

#endif

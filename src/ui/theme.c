/*
 * theme: the tables behind colour roles and glyphs. The curses side of the
 * roles (colour pairs) lives in term.c, which alone talks to the terminal;
 * this file only knows names and glyph strings, so screen dumps and tests
 * use it without a terminal.
 */
#include "ui/theme.h"

#include <langinfo.h>
#include <string.h>
#include <strings.h>

#include "core/event.h"

static const char *const glyph_utf8[] = {
#define X(name, u, a) u,
    THEME_GLYPHS(X)
#undef X
};

static const char *const glyph_ascii[] = {
#define X(name, u, a) a,
    THEME_GLYPHS(X)
#undef X
};

static int use_utf8 = 1;

void theme_set_utf8(int utf8)
{
    use_utf8 = utf8 != 0;
}

int theme_utf8(void)
{
    return use_utf8;
}

int theme_locale_is_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}

const char *theme_glyph(int glyph)
{
    if (glyph < 0 || glyph >= GLYPH__COUNT) return "?";
    return use_utf8 ? glyph_utf8[glyph] : glyph_ascii[glyph];
}

const char *theme_level_glyph(int level)
{
    static const char *const bars[THEME_LEVELS] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                                   "\u2585", "\u2586", "\u2587", "\u2588"};
    static const char *const digits[THEME_LEVELS] = {"1", "2", "3", "4", "5", "6", "7", "8"};
    if (level < 1) return theme_glyph(GLYPH_IDLE);
    if (level > THEME_LEVELS) level = THEME_LEVELS;
    return use_utf8 ? bars[level - 1] : digits[level - 1];
}

int theme_state_glyph(int state, int reason)
{
    switch (state) {
    case TASK_RUNNING: return GLYPH_RUNNING;
    case TASK_READY: return GLYPH_READY;
    case TASK_BLOCKED:
        switch (reason) {
        case BLOCK_SLEEP: return GLYPH_SLEEP;
        case BLOCK_IO:
        case BLOCK_HTTP:
        case BLOCK_EXTERNAL: return GLYPH_IO;
        case BLOCK_LOCK: return GLYPH_LOCK;
        case BLOCK_POLL_WAIT: return GLYPH_POLL_WAIT;
        case BLOCK_QUEUE: return GLYPH_QUEUE;
        default: return GLYPH_SLEEP;
        }
    default: return GLYPH_DONE;
    }
}

int theme_state_role(int state, int reason)
{
    switch (state) {
    case TASK_RUNNING: return THEME_RUNNING;
    case TASK_READY: return THEME_READY;
    case TASK_BLOCKED:
        switch (reason) {
        case BLOCK_SLEEP: return THEME_SLEEP;
        case BLOCK_IO:
        case BLOCK_HTTP:
        case BLOCK_EXTERNAL: return THEME_IO;
        case BLOCK_LOCK: return THEME_LOCK;
        case BLOCK_POLL_WAIT: return THEME_POLL_WAIT;
        case BLOCK_QUEUE: return THEME_QUEUE;
        default: return THEME_SLEEP;
        }
    default: return THEME_DONE;
    }
}

/*
 * term: curses setup and teardown, colour pairs, drawing and input.
 *
 * Colour roles map to pairs in one table; with fewer colours the table's
 * 8-colour column is used, and with none only attributes (bold, reverse,
 * underline) carry the meaning, which the glyphs already make readable.
 */
#include "ui/term.h"

#include <curses.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "ui/theme.h"

static int active;
static int colors;
static SCREEN *screen;
static struct termios saved_tty;
static int have_saved_tty;

struct role_style {
    short fg, bg; /* 8-colour palette; -1 default */
    short fg256;  /* -1: use fg */
    attr_t attr;  /* with colour */
    attr_t mono;  /* without colour */
};

static const struct role_style styles[THEME__COUNT] = {
    [THEME_NORMAL] = {-1, -1, -1, 0, 0},
    [THEME_DIM] = {-1, -1, 245, A_DIM, A_DIM},
    [THEME_TITLE] = {COLOR_WHITE, COLOR_BLUE, -1, A_BOLD, A_REVERSE | A_BOLD},
    [THEME_TAB] = {-1, -1, -1, 0, 0},
    [THEME_TAB_ACTIVE] = {COLOR_BLACK, COLOR_CYAN, -1, A_BOLD, A_REVERSE | A_BOLD},
    [THEME_TAB_KEY] = {COLOR_YELLOW, -1, -1, A_BOLD, A_BOLD},
    [THEME_BORDER] = {COLOR_BLUE, -1, 67, 0, 0},
    [THEME_PANEL_TITLE] = {COLOR_CYAN, -1, -1, A_BOLD, A_BOLD},
    [THEME_AXIS] = {-1, -1, 245, 0, 0},
    [THEME_CURSOR] = {COLOR_BLACK, COLOR_WHITE, -1, 0, A_REVERSE},
    [THEME_RUNNING] = {COLOR_GREEN, -1, -1, A_BOLD, A_BOLD},
    [THEME_READY] = {COLOR_YELLOW, -1, -1, 0, 0},
    [THEME_SLEEP] = {COLOR_BLUE, -1, 75, 0, A_DIM},
    [THEME_IO] = {COLOR_CYAN, -1, -1, 0, 0},
    [THEME_LOCK] = {COLOR_RED, -1, -1, 0, A_BOLD},
    [THEME_POLL_WAIT] = {COLOR_MAGENTA, -1, -1, 0, 0},
    [THEME_QUEUE] = {COLOR_WHITE, -1, 245, 0, A_DIM},
    [THEME_DONE] = {-1, -1, -1, 0, 0},
    [THEME_SWITCH] = {COLOR_MAGENTA, -1, -1, A_BOLD, A_BOLD},
    [THEME_HELD] = {COLOR_GREEN, -1, -1, 0, A_DIM},
    [THEME_CHECK] = {COLOR_MAGENTA, -1, -1, 0, 0},
    [THEME_WARN] = {COLOR_YELLOW, -1, 214, A_BOLD, A_BOLD},
    [THEME_ERROR] = {COLOR_RED, -1, -1, A_BOLD, A_BOLD | A_UNDERLINE},
    [THEME_TIME] = {COLOR_CYAN, -1, -1, 0, A_DIM},
    [THEME_SELECTED] = {COLOR_YELLOW, -1, -1, A_BOLD, A_BOLD},
    [THEME_STATUS] = {COLOR_BLACK, COLOR_WHITE, -1, 0, A_REVERSE},
    [THEME_BAR] = {COLOR_GREEN, -1, -1, 0, 0},
    [THEME_STATE_RUN] = {COLOR_GREEN, -1, -1, A_BOLD, A_BOLD},
    [THEME_STATE_PAUSE] = {COLOR_YELLOW, -1, -1, A_BOLD, A_BOLD},
};

/* The last canvas shown, to skip rows that did not change: curses would
 * find them unchanged too, but only after converting every cell of them
 * from UTF-8 again (most of a frame's cost on a large screen). */
static struct canvas shown;

static void shown_forget(void)
{
    canvas_done(&shown);
}

static attr_t role_attr(int role)
{
    if (role < 0 || role >= THEME__COUNT) role = THEME_NORMAL;
    if (colors == THEME_COLORS_NONE) return styles[role].mono;
    return COLOR_PAIR(role + 1) | styles[role].attr;
}

/* Crash signals: put the tty back with async-signal-safe calls only, then
 * let the default action (a core dump) happen. */
static void on_crash(int sig)
{
    static const char reset[] = "\033[?1000l\033[?1006l\033[?25h\033[?1049l\033[0m\r\n";
    if (have_saved_tty) tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
    ssize_t n = write(STDOUT_FILENO, reset, sizeof reset - 1);
    (void)n;
    signal(sig, SIG_DFL);
    raise(sig);
}

static void crash_handlers(void)
{
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_crash;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
}

int term_open(void)
{
    if (active) return 0;
    if (tcgetattr(STDIN_FILENO, &saved_tty) == 0) have_saved_tty = 1;
    screen = newterm(NULL, stdout, stdin);
    if (!screen) return -1;
    set_term(screen);
    active = 1;
    atexit(term_close);
    crash_handlers();
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED, NULL);
    mouseinterval(0);
    const char *nc = getenv("NO_COLOR");
    colors = THEME_COLORS_NONE;
    if (!(nc && *nc) && has_colors()) {
        start_color();
        use_default_colors();
        colors = COLORS >= 256 ? THEME_COLORS_256 : THEME_COLORS_8;
        for (int r = 0; r < THEME__COUNT; r++) {
            short fg = styles[r].fg;
            if (colors == THEME_COLORS_256 && styles[r].fg256 >= 0) fg = styles[r].fg256;
            init_pair((short)(r + 1), fg, styles[r].bg);
        }
    }
    return 0;
}

void term_close(void)
{
    if (!active) return;
    active = 0;
    shown_forget();
    mousemask(0, NULL);
    curs_set(1);
    endwin();
    fflush(stdout);
    if (screen) {
        delscreen(screen);
        screen = NULL;
    }
    if (have_saved_tty) tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
}

void term_resize(void)
{
    if (!active) return;
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0)
        resizeterm(ws.ws_row, ws.ws_col);
    shown_forget(); /* draw every row again */
}

void term_size(int *cols, int *rows)
{
    *cols = COLS;
    *rows = LINES;
}

int term_colors(void)
{
    return colors;
}

static int cell_same(const struct canvas_cell *a, const struct canvas_cell *b)
{
    return a->role == b->role && strcmp(a->ch, b->ch) == 0;
}

void term_draw(const struct canvas *c)
{
    char buf[4096];
    int same_size = shown.cells && shown.cols == c->cols && shown.rows == c->rows &&
                    shown.cols == COLS && shown.rows == LINES;
    int w = c->cols < COLS ? c->cols : COLS;
    for (int y = 0; y < c->rows && y < LINES; y++) {
        const struct canvas_cell *row = c->cells + (size_t)y * (size_t)c->cols;
        /* Only the cells from the first to the last that changed. */
        int x = 0, end = w;
        if (same_size) {
            const struct canvas_cell *old = shown.cells + (size_t)y * (size_t)c->cols;
            while (x < w && cell_same(&row[x], &old[x]))
                x++;
            if (x == w) continue;
            while (end > x && cell_same(&row[end - 1], &old[end - 1]))
                end--;
        }
        while (x < end) {
            int role = row[x].role, x0 = x;
            size_t len = 0;
            while (x < end && row[x].role == role) {
                size_t l = strlen(row[x].ch);
                if (len + l >= sizeof buf) break;
                memcpy(buf + len, row[x].ch, l);
                len += l;
                x++;
            }
            buf[len] = 0;
            attrset(role_attr(role));
            mvaddstr(y, x0, buf);
        }
    }
    attrset(A_NORMAL);
    wnoutrefresh(stdscr);
    doupdate();
    if (!same_size) canvas_resize(&shown, c->cols, c->rows);
    memcpy(shown.cells, c->cells, (size_t)c->rows * (size_t)c->cols * sizeof *c->cells);
}

int term_key(int *x, int *y)
{
    int ch = getch();
    if (ch == ERR) return -1;
    if (ch == KEY_MOUSE) {
        MEVENT me;
        if (getmouse(&me) == OK && (me.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))) {
            *x = me.x;
            *y = me.y;
            return TERM_CLICK;
        }
        return 0;
    }
    return ch;
}

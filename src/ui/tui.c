/*
 * tui: placeholder until the curses front end lands (issue 3).
 */
#include "ui/tui.h"

int tui_main(const struct tui_opts *opts)
{
    (void)opts;
    fprintf(stderr, "juggle: the interactive view is not built yet; add --headless\n");
    return 2;
}

int tui_dump_screen(const struct tui_opts *opts, FILE *out)
{
    (void)opts;
    (void)out;
    fprintf(stderr, "juggle: --dump-screen is not built yet\n");
    return 2;
}

/*
 * real: placeholder until real execution lands (issue 4).
 */
#include "exec/real.h"

int real_run_headless(const struct scene *sc, int strategy, const struct real_opts *ro,
                      int format, FILE *out)
{
    (void)sc;
    (void)strategy;
    (void)ro;
    (void)format;
    (void)out;
    fprintf(stderr, "juggle: --real is not built yet\n");
    return 2;
}

int serve_main(int port)
{
    (void)port;
    fprintf(stderr, "juggle: serve is not built yet\n");
    return 2;
}

/*
 * real: placeholder until real execution lands (issue 4).
 */
#include "exec/real.h"

struct real_run *real_run_start(const struct scene *sc, int strategy, const struct real_opts *ro,
                                struct bus *bus, uv_loop_t *loop, struct err *e)
{
    (void)sc;
    (void)strategy;
    (void)ro;
    (void)bus;
    (void)loop;
    err_set(e, ERR_RUNTIME, NULL, 0, "real execution is not built yet");
    return NULL;
}

size_t real_run_drain(struct real_run *r)
{
    (void)r;
    return 0;
}

int real_run_finished(const struct real_run *r)
{
    (void)r;
    return 1;
}

int64_t real_run_now(const struct real_run *r)
{
    (void)r;
    return 0;
}

void real_run_cancel(struct real_run *r)
{
    (void)r;
}

void real_run_free(struct real_run *r)
{
    (void)r;
}

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

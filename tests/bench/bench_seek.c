/*
 * TUI seek (issue 5): the time for the TUI's run model to reach the middle
 * of a generated trace of about 1,000,000 events, opened as `juggle replay`
 * opens it. "Rebuild" is what a seek cost before checkpoints: reset the
 * model and feed every event from the first; "seek back" and "seek ahead"
 * are app_seek from the end and from the start, which restore the nearest
 * checkpoint and feed at most its spacing of events. Also reported: the
 * time to open the trace (load plus the pass that takes the checkpoints)
 * and what the checkpoints hold. Target: seek to the middle <= 50 ms.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "core/scene.h"
#include "core/sim.h"
#include "core/strategy.h"
#include "core/trace.h"
#include "bench_util.h"
#include "ui/app.h"
#include "ui/model.h"
#include "ui/tui.h"

int main(void)
{
    char path[] = "/tmp/juggle-bench-seek-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return 1;
    close(fd);
    if (bench_write_trace(path, NULL)) {
        unlink(path);
        return 1;
    }
    struct tui_opts o = {.replay = path, .time_scale = 1};
    struct app *a = calloc(1, sizeof *a);
    if (!a) return 1;
    double t0 = now_s();
    int rc = app_init(a, &o, NULL);
    double open_s = now_s() - t0;
    unlink(path);
    if (rc) {
        free(a);
        return 1;
    }
    size_t mid = a->nev / 2;
    int64_t tmid = a->ev[mid].t, tend = a->ev[a->nev - 1].t;

    /* Before: with the checkpoints hidden, app_seek back resets the model
     * and feeds every event from the first, as it did without them. */
    double rebuild = 0;
    size_t nckpt = a->nckpt, every = a->ckpt_every;
    a->nckpt = 0;
    a->ckpt_every = SIZE_MAX / 2; /* take none meanwhile */
    for (int rep = 0; rep < 3; rep++) {
        app_seek(a, tend);
        t0 = now_s();
        app_seek(a, tmid);
        double d = now_s() - t0;
        if (d > rebuild) rebuild = d;
    }
    a->nckpt = nckpt;
    a->ckpt_every = every;
    /* After: app_seek from the end (back) and from the start (ahead). */
    double back = 0, ahead = 0;
    for (int rep = 0; rep < 5; rep++) {
        app_seek(a, tend);
        t0 = now_s();
        app_seek(a, tmid);
        double d = now_s() - t0;
        if (d > back) back = d;
        app_seek(a, 0);
        t0 = now_s();
        app_seek(a, tmid);
        d = now_s() - t0;
        if (d > ahead) ahead = d;
    }
    printf("tui      open a %zu-event trace (load + checkpoints)   %.3f s   %zu checkpoints every "
           "%zu events, %.1f MB\n",
           a->nev, open_s, a->nckpt, a->ckpt_every, (double)a->ckpt_bytes / 1048576.0);
    printf("tui      seek to the middle from the end, no checkpoints (before)   %.1f ms worst "
           "(target <= 50)\n",
           rebuild * 1e3);
    printf(
        "tui      seek to the middle from the end (checkpoints)   %.1f ms worst (target <= 50)\n",
        back * 1e3);
    printf("tui      seek to the middle from the start (checkpoints)   %.1f ms worst (target <= "
           "50)\n",
           ahead * 1e3);
    app_done(a);
    free(a);
    return 0;
}

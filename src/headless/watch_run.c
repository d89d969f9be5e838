/*
 * watch_run: `juggle watch --headless`, a traced Python program (see
 * exec/watch.h) wired to the same sinks as any headless run: the stats
 * for --summary and --json, the recorder for --record. The program's own
 * output goes straight to juggle's stdout (to /dev/null under --json), so
 * it is printed unchanged rather than re-printed from its log events.
 */
#include "headless/watch_run.h"

#include <signal.h>

#include "core/stats.h"
#include "core/trace.h"
#include "exec/watch.h"
#include "headless/headless.h"
#include "headless/summary.h"

/* Ctrl-C reaches the program too (one process group); SIGTERM and SIGHUP
 * sent to juggle alone are passed on to it. Either way juggle keeps
 * reading until the program has gone, so the trace ends where the program
 * did, and is closed, marked incomplete, where --record said. */
static void on_signal(uv_signal_t *h, int sig)
{
    struct watch *w = h->data;
    if (sig != SIGINT) watch_stop(w);
}

int watch_run_bus(char *const argv[], const char *record, int discard_stdout, struct bus *bus,
                  char *why, size_t n)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct err e;
    why[0] = '\0';
    struct watch *w = watch_start(argv, 0, discard_stdout, bus, &loop, &e);
    struct trace_writer *tw = NULL;
    if (w && record) {
        tw = trace_writer_open(record, watch_program(w), watch_scene_text(w), "python", "real",
                               JUGGLE_VERSION, &e);
        if (!tw) {
            watch_free(w);
            w = NULL;
        } else {
            bus_attach(bus, trace_writer_sink, tw);
        }
    }
    int rc = 2, complete = 0;
    if (w) {
        const int signums[3] = {SIGINT, SIGTERM, SIGHUP};
        uv_signal_t sig[3];
        for (int i = 0; i < 3; i++) {
            uv_signal_init(&loop, &sig[i]);
            sig[i].data = w;
            uv_signal_start(&sig[i], on_signal, signums[i]);
        }
        while (!watch_finished(w)) {
            uv_run(&loop, UV_RUN_ONCE);
            if (tw) trace_writer_tick(tw);
        }
        for (int i = 0; i < 3; i++)
            uv_close((uv_handle_t *)&sig[i], NULL);
        rc = watch_result(w, why, n);
        complete = watch_complete(w);
        watch_free(w);
    } else {
        err_print(&e);
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    if (tw) {
        bus_detach(bus, tw);
        if (trace_writer_close(tw, complete, &e)) {
            if (why[0]) fprintf(stderr, "juggle: %s\n", why);
            snprintf(why, n, "%s", "");
            err_print(&e);
            rc = 2;
        }
    }
    return rc;
}

int headless_watch(char *const argv[], const char *record, int format, FILE *out)
{
    struct bus bus;
    struct stats st;
    bus_init(&bus);
    stats_init(&st);
    bus_attach(&bus, stats_sink, &st);
    char why[600];
    int rc = watch_run_bus(argv, record, format == HEADLESS_JSON, &bus, why, sizeof why);
    fflush(stdout);
    if (rc == 0 || st.ended) {
        if (format == HEADLESS_SUMMARY) summary_print(out, &st);
        if (format == HEADLESS_JSON) {
            json_t *j = summary_json(&st);
            summary_dump_json(out, j);
            json_decref(j);
        }
    }
    fflush(out);
    if (why[0]) fprintf(stderr, "juggle: %s\n", why);
    stats_done(&st);
    return rc;
}

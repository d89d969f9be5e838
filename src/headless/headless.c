/*
 * headless: wiring of a source (the engine in virtual time, or the real
 * runner) to the bus and the printing sinks, in one place for both, so
 * that --record, --summary and --json mean the same with and without
 * --real.
 */
#include "headless/headless.h"

#include <signal.h>

#include "core/sim.h"
#include "core/stats.h"
#include "core/strategy.h"
#include "core/trace.h"
#include "exec/real.h"
#include "headless/printer.h"
#include "headless/summary.h"

/* The summary block or JSON object after a run, as format asks. */
static void print_summary(const struct stats *st, int format, FILE *out)
{
    if (format == HEADLESS_SUMMARY) summary_print(out, st);
    if (format == HEADLESS_JSON && summary_write_json(out, st, 0) == 0) fputc('\n', out);
}

void headless_attach(struct bus *bus, struct stats *st, int format, FILE *out)
{
    bus_init(bus);
    stats_init(st);
    bus_attach_nolog(bus, stats_sink, st);
    if (format != HEADLESS_JSON) bus_attach(bus, printer_sink, out);
}

struct live {
    struct real_run *r;
    int cancelled;
};

static void on_signal(uv_signal_t *h, int signum)
{
    (void)signum;
    struct live *l = h->data;
    l->cancelled = 1;
    real_run_cancel(l->r);
}

/* Runs sc for real, delivering its events to bus on this thread; SIGINT
 * and SIGTERM cancel the run. Returns 0, 1 if cancelled, 2 if it cannot
 * start. */
static int run_real(const struct scene *sc, int strategy, const struct real_opts *ro,
                    struct bus *bus)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct err e;
    struct live l = {real_run_start(sc, strategy, ro, bus, &loop, &e), 0};
    if (!l.r) {
        err_print(&e);
        uv_run(&loop, UV_RUN_DEFAULT);
        uv_loop_close(&loop);
        return 2;
    }
    uv_signal_t sig[2];
    const int signums[2] = {SIGINT, SIGTERM};
    for (int i = 0; i < 2; i++) {
        uv_signal_init(&loop, &sig[i]);
        sig[i].data = &l;
        uv_signal_start(&sig[i], on_signal, signums[i]);
    }
    while (!real_run_finished(l.r))
        uv_run(&loop, UV_RUN_ONCE);
    real_run_free(l.r);
    for (int i = 0; i < 2; i++)
        uv_close((uv_handle_t *)&sig[i], NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    if (uv_loop_close(&loop))
        fprintf(stderr, "juggle: internal: the event loop did not close cleanly\n");
    if (l.cancelled) fprintf(stderr, "juggle: cancelled\n");
    return l.cancelled;
}

int headless_run(const struct scene *sc, int strategy, int format, const char *record,
                 const struct real_opts *real, FILE *out)
{
    struct bus bus;
    struct stats st;
    struct err e;
    struct trace_writer *tw = NULL;
    if (record) {
        tw = trace_writer_open(record, sc->path, sc->text, strategy_name(strategy),
                               real ? "real" : "virtual", JUGGLE_VERSION, &e);
        if (!tw) {
            err_print(&e);
            return 2;
        }
    }
    headless_attach(&bus, &st, format, out);
    if (tw) bus_attach(&bus, trace_writer_sink, tw);
    int failed, complete = 1;
    if (real) {
        signal(SIGPIPE, SIG_IGN);
        int rc = run_real(sc, strategy, real, &bus);
        if (rc == 2) {
            stats_done(&st);
            if (tw) trace_writer_close(tw, 0, NULL);
            return 2;
        }
        failed = st.failed || rc;
        complete = !rc;
    } else {
        struct sim *s = sim_new(sc, strategy, &bus);
        failed = sim_run(s);
        sim_free(s);
    }
    print_summary(&st, format, out);
    stats_done(&st);
    if (tw && trace_writer_close(tw, complete, &e)) {
        err_print(&e);
        return 2;
    }
    return failed ? 1 : 0;
}

int headless_replay(const char *path, int format, FILE *out)
{
    struct err e;
    struct trace *t = trace_load(path, &e);
    if (!t) {
        err_print(&e);
        return 2;
    }
    struct bus bus;
    struct stats st;
    headless_attach(&bus, &st, format, out);
    trace_replay(t, 0, t->n, &bus);
    print_summary(&st, format, out);
    int rc = st.failed ? 1 : 0;
    if (!t->complete) {
        fflush(out);
        fprintf(stderr, "juggle: %s: the trace is incomplete (the recording was interrupted)\n",
                path);
        rc = 1;
    }
    stats_done(&st);
    trace_free(t);
    return rc;
}

int headless_compare(const struct scene *sc, int json, FILE *out)
{
    struct stats runs[STRATEGY_COUNT];
    int failed = 0;
    for (int i = 0; i < STRATEGY_COUNT; i++) {
        struct bus bus;
        bus_init(&bus);
        stats_init(&runs[i]);
        bus_attach_nolog(&bus, stats_sink, &runs[i]);
        struct sim *s = sim_new(sc, i, &bus);
        failed |= sim_run(s);
        sim_free(s);
    }
    if (json) {
        summary_write_compare_json(out, sc->title, runs, STRATEGY_COUNT);
    } else {
        summary_print_compare(out, sc->title, runs, STRATEGY_COUNT);
    }
    for (int i = 0; i < STRATEGY_COUNT; i++)
        stats_done(&runs[i]);
    return failed ? 1 : 0;
}

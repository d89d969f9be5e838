/*
 * headless: wiring of engine, bus and the printing sinks.
 */
#include "headless/headless.h"

#include "core/sim.h"
#include "core/stats.h"
#include "core/strategy.h"
#include "core/trace.h"
#include "headless/printer.h"
#include "headless/summary.h"

/* The summary block or JSON object after a run, as format asks. */
static void print_summary(const struct stats *st, int format, FILE *out)
{
    if (format == HEADLESS_SUMMARY) summary_print(out, st);
    if (format == HEADLESS_JSON) {
        json_t *j = summary_json(st);
        summary_dump_json(out, j);
        json_decref(j);
    }
}

void headless_attach(struct bus *bus, struct stats *st, int format, FILE *out)
{
    bus_init(bus);
    stats_init(st);
    bus_attach(bus, stats_sink, st);
    if (format != HEADLESS_JSON) bus_attach(bus, printer_sink, out);
}

int headless_run(const struct scene *sc, int strategy, int format, const char *record, FILE *out)
{
    struct bus bus;
    struct stats st;
    struct err e;
    struct trace_writer *tw = NULL;
    if (record) {
        tw = trace_writer_open(record, sc->path, sc->text, strategy_name(strategy), "virtual",
                               JUGGLE_VERSION, &e);
        if (!tw) {
            err_print(&e);
            return 2;
        }
    }
    headless_attach(&bus, &st, format, out);
    if (tw) bus_attach(&bus, trace_writer_sink, tw);
    struct sim *s = sim_new(sc, strategy, &bus);
    int failed = sim_run(s);
    sim_free(s);
    print_summary(&st, format, out);
    stats_done(&st);
    if (tw && trace_writer_close(tw, 1, &e)) {
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
        bus_attach(&bus, stats_sink, &runs[i]);
        struct sim *s = sim_new(sc, i, &bus);
        failed |= sim_run(s);
        sim_free(s);
    }
    if (json) {
        json_t *o = json_object();
        json_object_set_new(o, "scene", json_string(sc->title));
        json_t *arr = json_array();
        for (int i = 0; i < STRATEGY_COUNT; i++)
            json_array_append_new(arr, summary_json(&runs[i]));
        json_object_set_new(o, "runs", arr);
        summary_dump_json(out, o);
        json_decref(o);
    } else {
        summary_print_compare(out, sc->title, runs, STRATEGY_COUNT);
    }
    for (int i = 0; i < STRATEGY_COUNT; i++)
        stats_done(&runs[i]);
    return failed ? 1 : 0;
}

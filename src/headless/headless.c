/*
 * headless: wiring of engine, bus and the printing sinks.
 */
#include "headless/headless.h"

#include "core/sim.h"
#include "core/stats.h"
#include "core/strategy.h"
#include "headless/printer.h"
#include "headless/summary.h"

int headless_run(const struct scene *sc, int strategy, int format, FILE *out)
{
    struct bus bus;
    struct stats st;
    bus_init(&bus);
    stats_init(&st);
    bus_attach(&bus, stats_sink, &st);
    if (format != HEADLESS_JSON) bus_attach(&bus, printer_sink, out);
    struct sim *s = sim_new(sc, strategy, &bus);
    int failed = sim_run(s);
    sim_free(s);
    if (format == HEADLESS_SUMMARY) summary_print(out, &st);
    if (format == HEADLESS_JSON) {
        json_t *j = summary_json(&st);
        summary_dump_json(out, j);
        json_decref(j);
    }
    stats_done(&st);
    return failed ? 1 : 0;
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

/*
 * Fuzz target: the trace reader, and the replay that follows a successful
 * load (`juggle replay FILE --headless`: the statistics, the printed lines
 * and both summaries). trace_load reads a path, so the input is written
 * to a private temporary file first. A trace either loads into events a
 * replay can deliver without harm, or fails with FILE:LINE: message; and
 * trace_stream, which hands the events on as it reads, says the same.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "core/event.h"
#include "core/stats.h"
#include "core/trace.h"
#include "headless/printer.h"
#include "headless/summary.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char trace_tmp[64];
static FILE *trace_null;

static void trace_fuzz_cleanup(void)
{
    if (trace_tmp[0]) unlink(trace_tmp);
    if (trace_null) fclose(trace_null);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!trace_tmp[0]) {
        snprintf(trace_tmp, sizeof trace_tmp, "/tmp/juggle-fuzz-trace-%d.jsonl", (int)getpid());
        trace_null = fopen("/dev/null", "w");
        if (!trace_null) abort();
        atexit(trace_fuzz_cleanup);
    }
    FILE *f = fopen(trace_tmp, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f)) abort();
    struct err e, es;
    memset(&e, 0, sizeof e);
    memset(&es, 0, sizeof es);
    struct trace *t = trace_load(trace_tmp, &e);
    /* The streaming reader agrees: the same error, or the same events to
     * the same statistics. */
    struct bus sbus;
    struct stats sst;
    bus_init(&sbus);
    stats_init(&sst);
    bus_attach(&sbus, stats_sink, &sst);
    struct trace *s = trace_stream(trace_tmp, &sbus, (int)(size & 1), &es);
    if (!t != !s) abort();
    if (!t) {
        if (e.code >= 0 || !e.msg[0] || strcmp(e.file, trace_tmp) != 0 || e.line < 0) abort();
        if (es.code != e.code || es.line != e.line || strcmp(es.msg, e.msg) != 0) abort();
        stats_done(&sst);
        return 0;
    }
    if (s->n != t->n || s->complete != t->complete || s->end_events != t->end_events || s->ev)
        abort();
    struct bus bus;
    struct stats st;
    bus_init(&bus);
    stats_init(&st);
    bus_attach(&bus, stats_sink, &st);
    bus_attach(&bus, printer_sink, trace_null);
    trace_replay(t, 0, t->n, &bus);
    summary_print(trace_null, &st);
    json_t *j = summary_json(&st), *sj = summary_json(&sst);
    char *a = json_dumps(j, JSON_SORT_KEYS), *b = json_dumps(sj, JSON_SORT_KEYS);
    if (!a || !b || strcmp(a, b) != 0) abort();
    free(a);
    free(b);
    summary_dump_json(trace_null, j);
    json_decref(j);
    json_decref(sj);
    stats_done(&st);
    stats_done(&sst);
    trace_free(t);
    trace_free(s);
    return 0;
}

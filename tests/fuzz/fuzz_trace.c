/*
 * Fuzz target: the trace reader, and the replay that follows a successful
 * load (`juggle replay FILE --headless`: the statistics, the printed lines
 * and both summaries). trace_load reads a path, so the input is written
 * to a private temporary file first. A trace either loads into events a
 * replay can deliver without harm, or fails with FILE:LINE: message.
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
    struct err e;
    memset(&e, 0, sizeof e);
    struct trace *t = trace_load(trace_tmp, &e);
    if (!t) {
        if (e.code >= 0 || !e.msg[0] || strcmp(e.file, trace_tmp) != 0 || e.line < 0) abort();
        return 0;
    }
    struct bus bus;
    struct stats st;
    bus_init(&bus);
    stats_init(&st);
    bus_attach(&bus, stats_sink, &st);
    bus_attach(&bus, printer_sink, trace_null);
    trace_replay(t, 0, t->n, &bus);
    summary_print(trace_null, &st);
    json_t *j = summary_json(&st);
    summary_dump_json(trace_null, j);
    json_decref(j);
    stats_done(&st);
    trace_free(t);
    return 0;
}

/*
 * export: a trace as Chrome Trace Event Format JSON, which Perfetto and
 * chrome://tracing open.
 *
 * Layout: process 1 holds one track per task, process 2 one track per CPU.
 * A task's states never overlap, so its running / waiting / blocked spans
 * are complete ("X") events on its own track and nothing else is; requests
 * and work items, which do overlap on an event loop, are async ("b"/"e")
 * events keyed by their own ids. Log lines are instant ("i") events, CPU
 * utilisation is a counter ("C"), and a wake-up caused by another task
 * (a lock handed over) is a flow arrow ("s" -> "f").
 *
 * The format's pitfalls, minded here: timestamps are microseconds printed
 * in fixed notation (never 1e-05), X and B/E events are never mixed on one
 * track, and spans on one track never overlap. Strings are encoded by
 * jansson; the numbers are printed directly so that they stay fixed.
 *
 * headless_export_svg is the other export: a picture of the view itself
 * (ui/svg.c draws the TUI's screen), for slides and posts.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/outfile.h"
#include "core/textenc.h"
#include "core/trace.h"
#include "core/xalloc.h"
#include "headless/headless.h"
#include "ui/tui.h"

struct span {
    int state; /* enum task_state, TASK_NEW when none is open */
    int reason;
    int64_t since;
};

struct exporter {
    FILE *out;
    int first;
    const char **names; /* each task's name (TASK_NEW's text) */
    size_t names_cap;
    uint64_t *open_item, *open_http; /* each task's open item / request, by seq */
    struct span *task, *cpu;
    int *cpu_task; /* task running on each CPU or -1 */
    int ntasks, ncpus;
    int running;
    uint64_t flow_id;
};

static void put_str(FILE *out, const char *s)
{
    json_t *j = textenc_json_escaped(s); /* bad UTF-8 bytes as \xNN */
    char *enc = json_dumps(j, JSON_ENCODE_ANY);
    fputs(enc, out);
    free(enc);
    json_decref(j);
}

static void begin(struct exporter *x)
{
    fputs(x->first ? "\n  " : ",\n  ", x->out);
    x->first = 0;
}

static double us(int64_t ns)
{
    return (double)ns / 1000.0;
}

static const char *task_name(const struct exporter *x, int id, char *buf, size_t n)
{
    /* Task ids are made in order, each by one TASK_NEW. */
    if (id >= 0 && id < x->ntasks) return x->names[id];
    snprintf(buf, n, "task %d", id);
    return buf;
}

static void meta(struct exporter *x, int pid, int tid, const char *what, const char *name)
{
    begin(x);
    fprintf(x->out, "{\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"name\":\"%s\",\"args\":{\"name\":", pid,
            tid, what);
    put_str(x->out, name);
    fputs("}}", x->out);
}

static void complete(struct exporter *x, int pid, int tid, const char *name, const char *cat,
                     int64_t from, int64_t to)
{
    if (to <= from) return;
    begin(x);
    fputs("{\"ph\":\"X\",\"name\":", x->out);
    put_str(x->out, name);
    fprintf(x->out, ",\"cat\":\"%s\",\"pid\":%d,\"tid\":%d,\"ts\":%.3f,\"dur\":%.3f}", cat, pid,
            tid, us(from), us(to - from));
}

static void close_task_span(struct exporter *x, int id, int64_t t)
{
    struct span *s = &x->task[id];
    char name[64];
    switch (s->state) {
    case TASK_RUNNING: complete(x, 1, id + 1, "running", "state", s->since, t); break;
    case TASK_READY: complete(x, 1, id + 1, "waiting for CPU", "state", s->since, t); break;
    case TASK_BLOCKED:
        snprintf(name, sizeof name, "blocked: %s", block_reason_name(s->reason));
        complete(x, 1, id + 1, name, "state", s->since, t);
        break;
    default: break;
    }
    s->state = TASK_NEW;
}

static void counter(struct exporter *x, int64_t t)
{
    begin(x);
    fprintf(x->out,
            "{\"ph\":\"C\",\"name\":\"CPU busy\",\"pid\":2,\"ts\":%.3f,\"args\":{\"running\":%d}}",
            us(t), x->running);
}

/* The task leaves its CPU (if it was running): close the CPU's span. */
static void leave_cpu(struct exporter *x, int id, int64_t t)
{
    for (int c = 0; c < x->ncpus; c++) {
        if (x->cpu_task[c] != id) continue;
        char buf[32];
        complete(x, 2, c + 1, task_name(x, id, buf, sizeof buf), "cpu", x->cpu[c].since, t);
        x->cpu_task[c] = -1;
        x->running--;
        counter(x, t);
    }
}

static void set_state(struct exporter *x, int id, int state, int reason, int64_t t)
{
    if (id < 0 || id >= x->ntasks) return;
    if (x->task[id].state == TASK_RUNNING && state != TASK_RUNNING) leave_cpu(x, id, t);
    close_task_span(x, id, t);
    x->task[id].state = state;
    x->task[id].reason = reason;
    x->task[id].since = t;
}

static void async_event(struct exporter *x, const char *ph, const char *cat, int task, uint64_t id,
                        const char *name, int64_t t)
{
    begin(x);
    fprintf(x->out,
            "{\"ph\":\"%s\",\"cat\":\"%s\",\"id\":%llu,\"pid\":1,\"tid\":%d,\"ts\":%.3f,"
            "\"name\":",
            ph, cat, (unsigned long long)id, task + 1, us(t));
    put_str(x->out, name);
    fputc('}', x->out);
}

static void export_event(void *ctx, const struct event *ev)
{
    struct exporter *x = ctx;
    uint64_t *open_item = x->open_item, *open_http = x->open_http;
    char buf[64];
    switch (ev->kind) {
    case EV_TASK_NEW:
        meta(x, 1, ev->task + 1, "thread_name", ev->text);
        set_state(x, ev->task, TASK_READY, 0, ev->t);
        break;
    case EV_RUN:
        set_state(x, ev->task, TASK_RUNNING, 0, ev->t);
        if (ev->cpu >= 0 && ev->cpu < x->ncpus) {
            x->cpu_task[ev->cpu] = ev->task;
            x->cpu[ev->cpu].since = ev->t;
            x->running++;
            counter(x, ev->t);
        }
        break;
    case EV_YIELD:
    case EV_PREEMPT: set_state(x, ev->task, TASK_READY, 0, ev->t); break;
    case EV_WAKE:
        set_state(x, ev->task, TASK_READY, 0, ev->t);
        if (ev->other >= 0 && ev->other < x->ntasks) {
            uint64_t id = ++x->flow_id;
            begin(x);
            fprintf(x->out,
                    "{\"ph\":\"s\",\"cat\":\"wake\",\"name\":\"wakes\",\"id\":%llu,"
                    "\"pid\":1,\"tid\":%d,\"ts\":%.3f}",
                    (unsigned long long)id, ev->other + 1, us(ev->t));
            begin(x);
            fprintf(x->out,
                    "{\"ph\":\"f\",\"bp\":\"e\",\"cat\":\"wake\",\"name\":\"wakes\","
                    "\"id\":%llu,\"pid\":1,\"tid\":%d,\"ts\":%.3f}",
                    (unsigned long long)id, ev->task + 1, us(ev->t));
        }
        break;
    case EV_BLOCK: set_state(x, ev->task, TASK_BLOCKED, ev->reason, ev->t); break;
    case EV_TASK_DONE: set_state(x, ev->task, TASK_DONE, 0, ev->t); break;
    case EV_ITEM_START:
        if (ev->task >= 0 && ev->task < x->ntasks) {
            open_item[ev->task] = ev->seq;
            snprintf(buf, sizeof buf, "item %s", ev->text ? ev->text : "");
            async_event(x, "b", "item", ev->task, ev->seq, buf, ev->t);
        }
        break;
    case EV_ITEM_END:
        if (ev->task >= 0 && ev->task < x->ntasks && open_item[ev->task]) {
            async_event(x, "e", "item", ev->task, open_item[ev->task], "", ev->t);
            open_item[ev->task] = 0;
        }
        break;
    case EV_HTTP_START:
        if (ev->task >= 0 && ev->task < x->ntasks) {
            open_http[ev->task] = ev->seq;
            async_event(x, "b", "http", ev->task, ev->seq, ev->text, ev->t);
        }
        break;
    case EV_HTTP_DONE:
        if (ev->task >= 0 && ev->task < x->ntasks && open_http[ev->task]) {
            async_event(x, "e", "http", ev->task, open_http[ev->task], "", ev->t);
            open_http[ev->task] = 0;
        }
        break;
    case EV_LOG:
        begin(x);
        fputs("{\"ph\":\"i\",\"cat\":\"log\",\"name\":", x->out);
        put_str(x->out, ev->text && *ev->text ? ev->text : "(blank line)");
        if (ev->task >= 0)
            fprintf(x->out, ",\"s\":\"t\",\"pid\":1,\"tid\":%d,\"ts\":%.3f}", ev->task + 1,
                    us(ev->t));
        else
            fprintf(x->out, ",\"s\":\"g\",\"pid\":1,\"tid\":0,\"ts\":%.3f}", us(ev->t));
        break;
    case EV_RUN_END:
        for (int i = 0; i < x->ntasks; i++)
            set_state(x, i, TASK_DONE, 0, ev->t);
        break;
    default: break;
    }
}

/* The first pass: the tasks, their names and the CPUs, which the output
 * declares before any event. */
static void survey_event(void *ctx, const struct event *ev)
{
    struct exporter *x = ctx;
    if (ev->kind == EV_TASK_NEW) {
        x->ntasks = ev->task + 1;
        x->names = xgrow(x->names, &x->names_cap, (size_t)x->ntasks, sizeof *x->names);
        x->names[ev->task] = ev->text;
    }
    if (ev->kind == EV_RUN_START) x->ncpus = (int)ev->value;
}

static void write_head(struct exporter *x, const struct trace *t)
{
    FILE *out = x->out;
    fputs("{\"displayTimeUnit\":\"ms\",\"otherData\":{\"strategy\":", out);
    put_str(out, t->strategy);
    fputs(",\"scene\":", out);
    put_str(out, t->scene_path);
    fprintf(out, ",\"clock\":\"%s\"},\"traceEvents\":[", t->real ? "real" : "virtual");
    meta(x, 1, 0, "process_name", "tasks");
    meta(x, 2, 0, "process_name", "CPUs");
    for (int c = 0; c < x->ncpus; c++) {
        char name[32];
        snprintf(name, sizeof name, "CPU %d", c);
        meta(x, 2, c + 1, "thread_name", name);
    }
}

/*
 * Two passes over the file, keeping no array of events: the first checks
 * the trace (a bad one writes nothing) and surveys it, the second writes
 * each event as it is read.
 */
int headless_export_chrome(const char *path, const char *out_path)
{
    struct err e;
    struct exporter x = {.first = 1};
    /* A pipe cannot be read twice: it is loaded whole. */
    int twice = trace_rereadable(path);
    struct trace *t = twice ? trace_each(path, survey_event, &x, 1, &e) : trace_load(path, &e);
    for (size_t i = 0; t && !twice && i < t->n; i++)
        survey_event(&x, &t->ev[i]);
    if (!t) {
        free(x.names);
        err_print(&e);
        return 2;
    }
    /* The output never replaces the trace being read. */
    const char *avoid[] = {path, NULL};
    struct outfile of;
    if (outfile_open(&of, out_path, avoid, &e)) {
        err_print(&e);
        free(x.names);
        trace_free(t);
        return 2;
    }
    FILE *out = outfile_stdio(&of);
    if (!out) {
        fprintf(stderr, "juggle: %s: cannot write: %s\n", out_path, strerror(errno));
        outfile_abort(&of);
        free(x.names);
        trace_free(t);
        return 2;
    }
    x.out = out;
    if (x.ncpus < 1 || x.ncpus > 4096) x.ncpus = 1;
    x.task = xcalloc((size_t)x.ntasks + 1, sizeof *x.task);
    x.cpu = xcalloc((size_t)x.ncpus, sizeof *x.cpu);
    x.cpu_task = xmalloc((size_t)x.ncpus * sizeof *x.cpu_task);
    for (int c = 0; c < x.ncpus; c++)
        x.cpu_task[c] = -1;
    x.open_item = xcalloc((size_t)x.ntasks + 1, sizeof *x.open_item);
    x.open_http = xcalloc((size_t)x.ntasks + 1, sizeof *x.open_http);

    write_head(&x, t);
    /* Fails only if the file changed since the first pass. */
    struct trace *again = twice ? trace_each(path, export_event, &x, 0, &e) : t;
    for (size_t i = 0; !twice && i < t->n; i++)
        export_event(&x, &t->ev[i]);
    fputs("\n]}\n", out);
    int rc;
    if (!again) {
        fclose(out);
        outfile_abort(&of);
        err_print(&e);
        rc = 2;
    } else {
        rc = outfile_finish_stdio(&of, out);
    }
    free(x.open_item);
    free(x.open_http);
    free(x.task);
    free(x.cpu);
    free(x.cpu_task);
    free(x.names);
    if (again != t) trace_free(again);
    trace_free(t);
    return rc;
}

int headless_export_svg(const char *path, const char *out_path, int cols, int rows)
{
    struct tui_opts o = {.replay = path, .time_scale = 1.0, .cols = cols, .rows = rows};
    return tui_svg(&o, out_path);
}

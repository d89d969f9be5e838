/*
 * summary: metrics as text and JSON.
 */
#include "headless/summary.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/textenc.h"
#include "core/xalloc.h"

static double u(int64_t ns)
{
    return units_of_ns(ns);
}

static int has_role(const struct stats *st, int role)
{
    for (size_t i = 0; i < st->ntasks; i++)
        if (st->tasks[i].role == role) return 1;
    return 0;
}

void summary_print(FILE *out, const struct stats *st)
{
    fprintf(out, "\n== summary: %s, %d CPU%s, %s clock ==\n", st->strategy, st->ncpu,
            st->ncpu == 1 ? "" : "s", st->real ? "real" : "virtual");
    fprintf(out, "elapsed           %.2f\n", u(st->total));
    fprintf(out, "CPU utilisation   %.1f%%\n", 100.0 * stats_cpu_busy(st));
    fprintf(out, "context switches  %llu\n", (unsigned long long)st->switches);
    if (st->polls_useful + st->polls_wasted)
        fprintf(out, "checks            %llu (%llu wasted)\n",
                (unsigned long long)(st->polls_useful + st->polls_wasted),
                (unsigned long long)st->polls_wasted);
    if (st->deadlock) fprintf(out, "%s\n", st->deadlock);
    if (st->races) fprintf(out, "lost updates      %llu\n", (unsigned long long)st->races);
    for (size_t i = 0; i < st->nresults; i++)
        fprintf(out, "%-17s expected %lld, actual %lld%s\n", st->results[i].name,
                (long long)st->results[i].expected, (long long)st->results[i].actual,
                st->results[i].expected == st->results[i].actual ? "" : "  (wrong)");
    if (has_role(st, ROLE_ATTENTION)) {
        int64_t max;
        double mean;
        stats_role_response(st, ROLE_ATTENTION, &max, &mean, NULL);
        fprintf(out, "attention wait    max %.2f, mean %.2f\n", u(max), mean / 1e9);
    }
    if (has_role(st, ROLE_MACHINE)) {
        int64_t sum;
        stats_role_response(st, ROLE_MACHINE, NULL, NULL, &sum);
        fprintf(out, "unattended        %.2f\n", u(sum));
    }
    if (st->nrequests) {
        struct stats_latency l;
        stats_latency(st, &l);
        fprintf(out, "requests          %llu served, %.2f per unit\n", (unsigned long long)l.served,
                l.throughput);
        fprintf(out, "latency           p50 %.2f  p95 %.2f  p99 %.2f  max %.2f\n", u(l.p50),
                u(l.p95), u(l.p99), u(l.max));
        fprintf(out, "longest queue     %lld\n", (long long)l.queue_max);
    }
    fprintf(out, "%-12s %6s %9s %9s %9s %11s %9s", "task", "items", "running", "waiting", "blocked",
            "worst wait", "done at");
    if (st->real) fprintf(out, " %9s %6s %6s", "os cpu", "vcsw", "ivcsw");
    fputc('\n', out);
    for (size_t i = 0; i < st->ntasks; i++) {
        const struct stats_task *t = &st->tasks[i];
        fprintf(out, "%-12.12s %6llu %9.2f %9.2f %9.2f %11.2f", t->name,
                (unsigned long long)t->items, u(t->running), u(t->ready), u(t->blocked),
                u(t->worst_ready));
        if (t->end >= 0)
            fprintf(out, " %9.2f", u(t->end));
        else
            fprintf(out, " %9s", "-");
        if (st->real && t->has_os)
            fprintf(out, " %9.3f %6lld %6lld", (double)t->os_cpu_ns / 1e9, (long long)t->os_vcsw,
                    (long long)t->os_ivcsw);
        fputc('\n', out);
    }
    if (st->has_thread_os)
        fprintf(out, "%-12s %6s %9s %9s %9s %11s %9s %9.3f %6lld %6lld\n", "(the thread)", "", "",
                "", "", "", "", (double)st->thread_cpu_ns / 1e9, (long long)st->thread_vcsw,
                (long long)st->thread_ivcsw);
}

/* The summary object without its "tasks" (which always come last). */
static json_t *header_json(const struct stats *st)
{
    json_t *o = json_object();
    json_object_set_new(o, "strategy", json_string(st->strategy));
    json_object_set_new(o, "clock", json_string(st->real ? "real" : "virtual"));
    json_object_set_new(o, "cpus", json_integer(st->ncpu));
    json_object_set_new(o, "total", json_real(u(st->total)));
    json_object_set_new(o, "context_switches", json_integer((json_int_t)st->switches));
    json_object_set_new(o, "cpu_busy", json_real(stats_cpu_busy(st)));
    json_object_set_new(o, "wasted_checks", json_integer((json_int_t)st->polls_wasted));
    json_object_set_new(o, "useful_checks", json_integer((json_int_t)st->polls_useful));
    json_object_set_new(o, "worst_wait", json_real(u(stats_worst_wait(st))));
    json_object_set_new(o, "failed", json_boolean(st->failed));
    if (st->has_thread_os) { /* a real run on one thread: that thread */
        json_t *os = json_object();
        json_object_set_new(os, "cpu", json_real((double)st->thread_cpu_ns / 1e9));
        json_object_set_new(os, "voluntary_switches", json_integer(st->thread_vcsw));
        json_object_set_new(os, "involuntary_switches", json_integer(st->thread_ivcsw));
        json_object_set_new(o, "os_thread", os);
    }
    if (st->http_done) {
        json_object_set_new(o, "http_requests", json_integer((json_int_t)st->http_done));
        json_object_set_new(o, "http_errors", json_integer((json_int_t)st->http_errors));
    }
    if (st->deadlock) {
        json_t *d = json_object();
        json_object_set_new(d, "text", textenc_json_escaped(st->deadlock));
        json_t *cycle = json_array();
        for (size_t i = 0; i < st->ncycle; i++) {
            const struct stats_cycle *c = &st->cycle[i];
            json_t *m = json_object();
            json_object_set_new(m, "task",
                                textenc_json_escaped(c->task >= 0 && (size_t)c->task < st->ntasks
                                                         ? st->tasks[c->task].name
                                                         : "?"));
            json_object_set_new(m, "holds",
                                c->holds >= 0 ? textenc_json_escaped(stats_resource(st, c->holds))
                                              : json_null());
            json_object_set_new(m, "waits",
                                c->waits >= 0 ? textenc_json_escaped(stats_resource(st, c->waits))
                                              : json_null());
            json_array_append_new(cycle, m);
        }
        json_object_set_new(d, "cycle", cycle);
        json_object_set_new(o, "deadlock", d);
    }
    if (st->races) json_object_set_new(o, "lost_updates", json_integer((json_int_t)st->races));
    for (size_t i = 0; i < st->nresults; i++) {
        char key[96];
        snprintf(key, sizeof key, "%s_expected", st->results[i].name);
        json_object_set_new(o, key, json_integer(st->results[i].expected));
        snprintf(key, sizeof key, "%s_actual", st->results[i].name);
        json_object_set_new(o, key, json_integer(st->results[i].actual));
    }
    if (has_role(st, ROLE_ATTENTION)) {
        int64_t max;
        double mean;
        stats_role_response(st, ROLE_ATTENTION, &max, &mean, NULL);
        json_object_set_new(o, "attention_wait_max", json_real(u(max)));
        json_object_set_new(o, "attention_wait_mean", json_real(mean / 1e9));
    }
    if (has_role(st, ROLE_MACHINE)) {
        int64_t sum;
        stats_role_response(st, ROLE_MACHINE, NULL, NULL, &sum);
        json_object_set_new(o, "unattended", json_real(u(sum)));
    }
    if (st->nrequests) {
        struct stats_latency l;
        stats_latency(st, &l);
        json_object_set_new(o, "requests", json_integer((json_int_t)l.served));
        json_object_set_new(o, "throughput", json_real(l.throughput));
        json_object_set_new(o, "latency_p50", json_real(u(l.p50)));
        json_object_set_new(o, "latency_p95", json_real(u(l.p95)));
        json_object_set_new(o, "latency_p99", json_real(u(l.p99)));
        json_object_set_new(o, "latency_max", json_real(u(l.max)));
        json_object_set_new(o, "queue_max", json_integer(l.queue_max));
    }
    return o;
}

/* Sets o[key] to a real, in place when it is one already (no allocation:
 * the streamed summary reuses one object for every task). */
static void set_real(json_t *o, const char *key, double v)
{
    json_t *x = json_object_get(o, key);
    if (x && json_is_real(x))
        json_real_set(x, v);
    else
        json_object_set_new(o, key, json_real(v));
}

static void set_int(json_t *o, const char *key, json_int_t v)
{
    json_t *x = json_object_get(o, key);
    if (x && json_is_integer(x))
        json_integer_set(x, v);
    else
        json_object_set_new(o, key, json_integer(v));
}

/* Which optional members a task's object has (their order is fixed, so an
 * object of one shape can be refilled for the next task of that shape). */
static int task_shape(const struct stats_task *t)
{
    int64_t rmax, rsum;
    uint64_t rn;
    stats_task_response(t, &rmax, &rsum, &rn);
    return (rn ? 1 : 0) | (t->has_os ? 2 : 0);
}

/* Fills j (empty, or an earlier task's object of the same shape) with t. */
static void task_fill(json_t *j, const struct stats_task *t)
{
    json_t *name = json_object_get(j, "name");
    if (!name || json_string_set(name, t->name ? t->name : "") != 0) /* not UTF-8: \xNN */
        json_object_set_new(j, "name", textenc_json_escaped(t->name));
    set_int(j, "items", (json_int_t)t->items);
    set_int(j, "failed_items", (json_int_t)t->failed_items);
    set_real(j, "running", u(t->running));
    set_real(j, "blocked", u(t->blocked));
    set_real(j, "ready", u(t->ready));
    set_real(j, "worst_wait", u(t->worst_ready));
    if (t->end >= 0)
        set_real(j, "done", u(t->end));
    else
        json_object_set_new(j, "done", json_null());
    int64_t rmax, rsum;
    uint64_t rn;
    stats_task_response(t, &rmax, &rsum, &rn);
    if (rn) {
        set_real(j, "response_max", u(rmax));
        set_real(j, "response_mean", (double)rsum / (double)rn / 1e9);
    }
    if (t->has_os) {
        json_t *os = json_object_get(j, "os");
        if (!os) json_object_set_new(j, "os", os = json_object());
        set_real(os, "cpu", (double)t->os_cpu_ns / 1e9);
        set_int(os, "voluntary_switches", t->os_vcsw);
        set_int(os, "involuntary_switches", t->os_ivcsw);
    }
}

/* One task's object in "tasks". */
static json_t *task_json(const struct stats_task *t)
{
    json_t *j = json_object();
    task_fill(j, t);
    return j;
}

json_t *summary_json(const struct stats *st)
{
    json_t *o = header_json(st);
    json_t *tasks = json_array();
    for (size_t i = 0; i < st->ntasks; i++)
        json_array_append_new(tasks, task_json(&st->tasks[i]));
    json_object_set_new(o, "tasks", tasks);
    return o;
}

/*
 * Streaming: the same bytes json_dumpf writes for summary_json's tree,
 * one small tree at a time. jansson indents a nested value by its depth;
 * a value dumped on its own starts at depth 0, so each of its lines is
 * shifted by the depth it has in the whole. JSON text has no raw newline
 * inside a string, so every newline starts a line.
 */
#define JSON_FLAGS (JSON_INDENT(2) | JSON_REAL_PRECISION(10))

/* Text being built: a task's lines, a chunk of tasks. */
struct text {
    char *p;
    size_t n, cap;
};

static char *text_room(struct text *t, size_t more)
{
    t->p = xgrow(t->p, &t->cap, t->n + more, 1);
    return t->p + t->n;
}

static void text_put(struct text *t, const char *s, size_t n)
{
    memcpy(text_room(t, n), s, n);
    t->n += n;
}

static void text_indent(struct text *t, int depth)
{
    memset(text_room(t, 2 * (size_t)depth), ' ', 2 * (size_t)depth);
    t->n += 2 * (size_t)depth;
}

/* Appends n bytes of s, each line after the first shifted by depth. */
static void put_shifted(struct text *t, const char *s, size_t n, int depth)
{
    const char *end = s + n;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t len = nl ? (size_t)(nl - s) + 1 : (size_t)(end - s);
        text_put(t, s, len);
        if (nl) text_indent(t, depth);
        s += len;
    }
}

/* Appends v as dumped at depth (without a final newline). Returns 0 or -1.
 * drop_close: leave the object open (its "\n}" is not written). */
static int dump_text(struct text *t, const json_t *v, int depth, int drop_close)
{
    /* Most values fit a buffer on the stack; jansson says when not. */
    char small[2048];
    size_t n = json_dumpb(v, small, sizeof small, JSON_FLAGS | JSON_ENCODE_ANY);
    if (n == 0) return -1;
    char *s = small;
    if (n > sizeof small) {
        s = xmalloc(n);
        if (json_dumpb(v, s, n, JSON_FLAGS | JSON_ENCODE_ANY) != n) {
            free(s);
            return -1;
        }
    }
    if (drop_close && n >= 2 && s[n - 1] == '}' && s[n - 2] == '\n') n -= 2;
    put_shifted(t, s, n, depth);
    if (s != small) free(s);
    return 0;
}

static int dump_at(FILE *out, const json_t *v, int depth, int drop_close)
{
    struct text t = {0};
    int rc = dump_text(&t, v, depth, drop_close);
    if (!rc) fwrite(t.p, 1, t.n, out);
    free(t.p);
    return rc;
}

/* Tasks [from, to) of "tasks", each after its separator, into t: one
 * object refilled in place while the tasks keep its shape (100,000 tasks
 * cost no tree and few allocations). Returns 0 or -1. */
static int tasks_text(struct text *t, const struct stats *st, size_t from, size_t to, int depth)
{
    json_t *j = NULL;
    int shape = -1, rc = 0;
    for (size_t i = from; i < to && !rc; i++) {
        text_put(t, i ? ",\n" : "\n", i ? 2 : 1);
        text_indent(t, depth + 2);
        const struct stats_task *task = &st->tasks[i];
        if (task_shape(task) != shape) {
            json_decref(j);
            j = json_object();
            shape = task_shape(task);
        }
        task_fill(j, task);
        rc = dump_text(t, j, depth + 2, 0);
    }
    json_decref(j);
    return rc;
}

/*
 * Many tasks: a second thread formats every other chunk into one of two
 * buffers while this one formats the rest and writes all of them in order
 * (formatting 100,000 objects is most of a big run's --json; two cores
 * halve it). The bytes are those of one thread.
 */
#define TASK_CHUNK 2048

struct helper {
    const struct stats *st;
    int depth;
    size_t nchunks;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct text buf[2];
    int full[2]; /* buf[k] holds chunk 2m+1 for the writer, m % 2 == k */
    int rc, stop;
};

static void chunk_range(const struct helper *h, size_t c, size_t *from, size_t *to)
{
    *from = c * TASK_CHUNK;
    *to = *from + TASK_CHUNK < h->st->ntasks ? *from + TASK_CHUNK : h->st->ntasks;
}

static void *helper_main(void *arg)
{
    struct helper *h = arg;
    for (size_t c = 1, m = 0; c < h->nchunks; c += 2, m++) {
        int k = (int)(m % 2);
        pthread_mutex_lock(&h->mu);
        while (h->full[k] && !h->stop)
            pthread_cond_wait(&h->cv, &h->mu);
        int stop = h->stop;
        pthread_mutex_unlock(&h->mu);
        if (stop) break;
        size_t from, to;
        chunk_range(h, c, &from, &to);
        h->buf[k].n = 0;
        int rc = tasks_text(&h->buf[k], h->st, from, to, h->depth);
        pthread_mutex_lock(&h->mu);
        h->full[k] = 1;
        if (rc) h->rc = rc;
        pthread_cond_broadcast(&h->cv);
        pthread_mutex_unlock(&h->mu);
    }
    return NULL;
}

/* Writes every task of st ("tasks"'s members). Returns 0 or -1. */
static int write_tasks(FILE *out, const struct stats *st, int depth)
{
    struct helper h = {
        .st = st, .depth = depth, .nchunks = (st->ntasks + TASK_CHUNK - 1) / TASK_CHUNK};
    struct text mine = {0};
    pthread_t tid;
    int threaded = h.nchunks > 1 && sysconf(_SC_NPROCESSORS_ONLN) > 1;
    if (threaded) {
        pthread_mutex_init(&h.mu, NULL);
        pthread_cond_init(&h.cv, NULL);
        threaded = pthread_create(&tid, NULL, helper_main, &h) == 0;
    }
    int rc = 0;
    for (size_t c = 0; c < h.nchunks && !rc; c++) {
        size_t from, to;
        chunk_range(&h, c, &from, &to);
        if (!threaded || c % 2 == 0) {
            mine.n = 0;
            rc = tasks_text(&mine, st, from, to, depth);
            if (!rc) fwrite(mine.p, 1, mine.n, out);
            continue;
        }
        int k = (int)((c / 2) % 2);
        pthread_mutex_lock(&h.mu);
        while (!h.full[k])
            pthread_cond_wait(&h.cv, &h.mu);
        rc = h.rc;
        pthread_mutex_unlock(&h.mu);
        if (!rc) fwrite(h.buf[k].p, 1, h.buf[k].n, out);
        pthread_mutex_lock(&h.mu);
        h.full[k] = 0;
        pthread_cond_broadcast(&h.cv);
        pthread_mutex_unlock(&h.mu);
    }
    if (threaded) {
        pthread_mutex_lock(&h.mu);
        h.stop = 1;
        pthread_cond_broadcast(&h.cv);
        pthread_mutex_unlock(&h.mu);
        pthread_join(tid, NULL);
        pthread_mutex_destroy(&h.mu);
        pthread_cond_destroy(&h.cv);
    }
    free(mine.p);
    free(h.buf[0].p);
    free(h.buf[1].p);
    return rc;
}

static void indent(FILE *out, int depth)
{
    for (int i = 0; i < depth; i++)
        fputs("  ", out);
}

int summary_write_json(FILE *out, const struct stats *st, int depth)
{
    json_t *h = header_json(st);
    int rc = dump_at(out, h, depth, 1);
    json_decref(h);
    if (rc) return -1;
    fputs(",\n", out);
    indent(out, depth + 1);
    fputs("\"tasks\": [", out);
    if (write_tasks(out, st, depth)) return -1;
    if (st->ntasks) {
        fputc('\n', out);
        indent(out, depth + 1);
    }
    fputs("]\n", out);
    indent(out, depth);
    fputc('}', out);
    return ferror(out) ? -1 : 0;
}

int summary_write_compare_json(FILE *out, const char *title, const struct stats *runs, int n)
{
    return summary_write_compare_json_with(out, title, NULL, runs, n);
}

int summary_write_compare_json_with(FILE *out, const char *title, json_t *extra,
                                    const struct stats *runs, int n)
{
    /* A title that is not UTF-8 shows its bad bytes as \xNN. */
    json_t *t = textenc_json_escaped(title);
    fputc('{', out);
    if (t) {
        fputs("\n  \"scene\": ", out);
        int rc = dump_at(out, t, 1, 0);
        json_decref(t);
        if (rc) return -1;
        fputc(',', out);
    }
    const char *key;
    json_t *v;
    json_object_foreach(extra, key, v)
    {
        json_t *k = json_string(key);
        fputs("\n  ", out);
        int rc = dump_at(out, k, 1, 0);
        json_decref(k);
        fputs(": ", out);
        if (rc || dump_at(out, v, 1, 0)) return -1;
        fputc(',', out);
    }
    fputs("\n  \"runs\": [", out);
    for (int i = 0; i < n; i++) {
        fputs(i ? ",\n    " : "\n    ", out);
        if (summary_write_json(out, &runs[i], 2)) return -1;
    }
    fputs(n ? "\n  ]\n}\n" : "]\n}\n", out);
    return ferror(out) ? -1 : 0;
}

/* What the scene is about, in a few words: the outcome the article's
 * picture is meant to show (kids' worst wait, p99 latency, the balance,
 * a deadlock). Empty for plain queue scenes. */
static void outcome(const struct stats *st, char *buf, size_t n)
{
    int64_t max, sum;
    double mean;
    buf[0] = '\0';
    if (st->deadlock) {
        snprintf(buf, n, "deadlock");
        return;
    }
    if (st->nresults > 0) {
        const struct stats_result *r = &st->results[0];
        if (r->actual == r->expected)
            snprintf(buf, n, "%s %lld", r->name, (long long)r->actual);
        else
            snprintf(buf, n, "%s %lld, should be %lld", r->name, (long long)r->actual,
                     (long long)r->expected);
        return;
    }
    if (st->nrequests > 0) {
        struct stats_latency l;
        stats_latency(st, &l);
        snprintf(buf, n, "latency p99 %.2f", u(l.p99));
        return;
    }
    stats_role_response(st, ROLE_ATTENTION, &max, &mean, &sum);
    for (size_t i = 0; i < st->ntasks; i++)
        if (st->tasks[i].role == ROLE_ATTENTION) {
            snprintf(buf, n, "%s wait max %.2f", st->tasks[i].name, u(max));
            return;
        }
}

void summary_print_compare(FILE *out, const char *title, const struct stats *runs, int n)
{
    fprintf(out, "%s\n\n", title);
    fprintf(out, "%-9s %9s %9s %9s %11s %9s", "strategy", "total", "cpu busy", "switches",
            "worst wait", "wasted");
    char buf[128];
    int any = 0;
    for (int i = 0; i < n; i++) {
        outcome(&runs[i], buf, sizeof buf);
        any |= buf[0] != '\0';
    }
    fprintf(out, "%s\n", any ? "  outcome" : "");
    for (int i = 0; i < n; i++) {
        const struct stats *st = &runs[i];
        outcome(st, buf, sizeof buf);
        fprintf(out, "%-9s %9.2f %8.1f%% %9llu %11.2f %9llu%s%s%s\n", st->strategy, u(st->total),
                100.0 * stats_cpu_busy(st), (unsigned long long)st->switches,
                u(stats_worst_wait(st)), (unsigned long long)st->polls_wasted, buf[0] ? "  " : "",
                buf, st->failed ? "  failed" : "");
    }
}

int summary_dump_json(FILE *out, json_t *v)
{
    if (json_dumpf(v, out, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) != 0) return -1;
    fputc('\n', out);
    return 0;
}

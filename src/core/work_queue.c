/*
 * work_queue: the article's queue programs. Workers take items from one
 * shared FIFO queue and count to them (examples 1-2), sleep for them
 * (examples 3-4) or fetch them as URLs (examples 5-6), printing what those
 * programs print.
 *
 * Each task is the program's `task()` function as a state machine; next()
 * runs it from where it stopped to its next step. The program shape
 * follows the strategy, as the article's programs differ:
 *   sync  - example 1: a worker that finds the queue empty when it starts
 *           prints "nothing to do";
 *   coop  - generators: count work yields after every increment, sleep and
 *           HTTP work after every item;
 *   other - the asyncio programs' shape: no yields, nothing printed for an
 *           empty queue.
 * Sleep and HTTP programs time each item with codetiming's Timer and the
 * whole run with a final "Total elapsed time" line.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strategy.h"
#include "work_common.h"
#include "workload.h"
#include "xalloc.h"

enum phase { P_START, P_GET, P_COUNT, P_COUNT_YIELD, P_COUNT_END, P_AFTER_WAIT, P_DONE };

/* A task's state: 32 bytes, aligned, so one cache line. */
struct qtask {
    int phase;
    int64_t item;  /* count, duration (ns) or URL index */
    int64_t start; /* Timer start */
    int64_t left;  /* coop count: increments still to do */
};

struct work_queue {
    struct workload base;
    const struct scene *sc;
    struct emitter em;
    int shape_sync, shape_coop;
    uint64_t taken; /* items taken from the queue so far */
    uint64_t total; /* items the queue holds in all */
    uint64_t rng;
    int failures;
    struct workload_task *tasks;
    struct qtask *t;
    char **running; /* "Task NAME running" per task, made once; NULL when quiet */
};

static int64_t draw(struct work_queue *w)
{
    const struct scene_gen *g = &w->sc->gen;
    switch (g->dist) {
    case DIST_CONST: return g->min;
    case DIST_EXP: return llround(-log(1.0 - work_uniform(&w->rng)) * (double)g->mean);
    default:
        if (w->sc->work == WORK_COUNT)
            return g->min + (int64_t)(work_rand(&w->rng) % (uint64_t)(g->max - g->min + 1));
        return g->min + llround(work_uniform(&w->rng) * (double)(g->max - g->min));
    }
}

static int queue_empty(const struct work_queue *w)
{
    return w->taken >= w->total;
}

static int64_t queue_get(struct work_queue *w)
{
    uint64_t i = w->taken++;
    if (w->sc->work == WORK_HTTP) return (int64_t)i;
    if (w->sc->gen.count) return draw(w);
    return w->sc->items[i];
}

static void emit(struct work_queue *w, int kind, int task, const char *text, int64_t value,
                 int64_t value2)
{
    work_emit(&w->em, kind, task, text, value, value2);
}

#define say(w, ...) work_say(&(w)->em, __VA_ARGS__)

/* The worker's name, looked up only where a line needs it: with 100,000
 * workers each lookup is a cache miss. */
static const char *name_of(const struct work_queue *w, int task)
{
    return w->sc->workers[task];
}

static const char *url_of(const struct work_queue *w, int64_t i)
{
    return w->sc->urls[i];
}

/* Simulated latency of URL i: the scene's latency list, a /delay/MS path,
 * or a default. */
static int64_t latency_of(const struct work_queue *w, int64_t i)
{
    const struct scene *sc = w->sc;
    if (sc->nlatency == 1) return sc->latency[0];
    if (sc->nlatency > 1) return sc->latency[i];
    const char *p = strstr(url_of(w, i), "/delay/");
    if (p) return (int64_t)strtoll(p + 7, NULL, 10) * 1000000;
    return SCENE_DEFAULT_LATENCY;
}

/*
 * The HTTP timeout, as the real run has it: sc->timeout is the scene's
 * `timeout` or --http-timeout (main.c), the value the real runner hands
 * curl, and a fetch that takes that long fails there with curl's
 * "timeout" (src/exec/http.c). A simulated fetch whose latency reaches the
 * timeout therefore ends at the timeout, failed the same way, and
 * end_wait prints the one error line for both.
 */
static int timed_out(const struct work_queue *w, int64_t i)
{
    return latency_of(w, i) >= w->sc->timeout;
}

/* What a simulated fetch of URL i returns: /status/CODE answers CODE,
 * /bytes/N sends N bytes, anything else 200 with no body; a fetch that
 * times out, no answer and the error "timeout". */
static struct step_result simulated_result(const struct work_queue *w, int64_t i)
{
    struct step_result r = {200, 0, NULL};
    if (timed_out(w, i)) return (struct step_result){0, 0, "timeout"};
    const char *u = url_of(w, i);
    const char *p = strstr(u, "/status/");
    if (p) r.status = (int)strtol(p + 8, NULL, 10);
    p = strstr(u, "/bytes/");
    if (p) r.bytes = strtoll(p + 7, NULL, 10);
    return r;
}

static void start_item(struct work_queue *w, int task, int64_t now, struct step *out)
{
    struct qtask *t = &w->t[task];
    char label[32];
    t->item = queue_get(w);
    t->start = now;
    switch (w->sc->work) {
    case WORK_COUNT:
        if (!w->em.quiet) snprintf(label, sizeof label, "%lld", (long long)t->item);
        emit(w, EV_ITEM_START, task, w->em.quiet ? NULL : label, t->item, 0);
        emit(w, EV_LOG, task, w->running ? w->running[task] : NULL, 0, 0);
        if (w->shape_coop) {
            t->left = t->item;
            t->phase = P_COUNT;
            out->kind = -1; /* the caller continues with P_COUNT */
            return;
        }
        t->phase = P_COUNT_END;
        out->kind = STEP_CPU;
        out->n = t->item;
        out->dur = t->item * w->sc->step;
        return;
    case WORK_SLEEP:
        if (!w->em.quiet) units_format(label, sizeof label, t->item);
        emit(w, EV_ITEM_START, task, w->em.quiet ? NULL : label, t->item, 0);
        emit(w, EV_LOG, task, w->running ? w->running[task] : NULL, 0, 0);
        t->phase = P_AFTER_WAIT;
        out->kind = STEP_WAIT;
        out->reason = BLOCK_SLEEP;
        out->dur = t->item;
        return;
    case WORK_HTTP:
        emit(w, EV_ITEM_START, task, url_of(w, t->item), t->item, 0);
        say(w, task, "Task %s getting URL: %s", name_of(w, task), url_of(w, t->item));
        emit(w, EV_HTTP_START, task, url_of(w, t->item), 0, 0);
        t->phase = P_AFTER_WAIT;
        out->kind = STEP_WAIT;
        out->reason = BLOCK_HTTP;
        int64_t latency = latency_of(w, t->item); /* at most the timeout, as timed_out says */
        out->dur = latency < w->sc->timeout ? latency : w->sc->timeout;
        out->url = url_of(w, t->item);
        return;
    }
}

/* The Timer stops: print the elapsed time, or the error that ended the item. */
static void end_wait(struct work_queue *w, int task, int64_t now, const struct step_result *last)
{
    struct qtask *t = &w->t[task];
    int failed = 0;
    if (w->sc->work == WORK_HTTP) {
        struct step_result r = last ? *last : simulated_result(w, t->item);
        emit(w, EV_HTTP_DONE, task, r.error, r.status, r.bytes);
        if (r.error) {
            say(w, task, "Task %s error: %s: %s", name_of(w, task), url_of(w, t->item), r.error);
            failed = 1;
        } else if (r.status >= 400) {
            say(w, task, "Task %s error: %s: HTTP %d", name_of(w, task), url_of(w, t->item),
                r.status);
            failed = 1;
        }
    }
    if (!failed && !w->em.quiet) {
        /* The Timer's line, built without printf: it is the engine's
         * hottest line (one per item), and the benchmark's. */
        char line[128], units[24];
        const char *name = name_of(w, task);
        size_t nlen = strlen(name);
        int ulen = units_format(units, sizeof units, now - t->start);
        static const char mid[] = " elapsed time: ";
        if (5 + nlen + sizeof mid + (size_t)ulen <= sizeof line) {
            memcpy(line, "Task ", 5);
            memcpy(line + 5, name, nlen);
            memcpy(line + 5 + nlen, mid, sizeof mid - 1);
            memcpy(line + 5 + nlen + sizeof mid - 1, units, (size_t)ulen + 1);
            emit(w, EV_LOG, task, line, 0, 0);
        } else {
            say(w, task, "Task %s elapsed time: %s", name, units);
        }
    }
    w->failures += failed;
    emit(w, EV_ITEM_END, task, NULL, t->item, failed);
}

static void wq_next(struct workload *base, int task, int64_t now, const struct step_result *last,
                    struct step *out)
{
    struct work_queue *w = (struct work_queue *)base;
    struct qtask *t = &w->t[task];
    memset(out, 0, sizeof *out);
    for (;;) {
        switch (t->phase) {
        case P_START:
            t->phase = P_GET;
            if (w->shape_sync && queue_empty(w)) {
                say(w, task, "Task %s nothing to do", name_of(w, task));
                t->phase = P_DONE;
            }
            continue;
        case P_GET:
            if (queue_empty(w)) {
                t->phase = P_DONE;
                continue;
            }
            start_item(w, task, now, out);
            if (out->kind < 0) continue;
            return;
        case P_COUNT:
            if (t->left == 0) {
                t->phase = P_COUNT_END;
                continue;
            }
            t->left--;
            t->phase = P_COUNT_YIELD;
            out->kind = STEP_CPU;
            out->n = 1;
            out->dur = w->sc->step;
            return;
        case P_COUNT_YIELD:
            t->phase = P_COUNT;
            out->kind = STEP_YIELD;
            return;
        case P_COUNT_END:
            say(w, task, "Task %s total: %lld", name_of(w, task), (long long)t->item);
            emit(w, EV_ITEM_END, task, NULL, t->item, 0);
            t->phase = P_GET;
            continue;
        case P_AFTER_WAIT:
            end_wait(w, task, now, last);
            t->phase = P_GET;
            if (w->shape_coop) {
                out->kind = STEP_YIELD;
                return;
            }
            continue;
        case P_DONE: out->kind = STEP_DONE; return;
        }
    }
}

static void wq_prefetch(struct workload *base, int task)
{
    __builtin_prefetch(&((struct work_queue *)base)->t[task], 1);
}

static void wq_finish(struct workload *base, int64_t now)
{
    struct work_queue *w = (struct work_queue *)base;
    if (w->sc->work == WORK_COUNT) return;
    say(w, -1, "%s", "");
    say(w, -1, "Total elapsed time: %.1f", units_of_ns(now));
}

static int wq_failures(const struct workload *base)
{
    return ((const struct work_queue *)base)->failures;
}

static void wq_free(struct workload *base)
{
    struct work_queue *w = (struct work_queue *)base;
    for (size_t i = 0; w->running && i < w->sc->nworkers; i++)
        free(w->running[i]);
    free(w->running);
    free(w->t);
    free(((struct work_queue *)base)->tasks);
    free(base);
}

_Static_assert(sizeof(struct qtask) == 32, "a task's state is half a cache line");

static struct workload *wq_create(const struct scene *sc, int strategy, const struct emitter *em)
{
    struct work_queue *w = xcalloc(1, sizeof *w);
    w->t = xaligned(64, (sc->nworkers + 1) * sizeof *w->t);
    memset(w->t, 0, (sc->nworkers + 1) * sizeof *w->t);
    w->base.ops = &work_queue_ops;
    w->sc = sc;
    w->em = *em;
    w->shape_sync = strategies[strategy]->run_to_completion;
    w->shape_coop = strategies[strategy]->cooperative;
    w->rng = sc->seed;
    w->tasks = xcalloc(sc->nworkers, sizeof *w->tasks);
    if (!em->quiet) w->running = xcalloc(sc->nworkers, sizeof *w->running);
    for (size_t i = 0; i < sc->nworkers; i++) {
        w->tasks[i].name = sc->workers[i];
        /* Nobody reads the lines: 100,000 of them would cost 20 ms. */
        if (!em->quiet) w->running[i] = xasprintf("Task %s running", sc->workers[i]);
    }
    w->base.ntasks = (int)sc->nworkers;
    w->base.tasks = w->tasks;
    if (sc->work == WORK_HTTP)
        w->total = sc->nurls;
    else
        w->total = sc->gen.count ? sc->gen.count : sc->nitems;
    return &w->base;
}

const struct workload_ops work_queue_ops = {
    .kind = "queue",
    .create = wq_create,
    .next = wq_next,
    .finish = wq_finish,
    .failures = wq_failures,
    .free = wq_free,
    .prefetch = wq_prefetch,
};

/*
 * lesson: each scene's outcome, as compare columns and as totals
 * sentences (see lesson.h). Only formatting: every number comes from
 * struct stats, through the same functions the CLI's summary uses.
 */
#include "ui/lesson.h"

#include <stdio.h>
#include <string.h>

#include "core/scene.h"

/* Adds a column: its head and its value as text. */
static void col_text(struct lesson *l, const char *head, int bad, const char *val)
{
    if (l->ncol >= LESSON_COLS) return;
    snprintf(l->col[l->ncol].head, sizeof l->col[l->ncol].head, "%s", head);
    snprintf(l->col[l->ncol].val, sizeof l->col[l->ncol].val, "%s", val);
    l->col[l->ncol++].bad = bad;
}

/* Adds a column with a number: scene units to two decimals, or a count. */
static void col(struct lesson *l, const char *head, int bad, const char *fmt, double v)
{
    char val[24];
    snprintf(val, sizeof val, fmt, v);
    col_text(l, head, bad, val);
}

static const char *task_name(const struct stats *st, int id)
{
    return id >= 0 && (size_t)id < st->ntasks && st->tasks[id].name ? st->tasks[id].name : "?";
}

/* The name of the first task with role, or NULL. */
static const char *role_name(const struct stats *st, int role)
{
    for (size_t i = 0; i < st->ntasks; i++)
        if (st->tasks[i].role == role) return st->tasks[i].name;
    return NULL;
}

void lesson_columns(int kind, const struct stats *st, struct lesson *out)
{
    memset(out, 0, sizeof *out);
    int64_t max = 0, sum = 0;
    double mean = 0;
    switch (kind) {
    case SCENE_HOUSEHOLD:
    case SCENE_CPU: {
        stats_role_response(st, ROLE_ATTENTION, &max, &mean, NULL);
        int house = kind == SCENE_HOUSEHOLD;
        col(out, house ? "kids worst" : "ticker lag", 0, "%.2f", units_of_ns(max));
        col(out, house ? "kids mean" : "lag mean", 0, "%.2f", mean / 1e9);
        if (house) {
            stats_role_response(st, ROLE_MACHINE, NULL, NULL, &sum);
            col(out, "unattended", 0, "%.2f", units_of_ns(sum));
        }
        break;
    }
    case SCENE_SERVER: {
        struct stats_latency l;
        stats_latency(st, &l);
        col(out, "p50", 0, "%.2f", units_of_ns(l.p50));
        col(out, "p99", 0, "%.2f", units_of_ns(l.p99));
        col(out, "queue", 0, "%.0f", (double)l.queue_max);
        break;
    }
    case SCENE_CHECKBOOK:
        if (st->nresults) {
            const struct stats_result *r = &st->results[0];
            col(out, "expected", 0, "%.0f", (double)r->expected);
            col(out, "actual", r->actual != r->expected, "%.0f", (double)r->actual);
        } else {
            col_text(out, "expected", 0, "-");
            col_text(out, "actual", 0, "-");
        }
        col(out, "lost", st->races > 0, "%.0f", (double)st->races);
        break;
    case SCENE_DEADLOCK:
        if (st->deadlock) {
            char who[24] = "";
            for (size_t i = 0; i < st->ncycle; i++) {
                size_t len = strlen(who);
                snprintf(who + len, sizeof who - len, "%s%s", i ? "+" : "",
                         task_name(st, st->cycle[i].task));
            }
            col_text(out, "deadlock", 1, who);
        } else {
            col_text(out, "deadlock", 0, "none");
        }
        break;
    default: break;
    }
}

/* 1 when resource r is the one thread of a coop/poll run (the engine names
 * it "thread" when a deadlock needs it). */
static int is_thread(const struct stats *st, int r)
{
    return r >= 0 && strcmp(stats_resource(st, r), "thread") == 0;
}

int lesson_cycle_holder(const struct stats *st, size_t i)
{
    if (i >= st->ncycle) return -1;
    const struct stats_cycle *cy = &st->cycle[i];
    if (cy->waits >= 0 && !is_thread(st, cy->waits)) {
        for (size_t k = 0; k < st->ncycle; k++)
            if (k != i && st->cycle[k].holds == cy->waits) return st->cycle[k].task;
        return -1;
    }
    /* Waits for the thread (or, in an old trace, for no resource): the
     * member blocked on a lock keeps it (coop, poll: one thread for all). */
    for (size_t k = 1; k < st->ncycle; k++) {
        size_t j = (i + k) % st->ncycle;
        if (st->cycle[j].waits >= 0 && !is_thread(st, st->cycle[j].waits)) return st->cycle[j].task;
    }
    return -1;
}

static int line_deadlock(const struct stats *st, char (*out)[LESSON_LINE], int *bad, int max)
{
    int n = 0;
    if (n < max) {
        snprintf(out[n], LESSON_LINE, "deadlock: a cycle of waits, nothing can go on");
        bad[n++] = 1;
    }
    for (size_t i = 0; i < st->ncycle && n < max; i++) {
        const struct stats_cycle *cy = &st->cycle[i];
        const char *who = task_name(st, cy->task);
        const char *holder = task_name(st, lesson_cycle_holder(st, i));
        char holds[64];
        if (cy->holds >= 0)
            snprintf(holds, sizeof holds, "holds the %s", stats_resource(st, cy->holds));
        else
            snprintf(holds, sizeof holds, "holds nothing");
        if (cy->waits >= 0 && !is_thread(st, cy->waits))
            snprintf(out[n], LESSON_LINE, "  %s %s, waits for the %s", who, holds,
                     stats_resource(st, cy->waits));
        else
            snprintf(out[n], LESSON_LINE, "  %s %s, waits for the thread %s keeps", who, holds,
                     holder);
        bad[n++] = 1;
    }
    return n;
}

/* The longest wait of a call for attention still open at now (a kid not
 * yet attended, a ticker whose tick is due), or 0. */
static int64_t open_attention(const struct stats *st, int64_t now)
{
    int64_t w = 0;
    for (size_t i = 0; i < st->ntasks; i++) {
        const struct stats_task *t = &st->tasks[i];
        if (t->role != ROLE_ATTENTION || t->resp_until < 0 || t->state == TASK_RUNNING ||
            t->state == TASK_DONE || now <= t->resp_until)
            continue;
        if (now - t->resp_until > w) w = now - t->resp_until;
    }
    return w;
}

int lesson_lines(int kind, const struct stats *st, int64_t now, int64_t queue_max,
                 char (*out)[LESSON_LINE], int *bad, int max)
{
    int n = 0;
    int64_t wmax = 0, sum = 0;
    double mean = 0;
    if (max <= 0) return 0;
    memset(bad, 0, (size_t)max * sizeof *bad);
    switch (kind) {
    case SCENE_HOUSEHOLD:
    case SCENE_CPU: {
        const char *who = role_name(st, ROLE_ATTENTION);
        if (!who) break;
        stats_role_response(st, ROLE_ATTENTION, &wmax, &mean, NULL);
        int64_t open = st->ended ? 0 : open_attention(st, now);
        if (open > wmax) wmax = open;
        snprintf(out[n++], LESSON_LINE, "%s %s worst %.1f, mean %.1f", who,
                 kind == SCENE_CPU ? "lag" : "waited", units_of_ns(wmax), mean / 1e9);
        if (kind == SCENE_HOUSEHOLD && n < max) {
            stats_role_response(st, ROLE_MACHINE, NULL, NULL, &sum);
            snprintf(out[n++], LESSON_LINE, "machines stood unattended %.1f", units_of_ns(sum));
        }
        break;
    }
    case SCENE_SERVER: {
        struct stats_latency l;
        stats_latency(st, &l);
        if (queue_max >= 0) l.queue_max = queue_max;
        snprintf(out[n++], LESSON_LINE, "latency p50 %.2f  p99 %.2f  max %.2f", units_of_ns(l.p50),
                 units_of_ns(l.p99), units_of_ns(l.max));
        if (n < max)
            snprintf(out[n++], LESSON_LINE, "served %llu of %llu, longest queue %lld",
                     (unsigned long long)l.served, (unsigned long long)l.arrived,
                     (long long)l.queue_max);
        break;
    }
    case SCENE_CHECKBOOK:
        for (size_t i = 0; i < st->nresults && n < max; i++) {
            const struct stats_result *r = &st->results[i];
            bad[n] = r->actual != r->expected;
            snprintf(out[n++], LESSON_LINE, "%s: expected %lld, actual %lld", r->name,
                     (long long)r->expected, (long long)r->actual);
        }
        if (n < max) {
            bad[n] = st->races > 0;
            snprintf(out[n++], LESSON_LINE, "lost updates %llu", (unsigned long long)st->races);
        }
        break;
    case SCENE_DEADLOCK:
        if (st->deadlock) return line_deadlock(st, out, bad, max);
        snprintf(out[n++], LESSON_LINE, "no deadlock");
        break;
    default: break;
    }
    return n;
}

/* What member i waits for, in a few words: "washer", "the thread". */
static void wait_label(const struct stats *st, size_t i, char *buf, size_t n)
{
    int w = st->cycle[i].waits;
    snprintf(buf, n, "%s", w >= 0 ? stats_resource(st, w) : "thread");
}

/* Appends n copies of s to buf (of LESSON_LINE bytes) at *len. */
static void repeat(char *buf, size_t *len, const char *s, int n)
{
    for (int k = 0; k < n && *len < LESSON_LINE; k++)
        *len += (size_t)snprintf(buf + *len, LESSON_LINE - *len, "%s", s);
}

int lesson_cycle_graph(const struct stats *st, int utf8, char (*out)[LESSON_LINE], int max)
{
    if (!st->deadlock || st->ncycle < 2 || max < 1) return 0;
    const char *h = utf8 ? "\u2500" : "-", *arrow = utf8 ? "\u25b6" : ">";
    char lab0[48], lab1[48];
    if (st->ncycle == 2 && max >= 3) {
        /*   A -washer--> B      each waits for what the other holds
         *   ^            |
         *   +-dryer------+                                          */
        wait_label(st, 0, lab0, sizeof lab0);
        wait_label(st, 1, lab1, sizeof lab1);
        const char *a = task_name(st, st->cycle[0].task), *b = task_name(st, st->cycle[1].task);
        int l0 = (int)strlen(lab0), l1 = (int)strlen(lab1);
        int seg = (l0 > l1 ? l0 : l1) + 4;
        int bcol = 2 + (int)strlen(a) + 1 + seg + 1;
        size_t n = 0;
        n += (size_t)snprintf(out[0], LESSON_LINE, "  %s %s%s", a, h, lab0);
        repeat(out[0], &n, h, seg - 2 - l0);
        snprintf(out[0] + n, LESSON_LINE - n, "%s %s", arrow, b);
        snprintf(out[1], LESSON_LINE, "  %s%*s%s", utf8 ? "\u25b2" : "^", bcol - 3, "",
                 utf8 ? "\u2502" : "|");
        n = (size_t)snprintf(out[2], LESSON_LINE, "  %s%s%s", utf8 ? "\u2514" : "+", h, lab1);
        repeat(out[2], &n, h, bcol - 4 - l1);
        snprintf(out[2] + n, LESSON_LINE - n, "%s", utf8 ? "\u2518" : "+");
        return 3;
    }
    /* A chain: A -washer-> B -dryer-> C ... -> A */
    size_t n = (size_t)snprintf(out[0], LESSON_LINE, "  ");
    for (size_t i = 0; i < st->ncycle && n < LESSON_LINE; i++) {
        wait_label(st, i, lab0, sizeof lab0);
        n += (size_t)snprintf(out[0] + n, LESSON_LINE - n, "%s %s%s%s%s ",
                              task_name(st, st->cycle[i].task), h, lab0, h, arrow);
    }
    if (n < LESSON_LINE)
        snprintf(out[0] + n, LESSON_LINE - n, "%s", task_name(st, st->cycle[0].task));
    return 1;
}

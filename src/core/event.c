/*
 * event: names for the X-macro lists, and the fan-out bus.
 */
#include "event.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

static const char *const kind_names[] = {
#define X(name, str) str,
    EVENT_KINDS(X)
#undef X
};

static const char *const reason_names[] = {
#define X(name, str) str,
    BLOCK_REASONS(X)
#undef X
};

static const char *const state_names[] = {
#define X(name, str) str,
    TASK_STATES(X)
#undef X
};

const char *event_kind_name(int kind)
{
    return kind >= 0 && kind < EV__COUNT ? kind_names[kind] : "?";
}

const char *block_reason_name(int reason)
{
    return reason >= 0 && reason < BLOCK__COUNT ? reason_names[reason] : "?";
}

const char *task_state_name(int state)
{
    return state >= 0 && state < TASK__COUNT ? state_names[state] : "?";
}

static int lookup(const char *const *names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0) return i;
    return -1;
}

int event_kind_from_name(const char *name)
{
    return lookup(kind_names, EV__COUNT, name);
}

int block_reason_from_name(const char *name)
{
    return lookup(reason_names, BLOCK__COUNT, name);
}

double units_of_ns(int64_t ns)
{
    return (double)ns / 1e9;
}

int units_format(char *buf, size_t n, int64_t ns)
{
    /* printf("%.1f", ns / 1e9) without printf where the answer is sure:
     * away from an exact tie (where the double's last bit decides) and
     * from sizes where the double cannot tell nanoseconds apart. */
    int64_t q = ns / 100000000, r = ns % 100000000;
    if (ns < 0 || ns >= INT64_C(1000000000000000) || r == 50000000 || n < 24)
        return snprintf(buf, n, "%.1f", units_of_ns(ns));
    if (r > 50000000) q++;
    char tmp[24];
    int len = 0;
    tmp[len++] = (char)('0' + q % 10);
    tmp[len++] = '.';
    q /= 10;
    do {
        tmp[len++] = (char)('0' + q % 10);
        q /= 10;
    } while (q > 0);
    for (int i = 0; i < len; i++)
        buf[i] = tmp[len - 1 - i];
    buf[len] = '\0';
    return len;
}

void bus_init(struct bus *b)
{
    memset(b, 0, sizeof *b);
}

static void attach(struct bus *b, sink_fn fn, void *ctx, int logs)
{
    assert(b->nsinks < BUS_MAX_SINKS);
    b->sinks[b->nsinks].fn = fn;
    b->sinks[b->nsinks].ctx = ctx;
    b->sinks[b->nsinks].logs = logs;
    b->sinks[b->nsinks].prefetch = NULL;
    b->nsinks++;
}

void bus_attach_prefetch(struct bus *b, void *ctx, sink_prefetch_fn prefetch)
{
    for (int i = 0; i < b->nsinks; i++)
        if (b->sinks[i].ctx == ctx) b->sinks[i].prefetch = prefetch;
}

void bus_attach(struct bus *b, sink_fn fn, void *ctx)
{
    attach(b, fn, ctx, 1);
}

void bus_attach_nolog(struct bus *b, sink_fn fn, void *ctx)
{
    attach(b, fn, ctx, 0);
}

int bus_wants_logs(const struct bus *b)
{
    for (int i = 0; i < b->nsinks; i++)
        if (b->sinks[i].logs) return 1;
    return 0;
}

void bus_detach(struct bus *b, void *ctx)
{
    int j = 0;
    for (int i = 0; i < b->nsinks; i++)
        if (b->sinks[i].ctx != ctx) b->sinks[j++] = b->sinks[i];
    b->nsinks = j;
}

void bus_set_stop(struct bus *b, int (*stop)(void *ctx), void *ctx)
{
    b->stop = stop;
    b->stop_ctx = ctx;
    b->stopped = 0;
}

static void __attribute__((noinline)) emit_each(struct bus *b, struct event *ev)
{
    for (int i = 0; i < b->nsinks; i++)
        b->sinks[i].fn(b->sinks[i].ctx, ev);
}

void bus_emit(struct bus *b, struct event *ev)
{
    ev->seq = ++b->seq;
    /* Jumps, no frame: with one sink (a --json or --summary run) this is
     * a few instructions per event. */
    if (b->nsinks == 1)
        b->sinks[0].fn(b->sinks[0].ctx, ev);
    else
        emit_each(b, ev);
}

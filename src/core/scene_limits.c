/*
 * scene_limits: a run's worst-case length and its events, worked out from
 * the scene before anything runs (see scene_limits.h).
 *
 * Every kind is reduced to a few totals over the whole run: the CPU work,
 * the waits laid end to end, the waits as polling would check them, the
 * number of waits and the events that are not slices or checks. From those
 * one bound covers every strategy. sync, coop, loop and threads never take
 * longer than all CPU work and all waits end to end. poll adds, per wait,
 * at most one interval before it is noticed, and checks: rounds start in
 * distinct intervals, so a wait of d is checked at most d / interval + 2
 * times. The bound is what the property test (tests/core/test_property.c)
 * holds every generated scene to.
 *
 * Random draws are bounded the same way: an exponential draw is at most
 * 37 means (the generator's smallest step is 2^-53), and n of them add up
 * to more than 2n + 40 means with a probability below e^-20.
 */
#include "scene_limits.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"

struct totals {
    double cpu;      /* CPU work, ns */
    double wait;     /* waits end to end, ns (what they can add to a run) */
    double wait_chk; /* waits as poll checks them (they may overlap), ns */
    double nwait;    /* waits */
    double events;   /* events besides threads' slices and poll's checks */
};

/* The largest total of n draws of the scene's generator (ns or counts). */
static double gen_total(const struct scene_gen *g, double n)
{
    switch (g->dist) {
    case DIST_CONST: return n * (double)g->min;
    case DIST_EXP: return (2.0 * n + 40.0) * (double)g->mean;
    default: return n * (double)g->max;
    }
}

/* Latency of URL i as work_queue.c simulates it (its /delay/MS path). */
static double url_latency(const struct scene *sc, size_t i)
{
    if (sc->nlatency == 1) return (double)sc->latency[0];
    if (sc->nlatency > 1) return (double)sc->latency[i];
    const char *p = strstr(sc->urls[i], "/delay/");
    if (p) return strtod(p + 7, NULL) * 1e6;
    return (double)SCENE_DEFAULT_LATENCY;
}

static int queue_totals(const struct scene *sc, struct totals *t, char *msg, size_t n)
{
    double items = sc->gen.count ? (double)sc->gen.count : (double)sc->nitems;
    double sum = 0;
    if (sc->work == WORK_HTTP) {
        items = (double)sc->nurls;
        for (size_t i = 0; i < sc->nurls; i++) {
            double l = url_latency(sc, i);
            if (!(l >= 0 && l <= SCENE_MAX_UNITS * 1e9)) {
                snprintf(msg, n, "urls: '%s' asks for a delay that is not from 0 to %.0f units",
                         sc->urls[i], SCENE_MAX_UNITS);
                return -1;
            }
            sum += l;
        }
    } else if (sc->gen.count) {
        sum = gen_total(&sc->gen, items);
    } else {
        for (size_t i = 0; i < sc->nitems; i++)
            sum += (double)sc->items[i];
    }
    t->events = 10.0 * items;
    if (sc->work == WORK_COUNT) {
        t->cpu = sum * (double)sc->step;
        t->events += 5.0 * sum; /* coop yields after every increment */
    } else {
        t->wait = t->wait_chk = sum;
        t->nwait = items;
    }
    return 0;
}

static void household_totals(const struct scene *sc, struct totals *t)
{
    const struct scene_household *h = &sc->house;
    double calls = 2.0 * (double)h->bedtime / (double)h->kid_mean + 40.0;
    double loads = (double)h->loads, entries = (double)h->entries;
    t->cpu =
        calls * (double)h->attention + 3.0 * loads * (double)h->move + entries * (double)h->entry;
    t->wait = t->wait_chk = (double)h->bedtime + loads * (double)(h->wash + h->dry);
    t->nwait = calls + 2.0 * loads;
    t->events = 10.0 * (calls + 3.0 * loads + entries);
}

static void checkbook_totals(const struct scene *sc, struct totals *t)
{
    double updates = 1.0 + (double)sc->cb.bills;
    if (sc->cb.await) {
        t->wait = t->wait_chk = updates * (double)sc->cb.window;
        t->nwait = updates;
    } else {
        t->cpu = updates * (double)sc->cb.window;
    }
    t->events = 15.0 * updates;
}

static void server_totals(const struct scene *sc, struct totals *t)
{
    const struct scene_server *v = &sc->srv;
    double req = (double)v->requests;
    double gap = v->rate_milli > 0 ? 1000.0 * 1e9 / (double)v->rate_milli : 1e9;
    double arrivals = (2.0 * req + 40.0) * gap; /* the last arrival */
    double pool = v->pool > 0 ? (double)v->pool : 1.0;
    t->cpu = req * (double)(v->parse + v->render);
    /* Workers wait for arrivals and for queries; poll checks every idle
     * worker of its pool in every round while it waits for an arrival. */
    t->wait = arrivals + req * (double)v->query;
    t->wait_chk = pool * arrivals + req * (double)v->query;
    t->nwait = 2.0 * req + pool;
    t->events = (20.0 + 8.0 * pool) * req; /* idle workers all wake at an arrival */
}

/*
 * The pi workers and the ticker. The ticker runs until the workers are
 * done, so its ticks depend on how long that takes: under coop it gets
 * one turn per pass over the workers' chunks; elsewhere each tick is a
 * sleep of tick and a CPU step of digit, and the workers run in the
 * sleeps. Under poll the ticker is noticed at most once a round and rounds
 * start at most once an interval, so of a stretch T the workers get at
 * least T (1 - check_cost / interval - digit / max(interval, tick + digit)),
 * which must be something.
 */
static int cpu_totals(const struct scene *sc, struct totals *t, char *msg, size_t n, int *blame)
{
    const struct scene_cpu *c = &sc->cpu;
    double workers = (double)sc->nworkers, digit = (double)c->digit, tick = (double)c->tick;
    if (c->digits > 0 && c->chunk == 0) {
        *blame = BLAME_CHUNK;
        snprintf(msg, n, "chunk: 0 digits between yield points never finishes (give 1 or more)");
        return -1;
    }
    double work = workers * (double)c->digits * digit;
    double chunks = c->digits > 0 ? workers * ceil((double)c->digits / (double)c->chunk) : 0;
    double interval = (double)sc->poll_interval, cost = (double)sc->check_cost;
    double ticks = fmax(chunks + 2.0, (work + digit) / tick + 2.0);
    if (work > 0) {
        double cycle = fmax(interval, tick + digit);
        double rate = 1.0 - cost / interval - digit / cycle;
        if (!(rate > 1e-9)) {
            *blame = BLAME_POLL_INTERVAL;
            snprintf(msg, n,
                     "poll_interval: %g is too short for a tick of digit %g every %g with "
                     "check_cost %g: under poll the workers would never run",
                     units_of_ns(sc->poll_interval), units_of_ns(c->digit), units_of_ns(c->tick),
                     units_of_ns(sc->check_cost));
            return -1;
        }
        double poll_length = (work + digit + cost) / rate + tick + 3.0 * interval;
        ticks = fmax(ticks, poll_length / cycle + 2.0);
    }
    t->cpu = work + ticks * digit;
    t->wait = t->wait_chk = ticks * tick;
    t->nwait = ticks;
    t->events = 10.0 * (chunks + ticks);
    return 0;
}

static int kind_totals(const struct scene *sc, struct totals *t, char *msg, size_t n, int *blame)
{
    switch (sc->kind) {
    case SCENE_QUEUE: return queue_totals(sc, t, msg, n);
    case SCENE_HOUSEHOLD: household_totals(sc, t); return 0;
    case SCENE_DEADLOCK:
        t->cpu = 2.0 * (double)(sc->dl.work + sc->dl.move);
        t->events = 40.0;
        return 0;
    case SCENE_CHECKBOOK: checkbook_totals(sc, t); return 0;
    case SCENE_SERVER: server_totals(sc, t); return 0;
    case SCENE_CPU: return cpu_totals(sc, t, msg, n, blame);
    }
    return 0;
}

int scene_limits(struct scene *sc, char *msg, size_t n, int *blame)
{
    struct totals t = {0, 0, 0, 0, 0};
    *blame = BLAME_WORK;
    if (sc->check_cost >= sc->poll_interval) {
        *blame = BLAME_CHECK_COST;
        snprintf(msg, n,
                 "check_cost: %g is not below poll_interval (%g): checking would leave no time "
                 "for work",
                 units_of_ns(sc->check_cost), units_of_ns(sc->poll_interval));
        return -1;
    }
    if (kind_totals(sc, &t, msg, n, blame)) return -1;
    double interval = (double)sc->poll_interval, cost = (double)sc->check_cost;
    /* poll checks, and breaks CPU work off at every interval. */
    double checks = t.wait_chk / interval + 2.0 * t.nwait + 1.0 + 3.0 * t.cpu / interval;
    double length = t.cpu + t.wait + (t.nwait + 2.0) * interval + cost * checks;
    double slices = t.cpu / (double)sc->quantum; /* beyond one per CPU step */
    if (!(length <= SCENE_MAX_LENGTH * 1e9)) {
        snprintf(msg, n,
                 "the run could last up to %.3g units, over the limit of %.0f units (shorten "
                 "its work)",
                 length / 1e9, SCENE_MAX_LENGTH);
        return -1;
    }
    double base = t.events + 10.0 * (double)sc->nworkers + 100.0;
    if (!(base <= SCENE_MAX_EVENTS)) {
        snprintf(msg, n, "the run would emit about %.3g events, over the limit of %.0f", base,
                 SCENE_MAX_EVENTS);
        return -1;
    }
    if (!(3.0 * slices <= SCENE_MAX_EVENTS)) {
        *blame = BLAME_QUANTUM;
        snprintf(msg, n,
                 "quantum: %g is too small for this run: threads would switch about %.3g times "
                 "(at most %.0f events)",
                 units_of_ns(sc->quantum), slices, SCENE_MAX_EVENTS);
        return -1;
    }
    if (!(checks <= SCENE_MAX_EVENTS)) {
        *blame = BLAME_POLL_INTERVAL;
        snprintf(msg, n,
                 "poll_interval: %g is too small for this run: poll would check or switch about "
                 "%.3g times "
                 "(at most %.0f events)",
                 units_of_ns(sc->poll_interval), checks, SCENE_MAX_EVENTS);
        return -1;
    }
    double events = base + 3.0 * slices + checks;
    if (!(events <= SCENE_MAX_EVENTS)) {
        snprintf(msg, n, "the run would emit about %.3g events, over the limit of %.0f", events,
                 SCENE_MAX_EVENTS);
        return -1;
    }
    sc->bound_length = (int64_t)length;
    sc->bound_events = (uint64_t)events;
    return 0;
}

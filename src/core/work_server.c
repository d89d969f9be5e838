/*
 * work_server: the article's web server. Requests arrive at seeded
 * exponential intervals (a Poisson stream at `rate` per unit); each is
 * parse (CPU), a database query (I/O), render (CPU).
 *
 * Who serves them depends on the program's shape:
 *   sync        one server loop, one request at a time: "an absolutely
 *               terrible web server" once requests come faster than it
 *               finishes them;
 *   coop, poll, threads
 *               a pool of `pool` workers taking requests from the queue;
 *   loop        a coroutine per request, as an asyncio server starts one
 *               per connection.
 * A worker with nothing to do waits for the next arrival. Each request's
 * ITEM_START carries its arrival time, so latency and the queue's length
 * come out of the event stream.
 */
#include <stdio.h>
#include <stdlib.h>

#include "strategy.h"
#include "work_common.h"
#include "xalloc.h"

struct worker {
    int phase;
    int64_t req; /* request being served */
};

struct server {
    struct workload base;
    const struct scene *sc;
    struct emitter em;
    int per_request; /* loop: task i serves request i */
    int yields;
    int64_t *arrival;
    int64_t taken; /* requests handed out so far */
    struct worker *w;
    struct workload_task *tasks;
    char *names;
};

static void srv_next(struct workload *base, int task, int64_t now, const struct step_result *last,
                     struct step *out)
{
    struct server *s = (struct server *)base;
    const struct scene_server *p = &s->sc->srv;
    struct worker *w = &s->w[task];
    (void)last;
    for (;;) {
        switch (w->phase) {
        case 0: { /* take the next request, or wait for it to arrive */
            int64_t next = s->per_request ? task : s->taken;
            if (next >= p->requests || (s->per_request && w->req >= 0)) {
                step_simple(out, STEP_DONE, 0, 0);
                return;
            }
            if (s->arrival[next] > now) {
                step_wait(out, BLOCK_QUEUE, s->arrival[next] - now);
                return;
            }
            if (!s->per_request) s->taken++;
            w->req = next;
            struct event ev = event_make(EV_ITEM_START, 0, task);
            char label[32];
            snprintf(label, sizeof label, "request %lld", (long long)next + 1);
            ev.text = label;
            ev.value = next + 1;
            ev.value2 = s->arrival[next];
            ev.reason = 1;
            s->em.emit(s->em.ctx, &ev);
            w->phase = 1;
            step_cpu(out, p->parse, 0);
            return;
        }
        case 1:
            w->phase = 2;
            step_wait(out, BLOCK_IO, p->query);
            return;
        case 2:
            w->phase = 3;
            step_cpu(out, p->render, 0);
            return;
        case 3:
            work_say(&s->em, task, "Request %lld served in %.2f", (long long)w->req + 1,
                     units_of_ns(now - s->arrival[w->req]));
            work_emit(&s->em, EV_ITEM_END, task, NULL, w->req + 1, 0);
            w->phase = s->yields ? 4 : 0;
            if (s->yields) {
                step_simple(out, STEP_YIELD, 0, 0);
                return;
            }
            continue;
        case 4: w->phase = 0; continue;
        }
    }
}

static void srv_finish(struct workload *base, int64_t now)
{
    struct server *s = (struct server *)base;
    work_say(&s->em, -1, "Served %lld requests in %.1f", (long long)s->sc->srv.requests,
             units_of_ns(now));
}

static int srv_failures(const struct workload *base)
{
    (void)base;
    return 0;
}

static void srv_free(struct workload *base)
{
    struct server *s = (struct server *)base;
    free(s->arrival);
    free(s->w);
    free(s->tasks);
    free(s->names);
    free(s);
}

static struct workload *srv_create(const struct scene *sc, int strategy, const struct emitter *em)
{
    const struct scene_server *p = &sc->srv;
    struct server *s = xcalloc(1, sizeof *s);
    s->base.ops = &work_server_ops;
    s->sc = sc;
    s->em = *em;
    s->per_request = strategies[strategy]->event_driven;
    s->yields = strategies[strategy]->cooperative;
    uint64_t rng = sc->seed;
    s->arrival = xmalloc(((size_t)p->requests + 1) * sizeof *s->arrival);
    int64_t t = 0, gap = p->rate_milli > 0 ? 1000 * UNIT_NS / p->rate_milli : UNIT_NS;
    for (int64_t i = 0; i < p->requests; i++) {
        t += work_exp(&rng, gap);
        s->arrival[i] = t;
    }
    int n = s->per_request                            ? (int)p->requests
            : strategies[strategy]->run_to_completion ? 1
                                                      : (int)(p->pool > 0 ? p->pool : 1);
    if (n < 1) n = 1;
    s->w = xcalloc((size_t)n, sizeof *s->w);
    s->tasks = xcalloc((size_t)n, sizeof *s->tasks);
    s->names = xmalloc((size_t)n * 24);
    for (int i = 0; i < n; i++) {
        char *name = s->names + (size_t)i * 24;
        if (n == 1)
            snprintf(name, 24, "server");
        else
            snprintf(name, 24, "%s%d", s->per_request ? "req" : "worker", i + 1);
        s->w[i].req = -1;
        s->tasks[i] = (struct workload_task){name, 0, ROLE_NONE};
    }
    s->base.ntasks = n;
    s->base.tasks = s->tasks;
    return &s->base;
}

const struct workload_ops work_server_ops = {
    .kind = "server",
    .create = srv_create,
    .next = srv_next,
    .finish = srv_finish,
    .failures = srv_failures,
    .free = srv_free,
};

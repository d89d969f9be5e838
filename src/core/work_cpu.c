/*
 * work_cpu: CPU-bound work, the case the article says threads and event
 * loops do not help on one CPU. Each worker computes `digits` digits of pi
 * in chunks of `chunk` digits; a ticker wants the CPU for a moment every
 * `tick` units, like a UI or a heartbeat.
 *
 *   coop     the generators yield between chunks, so the ticker gets in;
 *   loop     an async function that never awaits: the loop is blocked for
 *            the whole computation and the ticker starves;
 *   threads  with cpus = 2 the workers really run in parallel; with one CPU
 *            they only take turns.
 *
 * Each chunk of digits and each tick is an item, one CPU step long: it ends
 * when the task is next asked for a step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strategy.h"
#include "work_common.h"
#include "xalloc.h"

struct cpuwork {
    struct workload base;
    const struct scene *sc;
    struct emitter em;
    int yields;
    int nworkers;
    int running; /* pi workers not yet done */
    int64_t *done_digits;
    int *phase;
    int64_t *open; /* per task: the item its CPU step works on (1-based), or 0 */
    int64_t ticks;
    int64_t next_tick; /* coop: when the ticker is due next */
    struct workload_task *tasks;
    char *digits; /* the digits, for the log line */
};

enum { SHOW = 20 };

/* A tick: one more item for the ticker. */
static void tick(struct cpuwork *c, int task)
{
    char label[32];
    c->ticks++;
    snprintf(label, sizeof label, "tick %lld", (long long)c->ticks);
    c->open[task] = c->ticks;
    work_emit(&c->em, EV_ITEM_START, task, label, c->ticks, 0);
}

static void cpu_next(struct workload *base, int task, int64_t now, const struct step_result *last,
                     struct step *out)
{
    struct cpuwork *c = (struct cpuwork *)base;
    const struct scene_cpu *p = &c->sc->cpu;
    (void)now;
    (void)last;
    char label[48];
    if (c->open[task]) { /* its one CPU step is done: so is the item */
        work_emit(&c->em, EV_ITEM_END, task, NULL, c->open[task], 0);
        c->open[task] = 0;
    }
    if (task == c->nworkers) { /* the ticker */
        if (c->running == 0) {
            work_say(&c->em, task, "Ticker ticked %lld time%s", (long long)c->ticks,
                     c->ticks == 1 ? "" : "s");
            step_simple(out, STEP_DONE, 0, 0);
        } else if (c->yields) {
            /* A generator cannot sleep without stalling everyone: it checks
             * the clock at each turn and yields until its tick is due. It
             * yields after each tick too, so a tick longer than the period
             * cannot keep the workers off the CPU for ever. */
            if (c->phase[task] == 1) {
                c->phase[task] = 0;
                step_simple(out, STEP_YIELD, 0, 0);
            } else if (now >= c->next_tick) {
                c->phase[task] = 1;
                tick(c, task);
                while (c->next_tick <= now)
                    c->next_tick += p->tick;
                step_cpu(out, p->digit, 0);
            } else {
                step_simple(out, STEP_YIELD, 0, 0);
            }
        } else if (c->phase[task]++ % 2 == 0) {
            step_wait(out, BLOCK_SLEEP, p->tick);
        } else {
            tick(c, task);
            step_cpu(out, p->digit, 0);
        }
        return;
    }
    int64_t *d = &c->done_digits[task];
    if (*d >= p->digits) {
        if (c->phase[task] == 0) {
            c->phase[task] = 1;
            work_say(&c->em, task, "%s computed %lld digits: 3.%s...", c->tasks[task].name,
                     (long long)p->digits, c->digits);
            c->running--;
        }
        step_simple(out, STEP_DONE, 0, 0);
        return;
    }
    if (c->yields && *d > 0 && c->phase[task] == 0) {
        c->phase[task] = 2; /* yield once between chunks */
        step_simple(out, STEP_YIELD, 0, 0);
        return;
    }
    if (c->phase[task] == 2) c->phase[task] = 0;
    int64_t n = p->digits - *d < p->chunk ? p->digits - *d : p->chunk;
    if (*d == 0)
        work_say(&c->em, task, "%s computing %lld digits of pi", c->tasks[task].name,
                 (long long)p->digits);
    snprintf(label, sizeof label, "digits %lld-%lld", (long long)*d + 1, (long long)(*d + n));
    c->open[task] = *d / p->chunk + 1;
    work_emit(&c->em, EV_ITEM_START, task, label, c->open[task], 0);
    *d += n;
    step_cpu(out, n * p->digit, n);
    out->work = CPU_PI;
    if (c->yields) c->phase[task] = 0;
}

static void cpu_finish(struct workload *base, int64_t now)
{
    (void)base;
    (void)now;
}

static int cpu_failures(const struct workload *base)
{
    (void)base;
    return 0;
}

static void cpu_free(struct workload *base)
{
    struct cpuwork *c = (struct cpuwork *)base;
    free(c->done_digits);
    free(c->phase);
    free(c->open);
    free(c->tasks);
    free(c->digits);
    free(c);
}

static struct workload *cpu_create(const struct scene *sc, int strategy, const struct emitter *em)
{
    struct cpuwork *c = xcalloc(1, sizeof *c);
    c->base.ops = &work_cpu_ops;
    c->sc = sc;
    c->em = *em;
    c->yields = strategies[strategy]->cooperative;
    c->next_tick = sc->cpu.tick;
    c->nworkers = (int)sc->nworkers;
    c->running = (int)sc->nworkers;
    c->done_digits = xcalloc((size_t)sc->nworkers, sizeof *c->done_digits);
    c->phase = xcalloc((size_t)sc->nworkers + 1, sizeof *c->phase);
    c->open = xcalloc((size_t)sc->nworkers + 1, sizeof *c->open);
    c->tasks = xcalloc((size_t)sc->nworkers + 1, sizeof *c->tasks);
    for (int i = 0; i < c->nworkers; i++)
        c->tasks[i] = (struct workload_task){sc->workers[i], 0, ROLE_NONE};
    c->tasks[sc->nworkers] = (struct workload_task){"Ticker", 1, ROLE_ATTENTION};
    int show = sc->cpu.digits < SHOW ? (int)sc->cpu.digits : SHOW;
    c->digits = xmalloc((size_t)show + 1);
    workload_pi_digits(c->digits, show);
    c->base.ntasks = c->nworkers + 1;
    c->base.tasks = c->tasks;
    return &c->base;
}

/* Rabinowitz and Wagon's spigot: pi in base 10, one digit at a time, with
 * the usual handling of predigits (runs of 9s). */
void workload_pi_digits(char *buf, int n)
{
    int len = (n + 12) * 10 / 3 + 2; /* room for the held predigits */
    int *a = xmalloc((size_t)len * sizeof *a);
    for (int i = 0; i < len; i++)
        a[i] = 2;
    int nines = 0, predigit = 0, out = -1; /* out = -1: the leading 3 is not stored */
    for (int j = 0; j < n + 12 && out < n;) {
        int q = 0;
        for (int i = len; i > 0; i--) {
            int x = 10 * a[i - 1] + q * i;
            a[i - 1] = x % (2 * i - 1);
            q = x / (2 * i - 1);
        }
        a[0] = q % 10;
        q /= 10;
        j++;
        if (q == 9) {
            nines++;
        } else if (q == 10) {
            if (out >= 0 && out < n) buf[out] = (char)('0' + predigit + 1);
            out++;
            for (; nines > 0; nines--, out++)
                if (out >= 0 && out < n) buf[out] = '0';
            predigit = 0;
        } else {
            if (j > 1) {
                if (out >= 0 && out < n) buf[out] = (char)('0' + predigit);
                out++;
            }
            predigit = q;
            for (; nines > 0; nines--, out++)
                if (out >= 0 && out < n) buf[out] = '9';
        }
    }
    free(a);
    buf[n < 0 ? 0 : n] = '\0';
}

const struct workload_ops work_cpu_ops = {
    .kind = "cpu",
    .create = cpu_create,
    .next = cpu_next,
    .finish = cpu_finish,
    .failures = cpu_failures,
    .free = cpu_free,
};

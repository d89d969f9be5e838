/*
 * work_common: events, lines and randomness for workloads.
 */
#include "work_common.h"

#include "strategy.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void work_emit(const struct emitter *em, int kind, int task, const char *text, int64_t value,
               int64_t value2)
{
    if (kind == EV_LOG && em->quiet) return;
    struct event ev = event_make(kind, 0, task);
    ev.text = text;
    ev.value = value;
    ev.value2 = value2;
    em->emit(em->ctx, &ev);
}

void work_say(const struct emitter *em, int task, const char *fmt, ...)
{
    if (em->quiet) return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    work_emit(em, EV_LOG, task, line, 0, 0);
}

uint64_t work_rand(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

double work_uniform(uint64_t *state)
{
    return (double)(work_rand(state) >> 11) * (1.0 / 9007199254740992.0);
}

int64_t work_exp(uint64_t *state, int64_t mean)
{
    return llround(-log(1.0 - work_uniform(state)) * (double)mean);
}

void step_cpu(struct step *s, int64_t dur, int64_t n)
{
    memset(s, 0, sizeof *s);
    s->kind = STEP_CPU;
    s->dur = dur;
    s->n = n;
}

void step_wait(struct step *s, int reason, int64_t dur)
{
    memset(s, 0, sizeof *s);
    s->kind = STEP_WAIT;
    s->reason = reason;
    s->dur = dur < 0 ? 0 : dur;
}

void step_simple(struct step *s, int kind, int res, int64_t n)
{
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->res = res;
    s->n = n;
}

int work_interleaves(int strategy)
{
    const struct strategy_ops *o = strategies[strategy];
    return o->cooperative || o->preemptive || o->event_driven;
}

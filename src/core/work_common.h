/*
 * work_common: what every workload needs to speak: emitting its events and
 * printing its lines, and a seeded random source (all randomness in a
 * scene comes from its seed).
 */
#ifndef JUGGLE_WORK_COMMON_H
#define JUGGLE_WORK_COMMON_H

#include <stdint.h>

#include "workload.h"

/* Emits an event of kind for task through em (time is the caller's). */
void work_emit(const struct emitter *em, int kind, int task, const char *text, int64_t value,
               int64_t value2);
/* Emits a LOG line (printf-style) for task (-1: the program itself). */
void work_say(const struct emitter *em, int task, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* 1 if the strategy lets tasks interleave at their own points (they
 * yield, are preempted, or await), so the program is written with yields;
 * 0 where each task's stretch runs unbroken (one at a time, or polled). */
int work_interleaves(int strategy);

/* splitmix64: a small, good, seedable generator. */
uint64_t work_rand(uint64_t *state);
/* A uniform double in [0, 1). */
double work_uniform(uint64_t *state);
/* An exponentially distributed duration with the given mean (ns). */
int64_t work_exp(uint64_t *state, int64_t mean);

/* Step constructors. */
void step_cpu(struct step *s, int64_t dur, int64_t n);
void step_wait(struct step *s, int reason, int64_t dur);
void step_simple(struct step *s, int kind, int res, int64_t n);

#endif

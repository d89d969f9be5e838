/*
 * strategy: the five ways of scheduling work, as ops tables.
 *
 * Each strategy lives in its own file (strat_sync.c, ...) and is reached
 * only through its table; the engine (sim.c) owns time, the pending-action
 * heap, tasks, CPUs and locks, and calls the strategy to decide what runs.
 * Strategy files see the engine through sim_internal.h.
 */
#ifndef JUGGLE_STRATEGY_H
#define JUGGLE_STRATEGY_H

struct sim;
struct pending;

struct strategy_ops {
    const char *name;  /* "sync", ... : the CLI and scene name */
    const char *title; /* one line for help and the UI */
    int single_thread; /* 1: all tasks share one thread and one CPU */
    /* Called once, at time 0, after every task exists. */
    void (*start)(struct sim *s);
    /* A pending action this strategy scheduled came due. */
    void (*fire)(struct sim *s, const struct pending *p);
    /* Frees what the strategy's data (s->sd) points to; may be NULL. The
     * engine frees s->sd itself. */
    void (*cleanup)(void *sd);
};

#define STRATEGY_COUNT 5

/* The registry, in key order: sync coop poll threads loop (keys 1-5). */
extern const struct strategy_ops *const strategies[STRATEGY_COUNT];

/* Index of the strategy called name, or -1. */
int strategy_find(const char *name);
const char *strategy_name(int index);

#endif

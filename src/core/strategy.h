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
    /* What the strategy is. Workloads and backends ask these, never the
     * name: a new strategy is its own file and one line in the registry. */
    int single_thread;     /* all tasks share one thread and one CPU */
    int preemptive;        /* the scheduler takes the CPU from a task (threads) */
    int event_driven;      /* waits are registered with a loop that resumes tasks */
    int cooperative;       /* tasks give up the CPU only at their yield points */
    int run_to_completion; /* each task runs to its end before the next starts */
    int polls;             /* a main loop checks outstanding work at intervals */
    char key;              /* the TUI key that picks it */
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
/* Every name, in key order, as "sync, coop, ...": for messages and help. */
const char *strategy_list(void);

#endif

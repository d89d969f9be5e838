/*
 * workload: what a scene's tasks do, one step at a time.
 *
 * A workload is "the article's program" for a scene kind: it decides each
 * task's next step (CPU work, a wait, a yield point, a lock, done) and emits
 * the lines that program prints and the items it works on. It does not
 * decide *how* steps run: the simulation engine's strategies and the real
 * runner do that, by calling workload_next whenever a task can proceed.
 * Because the program's shape differs a little between the article's
 * examples (example 1 prints "nothing to do", example 2 yields after every
 * increment), the workload is told which strategy it runs under.
 *
 * Thread safety: none. The real runner serialises calls with a mutex.
 */
#ifndef JUGGLE_WORKLOAD_H
#define JUGGLE_WORKLOAD_H

#include <stdint.h>

#include "event.h"
#include "scene.h"

enum step_kind {
    STEP_CPU,    /* use the CPU for dur ns (n increments of count work) */
    STEP_WAIT,   /* wait dur ns for something outside the CPU (reason) */
    STEP_YIELD,  /* a yield point: a generator's `yield` */
    STEP_LOCK,   /* take resource res */
    STEP_UNLOCK, /* release resource res */
    STEP_LOAD,   /* read shared variable res into the task's register */
    STEP_STORE,  /* write register + n to shared variable res */
    STEP_DONE,   /* the task has finished */
};

struct step {
    int kind;        /* enum step_kind */
    int reason;      /* STEP_WAIT: enum block_reason */
    int64_t dur;     /* ns of scene time (simulation; real runs scale it) */
    int64_t n;       /* STEP_CPU: increments to count (real runs); STEP_STORE: delta */
    int res;         /* STEP_LOCK/UNLOCK: resource id; STEP_LOAD/STORE: variable id */
    int work;        /* STEP_CPU: what real runs compute (enum cpu_work) */
    const char *url; /* STEP_WAIT with BLOCK_HTTP: the URL; borrowed from the workload */
};

/* What a real run does for a CPU step: spin for its duration, or compute
 * digits of pi (n digits). */
enum cpu_work { CPU_SPIN, CPU_PI };

/* What came of a task's last wait, when it matters (HTTP). */
struct step_result {
    int status;        /* HTTP status, 0 if the transfer failed */
    int64_t bytes;     /* body bytes received */
    const char *error; /* error text, NULL on success */
};

/* Where a workload sends the events it produces (LOG, ITEM_*, HTTP_*). */
struct emitter {
    void (*emit)(void *ctx, struct event *ev); /* ev->t is filled by the caller */
    void *ctx;
    int quiet; /* nobody reads LOG lines or item labels: do not make them */
};

struct workload;

struct workload_ops {
    const char *kind;
    struct workload *(*create)(const struct scene *sc, int strategy, const struct emitter *em);
    /* The task may proceed at time now; last is the result of its previous
     * wait (NULL if none or not HTTP). Fills *out with its next step. */
    void (*next)(struct workload *w, int task, int64_t now, const struct step_result *last,
                 struct step *out);
    /* Every task is done (or the run was stopped): print the closing lines. */
    void (*finish)(struct workload *w, int64_t now);
    /* Number of items that failed so far. */
    int (*failures)(const struct workload *w);
    void (*free)(struct workload *w);
    /* Optional: next will soon be called for task; start loading what it
     * keeps for it (see sim_prefetch). */
    void (*prefetch)(struct workload *w, int task);
};

/* A task as the workload defines it. */
struct workload_task {
    const char *name;
    int priority; /* higher first where a strategy orders by it */
    int role;     /* enum task_role */
};

/*
 * The common part of every workload: the tasks it runs, the resources
 * (locks) they share and the shared variables they load and store. Filled
 * by create; owned by the workload.
 */
struct workload {
    const struct workload_ops *ops;
    int ntasks;
    const struct workload_task *tasks;
    int nres;
    const char *const *res_names;
    int nvars;
    const char *const *var_names;
    const int64_t *var_init;
    /* Set by whoever runs the workload: the shared variables as they are
     * now, so finish can report their final values. */
    const int64_t *live_vars;
};

/* Creates the workload for sc->kind; never NULL for a validated scene. */
struct workload *workload_new(const struct scene *sc, int strategy, const struct emitter *em);
void workload_free(struct workload *w);

static inline void workload_next(struct workload *w, int task, int64_t now,
                                 const struct step_result *last, struct step *out)
{
    w->ops->next(w, task, now, last, out);
}

static inline void workload_finish(struct workload *w, int64_t now)
{
    w->ops->finish(w, now);
}

static inline int workload_failures(const struct workload *w)
{
    return w->ops->failures(w);
}

extern const struct workload_ops work_queue_ops, work_household_ops, work_deadlock_ops,
    work_checkbook_ops, work_server_ops, work_cpu_ops;

/* Digits of pi after "3.", n of them, into buf (n + 1 bytes). A spigot
 * (Rabinowitz-Wagon): what the pi scene computes, in simulation for its
 * log line and for real as its CPU work. */
void workload_pi_digits(char *buf, int n);

#endif

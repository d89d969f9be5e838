/*
 * event: the one stream every part of juggle speaks. The simulation engine,
 * the real runner and the trace reader produce events; the run model, the
 * headless printer, statistics and the recorder consume them. Nothing
 * downstream reaches into a producer, so a replay looks exactly like a live
 * run and a real run exactly like a simulated one.
 *
 * Event kinds, block reasons and task states come from X-macro lists so that
 * their names (used in traces, JSON and the UI) are defined once.
 *
 * Ownership: an event and the text it points to are valid only while it is
 * being dispatched. Sinks copy what they keep.
 */
#ifndef JUGGLE_EVENT_H
#define JUGGLE_EVENT_H

#include <stddef.h>
#include <stdint.h>

/*
 * X(NAME, "trace name")
 * Field use per kind (unused fields are 0, task/cpu/other are -1 when none):
 *   RUN_START    text = strategy name, value = CPUs, value2 = 1 if real clock
 *   TASK_NEW     task, text = name, value = priority, reason = role (TASK_ROLE_*)
 *   RESOURCE_NEW other = resource id, text = name
 *   RUN          task starts running on cpu
 *   YIELD        task gives up the CPU at a yield point (-> ready)
 *   PREEMPT      task is descheduled by the scheduler (-> ready)
 *   BLOCK        task blocks; reason = BLOCK_*; value = expected wake time or -1;
 *                other = 1 when the block stalls the whole thread (blocking call
 *                in sync/coop), else 0
 *   WAKE         task becomes ready again; other = task that caused it or -1
 *   SWITCH       cpu switches from task `other` to task `task`
 *   ITEM_START   task starts a work item; value = item value; text = label;
 *                reason = ITEM_REQUEST (1) for a request, with value2 = its
 *                arrival time; ITEM_CALL (2) for a call for attention, with
 *                value2 = when it was made (the wait is t - value2)
 *   ITEM_END     task ends it; value = item value; value2 = 0 ok, 1 failed
 *   LOG          a line the article's program prints; task may be -1 (main)
 *   POLL         task's outstanding work was checked; reason = 1 useful, 0 wasted
 *   LOCK_WAIT    task waits for resource `other`, held by task value
 *   LOCK_ACQUIRE task takes resource `other`
 *   LOCK_RELEASE task releases resource `other`
 *   DEADLOCK     one member of a wait-for cycle: task waits for resource
 *                `other` while holding resource value (-1: none); text =
 *                the whole cycle described; the run ends
 *   RACE         a lost update to shared variable `other`: value = what a
 *                serial update would have stored, value2 = what was stored;
 *                text = the variable's name
 *   VAR          task reads (reason 0) or writes (reason 1) shared variable
 *                `other`; value = the value read or written; text = its name
 *   RESULT       a named outcome at the end of a run: text = name,
 *                value = expected, value2 = actual
 *   HTTP_START   task starts a request; text = url
 *   HTTP_DONE    request ended; value = status (0 on transport error);
 *                value2 = bytes; text = error text or NULL
 *   TASK_STATS   OS view of a real worker thread: value = CPU ns,
 *                value2 = voluntary switches, other = involuntary switches;
 *                task -1: the one thread of a one-thread run, as it ends
 *   TASK_DONE    task finished
 *   RUN_END      the run ended; value = elapsed ns; reason = 1 if it failed
 */
#define EVENT_KINDS(X)                                                                             \
    X(RUN_START, "run_start")                                                                      \
    X(TASK_NEW, "task_new")                                                                        \
    X(RESOURCE_NEW, "resource_new")                                                                \
    X(RUN, "run")                                                                                  \
    X(YIELD, "yield")                                                                              \
    X(PREEMPT, "preempt")                                                                          \
    X(BLOCK, "block")                                                                              \
    X(WAKE, "wake")                                                                                \
    X(SWITCH, "switch")                                                                            \
    X(ITEM_START, "item_start")                                                                    \
    X(ITEM_END, "item_end")                                                                        \
    X(LOG, "log")                                                                                  \
    X(POLL, "poll")                                                                                \
    X(LOCK_WAIT, "lock_wait")                                                                      \
    X(LOCK_ACQUIRE, "lock_acquire")                                                                \
    X(LOCK_RELEASE, "lock_release")                                                                \
    X(DEADLOCK, "deadlock")                                                                        \
    X(RACE, "race")                                                                                \
    X(VAR, "var")                                                                                  \
    X(RESULT, "result")                                                                            \
    X(HTTP_START, "http_start")                                                                    \
    X(HTTP_DONE, "http_done")                                                                      \
    X(TASK_STATS, "task_stats")                                                                    \
    X(TASK_DONE, "task_done")                                                                      \
    X(RUN_END, "run_end")

enum event_kind {
#define X(name, str) EV_##name,
    EVENT_KINDS(X)
#undef X
        EV__COUNT
};

/* Why a task is blocked. */
#define BLOCK_REASONS(X)                                                                           \
    X(SLEEP, "sleep")                                                                              \
    X(IO, "io")                                                                                    \
    X(HTTP, "http")                                                                                \
    X(LOCK, "lock")                                                                                \
    X(POLL_WAIT, "poll-wait")                                                                      \
    X(QUEUE, "queue")                                                                              \
    X(EXTERNAL, "external")

enum block_reason {
#define X(name, str) BLOCK_##name,
    BLOCK_REASONS(X)
#undef X
        BLOCK__COUNT
};

/* ITEM_START reasons. */
enum { ITEM_PLAIN, ITEM_REQUEST, ITEM_CALL };

/* What a task stands for, so that summaries can name its waits: the kids'
 * calls for attention, a machine standing finished and unattended. */
#define TASK_ROLES(X) X(NONE, "none") X(ATTENTION, "attention") X(MACHINE, "machine")

enum task_role {
#define X(name, str) ROLE_##name,
    TASK_ROLES(X)
#undef X
        ROLE__COUNT
};

/* A task's state as the run model sees it. */
#define TASK_STATES(X)                                                                             \
    X(NEW, "new")                                                                                  \
    X(READY, "ready")                                                                              \
    X(RUNNING, "running")                                                                          \
    X(BLOCKED, "blocked")                                                                          \
    X(DONE, "done")

enum task_state {
#define X(name, str) TASK_##name,
    TASK_STATES(X)
#undef X
        TASK__COUNT
};

struct event {
    uint64_t seq;     /* assigned by the bus, strictly increasing */
    int64_t t;        /* scene time in nanoseconds */
    uint16_t kind;    /* enum event_kind */
    int16_t reason;   /* kind-specific, see above */
    int32_t task;     /* task id or -1 */
    int32_t cpu;      /* cpu id or -1 */
    int32_t other;    /* kind-specific, see above */
    int64_t value;    /* kind-specific */
    int64_t value2;   /* kind-specific */
    const char *text; /* borrowed for the duration of dispatch; may be NULL */
};

/* Names; NULL-safe lookups return "?" for out-of-range values. */
const char *event_kind_name(int kind);
const char *block_reason_name(int reason);
const char *task_state_name(int state);
/* Reverse lookups: return the value or -1. */
int event_kind_from_name(const char *name);
int block_reason_from_name(const char *name);

/* An event with every id field set to "none" (-1) and the rest zero.
 * Inline: the engine makes several per item. */
static inline struct event event_make(int kind, int64_t t, int task)
{
    struct event ev = {.t = t, .kind = (uint16_t)kind, .task = task, .cpu = -1, .other = -1};
    return ev;
}

/* Scene time helpers: a scene unit is 1e9 ns. */
#define UNIT_NS INT64_C(1000000000)
double units_of_ns(int64_t ns);
/* Writes ns as scene units with one decimal, exactly as printf("%.1f",
 * units_of_ns(ns)) does, into buf (n >= 24). Returns the length. */
int units_format(char *buf, size_t n, int64_t ns);

/*
 * bus: fans one event out to every attached sink, in attach order, and
 * stamps sequence numbers. Single-threaded: producers on other threads post
 * through the real runner's queue, which calls bus_emit on the UI thread.
 */
typedef void (*sink_fn)(void *ctx, const struct event *ev);
/* Optional: the sink will soon get events about task; it may start
 * loading what it keeps for it (a producer with many tasks calls this a
 * few tasks ahead, so the cache misses overlap). deep: a step's worth of
 * events is coming; else only a wake-up. */
typedef void (*sink_prefetch_fn)(void *ctx, int task, int deep);

#define BUS_MAX_SINKS 8

struct bus {
    struct {
        sink_fn fn;
        void *ctx;
        int logs; /* it reads LOG events */
        sink_prefetch_fn prefetch;
    } sinks[BUS_MAX_SINKS];
    int nsinks;
    uint64_t seq;
    /* Whoever runs the source may ask it to stop (bus_set_stop). */
    int (*stop)(void *ctx);
    void *stop_ctx;
    int stopped;
};

void bus_init(struct bus *b);
/* Attaches a sink; asserts there is room. */
void bus_attach(struct bus *b, sink_fn fn, void *ctx);
/* The same for a sink that ignores LOG events and the labels (text) of
 * ITEM_START events (the stats): a source may then skip making lines and
 * labels nobody reads (bus_wants_logs); such labels are then NULL. */
void bus_attach_nolog(struct bus *b, sink_fn fn, void *ctx);
/* Gives the sink whose ctx is ctx a prefetch function. */
void bus_attach_prefetch(struct bus *b, void *ctx, sink_prefetch_fn prefetch);
/* Tells every sink that has one that task's events are coming. */
static inline void bus_prefetch(const struct bus *b, int task, int deep)
{
    for (int i = 0; i < b->nsinks; i++)
        if (b->sinks[i].prefetch) b->sinks[i].prefetch(b->sinks[i].ctx, task, deep);
}
/* 1 if some sink reads LOG events (and item labels). */
int bus_wants_logs(const struct bus *b);
/* Detaches every sink whose ctx is ctx. */
void bus_detach(struct bus *b, void *ctx);
/* Stamps ev->seq and delivers it to every sink. */
void bus_emit(struct bus *b, struct event *ev);

/*
 * A stop request: stop(ctx) returns nonzero once the run must stop (a
 * signal, a closed pipe, the UI leaving). The engine asks every 1024
 * actions, also inside one action that runs many tasks, so even one
 * instant with a million tasks stops within milliseconds; the run is then
 * over (sim_finished), unended (no RUN_END), and sets stopped.
 */
void bus_set_stop(struct bus *b, int (*stop)(void *ctx), void *ctx);

#endif

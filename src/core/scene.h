/*
 * scene: a workload description read from an INI file with inih.
 *
 * A scene names its kind (queue, ...), its workers, its work and the
 * parameters of the strategies that may run it. Time values are scene
 * units in the file and integer nanoseconds here (one unit = 1e9 ns).
 *
 * Errors are reported as FILE:LINE through struct err. Lists may continue
 * on indented lines (inih's multi-line values); a generator key describes
 * huge workloads without listing them.
 *
 * Ownership: scene_load returns a scene owned by the caller, freed with
 * scene_free. Every string inside belongs to the scene.
 */
#ifndef JUGGLE_SCENE_H
#define JUGGLE_SCENE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define SCENE_KINDS(X)                                                                             \
    X(QUEUE, "queue")                                                                              \
    X(HOUSEHOLD, "household")                                                                      \
    X(DEADLOCK, "deadlock")                                                                        \
    X(CHECKBOOK, "checkbook")                                                                      \
    X(SERVER, "server")                                                                            \
    X(CPU, "cpu")

enum scene_kind {
#define X(name, str) SCENE_##name,
    SCENE_KINDS(X)
#undef X
        SCENE__COUNT
};

#define WORK_KINDS(X) X(COUNT, "count") X(SLEEP, "sleep") X(HTTP, "http")

enum work_kind {
#define X(name, str) WORK_##name,
    WORK_KINDS(X)
#undef X
        WORK__COUNT
};

/* Distributions for generated items. */
#define DIST_KINDS(X) X(CONST, "const") X(UNIFORM, "uniform") X(EXP, "exp")

enum dist_kind {
#define X(name, str) DIST_##name,
    DIST_KINDS(X)
#undef X
        DIST__COUNT
};

struct scene_gen {
    uint64_t count;         /* 0: no generator */
    int dist;               /* enum dist_kind */
    int64_t min, max, mean; /* in ns for sleep work, plain numbers for count work */
};

struct scene {
    char *path; /* the file as given on the command line */
    char *text; /* the whole file, so a trace can carry it */
    char *title;
    int kind;     /* enum scene_kind */
    int strategy; /* default strategy index, see strategy.h */
    uint64_t seed;

    /* Strategy parameters. */
    int cpus;              /* threads: CPUs to schedule on */
    int64_t quantum;       /* threads: time slice, ns */
    int64_t poll_interval; /* poll: time between checks, ns */
    int64_t check_cost;    /* poll: CPU cost of one check, ns */
    int64_t step;          /* count work: CPU time of one increment, ns */

    /* [workers] */
    char **workers;
    size_t nworkers;

    /* [queue] */
    int work;       /* enum work_kind */
    int64_t *items; /* count: numbers; sleep/http: ns */
    size_t nitems;
    struct scene_gen gen;
    char **urls;
    size_t nurls;
    int64_t *latency; /* per URL, ns (simulation) */
    size_t nlatency;
    int server_embedded; /* server = embedded: start the delay server, fill ${server} */
    int64_t timeout;     /* per HTTP request, ns */

    /* [household]: one parent, the kids, the laundry, the checkbook. */
    struct scene_household {
        int64_t bedtime;   /* the kids' last call comes before this */
        int64_t kid_mean;  /* mean time between calls (exponential) */
        int64_t attention; /* CPU a call needs */
        int64_t tolerance; /* how long a kid tolerates waiting */
        int64_t entries;   /* checkbook entries */
        int64_t entry;     /* CPU per entry */
        int64_t loads;     /* laundry loads */
        int64_t wash, dry; /* machine times */
        int64_t move;      /* CPU to load, move or fold a load */
    } house;

    /* [deadlock]: two parents, the washer and the dryer. */
    struct scene_deadlock {
        int64_t work; /* CPU spent on the first machine before needing the second */
        int64_t move; /* CPU with both */
        int ordered;  /* lock_order = ordered: both take the washer first */
    } dl;

    /* [checkbook]: a shared balance updated by load, compute, store. */
    struct scene_checkbook {
        int64_t balance; /* opening balance */
        int64_t check;   /* the first worker's one large check */
        int64_t bills;   /* the second worker's entries */
        int64_t amount;  /* each entry's amount */
        int64_t window;  /* time between reading and writing the balance */
        int lock;        /* lock = on: updates hold the account's lock */
        int await;       /* await_in_update = on: the window is a wait, not CPU */
    } cb;

    /* [server]: requests arriving at a rate; parse, query, render. */
    struct scene_server {
        int64_t requests;
        int64_t rate_milli; /* arrivals per 1000 scene units */
        int64_t parse, query, render;
        int64_t pool; /* workers for coop, poll and threads */
    } srv;

    /* [cpu]: digits of pi, and a ticker that wants the CPU now and then. */
    struct scene_cpu {
        int64_t digits, chunk; /* per worker, and between yield points */
        int64_t digit;         /* CPU per digit */
        int64_t tick;          /* the ticker's period */
    } cpu;

    /* Worked out at load (scene_limits.c): no run of this scene under any
     * strategy lasts longer than bound_length ns; bound_events estimates
     * (generously) how many events it emits. */
    int64_t bound_length;
    uint64_t bound_events;
};

/*
 * Limits checked once, at load. Every time value is at most
 * SCENE_MAX_UNITS; a run's worst-case length (every item end to end, plus
 * polling's checks and delays) at most SCENE_MAX_LENGTH units, so every
 * time and total stays below 2e18 ns (INT64_MAX is 9.2e18); a run emits at
 * most about SCENE_MAX_EVENTS events (a minute or so of simulation, a
 * trace of some gigabytes).
 */
#define SCENE_MAX_UNITS  100000000.0
#define SCENE_MAX_LENGTH 1000000000.0
#define SCENE_MAX_EVENTS 250000000.0

/* Defaults used when a scene does not set a parameter. */
#define SCENE_DEFAULT_QUANTUM       (2 * INT64_C(1000000000))
#define SCENE_DEFAULT_POLL_INTERVAL (1 * INT64_C(1000000000))
#define SCENE_DEFAULT_CHECK_COST    (INT64_C(10000000))
#define SCENE_DEFAULT_STEP          (1 * INT64_C(1000000000))
#define SCENE_DEFAULT_LATENCY       (INT64_C(300000000))
/* Characters a scene line may hold (a CRLF's '\r' not counted). */
#define SCENE_MAX_LINE        200
#define SCENE_DEFAULT_TIMEOUT (30 * INT64_C(1000000000))

/* Reads and validates a scene file. Returns NULL and fills e on error. */
struct scene *scene_load(const char *path, struct err *e);
/* Parses scene text; `path` is used in messages. */
struct scene *scene_parse(const char *path, const char *text, struct err *e);
void scene_free(struct scene *sc);
/* Checks sc's limits again after a caller changed its parameters (command
 * line options, the view's poll interval keys) and updates its bounds.
 * Returns 0, or fills e (FILE, no line) and returns ERR_INPUT. */
int scene_check(struct scene *sc, struct err *e);

/*
 * Resolves a scene argument: an existing path is used as is; otherwise a
 * name is looked up as DIR/NAME.ini in each scene directory (see
 * scene_dirs). Returns a malloc'd path or NULL.
 */
char *scene_resolve(const char *arg);
/* The directories searched for scenes, NULL-terminated, in order. */
const char *const *scene_dirs(void);

/* The shipped scenes: those of the first scene directory that holds any,
 * sorted by name, with their paths and titles ("(cannot be read)" where a
 * file does not parse). What `juggle scenes` lists and the picker shows. */
struct scene_catalog {
    size_t n;
    char **names, **paths, **titles;
};
/* Fills c; returns the number of scenes (0: no scene directory has any). */
size_t scene_catalog_load(struct scene_catalog *c);
void scene_catalog_free(struct scene_catalog *c);

/* Parses a duration in scene units ("15", "0.3") into ns. Returns 0, -1
 * if it is not a non-negative number, -2 if it is over SCENE_MAX_UNITS. */
int scene_parse_units(const char *s, int64_t *ns);
/* Formats ns as scene units with one decimal, as the article's Timer does. */
void scene_format_units(char *buf, size_t n, int64_t ns);

const char *scene_kind_name(int kind);
const char *work_kind_name(int work);

#endif

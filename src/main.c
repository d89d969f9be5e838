/*
 * main: the command line. Parses a subcommand and its options, loads the
 * scene, and hands over to the mode that does the work (headless, ...).
 * Only this file knows every module; it holds no logic of its own beyond
 * turning words into settings.
 *
 * Exit status: 0 success, 1 the run finished with failures or output could
 * not be written, 2 bad usage or bad input (one line on stderr: "juggle:
 * FILE:LINE: what is wrong").
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/scene.h"
#include "core/strategy.h"
#include "core/trace.h"
#include "core/xalloc.h"
#include "cmd_serve.h"
#include "exec/real.h"
#include "headless/compare_python.h"
#include "headless/headless.h"
#include "headless/printer.h"
#include "headless/watch_run.h"
#include "ui/tui.h"

#ifndef JUGGLE_VERSION
#error "JUGGLE_VERSION comes from the Makefile's VERSION"
#endif

static const char usage_text[] =
    "usage: juggle [SCENE]                  the interactive view (scene picker without SCENE)\n"
    "       juggle run SCENE [-s|--strategy sync|coop|poll|threads|loop]\n"
    "                  [--headless [--summary | --json]] [--real [--time-scale F]]\n"
    "                  [--cpus N] [--quantum U] [--poll-interval U] [--check-cost U]\n"
    "                  [--seed N] [--http-timeout U] [--record FILE]\n"
    "                  [--dump-screen COLSxROWS --at U] [--svg OUT.svg]\n"
    "       juggle compare SCENE [--json]   every strategy on the same workload\n"
    "       juggle compare SCENE [-s STRATEGY] [--time-scale F] [--json]\n"
    "                  --with-python PROG.py [ARGS...]   the scene beside its Python program\n"
    "       juggle scenes                   the shipped scenes, one line each\n"
    "       juggle strategies               the strategies: key, name, what it does\n"
    "       juggle replay FILE [--headless [--summary | --json]]   a recorded run\n"
    "                  [--dump-screen COLSxROWS --at U]\n"
    "       juggle export FILE --chrome OUT.json   for Perfetto / chrome://tracing\n"
    "       juggle export FILE --svg OUT.svg [--dump-screen COLSxROWS]   a picture of the view\n"
    "       juggle serve [--port N]         the delay server on loopback\n"
    "       juggle watch [--record FILE] [--headless [--summary | --json]]\n"
    "                  -- python3 PROG.py [ARGS...]   a real Python program, traced\n"
    "       juggle --help | --version\n"
    "\n"
    "SCENE is a path, or a name looked up in scenes/ (juggle run sleep = scenes/sleep.ini).\n"
    "Times (U) are in scene units. Exit status: 0 ok, 1 the run had failures, 2 bad input.\n";

struct options {
    const char *scene_arg;
    int strategy; /* -1: the scene's default */
    int headless;
    int format;
    int json;
    int cpus;
    int64_t quantum, poll_interval, check_cost;
    int have_seed;
    uint64_t seed;
    int real;
    double time_scale;
    int64_t http_timeout;
    const char *record;
    int dump, cols, rows;
    int64_t at;
    int port;
    const char *chrome;
    const char *svg;
};

/*
 * Output errors are errors: whatever a command printed must have reached
 * stdout. Called with the command's exit status on every way out; a failed
 * write turns success into 1 with one line, except a closed pipe
 * (`juggle ... | head -1`), which ends quietly with 1: the reader left on
 * purpose.
 */
static int finish_stdout(int rc)
{
    int bad = fflush(stdout) != 0 ? errno : 0;
    if (!bad && ferror(stdout)) bad = printer_error() ? printer_error() : EIO;
    if (!bad) return rc;
    if (bad != EPIPE) fprintf(stderr, "juggle: write error: %s\n", strerror(bad));
    return rc == 2 ? 2 : 1;
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "juggle: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see 'juggle --help')\n");
    va_end(ap);
    return 2;
}

static int parse_units_opt(const char *name, const char *arg, int64_t *out, int positive)
{
    if (scene_parse_units(arg, out) || (positive && *out <= 0)) {
        fprintf(stderr, "juggle: %s: '%s' is not a %stime in scene units\n", name, arg,
                positive ? "positive " : "");
        return -1;
    }
    return 0;
}

enum {
    OPT_HEADLESS = 256,
    OPT_SUMMARY,
    OPT_JSON,
    OPT_CPUS,
    OPT_QUANTUM,
    OPT_POLL_INTERVAL,
    OPT_CHECK_COST,
    OPT_SEED,
    OPT_REAL,
    OPT_TIME_SCALE,
    OPT_HTTP_TIMEOUT,
    OPT_RECORD,
    OPT_DUMP_SCREEN,
    OPT_AT,
    OPT_PORT,
    OPT_CHROME,
    OPT_SVG,
};

static const struct option long_opts[] = {
    {"strategy", required_argument, NULL, 's'},
    {"headless", no_argument, NULL, OPT_HEADLESS},
    {"summary", no_argument, NULL, OPT_SUMMARY},
    {"json", no_argument, NULL, OPT_JSON},
    {"cpus", required_argument, NULL, OPT_CPUS},
    {"quantum", required_argument, NULL, OPT_QUANTUM},
    {"poll-interval", required_argument, NULL, OPT_POLL_INTERVAL},
    {"check-cost", required_argument, NULL, OPT_CHECK_COST},
    {"seed", required_argument, NULL, OPT_SEED},
    {"real", no_argument, NULL, OPT_REAL},
    {"time-scale", required_argument, NULL, OPT_TIME_SCALE},
    {"http-timeout", required_argument, NULL, OPT_HTTP_TIMEOUT},
    {"record", required_argument, NULL, OPT_RECORD},
    {"dump-screen", required_argument, NULL, OPT_DUMP_SCREEN},
    {"at", required_argument, NULL, OPT_AT},
    {"port", required_argument, NULL, OPT_PORT},
    {"chrome", required_argument, NULL, OPT_CHROME},
    {"svg", required_argument, NULL, OPT_SVG},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Parses the options after the subcommand. Returns 0, or 2 on bad usage. */
/* The options that carry a number: 0, or 2 after a usage error. */
static int parse_number_opt(int c, const char *arg, struct options *o)
{
    char *end;
    switch (c) {
    case OPT_CPUS: {
        long n = strtol(arg, &end, 10);
        if (*end || n < 1 || n > 1024)
            return usage_error("--cpus: '%s' is not a number from 1 to 1024", arg);
        o->cpus = (int)n;
        return 0;
    }
    case OPT_SEED: {
        errno = 0;
        unsigned long long v = strtoull(arg, &end, 10);
        if (*end || errno || arg[0] == '-')
            return usage_error("--seed: '%s' is not a whole number", arg);
        o->seed = v;
        o->have_seed = 1;
        return 0;
    }
    case OPT_TIME_SCALE: {
        double f = strtod(arg, &end);
        if (*end || end == arg || !(f > 0))
            return usage_error("--time-scale: '%s' is not a positive number", arg);
        /* Below 1e-4 a real run's scene clock (real time / scale) could pass
         * the int64-nanosecond range within days. */
        if (f < 1e-4 || f > 1e6)
            return usage_error("--time-scale: '%s' is outside 0.0001 to 1000000", arg);
        o->time_scale = f;
        return 0;
    }
    case OPT_DUMP_SCREEN: {
        int cols, rows;
        char tail;
        if (sscanf(arg, "%dx%d%c", &cols, &rows, &tail) != 2 || cols < 1 || rows < 1 ||
            cols > 1000 || rows > 1000)
            return usage_error("--dump-screen: '%s' is not COLSxROWS (e.g. 120x40)", arg);
        o->dump = 1;
        o->cols = cols;
        o->rows = rows;
        return 0;
    }
    case OPT_PORT: {
        long n = strtol(arg, &end, 10);
        if (*end || n < 0 || n > 65535)
            return usage_error("--port: '%s' is not a port number (0-65535)", arg);
        o->port = (int)n;
        return 0;
    }
    case OPT_QUANTUM: return parse_units_opt("--quantum", arg, &o->quantum, 1) ? 2 : 0;
    case OPT_POLL_INTERVAL:
        return parse_units_opt("--poll-interval", arg, &o->poll_interval, 1) ? 2 : 0;
    case OPT_CHECK_COST: return parse_units_opt("--check-cost", arg, &o->check_cost, 0) ? 2 : 0;
    case OPT_HTTP_TIMEOUT:
        return parse_units_opt("--http-timeout", arg, &o->http_timeout, 1) ? 2 : 0;
    case OPT_AT: return parse_units_opt("--at", arg, &o->at, 0) ? 2 : 0;
    }
    return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
    memset(o, 0, sizeof *o);
    o->strategy = -1;
    o->quantum = o->poll_interval = o->check_cost = -1;
    o->time_scale = 1.0;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":s:h", long_opts, NULL)) != -1) {
        switch (c) {
        case 's':
            o->strategy = strategy_find(optarg);
            if (o->strategy < 0)
                return usage_error("unknown strategy '%s' (known: %s)", optarg, strategy_list());
            break;
        case OPT_HEADLESS: o->headless = 1; break;
        case OPT_SUMMARY: o->format = HEADLESS_SUMMARY; break;
        case OPT_JSON:
            o->format = HEADLESS_JSON;
            o->json = 1;
            break;
        case OPT_REAL: o->real = 1; break;
        case OPT_RECORD: o->record = optarg; break;
        case OPT_CHROME: o->chrome = optarg; break;
        case OPT_SVG: o->svg = optarg; break;
        case 'h': fputs(usage_text, stdout); exit(finish_stdout(0));
        case ':': return usage_error("option '%s' needs a value", argv[optind - 1]);
        case '?': return usage_error("unknown option '%s'", argv[optind - 1]);
        default:
            if (parse_number_opt(c, optarg, o)) return 2;
        }
    }
    if (optind < argc) o->scene_arg = argv[optind++];
    if (optind < argc) return usage_error("unexpected argument '%s'", argv[optind]);
    return 0;
}

/* Loads the scene named on the command line and applies overrides. */
static struct scene *load_scene(const struct options *o)
{
    if (!o->scene_arg) {
        usage_error("%s", "which scene? (try 'juggle scenes')");
        return NULL;
    }
    char *path = scene_resolve(o->scene_arg);
    struct err e;
    if (!path && access(o->scene_arg, F_OK) == 0) {
        /* It is there but cannot be read: say why (permission denied). */
        path = xstrdup(o->scene_arg);
    } else if (!path) {
        fprintf(stderr, "juggle: %s: no such scene file or shipped scene (try 'juggle scenes')\n",
                o->scene_arg);
        return NULL;
    }
    if (trace_sniff(path)) {
        fprintf(stderr,
                "juggle: %s:1: this is a juggle trace, not a scene: use 'juggle replay %s'\n", path,
                path);
        free(path);
        return NULL;
    }
    struct scene *sc = scene_load(path, &e);
    free(path);
    if (!sc) {
        err_print(&e);
        return NULL;
    }
    if (o->cpus) sc->cpus = o->cpus;
    if (o->quantum >= 0) sc->quantum = o->quantum;
    if (o->poll_interval >= 0) sc->poll_interval = o->poll_interval;
    if (o->check_cost >= 0) sc->check_cost = o->check_cost;
    if (o->have_seed) sc->seed = o->seed;
    if (scene_check(sc, &e)) { /* the options may make the run endless */
        err_print(&e);
        scene_free(sc);
        return NULL;
    }
    return sc;
}

/* The view and screen dumps draw on stdout: a trace cannot go there too. */
static int screen_owns_stdout(const struct options *o)
{
    if (!o->record || strcmp(o->record, "-") != 0) return 0;
    usage_error("%s", "--record -: standard output holds the screen; record to a file");
    return 1;
}

static int cmd_run(int argc, char **argv)
{
    struct options o;
    int rc = parse_options(argc, argv, &o);
    if (rc) return rc;
    struct scene *sc = load_scene(&o);
    if (!sc) return 2;
    int strategy = o.strategy >= 0 ? o.strategy : sc->strategy;
    if (o.http_timeout > 0) sc->timeout = o.http_timeout;
    if (o.dump && o.real) {
        scene_free(sc);
        return usage_error("%s",
                           "--dump-screen shows a simulated run; it cannot be used with --real");
    }
    if ((o.dump || !o.headless) && !o.svg && screen_owns_stdout(&o)) {
        scene_free(sc);
        return 2;
    }
    /* The screen dump replays the run at --at; the recording is the same
     * (deterministic) run, recorded whole first. */
    if (o.dump && o.record &&
        (rc = headless_run(sc, strategy, HEADLESS_LINES, o.record, NULL, NULL))) {
        scene_free(sc);
        return rc;
    }
    if (o.svg) {
        struct tui_opts to = {.sc = sc,
                              .strategy = strategy,
                              .time_scale = 1.0,
                              .cols = o.cols,
                              .rows = o.rows,
                              .at = o.at};
        rc = tui_svg(&to, o.svg);
    } else if (o.dump || !o.headless) {
        struct tui_opts to = {
            .sc = sc,
            .strategy = strategy,
            .real = o.real,
            .time_scale = o.time_scale,
            .http_timeout = o.http_timeout,
            .record = o.record,
            .cols = o.cols,
            .rows = o.rows,
            .at = o.at,
        };
        rc = o.dump ? tui_dump_screen(&to, stdout) : tui_main(&to);
    } else {
        struct real_opts ro = {.time_scale = o.time_scale, .http_timeout = o.http_timeout};
        rc = headless_run(sc, strategy, o.format, o.record, o.real ? &ro : NULL, stdout);
    }
    scene_free(sc);
    return rc;
}

/* `juggle compare SCENE [--json]`: every strategy. With `--with-python
 * [python3] PROG.py [ARGS...]` (the words after it are the program's):
 * the scene under -s or its default beside the program, traced, at
 * --time-scale real seconds per scene unit. */
static int cmd_compare(int argc, char **argv)
{
    int at = 1;
    while (at < argc && strcmp(argv[at], "--with-python"))
        at++;
    struct options o;
    int rc = parse_options(at, argv, &o);
    if (rc) return rc;
    if (at < argc && at + 1 == argc)
        return usage_error("%s", "--with-python needs a program: --with-python PROG.py [ARGS...]");
    struct scene *sc = load_scene(&o);
    if (!sc) return 2;
    if (at < argc) {
        const char *w = strrchr(argv[at + 1], '/');
        w = w ? w + 1 : argv[at + 1];
        int interp = strncmp(w, "python", 6) == 0 && !strstr(w, ".py");
        char **prog = xcalloc((size_t)(argc - at + 1), sizeof *prog);
        prog[0] = "python3";
        memcpy(prog + !interp, argv + at + 1, (size_t)(argc - at - 1) * sizeof *prog);
        rc = headless_compare_python(sc, o.strategy >= 0 ? o.strategy : sc->strategy, o.time_scale,
                                     prog, o.json, stdout);
        free(prog);
    } else {
        rc = headless_compare(sc, o.json, stdout);
    }
    scene_free(sc);
    return rc;
}

/* Lists NAME  TITLE for every scene in the first scene directory that has any. */
static int cmd_scenes(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) return usage_error("%s", "'scenes' takes no arguments");
    struct scene_catalog c;
    if (!scene_catalog_load(&c)) {
        fprintf(stderr, "juggle: no scenes directory found\n");
        return 2;
    }
    for (size_t i = 0; i < c.n; i++)
        printf("%-16s %s\n", c.names[i], c.titles[i]);
    scene_catalog_free(&c);
    return 0;
}

/* Lists KEY NAME  TITLE for every strategy, from the registry. */
static int cmd_strategies(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) return usage_error("%s", "'strategies' takes no arguments");
    for (int i = 0; i < STRATEGY_COUNT; i++)
        printf("%c %-8s %s\n", strategies[i]->key, strategies[i]->name, strategies[i]->title);
    return 0;
}

/* `juggle replay FILE`: the TUI on a trace, or its printed lines headless. */
static int cmd_replay(int argc, char **argv)
{
    struct options o;
    int rc = parse_options(argc, argv, &o);
    if (rc) return rc;
    if (!o.scene_arg) return usage_error("%s", "replay needs a trace file");
    if (o.dump) {
        struct tui_opts to = {
            .replay = o.scene_arg, .time_scale = 1.0, .cols = o.cols, .rows = o.rows, .at = o.at};
        return tui_dump_screen(&to, stdout);
    }
    if (o.headless) return headless_replay(o.scene_arg, o.format, stdout);
    struct tui_opts to = {.replay = o.scene_arg, .strategy = 0, .time_scale = 1.0};
    return tui_main(&to);
}

/* `juggle export FILE --chrome OUT.json`. */
static int cmd_export(int argc, char **argv)
{
    struct options o;
    int rc = parse_options(argc, argv, &o);
    if (rc) return rc;
    if (!o.scene_arg) return usage_error("%s", "export needs a trace file");
    if (!o.chrome && !o.svg)
        return usage_error("%s", "export needs --chrome OUT.json or --svg OUT.svg");
    if (o.svg) {
        rc = headless_export_svg(o.scene_arg, o.svg, o.cols, o.rows);
        if (rc || !o.chrome) return rc;
    }
    return headless_export_chrome(o.scene_arg, o.chrome);
}

static int cmd_serve(int argc, char **argv)
{
    struct options o;
    int rc = parse_options(argc, argv, &o);
    if (rc) return rc;
    if (o.scene_arg) return usage_error("unexpected argument '%s'", o.scene_arg);
    return serve_main(o.port);
}

/* Whether the option word arg is one whose value is the next word. */
static int takes_value(const char *arg)
{
    if (strcmp(arg, "-s") == 0) return 1;
    if (strncmp(arg, "--", 2) || strchr(arg, '=')) return 0;
    for (const struct option *o = long_opts; o->name; o++)
        if (strcmp(arg + 2, o->name) == 0) return o->has_arg == required_argument;
    return 0;
}

/* `juggle watch [OPTIONS] -- python3 PROG.py [ARGS...]`: the options end
 * at "--" or at the first word that is not one. */
static int cmd_watch(int argc, char **argv)
{
    int at = 1;
    while (at < argc && strcmp(argv[at], "--") && argv[at][0] == '-')
        at += takes_value(argv[at]) ? 2 : 1;
    if (at > argc) at = argc;
    struct options o;
    int rc = parse_options(at, argv, &o);
    if (rc) return rc;
    if (o.scene_arg || o.strategy >= 0 || o.real || o.dump || o.cpus || o.have_seed || o.port ||
        o.chrome || o.http_timeout || o.time_scale != 1.0 || o.quantum >= 0 ||
        o.poll_interval >= 0 || o.check_cost >= 0)
        return usage_error("%s", "watch takes --record FILE, --headless, --summary and --json "
                                 "before -- python3 PROG.py");
    if (at < argc && strcmp(argv[at], "--") == 0) at++;
    if (at >= argc)
        return usage_error("%s", "watch needs a program: juggle watch -- python3 PROG.py");
    if (!o.headless) {
        struct tui_opts to = {.watch = argv + at, .record = o.record, .time_scale = 1.0};
        return tui_main(&to);
    }
    return headless_watch(argv + at, o.record, o.format, stdout);
}

/* `juggle` and `juggle SCENE`: the interactive view. */
static int cmd_tui(int argc, char **argv)
{
    struct options o;
    int rc = parse_options(argc, argv, &o);
    if (rc) return rc;
    if (screen_owns_stdout(&o)) return 2;
    struct scene *sc = NULL;
    if (o.scene_arg && !(sc = load_scene(&o))) return 2;
    struct tui_opts to = {
        .sc = sc,
        .strategy = o.strategy >= 0 ? o.strategy
                    : sc            ? sc->strategy
                                    : 0,
        .real = o.real,
        .time_scale = o.time_scale,
        .http_timeout = o.http_timeout,
        .record = o.record,
    };
    rc = tui_main(&to);
    scene_free(sc);
    return rc;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) return cmd_tui(argc, argv);
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("juggle %s\n", JUGGLE_VERSION);
        return 0;
    }
    if (strcmp(cmd, "run") == 0) return cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "compare") == 0) return cmd_compare(argc - 1, argv + 1);
    if (strcmp(cmd, "scenes") == 0) return cmd_scenes(argc - 1, argv + 1);
    if (strcmp(cmd, "strategies") == 0) return cmd_strategies(argc - 1, argv + 1);
    if (strcmp(cmd, "serve") == 0) return cmd_serve(argc - 1, argv + 1);
    if (strcmp(cmd, "replay") == 0) return cmd_replay(argc - 1, argv + 1);
    if (strcmp(cmd, "export") == 0) return cmd_export(argc - 1, argv + 1);
    if (strcmp(cmd, "watch") == 0) return cmd_watch(argc - 1, argv + 1);
    char *path = cmd[0] == '-' ? NULL : scene_resolve(cmd);
    free(path);
    if (cmd[0] == '-' || path) return cmd_tui(argc, argv);
    fprintf(stderr, "juggle: unknown command or scene '%s' (try 'juggle --help')\n", cmd);
    return 2;
}

int main(int argc, char **argv)
{
    /* Broken pipes and files over `ulimit -f` become write errors (EPIPE,
     * EFBIG) that are reported, instead of killing the process mid-write. */
    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN);
    return finish_stdout(dispatch(argc, argv));
}

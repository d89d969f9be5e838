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
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/outfile.h"
#include "core/scene.h"
#include "core/strategy.h"
#include "core/trace.h"
#include "core/xalloc.h"
#include "cmd_options.h"
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

const char usage_text[] =
    "usage: juggle [SCENE]                  the interactive view (scene picker without SCENE)\n"
    "       juggle run SCENE [-s|--strategy sync|coop|poll|threads|loop]\n"
    "                  [--headless [--summary | --json]] [--real [--time-scale F]]\n"
    "                  [--cpus N] [--quantum U] [--poll-interval U] [--check-cost U]\n"
    "                  [--seed N] [--http-timeout U] [--record FILE]\n"
    "                  [--dump-screen COLSxROWS --at U] [--svg OUT.svg]\n"
    "       juggle compare SCENE [--json]   every strategy on the same workload\n"
    "                  [--cpus N] [--quantum U] [--poll-interval U] [--check-cost U] [--seed N]\n"
    "       juggle compare SCENE [-s STRATEGY] [--time-scale F] [--json] [--cpus N ...]\n"
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
    "juggle SCENE takes no options: juggle run SCENE opens the same view with them.\n"
    "Times (U) are in scene units. Exit status: 0 ok, 1 the run had failures, 2 bad input.\n";

/*
 * Output errors are errors: whatever a command printed must have reached
 * stdout. Called with the command's exit status on every way out; a failed
 * write turns success into 1 with one line, except a closed pipe
 * (`juggle ... | head -1`), which ends quietly with 1: the reader left on
 * purpose.
 */
int finish_stdout(int rc)
{
    int bad = fflush(stdout) != 0 ? errno : 0;
    if (!bad && ferror(stdout)) bad = printer_error() ? printer_error() : EIO;
    if (bad == EIO) {
        /* A write whose errno was not kept (the summary's): a pipe whose
         * reader has gone says so (POLLERR), and that is EPIPE. */
        struct pollfd p = {.fd = STDOUT_FILENO, .events = 0};
        if (poll(&p, 1, 0) == 1 && (p.revents & POLLERR)) bad = EPIPE;
    }
    if (!bad) return rc;
    if (bad != EPIPE) fprintf(stderr, "juggle: write error: %s\n", strerror(bad));
    return rc == 2 ? 2 : 1;
}

/*
 * The scene passed its own checks when loaded, so a refusal after the
 * options changed it is the options' doing: "juggle: --OPT VALUE: msg",
 * naming the options whose key msg mentions (all scene options if none).
 */
static void blame_options(const struct options *o, const char *msg)
{
    static const struct {
        unsigned bit;
        const char *opt, *key;
    } opts[] = {
        {OPT_B_CPUS, "--cpus", "cpus"},
        {OPT_B_QUANTUM, "--quantum", "quantum"},
        {OPT_B_POLL_INTERVAL, "--poll-interval", "poll_interval"},
        {OPT_B_CHECK_COST, "--check-cost", "check_cost"},
        {OPT_B_SEED, "--seed", "seed"},
    };
    int named = 0;
    for (size_t i = 0; i < sizeof opts / sizeof *opts; i++)
        named |= (o->seen & opts[i].bit) && strstr(msg, opts[i].key);
    fputs("juggle: ", stderr);
    const char *sep = "";
    for (size_t i = 0; i < sizeof opts / sizeof *opts; i++) {
        if (!(o->seen & opts[i].bit) || (named && !strstr(msg, opts[i].key))) continue;
        fprintf(stderr, "%s%s %s", sep, opts[i].opt, o->word[__builtin_ctz(opts[i].bit)]);
        sep = " ";
    }
    fprintf(stderr, ": %s\n", msg);
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
    /* The run's HTTP timeout, simulated (work_queue.c) and real alike. */
    if (o->http_timeout > 0) sc->timeout = o->http_timeout;
    if (scene_check(sc, &e)) { /* the options may make the run endless */
        blame_options(o, e.msg);
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

/*
 * The options of `run`, `replay` and `watch` that cannot go together,
 * refused before anything runs: --summary and --json shape printed lines
 * (they need --headless); the screen dump prints the view's screen, not
 * lines (not --headless); --at picks the instant of a picture or a dump.
 */
static int shape_conflicts(const struct options *o)
{
    if ((o->seen & (OPT_B_SUMMARY | OPT_B_JSON)) && !o->headless)
        return usage_error("%s goes with --headless (it shapes the printed lines)",
                           o->json ? "--json" : "--summary");
    if (o->dump && o->headless)
        return usage_error("%s", "--dump-screen prints the view's screen, not printed lines; it "
                                 "cannot be used with --headless");
    if ((o->seen & OPT_B_AT) && !o->svg && !o->dump)
        return usage_error("%s", "--at goes with --dump-screen or --svg (the instant shown)");
    return 0;
}

/*
 * And of `run` alone: the picture and the screen dump draw a simulated run
 * (not --real) and the picture prints no lines (not --headless); two
 * outputs on one file would leave only one.
 */
static int run_conflicts(const struct options *o)
{
    const char *what = o->svg ? "--svg" : "--dump-screen";
    if ((o->svg || o->dump) && o->real)
        return usage_error("%s shows a simulated run; it cannot be used with --real", what);
    if (o->svg && o->headless)
        return usage_error("%s", "--svg draws a picture, not printed lines; it cannot be used "
                                 "with --headless");
    if (shape_conflicts(o)) return 2;
    /* Without --real only the view has a use for the pace: its real runs
     * (the m key). */
    if ((o->seen & OPT_B_TIME_SCALE) && !o->real && (o->headless || o->svg || o->dump))
        return usage_error("%s", "--time-scale goes with --real (real seconds per scene unit)");
    if (o->svg && o->record && outfile_same(o->svg, o->record))
        return usage_error("--svg and --record name the same file (%s)", o->svg);
    return 0;
}

static int cmd_run(int argc, char **argv)
{
    struct options o;
    int rc = parse_options(argc, argv, "run", ~(unsigned)(OPT_B_PORT | OPT_B_CHROME), &o);
    if (rc || (rc = run_conflicts(&o))) return rc;
    if (o.record && outfile_is_stdout(o.record)) o.record = "-"; /* --record /dev/stdout */
    struct scene *sc = load_scene(&o);
    if (!sc) return 2;
    int strategy = o.strategy >= 0 ? o.strategy : sc->strategy;
    if ((o.dump || !o.headless) && !o.svg && screen_owns_stdout(&o)) {
        scene_free(sc);
        return 2;
    }
    /* The screen dump and the picture replay the run at --at; the recording
     * is the same (deterministic) run, recorded whole first, once the
     * picture's file is known to be writable. */
    const char *avoid[] = {sc->path, NULL};
    struct err e;
    if (o.svg && o.record && outfile_check(o.svg, avoid, &e)) {
        err_print(&e);
        rc = 2;
    } else if ((o.dump || o.svg) && o.record) {
        rc = headless_run(sc, strategy, HEADLESS_LINES, o.record, NULL, NULL);
    }
    if (rc) {
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
    int rc = parse_options(at, argv, "compare",
                           OPT_B_JSON | OPT_B_STRATEGY | OPT_B_TIME_SCALE | OPT_B_SCENE, &o);
    if (rc) return rc;
    if (at == argc && (o.seen & (OPT_B_STRATEGY | OPT_B_TIME_SCALE)))
        return usage_error("%s", "compare runs every strategy: -s and --time-scale go with "
                                 "--with-python PROG.py");
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
    int rc = parse_options(
        argc, argv, "replay",
        OPT_B_HEADLESS | OPT_B_SUMMARY | OPT_B_JSON | OPT_B_DUMP_SCREEN | OPT_B_AT, &o);
    if (rc || (rc = shape_conflicts(&o))) return rc;
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
    int rc = parse_options(argc, argv, "export", OPT_B_CHROME | OPT_B_SVG | OPT_B_DUMP_SCREEN, &o);
    if (rc) return rc;
    if (!o.scene_arg) return usage_error("%s", "export needs a trace file");
    if (!o.chrome && !o.svg)
        return usage_error("%s", "export needs --chrome OUT.json or --svg OUT.svg");
    if (o.dump && !o.svg)
        return usage_error("%s", "--dump-screen sizes the --svg picture: it goes with --svg");
    if (o.chrome && o.svg && outfile_same(o.chrome, o.svg))
        return usage_error("--chrome and --svg name the same file (%s)", o.svg);
    /* Both outputs are checked before either is written. */
    const char *avoid[] = {o.scene_arg, NULL};
    struct err e;
    if (o.chrome && o.svg && outfile_check(o.chrome, avoid, &e)) {
        err_print(&e);
        return 2;
    }
    if (o.svg) {
        rc = headless_export_svg(o.scene_arg, o.svg, o.cols, o.rows);
        if (rc || !o.chrome) return rc;
    }
    return headless_export_chrome(o.scene_arg, o.chrome);
}

static int cmd_serve(int argc, char **argv)
{
    struct options o;
    int rc = parse_options(argc, argv, "serve", OPT_B_PORT, &o);
    if (rc) return rc;
    if (o.scene_arg) return usage_error("unexpected argument '%s'", o.scene_arg);
    return serve_main(o.port);
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
    int rc = parse_options(at, argv, "watch",
                           OPT_B_RECORD | OPT_B_HEADLESS | OPT_B_SUMMARY | OPT_B_JSON, &o);
    if (rc || (rc = shape_conflicts(&o))) return rc;
    if (o.record && outfile_is_stdout(o.record)) o.record = "-"; /* --record /dev/stdout */
    if (o.scene_arg)
        return usage_error("%s", "watch takes --record FILE, --headless, --summary and --json "
                                 "before -- python3 PROG.py");
    if (at < argc && strcmp(argv[at], "--") == 0) at++;
    if (at >= argc)
        return usage_error("%s", "watch needs a program: juggle watch -- python3 PROG.py");
    if (!o.headless && screen_owns_stdout(&o)) return 2;
    if (!o.headless) {
        struct tui_opts to = {.watch = argv + at, .record = o.record, .time_scale = 1.0};
        return tui_main(&to);
    }
    return headless_watch(argv + at, o.record, o.format, stdout);
}

/* `juggle` and `juggle SCENE`: the interactive view. It takes no options:
 * `juggle run SCENE` opens the same view with them. */
static int cmd_tui(int argc, char **argv)
{
    struct options o;
    int rc = parse_options(argc, argv, "the view (juggle SCENE)", 0, &o);
    if (rc) return rc;
    struct scene *sc = NULL;
    if (o.scene_arg && !(sc = load_scene(&o))) return 2;
    struct tui_opts to = {.sc = sc, .strategy = sc ? sc->strategy : 0, .time_scale = 1.0};
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

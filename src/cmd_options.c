/*
 * cmd_options: see cmd_options.h. getopt_long does the words; this file
 * checks each value (numbers, times, sizes, a value that is really the
 * next option) and which options the command honours.
 */
#include "cmd_options.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/scene.h"
#include "core/strategy.h"
#include "headless/headless.h"

int usage_error(const char *fmt, ...)
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

/* Whether s is a plain decimal number, as scene numbers are: digits, a
 * point, an exponent, no sign of a hex ("0x1p-7"), "inf" or "nan". */
static int decimal(const char *s, const char *chars)
{
    return *s && strspn(s, chars) == strlen(s);
}
#define DIGITS "0123456789"

/* The options that carry a number: 0, or 2 after a usage error. */
static int parse_number_opt(int c, const char *arg, struct options *o)
{
    char *end;
    switch (c) {
    case OPT_CPUS: {
        long n = decimal(arg, DIGITS) ? strtol(arg, &end, 10) : 0;
        if (n < 1 || n > 1024)
            return usage_error("--cpus: '%s' is not a number from 1 to 1024", arg);
        o->cpus = (int)n;
        return 0;
    }
    case OPT_SEED: {
        errno = 0;
        unsigned long long v = strtoull(arg, &end, 10);
        if (*end || end == arg || errno || !decimal(arg, DIGITS))
            return usage_error("--seed: '%s' is not a whole number", arg);
        o->seed = v;
        o->have_seed = 1;
        return 0;
    }
    case OPT_TIME_SCALE: {
        double f = decimal(arg, DIGITS ".eE+-") ? strtod(arg, &end) : 0;
        if (!(f > 0) || *end)
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
        if (!decimal(arg, DIGITS "x") || sscanf(arg, "%dx%d%c", &cols, &rows, &tail) != 2 ||
            cols < 1 || rows < 1 || cols > 1000 || rows > 1000)
            return usage_error("--dump-screen: '%s' is not COLSxROWS (e.g. 120x40)", arg);
        o->dump = 1;
        o->cols = cols;
        o->rows = rows;
        return 0;
    }
    case OPT_PORT: {
        long n = decimal(arg, DIGITS) ? strtol(arg, &end, 10) : -1;
        if (n < 0 || n > 65535)
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

/* The option as named in messages: "-s", or "--NAME". */
static const char *opt_name(int c, int index, char *buf, size_t n)
{
    if (index < 0)
        snprintf(buf, n, "-%c", c);
    else
        snprintf(buf, n, "--%s", long_opts[index].name);
    return buf;
}

/*
 * A value must be there: not empty, and not the next option swallowed
 * (`--svg --headless` means a forgotten file name, not a file named
 * "--headless"; `--svg=--x` says it on purpose). A lone "-" is a value.
 */
static int check_value(const char *name, char **argv)
{
    if (!optarg[0]) return usage_error("option '%s' needs a value, not an empty word", name);
    if (optarg == argv[optind - 1] && strncmp(optarg, "--", 2) == 0)
        return usage_error("option '%s' needs a value ('%s' is an option)", name, optarg);
    return 0;
}

/* One option word: 0, or 2 after a usage error. */
static int take_option(int c, int index, const char *cmd, unsigned allowed, char **argv,
                       struct options *o)
{
    char name[64];
    opt_name(c, index, name, sizeof name);
    unsigned bit = index >= 0 ? 1u << index : OPT_B_STRATEGY;
    if (!(allowed & bit) && strcmp(cmd, "watch") == 0)
        return usage_error("watch does not take %s: watch takes --record FILE, --headless, "
                           "--summary and --json before -- python3 PROG.py",
                           name);
    if (!(allowed & bit) && allowed == 0 && strncmp(cmd, "the view", 8) == 0)
        return usage_error("the view (juggle SCENE) does not take %s: options go with 'juggle run "
                           "SCENE', which opens the same view",
                           name);
    if (!(allowed & bit)) return usage_error("%s does not take %s", cmd, name);
    o->seen |= bit;
    if (optarg && check_value(name, argv)) return 2;
    if (index >= 0) o->word[index] = optarg;
    switch (c) {
    case 's':
        o->strategy = strategy_find(optarg);
        if (o->strategy < 0)
            return usage_error("unknown strategy '%s' (known: %s)", optarg, strategy_list());
        return 0;
    case OPT_HEADLESS: o->headless = 1; return 0;
    case OPT_SUMMARY: o->format = HEADLESS_SUMMARY; return 0;
    case OPT_JSON:
        o->format = HEADLESS_JSON;
        o->json = 1;
        return 0;
    case OPT_REAL: o->real = 1; return 0;
    case OPT_RECORD: o->record = optarg; return 0;
    case OPT_CHROME: o->chrome = optarg; return 0;
    case OPT_SVG: o->svg = optarg; return 0;
    default: return parse_number_opt(c, optarg, o);
    }
}

int parse_options(int argc, char **argv, const char *cmd, unsigned allowed, struct options *o)
{
    memset(o, 0, sizeof *o);
    o->strategy = -1;
    o->quantum = o->poll_interval = o->check_cost = -1;
    o->time_scale = 1.0;
    opterr = 0;
    optind = 1;
    int c, index = -1;
    while ((c = getopt_long(argc, argv, ":s:h", long_opts, &index)) != -1) {
        if (c == 'h') {
            fputs(usage_text, stdout);
            exit(finish_stdout(0));
        }
        if (c == ':') return usage_error("option '%s' needs a value", argv[optind - 1]);
        if (c == '?') return usage_error("unknown option '%s'", argv[optind - 1]);
        if (take_option(c, index, cmd, allowed, argv, o)) return 2;
        index = -1;
    }
    if ((o->seen & OPT_B_SUMMARY) && (o->seen & OPT_B_JSON))
        return usage_error("%s", "--summary and --json cannot be used together: pick one");
    if (optind < argc) o->scene_arg = argv[optind++];
    if (optind < argc) return usage_error("unexpected argument '%s'", argv[optind]);
    return 0;
}

/* Whether the option word arg is one whose value is the next word. */
int takes_value(const char *arg)
{
    if (strcmp(arg, "-s") == 0) return 1;
    if (strncmp(arg, "--", 2) || strchr(arg, '=')) return 0;
    for (const struct option *o = long_opts; o->name; o++)
        if (strcmp(arg + 2, o->name) == 0) return o->has_arg == required_argument;
    return 0;
}

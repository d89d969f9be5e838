/*
 * cmd_options: the options after a subcommand, parsed into settings. Each
 * subcommand names the options it honours; any other is refused with one
 * line naming it (exit 2) instead of being silently ignored, as are an
 * empty value, a value that is the next option (`--svg --headless`), and
 * --summary with --json.
 */
#ifndef JUGGLE_CMD_OPTIONS_H
#define JUGGLE_CMD_OPTIONS_H

#include <stdint.h>

/* One bit per option, in the order of the option table. */
enum {
    OPT_B_STRATEGY = 1u << 0,
    OPT_B_HEADLESS = 1u << 1,
    OPT_B_SUMMARY = 1u << 2,
    OPT_B_JSON = 1u << 3,
    OPT_B_CPUS = 1u << 4,
    OPT_B_QUANTUM = 1u << 5,
    OPT_B_POLL_INTERVAL = 1u << 6,
    OPT_B_CHECK_COST = 1u << 7,
    OPT_B_SEED = 1u << 8,
    OPT_B_REAL = 1u << 9,
    OPT_B_TIME_SCALE = 1u << 10,
    OPT_B_HTTP_TIMEOUT = 1u << 11,
    OPT_B_RECORD = 1u << 12,
    OPT_B_DUMP_SCREEN = 1u << 13,
    OPT_B_AT = 1u << 14,
    OPT_B_PORT = 1u << 15,
    OPT_B_CHROME = 1u << 16,
    OPT_B_SVG = 1u << 17,
};
/* The options that change the scene (applied by load_scene). */
#define OPT_B_SCENE                                                                                \
    (OPT_B_CPUS | OPT_B_QUANTUM | OPT_B_POLL_INTERVAL | OPT_B_CHECK_COST | OPT_B_SEED)

struct options {
    const char *scene_arg;
    unsigned seen; /* OPT_B_* of the options given */
    int strategy;  /* -1: the scene's default */
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
    const char *word[18]; /* each option's value as given, by OPT_B_* bit */
};

/*
 * Parses argv[1..argc) for the command named cmd (in messages), which
 * honours the options in allowed. Returns 0, or 2 after one line on
 * stderr. --help prints the usage and exits.
 */
int parse_options(int argc, char **argv, const char *cmd, unsigned allowed, struct options *o);
/* Whether the option word arg is one whose value is the next word. */
int takes_value(const char *arg);
/* "juggle: MESSAGE (see 'juggle --help')" on stderr; returns 2. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* From main.c: the usage text, and the check that stdout got everything. */
extern const char usage_text[];
int finish_stdout(int rc);

#endif

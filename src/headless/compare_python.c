/*
 * compare_python: `juggle compare SCENE --with-python PROG.py [ARGS...]`,
 * a shipped scene's simulated run beside the traced run of the Python
 * program it models (issue 14, item 5). The scene runs in virtual time
 * under one strategy; the program runs exactly as `juggle watch
 * --headless` runs it (watch_run_bus), its stdout discarded and its
 * printed lines taken from its log events. Both feed struct stats, so
 * the table is `juggle compare`'s own (summary_print_compare), with one
 * row each. The program's times are divided by the time scale (real
 * seconds per scene unit, the SCALE the article's programs take) before
 * the stats see them, so both rows are in scene units.
 *
 * Below the table: whether the printed lines agree (the same lines in the
 * same order once measured times and URL addresses are masked), and the
 * makespans, from the first printed line to the end of the run (the
 * program's start-up is not part of what the scene models), and their
 * ratio, python over simulated.
 */
#include "headless/compare_python.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim.h"
#include "core/strategy.h"
#include "core/xalloc.h"
#include "headless/printer.h"
#include "headless/summary.h"
#include "headless/watch_run.h"

/* open_memstream, which fails only when memory is short. */
static FILE *memstream(char **buf, size_t *n)
{
    FILE *f = open_memstream(buf, n);
    if (!f) {
        fprintf(stderr, "juggle: out of memory\n");
        abort();
    }
    return f;
}

/* One side of the comparison: its stats, its printed text, its makespan. */
struct side {
    struct stats st;
    char *text;
    size_t len;
    FILE *lines;
    int64_t first_log, end;
    double scale; /* real seconds per scene unit; 1 for the simulation */
};

static void side_init(struct side *s, double scale)
{
    memset(s, 0, sizeof *s);
    stats_init(&s->st);
    s->lines = memstream(&s->text, &s->len);
    s->first_log = s->end = -1;
    s->scale = scale;
}

static void side_done(struct side *s)
{
    stats_done(&s->st);
    free(s->text);
}

static int64_t scaled(int64_t ns, double scale)
{
    return (int64_t)((double)ns / scale + 0.5);
}

/* The sink: every scene-time field divided by the scale, then the stats,
 * the printed lines and the makespan's ends. OS counters stay real. */
static void side_sink(void *ctx, const struct event *ev)
{
    struct side *s = ctx;
    struct event e = *ev;
    if (s->scale != 1.0) {
        e.t = scaled(e.t, s->scale);
        if ((e.kind == EV_BLOCK && e.value >= 0) || e.kind == EV_POLL || e.kind == EV_RUN_END)
            e.value = scaled(e.value, s->scale);
        if (e.kind == EV_ITEM_START && e.reason != ITEM_PLAIN)
            e.value2 = scaled(e.value2, s->scale);
    }
    stats_sink(&s->st, &e);
    if (e.kind == EV_LOG) {
        if (s->first_log < 0) s->first_log = e.t;
        printer_sink(s->lines, &e);
    }
    if (e.kind == EV_RUN_END) s->end = e.t;
}

/* Copies a URL's address ("${server}" or scheme://host:port) as
 * "${server}" and the rest of it with each run of digits as "#". Returns
 * the length read from in, 0 if no URL starts there. */
static size_t mask_url(const char *in, FILE *out)
{
    size_t i;
    if (strncmp(in, "${server}", 9) == 0) {
        i = 9;
    } else if (strncmp(in, "http://", 7) == 0 || strncmp(in, "https://", 8) == 0) {
        i = (size_t)(strchr(in, ':') - in) + 3;
        while (in[i] && in[i] != '/' && !isspace((unsigned char)in[i]))
            i++;
    } else {
        return 0;
    }
    fputs("${server}", out);
    while (in[i] && !isspace((unsigned char)in[i])) {
        if (isdigit((unsigned char)in[i])) {
            fputc('#', out);
            while (isdigit((unsigned char)in[i]))
                i++;
        } else {
            fputc(in[i++], out);
        }
    }
    return i;
}

char *compare_mask(const char *text)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *out = memstream(&buf, &n);
    for (size_t i = 0; text[i];) {
        size_t k = (i == 0 || !isalnum((unsigned char)text[i - 1])) ? mask_url(text + i, out) : 0;
        if (k) {
            i += k;
            continue;
        }
        size_t j = i;
        while (isdigit((unsigned char)text[j]))
            j++;
        if (j > i && text[j] == '.' && isdigit((unsigned char)text[j + 1])) {
            for (j++; isdigit((unsigned char)text[j]); j++) {
            }
            fputc('#', out);
            i = j;
        } else {
            fputc(text[i++], out);
        }
    }
    fclose(out);
    return buf;
}

/* The next line of *p (without its newline) into a new string, or NULL at
 * the end; advances *p. */
static char *next_line(const char **p)
{
    if (!**p) return NULL;
    const char *nl = strchr(*p, '\n');
    size_t len = nl ? (size_t)(nl - *p) : strlen(*p);
    char *line = xmalloc(len + 1);
    memcpy(line, *p, len);
    line[len] = '\0';
    *p += nl ? len + 1 : len;
    return line;
}

int compare_lines(const char *sim, const char *py, struct compare_diff *d)
{
    memset(d, 0, sizeof *d);
    char *ms = compare_mask(sim), *mp = compare_mask(py);
    const char *a = ms, *b = mp;
    for (;;) {
        char *la = next_line(&a), *lb = next_line(&b);
        if (!la && !lb) break;
        d->line++;
        if (!la || !lb || strcmp(la, lb)) {
            d->sim = la;
            d->py = lb;
            break;
        }
        free(la);
        free(lb);
    }
    if (!d->sim && !d->py) d->line = 0;
    free(ms);
    free(mp);
    for (const char *p = sim; *p; p++)
        d->nlines += *p == '\n';
    return d->line == 0;
}

void compare_diff_free(struct compare_diff *d)
{
    free(d->sim);
    free(d->py);
}

static int64_t makespan(const struct side *s)
{
    return s->first_log >= 0 && s->end >= s->first_log ? s->end - s->first_log : -1;
}

/* The argument words, joined by spaces. */
static char *joined(char *const argv[])
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = memstream(&buf, &n);
    for (int i = 0; argv[i]; i++)
        fprintf(f, "%s%s", i ? " " : "", argv[i]);
    fclose(f);
    return buf;
}

static void print_text(FILE *out, const struct scene *sc, struct side *sides, double scale,
                       char *const argv[], const struct compare_diff *d)
{
    struct stats runs[2] = {sides[0].st, sides[1].st};
    summary_print_compare(out, sc->title, runs, 2);
    char *cmd = joined(argv);
    fprintf(out, "\npython            %s, at %g s per unit\n", cmd, scale);
    free(cmd);
    if (d->line == 0)
        fprintf(out, "printed lines     agree (%zu lines, measured times masked)\n", d->nlines);
    else
        fprintf(out, "printed lines     differ at line %zu: simulated '%s', python '%s'\n", d->line,
                d->sim ? d->sim : "(no line)", d->py ? d->py : "(no line)");
    int64_t ms = makespan(&sides[0]), mp = makespan(&sides[1]);
    char a[32] = "-", b[32] = "-";
    if (ms >= 0) snprintf(a, sizeof a, "%.2f", units_of_ns(ms));
    if (mp >= 0) snprintf(b, sizeof b, "%.2f", units_of_ns(mp));
    fprintf(out, "makespan          simulated %s, python %s", a, b);
    if (ms > 0 && mp >= 0) fprintf(out, ", ratio %.3f", (double)mp / (double)ms);
    fputs(" (first printed line to the end)\n", out);
}

static json_t *line_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static void print_json(FILE *out, const struct scene *sc, struct side *sides, double scale,
                       char *const argv[], const struct compare_diff *d)
{
    json_t *x = json_object(), *p = json_object();
    char *cmd = joined(argv);
    json_object_set_new(p, "command", json_string(cmd));
    free(cmd);
    json_object_set_new(p, "time_scale", json_real(scale));
    json_object_set_new(p, "lines", json_integer((json_int_t)d->nlines));
    json_object_set_new(p, "lines_agree", json_boolean(d->line == 0));
    if (d->line) {
        json_t *f = json_object();
        json_object_set_new(f, "line", json_integer((json_int_t)d->line));
        json_object_set_new(f, "simulated", line_or_null(d->sim));
        json_object_set_new(f, "python", line_or_null(d->py));
        json_object_set_new(p, "first_difference", f);
    }
    int64_t ms = makespan(&sides[0]), mp = makespan(&sides[1]);
    json_object_set_new(p, "makespan_simulated",
                        ms >= 0 ? json_real(units_of_ns(ms)) : json_null());
    json_object_set_new(p, "makespan_python", mp >= 0 ? json_real(units_of_ns(mp)) : json_null());
    json_object_set_new(p, "makespan_ratio",
                        ms > 0 && mp >= 0 ? json_real((double)mp / (double)ms) : json_null());
    json_object_set_new(x, "with_python", p);
    struct stats runs[2] = {sides[0].st, sides[1].st};
    summary_write_compare_json_with(out, sc->title, x, runs, 2);
    json_decref(x);
}

int headless_compare_python(const struct scene *sc, int strategy, double scale, char *const argv[],
                            int json, FILE *out)
{
    struct side sides[2];
    side_init(&sides[0], 1.0);
    side_init(&sides[1], scale);
    struct bus bus;
    bus_init(&bus);
    bus_attach(&bus, side_sink, &sides[0]);
    struct sim *s = sim_new(sc, strategy, &bus);
    int failed = sim_run(s);
    sim_free(s);
    bus_init(&bus);
    bus_attach(&bus, side_sink, &sides[1]);
    char why[600];
    int rc = watch_run_bus(argv, NULL, 1, &bus, why, sizeof why);
    fclose(sides[0].lines);
    fclose(sides[1].lines);
    if (rc == 0 || (rc == 1 && sides[1].st.ended)) {
        struct compare_diff d;
        compare_lines(sides[0].text, sides[1].text, &d);
        if (json)
            print_json(out, sc, sides, scale, argv, &d);
        else
            print_text(out, sc, sides, scale, argv, &d);
        compare_diff_free(&d);
    }
    fflush(out);
    if (why[0]) fprintf(stderr, "juggle: %s\n", why);
    side_done(&sides[0]);
    side_done(&sides[1]);
    if (rc) return rc;
    return failed ? 1 : 0;
}

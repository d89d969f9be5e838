/*
 * scene: INI scene files, parsed with inih.
 *
 * inih hands us one key at a time and does not tell the handler which line
 * it is on, so we feed it through our own reader that counts lines; the
 * handler then knows the line of the key it is given. inih calls the
 * handler once per continuation line of a multi-line value, so lists are
 * appended to as they arrive; the reader also tells a continuation line
 * from a repeated key. Keys are a table: each names its section, and a
 * setter that parses the value into the scene.
 */
#include "scene.h"

#include <ini.h>

#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <stddef.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "event.h"
#include "scene_limits.h"
#include "strategy.h"
#include "xalloc.h"

struct parse {
    struct scene *sc;
    const char *path;
    const char *text; /* cursor for the reader */
    int line;         /* line last handed to inih */
    int indented;     /* that line began with white space */
    int section_line; /* line of the last [section] header */
    int long_line;    /* first line that was too long, 0 if none */
    struct err *e;
    int failed;
    int fail_line; /* line of the first problem we reported */
    /* Lines of keys, for messages from validation after parsing. */
    int line_title, line_kind, line_names, line_work, line_items, line_urls, line_latency;
    int line_workers_section, line_queue_section;
    int line_list_names, line_count, line_list_items, line_generate; /* either, not both */
    char last_key[64];
    char last_section[64];
    const struct key *last_list; /* the key set last, when it is a list */
    unsigned seen[8];            /* bitmap of keys seen, by table index */
    int key_line[64];            /* line of each key seen, by the same index */
    int section_line_of[8];      /* first line of each section, by sections[] index */
    size_t items_cap, workers_cap, urls_cap, latency_cap;
    /* Worker names seen, for the duplicate check: open addressing over
     * indices into sc->workers (+1; 0 is empty), at most half full. */
    uint32_t *names;
    size_t names_cap;
    int any_key;
    char *long_value; /* the value of line long_value_line (see reader) */
    int long_value_line;
};

static const char *const kind_names[] = {
#define X(name, str) str,
    SCENE_KINDS(X)
#undef X
};
static const char *const work_names[] = {
#define X(name, str) str,
    WORK_KINDS(X)
#undef X
};
static const char *const dist_names[] = {
#define X(name, str) str,
    DIST_KINDS(X)
#undef X
};

const char *scene_kind_name(int kind)
{
    return kind >= 0 && kind < SCENE__COUNT ? kind_names[kind] : "?";
}

const char *work_kind_name(int work)
{
    return work >= 0 && work < WORK__COUNT ? work_names[work] : "?";
}

static int find_name(const char *const *names, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0) return i;
    return -1;
}

static int fail(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct parse *p, const char *fmt, ...)
{
    if (!p->failed) {
        p->failed = 1;
        p->fail_line = p->line;
        char msg[400];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        err_set(p->e, ERR_INPUT, p->path, p->line, "%s", msg);
    }
    return -1;
}

/* Plain decimals (up to 6 digits, a point and up to 9 more: every listed
 * item in practice) without strtod, or -1. The value is exact, and so is
 * llround(strtod(s) * 1e9) below 2^51 ns, so both agree. */
static int64_t plain_units_at(const char *s, const char **end)
{
    static const int64_t scale[10] = {1000000000, 100000000, 10000000, 1000000, 100000,
                                      10000,      1000,      100,      10,      1};
    int64_t whole = 0, frac = 0;
    int nw = 0, nf = 0;
    for (; *s >= '0' && *s <= '9'; s++, nw++)
        whole = whole * 10 + (*s - '0');
    if (nw == 0 || nw > 6) return -1;
    if (*s == '.') {
        for (s++; *s >= '0' && *s <= '9'; s++, nf++)
            frac = frac * 10 + (*s - '0');
        if (nf == 0 || nf > 9) return -1;
    }
    *end = s;
    return whole * UNIT_NS + frac * scale[nf];
}

static int64_t plain_units(const char *s)
{
    const char *end;
    int64_t ns = plain_units_at(s, &end);
    return ns >= 0 && !*end ? ns : -1;
}

/* Whether s is written as a decimal number: digits, a point, an exponent
 * (strtod also reads hex, "inf" and "nan", which a scene must not). */
static int decimal_only(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    return *s && strspn(s, "0123456789.eE+-") == strlen(s);
}

int scene_parse_units(const char *s, int64_t *ns)
{
    int64_t plain = plain_units(s);
    if (plain >= 0) {
        *ns = plain;
        return 0;
    }
    char *end;
    errno = 0;
    if (!decimal_only(s)) return -1;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v) || v < 0) return -1;
    if (v > SCENE_MAX_UNITS) return -2; /* see scene_limits.c */
    *ns = llround(v * 1e9);
    return 0;
}

void scene_format_units(char *buf, size_t n, int64_t ns)
{
    snprintf(buf, n, "%.1f", units_of_ns(ns));
}

/*
 * Splits a comma list into trimmed items and calls fn on each. A comma may
 * end a line (the list continues on the next); an empty item between two
 * commas is an error.
 */
static int each_item(struct parse *p, const char *value, int (*fn)(struct parse *, const char *))
{
    const char *s = value;
    for (;;) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        while (len && isspace((unsigned char)*s))
            s++, len--;
        while (len && isspace((unsigned char)s[len - 1]))
            len--;
        if (len) {
            /* Lines are at most 200 characters of up to 4 bytes each (see
             * reader), so items fit. */
            char item[4 * SCENE_MAX_LINE + 4];
            if (len >= sizeof item) len = sizeof item - 1;
            memcpy(item, s, len);
            item[len] = '\0';
            int rc = fn(p, item);
            if (rc) return rc;
        } else if (comma && s != value) {
            return fail(p, "empty item in list (two commas in a row)");
        }
        if (!comma) break;
        s = comma + 1;
    }
    return 0;
}

static int parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!isdigit((unsigned char)*s)) return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || errno == ERANGE || v > max) return -1;
    *out = v;
    return 0;
}

/* ---- setters ---- */

static int set_title(struct parse *p, const char *v)
{
    free(p->sc->title);
    p->sc->title = xstrdup(v);
    p->line_title = p->line;
    return 0;
}

static int set_kind(struct parse *p, const char *v)
{
    int k = find_name(kind_names, SCENE__COUNT, v);
    if (k < 0)
        return fail(p,
                    "unknown scene kind '%s' (known: queue, household, deadlock, checkbook, "
                    "server, cpu)",
                    v);
    p->sc->kind = k;
    p->line_kind = p->line;
    return 0;
}

static int set_strategy(struct parse *p, const char *v)
{
    int s = strategy_find(v);
    if (s < 0) return fail(p, "unknown strategy '%s' (known: sync, coop, poll, threads, loop)", v);
    p->sc->strategy = s;
    return 0;
}

static int set_seed(struct parse *p, const char *v)
{
    if (parse_uint(v, UINT64_MAX, &p->sc->seed))
        return fail(p, "seed: '%s' is not a whole number", v);
    return 0;
}

static int set_cpus(struct parse *p, const char *v)
{
    uint64_t n;
    if (parse_uint(v, 1024, &n) || n < 1)
        return fail(p, "cpus: '%s' is not a number from 1 to 1024", v);
    p->sc->cpus = (int)n;
    return 0;
}

/* A time over SCENE_MAX_UNITS says so; anything else that is not a time
 * is `what`. */
static int bad_units(struct parse *p, int rc, const char *key, const char *v, const char *what)
{
    if (rc == -2)
        return fail(p, "%s: '%s' is over %.0f units, the longest time a scene may give", key, v,
                    SCENE_MAX_UNITS);
    return fail(p, "%s: '%s' is not a %s", key, v, what);
}

static int set_time(struct parse *p, const char *v, int64_t *dst, const char *key, int positive)
{
    int64_t ns;
    int rc = scene_parse_units(v, &ns);
    if (rc || (positive && ns <= 0))
        return bad_units(p, rc, key, v,
                         positive ? "positive time in scene units" : "time in scene units");
    *dst = ns;
    return 0;
}

static int set_quantum(struct parse *p, const char *v)
{
    return set_time(p, v, &p->sc->quantum, "quantum", 1);
}
static int set_poll_interval(struct parse *p, const char *v)
{
    return set_time(p, v, &p->sc->poll_interval, "poll_interval", 1);
}
static int set_check_cost(struct parse *p, const char *v)
{
    return set_time(p, v, &p->sc->check_cost, "check_cost", 0);
}
static int set_step(struct parse *p, const char *v)
{
    return set_time(p, v, &p->sc->step, "step", 0);
}

/* FNV-1a: names are short, and this is all the hashing they need. */
static size_t name_hash(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return (size_t)(h ^ (h >> 29));
}

/* The slot of name in the set: where it is, or the empty slot for it. */
static uint32_t *name_slot(struct parse *p, const char *name)
{
    size_t mask = p->names_cap - 1;
    for (size_t i = name_hash(name) & mask;; i = (i + 1) & mask)
        if (!p->names[i] || strcmp(p->sc->workers[p->names[i] - 1], name) == 0) return &p->names[i];
}

/* Makes room in the name set for one more name, keeping it half empty. */
static void names_reserve(struct parse *p)
{
    if (2 * (p->sc->nworkers + 1) <= p->names_cap) return;
    uint32_t *old = p->names;
    size_t old_cap = p->names_cap;
    p->names_cap = old_cap ? 2 * old_cap : 64;
    while (2 * (p->sc->nworkers + 1) > p->names_cap)
        p->names_cap *= 2;
    p->names = xcalloc(p->names_cap, sizeof *p->names);
    for (size_t i = 0; i < old_cap; i++)
        if (old[i]) *name_slot(p, p->sc->workers[old[i] - 1]) = old[i];
    free(old);
}

/* Appends a worker (name is copied) and records it in the name set. */
static void push_worker(struct parse *p, char *name, uint32_t *slot)
{
    struct scene *sc = p->sc;
    sc->workers = xgrow(sc->workers, &p->workers_cap, sc->nworkers + 1, sizeof *sc->workers);
    sc->workers[sc->nworkers++] = name;
    if (slot && !*slot) *slot = (uint32_t)sc->nworkers;
}

static int add_worker(struct parse *p, const char *name)
{
    if (strlen(name) > 64) return fail(p, "worker name '%s' is longer than 64 characters", name);
    names_reserve(p);
    uint32_t *slot = name_slot(p, name);
    if (*slot) return fail(p, "worker '%s' is named twice", name);
    push_worker(p, xstrdup(name), slot);
    return 0;
}

/* names and count both say who the workers are: one of them, not both. */
static int names_and_count(struct parse *p)
{
    return fail(p,
                "[workers] has both 'names' (line %d) and 'count' (line %d): list the names "
                "or give a count, not both",
                p->line_list_names, p->line_count);
}

static int set_names(struct parse *p, const char *v)
{
    if (!p->line_list_names) p->line_list_names = p->line;
    if (p->line_count) return names_and_count(p);
    if (!p->line_names) p->line_names = p->line;
    return each_item(p, v, add_worker);
}

static int set_worker_count(struct parse *p, const char *v)
{
    uint64_t n;
    if (parse_uint(v, 10000000, &n) || n < 1)
        return fail(p, "count: '%s' is not a number of workers from 1 to 10000000", v);
    p->line_count = p->line;
    if (p->line_list_names) return names_and_count(p);
    if (!p->line_names) p->line_names = p->line;
    /* names and count exclude each other, so these names are new; they
     * go in the set all the same, so that every worker is in it. */
    for (uint64_t i = 0; i < n; i++) {
        char *name = xasprintf("W%llu", (unsigned long long)(i + 1));
        names_reserve(p);
        push_worker(p, name, name_slot(p, name));
    }
    return 0;
}

static int set_work(struct parse *p, const char *v)
{
    int w = find_name(work_names, WORK__COUNT, v);
    if (w < 0) return fail(p, "unknown work kind '%s' (known: count, sleep, http)", v);
    p->sc->work = w;
    p->line_work = p->line;
    return 0;
}

static int add_item(struct parse *p, const char *s)
{
    struct scene *sc = p->sc;
    int64_t v;
    /* Items are kept as text-derived numbers; their meaning (count or
     * duration) is settled after the whole file is read, in validate(). */
    int rc = scene_parse_units(s, &v);
    if (rc) return bad_units(p, rc, "items", s, "non-negative number");
    sc->items = xgrow(sc->items, &p->items_cap, sc->nitems + 1, sizeof *sc->items);
    sc->items[sc->nitems++] = v;
    return 0;
}

/* A line of plain decimals (a listed scene's hundreds of thousands) is
 * read in place; any other line, and any problem to report, goes through
 * each_item from its start. */
/* items lists the queue, generate describes it: one of them, not both. */
static int items_and_generate(struct parse *p)
{
    return fail(p,
                "[queue] has both 'items' (line %d) and 'generate' (line %d): list the items "
                "or generate them, not both",
                p->line_list_items, p->line_generate);
}

static int set_items(struct parse *p, const char *v)
{
    if (!p->line_list_items) p->line_list_items = p->line;
    if (p->line_generate) return items_and_generate(p);
    if (!p->line_items) p->line_items = p->line;
    struct scene *sc = p->sc;
    size_t before = sc->nitems;
    for (const char *s = v;;) {
        while (isspace((unsigned char)*s))
            s++;
        if (!*s) return 0; /* the end, or an empty last item after a comma */
        const char *end;
        int64_t ns = plain_units_at(s, &end);
        while (ns >= 0 && isspace((unsigned char)*end))
            end++;
        if (ns < 0 || (*end != ',' && *end)) break;
        if (sc->nitems == p->items_cap)
            sc->items = xgrow(sc->items, &p->items_cap, sc->nitems + 1, sizeof *sc->items);
        sc->items[sc->nitems++] = ns;
        if (!*end) return 0;
        s = end + 1;
    }
    sc->nitems = before;
    return each_item(p, v, add_item);
}

static int add_url(struct parse *p, const char *s)
{
    struct scene *sc = p->sc;
    sc->urls = xgrow(sc->urls, &p->urls_cap, sc->nurls + 1, sizeof *sc->urls);
    sc->urls[sc->nurls++] = xstrdup(s);
    return 0;
}

static int set_urls(struct parse *p, const char *v)
{
    if (!p->line_urls) p->line_urls = p->line;
    return each_item(p, v, add_url);
}

static int add_latency(struct parse *p, const char *s)
{
    struct scene *sc = p->sc;
    int64_t ns;
    int rc = scene_parse_units(s, &ns);
    if (rc) return bad_units(p, rc, "latency", s, "time in scene units");
    sc->latency = xgrow(sc->latency, &p->latency_cap, sc->nlatency + 1, sizeof *sc->latency);
    sc->latency[sc->nlatency++] = ns;
    return 0;
}

static int set_latency(struct parse *p, const char *v)
{
    if (!p->line_latency) p->line_latency = p->line;
    return each_item(p, v, add_latency);
}

static int set_generate(struct parse *p, const char *v)
{
    uint64_t n;
    if (parse_uint(v, UINT64_C(1000000000), &n) || n < 1)
        return fail(p, "generate: '%s' is not a number of items from 1 to 1000000000", v);
    p->line_generate = p->line;
    if (p->line_list_items) return items_and_generate(p);
    p->sc->gen.count = n;
    if (!p->line_items) p->line_items = p->line;
    return 0;
}

static int set_dist(struct parse *p, const char *v)
{
    int d = find_name(dist_names, DIST__COUNT, v);
    if (d < 0) return fail(p, "unknown distribution '%s' (known: const, uniform, exp)", v);
    p->sc->gen.dist = d;
    return 0;
}

static int set_min(struct parse *p, const char *v)
{
    return set_time(p, v, &p->sc->gen.min, "min", 0);
}
static int set_max(struct parse *p, const char *v)
{
    return set_time(p, v, &p->sc->gen.max, "max", 0);
}
static int set_mean(struct parse *p, const char *v)
{
    return set_time(p, v, &p->sc->gen.mean, "mean", 0);
}

static int set_server(struct parse *p, const char *v)
{
    if (strcmp(v, "embedded") == 0)
        p->sc->server_embedded = 1;
    else if (strcmp(v, "none") == 0)
        p->sc->server_embedded = 0;
    else
        return fail(p, "server: '%s' is not 'embedded' or 'none'", v);
    return 0;
}

static int set_timeout(struct parse *p, const char *v)
{
    return set_time(p, v, &p->sc->timeout, "timeout", 1);
}

struct key {
    const char *section;
    const char *name;
    int (*set)(struct parse *, const char *);
    int list; /* may continue on indented lines */
};

/* Typed keys of the scene kinds' own sections, set by offset. */
enum ptype { P_TIME, P_POSTIME, P_COUNT, P_SWITCH, P_RATE };

struct pkey {
    const char *section;
    const char *name;
    int type;
    size_t off;
    int64_t max; /* P_COUNT */
};

#define HOUSE(f) offsetof(struct scene, house.f)
#define DL(f)    offsetof(struct scene, dl.f)
#define CB(f)    offsetof(struct scene, cb.f)
#define SRV(f)   offsetof(struct scene, srv.f)
#define CPUK(f)  offsetof(struct scene, cpu.f)

static const struct pkey pkeys[] = {
    {"household", "bedtime", P_POSTIME, HOUSE(bedtime), 0},
    {"household", "kid_mean", P_POSTIME, HOUSE(kid_mean), 0},
    {"household", "attention", P_TIME, HOUSE(attention), 0},
    {"household", "tolerance", P_TIME, HOUSE(tolerance), 0},
    {"household", "entries", P_COUNT, HOUSE(entries), 1000000},
    {"household", "entry", P_TIME, HOUSE(entry), 0},
    {"household", "loads", P_COUNT, HOUSE(loads), 10000},
    {"household", "wash", P_TIME, HOUSE(wash), 0},
    {"household", "dry", P_TIME, HOUSE(dry), 0},
    {"household", "move", P_TIME, HOUSE(move), 0},
    {"deadlock", "work", P_TIME, DL(work), 0},
    {"deadlock", "move", P_TIME, DL(move), 0},
    {"deadlock", "lock_order", P_SWITCH, DL(ordered), 0},
    {"checkbook", "balance", P_COUNT, CB(balance), 1000000000},
    {"checkbook", "check", P_COUNT, CB(check), 1000000000},
    {"checkbook", "bills", P_COUNT, CB(bills), 100000},
    {"checkbook", "amount", P_COUNT, CB(amount), 1000000000},
    {"checkbook", "window", P_TIME, CB(window), 0},
    {"checkbook", "lock", P_SWITCH, CB(lock), 0},
    {"checkbook", "await_in_update", P_SWITCH, CB(await), 0},
    {"server", "requests", P_COUNT, SRV(requests), 1000000},
    {"server", "rate", P_RATE, SRV(rate_milli), 0},
    {"server", "parse", P_TIME, SRV(parse), 0},
    {"server", "query", P_TIME, SRV(query), 0},
    {"server", "render", P_TIME, SRV(render), 0},
    {"server", "pool", P_COUNT, SRV(pool), 10000},
    {"cpu", "digits", P_COUNT, CPUK(digits), 100000},
    {"cpu", "chunk", P_COUNT, CPUK(chunk), 100000},
    {"cpu", "digit", P_TIME, CPUK(digit), 0},
    {"cpu", "tick", P_POSTIME, CPUK(tick), 0},
};

static int set_pkey(struct parse *p, const struct pkey *k, const char *v)
{
    int64_t *dst = (int64_t *)(void *)((char *)p->sc + k->off);
    uint64_t n;
    double r;
    char *end;
    switch (k->type) {
    case P_TIME: return set_time(p, v, dst, k->name, 0);
    case P_POSTIME: return set_time(p, v, dst, k->name, 1);
    case P_COUNT:
        if (parse_uint(v, (uint64_t)k->max, &n))
            return fail(p, "%s: '%s' is not a whole number from 0 to %lld", k->name, v,
                        (long long)k->max);
        *dst = (int64_t)n;
        return 0;
    case P_RATE:
        r = decimal_only(v) ? strtod(v, &end) : 0;
        if (!decimal_only(v) || end == v || *end || !(r > 0))
            return fail(p, "%s: '%s' is not a positive rate (per scene unit)", k->name, v);
        if (r > 1e6)
            return fail(p, "%s: '%s' is above the limit of 1000000 per scene unit", k->name, v);
        *dst = llround(r * 1000.0);
        return 0;
    case P_SWITCH: {
        int *flag = (int *)(void *)((char *)p->sc + k->off);
        if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "ordered"))
            *flag = 1;
        else if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "as-needed"))
            *flag = 0;
        else
            return fail(p, "%s: '%s' is not on or off%s", k->name, v,
                        strcmp(k->name, "lock_order") ? "" : " (ordered or as-needed)");
        return 0;
    }
    }
    return 0;
}

static const struct key keys[] = {
    {"scene", "title", set_title, 0},
    {"scene", "kind", set_kind, 0},
    {"scene", "strategy", set_strategy, 0},
    {"scene", "seed", set_seed, 0},
    {"scene", "cpus", set_cpus, 0},
    {"scene", "quantum", set_quantum, 0},
    {"scene", "poll_interval", set_poll_interval, 0},
    {"scene", "check_cost", set_check_cost, 0},
    {"workers", "names", set_names, 1},
    {"workers", "count", set_worker_count, 0},
    {"queue", "work", set_work, 0},
    {"queue", "items", set_items, 1},
    {"queue", "step", set_step, 0},
    {"queue", "generate", set_generate, 0},
    {"queue", "dist", set_dist, 0},
    {"queue", "min", set_min, 0},
    {"queue", "max", set_max, 0},
    {"queue", "mean", set_mean, 0},
    {"queue", "urls", set_urls, 1},
    {"queue", "latency", set_latency, 1},
    {"queue", "server", set_server, 0},
    {"queue", "timeout", set_timeout, 0},
};

static const char *const sections[] = {"scene",    "workers",   "queue",  "household",
                                       "deadlock", "checkbook", "server", "cpu"};

static int handler(void *user, const char *section, const char *name, const char *value)
{
    struct parse *p = user;
    if (p->failed) return 1; /* report only the first problem */
    p->any_key = 1;
    if (p->long_value && p->long_value_line == p->line) value = p->long_value;
    /* An indented line that continues the list set just before (a listed
     * scene's thousands of lines) needs none of the checks below. */
    if (p->indented && p->last_list && strcmp(p->last_key, name) == 0 &&
        strcmp(p->last_section, section) == 0) {
        p->last_list->set(p, value);
        return 1;
    }
    int known_section = 0;
    for (size_t i = 0; i < sizeof sections / sizeof *sections; i++)
        if (strcmp(sections[i], section) == 0) {
            known_section = 1;
            if (!p->section_line_of[i]) p->section_line_of[i] = p->section_line;
        }
    if (!known_section) {
        if (!*section) return fail(p, "key '%s' is outside any [section]", name), 1;
        p->line = p->section_line;
        return fail(p,
                    "unknown section [%s] (known: [scene], [workers], [queue], [household], "
                    "[deadlock], [checkbook], [server], [cpu])",
                    section),
               1;
    }
    if (strcmp(section, "workers") == 0 && !p->line_workers_section)
        p->line_workers_section = p->section_line;
    if (strcmp(section, "queue") == 0 && !p->line_queue_section)
        p->line_queue_section = p->section_line;
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        const struct key *k = &keys[i];
        if (strcmp(k->section, section) || strcmp(k->name, name)) continue;
        int continuation =
            p->indented && strcmp(p->last_key, name) == 0 && strcmp(p->last_section, section) == 0;
        if (continuation && !k->list) {
            fail(p, "'%s' takes one value; an indented line continues only a list", name);
            return 1;
        }
        if (!continuation && (p->seen[i / 32] & (1u << (i % 32)))) {
            fail(p, "'%s' is set twice in [%s]", name, section);
            return 1;
        }
        if (!(p->seen[i / 32] & (1u << (i % 32)))) p->key_line[i] = p->line;
        p->seen[i / 32] |= 1u << (i % 32);
        snprintf(p->last_key, sizeof p->last_key, "%s", name);
        snprintf(p->last_section, sizeof p->last_section, "%s", section);
        p->last_list = k->list ? k : NULL;
        if (!*value && !k->list) {
            fail(p, "'%s' has no value", name);
            return 1;
        }
        k->set(p, value);
        return 1;
    }
    for (size_t i = 0; i < sizeof pkeys / sizeof *pkeys; i++) {
        const struct pkey *k = &pkeys[i];
        if (strcmp(k->section, section) || strcmp(k->name, name)) continue;
        size_t bit = sizeof keys / sizeof *keys + i;
        if (p->seen[bit / 32] & (1u << (bit % 32))) {
            fail(p, "'%s' is set twice in [%s]", name, section);
            return 1;
        }
        if (p->indented) {
            fail(p, "'%s' takes one value; an indented line continues only a list", name);
            return 1;
        }
        p->seen[bit / 32] |= 1u << (bit % 32);
        p->key_line[bit] = p->line;
        snprintf(p->last_key, sizeof p->last_key, "%s", name);
        snprintf(p->last_section, sizeof p->last_section, "%s", section);
        p->last_list = NULL;
        set_pkey(p, k, value);
        return 1;
    }
    fail(p, "unknown key '%s' in [%s]", name, section);
    return 1;
}

/*
 * The value inih would read from line (len bytes), for a line too long for
 * its buffer: after the first '=' or ':' (the whole line for an indented
 * continuation), up to a ';' that follows white space, trimmed.
 */
static char *value_of_line(const char *line, size_t len)
{
    const char *s = line, *end = line + len;
    int indented = len > 0 && (*s == ' ' || *s == '\t');
    if (!indented) {
        while (s < end && *s != '=' && *s != ':')
            s++;
        if (s < end) s++;
    }
    const char *e = s;
    for (int space = 0; e < end && !(*e == ';' && space); e++)
        space = isspace((unsigned char)*e);
    while (s < e && isspace((unsigned char)*s))
        s++;
    while (e > s && isspace((unsigned char)e[-1]))
        e--;
    return xstrndup(s, (size_t)(e - s));
}

/* The characters of s[0..n): UTF-8 code points, each byte that does not
 * start a well-formed sequence counting one (a Latin-1 'é' is one too). */
static size_t utf8_chars(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t count = 0;
    for (size_t i = 0; i < n; count++) {
        unsigned c = u[i];
        size_t len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 1;
        if (c >= 0xf5) len = 1;
        /* The second byte's range rules out overlong forms, surrogates and
         * code points past U+10FFFF. */
        unsigned lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : 0x80;
        unsigned hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;
        int ok = len > 1 && i + len <= n && u[i + 1] >= lo && u[i + 1] <= hi;
        for (size_t k = 2; ok && k < len; k++)
            ok = (u[i + k] & 0xc0) == 0x80;
        i += ok ? len : 1;
    }
    return count;
}

/* fgets-like reader over the scene text that counts lines. A line may
 * hold SCENE_MAX_LINE characters (code points, see utf8_chars), not
 * counting a CRLF's '\r'; one that
 * fits but not in inih's buffer (num, with its '\n' and NUL) reaches inih
 * cut short, and the handler takes its value from long_value instead. */
static char *reader(char *str, int num, void *stream)
{
    struct parse *p = stream;
    if (!*p->text) return NULL;
    const char *nl = strchr(p->text, '\n');
    size_t len = nl ? (size_t)(nl - p->text) : strlen(p->text);
    size_t vis = len > 0 && p->text[len - 1] == '\r' ? len - 1 : len;
    p->line++;
    p->indented = len > 0 && (p->text[0] == ' ' || p->text[0] == '\t');
    if (len > 0 && p->text[0] == '[') p->section_line = p->line;
    if (vis > SCENE_MAX_LINE && utf8_chars(p->text, vis) > SCENE_MAX_LINE) {
        /* inih would silently split the line; we say so instead. */
        if (!p->long_line) p->long_line = p->line;
        snprintf(str, (size_t)num, ";\n");
    } else {
        size_t fit = vis + 2 > (size_t)num ? (size_t)num - 2 : vis;
        if (fit < vis) {
            free(p->long_value);
            p->long_value = value_of_line(p->text, vis);
            p->long_value_line = p->line;
        }
        memcpy(str, p->text, fit);
        str[fit] = '\n';
        str[fit + 1] = '\0';
    }
    p->text += len + (nl ? 1 : 0);
    return str;
}

/* Line of key `name` in [section], or 0 if the scene does not set it. */
static int line_of_key(const struct parse *p, const char *section, const char *name)
{
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (!strcmp(keys[i].section, section) && !strcmp(keys[i].name, name)) return p->key_line[i];
    for (size_t i = 0; i < sizeof pkeys / sizeof *pkeys; i++)
        if (!strcmp(pkeys[i].section, section) && !strcmp(pkeys[i].name, name))
            return p->key_line[sizeof keys / sizeof *keys + i];
    return 0;
}

/* Checks the run's length and events (scene_limits.c), blaming the line
 * of the key that makes them too large. */
static int check_limits(struct parse *p)
{
    struct scene *sc = p->sc;
    char msg[300];
    int blame;
    if (!scene_limits(sc, msg, sizeof msg, &blame)) return 0;
    /* The kind's own section is sections[kind + 2] ([queue] for queue). */
    int work = sc->kind == SCENE_QUEUE ? (p->line_items  ? p->line_items
                                          : p->line_urls ? p->line_urls
                                                         : p->line_work)
                                       : p->section_line_of[sc->kind + 2];
    switch (blame) {
    case BLAME_QUANTUM: p->line = line_of_key(p, "scene", "quantum"); break;
    case BLAME_POLL_INTERVAL: p->line = line_of_key(p, "scene", "poll_interval"); break;
    case BLAME_CHECK_COST: p->line = line_of_key(p, "scene", "check_cost"); break;
    case BLAME_CHUNK: p->line = line_of_key(p, "cpu", "chunk"); break;
    default: p->line = work; break;
    }
    if (!p->line) p->line = work ? work : p->line_kind;
    return fail(p, "%s", msg);
}

static int validate(struct parse *p)
{
    struct scene *sc = p->sc;
    p->line = 0;
    if (!sc->title) sc->title = xstrdup(p->path);
    if (sc->nworkers == 0 && (sc->kind == SCENE_QUEUE || p->line_names)) {
        p->line = p->line_names             ? p->line_names
                  : p->line_workers_section ? p->line_workers_section
                                            : 1; /* no [workers]: the file's first line */
        return fail(p, "the scene has no workers: set [workers] names = One, Two");
    }
    static const char *const default_names[SCENE__COUNT][3] = {
        [SCENE_DEADLOCK] = {"A", "B", NULL},
        [SCENE_CHECKBOOK] = {"C", "D", NULL},
        [SCENE_CPU] = {"Pi1", "Pi2", NULL},
    };
    if (sc->nworkers == 0)
        for (int i = 0; default_names[sc->kind][i]; i++)
            add_worker(p, default_names[sc->kind][i]);
    if ((sc->kind == SCENE_DEADLOCK || sc->kind == SCENE_CHECKBOOK) && sc->nworkers != 2) {
        p->line = p->line_names;
        return fail(p, "a %s scene has exactly two workers", kind_names[sc->kind]);
    }
    if (sc->kind == SCENE_QUEUE) {
        if (!p->line_work) {
            p->line = p->line_queue_section;
            return fail(p, "[queue] needs 'work = count', 'sleep' or 'http'");
        }
        if (sc->work == WORK_HTTP) {
            p->line = p->line_urls ? p->line_urls : p->line_work;
            if (sc->nurls == 0) return fail(p, "http work needs 'urls = ...'");
            if (sc->nlatency > 1 && sc->nlatency != sc->nurls) {
                p->line = p->line_latency;
                return fail(p, "latency lists %zu times for %zu URLs; give one, or one per URL",
                            sc->nlatency, sc->nurls);
            }
        } else {
            p->line = p->line_items;
            if (sc->nitems == 0 && sc->gen.count == 0) {
                p->line = p->line_work;
                return fail(p, "the queue has no items: set 'items = ...' or 'generate = N'");
            }
            if (sc->work == WORK_COUNT) {
                /* Counts were parsed as units; they must be whole numbers. */
                for (size_t i = 0; i < sc->nitems; i++) {
                    if (sc->items[i] % UNIT_NS) {
                        return fail(p, "count items must be whole numbers");
                    }
                    sc->items[i] /= UNIT_NS;
                }
                sc->gen.min /= UNIT_NS;
                sc->gen.max /= UNIT_NS;
                sc->gen.mean /= UNIT_NS;
            }
            if (sc->gen.count && sc->gen.dist == DIST_UNIFORM && sc->gen.max < sc->gen.min)
                return fail(p, "generate: max is below min");
        }
    }
    return check_limits(p);
}

struct scene *scene_parse(const char *path, const char *text, struct err *e)
{
    struct scene *sc = xcalloc(1, sizeof *sc);
    sc->path = xstrdup(path);
    sc->text = xstrdup(text);
    sc->kind = SCENE_QUEUE;
    sc->strategy = strategy_find("sync");
    sc->cpus = 1;
    sc->quantum = SCENE_DEFAULT_QUANTUM;
    sc->poll_interval = SCENE_DEFAULT_POLL_INTERVAL;
    sc->check_cost = SCENE_DEFAULT_CHECK_COST;
    sc->step = SCENE_DEFAULT_STEP;
    sc->timeout = SCENE_DEFAULT_TIMEOUT;
    sc->work = WORK_COUNT;
    sc->gen.dist = DIST_UNIFORM;
    sc->house = (struct scene_household){
        480 * UNIT_NS, 40 * UNIT_NS, 5 * UNIT_NS, 10 * UNIT_NS, 60, 4 * UNIT_NS, 3,
        45 * UNIT_NS,  60 * UNIT_NS, 5 * UNIT_NS};
    sc->dl = (struct scene_deadlock){2 * UNIT_NS, 1 * UNIT_NS, 0};
    sc->cb = (struct scene_checkbook){1000, 900, 10, 20, 1 * UNIT_NS, 0, 0};
    sc->srv = (struct scene_server){200, 4000, UNIT_NS / 20, UNIT_NS / 2, UNIT_NS / 20, 8};
    sc->cpu = (struct scene_cpu){500, 50, UNIT_NS / 100, UNIT_NS / 2};

    struct parse p;
    memset(&p, 0, sizeof p);
    p.sc = sc;
    p.path = path;
    p.text = text;
    p.e = e;
    int rc = ini_parse_stream(reader, &p, handler, &p);
    if (!p.failed && p.long_line) {
        p.line = p.long_line;
        fail(&p, "line is longer than %d characters; continue a list on an indented line",
             SCENE_MAX_LINE);
    }
    if (rc > 0 && (!p.failed || rc < p.fail_line)) {
        /* inih found a line it cannot read before any problem of ours. */
        const char *l = text;
        for (int i = 1; i < rc && l; i++) {
            l = strchr(l, '\n');
            if (l) l++;
        }
        while (l && (*l == ' ' || *l == '\t'))
            l++;
        p.failed = 0;
        p.line = rc;
        if (l && *l == '[')
            fail(&p, "section header is missing its closing ']'");
        else
            fail(&p, "expected '[section]' or 'key = value'");
    }
    if (!p.failed && !p.line_title && !p.line_kind && !p.line_names && !p.line_work &&
        !p.line_items && !p.line_urls && !p.any_key) {
        p.line = 1; /* FILE:LINE, as every message: the first line */
        fail(&p, "the scene file is empty");
    }
    if (!p.failed) validate(&p);
    free(p.names);
    free(p.long_value);
    if (p.failed) {
        scene_free(sc);
        return NULL;
    }
    return sc;
}

struct scene *scene_load(const char *path, struct err *e)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        err_set(e, ERR_IO, path, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = xmalloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) buf = xrealloc(buf, cap *= 2);
        if (n > (64u << 20)) {
            fclose(f);
            free(buf);
            err_set(e, ERR_INPUT, path, 0, "scene file is larger than 64 MiB");
            return NULL;
        }
    }
    int bad = ferror(f) ? errno : 0;
    fclose(f);
    buf[n] = '\0';
    if (bad) {
        free(buf);
        err_set(e, ERR_IO, path, 0, "cannot read: %s", strerror(bad));
        return NULL;
    }
    if (memchr(buf, '\0', n)) {
        free(buf);
        err_set(e, ERR_INPUT, path, 0, "not a text file (contains a NUL byte)");
        return NULL;
    }
    struct scene *sc = scene_parse(path, buf, e);
    free(buf);
    return sc;
}

int scene_check(struct scene *sc, struct err *e)
{
    char msg[300];
    int blame;
    if (!scene_limits(sc, msg, sizeof msg, &blame)) return 0;
    return err_set(e, ERR_INPUT, sc->path, 0, "%s", msg);
}

void scene_free(struct scene *sc)
{
    if (!sc) return;
    for (size_t i = 0; i < sc->nworkers; i++)
        free(sc->workers[i]);
    for (size_t i = 0; i < sc->nurls; i++)
        free(sc->urls[i]);
    free(sc->workers);
    free(sc->urls);
    free(sc->latency);
    free(sc->items);
    free(sc->title);
    free(sc->text);
    free(sc->path);
    free(sc);
}

static char exe_dir_scenes[4096];

const char *const *scene_dirs(void)
{
    static const char *dirs[5];
    int n = 0;
    const char *env = getenv("JUGGLE_SCENES");
    if (env && *env) dirs[n++] = env;
    dirs[n++] = "scenes";
    if (!exe_dir_scenes[0]) {
        char exe[2048];
        ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (len > 0) {
            exe[len] = '\0';
            char *slash = strrchr(exe, '/');
            if (slash) *slash = '\0';
            snprintf(exe_dir_scenes, sizeof exe_dir_scenes, "%s/../scenes", exe);
        }
    }
    if (exe_dir_scenes[0]) dirs[n++] = exe_dir_scenes;
#ifdef JUGGLE_DATADIR
    dirs[n++] = JUGGLE_DATADIR "/scenes";
#endif
    dirs[n] = NULL;
    return dirs;
}

char *scene_resolve(const char *arg)
{
    if (access(arg, R_OK) == 0) return xstrdup(arg);
    if (strchr(arg, '/')) return NULL;
    for (const char *const *d = scene_dirs(); *d; d++) {
        char *path = xasprintf("%s/%s.ini", *d, arg);
        if (access(path, R_OK) == 0) return path;
        free(path);
    }
    return NULL;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t scene_catalog_load(struct scene_catalog *c)
{
    memset(c, 0, sizeof *c);
    for (const char *const *d = scene_dirs(); *d; d++) {
        DIR *dir = opendir(*d);
        if (!dir) continue;
        struct dirent *de;
        size_t cap = 0;
        while ((de = readdir(dir))) {
            size_t len = strlen(de->d_name);
            if (len > 4 && strcmp(de->d_name + len - 4, ".ini") == 0) {
                c->names = xgrow(c->names, &cap, c->n + 1, sizeof *c->names);
                c->names[c->n++] = xstrndup(de->d_name, len - 4);
            }
        }
        closedir(dir);
        if (!c->n) continue;
        qsort(c->names, c->n, sizeof *c->names, by_name);
        c->paths = xcalloc(c->n, sizeof *c->paths);
        c->titles = xcalloc(c->n, sizeof *c->titles);
        for (size_t i = 0; i < c->n; i++) {
            c->paths[i] = xasprintf("%s/%s.ini", *d, c->names[i]);
            struct err e;
            struct scene *sc = scene_load(c->paths[i], &e);
            c->titles[i] = xstrdup(sc ? sc->title : "(cannot be read)");
            scene_free(sc);
        }
        break;
    }
    return c->n;
}

void scene_catalog_free(struct scene_catalog *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->names[i]);
        if (c->paths) free(c->paths[i]);
        if (c->titles) free(c->titles[i]);
    }
    free(c->names);
    free(c->paths);
    free(c->titles);
    memset(c, 0, sizeof *c);
}

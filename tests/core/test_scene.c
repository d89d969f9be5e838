/*
 * Scene parser tests: the format's features (continuation lines, inline
 * comments, generators, defaults) and its units. Error messages are tested
 * end to end by tests/cli/test_bad_input.sh.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/event.h"
#include "core/scene.h"
#include "core/strategy.h"

static struct scene *parse_ok(const char *text)
{
    struct err e;
    struct scene *sc = scene_parse("t.ini", text, &e);
    if (!sc) fail_msg("%s:%d: %s", e.file, e.line, e.msg);
    return sc;
}

/* A scene line of "title = " and n copies of unit, CRLF-ended, in [scene]. */
static char *title_line(const char *unit, int n)
{
    static char buf[2048];
    int at = snprintf(buf, sizeof buf, "[scene]\ntitle = ");
    for (int i = 0; i < n; i++)
        at += snprintf(buf + at, sizeof buf - (size_t)at, "%s", unit);
    snprintf(buf + at, sizeof buf - (size_t)at,
             "\r\n[workers]\nnames = A\n[queue]\nwork = sleep\nitems = 1\n");
    return buf;
}

/* The 200-character line limit counts characters, not bytes: 192 of any
 * width after "title = " fit, 193 do not; an invalid byte counts one. */
static void scene__line_limit_counts_characters(void **state)
{
    (void)state;
    const char *units[] = {"e", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xff", "\xc3"};
    for (size_t u = 0; u < sizeof units / sizeof *units; u++) {
        struct err e;
        struct scene *sc = scene_parse("t.ini", title_line(units[u], 192), &e);
        if (!sc) fail_msg("unit %zu: %d: %s", u, e.line, e.msg);
        assert_int_equal(strlen(sc->title), 192 * strlen(units[u]));
        scene_free(sc);
        assert_null(scene_parse("t.ini", title_line(units[u], 193), &e));
        assert_int_equal(e.line, 2);
        assert_non_null(strstr(e.msg, "longer than 200 characters"));
    }
}

static void scene__lists_continue_on_indented_lines(void **state)
{
    (void)state;
    struct scene *sc = parse_ok("[workers]\nnames = One,\n  Two\n\tThree, Four,\n[queue]\n"
                                "work = sleep\nitems = 1, 2,\n    3\n    4.5\n");
    assert_int_equal(sc->nworkers, 4);
    assert_string_equal(sc->workers[2], "Three");
    assert_string_equal(sc->workers[3], "Four");
    assert_int_equal(sc->nitems, 4);
    assert_int_equal(sc->items[3], INT64_C(4500000000));
    scene_free(sc);
}

/* Items lists, plain and not: a line with any item that is not a plain
 * decimal is read as a whole the general way, so its plain items are not
 * taken twice; odd spacing, a leading empty item and a trailing comma read
 * as before, and two commas in a row are still an error. */
static void scene__items_lists_read_the_same_every_way(void **state)
{
    (void)state;
    static const struct {
        const char *list;
        size_t n;
        int64_t items[4];
    } cases[] = {
        {"1, 2.5,3 ,\t4", 4, {UNIT_NS, 2500000000, 3 * UNIT_NS, 4 * UNIT_NS}},
        {"1, 2e0, 0.25", 3, {UNIT_NS, 2 * UNIT_NS, 250000000}},
        {"7, .5", 2, {7 * UNIT_NS, 500000000}},
        {", 1", 1, {UNIT_NS}},
        {"1,\n    2,\n    3e-9", 3, {UNIT_NS, 2 * UNIT_NS, 3}},
        {"0.000000001, 1234567", 2, {1, INT64_C(1234567) * UNIT_NS}},
    };
    char text[256];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        snprintf(text, sizeof text, "[workers]\nnames = A\n[queue]\nwork = sleep\nitems = %s\n",
                 cases[i].list);
        struct scene *sc = parse_ok(text);
        assert_int_equal(sc->nitems, cases[i].n);
        for (size_t k = 0; k < cases[i].n; k++)
            assert_int_equal(sc->items[k], cases[i].items[k]);
        scene_free(sc);
    }
    struct err e;
    assert_null(
        scene_parse("t.ini", "[workers]\nnames = A\n[queue]\nwork = sleep\nitems = 1,, 2\n", &e));
    assert_non_null(strstr(e.msg, "empty item"));
    assert_null(
        scene_parse("t.ini", "[workers]\nnames = A\n[queue]\nwork = sleep\nitems = 1, 2 3\n", &e));
    assert_int_equal(e.line, 5);
}

static void scene__reads_the_issue_example_with_inline_comments(void **state)
{
    (void)state;
    struct scene *sc = parse_ok("[scene]\ntitle = Cooperative concurrency with non-blocking calls\n"
                                "kind = queue\nstrategy = loop            ; default strategy\n"
                                "[workers]\nnames = One, Two\n[queue]\n"
                                "work = sleep               ; count | sleep\n"
                                "items = 15, 10, 5, 2       ; durations in scene units\n");
    assert_string_equal(sc->title, "Cooperative concurrency with non-blocking calls");
    assert_int_equal(sc->strategy, strategy_find("loop"));
    assert_int_equal(sc->work, WORK_SLEEP);
    assert_int_equal(sc->nitems, 4);
    assert_int_equal(sc->items[0], INT64_C(15000000000));
    scene_free(sc);
}

static void scene__counts_are_whole_numbers(void **state)
{
    (void)state;
    struct scene *sc = parse_ok("[workers]\nnames = A\n[queue]\nwork = count\nitems = 15, 0\n");
    assert_int_equal(sc->items[0], 15);
    assert_int_equal(sc->items[1], 0);
    scene_free(sc);
}

static void scene__defaults_apply_when_keys_are_absent(void **state)
{
    (void)state;
    struct scene *sc = parse_ok("[workers]\nnames = A\n[queue]\nwork = count\nitems = 1\n");
    assert_string_equal(sc->title, "t.ini");
    assert_int_equal(sc->strategy, strategy_find("sync"));
    assert_int_equal(sc->cpus, 1);
    assert_int_equal(sc->quantum, SCENE_DEFAULT_QUANTUM);
    assert_int_equal(sc->poll_interval, SCENE_DEFAULT_POLL_INTERVAL);
    assert_int_equal(sc->check_cost, SCENE_DEFAULT_CHECK_COST);
    assert_int_equal(sc->step, SCENE_DEFAULT_STEP);
    scene_free(sc);
}

static void scene__generators_describe_huge_workloads(void **state)
{
    (void)state;
    struct scene *sc = parse_ok("[scene]\nseed = 42\n[workers]\ncount = 100000\n[queue]\n"
                                "work = sleep\ngenerate = 1000000\ndist = uniform\nmin = 1\n"
                                "max = 20\n");
    assert_int_equal(sc->nworkers, 100000);
    assert_string_equal(sc->workers[99999], "W100000");
    assert_int_equal(sc->gen.count, 1000000);
    assert_int_equal(sc->gen.dist, DIST_UNIFORM);
    assert_int_equal(sc->gen.max, INT64_C(20000000000));
    assert_int_equal(sc->nitems, 0);
    assert_int_equal(sc->seed, 42);
    scene_free(sc);
}

static void scene__units_parse_and_print_like_the_timer(void **state)
{
    (void)state;
    int64_t ns;
    assert_int_equal(scene_parse_units("0.3", &ns), 0);
    assert_int_equal(ns, 300000000);
    assert_int_equal(scene_parse_units("15", &ns), 0);
    assert_int_equal(ns, INT64_C(15000000000));
    assert_int_equal(scene_parse_units("-1", &ns), -1);
    assert_int_equal(scene_parse_units("1x", &ns), -1);
    assert_int_equal(scene_parse_units("", &ns), -1);
    assert_int_equal(scene_parse_units("nan", &ns), -1);
    char buf[32];
    scene_format_units(buf, sizeof buf, INT64_C(17000000000));
    assert_string_equal(buf, "17.0");
    scene_format_units(buf, sizeof buf, INT64_C(250000000));
    assert_string_equal(buf, "0.2"); /* round half to even, as Python's format */
}

/* Numbers as strtod reads them: plain decimals of every length around the
 * parser's own path (6 digits, a point, 9 more) and the forms it leaves to
 * strtod give llround(strtod(s) * 1e9). */
static void scene__units_are_what_strtod_reads(void **state)
{
    (void)state;
    static const char *const forms[] = {"0",
                                        "7",
                                        "00012",
                                        "999999",
                                        "1000000",
                                        "12345678",
                                        "0.5",
                                        "1.",
                                        ".5",
                                        "3.25",
                                        "0.000000001",
                                        "0.0000000015",
                                        "2.1e3",
                                        "999999.999999999",
                                        "123456.7890123456",
                                        "4.100",
                                        "1e-9",
                                        " 5"};
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        int64_t ns = -1;
        assert_int_equal(scene_parse_units(forms[i], &ns), 0);
        assert_int_equal(ns, llround(strtod(forms[i], NULL) * 1e9));
    }
    /* ... but only decimals: strtod's hex, hex floats, inf and nan are not. */
    static const char *const not_decimal[] = {"0x10", "0x1p3", "inf", "nan", "0X1", ""};
    for (size_t i = 0; i < sizeof not_decimal / sizeof *not_decimal; i++) {
        int64_t ns = -1;
        assert_int_equal(scene_parse_units(not_decimal[i], &ns), -1);
    }
    uint64_t x = 7;
    char buf[32];
    for (int i = 0; i < 20000; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        int whole = (int)(x >> 60) % 8, frac = (int)(x >> 56) % 12;
        snprintf(buf, sizeof buf, "%.*llu", whole ? whole : 1,
                 (unsigned long long)(x >> 8) % 10000000ull);
        size_t n = strlen(buf);
        if (frac) {
            buf[n++] = '.';
            for (int k = 0; k < frac; k++, x /= 10)
                buf[n++] = (char)('0' + x % 10);
            buf[n] = '\0';
        }
        int64_t ns;
        assert_int_equal(scene_parse_units(buf, &ns), 0);
        assert_int_equal(ns, llround(strtod(buf, NULL) * 1e9));
    }
}

static void scene__http_lists_urls_and_latencies(void **state)
{
    (void)state;
    struct scene *sc = parse_ok("[workers]\nnames = One, Two\n[queue]\nwork = http\n"
                                "urls = http://a/delay/300,\n  http://b\nlatency = 0.3, 0.8\n"
                                "server = embedded\ntimeout = 2\n");
    assert_int_equal(sc->nurls, 2);
    assert_string_equal(sc->urls[1], "http://b");
    assert_int_equal(sc->latency[1], 800000000);
    assert_int_equal(sc->server_embedded, 1);
    assert_int_equal(sc->timeout, INT64_C(2000000000));
    scene_free(sc);
}

static void scene__keeps_its_full_text_for_traces(void **state)
{
    (void)state;
    const char *text = "[workers]\nnames = A\n[queue]\nwork = count\nitems = 1\n";
    struct scene *sc = parse_ok(text);
    assert_string_equal(sc->text, text);
    scene_free(sc);
}

/* units_format is printf("%.1f") without printf: it must agree with it
 * everywhere, ties and large values included. */
static void scene__units_format_agrees_with_printf(void **state)
{
    (void)state;
    uint64_t x = 88172645463325252ULL;
    char want[64], got[64];
    for (int i = 0; i < 2000000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int64_t ns;
        switch (i % 4) {
        case 0: ns = (int64_t)(x % 100000000000ULL); break; /* up to 100 units */
        case 1: ns = (int64_t)(x % 2000) * 50000000 + (int64_t)(x % 3) - 1; break; /* near ties */
        case 2: ns = (int64_t)(x % 2000) * 50000000; break; /* ties and exact tenths */
        default: ns = (int64_t)(x >> 1); break;             /* anything */
        }
        if (ns < 0) ns = -ns;
        snprintf(want, sizeof want, "%.1f", (double)ns / 1e9);
        int len = units_format(got, sizeof got, ns);
        if (strcmp(want, got) != 0 || len != (int)strlen(want))
            fail_msg("ns %lld: printf says %s, units_format %s", (long long)ns, want, got);
    }
}

/* The duplicate check is a hash set: with thousands of names (its table
 * grows several times, and probes past names in taken slots) distinct
 * names all load and a repeat is caught, on its own line. */
static void scene__finds_a_repeated_name_among_thousands(void **state)
{
    (void)state;
    size_t cap = 200000, n = 0;
    char *text = malloc(cap);
    n += (size_t)snprintf(text + n, cap - n, "[workers]\nnames = N0");
    for (int i = 1; i < 5000; i++)
        n += (size_t)snprintf(text + n, cap - n, i % 10 ? ", N%d" : ",\n  N%d", i);
    n += (size_t)snprintf(text + n, cap - n, "\n[queue]\nwork = sleep\nitems = 1\n");
    struct scene *sc = parse_ok(text);
    assert_int_equal(sc->nworkers, 5000);
    assert_string_equal(sc->workers[4999], "N4999");
    scene_free(sc);
    /* The same list with N1234 again on a line of its own (line 502). */
    char *at = strstr(text, "\n[queue]");
    memmove(at + 8, at, strlen(at) + 1);
    memcpy(at, ",\n N1234", 8);
    struct err e;
    assert_null(scene_parse("t.ini", text, &e));
    assert_string_equal(e.msg, "worker 'N1234' is named twice");
    assert_int_equal(e.line, 502);
    free(text);
    /* names and count together are refused, whatever the names. */
    assert_null(scene_parse("t.ini", "[workers]\ncount = 3\nnames = W2\n", &e));
    assert_string_equal(e.msg, "[workers] has both 'names' (line 3) and 'count' (line 2): list "
                               "the names or give a count, not both");
    assert_int_equal(e.line, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scene__lists_continue_on_indented_lines),
        cmocka_unit_test(scene__line_limit_counts_characters),
        cmocka_unit_test(scene__items_lists_read_the_same_every_way),
        cmocka_unit_test(scene__reads_the_issue_example_with_inline_comments),
        cmocka_unit_test(scene__counts_are_whole_numbers),
        cmocka_unit_test(scene__units_are_what_strtod_reads),
        cmocka_unit_test(scene__defaults_apply_when_keys_are_absent),
        cmocka_unit_test(scene__generators_describe_huge_workloads),
        cmocka_unit_test(scene__units_parse_and_print_like_the_timer),
        cmocka_unit_test(scene__units_format_agrees_with_printf),
        cmocka_unit_test(scene__http_lists_urls_and_latencies),
        cmocka_unit_test(scene__keeps_its_full_text_for_traces),
        cmocka_unit_test(scene__finds_a_repeated_name_among_thousands),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

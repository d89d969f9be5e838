/*
 * The streamed JSON summary (issue 13) writes exactly the bytes that
 * dumping summary_json's tree writes: for runs of every scene kind (so
 * deadlock cycles, results, roles and requests all appear), for a stats
 * with no tasks, for names that need escaping and for the real run's "os"
 * members, at the top level and nested as `juggle compare --json` nests it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/scene.h"
#include "core/sim.h"
#include "core/stats.h"
#include "core/strategy.h"
#include "headless/summary.h"

/* What the old path printed: the whole tree, dumped. */
static char *tree_text(const struct stats *st)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    json_t *j = summary_json(st);
    assert_int_equal(summary_dump_json(f, j), 0);
    json_decref(j);
    fclose(f);
    return buf;
}

static char *streamed_text(const struct stats *st)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_int_equal(summary_write_json(f, st, 0), 0);
    fputc('\n', f);
    fclose(f);
    return buf;
}

static void assert_same(const struct stats *st)
{
    char *a = tree_text(st), *b = streamed_text(st);
    assert_string_equal(b, a);
    free(a);
    free(b);
}

static void run(struct stats *st, const char *text, int strategy)
{
    struct err e;
    struct scene *sc = scene_parse("t.ini", text, &e);
    if (!sc) fail_msg("%s", e.msg);
    struct bus bus;
    bus_init(&bus);
    stats_init(st);
    bus_attach(&bus, stats_sink, st);
    struct sim *s = sim_new(sc, strategy, &bus);
    sim_run(s);
    sim_free(s);
    scene_free(sc);
}

static void summary__streams_the_same_bytes_for_every_kind(void **state)
{
    (void)state;
    static const char *const scenes[] = {
        "[workers]\nnames = One, \"Two\"\n[queue]\nwork = sleep\nitems = 1, 2, 3\n",
        "[scene]\nkind = household\n",
        "[scene]\nkind = deadlock\n",
        "[scene]\nkind = checkbook\n",
        "[scene]\nkind = server\n[server]\nrequests = 20\n",
        "[scene]\nkind = cpu\n[cpu]\ndigits = 30\n",
    };
    for (size_t i = 0; i < sizeof scenes / sizeof *scenes; i++)
        for (int s = 0; s < STRATEGY_COUNT; s++) {
            struct stats st;
            run(&st, scenes[i], s);
            assert_same(&st);
            stats_done(&st);
        }
}

static void summary__streams_empty_and_escaped_and_real_runs(void **state)
{
    (void)state;
    struct stats st;
    stats_init(&st);
    assert_same(&st); /* no tasks: "tasks": [] */
    run(&st, "[workers]\nnames = A\n[queue]\nwork = sleep\nitems = 1\n", 0);
    free(st.tasks[0].name);
    st.tasks[0].name = strdup("tab\there \"quoted\" \\ caf\xc3\xa9 \xe2\x9c\x93");
    st.tasks[0].has_os = 1;
    st.tasks[0].os_cpu_ns = 1234567;
    st.tasks[0].os_vcsw = 3;
    assert_same(&st);
    stats_done(&st);
}

/* v * n, or v where that would overflow (a sum of n times near INT64_MAX). */
static int64_t times(int64_t v, int64_t n)
{
    return n && (v > INT64_MAX / n || v < INT64_MIN / n) ? v : v * n;
}

/* Times of every size (with and without an exponent, past 10 significant
 * digits), names with and without escapes or UTF-8, tasks without
 * responses or an end, every shape in turn: each task's object is the
 * tree's. 200 tasks are one chunk; 8,193 are five, every other one
 * formatted by the second thread through both of its buffers. */
static void summary__writes_many_tasks_as_the_tree_does(void **state)
{
    (void)state;
    static const size_t sizes[] = {200, 8193};
    for (size_t z = 0; z < sizeof sizes / sizeof *sizes; z++) {
        /* Short times and long ones. */
        static const int64_t mine[] = {
            0,           100000,          123456789,    1000000000, 117000000000, 1234567891,
            12345678900, 999999999999999, 333333333300, 1000000001, 50000000,     2500000};
        static const int64_t theirs[] = {1,
                                         99999,
                                         12345678912,
                                         INT64_C(1000000000000000),
                                         INT64_C(1234567890000000),
                                         -5000000000,
                                         INT64_MAX,
                                         100000000000001,
                                         333333333333};
        const size_t nm = sizeof mine / sizeof *mine, nt = sizeof theirs / sizeof *theirs;
        static const char *const names[] = {"W1",          "a \"b\"", "W 2", "back\\slash",
                                            "caf\xc3\xa9", "bad\xff", "x\ty"};
        struct stats st;
        stats_init(&st);
        st.ntasks = st.cap = sizes[z];
        st.tasks = calloc(st.ntasks, sizeof *st.tasks);
        uint64_t x = 1;
        for (size_t i = 0; i < st.ntasks; i++) {
            struct stats_task *t = &st.tasks[i];
            int64_t v[7];
            for (int k = 0; k < 7; k++) {
                x = x * 6364136223846793005u + 1442695040888963407u;
                v[k] = mine[(x >> 33) % nm];
            }
            if (i % 3 == 1) v[i % 7] = theirs[(i / 3) % nt]; /* one time jansson's */
            t->name = strdup(names[i % 7 < 3 ? 0 : i % 7]);
            t->items = x >> 40;
            t->failed_items = i % 3;
            t->running = v[0];
            t->blocked = v[1];
            t->ready = v[2];
            t->worst_ready = v[3];
            t->end = i % 5 == 0 ? -1 : v[4];
            t->resp_max = v[5];
            t->resp_n = i % 4;
            /* Means that divide, and some that do not. */
            t->resp_sum = i % 8 == 3 ? (int64_t)(x >> 30) : times(v[6], (int64_t)t->resp_n);
            if (t->resp_sum < 0) t->resp_sum = 0;
            if (i % 6 == 5) { /* a task that made calls: those are its response */
                t->call_max = v[6];
                t->call_n = 1 + i % 3;
                t->call_sum = i % 12 == 11 ? 7 : times(v[5], (int64_t)t->call_n);
            }
        }
        assert_same(&st);
        stats_done(&st);
    }
}

static void summary__streams_compare_like_the_tree(void **state)
{
    (void)state;
    struct stats runs[2];
    run(&runs[0], "[scene]\nkind = deadlock\n", 3);
    run(&runs[1], "[workers]\nnames = X, Y\n[queue]\nwork = count\nitems = 2, 1\n", 1);
    json_t *o = json_object();
    json_object_set_new(o, "scene", json_string("A \"title\""));
    json_t *arr = json_array();
    for (int i = 0; i < 2; i++)
        json_array_append_new(arr, summary_json(&runs[i]));
    json_object_set_new(o, "runs", arr);
    char *a = NULL, *b = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&a, &n);
    summary_dump_json(f, o);
    fclose(f);
    json_decref(o);
    f = open_memstream(&b, &n);
    assert_int_equal(summary_write_compare_json(f, "A \"title\"", runs, 2), 0);
    fclose(f);
    assert_string_equal(b, a);
    free(a);
    free(b);
    for (int i = 0; i < 2; i++)
        stats_done(&runs[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(summary__streams_the_same_bytes_for_every_kind),
        cmocka_unit_test(summary__streams_empty_and_escaped_and_real_runs),
        cmocka_unit_test(summary__writes_many_tasks_as_the_tree_does),
        cmocka_unit_test(summary__streams_compare_like_the_tree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

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
        cmocka_unit_test(summary__streams_compare_like_the_tree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

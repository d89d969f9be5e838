/*
 * juggle compare --with-python: the masking that decides whether the
 * simulated scene and the Python program printed the same lines (measured
 * times and URL addresses masked, counts and words kept), the line-by-line
 * verdict, and the JSON writer's extra members (the same bytes as the
 * dumped tree, in the object's order).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/stats.h"
#include "headless/compare_python.h"
#include "headless/summary.h"

static void masks(const char *in, const char *want)
{
    char *got = compare_mask(in);
    assert_string_equal(got, want);
    free(got);
}

static void mask__times_and_urls_only(void **state)
{
    (void)state;
    masks("Task One elapsed time: 15.1", "Task One elapsed time: #");
    masks("\nTotal elapsed time: 0.0\n", "\nTotal elapsed time: #\n");
    masks("Task One total: 15", "Task One total: 15");
    masks("v2.5x and 3. and .5 and 1.2.3", "v#x and 3. and .5 and #.3");
    masks("1.5-2.25", "#-#");
    masks("Task Two getting URL: ${server}/delay/300", "Task Two getting URL: ${server}/delay/#");
    masks("Task Two getting URL: http://127.0.0.1:40041/delay/150",
          "Task Two getting URL: ${server}/delay/#");
    masks("get https://example.com/a1b22 then 1.25", "get ${server}/a#b# then #");
    masks("xhttp://a/1", "xhttp://a/1");
    masks("http://", "${server}");
    masks("", "");
}

static void lines__agree_or_name_the_first_difference(void **state)
{
    (void)state;
    struct compare_diff d;
    assert_int_equal(compare_lines("a 1.0\nb\n", "a 2.5\nb\n", &d), 1);
    assert_int_equal(d.line, 0);
    assert_int_equal(d.nlines, 2);
    assert_null(d.sim);
    compare_diff_free(&d);

    assert_int_equal(compare_lines("a\nb\nc\n", "a\nc\nb\n", &d), 0);
    assert_int_equal(d.line, 2);
    assert_string_equal(d.sim, "b");
    assert_string_equal(d.py, "c");
    compare_diff_free(&d);

    assert_int_equal(compare_lines("a\nb 1.5\n", "a\n", &d), 0);
    assert_int_equal(d.line, 2);
    assert_string_equal(d.sim, "b #");
    assert_null(d.py);
    compare_diff_free(&d);

    assert_int_equal(compare_lines("", "extra\n", &d), 0);
    assert_int_equal(d.line, 1);
    assert_int_equal(d.nlines, 0);
    assert_null(d.sim);
    assert_string_equal(d.py, "extra");
    compare_diff_free(&d);

    assert_int_equal(compare_lines("", "", &d), 1);
    compare_diff_free(&d);
}

static void json__extra_members_match_the_tree(void **state)
{
    (void)state;
    struct stats runs[1];
    stats_init(&runs[0]);
    json_t *extra = json_object();
    json_object_set_new(extra, "with_python", json_pack("{s:s, s:b}", "z", "x\"y", "a", 1));
    json_object_set_new(extra, "b", json_null());

    json_t *o = json_object();
    json_object_set_new(o, "scene", json_string("T"));
    json_object_update(o, extra);
    json_t *arr = json_array();
    json_array_append_new(arr, summary_json(&runs[0]));
    json_object_set_new(o, "runs", arr);
    char *a = NULL, *b = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&a, &n);
    summary_dump_json(f, o);
    fclose(f);
    json_decref(o);
    f = open_memstream(&b, &n);
    assert_int_equal(summary_write_compare_json_with(f, "T", extra, runs, 1), 0);
    fclose(f);
    assert_string_equal(b, a);
    assert_non_null(
        strstr(b, "\"with_python\": {\n    \"z\": \"x\\\"y\",\n    \"a\": true\n  },\n"));
    free(a);
    free(b);
    json_decref(extra);
    stats_done(&runs[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mask__times_and_urls_only),
        cmocka_unit_test(lines__agree_or_name_the_first_difference),
        cmocka_unit_test(json__extra_members_match_the_tree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

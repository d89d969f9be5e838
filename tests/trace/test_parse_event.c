/*
 * trace_parse_event, the per-line parser that juggle watch shares with
 * trace_load: a line becomes the event it says, with its text copied into
 * the caller's buffer; a bad line is refused with the reason trace_load
 * gives for it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/event.h"
#include "core/trace.h"

static int parse(const char *line, struct event *ev, char **text, size_t *cap, const char **why)
{
    *why = NULL;
    return trace_parse_event(line, strlen(line), ev, text, cap, why);
}

static void parse_event__reads_every_field_and_copies_the_text(void **state)
{
    (void)state;
    struct event ev;
    char *text = NULL;
    size_t cap = 0;
    const char *why;
    assert_int_equal(parse("[7,1500,\"block\",2,-1,1,6,900,0]", &ev, &text, &cap, &why), 0);
    assert_int_equal(ev.seq, 7);
    assert_int_equal(ev.t, 1500);
    assert_int_equal(ev.kind, EV_BLOCK);
    assert_int_equal(ev.task, 2);
    assert_int_equal(ev.cpu, -1);
    assert_int_equal(ev.other, 1);
    assert_int_equal(ev.reason, BLOCK_EXTERNAL);
    assert_int_equal(ev.value, 900);
    assert_null(ev.text);
    assert_int_equal(parse("[8,1600,\"log\",2,-1,-1,0,0,0,\"Task One \\u00e9 running\"]", &ev,
                           &text, &cap, &why),
                     0);
    assert_int_equal(ev.kind, EV_LOG);
    assert_ptr_equal(ev.text, text);
    assert_string_equal(ev.text, "Task One \xc3\xa9 running");
    free(text);
}

static void parse_event__refuses_bad_lines_with_the_reason(void **state)
{
    (void)state;
    static const struct {
        const char *line, *why;
    } bad[] = {
        {"[1,0,\"run\",0,0", "not a JSON event array"},
        {"{\"end\":\"complete\"}", "not a JSON event array"},
        {"[1,0,\"run\",0,0,-1,0]", "an event line has 9 or 10 values: seq, t, kind, ..."},
        {"[1,0,\"jump\",0,0,-1,0,0,0]", "unknown event kind"},
        {"[1,0,\"run\",0,0.5,-1,0,0,0]", "event field is not a whole number"},
        {"[1,0,\"log\",0,0,-1,0,0,0,7]", "event text is not a string"},
        {"[1,-5,\"run\",0,0,-1,0,0,0]", "event field out of range"},
        {"[0,0,\"run\",0,0,-1,0,0,0]", "event field out of range"},
    };
    char *text = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct event ev;
        const char *why;
        assert_int_equal(parse(bad[i].line, &ev, &text, &cap, &why), -1);
        assert_non_null(why);
        assert_string_equal(why, bad[i].why);
    }
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_event__reads_every_field_and_copies_the_text),
        cmocka_unit_test(parse_event__refuses_bad_lines_with_the_reason),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

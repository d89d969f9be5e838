/*
 * The stats sink's own bookkeeping (src/core/stats.c), fed events by hand:
 * blocked time by reason while a run goes on (stats_blocked_by) and in
 * blocked_by once it has ended, for a task that blocks for one reason,
 * then another, then the first again; and a table of 100,000 tasks that
 * stays aligned to cache lines and keeps every task's totals as it grows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/event.h"
#include "core/stats.h"

static void send(struct stats *st, int kind, int64_t t, int task, int reason, int64_t value)
{
    struct event ev = event_make(kind, t, task);
    ev.reason = (int16_t)reason;
    ev.value = value;
    ev.text = kind == EV_TASK_NEW ? "T" : NULL;
    stats_sink(st, &ev);
}

static void stats__blocked_time_by_reason_during_and_after_a_run(void **state)
{
    (void)state;
    struct stats st;
    stats_init(&st);
    send(&st, EV_TASK_NEW, 0, 0, 0, 0);
    send(&st, EV_BLOCK, 0, 0, BLOCK_SLEEP, 2 * UNIT_NS);
    send(&st, EV_WAKE, 2 * UNIT_NS, 0, 0, 0);
    send(&st, EV_BLOCK, 3 * UNIT_NS, 0, BLOCK_IO, -1);
    send(&st, EV_WAKE, 4 * UNIT_NS, 0, 0, 0);
    send(&st, EV_BLOCK, 5 * UNIT_NS, 0, BLOCK_SLEEP, -1);
    send(&st, EV_WAKE, 7 * UNIT_NS, 0, 0, 0);
    send(&st, EV_BLOCK, 8 * UNIT_NS, 0, BLOCK_LOCK, -1);
    const struct stats_task *tk = &st.tasks[0];
    assert_int_equal(stats_blocked_by(tk, BLOCK_SLEEP), 4 * UNIT_NS);
    assert_int_equal(stats_blocked_by(tk, BLOCK_IO), UNIT_NS);
    assert_int_equal(stats_blocked_by(tk, BLOCK_LOCK), 0); /* still open */
    assert_int_equal(tk->blocked, 5 * UNIT_NS);
    send(&st, EV_RUN_END, 10 * UNIT_NS, -1, 0, 10 * UNIT_NS);
    assert_int_equal(tk->blocked_by[BLOCK_SLEEP], 4 * UNIT_NS);
    assert_int_equal(tk->blocked_by[BLOCK_IO], UNIT_NS);
    assert_int_equal(tk->blocked_by[BLOCK_LOCK], 2 * UNIT_NS);
    assert_int_equal(stats_blocked_by(tk, BLOCK_LOCK), 2 * UNIT_NS);
    assert_int_equal(tk->blocked, 7 * UNIT_NS);
    stats_done(&st);
}

static void stats__a_large_table_stays_aligned_and_whole(void **state)
{
    (void)state;
    struct stats st;
    stats_init(&st);
    enum { N = 100000 };
    for (int i = 0; i < N; i++) {
        send(&st, EV_TASK_NEW, 0, i, 0, 0);
        send(&st, EV_BLOCK, 0, i, BLOCK_SLEEP, i);
        send(&st, EV_WAKE, i, i, 0, 0);
        assert_int_equal((uintptr_t)st.tasks % 64, 0);
    }
    assert_int_equal(st.ntasks, N);
    for (int i = 0; i < N; i++) {
        assert_string_equal(st.tasks[i].name, "T");
        assert_int_equal(st.tasks[i].blocked, i);
        assert_int_equal(stats_blocked_by(&st.tasks[i], BLOCK_SLEEP), i);
    }
    struct stats copy;
    stats_copy(&copy, &st);
    assert_int_equal(copy.tasks[N - 1].blocked, N - 1);
    send(&copy, EV_TASK_NEW, 0, 2 * N, 0, 0); /* a copy grows too */
    assert_int_equal((uintptr_t)copy.tasks % 64, 0);
    assert_int_equal(copy.tasks[N - 1].blocked, N - 1);
    stats_done(&copy);
    stats_done(&st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stats__blocked_time_by_reason_during_and_after_a_run),
        cmocka_unit_test(stats__a_large_table_stays_aligned_and_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

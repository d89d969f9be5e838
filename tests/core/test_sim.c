/*
 * Engine tests: ordering and ties, each strategy's semantics, stepping, and
 * the totals the stats sink derives. Scenes are written inline; a
 * recording sink keeps every event (with its text) for assertions.
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

#define U(x) ((int64_t)((x)*1e9 + 0.5))

struct rec {
    struct event *ev;
    char **text;
    size_t n, cap;
};

static void rec_sink(void *ctx, const struct event *ev)
{
    struct rec *r = ctx;
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 256;
        r->ev = realloc(r->ev, r->cap * sizeof *r->ev);
        r->text = realloc(r->text, r->cap * sizeof *r->text);
    }
    r->ev[r->n] = *ev;
    r->text[r->n] = ev->text ? strdup(ev->text) : NULL;
    r->ev[r->n].text = r->text[r->n];
    r->n++;
}

static void rec_free(struct rec *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->text[i]);
    free(r->ev);
    free(r->text);
    memset(r, 0, sizeof *r);
}

struct run {
    struct scene *sc;
    struct bus bus;
    struct stats st;
    struct rec rec;
    int failed;
};

static struct scene *parse(const char *text)
{
    struct err e;
    struct scene *sc = scene_parse("test.ini", text, &e);
    if (!sc) fail_msg("scene does not parse: %s:%d: %s", e.file, e.line, e.msg);
    return sc;
}

static void run_scene(struct run *r, const char *text, const char *strategy)
{
    memset(r, 0, sizeof *r);
    r->sc = parse(text);
    bus_init(&r->bus);
    stats_init(&r->st);
    bus_attach(&r->bus, stats_sink, &r->st);
    bus_attach(&r->bus, rec_sink, &r->rec);
    struct sim *s = sim_new(r->sc, strategy_find(strategy), &r->bus);
    r->failed = sim_run(s);
    sim_free(s);
}

static void run_done(struct run *r)
{
    rec_free(&r->rec);
    stats_done(&r->st);
    scene_free(r->sc);
}

/* The LOG lines joined with '\n'. */
static char *log_of(const struct rec *r)
{
    size_t len = 1;
    for (size_t i = 0; i < r->n; i++)
        if (r->ev[i].kind == EV_LOG) len += strlen(r->ev[i].text) + 1;
    char *s = calloc(1, len);
    for (size_t i = 0; i < r->n; i++)
        if (r->ev[i].kind == EV_LOG) {
            strcat(s, r->ev[i].text);
            strcat(s, "\n");
        }
    return s;
}

/* Index of the n-th (0-based) event of kind for task, or -1. */
static long find(const struct rec *r, int kind, int task, int n)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->ev[i].kind == kind && (task < 0 || r->ev[i].task == task) && n-- == 0)
            return (long)i;
    return -1;
}

static int count_kind(const struct rec *r, int kind)
{
    int c = 0;
    for (size_t i = 0; i < r->n; i++)
        c += r->ev[i].kind == kind;
    return c;
}

#define SLEEP_SCENE(items) "[workers]\nnames = One, Two\n[queue]\nwork = sleep\nitems = " items "\n"
#define COUNT_SCENE(names, items, step)                                                            \
    "[workers]\nnames = " names "\n[queue]\nwork = count\nitems = " items "\nstep = " step "\n"

static void loop__resumes_tasks_in_timer_order_on_ties(void **state)
{
    (void)state;
    struct run r;
    /* One's 15 and Two's 10+5 both end at 15: One's timer was set first. */
    run_scene(&r, SLEEP_SCENE("15, 10, 5, 2"), "loop");
    char *log = log_of(&r.rec);
    assert_string_equal(log, "Task One running\nTask Two running\nTask Two elapsed time: 10.0\n"
                             "Task Two running\nTask One elapsed time: 15.0\nTask One running\n"
                             "Task Two elapsed time: 5.0\nTask One elapsed time: 2.0\n\n"
                             "Total elapsed time: 17.0\n");
    assert_int_equal(r.st.total, U(17));
    free(log);
    run_done(&r);
}

static void loop__wakes_a_task_on_the_turn_after_its_timer(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, SLEEP_SCENE("1"), "loop");
    /* BLOCK at 0 until 1; WAKE at 1; RUN at 1 after the WAKE. */
    long b = find(&r.rec, EV_BLOCK, 0, 0), w = find(&r.rec, EV_WAKE, 0, 0);
    long run2 = find(&r.rec, EV_RUN, 0, 1);
    assert_true(b >= 0 && w > b && run2 > w);
    assert_int_equal(r.rec.ev[b].value, U(1));
    assert_int_equal(r.rec.ev[w].t, U(1));
    assert_int_equal(r.rec.ev[run2].t, U(1));
    run_done(&r);
}

static void loop__sleep_zero_is_a_bare_yield_not_a_timer(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, SLEEP_SCENE("0, 0"), "loop");
    assert_int_equal(count_kind(&r.rec, EV_BLOCK), 0);
    assert_int_equal(count_kind(&r.rec, EV_YIELD), 2);
    run_done(&r);
}

static void loop__cpu_work_blocks_the_loop(void **state)
{
    (void)state;
    struct run r;
    /* No awaits in counting: One takes every item, Two finds nothing. */
    run_scene(&r, COUNT_SCENE("One, Two", "3, 4", "1"), "loop");
    assert_int_equal(r.st.tasks[0].items, 2);
    assert_int_equal(r.st.tasks[1].items, 0);
    assert_int_equal(r.st.tasks[0].running, U(7));
    assert_int_equal(r.st.tasks[1].ready, U(7));
    assert_int_equal(r.st.total, U(7));
    run_done(&r);
}

static void sync__runs_each_task_to_completion_in_turn(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, SLEEP_SCENE("3, 4"), "sync");
    char *log = log_of(&r.rec);
    assert_string_equal(log, "Task One running\nTask One elapsed time: 3.0\nTask One running\n"
                             "Task One elapsed time: 4.0\nTask Two nothing to do\n\n"
                             "Total elapsed time: 7.0\n");
    /* Two waited for the CPU the whole time One held it. */
    assert_int_equal(r.st.tasks[1].ready, U(7));
    assert_int_equal(r.st.tasks[0].blocked, U(7));
    assert_int_equal(r.st.switches, 1);
    free(log);
    run_done(&r);
}

static void coop__a_blocking_sleep_stalls_everyone(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, SLEEP_SCENE("15, 10, 5, 2"), "coop");
    assert_int_equal(r.st.total, U(32));
    long first_run_two = find(&r.rec, EV_RUN, 1, 0);
    assert_int_equal(r.rec.ev[first_run_two].t, U(15));
    /* The sleeping task holds the thread: its BLOCK is a stall. */
    long b = find(&r.rec, EV_BLOCK, 0, 0);
    assert_int_equal(r.rec.ev[b].other, 1);
    assert_int_equal(r.st.tasks[1].worst_ready, U(15));
    run_done(&r);
}

static void coop__skips_the_task_after_a_removed_one_as_python_does(void **state)
{
    (void)state;
    struct run r;
    /* Pass 1: A yields, B is removed, so the for loop skips C. Pass 2: A
     * finishes. Pass 3: C finishes. Without the skip C would end before A. */
    run_scene(&r, COUNT_SCENE("A, B, C", "1", "1"), "coop");
    long db = find(&r.rec, EV_TASK_DONE, 1, 0), da = find(&r.rec, EV_TASK_DONE, 0, 0);
    long dc = find(&r.rec, EV_TASK_DONE, 2, 0);
    assert_true(db >= 0 && da > db && dc > da);
    assert_int_equal(find(&r.rec, EV_RUN, 2, 0) > da, 1);
    run_done(&r);
}

static void coop__count_yields_after_every_increment(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, COUNT_SCENE("One, Two", "3, 2", "1"), "coop");
    assert_int_equal(count_kind(&r.rec, EV_YIELD), 5);
    char *log = log_of(&r.rec);
    assert_string_equal(log, "Task One running\nTask Two running\nTask Two total: 2\n"
                             "Task One total: 3\n");
    free(log);
    run_done(&r);
}

static void threads__preempts_at_the_quantum(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "[scene]\nquantum = 0.5\n" COUNT_SCENE("One, Two", "2, 2, 2, 2", "0.5"),
              "threads");
    /* Each item is 1.0 of CPU; slices of 0.5 alternate One and Two until
     * One finishes at 3.5 and Two runs alone. */
    int preempts = count_kind(&r.rec, EV_PREEMPT);
    assert_int_equal(preempts, 6);
    for (size_t i = 0; i < r.rec.n; i++)
        if (r.rec.ev[i].kind == EV_PREEMPT) assert_int_equal(r.rec.ev[i].t % U(0.5), 0);
    assert_int_equal(r.st.total, U(4));
    assert_int_equal(r.st.tasks[0].running + r.st.tasks[1].running, U(4));
    run_done(&r);
}

static void threads__run_in_parallel_on_two_cpus(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "[scene]\ncpus = 2\n" COUNT_SCENE("One, Two", "3, 3", "1"), "threads");
    assert_int_equal(r.st.total, U(3));
    assert_int_equal(r.st.ncpu, 2);
    assert_int_equal(r.st.switches, 0);
    assert_true(stats_cpu_busy(&r.st) > 0.999);
    run_done(&r);
}

static void threads__a_blocking_sleep_blocks_only_its_thread(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, SLEEP_SCENE("15, 10, 5, 2"), "threads");
    assert_int_equal(r.st.total, U(17));
    assert_int_equal(r.st.tasks[1].worst_ready, 0);
    run_done(&r);
}

static void poll__notices_completion_only_at_the_next_check(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r,
              "[scene]\npoll_interval = 1\ncheck_cost = 0\n[workers]\nnames = One\n"
              "[queue]\nwork = sleep\nitems = 1.5\n",
              "poll");
    char *log = log_of(&r.rec);
    assert_string_equal(log, "Task One running\nTask One elapsed time: 2.0\n\n"
                             "Total elapsed time: 2.0\n");
    assert_int_equal(r.st.polls_wasted, 1);
    assert_int_equal(r.st.polls_useful, 1);
    /* Finished at 1.5 but unnoticed until 2: half a unit of poll-wait. */
    assert_int_equal(r.st.tasks[0].blocked_by[BLOCK_POLL_WAIT], U(0.5));
    assert_int_equal(r.st.tasks[0].blocked_by[BLOCK_SLEEP], U(1.5));
    free(log);
    run_done(&r);
}

static void poll__wasted_checks_fall_when_the_interval_doubles(void **state)
{
    (void)state;
    struct run a, b;
    run_scene(&a, "[scene]\npoll_interval = 1\n" SLEEP_SCENE("15, 10, 5, 2"), "poll");
    run_scene(&b, "[scene]\npoll_interval = 2\n" SLEEP_SCENE("15, 10, 5, 2"), "poll");
    assert_true(b.st.polls_wasted < a.st.polls_wasted);
    assert_true(a.st.poll_cost == (int64_t)(a.st.polls_wasted + a.st.polls_useful) * U(0.01));
    run_done(&a);
    run_done(&b);
}

static void poll__interleaves_cpu_work_at_each_interval(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "[scene]\npoll_interval = 1\n" COUNT_SCENE("One, Two", "3, 3", "1"), "poll");
    /* Each check boundary hands the CPU to the other task. */
    assert_true(count_kind(&r.rec, EV_PREEMPT) >= 4);
    assert_int_equal(r.st.total, U(6));
    run_done(&r);
}

static void stats__states_partition_each_tasks_lifetime(void **state)
{
    (void)state;
    const char *strats[] = {"sync", "coop", "poll", "threads", "loop"};
    for (int i = 0; i < 5; i++) {
        struct run r;
        run_scene(&r,
                  "[scene]\ncpus = 2\n[workers]\nnames = A, B, C\n[queue]\nwork = count\n"
                  "items = 5, 3, 8, 1, 4\nstep = 0.3\n",
                  strats[i]);
        for (size_t t = 0; t < r.st.ntasks; t++) {
            const struct stats_task *tk = &r.st.tasks[t];
            assert_int_equal(tk->running + tk->ready + tk->blocked, tk->end);
        }
        assert_int_equal(stats_busy(&r.st), U(0.3) * 21 + r.st.poll_cost);
        run_done(&r);
    }
}

static void sim__stepping_gives_the_same_stream_as_one_run(void **state)
{
    (void)state;
    struct run whole;
    const char *text = SLEEP_SCENE("15, 10, 5, 2");
    run_scene(&whole, text, "loop");

    struct scene *sc = parse(text);
    struct bus bus;
    struct rec rec = {0};
    bus_init(&bus);
    bus_attach(&bus, rec_sink, &rec);
    struct sim *s = sim_new(sc, strategy_find("loop"), &bus);
    int64_t t = 0;
    while (!sim_advance(s, t)) {
        /* Nothing after t has been emitted yet. */
        assert_true(rec.ev[rec.n - 1].t <= t);
        t += U(0.25);
    }
    sim_free(s);
    assert_int_equal(rec.n, whole.rec.n);
    for (size_t i = 0; i < rec.n; i++) {
        assert_int_equal(rec.ev[i].kind, whole.rec.ev[i].kind);
        assert_int_equal(rec.ev[i].t, whole.rec.ev[i].t);
        assert_int_equal(rec.ev[i].task, whole.rec.ev[i].task);
    }
    rec_free(&rec);
    scene_free(sc);
    run_done(&whole);
}

static void sim__is_deterministic_for_generated_workloads(void **state)
{
    (void)state;
    const char *text = "[scene]\nseed = 7\n[workers]\ncount = 50\n[queue]\nwork = sleep\n"
                       "generate = 2000\ndist = exp\nmean = 3\n";
    struct run a, b;
    run_scene(&a, text, "loop");
    run_scene(&b, text, "loop");
    assert_int_equal(a.rec.n, b.rec.n);
    assert_int_equal(a.st.total, b.st.total);
    for (size_t i = 0; i < a.rec.n; i++) {
        assert_int_equal(a.rec.ev[i].t, b.rec.ev[i].t);
        assert_int_equal(a.rec.ev[i].kind, b.rec.ev[i].kind);
        assert_int_equal(a.rec.ev[i].task, b.rec.ev[i].task);
        assert_int_equal(a.rec.ev[i].other, b.rec.ev[i].other);
        assert_int_equal(a.rec.ev[i].value, b.rec.ev[i].value);
    }
    uint64_t items = 0;
    for (size_t t = 0; t < a.st.ntasks; t++)
        items += a.st.tasks[t].items;
    assert_int_equal(items, 2000);
    run_done(&a);
    run_done(&b);
}

static void sim__sequence_numbers_and_times_never_go_backwards(void **state)
{
    (void)state;
    const char *strats[] = {"sync", "coop", "poll", "threads", "loop"};
    for (int i = 0; i < 5; i++) {
        struct run r;
        run_scene(&r,
                  "[scene]\nseed = 3\n[workers]\ncount = 7\n[queue]\nwork = sleep\n"
                  "generate = 100\nmin = 0\nmax = 4\n",
                  strats[i]);
        for (size_t k = 1; k < r.rec.n; k++) {
            assert_true(r.rec.ev[k].seq == r.rec.ev[k - 1].seq + 1);
            assert_true(r.rec.ev[k].t >= r.rec.ev[k - 1].t);
        }
        assert_int_equal(r.rec.ev[r.rec.n - 1].kind, EV_RUN_END);
        run_done(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loop__resumes_tasks_in_timer_order_on_ties),
        cmocka_unit_test(loop__wakes_a_task_on_the_turn_after_its_timer),
        cmocka_unit_test(loop__sleep_zero_is_a_bare_yield_not_a_timer),
        cmocka_unit_test(loop__cpu_work_blocks_the_loop),
        cmocka_unit_test(sync__runs_each_task_to_completion_in_turn),
        cmocka_unit_test(coop__a_blocking_sleep_stalls_everyone),
        cmocka_unit_test(coop__skips_the_task_after_a_removed_one_as_python_does),
        cmocka_unit_test(coop__count_yields_after_every_increment),
        cmocka_unit_test(threads__preempts_at_the_quantum),
        cmocka_unit_test(threads__run_in_parallel_on_two_cpus),
        cmocka_unit_test(threads__a_blocking_sleep_blocks_only_its_thread),
        cmocka_unit_test(poll__notices_completion_only_at_the_next_check),
        cmocka_unit_test(poll__wasted_checks_fall_when_the_interval_doubles),
        cmocka_unit_test(poll__interleaves_cpu_work_at_each_interval),
        cmocka_unit_test(stats__states_partition_each_tasks_lifetime),
        cmocka_unit_test(sim__stepping_gives_the_same_stream_as_one_run),
        cmocka_unit_test(sim__is_deterministic_for_generated_workloads),
        cmocka_unit_test(sim__sequence_numbers_and_times_never_go_backwards),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * cpuq: the preemptive strategy's CPUs and run queue, one rule for the
 * simulated run (strat_threads.c) and the real one (exec/real_threads.c):
 * ready threads wait in FIFO order; free CPUs, in a pass from the
 * lowest-numbered, go to the threads that have waited longest and starts a time slice of
 * the scene's quantum; when a slice ends the thread is preempted only if
 * another is waiting, and otherwise gets a new slice. A slice is measured
 * on the CPU's clock: the run's time when simulated (a thread on a CPU is
 * running), the CPU time its threads really used when real (so another
 * process's load does not cut slices short and change who runs when).
 */
#include <stdlib.h>

#include "sim_internal.h"
#include "xalloc.h"

void cpuq_init(struct cpuq *q, int ncpu, int own_clock)
{
    q->ready = (struct intq){0};
    q->slice = xcalloc((size_t)ncpu, sizeof *q->slice);
    q->clock = own_clock ? xcalloc((size_t)ncpu, sizeof *q->clock) : NULL;
}

int64_t cpuq_clock(const struct sim *s, const struct cpuq *q, int cpu)
{
    return q->clock ? q->clock[cpu] : s->now;
}

void cpuq_free(struct cpuq *q)
{
    intq_free(&q->ready);
    free(q->slice);
    free(q->clock);
    q->slice = q->clock = NULL;
}

int cpuq_next(struct sim *s, struct cpuq *q, int *from)
{
    if (q->ready.n == 0 || s->finished) return -1;
    for (int c = *from; c < s->ncpu; c++) {
        if (s->cpu_task[c] >= 0) continue;
        struct sim_task *t = sim_task(s, intq_pop(&q->ready));
        sim_run_on(s, t, c);
        q->slice[c] = cpuq_clock(s, q, c) + s->sc->quantum;
        *from = c + 1;
        return t->id;
    }
    return -1;
}

int cpuq_slice_over(struct sim *s, struct cpuq *q, int cpu)
{
    int64_t now = cpuq_clock(s, q, cpu);
    if (now < q->slice[cpu]) return 0;
    if (q->ready.n > 0) return 1;
    q->slice[cpu] = now + s->sc->quantum;
    return 0;
}

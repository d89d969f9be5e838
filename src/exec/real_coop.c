/*
 * real_coop: cooperative generators for real (the article's examples 2, 3
 * and 5). One thread; a task gives up the CPU only at a yield point; a
 * blocking call (a sleep, curl_easy_perform) stalls everyone.
 *
 * The driver is the article's main loop with its quirk, as strat_coop.c
 * explains: removing a finished task from the list while iterating over it
 * skips the task after it in that pass. We iterate by index the same way,
 * so the real run prints the same lines in the same order.
 */
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "exec/real_internal.h"

/* Runs t until its next yield, end or stop, charging the thread's OS view
 * to it. */
static int proceed(struct real_run *r, struct real_task *t, struct http_client *c)
{
    struct real_os before, after;
    real_os_now(&before);
    int rc = real_blocking_proceed(r, t, c);
    real_os_now(&after);
    real_os_add(t, &before, &after);
    return rc;
}

static void coop_run(struct real_run *r)
{
    struct http_client c;
    if (real_client_get(r, &c)) return;
    int n = r->ntasks, idx = 0;
    int *list = xmalloc((size_t)n * sizeof *list);
    for (int i = 0; i < n; i++)
        list[i] = i;
    struct real_task *t = &r->tasks[0];
    real_run_on(r, t, 0);
    int rc = proceed(r, t, &c);
    while (rc != REAL_STOP) {
        t = &r->tasks[list[idx]];
        if (rc == REAL_YIELD) {
            real_make_ready(r, t, EV_YIELD);
        } else {
            /* StopIteration: tasks.remove(t); the for loop moves on. */
            real_task_done(r, t);
            if (r->ndone == r->ntasks) break;
            memmove(list + idx, list + idx + 1, (size_t)(n - idx - 1) * sizeof *list);
            n--;
        }
        idx++;
        if (idx >= n) idx = 0; /* the for loop ends; while starts it again */
        t = &r->tasks[list[idx]];
        real_run_on(r, t, 0);
        rc = proceed(r, t, &c);
    }
    free(list);
    real_client_put(r, &c);
}

const struct real_backend real_backend_coop = {
    .name = "coop",
    .run = coop_run,
};

/*
 * real_sync: the synchronous program for real (the article's example 1,
 * and example 5 without its yields mattering). One thread runs each task
 * to completion in turn; every wait is a blocking call (a cancellable
 * sleep, curl_easy_perform) that stalls the whole program. The order of
 * events is strat_sync.c's.
 */
#include "exec/real_internal.h"

static void sync_run(struct real_run *r)
{
    struct http_client c;
    if (real_client_get(r, &c)) return;
    for (int i = 0; i < r->ntasks; i++) {
        struct real_task *t = &r->tasks[i];
        real_run_on(r, t, 0);
        struct real_os before, after;
        real_os_now(&before);
        int rc;
        do
            rc = real_blocking_proceed(r, t, &c);
        while (rc == REAL_YIELD);
        real_os_now(&after);
        real_os_add(t, &before, &after);
        if (rc == REAL_STOP) break;
        real_task_done(r, t);
    }
    real_client_put(r, &c);
}

const struct real_backend real_backend_sync = {
    .name = "sync",
    .run = sync_run,
};

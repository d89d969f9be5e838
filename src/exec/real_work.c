/*
 * real_work: the work itself, for real — CPU time used by counting, sleeps
 * a stop can cut short, blocking fetches a stop can abort, and what the OS
 * saw of a thread. Every real backend uses these; none of them decides
 * what runs when (the engine does).
 *
 * ${server}: a scene URL may begin with ${server}, the embedded delay
 * server's address; only the fetch itself uses the real address.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "core/xalloc.h"
#include "exec/real_internal.h"

#define SERVER_VAR "${server}"

static int64_t thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t real_cpu(struct real_run *r, int64_t dur, int64_t until)
{
    int64_t want = real_ns(r, dur);
    int64_t wall_end = until >= 0 ? r->q.t0 + real_ns(r, until) : -1;
    int64_t start = thread_cpu_ns(), used = 0;
    volatile uint64_t counter = 0;
    while (used < want) {
        for (int i = 0; i < 4096; i++)
            counter = counter + 1;
        used = thread_cpu_ns() - start;
        if (real_stopped(r)) break;
        if (wall_end >= 0 && evq_mono_ns() >= wall_end) break;
    }
    if (used > want) used = want;
    return (int64_t)((double)used / r->scale);
}

int64_t real_busy(struct real_run *r, int64_t dur, int64_t until)
{
    int64_t start = real_now(r);
    int64_t end = start + dur;
    if (until >= 0 && until < end) end = until;
    volatile uint64_t counter = 0;
    int64_t now = start;
    while (now < end && !real_stopped(r)) {
        for (int i = 0; i < 4096; i++)
            counter = counter + 1;
        now = real_now(r);
    }
    return now - start < dur ? now - start : dur;
}

void real_sleep_until(struct real_run *r, int64_t until)
{
    int64_t due = r->q.t0 + real_ns(r, until);
    struct timespec ts = {(time_t)(due / 1000000000), (long)(due % 1000000000)};
    pthread_mutex_lock(&r->cancel_mu);
    while (!real_stopped(r))
        if (pthread_cond_timedwait(&r->cancel_cv, &r->cancel_mu, &ts) == ETIMEDOUT) break;
    pthread_mutex_unlock(&r->cancel_mu);
}

char *real_url(const struct real_run *r, const char *url)
{
    const char *p = strstr(url, SERVER_VAR);
    if (!p || !r->server) return xstrdup(url);
    return xasprintf("%.*s%s%s", (int)(p - url), url, delay_server_url(r->server),
                     p + strlen(SERVER_VAR));
}

int64_t real_timeout_ms(const struct real_run *r)
{
    int64_t ms = real_ns(r, r->http_timeout) / 1000000;
    return ms < 1 ? 1 : ms;
}

int real_client_get(struct real_run *r, struct http_client *c)
{
    int rc = http_client_init(c);
    if (rc) return rc;
    pthread_mutex_lock(&r->cancel_mu);
    c->next = r->clients;
    r->clients = c;
    pthread_mutex_unlock(&r->cancel_mu);
    return 0;
}

void real_client_put(struct real_run *r, struct http_client *c)
{
    pthread_mutex_lock(&r->cancel_mu);
    for (struct http_client **p = &r->clients; *p; p = &(*p)->next)
        if (*p == c) {
            *p = c->next;
            break;
        }
    pthread_mutex_unlock(&r->cancel_mu);
    http_client_done(c);
}

void real_fetch_blocking(struct real_run *r, struct http_client *c, const char *url,
                         struct http_result *out)
{
    char *real = real_url(r, url);
    http_client_fetch(c, real, real_timeout_ms(r), &r->stop, out);
    free(real);
}

void real_result(struct real_task *t)
{
    if (!t->res) return;
    t->res->status = t->http.status;
    t->res->bytes = t->http.bytes;
    t->res->error = t->http.error[0] ? t->http.error : NULL;
}

void real_os_now(struct real_os *o)
{
    struct rusage ru;
    memset(o, 0, sizeof *o);
    if (getrusage(RUSAGE_THREAD, &ru) != 0) return;
    o->cpu_ns = ((int64_t)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000 +
                ((int64_t)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000;
    o->vcsw = ru.ru_nvcsw;
    o->ivcsw = ru.ru_nivcsw;
}

void real_os_add(struct real_task *t, const struct real_os *before, const struct real_os *after)
{
    t->has_os = 1;
    t->os.cpu_ns += after->cpu_ns - before->cpu_ns;
    t->os.vcsw += after->vcsw - before->vcsw;
    t->os.ivcsw += after->ivcsw - before->ivcsw;
}

/*
 * delay_server: libmicrohttpd with one internal polling thread (epoll where
 * available) and one timer thread.
 *
 * The access handler is called first when the headers have arrived (we
 * only allocate the request's record then), and again to produce the
 * answer. For /delay/MS the second call suspends the connection and files
 * it in a min-heap by due time; the timer thread resumes it when due and
 * MHD calls the handler a third time, which queues the answer. MHD forbids
 * stopping the daemon with suspended connections, so stopping first makes
 * the timer thread resume every one of them.
 *
 * The connection is suspended and filed under the lock the timer thread
 * resumes under, so it never resumes a connection that is not suspended,
 * and none is suspended once stopping has begun.
 */
#include "exec/delay_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"

#define MAX_DELAY_MS 3600000
#define MAX_BYTES    (INT64_C(1) << 32)

enum { REQ_NEW, REQ_WAITING, REQ_DUE };

struct req {
    int state;
    long ms;
};

struct waiter {
    int64_t due; /* CLOCK_MONOTONIC ns */
    uint64_t seq;
    struct MHD_Connection *conn;
    struct req *req;
};

struct delay_server {
    struct MHD_Daemon *daemon;
    int port;
    char url[64];
    double scale;
    pthread_t timer;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stopping;
    struct waiter *heap;
    size_t n, cap;
    uint64_t seq;
};

struct body {
    uint64_t send; /* bytes to send before ending (or failing) */
    int fail;      /* end with an error: the connection is closed */
};

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int earlier(const struct waiter *a, const struct waiter *b)
{
    return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static void heap_push(struct delay_server *s, struct waiter w)
{
    s->heap = xgrow(s->heap, &s->cap, s->n + 1, sizeof *s->heap);
    size_t i = s->n++;
    while (i > 0 && earlier(&w, &s->heap[(i - 1) / 2])) {
        s->heap[i] = s->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    s->heap[i] = w;
}

static struct waiter heap_pop(struct delay_server *s)
{
    struct waiter top = s->heap[0], last = s->heap[--s->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= s->n) break;
        if (c + 1 < s->n && earlier(&s->heap[c + 1], &s->heap[c])) c++;
        if (!earlier(&s->heap[c], &last)) break;
        s->heap[i] = s->heap[c];
        i = c;
    }
    if (s->n) s->heap[i] = last;
    return top;
}

static void *timer_main(void *arg)
{
    struct delay_server *s = arg;
    pthread_mutex_lock(&s->mu);
    for (;;) {
        if (s->n && (s->stopping || s->heap[0].due <= mono_ns())) {
            struct waiter w = heap_pop(s);
            w.req->state = REQ_DUE;
            MHD_resume_connection(w.conn);
            continue;
        }
        if (s->stopping) break;
        if (!s->n) {
            pthread_cond_wait(&s->cv, &s->mu);
            continue;
        }
        struct timespec ts = {(time_t)(s->heap[0].due / 1000000000),
                              (long)(s->heap[0].due % 1000000000)};
        pthread_cond_timedwait(&s->cv, &s->mu, &ts);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

static enum MHD_Result answer_text(struct MHD_Connection *conn, unsigned code, const char *text)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, "Content-Type", "text/plain");
    enum MHD_Result ok = MHD_queue_response(conn, code, r);
    MHD_destroy_response(r);
    return ok;
}

static ssize_t body_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct body *b = cls;
    if (pos >= b->send)
        return b->fail ? MHD_CONTENT_READER_END_WITH_ERROR : MHD_CONTENT_READER_END_OF_STREAM;
    uint64_t n = b->send - pos;
    if (n > max) n = max;
    memset(buf, 'x', (size_t)n);
    return (ssize_t)n;
}

static enum MHD_Result answer_bytes(struct MHD_Connection *conn, uint64_t size, int fail)
{
    struct body *b = xmalloc(sizeof *b);
    b->send = fail ? size / 2 : size;
    b->fail = fail;
    struct MHD_Response *r = MHD_create_response_from_callback(size, 64 * 1024, body_read, b, free);
    if (!r) {
        free(b);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", "application/octet-stream");
    enum MHD_Result ok = MHD_queue_response(conn, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ok;
}

/* Parses "/PREFIX/NUMBER" into *v within [lo, hi]. Returns 1 on a match. */
static int path_number(const char *url, const char *prefix, long long lo, long long hi,
                       long long *v)
{
    size_t n = strlen(prefix);
    if (strncmp(url, prefix, n) != 0) return 0;
    const char *p = url + n;
    if (*p < '0' || *p > '9') return 0;
    char *end;
    errno = 0;
    long long x = strtoll(p, &end, 10);
    if (errno || (*end && *end != '/') || x < lo || x > hi) return 0;
    *v = x;
    return 1;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    (void)version;
    (void)upload_data;
    struct delay_server *s = cls;
    struct req *q = *con_cls;
    if (!q) {
        q = xcalloc(1, sizeof *q);
        *con_cls = q;
        return MHD_YES;
    }
    if (*upload_size) {
        *upload_size = 0; /* a body we do not read */
        return MHD_YES;
    }
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return answer_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "GET only\n");
    long long v;
    if (path_number(url, "/delay/", 0, MAX_DELAY_MS, &v)) {
        if (q->state == REQ_DUE || v == 0) {
            char text[64];
            snprintf(text, sizeof text, "delayed %lld ms\n", v);
            return answer_text(conn, MHD_HTTP_OK, text);
        }
        if (q->state != REQ_NEW) return MHD_YES;
        struct waiter w = {.conn = conn, .req = q};
        w.due = mono_ns() + (int64_t)((double)v * 1e6 * s->scale);
        pthread_mutex_lock(&s->mu);
        if (s->stopping) {
            pthread_mutex_unlock(&s->mu);
            return answer_text(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "stopping\n");
        }
        q->state = REQ_WAITING;
        q->ms = (long)v;
        MHD_suspend_connection(conn);
        w.seq = s->seq++;
        heap_push(s, w);
        pthread_cond_signal(&s->cv);
        pthread_mutex_unlock(&s->mu);
        return MHD_YES;
    }
    if (path_number(url, "/bytes/", 0, MAX_BYTES, &v)) return answer_bytes(conn, (uint64_t)v, 0);
    if (path_number(url, "/reset/", 2, MAX_BYTES, &v)) return answer_bytes(conn, (uint64_t)v, 1);
    if (path_number(url, "/status/", 200, 599, &v)) {
        char text[64];
        snprintf(text, sizeof text, "status %lld\n", v);
        return answer_text(conn, (unsigned)v, text);
    }
    return answer_text(conn, MHD_HTTP_NOT_FOUND,
                       "not found: try /delay/MS, /bytes/N, /status/CODE\n");
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    free(*con_cls);
    *con_cls = NULL;
}

int delay_server_start(struct delay_server **out, int port, double time_scale)
{
    if (port < 0 || port > 65535) return -EINVAL;
    struct delay_server *s = xcalloc(1, sizeof *s);
    s->scale = time_scale > 0 ? time_scale : 1.0;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&s->mu, NULL);

    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_ALLOW_SUSPEND_RESUME;
    if (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES) flags |= MHD_USE_EPOLL;
    s->daemon = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&sin, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)16000, MHD_OPTION_LISTEN_BACKLOG_SIZE,
        (unsigned)4096, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
        /* GETs are small: 8 KB per connection, not 32 */
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)8192, MHD_OPTION_END);
    if (!s->daemon) {
        int err = errno ? errno : EADDRINUSE;
        pthread_cond_destroy(&s->cv);
        pthread_mutex_destroy(&s->mu);
        free(s);
        return -err;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : port;
    snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d", s->port);
    int rc = pthread_create(&s->timer, NULL, timer_main, s);
    if (rc) {
        MHD_stop_daemon(s->daemon);
        pthread_cond_destroy(&s->cv);
        pthread_mutex_destroy(&s->mu);
        free(s);
        return -rc;
    }
    *out = s;
    return 0;
}

int delay_server_port(const struct delay_server *s)
{
    return s->port;
}

const char *delay_server_url(const struct delay_server *s)
{
    return s->url;
}

void delay_server_stop(struct delay_server *s)
{
    if (!s) return;
    pthread_mutex_lock(&s->mu);
    s->stopping = 1;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->timer, NULL);
    MHD_stop_daemon(s->daemon);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    free(s->heap);
    free(s);
}

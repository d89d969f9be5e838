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
 *
 * The request deadline. MHD_OPTION_CONNECTION_TIMEOUT is an idle timeout:
 * each byte restarts it, and the access handler is first called only once
 * the headers are in, so neither sees a client that sends a header line
 * every few seconds. So every connection gets a record when it opens
 * (MHD_OPTION_NOTIFY_CONNECTION), filed in a list of those receiving a
 * request, in the order of their start: opening, or the previous answer
 * on a kept-alive connection (MHD_OPTION_NOTIFY_COMPLETED). The access
 * handler unfiles it once the whole request is in. The timer thread takes
 * the list's head while its deadline has passed and shuts its socket down
 * (shutdown(2), not close: MHD owns the descriptor), so that MHD reads
 * end-of-file and closes the connection itself. MHD reports a connection
 * closed before it closes the descriptor, and the record is unfiled then
 * under the same lock, so a descriptor the timer shuts down is never one
 * already closed and reused.
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
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include "core/xalloc.h"
#include "exec/dynlib.h" /* libmicrohttpd, loaded when first used */

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

/* A connection's record, from open to close (its socket context). */
struct conn {
    struct conn *prev, *next; /* in the receiving list while filed */
    int filed;
    int fd;
    int64_t start; /* CLOCK_MONOTONIC ns: the request's clock started */
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
    int64_t request_ns;     /* the request deadline */
    struct conn *recv_head; /* receiving, oldest start first */
    struct conn *recv_tail;
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

/* ---- the receiving list; callers hold s->mu ---- */

static void unfile(struct delay_server *s, struct conn *c)
{
    if (!c->filed) return;
    if (c->prev)
        c->prev->next = c->next;
    else
        s->recv_head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    else
        s->recv_tail = c->prev;
    c->prev = c->next = NULL;
    c->filed = 0;
}

/* Files c at the tail with its clock starting now: every record's start is
 * at least its predecessor's, so the head has the earliest deadline. */
static void file_now(struct delay_server *s, struct conn *c)
{
    unfile(s, c);
    c->start = mono_ns();
    c->prev = s->recv_tail;
    if (s->recv_tail)
        s->recv_tail->next = c;
    else {
        s->recv_head = c;
        pthread_cond_signal(&s->cv); /* the timer may have no deadline to wait for */
    }
    s->recv_tail = c;
    c->filed = 1;
}

/* Shuts down every connection past its deadline; returns the next
 * deadline, or INT64_MAX. */
static int64_t sweep(struct delay_server *s, int64_t now)
{
    while (s->recv_head && s->recv_head->start + s->request_ns <= now) {
        struct conn *c = s->recv_head;
        shutdown(c->fd, SHUT_RDWR);
        unfile(s, c);
    }
    return s->recv_head ? s->recv_head->start + s->request_ns : INT64_MAX;
}

static void *timer_main(void *arg)
{
    struct delay_server *s = arg;
    pthread_mutex_lock(&s->mu);
    for (;;) {
        int64_t now = mono_ns();
        if (s->n && (s->stopping || s->heap[0].due <= now)) {
            struct waiter w = heap_pop(s);
            w.req->state = REQ_DUE;
            MHD_resume_connection(w.conn);
            continue;
        }
        if (s->stopping) break;
        int64_t wake = sweep(s, now);
        if (s->n && s->heap[0].due < wake) wake = s->heap[0].due;
        if (wake == INT64_MAX) {
            pthread_cond_wait(&s->cv, &s->mu);
            continue;
        }
        struct timespec ts = {(time_t)(wake / 1000000000), (long)(wake % 1000000000)};
        pthread_cond_timedwait(&s->cv, &s->mu, &ts);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    struct delay_server *s = cls;
    struct conn *c = *socket_context;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (!info) return; /* no deadline: MHD's idle timeout still applies */
        c = xcalloc(1, sizeof *c);
        c->fd = info->connect_fd;
        *socket_context = c;
        pthread_mutex_lock(&s->mu);
        file_now(s, c);
        pthread_mutex_unlock(&s->mu);
        return;
    }
    if (!c) return;
    pthread_mutex_lock(&s->mu); /* before MHD closes the descriptor */
    unfile(s, c);
    pthread_mutex_unlock(&s->mu);
    free(c);
    *socket_context = NULL;
}

/* The connection's record, or NULL. */
static struct conn *conn_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
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
    if (q->state == REQ_NEW) { /* the whole request is in: its clock stops */
        struct conn *c = conn_of(conn);
        if (c) {
            pthread_mutex_lock(&s->mu);
            unfile(s, c);
            pthread_mutex_unlock(&s->mu);
        }
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
    /* A kept-alive connection's next request starts its clock now (if the
     * connection is closing instead, on_connection unfiles it next). */
    struct delay_server *s = cls;
    struct conn *c = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? conn_of(conn) : NULL;
    if (c) {
        pthread_mutex_lock(&s->mu);
        if (!s->stopping) file_now(s, c);
        pthread_mutex_unlock(&s->mu);
    }
    free(*con_cls);
    *con_cls = NULL;
}

/* Raises the soft descriptor limit to the hard one; returns the soft. */
static rlim_t fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024;
    if (rl.rlim_cur < rl.rlim_max) {
        rlim_t want = rl.rlim_max;
        rl.rlim_cur = want;
        if (setrlimit(RLIMIT_NOFILE, &rl) == 0) return want;
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    return rl.rlim_cur;
}

int delay_server_start(struct delay_server **out, int port, double time_scale)
{
    return delay_server_start_limits(out, port, time_scale, NULL);
}

static struct delay_server_limits resolve_limits(const struct delay_server_limits *l)
{
    struct delay_server_limits r = l ? *l : (struct delay_server_limits){0};
    if (r.request_ms <= 0) r.request_ms = DELAY_SERVER_REQUEST_MS;
    if (!r.per_ip) r.per_ip = DELAY_SERVER_PER_IP;
    rlim_t fds = fd_limit();
    if (!r.total) {
        r.total = DELAY_SERVER_CONNECTIONS;
        if (fds < (rlim_t)r.total + 64) r.total = fds > 128 ? (unsigned)(fds - 64) : 64;
    }
    return r;
}

static void free_server(struct delay_server *s)
{
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    free(s->heap);
    free(s);
}

int delay_server_start_limits(struct delay_server **out, int port, double time_scale,
                              const struct delay_server_limits *limits)
{
    if (port < 0 || port > 65535) return -EINVAL;
    struct delay_server_limits lim = resolve_limits(limits);
    struct delay_server *s = xcalloc(1, sizeof *s);
    s->scale = time_scale > 0 ? time_scale : 1.0;
    s->request_ns = (int64_t)lim.request_ms * 1000000;
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
    /* The idle timeout stays for what the deadline does not cover: an
     * answer the client does not read. Suspended connections never time
     * out. */
    s->daemon = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&sin, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, s, MHD_OPTION_CONNECTION_LIMIT, lim.total,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, lim.per_ip, MHD_OPTION_LISTEN_BACKLOG_SIZE,
        (unsigned)4096, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
        /* GETs are small: 8 KB per connection, not 32 */
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)8192, MHD_OPTION_END);
    if (!s->daemon) {
        int err = errno ? errno : EADDRINUSE;
        free_server(s);
        return -err;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : port;
    snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d", s->port);
    int rc = pthread_create(&s->timer, NULL, timer_main, s);
    if (rc) {
        MHD_stop_daemon(s->daemon);
        free_server(s);
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
    MHD_stop_daemon(s->daemon); /* closes every connection: on_connection frees its record */
    free_server(s);
}

/*
 * http: transfers with libcurl, and what their failures are called.
 *
 * Cancellation: the progress callback aborts a transfer once the run's
 * cancel flag is set; curl calls it whenever the transfer makes progress
 * and, while it waits, only about once a second. So that Ctrl-C ends a
 * blocking fetch at once, a blocking client also tracks its sockets
 * (CURLOPT_OPENSOCKETFUNCTION / CLOSESOCKETFUNCTION) and
 * http_client_abort shuts them down, which wakes curl_easy_perform.
 *
 * Naming failures: curl's codes are too coarse to tell the user what the
 * server did (HTTP/0.9 and a bad status line are both "unsupported
 * protocol", 200,000 headers are a "receive error", a 1 MB header line is
 * "out of memory", and headers cut off before their blank line are no
 * error at all). So each transfer follows its header blocks: the prereq
 * callback marks a request sent, the header callback sees each complete
 * line, a status line opening a block and the blank line closing it, and
 * stops a block with too many lines or bytes. http_describe reads rc in
 * the light of where the reply was when it ended.
 */
#include "exec/http.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "exec/dynlib.h" /* libcurl, loaded when first used */

#ifndef JUGGLE_VERSION
#error "JUGGLE_VERSION comes from the Makefile's VERSION"
#endif

static pthread_once_t global_once = PTHREAD_ONCE_INIT;

static void global_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

void http_global_init(void)
{
    pthread_once(&global_once, global_init);
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    (void)data;
    struct http_xfer *x = userp;
    size_t n = size * nmemb;
    x->res->bytes += (int64_t)n;
    if (x->res->bytes > x->cap) {
        x->over_cap = 1;
        return 0; /* curl ends the transfer with CURLE_WRITE_ERROR */
    }
    return n;
}

static int is_blank(const char *data, size_t n)
{
    return (n == 2 && data[0] == '\r' && data[1] == '\n') || (n == 1 && data[0] == '\n');
}

/* One complete header line (curl passes nothing partial). */
static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
    struct http_xfer *x = userp;
    size_t n = size * nmemb;
    if (!x->awaiting && n >= 5 && memcmp(data, "HTTP/", 5) == 0) {
        /* A block after a 1xx one, or a request prereq did not see. */
        x->awaiting = 1;
        x->hdr_lines = 0;
        x->hdr_bytes = 0;
    }
    if (!x->awaiting) return n; /* trailers after a chunked body */
    if (is_blank(data, n)) {
        x->awaiting = 0;
        return n;
    }
    x->hdr_bytes += (int64_t)n;
    if (++x->hdr_lines > HTTP_MAX_HEADERS + 1) { /* + 1: the status line */
        x->hdr_fault = HTTP_HDR_TOO_MANY;
        return 0; /* curl ends the transfer with CURLE_WRITE_ERROR */
    }
    if (x->hdr_bytes > HTTP_HEADER_CAP) {
        x->hdr_fault = HTTP_HDR_OVER_CAP;
        return 0;
    }
    return n;
}

/* A request is about to be sent on a new or reused connection. */
static int on_prereq(void *userp, char *conn_primary_ip, char *conn_local_ip, int conn_primary_port,
                     int conn_local_port)
{
    (void)conn_primary_ip;
    (void)conn_local_ip;
    (void)conn_primary_port;
    (void)conn_local_port;
    struct http_xfer *x = userp;
    x->requests++;
    x->awaiting = 1;
    x->hdr_lines = 0;
    x->hdr_bytes = 0;
    return CURL_PREREQFUNC_OK;
}

static int on_progress(void *userp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    struct http_xfer *x = userp;
    return x->cancel && atomic_load_explicit(x->cancel, memory_order_relaxed) ? 1 : 0;
}

void http_xfer_setup(CURL *e, struct http_xfer *x, const char *url, int64_t timeout_ms)
{
    x->res->status = 0;
    x->res->bytes = 0;
    x->res->error[0] = '\0';
    x->over_cap = 0;
    x->requests = x->awaiting = x->hdr_lines = x->hdr_fault = 0;
    x->hdr_bytes = 0;
    if (x->cap <= 0) x->cap = HTTP_BODY_CAP;
    if (timeout_ms < 1) timeout_ms = 1;
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    /* Loopback never goes through a proxy from the environment. */
    curl_easy_setopt(e, CURLOPT_NOPROXY, "127.0.0.1,localhost,::1");
    curl_easy_setopt(e, CURLOPT_USERAGENT, "juggle/" JUGGLE_VERSION);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_HTTP09_ALLOWED, 0L); /* a reply without a status line fails */
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, on_prereq);
    curl_easy_setopt(e, CURLOPT_PREREQDATA, x);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, x);
    curl_easy_setopt(e, CURLOPT_PRIVATE, x);
}

/* Failures while a reply's header block was in progress; 0 if rc is not
 * one of them. */
static int describe_headers(char *buf, size_t n, CURLcode rc, const struct http_xfer *x)
{
    int replied = x->hdr_bytes > 0; /* its status line (at least) arrived */
    switch (rc) {
    case CURLE_OK: snprintf(buf, n, "truncated headers"); return 1;
    case CURLE_UNSUPPORTED_PROTOCOL:           /* HTTP/0.9, or a status line with a bad version */
        if (replied || !x->requests) return 0; /* a redirect to another scheme */
        snprintf(buf, n, "not an HTTP response");
        return 1;
    case CURLE_WEIRD_SERVER_REPLY:
        snprintf(buf, n, replied ? "malformed header" : "not an HTTP response");
        return 1;
    case CURLE_WRITE_ERROR:
        if (x->hdr_fault == HTTP_HDR_TOO_MANY)
            snprintf(buf, n, "too many headers (over %d)", HTTP_MAX_HEADERS);
        else if (x->hdr_fault == HTTP_HDR_OVER_CAP)
            snprintf(buf, n, "headers over the cap (%d bytes)", HTTP_HEADER_CAP);
        else
            return 0;
        return 1;
    case CURLE_OUT_OF_MEMORY: /* curl 7: a line over CURL_MAX_HTTP_HEADER */
#if LIBCURL_VERSION_NUM >= 0x080600
    case CURLE_TOO_LARGE:
#endif
        snprintf(buf, n, "header too large (over %d bytes)", CURL_MAX_HTTP_HEADER);
        return 1;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
        /* (curl's multi interface may leave os_errno at 0 for a reset) */
        snprintf(buf, n,
                 replied ? "connection reset mid-headers" : "connection reset before the reply");
        return 1;
    default: return 0;
    }
}

int http_describe(char *buf, size_t n, CURLcode rc, long os_errno, const struct http_xfer *x)
{
    buf[0] = '\0';
    if (x->awaiting && rc != CURLE_OPERATION_TIMEDOUT && rc != CURLE_ABORTED_BY_CALLBACK &&
        describe_headers(buf, n, rc, x))
        return 1;
    switch (rc) {
    case CURLE_OK: return 0;
    case CURLE_COULDNT_CONNECT:
        if (os_errno == ECONNREFUSED)
            snprintf(buf, n, "connection refused");
        else if (os_errno)
            snprintf(buf, n, "could not connect: %s", strerror((int)os_errno));
        else
            snprintf(buf, n, "could not connect");
        return 1;
    case CURLE_COULDNT_RESOLVE_HOST: snprintf(buf, n, "DNS failure: host not found"); return 1;
    case CURLE_COULDNT_RESOLVE_PROXY: snprintf(buf, n, "DNS failure: proxy not found"); return 1;
    case CURLE_OPERATION_TIMEDOUT: snprintf(buf, n, "timeout"); return 1;
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR: snprintf(buf, n, "connection reset mid-body"); return 1;
    case CURLE_GOT_NOTHING: snprintf(buf, n, "empty reply from server"); return 1;
    case CURLE_ABORTED_BY_CALLBACK: snprintf(buf, n, "cancelled"); return 1;
    case CURLE_WRITE_ERROR:
        if (x->over_cap) {
            snprintf(buf, n, "body over the cap (%lld bytes)", (long long)x->cap);
            return 1;
        }
        break;
    case CURLE_URL_MALFORMAT: snprintf(buf, n, "malformed URL"); return 1;
    case CURLE_UNSUPPORTED_PROTOCOL: snprintf(buf, n, "unsupported protocol"); return 1;
    default: break;
    }
    snprintf(buf, n, "%s", curl_easy_strerror(rc));
    return 1;
}

void http_xfer_finish(CURL *e, struct http_xfer *x, CURLcode rc)
{
    struct http_result *res = x->res;
    long os_errno = 0;
    curl_easy_getinfo(e, CURLINFO_OS_ERRNO, &os_errno);
    if (http_describe(res->error, sizeof res->error, rc, os_errno, x)) {
        res->status = 0;
        return;
    }
    long code = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
    res->status = (int)code;
}

static curl_socket_t on_open(void *userp, curlsocktype purpose, struct curl_sockaddr *a)
{
    (void)purpose;
    struct http_client *c = userp;
    curl_socket_t fd = socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
    if (fd == CURL_SOCKET_BAD) return fd;
    pthread_mutex_lock(&c->mu);
    for (int i = 0; i < HTTP_CLIENT_SOCKS; i++)
        if (c->socks[i] == CURL_SOCKET_BAD) {
            c->socks[i] = fd;
            break;
        }
    pthread_mutex_unlock(&c->mu);
    return fd;
}

static int on_close(void *userp, curl_socket_t fd)
{
    struct http_client *c = userp;
    pthread_mutex_lock(&c->mu);
    for (int i = 0; i < HTTP_CLIENT_SOCKS; i++)
        if (c->socks[i] == fd) c->socks[i] = CURL_SOCKET_BAD;
    int rc = close(fd);
    pthread_mutex_unlock(&c->mu);
    return rc;
}

int http_client_init(struct http_client *c)
{
    http_global_init();
    memset(c, 0, sizeof *c);
    pthread_mutex_init(&c->mu, NULL);
    for (int i = 0; i < HTTP_CLIENT_SOCKS; i++)
        c->socks[i] = CURL_SOCKET_BAD;
    c->easy = curl_easy_init();
    if (!c->easy) {
        pthread_mutex_destroy(&c->mu);
        return -ENOMEM;
    }
    curl_easy_setopt(c->easy, CURLOPT_OPENSOCKETFUNCTION, on_open);
    curl_easy_setopt(c->easy, CURLOPT_OPENSOCKETDATA, c);
    curl_easy_setopt(c->easy, CURLOPT_CLOSESOCKETFUNCTION, on_close);
    curl_easy_setopt(c->easy, CURLOPT_CLOSESOCKETDATA, c);
    return 0;
}

void http_client_done(struct http_client *c)
{
    if (!c->easy) return;
    curl_easy_cleanup(c->easy); /* closes its sockets through on_close */
    c->easy = NULL;
    pthread_mutex_destroy(&c->mu);
}

void http_client_abort(struct http_client *c)
{
    /* Under the lock a tracked descriptor cannot be closed and reused. */
    pthread_mutex_lock(&c->mu);
    for (int i = 0; i < HTTP_CLIENT_SOCKS; i++)
        if (c->socks[i] != CURL_SOCKET_BAD) shutdown(c->socks[i], SHUT_RDWR);
    pthread_mutex_unlock(&c->mu);
}

void http_client_fetch(struct http_client *c, const char *url, int64_t timeout_ms,
                       const atomic_int *cancel, struct http_result *res)
{
    struct http_xfer x = {.res = res, .cancel = cancel, .cap = HTTP_BODY_CAP};
    http_xfer_setup(c->easy, &x, url, timeout_ms);
    CURLcode rc = curl_easy_perform(c->easy);
    http_xfer_finish(c->easy, &x, rc);
    if (rc != CURLE_OK && cancel && atomic_load(cancel)) {
        res->status = 0;
        snprintf(res->error, sizeof res->error, "cancelled");
    }
}

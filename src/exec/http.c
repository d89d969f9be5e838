/*
 * http: transfers with libcurl, and what their failures are called.
 *
 * Cancellation: the progress callback aborts a transfer once the run's
 * cancel flag is set; curl calls it whenever the transfer makes progress
 * and, while it waits, only about once a second. So that Ctrl-C ends a
 * blocking fetch at once, a blocking client also tracks its sockets
 * (CURLOPT_OPENSOCKETFUNCTION / CLOSESOCKETFUNCTION) and
 * http_client_abort shuts them down, which wakes curl_easy_perform.
 */
#include "exec/http.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, x);
    curl_easy_setopt(e, CURLOPT_PRIVATE, x);
}

void http_describe(char *buf, size_t n, CURLcode rc, long os_errno, int over_cap, int64_t cap)
{
    switch (rc) {
    case CURLE_COULDNT_CONNECT:
        if (os_errno == ECONNREFUSED)
            snprintf(buf, n, "connection refused");
        else if (os_errno)
            snprintf(buf, n, "could not connect: %s", strerror((int)os_errno));
        else
            snprintf(buf, n, "could not connect");
        return;
    case CURLE_COULDNT_RESOLVE_HOST: snprintf(buf, n, "DNS failure: host not found"); return;
    case CURLE_COULDNT_RESOLVE_PROXY: snprintf(buf, n, "DNS failure: proxy not found"); return;
    case CURLE_OPERATION_TIMEDOUT: snprintf(buf, n, "timeout"); return;
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR: snprintf(buf, n, "connection reset mid-body"); return;
    case CURLE_GOT_NOTHING: snprintf(buf, n, "empty reply from server"); return;
    case CURLE_ABORTED_BY_CALLBACK: snprintf(buf, n, "cancelled"); return;
    case CURLE_WRITE_ERROR:
        if (over_cap) {
            snprintf(buf, n, "body over the cap (%lld bytes)", (long long)cap);
            return;
        }
        break;
    case CURLE_URL_MALFORMAT: snprintf(buf, n, "malformed URL"); return;
    case CURLE_UNSUPPORTED_PROTOCOL: snprintf(buf, n, "unsupported protocol"); return;
    default: break;
    }
    snprintf(buf, n, "%s", curl_easy_strerror(rc));
}

void http_xfer_finish(CURL *e, struct http_xfer *x, CURLcode rc)
{
    struct http_result *res = x->res;
    if (rc == CURLE_OK) {
        long code = 0;
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
        res->status = (int)code;
        res->error[0] = '\0';
        return;
    }
    long os_errno = 0;
    curl_easy_getinfo(e, CURLINFO_OS_ERRNO, &os_errno);
    res->status = 0;
    http_describe(res->error, sizeof res->error, rc, os_errno, x->over_cap, x->cap);
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

/*
 * http_uv: curl's multi socket interface driven by libuv.
 *
 * The sockets curl asks to watch go into an epoll set of our own, and the
 * loop watches that one descriptor (a uv_poll on the epoll fd): a socket
 * costs an EPOLL_CTL_ADD, a MOD when curl changes what it waits for, and a
 * DEL. A uv_poll per socket cost seven epoll_ctl calls, one of them failing
 * (libuv's own check and re-registration on every uv_poll_start), and a
 * handle to allocate and close. Events are level-triggered, so the set is
 * read until it is empty whenever the loop finds it readable.
 *
 * Pitfalls handled here, each documented by curl:
 *   - a timer callback with -1 means "stop the timer", not "fire now";
 *   - 0 means act as soon as possible: we start a 0 ms uv_timer, which runs
 *     in the loop's next timer phase, rather than adding a millisecond per
 *     request (1,000 requests would otherwise start 1 ms apart);
 *   - curl_multi_socket_action must not be called from inside curl's own
 *     callbacks, so both callbacks only (re)arm uv handles;
 *   - a socket curl asks us to forget may be closed by curl right after:
 *     it leaves the epoll set at once;
 *   - a reset socket (EPOLLERR) is handed to curl as readable as well as in
 *     error, so that it reads what came before the reset, as a blocking
 *     transfer does, and the failure reads the same under every strategy;
 *   - an event read in the same batch as one whose handling made curl close
 *     that socket (and perhaps open another on the same number) is handed
 *     to curl all the same: curl ignores a socket it does not know, and a
 *     spurious readiness only costs it an EAGAIN.
 */
#include "exec/http_uv.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "exec/dynlib.h" /* libcurl, loaded when first used */

struct xfer {
    CURL *easy;
    struct http_xfer x;
    struct http_result res;
    int tag;
    struct xfer *prev, *next;
};

struct http_uv {
    uv_loop_t *loop;
    CURLM *multi;
    uv_timer_t timer;
    int efd;         /* the epoll set of curl's sockets */
    uv_poll_t epoll; /* the loop watching it */
    http_uv_done_fn done;
    void *ctx;
    struct xfer *xfers;
    int nactive;
    int open_handles;
    void (*close_cb)(void *arg);
    void *close_arg;
};

static void handle_closed(struct http_uv *h)
{
    if (--h->open_handles > 0) return;
    void (*cb)(void *) = h->close_cb;
    void *arg = h->close_arg;
    close(h->efd);
    free(h);
    if (cb) cb(arg);
}

static void on_handle_closed(uv_handle_t *handle)
{
    handle_closed(handle->data);
}

static void xfer_unlink(struct http_uv *h, struct xfer *xf)
{
    if (xf->prev)
        xf->prev->next = xf->next;
    else
        h->xfers = xf->next;
    if (xf->next) xf->next->prev = xf->prev;
    h->nactive--;
}

/* Reports finished transfers. Never called from inside a curl callback. */
static void check_done(struct http_uv *h)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(h->multi, &left))) {
        if (msg->msg != CURLMSG_DONE) continue;
        CURL *e = msg->easy_handle;
        CURLcode rc = msg->data.result;
        struct http_xfer *x = NULL;
        curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&x);
        struct xfer *xf = x->user;
        http_xfer_finish(e, &xf->x, rc);
        curl_multi_remove_handle(h->multi, e);
        curl_easy_cleanup(e);
        xfer_unlink(h, xf);
        struct http_result res = xf->res;
        int tag = xf->tag;
        free(xf);
        h->done(h->ctx, tag, &res);
    }
}

/* Hands one socket's readiness to curl. */
static void socket_ready(struct http_uv *h, curl_socket_t fd, uint32_t ev)
{
    int flags = 0;
    if (ev & (EPOLLIN | EPOLLHUP)) flags |= CURL_CSELECT_IN;
    if (ev & EPOLLOUT) flags |= CURL_CSELECT_OUT;
    if (ev & EPOLLERR) {
        /* A reset. ERR alone makes curl fail at once ("select/poll
         * returned error") without reading what arrived before the reset;
         * with IN it reads that first, as a blocking transfer does, then
         * meets the reset itself. */
        flags = CURL_CSELECT_ERR | CURL_CSELECT_IN;
    }
    int running;
    curl_multi_socket_action(h->multi, fd, flags, &running);
}

static void on_epoll(uv_poll_t *p, int status, int events)
{
    (void)status;
    (void)events;
    struct http_uv *h = p->data;
    struct epoll_event ev[64];
    int n;
    do {
        n = epoll_wait(h->efd, ev, 64, 0);
        for (int i = 0; i < n; i++)
            socket_ready(h, ev[i].data.fd, ev[i].events);
        check_done(h);
    } while (n == 64);
}

static void on_timeout(uv_timer_t *t)
{
    struct http_uv *h = t->data;
    int running;
    curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_done(h);
}

/* curl's socket callback: what to watch. socketp remembers what is in the
 * set for fd (its epoll events + 1; NULL: not in the set). */
static int on_socket(CURL *e, curl_socket_t fd, int what, void *userp, void *socketp)
{
    (void)e;
    struct http_uv *h = userp;
    uintptr_t had = (uintptr_t)socketp;
    if (what == CURL_POLL_REMOVE) {
        if (had) {
            epoll_ctl(h->efd, EPOLL_CTL_DEL, fd, NULL);
            curl_multi_assign(h->multi, fd, NULL);
        }
        return 0;
    }
    uint32_t want = 0;
    if (what & CURL_POLL_IN) want |= EPOLLIN;
    if (what & CURL_POLL_OUT) want |= EPOLLOUT;
    if (had && had - 1 == want) return 0;
    struct epoll_event ev = {.events = want, .data.fd = fd};
    if (epoll_ctl(h->efd, had ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) != 0) return -1;
    curl_multi_assign(h->multi, fd, (void *)(uintptr_t)(want + 1));
    return 0;
}

static int on_timer(CURLM *multi, long timeout_ms, void *userp)
{
    (void)multi;
    struct http_uv *h = userp;
    if (timeout_ms < 0)
        uv_timer_stop(&h->timer);
    else
        uv_timer_start(&h->timer, on_timeout, (uint64_t)timeout_ms, 0);
    return 0;
}

int http_uv_init(struct http_uv **out, uv_loop_t *loop, http_uv_done_fn done, void *ctx)
{
    http_global_init();
    struct http_uv *h = xcalloc(1, sizeof *h);
    h->loop = loop;
    h->done = done;
    h->ctx = ctx;
    h->multi = curl_multi_init();
    if (!h->multi) {
        free(h);
        return -ENOMEM;
    }
    h->efd = epoll_create1(EPOLL_CLOEXEC);
    if (h->efd < 0) {
        int rc = -errno;
        curl_multi_cleanup(h->multi);
        free(h);
        return rc;
    }
    int rc = uv_poll_init(loop, &h->epoll, h->efd); /* a failure leaves no handle */
    if (rc) {
        close(h->efd);
        curl_multi_cleanup(h->multi);
        free(h);
        return rc;
    }
    h->epoll.data = h;
    uv_poll_start(&h->epoll, UV_READABLE, on_epoll);
    uv_timer_init(loop, &h->timer);
    h->timer.data = h;
    h->open_handles = 2;
    curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
    curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
    *out = h;
    return 0;
}

int http_uv_start(struct http_uv *h, int tag, const char *url, int64_t timeout_ms)
{
    struct xfer *xf = xcalloc(1, sizeof *xf);
    xf->easy = curl_easy_init();
    if (!xf->easy) {
        free(xf);
        return -ENOMEM;
    }
    xf->tag = tag;
    xf->x.res = &xf->res;
    xf->x.cap = HTTP_BODY_CAP;
    xf->x.user = xf;
    http_xfer_setup(xf->easy, &xf->x, url, timeout_ms);
    if (curl_multi_add_handle(h->multi, xf->easy) != CURLM_OK) {
        curl_easy_cleanup(xf->easy);
        free(xf);
        return -EINVAL;
    }
    xf->next = h->xfers;
    if (h->xfers) h->xfers->prev = xf;
    h->xfers = xf;
    h->nactive++;
    /* Start it now (resolve, connect) rather than on the 0 ms timer: a
     * strategy that starts a thousand transfers between two looks at the
     * loop would otherwise connect them all in one call on that timer, and
     * send no request before the last connect. Now each connects as it is
     * added, and the loop sends its request as soon as its socket is
     * writable, while later ones are still being added. */
    int running;
    curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_done(h);
    return 0;
}

static void drop_all(struct http_uv *h, int report)
{
    while (h->xfers) {
        struct xfer *xf = h->xfers;
        curl_multi_remove_handle(h->multi, xf->easy);
        curl_easy_cleanup(xf->easy);
        xfer_unlink(h, xf);
        struct http_result res = {0};
        snprintf(res.error, sizeof res.error, "cancelled");
        res.bytes = xf->res.bytes;
        int tag = xf->tag;
        free(xf);
        if (report) h->done(h->ctx, tag, &res);
    }
}

void http_uv_cancel_all(struct http_uv *h)
{
    drop_all(h, 1);
}

int http_uv_active(const struct http_uv *h)
{
    return h->nactive;
}

void http_uv_close(struct http_uv *h, void (*cb)(void *arg), void *arg)
{
    h->close_cb = cb;
    h->close_arg = arg;
    drop_all(h, 0);
    /* Cleanup closes cached connections; curl may ask to forget their
     * sockets (closing their polls) or to stop the timer meanwhile. */
    curl_multi_cleanup(h->multi);
    h->multi = NULL;
    uv_close((uv_handle_t *)&h->epoll, on_handle_closed);
    uv_close((uv_handle_t *)&h->timer, on_handle_closed);
}

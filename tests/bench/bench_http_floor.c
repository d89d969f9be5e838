/*
 * The floor under juggle's real HTTP loop (issue 13 item 5): the same
 * 1,000 x /delay/200 from the same server, by two clients with nothing
 * else in them, timed from their first connect to their last reply, with
 * the CPU they used (getrusage of this process):
 *   - libcurl's multi socket interface alone on an epoll set, each
 *     transfer started as it is added and the sockets looked at after each,
 *     as juggle does (curl_multi_perform instead, which walks every
 *     transfer on each call, takes ~500 ms and ~400 ms of CPU here);
 *   - a plain epoll client: non-blocking connect, the request sent when
 *     the socket is writable ("Connection: close"), the reply read to EOF.
 * What juggle adds on top of the first is its engine and its loop; what
 * the first adds on top of the second is libcurl's per-connection cost.
 *
 * bench_http.sh runs it as `bench_http_floor HOST PORT N` against its
 * server; without arguments (run.sh runs every bench_ binary) it prints
 * nothing.
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double cpu_ms(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
    (void)p;
    (void)ctx;
    return size * n;
}

struct cm {
    CURLM *m;
    int ep;
    long timeout_ms; /* curl's timer: -1 none */
};

static int on_socket(CURL *e, curl_socket_t fd, int what, void *userp, void *socketp)
{
    (void)e;
    struct cm *c = userp;
    if (what == CURL_POLL_REMOVE) {
        epoll_ctl(c->ep, EPOLL_CTL_DEL, fd, NULL);
        curl_multi_assign(c->m, fd, NULL);
        return 0;
    }
    struct epoll_event ev = {.events = (what & CURL_POLL_IN ? EPOLLIN : 0u) |
                                       (what & CURL_POLL_OUT ? EPOLLOUT : 0u),
                             .data.fd = fd};
    epoll_ctl(c->ep, socketp ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev);
    curl_multi_assign(c->m, fd, c);
    return 0;
}

static int on_timer(CURLM *m, long timeout_ms, void *userp)
{
    (void)m;
    ((struct cm *)userp)->timeout_ms = timeout_ms;
    return 0;
}

/* Hands curl what is ready (waiting up to wait_ms); returns how many
 * transfers ended well meanwhile. */
static int pump(struct cm *c, int wait_ms)
{
    struct epoll_event evs[256];
    int running, ok = 0;
    int k = epoll_wait(c->ep, evs, 256, wait_ms);
    for (int j = 0; j < k; j++) {
        int f = (evs[j].events & (EPOLLIN | EPOLLHUP) ? CURL_CSELECT_IN : 0) |
                (evs[j].events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
                (evs[j].events & EPOLLERR ? CURL_CSELECT_ERR : 0);
        curl_multi_socket_action(c->m, evs[j].data.fd, f, &running);
    }
    if (k == 0 && c->timeout_ms >= 0)
        curl_multi_socket_action(c->m, CURL_SOCKET_TIMEOUT, 0, &running);
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(c->m, &left))) {
        if (msg->msg != CURLMSG_DONE) continue;
        ok += msg->data.result == CURLE_OK;
        curl_multi_remove_handle(c->m, msg->easy_handle);
        curl_easy_cleanup(msg->easy_handle);
    }
    return ok;
}

/* libcurl's multi socket interface on an epoll set, as juggle drives it
 * but without its engine or libuv: each transfer kicked as it is added,
 * then one look at the sockets. Returns how many succeeded. */
static int run_curl(const char *url, int n)
{
    struct cm c = {curl_multi_init(), epoll_create1(0), -1};
    curl_multi_setopt(c.m, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(c.m, CURLMOPT_SOCKETDATA, &c);
    curl_multi_setopt(c.m, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(c.m, CURLMOPT_TIMERDATA, &c);
    int ok = 0, running;
    for (int i = 0; i < n; i++) {
        CURL *e = curl_easy_init();
        curl_easy_setopt(e, CURLOPT_URL, url);
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
        curl_multi_add_handle(c.m, e);
        curl_multi_socket_action(c.m, CURL_SOCKET_TIMEOUT, 0, &running);
        ok += pump(&c, 0);
    }
    double give_up = now_ms() + 30000;
    while (ok < n && now_ms() < give_up) {
        long t = c.timeout_ms;
        ok += pump(&c, t < 0 || t > 1000 ? 1000 : (int)t);
    }
    curl_multi_cleanup(c.m);
    close(c.ep);
    return ok;
}

struct conn {
    int fd, sent, replied;
};

/* One readiness event for c; returns 1 when its reply has ended. */
static int on_ready(int ep, struct conn *c, const char *req, size_t reqlen)
{
    if (!c->sent) {
        if (write(c->fd, req, reqlen) != (ssize_t)reqlen) return 1;
        c->sent = 1;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
        return 0;
    }
    char buf[4096];
    ssize_t got;
    while ((got = read(c->fd, buf, sizeof buf)) > 0)
        c->replied = 1;
    if (got == 0 || (got < 0 && errno != EAGAIN)) {
        close(c->fd); /* leaves the epoll set */
        return 1;
    }
    return 0;
}

static int run_epoll(const char *host, int port, int n)
{
    char req[256];
    int reqlen =
        snprintf(req, sizeof req,
                 "GET /delay/200 HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n\r\n", host, port);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, host, &sa.sin_addr);
    int ep = epoll_create1(0);
    struct conn *cs = calloc((size_t)n, sizeof *cs);
    struct epoll_event evs[256];
    int done = 0, ok = 0;
    for (int i = 0; i < n; i++) {
        cs[i].fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        connect(cs[i].fd, (struct sockaddr *)&sa, sizeof sa);
        struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = &cs[i]};
        epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev);
        int k = epoll_wait(ep, evs, 256, 0); /* send what is connected */
        for (int j = 0; j < k; j++)
            if (on_ready(ep, evs[j].data.ptr, req, (size_t)reqlen)) done++;
    }
    while (done < n) {
        int k = epoll_wait(ep, evs, 256, 1000);
        if (k <= 0) break;
        for (int j = 0; j < k; j++)
            if (on_ready(ep, evs[j].data.ptr, req, (size_t)reqlen)) done++;
    }
    for (int i = 0; i < n; i++)
        ok += cs[i].replied;
    free(cs);
    close(ep);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc != 4) return 0;
    const char *host = argv[1];
    int port = atoi(argv[2]), n = atoi(argv[3]);
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    char url[128];
    snprintf(url, sizeof url, "http://%s:%d/delay/200", host, port);
    double c0 = cpu_ms(), t0 = now_ms();
    int ok = run_curl(url, n);
    double t1 = now_ms(), c1 = cpu_ms();
    printf("http     floor: libcurl multi alone, %d x /delay/200  makespan %.0f ms, cpu %.0f ms "
           "(%d answered)\n",
           n, t1 - t0, c1 - c0, ok);
    ok = run_epoll(host, port, n);
    double t2 = now_ms(), c2 = cpu_ms();
    printf("http     floor: a plain epoll client, %d x /delay/200  makespan %.0f ms, cpu %.0f ms "
           "(%d answered)\n",
           n, t2 - t1, c2 - c1, ok);
    curl_global_cleanup();
    return 0;
}

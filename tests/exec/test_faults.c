/*
 * HTTP fault matrix: a loopback server written here with plain sockets
 * (test infrastructure, so it may misbehave on purpose) refuses, resets
 * mid-body, drips bytes, stalls past the timeout, answers 500, sends a
 * body over the cap or closes without a word; or its reply is not HTTP
 * (HTTP/0.9, binary garbage, a bad version), has 200,000 headers, a 1 MB
 * header line, too many header bytes, a header without a colon, or ends
 * after `200 OK` before the blank line that closes the headers, or resets
 * the connection before replying or mid-headers; or it
 * redirects to ftp://, which is "unsupported protocol" and not the reply's
 * fault. Each fault runs for real
 * under every strategy as the first of two items of one worker; the item
 * ends with its one error line, the second item still runs and succeeds,
 * the run's exit status is 1, and the run ends within a generous bound
 * (a hang would take the fault's whole 20 s drip or stall). A control run
 * without a fault, its first body trickling in within the timeout, passes.
 * Under `make asan` and `make tsan` the same runs prove there is no leak
 * and no race.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/scene.h"
#include "core/strategy.h"
#include "exec/evq.h"
#include "exec/http.h"
#include "exec/real.h"
#include "headless/headless.h"

/* Real seconds per scene unit, and the HTTP timeout in scene units: the
 * fetches time out after 3 x 0.1 = 300 ms of real time. */
#define SCALE         0.1
#define TIMEOUT       "3"
#define HANG_BOUND_NS (INT64_C(15) * 1000000000)

/* /big sends 17 MiB, one MiB over the cap that the expected line names. */
_Static_assert(HTTP_BODY_CAP == 16777216, "update the /big case for the new cap");

static const struct {
    const char *path;  /* on the fault server; NULL: a closed port */
    const char *error; /* the error line's tail */
} faults[] = {
    {NULL, "connection refused"},
    {"/reset", "connection reset mid-body"},
    {"/drip", "timeout"},
    {"/stall", "timeout"},
    {"/500", "HTTP 500"},
    {"/big", "body over the cap (16777216 bytes)"},
    {"/hangup", "empty reply from server"},
    {"/http09", "not an HTTP response"},
    {"/garbage", "not an HTTP response"},
    {"/badversion", "not an HTTP response"},
    {"/manyheaders", "too many headers (over 1000)"},
    {"/bigheader", "header too large (over 102400 bytes)"},
    {"/heavyheaders", "headers over the cap (262144 bytes)"},
    {"/badheader", "malformed header"},
    {"/cutheaders", "truncated headers"},
    {"/cutheaders2", "truncated headers"},
    {"/resetheaders", "connection reset mid-headers"},
    {"/resetfirst", "connection reset before the reply"},
    /* Not the reply's fault: a redirect to a scheme juggle does not fetch. */
    {"/toftp", "unsupported protocol"},
};

/* Replies sent whole, then the connection is closed. */
static const struct {
    const char *path, *reply;
} canned[] = {
    {"/ok", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"},
    {"/500", "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\n"
             "Connection: close\r\n\r\noops\n"},
    {"/hangup", ""}, /* close without answering */
    {"/http09", "hello, no status line\n"},
    {"/garbage", "\x01\x02\xff\xfe\x7f"
                 "ELF\r\n\r\n"},
    {"/badversion", "HTTP/9.9 200 OK\r\nContent-Length: 3\r\n\r\nok\n"},
    {"/badheader", "HTTP/1.1 200 OK\r\nno colon here\r\nContent-Length: 3\r\n\r\nok\n"},
    /* The status line, then the connection closes: curl calls it done. */
    {"/cutheaders", "HTTP/1.1 200 OK\r\n"},
    {"/cutheaders2", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r"},
    {"/toftp", "HTTP/1.1 302 Found\r\nLocation: ftp://127.0.0.1/x\r\nContent-Length: 0\r\n"
               "Connection: close\r\n\r\n"},
};

/* ---- the fault server: one thread, one connection at a time ---- */

struct fault_server {
    int fd, port;
    atomic_int stop;
    pthread_t thread;
};

static struct fault_server fs;

/* Waits up to ms for fd to be readable; returns poll's result. */
static int wait_readable(int fd, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, ms);
}

/* 1 once the peer has closed (or reset) the connection. */
static int peer_gone(int fd, int ms)
{
    if (wait_readable(fd, ms) <= 0) return 0;
    char c[512];
    ssize_t n = recv(fd, c, sizeof c, MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

static int send_all(int fd, const char *buf, size_t n)
{
    while (n) {
        ssize_t w = send(fd, buf, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

static int send_text(int fd, const char *s)
{
    return send_all(fd, s, strlen(s));
}

/* Reads the request head; returns the path in path (or "" on failure). */
static void read_request(int fd, char *path, size_t n)
{
    char req[4096];
    size_t len = 0;
    path[0] = '\0';
    while (len < sizeof req - 1 && wait_readable(fd, 5000) > 0) {
        ssize_t r = recv(fd, req + len, sizeof req - 1 - len, 0);
        if (r <= 0) return;
        len += (size_t)r;
        req[len] = '\0';
        if (strstr(req, "\r\n\r\n")) break;
    }
    req[len] = '\0';
    if (strncmp(req, "GET ", 4) != 0) return;
    const char *p = req + 4, *end = strchr(p, ' ');
    if (!end || (size_t)(end - p) >= n) return;
    memcpy(path, p, (size_t)(end - p));
    path[end - p] = '\0';
}

/* count header lines of the given length, in batches, then a short body;
 * stops when the client goes away. */
static void send_headers(int fd, int count, size_t len)
{
    char *batch = malloc(64 * 1024 + len), line[64];
    size_t used = 0;
    send_text(fd, "HTTP/1.1 200 OK\r\n");
    for (int i = 0; i < count; i++) {
        int k = snprintf(line, sizeof line, "X-H%d: ", i);
        memcpy(batch + used, line, (size_t)k);
        memset(batch + used + k, 'v', len - (size_t)k - 2);
        memcpy(batch + used + len - 2, "\r\n", 2);
        used += len;
        if (used >= 64 * 1024 || i == count - 1) {
            if (send_all(fd, batch, used)) break;
            used = 0;
        }
    }
    free(batch);
    send_text(fd, "Content-Length: 3\r\n\r\nok\n");
}

/* The faults that take more than one write. */
static void serve_special(int fd, const char *path)
{
    if (strcmp(path, "/reset") == 0) {
        /* Promise 100000 bytes, send 1000, then reset (linger 0). */
        char body[1000];
        memset(body, 'r', sizeof body);
        send_text(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
        send_all(fd, body, sizeof body);
        struct linger l = {.l_onoff = 1, .l_linger = 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    } else if (strcmp(path, "/resetheaders") == 0 || strcmp(path, "/resetfirst") == 0) {
        if (strcmp(path, "/resetheaders") == 0) send_text(fd, "HTTP/1.1 200 OK\r\nX-A: b\r\n");
        struct linger l = {.l_onoff = 1, .l_linger = 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    } else if (strcmp(path, "/drip") == 0) {
        /* One byte every 20 ms of 1000: 20 s unless the client gives up. */
        send_text(fd, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
        for (int i = 0; i < 1000 && !atomic_load(&fs.stop); i++) {
            if (send_all(fd, "d", 1) || peer_gone(fd, 20)) break;
        }
    } else if (strcmp(path, "/slow") == 0) {
        /* 10 bytes 10 ms apart: slow, but done well within the timeout. */
        send_text(fd, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: close\r\n\r\n");
        for (int i = 0; i < 10; i++)
            if (send_all(fd, "s", 1) || peer_gone(fd, 10)) break;
    } else if (strcmp(path, "/stall") == 0) {
        /* Never answer; wait (at most 20 s) for the client to give up. */
        for (int i = 0; i < 200 && !atomic_load(&fs.stop); i++)
            if (peer_gone(fd, 100)) break;
    } else if (strcmp(path, "/big") == 0) {
        /* 17 MiB, over HTTP_BODY_CAP; the client stops reading at the cap. */
        static char chunk[64 * 1024];
        memset(chunk, 'b', sizeof chunk);
        send_text(fd, "HTTP/1.1 200 OK\r\nContent-Length: 17825792\r\n\r\n");
        for (int i = 0; i < 272; i++)
            if (send_all(fd, chunk, sizeof chunk)) break;
    } else if (strcmp(path, "/manyheaders") == 0) {
        send_headers(fd, 200000, 16);
    } else if (strcmp(path, "/heavyheaders") == 0) {
        send_headers(fd, 300, 1000); /* 300 KB in 300 lines */
    } else if (strcmp(path, "/bigheader") == 0) {
        send_headers(fd, 1, 1 << 20);
    } else {
        send_text(fd, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    }
}

static void serve_one(int fd)
{
    char path[256];
    read_request(fd, path, sizeof path);
    size_t k = 0;
    while (k < sizeof canned / sizeof canned[0] && strcmp(path, canned[k].path) != 0)
        k++;
    if (k < sizeof canned / sizeof canned[0])
        send_text(fd, canned[k].reply);
    else
        serve_special(fd, path);
    close(fd);
}

static void *fault_main(void *arg)
{
    (void)arg;
    while (!atomic_load(&fs.stop)) {
        if (wait_readable(fs.fd, 50) <= 0) continue;
        int c = accept(fs.fd, NULL, NULL);
        if (c < 0) continue;
        serve_one(c);
    }
    return NULL;
}

static int listen_loopback(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 16) ||
        getsockname(fd, (struct sockaddr *)&a, &len))
        return -1;
    *port = ntohs(a.sin_port);
    return fd;
}

/* A loopback port nobody listens on (bound, then closed). */
static int closed_port(void)
{
    int port = 0, fd = listen_loopback(&port);
    close(fd);
    return port;
}

static int setup(void **state)
{
    (void)state;
    fs.fd = listen_loopback(&fs.port);
    if (fs.fd < 0) return -1;
    atomic_store(&fs.stop, 0);
    return pthread_create(&fs.thread, NULL, fault_main, NULL);
}

static int teardown(void **state)
{
    (void)state;
    atomic_store(&fs.stop, 1);
    pthread_join(fs.thread, NULL);
    close(fs.fd);
    return 0;
}

/* ---- the runs ---- */

static struct scene *fault_scene(const char *bad_url, const char *ok_url)
{
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    fprintf(f,
            "[scene]\nkind = queue\n[workers]\nnames = One\n[queue]\nwork = http\n"
            "timeout = %s\nurls = %s, %s\n",
            TIMEOUT, bad_url, ok_url);
    fclose(f);
    struct err e;
    struct scene *sc = scene_parse("fault.ini", text, &e);
    if (!sc) fail_msg("%s", e.msg);
    free(text);
    return sc;
}

/* Counts the lines of out equal to line. */
static int count_lines(const char *out, const char *line)
{
    int n = 0;
    size_t len = strlen(line);
    for (const char *p = out; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t l = nl ? (size_t)(nl - p) : strlen(p);
        if (l == len && strncmp(p, line, len) == 0) n++;
        p = nl ? nl + 1 : NULL;
    }
    return n;
}

static int count_prefix(const char *out, const char *prefix)
{
    int n = 0;
    for (const char *p = out; p && *p;) {
        if (strncmp(p, prefix, strlen(prefix)) == 0) n++;
        const char *nl = strchr(p, '\n');
        p = nl ? nl + 1 : NULL;
    }
    return n;
}

static void run_fault(size_t k, int strategy)
{
    char bad[128], ok[128], line[256];
    if (faults[k].path)
        snprintf(bad, sizeof bad, "http://127.0.0.1:%d%s", fs.port, faults[k].path);
    else
        snprintf(bad, sizeof bad, "http://127.0.0.1:%d/refused", closed_port());
    snprintf(ok, sizeof ok, "http://127.0.0.1:%d/ok", fs.port);
    struct scene *sc = fault_scene(bad, ok);

    char *out = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&out, &n);
    struct real_opts ro = {.time_scale = SCALE};
    int64_t t0 = evq_mono_ns();
    int rc = headless_run(sc, strategy, HEADLESS_LINES, NULL, &ro, f);
    int64_t took = evq_mono_ns() - t0;
    fclose(f);

    const char *name = strategy_name(strategy);
    snprintf(line, sizeof line, "Task One error: %s: %s", bad, faults[k].error);
    if (count_lines(out, line) != 1)
        fail_msg("%s %s: want the line '%s' once; got:\n%s", name, bad, line, out);
    /* One error line in all, and the second item still succeeded. */
    if (count_prefix(out, "Task One error: ") != 1 ||
        count_prefix(out, "Task One elapsed time: ") != 1 || count_prefix(out, "Total ") != 1)
        fail_msg("%s %s: want one error and one success; got:\n%s", name, bad, out);
    if (rc != 1) fail_msg("%s %s: exit status %d, want 1", name, bad, rc);
    if (took > HANG_BOUND_NS) fail_msg("%s %s: the run took %.1f s", name, bad, (double)took / 1e9);
    free(out);
    scene_free(sc);
}

static void faults__each_ends_its_item_with_an_error_line_and_fails_the_run(void **state)
{
    (void)state;
    for (int s = 0; s < STRATEGY_COUNT; s++)
        for (size_t k = 0; k < sizeof faults / sizeof faults[0]; k++)
            run_fault(k, s);
}

static void faults__without_a_fault_every_item_succeeds(void **state)
{
    /* The control: without a fault the same run passes, so the checks
     * above are about the fault and not the harness; and a body that
     * trickles in but ends before the timeout is no fault. */
    (void)state;
    char ok[128], slow[128];
    snprintf(ok, sizeof ok, "http://127.0.0.1:%d/ok", fs.port);
    snprintf(slow, sizeof slow, "http://127.0.0.1:%d/slow", fs.port);
    struct scene *sc = fault_scene(slow, ok);
    for (int s = 0; s < STRATEGY_COUNT; s++) {
        char *out = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&out, &n);
        struct real_opts ro = {.time_scale = SCALE};
        int rc = headless_run(sc, s, HEADLESS_LINES, NULL, &ro, f);
        fclose(f);
        assert_int_equal(rc, 0);
        assert_int_equal(count_prefix(out, "Task One elapsed time: "), 2);
        assert_int_equal(count_prefix(out, "Task One error: "), 0);
        free(out);
    }
    scene_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(faults__without_a_fault_every_item_succeeds),
        cmocka_unit_test(faults__each_ends_its_item_with_an_error_line_and_fails_the_run),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

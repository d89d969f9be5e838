/*
 * HTTP tests against the embedded delay server on loopback: the server's
 * endpoints, the blocking client's results for every kind of failure, the
 * error texts, and the curl-multi-on-libuv client fetching hundreds of
 * delayed URLs at once on one thread and then closing its loop cleanly.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "exec/delay_server.h"
#include "exec/evq.h"
#include "exec/http.h"
#include "exec/http_uv.h"

static struct delay_server *server;

static int setup(void **state)
{
    (void)state;
    return delay_server_start(&server, 0, 1.0);
}

static int teardown(void **state)
{
    (void)state;
    delay_server_stop(server);
    return 0;
}

/* A loopback port nobody listens on (bound, then closed). */
static int closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bind(fd, (struct sockaddr *)&a, sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    close(fd);
    return ntohs(a.sin_port);
}

static void fetch(const char *path, int64_t timeout_ms, struct http_result *res)
{
    char url[256];
    snprintf(url, sizeof url, "%s%s", delay_server_url(server), path);
    struct http_client c;
    assert_int_equal(http_client_init(&c), 0);
    http_client_fetch(&c, url, timeout_ms, NULL, res);
    http_client_done(&c);
}

static const struct {
    const char *path;
    int status;
    int64_t bytes;
    const char *error; /* prefix, or NULL */
} cases[] = {
    {"/delay/20", 200, 14, NULL},
    {"/bytes/100000", 200, 100000, NULL},
    {"/status/503", 503, 11, NULL},
    {"/status/404", 404, 11, NULL},
    {"/nowhere", 404, -1, NULL},
    {"/delay/3000", 0, -1, "timeout"},
    {"/reset/200000", 0, -1, "connection reset mid-body"},
    {"/bytes/17000000", 0, -1, "body over the cap"},
};

static void server__answers_and_failures_read_as_results(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct http_result res;
        fetch(cases[i].path, 300, &res);
        assert_int_equal(res.status, cases[i].status);
        if (cases[i].bytes >= 0) assert_int_equal(res.bytes, cases[i].bytes);
        if (cases[i].error)
            assert_true(strncmp(res.error, cases[i].error, strlen(cases[i].error)) == 0);
        else
            assert_string_equal(res.error, "");
    }
}

static void client__reports_connection_refused(void **state)
{
    (void)state;
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/x", closed_port());
    struct http_client c;
    http_client_init(&c);
    struct http_result res;
    http_client_fetch(&c, url, 1000, NULL, &res);
    http_client_done(&c);
    assert_int_equal(res.status, 0);
    assert_string_equal(res.error, "connection refused");
}

static void client__names_each_failure(void **state)
{
    (void)state;
    char buf[160];
    struct http_xfer x = {.cap = 10};
    assert_int_equal(http_describe(buf, sizeof buf, CURLE_COULDNT_RESOLVE_HOST, 0, &x), 1);
    assert_string_equal(buf, "DNS failure: host not found");
    http_describe(buf, sizeof buf, CURLE_OPERATION_TIMEDOUT, 0, &x);
    assert_string_equal(buf, "timeout");
    http_describe(buf, sizeof buf, CURLE_COULDNT_CONNECT, ECONNREFUSED, &x);
    assert_string_equal(buf, "connection refused");
    x.over_cap = 1;
    http_describe(buf, sizeof buf, CURLE_WRITE_ERROR, 0, &x);
    assert_string_equal(buf, "body over the cap (10 bytes)");
    x.over_cap = 0;
    http_describe(buf, sizeof buf, CURLE_ABORTED_BY_CALLBACK, 0, &x);
    assert_string_equal(buf, "cancelled");
    /* A URL of another scheme: nothing was sent, so it is not the reply. */
    http_describe(buf, sizeof buf, CURLE_UNSUPPORTED_PROTOCOL, 0, &x);
    assert_string_equal(buf, "unsupported protocol");
    assert_int_equal(http_describe(buf, sizeof buf, CURLE_OK, 0, &x), 0);
    assert_string_equal(buf, "");
}

static void client__names_each_header_failure(void **state)
{
    /* A request was sent and its header block has not ended. */
    (void)state;
    char buf[160];
    struct http_xfer x = {.cap = 10, .requests = 1, .awaiting = 1};
    http_describe(buf, sizeof buf, CURLE_UNSUPPORTED_PROTOCOL, 0, &x);
    assert_string_equal(buf, "not an HTTP response");
    http_describe(buf, sizeof buf, CURLE_WEIRD_SERVER_REPLY, 0, &x);
    assert_string_equal(buf, "not an HTTP response");
    http_describe(buf, sizeof buf, CURLE_RECV_ERROR, ECONNRESET, &x);
    assert_string_equal(buf, "connection reset before the reply");
    http_describe(buf, sizeof buf, CURLE_OUT_OF_MEMORY, 0, &x);
    assert_string_equal(buf, "header too large (over 102400 bytes)");
    x.hdr_lines = 1; /* the status line came */
    x.hdr_bytes = 17;
    assert_int_equal(http_describe(buf, sizeof buf, CURLE_OK, 0, &x), 1);
    assert_string_equal(buf, "truncated headers");
    http_describe(buf, sizeof buf, CURLE_WEIRD_SERVER_REPLY, 0, &x);
    assert_string_equal(buf, "malformed header");
    http_describe(buf, sizeof buf, CURLE_RECV_ERROR, ECONNRESET, &x);
    assert_string_equal(buf, "connection reset mid-headers");
    x.hdr_fault = HTTP_HDR_TOO_MANY;
    http_describe(buf, sizeof buf, CURLE_WRITE_ERROR, 0, &x);
    assert_string_equal(buf, "too many headers (over 1000)");
    x.hdr_fault = HTTP_HDR_OVER_CAP;
    http_describe(buf, sizeof buf, CURLE_WRITE_ERROR, 0, &x);
    assert_string_equal(buf, "headers over the cap (262144 bytes)");
    /* A timeout in the headers is a timeout. */
    http_describe(buf, sizeof buf, CURLE_OPERATION_TIMEDOUT, 0, &x);
    assert_string_equal(buf, "timeout");
}

struct many {
    int done, ok;
    struct http_uv *h;
};

static void on_done(void *ctx, int tag, const struct http_result *res)
{
    (void)tag;
    struct many *m = ctx;
    m->done++;
    if (res->status == 200 && !res->error[0]) m->ok++;
}

static void on_closed(void *arg)
{
    (*(int *)arg) = 1;
}

static void http_uv__fetches_hundreds_at_once_and_closes_cleanly(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct many m = {0};
    assert_int_equal(http_uv_init(&m.h, &loop, on_done, &m), 0);
    char url[128];
    snprintf(url, sizeof url, "%s/delay/200", delay_server_url(server));
    int64_t t0 = evq_mono_ns();
    for (int i = 0; i < 300; i++)
        assert_int_equal(http_uv_start(m.h, i, url, 5000), 0);
    while (m.done < 300)
        uv_run(&loop, UV_RUN_ONCE);
    int64_t took = evq_mono_ns() - t0;
    assert_int_equal(m.ok, 300);
    /* They waited together, not in turn (300 x 200 ms would be a minute). */
    assert_true(took < INT64_C(20000000000));
    int closed = 0;
    http_uv_close(m.h, on_closed, &closed);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(closed, 1);
    assert_int_equal(uv_loop_close(&loop), 0);
}

static void http_uv__cancel_reports_every_transfer(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct many m = {0};
    http_uv_init(&m.h, &loop, on_done, &m);
    char url[128];
    snprintf(url, sizeof url, "%s/delay/10000", delay_server_url(server));
    for (int i = 0; i < 5; i++)
        http_uv_start(m.h, i, url, 20000);
    uv_run(&loop, UV_RUN_NOWAIT);
    assert_int_equal(http_uv_active(m.h), 5);
    http_uv_cancel_all(m.h);
    assert_int_equal(m.done, 5);
    assert_int_equal(m.ok, 0);
    http_uv_close(m.h, NULL, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(server__answers_and_failures_read_as_results),
        cmocka_unit_test(client__reports_connection_refused),
        cmocka_unit_test(client__names_each_failure),
        cmocka_unit_test(client__names_each_header_failure),
        cmocka_unit_test(http_uv__fetches_hundreds_at_once_and_closes_cleanly),
        cmocka_unit_test(http_uv__cancel_reports_every_transfer),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

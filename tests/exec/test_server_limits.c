/*
 * The delay server bounds slow clients (issue 11, item 7), in process with
 * small limits so that each case takes a second or two: a request that
 * trickles in a header line every 50 ms is cut at the request deadline
 * although it is never idle, and gets no answer; a kept-alive connection
 * left idle is closed at the deadline too; one address holds at most
 * per_ip connections (the rest are closed at once) while another address
 * is still served; and a server full of idle connections serves a new
 * request once the deadline has freed their slots. Meanwhile ordinary
 * fetches from 127.0.0.1 answer within their timeout of delay + 1 s.
 *
 * Slow clients connect from other loopback addresses (127.0.0.2 and up:
 * Linux routes all of 127/8 to lo) so that per-address limits can tell
 * them from the ordinary client. The same defences at the default limits,
 * against `juggle serve`, with 300 (make test) and 16,000 (make torture)
 * slow connections, are in test_serve_slow.sh and torture_serve_slow.sh.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
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

#define MAX_CONNS 200

static struct delay_server *server;

static void start(int request_ms, unsigned per_ip, unsigned total)
{
    struct delay_server_limits lim = {.request_ms = request_ms, .per_ip = per_ip, .total = total};
    assert_int_equal(delay_server_start_limits(&server, 0, 1.0, &lim), 0);
}

static int teardown(void **state)
{
    (void)state;
    delay_server_stop(server);
    server = NULL;
    return 0;
}

/* A connection to the server from source address 127.0.0.last. */
static int connect_from(int last)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    struct sockaddr_in src = {.sin_family = AF_INET,
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK - 1 + (unsigned)last)};
    struct sockaddr_in dst = {.sin_family = AF_INET,
                              .sin_port = htons((uint16_t)delay_server_port(server)),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(fd, (struct sockaddr *)&src, sizeof src), 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), 0);
    return fd;
}

static int send_text(int fd, const char *text)
{
    return send(fd, text, strlen(text), MSG_NOSIGNAL) == (ssize_t)strlen(text) ? 0 : -1;
}

enum { OPEN, CLOSED_SILENT, ANSWERED };

/* Waits up to ms for fd: OPEN if nothing came, CLOSED_SILENT if the server
 * closed (or reset) it without a byte, ANSWERED if an answer began. */
static int peer_state(int fd, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, ms) <= 0) return OPEN;
    char buf[256];
    ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) return ANSWERED;
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) return CLOSED_SILENT;
    return OPEN;
}

/* An ordinary fetch from 127.0.0.1, with a timeout of its delay + 1 s. */
static void fetch_ok(int delay_ms)
{
    char url[128];
    snprintf(url, sizeof url, "%s/delay/%d", delay_server_url(server), delay_ms);
    struct http_client c;
    assert_int_equal(http_client_init(&c), 0);
    struct http_result res;
    http_client_fetch(&c, url, delay_ms + 1000, NULL, &res);
    http_client_done(&c);
    if (res.status != 200) fail_msg("%s: status %d, error '%s'", url, res.status, res.error);
}

static void limits__a_trickled_request_is_cut_at_the_deadline(void **state)
{
    (void)state;
    enum { N = 50 };
    start(500, 100, 1000);
    int fd[N], st[N], lines = 0;
    for (int i = 0; i < N; i++) {
        fd[i] = connect_from(2);
        st[i] = OPEN;
        assert_int_equal(send_text(fd[i], "GET /delay/0 HTTP/1.1\r\nHost: x\r\n"), 0);
    }
    /* A header line every 50 ms (the server's idle timeout is 120 s), and
     * an ordinary fetch between rounds, until the server has cut them all
     * (a bound of 100 rounds, far past the 500 ms deadline). */
    int open = N;
    for (int round = 0; round < 100 && open; round++, lines++) {
        open = 0;
        for (int i = 0; i < N; i++) {
            if (st[i] != OPEN) continue;
            char line[64];
            snprintf(line, sizeof line, "X-Slow-%d: y\r\n", round);
            send_text(fd[i], line); /* fails once the server has shut it down */
            st[i] = peer_state(fd[i], 0);
            open += st[i] == OPEN;
        }
        if (round % 4 == 0)
            fetch_ok(50);
        else
            usleep(50000);
    }
    for (int i = 0; i < N; i++) {
        if (st[i] != CLOSED_SILENT) fail_msg("slow connection %d: state %d", i, st[i]);
        close(fd[i]);
    }
    /* They were alive and sending for a while before the cut. */
    assert_true(lines >= 5);
    fetch_ok(100);
}

static void limits__an_idle_kept_alive_connection_is_closed_at_the_deadline(void **state)
{
    (void)state;
    start(500, 100, 1000);
    int fd = connect_from(1);
    assert_int_equal(send_text(fd, "GET /delay/10 HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
    assert_int_equal(peer_state(fd, 5000), ANSWERED);
    /* Then nothing: the next request has 500 ms to arrive; wait up to 5 s. */
    int st = OPEN;
    for (int i = 0; i < 50 && st == OPEN; i++)
        st = peer_state(fd, 100);
    assert_int_equal(st, CLOSED_SILENT);
    close(fd);
}

static void limits__one_address_holds_at_most_per_ip_connections(void **state)
{
    (void)state;
    enum { PER_IP = 100, N = 130 };
    start(10000, PER_IP, 1000);
    int fd[N], answered = 0, refused = 0;
    for (int i = 0; i < N; i++)
        fd[i] = connect_from(3);
    /* 127.0.0.1 is another address: it is still served. */
    fetch_ok(10);
    for (int i = 0; i < N; i++)
        send_text(fd[i], "GET /delay/0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    for (int i = 0; i < N; i++) {
        int st = peer_state(fd[i], 5000);
        answered += st == ANSWERED;
        refused += st == CLOSED_SILENT;
        close(fd[i]);
    }
    assert_int_equal(answered, PER_IP);
    assert_int_equal(refused, N - PER_IP);
}

static void limits__a_full_server_serves_again_once_the_deadline_frees_slots(void **state)
{
    (void)state;
    enum { TOTAL = 40 };
    start(500, 100, TOTAL);
    int fd[TOTAL];
    for (int i = 0; i < TOTAL; i++)
        fd[i] = connect_from(4);
    /* Every slot is held by a connection that sends nothing; a new request
     * waits in the backlog until the deadline frees them (500 ms), so it
     * answers within a timeout of 5 s. */
    char url[128];
    snprintf(url, sizeof url, "%s/delay/0", delay_server_url(server));
    struct http_client c;
    assert_int_equal(http_client_init(&c), 0);
    struct http_result res;
    http_client_fetch(&c, url, 5000, NULL, &res);
    http_client_done(&c);
    assert_string_equal(res.error, "");
    assert_int_equal(res.status, 200);
    for (int i = 0; i < TOTAL; i++) {
        assert_int_equal(peer_state(fd[i], 5000), CLOSED_SILENT);
        close(fd[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(limits__a_trickled_request_is_cut_at_the_deadline, teardown),
        cmocka_unit_test_teardown(limits__an_idle_kept_alive_connection_is_closed_at_the_deadline,
                                  teardown),
        cmocka_unit_test_teardown(limits__one_address_holds_at_most_per_ip_connections, teardown),
        cmocka_unit_test_teardown(limits__a_full_server_serves_again_once_the_deadline_frees_slots,
                                  teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

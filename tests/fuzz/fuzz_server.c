/*
 * Fuzz target: the embedded delay server's request handling. The server
 * starts once, on an ephemeral loopback port, with a tiny time scale (so
 * /delay/3600000 waits 3.6 ms); each input is sent as raw bytes on a new
 * connection, the write side is closed, and the answer is read until the
 * server closes or goes quiet (or 1 MiB). Whatever the bytes, the server
 * answers with HTTP or closes, and never crashes, leaks or races.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "exec/delay_server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct delay_server *server_fuzzed;

static void server_fuzz_stop(void)
{
    delay_server_stop(server_fuzzed);
    server_fuzzed = NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!server_fuzzed) {
        signal(SIGPIPE, SIG_IGN);
        if (delay_server_start(&server_fuzzed, 0, 1e-6)) abort();
        atexit(server_fuzz_stop);
    }
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)delay_server_port(server_fuzzed)),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    /* The server closes first, so its side keeps each connection in
     * TIME_WAIT; at hundreds of connections a second a new connection now
     * and then lands on the 4-tuple of one of them and is refused. Retry
     * with a new socket (a new port); a server that really stopped
     * listening still fails the run. */
    int fd = -1;
    for (int attempt = 0; fd < 0; attempt++) {
        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            perror("fuzz_server: socket");
            abort();
        }
        if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0) break;
        if (attempt == 100) {
            perror("fuzz_server: connect");
            abort();
        }
        close(fd);
        fd = -1;
        usleep(1000);
    }
    for (size_t off = 0; off < size;) {
        ssize_t w = send(fd, data + off, size - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break; /* the server may close before it has read everything */
        off += (size_t)w;
    }
    shutdown(fd, SHUT_WR);
    /* Read the answer until the server closes, or goes quiet: libmicrohttpd
     * keeps a keep-alive connection open after answering even when the
     * client has half-closed it, so EOF alone would cost every such input
     * the connection timeout. Loopback answers within microseconds (a
     * delay here is at most 3.6 ms), so 25 ms for the first byte and 5 ms
     * between the next ones lose nothing but the tail of a long body. */
    char head[8], buf[16384];
    size_t got = 0, total = 0;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    while (total < (1u << 20) && poll(&p, 1, total ? 5 : 25) > 0) {
        ssize_t r = recv(fd, buf, sizeof buf, 0);
        if (r <= 0) break;
        for (ssize_t i = 0; i < r && got < sizeof head; i++)
            head[got++] = buf[i];
        total += (size_t)r;
    }
    /* Whatever came back is an HTTP answer. */
    if (got && memcmp(head, "HTTP/1.", got < 7 ? got : 7) != 0) abort();
    /* Close with a reset: no TIME_WAIT, so a long run cannot run out of ports. */
    struct linger l = {.l_onoff = 1, .l_linger = 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close(fd);
    return 0;
}

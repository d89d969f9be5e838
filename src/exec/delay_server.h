/*
 * delay_server: a small HTTP server for real runs without the internet,
 * built on libmicrohttpd (no HTTP parsing of our own). On loopback only:
 *
 *   GET /delay/MS     200 after MS milliseconds (times time_scale)
 *   GET /bytes/N      200 with a body of N bytes
 *   GET /status/CODE  CODE (200-599) with a one-line body
 *   GET /reset/N      promises N bytes, sends half, closes the connection
 *   anything else     404
 *
 * A delayed request does not hold a thread: its connection is suspended
 * (MHD_suspend_connection) and one timer thread resumes each when it is
 * due, so 10,000 waiting requests cost 10,000 small records.
 *
 * time_scale is the real seconds per scene unit of the run that owns the
 * server: an embedded server lives in scene time, so /delay/300 means 0.3
 * units and takes 300 ms x time_scale. `juggle serve` uses 1.
 *
 * Slow clients are bounded (limits in real seconds, not scene time): a
 * request must arrive whole (request line, headers, any body) within
 * request_ms of the connection opening, or of the previous answer on a
 * kept-alive connection, or the server closes the connection; whatever
 * pace the client keeps, so a header line every few seconds does not
 * hold a slot. One address may hold per_ip connections (more are closed at
 * once) and the server total (more wait in the listen backlog).
 */
#ifndef JUGGLE_DELAY_SERVER_H
#define JUGGLE_DELAY_SERVER_H

struct delay_server;

/* The defaults. 4096 per address is four times juggle's largest benchmark
 * (1,000 concurrent fetches from one process), and a quarter of the
 * total, so that no one address can fill the server. */
#define DELAY_SERVER_REQUEST_MS  10000
#define DELAY_SERVER_PER_IP      4096
#define DELAY_SERVER_CONNECTIONS 16000

struct delay_server_limits {
    int request_ms;  /* time to receive a whole request; 0: the default */
    unsigned per_ip; /* connections per client address; 0: the default */
    unsigned total;  /* connections in all; 0: the default, or the
                      * descriptor limit less 64 if that is lower */
};

/* Starts a server on 127.0.0.1:port (0: an ephemeral port). Returns 0 and
 * sets *out, or a negative errno-style code. */
int delay_server_start(struct delay_server **out, int port, double time_scale);
/* The same with limits (NULL: the defaults). It raises the process's soft
 * descriptor limit to the hard one, as a server of thousands needs. */
int delay_server_start_limits(struct delay_server **out, int port, double time_scale,
                              const struct delay_server_limits *limits);
/* The port it listens on. */
int delay_server_port(const struct delay_server *s);
/* "http://127.0.0.1:PORT", owned by s. */
const char *delay_server_url(const struct delay_server *s);
/* Answers every waiting request, stops and frees. NULL is a no-op. */
void delay_server_stop(struct delay_server *s);

#endif

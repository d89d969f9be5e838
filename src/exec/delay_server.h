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
 */
#ifndef JUGGLE_DELAY_SERVER_H
#define JUGGLE_DELAY_SERVER_H

struct delay_server;

/* Starts a server on 127.0.0.1:port (0: an ephemeral port). Returns 0 and
 * sets *out, or a negative errno-style code. */
int delay_server_start(struct delay_server **out, int port, double time_scale);
/* The port it listens on. */
int delay_server_port(const struct delay_server *s);
/* "http://127.0.0.1:PORT", owned by s. */
const char *delay_server_url(const struct delay_server *s);
/* Answers every waiting request, stops and frees. NULL is a no-op. */
void delay_server_stop(struct delay_server *s);

#endif

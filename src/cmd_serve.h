/*
 * cmd_serve: `juggle serve`, the embedded delay server on its own, for
 * scenes and programs that fetch from it (and for benchmarks).
 */
#ifndef JUGGLE_CMD_SERVE_H
#define JUGGLE_CMD_SERVE_H

/* Serves on 127.0.0.1:port (0: any free port) until SIGINT or SIGTERM.
 * Returns the exit status: 0, or 2 if it cannot listen. */
int serve_main(int port);

#endif

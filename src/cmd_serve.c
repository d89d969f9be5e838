/*
 * cmd_serve: `juggle serve`. The server's threads inherit a signal mask
 * that blocks SIGINT and SIGTERM, so the main thread alone receives them,
 * in sigwait, and stops the server cleanly.
 */
#include "cmd_serve.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "exec/delay_server.h"

int serve_main(int port)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* the server's threads inherit it */
    signal(SIGPIPE, SIG_IGN);
    struct delay_server *s;
    int rc = delay_server_start(&s, port, 1.0);
    if (rc) {
        fprintf(stderr, "juggle: serve: cannot listen on 127.0.0.1:%d: %s\n", port, strerror(-rc));
        return 2;
    }
    printf("juggle: serving %s (/delay/MS, /bytes/N, /status/CODE, /reset/N); Ctrl-C stops\n",
           delay_server_url(s));
    if (fflush(stdout) != 0 || ferror(stdout)) {
        /* Whoever started us reads the address from this line. */
        fprintf(stderr, "juggle: write error: %s\n", strerror(errno));
        clearerr(stdout); /* said once, here */
        delay_server_stop(s);
        return 1;
    }
    int sig = 0;
    sigwait(&set, &sig);
    delay_server_stop(s);
    return 0;
}

/*
 * http: the real runner's HTTP client on libcurl.
 *
 * One transfer is one GET whose body is counted and thrown away. Every way
 * a fetch can go wrong becomes a result with one short error text, never a
 * crash or a hang: connection refused, DNS failure, timeout, a connection
 * closed mid-body, a body over HTTP_BODY_CAP, cancellation. HTTP 4xx/5xx
 * answers are not transport errors: they come back as a status, and the
 * workload reports them.
 *
 * http_client is the blocking interface (curl_easy_perform) that sync,
 * coop and threads use, one per worker so that connections are reused
 * like a requests.Session. The event-loop client on the curl multi socket
 * interface is in http_uv.h; both share http_xfer_setup / http_xfer_finish
 * so that a given failure reads the same under every strategy.
 */
#ifndef JUGGLE_HTTP_H
#define JUGGLE_HTTP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include <curl/curl.h>

/* Bodies larger than this end the transfer with an error. */
#define HTTP_BODY_CAP (INT64_C(16) * 1024 * 1024)

struct http_result {
    int status;      /* HTTP status; 0 when the transfer failed */
    int64_t bytes;   /* body bytes received */
    char error[160]; /* empty on success */
};

/* One transfer's settings and progress, owned by whoever runs it. */
struct http_xfer {
    struct http_result *res;
    const atomic_int *cancel; /* non-zero: abort (may be NULL) */
    int64_t cap;
    int over_cap;
    void *user; /* for the multi interfaces */
};

/* curl_global_init, once per process; thread-safe. */
void http_global_init(void);

/* Sets url, timeout (ms, > 0) and the callbacks on e for transfer x. */
void http_xfer_setup(CURL *e, struct http_xfer *x, const char *url, int64_t timeout_ms);
/* Fills x->res from the outcome rc of the transfer on e. */
void http_xfer_finish(CURL *e, struct http_xfer *x, CURLcode rc);

/* Writes the error text for a failed transfer: rc, the OS errno curl saw,
 * and whether the body went over cap. Exposed for tests. */
void http_describe(char *buf, size_t n, CURLcode rc, long os_errno, int over_cap, int64_t cap);

#define HTTP_CLIENT_SOCKS 4

/*
 * A blocking client. Its open sockets are tracked so that another thread
 * can abort a transfer at once (http_client_abort shuts them down) rather
 * than wait up to a second for curl's progress callback to notice the
 * cancel flag.
 */
struct http_client {
    CURL *easy;
    pthread_mutex_t mu;
    curl_socket_t socks[HTTP_CLIENT_SOCKS]; /* CURL_SOCKET_BAD when free */
    struct http_client *next;               /* for the owner's list */
};

/* Returns 0 or -ENOMEM. */
int http_client_init(struct http_client *c);
void http_client_done(struct http_client *c);
/* Shuts down the client's open sockets; any thread. The transfer in
 * flight, if any, fails at once. */
void http_client_abort(struct http_client *c);
/* Fetches url, blocking, for at most timeout_ms; returns when it is done,
 * failed or *cancel became non-zero. Always fills res. */
void http_client_fetch(struct http_client *c, const char *url, int64_t timeout_ms,
                       const atomic_int *cancel, struct http_result *res);

#endif

/*
 * http: the real runner's HTTP client on libcurl.
 *
 * One transfer is one GET whose body is counted and thrown away. Every way
 * a fetch can go wrong becomes a result with one short error text, never a
 * crash or a hang: connection refused, DNS failure, timeout, a connection
 * closed mid-body, a body over HTTP_BODY_CAP, cancellation, a reply that
 * is not HTTP (HTTP/0.9 or garbage), too many headers, a header line over
 * curl's CURL_MAX_HTTP_HEADER, a header block cut off before its blank
 * line (a failure, though curl itself reports success). HTTP 4xx/5xx
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
/* One response's header block may hold at most this many lines and bytes
 * (the bytes under curl's own 300 KB limit, so that we name the fault). A
 * single line over CURL_MAX_HTTP_HEADER (100 KB) is refused by curl. */
#define HTTP_MAX_HEADERS 1000
#define HTTP_HEADER_CAP  (256 * 1024)

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
    /* The header block of the response in progress (see on_header). */
    int requests;      /* requests sent so far (redirects included) */
    int awaiting;      /* a request was sent; its header block has not ended */
    int hdr_lines;     /* lines of the current block, status line included */
    int64_t hdr_bytes; /* bytes of the current block */
    int hdr_fault;     /* HTTP_HDR_TOO_MANY or HTTP_HDR_OVER_CAP: we stopped it */
};

enum { HTTP_HDR_OK, HTTP_HDR_TOO_MANY, HTTP_HDR_OVER_CAP };

/* curl_global_init, once per process; thread-safe. */
void http_global_init(void);

/* Sets url, timeout (ms, > 0) and the callbacks on e for transfer x. */
void http_xfer_setup(CURL *e, struct http_xfer *x, const char *url, int64_t timeout_ms);
/* Fills x->res from the outcome rc of the transfer on e. */
void http_xfer_finish(CURL *e, struct http_xfer *x, CURLcode rc);

/* Writes the error text for transfer x that ended with rc (CURLE_OK with an
 * unfinished header block is a failure too), given the OS errno curl saw.
 * Returns 1 if that is a failure, 0 (and an empty text) if not. Exposed
 * for tests. */
int http_describe(char *buf, size_t n, CURLcode rc, long os_errno, const struct http_xfer *x);

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

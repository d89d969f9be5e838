/*
 * http_uv: HTTP on a libuv loop through curl's multi *socket* interface,
 * as curl documents it: curl tells us which sockets to watch
 * (CURLMOPT_SOCKETFUNCTION -> an epoll set the loop watches with one
 * uv_poll) and when to call it back (CURLMOPT_TIMERFUNCTION -> uv_timer);
 * we call curl_multi_socket_action when either fires. Thousands of transfers share one thread and
 * no descriptor set is rebuilt per turn.
 *
 * Each transfer carries an integer tag (the task id); when it ends, done()
 * is called on the loop thread with the tag and its result.
 *
 * Lifecycle: http_uv_init / http_uv_close(cb) like any owner of uv handles;
 * the object is freed once its last handle is closed, and cb runs then.
 */
#ifndef JUGGLE_HTTP_UV_H
#define JUGGLE_HTTP_UV_H

#include <stdint.h>

#include <uv.h>

#include "exec/http.h"

struct http_uv;

typedef void (*http_uv_done_fn)(void *ctx, int tag, const struct http_result *res);

/* Returns 0 or a negative code. */
int http_uv_init(struct http_uv **out, uv_loop_t *loop, http_uv_done_fn done, void *ctx);
/* Starts fetching url for tag, at once: it connects during this call. A
 * transfer that fails right away (or any other that ended meanwhile) gets
 * done() before this returns. Returns 0 or a negative code (then done()
 * is not called for tag). */
int http_uv_start(struct http_uv *h, int tag, const char *url, int64_t timeout_ms);
/* Ends every transfer in flight; each gets done() with "cancelled". */
void http_uv_cancel_all(struct http_uv *h);
/* Transfers in flight. */
int http_uv_active(const struct http_uv *h);
/* Cancels what is in flight (without calling done), closes every handle,
 * and frees h in the last close callback, then calls cb(arg) if given. */
void http_uv_close(struct http_uv *h, void (*cb)(void *arg), void *arg);

#endif

/*
 * dynlib: libcurl and libmicrohttpd, loaded the first time juggle needs
 * them rather than when it starts. The two bring some thirty libraries
 * with them (TLS, LDAP, Kerberos, IDN...): linked in, loading them cost
 * every juggle command about 4 ms, most of `juggle watch`'s fixed cost on
 * a short Python program (issue 14), though only HTTP requests and
 * `juggle serve` use them.
 *
 * A file that calls them includes this header after <curl/curl.h> or
 * <microhttpd.h>: each function it calls becomes a call through the
 * table of the library's functions, loaded (dlopen, once, thread-safe) at
 * the first call. A library that cannot be loaded ends juggle with one
 * line, as the dynamic loader would have at its start.
 */
#ifndef JUGGLE_DYNLIB_H
#define JUGGLE_DYNLIB_H

#include <curl/curl.h>
#include <microhttpd.h>

struct dyn_curl {
    __typeof__(&curl_global_init) global_init;
    __typeof__(&curl_easy_init) easy_init;
    __typeof__(&curl_easy_setopt) easy_setopt;
    __typeof__(&curl_easy_perform) easy_perform;
    __typeof__(&curl_easy_getinfo) easy_getinfo;
    __typeof__(&curl_easy_cleanup) easy_cleanup;
    __typeof__(&curl_easy_strerror) easy_strerror;
    __typeof__(&curl_multi_init) multi_init;
    __typeof__(&curl_multi_setopt) multi_setopt;
    __typeof__(&curl_multi_add_handle) multi_add_handle;
    __typeof__(&curl_multi_remove_handle) multi_remove_handle;
    __typeof__(&curl_multi_socket_action) multi_socket_action;
    __typeof__(&curl_multi_assign) multi_assign;
    __typeof__(&curl_multi_info_read) multi_info_read;
    __typeof__(&curl_multi_cleanup) multi_cleanup;
};

struct dyn_mhd {
    __typeof__(&MHD_start_daemon) start_daemon;
    __typeof__(&MHD_stop_daemon) stop_daemon;
    __typeof__(&MHD_get_daemon_info) get_daemon_info;
    __typeof__(&MHD_get_connection_info) get_connection_info;
    __typeof__(&MHD_is_feature_supported) is_feature_supported;
    __typeof__(&MHD_create_response_from_buffer) create_response_from_buffer;
    __typeof__(&MHD_create_response_from_callback) create_response_from_callback;
    __typeof__(&MHD_add_response_header) add_response_header;
    __typeof__(&MHD_queue_response) queue_response;
    __typeof__(&MHD_destroy_response) destroy_response;
    __typeof__(&MHD_suspend_connection) suspend_connection;
    __typeof__(&MHD_resume_connection) resume_connection;
};

/* The loaded library's functions. */
const struct dyn_curl *dyn_curl(void);
const struct dyn_mhd *dyn_mhd(void);

#ifndef JUGGLE_DYNLIB_IMPL
#undef curl_easy_setopt /* curl's type-checking macros */
#undef curl_easy_getinfo
#undef curl_multi_setopt
#define curl_global_init                  (dyn_curl()->global_init)
#define curl_easy_init                    (dyn_curl()->easy_init)
#define curl_easy_setopt                  (dyn_curl()->easy_setopt)
#define curl_easy_perform                 (dyn_curl()->easy_perform)
#define curl_easy_getinfo                 (dyn_curl()->easy_getinfo)
#define curl_easy_cleanup                 (dyn_curl()->easy_cleanup)
#define curl_easy_strerror                (dyn_curl()->easy_strerror)
#define curl_multi_init                   (dyn_curl()->multi_init)
#define curl_multi_setopt                 (dyn_curl()->multi_setopt)
#define curl_multi_add_handle             (dyn_curl()->multi_add_handle)
#define curl_multi_remove_handle          (dyn_curl()->multi_remove_handle)
#define curl_multi_socket_action          (dyn_curl()->multi_socket_action)
#define curl_multi_assign                 (dyn_curl()->multi_assign)
#define curl_multi_info_read              (dyn_curl()->multi_info_read)
#define curl_multi_cleanup                (dyn_curl()->multi_cleanup)
#define MHD_start_daemon                  (dyn_mhd()->start_daemon)
#define MHD_stop_daemon                   (dyn_mhd()->stop_daemon)
#define MHD_get_daemon_info               (dyn_mhd()->get_daemon_info)
#define MHD_get_connection_info           (dyn_mhd()->get_connection_info)
#define MHD_is_feature_supported          (dyn_mhd()->is_feature_supported)
#define MHD_create_response_from_buffer   (dyn_mhd()->create_response_from_buffer)
#define MHD_create_response_from_callback (dyn_mhd()->create_response_from_callback)
#define MHD_add_response_header           (dyn_mhd()->add_response_header)
#define MHD_queue_response                (dyn_mhd()->queue_response)
#define MHD_destroy_response              (dyn_mhd()->destroy_response)
#define MHD_suspend_connection            (dyn_mhd()->suspend_connection)
#define MHD_resume_connection             (dyn_mhd()->resume_connection)
#endif

#endif

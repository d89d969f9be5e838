/*
 * dynlib: loads libcurl or libmicrohttpd on the first call through its
 * table (see dynlib.h for why): dlopen by the soname the Makefile found
 * at build time, then dlsym for each function juggle calls. Each library
 * loads once (pthread_once); a missing library or function ends juggle
 * with one line and exit status 2, as the dynamic loader would have.
 */
#define JUGGLE_DYNLIB_IMPL
#include "exec/dynlib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef JUGGLE_CURL_SO
#define JUGGLE_CURL_SO "libcurl.so.4"
#endif
#ifndef JUGGLE_MHD_SO
#define JUGGLE_MHD_SO "libmicrohttpd.so.12"
#endif

static struct dyn_curl curl;
static struct dyn_mhd mhd;
static pthread_once_t curl_once = PTHREAD_ONCE_INIT, mhd_once = PTHREAD_ONCE_INIT;

static void *open_lib(const char *soname)
{
    void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        fprintf(stderr, "juggle: cannot load %s: %s\n", soname, dlerror());
        exit(2);
    }
    return h;
}

/* Fills *slot (a function pointer) with name from h. */
static void load_sym(void *h, const char *soname, const char *name, void *slot, size_t size)
{
    void *f = dlsym(h, name);
    if (!f || size != sizeof f) {
        fprintf(stderr, "juggle: %s has no %s\n", soname, name);
        exit(2);
    }
    memcpy(slot, &f, sizeof f);
}

#define SYM(lib, so, table, field, name)                                                           \
    load_sym(lib, so, name, &(table).field, sizeof(table).field)

static void load_curl(void)
{
    void *h = open_lib(JUGGLE_CURL_SO);
#define C(field) SYM(h, JUGGLE_CURL_SO, curl, field, "curl_" #field)
    C(global_init);
    C(easy_init);
    C(easy_setopt);
    C(easy_perform);
    C(easy_getinfo);
    C(easy_cleanup);
    C(easy_strerror);
    C(multi_init);
    C(multi_setopt);
    C(multi_add_handle);
    C(multi_remove_handle);
    C(multi_socket_action);
    C(multi_assign);
    C(multi_info_read);
    C(multi_cleanup);
#undef C
}

static void load_mhd(void)
{
    void *h = open_lib(JUGGLE_MHD_SO);
#define M(field) SYM(h, JUGGLE_MHD_SO, mhd, field, "MHD_" #field)
    M(start_daemon);
    M(stop_daemon);
    M(get_daemon_info);
    M(get_connection_info);
    M(is_feature_supported);
    M(create_response_from_buffer);
    M(create_response_from_callback);
    M(add_response_header);
    M(queue_response);
    M(destroy_response);
    M(suspend_connection);
    M(resume_connection);
#undef M
}

const struct dyn_curl *dyn_curl(void)
{
    pthread_once(&curl_once, load_curl);
    return &curl;
}

const struct dyn_mhd *dyn_mhd(void)
{
    pthread_once(&mhd_once, load_mhd);
    return &mhd;
}

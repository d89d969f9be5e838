/*
 * err: the context a person needs when input is bad. Fallible calls return 0
 * or a negative code; at boundaries where a file and line make the message
 * useful they also fill an optional struct err, which main prints as
 * "juggle: FILE:LINE: message" before exiting with status 2.
 */
#ifndef JUGGLE_ERR_H
#define JUGGLE_ERR_H

enum {
    ERR_OK = 0,
    ERR_INPUT = -1,   /* the input is malformed */
    ERR_IO = -2,      /* a file could not be read or written */
    ERR_USAGE = -3,   /* the command line is wrong */
    ERR_RUNTIME = -4, /* something failed while running */
};

struct err {
    int code;
    char file[256];
    int line; /* 0 when no line applies */
    char msg[512];
};

/* Fills e (if not NULL) and returns code. file may be NULL. */
int err_set(struct err *e, int code, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Writes "juggle: FILE:LINE: message" (or the shorter forms) to stderr. */
void err_print(const struct err *e);

#endif

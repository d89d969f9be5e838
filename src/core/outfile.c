/*
 * outfile: see outfile.h. The target is found by following symlinks by
 * hand (realpath cannot follow a link to a file that does not exist yet),
 * then stat decides: missing or regular, a temporary beside it; a
 * directory, refused; anything else, opened in place without O_TRUNC or
 * O_CREAT, so a device node stays a device node.
 */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

/* The directory part of path ("." when there is none). */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return xstrdup(".");
    if (slash == path) return xstrdup("/");
    return xstrndup(path, (size_t)(slash - path));
}

/* Follows symlinks from path to the name that will really be written. */
static char *follow_links(const char *path)
{
    char *cur = xstrdup(path);
    for (int hops = 0; hops < 40; hops++) {
        struct stat sb;
        if (lstat(cur, &sb) != 0 || !S_ISLNK(sb.st_mode)) return cur;
        char link[4096];
        ssize_t n = readlink(cur, link, sizeof link - 1);
        if (n < 0) return cur;
        link[n] = '\0';
        char *next;
        if (link[0] == '/') {
            next = xstrdup(link);
        } else {
            char *d = dir_of(cur);
            next = xasprintf("%s/%s", d, link);
            free(d);
        }
        free(cur);
        cur = next;
    }
    return cur; /* a loop: open() reports ELOOP */
}

static void clear(struct outfile *o)
{
    free(o->path);
    free(o->target);
    free(o->tmp);
    o->path = o->target = o->tmp = NULL;
    o->fd = -1;
}

static int refuse_inputs(const char *path, const struct stat *sb, const char *const *avoid,
                         struct err *e)
{
    for (; avoid && *avoid; avoid++) {
        struct stat ab;
        if (stat(*avoid, &ab) == 0 && ab.st_dev == sb->st_dev && ab.st_ino == sb->st_ino)
            return err_set(e, ERR_INPUT, path, 0, "refusing to overwrite %s, an input of this run",
                           *avoid);
    }
    return 0;
}

static mode_t default_mode(void)
{
    mode_t mask = umask(022);
    umask(mask);
    return 0666 & ~mask;
}

int outfile_open(struct outfile *o, const char *path, const char *const *avoid, struct err *e)
{
    memset(o, 0, sizeof *o);
    o->fd = -1;
    o->path = xstrdup(path);
    if (strcmp(path, "-") == 0) {
        o->fd = STDOUT_FILENO;
        o->direct = 1;
        return 0;
    }
    o->target = follow_links(path);
    struct stat sb;
    int exists = stat(o->target, &sb) == 0;
    int rc = 0;
    if (exists && S_ISDIR(sb.st_mode))
        rc = err_set(e, ERR_INPUT, path, 0, "is a directory");
    else if (exists)
        rc = refuse_inputs(path, &sb, avoid, e);
    if (!rc && exists && !S_ISREG(sb.st_mode)) {
        o->direct = 1;
        o->fd = open(o->target, O_WRONLY | O_NOCTTY | O_CLOEXEC);
        if (o->fd < 0) rc = err_set(e, ERR_IO, path, 0, "cannot write: %s", strerror(errno));
    } else if (!rc) {
        char *d = dir_of(o->target);
        const char *base = strrchr(o->target, '/');
        base = base ? base + 1 : o->target;
        o->tmp = xasprintf("%s/.%s.XXXXXX", d, base);
        free(d);
        o->fd = mkostemp(o->tmp, O_CLOEXEC);
        o->mode = exists ? sb.st_mode & 07777 : default_mode();
        if (o->fd < 0) {
            rc = err_set(e, ERR_IO, path, 0, "cannot write: %s", strerror(errno));
            free(o->tmp);
            o->tmp = NULL;
        }
    }
    if (rc) clear(o);
    return rc;
}

int outfile_write(struct outfile *o, const void *p, size_t n)
{
    const char *s = p;
    while (n) {
        ssize_t w = write(o->fd, s, n);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) return -errno;
        if (w == 0) return -EIO;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

int outfile_is_regular(const struct outfile *o)
{
    return o->tmp != NULL;
}

int outfile_commit(struct outfile *o, struct err *e)
{
    int rc = 0;
    if (o->tmp) {
        if (fchmod(o->fd, o->mode) != 0 || fsync(o->fd) != 0)
            rc = err_set(e, ERR_IO, o->path, 0, "cannot write: %s", strerror(errno));
        if (close(o->fd) != 0 && !rc)
            rc = err_set(e, ERR_IO, o->path, 0, "cannot write: %s", strerror(errno));
        if (!rc && rename(o->tmp, o->target) != 0)
            rc =
                err_set(e, ERR_IO, o->path, 0, "cannot put the file in place: %s", strerror(errno));
        if (rc) unlink(o->tmp);
    } else if (o->fd != STDOUT_FILENO && o->fd >= 0 && close(o->fd) != 0) {
        rc = err_set(e, ERR_IO, o->path, 0, "cannot write: %s", strerror(errno));
    }
    clear(o);
    return rc;
}

void outfile_abort(struct outfile *o)
{
    if (o->fd >= 0 && o->fd != STDOUT_FILENO) close(o->fd);
    if (o->tmp) unlink(o->tmp);
    clear(o);
}

FILE *outfile_stdio(struct outfile *o)
{
    int fd = dup(o->fd);
    if (fd < 0) return NULL;
    FILE *f = fdopen(fd, "w");
    if (!f) {
        int saved = errno;
        close(fd);
        errno = saved;
    }
    return f;
}

int outfile_finish_stdio(struct outfile *o, FILE *f)
{
    int bad = fflush(f) != 0 || ferror(f) ? errno : 0;
    if (fclose(f) != 0 && !bad) bad = errno;
    if (bad) {
        if (strcmp(o->path, "-") == 0) /* stdout: as every command says it */
            fprintf(stderr, "juggle: write error: %s\n", strerror(bad));
        else
            fprintf(stderr, "juggle: %s: cannot write: %s\n", o->path, strerror(bad));
        outfile_abort(o);
        return 1;
    }
    struct err e;
    if (outfile_commit(o, &e)) {
        err_print(&e);
        return 1;
    }
    return 0;
}

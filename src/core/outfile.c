/*
 * outfile: see outfile.h. The target is found by following symlinks by
 * hand (realpath cannot follow a link to a file that does not exist yet),
 * then stat decides: missing (ENOENT, and only that) or a regular file
 * the user may write and keep the owner of, a temporary beside it; a
 * directory, refused; anything else, opened in place without O_TRUNC or
 * O_CREAT, so a device node stays a device node.
 */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
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

/*
 * A temporary is removed if SIGINT, SIGTERM or SIGHUP ends the process
 * before it is put in place. The handler goes in only where the signal's
 * action is the default (a caller with its own handler, the recorder or
 * the view, cleans up itself), runs only async-signal-safe calls, and dies
 * of the signal as the default action would.
 */
#define PENDING_MAX 4
static char pending[PENDING_MAX][PATH_MAX];
static volatile sig_atomic_t pending_set[PENDING_MAX];
static const int guard_sigs[3] = {SIGINT, SIGTERM, SIGHUP};
static struct sigaction guard_saved[3];
static int guard_count;

static void on_signal(int sig)
{
    for (int i = 0; i < PENDING_MAX; i++)
        if (pending_set[i]) unlink(pending[i]);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void guard_add(struct outfile *o)
{
    o->slot = -1;
    if (strlen(o->tmp) >= PATH_MAX) return;
    for (int i = 0; i < PENDING_MAX && o->slot < 0; i++)
        if (!pending_set[i]) o->slot = i;
    if (o->slot < 0) return;
    memcpy(pending[o->slot], o->tmp, strlen(o->tmp) + 1);
    pending_set[o->slot] = 1;
    if (guard_count++) return;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < 3; i++) {
        sigaction(guard_sigs[i], NULL, &guard_saved[i]);
        if (guard_saved[i].sa_handler == SIG_DFL) sigaction(guard_sigs[i], &sa, NULL);
    }
}

static void guard_drop(struct outfile *o)
{
    if (o->slot < 0) return;
    pending_set[o->slot] = 0;
    o->slot = -1;
    if (--guard_count) return;
    for (int i = 0; i < 3; i++) {
        struct sigaction now;
        sigaction(guard_sigs[i], NULL, &now);
        if (now.sa_handler == on_signal) sigaction(guard_sigs[i], &guard_saved[i], NULL);
    }
}

static void clear(struct outfile *o)
{
    guard_drop(o);
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

/*
 * An existing regular file may be written only if the user could write it
 * (faccessat with the effective ids: a rename would otherwise go around its
 * permissions). It is replaced through a temporary when the replacement can
 * keep its owner (root, or the user's own file) and its directory takes a
 * new name; otherwise it is written in place (see outfile.h). Returns 0 and
 * sets o->in_place, or a refusal.
 */
static int check_regular(struct outfile *o, const struct stat *sb, struct err *e)
{
    if (faccessat(AT_FDCWD, o->target, W_OK, AT_EACCESS) != 0)
        return err_set(e, ERR_IO, o->path, 0, "cannot write: %s", strerror(errno));
    char *d = dir_of(o->target);
    int dir_ok = faccessat(AT_FDCWD, d, W_OK | X_OK, AT_EACCESS) == 0;
    free(d);
    o->in_place = !dir_ok || (geteuid() != 0 && sb->st_uid != geteuid());
    return 0;
}

static int open_temp(struct outfile *o, const struct stat *sb, struct err *e)
{
    char *d = dir_of(o->target);
    const char *base = strrchr(o->target, '/');
    base = base ? base + 1 : o->target;
    o->tmp = xasprintf("%s/.%s.XXXXXX", d, base);
    free(d);
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old); /* no signal between mkstemp and the guard */
    o->fd = mkostemp(o->tmp, O_CLOEXEC);
    int saved = errno;
    if (o->fd >= 0) guard_add(o);
    sigprocmask(SIG_SETMASK, &old, NULL);
    o->mode = sb ? sb->st_mode & 07777 : default_mode();
    o->uid = sb ? sb->st_uid : (uid_t)-1;
    o->gid = sb ? sb->st_gid : (gid_t)-1;
    if (o->fd >= 0) return 0;
    free(o->tmp);
    o->tmp = NULL;
    return err_set(e, ERR_IO, o->path, 0, "cannot write: %s", strerror(saved));
}

/* A socket cannot be opened by name, not even through /proc's link to
 * it (ENXIO): one of ours (/dev/stdout, /dev/fd/N) is duplicated. */
static int dup_own_socket(const struct stat *sb)
{
    long max = sysconf(_SC_OPEN_MAX);
    for (int fd = 0; fd < (max > 0 && max < 65536 ? max : 1024); fd++) {
        struct stat fb;
        if (fstat(fd, &fb) == 0 && fb.st_dev == sb->st_dev && fb.st_ino == sb->st_ino)
            return fcntl(fd, F_DUPFD_CLOEXEC, 3);
    }
    errno = ENXIO;
    return -1;
}

/* A device, a FIFO, a socket, or a regular file written in place: no
 * O_CREAT, no O_TRUNC (a device node stays one; a file is cut at commit). */
static int open_in_place(struct outfile *o, const struct stat *sb, int check_only, struct err *e)
{
    o->direct = !o->in_place;
    if (check_only && o->direct) {
        if (S_ISSOCK(sb->st_mode) || faccessat(AT_FDCWD, o->target, W_OK, AT_EACCESS) == 0)
            return 0;
    } else {
        o->fd = open(o->target, O_WRONLY | O_NOCTTY | O_CLOEXEC);
        if (o->fd < 0 && errno == ENXIO && S_ISSOCK(sb->st_mode)) o->fd = dup_own_socket(sb);
        if (o->fd >= 0) return 0;
    }
    return err_set(e, ERR_IO, o->path, 0, "cannot write: %s", strerror(errno));
}

/* outfile_open; check_only: a device or FIFO is not opened (opening a
 * FIFO waits for its reader, and closing it would end that reader). */
static int open_or_check(struct outfile *o, const char *path, const char *const *avoid,
                         int check_only, struct err *e)
{
    memset(o, 0, sizeof *o);
    o->fd = -1;
    o->slot = -1;
    if (!path[0]) return err_set(e, ERR_INPUT, NULL, 0, "an output file name is empty");
    o->path = xstrdup(path);
    if (strcmp(path, "-") == 0) {
        o->fd = STDOUT_FILENO;
        o->direct = 1;
        return 0;
    }
    /* A device, FIFO or socket, however named, is written in place by its
     * name: following links by hand would end at /proc's "pipe:[N]", the
     * name of no file, for /dev/stdout, /dev/fd/N or a shell's >(...). */
    struct stat sb;
    int exists = stat(path, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode);
    o->target = exists ? xstrdup(path) : follow_links(path);
    if (!exists) exists = stat(o->target, &sb) == 0;
    int rc = 0;
    /* Only "no such file" means a new file: a symlink loop (ELOOP), a
     * directory that cannot be searched (EACCES), ... are refused. */
    if (!exists && errno != ENOENT)
        rc = err_set(e, ERR_IO, path, 0, "cannot write: %s", strerror(errno));
    else if (exists && S_ISDIR(sb.st_mode))
        rc = err_set(e, ERR_INPUT, path, 0, "is a directory");
    else if (exists)
        rc = refuse_inputs(path, &sb, avoid, e);
    if (!rc && exists && S_ISREG(sb.st_mode)) rc = check_regular(o, &sb, e);
    if (!rc && exists && (!S_ISREG(sb.st_mode) || o->in_place)) {
        rc = open_in_place(o, &sb, check_only, e);
    } else if (!rc) {
        rc = open_temp(o, exists ? &sb : NULL, e);
    }
    if (rc) clear(o);
    return rc;
}

int outfile_open(struct outfile *o, const char *path, const char *const *avoid, struct err *e)
{
    return open_or_check(o, path, avoid, 0, e);
}

int outfile_check(const char *path, const char *const *avoid, struct err *e)
{
    struct outfile o;
    int rc = open_or_check(&o, path, avoid, 1, e);
    if (!rc) outfile_abort(&o);
    return rc;
}

static const char *base_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* What path opens: stdout's file for "-", links followed (by the kernel,
 * /proc's links to pipes included). */
static int stat_output(const char *path, struct stat *sb)
{
    return strcmp(path, "-") == 0 ? fstat(STDOUT_FILENO, sb) : stat(path, sb);
}

/* Whether two outputs on sa and sb would end in one place: one file, or
 * one pipe or socket. A character device is a stream, not a place (two
 * outputs to /dev/null, or to a terminal, each arrive whole). */
static int same_place(const struct stat *sa, const struct stat *sb)
{
    return sa->st_dev == sb->st_dev && sa->st_ino == sb->st_ino && !S_ISCHR(sa->st_mode);
}

int outfile_is_stdout(const char *path)
{
    struct stat sa, so;
    if (strcmp(path, "-") == 0) return 1;
    return stat(path, &sa) == 0 && fstat(STDOUT_FILENO, &so) == 0 && same_place(&sa, &so);
}

int outfile_same(const char *a, const char *b)
{
    if (strcmp(a, b) == 0) return 1;
    struct stat sa, sb;
    int ea = stat_output(a, &sa) == 0, eb = stat_output(b, &sb) == 0;
    if (ea || eb) return ea && eb && same_place(&sa, &sb);
    /* Not there yet: the same name in the same directory. */
    char *ta = follow_links(a), *tb = follow_links(b);
    char *da = dir_of(ta), *db = dir_of(tb);
    char *ra = realpath(da, NULL), *rb = realpath(db, NULL);
    int same = ra && rb && strcmp(ra, rb) == 0 && strcmp(base_of(ta), base_of(tb)) == 0;
    free(da);
    free(db);
    free(ra);
    free(rb);
    free(ta);
    free(tb);
    return same;
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
    return o->tmp != NULL || o->in_place;
}

/* The replaced file's owner and group, first (chown clears set-id bits),
 * kept where the system lets us: any for root, for the user's own file a
 * group they are in (otherwise the replacement has their default group). */
static void keep_owner(const struct outfile *o)
{
    if (o->uid == (uid_t)-1) return;
    if (fchown(o->fd, o->uid, o->gid) == 0) return;
    int ignored = fchown(o->fd, (uid_t)-1, o->gid);
    (void)ignored;
}

int outfile_commit(struct outfile *o, struct err *e)
{
    int rc = 0;
    if (o->tmp) {
        keep_owner(o);
        if (fchmod(o->fd, o->mode) != 0 || fsync(o->fd) != 0)
            rc = err_set(e, ERR_IO, o->path, 0, "cannot write: %s", strerror(errno));
        if (close(o->fd) != 0 && !rc)
            rc = err_set(e, ERR_IO, o->path, 0, "cannot write: %s", strerror(errno));
        if (!rc && rename(o->tmp, o->target) != 0)
            rc =
                err_set(e, ERR_IO, o->path, 0, "cannot put the file in place: %s", strerror(errno));
        if (rc) unlink(o->tmp);
    } else if (o->in_place) {
        off_t end = lseek(o->fd, 0, SEEK_CUR); /* cut what is left of the old text */
        if (end < 0 || ftruncate(o->fd, end) != 0 || fsync(o->fd) != 0)
            rc = err_set(e, ERR_IO, o->path, 0, "cannot write: %s", strerror(errno));
        if (close(o->fd) != 0 && !rc)
            rc = err_set(e, ERR_IO, o->path, 0, "cannot write: %s", strerror(errno));
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

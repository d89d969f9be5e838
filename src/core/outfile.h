/*
 * outfile: writing a whole output file (a trace, a Chrome export) without
 * clobbering what is not ours.
 *
 * A regular FILE, or a name that does not exist yet, is written through a
 * unique temporary made with mkstemp beside it and renamed onto it when the
 * writing is done, so a reader never sees half a file and two writers to
 * one name never mix: the last to finish wins whole. A symlink is followed
 * (the temporary goes beside its target, the rename replaces the target,
 * the link stays). A device, a FIFO or a socket is written directly, by
 * its name however reached (/dev/stdout, /dev/fd/N, a shell's >(...): a
 * link in /proc the kernel follows, to a pipe that has no file name), as
 * is "-", standard output. A directory, and any of the caller's inputs (the
 * scene being run, the trace being exported: compared by device and inode,
 * not by name), are refused before anything is written, as are an empty
 * name and a name that cannot be looked up for any reason but "no such
 * file" (a symlink loop, a directory that cannot be searched): a dangling
 * symlink creates its target.
 *
 * An existing regular file is written only if the user could write it
 * (checked with the effective ids; the rename would go around its
 * permissions): otherwise "cannot write: Permission denied". The
 * replacement keeps its mode, and its owner and group when the user is
 * root or owns it (the group only if the user is in it). A writable file
 * the replacement could not keep the owner of (another user's), or in a
 * directory the user cannot add a name to, is written in place instead:
 * same inode, owner and mode, cut to the new length at the end, but a
 * reader can see it half written.
 *
 * Until it is put in place, the temporary is removed if SIGINT, SIGTERM
 * or SIGHUP ends the process (where no other handler is installed).
 */
#ifndef JUGGLE_OUTFILE_H
#define JUGGLE_OUTFILE_H

#include <stdio.h>
#include <sys/types.h>

#include "err.h"

struct outfile {
    char *path;   /* as given */
    char *target; /* the file that ends up written (symlinks followed) */
    char *tmp;    /* the temporary, or NULL when written directly */
    int fd;
    int direct;   /* 1: a device, FIFO or stdout, written in place */
    int in_place; /* 1: an existing regular file written in place */
    int slot;     /* its entry among the temporaries removed on a signal */
    mode_t mode;
    uid_t uid; /* the replaced file's owner, (uid_t)-1 for a new file */
    gid_t gid;
};

/*
 * Opens path for writing. avoid is a NULL-terminated list of paths that must
 * not be written (may be NULL; paths that do not exist are skipped). Returns
 * 0, ERR_INPUT (a refusal: a directory, an input) or ERR_IO, filling e.
 */
int outfile_open(struct outfile *o, const char *path, const char *const *avoid, struct err *e);
/* Whether outfile_open would accept path (it opens and gives up):
 * for a command with two outputs, checked before the first is written. */
int outfile_check(const char *path, const char *const *avoid, struct err *e);
/* 1 when two output names end at one file, pipe or socket: the same
 * device and inode ("-": standard output's), or for names not there yet
 * the same name in the same directory. Character devices (/dev/null, a
 * terminal) are never the same place: each output arrives whole. */
int outfile_same(const char *a, const char *b);
/* 1 when path is "-" or names what standard output already writes to (its
 * file, pipe or socket, e.g. /dev/stdout): written as "-" is. */
int outfile_is_stdout(const char *path);
/* Writes all of p[0..n). Returns 0 or -errno. */
int outfile_write(struct outfile *o, const void *p, size_t n);
/* 1 when the output is a regular file (it can be truncated). */
int outfile_is_regular(const struct outfile *o);
/*
 * Finishes: flushes the temporary to disk and renames it onto the target
 * (a direct output is just closed; standard output is left open). Returns
 * 0 or ERR_IO (e filled; the temporary is removed). Frees o's fields either
 * way.
 */
int outfile_commit(struct outfile *o, struct err *e);
/* Gives up: removes the temporary, closes, frees o's fields. */
void outfile_abort(struct outfile *o);

/*
 * For writers that print: a stdio stream on a duplicate of o's descriptor,
 * or NULL with errno set (o is untouched; the caller aborts it).
 */
FILE *outfile_stdio(struct outfile *o);
/*
 * Closes f (from outfile_stdio) and finishes o: committed when every write
 * and the close went through, removed otherwise. Returns 0, or 1 after one
 * line on stderr ("juggle: write error: ..." for standard output, "juggle:
 * PATH: cannot write: ..." for a file).
 */
int outfile_finish_stdio(struct outfile *o, FILE *f);

#endif

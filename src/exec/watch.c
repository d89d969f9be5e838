/*
 * watch: a Python program as a source of events. It runs the command as
 * given, with juggle_tracer's folder (assets/juggle_tracer.py and
 * sitecustomize.py, found beside the binary or in the installed data
 * folder) first on PYTHONPATH, so Python's start loads the tracer and then
 * runs the program itself; it spawns it with libuv with a pipe on
 * fd 3, splits what arrives into lines, parses each with the trace
 * reader's parser, keeps the stream well formed (the order trace_load
 * checks) and emits it on the bus. When both the pipe and the process are
 * done it settles the outcome: the program's exit status or signal, a
 * tracer that never started, or lines that could not be read.
 */
#include "exec/watch.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/trace.h"
#include "core/xalloc.h"

#define WATCH_FD      3
#define STDERR_KEEP   (64 * 1024)
#define TRACER_MODULE "juggle_tracer"
#define TRACER_FILE   TRACER_MODULE ".py"
/* Where sitecustomize cannot load the tracer (python3 -S): python3 -c this
 * rather than -m juggle_tracer (-m imports runpy, and with it
 * importlib.util, contextlib, collections: a few ms of every start). */
#define TRACER_BOOT "import juggle_tracer, sys; sys.exit(juggle_tracer.main())"

extern char **environ;

struct watch {
    uv_loop_t *loop;
    struct bus *bus;
    uv_process_t proc;
    uv_pipe_t pipe, errpipe;
    int quiet;
    int open_handles;
    int freed;
    char *prog;
    char *scene_text;
    char *line; /* a partial line */
    size_t len, cap;
    char *text;
    size_t textcap;
    int ntasks;
    int64_t last_t;
    uint64_t t0; /* uv_hrtime of the tracer's time 0, once known */
    int started, ended, settled;
    int complete;     /* the tracer's own run_end arrived... */
    struct event end; /* ...and waits here for the exit status */
    int exited, eof, erreof;
    int64_t eof_t, exit_t; /* when the pipe closed and the program ended */
    int64_t exit_status;
    int term_signal;
    size_t bad_lines;
    size_t lineno;
    char bad[160];
    char *err;
    size_t errlen;
};

/* The modification time of dir/juggle_tracer.py, or -1 if unreadable. */
static int64_t tracer_mtime(const char *dir)
{
    char *file = xasprintf("%s/" TRACER_FILE, dir);
    struct stat st;
    int64_t t = access(file, R_OK) == 0 && stat(file, &st) == 0
                    ? (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec
                    : -1;
    free(file);
    return t;
}

/* The folder holding juggle_tracer.py: beside the binary, make's
 * byte-compiled copy (build/python) unless the source in build/../assets
 * is newer, then that source, or PREFIX/bin/../share/juggle; then the
 * configured data folder. */
static char *tracer_dir(void)
{
    const char *env = getenv("JUGGLE_TRACER_DIR");
    if (env && *env) return xstrdup(env);
    char exe[2048];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) *slash = '\0';
        char *copy = xasprintf("%s/python", exe);
        char *assets = xasprintf("%s/../assets", exe);
        int64_t tc = tracer_mtime(copy), ta = tracer_mtime(assets);
        if (tc >= 0 && tc >= ta) {
            free(assets);
            return copy;
        }
        free(copy);
        if (ta >= 0) return assets;
        free(assets);
        char *share = xasprintf("%s/../share/juggle", exe);
        if (tracer_mtime(share) >= 0) return share;
        free(share);
    }
#ifdef JUGGLE_DATADIR
    if (access(JUGGLE_DATADIR "/" TRACER_FILE, R_OK) == 0) return xstrdup(JUGGLE_DATADIR);
#endif
    return NULL;
}

/* Finds PROG.py in python3 [OPTIONS] PROG.py ARGS: returns its index, or
 * -1 with e filled. */
static int script_index(char *const argv[], struct err *e)
{
    const char *base = strrchr(argv[0], '/');
    base = base ? base + 1 : argv[0];
    if (strncmp(base, "python", 6) != 0)
        return err_set(e, ERR_USAGE, argv[0], 0,
                       "watch runs a Python program: juggle watch -- python3 PROG.py [ARGS...]"),
               -1;
    int i = 1;
    while (argv[i] && argv[i][0] == '-') {
        if (!strcmp(argv[i], "-m") || !strcmp(argv[i], "-c") || !strcmp(argv[i], "-"))
            return err_set(e, ERR_USAGE, argv[0], 0,
                           "watch runs a script file, not '%s': python3 PROG.py [ARGS...]",
                           argv[i]),
                   -1;
        if (!strcmp(argv[i], "-X") || !strcmp(argv[i], "-W")) i++;
        if (argv[i]) i++;
    }
    if (!argv[i])
        return err_set(e, ERR_USAGE, argv[0], 0, "which program? juggle watch -- python3 PROG.py"),
               -1;
    if (access(argv[i], R_OK) != 0)
        return err_set(e, ERR_IO, argv[i], 0, "cannot read the program: %s", strerror(errno)), -1;
    return i;
}

/* The first of python3's one-letter options in flags that its options
 * before the script (argv[1..si-1]) hold, or 0. */
static char has_flag(char *const argv[], int si, const char *flags)
{
    for (int i = 1; i < si; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || a[1] == '-') continue;
        for (const char *c = a + 1; *c; c++) {
            if (strchr(flags, *c)) return *c;
            if (*c == 'X' || *c == 'W') { /* the rest, or the next argument, is its value */
                if (!c[1]) i++;
                break;
            }
        }
    }
    return 0;
}

/* environ with PYTHONPATH led by dir and JUGGLE_TRACE_FD set. */
static char **child_env(const char *dir)
{
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = xcalloc(n + 3, sizeof *env);
    const char *old = getenv("PYTHONPATH");
    size_t k = 0;
    env[k++] =
        old && *old ? xasprintf("PYTHONPATH=%s:%s", dir, old) : xasprintf("PYTHONPATH=%s", dir);
    env[k++] = xasprintf("JUGGLE_TRACE_FD=%d", WATCH_FD);
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "PYTHONPATH=", 11) && strncmp(environ[i], "JUGGLE_TRACE_FD=", 16))
            env[k++] = xstrdup(environ[i]);
    env[k] = NULL;
    return env;
}

static void free_strv(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

static void maybe_free(struct watch *w)
{
    if (!w->freed || w->open_handles > 0) return;
    free(w->prog);
    free(w->scene_text);
    free(w->line);
    free(w->text);
    free(w->err);
    free(w);
}

static void on_close(uv_handle_t *h)
{
    struct watch *w = h->data;
    w->open_handles--;
    maybe_free(w);
}

static void close_handle(struct watch *w, uv_handle_t *h)
{
    if (!uv_is_closing(h)) uv_close(h, on_close);
    (void)w;
}

static void bad_line(struct watch *w, const char *why)
{
    if (w->bad_lines++ == 0)
        snprintf(w->bad, sizeof w->bad, "line %zu from the tracer: %s", w->lineno, why);
}

/* Emits ev if it keeps the stream well formed. */
static void deliver(struct watch *w, struct event *ev)
{
    if (w->ended) return;
    if (!w->started) {
        if (ev->kind != EV_RUN_START) return bad_line(w, "the first event is not run_start");
        w->started = 1;
        w->t0 = uv_hrtime() - (uint64_t)ev->t;
    } else if (ev->kind == EV_RUN_START) {
        return bad_line(w, "a second run_start");
    }
    if (ev->kind == EV_TASK_NEW) {
        if (ev->task != w->ntasks) return bad_line(w, "task ids must be created in order");
        w->ntasks++;
    } else if (ev->task >= w->ntasks) {
        return bad_line(w, "an event for a task that was never created");
    }
    if (ev->kind == EV_BLOCK && (ev->reason < 0 || ev->reason >= BLOCK__COUNT))
        return bad_line(w, "unknown block reason");
    if (ev->t < w->last_t) ev->t = w->last_t; /* threads race to the pipe */
    w->last_t = ev->t;
    if (ev->kind == EV_RUN_END) {
        /* Held until the program has exited: whether the run failed is
         * its exit status, which the tracer cannot know. */
        w->ended = w->complete = 1;
        w->end = *ev;
        w->end.text = NULL;
        return;
    }
    bus_emit(w->bus, ev);
}

static void take_line(struct watch *w, const char *line, size_t len)
{
    struct event ev;
    const char *why;
    w->lineno++;
    if (trace_parse_event(line, len, &ev, &w->text, &w->textcap, &why)) return bad_line(w, why);
    deliver(w, &ev);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)h;
    (void)suggested;
    static char chunk[65536];
    *buf = uv_buf_init(chunk, sizeof chunk);
}

static void settle(struct watch *w);

/* The tracer's clock now, whatever has ended. */
static int64_t clock_now(const struct watch *w)
{
    uint64_t now = uv_hrtime();
    return w->started && now > w->t0 ? (int64_t)(now - w->t0) : 0;
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    struct watch *w = s->data;
    if (n < 0) {
        /* Without the tracer's run_end, the trace ends here: what the
         * program did after closing the pipe is not known. */
        w->eof_t = clock_now(w);
        if (w->eof_t < w->last_t) w->eof_t = w->last_t;
        w->eof = 1;
        close_handle(w, (uv_handle_t *)s);
        settle(w);
        return;
    }
    const char *p = buf->base, *end = buf->base + n;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t k = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (w->len == 0 && nl) {
            take_line(w, p, k);
        } else {
            w->line = xgrow(w->line, &w->cap, w->len + k + 1, 1);
            memcpy(w->line + w->len, p, k);
            w->len += k;
            if (nl) {
                take_line(w, w->line, w->len);
                w->len = 0;
            }
        }
        p += k + (nl ? 1 : 0);
    }
}

static void on_err_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    struct watch *w = s->data;
    if (n < 0) {
        w->erreof = 1;
        close_handle(w, (uv_handle_t *)s);
        settle(w);
        return;
    }
    size_t take = (size_t)n > STDERR_KEEP ? STDERR_KEEP : (size_t)n;
    if (w->errlen + take > STDERR_KEEP) { /* keep the tail */
        size_t drop = w->errlen + take - STDERR_KEEP;
        memmove(w->err, w->err + drop, w->errlen - drop);
        w->errlen -= drop;
    }
    memcpy(w->err + w->errlen, buf->base + n - take, take);
    w->errlen += take;
    w->err[w->errlen] = '\0';
}

static void on_proc_exit(uv_process_t *p, int64_t status, int sig)
{
    struct watch *w = p->data;
    w->exited = 1;
    w->exit_t = clock_now(w);
    w->exit_status = status;
    w->term_signal = sig;
    close_handle(w, (uv_handle_t *)p);
    settle(w);
}

/* Once the program and its pipes are done: the run_end, the tracer's
 * (failed if the program's exit status says so) or one of ours if the
 * tracer did not write one (killed, never started, or a pipe the program
 * closed), at the pipe's end: the trace knows nothing after it. */
static void settle(struct watch *w)
{
    if (!w->exited || !w->eof || (w->quiet && !w->erreof) || w->settled) return;
    if (w->complete) {
        w->settled = 1;
        w->end.reason = w->exit_status != 0 || w->term_signal != 0;
        bus_emit(w->bus, &w->end);
        return;
    }
    if (w->len) { /* the last line, cut off without its newline */
        w->lineno++;
        bad_line(w, "cut off mid-line");
        w->len = 0;
    }
    /* Failed: the program's outcome (a trace cut short by a program that
     * went on to succeed is incomplete, not failed). */
    int failed = !w->started || w->exit_status != 0 || w->term_signal != 0;
    int64_t now = w->eof_t; /* the pipe's end, not the program's */
    if (now < w->last_t) now = w->last_t;
    if (!w->started) {
        struct event s = event_make(EV_RUN_START, 0, -1);
        s.value = 1;
        s.value2 = 1;
        s.text = "python";
        deliver(w, &s);
        now = 0;
    }
    struct event end = event_make(EV_RUN_END, now, -1);
    end.value = now;
    end.reason = failed;
    w->ended = w->settled = 1;
    bus_emit(w->bus, &end);
}

static char *scene_comment(char *const argv[])
{
    size_t n = 0;
    for (int i = 0; argv[i]; i++)
        n += strlen(argv[i]) + 1;
    char *cmd = xcalloc(n + 1, 1);
    for (int i = 0; argv[i]; i++) {
        if (i) strcat(cmd, " ");
        strcat(cmd, argv[i]);
        for (char *c = cmd; *c; c++)
            if (*c == '\n') *c = ' ';
    }
    char *text = xasprintf("; juggle watch: a real Python program traced, not a simulated scene\n"
                           "; command: %s\n",
                           cmd);
    free(cmd);
    return text;
}

/* Spawns args with the trace pipe on fd WATCH_FD; quiet: stdin and stdout
 * /dev/null and stderr into errpipe. Returns 0 or a libuv error. */
static int spawn(struct watch *w, char **args, char **env, int discard_stdout)
{
    uv_stdio_container_t stdio[WATCH_FD + 1];
    stdio[0].flags = w->quiet ? UV_IGNORE : UV_INHERIT_FD;
    stdio[0].data.fd = 0;
    stdio[1].flags = w->quiet || discard_stdout ? UV_IGNORE : UV_INHERIT_FD;
    stdio[1].data.fd = 1;
    if (w->quiet) {
        stdio[2].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
        stdio[2].data.stream = (uv_stream_t *)&w->errpipe;
    } else {
        stdio[2].flags = UV_INHERIT_FD;
        stdio[2].data.fd = 2;
    }
    stdio[WATCH_FD].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
    stdio[WATCH_FD].data.stream = (uv_stream_t *)&w->pipe;
    uv_process_options_t po = {
        .exit_cb = on_proc_exit,
        .file = args[0],
        .args = args,
        .env = env,
        .stdio_count = WATCH_FD + 1,
        .stdio = stdio,
    };
    w->proc.data = w;
    return uv_spawn(w->loop, &w->proc, &po);
}

struct watch *watch_start(char *const argv[], int quiet, int discard_stdout, struct bus *bus,
                          uv_loop_t *loop, struct err *e)
{
    if (!argv || !argv[0])
        return err_set(e, ERR_USAGE, NULL, 0,
                       "watch needs a program: juggle watch -- python3 PROG.py"),
               NULL;
    int si = script_index(argv, e);
    if (si < 0) return NULL;
    char isolated = has_flag(argv, si, "EI");
    if (isolated)
        return err_set(e, ERR_USAGE, argv[0], 0,
                       "watch loads its tracer through PYTHONPATH, which python3 -%c ignores",
                       isolated),
               NULL;
    char *dir = tracer_dir();
    if (!dir)
        return err_set(e, ERR_IO, TRACER_FILE, 0,
                       "juggle's tracer is not installed (set JUGGLE_TRACER_DIR)"),
               NULL;
    size_t argc = 0;
    while (argv[argc])
        argc++;
    /* Python's start loads the tracer (sitecustomize), then runs the
     * program itself; only python3 -S (no site) needs it started with -c. */
    int boot = has_flag(argv, si, "S") != 0;
    char **args = xcalloc(argc + 3, sizeof *args);
    for (int i = 0, k = 0; argv[i]; i++) {
        if (i == si && boot) {
            args[k++] = "-c";
            args[k++] = TRACER_BOOT;
        }
        args[k++] = argv[i];
    }
    char **env = child_env(dir);
    free(dir);

    struct watch *w = xcalloc(1, sizeof *w);
    w->loop = loop;
    w->bus = bus;
    w->quiet = quiet;
    w->prog = xstrdup(argv[si]);
    w->scene_text = scene_comment(argv);
    w->err = xcalloc(STDERR_KEEP + 1, 1);
    uv_pipe_init(loop, &w->pipe, 0);
    w->pipe.data = w;
    w->open_handles++;
    uv_pipe_init(loop, &w->errpipe, 0);
    w->errpipe.data = w;
    w->open_handles++;

    int rc = spawn(w, args, env, discard_stdout);
    free(args);
    free_strv(env);
    if (rc) {
        err_set(e, ERR_RUNTIME, argv[0], 0, "cannot run: %s", uv_strerror(rc));
        w->exited = w->eof = w->erreof = w->ended = w->settled = 1;
        close_handle(w, (uv_handle_t *)&w->proc);
        w->open_handles++; /* uv_spawn failed: the process handle still closes */
        close_handle(w, (uv_handle_t *)&w->pipe);
        close_handle(w, (uv_handle_t *)&w->errpipe);
        w->freed = 1;
        return NULL;
    }
    w->open_handles++;
    uv_read_start((uv_stream_t *)&w->pipe, on_alloc, on_read);
    if (quiet)
        uv_read_start((uv_stream_t *)&w->errpipe, on_alloc, on_err_read);
    else
        close_handle(w, (uv_handle_t *)&w->errpipe), w->erreof = 1;
    return w;
}

int watch_finished(const struct watch *w)
{
    return w->settled;
}

int watch_complete(const struct watch *w)
{
    return w->complete;
}

int64_t watch_now(const struct watch *w)
{
    if (!w->started) return 0;
    if (watch_finished(w)) return w->last_t;
    if (w->eof && !w->complete) return w->eof_t; /* the trace has ended */
    return clock_now(w);
}

void watch_stop(struct watch *w)
{
    if (!w->exited) uv_process_kill(&w->proc, SIGTERM);
}

int watch_result(const struct watch *w, char *why, size_t n)
{
    if (n) why[0] = '\0';
    if (!w->started || !w->ntasks) {
        snprintf(why, n, "%s: the program never started juggle's tracer (%s %d)", w->prog,
                 w->term_signal ? "signal" : "exit status",
                 w->term_signal ? w->term_signal : (int)w->exit_status);
        return 2;
    }
    if (w->term_signal) {
        snprintf(why, n, "%s: the program was killed by signal %d (%s)", w->prog, w->term_signal,
                 strsignal(w->term_signal));
        return 1;
    }
    if (w->exit_status) {
        snprintf(why, n, "%s: the program exited with status %d", w->prog, (int)w->exit_status);
        return 1;
    }
    if (!w->complete) {
        snprintf(why, n,
                 "%s: the trace ends early, at %.3f s of the program's %.3f s (it closed juggle's "
                 "trace pipe, or ran exec or exited from C); the totals are the traced part's",
                 w->prog, (double)w->eof_t / 1e9, (double)w->exit_t / 1e9);
        return 2;
    }
    if (w->bad_lines) {
        snprintf(why, n, "%s: %zu bad event line%s, the first %s", w->prog, w->bad_lines,
                 w->bad_lines == 1 ? "" : "s", w->bad);
        return 2;
    }
    return 0;
}

const char *watch_stderr(const struct watch *w)
{
    return w->err;
}

const char *watch_scene_text(const struct watch *w)
{
    return w->scene_text;
}

const char *watch_program(const struct watch *w)
{
    return w->prog;
}

void watch_free(struct watch *w)
{
    if (!w) return;
    w->freed = 1;
    if (!w->exited) { /* the user quit: the program goes too, unwaited */
        uv_process_kill(&w->proc, SIGKILL);
        w->exited = 1;
        close_handle(w, (uv_handle_t *)&w->proc);
    }
    close_handle(w, (uv_handle_t *)&w->pipe);
    close_handle(w, (uv_handle_t *)&w->errpipe);
    maybe_free(w);
}

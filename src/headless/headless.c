/*
 * headless: wiring of a source (the engine in virtual time, or the real
 * runner) to the bus and the printing sinks, in one place for both, so
 * that --record, --summary and --json mean the same with and without
 * --real.
 *
 * Both run inside a session (session_open / session_close) that owns the
 * recording and the signals. Signals only set a flag; the engine asks
 * every 1024 actions (also inside one instant) and the real run's loop
 * looks every 100 ms, so a signal, a closed pipe or a full disk stops
 * either promptly, and the trace is closed as incomplete with everything
 * recorded so far.
 */
#include "headless/headless.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <poll.h>

#include "core/sim.h"
#include "core/stats.h"
#include "core/strategy.h"
#include "core/trace.h"
#include "core/xalloc.h"
#include "exec/real.h"
#include "headless/printer.h"
#include "headless/summary.h"

/* The summary block or JSON object after a run, as format asks. */
static void print_summary(const struct stats *st, int format, FILE *out)
{
    if (!out) return;
    if (format == HEADLESS_SUMMARY) summary_print(out, st);
    if (format == HEADLESS_JSON) {
        if (summary_write_json(out, st, 0) == 0)
            fputc('\n', out);
        else
            printer_note_error(errno);
    }
}

void headless_attach(struct bus *bus, struct stats *st, int format, FILE *out)
{
    bus_init(bus);
    stats_init(st);
    stats_attach(bus, st);
    if (format != HEADLESS_JSON && out) bus_attach(bus, printer_sink, out);
}

/* A run's bus, sinks and recording, and the signal handlers it replaced. */
#define NSIGS 3
struct session {
    struct bus bus;
    struct stats st;
    FILE *out; /* the lines and summary; NULL: none */
    int format;
    struct trace_writer *tw;            /* NULL when not recording */
    int out_pipe;                       /* out is a pipe (its reader can leave) */
    int out_gone;                       /* ... and it did */
    struct sigaction old_action[NSIGS]; /* restored by close */
};

static volatile sig_atomic_t caught, repeats;
static const int sigs[NSIGS] = {SIGINT, SIGTERM, SIGHUP};

static void note_signal(int signum)
{
    if (!caught) caught = signum;
}

/* The first signal asks the run to stop; the engine looks every 1024
 * actions, also inside one instant, so it stops within milliseconds and
 * the trace is closed as incomplete. A second signal (an impatient user)
 * changes nothing, so it cannot lose the recording; a third kills at once,
 * for a run stuck in a system call. Both calls here are
 * async-signal-safe. */
static void on_signal(int signum)
{
    if (caught && ++repeats >= 2) {
        signal(signum, SIG_DFL);
        raise(signum);
    }
    note_signal(signum);
}

static int session_open(struct session *h, const struct scene *sc, const char *strategy,
                        const char *clock, int format, const char *record, FILE *out)
{
    memset(h, 0, sizeof *h);
    h->format = format;
    h->out = out;
    if (record) {
        struct err e;
        h->tw = trace_writer_open(record, sc->path, sc->text, strategy, clock, JUGGLE_VERSION, &e);
        if (!h->tw) {
            err_print(&e);
            return 2;
        }
        /* The trace owns standard output: the lines go to stderr. */
        if (strcmp(record, "-") == 0 && out == stdout) h->out = stderr;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART; /* the real run's workers sleep and poll */
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < NSIGS; i++) {
        sigaction(sigs[i], NULL, &h->old_action[i]);
        /* An ignored signal stays ignored (nohup juggle ... keeps running). */
        if (h->old_action[i].sa_handler != SIG_IGN) sigaction(sigs[i], &sa, NULL);
    }
    signal(SIGPIPE, SIG_IGN);
    headless_attach(&h->bus, &h->st, format, h->out);
    if (h->tw) bus_attach(&h->bus, trace_writer_sink, h->tw);
    struct stat sb;
    h->out_pipe = h->out && fstat(fileno(h->out), &sb) == 0 && S_ISFIFO(sb.st_mode);
    return 0;
}

static void session_tick(struct session *h)
{
    if (h->tw) trace_writer_tick(h->tw);
}

static int session_stopping(const struct session *h)
{
    return caught || h->out_gone || (h->out && ferror(h->out)) || trace_writer_error(h->tw);
}

static int session_stop_cb(void *ctx)
{
    return session_stopping(ctx);
}

static const char *sig_name(int sig)
{
    return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP";
}

static int session_close(struct session *h, int ended, int failed)
{
    int sig = caught;
    int stopped = session_stopping(h);
    if (!stopped) print_summary(&h->st, h->format, h->out);
    if (h->out && fflush(h->out) != 0) printer_note_error(errno);
    int out_failed = h->out_gone || (h->out && ferror(h->out));
    /* A signal that came while the summary was printed ends the process by
     * it too (the run itself had ended: its recording is whole). */
    if (!sig) sig = caught;
    stats_done(&h->st);
    int rc = failed || out_failed ? 1 : 0;
    int said = 0;
    if (h->tw) {
        struct err e;
        char *path = xstrdup(trace_writer_path(h->tw));
        int pipe_closed = trace_writer_error(h->tw) == EPIPE;
        if (trace_writer_close(h->tw, ended && !stopped, &e)) {
            if (!pipe_closed) err_print(&e); /* quiet, as for stdout */
            said = 1;
            rc = 1;
        } else if (sig && strcmp(path, "-") != 0) {
            fprintf(stderr, "juggle: interrupted by %s: recorded %s%s\n", sig_name(sig), path,
                    ended && !stopped ? " (the run had ended: complete)" : ", marked incomplete");
            said = 1;
        }
        free(path);
        h->tw = NULL;
    }
    if (!sig) sig = caught; /* while the trace was closed */
    if (sig && !said) fprintf(stderr, "juggle: interrupted by %s\n", sig_name(sig));
    for (size_t i = 0; i < NSIGS; i++)
        sigaction(sigs[i], &h->old_action[i], NULL);
    if (sig) {
        /* Everything is on disk: die of the signal, as the shell expects. */
        fflush(stdout);
        signal(sig, SIG_DFL);
        raise(sig);
    }
    return rc;
}

/* The run never started: no summary, no message, the signals put back. */
static void session_abandon(struct session *h)
{
    stats_done(&h->st);
    if (h->tw) trace_writer_close(h->tw, 0, NULL);
    for (size_t i = 0; i < NSIGS; i++)
        sigaction(sigs[i], &h->old_action[i], NULL);
}

/* ---- the real run ---- */

struct live {
    struct real_run *r;
    struct session *h;
    int cancelled;
};

/* Every 100 ms: flush the trace, and cancel once the session must stop (a
 * signal, a closed pipe, a full disk). */
static void on_tick(uv_timer_t *t)
{
    struct live *l = t->data;
    session_tick(l->h);
    /* A pipe whose reader left (head -1) polls as an error at once: stop
     * now rather than at the next line, which may be seconds away. */
    struct pollfd p = {.fd = l->h->out_pipe ? fileno(l->h->out) : -1};
    if (p.fd >= 0 && poll(&p, 1, 0) == 1 && (p.revents & POLLERR)) {
        l->h->out_gone = 1;
        printer_note_error(EPIPE);
    }
    if (!l->cancelled && session_stopping(l->h)) {
        l->cancelled = 1;
        real_run_cancel(l->r);
    }
}

/* Runs sc for real, delivering its events to the session's bus on this
 * thread. Returns 0, 1 if cancelled, 2 if it cannot start. */
static int run_real(const struct scene *sc, int strategy, const struct real_opts *ro,
                    struct session *h)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct err e;
    struct live l = {real_run_start(sc, strategy, ro, &h->bus, &loop, &e), h, 0};
    if (!l.r) {
        err_print(&e);
        uv_run(&loop, UV_RUN_DEFAULT);
        uv_loop_close(&loop);
        return 2;
    }
    uv_timer_t tick;
    uv_timer_init(&loop, &tick);
    tick.data = &l;
    uv_timer_start(&tick, on_tick, 100, 100);
    while (!real_run_finished(l.r))
        uv_run(&loop, UV_RUN_ONCE);
    real_run_free(l.r);
    uv_close((uv_handle_t *)&tick, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    if (uv_loop_close(&loop))
        fprintf(stderr, "juggle: internal: the event loop did not close cleanly\n");
    return l.cancelled;
}

int headless_run(const struct scene *sc, int strategy, int format, const char *record,
                 const struct real_opts *real, FILE *out)
{
    struct session h;
    if (session_open(&h, sc, strategy_name(strategy), real ? "real" : "virtual", format, record,
                     out))
        return 2;
    int ended, failed;
    if (real) {
        /* Lines as they happen, also into a pipe: a reader that leaves
         * (head -1) is then seen at the next line, not at exit. */
        if (h.out) setvbuf(h.out, NULL, _IOLBF, 0);
        int rc = run_real(sc, strategy, real, &h);
        if (rc == 2) {
            session_abandon(&h);
            return 2;
        }
        ended = !rc;
        failed = h.st.failed;
    } else {
        /* The engine looks every 1024 actions, also inside one instant
         * (a million coop tasks that finish at once), so a signal or a
         * write error stops it within milliseconds. */
        bus_set_stop(&h.bus, session_stop_cb, &h);
        struct sim *s = sim_new(sc, strategy, &h.bus);
        while (!sim_finished(s) && !session_stopping(&h)) {
            int64_t next = sim_next_time(s);
            sim_advance(s, next < 0 ? INT64_MAX : next);
        }
        ended = sim_finished(s) && !h.bus.stopped;
        failed = sim_failed(s);
        sim_free(s);
    }
    return session_close(&h, ended, failed);
}

/*
 * The events go from the file straight to the sinks; no array of them is
 * made. Lines are printed as the events come, and a bad trace must print
 * nothing but its error, so where lines are printed a first pass only
 * checks the file (a regular file can be read twice); a pipe is loaded
 * whole instead. --json prints nothing before the end: one pass.
 */
int headless_replay(const char *path, int format, FILE *out)
{
    struct err e;
    int check_first = format != HEADLESS_JSON && out;
    int regular = trace_rereadable(path);
    struct trace *t = check_first && regular ? trace_stream(path, NULL, 0, &e) : NULL;
    if (check_first && regular) {
        if (!t) {
            err_print(&e);
            return 2;
        }
        trace_free(t);
    }
    struct bus bus;
    struct stats st;
    headless_attach(&bus, &st, format, out);
    if (check_first && !regular) {
        t = trace_load(path, &e);
        if (t) trace_replay(t, 0, t->n, &bus);
    } else {
        t = trace_stream(path, &bus, 0, &e);
    }
    if (!t) {
        stats_done(&st);
        err_print(&e);
        return 2;
    }
    print_summary(&st, format, out);
    int rc = st.failed ? 1 : 0;
    if (!t->complete) {
        fflush(out);
        if (t->end_events >= 0 && (uint64_t)t->end_events != t->n)
            fprintf(stderr,
                    "juggle: %s: the trace is incomplete (its end line counts %lld events, the "
                    "file holds %zu)\n",
                    path, (long long)t->end_events, t->n);
        else
            fprintf(stderr, "juggle: %s: the trace is incomplete (the recording was interrupted)\n",
                    path);
        rc = 1;
    }
    stats_done(&st);
    trace_free(t);
    return rc;
}

int headless_compare(const struct scene *sc, int json, FILE *out)
{
    struct stats runs[STRATEGY_COUNT];
    int failed = 0;
    for (int i = 0; i < STRATEGY_COUNT; i++) {
        struct bus bus;
        bus_init(&bus);
        stats_init(&runs[i]);
        stats_attach(&bus, &runs[i]);
        struct sim *s = sim_new(sc, i, &bus);
        failed |= sim_run(s);
        sim_free(s);
    }
    if (json) {
        if (summary_write_compare_json(out, sc->title, runs, STRATEGY_COUNT))
            printer_note_error(errno);
    } else {
        summary_print_compare(out, sc->title, runs, STRATEGY_COUNT);
    }
    for (int i = 0; i < STRATEGY_COUNT; i++)
        stats_done(&runs[i]);
    return failed ? 1 : 0;
}

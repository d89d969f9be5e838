/*
 * app: the state of one TUI session and the verbs that change it, with no
 * terminal in sight (tui.c owns the terminal and the loop; panels.c draws).
 *
 * A run's events flow source -> journal -> model. The source is the
 * simulation (advanced to the play head), the real runner (events arrive
 * from its threads through uv_async) or a loaded trace. The journal keeps
 * every event the source produced, so the play head can move anywhere the
 * source has reached: moving back resets the model and feeds the journal
 * again; moving forward feeds the rest (and advances a simulation). That
 * is how replay seeks, how `,` steps back, and what `w` writes.
 *
 * Seeking is fast on long runs: while events are fed for the first time,
 * the app keeps a checkpoint (a copy of the model) every ckpt_every
 * events, so a seek restores the nearest checkpoint at or before the
 * target and feeds at most ckpt_every events from there. A replay builds
 * them when the trace is opened. Their memory is bounded: past
 * APP_CKPT_BYTES every other checkpoint is dropped and the spacing doubles.
 */
#ifndef JUGGLE_APP_H
#define JUGGLE_APP_H

#include <stdint.h>

#include <uv.h>

#include "core/event.h"
#include "core/scene.h"
#include "core/stats.h"
#include "core/strategy.h"
#include "ui/model.h"
#include "ui/tui.h"

enum app_source { APP_SIM, APP_REAL, APP_REPLAY };
enum app_overlay { OVERLAY_NONE, OVERLAY_HELP, OVERLAY_COMPARE, OVERLAY_DETAIL, OVERLAY_LEGEND };
enum app_focus { FOCUS_TIMELINE, FOCUS_LOG };

/* Wall-clock seconds a scene's default run takes at speed x1. */
#define APP_RUN_SECONDS   10
#define APP_MAX_SESSION   32
#define APP_MAX_LANE_ROWS 1024
/* Events a real run keeps for `w` and stepping; later ones go straight to
 * the model (which bounds its own memory). */
#define APP_JOURNAL_MAX (1u << 20)

/* First spacing of checkpoints, in events, and their memory budget. */
#define APP_CKPT_EVERY 16384
#define APP_CKPT_BYTES (96u << 20)

/* Events the cursor's model is fed on the loop; more go to a thread. */
#define APP_CURSOR_FEED_HERE 50000

/* Work an interactive session does per loop turn (app_work). */
#define APP_WORK_SLICE_NS (8 * 1000 * 1000)

struct app_job;    /* app_work.c */
struct app_simjob; /* app_simjob.c */
struct app_texts;  /* app_journal.c */

/* The model as it was after the first `fed` journal events. */
struct app_ckpt {
    size_t fed;
    int64_t tmax; /* the latest time among those events */
    size_t bytes;
    struct model m;
};

struct app_session {
    char label[32]; /* "loop", "poll/0.5", "loop real" */
    int64_t total;
    int failed;
};

struct app {
    /* What runs. */
    struct scene *sc; /* borrowed from opts, or owned (picker, replay) */
    int own_scene;
    int strategy;
    int source; /* enum app_source */
    double time_scale;
    int64_t http_timeout;
    struct sim *sim;
    struct real_run *real;
    struct watch *watch; /* juggle watch: a traced Python program */
    uv_loop_t *loop;     /* for real runs; NULL in dumps */
    struct trace *trace;
    char *replay_path;
    struct bus bus;                /* source -> journal (+ recorder) */
    struct trace_writer *recorder; /* --record */
    const char *record_path;
    int record_warned;     /* the status line said the recorder failed */
    int record_failed;     /* a recording (--record or `w`) failed: */
    struct err record_err; /* the first such failure */

    /* The journal (the trace's events in replay). */
    struct event *ev;
    size_t nev, capev;
    int ev_mapped;            /* ev is the simulation job's array (app_simjob.c) */
    size_t fed;               /* events fed to the model */
    uint64_t journal_dropped; /* real runs past APP_JOURNAL_MAX */
    struct model model;
    int64_t fed_tmax; /* the latest time among the events fed */

    /* Checkpoints of the model, in journal order (see above). */
    struct app_ckpt *ckpt;
    size_t nckpt, capckpt;
    size_t ckpt_every;
    size_t ckpt_bytes;

    struct app_texts *texts; /* the journal's texts (app_journal.c) */
    size_t recorded;         /* journal events written to the recorder (as first fed) */
    int borrow_text;         /* journal texts belong to the trace (replay) */

    /* The queue row (server scenes): the sorted changes in the number of
     * requests waiting, from the journal's first qscanned events. */
    int64_t *qmarks;
    size_t nqmarks, capqmarks;
    size_t qscanned;
    /* Rows the journal's log takes wrapped at jlog_w (panels.c). */
    size_t jlog_scanned;
    int jlog_w, jlog_rows;

    /* Playback. */
    int64_t playhead; /* ns of scene time shown */
    int paused;
    int speed_exp;     /* speed = base * 2^exp */
    double base_speed; /* scene ns per wall ns at x1 */
    int64_t estimate;  /* expected length of this run, for the axis */

    /* View. */
    int64_t view_t0; /* left edge of the timeline */
    int64_t zoom;    /* ns per column; 0: fit the run */
    int follow;      /* keep the play head in view */
    int selected;    /* task */
    char filter[32]; /* lanes only for tasks whose name holds this (`/`) */
    int filtering;   /* typing the filter */
    int lane_sort;   /* 0 task order, 1 by state, 2 by wait (`o`) */
    int task_scroll; /* first task row shown */
    int focus;       /* enum app_focus */
    int log_scroll;  /* lines up from the newest */
    int overlay;     /* enum app_overlay */
    int help_scroll;

    /* The time cursor (app_cursor.c): on, the readouts show the run at
     * cursor_t (never after the play head) from cmodel, the model as it
     * was then: a checkpoint and the journal's first cfed events; cbuilt
     * is the time it was built for (-1: not built). */
    int cursor_on;
    int64_t cursor_t;
    struct app_job *cursor_job; /* building cmodel on a worker thread (app_work.c) */
    struct model cmodel;
    size_t cfed;
    int64_t cbuilt;

    /* Session totals and the compare view. */
    struct app_session session[APP_MAX_SESSION];
    int nsession;
    int noted; /* this run is in the session totals */
    struct stats compare[STRATEGY_COUNT];
    int have_compare;
    int64_t compare_poll_interval;
    int64_t orig_poll_interval; /* the scene's, before [ and ] */

    /* Scene picker (when started without a scene). */
    int picking;
    char **pick_path, **pick_name, **pick_title;
    int npick, pick_sel;

    /* Interactive sessions (app_work.c): the simulation advances and the
     * model is fed in slices; copies of the model, freeing and the compare
     * view run on worker threads. Off (dumps, tests): all at once. */
    int async;
    int64_t target;            /* the play head wanted; -1: none */
    size_t target_fed;         /* a step back: the events wanted fed; SIZE_MAX: none */
    int step_pending;          /* steps asked for while busy (+ forward, - back) */
    struct app_job *model_job; /* copying the model: it is not fed meanwhile */
    struct app_job *compare_job;
    struct app_job *reap;                /* threads freeing what is no longer shown */
    struct app_simjob *simjob, *simreap; /* the simulation's thread; stopped ones */
    char progress[96];                   /* the progress message last put on the status line */
    size_t copy_here; /* a model smaller than this is copied on the loop (a few ms) */

    char status[256];
    int quit;
    int exit_code;

    /* Where things were drawn, for mouse clicks (filled by panels.c). */
    int tab_y, tab_x0[STRATEGY_COUNT], tab_x1[STRATEGY_COUNT];
    int rows_y0, rows_n;              /* first task lane row on screen and how many rows */
    int lane_task[APP_MAX_LANE_ROWS]; /* the task drawn on each of those rows */
    unsigned legend_used;             /* legend entries drawn this frame (timeline.h) */
    int timeline_x0, timeline_w;
    int timeline_y0, timeline_y1; /* the axis row; the row after the last lane */
    int64_t view_npc;             /* ns per column as last drawn */
};

/* Sets up from opts (scene, strategy, replay...). Returns 0, or 2 after
 * printing why (e.g. a bad trace). loop may be NULL (no real runs). */
int app_init(struct app *a, const struct tui_opts *opts, uv_loop_t *loop);
void app_done(struct app *a);

/* (Re)starts the current run at time 0 under a->strategy and a->source. */
int app_start(struct app *a);
/* Starts watching argv (python3 PROG.py ARGS) live; 2 if it cannot. */
int app_start_watch(struct app *a, char *const argv[]);
/* After the view closed on a watched program: prints what it wrote to
 * stderr and why it failed, if it did, and returns the exit status (0
 * when the user quit before it ended). */
int app_watch_outcome(const struct app *a);
/* Opens the scene at path (picker). Returns 0 or -1 (status says why). */
int app_open_scene(struct app *a, const char *path);

/* Moves the play head to t (clamped to what the source can reach). */
void app_seek(struct app *a, int64_t t);
/* Advances the play head by wall_ns of wall time at the current speed (or
 * to the real clock). Returns 1 if anything changed. */
int app_tick(struct app *a, int64_t wall_ns);
/* One line saying what an event did ("switch Kids→Checkbook on cpu0"). */
void app_describe_event(const struct app *a, const struct event *ev, char *buf, size_t n);
/* Steps one event forward (dir > 0) or back; the status line then names
 * the event just crossed: "event 37/254 t 19.8: switch A→B on cpu0". */
void app_step(struct app *a, int dir);
/* Feeds journal events up to the play head to the model (after real
 * events arrived). */
void app_feed(struct app *a);

/* 1 while the run has more to show. */
int app_playing(const struct app *a);
int app_finished(const struct app *a);
/* What the view shows: the scene's title, the watched program, or the
 * scene path a trace names ("run" when none). */
const char *app_title(const struct app *a);
/* The end of what the source has produced so far, or of the whole run. */
int64_t app_end(const struct app *a);
/*
 * The changes in the number of requests waiting to be served (arrived but
 * not started), sorted: arrival * 2 + 1 for an arrival, start * 2 for a
 * start, so a start sorts before an arrival at the same instant (as
 * stats_latency counts). From the run's requests as far as the source
 * knows them: all of them for a simulation (its instant run for the
 * compare view) and a replay (the whole trace); those started so far for
 * a real run. A request's arrival and the fact that it had not started by
 * then are both known at its arrival, so a row drawn up to the play head
 * shows nothing from the future. Returns NULL and *n = 0 when the run has
 * no requests. Owned by a, valid until the next call.
 */
const int64_t *app_queue_marks(struct app *a, size_t *n);
/* Speed in scene units per wall second. */
double app_speed(const struct app *a);

void app_set_strategy(struct app *a, int strategy);
void app_toggle_real(struct app *a);
void app_set_poll_interval(struct app *a, int64_t ns);
/* Runs all five strategies (simulated) for the compare view; in an
 * interactive session on a worker thread (have_compare once done). */
void app_compute_compare(struct app *a);

/*
 * Interactive sessions (a->async, app_work.c). app_work does at most
 * budget_ns of work (a little more for one instant of a big simulation):
 * advances the simulation, feeds the model toward the play head's target,
 * collects what worker threads finished, and sets the status line to the
 * progress. Returns 2 while it has slices of work left, 1 while only
 * worker threads are busy (call again a little later), 0 when idle.
 * app_work_finish does everything left, waiting for the threads.
 */
int app_work(struct app *a, int64_t budget_ns);
void app_work_finish(struct app *a);
/* Puts the progress of the work left on the status line (unless it holds
 * another message): "simulating… t 53.2", "seeking…". */
void app_progress(struct app *a);
/* Writes the journal as a trace; the status line names the file. */
void app_write_trace(struct app *a);
/* Notes the run's total in the session line once it has ended. */
void app_note_session(struct app *a);
/* Closes the --record trace (complete or not). */
void app_close_recorder(struct app *a, int complete);
/* Once the screen is closed: closes the --record trace and, if it or a
 * `w` failed, prints the first failure ("juggle: FILE: what is wrong")
 * and returns 1; else 0. */
int app_record_outcome(struct app *a);

/* ---- the time cursor (app_cursor.c) ---- */

/* Puts the cursor at t (clamped to 0 .. the play head) and turns it on. */
void app_cursor_set(struct app *a, int64_t t);
/* Back to readouts at the play head. */
void app_cursor_off(struct app *a);
/* Moves the cursor to the next (dir > 0) or the previous event's time. */
void app_cursor_step(struct app *a, int dir);
/* The time the lanes' readouts are for: the cursor's, or the play head's. */
int64_t app_readout_time(const struct app *a);
/* The run model as it was at that time (a->model when the cursor is off). */
const struct model *app_readout_model(struct app *a);
/* A lane's readout at that time: what it does ("sleeping until 15.0",
 * "waiting for the washer, held by B", "runs One", "D read 1000 at 0.5",
 * "3 waiting") and since when (empty when that does not apply: a finished
 * task says when in `what`). */
struct app_readout {
    char what[160];
    char since[32];
};
void app_readout_task(struct app *a, int task, struct app_readout *r);
void app_readout_cpu(struct app *a, int cpu, struct app_readout *r);
void app_readout_balance(struct app *a, struct app_readout *r);
void app_readout_queue(struct app *a, struct app_readout *r);

/* Sets the status line (printf). */
void app_status(struct app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A duration in scene units with as many decimals as it needs to show
 * (at least one, so 15.0, 0.47, 0.001): never 0.0 for a positive one. */
void app_format_duration(char *buf, size_t n, int64_t ns);

/* The label of the current run in the session line. */
void app_run_label(const struct app *a, char *buf, size_t n);

#endif

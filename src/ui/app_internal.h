/*
 * app_internal: what app.c, app_journal.c and inspect.c share and nothing
 * else needs: the journal, the checkpoints, and the step's status line.
 */
#ifndef JUGGLE_APP_INTERNAL_H
#define JUGGLE_APP_INTERNAL_H

#include "ui/app.h"

/* Drops every checkpoint; the spacing goes back to APP_CKPT_EVERY. */
void ckpt_clear(struct app *a);
/* The latest checkpoint whose events all happened by t, or NULL. */
const struct app_ckpt *ckpt_by_time(const struct app *a, int64_t t);
/* The latest checkpoint of at most n events, or NULL. */
const struct app_ckpt *ckpt_by_count(const struct app *a, size_t n);
/* Puts the model back to checkpoint c, or to nothing fed when c is NULL. */
void model_restore(struct app *a, const struct app_ckpt *c);
/* Feeds the next journal event to the model (recording and taking
 * checkpoints the first time through). */
void feed_one(struct app *a);
/* Texts kept in blocks (a journal's; a replay's stay the trace's). */
const char *texts_dup(struct app_texts **list, const char *s);
void texts_free(struct app_texts **list);
/* Empties the journal (and the checkpoints, and what was built from it). */
void journal_clear(struct app *a);
/* The sink between a source and the journal. */
void journal_sink(void *ctx, const struct event *ev);
/* The status line after a step: the event just crossed. */
void app_status_step(struct app *a);

/* Checkpoints taken off the loop (app_work.c): due before feeding the
 * next event; the events between two; a copy joins the list (owned). */
int ckpt_due(const struct app *a);
void ckpt_take(struct app *a);
size_t ckpt_gap(const struct app *a);
void ckpt_add(struct app *a, size_t fed, int64_t tmax, struct model *m, size_t bytes);

/* app_work.c: the play head's target (a time, or a count of events fed
 * for a step back); frees off the loop when async; the compare job; what
 * is left; waiting for every thread before the app goes. */
void app_target(struct app *a, int64_t t);
void app_target_fed(struct app *a, size_t n);
int app_busy(const struct app *a);
void app_discard_model(struct app *a, struct model *m);
void app_discard_events(struct app *a, struct event *ev);
/* Runs fn(arg) off the loop (a worker thread) when async, else now. */
void app_later(struct app *a, void (*fn)(void *), void *arg);
void app_compare_start(struct app *a);
void app_compare_cancel(struct app *a);
void compare_free(struct app *a);
void app_model_settle(struct app *a);
/* The cursor's model built on a worker thread: checkpoint c (or nothing)
 * and the journal's events from..to, for time t; stop cancels and joins. */
void app_cursor_build(struct app *a, const struct app_ckpt *c, size_t from, size_t to, int64_t t);
void app_cursor_stop(struct app *a);
void app_work_done(struct app *a);
/* app.c: the simulation has ended (the run's length and speed are known);
 * one step now, whatever is pending. */
void app_sim_ended(struct app *a);

/* app_simjob.c: an interactive session's simulation on a worker thread.
 * collect moves what it published into the journal (1 if anything came
 * or it just finished); stop cancels without waiting; reap joins stopped
 * ones (wait: all) once the journal that used their texts is gone. */
void simjob_start(struct app *a);
int simjob_collect(struct app *a);
int simjob_finished(const struct app *a);
int64_t simjob_frontier(const struct app *a);
int64_t simjob_now(const struct app *a);
void simjob_wait(struct app *a);
void simjob_stop(struct app *a);
void simjob_reap(struct app *a, int wait);
void app_step_now(struct app *a, int dir);

#endif

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
/* Empties the journal (and the checkpoints, and what was built from it). */
void journal_clear(struct app *a);
/* The sink between a source and the journal. */
void journal_sink(void *ctx, const struct event *ev);
/* The status line after a step: the event just crossed. */
void app_status_step(struct app *a);

#endif

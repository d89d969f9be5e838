/*
 * lesson: what each scene exists to show, as numbers the view puts up
 * front, from the run's stats alone (the same numbers `juggle compare` and
 * `--json` print): the kids' attention wait and the machines' unattended
 * time (household), the ticker's lag (pi), latency percentiles and the
 * longest queue (web server), the balance against the expected one and the
 * lost updates (checkbook), the wait-for cycle (deadlock).
 *
 * Two forms: columns with short heads for the compare overlay (the same
 * heads for every strategy of a scene, so the table lines up), and
 * sentences for the totals panel.
 */
#ifndef JUGGLE_LESSON_H
#define JUGGLE_LESSON_H

#include <stddef.h>
#include <stdint.h>

#include "core/stats.h"

#define LESSON_COLS  3
#define LESSON_LINES 6
#define LESSON_LINE  160

struct lesson {
    int ncol;
    struct {
        char head[16];
        char val[24];
        int bad; /* the value is the scene's failure (a lost update, a deadlock) */
    } col[LESSON_COLS];
};

/* The columns for a run of a scene of kind (enum scene_kind). */
void lesson_columns(int kind, const struct stats *st, struct lesson *out);

/*
 * Sentences for the totals panel at time now (the play head): up to max
 * lines of LESSON_LINE bytes, bad[i] = 1 for a line that shows the
 * failure. A call for attention still waiting at now counts with the wait
 * so far. queue_max >= 0 overrides the longest queue (the view's queue row
 * counts it as far as it is drawn). Returns the number of lines.
 */
int lesson_lines(int kind, const struct stats *st, int64_t now, int64_t queue_max,
                 char (*out)[LESSON_LINE], int *bad, int max);

/*
 * The wait-for cycle as a small graph, a line each into out (at most max):
 * each member points at the member that holds what it waits for, the last
 * back at the first. utf8 picks box drawing or ASCII. Returns the lines.
 */
int lesson_cycle_graph(const struct stats *st, int utf8, char (*out)[LESSON_LINE], int max);

/* The member of the wait-for cycle that holds what member i waits for
 * (its resource, or for a member that waits for no resource, the thread
 * the other member keeps), as a task id, or -1. */
int lesson_cycle_holder(const struct stats *st, size_t i);

#endif

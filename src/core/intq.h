/*
 * intq: a growable FIFO ring of ints (task ids), for the polling
 * strategy's run and attend queues, simulated and real.
 */
#ifndef JUGGLE_INTQ_H
#define JUGGLE_INTQ_H

#include <stddef.h>

struct intq {
    int *v;
    size_t head, n, cap;
};

void intq_push(struct intq *q, int v);
/* The oldest value; q must not be empty. */
int intq_pop(struct intq *q);
void intq_free(struct intq *q);

#endif

/*
 * intq: a growable FIFO ring of ints.
 */
#include "intq.h"

#include <stdlib.h>

#include "xalloc.h"

void intq_push(struct intq *q, int v)
{
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 16;
        int *nv = xmalloc(cap * sizeof *nv);
        for (size_t i = 0; i < q->n; i++)
            nv[i] = q->v[(q->head + i) % q->cap];
        free(q->v);
        q->v = nv;
        q->cap = cap;
        q->head = 0;
    }
    q->v[(q->head + q->n) % q->cap] = v;
    q->n++;
}

int intq_pop(struct intq *q)
{
    int v = q->v[q->head];
    q->head = (q->head + 1) % q->cap;
    q->n--;
    return v;
}

void intq_free(struct intq *q)
{
    free(q->v);
    q->v = NULL;
    q->head = q->n = q->cap = 0;
}

/*
 * evq: a chunked, mutex-protected event buffer. Records are laid out back
 * to back in 64 KiB blocks (the event's fields without its sequence number
 * and text pointer, then its text with its NUL, padded to 8 bytes); a
 * record larger than a block gets a block of its own. Draining swaps the
 * whole chain out under the lock and walks it outside the lock, so
 * producers never wait for the bus; emptied blocks go back to a small pool
 * so that producers write into memory already mapped.
 *
 * The clock. A vDSO clock_gettime costs ~40 ns here, a third of a push. On
 * x86 with the kernel itself trusting the TSC (its clocksource is "tsc"),
 * a push reads the TSC instead (~20 ns) and converts it with a rate
 * measured against CLOCK_MONOTONIC over the run so far, from an anchor
 * (a real clock_gettime) at most ANCHOR_CYCLES old. Each (TSC, clock)
 * pair is read back to back and retried if anything came between, so it
 * is off by ~0.2 us at most; the rate, taken over at least 10 ms (the vDSO
 * is used until then), is then within ~2e-5, and a stamp within ~10 ns of
 * the clock's own reading, less as the run goes on. Everything runs under the lock, and a stamp is
 * never less than the one before it, so stamps stay monotone in queue
 * order whatever the clock does.
 */
#include "exec/evq.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define HAVE_TSC 1
#else
#define HAVE_TSC 0
#endif

#include "core/xalloc.h"

#define BLOCK_DATA    (64 * 1024)
#define POOL_MAX      16                  /* emptied blocks kept: 1 MiB */
#define ANCHOR_CYCLES (UINT64_C(1) << 20) /* ~0.3 ms at 3 GHz */
#define CALIBRATE_NS  10000000            /* the rate needs this much baseline */
#define PAIR_CYCLES   1024                /* a clock_gettime takes ~150 */

struct evq_block {
    struct evq_block *next;
    size_t used, cap;
    _Alignas(8) unsigned char data[];
};

/* An event as stored: no sequence number (the bus assigns it), no text
 * pointer (the text follows the record). */
struct rec {
    int64_t t;
    uint16_t kind;
    int16_t reason;
    int32_t task, cpu, other;
    int64_t value, value2;
    uint32_t len;  /* text bytes with the NUL; 0 when text is NULL */
    uint32_t size; /* whole record, padded */
};

int64_t evq_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Whether the kernel keeps time with the TSC, so that it runs at a
 * constant rate and agrees across CPUs. */
static int tsc_trusted(void)
{
    if (!HAVE_TSC) return 0;
    FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r");
    if (!f) return 0;
    char name[32] = "";
    int ok = fgets(name, sizeof name, f) && strcmp(name, "tsc\n") == 0;
    fclose(f);
    return ok;
}

static uint64_t tsc_read(void)
{
#if HAVE_TSC
    return __rdtsc();
#else
    return 0;
#endif
}

static void lock(struct evq *q)
{
    pthread_mutex_lock(&q->mu);
}

static void unlock(struct evq *q)
{
    pthread_mutex_unlock(&q->mu);
}

/* A (TSC, CLOCK_MONOTONIC) pair read together: retried while something
 * (an interrupt, a preemption) came between the two reads, so the pair
 * is off by at most PAIR_CYCLES / 2. Returns 0 if it never was. */
static int tsc_pair(uint64_t *tsc, int64_t *ns)
{
    for (int i = 0; i < 8; i++) {
        uint64_t a = tsc_read();
        *ns = evq_mono_ns();
        uint64_t b = tsc_read();
        if (b - a < PAIR_CYCLES) {
            *tsc = a + (b - a) / 2;
            return 0;
        }
    }
    return -1;
}

int evq_init(struct evq *q, int64_t t0, double scale, void (*notify)(void *ctx), void *ctx)
{
    memset(q, 0, sizeof *q);
    int rc = pthread_mutex_init(&q->mu, NULL);
    if (rc) return -rc;
    q->t0 = t0;
    q->inv_scale = scale > 0 ? 1.0 / scale : 1.0;
    q->notify = notify;
    q->notify_ctx = ctx;
    q->clk.tsc = tsc_trusted() && tsc_pair(&q->clk.base_tsc, &q->clk.base_ns) == 0;
    q->last = INT64_MIN;
    return 0;
}

static void free_chain(struct evq_block *b)
{
    while (b) {
        struct evq_block *next = b->next;
        free(b);
        b = next;
    }
}

void evq_done(struct evq *q)
{
    free_chain(q->head);
    free_chain(q->pool);
    q->head = q->tail = q->pool = NULL;
    pthread_mutex_destroy(&q->mu);
}

int64_t evq_now(const struct evq *q)
{
    return (int64_t)((double)(evq_mono_ns() - q->t0) * q->inv_scale);
}

/* CLOCK_MONOTONIC ns now, from the TSC when it can. Lock held. */
static int64_t clock_ns(struct evq *q)
{
    struct evq_clock *c = &q->clk;
    if (!c->tsc) return evq_mono_ns();
    uint64_t tsc = tsc_read();
    uint64_t since = tsc - c->anchor_tsc;
    if (c->mult && since < ANCHOR_CYCLES) return c->anchor_ns + (int64_t)((since * c->mult) >> 32);
    /* Re-anchor, and refine the rate over everything since init. */
    int64_t ns;
    if (tsc_pair(&tsc, &ns) != 0) {
        c->mult = 0; /* no good pair: the vDSO until there is one */
        return evq_mono_ns();
    }
    uint64_t cycles = tsc - c->base_tsc;
    if (ns - c->base_ns >= CALIBRATE_NS && cycles > 0) {
        double mult = (double)(ns - c->base_ns) / (double)cycles * 4294967296.0;
        c->mult = mult >= 1 && mult < 4294967296.0 * 16 ? (uint64_t)mult : 0;
    }
    c->anchor_tsc = tsc;
    c->anchor_ns = ns;
    return ns;
}

/* A block with room for size bytes at the tail. Lock held. */
static struct evq_block *room(struct evq *q, size_t size)
{
    struct evq_block *b = q->tail;
    if (b && b->cap - b->used >= size) return b;
    if (size <= BLOCK_DATA && q->pool) {
        b = q->pool;
        q->pool = b->next;
        q->npool--;
    } else {
        size_t cap = size > BLOCK_DATA ? size : BLOCK_DATA;
        b = xmalloc(sizeof *b + cap);
        b->cap = cap;
    }
    b->next = NULL;
    b->used = 0;
    if (q->tail)
        q->tail->next = b;
    else
        q->head = b;
    q->tail = b;
    return b;
}

void evq_push(struct evq *q, struct event *ev)
{
    size_t len = ev->text ? strlen(ev->text) + 1 : 0;
    size_t size = (sizeof(struct rec) + len + 7) & ~(size_t)7;
    lock(q);
    int64_t t = (int64_t)((double)(clock_ns(q) - q->t0) * q->inv_scale);
    if (t < q->last) t = q->last;
    q->last = t;
    ev->t = t;
    struct evq_block *b = room(q, size);
    struct rec *r = (struct rec *)(b->data + b->used);
    b->used += size;
    *r = (struct rec){t,         ev->kind,  ev->reason, ev->task,      ev->cpu,
                      ev->other, ev->value, ev->value2, (uint32_t)len, (uint32_t)size};
    if (len) memcpy(r + 1, ev->text, len);
    q->pushed++;
    int wake = !q->pending;
    q->pending = 1;
    unlock(q);
    if (wake && q->notify) q->notify(q->notify_ctx);
}

/* Walks a taken chain, then gives its ordinary blocks back to the pool. */
static size_t deliver(struct evq *q, struct evq_block *chain,
                      void (*fn)(void *ctx, struct event *ev), void *ctx)
{
    size_t n = 0;
    for (struct evq_block *b = chain; b; b = b->next) {
        for (size_t off = 0; off < b->used;) {
            const struct rec *r = (const struct rec *)(b->data + off);
            struct event ev = {
                0,      r->t,     r->kind,  r->reason, r->task,
                r->cpu, r->other, r->value, r->value2, r->len ? (const char *)(r + 1) : NULL};
            fn(ctx, &ev);
            off += r->size;
            n++;
        }
    }
    if (!chain) return 0;
    struct evq_block *keep = NULL, *drop = NULL;
    int nkeep = 0;
    while (chain) {
        struct evq_block *b = chain;
        chain = b->next;
        if (b->cap == BLOCK_DATA && nkeep < POOL_MAX) {
            b->next = keep;
            keep = b;
            nkeep++;
        } else {
            b->next = drop;
            drop = b;
        }
    }
    free_chain(drop);
    lock(q);
    while (keep && q->npool < POOL_MAX) {
        struct evq_block *b = keep;
        keep = b->next;
        b->next = q->pool;
        q->pool = b;
        q->npool++;
    }
    unlock(q);
    free_chain(keep);
    return n;
}

static size_t drain(struct evq *q, int hold, void (*fn)(void *ctx, struct event *ev), void *ctx)
{
    lock(q);
    struct evq_block *chain = q->head;
    q->head = q->tail = NULL;
    q->pending = hold;
    unlock(q);
    return deliver(q, chain, fn, ctx);
}

size_t evq_drain(struct evq *q, void (*fn)(void *ctx, struct event *ev), void *ctx)
{
    return drain(q, 0, fn, ctx);
}

size_t evq_drain_hold(struct evq *q, void (*fn)(void *ctx, struct event *ev), void *ctx)
{
    return drain(q, 1, fn, ctx);
}

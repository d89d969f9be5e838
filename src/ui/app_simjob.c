/*
 * app_simjob: an interactive session's simulation on a worker thread.
 *
 * The engine advances one instant of scene time at a time, and one instant
 * of a big run can be long (a 100,000-task run ends with 300,000 events at
 * one instant: ~0.3 s), longer than a key may wait. So the run goes on a
 * thread of its own: its sim emits onto the job's bus, whose sink keeps
 * the events in an array that does not move: SCENE_MAX_EVENTS (the
 * engine's limit) events of address space reserved at once (MAP_NORESERVE:
 * pages are made as they are written, on that thread). After each instant
 * the count is published under a mutex with the time up to which every
 * event is out, and app_work's collect makes the journal that array up to
 * the count: no copy, so the loop's thread never waits on a big instant.
 * (Where the reservation is refused, events go through a batch that the
 * collect copies.) Events still reach the model only through the journal,
 * in the engine's order and with its sequence numbers.
 *
 * A small scene (at most SMALL_TASKS tasks) is simulated on the loop's
 * thread first, for up to SMALL_EVENTS events: most scenes are then whole
 * before the first frame, exactly as before, and only a big run's rest
 * goes to the thread. The job keeps its own copy of the scene's struct
 * (`[` `]` change the app's) and its texts until it is released, after
 * the journal that points into them is gone. Stopping does not wait: the
 * thread sees the cancel after its instant and the reaper joins it.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/sim.h"
#include "core/xalloc.h"
#include "ui/app_internal.h"

#define SMALL_TASKS  1000
#define SMALL_EVENTS 20000

struct app_simjob {
    pthread_t th;
    int threaded;
    atomic_int cancel, done;
    struct scene sc;
    int strategy;
    struct bus bus;
    struct sim *sim;
    /* The reserved array (NULL if refused) and the events written to it. */
    struct event *map;
    size_t nmap, mapcap;
    /* The thread's: the events of the instant under way. */
    struct event *batch;
    size_t nbatch, capbatch;
    struct app_texts *texts; /* every event's text, until released */
    /* Published, under mu. */
    pthread_mutex_t mu;
    struct event *pub;
    size_t npub, cappub;
    size_t pub_nmap;
    int64_t pub_frontier, pub_now;
    int pub_finished;
    /* The loop thread's view, as of the last collect. */
    int64_t frontier, now;
    int finished;
    struct app_simjob *next; /* stopped, on a->simreap */
};

static void batch_sink(void *ctx, const struct event *ev)
{
    struct app_simjob *j = ctx;
    struct event *e;
    if (j->map) {
        if (j->nmap == j->mapcap) return; /* past the engine's limit: not kept */
        e = &j->map[j->nmap++];
    } else {
        j->batch = xgrow(j->batch, &j->capbatch, j->nbatch + 1, sizeof *j->batch);
        e = &j->batch[j->nbatch++];
    }
    *e = *ev;
    e->text = ev->text ? texts_dup(&j->texts, ev->text) : NULL;
}

static void publish(struct app_simjob *j)
{
    int64_t next = sim_next_time(j->sim);
    int fin = sim_finished(j->sim);
    pthread_mutex_lock(&j->mu);
    if (j->nbatch) {
        j->pub = xgrow(j->pub, &j->cappub, j->npub + j->nbatch, sizeof *j->pub);
        memcpy(j->pub + j->npub, j->batch, j->nbatch * sizeof *j->batch);
        j->npub += j->nbatch;
    }
    j->pub_nmap = j->nmap;
    j->pub_now = sim_now(j->sim);
    j->pub_frontier = fin ? INT64_MAX : next > 0 ? next - 1 : next < 0 ? j->pub_now : -1;
    j->pub_finished = fin;
    pthread_mutex_unlock(&j->mu);
    j->nbatch = 0;
}

/* One instant (or, with nothing pending, the end). */
static void advance(struct app_simjob *j)
{
    int64_t next = sim_next_time(j->sim);
    if (next < 0)
        sim_run(j->sim);
    else
        sim_advance(j->sim, next);
    publish(j);
}

static void *simjob_main(void *arg)
{
    struct app_simjob *j = arg;
    if (!j->sim) {
        j->sim = sim_new(&j->sc, j->strategy, &j->bus);
        publish(j);
    }
    while (!atomic_load(&j->cancel) && !sim_finished(j->sim))
        advance(j);
    sim_free(j->sim);
    j->sim = NULL;
    free(j->batch);
    j->batch = NULL;
    atomic_store(&j->done, 1);
    return NULL;
}

/* The engine asks this inside long instants too (bus_set_stop). */
static int simjob_cancelled(void *ctx)
{
    struct app_simjob *j = ctx;
    return atomic_load(&j->cancel);
}

void simjob_start(struct app *a)
{
    struct app_simjob *j = xcalloc(1, sizeof *j);
    j->sc = *a->sc;
    j->strategy = a->strategy;
    atomic_init(&j->cancel, 0);
    atomic_init(&j->done, 0);
    pthread_mutex_init(&j->mu, NULL);
    bus_init(&j->bus);
    bus_set_stop(&j->bus, simjob_cancelled, j);
    bus_attach(&j->bus, batch_sink, j);
    j->frontier = j->pub_frontier = -1; /* nothing out yet, not even time 0 */
    j->mapcap = (size_t)SCENE_MAX_EVENTS;
    void *m = mmap(NULL, j->mapcap * sizeof *j->map, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    j->map = m == MAP_FAILED ? NULL : m;
    if (!j->map) j->mapcap = 0;
    a->simjob = j;
    if (a->sc->nworkers <= SMALL_TASKS) {
        j->sim = sim_new(&j->sc, j->strategy, &j->bus);
        publish(j);
        while (!sim_finished(j->sim) && j->npub < SMALL_EVENTS)
            advance(j);
        simjob_collect(a);
        if (sim_finished(j->sim)) {
            sim_free(j->sim);
            j->sim = NULL;
            free(j->batch);
            j->batch = NULL;
            atomic_store(&j->done, 1);
            return;
        }
    }
    j->threaded = pthread_create(&j->th, NULL, simjob_main, j) == 0;
    if (!j->threaded) simjob_main(j); /* no thread: all of it now */
}

int simjob_collect(struct app *a)
{
    struct app_simjob *j = a->simjob;
    if (!j || j->finished) return 0;
    pthread_mutex_lock(&j->mu);
    struct event *ev = j->pub;
    size_t n = j->npub, nmap = j->pub_nmap;
    j->pub = NULL;
    j->npub = j->cappub = 0;
    j->frontier = j->pub_frontier;
    j->now = j->pub_now;
    j->finished = j->pub_finished;
    pthread_mutex_unlock(&j->mu);
    size_t before = a->nev;
    if (j->map) {
        a->ev = j->map; /* the journal is the job's array (see the top) */
        a->ev_mapped = 1;
        a->nev = a->capev = nmap;
    }
    if (n) { /* no reservation: the batches are copied */
        a->ev = xgrow(a->ev, &a->capev, a->nev + n, sizeof *a->ev);
        memcpy(a->ev + a->nev, ev, n * sizeof *ev);
        a->nev += n;
    }
    free(ev);
    if (j->finished) app_sim_ended(a);
    return a->nev > before || j->finished;
}
int simjob_finished(const struct app *a)
{
    return a->simjob && a->simjob->finished;
}

int64_t simjob_frontier(const struct app *a)
{
    return a->simjob ? a->simjob->frontier : -1;
}

int64_t simjob_now(const struct app *a)
{
    return a->simjob ? a->simjob->now : 0;
}

void simjob_wait(struct app *a)
{
    while (a->simjob && !simjob_finished(a)) {
        if (!simjob_collect(a)) {
            struct timespec ts = {0, 1000000};
            nanosleep(&ts, NULL);
        }
    }
}

/* The job's end, its thread joined: its array and texts freed (hundreds
 * of MB for a big run: app_later does it off the loop). */
static void simjob_free(void *arg)
{
    struct app_simjob *j = arg;
    if (j->map) munmap(j->map, j->mapcap * sizeof *j->map);
    if (j->sim) sim_free(j->sim);
    free(j->batch);
    free(j->pub);
    texts_free(&j->texts);
    pthread_mutex_destroy(&j->mu);
    free(j);
}

void simjob_stop(struct app *a)
{
    struct app_simjob *j = a->simjob;
    if (!j) return;
    a->simjob = NULL;
    atomic_store(&j->cancel, 1);
    j->next = a->simreap;
    a->simreap = j;
}

void simjob_reap(struct app *a, int wait)
{
    for (struct app_simjob **p = &a->simreap; *p;) {
        struct app_simjob *j = *p;
        if (wait || !j->threaded || atomic_load(&j->done)) {
            *p = j->next;
            if (j->threaded) pthread_join(j->th, NULL);
            app_later(a, simjob_free, j);
        } else {
            p = &j->next;
        }
    }
}

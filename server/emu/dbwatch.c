/* micetro-emu: the supervisor of the database (see dbwatch.h). */
#include "dbwatch.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "log.h"
#include "pgcluster.h"
#include "store.h"

#define WATCH_MS 500      /* the postmaster looked at this often */
#define PING_MS 5000      /* an external database checked this often */
#define BACKOFF_FIRST_S 1 /* then doubled after each failed attempt */

struct dbwatch {
    struct store *st;
    struct pgcluster *pc;
    volatile sig_atomic_t *stop;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* quit was set */
    int quit;          /* (mu) */
    atomic_int failed;
};

static double mono_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Waits ms or until told to quit; 1 when the thread must end. */
static int nap(struct dbwatch *w, long ms)
{
    struct timespec until;
    int quit;

    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&w->mu);
    while (!w->quit && !*w->stop &&
           pthread_cond_timedwait(&w->cv, &w->mu, &until) == 0)
        ;
    quit = w->quit || *w->stop;
    pthread_mutex_unlock(&w->mu);
    return quit;
}

/* The postmaster died: starts it again, with backoff.  0 when it runs
 * again (or the process is stopping), -1 when every attempt failed. */
static int restart(struct dbwatch *w, long dead)
{
    char msg[320];
    struct err e;
    double t0 = mono_s();
    long pid = 0, wait_s = BACKOFF_FIRST_S;
    int attempt;

    snprintf(msg, sizeof(msg), "embedded PostgreSQL (pid %ld) is gone", dead);
    log_msg("%s: restarting it", msg);
    store_health_note(w->st, STORE_DOWN, msg);
    for (attempt = 1; attempt <= DBWATCH_ATTEMPTS; attempt++) {
        store_health_note(w->st, STORE_RESTARTING, NULL);
        if (pgcluster_restart(w->pc, &pid, &e) == 0) {
            store_health_restarted(w->st);
            log_msg("embedded PostgreSQL restarted (pid %ld), %.1f s after "
                    "its death was seen (attempt %d)",
                    pid, mono_s() - t0, attempt);
            return 0;
        }
        store_health_note(w->st, STORE_DOWN, e.msg);
        if (attempt == DBWATCH_ATTEMPTS)
            break;
        log_msg("embedded PostgreSQL did not restart (attempt %d of %d): %s; "
                "next attempt in %ld s",
                attempt, DBWATCH_ATTEMPTS, e.msg, wait_s);
        if (nap(w, wait_s * 1000))
            return 0;
        wait_s *= 2;
    }
    log_msg("embedded PostgreSQL could not be restarted after %d attempts: "
            "%s; stopping, for a supervisor to start micetro-emu again",
            DBWATCH_ATTEMPTS, e.msg);
    store_health_note(w->st, STORE_FAILED, e.msg);
    return -1;
}

static void *watch(void *arg)
{
    struct dbwatch *w = arg;
    struct err e;
    long pid;
    int every = w->pc != NULL ? WATCH_MS : PING_MS;

    while (!nap(w, every)) {
        if (w->pc == NULL) {
            store_ping(w->st, &e); /* the store logs and keeps the health */
            continue;
        }
        if (pgcluster_alive(w->pc, &pid))
            continue;
        if (restart(w, pid) != 0) {
            atomic_store(&w->failed, 1);
            *w->stop = 1;
            break;
        }
    }
    return NULL;
}

struct dbwatch *dbwatch_start(struct store *st, struct pgcluster *pc,
                              volatile sig_atomic_t *stop, struct err *e)
{
    struct dbwatch *w = calloc(1, sizeof(*w));
    pthread_condattr_t ca;

    if (w == NULL) {
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    w->st = st;
    w->pc = pc;
    w->stop = stop;
    pthread_mutex_init(&w->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&w->thread, NULL, watch, w) != 0) {
        pthread_cond_destroy(&w->cv);
        pthread_mutex_destroy(&w->mu);
        free(w);
        err_set(e, ERR_SYS, "cannot start the database supervisor thread");
        return NULL;
    }
    return w;
}

int dbwatch_failed(const struct dbwatch *w)
{
    return w != NULL && atomic_load(&w->failed);
}

void dbwatch_stop(struct dbwatch *w)
{
    if (w == NULL)
        return;
    pthread_mutex_lock(&w->mu);
    w->quit = 1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    free(w);
}

/* micetro-emu: start-up (see startup.h). */
#include "startup.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store.h"
#include "store_migrate.h"

#define WAIT_SLICE_MS 100 /* how often a waiter looks at the stop flag */

struct startup {
    pthread_mutex_t mu;
    pthread_cond_t cv; /* CLOCK_MONOTONIC */
    const char *phase; /* (mu) NULL once over */
};

struct startup *startup_new(void)
{
    struct startup *s = calloc(1, sizeof(*s));
    pthread_condattr_t ca;

    if (s == NULL)
        return NULL;
    pthread_mutex_init(&s->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->cv, &ca);
    pthread_condattr_destroy(&ca);
    s->phase = STARTUP_WAITING;
    return s;
}

void startup_free(struct startup *s)
{
    if (s == NULL)
        return;
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

void startup_set(struct startup *s, const char *phase)
{
    pthread_mutex_lock(&s->mu);
    if (s->phase != NULL)
        s->phase = phase;
    pthread_mutex_unlock(&s->mu);
}

void startup_done(struct startup *s)
{
    pthread_mutex_lock(&s->mu);
    s->phase = NULL;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

const char *startup_phase(struct startup *s)
{
    const char *p;

    if (s == NULL)
        return NULL;
    pthread_mutex_lock(&s->mu);
    p = s->phase;
    pthread_mutex_unlock(&s->mu);
    return p;
}

static long long mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int startup_wait(struct startup *s, int ms, const volatile sig_atomic_t *stop,
                 struct err *e)
{
    long long end = mono_ms() + ms, now, until;
    struct timespec ts;
    const char *p;

    if (s == NULL)
        return 0;
    pthread_mutex_lock(&s->mu);
    while (s->phase != NULL && (now = mono_ms()) < end &&
           (stop == NULL || !*stop)) {
        until = now + WAIT_SLICE_MS < end ? now + WAIT_SLICE_MS : end;
        ts.tv_sec = (time_t)(until / 1000);
        ts.tv_nsec = (long)(until % 1000) * 1000000L;
        pthread_cond_timedwait(&s->cv, &s->mu, &ts);
    }
    p = s->phase;
    pthread_mutex_unlock(&s->mu);
    if (p == NULL)
        return 0;
    return err_set(e, ERR_DB, "database unavailable: %s", p);
}

const char *startup_template_dir(const struct config *cfg, char *buf,
                                 size_t len)
{
    const char *v = cfg->template_dir, *home;
    int n;

    if (v != NULL)
        return strcmp(v, "none") == 0 ? NULL : v;
    if (geteuid() == 0) /* the postgres user must reach it */
        return "/var/cache/micetro-emu";
    if ((v = getenv("XDG_CACHE_HOME")) != NULL && v[0] == '/')
        n = snprintf(buf, len, "%s/micetro-emu", v);
    else if ((home = getenv("HOME")) != NULL && home[0] == '/')
        n = snprintf(buf, len, "%s/.cache/micetro-emu", home);
    else
        return NULL;
    return n > 0 && (size_t)n < len ? buf : NULL;
}

const char *startup_template_key(char *buf, size_t len)
{
    /* the count, and a hash (FNV-1a, 32 bits) of every migration's name
     * and text: two builds whose migrations differ in any byte never
     * share a template, even with as many of them */
    uint32_t h = 2166136261u;

    for (int i = 0; i < store_migration_count; i++) {
        const char *parts[2] = {store_migrations[i].name,
                                store_migrations[i].sql};
        for (int k = 0; k < 2; k++)
            for (const unsigned char *p = (const unsigned char *)parts[k];
                 *p != '\0'; p++)
                h = (h ^ *p) * 16777619u;
        h = (h ^ 0xffu) * 16777619u; /* ends each migration */
    }
    snprintf(buf, len, "m%d-%08x", store_migration_count, (unsigned)h);
    return buf;
}

int startup_template_prepare(const char *conninfo, void *arg, struct err *e)
{
    struct store_opts so = {
        .conninfo = conninfo,
        .pool_size = 1,
        .acquire_timeout_ms = 5000,
        .connect_timeout_s = 10,
        .statement_timeout_ms = 0,
        .prepare = store_migrate,
    };
    struct store *st;

    (void)arg;
    st = store_open(&so, e);
    if (st == NULL)
        return e->code;
    store_close(st);
    return 0;
}

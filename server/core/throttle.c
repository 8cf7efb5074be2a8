/* micetro-emu core: failed attempts per key (see throttle.h). */
#include "throttle.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct entry {
    char key[THROTTLE_KEY_MAX];
    long long start;   /* the window's first failure */
    long long last;    /* the latest failure */
    long long until;   /* locked before this */
    long long lock_ms; /* the latest lockout's length; 0: none yet */
    int fails;         /* in the window */
    int used;
};

struct throttle {
    struct throttle_limits l;
    pthread_mutex_t mu;
    uint64_t *hash; /* of each entry's key, searched before the keys */
    struct entry *e;
    size_t used;
};

/* FNV-1a of the kept bytes of key, and the key as kept. */
static uint64_t hash_key(const char *key, char kept[THROTTLE_KEY_MAX])
{
    uint64_t h = 14695981039346656037ULL;
    size_t i;

    for (i = 0; i < THROTTLE_KEY_MAX - 1 && key[i]; i++) {
        kept[i] = key[i];
        h = (h ^ (unsigned char)key[i]) * 1099511628211ULL;
    }
    kept[i] = '\0';
    return h;
}

struct throttle *throttle_new(const struct throttle_limits *l)
{
    struct throttle *t = calloc(1, sizeof(*t));

    if (t == NULL)
        return NULL;
    t->l = *l;
    if (t->l.entries < 1)
        t->l.entries = 1;
    if (t->l.entries > THROTTLE_MAX_ENTRIES)
        t->l.entries = THROTTLE_MAX_ENTRIES;
    if (t->l.lockout_max_ms < t->l.lockout_ms)
        t->l.lockout_max_ms = t->l.lockout_ms;
    t->hash = calloc(t->l.entries, sizeof(*t->hash));
    t->e = calloc(t->l.entries, sizeof(*t->e));
    if (t->hash == NULL || t->e == NULL) {
        free(t->hash);
        free(t->e);
        free(t);
        return NULL;
    }
    pthread_mutex_init(&t->mu, NULL);
    return t;
}

void throttle_free(struct throttle *t)
{
    if (t == NULL)
        return;
    pthread_mutex_destroy(&t->mu);
    free(t->hash);
    free(t->e);
    free(t);
}

/* The entry of key, or NULL. */
static struct entry *find(struct throttle *t, uint64_t h, const char *kept)
{
    for (size_t i = 0; i < t->l.entries; i++)
        if (t->hash[i] == h && t->e[i].used && strcmp(t->e[i].key, kept) == 0)
            return &t->e[i];
    return NULL;
}

/* 1 when x holds nothing any more at now: not locked, its window over,
 * its last lockout more than a window ago (no doubling to keep). */
static int stale(const struct throttle *t, const struct entry *x, long long now)
{
    return now >= x->until &&
           (x->fails == 0 || now - x->start >= t->l.window_ms) &&
           (x->lock_ms == 0 || now - x->until >= t->l.window_ms);
}

/* The entry a new key takes at now (throttle.h says which). */
static size_t victim(const struct throttle *t, long long now)
{
    size_t best = 0, best_open = SIZE_MAX;

    for (size_t i = 0; i < t->l.entries; i++) {
        const struct entry *x = &t->e[i];

        if (!x->used || stale(t, x, now))
            return i;
        if (now >= x->until &&
            (best_open == SIZE_MAX || x->last < t->e[best_open].last))
            best_open = i;
        if (x->last < t->e[best].last)
            best = i;
    }
    return best_open != SIZE_MAX ? best_open : best;
}

long long throttle_locked(struct throttle *t, const char *key, long long now_ms)
{
    char kept[THROTTLE_KEY_MAX];
    uint64_t h = hash_key(key, kept);
    const struct entry *x;
    long long left = 0;

    pthread_mutex_lock(&t->mu);
    x = find(t, h, kept);
    if (x != NULL && now_ms < x->until)
        left = x->until - now_ms;
    pthread_mutex_unlock(&t->mu);
    return left;
}

long long throttle_fail(struct throttle *t, const char *key, long long now_ms)
{
    char kept[THROTTLE_KEY_MAX];
    uint64_t h;
    struct entry *x;
    long long lock = 0;
    size_t i;

    if (t->l.max_failures <= 0)
        return 0;
    h = hash_key(key, kept);
    pthread_mutex_lock(&t->mu);
    x = find(t, h, kept);
    if (x == NULL) {
        i = victim(t, now_ms);
        x = &t->e[i];
        if (!x->used)
            t->used++;
        memset(x, 0, sizeof(*x));
        memcpy(x->key, kept, sizeof(kept));
        x->used = 1;
        t->hash[i] = h;
    }
    if (now_ms < x->until)
        goto out; /* already locked: nothing was tried */
    if (x->fails == 0 || now_ms - x->start >= t->l.window_ms) {
        x->fails = 0;
        x->start = now_ms;
    }
    x->last = now_ms;
    if (++x->fails < t->l.max_failures)
        goto out;
    /* the limit: locked, twice as long as last time when that one ended
     * within a window */
    if (x->lock_ms > 0 && now_ms - x->until < t->l.window_ms)
        lock = x->lock_ms > t->l.lockout_max_ms / 2 ? t->l.lockout_max_ms
                                                    : x->lock_ms * 2;
    else
        lock = t->l.lockout_ms;
    x->lock_ms = lock;
    x->until = now_ms + lock;
    x->fails = 0;
out:
    pthread_mutex_unlock(&t->mu);
    return lock;
}

void throttle_forget(struct throttle *t, const char *key)
{
    char kept[THROTTLE_KEY_MAX];
    uint64_t h = hash_key(key, kept);
    struct entry *x;

    pthread_mutex_lock(&t->mu);
    x = find(t, h, kept);
    if (x != NULL) {
        memset(x, 0, sizeof(*x));
        t->used--;
    }
    pthread_mutex_unlock(&t->mu);
}

size_t throttle_count(struct throttle *t)
{
    size_t n;

    pthread_mutex_lock(&t->mu);
    n = t->used;
    pthread_mutex_unlock(&t->mu);
    return n;
}

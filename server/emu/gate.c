/* micetro-emu: how many calls of one key run at once (see gate.h). */
#include "gate.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Room for a key: a session id (20 characters) and more. */
#define GATE_KEY 64

struct gate_slot {
    char key[GATE_KEY];
    int in; /* calls of key in; 0: the slot is free */
};

struct gate {
    pthread_mutex_t mu;
    int nslots;
    struct gate_slot *slots;
};

struct gate *gate_new(int slots)
{
    struct gate *g;

    if (slots < 1)
        return NULL;
    g = calloc(1, sizeof(*g));
    if (g == NULL)
        return NULL;
    g->slots = calloc((size_t)slots, sizeof(*g->slots));
    if (g->slots == NULL) {
        free(g);
        return NULL;
    }
    g->nslots = slots;
    pthread_mutex_init(&g->mu, NULL);
    return g;
}

void gate_free(struct gate *g)
{
    if (g == NULL)
        return;
    pthread_mutex_destroy(&g->mu);
    free(g->slots);
    free(g);
}

/* The slot of key, or NULL; under g->mu. */
static struct gate_slot *find(struct gate *g, const char *key)
{
    for (int i = 0; i < g->nslots; i++) {
        if (g->slots[i].in > 0 && strcmp(g->slots[i].key, key) == 0)
            return &g->slots[i];
    }
    return NULL;
}

int gate_enter(struct gate *g, const char *key, int max)
{
    struct gate_slot *s;
    int ok = 0;

    if (strlen(key) >= GATE_KEY)
        return 0;
    pthread_mutex_lock(&g->mu);
    s = find(g, key);
    if (s == NULL) {
        for (int i = 0; i < g->nslots && s == NULL; i++) {
            if (g->slots[i].in == 0) {
                s = &g->slots[i];
                strcpy(s->key, key); /* fits: checked above */
            }
        }
    }
    if (s != NULL && s->in < max) {
        s->in++;
        ok = 1;
    }
    pthread_mutex_unlock(&g->mu);
    return ok;
}

void gate_leave(struct gate *g, const char *key)
{
    struct gate_slot *s;

    pthread_mutex_lock(&g->mu);
    s = find(g, key);
    if (s != NULL)
        s->in--;
    pthread_mutex_unlock(&g->mu);
}

/*
 * keep.c - figures kept under their key, in a ring of KEEP_SLOTS slots
 * under one lock: a lookup is a few dozen string compares, far below the
 * cost of the counts it saves.
 */
#include "keep.h"

#include <string.h>

bool
keep_get(struct keep *k, const char *key, int64_t *v, size_t n)
{
    bool hit = false;
    if (key[0] == '\0' || n > KEEP_VALUES)
        return false;
    pthread_mutex_lock(&k->lock);
    for (size_t i = 0; i < KEEP_SLOTS && !hit; i++)
        if (strcmp(k->slot[i].key, key) == 0) {
            memcpy(v, k->slot[i].v, n * sizeof(*v));
            hit = true;
        }
    pthread_mutex_unlock(&k->lock);
    return hit;
}

void
keep_put(struct keep *k, const char *key, const int64_t *v, size_t n)
{
    size_t len = strlen(key);
    if (len == 0 || len >= KEEP_KEY || n > KEEP_VALUES)
        return;
    pthread_mutex_lock(&k->lock);
    unsigned i = k->next++ % KEEP_SLOTS;
    memcpy(k->slot[i].key, key, len + 1);
    memset(k->slot[i].v, 0, sizeof(k->slot[i].v));
    memcpy(k->slot[i].v, v, n * sizeof(*v));
    pthread_mutex_unlock(&k->lock);
}

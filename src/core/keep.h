/*
 * keep.h - a few figures kept under the key they were counted for.
 *
 * Some figures cost tens of milliseconds to count (a distinct count over
 * every check-in of the county, the members who meet their study-hours
 * target) and the same page asks for them again and again. The caller
 * puts into the key everything the figures depend on, the versions that
 * triggers move on with every write included (migrations 16 and 21), so
 * a kept figure is never served once its data changed: the key it was
 * kept under is simply never asked for again, and ages out of the ring.
 */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KEEP_SLOTS 128
#define KEEP_KEY 160
#define KEEP_VALUES 16

struct keep {
    pthread_mutex_t lock;
    unsigned next;
    struct {
        char key[KEEP_KEY];
        int64_t v[KEEP_VALUES];
    } slot[KEEP_SLOTS];
};

#define KEEP_INIT {.lock = PTHREAD_MUTEX_INITIALIZER}

/* Copies the n (<= KEEP_VALUES) figures kept under key into v: true, or
 * false when none are. */
bool keep_get(struct keep *k, const char *key, int64_t *v, size_t n);
/* Keeps n figures under key, in place of the oldest slot. A key of
 * KEEP_KEY bytes or more, or an empty one, is not kept. */
void keep_put(struct keep *k, const char *key, const int64_t *v, size_t n);

/*
 * arena.c - see arena.h. Blocks are malloc'd; a request larger than a
 * block gets a block of its own.
 */
#include "arena.h"

#include "util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena_block {
    struct arena_block *next;
    size_t size; /* usable bytes in data */
    size_t used;
    max_align_t data[];
};

struct arena_defer {
    struct arena_defer *next;
    arena_cleanup_fn fn;
    void *p;
};

void
arena_init(struct arena *a, size_t block_size)
{
    a->head = NULL;
    a->defers = NULL;
    a->block_size = block_size ? block_size : 8192;
}

static void
run_defers(struct arena *a)
{
    /* Cleanups may themselves not allocate from the arena. */
    struct arena_defer *d = a->defers;
    a->defers = NULL;
    for (; d != NULL; d = d->next)
        d->fn(d->p);
}

void
arena_reset(struct arena *a)
{
    run_defers(a);
    struct arena_block *b = a->head;
    if (b == NULL)
        return;
    /* Keep the oldest normal-sized block: it is the last in the list. */
    struct arena_block *keep = NULL;
    while (b != NULL) {
        struct arena_block *next = b->next;
        if (next == NULL && b->size == a->block_size) {
            keep = b;
        } else {
            free(b);
        }
        b = next;
    }
    if (keep != NULL) {
        keep->used = 0;
        keep->next = NULL;
    }
    a->head = keep;
}

void
arena_cleanup(struct arena *a)
{
    run_defers(a);
    struct arena_block *b = a->head;
    while (b != NULL) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}

void *
arena_alloc(struct arena *a, size_t n)
{
    const size_t align = _Alignof(max_align_t);
    n = (n + align - 1) & ~(align - 1);
    if (n == 0)
        n = align;
    struct arena_block *b = a->head;
    if (b == NULL || b->size - b->used < n) {
        size_t size = n > a->block_size ? n : a->block_size;
        struct arena_block *nb = xmalloc(sizeof(*nb) + size);
        nb->size = size;
        nb->used = 0;
        if (size > a->block_size && b != NULL) {
            /* A big one-off: slot it behind the head so the head's free
             * space stays usable. */
            nb->next = b->next;
            b->next = nb;
            nb->used = n;
            return (char *)nb->data;
        }
        nb->next = b;
        a->head = nb;
        b = nb;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

void *
arena_zalloc(struct arena *a, size_t n)
{
    void *p = arena_alloc(a, n);
    memset(p, 0, n);
    return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *
arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) { /* a format error: an empty string, terminated */
        char *p = arena_alloc(a, 1);
        p[0] = '\0';
        return p;
    }
    char *p = arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

void
arena_defer(struct arena *a, arena_cleanup_fn fn, void *p)
{
    struct arena_defer *d = arena_alloc(a, sizeof(*d));
    d->fn = fn;
    d->p = p;
    d->next = a->defers;
    a->defers = d;
}

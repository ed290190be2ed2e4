/*
 * arena.h - a bump allocator whose lifetime is one unit of work (a request,
 * a command). Everything allocated from it goes away at once with
 * arena_reset() or arena_free(); other resources (statements, results) are
 * registered with arena_defer() and released at the same moment.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

struct arena_block;
struct arena_defer;

struct arena {
    struct arena_block *head;    /* current block, newest first */
    struct arena_defer *defers;  /* cleanups, run newest first */
    size_t block_size;           /* size of a normal block */
};

typedef void (*arena_cleanup_fn)(void *p);

/* Initialises caller-owned storage; nothing is allocated until first use. */
void arena_init(struct arena *a, size_t block_size);
/* Runs the deferred cleanups and frees every block but the first, which is
 * kept for reuse. */
void arena_reset(struct arena *a);
/* Runs the cleanups and frees all memory; a may be reused after init. */
void arena_cleanup(struct arena *a);

/* Returns n bytes aligned for any type; never NULL (aborts on OOM). */
void *arena_alloc(struct arena *a, size_t n);
void *arena_zalloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

/* Registers fn(p) to run at reset/cleanup. */
void arena_defer(struct arena *a, arena_cleanup_fn fn, void *p);

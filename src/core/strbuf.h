/*
 * strbuf.h - a growable output buffer. It lives in heap memory it owns
 * (freed with strbuf_cleanup) and keeps a sticky error: once an append
 * overflows the configured maximum, later appends are no-ops and
 * strbuf_failed() tells the caller once, at the end.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
    char *p;      /* NUL-terminated contents (NULL until first append) */
    size_t len;   /* bytes used, excluding the NUL */
    size_t cap;   /* bytes allocated */
    size_t max;   /* hard limit; 0 = 64 MiB */
    bool failed;  /* sticky: an append did not fit */
};

void strbuf_init(struct strbuf *sb, size_t max);
void strbuf_cleanup(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
/* The slow path of the appends below: grows the buffer first. */
void strbuf_append_grow(struct strbuf *sb, const char *s, size_t n);
void strbuf_puts(struct strbuf *sb, const char *s);

/* Inline: JSON and HTML writers append many short pieces, and the call
 * and the growth check cost more than the copy. */
static inline void
strbuf_append(struct strbuf *sb, const char *s, size_t n)
{
    if (sb->cap > sb->len + n && sb->len + n <= sb->max && !sb->failed) {
        __builtin_memcpy(sb->p + sb->len, s, n);
        sb->len += n;
        sb->p[sb->len] = '\0';
    } else {
        strbuf_append_grow(sb, s, n);
    }
}

static inline void
strbuf_putc(struct strbuf *sb, char c)
{
    strbuf_append(sb, &c, 1);
}
void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Hands the contents to the caller, always a NUL-terminated string ("" when
 * nothing was appended; free with free()), and resets sb. */
char *strbuf_take(struct strbuf *sb, size_t *len);
static inline bool
strbuf_failed(const struct strbuf *sb)
{
    return sb->failed;
}
/* The contents, "" when empty; valid until the next append. */
const char *strbuf_str(const struct strbuf *sb);

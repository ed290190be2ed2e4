/*
 * strbuf.c - see strbuf.h.
 */
#include "strbuf.h"

#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STRBUF_DEFAULT_MAX ((size_t)64 << 20)

void
strbuf_init(struct strbuf *sb, size_t max)
{
    sb->p = NULL;
    sb->len = 0;
    sb->cap = 0;
    sb->max = max ? max : STRBUF_DEFAULT_MAX;
    sb->failed = false;
}

void
strbuf_cleanup(struct strbuf *sb)
{
    free(sb->p);
    strbuf_init(sb, sb->max);
}

void
strbuf_reset(struct strbuf *sb)
{
    sb->len = 0;
    sb->failed = false;
    if (sb->p)
        sb->p[0] = '\0';
}

static bool
grow(struct strbuf *sb, size_t extra)
{
    if (sb->failed)
        return false;
    if (extra > sb->max || sb->len > sb->max - extra) {
        sb->failed = true;
        return false;
    }
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap)
        return true;
    size_t cap = sb->cap ? sb->cap : 256;
    while (cap < need)
        cap *= 2;
    sb->p = xrealloc(sb->p, cap);
    sb->cap = cap;
    return true;
}

void
strbuf_append_grow(struct strbuf *sb, const char *s, size_t n)
{
    if (!grow(sb, n))
        return;
    memcpy(sb->p + sb->len, s, n);
    sb->len += n;
    sb->p[sb->len] = '\0';
}

void
strbuf_puts(struct strbuf *sb, const char *s)
{
    strbuf_append(sb, s, strlen(s));
}

void
strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0) {
        sb->failed = true;
        return;
    }
    if ((size_t)n < sizeof(tmp)) {
        strbuf_append(sb, tmp, (size_t)n);
        return;
    }
    if (!grow(sb, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(sb->p + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
}

char *
strbuf_take(struct strbuf *sb, size_t *len)
{
    if (sb->p == NULL && grow(sb, 0))
        sb->p[0] = '\0'; /* nothing was appended: still a string */
    char *p = sb->p;
    if (len)
        *len = sb->len;
    sb->p = NULL;
    sb->len = sb->cap = 0;
    return p;
}

const char *
strbuf_str(const struct strbuf *sb)
{
    return sb->p ? sb->p : "";
}

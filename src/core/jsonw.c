/*
 * jsonw.c - see jsonw.h.
 */
#include "jsonw.h"

#include <stdio.h>
#include <string.h>

void
jw_init(struct jw *w, struct strbuf *sb)
{
    memset(w, 0, sizeof(*w));
    w->sb = sb;
    w->first[0] = true;
}

/* Before a value or a key: the comma that separates it from the last. */
static void
sep(struct jw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (!w->first[w->depth])
        strbuf_putc(w->sb, ',');
    w->first[w->depth] = false;
}

static void
open(struct jw *w, char o, char c)
{
    sep(w);
    strbuf_putc(w->sb, o);
    if (w->depth == JW_MAX_DEPTH) {
        w->sb->failed = true; /* a programming error: too deep */
        return;
    }
    w->depth++;
    w->first[w->depth] = true;
    w->close[w->depth] = c;
}

void
jw_obj(struct jw *w)
{
    open(w, '{', '}');
}

void
jw_arr(struct jw *w)
{
    open(w, '[', ']');
}

void
jw_end(struct jw *w)
{
    if (w->depth == 0) {
        w->sb->failed = true;
        return;
    }
    strbuf_putc(w->sb, w->close[w->depth]);
    w->depth--;
}

/* Length of the well-formed UTF-8 sequence at s (2..4), or 0. */
static size_t
utf8_seq(const unsigned char *s)
{
    unsigned char c = s[0];
    if (c >= 0xC2 && c <= 0xDF)
        return (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;
        unsigned char hi = c == 0xED ? 0x9F : 0xBF; /* no surrogates */
        return s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        unsigned char lo = c == 0xF0 ? 0x90 : 0x80;
        unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;
        return s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 &&
                       (s[3] & 0xC0) == 0x80
                   ? 4
                   : 0;
    }
    return 0;
}

void
jw_escape(struct strbuf *sb, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    for (;;) {
        /* A run of bytes that need no escaping (printable ASCII and
         * well-formed UTF-8) is copied at once. */
        const unsigned char *run = s;
        for (;;) {
            if (*s >= 0x20 && *s < 0x80 && *s != '"' && *s != '\\') {
                s++;
            } else if (*s >= 0x80) {
                size_t n = utf8_seq(s);
                if (n == 0)
                    break;
                s += n;
            } else {
                break;
            }
        }
        if (s > run)
            strbuf_append(sb, (const char *)run, (size_t)(s - run));
        unsigned char c = *s++;
        switch (c) {
        case 0: return;
        case '"': strbuf_append(sb, "\\\"", 2); break;
        case '\\': strbuf_append(sb, "\\\\", 2); break;
        case '\n': strbuf_append(sb, "\\n", 2); break;
        case '\r': strbuf_append(sb, "\\r", 2); break;
        case '\t': strbuf_append(sb, "\\t", 2); break;
        default:
            if (c >= 0x80) {
                strbuf_append(sb, "\xEF\xBF\xBD", 3); /* U+FFFD */
            } else {
                char u[8];
                snprintf(u, sizeof(u), "\\u%04x", c);
                strbuf_append(sb, u, 6);
            }
        }
    }
}

void
jw_key(struct jw *w, const char *key)
{
    sep(w);
    strbuf_putc(w->sb, '"');
    strbuf_append(w->sb, key, strlen(key)); /* a literal: nothing to escape */
    strbuf_append(w->sb, "\":", 2);
    w->after_key = true;
}

void
jw_str(struct jw *w, const char *s)
{
    if (s == NULL) {
        jw_null(w);
        return;
    }
    sep(w);
    strbuf_putc(w->sb, '"');
    jw_escape(w->sb, s);
    strbuf_putc(w->sb, '"');
}

void
jw_int(struct jw *w, int64_t v)
{
    sep(w);
    char b[24];
    char *e = b + sizeof(b), *p = e;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    strbuf_append(w->sb, p, (size_t)(e - p));
}

void
jw_halves(struct jw *w, int64_t halves)
{
    jw_int(w, halves / 2);
    if (halves % 2)
        strbuf_puts(w->sb, ".5");
}

void
jw_kstr(struct jw *w, const char *key, const char *s)
{
    jw_key(w, key);
    jw_str(w, s);
}

void
jw_kint(struct jw *w, const char *key, int64_t v)
{
    jw_key(w, key);
    jw_int(w, v);
}

void
jw_kbool(struct jw *w, const char *key, bool v)
{
    jw_key(w, key);
    jw_bool(w, v);
}

void
jw_kreal(struct jw *w, const char *key, bool has, double v)
{
    jw_key(w, key);
    if (has)
        jw_real(w, v);
    else
        jw_null(w);
}

void
jw_kid(struct jw *w, const char *key, int64_t id)
{
    jw_key(w, key);
    if (id)
        jw_int(w, id);
    else
        jw_null(w);
}

void
jw_real(struct jw *w, double v)
{
    sep(w);
    char b[32];
    int n = snprintf(b, sizeof(b), "%.10g", v);
    strbuf_append(w->sb, b, (size_t)n);
    if (strpbrk(b, ".eE") == NULL)
        strbuf_append(w->sb, ".0", 2);
}

void
jw_bool(struct jw *w, bool v)
{
    sep(w);
    if (v)
        strbuf_append(w->sb, "true", 4);
    else
        strbuf_append(w->sb, "false", 5);
}

void
jw_null(struct jw *w)
{
    sep(w);
    strbuf_append(w->sb, "null", 4);
}

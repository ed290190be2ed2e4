/*
 * util.c - see util.h.
 */
#include "util.h"

#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void
oom(size_t n)
{
    fprintf(stderr, "dangxiao: out of memory allocating %zu bytes\n", n);
    abort();
}

void *
xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        oom(n);
    return p;
}

void *
xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (p == NULL)
        oom(n * size);
    return p;
}

void *
xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL)
        oom(n);
    return q;
}

char *
xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = xmalloc(n);
    memcpy(p, s, n);
    return p;
}

int
str_copy(char *dst, size_t dstsize, const char *src)
{
    size_t n = strlen(src);
    if (dstsize == 0)
        return ERR_RANGE;
    if (n >= dstsize) {
        memcpy(dst, src, dstsize - 1);
        dst[dstsize - 1] = '\0';
        return ERR_RANGE;
    }
    memcpy(dst, src, n + 1);
    return 0;
}

int
str_fmt(char *dst, size_t dstsize, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(dst, dstsize, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= dstsize)
        return ERR_RANGE;
    return 0;
}

int64_t
now_unix(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec;
}

int64_t
now_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void
time_iso(int64_t t, char out[21])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static bool
is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
date_parse(const char *s, int64_t *out)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30,
                                31, 31, 30, 31, 30, 31};
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return ERR_INVAL;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return ERR_INVAL;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    if (y < 1800 || m < 1 || m > 12 || d < 1)
        return ERR_INVAL;
    int md = mdays[m - 1] + (m == 2 && is_leap(y));
    if (d > md)
        return ERR_INVAL;
    /* Days from civil (Howard Hinnant's algorithm), no timegm needed. */
    int yy = y - (m <= 2);
    int era = (yy >= 0 ? yy : yy - 399) / 400;
    int yoe = yy - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = (int64_t)era * 146097 + doe - 719468;
    *out = days * 86400;
    return 0;
}

void
hex_encode(const unsigned char *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

bool
str_blank(const char *s)
{
    while (*s) {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            s++;
        else if (strncmp(s, "\xe3\x80\x80", 3) == 0)
            s += 3;
        else
            return false;
    }
    return true;
}

/* Decodes one UTF-8 sequence at p: its length (cp set), or 0 when it is
 * not valid UTF-8. */
static int
utf8_next(const unsigned char *p, unsigned *cp)
{
    int len;
    if (*p < 0x80) {
        *cp = *p;
        return 1;
    } else if ((*p & 0xE0) == 0xC0) {
        len = 2;
        *cp = *p & 0x1F;
    } else if ((*p & 0xF0) == 0xE0) {
        len = 3;
        *cp = *p & 0x0F;
    } else if ((*p & 0xF8) == 0xF0) {
        len = 4;
        *cp = *p & 0x07;
    } else {
        return 0;
    }
    for (int i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (p[i] & 0x3F);
    }
    if ((len == 2 && *cp < 0x80) || (len == 3 && *cp < 0x800) ||
        (len == 4 && *cp < 0x10000) || *cp > 0x10FFFF ||
        (*cp >= 0xD800 && *cp <= 0xDFFF))
        return 0;
    return len;
}

long
text_check(const char *s, enum text_kind kind)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned cp;
        int len = utf8_next(p, &cp);
        if (len == 0)
            return -1;
        p += (size_t)len;
        if (cp >= 0x20 && cp < 0x7F)
            continue;
        if ((cp == '\t' || cp == '\n') && kind == TEXT_LINES)
            continue;
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 ||
            cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) ||
            (cp >= 0x2066 && cp <= 0x2069))
            return (long)cp;
    }
    return 0;
}

void
utf8_scrub(char *s)
{
    unsigned char *p = (unsigned char *)s;
    while (*p) {
        unsigned cp;
        int len = utf8_next(p, &cp);
        if (len == 0)
            *p++ = '?';
        else
            p += (size_t)len;
    }
}

size_t
text_lf(char *s, size_t len)
{
    char *w = s;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '\r') {
            *w++ = s[i];
            continue;
        }
        *w++ = '\n';
        if (i + 1 < len && s[i + 1] == '\n')
            i++;
    }
    *w = '\0';
    return (size_t)(w - s);
}

long
utf8_chars(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    long n = 0;
    while (*p) {
        unsigned cp;
        int len = utf8_next(p, &cp);
        if (len == 0)
            return -1; /* also overlong forms, surrogates, past U+10FFFF */
        p += (size_t)len;
        n++;
    }
    return n;
}

int
parse_i64(const char *s, int64_t *out)
{
    if (s == NULL || *s == '\0')
        return ERR_INVAL;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0' || end == s)
        return ERR_INVAL;
    *out = v;
    return 0;
}

bool
str_is_digits(const char *s, size_t n)
{
    if (strlen(s) != n)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

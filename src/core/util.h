/*
 * util.h - small helpers every layer uses: allocation that never returns
 * NULL, bounded string copies, clocks, hex and UTF-8 counting.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Allocation: on failure these print a message and abort(); callers never
 * test for NULL (STYLE 14). Free with free(). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* Copies src into dst (size dstsize), always NUL-terminating. Returns 0, or
 * ERR_RANGE when src did not fit (dst then holds a truncated copy). */
int str_copy(char *dst, size_t dstsize, const char *src);

/* snprintf that reports truncation: 0 on success, ERR_RANGE if cut. */
int str_fmt(char *dst, size_t dstsize, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Wall clock, seconds since the epoch (UTC). */
int64_t now_unix(void);
/* Monotonic clock in nanoseconds, for durations. */
int64_t now_mono_ns(void);

/* Writes t as "YYYY-MM-DDTHH:MM:SSZ" into out (at least 21 bytes). */
void time_iso(int64_t t, char out[21]);
/* Parses "YYYY-MM-DD" as midnight UTC; 0 on success, ERR_INVAL otherwise.
 * The date must exist in the calendar. */
int date_parse(const char *s, int64_t *out);

/* Lower-case hex of n bytes into out (2n+1 bytes). */
void hex_encode(const unsigned char *in, size_t n, char *out);

/* Number of UTF-8 code points in s, or -1 when s is not valid UTF-8. */
long utf8_chars(const char *s);
/* Whether s holds only spaces (ASCII or the ideographic U+3000), or
 * nothing: text a form may not be left with. */
bool str_blank(const char *s);

/* What a text field may hold. No text holds a C0 control but tab and
 * line feed, DEL, a C1 control (U+0080-U+009F, read as escapes by
 * terminals), the line and paragraph separators U+2028/U+2029 (line
 * breaks in JavaScript and in log viewers) or a bidirectional embedding,
 * override or isolate (U+202A-U+202E, U+2066-U+2069: they reorder how a
 * name or a log line reads). A one-line field (a name, a title, a reason)
 * holds no tab or line feed either; a multi-line one (notes, intros,
 * minutes, free-text answers) may. Carriage returns are never kept: the
 * body readers turn CR LF and a lone CR into LF first (text_lf). */
enum text_kind {
    TEXT_LINE,   /* one line */
    TEXT_LINES,  /* tab and line feed allowed */
};
/* 0 when s may be a field of that kind (it is UTF-8, then); else what
 * comes first: a code point it may not hold (> 0), or -1 for bytes that
 * are not UTF-8. */
long text_check(const char *s, enum text_kind kind);
/* Replaces each byte of s that is not part of valid UTF-8 with '?', in
 * place: text that quotes a client's bytes (a parser's message, a path)
 * can then go into JSON, which takes only UTF-8. */
void utf8_scrub(char *s);
/* Turns CR LF and a lone CR into LF, in place; returns the new length. */
size_t text_lf(char *s, size_t len);

/* Parses a base-10 int64 occupying the whole string; 0 or ERR_INVAL. */
int parse_i64(const char *s, int64_t *out);

/* Whether s is exactly n ASCII digits (a division code, for instance). */
bool str_is_digits(const char *s, size_t n);

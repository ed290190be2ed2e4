/*
 * log.h - diagnostics to stderr, one line per event, with a UTC timestamp
 * and a level. Access log lines go to their own sink (log_access).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_msg(enum log_level lvl, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

/* Opens the access log: "-" is stderr, "off" disables it, anything else is
 * a file opened for appending. 0 or ERR_IO. */
int log_access_open(const char *where);
void log_access_close(void);
/* Whether an access log is open (so callers can skip formatting). */
bool log_access_enabled(void);
/* Writes one already formatted line (no newline needed), escaped. */
void log_access(const char *line, int len);

/* Copies n bytes of in to out (cap bytes, always NUL-terminated) so that
 * the copy is one printable line: backslash, tab, CR and LF become \\,
 * \t, \r and \n; other control characters (C0, DEL, the UTF-8 encoded
 * C1 range as \u0080..\u009f) and bytes that are not well-formed UTF-8
 * become \xHH; other UTF-8 text is kept. Stops before a piece that would
 * not fit. Returns the length written. Every log line passes here. */
size_t log_escape(char *out, size_t cap, const char *in, size_t n);

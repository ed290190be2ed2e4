/*
 * log.c - see log.h. stdio's own locking keeps lines whole across the
 * worker threads.
 */
#include "log.h"

#include "err.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static FILE *access_fp;
static int access_owned;

void
log_msg(enum log_level lvl, const char *fmt, ...)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    char ts[21];
    time_iso(now_unix(), ts);
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s %s %s\n", ts, names[lvl], line);
}

int
log_access_open(const char *where)
{
    log_access_close();
    if (where == NULL || strcmp(where, "off") == 0)
        return 0;
    if (strcmp(where, "-") == 0) {
        access_fp = stderr;
        return 0;
    }
    access_fp = fopen(where, "a");
    if (access_fp == NULL)
        return ERR_IO;
    access_owned = 1;
    return 0;
}

void
log_access_close(void)
{
    if (access_fp && access_owned)
        fclose(access_fp);
    access_fp = NULL;
    access_owned = 0;
}

bool
log_access_enabled(void)
{
    return access_fp != NULL;
}

void
log_access(const char *line, int len)
{
    if (access_fp == NULL)
        return;
    flockfile(access_fp);
    fwrite(line, 1, (size_t)len, access_fp);
    putc_unlocked('\n', access_fp);
    funlockfile(access_fp);
}

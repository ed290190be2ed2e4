/*
 * log.c - see log.h. stdio's own locking keeps lines whole across the
 * worker threads. Every line passes log_escape on its way out, so text a
 * client chose (a path with %0a in it, a username) cannot start a line of
 * its own or send a terminal control sequence.
 */
#include "log.h"

#include "err.h"
#include "util.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static FILE *access_fp;
static int access_owned;

/* The length of the well-formed UTF-8 sequence at s (n bytes left), or 0:
 * no overlong forms, no surrogates, nothing above U+10FFFF. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
    size_t len;
    unsigned min;
    unsigned cp;
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        len = 2, min = 0x80, cp = s[0] & 0x1f;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        len = 3, min = 0x800, cp = s[0] & 0x0f;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        len = 4, min = 0x10000, cp = s[0] & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

/* A byte that stands for itself in a log line. */
static bool
plain(unsigned char c)
{
    return c >= 0x20 && c < 0x7f && c != '\\';
}

size_t
log_escape(char *out, size_t cap, const char *in, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)in;
    size_t o = 0;
    if (cap == 0)
        return 0;
    for (size_t i = 0; i < n;) {
        char esc[8];
        const char *piece = esc;
        size_t step, pl;
        unsigned char c = s[i];
        if (plain(c)) {
            /* a run of printable ASCII, cut anywhere if it must be */
            for (step = 1; i + step < n && plain(s[i + step]); step++)
                ;
            if (step > cap - 1 - o)
                step = cap - 1 - o;
            piece = in + i;
            pl = step;
        } else if (c >= 0x80 && (step = utf8_seq(s + i, n - i)) != 0) {
            if (step == 2 && c == 0xc2 && s[i + 1] < 0xa0) {
                /* U+0080..U+009F: C1 controls, which terminals obey */
                memcpy(esc, "\\u00", 4);
                esc[4] = hex[s[i + 1] >> 4];
                esc[5] = hex[s[i + 1] & 15];
                pl = 6;
            } else {
                piece = in + i;
                pl = step;
            }
        } else {
            step = 1;
            esc[0] = '\\';
            pl = 2;
            if (c == '\\' || c == '\n' || c == '\r' || c == '\t') {
                esc[1] = c == '\\' ? '\\' : c == '\n' ? 'n' : c == '\r' ? 'r'
                                                                        : 't';
            } else {
                /* another control character, or a byte not UTF-8 */
                esc[1] = 'x';
                esc[2] = hex[c >> 4];
                esc[3] = hex[c & 15];
                pl = 4;
            }
        }
        if (pl == 0 || o + pl >= cap)
            break; /* never half an escape or half a character */
        memcpy(out + o, piece, pl);
        o += pl;
        i += step;
    }
    out[o] = '\0';
    return o;
}

void
log_msg(enum log_level lvl, const char *fmt, ...)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    char ts[21];
    time_iso(now_unix(), ts);
    char line[1024], esc[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof(line))
        n = (int)sizeof(line) - 1;
    log_escape(esc, sizeof(esc), line, (size_t)n);
    fprintf(stderr, "%s %s %s\n", ts, names[lvl], esc);
}

/* A file sink is written in blocks and flushed once a second by its own
 * thread: a write per request cost a third of the throughput under load,
 * and a line still reaches the file (tail -f) within a second. A crash
 * loses at most the last second. */
static struct {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool running, stop;
} flusher = {.lock = PTHREAD_MUTEX_INITIALIZER,
             .wake = PTHREAD_COND_INITIALIZER};

static void *
flush_loop(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&flusher.lock);
    while (!flusher.stop) {
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        t.tv_sec += 1;
        pthread_cond_timedwait(&flusher.wake, &flusher.lock, &t);
        fflush(access_fp); /* takes the stream's own lock */
    }
    pthread_mutex_unlock(&flusher.lock);
    return NULL;
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
    setvbuf(access_fp, NULL, _IOFBF, 64 * 1024);
    flusher.stop = false;
    flusher.running =
        pthread_create(&flusher.thread, NULL, flush_loop, NULL) == 0;
    if (!flusher.running) /* no thread: a line is written as it ends */
        setvbuf(access_fp, NULL, _IOLBF, 0);
    return 0;
}

void
log_access_close(void)
{
    if (flusher.running) {
        pthread_mutex_lock(&flusher.lock);
        flusher.stop = true;
        pthread_cond_signal(&flusher.wake);
        pthread_mutex_unlock(&flusher.lock);
        pthread_join(flusher.thread, NULL);
        flusher.running = false;
    }
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
    if (access_fp == NULL || len < 0)
        return;
    char esc[4096];
    size_t n = log_escape(esc, sizeof(esc), line, (size_t)len);
    flockfile(access_fp);
    fwrite(esc, 1, n, access_fp);
    putc_unlocked('\n', access_fp);
    funlockfile(access_fp);
}

/*
 * head.c - the verdict on a request head from its raw bytes, for the head
 * gate (gate.c), and the framing rules the gate and server.c share.
 *
 * http_head_check reads the bytes of a connection's first request head as
 * they have arrived so far and says: more bytes are needed, the head is
 * whole and fine (libmicrohttpd may have it), or it is refused, with the
 * status, code and message of our answer. It is strict where
 * libmicrohttpd 0.9.75 would answer itself with its own HTML, or where two
 * readers of the same bytes could disagree about where a request ends:
 * a request line that is not `token SP target SP HTTP/d.d`, control bytes
 * (NUL, a bare CR) anywhere in the head, a header line without a colon, a
 * space before the colon, a folded line (obs-fold), a version other than
 * 1.x, a Content-Length that is not digits or not below 2^63.
 *
 * It also models libmicrohttpd's per-connection memory pool, so that a
 * head it passes is never one that libmicrohttpd cannot hold (its own 414
 * or 431, or a connection closed without an answer): see fits_pool.
 */
#include "http_int.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

/* The messages are formats with at most one %zu; their English text is
 * the translation catalog's msgid (po/zh_CN.po), so keep them literal. */
static const struct head_refusal
    r_line = {400, "bad_request", "the request line is malformed", 0},
    r_field = {400, "bad_request", "a header line is malformed", 0},
    r_version = {505, "http_version_not_supported",
                 "only HTTP/1.0 and HTTP/1.1 are understood", 0},
    r_pool = {431, "headers_too_large",
              "the request holds more header fields, cookies and query "
              "parameters than the server can take",
              0};

void
http_refusal_url(struct head_refusal *r, size_t max_url)
{
    *r = (struct head_refusal){414, "uri_too_long",
                               "the address is longer than %zu bytes", max_url};
}

void
http_refusal_headers(struct head_refusal *r, size_t max_header)
{
    *r = (struct head_refusal){431, "headers_too_large",
                               "the request headers are larger than %zu "
                               "bytes",
                               max_header};
}

int
http_framing_refusal(const struct framing *f, struct head_refusal *r)
{
    if (f->te > 1 || (f->te && (f->te_len != 7 ||
                                strncasecmp(f->te_value, "chunked", 7) != 0))) {
        *r = (struct head_refusal){
            400, "bad_framing",
            "only one Transfer-Encoding, chunked, is understood", 0};
        return -1;
    }
    if (f->te && f->cl) {
        *r = (struct head_refusal){
            400, "bad_framing",
            "Content-Length and Transfer-Encoding may not both be given", 0};
        return -1;
    }
    if (f->cl > 1) {
        *r = (struct head_refusal){400, "bad_framing",
                                   "Content-Length may be given only once", 0};
        return -1;
    }
    /* Digits only, and below 2^63 (19 digits hold any such number;
     * leading zeros aside, which nobody sends). */
    bool digits = f->cl_len > 0 && f->cl_len <= 19;
    for (size_t i = 0; digits && i < f->cl_len; i++)
        digits = f->cl_value[i] >= '0' && f->cl_value[i] <= '9';
    if (f->cl &&
        (!digits || (f->cl_len == 19 &&
                     strncmp(f->cl_value, "9223372036854775807", 19) > 0))) {
        *r = (struct head_refusal){
            400, "bad_framing",
            "Content-Length must be a number of bytes below 2^63", 0};
        return -1;
    }
    return 0;
}

/* RFC 9110 token characters. */
static bool
is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* A byte a field value may hold: tab, visible ASCII, space, obs-text. */
static bool
is_vbyte(unsigned char c)
{
    return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static bool
name_is(const char *p, size_t n, const char *name)
{
    return n == strlen(name) && strncasecmp(p, name, n) == 0;
}

/* libmicrohttpd 0.9.75 keeps, in one pool of connection_memory bytes:
 * the bytes it has read (the head, and what came after it, up to half the
 * pool on its first read), a record of 64 bytes (56, aligned to 16) for
 * each header line, query parameter and cookie, a copy of the Cookie
 * header, and then the answer's status line and headers. Past the pool it
 * answers itself (414, 431) or closes without an answer. */
enum {
    POOL_RECORD = 64,
    POOL_ANSWER = 4096, /* our answers' headers, with room to spare */
};

static bool
fits_pool(size_t pool, size_t read, size_t records, size_t cookie_len)
{
    size_t cookie = cookie_len ? (cookie_len + 1 + 15) / 16 * 16 : 0;
    return read <= pool && records <= (pool - read) / POOL_RECORD &&
           read + records * POOL_RECORD + cookie + POOL_ANSWER <= pool;
}

enum head_verdict
http_head_check(const char *buf, size_t n, const struct head_limits *lim,
                struct head_refusal *r, size_t *head_len)
{
    const unsigned char *b = (const unsigned char *)buf;
    size_t p = 0;
    /* Empty lines before the request line are tolerated, a few. */
    for (int empties = 0;; empties++) {
        if (empties > 4) {
            *r = r_line;
            return HEAD_REFUSED;
        }
        if (p < n && b[p] == '\n')
            p++;
        else if (p + 1 < n && b[p] == '\r' && b[p + 1] == '\n')
            p += 2;
        else if (p + 1 == n && b[p] == '\r')
            return HEAD_MORE;
        else
            break;
    }
    size_t m0 = p;
    while (p < n && is_tchar(b[p]) && p - m0 <= 32)
        p++;
    if (p - m0 > 32 || (p < n && (b[p] != ' ' || p == m0))) {
        *r = r_line;
        return HEAD_REFUSED;
    }
    if (p == n)
        return HEAD_MORE;
    size_t t0 = ++p;
    while (p < n && b[p] > 0x20 && b[p] != 0x7f && p - t0 <= lim->max_url)
        p++;
    if (p - t0 > lim->max_url) {
        http_refusal_url(r, lim->max_url);
        return HEAD_REFUSED;
    }
    if (p == n)
        return HEAD_MORE;
    if (b[p] != ' ' || p == t0) {
        *r = r_line; /* a control byte, or no version (HTTP/0.9) */
        return HEAD_REFUSED;
    }
    size_t target_len = p - t0;
    /* Query parameters: libmicrohttpd keeps one record per piece between
     * '&', empty ones too. */
    size_t params = 0;
    const char *q = memchr(buf + t0, '?', target_len);
    if (q && q + 1 < buf + p) {
        params = 1;
        for (const char *c = q + 1; c < buf + p; c++)
            params += *c == '&';
    }
    if (params > lim->max_params) {
        *r = (struct head_refusal){414, "too_many_params",
                                   "the address has more than %zu query "
                                   "parameters",
                                   lim->max_params};
        return HEAD_REFUSED;
    }
    p++;
    if (n - p < 8) {
        if (memchr(b + p, '\n', n - p) == NULL)
            return HEAD_MORE;
        *r = r_line;
        return HEAD_REFUSED;
    }
    if (memcmp(b + p, "HTTP/", 5) != 0 || b[p + 5] < '0' || b[p + 5] > '9' ||
        b[p + 6] != '.' || b[p + 7] < '0' || b[p + 7] > '9') {
        *r = r_line;
        return HEAD_REFUSED;
    }
    /* HTTP/1.2 to 1.9 are read as 1.1 (RFC 9112 2.3), as libmicrohttpd
     * does; another major version is not ours. */
    bool major1 = b[p + 5] == '1';
    p += 8;
    if (p < n && b[p] == '\r' && p + 1 < n && b[p + 1] == '\n')
        p += 2;
    else if (p < n && b[p] == '\n')
        p++;
    else if (p == n || (b[p] == '\r' && p + 1 == n))
        return HEAD_MORE;
    else {
        *r = r_line;
        return HEAD_REFUSED;
    }
    if (!major1) {
        *r = r_version;
        return HEAD_REFUSED;
    }
    /* The header lines, up to the empty line. */
    struct framing f = {0};
    size_t hbytes = 0, records = 0, cookie_len = 0, cookies = 0;
/* More bytes are needed, unless those so far already make the head too
 * large by server.c's measure (decide()): head > target + max_header. */
#define MORE_OR_431()                                                          \
    do {                                                                       \
        if (n - m0 > target_len + lim->max_header + 2) {                       \
            http_refusal_headers(r, lim->max_header);                          \
            return HEAD_REFUSED;                                               \
        }                                                                      \
        return HEAD_MORE;                                                      \
    } while (0)
    for (;;) {
        if (p - m0 > target_len + lim->max_header || hbytes > lim->max_header) {
            http_refusal_headers(r, lim->max_header);
            return HEAD_REFUSED;
        }
        if (p == n)
            MORE_OR_431();
        if (b[p] == '\n' || b[p] == '\r') {
            if (b[p] == '\r' && p + 1 == n)
                MORE_OR_431();
            if (b[p] == '\r' && b[p + 1] != '\n') {
                *r = r_field;
                return HEAD_REFUSED;
            }
            p += b[p] == '\r' ? 2 : 1;
            break;
        }
        size_t k0 = p;
        while (p < n && is_tchar(b[p]))
            p++;
        if (p == n)
            MORE_OR_431();
        if (b[p] != ':' || p == k0) {
            *r = r_field; /* no colon, space before it, a folded line */
            return HEAD_REFUSED;
        }
        size_t klen = p - k0;
        p++;
        while (p < n && (b[p] == ' ' || b[p] == '\t'))
            p++;
        size_t v0 = p;
        while (p < n && is_vbyte(b[p]))
            p++;
        if (p == n || (b[p] == '\r' && p + 1 == n))
            MORE_OR_431();
        size_t v1 = p;
        if (b[p] == '\n')
            p++;
        else if (b[p] == '\r' && b[p + 1] == '\n')
            p += 2;
        else {
            *r = r_field; /* NUL, a bare CR, another control byte */
            return HEAD_REFUSED;
        }
        while (v1 > v0 && (b[v1 - 1] == ' ' || b[v1 - 1] == '\t'))
            v1--;
        const char *k = buf + k0, *v = buf + v0;
        size_t vlen = v1 - v0;
        hbytes += klen + vlen + 4;
        records++;
        if (name_is(k, klen, "Content-Length")) {
            f.cl++;
            f.cl_value = v;
            f.cl_len = vlen;
        } else if (name_is(k, klen, "Transfer-Encoding")) {
            f.te++;
            f.te_value = v;
            f.te_len = vlen;
        } else if (name_is(k, klen, "Cookie")) {
            /* libmicrohttpd splits at ';' and ','; a record each. */
            cookie_len += vlen;
            cookies++;
            for (size_t i = 0; i < vlen; i++)
                cookies += v[i] == ';' || v[i] == ',';
        }
    }
#undef MORE_OR_431
    size_t head = p - m0;
    if (head > target_len + lim->max_header || hbytes > lim->max_header) {
        http_refusal_headers(r, lim->max_header);
        return HEAD_REFUSED;
    }
    if (http_framing_refusal(&f, r) != 0)
        return HEAD_REFUSED;
    /* What libmicrohttpd will have read: the head alone, or when more
     * bytes come with it (a body, a pipelined request), up to half its
     * pool. */
    size_t read = p;
    if ((n > p || f.cl || f.te) && read < lim->pool / 2)
        read = lim->pool / 2;
    if (!fits_pool(lim->pool, read, records + params + cookies, cookie_len)) {
        *r = r_pool;
        return HEAD_REFUSED;
    }
    *head_len = p;
    return HEAD_OK;
}

size_t
http_head_limit(const struct head_limits *lim)
{
    /* Empty lines, method, spaces, version and line ends around the
     * target: 64; then the target and the header lines. */
    return lim->max_url + lim->max_header + 64;
}

/* --- what a refused head tells about its answer --------------------- */

void
head_scan_init(struct head_scan *s)
{
    memset(s, 0, sizeof(*s));
}

/* One whole line (without its line end, CR included when present). */
static void
scan_line(struct head_scan *s)
{
    const char *l = s->line;
    size_t n = s->ll;
    if (n && l[n - 1] == '\r')
        n--;
    if (s->lines == 0) {
        /* The request line: its method and path, for the answer and the
         * log. */
        const char *sp = memchr(l, ' ', n);
        if (sp == NULL)
            return;
        size_t ml = (size_t)(sp - l);
        if (ml >= sizeof(s->method))
            ml = sizeof(s->method) - 1;
        memcpy(s->method, l, ml);
        s->method[ml] = '\0';
        const char *t = sp + 1, *e = l + n;
        size_t pl = strcspn(t, " ?");
        if (pl > (size_t)(e - t))
            pl = (size_t)(e - t);
        if (pl >= sizeof(s->path))
            pl = sizeof(s->path) - 1;
        memcpy(s->path, t, pl);
        s->path[pl] = '\0';
        return;
    }
    if (n == 0) {
        s->done = true;
        return;
    }
    if (n > 7 && strncasecmp(l, "accept:", 7) == 0) {
        if (memmem(l, n, "text/html", 9))
            s->html = true;
    } else if (n > 16 && strncasecmp(l, "accept-language:", 16) == 0 &&
               s->lang[0] == '\0') {
        /* The first language the browser names of ours wins, as the
         * application's pick_lang does. */
        for (size_t i = 16; i + 1 < n; i++)
            if ((l[i] == 'z' && l[i + 1] == 'h') ||
                (l[i] == 'e' && l[i + 1] == 'n')) {
                memcpy(s->lang, l + i, 2);
                break;
            }
    }
}

void
head_scan(struct head_scan *s, const char *p, size_t n)
{
    for (size_t i = 0; i < n && !s->done; i++) {
        if (p[i] == '\n') {
            if (s->lines == 0 &&
                (s->ll == 0 || (s->ll == 1 && s->line[0] == '\r'))) {
                s->ll = 0; /* an empty line before the request line */
                continue;
            }
            scan_line(s);
            s->lines++;
            s->ll = 0;
            s->long_line = false;
        } else if (s->ll < sizeof(s->line) - 1) {
            s->line[s->ll++] = p[i];
            s->line[s->ll] = '\0';
        } else if (s->lines == 0 && !s->long_line) {
            /* A long request line: keep its start (method and path). */
            s->long_line = true;
            scan_line(s);
        }
    }
}

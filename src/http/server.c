/*
 * server.c - libmicrohttpd glue: start and stop, the per-request life
 * cycle and the access log.
 *
 * A request is decided on its headers. libmicrohttpd calls the access
 * handler several times per request; on the FIRST call we know the
 * method, the path, the headers and the query, and there we decide
 * everything that does not need the body: the request's framing, its
 * route (404, 405), its query parameters, its body limit, who is calling
 * (cookie or bearer token), the route's access rule (401, 403, 403
 * password_change_required), an X-CSRF-Token header if there is one, and
 * the body's share of the memory budget. A request refused there never
 * has a body byte kept. The body calls append what arrives to a buffer
 * that grows with it; the last call runs the handler.
 *
 * We answer on a later call, never the first one, for every request with
 * no early error, and for an early error on a request without a body:
 * answering on the first call turns keep-alive off in 0.9.75 (PERF.md,
 * pitfall 1). An early error on a request with a body is queued on the
 * first call, so that libmicrohttpd skips the body and closes.
 *
 * libmicrohttpd 0.9.75 accepts a queued answer only on the first and the
 * last call: a chunked body that passes its limit (or the budget) while it
 * arrives is answered by writing our error straight to the socket and
 * closing the connection (send_raw), without reading the rest.
 *
 * A connection's first head has passed the head gate (gate.c) before
 * libmicrohttpd reads it. What libmicrohttpd still answers itself, with
 * its own HTML (a malformed later request on a kept-alive connection, a
 * malformed chunk), is listed in docs/ARCHITECTURE.md; it still reaches
 * the access log and the metrics, through the URI callback (on_uri) that
 * creates every request.
 */
#include "http_int.h"

#include "html.h"

#include "../core/err.h"
#include "../core/log.h"
#include "../core/util.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

struct http_server {
    struct MHD_Daemon *d;
    struct gate *gate;      /* our listening socket (gate.c) */
    struct http_options o;
    int nroutes;
    atomic_int active;      /* requests between first call and completion */
};

/* How far a request got (req->phase). */
enum {
    PHASE_NEW = 0,  /* created by on_uri; libmicrohttpd may yet refuse it */
    PHASE_HEADERS,  /* decided on its headers; body or last call next */
    PHASE_QUEUED,   /* its answer is queued or sent: nothing more to do */
};

/* Sent with every answer (SPEC §5; 等保 2.0 web hardening). The pages use
 * no inline script or style, so the policy can stay strict. */
static const struct {
    const char *name, *value;
} security_headers[] = {
    {"Content-Security-Policy",
     "default-src 'self'; script-src 'self'; style-src 'self'; "
     "img-src 'self' data:; object-src 'none'; base-uri 'self'; "
     "form-action 'self'; frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "same-origin"},
};

const struct http_flag_name http_route_flag_names[] = {
    {ROUTE_PAGE, "page"},
    {ROUTE_UPLOAD, "upload"},
    {ROUTE_PW_CHANGE_OK, "pw_change_ok"},
    {ROUTE_NO_CSRF, "no_csrf"},
    {ROUTE_PHOTO, "photo"},
    {ROUTE_ANON_BODY, "anon_body"},
    {0, NULL},
};

/* Bodies in flight hold bytes of one budget, per process: what their
 * buffers have allocated, or for a body of known length what it will
 * need. */
static atomic_size_t bodies_held;
static size_t body_budget;

size_t
http_body_bytes_in_flight(void)
{
    return atomic_load(&bodies_held);
}

/* Takes n bytes from the budget; false when that would pass it. */
static bool
budget_take(size_t n)
{
    size_t cur = atomic_load(&bodies_held);
    do {
        if (n > body_budget || cur > body_budget - n)
            return false;
    } while (!atomic_compare_exchange_weak(&bodies_held, &cur, cur + n));
    return true;
}

static void
budget_give(size_t n)
{
    atomic_fetch_sub(&bodies_held, n);
}

/* A body buffer up to this size lives on the heap; a larger one is mapped
 * on its own, grows with mremap and goes back to the system the moment
 * the request ends (from the heap, freed pages of large bodies could stay
 * resident long after an upload flood). */
#define BODY_HEAP_MAX (64 * 1024)

/* The bytes a body buffer of n bytes really takes. */
static size_t
body_alloc_size(size_t n)
{
    if (n <= BODY_HEAP_MAX)
        return n;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    return (n + page - 1) / page * page;
}

/* Grows body (cap bytes, NULL when 0) to ncap bytes (a body_alloc_size
 * value), keeping its contents; aborts on OOM, as xrealloc does. */
static char *
body_realloc(char *body, size_t cap, size_t ncap)
{
    if (ncap <= BODY_HEAP_MAX)
        return xrealloc(body, ncap);
    void *p;
    if (cap > BODY_HEAP_MAX) {
        p = mremap(body, cap, ncap, MREMAP_MAYMOVE);
    } else {
        p = mmap(NULL, ncap, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p != MAP_FAILED && body) {
            memcpy(p, body, cap);
            free(body);
        }
    }
    if (p == MAP_FAILED) {
        log_error("out of memory for a request body of %zu bytes", ncap);
        abort();
    }
    return p;
}

static void
body_free(char *body, size_t cap)
{
    if (cap > BODY_HEAP_MAX)
        munmap(body, cap);
    else
        free(body);
}

/* --- the route table ------------------------------------------------ */

static bool
is_get(const char *m)
{
    return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
}

/* A query declaration is names of [a-z0-9_] separated by single commas,
 * each once. Returns NULL when it is one, else what is wrong. */
static const char *
query_decl_error(const char *q)
{
    if (q == NULL)
        return NULL;
    const char *p = q;
    for (;;) {
        size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789_");
        if (n == 0)
            return "an empty or badly spelled name";
        for (const char *o = q; o < p;) {
            size_t on = strcspn(o, ",");
            if (on == n && memcmp(o, p, n) == 0)
                return "a name twice";
            o += on + 1;
        }
        if (p[n] == '\0')
            return NULL;
        if (p[n] != ',')
            return "a character other than a-z, 0-9, _ and ,";
        p += n + 1;
    }
}

/* The flag combinations a route may not declare, with why. */
static const char *
flags_error(const struct route *r)
{
    unsigned f = r->flags;
    if (is_get(r->method) && (f & (ROUTE_UPLOAD | ROUTE_PHOTO |
                                   ROUTE_ANON_BODY | ROUTE_NO_CSRF)))
        return "a GET takes no body, so no body limit or CSRF exemption";
    if ((f & ROUTE_UPLOAD) && (f & ROUTE_PHOTO))
        return "two body limits (upload and photo)";
    if ((f & ROUTE_ANON_BODY) && r->access != ACCESS_PUBLIC)
        return "a body from anonymous callers on a route that needs log-in";
    if ((f & ROUTE_ANON_BODY) && (f & (ROUTE_UPLOAD | ROUTE_PHOTO)))
        return "a large body from anonymous callers";
    if ((f & ROUTE_NO_CSRF) && r->access != ACCESS_PUBLIC)
        return "no CSRF check for logged-in callers";
    if ((f & ROUTE_PW_CHANGE_OK) && r->access != ACCESS_USER)
        return "a password-change exemption on a public route";
    if ((f & ROUTE_PAGE) && strncmp(r->pattern, "/api/", 5) == 0)
        return "a page under /api/";
    return NULL;
}

int
http_routes_check(const struct route *routes, char *err, size_t errlen)
{
    unsigned named = 0;
    for (const struct http_flag_name *f = http_route_flag_names; f->name;
         f++)
        named |= f->bit;
    for (int i = 0; routes[i].method; i++) {
        const struct route *r = &routes[i];
        if (r->flags & ~named) {
            str_fmt(err, errlen,
                    "route %s %s: flag 0x%x has no name in "
                    "http_route_flag_names",
                    r->method, r->pattern ? r->pattern : "(null)",
                    r->flags & ~named);
            return ERR_INVAL;
        }
        const char *why;
        if (r->fn == NULL || r->pattern == NULL || r->pattern[0] != '/') {
            str_fmt(err, errlen, "route %s %s: no handler or bad pattern",
                    r->method, r->pattern ? r->pattern : "(null)");
            return ERR_INVAL;
        }
        if (r->access == ACCESS_UNDECLARED) {
            str_fmt(err, errlen,
                    "route %s %s declares no access rule: every route "
                    "must say who may call it",
                    r->method, r->pattern);
            return ERR_INVAL;
        }
        if (r->access == ACCESS_USER && r->roles == 0) {
            str_fmt(err, errlen, "route %s %s allows no role", r->method,
                    r->pattern);
            return ERR_INVAL;
        }
        if ((why = flags_error(r)) != NULL) {
            str_fmt(err, errlen, "route %s %s declares %s", r->method,
                    r->pattern, why);
            return ERR_INVAL;
        }
        if ((why = query_decl_error(r->query)) != NULL) {
            str_fmt(err, errlen,
                    "route %s %s: its query parameters \"%s\" hold %s",
                    r->method, r->pattern, r->query, why);
            return ERR_INVAL;
        }
        for (int j = 0; j < i; j++)
            if (strcmp(routes[j].method, r->method) == 0 &&
                strcmp(routes[j].pattern, r->pattern) == 0) {
                str_fmt(err, errlen, "route %s %s declared twice",
                        r->method, r->pattern);
                return ERR_INVAL;
            }
    }
    return 0;
}

/* Matches one pattern; on success fills params. */
static bool
match_pattern(const char *pat, const char *path, const char **params,
              int *nparams, struct arena *a)
{
    int n = 0;
    while (*pat && *path) {
        if (*pat == '{') {
            const char *close = strchr(pat, '}');
            const char *seg_end = strchr(path, '/');
            if (close == NULL)
                return false;
            if (seg_end == NULL)
                seg_end = path + strlen(path);
            if (seg_end == path || n == 4)
                return false;
            if (a)
                params[n] = arena_strndup(a, path, (size_t)(seg_end - path));
            n++;
            pat = close + 1;
            path = seg_end;
            continue;
        }
        if (*pat != *path)
            return false;
        pat++;
        path++;
    }
    if (*pat || *path)
        return false;
    if (nparams)
        *nparams = n;
    return true;
}

int
http_route_match(const struct route *routes, const char *method,
                 const char *path, const char **params, int *nparams,
                 struct arena *a)
{
    bool path_known = false;
    for (int i = 0; routes[i].method; i++) {
        if (!match_pattern(routes[i].pattern, path, NULL, NULL, NULL))
            continue;
        path_known = true;
        if (strcmp(routes[i].method, method) == 0 ||
            (strcmp(method, "HEAD") == 0 &&
             strcmp(routes[i].method, "GET") == 0)) {
            match_pattern(routes[i].pattern, path, params, nparams, a);
            return i;
        }
    }
    return path_known ? -2 : -1;
}

/* --- a request's life ----------------------------------------------- */

static const char *
client_ip(struct req *req, struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci == NULL || ci->client_addr == NULL)
        return "-";
    char buf[INET6_ADDRSTRLEN] = "-";
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf,
                  sizeof(buf));
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
                  buf, sizeof(buf));
    return arena_strdup(&req->arena, buf);
}

/* libmicrohttpd's URI callback: called once per request, as soon as the
 * request line is in, before the headers are parsed. The request object
 * is made here so that it exists (and is logged and counted) even when
 * libmicrohttpd goes on to refuse the request itself. */
static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    struct http_server *s = cls;
    struct req *req = xcalloc(1, sizeof(*req));
    arena_init(&req->arena, 4096);
    strbuf_init(&req->out, 0);
    req->conn = conn;
    req->t_start_ns = now_mono_ns();
    req->target_len = strlen(uri);
    req->method = "-";
    req->path = arena_strndup(&req->arena, uri, strcspn(uri, "?"));
    req->ip = client_ip(req, conn);
    req->lang = "zh";
    req->route_index = -1;
    atomic_fetch_add(&s->active, 1);
    return req;
}

bool
http_wants_page(const char *path, const char *accept)
{
    return strncmp(path, "/api/", 5) != 0 && accept &&
           strstr(accept, "text/html") != NULL;
}

bool
http_refusal_is_page(const struct route *routes, const char *method,
                     const char *path, const char *accept)
{
    int i = http_route_match(routes, method, path, NULL, NULL, NULL);
    if (i >= 0)
        return (routes[i].flags & ROUTE_PAGE) != 0;
    return http_wants_page(path, accept);
}

/* First call: the route and its limit. */
static void
req_begin(struct http_server *s, struct req *req, const char *url,
          const char *method)
{
    req->method = arena_strdup(&req->arena, method);
    req->path = arena_strdup(&req->arena, url);
    req->route_index = http_route_match(s->o.routes, method, url,
                                        req->params, &req->nparams,
                                        &req->arena);
    if (req->route_index >= 0) {
        req->route = &s->o.routes[req->route_index];
        req->page = (req->route->flags & ROUTE_PAGE) != 0;
        unsigned f = req->route->flags;
        req->body_limit = is_get(req->route->method) ? 0
                          : (f & ROUTE_UPLOAD)        ? s->o.max_upload
                          : (f & ROUTE_PHOTO)         ? s->o.max_photo
                                                      : s->o.max_json_body;
    } else {
        /* No route: a browser asking for a page gets the error page. */
        req->page = http_wants_page(url, req_header(req, "Accept"));
    }
}

static bool
is_write(const char *m)
{
    return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 &&
           strcmp(m, "OPTIONS") != 0;
}

static void
answer_405(struct http_server *s, struct req *req)
{
    struct strbuf allow;
    strbuf_init(&allow, 0);
    for (int i = 0; s->o.routes[i].method; i++) {
        if (!match_pattern(s->o.routes[i].pattern, req->path, NULL, NULL,
                           NULL))
            continue;
        if (allow.len)
            strbuf_puts(&allow, ", ");
        strbuf_puts(&allow, s->o.routes[i].method);
    }
    http_header_add(req, "Allow",
                    arena_strdup(&req->arena, strbuf_str(&allow)));
    strbuf_cleanup(&allow);
    http_error(req, 405, "method_not_allowed", NULL,
               "%s is not allowed on %s", req->method, req->path);
}

static enum MHD_Result
count_header(void *cls, enum MHD_ValueKind kind, const char *key,
             const char *value)
{
    (void)kind;
    struct framing *f = cls;
    size_t vlen = value ? strlen(value) : 0;
    f->header_bytes += strlen(key) + vlen + 4;
    if (strcasecmp(key, "Content-Length") == 0) {
        f->cl++;
        f->cl_value = value;
        f->cl_len = vlen;
    } else if (strcasecmp(key, "Transfer-Encoding") == 0) {
        f->te++;
        f->te_value = value;
        f->te_len = vlen;
    }
    return MHD_YES;
}

static void
refuse_with(struct req *req, const struct head_refusal *r)
{
    http_error(req, r->status, r->code, NULL, r->fmt, r->arg);
}

/* The request's framing: 0 with req->body_declared set (-1: chunked), or
 * -1 having answered 400. A body's length is either one Content-Length or
 * "Transfer-Encoding: chunked", never both: when the two disagree, a
 * proxy in front and this server could see different requests. The gate
 * (gate.c) applies the same rules to a connection's first head. */
static int
check_framing(struct req *req, const struct framing *f)
{
    /* Refused or not, a body may follow: an error is answered at once and
     * the connection closed, since where this request ends is unknown. */
    if (f->te || f->cl)
        req->body_declared = -1;
    struct head_refusal r;
    if (http_framing_refusal(f, &r) != 0) {
        refuse_with(req, &r);
        return -1;
    }
    if (f->cl) {
        /* Digits only, below 2^63 (http_framing_refusal). */
        unsigned long long n = strtoull(f->cl_value, NULL, 10);
        req->body_declared = n > INT64_MAX ? INT64_MAX : (int64_t)n;
    }
    return 0;
}

struct query_check {
    const struct route *r;
    const char *bad;
};

static enum MHD_Result
check_param(void *cls, enum MHD_ValueKind kind, const char *key,
            const char *value)
{
    (void)kind;
    (void)value;
    struct query_check *q = cls;
    if (key == NULL || *key == '\0') /* a bare "?" or a trailing "&" */
        return MHD_YES;
    if (http_query_allowed(q->r, key))
        return MHD_YES;
    q->bad = key;
    return MHD_NO;
}

/* A body over its route's limit: 413, on the headers or as it arrives. */
static void
refuse_too_large(struct req *req)
{
    http_error(req, 413, "body_too_large", NULL,
               "the request body is larger than %zu bytes", req->body_limit);
}

/* A body the budget cannot hold now: 503, to be tried again. */
static void
refuse_busy(struct req *req)
{
    http_header_add(req, "Retry-After", "5");
    http_error(req, 503, "busy", NULL,
               "the server is receiving too many uploads; try again in a "
               "moment");
}

/* 1 when the X-CSRF-Token header or the form's _csrf field matches the
 * session's token, 0 when it is missing or wrong, -1 when only the body
 * (not yet read) can tell. */
static int
csrf_verdict(struct req *req, bool body_read)
{
    const char *t = req_header(req, "X-CSRF-Token");
    if (t == NULL && body_read) {
        t = req_form(req, "_csrf");
        const char *mp;
        size_t mpl;
        if (t == NULL && req_multipart_file(req, "_csrf", &mp, &mpl) == 0)
            t = arena_strndup(&req->arena, mp, mpl);
    }
    if (t == NULL && !body_read) {
        /* Only a form or a multipart body can carry the field. */
        const char *ct = req_header(req, "Content-Type");
        bool form = ct && (strncasecmp(ct, "application/x-www-form-"
                                           "urlencoded", 33) == 0 ||
                           strncasecmp(ct, "multipart/form-data", 19) == 0);
        if (form && req->body_declared != 0)
            return -1;
    }
    size_t tl = t ? strlen(t) : 0;
    if (t == NULL || req->user->csrf == NULL ||
        tl != strlen(req->user->csrf) ||
        sodium_memcmp(t, req->user->csrf, tl) != 0)
        return 0;
    return 1;
}

static void
csrf_refuse(struct req *req)
{
    http_error(req, 403, "csrf", NULL,
               "missing or wrong X-CSRF-Token header");
}

/* The decision on the headers (first call). Answers the request when it
 * is refused; otherwise leaves it to the body and last calls. */
static void
decide(struct http_server *s, struct req *req)
{
    struct MHD_Connection *conn = req->conn;
    struct framing f = {0};
    MHD_get_connection_values(conn, MHD_HEADER_KIND, count_header, &f);
    const union MHD_ConnectionInfo *hs = MHD_get_connection_info(
        conn, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
    size_t head = hs ? hs->header_size : f.header_bytes;
    if (check_framing(req, &f) != 0)
        return;
    struct head_refusal too_large;
    if (req->target_len > s->o.max_url) {
        http_refusal_url(&too_large, s->o.max_url);
        refuse_with(req, &too_large);
        return;
    }
    if (head > req->target_len + s->o.max_header ||
        f.header_bytes > s->o.max_header) {
        http_refusal_headers(&too_large, s->o.max_header);
        refuse_with(req, &too_large);
        return;
    }
    if (req->route_index == -1) {
        http_error(req, 404, "not_found", NULL, "no such resource: %s",
                   req->path);
        return;
    }
    if (req->route_index == -2) {
        answer_405(s, req);
        return;
    }
    const struct route *r = req->route;
    if (req->body_declared != 0 && req->body_limit == 0) {
        http_error(req, 400, "body_not_allowed", NULL,
                   "a %s request takes no body", req->method);
        return;
    }
    struct query_check q = {r, NULL};
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, check_param, &q);
    if (q.bad) {
        http_error(req, 400, "unknown_param",
                   arena_strdup(&req->arena, q.bad),
                   "unknown query parameter: %s", q.bad);
        return;
    }
    if (s->o.authenticate(req) != 0 || req->answered)
        return;
    if (req->user == NULL &&
        (r->access == ACCESS_USER ||
         (req->body_declared != 0 && !(r->flags & ROUTE_ANON_BODY)))) {
        if (req->page) {
            /* The path percent-encoded: it may hold any byte (%0d%0a). */
            struct strbuf next;
            strbuf_init(&next, 0);
            strbuf_puts(&next, "/login?next=");
            html_urlenc(&next, req->path);
            http_redirect(req, arena_strdup(&req->arena, strbuf_str(&next)));
            strbuf_cleanup(&next);
            return;
        }
        http_error(req, 401, "unauthenticated", NULL, "log in first");
        return;
    }
    if (r->access == ACCESS_USER && (r->roles & req->user->role_bit) == 0) {
        /* A page names no role code: its top bar shows the role. */
        if (req->page)
            http_error(req, 403, "forbidden", NULL,
                       "Your role may not do this.");
        else
            http_error(req, 403, "forbidden", NULL,
                       "the role %s may not do this", req->user->role);
        return;
    }
    if (req->user && req->user->must_change_password &&
        !(r->flags & ROUTE_PW_CHANGE_OK) && r->access == ACCESS_USER) {
        if (req->page) {
            http_redirect(req, "/password");
            return;
        }
        http_error(req, 403, "password_change_required", NULL,
                   "change your password first");
        return;
    }
    if (is_write(req->method) && req->user && req->user->via_cookie &&
        !(r->flags & ROUTE_NO_CSRF)) {
        int v = csrf_verdict(req, false);
        if (v == 0) {
            csrf_refuse(req);
            return;
        }
        req->csrf = v;
    } else {
        req->csrf = 1; /* nothing to check */
    }
    if (req->body_declared > (int64_t)req->body_limit) {
        refuse_too_large(req);
        return;
    }
    if (req->body_declared > 0) {
        size_t need = body_alloc_size((size_t)req->body_declared + 1);
        if (!budget_take(need)) {
            refuse_busy(req);
            return;
        }
        req->body_held = need;
    }
}

/* Appends n body bytes; 0, or -1 having answered 413 or 503. The buffer
 * grows with what arrives, up to what the request declared (or, chunked,
 * the route's limit); a chunked body takes its budget as it grows. */
static int
body_append(struct req *req, const char *data, size_t n)
{
    if (n > req->body_limit - req->body_len ||
        (req->body_declared > 0 &&
         req->body_len + n > (size_t)req->body_declared)) {
        refuse_too_large(req);
        return -1;
    }
    size_t need = req->body_len + n + 1;
    if (need > req->body_cap) {
        size_t most = (req->body_declared > 0 ? (size_t)req->body_declared
                                              : req->body_limit) + 1;
        size_t cap = req->body_cap ? req->body_cap * 2 : 4096;
        if (cap < need)
            cap = need;
        if (cap > most)
            cap = most;
        cap = body_alloc_size(cap);
        if (cap > req->body_held) {
            if (!budget_take(cap - req->body_held)) {
                refuse_busy(req);
                return -1;
            }
            req->body_held = cap;
        }
        req->body = body_realloc(req->body, req->body_cap, cap);
        req->body_cap = cap;
    }
    memcpy(req->body + req->body_len, data, n);
    req->body_len += n;
    req->body[req->body_len] = '\0';
    return 0;
}

/* The last call: what the body could tell (a form's CSRF field), then the
 * handler. */
static void
dispatch(struct http_server *s, struct req *req)
{
    if (req->csrf < 0 && csrf_verdict(req, true) != 1) {
        csrf_refuse(req);
        return;
    }
    const struct route *r = req->route;
    /* A form's text is checked here, once for every page that takes one
     * (JSON bodies are, in req_json_or_400): a value with a NUL, bytes
     * that are not UTF-8 or a control character is refused before any
     * handler reads it (req_form returns C strings, so a handler could
     * not tell a%00b from a). */
    if (is_write(req->method) && req_form_check_or_422(req) != 0)
        return;
    if (s->o.prepare)
        s->o.prepare(req);
    r->fn(req);
    if (req->deferred)
        return; /* answered by another thread: req is not ours to touch */
    if (!req->answered) {
        log_error("%s %s: handler gave no answer", req->method, req->path);
        http_error(req, 500, "internal", NULL, "internal error");
    }
}

/* Calls fn for each header of req's answer: the security headers, the
 * handler's own, and Cache-Control. An answer to a logged-in caller is
 * never cached (SPEC §5): on a route that needs log-in it is no-store
 * whatever the handler said; on a public one (the assets) the handler's
 * own Cache-Control stands, and no-store when it set none. */
static void
each_header(struct req *req,
            void (*fn)(void *ud, const char *name, const char *value),
            void *ud)
{
    for (size_t i = 0;
         i < sizeof(security_headers) / sizeof(security_headers[0]); i++)
        fn(ud, security_headers[i].name, security_headers[i].value);
    bool own_cc = false;
    for (struct http_header *h = req->headers; h; h = h->next)
        if (strcasecmp(h->name, "Cache-Control") == 0)
            own_cc = true;
    bool no_store = req->user && (!own_cc || req->route == NULL ||
                                  req->route->access == ACCESS_USER);
    for (struct http_header *h = req->headers; h; h = h->next)
        if (!no_store || strcasecmp(h->name, "Cache-Control") != 0)
            fn(ud, h->name, h->value);
    if (no_store)
        fn(ud, "Cache-Control", "no-store");
}

static void
add_to_response(void *ud, const char *name, const char *value)
{
    MHD_add_response_header(ud, name, value);
}

/* Queues req's answer: its body (taken from req->out, or the borrowed
 * static buffer of http_static, which is not copied), content type and
 * headers. */
static enum MHD_Result
queue(struct req *req)
{
    struct MHD_Response *resp;
    req->phase = PHASE_QUEUED;
    if (req->static_data) {
        resp = MHD_create_response_from_buffer(
            req->static_len, (void *)(uintptr_t)req->static_data,
            MHD_RESPMEM_PERSISTENT);
    } else {
        size_t len;
        char *body = strbuf_take(&req->out, &len);
        resp = MHD_create_response_from_buffer(len, body,
                                               MHD_RESPMEM_MUST_FREE);
        if (resp == NULL)
            free(body);
    }
    if (resp == NULL)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", req->out_type);
    each_header(req, add_to_response, resp);
    enum MHD_Result rc = MHD_queue_response(req->conn, (unsigned)req->status,
                                            resp);
    MHD_destroy_response(resp);
    return rc;
}

static void
add_to_raw(void *ud, const char *name, const char *value)
{
    strbuf_printf(ud, "%s: %s\r\n", name, value);
}

void
http_raw_answer(struct req *req, struct strbuf *sb)
{
    const char *reason = MHD_get_reason_phrase_for((unsigned)req->status);
    strbuf_printf(sb, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n"
                      "Content-Length: %zu\r\nConnection: close\r\n",
                  req->status, reason ? reason : "", req->out_type,
                  req->out.len);
    each_header(req, add_to_raw, sb);
    strbuf_puts(sb, "\r\n");
    strbuf_append(sb, strbuf_str(&req->out), req->out.len);
}

/* Writes req's answer (an error: no static body) straight to the
 * connection's socket, marked Connection: close; the caller then returns
 * MHD_NO, and libmicrohttpd closes the connection without reading the
 * rest of the body. A short write is dropped: the client is going. */
static void
send_raw(struct req *req)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    req->phase = PHASE_QUEUED;
    if (ci == NULL)
        return;
    struct strbuf sb;
    strbuf_init(&sb, 1024);
    http_raw_answer(req, &sb);
    const char *p = strbuf_str(&sb);
    size_t left = sb.len;
    while (left > 0) {
        ssize_t n = send(ci->connect_fd, p, left, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n <= 0)
            break;
        p += n;
        left -= (size_t)n;
    }
    strbuf_cleanup(&sb);
}

/* Suspension and resumption of deferred requests happen under one lock,
 * so that an answer ready before the worker suspends is queued at once
 * and a resume never comes before its suspend. */
static pthread_mutex_t defer_lock = PTHREAD_MUTEX_INITIALIZER;

void
http_defer(struct req *req)
{
    req->deferred = true;
}

void
http_resume(struct req *req)
{
    pthread_mutex_lock(&defer_lock);
    req->ready = true;
    if (req->suspended)
        MHD_resume_connection(req->conn);
    pthread_mutex_unlock(&defer_lock);
}

/* After dispatch of a deferred request: queue its answer if it is ready,
 * else free the worker until http_resume. */
static enum MHD_Result
defer_or_queue(struct req *req)
{
    pthread_mutex_lock(&defer_lock);
    bool ready = req->ready;
    if (!ready) {
        req->suspended = true;
        MHD_suspend_connection(req->conn);
    }
    pthread_mutex_unlock(&defer_lock);
    return ready ? queue(req) : MHD_YES;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
           const char *method, const char *version, const char *upload_data,
           size_t *upload_data_size, void **con_cls)
{
    (void)version;
    struct http_server *s = cls;
    struct req *req = *con_cls;
    if (req == NULL) /* not seen by on_uri: cannot happen, but be whole */
        *con_cls = req = on_uri(s, url, conn);
    if (req->phase == PHASE_NEW) {
        req->phase = PHASE_HEADERS;
        req_begin(s, req, url, method);
        decide(s, req);
        /* Refused with a body coming: answer now, so that libmicrohttpd
         * skips the body and closes. Without one, on the next call. */
        if (req->answered && req->body_declared != 0) {
            req->linger = true;
            return queue(req);
        }
        return MHD_YES;
    }
    if (*upload_data_size != 0) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (req->phase != PHASE_HEADERS || req->answered)
            return MHD_YES; /* answered already: not ours to keep */
        if (body_append(req, upload_data, n) != 0) {
            send_raw(req);
            req->linger = true;
            return MHD_NO;
        }
        return MHD_YES;
    }
    if (req->deferred) /* called again after http_resume */
        return req->ready ? queue(req) : MHD_YES;
    if (req->phase == PHASE_QUEUED)
        return MHD_YES;
    if (!req->answered)
        dispatch(s, req);
    if (req->deferred)
        return defer_or_queue(req);
    return queue(req);
}

void
http_request_done(struct req *req, int64_t ns)
{
    metrics_observe(req->route_index, req->status, ns);
    if (!log_access_enabled())
        return;
    /* The timestamp is formatted once a second per thread, and the
     * duration in whole microseconds: this runs for every request.
     * log_access escapes what the client wrote (the path). */
    static _Thread_local int64_t ts_sec = -1;
    static _Thread_local char ts[21];
    int64_t now = now_unix();
    if (now != ts_sec) {
        time_iso(now, ts);
        ts_sec = now;
    }
    char line[1024];
    int n = snprintf(line, sizeof(line), "%s %s %s %s %d %lldus u=%lld", ts,
                     req->ip, req->method, req->path, req->status,
                     (long long)(ns / 1000),
                     (long long)(req->user ? req->user->user_id : 0));
    if (n > 0)
        log_access(line, n < (int)sizeof(line) ? n : (int)sizeof(line) - 1);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
             enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    struct http_server *s = cls;
    struct req *req = *con_cls;
    if (req == NULL)
        return;
    if (req->phase == PHASE_NEW) {
        /* libmicrohttpd refused it before our handler saw it. */
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_HTTP_STATUS);
        req->status = ci ? (int)ci->http_status : 0;
    }
    http_request_done(req, now_mono_ns() - req->t_start_ns);
    bool linger = req->linger;
    body_free(req->body, req->body_cap);
    budget_give(req->body_held);
    arena_cleanup(&req->arena);
    strbuf_cleanup(&req->out);
    free(req);
    *con_cls = NULL;
    atomic_fetch_sub(&s->active, 1);
    if (linger) {
        /* Refused while its body was coming: read out the rest for a
         * moment, so that the client sees the answer (linger.c). Last,
         * so that all the request held is back when the client sees the
         * end of the stream. */
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        int fd = ci ? dup(ci->connect_fd) : -1;
        if (fd >= 0)
            linger_add(fd);
    }
}

static int
parse_listen(const char *listen, struct sockaddr_in *sin, char *err,
             size_t errlen)
{
    const char *colon = strrchr(listen, ':');
    if (colon == NULL) {
        str_fmt(err, errlen, "listen: '%s' is not host:port", listen);
        return ERR_INVAL;
    }
    char host[64];
    size_t hl = (size_t)(colon - listen);
    if (hl == 0 || hl >= sizeof(host)) {
        str_fmt(err, errlen, "listen: bad host in '%s'", listen);
        return ERR_INVAL;
    }
    memcpy(host, listen, hl);
    host[hl] = '\0';
    int64_t port;
    if (parse_i64(colon + 1, &port) != 0 || port < 0 || port > 65535) {
        str_fmt(err, errlen, "listen: bad port in '%s'", listen);
        return ERR_INVAL;
    }
    memset(sin, 0, sizeof(*sin));
    sin->sin_family = AF_INET;
    sin->sin_port = htons((uint16_t)port);
    if (strcmp(host, "localhost") == 0)
        str_copy(host, sizeof(host), "127.0.0.1");
    if (inet_pton(AF_INET, host, &sin->sin_addr) != 1) {
        str_fmt(err, errlen, "listen: '%s' is not an IPv4 address", host);
        return ERR_INVAL;
    }
    return 0;
}

/* Limits that cannot work together; NULL when they can. */
static const char *
limits_error(const struct http_options *o)
{
    /* libmicrohttpd keeps the request line and the headers in the
     * connection's memory, with a copy of the Cookie header and a record
     * per header and query parameter: a head within our limits must fit,
     * or libmicrohttpd refuses it with its own answer instead of ours. */
    if (o->connection_memory < o->max_url + 2 * o->max_header + 8192)
        return "connection_memory_bytes must be at least max_url_bytes + "
               "2 x max_header_bytes + 8192";
    size_t largest = o->max_upload > o->max_photo ? o->max_upload
                                                  : o->max_photo;
    if (largest < o->max_json_body)
        largest = o->max_json_body;
    if (o->body_budget < body_alloc_size(largest + 1))
        return "body_budget_bytes must hold the largest body a route "
               "takes (max_upload, photo_max_bytes, max_json_body)";
    return NULL;
}

int
http_port(const struct http_server *s)
{
    return gate_port(s->gate);
}

/* Connections libmicrohttpd holds, for the gate's bound on them all: the
 * gate counts one in as it hands it over (before libmicrohttpd's worker
 * has started it, so a burst is counted at once), this counts it out. */
static void
on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
              enum MHD_ConnectionNotificationCode toe)
{
    (void)conn;
    (void)socket_context;
    if (toe == MHD_CONNECTION_NOTIFY_CLOSED)
        gate_count(cls, -1);
}

/* Connections at once, waiting in the gate and held by libmicrohttpd
 * together. libmicrohttpd's own limit is a little higher, for those it
 * has closed and not yet counted out. */
enum { MAX_CONNECTIONS = 2000, MHD_SLACK = 64, MAX_PARAMS = 256 };

struct http_server *
http_start(const struct http_options *o, char *err, size_t errlen)
{
    if (http_routes_check(o->routes, err, errlen) != 0)
        return NULL;
    const char *why = limits_error(o);
    if (why) {
        str_copy(err, errlen, why);
        return NULL;
    }
    body_budget = o->body_budget;
    http_set_translate(o->translate, o->error_page);
    if (linger_start() != 0) {
        str_copy(err, errlen, "cannot start the lingering-close thread");
        return NULL;
    }
    struct sockaddr_in sin;
    if (parse_listen(o->listen, &sin, err, errlen) != 0)
        return NULL;
    struct http_server *s = xcalloc(1, sizeof(*s));
    s->o = *o;
    while (o->routes[s->nroutes].method)
        s->nroutes++;
    metrics_init(o->routes, s->nroutes);
    unsigned workers = (unsigned)o->workers;
    if (workers == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        workers = n > 0 ? (unsigned)n : 1;
    }
    struct gate_options go = {
        .addr = &sin,
        .limits = {.max_url = o->max_url,
                   .max_header = o->max_header,
                   .max_params = MAX_PARAMS,
                   .pool = o->connection_memory},
        .idle_timeout = o->idle_timeout ? o->idle_timeout : 30,
        .max_connections = MAX_CONNECTIONS,
        .routes = o->routes,
    };
    char why_gate[256];
    s->gate = gate_new(&go, why_gate, sizeof(why_gate));
    if (s->gate == NULL) {
        str_fmt(err, errlen, "cannot listen on %s (in use, or no rights): "
                             "%s",
                o->listen, why_gate);
        goto fail;
    }
    /* libmicrohttpd listens on nothing: the gate hands it each connection
     * whose first head passed (MHD_add_connection; MHD_USE_ITC wakes a
     * worker for it). */
    s->d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
            MHD_USE_TURBO | MHD_ALLOW_SUSPEND_RESUME |
            MHD_USE_NO_LISTEN_SOCKET,
        0, NULL, NULL, on_request, s, MHD_OPTION_THREAD_POOL_SIZE, workers,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, s->gate,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
        MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)(o->idle_timeout ? o->idle_timeout : 30),
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)(MAX_CONNECTIONS + MHD_SLACK),
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, o->connection_memory,
        MHD_OPTION_END);
    if (s->d == NULL) {
        str_copy(err, errlen, "cannot start libmicrohttpd");
        goto fail;
    }
    if (gate_run(s->gate, s->d) != 0) {
        str_copy(err, errlen, "cannot start the head gate's thread");
        goto fail;
    }
    log_info("listening on http://%s with %u workers", o->listen, workers);
    return s;
fail:
    gate_stop(s->gate);
    if (s->d)
        MHD_stop_daemon(s->d);
    gate_free(s->gate);
    linger_stop();
    metrics_free();
    free(s);
    return NULL;
}

void
http_stop(struct http_server *s, int grace_ms)
{
    if (s == NULL)
        return;
    /* Stop accepting (the gate closes its listening socket and what
     * waits in it), then give requests in flight time to finish. */
    gate_stop(s->gate);
    for (int waited = 0; atomic_load(&s->active) > 0 && waited < grace_ms;
         waited += 10)
        usleep(10000);
    if (atomic_load(&s->active) > 0)
        log_warn("stopping with %d requests unfinished",
                 atomic_load(&s->active));
    MHD_stop_daemon(s->d);
    gate_free(s->gate);
    linger_stop();
    metrics_free();
    free(s);
}

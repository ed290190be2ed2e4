/*
 * server.c - libmicrohttpd glue: start and stop, the per-request life
 * cycle (first call: route + limits; body calls: collect; last call:
 * access checks, handler, response), and the access log.
 *
 * libmicrohttpd calls the access handler several times per request. We
 * answer on a later call, never the first one, for every request with no
 * early error: answering on the first call turns keep-alive off in
 * 0.9.75 (PERF.md, pitfall 1).
 */
#include "http_int.h"

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
#include <sys/socket.h>
#include <unistd.h>

struct http_server {
    struct MHD_Daemon *d;
    struct http_options o;
    int nroutes;
    atomic_int active;      /* requests between first call and completion */
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

int
http_routes_check(const struct route *routes, char *err, size_t errlen)
{
    for (int i = 0; routes[i].method; i++) {
        const struct route *r = &routes[i];
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

static struct req *
req_new(struct http_server *s, struct MHD_Connection *conn, const char *url,
        const char *method)
{
    struct req *req = xcalloc(1, sizeof(*req));
    arena_init(&req->arena, 4096);
    strbuf_init(&req->out, 0);
    req->conn = conn;
    req->t_start_ns = now_mono_ns();
    req->method = arena_strdup(&req->arena, method);
    req->path = arena_strdup(&req->arena, url);
    req->ip = client_ip(req, conn);
    req->lang = "zh";
    req->route_index = http_route_match(s->o.routes, method, url,
                                        req->params, &req->nparams,
                                        &req->arena);
    if (req->route_index >= 0) {
        req->route = &s->o.routes[req->route_index];
        req->page = (req->route->flags & ROUTE_PAGE) != 0;
    }
    req->body_limit = (req->route && (req->route->flags & ROUTE_UPLOAD))
                          ? s->o.max_upload
                          : s->o.max_json_body;
    return req;
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

static void
dispatch(struct http_server *s, struct req *req)
{
    if (req->route_index == -1) {
        http_error(req, 404, "not_found", NULL, "no such resource: %s",
                   req->path);
        return;
    }
    if (req->route_index == -2) {
        answer_405(s, req);
        return;
    }
    if (req->body_too_large) {
        http_error(req, 413, "body_too_large", NULL,
                   "the request body is larger than %zu bytes",
                   req->body_limit);
        return;
    }
    if (s->o.authenticate(req) != 0 || req->answered)
        return;
    const struct route *r = req->route;
    if (r->access == ACCESS_USER) {
        if (req->user == NULL) {
            if (req->page) {
                http_redirect(req, arena_printf(&req->arena,
                                                "/login?next=%s", req->path));
                return;
            }
            http_error(req, 401, "unauthenticated", NULL,
                       "log in first");
            return;
        }
        if ((r->roles & req->user->role_bit) == 0) {
            http_error(req, 403, "forbidden", NULL,
                       "the role %s may not do this", req->user->role);
            return;
        }
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
        const char *t = req_header(req, "X-CSRF-Token");
        if (t == NULL)
            t = req_form(req, "_csrf");
        const char *mp;
        size_t mpl;
        if (t == NULL && req_multipart_file(req, "_csrf", &mp, &mpl) == 0)
            t = arena_strndup(&req->arena, mp, mpl);
        size_t tl = t ? strlen(t) : 0;
        if (t == NULL || req->user->csrf == NULL ||
            tl != strlen(req->user->csrf) ||
            sodium_memcmp(t, req->user->csrf, tl) != 0) {
            http_error(req, 403, "csrf", NULL,
                       "missing or wrong X-CSRF-Token header");
            return;
        }
    }
    /* A form's text is checked here, once for every page that takes one
     * (JSON bodies are, in req_json_or_400). */
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

/* Queues req's answer: its body (taken from req->out, or the borrowed
 * static buffer of http_static, which is not copied), content type,
 * the security headers and the handler's own headers. */
static enum MHD_Result
queue(struct req *req)
{
    struct MHD_Response *resp;
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
    for (size_t i = 0;
         i < sizeof(security_headers) / sizeof(security_headers[0]); i++)
        MHD_add_response_header(resp, security_headers[i].name,
                                security_headers[i].value);
    for (struct http_header *h = req->headers; h; h = h->next)
        MHD_add_response_header(resp, h->name, h->value);
    enum MHD_Result rc = MHD_queue_response(req->conn, (unsigned)req->status,
                                            resp);
    MHD_destroy_response(resp);
    return rc;
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
    if (req == NULL) {
        req = req_new(s, conn, url, method);
        *con_cls = req;
        atomic_fetch_add(&s->active, 1);
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                     "Content-Length");
        if (cl) {
            char *end;
            unsigned long long n = strtoull(cl, &end, 10);
            if (*end != '\0' || n > req->body_limit) {
                /* Refuse before reading the body: answering now makes
                 * libmicrohttpd skip it and close the connection. */
                req->body_too_large = true;
                http_error(req, 413, "body_too_large", NULL,
                           "the request body is larger than %zu bytes",
                           req->body_limit);
                return queue(req);
            }
            if (n > 0)
                req->body = arena_alloc(&req->arena, (size_t)n + 1);
        }
        return MHD_YES;
    }
    if (*upload_data_size != 0) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (req->body_too_large)
            return MHD_YES;
        if (req->body_len + n > req->body_limit) {
            req->body_too_large = true; /* chunked: discard the rest */
            return MHD_YES;
        }
        if (req->body == NULL) {
            req->body = arena_alloc(&req->arena, req->body_limit + 1);
        }
        memcpy(req->body + req->body_len, upload_data, n);
        req->body_len += n;
        req->body[req->body_len] = '\0';
        return MHD_YES;
    }
    if (req->deferred) /* called again after http_resume */
        return req->ready ? queue(req) : MHD_YES;
    if (req->answered)
        return MHD_YES; /* already queued (early 413) */
    dispatch(s, req);
    if (req->deferred)
        return defer_or_queue(req);
    return queue(req);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
             enum MHD_RequestTerminationCode toe)
{
    (void)conn;
    (void)toe;
    struct http_server *s = cls;
    struct req *req = *con_cls;
    if (req == NULL)
        return;
    int64_t ns = now_mono_ns() - req->t_start_ns;
    metrics_observe(req->route_index, req->status, ns);
    if (log_access_enabled()) {
        /* The timestamp is formatted once a second per thread, and the
         * duration in whole microseconds: this runs for every request. */
        static _Thread_local int64_t ts_sec = -1;
        static _Thread_local char ts[21];
        int64_t now = now_unix();
        if (now != ts_sec) {
            time_iso(now, ts);
            ts_sec = now;
        }
        char line[512];
        int n = snprintf(line, sizeof(line), "%s %s %s %s %d %lldus u=%lld",
                         ts, req->ip, req->method, req->path, req->status,
                         (long long)(ns / 1000),
                         (long long)(req->user ? req->user->user_id : 0));
        if (n > 0)
            log_access(line,
                       n < (int)sizeof(line) ? n : (int)sizeof(line) - 1);
    }
    arena_cleanup(&req->arena);
    strbuf_cleanup(&req->out);
    free(req);
    *con_cls = NULL;
    atomic_fetch_sub(&s->active, 1);
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
    if (parse_i64(colon + 1, &port) != 0 || port < 1 || port > 65535) {
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

struct http_server *
http_start(const struct http_options *o, char *err, size_t errlen)
{
    if (http_routes_check(o->routes, err, errlen) != 0)
        return NULL;
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
    s->d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
            MHD_USE_TURBO | MHD_ALLOW_SUSPEND_RESUME,
        0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&sin, MHD_OPTION_THREAD_POOL_SIZE, workers,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)2000, MHD_OPTION_END);
    if (s->d == NULL) {
        str_fmt(err, errlen, "cannot listen on %s (in use, or no rights)",
                o->listen);
        metrics_free();
        free(s);
        return NULL;
    }
    log_info("listening on http://%s with %u workers", o->listen, workers);
    return s;
}

void
http_stop(struct http_server *s, int grace_ms)
{
    if (s == NULL)
        return;
    /* Stop accepting, then give requests in flight time to finish. */
    MHD_socket fd = MHD_quiesce_daemon(s->d);
    for (int waited = 0; atomic_load(&s->active) > 0 && waited < grace_ms;
         waited += 10)
        usleep(10000);
    if (atomic_load(&s->active) > 0)
        log_warn("stopping with %d requests unfinished",
                 atomic_load(&s->active));
    MHD_stop_daemon(s->d);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    metrics_free();
    free(s);
}

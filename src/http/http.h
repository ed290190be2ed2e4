/*
 * http.h - the HTTP layer: a libmicrohttpd server, a route table, one
 * arena per request, parse-or-respond helpers and response writers.
 *
 * It knows nothing of users or databases. The application gives it a
 * route table and an authenticate hook; every route must declare who may
 * call it (ACCESS_PUBLIC, or ACCESS_USER with a role mask), how large a
 * body it takes and which query parameters it reads, and the server
 * refuses to start if one does not. Role bits are opaque numbers here.
 *
 * Everything about a request is decided on its headers, before the first
 * body byte is kept: the route, the caller, the access rule and the body's
 * limit. A body is held in a buffer that grows with the bytes that arrive,
 * and every body in flight draws on one memory budget.
 */
#pragma once

#include "../core/arena.h"
#include "../core/jsonw.h"
#include "../core/strbuf.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct req;

enum access {
    ACCESS_UNDECLARED = 0, /* the zero value: refused at start */
    ACCESS_PUBLIC,         /* anyone, logged in or not */
    ACCESS_USER,           /* a logged-in user whose role is in .roles */
};

enum route_flags {
    ROUTE_PAGE = 1 << 0,           /* HTML page: 401 redirects to /login */
    ROUTE_UPLOAD = 1 << 1,         /* body limit is max_upload, not JSON */
    ROUTE_PW_CHANGE_OK = 1 << 2,   /* allowed while a password change is due */
    ROUTE_NO_CSRF = 1 << 3,        /* a write that needs no CSRF token (log-in) */
    ROUTE_PHOTO = 1 << 4,          /* body limit is a photo and its form */
    ROUTE_ANON_BODY = 1 << 5,      /* takes a (small) body from anonymous
                                    * callers: the log-in forms */
};

/* The name of each route flag ("page", "upload", ...), for `dangxiao
 * routes`; NULL-name terminated. http_routes_check refuses a route with a
 * flag bit that has no name here, so a new flag cannot be left out. */
struct http_flag_name {
    unsigned bit;
    const char *name;
};
extern const struct http_flag_name http_route_flag_names[];

/* A handler returns the HTTP status it answered with (STYLE 11). */
typedef int (*handler_fn)(struct req *req);

struct route {
    const char *method;   /* "GET", "POST", ... */
    const char *pattern;  /* "/api/v1/users/{id}": {x} matches one segment */
    handler_fn fn;
    enum access access;
    unsigned roles;       /* ACCESS_USER: role bits allowed; must be != 0 */
    unsigned flags;       /* enum route_flags */
    const char *query;    /* the query parameters it reads, "a,b,c"; NULL:
                           * none. Any other one is a 400 unknown_param
                           * (lang is read everywhere; pages also take the
                           * parameters WeChat appends to shared links) */
};

/* Who is calling, filled by the authenticate hook. */
struct principal {
    int64_t user_id;
    int64_t session_id;        /* or token id for bearer tokens */
    const char *username;
    const char *role;          /* role code, e.g. "school_admin" */
    unsigned role_bit;         /* matched against route.roles */
    const char *township_code; /* NULL for county-wide roles */
    int64_t person_id;         /* 0 when none */
    bool via_cookie;           /* false for bearer tokens */
    const char *csrf;          /* the session's CSRF token (cookie only) */
    bool must_change_password;
};

struct http_header {
    const char *name, *value;
    struct http_header *next;
};

struct req {
    struct arena arena;            /* everything below lives in it */
    const struct route *route;
    int route_index;               /* for metrics; -1 when none matched */
    const char *method;
    const char *path;
    const char *params[4];         /* {x} captures, in order */
    int nparams;
    char *body;                    /* NUL-terminated, may hold NULs */
    size_t body_len;
    size_t body_limit;             /* the route's limit in bytes */
    size_t body_cap;               /* bytes allocated for body */
    size_t body_held;              /* bytes drawn from the body budget */
    int64_t body_declared;         /* Content-Length, -1 chunked, 0 none */
    size_t target_len;             /* the request target as sent, bytes */
    int phase;                     /* server.c: how far the request got */
    int csrf;                      /* server.c: 1 checked, -1 not yet */
    bool linger;                   /* server.c: refused mid-body */
    const char *ip;
    struct principal *user;        /* NULL when not logged in */
    void *conn;                    /* struct MHD_Connection * */
    int64_t t_start_ns;
    /* The answer, written by the response helpers. */
    int status;
    struct strbuf out;
    struct jw jw; /* http_list_begin's writer over out */
    const char *out_type;
    const void *static_data;       /* http_static: borrowed body */
    size_t static_len;
    struct http_header *headers;
    bool answered;
    bool page;                     /* errors render as HTML */
    /* http_defer: the answer comes later, from another thread. */
    bool deferred, suspended, ready;
    const char *lang;              /* "zh" or "en", set by the app */
};

/* The hook that turns cookies or bearer tokens into req->user. It returns
 * 0 (req->user may stay NULL: anonymous), or a status it has answered
 * with already (e.g. 500 when the database is down). */
typedef int (*authenticate_fn)(struct req *req);
/* Called before a route's handler runs and after access checks pass. */
typedef void (*prepare_fn)(struct req *req);
/* Translates a message (an English msgid, possibly a printf format) into
 * req->lang for a page's error; returns msgid when it has no translation. */
typedef const char *(*translate_fn)(struct req *req, const char *msgid);
typedef int (*error_page_fn)(struct req *req, int status,
                             const char *message);

struct http_options {
    const char *listen;            /* "127.0.0.1:8080"; port 0: any */
    int workers;                   /* threads; 0 = one per core */
    size_t max_json_body;          /* JSON and form bodies */
    size_t max_upload;             /* ROUTE_UPLOAD bodies */
    size_t max_photo;              /* ROUTE_PHOTO bodies */
    size_t body_budget;            /* all bodies in flight together */
    size_t max_url;                /* request target; longer: 414 */
    size_t max_header;             /* header lines; more: 431 */
    size_t connection_memory;      /* libmicrohttpd's pool per connection */
    int idle_timeout;              /* seconds a connection may be silent;
                                    * 0: 30 */
    const struct route *routes;    /* NULL-method terminated */
    authenticate_fn authenticate;
    prepare_fn prepare;
    translate_fn translate;        /* NULL: pages' errors stay English */
    /* A page's error for a logged-in reader, in the site's frame (its
     * navigation); NULL, or no one logged in: a plain page. It must not
     * need the database. */
    error_page_fn error_page;
};

struct http_server;

/* Checks the route table (every route declares its access rule) and
 * starts listening. Returns NULL with the reason in err. */
struct http_server *http_start(const struct http_options *o, char *err,
                               size_t errlen);
/* The port it listens on (the one the system chose for port 0). */
int http_port(const struct http_server *s);
/* Stops accepting, lets requests in flight finish (up to grace_ms), then
 * stops the threads and frees the server. */
void http_stop(struct http_server *s, int grace_ms);
/* Validates a route table: every route declares its access rule, a body
 * limit only where a body belongs (none on GET), flags that agree with each
 * other (a body from anonymous callers only on a public route, and small;
 * no CSRF exemption for logged-in callers) and a well-formed list of
 * query parameters. 0, or ERR_INVAL with the first bad route named in err.
 * Exposed for the unit tests. */
int http_routes_check(const struct route *routes, char *err, size_t errlen);
/* Matches method+path against routes. Returns the route index, -1 when
 * no pattern matches, -2 when a pattern matches but not the method. Fills
 * params (up to 4) from {x} segments. */
int http_route_match(const struct route *routes, const char *method,
                     const char *path, const char **params, int *nparams,
                     struct arena *a);

/* --- request helpers ----------------------------------------------- */

/* A request header, or NULL. */
const char *req_header(struct req *req, const char *name);
/* A query-string argument, or NULL. name must be one the route declares
 * (struct route.query): reading another is a bug, logged, and fatal in
 * the sanitizer builds so that the tests catch it. */
const char *req_query(struct req *req, const char *name);
/* Whether a request for route r may carry query parameter name: one it
 * declares, lang, or (pages only) one WeChat appends to shared links. */
bool http_query_allowed(const struct route *r, const char *name);
/* A cookie, or NULL. */
const char *req_cookie(struct req *req, const char *name);
/* A field of an application/x-www-form-urlencoded body, or NULL. */
const char *req_form(struct req *req, const char *name);
/* Whether the form body holds name=value (checkboxes send one pair per
 * ticked box). */
bool req_form_has(struct req *req, const char *name, const char *value);
/* Checks every field of a form body (application/x-www-form-urlencoded)
 * as req_json_or_400 checks a JSON body's strings: a name or value with a
 * character no text may hold, a %00 or bytes that are not UTF-8 answers
 * 422 invalid_field naming it, and -1.
 * 0 when the body is fine or not a form. The server runs it before any
 * write's handler. Values read with req_form have CR LF turned into LF
 * (a textarea sends CR LF). */
int req_form_check_or_422(struct req *req);

/* The content of the file field name in a multipart/form-data body (a
 * browser's upload form): 0 with data/len pointing into the body, or -1
 * when there is none. */
int req_multipart_file(struct req *req, const char *name, const char **data,
                       size_t *len);
/* Reads query argument name as an integer in [min, max], or def when
 * absent. On a bad value answers 400 invalid_param and returns -1. */
int req_query_int_or_400(struct req *req, const char *name, int64_t min,
                         int64_t max, int64_t def, int64_t *out);
/* page (>= 1) and per_page (1..500, default 50) or a 400. */
int req_paging_or_400(struct req *req, int64_t *page, int64_t *per_page);
/* Path parameter i as a positive int64 or a 404 not_found. */
int req_param_id_or_404(struct req *req, int i, int64_t *out);

/* Parses the body as a JSON object. On failure answers 400 bad_json /
 * bad_content_type and returns NULL. Every string in it, at any depth,
 * has its CR LF and lone CR turned into LF, and must hold no character
 * that no text may (text_check's TEXT_LINES): else 422 invalid_field
 * naming it ("questions[2].text") and NULL. The object is freed with the
 * request. */
json_t *req_json_or_400(struct req *req);
/* Reads a one-line string field (TEXT_LINE: no control characters, tab
 * and line feed included): required or optional (absent or null gives
 * *out = NULL), length counted in characters between min and max. On a
 * bad value answers 422 (missing_field / invalid_field) and returns -1. */
int json_str_or_422(struct req *req, json_t *obj, const char *name,
                    bool required, long min, long max, const char **out);
/* The same for a multi-line field (notes, intros, minutes, free-text
 * answers: TEXT_LINES keeps tab and line feed). */
int json_text_or_422(struct req *req, json_t *obj, const char *name,
                     bool required, long min, long max, const char **out);
int json_bool_or_422(struct req *req, json_t *obj, const char *name,
                     bool required, int *out); /* -1 absent, 0, 1 */
int json_int_or_422(struct req *req, json_t *obj, const char *name,
                    bool required, int64_t min, int64_t max, bool *present,
                    int64_t *out);
/* A list of one-line names (absent or null: empty), NULL-terminated in
 * the request's arena. */
int json_strs_or_422(struct req *req, json_t *obj, const char *name,
                     size_t max_items, long max_len, const char ***out);
/* A list of distinct positive ids (absent or null: n = 0). */
int json_ids_or_422(struct req *req, json_t *obj, const char *name,
                    size_t max_items, int64_t **out, size_t *n);
/* A number of 学时 in steps of 0.5, as halves (1.5 -> 3); absent: 0. */
int json_halves_or_422(struct req *req, json_t *obj, const char *name,
                       bool required, int64_t max_halves, int64_t *out);

/* --- responses ----------------------------------------------------- */

void http_header_add(struct req *req, const char *name, const char *value);
/* Answers with a JSON value (takes ownership of v). Returns status. */
int http_json(struct req *req, int status, json_t *v);
/* Answers {"error":{"code","message"[,"field"]}} (or an HTML error page
 * for page routes). field may be NULL. Returns status. */
int http_error(struct req *req, int status, const char *code,
               const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Answers with req->out as the body and the given content type. */
int http_body(struct req *req, int status, const char *content_type);
/* Answers with a borrowed static buffer (not copied). */
int http_static(struct req *req, int status, const char *content_type,
                const void *data, size_t len);
int http_redirect(struct req *req, const char *location);
int http_no_content(struct req *req);

/* A list answer streamed into req->out: http_list_begin writes
 * {"items":[ and returns the writer, the handler writes one value per
 * item, and http_list_end closes the array, adds total, page and
 * per_page and answers 200. An http_error in between replaces it all. */
struct jw *http_list_begin(struct req *req);
int http_list_end(struct req *req, int64_t total, int64_t page,
                  int64_t per_page);
/* The same in two steps, for a list that carries more keys: meta closes
 * the items and writes total, page and per_page, the handler adds its
 * keys with the writer returned, and close answers. */
struct jw *http_list_meta(struct req *req, int64_t total, int64_t page,
                          int64_t per_page);
int http_list_close(struct req *req);

/* An answer that another thread gives later (the check-in writer): the
 * handler calls http_defer and returns; the worker thread is freed (the
 * connection is suspended) until that thread has written the answer with
 * the usual helpers and called http_resume. */
void http_defer(struct req *req);
void http_resume(struct req *req);

/* Appends a JSON list envelope {"items":[...],"total","page","per_page"}.
 * Takes ownership of items. */
json_t *http_list(json_t *items, int64_t total, int64_t page,
                  int64_t per_page);

/* --- metrics (metrics.c) ------------------------------------------- */
/* Writes the Prometheus text exposition into req->out. */
void http_metrics_render(struct req *req);
/* Bytes the bodies in flight hold from the body budget now. */
size_t http_body_bytes_in_flight(void);

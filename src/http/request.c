/*
 * request.c - reading a request: headers, query, cookies, form fields,
 * and the parse-or-respond helpers that keep handlers flat (STYLE 12).
 */
#include "http_int.h"

#include "../core/err.h"
#include "../core/log.h"
#include "../core/util.h"

#include <microhttpd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

const char *
req_header(struct req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

/* The sanitizer builds (the tests, the fuzzer) stop at a handler that
 * reads an undeclared query parameter; a release build logs it. */
#if defined(__SANITIZE_ADDRESS__)
#define STRICT_ROUTES 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define STRICT_ROUTES 1
#endif
#endif
#ifndef STRICT_ROUTES
#define STRICT_ROUTES 0
#endif

/* Read by the application on every route: the UI language. */
static const char *const everywhere[] = {"lang"};

/* What WeChat's browser appends to a link shared in a chat, a group or
 * Moments and opened there: from=singlemessage|groupmessage|timeline,
 * isappinstalled=0, scene and subscene (where it was opened), clicktime
 * and enterid (when), ascene, and nsukey (its link check). Trainees open
 * shared links in WeChat, so pages take them (and ignore them). */
static const char *const wechat[] = {"from",    "isappinstalled", "scene",
                                     "subscene", "clicktime",     "enterid",
                                     "ascene",  "nsukey"};

static bool
in_table(const char *const *t, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i], name) == 0)
            return true;
    return false;
}

/* Whether name is one of the comma-separated names of list. */
static bool
in_list(const char *list, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = list; p && *p;) {
        size_t n = strcspn(p, ",");
        if (n == nl && memcmp(p, name, n) == 0)
            return true;
        p += n;
        if (*p == ',')
            p++;
    }
    return false;
}

bool
http_query_allowed(const struct route *r, const char *name)
{
    if (in_table(everywhere, sizeof(everywhere) / sizeof(everywhere[0]),
                 name))
        return true;
    if (r == NULL)
        return false;
    if (in_list(r->query, name))
        return true;
    return (r->flags & ROUTE_PAGE) &&
           in_table(wechat, sizeof(wechat) / sizeof(wechat[0]), name);
}

const char *
req_query(struct req *req, const char *name)
{
    if (req->route && !http_query_allowed(req->route, name)) {
        /* A handler reading what its route does not declare: the
         * parameter is refused (400) before the handler runs, so the
         * filter could never work. */
        log_error("bug: %s %s reads query parameter %s, which its route "
                  "does not declare (src/routes.c)",
                  req->route->method, req->route->pattern, name);
#if STRICT_ROUTES
        abort();
#endif
    }
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND,
                                       name);
}

const char *
req_cookie(struct req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

static int
hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes a form-urlencoded token of length n into the arena, with CR LF
 * and a lone CR turned into LF; *len gets the decoded length (a %00 makes
 * it longer than strlen). */
static char *
form_decode_n(struct arena *a, const char *s, size_t n, size_t *len)
{
    char *out = arena_alloc(a, n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            *o++ = ' ';
        } else if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
                   hexval(s[i + 2]) >= 0) {
            *o++ = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    *len = text_lf(out, (size_t)(o - out));
    return out;
}

static char *
form_decode(struct arena *a, const char *s, size_t n)
{
    size_t len;
    return form_decode_n(a, s, n, &len);
}

/* What bad_text is told besides a character: not UTF-8, or a %00 in a
 * form (which a C string would end at). */
enum { TEXT_NOT_UTF8 = -1, TEXT_NUL = -2 };

/* Answers 422 for text that holds cp (> 0: a character no such field
 * may hold; else TEXT_NOT_UTF8 or TEXT_NUL) in field. */
static int
bad_text(struct req *req, const char *field, long cp)
{
    if (cp == TEXT_NOT_UTF8)
        return http_error(req, 422, "invalid_field", field,
                          "%s is not UTF-8 text", field);
    if (cp == TEXT_NUL)
        cp = 0; /* shown as the character it is, U+0000 */
    if (req->page)
        return http_error(req, 422, "invalid_field", field,
                          "“%s”含有不可见的控制字符 (U+%04lX)，请删去后再提交。"
                          " / %s holds a control character (U+%04lX).",
                          field, (unsigned long)cp, field,
                          (unsigned long)cp);
    return http_error(req, 422, "invalid_field", field,
                      "%s must not hold control characters (it holds "
                      "U+%04lX)",
                      field, (unsigned long)cp);
}

/* Calls fn for each name=value pair of a form body; stops when fn
 * returns true. */
static bool
form_each(struct req *req, bool (*fn)(const char *name, size_t nl,
                                      const char *value, size_t vl,
                                      void *ud),
          void *ud)
{
    const char *ct = req_header(req, "Content-Type");
    if (req->body == NULL || ct == NULL ||
        strncmp(ct, "application/x-www-form-urlencoded", 33) != 0)
        return false;
    const char *p = req->body, *end = req->body + req->body_len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        if (amp == NULL)
            amp = end;
        const char *eq = memchr(p, '=', (size_t)(amp - p));
        if (eq && fn(p, (size_t)(eq - p), eq + 1, (size_t)(amp - eq - 1), ud))
            return true;
        p = amp + 1;
    }
    return false;
}

struct form_check {
    struct req *req;
    const char *field; /* the first bad field */
    long cp;
};

/* text_check of a form token as decoded, TEXT_NUL when it holds a %00. */
static long
token_check(struct arena *a, const char *s, size_t n, enum text_kind kind,
            const char **decoded)
{
    size_t len;
    *decoded = form_decode_n(a, s, n, &len);
    if (strlen(*decoded) != len)
        return TEXT_NUL;
    return text_check(*decoded, kind);
}

static bool
check_pair(const char *name, size_t nl, const char *value, size_t vl,
           void *ud)
{
    struct form_check *c = ud;
    const char *n, *v;
    long bad_name = token_check(&c->req->arena, name, nl, TEXT_LINE, &n);
    long cp = bad_name ? bad_name
                       : token_check(&c->req->arena, value, vl, TEXT_LINES,
                                     &v);
    if (cp == 0)
        return false;
    c->field = bad_name ? "(a field name)" : n;
    c->cp = cp;
    return true;
}

int
req_form_check_or_422(struct req *req)
{
    struct form_check c = {req, NULL, 0};
    if (!form_each(req, check_pair, &c))
        return 0;
    bad_text(req, c.field, c.cp);
    return -1;
}

struct form_match {
    struct req *req;
    const char *name, *value;
};

static bool
match_pair(const char *name, size_t nl, const char *value, size_t vl,
           void *ud)
{
    struct form_match *m = ud;
    if (strlen(m->name) != nl || memcmp(name, m->name, nl) != 0)
        return false;
    return strcmp(form_decode(&m->req->arena, value, vl), m->value) == 0;
}

bool
req_form_has(struct req *req, const char *name, const char *value)
{
    struct form_match m = {req, name, value};
    return form_each(req, match_pair, &m);
}

const char *
req_form(struct req *req, const char *name)
{
    const char *ct = req_header(req, "Content-Type");
    if (req->body == NULL || ct == NULL ||
        strncmp(ct, "application/x-www-form-urlencoded", 33) != 0)
        return NULL;
    size_t nl = strlen(name);
    const char *p = req->body, *end = req->body + req->body_len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        if (amp == NULL)
            amp = end;
        const char *eq = memchr(p, '=', (size_t)(amp - p));
        if (eq && (size_t)(eq - p) == nl && memcmp(p, name, nl) == 0)
            return form_decode(&req->arena, eq + 1,
                               (size_t)(amp - eq - 1));
        p = amp + 1;
    }
    return NULL;
}

int
req_query_int_or_400(struct req *req, const char *name, int64_t min,
                     int64_t max, int64_t def, int64_t *out)
{
    const char *v = req_query(req, name);
    if (v == NULL || *v == '\0') {
        *out = def;
        return 0;
    }
    int64_t n;
    if (parse_i64(v, &n) != 0 || n < min || n > max) {
        http_error(req, 400, "invalid_param", name,
                   "%s must be a whole number from %lld to %lld", name,
                   (long long)min, (long long)max);
        return -1;
    }
    *out = n;
    return 0;
}

int
req_paging_or_400(struct req *req, int64_t *page, int64_t *per_page)
{
    if (req_query_int_or_400(req, "page", 1, 1000000, 1, page) != 0)
        return -1;
    return req_query_int_or_400(req, "per_page", 1, 500, 50, per_page);
}

int
req_param_id_or_404(struct req *req, int i, int64_t *out)
{
    int64_t n;
    if (i >= req->nparams || parse_i64(req->params[i], &n) != 0 || n < 1) {
        http_error(req, 404, "not_found", NULL, "no such resource: %s",
                   req->path);
        return -1;
    }
    *out = n;
    return 0;
}

static void
json_decref_cb(void *p)
{
    json_decref(p);
}

/* Where a value sits in the body: key under path ("name",
 * "questions[2].text"), or its index when key is NULL. */
static const char *
path_join(struct req *req, const char *path, const char *key, size_t index)
{
    if (key)
        return path ? arena_printf(&req->arena, "%s.%s", path, key)
                    : arena_strdup(&req->arena, key);
    return arena_printf(&req->arena, "%s[%zu]", path ? path : "", index);
}

/* Normalises line ends in every string under v (v is the value at key,
 * or at index, under path) and checks it holds only what text may
 * (TEXT_LINES; keys TEXT_LINE). 0, or -1 answered. Paths are built only
 * for containers and for the field at fault. */
static int
text_walk(struct req *req, json_t *v, const char *path, const char *key,
          size_t index)
{
    long cp = 0;
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t n = json_string_length(v);
        if (memchr(s, '\r', n)) {
            char *t = arena_strndup(&req->arena, s, n);
            n = text_lf(t, n);
            json_string_setn(v, t, n);
            s = json_string_value(v);
        }
        /* jansson refuses \u0000, so s is the whole string. */
        if ((cp = text_check(s, TEXT_LINES)) == 0)
            return 0;
    } else if (json_is_object(v) || json_is_array(v)) {
        const char *here = key || path ? path_join(req, path, key, index)
                                       : NULL;
        const char *k;
        json_t *x;
        size_t i;
        json_object_foreach(v, k, x)
        {
            if ((cp = text_check(k, TEXT_LINE)) != 0)
                break;
            if (text_walk(req, x, here, k, 0) != 0)
                return -1;
        }
        json_array_foreach(v, i, x)
        if (text_walk(req, x, here, NULL, i) != 0)
            return -1;
        if (cp == 0)
            return 0;
        bad_text(req, here ? here : "body", cp); /* the key's object */
        return -1;
    } else {
        return 0;
    }
    bad_text(req, path_join(req, path, key, index), cp);
    return -1;
}

json_t *
req_json_or_400(struct req *req)
{
    const char *ct = req_header(req, "Content-Type");
    if (ct == NULL || strncmp(ct, "application/json", 16) != 0) {
        http_error(req, 400, "bad_content_type", NULL,
                   "send the body as application/json");
        return NULL;
    }
    if (req->body == NULL || req->body_len == 0) {
        http_error(req, 400, "bad_json", NULL, "the body is empty");
        return NULL;
    }
    json_error_t e;
    json_t *v = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES,
                           &e);
    if (v == NULL) {
        http_error(req, 400, "bad_json", NULL,
                   "the body is not valid JSON (line %d, column %d): %s",
                   e.line, e.column, e.text);
        return NULL;
    }
    arena_defer(&req->arena, json_decref_cb, v);
    if (!json_is_object(v)) {
        http_error(req, 400, "bad_json", NULL,
                   "the body must be a JSON object");
        return NULL;
    }
    if (text_walk(req, v, NULL, NULL, 0) != 0)
        return NULL;
    return v;
}

/* json_str_or_422 and json_text_or_422, by the kind of text. */
static int
json_text(struct req *req, json_t *obj, const char *name, bool required,
          long min, long max, enum text_kind kind, const char **out)
{
    json_t *v = json_object_get(obj, name);
    *out = NULL;
    if (v == NULL || json_is_null(v)) {
        if (!required)
            return 0;
        http_error(req, 422, "missing_field", name, "%s is required", name);
        return -1;
    }
    if (!json_is_string(v)) {
        http_error(req, 422, "invalid_field", name, "%s must be a string",
                   name);
        return -1;
    }
    const char *s = json_string_value(v);
    if (strlen(s) != json_string_length(v)) {
        http_error(req, 422, "invalid_field", name,
                   "%s must not contain NUL characters", name);
        return -1;
    }
    long n = utf8_chars(s), cp = text_check(s, kind);
    if (n < 0 || cp != 0) {
        bad_text(req, name, n < 0 ? -1 : cp);
        return -1;
    }
    if (n < min || n > max || (min > 0 && str_blank(s))) {
        if (n == 0 || str_blank(s)) {
            http_error(req, 422, "invalid_field", name,
                       "%s must not be empty", name);
            return -1;
        }
        http_error(req, 422, "invalid_field", name,
                   "%s must be %ld to %ld characters long", name, min, max);
        return -1;
    }
    *out = s;
    return 0;
}

int
json_str_or_422(struct req *req, json_t *obj, const char *name,
                bool required, long min, long max, const char **out)
{
    return json_text(req, obj, name, required, min, max, TEXT_LINE, out);
}

int
json_text_or_422(struct req *req, json_t *obj, const char *name,
                 bool required, long min, long max, const char **out)
{
    return json_text(req, obj, name, required, min, max, TEXT_LINES, out);
}

int
json_bool_or_422(struct req *req, json_t *obj, const char *name,
                 bool required, int *out)
{
    json_t *v = json_object_get(obj, name);
    *out = -1;
    if (v == NULL || json_is_null(v)) {
        if (!required)
            return 0;
        http_error(req, 422, "missing_field", name, "%s is required", name);
        return -1;
    }
    if (!json_is_boolean(v)) {
        http_error(req, 422, "invalid_field", name,
                   "%s must be true or false", name);
        return -1;
    }
    *out = json_is_true(v) ? 1 : 0;
    return 0;
}

int
json_int_or_422(struct req *req, json_t *obj, const char *name,
                bool required, int64_t min, int64_t max, bool *present,
                int64_t *out)
{
    json_t *v = json_object_get(obj, name);
    *present = false;
    if (v == NULL || json_is_null(v)) {
        if (!required)
            return 0;
        http_error(req, 422, "missing_field", name, "%s is required", name);
        return -1;
    }
    if (!json_is_integer(v) || json_integer_value(v) < min ||
        json_integer_value(v) > max) {
        http_error(req, 422, "invalid_field", name,
                   "%s must be a whole number from %lld to %lld", name,
                   (long long)min, (long long)max);
        return -1;
    }
    *present = true;
    *out = json_integer_value(v);
    return 0;
}

int
json_strs_or_422(struct req *req, json_t *obj, const char *name,
                 size_t max_items, long max_len, const char ***out)
{
    json_t *v = json_object_get(obj, name);
    *out = arena_alloc(&req->arena, (max_items + 1) * sizeof(char *));
    (*out)[0] = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_array(v) || json_array_size(v) > max_items) {
        http_error(req, 422, "invalid_field", name,
                   "%s must be a list of at most %zu names", name,
                   max_items);
        return -1;
    }
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x)
    {
        const char *s = json_string_value(x);
        if (s && strlen(s) == json_string_length(x) && utf8_chars(s) >= 0 &&
            text_check(s, TEXT_LINE) != 0) {
            bad_text(req, path_join(req, name, NULL, i),
                     text_check(s, TEXT_LINE));
            return -1;
        }
        if (s == NULL || strlen(s) != json_string_length(x) ||
            *s == '\0' || utf8_chars(s) < 0 || utf8_chars(s) > max_len) {
            http_error(req, 422, "invalid_field", name,
                       "%s must hold names of 1 to %ld characters", name,
                       max_len);
            return -1;
        }
        (*out)[i] = s;
        (*out)[i + 1] = NULL;
    }
    return 0;
}

int
json_ids_or_422(struct req *req, json_t *obj, const char *name,
                size_t max_items, int64_t **out, size_t *n)
{
    json_t *v = json_object_get(obj, name);
    *n = 0;
    *out = arena_alloc(&req->arena, (max_items + 1) * sizeof(int64_t));
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_array(v) || json_array_size(v) > max_items) {
        http_error(req, 422, "invalid_field", name,
                   "%s must be a list of at most %zu ids", name, max_items);
        return -1;
    }
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x)
    {
        if (!json_is_integer(x) || json_integer_value(x) < 1) {
            http_error(req, 422, "invalid_field", name,
                       "%s must hold positive whole numbers", name);
            return -1;
        }
        for (size_t j = 0; j < *n; j++)
            if ((*out)[j] == json_integer_value(x)) {
                http_error(req, 422, "invalid_field", name,
                           "%s holds %lld twice", name,
                           (long long)json_integer_value(x));
                return -1;
            }
        (*out)[(*n)++] = json_integer_value(x);
    }
    return 0;
}

int
json_halves_or_422(struct req *req, json_t *obj, const char *name,
                   bool required, int64_t max_halves, int64_t *out)
{
    json_t *v = json_object_get(obj, name);
    *out = 0;
    if (v == NULL || json_is_null(v)) {
        if (!required)
            return 0;
        http_error(req, 422, "missing_field", name, "%s is required", name);
        return -1;
    }
    double d = json_is_number(v) ? json_number_value(v) : -1;
    double h = d * 2;
    if (h < 1 || h > (double)max_halves || h != (double)(int64_t)h) {
        http_error(req, 422, "invalid_field", name,
                   "%s must be a number of 学时 in steps of 0.5, from 0.5 "
                   "to %lld", name, (long long)(max_halves / 2));
        return -1;
    }
    *out = (int64_t)h;
    return 0;
}

/* Finds needle (n bytes) in hay (len bytes). */
static const char *
memfind(const char *hay, size_t len, const char *needle, size_t n)
{
    if (n == 0 || len < n)
        return NULL;
    for (const char *p = hay; p + n <= hay + len; p++) {
        p = memchr(p, needle[0], (size_t)(hay + len - p));
        if (p == NULL || p + n > hay + len)
            return NULL;
        if (memcmp(p, needle, n) == 0)
            return p;
    }
    return NULL;
}

int
req_multipart_file(struct req *req, const char *name, const char **data,
                   size_t *len)
{
    const char *ct = req_header(req, "Content-Type");
    if (ct == NULL || strncmp(ct, "multipart/form-data", 19) != 0 ||
        req->body == NULL)
        return -1;
    const char *b = strstr(ct, "boundary=");
    if (b == NULL)
        return -1;
    b += 9;
    size_t bl = strcspn(b, ";");
    if (*b == '"' && bl >= 2) {
        b++;
        bl -= 2;
    }
    if (bl == 0 || bl > 200)
        return -1;
    char delim[210];
    str_fmt(delim, sizeof(delim), "--%.*s", (int)bl, b);
    size_t dl = strlen(delim);
    char want[160];
    str_fmt(want, sizeof(want), "name=\"%s\"", name);
    const char *p = req->body, *end = req->body + req->body_len;
    while ((p = memfind(p, (size_t)(end - p), delim, dl)) != NULL) {
        p += dl;
        if (p + 2 <= end && memcmp(p, "--", 2) == 0)
            break; /* the closing delimiter */
        const char *hend = memfind(p, (size_t)(end - p), "\r\n\r\n", 4);
        if (hend == NULL)
            break;
        bool match = memfind(p, (size_t)(hend - p), want, strlen(want)) !=
                     NULL;
        const char *body = hend + 4;
        const char *next = memfind(body, (size_t)(end - body), delim, dl);
        if (next == NULL)
            break;
        if (match) {
            /* The part ends with CRLF before the next delimiter. */
            const char *stop = next;
            if (stop - body >= 2 && stop[-2] == '\r' && stop[-1] == '\n')
                stop -= 2;
            *data = body;
            *len = (size_t)(stop - body);
            return 0;
        }
        p = next;
    }
    return -1;
}

/*
 * response.c - writing the answer: JSON, errors in the API's shape,
 * redirects, borrowed static bodies. Each helper records the status and
 * returns it, so a handler can end with `return http_json(req, 200, v);`.
 */
#include "http_int.h"

#include "html.h"

#include "../core/util.h"

#include <stdarg.h>
#include <string.h>
#include <strings.h>

void
http_header_add(struct req *req, const char *name, const char *value)
{
    struct http_header *h = arena_alloc(&req->arena, sizeof(*h));
    h->name = name;
    h->value = value;
    h->next = req->headers;
    req->headers = h;
}

static int
dump_cb(const char *buf, size_t size, void *data)
{
    strbuf_append(data, buf, size);
    return 0;
}

int
http_json(struct req *req, int status, json_t *v)
{
    strbuf_reset(&req->out);
    json_dump_callback(v, dump_cb, &req->out,
                       JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(10));
    json_decref(v);
    req->status = status;
    req->out_type = "application/json";
    req->answered = true;
    http_header_add(req, "Cache-Control", "no-store");
    return status;
}

/* Set once at start (http_start), read by every worker. */
static translate_fn page_translate;
static error_page_fn page_frame;

void
http_set_translate(translate_fn fn, error_page_fn page)
{
    page_translate = fn;
    page_frame = page;
}

int
http_error(struct req *req, int status, const char *code, const char *field,
           const char *fmt, ...)
{
    /* A page's message is in the reader's language: the catalog's
     * translation of the format, with the same conversions. */
    const char *f = req->page && page_translate ? page_translate(req, fmt)
                                                : fmt;
    va_list ap;
    va_start(ap, fmt);
    char *msg = arena_vprintf(&req->arena, f, ap);
    va_end(ap);
    /* A message may quote the client's bytes (jansson's "near '...'"):
     * json_pack refuses what is not UTF-8, which left an empty body. */
    utf8_scrub(msg);
    if (req->page)
        return req->user && page_frame ? page_frame(req, status, msg)
                                       : http_error_page(req, status, msg);
    json_t *e = json_pack("{s:s, s:s}", "code", code, "message", msg);
    if (field)
        json_object_set_new(e, "field", json_string(field));
    /* A 429 says when to come back: the handler's own time when it gave
     * one (a lock's end), else a minute. */
    bool has_retry = false;
    for (struct http_header *h = req->headers; h; h = h->next)
        has_retry = has_retry || strcasecmp(h->name, "Retry-After") == 0;
    if (status == 429 && !has_retry)
        http_header_add(req, "Retry-After", "60");
    return http_json(req, status, json_pack("{s:o}", "error", e));
}

int
http_error_page(struct req *req, int status, const char *message)
{
    strbuf_reset(&req->out);
    strbuf_puts(&req->out, "<!doctype html><html lang=\"zh-CN\"><head>"
                           "<meta charset=\"utf-8\"><meta name=\"viewport\" "
                           "content=\"width=device-width,initial-scale=1\">"
                           "<link rel=\"stylesheet\" href=\"/assets/app.css\">"
                           "<title>");
    strbuf_printf(&req->out, "%d", status);
    strbuf_puts(&req->out, "</title></head><body><main class=\"error-page\">"
                           "<h1>");
    strbuf_printf(&req->out, "%d", status);
    strbuf_puts(&req->out, "</h1><p>");
    html_txt(&req->out, message);
    strbuf_puts(&req->out, "</p><p><a href=\"/\">返回首页 / Home</a></p>"
                           "</main></body></html>");
    return http_body(req, status, "text/html; charset=utf-8");
}

int
http_body(struct req *req, int status, const char *content_type)
{
    req->status = status;
    req->out_type = content_type;
    req->answered = true;
    return status;
}

int
http_static(struct req *req, int status, const char *content_type,
            const void *data, size_t len)
{
    req->static_data = data;
    req->static_len = len;
    return http_body(req, status, content_type);
}

int
http_redirect(struct req *req, const char *location)
{
    http_header_add(req, "Location", location);
    strbuf_reset(&req->out);
    return http_body(req, 303, "text/plain; charset=utf-8");
}

int
http_no_content(struct req *req)
{
    strbuf_reset(&req->out);
    return http_body(req, 204, "text/plain; charset=utf-8");
}

struct jw *
http_list_begin(struct req *req)
{
    strbuf_reset(&req->out);
    jw_init(&req->jw, &req->out);
    jw_obj(&req->jw);
    jw_key(&req->jw, "items");
    jw_arr(&req->jw);
    return &req->jw;
}

struct jw *
http_list_meta(struct req *req, int64_t total, int64_t page,
               int64_t per_page)
{
    struct jw *w = &req->jw;
    jw_end(w);
    jw_key(w, "total");
    jw_int(w, total);
    jw_key(w, "page");
    jw_int(w, page);
    jw_key(w, "per_page");
    jw_int(w, per_page);
    return w;
}

int
http_list_close(struct req *req)
{
    jw_end(&req->jw);
    req->status = 200;
    req->out_type = "application/json";
    req->answered = true;
    http_header_add(req, "Cache-Control", "no-store");
    return 200;
}

int
http_list_end(struct req *req, int64_t total, int64_t page, int64_t per_page)
{
    http_list_meta(req, total, page, per_page);
    return http_list_close(req);
}

json_t *
http_list(json_t *items, int64_t total, int64_t page, int64_t per_page)
{
    return json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total",
                     (json_int_t)total, "page", (json_int_t)page, "per_page",
                     (json_int_t)per_page);
}

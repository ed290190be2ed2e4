/*
 * req.c - see req.h.
 */
#include "req.h"

#include "../../src/core/util.h"

#include <jansson.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

/* Replaces the library's own for the whole test binary: conn is the
 * fake. Only the Content-Type header is known. */
const char *
MHD_lookup_connection_value(struct MHD_Connection *connection,
                            enum MHD_ValueKind kind, const char *key)
{
    struct fake_req *f = (struct fake_req *)connection;
    if (f == NULL || kind != MHD_HEADER_KIND || key == NULL)
        return NULL;
    return strcasecmp(key, "Content-Type") == 0 ? f->content_type : NULL;
}

void
fake_req_init(struct fake_req *f, const char *method,
              const char *content_type, const void *body, size_t len,
              bool page)
{
    memset(f, 0, sizeof(*f));
    struct req *req = &f->req;
    arena_init(&req->arena, 4096);
    strbuf_init(&req->out, 0);
    req->conn = f;
    req->method = method;
    req->path = "/fake";
    req->ip = "127.0.0.1";
    req->lang = "zh";
    req->route_index = -1;
    req->page = page;
    f->content_type = content_type;
    if (body) {
        /* Exactly len bytes and a NUL, as the server keeps a body. */
        req->body = arena_alloc(&req->arena, len + 1);
        memcpy(req->body, body, len);
        req->body[len] = '\0';
        req->body_len = len;
    }
}

void
fake_req_cleanup(struct fake_req *f)
{
    strbuf_cleanup(&f->req.out);
    arena_cleanup(&f->req.arena);
}

/* The error object of the answer, or NULL (not JSON, or no error). */
static json_t *
answer_error(struct fake_req *f, json_t **root)
{
    *root = NULL;
    if (!f->req.answered || f->req.page)
        return NULL;
    *root = json_loadb(f->req.out.p, f->req.out.len, 0, NULL);
    return json_object_get(*root, "error");
}

static const char *
error_member(struct fake_req *f, const char *key)
{
    json_t *root;
    json_t *e = answer_error(f, &root);
    const char *v = json_string_value(json_object_get(e, key));
    const char *copy = v ? arena_strdup(&f->req.arena, v) : NULL;
    json_decref(root);
    return copy;
}

const char *
fake_req_error_code(struct fake_req *f)
{
    return error_member(f, "code");
}

const char *
fake_req_error_field(struct fake_req *f)
{
    return error_member(f, "field");
}

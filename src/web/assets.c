/*
 * assets.c - serving the embedded files: /assets/{name}, with an ETag and
 * a year-long cache life (page links carry ?v=ETAG, so a new build busts
 * the cache).
 */
#include "assets.h"

#include "web.h"

#include "../core/util.h"

#include <string.h>

const struct asset *
asset_find(const char *name)
{
    for (const struct asset *a = assets; a->name; a++)
        if (strcmp(a->name, name) == 0)
            return a;
    return NULL;
}

int
web_asset(struct req *req)
{
    const struct asset *a = asset_find(req->params[0]);
    if (a == NULL || strcmp(a->name, "zh_CN.mo") == 0)
        return http_error(req, 404, "not_found", NULL, "no such asset");
    char *etag = arena_printf(&req->arena, "\"%s\"", a->etag);
    http_header_add(req, "ETag", etag);
    http_header_add(req, "Cache-Control", "public, max-age=31536000, immutable");
    const char *inm = req_header(req, "If-None-Match");
    if (inm && strcmp(inm, etag) == 0)
        return http_static(req, 304, a->content_type, "", 0);
    return http_static(req, 200, a->content_type, a->data, a->len);
}

/*
 * req.h - a request without a connection, for the unit tests and the
 * fuzz targets: the request helpers (req_json_or_400, json_str_or_422,
 * req_form_check_or_422 ...) run on it as a handler runs them. Its
 * headers come from the fake, through the one libmicrohttpd call the
 * helpers make (req.c defines MHD_lookup_connection_value, which the
 * test binary then uses in place of the library's).
 */
#pragma once

#include "../../src/http/http.h"

#include <stdbool.h>
#include <stddef.h>

struct fake_req {
    struct req req;
    const char *content_type;
};

/* A request for method with that Content-Type and body (copied). page
 * makes errors render as HTML, as on a page route. Free with
 * fake_req_cleanup. */
void fake_req_init(struct fake_req *f, const char *method,
                   const char *content_type, const void *body, size_t len,
                   bool page);
void fake_req_cleanup(struct fake_req *f);
/* The code of the error answered ("invalid_field"), or NULL. */
const char *fake_req_error_code(struct fake_req *f);
/* The field of the error answered, or NULL. */
const char *fake_req_error_field(struct fake_req *f);

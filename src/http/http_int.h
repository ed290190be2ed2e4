/*
 * http_int.h - shared between the files of the HTTP layer only.
 */
#pragma once

#include "http.h"

/* Metrics, kept per route (plus one slot for "no route") and status. */
void metrics_init(const struct route *routes, int nroutes);
void metrics_observe(int route_index, int status, int64_t ns);
void metrics_free(void);

/* Ends a page route's error as HTML (response.c). */
int http_error_page(struct req *req, int status, const char *message);

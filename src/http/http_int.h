/*
 * http_int.h - shared between the files of the HTTP layer only.
 */
#pragma once

#include "http.h"

/* Metrics, kept per route (plus one slot for "no route") and status. */
void metrics_init(const struct route *routes, int nroutes);
void metrics_observe(int route_index, int status, int64_t ns);
void metrics_free(void);

/* Sets the translation of pages' error messages (response.c). */
void http_set_translate(translate_fn fn);
/* Ends a page route's error as HTML (response.c). */
int http_error_page(struct req *req, int status, const char *message);

/* Lingering close (linger.c), one per process: linger_add takes a
 * socket (a dup of the connection's) whose request was refused while its
 * body was still coming, shuts its write side and reads what the client
 * still sends into a scratch buffer until the client closes or 2 s pass,
 * so that the client reads our answer instead of a reset. */
int linger_start(void); /* 0, or -1 (no thread or epoll set) */
void linger_stop(void); /* closes what still lingers */
void linger_add(int fd);

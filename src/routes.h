/*
 * routes.h - the route table: every URL the server answers, the API's and
 * the pages', with who may call it (routes.c).
 */
#pragma once

#include "http/http.h"

#include <jansson.h>

/* The route table, NULL-method terminated: the routes written in
 * routes.c, then those of each declared kind. Set by routes_init (once,
 * at start, after kinds_init); NULL before. */
extern const struct route *routes;
int routes_init(void);
/* The route table and the role table as JSON, for `dangxiao routes` (the
 * tests walk every route from it): {"roles":[{"code","label",
 * "township"}], "routes":[{"method","pattern","access":"public"|"user",
 * "roles":[codes],"flags":[names],"query":[names]}], "kinds":[{"name",
 * "path","voids","fields":[{"key","type","required","create","edit",
 * "scope","min","max","choices"}]}]}. The caller frees it with
 * json_decref. */
json_t *routes_json(void);

/*
 * web_int.h - the page-building helpers the files of src/web share: the
 * layout (top bar, navigation by role, phone tab bar), pagers, form
 * errors and select options. Text goes through T() (i18n.h) and the
 * escaping writers of http/html.h.
 */
#pragma once

#include "../http/http.h"

#include <stdint.h>

#define T(s) tr(req->lang, s)

/* Opens a page for a logged-in user; current is the navigation entry to
 * mark. */
void web_page_begin(struct req *req, const char *title, const char *current);
/* Closes the page and answers 200 (callers may change req->status). */
int web_page_end(struct req *req);
/* "‹ P / N ›" links to base?page=…&extra. */
void web_pager(struct req *req, const char *base, int64_t page,
               int64_t per_page, int64_t total, const char *extra);
/* A field's error under it, if msg is not NULL. */
void web_field_error(struct req *req, const char *msg);
/* <option value=…> with selected when value equals selected. */
void web_select_option(struct req *req, const char *value,
                       const char *label, const char *selected);
/* A role's name in the page's language. */
const char *web_role_label(struct req *req, const char *code);

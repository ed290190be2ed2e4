/*
 * web_int.h - the page-building helpers the files of src/web share: the
 * layout (top bar, navigation by role, phone tab bar) and the pager
 * (pages.c), and the pieces of forms and tables (form.c). Text goes
 * through T() (i18n.h) and the escaping writers of http/html.h.
 */
#pragma once

#include "../app/app.h"
#include "../http/http.h"

#include <jansson.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#define T(s) tr(req->lang, s)

/* Opens a page for a logged-in user; current is the navigation entry to
 * mark. */
void web_page_begin(struct req *req, const char *title, const char *current);
/* Closes the page and answers 200 (callers may change req->status). */
int web_page_end(struct req *req);
/* A code and its label (msgid); tables end with {NULL, NULL}. */
struct web_label {
    const char *code, *label;
};

/* ledger.c: the questions, discussion minutes and photos of a session,
 * under its admin page. 0, or a status answered. */
struct db;
int web_ledger_sections(struct req *req, struct db *db, int64_t sid);

/* A chart drawn by static/charts.js (ECharts) from spec {"type":"bar" or
 * "pie","labels","values","links"?}; takes spec. Put the figures in a
 * table beside it too: they print, and they read without script. */
void web_chart(struct req *req, const char *id, json_t *spec);
/* Closes a page that holds charts: their scripts, then web_page_end. */
int web_page_end_charts(struct req *req);
/* "‹ P / N ›" links to base?page=…&extra. */
void web_pager(struct req *req, const char *base, int64_t page,
               int64_t per_page, int64_t total, const char *extra);
/* report.c: what a list the county report links to counts. Inside a
 * page's filter form: for county roles a township select (a school
 * admin's list is its own township's), and From and To dates unless from
 * is NULL. */
void web_scope_fields(struct req *req, const char *township,
                      const char *from, const char *to);
/* The line under the filters that says it: "文亭街道 · 2026年1月1日 –
 * 2026年12月2日" (the county when township is NULL; no dates when from
 * is NULL). */
void web_scope_note(struct req *req, const char *township, const char *from,
                    const char *to);
/* A list's filter form (id, action) opening with the scope's fields; the
 * caller adds its own, then web_scope_form_end writes the button, closes
 * the form and writes the scope note. */
void web_scope_form_begin(struct req *req, const char *id, const char *action,
                          const char *township, const char *from,
                          const char *to);
void web_scope_form_end(struct req *req, const char *township,
                        const char *from, const char *to);
/* The one row of a list with no record, across cols columns: with
 * filters given, that nothing matches; else what to do next, "还没有
 * what · 新建" (new_href NULL: no link, the caller may not create). */
void web_empty_row(struct req *req, int cols, bool filtered,
                   const char *what, const char *new_href);
/* Closes a list's table with its total: "Total: N", N in a span with id
 * (what the county report's figure counts). */
void web_total_foot(struct req *req, int colspan, const char *id,
                    int64_t total);
/* path with query, a string of "&name=value" (web_query_arg): "path?…",
 * or path alone when query is empty (never a bare "?"). */
const char *web_url(struct req *req, const char *path, const char *query);
/* A role's name in the page's language. */
const char *web_role_label(struct req *req, const char *code);
/* A township's name, or code itself when there is none. */
const char *web_township_name(struct req *req, const char *code);

/* --- form.c: fields, forms and table cells --------------------------- */

/* A field's error under it, if msg is not NULL. */
void web_field_error(struct req *req, const char *msg);
/* err when err_field names field, else NULL: a form keeps one error and
 * each field asks whether it is its own. */
const char *web_err_for(const char *err_field, const char *err,
                        const char *field);
/* The domain's reason (Chinese) for a bad value, or "Not valid." in
 * English. */
const char *web_why(struct req *req, const char *why);
/* Whether s is given, valid UTF-8, at most max characters, and one line
 * (no tab, line feed or other control character: text_check). The server
 * has refused other control characters in any form field before the page
 * handler runs (req_form_check_or_422). */
bool web_text_ok(const char *s, long max);
/* The hidden _csrf field every POST form carries. */
void web_csrf(struct req *req);
/* <form id=… class="form" method="post" action=…> with the CSRF field;
 * web_form_end writes the submit button (class may be NULL) and closes
 * it. button is already translated. */
void web_form_begin(struct req *req, const char *id, const char *action);
void web_form_end(struct req *req, const char *button, const char *class);
/* A labelled <input> (label msgid) holding value, err under it. */
void web_input(struct req *req, const char *name, const char *msgid,
               const char *value, const char *type, const char *err);
/* <option value=…> with selected when value equals selected. */
void web_select_option(struct req *req, const char *value, const char *label,
                       const char *selected);
/* Opens a select that stands without a visible label (a filter bar's):
 * label is its accessible name. */
void web_select_begin(struct req *req, const char *name, const char *label);
/* A <select name=…> of items, a JSON array of {"code","name"} (items
 * without a code are left out). With msgid it sits in a <label> of that
 * text, else (a filter) first is its accessible name; first, when not
 * NULL, labels an empty first option; err goes under it. */
void web_code_select(struct req *req, const char *name, const char *msgid,
                     json_t *items, const char *first, const char *selected,
                     const char *err);
/* The void form of a record page: heading title, a required reason
 * labelled reason, the button; all already translated. */
void web_void_form(struct req *req, const char *action, const char *title,
                   const char *reason, const char *button, const char *err);
/* The notice a voided record's page opens with: label and the reason. */
void web_voided(struct req *req, const char *label, const char *reason);
/* Table cells: a header of msgid, a cell of text (escaped), a record row
 * "msgid | value" (— when value is NULL). */
void web_th(struct req *req, const char *msgid);
void web_td(struct req *req, const char *text);
void web_row(struct req *req, const char *msgid, const char *value);
/* A string member of a JSON object, or NULL. */
const char *web_jstr(json_t *o, const char *key);
/* A YYYY-MM-DD date as the page shows it: 2026年3月1日 in Chinese (SPEC
 * §4.1), as given in English; NULL stays NULL. */
const char *web_date(struct req *req, const char *iso);
/* The "name" of the item of items whose "code" is code; code itself when
 * none is, NULL when code is NULL. */
const char *web_name_of(json_t *items, const char *code);
/* Appends &name=value (URL-encoded) to a query string; nothing when value
 * is NULL or empty. */
void web_query_arg(struct strbuf *sb, const char *name, const char *value);

/* --- form.c: shared by the teaching admin pages ---------------------- */

/* v, released with the request (json_decref), so a page needs no
 * cleanup path; NULL stays NULL. */
json_t *web_owned(struct req *req, json_t *v);
/* s when it is given and not "", else NULL (a form's empty field). */
const char *web_nonempty(const char *s);
/* A code's name, or the code itself when it names nothing known. */
static inline const char *
web_name_or_code(const char *name, const char *code)
{
    return name ? name : code;
}
/* The "id" member of a record. */
int64_t web_id_of(json_t *v);
/* "base/id", the address of a record's page. */
const char *web_path_id(struct req *req, const char *base, int64_t id);
/* The record {id} of the path as the caller may see it (app_get_scoped:
 * another township's does not exist for it), released with the request;
 * *db is the connection. With live, a voided record is missing too. NULL
 * having answered 404 (msgid, in the page's language) or 500. */
json_t *web_record_of_path(struct req *req, struct db **db, record_get_fn get,
                           const char *msgid, bool live);
/* items after a domain read that returned rc, owned by the request; NULL
 * having answered 500. */
struct db;
json_t *web_loaded(struct req *req, struct db *db, int rc, json_t *items);
/* "2026年12月1日 09:00" (in English "2026-12-01 09:00") in China time
 * from an API time string; "" when iso is NULL or not a time. */
const char *web_local_time(struct req *req, const char *iso);
/* The same of unix seconds. */
const char *web_local_unix(struct req *req, int64_t t);
/* <h1>text</h1>. */
void web_h1(struct req *req, const char *text);
/* Ends a page answered with status (200, or 4xx for a form to fix). */
int web_finish(struct req *req, int status);
/* A table cell linking to href. */
void web_td_link(struct req *req, const char *href, const char *text);
/* A notice paragraph with an id (already translated text). */
void web_notice(struct req *req, const char *id, const char *text);
/* A labelled checkbox name=value; label already translated. */
void web_checkbox(struct req *req, const char *name, const char *value,
                  const char *label, bool checked);
/* 学时 kept in halves as the page shows them: 3 -> "1.5", 4 -> "2". */
const char *web_halves(struct req *req, int64_t halves);
/* The schools the caller may see, its own township's or all 13, by id
 * and name (the room kind's school reference, kinds_schools). */
struct schools {
    struct kchoice *c; /* code: the id as text */
    int64_t *id;
    size_t n;
};
/* Those of township (NULL: all); 0, or -1 having answered. */
int web_schools_of(struct req *req, struct db *db, const char *township,
                   struct schools *out);
/* The name of school id among s, or NULL when it is not one of them. */
const char *web_school_name(const struct schools *s, int64_t id);
/* A select of choices c[0..n) by code and name, as web_code_select. */
void web_choice_select(struct req *req, const char *name, const char *msgid,
                       const struct kchoice *c, size_t n, const char *first,
                       const char *selected, const char *err);
/* A count as a card shows it: 12345 -> "1.2万" in Chinese (the exact
 * number stays in the table or the title), "12345" in English. */
const char *web_count(struct req *req, int64_t n);
/* A rating's figures as pages show them: a score "%.1f", a rate
 * "%.1f%%" (web_share), "—" when there is none (struct rating). */
const char *web_score(struct req *req, bool has, double v);
const char *web_share(struct req *req, bool has, double v);
/* Parses "1.5" (steps of 0.5) into halves, 1..max: false when not. */
bool web_parse_halves(const char *s, int64_t max, int64_t *out);
/* A list's filter form whose search box (placeholder msgid) reloads
 * table_id as one types (htmx); the caller adds its selects, then
 * web_search_end the button and, when new_href, the link to the form. */
void web_search_begin(struct req *req, const char *id, const char *base,
                      const char *table_id, const char *q, const char *msgid);
void web_search_end(struct req *req, const char *new_href,
                    const char *new_label);

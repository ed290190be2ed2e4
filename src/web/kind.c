/*
 * kind.c - the list page of any declared kind (core/kind.h), from its
 * declaration alone: the search and its filters above (a township chosen
 * by name), column headers that sort, the total, a pager with page
 * numbers and a box to jump to one, export of exactly the filtered rows
 * (.xlsx and CSV), and a print view on A4 with the title, the unit and
 * the date, as an official 统计表 carries them.
 */
#include "web.h"

#include "i18n.h"
#include "web_int.h"

#include "../app/app.h"
#include "../core/err.h"
#include "../core/sheet.h"
#include "../core/util.h"
#include "../domain/kind.h"
#include "../domain/rules.h"
#include "../http/html.h"

#include <stdlib.h>
#include <string.h>

/* The most rows an export or a print view holds. */
#define KIND_EXPORT_MAX 100000

static bool
english(const struct req *req)
{
    return req->lang && strcmp(req->lang, "en") == 0;
}

static const char *
label_of(const struct req *req, const struct kind_field *f)
{
    return english(req) ? f->label_en : f->label;
}

static const char *
choice_label(const struct req *req, const struct kind_field *f,
             const char *code)
{
    for (const struct kind_choice *c = f->choices; c && c->code; c++)
        if (strcmp(c->code, code) == 0)
            return english(req) ? c->label_en : c->label;
    return code;
}

/* A cell's text: a township, a code or a row by its name, a choice by
 * its label, a date
 * as 2026年3月1日 on a page (as stored in an export, for the
 * spreadsheet to read), else the value. */
static const char *
cell(struct req *req, const struct kind_field *f, const struct krecord *r,
     size_t i, bool page)
{
    if (f->ref && r->name[i])
        return r->name[i];
    if (r->v[i].is != KV_TEXT)
        return "";
    if (f->type == KT_CHOICE)
        return choice_label(req, f, r->v[i].s);
    if (f->type == KT_DATE && page)
        return web_date(req, r->v[i].s);
    return r->v[i].s;
}

/* Whether k's scope field names a row of a township (a room's school):
 * its list then takes ?township= of its own. */
static bool
scope_ref(const struct kind *k)
{
    int s = kind_scope_field(k);
    return s >= 0 && kind_scope_ref(k, s);
}

/* A select of field i's choices (its fixed choices, or the rows it may
 * name, of township where it must lie in one) named name; with label
 * the field's label is shown, else (a filter bar) it is the select's
 * accessible name; first is the empty option's text. */
static void
choice_select(struct req *req, struct db *db, const struct kind *k, size_t i,
              const char *name, const char *township, const char *first,
              const char *selected, bool label)
{
    struct strbuf *o = &req->out;
    const struct kind_field *f = &k->fields[i];
    if (label) {
        html_raw(o, "<label>");
        html_txt(o, label_of(req, f));
        html_raw(o, "<select name=\"");
    } else {
        html_raw(o, "<select aria-label=\"");
        html_attr(o, label_of(req, f));
        html_raw(o, "\" name=\"");
    }
    html_attr(o, name);
    html_raw(o, "\">");
    web_select_option(req, "", first, selected);
    if (f->ref) {
        struct kchoice *c;
        size_t n;
        if (kind_choices(db, &req->arena, k, i, township, &c, &n) == 0)
            for (size_t j = 0; j < n; j++)
                web_select_option(req, c[j].code, c[j].name, selected);
    } else {
        for (const struct kind_choice *c = f->choices; c && c->code; c++)
            web_select_option(req, c->code,
                              english(req) ? c->label_en : c->label,
                              selected);
    }
    html_raw(o, label ? "</select></label>" : "</select>");
}

/* The name of code among field i's choices (code itself if none). */
static const char *
choice_name(struct req *req, struct db *db, const struct kind *k, size_t i,
            const char *code)
{
    const struct kind_field *f = &k->fields[i];
    if (f->ref == NULL)
        return choice_label(req, f, code);
    struct kchoice *c;
    size_t n;
    if (kind_choices(db, &req->arena, k, i, NULL, &c, &n) == 0)
        for (size_t j = 0; j < n; j++)
            if (strcmp(c[j].code, code) == 0)
                return c[j].name;
    return code;
}

/* The query that reproduces l's filters and search (and sort when
 * with_sort), as "&name=value…". */
static const char *
list_query(struct req *req, const struct kind *k, const struct klist *l,
           bool with_sort)
{
    struct strbuf b;
    strbuf_init(&b, 0);
    for (size_t i = 0; k->fields[i].key; i++) {
        const struct kind_field *f = &k->fields[i];
        /* A school admin's own township is implied, not asked for. */
        if ((f->flags & KF_FILTER) && l->filter[i] &&
            !((f->flags & KF_SCOPE) && app_scope(req)))
            web_query_arg(&b, f->param ? f->param : f->key, l->filter[i]);
    }
    if (scope_ref(k) && !app_scope(req))
        web_query_arg(&b, "township", l->township);
    for (size_t j = 0; k->switches && k->switches[j].param; j++)
        web_query_arg(&b, k->switches[j].param, l->on[j] ? "1" : NULL);
    web_query_arg(&b, "q", l->q);
    if (with_sort) {
        const char *s = req_query(req, "sort");
        web_query_arg(&b, "sort", s && *s ? s : NULL);
    }
    char *x = strbuf_take(&b, NULL);
    const char *out = arena_strdup(&req->arena, x);
    free(x);
    return out;
}

/* Whether the caller's role may write records of k (its forms). */
static bool
may_write(const struct req *req, const struct kind *k)
{
    return req->user && (req->user->role_bit & k->write_roles);
}

static const char *
base_of(struct req *req, const struct kind *k)
{
    return arena_printf(&req->arena, "/%s", k->path);
}

/* The filter bar: the search, then each filter (the township by name,
 * for county roles), the button, the new-record link. */
static void
filters(struct req *req, struct db *db, const struct kind *k,
        const struct klist *l)
{
    struct strbuf *o = &req->out;
    const char *base = base_of(req, k);
    html_raw(o, "<form class=\"filters\" method=\"get\" id=\"kind-filters\" "
                "action=\"");
    html_attr(o, base);
    html_raw(o, "\"><input type=\"search\" name=\"q\" aria-label=\"");
    html_attr(o, T("Search"));
    html_raw(o, "\" hx-get=\"");
    html_attr(o, base);
    html_raw(o, "\" hx-trigger=\"input changed delay:300ms\" "
                "hx-target=\"#kind-table\" hx-select=\"#kind-table\" "
                "hx-swap=\"outerHTML\" hx-include=\"#kind-filters\" "
                "placeholder=\"");
    html_attr(o, T("Search by name"));
    html_raw(o, "\" value=\"");
    html_attr(o, l->q ? l->q : "");
    html_raw(o, "\">");
    /* Each filter a select (a school admin's own township is implied);
     * a row that lies in a township, of the township filtered. */
    const char *township = app_scope(req);
    int scope = kind_scope_field(k);
    if (scope_ref(k))
        township = l->township;
    else if (scope >= 0 && l->filter[scope])
        township = l->filter[scope];
    if (scope_ref(k))
        web_scope_fields(req, l->township, NULL, NULL);
    for (size_t i = 0; k->fields[i].key; i++) {
        const struct kind_field *f = &k->fields[i];
        if (!(f->flags & KF_FILTER) || (f->type != KT_CHOICE && !f->ref) ||
            ((f->flags & KF_SCOPE) && app_scope(req)))
            continue;
        choice_select(req, db, k, i, f->param ? f->param : f->key, township,
                      f->type == KT_TOWNSHIP ? T("All townships") : T("All"),
                      l->filter[i], false);
    }
    /* Each switch: all, or only those it keeps. */
    for (size_t j = 0; k->switches && k->switches[j].param; j++) {
        const struct kind_switch *w = &k->switches[j];
        const char *label = english(req) ? w->label_en : w->label;
        html_raw(o, "<select aria-label=\"");
        html_attr(o, label);
        html_raw(o, "\" name=\"");
        html_attr(o, w->param);
        html_raw(o, "\">");
        web_select_option(req, "0", T("All"), l->on[j] ? "1" : "0");
        web_select_option(req, "1", label, l->on[j] ? "1" : "0");
        html_raw(o, "</select>");
    }
    const char *s = req_query(req, "sort");
    if (s && *s) {
        html_raw(o, "<input type=\"hidden\" name=\"sort\" value=\"");
        html_attr(o, s);
        html_raw(o, "\">");
    }
    html_raw(o, "<button type=\"submit\">");
    html_txt(o, T("Search"));
    html_raw(o, "</button>");
    if (may_write(req, k)) {
        html_raw(o, "<a class=\"button\" id=\"kind-new\" href=\"");
        html_attr(o, arena_printf(&req->arena, "%s/new", base));
        html_raw(o, "\">");
        html_txt(o, T("New"));
        html_txt(o, english(req) ? " " : "");
        html_txt(o, english(req) ? k->label_en : k->label);
        html_raw(o, "</a>");
    }
    html_raw(o, "</form>");
}

/* The header of field i: a link that sorts by it, or the other way when
 * it is the sort already; aria-sort says which. */
static void
sort_header(struct req *req, const struct kind *k, const struct klist *l,
            size_t i, const char *query, bool links)
{
    struct strbuf *o = &req->out;
    const struct kind_field *f = &k->fields[i];
    if (!(f->flags & KF_SORT) || !links) {
        html_raw(o, "<th scope=\"col\">");
        html_txt(o, label_of(req, f));
        html_raw(o, "</th>");
        return;
    }
    bool on = l->sort == (int)i;
    html_raw(o, "<th scope=\"col\"");
    if (on)
        html_raw(o, l->desc ? " aria-sort=\"descending\""
                            : " aria-sort=\"ascending\"");
    html_raw(o, "><a class=\"sort\" href=\"");
    const char *sort = arena_printf(&req->arena, "%s%s",
                                    on && !l->desc ? "-" : "", f->key);
    struct strbuf q;
    strbuf_init(&q, 0);
    strbuf_puts(&q, query);
    web_query_arg(&q, "sort", sort);
    html_attr(o, web_url(req, base_of(req, k), strbuf_str(&q)));
    strbuf_cleanup(&q);
    html_raw(o, "\">");
    html_txt(o, label_of(req, f));
    if (on)
        html_raw(o, l->desc ? " ▼" : " ▲");
    html_raw(o, "</a></th>");
}

/* Page numbers around the current one, the first and the last, and a
 * box to jump to any (a form carrying the filters). */
static void
pager(struct req *req, const struct kind *k, const struct klist *l,
      int64_t total, const char *query)
{
    struct strbuf *o = &req->out;
    int64_t pages = (total + l->per_page - 1) / l->per_page;
    if (pages <= 1)
        return;
    const char *base = base_of(req, k);
    html_raw(o, "<nav class=\"pager\" aria-label=\"");
    html_attr(o, T("Pages"));
    html_raw(o, "\">");
    int64_t last_shown = 0;
    for (int64_t p = 1; p <= pages; p++) {
        bool near = p == 1 || p == pages || (p >= l->page - 2 &&
                                             p <= l->page + 2);
        if (!near)
            continue;
        if (last_shown && p > last_shown + 1)
            html_raw(o, "<span class=\"gap\">…</span>");
        last_shown = p;
        if (p == l->page) {
            strbuf_printf(o, "<span aria-current=\"page\">%lld</span>",
                          (long long)p);
            continue;
        }
        html_raw(o, "<a href=\"");
        html_attr(o, arena_printf(&req->arena, "%s?page=%lld&per_page=%lld%s",
                                  base, (long long)p,
                                  (long long)l->per_page, query));
        strbuf_printf(o, "\">%lld</a>", (long long)p);
    }
    html_raw(o, "</nav><form class=\"jump\" method=\"get\" action=\"");
    html_attr(o, base);
    html_raw(o, "\">");
    for (size_t i = 0; k->fields[i].key; i++) {
        const struct kind_field *f = &k->fields[i];
        if ((f->flags & KF_FILTER) && l->filter[i] &&
            !((f->flags & KF_SCOPE) && app_scope(req))) {
            html_raw(o, "<input type=\"hidden\" name=\"");
            html_attr(o, f->param ? f->param : f->key);
            html_raw(o, "\" value=\"");
            html_attr(o, l->filter[i]);
            html_raw(o, "\">");
        }
    }
    for (size_t j = 0; k->switches && k->switches[j].param; j++)
        if (l->on[j]) {
            html_raw(o, "<input type=\"hidden\" name=\"");
            html_attr(o, k->switches[j].param);
            html_raw(o, "\" value=\"1\">");
        }
    const char *extra[3][2] = {
        {"q", l->q},
        {"sort", req_query(req, "sort")},
        {"township", scope_ref(k) && !app_scope(req) ? l->township : NULL}};
    for (int i = 0; i < 3; i++)
        if (extra[i][1] && *extra[i][1]) {
            html_raw(o, "<input type=\"hidden\" name=\"");
            html_attr(o, extra[i][0]);
            html_raw(o, "\" value=\"");
            html_attr(o, extra[i][1]);
            html_raw(o, "\">");
        }
    strbuf_printf(o,
                  "<input type=\"hidden\" name=\"per_page\" value=\"%lld\">"
                  "<label>",
                  (long long)l->per_page);
    html_txt(o, T("Go to page"));
    strbuf_printf(o,
                  " <input type=\"number\" name=\"page\" min=\"1\" "
                  "max=\"%lld\" value=\"%lld\" required></label>"
                  "<button type=\"submit\">",
                  (long long)pages, (long long)l->page);
    html_txt(o, T("Go"));
    html_raw(o, "</button></form>");
}

/* The table of rows (the list page's, or the print view's). */
static void
table(struct req *req, const struct kind *k, const struct klist *l,
      const struct krecord *rows, size_t n, int64_t total, const int64_t *sum,
      const char *query, bool links)
{
    struct strbuf *o = &req->out;
    size_t nf = 0;
    while (k->fields[nf].key)
        nf++;
    int title = kind_field_index(k, k->title_key);
    html_raw(o, "<table class=\"kind\"><thead><tr>");
    for (size_t i = 0; i < nf; i++)
        sort_header(req, k, l, i, query, links);
    html_raw(o, "</tr></thead><tbody>");
    for (size_t r = 0; r < n; r++) {
        strbuf_printf(o, "<tr data-id=\"%lld\">", (long long)rows[r].id);
        for (size_t i = 0; i < nf; i++) {
            const char *text = cell(req, &k->fields[i], &rows[r], i, true);
            if (links && (int)i == title)
                web_td_link(req,
                            arena_printf(&req->arena, "/%s/%lld", k->path,
                                         (long long)rows[r].id),
                            text);
            else if (k->fields[i].type == KT_INT) {
                html_raw(o, "<td class=\"num\">");
                html_txt(o, text);
                html_raw(o, "</td>");
            } else {
                web_td(req, text);
            }
        }
        html_raw(o, "</tr>");
    }
    if (n == 0) {
        bool filtered = l->q != NULL ||
                        (scope_ref(k) && l->township && !app_scope(req));
        for (size_t j = 0; k->switches && k->switches[j].param; j++)
            filtered = filtered || l->on[j];
        for (size_t i = 0; i < nf; i++)
            filtered = filtered ||
                       (l->filter[i] && !((k->fields[i].flags & KF_SCOPE) &&
                                          app_scope(req)));
        /* What to do next: 还没有村(社区) · 新建. */
        web_empty_row(req, (int)nf, filtered,
                      english(req) ? k->label_en : k->label,
                      links && may_write(req, k)
                          ? arena_printf(&req->arena, "/%s/new", k->path)
                          : NULL);
    }
    /* The totals row: the count, then under each column that adds up
     * its total over every filtered row (not the page's alone). */
    size_t first = nf;
    for (size_t i = 0; i < nf; i++)
        if (k->fields[i].flags & KF_SUM) {
            first = i;
            break;
        }
    strbuf_printf(o, "</tbody><tfoot><tr><td colspan=\"%zu\">",
                  first ? first : nf);
    html_txt(o, T("Total"));
    strbuf_printf(o, ": <span id=\"kind-total\">%lld</span>",
                  (long long)total);
    html_raw(o, "</td>");
    for (size_t i = first; first && i < nf; i++)
        if (k->fields[i].flags & KF_SUM)
            strbuf_printf(o, "<td class=\"num\" id=\"kind-sum-%s\">%lld</td>",
                          k->fields[i].key, (long long)sum[i]);
        else
            html_raw(o, "<td></td>");
    html_raw(o, "</tr></tfoot></table>");
}

/* The print view: the table alone on A4, under the heading an official
 * 统计表 carries (title, 填报单位, 日期), every filtered row. */
static int
print_view(struct req *req, struct db *db, const struct kind *k,
           const struct klist *l, const struct krecord *rows, size_t n,
           int64_t total, const int64_t *sum)
{
    struct strbuf *o = &req->out;
    const char *title = english(req) ? k->label_en : k->label;
    char today[11];
    int year;
    rules_day(now_unix(), today, &year);
    const char *unit = app_scope(req)
                           ? web_township_name(req, app_scope(req))
                           : T("Chengwu County");
    html_raw(o, "<!doctype html><html lang=\"zh-CN\"><head>"
                "<meta charset=\"utf-8\"><link rel=\"stylesheet\" "
                "href=\"/assets/app.css\"><title>");
    html_txt(o, title);
    html_raw(o, "</title></head><body class=\"print-view\"><main>"
                "<h1 id=\"print-title\">");
    html_txt(o, title);
    html_txt(o, T("Statistics table"));
    html_raw(o, "</h1><p class=\"print-head\"><span>");
    html_txt(o, T("Unit"));
    html_raw(o, "：");
    html_txt(o, unit);
    html_raw(o, "</span><span>");
    html_txt(o, T("Date"));
    html_raw(o, "：");
    html_txt(o, web_date(req, today));
    html_raw(o, "</span></p>");
    /* What the table is of: the filters and the search, by name. */
    html_raw(o, "<p class=\"print-scope\">");
    bool any = false;
    for (size_t i = 0; k->fields[i].key; i++) {
        const struct kind_field *f = &k->fields[i];
        if (!(f->flags & KF_FILTER) || !l->filter[i])
            continue;
        html_txt(o, any ? "；" : "");
        html_txt(o, label_of(req, f));
        html_raw(o, "：");
        html_txt(o, choice_name(req, db, k, i, l->filter[i]));
        any = true;
    }
    if (scope_ref(k) && l->township) {
        html_txt(o, any ? "；" : "");
        html_txt(o, T("Township"));
        html_raw(o, "：");
        html_txt(o, web_township_name(req, l->township));
        any = true;
    }
    for (size_t j = 0; k->switches && k->switches[j].param; j++)
        if (l->on[j]) {
            html_txt(o, any ? "；" : "");
            html_txt(o, english(req) ? k->switches[j].label_en
                                     : k->switches[j].label);
            any = true;
        }
    if (l->q) {
        html_txt(o, any ? "；" : "");
        html_txt(o, T("Search"));
        html_raw(o, "：");
        html_txt(o, l->q);
    }
    html_raw(o, "</p>");
    table(req, k, l, rows, n, total, sum, "", false);
    html_raw(o, "</main></body></html>");
    return http_body(req, 200, "text/html; charset=utf-8");
}

int
web_kind_list(struct req *req, const struct kind *k)
{
    struct klist l;
    if (app_kind_list_args(req, k, &l) != 0)
        return req->status;
    const char *print = req_query(req, "print");
    bool printing = print && strcmp(print, "1") == 0;
    if (printing) {
        l.page = 1;
        l.per_page = KIND_EXPORT_MAX;
    }
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct krecord *rows;
    size_t n;
    int64_t total;
    int64_t sum[KIND_MAX_FIELDS];
    l.sum = sum; /* the totals row, read with the count */
    if (kind_list(db, &req->arena, k, &l, &rows, &n, &total) != 0)
        return app_db_error(req, db);
    if (printing)
        return print_view(req, db, k, &l, rows, n, total, sum);
    const char *title = english(req) ? k->label_en : k->label;
    const char *base = base_of(req, k);
    web_page_begin(req, title, base);
    struct strbuf *o = &req->out;
    html_raw(o, "<h1>");
    html_txt(o, title);
    html_raw(o, "</h1>");
    filters(req, db, k, &l);
    const char *query = list_query(req, k, &l, false);
    const char *with_sort = list_query(req, k, &l, true);
    html_raw(o, "<p class=\"actions\"><a id=\"kind-xlsx\" href=\"");
    html_attr(o, web_url(req, arena_printf(&req->arena, "%s/export.xlsx",
                                           base),
                         with_sort));
    html_raw(o, "\">");
    html_txt(o, T("Export .xlsx"));
    html_raw(o, "</a> <a id=\"kind-csv\" href=\"");
    html_attr(o, web_url(req, arena_printf(&req->arena, "%s/export.csv",
                                           base),
                         with_sort));
    html_raw(o, "\">");
    html_txt(o, T("Export CSV"));
    html_raw(o, "</a> <a id=\"kind-print\" target=\"_blank\" href=\"");
    struct strbuf pq;
    strbuf_init(&pq, 0);
    strbuf_puts(&pq, with_sort);
    web_query_arg(&pq, "print", "1");
    html_attr(o, web_url(req, base, strbuf_str(&pq)));
    strbuf_cleanup(&pq);
    html_raw(o, "\">");
    html_txt(o, T("Print"));
    html_raw(o, "</a></p><div id=\"kind-table\" class=\"scroll\">");
    table(req, k, &l, rows, n, total, sum, query, true);
    pager(req, k, &l, total, with_sort);
    html_raw(o, "</div>");
    return web_page_end(req);
}

int
web_kind_export(struct req *req, const struct kind *k, bool xlsx)
{
    struct klist l;
    if (app_kind_list_args(req, k, &l) != 0)
        return req->status;
    l.page = 1;
    l.per_page = KIND_EXPORT_MAX;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct krecord *rows;
    size_t n;
    int64_t total;
    if (kind_list(db, &req->arena, k, &l, &rows, &n, &total) != 0)
        return app_db_error(req, db);
    size_t nf = 0;
    while (k->fields[nf].key)
        nf++;
    const char *heads[KIND_MAX_FIELDS];
    bool text[KIND_MAX_FIELDS];
    for (size_t i = 0; i < nf; i++) {
        heads[i] = label_of(req, &k->fields[i]);
        /* codes keep their digits (DOMAIN.md §3.6); a count is a number */
        text[i] = k->fields[i].type != KT_INT;
    }
    struct sheet *sh = sheet_new(english(req) ? k->label_en : k->label,
                                 (int)nf, heads, text);
    for (size_t r = 0; r < n; r++) {
        const char *cells[KIND_MAX_FIELDS];
        for (size_t i = 0; i < nf; i++)
            cells[i] = cell(req, &k->fields[i], &rows[r], i, false);
        sheet_add_row(sh, cells);
    }
    return app_send_sheet(req, db, sh, k->path, NULL, xlsx);
}

/* --- a record's page and its forms ------------------------------------ */

static const char *
error_for(const struct kerrors *e, const char *key)
{
    for (size_t i = 0; e && i < e->n; i++)
        if (strcmp(e->e[i].field, key) == 0)
            return e->e[i].message;
    return NULL;
}

/* The input of field i holding value, its error under it: a township
 * chosen by name (a school admin's own, fixed), a choice or a row of
 * another table chosen by name (a village of township), else a text
 * box. */
static void
field_input(struct req *req, struct db *db, const struct kind *k, size_t i,
            const char *value, const char *township, const char *err)
{
    struct strbuf *o = &req->out;
    const struct kind_field *f = &k->fields[i];
    bool optional = !(f->flags & KF_REQUIRED);
    if (f->type == KT_TOWNSHIP && app_scope(req)) {
        html_raw(o, "<label>");
        html_txt(o, label_of(req, f));
        html_raw(o, "<input disabled value=\"");
        html_attr(o, web_township_name(req, app_scope(req)));
        html_raw(o, "\"></label>");
        web_field_error(req, err);
        return;
    }
    if (f->type == KT_CHOICE || f->ref) {
        const char *first = f->type == KT_TOWNSHIP ? T("Choose a township")
                            : optional            ? T("(none)")
                                                  : T("Choose");
        const char *of = NULL;
        if (f->ref && f->ref->within)
            of = township ? township : "";
        else if (f->ref && f->ref->township)
            of = app_scope(req); /* a school admin's own schools */
        choice_select(req, db, k, i, f->key, of, first, value, true);
        if (f->ref && f->ref->within && (township == NULL || !*township)) {
            html_raw(o, "<p class=\"hint\">");
            html_txt(o, T("Choose the township first."));
            html_raw(o, "</p>");
        }
        web_field_error(req, err);
        return;
    }
    html_raw(o, "<label>");
    html_txt(o, label_of(req, f));
    if (optional && (f->flags & KF_CREATE)) {
        html_raw(o, " <small>");
        html_txt(o, T("(may be left empty)"));
        html_raw(o, "</small>");
    }
    html_raw(o, "<input name=\"");
    html_attr(o, f->key);
    if (f->type == KT_DATE)
        html_raw(o, "\" type=\"date\"");
    else if (f->type == KT_INT)
        strbuf_printf(o, "\" type=\"number\" min=\"%lld\" max=\"%lld\"",
                      (long long)f->min, (long long)f->max);
    else
        strbuf_printf(o, "\" type=\"text\" maxlength=\"%lld\"",
                      (long long)f->max);
    if (f->type == KT_DIGITS)
        html_raw(o, " inputmode=\"numeric\"");
    html_raw(o, " value=\"");
    html_attr(o, value ? value : "");
    html_raw(o, "\"></label>");
    web_field_error(req, err);
}

/* The field of k that must lie in the record's township (a village),
 * or -1. */
static int
within_field(const struct kind *k)
{
    for (int i = 0; k->fields[i].key; i++)
        if (k->fields[i].ref && k->fields[i].ref->within)
            return i;
    return -1;
}

/* The fields of form flag: each in a div the page can reload alone; a
 * county role's choice of township reloads the field that must lie in
 * it (htmx, from the page at reload; without script the server's check
 * says it beside the field). */
static void
form_fields(struct req *req, struct db *db, const struct kind *k,
            unsigned flag, const struct kval *v, const char *township,
            const struct kerrors *e, const char *reload)
{
    struct strbuf *o = &req->out;
    int w = within_field(k);
    for (size_t i = 0; k->fields[i].key; i++) {
        const struct kind_field *f = &k->fields[i];
        if (!(f->flags & flag))
            continue;
        bool trigger = (f->flags & KF_SCOPE) && w >= 0 && reload &&
                       app_scope(req) == NULL;
        if (trigger) {
            const char *id = arena_printf(&req->arena, "#f-%s",
                                          k->fields[w].key);
            html_raw(o, "<div hx-get=\"");
            html_attr(o, reload);
            html_raw(o, "\" hx-trigger=\"change\" hx-include=\"this\" "
                        "hx-swap=\"outerHTML\" hx-select=\"");
            html_attr(o, id);
            html_raw(o, "\" hx-target=\"");
            html_attr(o, id);
            html_raw(o, "\">");
        } else {
            html_raw(o, "<div id=\"f-");
            html_attr(o, f->key);
            html_raw(o, "\">");
        }
        field_input(req, db, k, i, v && v[i].is == KV_TEXT ? v[i].s : NULL,
                    township, error_for(e, f->key));
        html_raw(o, "</div>");
    }
}

/* A form's fields into v: each field flag allows (an empty optional
 * field is not given to a create and cleared by an edit, a required one
 * an edit form lacks is empty; a school admin's township is its own). */
static void
read_form(struct req *req, const struct kind *k, unsigned flag,
          struct kval *v)
{
    for (size_t i = 0; k->fields[i].key; i++) {
        const struct kind_field *f = &k->fields[i];
        v[i] = (struct kval){KV_ABSENT, NULL};
        if (!(f->flags & flag))
            continue;
        const char *s = req_form(req, f->key);
        if ((f->flags & KF_SCOPE) && f->type == KT_TOWNSHIP &&
            app_scope(req) && (s == NULL || !*s))
            s = app_scope(req);
        if (s == NULL && flag == KF_EDIT && (f->flags & KF_REQUIRED))
            s = ""; /* an edit form posts its every field */
        if (s == NULL)
            continue;
        if (*s == '\0' && !(f->flags & KF_REQUIRED))
            v[i] = (struct kval){flag == KF_EDIT ? KV_NULL : KV_ABSENT, NULL};
        else
            v[i] = (struct kval){KV_TEXT, s};
    }
}

static const char *
new_title(struct req *req, const struct kind *k)
{
    return arena_printf(&req->arena, "%s%s%s", T("New"),
                        english(req) ? " " : "",
                        english(req) ? k->label_en : k->label);
}

/* The form of a new record, with what was typed and every error beside
 * its field. */
static int
new_page(struct req *req, struct db *db, const struct kind *k, int status,
         const struct kval *v, const struct kerrors *e)
{
    const char *title = new_title(req, k);
    web_page_begin(req, title, base_of(req, k));
    struct strbuf *o = &req->out;
    html_raw(o, "<h1>");
    html_txt(o, title);
    html_raw(o, "</h1>");
    web_form_begin(req, arena_printf(&req->arena, "%s-form", k->name),
                   base_of(req, k));
    int s = kind_scope_field(k);
    const char *township = app_scope(req);
    if (township == NULL && s >= 0 && !scope_ref(k) && v &&
        v[s].is == KV_TEXT)
        township = v[s].s;
    form_fields(req, db, k, KF_CREATE, v, township, e,
                arena_printf(&req->arena, "%s/new", base_of(req, k)));
    web_form_end(req, T("Create"), NULL);
    web_page_end(req);
    req->status = status;
    return status;
}

int
web_kind_new(struct req *req, const struct kind *k)
{
    /* A form reloaded for the township chosen (form_fields). */
    struct kval v[KIND_MAX_FIELDS] = {0};
    int s = kind_scope_field(k);
    const char *t = s >= 0 ? web_nonempty(req_query(req, k->fields[s].key))
                           : NULL;
    if (t)
        v[s] = (struct kval){KV_TEXT, t};
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    if (t && app_kind_township_ok(req, db, k, v, NULL) != 0)
        return req->status;
    return new_page(req, db, k, 200, v, NULL);
}

static int
to_record(struct req *req, const struct kind *k, int64_t id)
{
    return http_redirect(req, arena_printf(&req->arena, "/%s/%lld", k->path,
                                           (long long)id));
}

int
web_kind_create(struct req *req, const struct kind *k)
{
    struct kval v[KIND_MAX_FIELDS];
    read_form(req, k, KF_CREATE, v);
    struct db *db = app_db(req);
    if (db == NULL || app_kind_township_ok(req, db, k, v, NULL) != 0)
        return req->status;
    struct audit_who who = app_who(req);
    struct kerrors e;
    int64_t id;
    int rc = kind_create(db, k, v, false, &who, &id, &e);
    if (rc == 0)
        return to_record(req, k, id);
    if (rc == ERR_INVAL || rc == ERR_CONFLICT)
        return new_page(req, db, k, rc == ERR_CONFLICT ? 409 : 422, v, &e);
    return app_db_error(req, db);
}

/* The text of a void's time: a China date either way. */
static const char *
void_date(struct req *req, const struct kind *k, const char *at)
{
    if (k->void_date || at == NULL)
        return web_date(req, at);
    int64_t t;
    if (parse_i64(at, &t) != 0)
        return at;
    char day[11];
    int year;
    rules_day(t, day, &year);
    return web_date(req, arena_strdup(&req->arena, day));
}

/* A record's page: its fields, and while it is live the form of what may
 * change (holding v, errors e beside their fields) and the void form. */
static int
record_page(struct req *req, struct db *db, const struct kind *k,
            const struct krecord *r, int status, const struct kval *v,
            const struct kerrors *e)
{
    struct strbuf *o = &req->out;
    int title_i = kind_field_index(k, k->title_key);
    const char *title = title_i >= 0 ? cell(req, &k->fields[title_i], r,
                                            (size_t)title_i, true)
                                     : k->label;
    bool en = english(req);
    const char *verb = en ? k->void_label_en : k->void_label;
    web_page_begin(req, title, base_of(req, k));
    html_raw(o, "<h1>");
    html_txt(o, title);
    html_raw(o, "</h1>");
    if (r->voided) {
        html_raw(o, "<p class=\"notice\" id=\"voided\">");
        html_txt(o, en ? "Dissolved:" : "已");
        html_txt(o, en ? "" : verb);
        html_txt(o, en ? " " : "：");
        html_txt(o, r->void_reason ? r->void_reason : "");
        html_raw(o, "</p>");
    }
    strbuf_printf(o, "<table class=\"record\" id=\"%s\">", k->name);
    for (size_t i = 0; k->fields[i].key; i++) {
        html_raw(o, "<tr><th>");
        html_txt(o, label_of(req, &k->fields[i]));
        html_raw(o, "</th><td>");
        const char *c = cell(req, &k->fields[i], r, i, true);
        html_txt(o, *c ? c : "—");
        html_raw(o, "</td></tr>");
    }
    if (r->voided) {
        html_raw(o, "<tr><th>");
        html_txt(o, en ? "Dissolved on" : arena_printf(&req->arena, "%s日期",
                                                        verb));
        html_raw(o, "</th><td>");
        html_txt(o, void_date(req, k, r->void_at));
        html_raw(o, "</td></tr>");
    }
    html_raw(o, "</table>");
    if (!r->voided && may_write(req, k)) {
        const char *action =
            arena_printf(&req->arena, "/%s/%lld", k->path, (long long)r->id);
        bool editable = false;
        for (size_t i = 0; k->fields[i].key; i++)
            editable = editable || (k->fields[i].flags & KF_EDIT);
        if (editable) {
            html_raw(o, "<h2>");
            html_txt(o, T("Edit"));
            html_raw(o, "</h2>");
            web_form_begin(req, "edit-form", action);
            form_fields(req, db, k, KF_EDIT, v ? v : r->v, r->township, e,
                        NULL);
            web_form_end(req, T("Save"), NULL);
        }
        if (k->void_column)
            web_void_form(
                req, arena_printf(&req->arena, "%s/void", action),
                en ? arena_printf(&req->arena, "%s this record", verb)
                   : arena_printf(&req->arena, "%s此%s", verb, k->label),
                en ? "Reason (kept with the record)"
                   : arena_printf(&req->arena, "%s原因（与记录一并保存）",
                                  verb),
                verb, error_for(e, "reason"));
    }
    web_page_end(req);
    req->status = status;
    return status;
}

int
web_kind_record(struct req *req, const struct kind *k)
{
    struct db *db = app_db(req);
    struct krecord r;
    if (db == NULL || app_kind_record(req, db, k, &r) != 0)
        return req->status;
    return record_page(req, db, k, &r, 200, NULL, NULL);
}

int
web_kind_update(struct req *req, const struct kind *k)
{
    struct db *db = app_db(req);
    struct krecord r;
    if (db == NULL || app_kind_record(req, db, k, &r) != 0)
        return req->status;
    struct kval v[KIND_MAX_FIELDS];
    read_form(req, k, KF_EDIT, v);
    if (app_kind_township_ok(req, db, k, v, &r) != 0)
        return req->status;
    struct audit_who who = app_who(req);
    struct kerrors e;
    int rc = kind_update(db, k, &r, v, &who, &e);
    if (rc == 0)
        return to_record(req, k, r.id);
    if (rc == ERR_INVAL || rc == ERR_CONFLICT)
        return record_page(req, db, k, &r, rc == ERR_CONFLICT ? 409 : 422,
                           v, &e);
    if (rc == ERR_NOTFOUND)
        return http_error(req, 404, "not_found", NULL, "%s",
                          T("No such record, or it has been voided."));
    return app_db_error(req, db);
}

int
web_kind_void(struct req *req, const struct kind *k)
{
    struct db *db = app_db(req);
    struct krecord r;
    if (db == NULL || app_kind_record(req, db, k, &r) != 0)
        return req->status;
    const char *reason = req_form(req, "reason");
    if (!web_text_ok(reason, 200)) {
        struct kerrors e = {0};
        kerrors_add(&e, "reason", "invalid_field",
                    T("Give the reason, at most 200 characters."));
        return record_page(req, db, k, &r, 422, NULL, &e);
    }
    struct audit_who who = app_who(req);
    int rc = kind_void(db, k, r.id, reason, &who);
    if (rc == 0)
        return to_record(req, k, r.id);
    if (rc == ERR_NOTFOUND)
        return http_error(req, 404, "not_found", NULL, "%s",
                          T("No such record, or it has been voided."));
    return app_db_error(req, db);
}

/* The handlers of the routes the table makes for each kind. */
int
web_kind_list_route(struct req *req)
{
    return web_kind_list(req, app_route_kind(req));
}

int
web_kind_xlsx_route(struct req *req)
{
    return web_kind_export(req, app_route_kind(req), true);
}

int
web_kind_csv_route(struct req *req)
{
    return web_kind_export(req, app_route_kind(req), false);
}

int
web_kind_new_route(struct req *req)
{
    return web_kind_new(req, app_route_kind(req));
}

int
web_kind_create_route(struct req *req)
{
    return web_kind_create(req, app_route_kind(req));
}

int
web_kind_record_route(struct req *req)
{
    return web_kind_record(req, app_route_kind(req));
}

int
web_kind_update_route(struct req *req)
{
    return web_kind_update(req, app_route_kind(req));
}

int
web_kind_void_route(struct req *req)
{
    return web_kind_void(req, app_route_kind(req));
}

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
#include "../core/sheet.h"
#include "../core/util.h"
#include "../domain/kind.h"
#include "../domain/org.h"
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

/* A cell's text: a township by its name, else the value. */
static const char *
cell(const struct kind_field *f, const struct krecord *r, size_t i)
{
    if (f->type == KT_TOWNSHIP && r->name[i])
        return r->name[i];
    return r->v[i].is == KV_TEXT ? r->v[i].s : "";
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
    for (size_t i = 0; k->fields[i].key; i++) {
        const struct kind_field *f = &k->fields[i];
        if (!(f->flags & KF_FILTER) || f->type != KT_TOWNSHIP ||
            app_scope(req))
            continue;
        json_t *towns = json_array();
        int64_t n;
        if (org_townships(db, 1, 500, towns, &n) == 0)
            web_code_select(req, f->param ? f->param : f->key, f->label_en, towns,
                            T("All townships"), l->filter[i], NULL);
        json_decref(towns);
    }
    const char *s = req_query(req, "sort");
    if (s && *s) {
        html_raw(o, "<input type=\"hidden\" name=\"sort\" value=\"");
        html_attr(o, s);
        html_raw(o, "\">");
    }
    html_raw(o, "<button type=\"submit\">");
    html_txt(o, T("Search"));
    html_raw(o, "</button><a class=\"button\" id=\"kind-new\" href=\"");
    html_attr(o, arena_printf(&req->arena, "%s/new", base));
    html_raw(o, "\">");
    html_txt(o, T("New"));
    html_txt(o, english(req) ? " " : "");
    html_txt(o, english(req) ? k->label_en : k->label);
    html_raw(o, "</a></form>");
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
    const char *extra[2][2] = {{"q", l->q}, {"sort", req_query(req, "sort")}};
    for (int i = 0; i < 2; i++)
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
      const struct krecord *rows, size_t n, int64_t total, const char *query,
      bool links)
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
            const char *text = cell(&k->fields[i], &rows[r], i);
            if (links && (int)i == title)
                web_td_link(req,
                            arena_printf(&req->arena, "/%s/%lld", k->path,
                                         (long long)rows[r].id),
                            text);
            else
                web_td(req, text);
        }
        html_raw(o, "</tr>");
    }
    if (n == 0) {
        bool filtered = l->q != NULL;
        for (size_t i = 0; i < nf; i++)
            filtered = filtered ||
                       (l->filter[i] && !((k->fields[i].flags & KF_SCOPE) &&
                                          app_scope(req)));
        strbuf_printf(o, "<tr><td colspan=\"%zu\" class=\"empty\">", nf);
        if (filtered) {
            html_txt(o, T("Nothing matches."));
        } else {
            /* What to do next: 还没有村(社区) · 新建. */
            html_txt(o, T("None yet:"));
            html_txt(o, english(req) ? k->label_en : k->label);
            if (links) {
                html_raw(o, " · <a href=\"");
                html_attr(o, arena_printf(&req->arena, "/%s/new", k->path));
                html_raw(o, "\">");
                html_txt(o, T("New"));
                html_raw(o, "</a>");
            }
        }
        html_raw(o, "</td></tr>");
    }
    strbuf_printf(o, "</tbody><tfoot><tr><td colspan=\"%zu\">", nf);
    html_txt(o, T("Total"));
    strbuf_printf(o, ": <span id=\"kind-total\">%lld</span>",
                  (long long)total);
    html_raw(o, "</td></tr></tfoot></table>");
}

/* The print view: the table alone on A4, under the heading an official
 * 统计表 carries (title, 填报单位, 日期), every filtered row. */
static int
print_view(struct req *req, const struct kind *k, const struct klist *l,
           const struct krecord *rows, size_t n, int64_t total)
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
        html_txt(o, f->type == KT_TOWNSHIP
                        ? web_township_name(req, l->filter[i])
                        : l->filter[i]);
        any = true;
    }
    if (l->q) {
        html_txt(o, any ? "；" : "");
        html_txt(o, T("Search"));
        html_raw(o, "：");
        html_txt(o, l->q);
    }
    html_raw(o, "</p>");
    table(req, k, l, rows, n, total, "", false);
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
    if (kind_list(db, &req->arena, k, &l, &rows, &n, &total) != 0)
        return app_db_error(req, db);
    if (printing)
        return print_view(req, k, &l, rows, n, total);
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
    table(req, k, &l, rows, n, total, query, true);
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
        text[i] = true; /* codes keep their digits (DOMAIN.md §3.6) */
    }
    struct sheet *sh = sheet_new(english(req) ? k->label_en : k->label,
                                 (int)nf, heads, text);
    for (size_t r = 0; r < n; r++) {
        const char *cells[KIND_MAX_FIELDS];
        for (size_t i = 0; i < nf; i++)
            cells[i] = cell(&k->fields[i], &rows[r], i);
        sheet_add_row(sh, cells);
    }
    char *buf = NULL;
    size_t len = 0;
    int rc = xlsx ? sheet_xlsx(sh, &buf, &len) : sheet_csv(sh, &buf, &len);
    sheet_free(sh);
    if (rc != 0)
        return app_db_error(req, db);
    strbuf_reset(&req->out);
    strbuf_append(&req->out, buf, len);
    free(buf);
    http_header_add(req, "Content-Disposition",
                    arena_printf(&req->arena, "attachment; filename=\"%s.%s\"",
                                 k->path, xlsx ? "xlsx" : "csv"));
    return http_body(req,
                     200,
                     xlsx ? "application/vnd.openxmlformats-officedocument."
                            "spreadsheetml.sheet"
                          : "text/csv; charset=utf-8");
}

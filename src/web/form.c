/*
 * form.c - the pieces every page's forms and tables are built from: a
 * labelled input or select with its error under it, the CSRF field, the
 * void form, table cells. Written once here so that each page says what
 * it shows, not how a field looks.
 */
#include "web_int.h"

#include "i18n.h"

#include "../app/app.h"
#include "../core/util.h"
#include "../domain/kind.h"
#include "../domain/rules.h"
#include "../http/html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
web_field_error(struct req *req, const char *msg)
{
    if (msg == NULL)
        return;
    html_raw(&req->out, "<span class=\"field-error\">");
    html_txt(&req->out, msg);
    html_raw(&req->out, "</span>");
}

const char *
web_err_for(const char *err_field, const char *err, const char *field)
{
    return err_field && strcmp(err_field, field) == 0 ? err : NULL;
}

const char *
web_why(struct req *req, const char *why)
{
    /* The domain's reasons are in Chinese; in English say only where. */
    return strcmp(req->lang, "en") == 0 || why == NULL ? T("Not valid.") : why;
}

bool
web_text_ok(const char *s, long max)
{
    long n = s ? utf8_chars(s) : -1;
    return n > 0 && n <= max && text_check(s, TEXT_LINE) == 0;
}

void
web_csrf(struct req *req)
{
    html_raw(&req->out, "<input type=\"hidden\" name=\"_csrf\" value=\"");
    html_attr(&req->out, req->user->csrf ? req->user->csrf : "");
    html_raw(&req->out, "\">");
}

void
web_form_begin(struct req *req, const char *id, const char *action)
{
    html_raw(&req->out, "<form id=\"");
    html_attr(&req->out, id);
    html_raw(&req->out, "\" class=\"form\" method=\"post\" action=\"");
    html_attr(&req->out, action);
    html_raw(&req->out, "\">");
    web_csrf(req);
}

void
web_form_end(struct req *req, const char *button, const char *class)
{
    html_raw(&req->out, "<button type=\"submit\"");
    if (class) {
        html_raw(&req->out, " class=\"");
        html_attr(&req->out, class);
        html_raw(&req->out, "\"");
    }
    html_raw(&req->out, ">");
    html_txt(&req->out, button);
    html_raw(&req->out, "</button></form>");
}

void
web_input(struct req *req, const char *name, const char *msgid,
          const char *value, const char *type, const char *err)
{
    html_raw(&req->out, "<label>");
    html_txt(&req->out, T(msgid));
    html_raw(&req->out, "<input name=\"");
    html_attr(&req->out, name);
    html_raw(&req->out, "\" type=\"");
    html_attr(&req->out, type);
    html_raw(&req->out, "\" value=\"");
    html_attr(&req->out, value ? value : "");
    html_raw(&req->out, "\"></label>");
    web_field_error(req, err);
}

void
web_select_option(struct req *req, const char *value, const char *label,
                  const char *selected)
{
    html_raw(&req->out, "<option value=\"");
    html_attr(&req->out, value);
    html_raw(&req->out,
             selected && strcmp(selected, value) == 0 ? "\" selected>" : "\">");
    html_txt(&req->out, label);
    html_raw(&req->out, "</option>");
}

void
web_select_begin(struct req *req, const char *name, const char *label)
{
    html_raw(&req->out, "<select name=\"");
    html_attr(&req->out, name);
    html_raw(&req->out, "\" aria-label=\"");
    html_attr(&req->out, label);
    html_raw(&req->out, "\">");
}

/* The opening of a select: labelled by msgid, or (a filter) named by
 * its empty choice. */
static void
select_open(struct req *req, const char *name, const char *msgid,
            const char *first, const char *selected)
{
    struct strbuf *o = &req->out;
    if (msgid) {
        html_raw(o, "<label>");
        html_txt(o, T(msgid));
    }
    html_raw(o, "<select ");
    if (msgid == NULL) { /* a filter: its empty choice names it */
        html_raw(o, "aria-label=\"");
        html_attr(o, first ? first : name);
        html_raw(o, "\" ");
    }
    html_raw(o, "name=\"");
    html_attr(o, name);
    html_raw(o, "\">");
    if (first)
        web_select_option(req, "", first, selected);
}

static void
select_close(struct req *req, const char *msgid, const char *err)
{
    html_raw(&req->out, msgid ? "</select></label>" : "</select>");
    web_field_error(req, err);
}

void
web_code_select(struct req *req, const char *name, const char *msgid,
                json_t *items, const char *first, const char *selected,
                const char *err)
{
    select_open(req, name, msgid, first, selected);
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        const char *code = web_jstr(it, "code");
        if (code) /* a village may have no code yet: it cannot be chosen */
            web_select_option(req, code, web_jstr(it, "name"), selected);
    }
    select_close(req, msgid, err);
}

void
web_choice_select(struct req *req, const char *name, const char *msgid,
                  const struct kchoice *c, size_t n, const char *first,
                  const char *selected, const char *err)
{
    select_open(req, name, msgid, first, selected);
    for (size_t i = 0; i < n; i++)
        web_select_option(req, c[i].code, c[i].name, selected);
    select_close(req, msgid, err);
}

int
web_schools_of(struct req *req, struct db *db, const char *township,
               struct schools *out)
{
    size_t n;
    if (kinds_schools(db, &req->arena, township, &out->c, &n) != 0) {
        app_db_error(req, db);
        return -1;
    }
    out->n = n;
    out->id = arena_alloc(&req->arena, (n + 1) * sizeof(*out->id));
    for (size_t i = 0; i < n; i++)
        out->id[i] = strtoll(out->c[i].code, NULL, 10);
    return 0;
}

const char *
web_school_name(const struct schools *s, int64_t id)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->id[i] == id)
            return s->c[i].name;
    return NULL;
}

void
web_void_form(struct req *req, const char *action, const char *title,
              const char *reason, const char *button, const char *err)
{
    struct strbuf *o = &req->out;
    html_raw(o, "<h2>");
    html_txt(o, title);
    html_raw(o, "</h2>");
    web_form_begin(req, "void-form", action);
    html_raw(o, "<label>");
    html_txt(o, reason);
    html_raw(o, "<input name=\"reason\" required></label>");
    web_field_error(req, err);
    web_form_end(req, button, "danger");
}

void
web_voided(struct req *req, const char *label, const char *reason)
{
    html_raw(&req->out, "<p class=\"notice\" id=\"voided\">");
    html_txt(&req->out, label);
    html_raw(&req->out, " ");
    html_txt(&req->out, reason ? reason : "");
    html_raw(&req->out, "</p>");
}

void
web_th(struct req *req, const char *msgid)
{
    html_raw(&req->out, "<th>");
    html_txt(&req->out, T(msgid));
    html_raw(&req->out, "</th>");
}

void
web_td(struct req *req, const char *text)
{
    html_raw(&req->out, "<td>");
    html_txt(&req->out, text ? text : "");
    html_raw(&req->out, "</td>");
}

void
web_row(struct req *req, const char *msgid, const char *value)
{
    html_raw(&req->out, "<tr><th>");
    html_txt(&req->out, T(msgid));
    html_raw(&req->out, "</th><td>");
    html_txt(&req->out, value ? value : "—");
    html_raw(&req->out, "</td></tr>");
}

const char *
web_jstr(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

const char *
web_date(struct req *req, const char *iso)
{
    int y, m, d;
    if (iso == NULL || strcmp(req->lang, "en") == 0 ||
        sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return iso;
    return arena_printf(&req->arena, "%d年%d月%d日", y, m, d);
}

const char *
web_name_of(json_t *items, const char *code)
{
    size_t i;
    json_t *it;
    if (code == NULL)
        return NULL;
    json_array_foreach(items, i, it)
    {
        const char *c = web_jstr(it, "code");
        if (c && strcmp(c, code) == 0)
            return web_jstr(it, "name");
    }
    return code;
}

void
web_query_arg(struct strbuf *sb, const char *name, const char *value)
{
    if (value == NULL || *value == '\0')
        return;
    strbuf_printf(sb, "&%s=", name);
    html_urlenc(sb, value);
}

/* --- shared by the teaching admin pages (teaching.c, programs.c) ------- */

static void
decref_json(void *p)
{
    json_decref(p);
}

json_t *
web_owned(struct req *req, json_t *v)
{
    if (v)
        arena_defer(&req->arena, decref_json, v);
    return v;
}

const char *
web_nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

int64_t
web_id_of(json_t *v)
{
    return (int64_t)json_integer_value(json_object_get(v, "id"));
}

const char *
web_path_id(struct req *req, const char *base, int64_t id)
{
    return arena_printf(&req->arena, "%s/%lld", base, (long long)id);
}

json_t *
web_record_of_path(struct req *req, struct db **db, record_get_fn get,
                   const char *msgid, bool live)
{
    int64_t id;
    json_t *v;
    if (req_param_id_or_404(req, 0, &id) != 0 || (*db = app_db(req)) == NULL)
        return NULL;
    if (app_get_scoped(req, *db, get, id, "record", &v) != 0) {
        if (req->status == 404)
            http_error(req, 404, "not_found", NULL, "%s", T(msgid));
        return NULL;
    }
    web_owned(req, v);
    if (live && json_is_true(json_object_get(v, "voided"))) {
        http_error(req, 404, "not_found", NULL, "%s", T(msgid));
        return NULL;
    }
    return v;
}

json_t *
web_loaded(struct req *req, struct db *db, int rc, json_t *items)
{
    web_owned(req, items);
    if (rc == 0)
        return items;
    app_db_error(req, db);
    return NULL;
}

const char *
web_local_time(struct req *req, const char *iso)
{
    int64_t t;
    if (iso == NULL || rules_parse_time(iso, &t) != 0)
        return "";
    return web_local_unix(req, t);
}

const char *
web_local_unix(struct req *req, int64_t t)
{
    char day[11];
    int year;
    rules_day(t, day, &year);
    int64_t local = t + RULES_CST_OFFSET;
    return arena_printf(&req->arena, "%s %02d:%02d",
                        web_date(req, arena_strdup(&req->arena, day)),
                        (int)(local % 86400 / 3600), (int)(local % 3600 / 60));
}

void
web_empty_row(struct req *req, int cols, bool filtered, const char *what,
              const char *new_href)
{
    struct strbuf *o = &req->out;
    strbuf_printf(o, "<tr><td colspan=\"%d\" class=\"empty\">", cols);
    if (filtered) {
        html_txt(o, T("Nothing matches."));
    } else {
        html_txt(o, T("None yet:"));
        html_txt(o, what);
        if (new_href) {
            html_raw(o, " · <a href=\"");
            html_attr(o, new_href);
            html_raw(o, "\">");
            html_txt(o, T("New"));
            html_raw(o, "</a>");
        }
    }
    html_raw(o, "</td></tr>");
}

void
web_h1(struct req *req, const char *text)
{
    html_raw(&req->out, "<h1>");
    html_txt(&req->out, text);
    html_raw(&req->out, "</h1>");
}

int
web_finish(struct req *req, int status)
{
    web_page_end(req);
    req->status = status;
    return status;
}

void
web_td_link(struct req *req, const char *href, const char *text)
{
    html_raw(&req->out, "<td><a href=\"");
    html_attr(&req->out, href);
    html_raw(&req->out, "\">");
    html_txt(&req->out, text ? text : "");
    html_raw(&req->out, "</a></td>");
}

void
web_notice(struct req *req, const char *id, const char *text)
{
    html_raw(&req->out, "<p class=\"notice\" role=\"status\" id=\"");
    html_attr(&req->out, id);
    html_raw(&req->out, "\">");
    html_txt(&req->out, text);
    html_raw(&req->out, "</p>");
}

void
web_checkbox(struct req *req, const char *name, const char *value,
             const char *label, bool checked)
{
    struct strbuf *o = &req->out;
    html_raw(o, "<label class=\"check\"><input type=\"checkbox\" name=\"");
    html_attr(o, name);
    html_raw(o, "\" value=\"");
    html_attr(o, value);
    html_raw(o, checked ? "\" checked> " : "\"> ");
    html_txt(o, label);
    html_raw(o, "</label>");
}

const char *
web_halves(struct req *req, int64_t halves)
{
    return arena_printf(&req->arena, halves % 2 ? "%lld.5" : "%lld",
                        (long long)(halves / 2));
}

const char *
web_count(struct req *req, int64_t n)
{
    if (strcmp(req->lang, "en") != 0 && n >= 10000)
        return arena_printf(&req->arena, "%.1f万", (double)n / 10000.0);
    return arena_printf(&req->arena, "%lld", (long long)n);
}

const char *
web_score(struct req *req, bool has, double v)
{
    return has ? arena_printf(&req->arena, "%.1f", v) : "—";
}

const char *
web_share(struct req *req, bool has, double v)
{
    return has ? arena_printf(&req->arena, "%.1f%%", v * 100) : "—";
}

bool
web_parse_halves(const char *s, int64_t max, int64_t *out)
{
    /* "2", "1.5", "1.0": whole 学时 or a half, never a float. */
    int64_t whole = 0, half = 0;
    const char *p = s;
    if (p == NULL || *p < '0' || *p > '9')
        return false;
    for (; *p >= '0' && *p <= '9'; p++) {
        whole = whole * 10 + (*p - '0');
        if (whole > max)
            return false;
    }
    if (*p == '.') {
        p++;
        if (*p == '5')
            half = 1;
        else if (*p != '0')
            return false;
        p++;
        while (*p == '0')
            p++;
    }
    *out = whole * 2 + half;
    return *p == '\0' && *out >= 1 && *out <= max;
}

void
web_search_begin(struct req *req, const char *id, const char *base,
                 const char *table_id, const char *q, const char *msgid)
{
    struct strbuf *o = &req->out;
    html_raw(o, "<form class=\"filters\" method=\"get\" id=\"");
    html_attr(o, id);
    html_raw(o, "\" action=\"");
    html_attr(o, base);
    html_raw(o, "\"><input type=\"search\" name=\"q\" hx-get=\"");
    html_attr(o, base);
    html_raw(o, "\" hx-trigger=\"input changed delay:300ms\" hx-target=\"#");
    html_attr(o, table_id);
    html_raw(o, "\" hx-select=\"#");
    html_attr(o, table_id);
    html_raw(o, "\" hx-swap=\"outerHTML\" hx-include=\"#");
    html_attr(o, id);
    html_raw(o, "\" placeholder=\"");
    html_attr(o, T(msgid));
    html_raw(o, "\" value=\"");
    html_attr(o, q ? q : "");
    html_raw(o, "\">");
}

void
web_search_end(struct req *req, const char *new_href, const char *new_label)
{
    struct strbuf *o = &req->out;
    html_raw(o, "<button type=\"submit\">");
    html_txt(o, T("Search"));
    html_raw(o, "</button>");
    if (new_href) {
        html_raw(o, "<a class=\"button\" href=\"");
        html_attr(o, new_href);
        html_raw(o, "\">");
        html_txt(o, new_label);
        html_raw(o, "</a>");
    }
    html_raw(o, "</form>");
}

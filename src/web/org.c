/*
 * org.c - the pages of the organisation skeleton: villages (村/社区) and
 * Party organisations (党组织). Each has a list (live search by name,
 * filters, paging), a form to add one, and a record page with an edit
 * form and a void form that asks for the reason; a voided record shows
 * the reason and no forms.
 *
 * A school admin sees and changes only its own township, a county role
 * all of them with a township filter: the same domain calls and the same
 * scope rules as /api/v1/villages and /api/v1/orgs (app_scope,
 * app_check_township, app_get_scoped), so a page can no more reach
 * another township's record than the API can.
 */
#include "web.h"

#include "i18n.h"
#include "web_int.h"

#include "../app/app.h"
#include "../core/err.h"
#include "../core/util.h"
#include "../domain/org.h"
#include "../http/html.h"

#include <string.h>

/* Villages read at once for a select or for names: a township has a few
 * dozen, the whole county 469. */
#define VILLAGES_MAX 5000

#define NO_ORG     "No such organisation."
#define NO_VILLAGE "No such village."

static void
decref(void *p)
{
    json_decref(p);
}

/* v, released with the request: a page then needs no cleanup path. */
static json_t *
owned(struct req *req, json_t *v)
{
    if (v)
        arena_defer(&req->arena, decref, v);
    return v;
}

static json_t *
townships(struct req *req, struct db *db)
{
    json_t *items = json_array();
    int64_t n;
    return web_loaded(req, db, org_townships(db, 1, 500, items, &n), items);
}

static json_t *
type_list(struct req *req, struct db *db)
{
    json_t *items = json_array();
    return web_loaded(req, db, org_code_list(db, CODES_ORG_TYPE, items),
                      items);
}

/* The live villages of township; NULL township is the whole county, ""
 * none at all (no township chosen yet). */
static json_t *
villages(struct req *req, struct db *db, const char *township)
{
    json_t *items = json_array();
    if (township && *township == '\0')
        return owned(req, items);
    int64_t n;
    return web_loaded(
        req, db, org_villages(db, township, NULL, 1, VILLAGES_MAX, items, &n),
        items);
}

/* Answers 404 with msgid in the page's language. */
static int
not_found(struct req *req, const char *msgid)
{
    return http_error(req, 404, "not_found", NULL, "%s", T(msgid));
}

/* Ends a page answered with status (200, or 422 for a form to fix). */
static int
finish(struct req *req, int status)
{
    web_page_end(req);
    req->status = status;
    return status;
}

static int
redirect_to(struct req *req, const char *base, int64_t id)
{
    return http_redirect(
        req, arena_printf(&req->arena, "%s/%lld", base, (long long)id));
}

static void
heading(struct req *req, const char *text)
{
    html_raw(&req->out, "<h1>");
    html_txt(&req->out, text);
    html_raw(&req->out, "</h1>");
}

/* --- shared by both lists and both forms --------------------------------- */

/* The township a new record goes to. A school admin's own: another one
 * posted is refused with 403, as the API does (NULL, answered). A county
 * role's choice, "" when it made none. */
static const char *
new_township(struct req *req, const char *posted)
{
    const char *scope = app_scope(req);
    posted = web_nonempty(posted);
    if (scope == NULL)
        return posted ? posted : "";
    if (posted && app_check_township(req, posted) != 0)
        return NULL;
    return scope;
}

/* The ?township= filter of a list: NULL for none; a school admin asking
 * for another township is refused with 403 as by the API (*bad set). */
static const char *
township_filter(struct req *req, bool *bad)
{
    const char *t = web_nonempty(req_query(req, "township"));
    *bad = t && app_check_township(req, t) != 0;
    return t;
}

/* The township field of a new record: a select for county roles; for a
 * school admin its own township, shown and fixed. */
static void
township_field(struct req *req, json_t *towns, const char *selected,
               const char *err)
{
    const char *scope = app_scope(req);
    if (scope == NULL) {
        web_code_select(req, "township_code", "Township", towns,
                        T("Choose a township"), selected, err);
        return;
    }
    html_raw(&req->out, "<label>");
    html_txt(&req->out, T("Township"));
    html_raw(&req->out, "<input disabled value=\"");
    html_attr(&req->out, web_name_of(towns, scope));
    html_raw(&req->out, "\"></label>");
    web_field_error(req, err);
}

/* A list's filter bar: a search box that reloads table_id as one types
 * (htmx, as on the roster), then the caller's selects; filters_end adds
 * the search button and the link to the new-record form. */
static void
filters_begin(struct req *req, const char *id, const char *base,
              const char *table_id, const char *q)
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
    html_attr(o, T("Search by name"));
    html_raw(o, "\" value=\"");
    html_attr(o, q ? q : "");
    html_raw(o, "\">");
}

static void
filters_end(struct req *req, json_t *towns, const char *township,
            const char *new_href, const char *new_label)
{
    struct strbuf *o = &req->out;
    if (app_scope(req) == NULL)
        web_code_select(req, "township", NULL, towns, T("All townships"),
                        township, NULL);
    html_raw(o, "<button type=\"submit\">");
    html_txt(o, T("Search"));
    html_raw(o, "</button><a class=\"button\" href=\"");
    html_attr(o, new_href);
    html_raw(o, "\">");
    html_txt(o, new_label);
    html_raw(o, "</a></form>");
}

/* A table cell linking to a record page. */
static void
td_link(struct req *req, const char *base, int64_t id, const char *text)
{
    html_raw(&req->out, "<td><a href=\"");
    html_attr(&req->out,
              arena_printf(&req->arena, "%s/%lld", base, (long long)id));
    html_raw(&req->out, "\">");
    html_txt(&req->out, text);
    html_raw(&req->out, "</a></td>");
}

/* The totals row and the pager under a list, closing its table div. */
static void
list_end(struct req *req, int columns, const char *base, int64_t page,
         int64_t per_page, int64_t total, const char *extra)
{
    struct strbuf *o = &req->out;
    strbuf_printf(o, "</tbody><tfoot><tr><td colspan=\"%d\">", columns);
    html_txt(o, T("Total"));
    strbuf_printf(o, ": %lld", (long long)total);
    html_raw(o, "</td></tr></tfoot></table>");
    web_pager(req, base, page, per_page, total, extra);
    html_raw(o, "</div>");
}

/* --- Party organisations ------------------------------------------------- */

/* An organisation form's values, and the one thing wrong with them. */
struct org_form {
    const char *name, *type, *township, *village;
    const char *err_field, *err;
};

static const char *
org_err(const struct org_form *f, const char *field)
{
    return web_err_for(f->err_field, f->err, field);
}

/* The village select of an organisation: the villages of its township,
 * or none. id="org-village" is what the new-organisation form reloads
 * when a county role picks another township. */
static void
org_village_field(struct req *req, json_t *vills, const struct org_form *f)
{
    html_raw(&req->out, "<div id=\"org-village\">");
    web_code_select(req, "village_code", "Village", vills,
                    T("(not in a village)"), f->village,
                    org_err(f, "village_code"));
    if (f->township == NULL || *f->township == '\0') {
        html_raw(&req->out, "<p class=\"hint\">");
        html_txt(&req->out, T("Choose the township first."));
        html_raw(&req->out, "</p>");
    }
    html_raw(&req->out, "</div>");
}

int
web_orgs(struct req *req)
{
    int64_t page, per_page;
    bool bad;
    if (req_paging_or_400(req, &page, &per_page) != 0)
        return req->status;
    const char *filter = township_filter(req, &bad);
    if (bad)
        return req->status;
    const char *township = filter ? filter : app_scope(req);
    const char *q = web_nonempty(req_query(req, "q"));
    const char *type = web_nonempty(req_query(req, "type"));
    if (q && strlen(q) > 64)
        q = NULL;
    if (type && strlen(type) > 32)
        type = NULL;
    struct db *db = app_db(req);
    json_t *types = db ? type_list(req, db) : NULL;
    json_t *towns = types ? townships(req, db) : NULL;
    json_t *vills = towns ? villages(req, db, township) : NULL;
    if (vills == NULL)
        return req->status;
    json_t *items = owned(req, json_array());
    int64_t total;
    if (org_list(db, township, type, q, page, per_page, items, &total) != 0)
        return app_db_error(req, db);
    web_page_begin(req, T("Party organisations"), "/orgs");
    struct strbuf *o = &req->out;
    heading(req, T("Party organisations"));
    filters_begin(req, "org-filters", "/orgs", "org-table", q);
    web_code_select(req, "type", NULL, types, T("All types"), type, NULL);
    filters_end(req, towns, filter, "/orgs/new", T("New organisation"));
    html_raw(o, "<div id=\"org-table\"><table><thead><tr>");
    web_th(req, "Name");
    web_th(req, "Type");
    web_th(req, "Township");
    web_th(req, "Village");
    html_raw(o, "</tr></thead><tbody>");
    size_t i;
    json_t *g;
    json_array_foreach(items, i, g)
    {
        html_raw(o, "<tr>");
        td_link(req, "/orgs", web_id_of(g), web_jstr(g, "name"));
        web_td(req, web_name_of(types, web_jstr(g, "type")));
        web_td(req, web_name_of(towns, web_jstr(g, "township_code")));
        web_td(req, web_name_of(vills, web_jstr(g, "village_code")));
        html_raw(o, "</tr>");
    }
    struct strbuf extra;
    strbuf_init(&extra, 0);
    web_query_arg(&extra, "q", q);
    web_query_arg(&extra, "type", type);
    web_query_arg(&extra, "township", filter);
    list_end(req, 4, "/orgs", page, per_page, total, strbuf_str(&extra));
    strbuf_cleanup(&extra);
    return web_page_end(req);
}

/* The new-organisation form. A county role picks the township, and the
 * village select follows it (htmx reloads #org-village from this page
 * with the township chosen; without script the server's check still
 * says, beside the field, when a village is not in the township). */
static int
org_new_page(struct req *req, int status, const struct org_form *f)
{
    struct db *db = app_db(req);
    json_t *types = db ? type_list(req, db) : NULL;
    json_t *towns = types ? townships(req, db) : NULL;
    json_t *vills = towns ? villages(req, db, f->township) : NULL;
    if (vills == NULL)
        return req->status;
    web_page_begin(req, T("New organisation"), "/orgs");
    heading(req, T("New organisation"));
    web_form_begin(req, "org-form", "/orgs");
    web_input(req, "name", "Name", f->name, "text", org_err(f, "name"));
    web_code_select(req, "type", "Type", types, NULL, f->type,
                    org_err(f, "type"));
    html_raw(&req->out, "<div hx-get=\"/orgs/new\" hx-trigger=\"change\" "
                        "hx-include=\"this\" hx-select=\"#org-village\" "
                        "hx-target=\"#org-village\" hx-swap=\"outerHTML\">");
    township_field(req, towns, f->township, org_err(f, "township_code"));
    html_raw(&req->out, "</div>");
    org_village_field(req, vills, f);
    web_form_end(req, T("Create"), NULL);
    return finish(req, status);
}

int
web_org_new(struct req *req)
{
    struct org_form f = {0};
    f.township = new_township(req, req_query(req, "township_code"));
    if (f.township == NULL)
        return req->status;
    return org_new_page(req, 200, &f);
}

int
web_org_create(struct req *req)
{
    struct org_form f = {
        .name = req_form(req, "name"),
        .type = req_form(req, "type"),
        .village = req_form(req, "village_code"),
    };
    f.township = new_township(req, req_form(req, "township_code"));
    if (f.township == NULL)
        return req->status;
    if (!web_text_ok(f.name, 64)) {
        f.err_field = "name";
        f.err = T("Enter a name of at most 64 characters.");
    } else if (*f.township == '\0') {
        f.err_field = "township_code";
        f.err = T("Choose a township.");
    }
    if (f.err)
        return org_new_page(req, 422, &f);
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = app_who(req);
    int64_t id;
    const char *field = NULL, *why = NULL;
    int rc = org_create(db, f.name, f.type ? f.type : "", f.township,
                        web_nonempty(f.village), &who, &id, &field, &why);
    if (rc == 0)
        return redirect_to(req, "/orgs", id);
    if (rc != ERR_INVAL)
        return app_db_error(req, db);
    f.err_field = field;
    f.err = web_why(req, why);
    return org_new_page(req, 422, &f);
}

/* The edit and void forms of a live organisation. */
static void
org_forms(struct req *req, int64_t id, json_t *types, json_t *vills,
          const struct org_form *f)
{
    html_raw(&req->out, "<h2>");
    html_txt(&req->out, T("Edit"));
    html_raw(&req->out, "</h2>");
    web_form_begin(req, "edit-form",
                   arena_printf(&req->arena, "/orgs/%lld", (long long)id));
    web_input(req, "name", "Name", f->name, "text", org_err(f, "name"));
    web_code_select(req, "type", "Type", types, NULL, f->type,
                    org_err(f, "type"));
    org_village_field(req, vills, f);
    web_form_end(req, T("Save"), NULL);
    web_void_form(req,
                  arena_printf(&req->arena, "/orgs/%lld/void", (long long)id),
                  T("Dissolve this organisation"),
                  T("Reason for dissolving (kept with the record)"),
                  T("Dissolve"), org_err(f, "reason"));
}

/* An organisation's page; f holds the edit form's values and error. */
static int
org_page(struct req *req, struct db *db, json_t *org, int status,
         const struct org_form *f)
{
    const char *township = web_jstr(org, "township_code");
    json_t *types = type_list(req, db);
    json_t *vills = types ? villages(req, db, township) : NULL;
    if (vills == NULL)
        return req->status;
    const char *name = web_jstr(org, "name");
    web_page_begin(req, name, "/orgs");
    heading(req, name);
    bool voided = json_is_true(json_object_get(org, "voided"));
    if (voided)
        web_voided(req, T("Dissolved:"), web_jstr(org, "void_reason"));
    html_raw(&req->out, "<table class=\"record\" id=\"org\">");
    web_row(req, "Type", web_name_of(types, web_jstr(org, "type")));
    web_row(req, "Township", web_township_name(req, township));
    web_row(req, "Village", web_name_of(vills, web_jstr(org, "village_code")));
    html_raw(&req->out, "</table>");
    if (!voided)
        org_forms(req, web_id_of(org), types, vills, f);
    return finish(req, status);
}

/* The form as the record stands. */
static struct org_form
org_form_of(json_t *org)
{
    return (struct org_form){
        .name = web_jstr(org, "name"),
        .type = web_jstr(org, "type"),
        .township = web_jstr(org, "township_code"),
        .village = web_jstr(org, "village_code"),
    };
}

int
web_org(struct req *req)
{
    struct db *db;
    json_t *org = web_record_of_path(req, &db, org_get, NO_ORG, false);
    if (org == NULL)
        return req->status;
    struct org_form f = org_form_of(org);
    return org_page(req, db, org, 200, &f);
}

int
web_org_update(struct req *req)
{
    struct db *db;
    json_t *org = web_record_of_path(req, &db, org_get, NO_ORG, false);
    if (org == NULL)
        return req->status;
    struct org_form f = org_form_of(org);
    f.name = req_form(req, "name");
    f.type = req_form(req, "type");
    f.village = req_form(req, "village_code");
    if (!web_text_ok(f.name, 64)) {
        f.err_field = "name";
        f.err = T("Enter a name of at most 64 characters.");
        return org_page(req, db, org, 422, &f);
    }
    struct org_change c = {
        .name = f.name,
        .type = web_nonempty(f.type),
        .set_village = true,
        .village = web_nonempty(f.village), /* none: not in a village */
    };
    struct audit_who who = app_who(req);
    const char *field = NULL, *why = NULL;
    int rc = org_update(db, web_id_of(org), &c, &who, &field, &why);
    if (rc == 0)
        return redirect_to(req, "/orgs", web_id_of(org));
    if (rc == ERR_NOTFOUND)
        return not_found(req, NO_ORG);
    if (rc != ERR_INVAL)
        return app_db_error(req, db);
    f.err_field = field;
    f.err = web_why(req, why);
    return org_page(req, db, org, 422, &f);
}

int
web_org_void(struct req *req)
{
    struct db *db;
    json_t *org = web_record_of_path(req, &db, org_get, NO_ORG, false);
    if (org == NULL)
        return req->status;
    const char *reason = req_form(req, "reason");
    if (!web_text_ok(reason, 200)) {
        struct org_form f = org_form_of(org);
        f.err_field = "reason";
        f.err = T("Give the reason, at most 200 characters.");
        return org_page(req, db, org, 422, &f);
    }
    struct audit_who who = app_who(req);
    int rc = org_void(db, web_id_of(org), reason, &who);
    if (rc == ERR_NOTFOUND)
        return not_found(req, NO_ORG);
    if (rc != 0)
        return app_db_error(req, db);
    return redirect_to(req, "/orgs", web_id_of(org));
}

/* --- villages ------------------------------------------------------------ */


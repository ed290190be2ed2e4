/*
 * security.c - the security administrator's page (安全策略, /security):
 * the password, lockout and session policy as a form (each field with its
 * default and bounds; a box puts a field back to its default), and the
 * role changes to review below it. The same domain calls as
 * /api/v1/security (domain/policy.c, the audit log's role-change rows).
 */
#include "web.h"
#include "web_int.h"

#include "i18n.h"

#include "../core/err.h"
#include "../core/util.h"
#include "../domain/policy.h"
#include "../http/html.h"

#include <stdlib.h>
#include <string.h>

/* Writes one role-change row's "from -> to" from its audit detail. */
static void
change_cell(struct req *req, const char *event, const char *detail)
{
    json_t *d = json_loads(detail, 0, NULL);
    const char *from = web_jstr(d, "role_from"), *to = web_jstr(d, "role_to");
    struct strbuf *o = &req->out;
    html_raw(o, "<td>");
    if (strcmp(event, "user_create") == 0) {
        html_txt(o, T("New account"));
        html_raw(o, ": ");
        html_txt(o, web_role_label(req, web_jstr(d, "role")));
        const char *t = web_jstr(d, "township_code");
        if (t) {
            html_raw(o, " · ");
            html_txt(o, web_township_name(req, t));
        }
    } else if (from && to) {
        html_txt(o, web_role_label(req, from));
        const char *tf = web_jstr(d, "township_from");
        if (tf) {
            html_raw(o, " · ");
            html_txt(o, web_township_name(req, tf));
        }
        html_raw(o, " → ");
        html_txt(o, web_role_label(req, to));
        const char *tt = web_jstr(d, "township_to");
        if (tt) {
            html_raw(o, " · ");
            html_txt(o, web_township_name(req, tt));
        }
    }
    html_raw(o, "</td>");
    json_decref(d);
}

/* The list of role changes, newest first (one page of 50). */
static int
role_changes(struct req *req, struct db *db)
{
    struct strbuf *o = &req->out;
    html_raw(o, "<h2>");
    html_txt(o, T("Role changes to review"));
    html_raw(o, "</h2><table id=\"role-changes\"><thead><tr>");
    web_th(req, "Time");
    web_th(req, "By");
    web_th(req, "Account");
    web_th(req, "Change");
    html_raw(o, "</tr></thead><tbody>");
    struct role_change *rows;
    size_t n;
    if (policy_role_changes(db, &req->arena, 50, 0, &rows, &n, NULL) != 0)
        return app_db_error(req, db);
    for (size_t i = 0; i < n; i++) {
        char at[21];
        time_iso(rows[i].at + 8 * 3600, at); /* shown in Beijing time */
        at[10] = ' ';
        at[16] = '\0';
        html_raw(o, "<tr>");
        web_td(req, at);
        web_td(req, rows[i].by);
        web_td(req, rows[i].object);
        change_cell(req, rows[i].event, rows[i].detail);
        html_raw(o, "</tr>");
    }
    html_raw(o, "</tbody></table><p class=\"muted\"><a "
                "href=\"/api/v1/security/role-changes\">");
    html_txt(o, T("All role changes (JSON)"));
    html_raw(o, "</a></p>");
    return 0;
}

/* The page; err_field/err say what the last submit got wrong, values
 * what it sent (or NULL: the policy in force). */
static int
security_page(struct req *req, int status, const char *err_field,
              const char *err, const char *const values[POL_COUNT])
{
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct policy_view v[POL_COUNT];
    if (policy_read(db, v) != 0)
        return app_db_error(req, db);
    web_page_begin(req, T("Security policy"), "/security");
    struct strbuf *o = &req->out;
    web_h1(req, T("Security policy"));
    if (req_query(req, "saved") && status == 200)
        web_notice(req, "policy-saved",
                   T("Saved: every server follows the new policy within "
                     "seconds."));
    web_form_begin(req, "policy-form", "/security");
    html_raw(o, "<table class=\"policy\"><thead><tr>");
    web_th(req, "Setting");
    web_th(req, "Value");
    web_th(req, "Default");
    web_th(req, "Allowed");
    web_th(req, "Reset to default");
    html_raw(o, "</tr></thead><tbody>");
    for (int i = 0; i < POL_COUNT; i++) {
        const char *name = policy_fields[i].name;
        html_raw(o, "<tr><th><label for=\"pol-");
        html_attr(o, name);
        html_raw(o, "\">");
        html_txt(o, T(policy_fields[i].label));
        html_raw(o, "</label></th><td><input type=\"number\" id=\"pol-");
        html_attr(o, name);
        html_raw(o, "\" name=\"");
        html_attr(o, name);
        strbuf_printf(o, "\" min=\"%lld\" max=\"%lld\" value=\"",
                      (long long)v[i].min, (long long)v[i].max);
        if (values && values[i])
            html_attr(o, values[i]);
        else
            strbuf_printf(o, "%lld", (long long)v[i].value);
        html_raw(o, "\"> ");
        html_txt(o, T(policy_fields[i].unit));
        web_field_error(req, web_err_for(err_field, err, name));
        html_raw(o, "</td><td>");
        strbuf_printf(o, "%lld", (long long)v[i].def);
        html_raw(o, "</td><td>");
        strbuf_printf(o, "%lld–%lld", (long long)v[i].min,
                      (long long)v[i].max);
        html_raw(o, "</td><td>");
        if (v[i].overridden)
            web_checkbox(req, "reset", name, T("Reset"), false);
        else
            html_txt(o, T("(default)"));
        html_raw(o, "</td></tr>");
    }
    html_raw(o, "</tbody></table>");
    web_form_end(req, T("Save"), NULL);
    if (role_changes(req, db) != 0)
        return req->status;
    return web_finish(req, status);
}

int
web_security(struct req *req)
{
    return security_page(req, 200, NULL, NULL, NULL);
}

int
web_security_update(struct req *req)
{
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct policy_view cur[POL_COUNT];
    if (policy_read(db, cur) != 0)
        return app_db_error(req, db);
    struct policy_change c;
    memset(&c, 0, sizeof(c));
    const char *values[POL_COUNT] = {0};
    for (int i = 0; i < POL_COUNT; i++) {
        const char *name = policy_fields[i].name;
        values[i] = req_form(req, name);
        if (req_form_has(req, "reset", name)) {
            c.reset[i] = cur[i].overridden;
            continue;
        }
        if (values[i] == NULL || *values[i] == '\0')
            continue; /* left as it is */
        int64_t x;
        if (parse_i64(values[i], &x) != 0)
            return security_page(req, 422, name, T("Enter a whole number."),
                                 values);
        if (x != cur[i].value) {
            c.set[i] = true;
            c.value[i] = x;
        }
    }
    /* A form that sends none of the policy's fields is not the page's
     * form (the page always sends every field, empty or not). */
    bool sent = false;
    for (int i = 0; i < POL_COUNT; i++)
        sent = sent || values[i] != NULL ||
               req_form_has(req, "reset", policy_fields[i].name);
    if (!sent)
        return security_page(req, 422, policy_fields[0].name,
                             T("Fill in the policy's fields."), values);
    struct audit_who who = app_who(req);
    const char *field = NULL, *why = NULL;
    bool any = false;
    for (int i = 0; i < POL_COUNT; i++)
        any = any || c.set[i] || c.reset[i];
    int rc = any ? policy_update(db, &c, &who, &field, &why) : 0;
    if (rc == ERR_INVAL)
        return security_page(req, 422, field, web_why(req, why), values);
    if (rc != 0)
        return app_db_error(req, db);
    return http_redirect(req, "/security?saved=1");
}

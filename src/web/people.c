/*
 * people.c - the roster pages: the list (search by name, pinyin or the
 * last 4 of an ID or phone; filters; 拼音 or 姓氏笔画 order; paging), a
 * person's page (numbers masked; showing them in full is a button, and
 * audited), and the form to add a person with each field's error beside
 * it. The same domain calls as /api/v1/people.
 */
#include "web.h"

#include "i18n.h"
#include "web_int.h"

#include "../app/app.h"
#include "../core/err.h"
#include "../core/util.h"
#include "../domain/kind.h"
#include "../domain/people.h"
#include "../domain/roster_import.h"
#include "../http/html.h"

#include <string.h>

/* Labels of the codes, declared once: msgid per code. */
static const struct label {
    const char *code, *text;
} status_labels[] = {
    {"member", "Full member"},
    {"probationary", "Probationary member"},
    {"activist", "Activist"},
    {"masses", "Masses"},
}, flag_labels[] = {
    {"village_committee", "Village committee"},
    {"branch_secretary", "Branch secretary"},
    {"returned_talent", "Returned talent"},
    {"exempt", "Exempt (old, weak or ill)"},
    {"mobile_member", "Mobile member"},
};

#define NLABELS(a) (sizeof(a) / sizeof((a)[0]))

static const char *
label(struct req *req, const struct label *l, size_t n, const char *code)
{
    for (size_t i = 0; code && i < n; i++)
        if (strcmp(l[i].code, code) == 0)
            return T(l[i].text);
    return code ? code : "";
}

static void
flags_text(struct req *req, unsigned flags)
{
    bool first = true;
    for (size_t i = 0; i < NLABELS(flag_labels); i++) {
        if (!(flags & (1u << people_flag_bit(flag_labels[i].code))))
            continue;
        if (!first)
            html_raw(&req->out, "、");
        html_txt(&req->out, T(flag_labels[i].text));
        first = false;
    }
}

/* The 村(社区) a person is in, chosen by name: the villages of township,
 * or (NULL) of every township, under each township's name; their code
 * goes with the form. */
static void
village_select(struct req *req, struct db *db, const char *township,
               const char *selected, const char *err)
{
    struct kchoice *c = NULL;
    size_t n = 0;
    if (db && kinds_villages(db, &req->arena, township, &c, &n) != 0)
        n = 0; /* the form still works: no village is a choice */
    struct strbuf *o = &req->out;
    html_raw(o, "<label>");
    html_txt(o, T("Village"));
    html_raw(o, "<select name=\"village_code\">");
    web_select_option(req, "", T("(none)"), selected ? selected : "");
    char group[10] = "";
    for (size_t i = 0; i < n; i++) {
        /* A 村级 code begins with its township's 9 digits. */
        if (township == NULL && strncmp(c[i].code, group, 9) != 0) {
            if (*group)
                html_raw(o, "</optgroup>");
            str_fmt(group, sizeof(group), "%.9s", c[i].code);
            html_raw(o, "<optgroup label=\"");
            html_attr(o, web_township_name(req, group));
            html_raw(o, "\">");
        }
        web_select_option(req, c[i].code, c[i].name, selected);
    }
    if (*group)
        html_raw(o, "</optgroup>");
    html_raw(o, "</select></label>");
    web_field_error(req, err);
}


/* The list's filters as query arguments ("&name=value"...), for the
 * exports and the pager. */
static void
filter_args(struct strbuf *sb, const struct people_filter *f,
            const char *township)
{
    web_query_arg(sb, "township", township);
    web_query_arg(sb, "q", f->q);
    web_query_arg(sb, "political_status", f->political_status);
    web_query_arg(sb, "flag", f->flag);
    web_query_arg(sb, "sort", f->strokes ? "strokes" : NULL);
}

int
web_people(struct req *req)
{
    int64_t page, per_page;
    if (req_paging_or_400(req, &page, &per_page) != 0)
        return req->status;
    struct people_filter f = {0};
    /* ?township= as the API takes it (a link to one township's roster),
     * within the caller's scope. */
    if (app_township_filter(req, &f.township) != 0)
        return req->status;
    const char *tw = req_query(req, "township"); /* kept in the links */
    f.q = req_query(req, "q");
    f.political_status = req_query(req, "political_status");
    f.flag = req_query(req, "flag");
    const char *sort = req_query(req, "sort");
    f.strokes = sort && strcmp(sort, "strokes") == 0;
    if (f.q && (*f.q == '\0' || strlen(f.q) > 64))
        f.q = NULL;
    if (f.political_status && *f.political_status == '\0')
        f.political_status = NULL;
    if (f.flag && people_flag_bit(f.flag) < 0)
        f.flag = NULL;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct person *rows;
    size_t n;
    int64_t total;
    if (people_page(db, &req->arena, &f, page, per_page, &rows, &n,
                    &total) != 0)
        return app_db_error(req, db);
    web_page_begin(req, T("Roster"), "/people");
    struct strbuf *o = &req->out;
    html_raw(o, "<h1>");
    html_txt(o, T("Roster"));
    html_raw(o, "</h1><form class=\"filters\" id=\"people-filters\" "
                "method=\"get\" action=\"/people\"><input type=\"search\" "
                "name=\"q\" hx-get=\"/people\" hx-trigger=\"input changed "
                "delay:300ms\" hx-target=\"#people-table\" "
                "hx-select=\"#people-table\" hx-swap=\"outerHTML\" "
                "hx-include=\"#people-filters\" placeholder=\"");
    html_attr(o, T("Name, pinyin (zs) or last 4 of ID/phone"));
    html_raw(o, "\" value=\"");
    html_attr(o, f.q ? f.q : "");
    html_raw(o, "\">");
    web_select_begin(req, "political_status", T("Political status"));
    web_select_option(req, "", T("All statuses"), f.political_status);
    for (size_t i = 0; i < NLABELS(status_labels); i++)
        web_select_option(req, status_labels[i].code,
                          T(status_labels[i].text), f.political_status);
    html_raw(o, "</select>");
    web_select_begin(req, "flag", T("Flags"));
    web_select_option(req, "", T("Any flag"), f.flag);
    for (size_t i = 0; i < NLABELS(flag_labels); i++)
        web_select_option(req, flag_labels[i].code, T(flag_labels[i].text),
                          f.flag);
    html_raw(o, "</select>");
    web_select_begin(req, "sort", T("Sort order"));
    web_select_option(req, "pinyin", T("By pinyin"), sort);
    web_select_option(req, "strokes", T("By surname strokes"), sort);
    html_raw(o, "</select>");
    if (tw && *tw) {
        html_raw(o, "<input type=\"hidden\" name=\"township\" value=\"");
        html_attr(o, tw);
        html_raw(o, "\">");
    }
    html_raw(o, "<button type=\"submit\">");
    html_txt(o, T("Search"));
    html_raw(o, "</button><a class=\"button\" href=\"/people/new\">");
    html_txt(o, T("Add a person"));
    html_raw(o, "</a><a class=\"button\" href=\"/people/import\">");
    html_txt(o, T("Import"));
    html_raw(o, "</a></form>");
    /* The filters as the exports' query: "&a=1&b=2", sent as "?a=1&b=2"
     * (the exports take exactly these parameters, and nothing else). */
    struct strbuf q;
    strbuf_init(&q, 0);
    filter_args(&q, &f, tw);
    const char *qs = q.len ? arena_printf(&req->arena, "?%s",
                                          strbuf_str(&q) + 1)
                           : "";
    html_raw(o, "<p class=\"exports\">");
    html_txt(o, T("Export (numbers masked):"));
    html_raw(o, " <a id=\"export-xlsx\" href=\"");
    html_attr(o, arena_printf(&req->arena, "/api/v1/people/export.xlsx%s",
                              qs));
    html_raw(o, "\">Excel (.xlsx)</a> · <a id=\"export-csv\" href=\"");
    html_attr(o, arena_printf(&req->arena, "/api/v1/people/export.csv%s",
                              qs));
    html_raw(o, "\">CSV</a></p>");
    strbuf_cleanup(&q);
    html_raw(o, "<div id=\"people-table\"><table><thead><tr>");
    web_th(req, "Full name");
    web_th(req, "Gender");
    web_th(req, "Born");
    web_th(req, "ID number");
    web_th(req, "Phone");
    web_th(req, "Political status");
    web_th(req, "Village");
    web_th(req, "Flags");
    html_raw(o, "</tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        const struct person *p = &rows[i];
        strbuf_printf(o, "<tr><td><a href=\"/people/%lld\">",
                      (long long)p->id);
        html_txt(o, p->name);
        html_raw(o, "</a></td>");
        web_td(req, strcmp(p->gender, "M") == 0 ? T("male") : T("female"));
        web_td(req, web_date(req, p->birth_date));
        web_td(req, p->id_number_masked);
        web_td(req, p->phone_masked);
        web_td(req, label(req, status_labels, NLABELS(status_labels),
                          p->political_status));
        web_td(req, web_name_or_code(p->village_name, p->village_code));
        html_raw(o, "<td>");
        flags_text(req, p->flags);
        html_raw(o, "</td></tr>");
    }
    if (n == 0)
        web_empty_row(req, 8,
                      f.q || f.political_status || f.flag || page > 1,
                      T("people on the roster"), "/people/new");
    html_raw(o, "</tbody><tfoot><tr><td colspan=\"8\">");
    html_txt(o, T("Total"));
    strbuf_printf(o, ": %lld", (long long)total);
    html_raw(o, "</td></tr></tfoot></table>");
    struct strbuf extra;
    strbuf_init(&extra, 0);
    filter_args(&extra, &f, tw);
    web_pager(req, "/people", page, per_page, total, strbuf_str(&extra));
    strbuf_cleanup(&extra);
    html_raw(o, "</div>");
    return web_page_end(req);
}

/* The edit and void forms of a live person's page. */
static void
person_forms(struct req *req, const struct person *p, const char *err_field,
             const char *err)
{
    struct strbuf *o = &req->out;
    html_raw(o, "<h2>");
    html_txt(o, T("Edit"));
    html_raw(o, "</h2>");
    web_form_begin(req, "edit-form",
                   arena_printf(&req->arena, "/people/%lld",
                                (long long)p->id));
    web_input(req, "name", "Full name", p->name, "text",
              web_err_for(err_field, err, "name"));
    html_raw(o, "<label>");
    html_txt(o, T("New phone number (empty: unchanged)"));
    html_raw(o, "<input name=\"phone\" type=\"tel\" placeholder=\"");
    html_attr(o, p->phone_masked ? p->phone_masked : "");
    html_raw(o, "\"></label>");
    web_field_error(req, web_err_for(err_field, err, "phone"));
    html_raw(o, "<label>");
    html_txt(o, T("Political status"));
    html_raw(o, "<select name=\"political_status\">");
    for (size_t i = 0; i < NLABELS(status_labels); i++)
        web_select_option(req, status_labels[i].code,
                          T(status_labels[i].text), p->political_status);
    html_raw(o, "</select></label>");
    village_select(req, app_db(req), p->township_code, p->village_code,
                   web_err_for(err_field, err, "village_code"));
    html_raw(o, "<fieldset class=\"flags\"><legend>");
    html_txt(o, T("Flags"));
    html_raw(o, "</legend>");
    for (size_t i = 0; i < NLABELS(flag_labels); i++) {
        bool on = p->flags & (1u << people_flag_bit(flag_labels[i].code));
        html_raw(o, "<label class=\"inline\"><input type=\"checkbox\" "
                    "name=\"flags\" value=\"");
        html_attr(o, flag_labels[i].code);
        html_raw(o, on ? "\" checked> " : "\"> ");
        html_txt(o, T(flag_labels[i].text));
        html_raw(o, "</label>");
    }
    html_raw(o, "</fieldset>");
    if (err_field && strcmp(err_field, "name") != 0 &&
        strcmp(err_field, "phone") != 0 &&
        strcmp(err_field, "village_code") != 0 &&
        strcmp(err_field, "reason") != 0)
        web_field_error(req, err);
    web_form_end(req, T("Save"), NULL);
    web_void_form(req,
                  arena_printf(&req->arena, "/people/%lld/void",
                               (long long)p->id),
                  T("Void this record"), T("Reason (kept with the record)"),
                  T("Void"), web_err_for(err_field, err, "reason"));
}

static int
person_page(struct req *req, int64_t id, bool reveal, int status,
            const char *err_field, const char *err)
{
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = app_who(req);
    struct person p;
    int rc = people_get(db, &req->arena, app_keys, id, false, &who, &p);
    const char *scope = app_scope(req);
    if (rc == 0 && scope && strcmp(scope, p.township_code) != 0)
        rc = ERR_NOTFOUND;
    if (rc == ERR_NOTFOUND)
        return http_error(req, 404, "not_found", NULL, "%s",
                          T("No such person."));
    if (rc != 0)
        return app_db_error(req, db);
    if (reveal &&
        people_get(db, &req->arena, app_keys, id, true, &who, &p) != 0)
        return app_db_error(req, db);
    web_page_begin(req, p.name, "/people");
    struct strbuf *o = &req->out;
    html_raw(o, "<h1>");
    html_txt(o, p.name);
    html_raw(o, "</h1>");
    if (p.voided)
        web_voided(req, T("Voided:"), p.void_reason);
    html_raw(o, "<table class=\"record\" id=\"person\">");
    web_row(req, "Gender", strcmp(p.gender, "M") == 0 ? T("male")
                                                      : T("female"));
    web_row(req, "Born", web_date(req, p.birth_date));
    web_row(req, "ID number", p.id_number ? p.id_number : p.id_number_masked);
    web_row(req, "Phone", p.phone ? p.phone : p.phone_masked);
    web_row(req, "Political status",
            label(req, status_labels, NLABELS(status_labels),
                  p.political_status));
    web_row(req, "Township",
            web_name_or_code(p.township_name, p.township_code));
    web_row(req, "Village", web_name_or_code(p.village_name, p.village_code));
    web_row(req, "Member category",
            web_name_or_code(p.member_category_name, p.member_category));
    html_raw(o, "<tr><th>");
    html_txt(o, T("Flags"));
    html_raw(o, "</th><td>");
    flags_text(req, p.flags);
    html_raw(o, "</td></tr></table>");
    if (!reveal) {
        strbuf_printf(o, "<form method=\"get\" action=\"/people/%lld\">",
                      (long long)id);
        html_raw(o, "<input type=\"hidden\" name=\"reveal\" value=\"1\">"
                    "<button type=\"submit\" id=\"reveal\">");
        html_txt(o, T("Show the full numbers (recorded in the audit log)"));
        html_raw(o, "</button></form>");
    }
    if (!p.voided)
        person_forms(req, &p, err_field, err);
    web_page_end(req);
    req->status = status;
    return status;
}

int
web_person(struct req *req)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    return person_page(req, id, req_query(req, "reveal") != NULL, 200, NULL,
                       NULL);
}

int
web_person_update(struct req *req)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    const char *name = req_form(req, "name");
    const char *phone = req_form(req, "phone");
    const char *village = req_form(req, "village_code");
    if (!web_text_ok(name, 32))
        return person_page(req, id, false, 422, "name",
                           T("Enter a name of at most 32 characters."));
    struct person_input in = {
        .name = name,
        .phone = phone && *phone ? phone : NULL, /* empty: unchanged */
        .political_status = req_form(req, "political_status"),
        .village_code = village ? village : "",
        .has_flags = true,
    };
    for (size_t i = 0; i < NLABELS(flag_labels); i++)
        if (req_form_has(req, "flags", flag_labels[i].code))
            in.flags |= 1u << people_flag_bit(flag_labels[i].code);
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = app_who(req);
    struct person_error e;
    int rc = people_update(db, app_keys, id, &in, app_scope(req), &who, &e);
    if (rc == 0)
        return http_redirect(req, arena_printf(&req->arena, "/people/%lld",
                                               (long long)id));
    if (rc == ERR_NOTFOUND)
        return http_error(req, 404, "not_found", NULL, "%s",
                          T("No such person."));
    if (rc != ERR_INVAL)
        return app_db_error(req, db);
    return person_page(req, id, false, 422, e.field, web_why(req, e.why));
}

int
web_person_void(struct req *req)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    const char *reason = req_form(req, "reason");
    if (!web_text_ok(reason, 200))
        return person_page(req, id, false, 422, "reason",
                           T("Give the reason, at most 200 characters."));
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = app_who(req);
    int rc = people_void(db, id, reason, app_scope(req), &who);
    if (rc == ERR_NOTFOUND)
        return http_error(req, 404, "not_found", NULL, "%s",
                          T("No such person."));
    if (rc != 0)
        return app_db_error(req, db);
    return http_redirect(req, arena_printf(&req->arena, "/people/%lld",
                                           (long long)id));
}

/* The add-a-person form, with what was typed and the errors. */
struct person_form {
    const char *name, *id_number, *phone, *status, *village;
    const char *err_field, *err;
};

static void
input(struct req *req, const struct person_form *f, const char *name,
      const char *msgid, const char *value, const char *type)
{
    web_input(req, name, msgid, value, type,
              web_err_for(f->err_field, f->err, name));
}

static int
person_form(struct req *req, int status, const struct person_form *f)
{
    web_page_begin(req, T("Add a person"), "/people");
    struct strbuf *o = &req->out;
    html_raw(o, "<h1>");
    html_txt(o, T("Add a person"));
    html_raw(o, "</h1>");
    web_form_begin(req, "person-form", "/people");
    input(req, f, "name", "Full name", f->name, "text");
    input(req, f, "id_number", "ID number", f->id_number, "text");
    input(req, f, "phone", "Phone", f->phone, "tel");
    html_raw(o, "<label>");
    html_txt(o, T("Political status"));
    html_raw(o, "<select name=\"political_status\">");
    for (size_t i = 0; i < NLABELS(status_labels); i++)
        web_select_option(req, status_labels[i].code,
                          T(status_labels[i].text), f->status);
    html_raw(o, "</select></label>");
    village_select(req, app_db(req), app_scope(req), f->village,
                   f->err_field && strcmp(f->err_field, "village_code") == 0
                       ? f->err
                       : NULL);
    if (f->err_field && strcmp(f->err_field, "name") != 0 &&
        strcmp(f->err_field, "id_number") != 0 &&
        strcmp(f->err_field, "phone") != 0 &&
        strcmp(f->err_field, "village_code") != 0)
        web_field_error(req, f->err);
    html_raw(o, "<p class=\"hint\">");
    html_txt(o, T("Gender and date of birth are read from the ID number."));
    html_raw(o, "</p>");
    web_form_end(req, T("Save"), NULL);
    web_page_end(req);
    req->status = status;
    return status;
}

int
web_person_new(struct req *req)
{
    struct person_form f = {0};
    return person_form(req, 200, &f);
}

int
web_person_create(struct req *req)
{
    struct person_form f = {
        .name = req_form(req, "name"),
        .id_number = req_form(req, "id_number"),
        .phone = req_form(req, "phone"),
        .status = req_form(req, "political_status"),
        .village = req_form(req, "village_code"),
    };
    const char *scope = app_scope(req);
    if (!web_text_ok(f.name, 32)) {
        f.err_field = "name";
        f.err = T("Enter a name of at most 32 characters.");
        return person_form(req, 422, &f);
    }
    if (scope == NULL && (f.village == NULL || strlen(f.village) != 12)) {
        /* A county admin places the person by the village. */
        f.err_field = "village_code";
        f.err = T("Choose the person's village.");
        return person_form(req, 422, &f);
    }
    char township[10];
    if (scope)
        str_copy(township, sizeof(township), scope);
    else
        str_fmt(township, sizeof(township), "%.9s", f.village);
    struct person_input in = {
        .name = f.name,
        .id_number = f.id_number ? f.id_number : "",
        .phone = f.phone,
        .political_status = f.status ? f.status : "",
        .township_code = township,
        .village_code = f.village,
    };
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = app_who(req);
    int64_t id;
    struct person_error e;
    int rc = people_create(db, app_keys, &in, &who, &id, &e);
    if (rc == 0)
        return http_redirect(req, arena_printf(&req->arena, "/people/%lld",
                                               (long long)id));
    if (rc != ERR_INVAL && rc != ERR_CONFLICT)
        return app_db_error(req, db);
    f.err_field = e.field;
    f.err = web_why(req, e.why);
    return person_form(req, rc == ERR_CONFLICT ? 409 : 422, &f);
}

static void
import_form(struct req *req)
{
    struct strbuf *o = &req->out;
    html_raw(o, "<ol class=\"steps\"><li><a href=\"/api/v1/people/"
                "import-template.csv\" id=\"template\">");
    html_txt(o, T("Download the template"));
    html_raw(o, "</a></li><li>");
    html_txt(o, T("In Excel, format the ID number column as Text (文本) "
                  "before you type or paste: as a number Excel keeps only "
                  "15 digits."));
    html_raw(o, "</li><li>");
    html_txt(o, T("Upload the .xlsx, or a CSV (UTF-8 or the GBK CSV of "
                  "Chinese Excel)."));
    html_raw(o, "</li></ol><form id=\"import-form\" class=\"form\" "
                "method=\"post\" action=\"/people/import\" "
                "enctype=\"multipart/form-data\">");
    web_csrf(req);
    html_raw(o, "<label>");
    html_txt(o, T("Roster file (.xlsx or .csv)"));
    html_raw(o, "<input type=\"file\" name=\"file\" accept=\".xlsx,.csv\">"
                "</label><label class=\"inline\"><input type=\"radio\" "
                "name=\"mode\" value=\"valid\" checked> ");
    html_txt(o, T("Import the good rows, report the others"));
    html_raw(o, "</label><label class=\"inline\"><input type=\"radio\" "
                "name=\"mode\" value=\"all\"> ");
    html_txt(o, T("Import nothing unless every row is good"));
    html_raw(o, "</label><button type=\"submit\">");
    html_txt(o, T("Import"));
    html_raw(o, "</button></form>");
}

int
web_people_import_form(struct req *req)
{
    web_page_begin(req, T("Import a roster"), "/people");
    html_raw(&req->out, "<h1>");
    html_txt(&req->out, T("Import a roster"));
    html_raw(&req->out, "</h1>");
    import_form(req);
    return web_page_end(req);
}

int
web_people_import(struct req *req)
{
    const char *data, *mode_d;
    size_t len, mode_l;
    bool all = req_multipart_file(req, "mode", &mode_d, &mode_l) == 0 &&
               mode_l == 3 && memcmp(mode_d, "all", 3) == 0;
    const char *err_msg = NULL;
    struct import_report rep = {0};
    char err[300];
    int status = 200;
    if (req_multipart_file(req, "file", &data, &len) != 0 || len == 0) {
        err_msg = T("Choose a file to import.");
        status = 422;
    } else {
        struct db *db = app_db(req);
        if (db == NULL)
            return req->status;
        struct audit_who who = app_who(req);
        /* An .xlsx is a zip: it starts with "PK". */
        bool xlsx = len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
        int rc = (xlsx ? roster_import_xlsx : roster_import_csv)(
            db, app_keys, data, len, app_scope(req), all, &who, &rep, err,
            sizeof(err));
        if (rc == ERR_INVAL) {
            err_msg = err;
            status = 422;
        } else if (rc != 0) {
            json_decref(rep.rejected);
            return app_db_error(req, db);
        }
    }
    web_page_begin(req, T("Import a roster"), "/people");
    struct strbuf *o = &req->out;
    html_raw(o, "<h1>");
    html_txt(o, T("Import a roster"));
    html_raw(o, "</h1>");
    if (err_msg) {
        html_raw(o, "<p class=\"form-error\">");
        html_txt(o, err_msg);
        html_raw(o, "</p>");
        import_form(req);
        web_page_end(req);
        req->status = status;
        return status;
    }
    size_t nrej = json_array_size(rep.rejected);
    html_raw(o, "<div class=\"stats\" id=\"import-result\">");
    const struct {
        int64_t n;
        const char *msgid;
    } figs[] = {{rep.rows, "Rows read"},
                {rep.imported, "Imported"},
                {(int64_t)nrej, "Refused"}};
    for (size_t i = 0; i < 3; i++) {
        html_raw(o, "<div class=\"stat\"><div class=\"num\">");
        strbuf_printf(o, "%lld", (long long)figs[i].n);
        html_raw(o, "</div><div class=\"label\">");
        html_txt(o, T(figs[i].msgid));
        html_raw(o, "</div></div>");
    }
    html_raw(o, "</div>");
    if (all && nrej) {
        html_raw(o, "<p class=\"notice\">");
        html_txt(o, T("Nothing was imported: every row must be good. Fix "
                      "the rows below and import the file again."));
        html_raw(o, "</p>");
    }
    if (nrej) {
        html_raw(o, "<table id=\"rejected\"><thead><tr>");
        web_th(req, "Row");
        web_th(req, "Column");
        web_th(req, "Reason");
        html_raw(o, "</tr></thead><tbody>");
        size_t i;
        json_t *x;
        json_array_foreach(rep.rejected, i, x)
        {
            html_raw(o, "<tr>");
            strbuf_printf(o, "<td>%lld</td>",
                          (long long)json_integer_value(
                              json_object_get(x, "row")));
            web_td(req, web_jstr(x, "column"));
            web_td(req, web_jstr(x, "reason"));
            html_raw(o, "</tr>");
        }
        html_raw(o, "</tbody></table>");
    }
    json_decref(rep.rejected);
    html_raw(o, "<p><a href=\"/people\">");
    html_txt(o, T("Back to the roster"));
    html_raw(o, "</a></p>");
    return web_page_end(req);
}

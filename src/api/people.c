/*
 * people.c - /api/v1/people: the roster, for the county admin (whole
 * county) and school admins (their own township only: another township's
 * person answers 404, as if it did not exist). Answers carry masked ID
 * and phone numbers; ?reveal=id_number shows them in full and is audited.
 */
#include "api.h"

#include "../core/err.h"
#include "../core/sheet.h"
#include "../core/util.h"
#include "../domain/people.h"
#include "../domain/roster_import.h"

#include <stdlib.h>
#include <string.h>

/* A person as the API's JSON object (API.md): masked, with the void
 * reason and the full numbers when people_get read them. */
static void
person_write(struct jw *w, const struct person *p)
{
    jw_obj(w);
    jw_kint(w, "id", p->id);
    jw_kstr(w, "name", p->name);
    jw_kstr(w, "gender", p->gender);
    jw_kstr(w, "birth_date", p->birth_date);
    jw_kstr(w, "id_number_masked", p->id_number_masked);
    jw_kstr(w, "phone_masked", p->phone_masked);
    jw_kstr(w, "political_status", p->political_status);
    jw_kstr(w, "member_category", p->member_category);
    jw_kstr(w, "township_code", p->township_code);
    jw_kstr(w, "village_code", p->village_code);
    jw_kstr(w, "village_name", p->village_name);
    jw_key(w, "flags");
    jw_arr(w);
    for (int i = 0; people_flags[i]; i++)
        if (p->flags & (1u << i))
            jw_str(w, people_flags[i]);
    jw_end(w);
    jw_kbool(w, "voided", p->voided);
    jw_kid(w, "org_id", p->org_id);
    /* What only people_get reads: there when it has them. */
    if (p->void_reason)
        jw_kstr(w, "void_reason", p->void_reason);
    if (p->id_number)
        jw_kstr(w, "id_number", p->id_number);
    if (p->phone)
        jw_kstr(w, "phone", p->phone);
    jw_end(w);
}

static int
send_person(struct req *req, const struct person *p, int status)
{
    strbuf_reset(&req->out);
    struct jw w;
    jw_init(&w, &req->out);
    person_write(&w, p);
    http_header_add(req, "Cache-Control", "no-store");
    return http_body(req, status, "application/json");
}

/* Answers person id as it is now (after a write: 201 or 200). */
static int
answer_person(struct req *req, struct db *db, int64_t id, int status)
{
    struct audit_who who = app_who(req);
    struct person p;
    if (people_get(db, &req->arena, app_keys, id, false, &who, &p) != 0)
        return app_db_error(req, db);
    return send_person(req, &p, status);
}

/* Reads the fields of a person from a JSON body. create = true requires
 * name, id_number, political_status and township_code. */
static int
read_input(struct req *req, json_t *body, bool create,
           struct person_input *in)
{
    memset(in, 0, sizeof(*in));
    if (json_str_or_422(req, body, "name", create, 1, 32, &in->name) != 0 ||
        json_str_or_422(req, body, "id_number", create, 1, 32,
                        &in->id_number) != 0 ||
        json_str_or_422(req, body, "gender", false, 1, 1, &in->gender) != 0 ||
        json_str_or_422(req, body, "birth_date", false, 10, 10,
                        &in->birth_date) != 0 ||
        json_str_or_422(req, body, "phone", false, 0, 11, &in->phone) != 0 ||
        json_str_or_422(req, body, "political_status", create, 1, 32,
                        &in->political_status) != 0 ||
        json_str_or_422(req, body, "member_category", false, 0, 32,
                        &in->member_category) != 0 ||
        json_str_or_422(req, body, "township_code", create, 9, 9,
                        &in->township_code) != 0 ||
        json_str_or_422(req, body, "village_code", false, 0, 12,
                        &in->village_code) != 0 ||
        json_int_or_422(req, body, "org_id", false, 1, INT64_MAX,
                        &in->has_org, &in->org_id) != 0)
        return -1;
    if (!create && json_object_get(body, "id_number")) {
        http_error(req, 422, "invalid_field", "id_number",
                   "身份证号不能修改：如有错误，请作废该记录后重新录入");
        return -1;
    }
    /* "org_id": null clears the organisation on a change. */
    json_t *org = json_object_get(body, "org_id");
    if (org && json_is_null(org)) {
        in->has_org = true;
        in->org_id = 0;
    }
    json_t *flags = json_object_get(body, "flags");
    if (flags && !json_is_null(flags)) {
        if (!json_is_array(flags)) {
            http_error(req, 422, "invalid_field", "flags",
                       "flags must be a list of names");
            return -1;
        }
        size_t i;
        json_t *f;
        json_array_foreach(flags, i, f)
        {
            int bit = json_is_string(f) ? people_flag_bit(json_string_value(f))
                                        : -1;
            if (bit < 0) {
                http_error(req, 422, "invalid_field", "flags",
                           "unknown flag; known: village_committee, "
                           "branch_secretary, returned_talent, exempt, "
                           "mobile_member");
                return -1;
            }
            in->flags |= 1u << bit;
        }
        in->has_flags = true;
    }
    return 0;
}

static int
input_error(struct req *req, struct db *db, int rc,
            const struct person_error *e)
{
    switch (rc) {
    case ERR_INVAL:
        return http_error(req, 422, "invalid_field", e->field, "%s", e->why);
    case ERR_CONFLICT:
        return http_error(req, 409, "duplicate_person", e->field, "%s",
                          e->why);
    case ERR_NOTFOUND:
        return http_error(req, 404, "not_found", NULL, "no such person");
    case ERR_DENIED:
        return http_error(req, 403, "forbidden_township", "township_code",
                          "you may only act within your own township");
    default:
        return app_db_error(req, db);
    }
}

/* The list's filters from the query string, within the caller's scope:
 * township (403 outside it), political_status, flag, q, sort. On a bad
 * value answers 400 and returns -1. */
static int
filter_or_400(struct req *req, struct people_filter *f)
{
    memset(f, 0, sizeof(*f));
    f->township = req_query(req, "township");
    if (f->township && *f->township == '\0')
        f->township = NULL;
    if (f->township && app_check_township(req, f->township) != 0)
        return -1;
    if (f->township == NULL)
        f->township = app_scope(req);
    f->political_status = req_query(req, "political_status");
    f->flag = req_query(req, "flag");
    f->q = req_query(req, "q");
    if (f->political_status && *f->political_status == '\0')
        f->political_status = NULL;
    if (f->flag && *f->flag == '\0')
        f->flag = NULL;
    if (f->flag && people_flag_bit(f->flag) < 0) {
        http_error(req, 400, "invalid_param", "flag", "unknown flag");
        return -1;
    }
    if (f->q && strlen(f->q) > 64) {
        http_error(req, 400, "invalid_param", "q", "q is too long");
        return -1;
    }
    const char *sort = req_query(req, "sort");
    if (sort && *sort && strcmp(sort, "pinyin") != 0 &&
        strcmp(sort, "strokes") != 0) {
        http_error(req, 400, "invalid_param", "sort",
                   "sort is pinyin or strokes");
        return -1;
    }
    f->strokes = sort && strcmp(sort, "strokes") == 0;
    return 0;
}

int
api_people_list(struct req *req)
{
    int64_t page, per_page;
    if (req_paging_or_400(req, &page, &per_page) != 0)
        return req->status;
    struct people_filter f;
    if (filter_or_400(req, &f) != 0)
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    int64_t total;
    struct person *rows;
    size_t n;
    if (people_page(db, &req->arena, &f, page, per_page, &rows, &n,
                    &total) != 0)
        return app_db_error(req, db);
    struct jw *w = http_list_begin(req);
    for (size_t i = 0; i < n; i++)
        person_write(w, &rows[i]);
    return http_list_end(req, total, page, per_page);
}

int
api_people_create(struct req *req)
{
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    struct person_input in;
    if (read_input(req, body, true, &in) != 0)
        return req->status;
    if (app_check_township(req, in.township_code) != 0)
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    if (!township_exists(db, in.township_code))
        return http_error(req, 422, "invalid_field", "township_code",
                          "没有这个镇街代码");
    struct audit_who who = app_who(req);
    struct person_error e;
    int64_t id;
    int rc = people_create(db, app_keys, &in, &who, &id, &e);
    if (rc != 0)
        return input_error(req, db, rc, &e);
    return answer_person(req, db, id, 201);
}

int
api_people_get(struct req *req)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    const char *reveal = req_query(req, "reveal");
    bool want = reveal && *reveal;
    if (want && strcmp(reveal, "id_number") != 0)
        return http_error(req, 400, "invalid_param", "reveal",
                          "reveal=id_number is the only choice");
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = app_who(req);
    struct person p;
    /* Look first without revealing, so a reveal is audited only for a
     * person the caller may see. */
    int rc = people_get(db, &req->arena, app_keys, id, false, &who, &p);
    if (rc == ERR_NOTFOUND)
        return http_error(req, 404, "not_found", NULL, "no such person");
    if (rc != 0)
        return app_db_error(req, db);
    const char *scope = app_scope(req);
    if (scope && strcmp(scope, p.township_code) != 0)
        return http_error(req, 404, "not_found", NULL, "no such person");
    if (want &&
        people_get(db, &req->arena, app_keys, id, true, &who, &p) != 0)
        return app_db_error(req, db);
    return send_person(req, &p, 200);
}

int
api_people_update(struct req *req)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    struct person_input in;
    if (read_input(req, body, false, &in) != 0)
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    if (in.township_code && !township_exists(db, in.township_code))
        return http_error(req, 422, "invalid_field", "township_code",
                          "没有这个镇街代码");
    struct audit_who who = app_who(req);
    struct person_error e;
    int rc = people_update(db, app_keys, id, &in, app_scope(req), &who, &e);
    if (rc != 0)
        return input_error(req, db, rc, &e);
    return answer_person(req, db, id, 200);
}

int
api_people_void(struct req *req)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    const char *reason;
    if (json_str_or_422(req, body, "reason", true, 1, 200, &reason) != 0)
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = app_who(req);
    int rc = people_void(db, id, reason, app_scope(req), &who);
    if (rc == ERR_NOTFOUND)
        return http_error(req, 404, "not_found", NULL,
                          "no such person, or already voided");
    if (rc != 0)
        return app_db_error(req, db);
    return http_no_content(req);
}

int
api_people_import(struct req *req)
{
    const char *mode = req_query(req, "mode");
    if (mode && *mode && strcmp(mode, "all") != 0 &&
        strcmp(mode, "valid") != 0)
        return http_error(req, 400, "invalid_param", "mode",
                          "mode is all (nothing unless every row is good) "
                          "or valid (the good rows)");
    bool all = !(mode && strcmp(mode, "valid") == 0);
    const char *ct = req_header(req, "Content-Type");
    bool xlsx = ct && strncmp(ct, "application/vnd.openxmlformats-"
                                  "officedocument.spreadsheetml.sheet",
                              65) == 0;
    if (ct == NULL || !(xlsx || strncmp(ct, "text/csv", 8) == 0 ||
                        strncmp(ct, "application/csv", 15) == 0 ||
                        strncmp(ct, "text/plain", 10) == 0))
        return http_error(req, 400, "bad_content_type", NULL,
                          "send the roster as .xlsx (application/vnd."
                          "openxmlformats-officedocument.spreadsheetml."
                          "sheet) or as text/csv (UTF-8 or GBK)");
    if (req->body == NULL || req->body_len == 0)
        return http_error(req, 400, "bad_file", NULL, "the file is empty");
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = app_who(req);
    struct import_report rep;
    char err[300];
    int rc = (xlsx ? roster_import_xlsx : roster_import_csv)(
        db, app_keys, req->body, req->body_len, app_scope(req), all, &who,
        &rep, err, sizeof(err));
    if (rc == ERR_INVAL)
        return http_error(req, 422, "bad_file", NULL, "%s", err);
    if (rc != 0) {
        json_decref(rep.rejected);
        return app_db_error(req, db);
    }
    return http_json(req, 200,
                     json_pack("{s:i, s:i, s:o, s:s, s:s}", "rows", rep.rows,
                               "imported", rep.imported, "rejected",
                               rep.rejected, "mode", all ? "all" : "valid",
                               "encoding", rep.encoding));
}

int
api_people_template(struct req *req)
{
    http_header_add(req, "Content-Disposition",
                    "attachment; filename=\"roster-template.csv\"; "
                    "filename*=UTF-8''%E8%8A%B1%E5%90%8D%E5%86%8C%E6%A8%A1%E6%9D%BF.csv");
    return http_static(req, 200, "text/csv; charset=utf-8",
                       roster_template_csv, strlen(roster_template_csv));
}

/* GET /api/v1/people/export.xlsx and export.csv: the list's filters;
 * masked unless ?reveal=id_number with a recorded &reason=. Every export
 * is an audit row (rows, format, revealed, reason). */
static int
export(struct req *req, bool xlsx)
{
    struct people_filter f;
    if (filter_or_400(req, &f) != 0)
        return req->status;
    const char *reveal = req_query(req, "reveal");
    const char *reason = req_query(req, "reason");
    bool want = reveal && *reveal;
    if (want && strcmp(reveal, "id_number") != 0)
        return http_error(req, 400, "invalid_param", "reveal",
                          "reveal=id_number is the only choice");
    if (want && (reason == NULL || utf8_chars(reason) < 2 ||
                 utf8_chars(reason) > 200 ||
                 text_check(reason, TEXT_LINE) != 0))
        return http_error(req, 400, "invalid_param", "reason",
                          "an unmasked export needs a reason (2 to 200 "
                          "characters on one line, no control characters), "
                          "which is recorded");
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    int rows;
    struct sheet *s = people_export(db, app_keys, &f, want, &rows);
    if (s == NULL)
        return app_db_error(req, db);
    /* The export is recorded before it is sent: no audit row, no
     * export. */
    struct audit_who who = app_who(req);
    json_t *d = json_pack("{s:s, s:i, s:b, s:s?, s:s?, s:s?}", "format",
                          xlsx ? "xlsx" : "csv", "rows", rows, "revealed",
                          want, "reason", want ? reason : NULL, "township",
                          f.township, "q", f.q);
    char *ds = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    int rc = audit_record(db, &who, "person_export", "people", true, ds);
    free(ds);
    if (rc != 0) {
        sheet_free(s);
        return app_db_error(req, db);
    }
    /* 花名册 */
    return app_send_sheet(req, db, s, "roster",
                          "%E8%8A%B1%E5%90%8D%E5%86%8C", xlsx);
}

int
api_people_export_xlsx(struct req *req)
{
    return export(req, true);
}

int
api_people_export_csv(struct req *req)
{
    return export(req, false);
}

/*
 * surveys.c - questionnaires (需求调研): GET, POST /api/v1/surveys,
 * GET /api/v1/surveys/{id}, POST …/publish and …/close, POST
 * …/responses (a trainee of the audience, once), GET …/results and
 * …/results.xlsx, and GET /api/v1/me/surveys (what is open to me).
 *
 * A township admin sees its township's surveys and the county's, manages
 * only its own, and sees the results of its own township's respondents.
 */
#include "api.h"

#include "../core/err.h"
#include "../core/sheet.h"
#include "../core/util.h"
#include "../domain/org.h"
#include "../domain/rules.h"
#include "../domain/survey.h"

#include <string.h>

int
api_surveys_list(struct req *req)
{
    /* ?township=: the surveys that township's people are asked (the
     * county's and its own), within the caller's scope. */
    const char *township;
    if (app_township_filter(req, &township) != 0)
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    json_t *items = json_array();
    if (survey_list(db, township, items) != 0) {
        json_decref(items);
        return app_db_error(req, db);
    }
    return api_list_all(req, items);
}

int
api_surveys_create(struct req *req)
{
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    const char *township, *closes, *title, *intro;
    if (json_str_or_422(req, body, "title", true, 1, 64, &title) ||
        json_text_or_422(req, body, "intro", false, 0, 500, &intro) ||
        json_str_or_422(req, body, "township_code", false, 1, 15, &township) ||
        json_str_or_422(req, body, "closes_at", false, 16, 25, &closes))
        return req->status;
    int64_t closes_at = 0;
    if (closes && rules_parse_time(closes, &closes_at) != 0)
        return http_error(req, 422, "invalid_field", "closes_at",
                          "closes_at must be a time YYYY-MM-DDTHH:MM "
                          "(China time)");
    /* A township admin's surveys are its township's. */
    if (township == NULL)
        township = app_scope(req);
    if (app_check_township(req, township) != 0)
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = app_who(req);
    struct survey_error e;
    int64_t id;
    int rc = survey_create(db, body, township, closes_at, &who, &id, &e);
    if (rc != 0)
        return app_write_error(req, db, rc, &e.e, "survey");
    json_t *v;
    char tw[16];
    if (survey_get(db, id, NULL, &v, tw) != 0)
        return app_db_error(req, db);
    return http_json(req, 201, v);
}

/* Survey {id} as the caller may see it: a county one, or one of the
 * caller's township. responses counted within the caller's scope. 0 with
 * *out and township[16], or -1 having answered. */
static int
visible(struct req *req, struct db *db, int64_t id, json_t **out,
        char township[16])
{
    const char *scope = app_scope(req);
    int rc = survey_get(db, id, scope, out, township);
    if (rc == 0 && township[0] && scope && strcmp(scope, township) != 0) {
        json_decref(*out);
        rc = ERR_NOTFOUND;
    }
    if (rc == ERR_NOTFOUND) {
        http_error(req, 404, "not_found", NULL, "no such survey");
        return -1;
    }
    if (rc != 0) {
        app_db_error(req, db);
        return -1;
    }
    return 0;
}

static bool
is_admin(struct req *req)
{
    const char *role = app_account(req)->role;
    return strcmp(role, "county_admin") == 0 ||
           strcmp(role, "school_admin") == 0;
}

int
api_survey_get(struct req *req)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct account *a = app_account(req);
    json_t *v;
    char tw[16];
    if (is_admin(req)) {
        if (visible(req, db, id, &v, tw) != 0)
            return req->status;
        return http_json(req, 200, v);
    }
    /* Anyone else sees a published survey of its audience, to answer it. */
    int rc = a->person_id ? survey_for_person(db, app_keys, id, a->person_id,
                                              now_unix(), &v)
                          : ERR_NOTFOUND;
    if (rc == ERR_NOTFOUND)
        return http_error(req, 404, "not_found", NULL, "no such survey");
    if (rc != 0)
        return app_db_error(req, db);
    return http_json(req, 200, v);
}

/* publish and close: only a survey the caller manages. */
static int
set_state(struct req *req,
          int (*fn)(struct db *, int64_t, const struct audit_who *),
          const char *why)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    json_t *v;
    char tw[16];
    if (visible(req, db, id, &v, tw) != 0)
        return req->status;
    json_decref(v);
    if (app_check_township(req, tw[0] ? tw : NULL) != 0)
        return req->status;
    struct audit_who who = app_who(req);
    int rc = fn(db, id, &who);
    if (rc == ERR_CONFLICT)
        return http_error(req, 409, "wrong_state", NULL, "%s", why);
    if (rc != 0)
        return app_db_error(req, db);
    if (visible(req, db, id, &v, tw) != 0)
        return req->status;
    return http_json(req, 200, v);
}

int
api_survey_publish(struct req *req)
{
    return set_state(req, survey_publish, "只有草稿可以发布");
}

int
api_survey_close(struct req *req)
{
    return set_state(req, survey_close, "只有已发布的问卷可以结束");
}

int
api_survey_respond(struct req *req)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    struct account *a = app_account(req);
    if (a->person_id == 0)
        return http_error(req, 403, "no_person", NULL,
                          "此账号未关联花名册中的人员");
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = app_who(req);
    struct survey_error e;
    int rc =
        survey_answer(db, app_keys, id, a->person_id,
                      json_object_get(body, "answers"), now_unix(), &who, &e);
    switch (rc) {
    case 0:
        return http_json(req, 201,
                         json_pack("{s:I, s:b}", "survey_id", (json_int_t)id,
                                   "answered", 1));
    case ERR_DENIED:
        return http_error(req, 403, "not_in_audience", NULL,
                          "这份问卷不是发给您所在镇街的");
    case ERR_RANGE:
        return http_error(req, 409, "survey_closed", NULL, "这份问卷已经结束");
    case ERR_CONFLICT:
        return http_error(req, 409, "already_answered", NULL,
                          "您已经答过这份问卷");
    default:
        return app_write_error(req, db, rc, &e.e, "survey");
    }
}

int
api_me_surveys(struct req *req)
{
    struct account *a = app_account(req);
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    json_t *items = json_array();
    int rc = a->person_id ? survey_open_for(db, app_keys, a->person_id,
                                            now_unix(), items)
                          : 0;
    if (rc != 0 && rc != ERR_NOTFOUND) {
        json_decref(items);
        return app_db_error(req, db);
    }
    return api_list_all(req, items);
}

/* The results for the caller: ?township= within its scope. 0 with *out,
 * or -1 having answered. */
static int
results(struct req *req, struct db *db, json_t **out, const char **t)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0 ||
        app_township_filter(req, t) != 0)
        return -1;
    json_t *v;
    char tw[16];
    if (visible(req, db, id, &v, tw) != 0)
        return -1;
    json_decref(v);
    if (survey_results(db, id, *t, out) != 0) {
        app_db_error(req, db);
        return -1;
    }
    return 0;
}

int
api_survey_results(struct req *req)
{
    struct db *db = app_db(req);
    json_t *v;
    const char *t;
    if (db == NULL || results(req, db, &v, &t) != 0)
        return req->status;
    return http_json(req, 200, v);
}

int
api_survey_results_xlsx(struct req *req)
{
    struct db *db = app_db(req);
    json_t *v;
    const char *t;
    if (db == NULL || results(req, db, &v, &t) != 0)
        return req->status;
    /* One row per choice with its count and share of the question's
     * respondents, then one row per free-text answer. */
    static const char *const heads[6] = {"题号", "题目", "选项或回答",
                                         "人数", "占比", "镇街"};
    static const bool text[6] = {false, true, true, false, false, true};
    struct sheet *sh = sheet_new(json_string_value(json_object_get(v, "title")),
                                 6, heads, text);
    char where[64] = "全县";
    if (t && org_township_name(db, t, where, sizeof(where)) < 0)
        str_copy(where, sizeof(where), t);
    const char *first[6] = {"",
                            "答卷人数",
                            NULL,
                            arena_printf(&req->arena, "%lld",
                                         (long long)json_integer_value(
                                             json_object_get(v, "responses"))),
                            NULL,
                            where};
    sheet_add_row(sh, first);
    size_t i, j;
    json_t *q, *o;
    json_array_foreach(json_object_get(v, "question_list"), i, q)
    {
        const char *no = arena_printf(&req->arena, "%zu", i + 1);
        const char *qt = json_string_value(json_object_get(q, "text"));
        json_int_t answered =
            json_integer_value(json_object_get(q, "answered"));
        json_array_foreach(json_object_get(q, "options"), j, o)
        {
            json_int_t n = json_integer_value(json_object_get(o, "count"));
            const char *cells[6] = {
                no,
                qt,
                json_string_value(json_object_get(o, "label")),
                arena_printf(&req->arena, "%lld", (long long)n),
                answered ? arena_printf(&req->arena, "%.1f%%",
                                        100.0 * (double)n / (double)answered)
                         : "—",
                NULL};
            sheet_add_row(sh, cells);
        }
        json_array_foreach(json_object_get(q, "answers"), j, o)
        {
            const char *cells[6] = {
                no,   qt,   json_string_value(json_object_get(o, "text")),
                NULL, NULL, json_string_value(json_object_get(o, "township"))};
            sheet_add_row(sh, cells);
        }
    }
    json_decref(v);
    return app_send_sheet(req, db, sh, "survey-results", NULL, true);
}

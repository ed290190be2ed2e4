/*
 * orders.c - course orders (线上点单): POST /api/v1/orders (a trainee),
 * GET /api/v1/me/orders (its outcomes), GET /api/v1/orders
 * [?school_id=|township=][&from=&to=] (every township's demand for the
 * county, one school's or township's otherwise, per course: open now,
 * ranked, and placed in the period, the county report's 点单数),
 * POST /api/v1/orders/convert
 * (a course's open orders become a themed class) and
 * POST /api/v1/orders/{id}/decline.
 */
#include "api.h"

#include "../core/err.h"
#include "../core/util.h"
#include "../domain/classes.h"
#include "../domain/orders.h"
#include "../domain/rules.h"

#include <string.h>

int
api_orders_create(struct req *req)
{
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    int64_t course;
    bool has;
    const char *note;
    if (json_int_or_422(req, body, "course_id", true, 1, INT64_MAX, &has,
                        &course) ||
        json_text_or_422(req, body, "note", false, 0, 200, &note))
        return req->status;
    struct account *a = app_account(req);
    if (a->person_id == 0)
        return http_error(req, 403, "no_person", NULL,
                          "此账号未关联花名册中的人员");
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = app_who(req);
    struct field_error e;
    int64_t id;
    int rc = order_create(db, a->person_id, course, note, &who, &id, &e);
    if (rc == ERR_CONFLICT)
        return http_error(req, 409, "already_ordered", "course_id",
                          "您已点过这门课，正在等待党校安排");
    if (rc != 0)
        return app_write_error(req, db, rc, &e, "person");
    return http_json(req, 201, json_pack("{s:I, s:I, s:s}", "id",
                                         (json_int_t)id, "course_id",
                                         (json_int_t)course, "status",
                                         "open"));
}

int
api_me_orders(struct req *req)
{
    struct account *a = app_account(req);
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    json_t *items = json_array();
    if (a->person_id && order_mine(db, a->person_id, items) != 0) {
        json_decref(items);
        return app_db_error(req, db);
    }
    return api_list_all(req, items);
}

int
api_orders_demand(struct req *req)
{
    int64_t school, from, to;
    const char *township;
    char a[11], b[11];
    if (req_query_int_or_400(req, "school_id", 1, INT64_MAX, 0, &school) ||
        app_township_filter(req, &township) != 0 ||
        app_period_or_400(req, &from, &to, a, b) != 0)
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    char tw[16];
    if (school) { /* a school's demand is its township's */
        json_t *s;
        if (app_get_scoped(req, db, school_get, school, "school", &s) != 0)
            return req->status;
        str_copy(tw, sizeof(tw),
                 json_string_value(json_object_get(s, "township_code")));
        json_decref(s);
        township = tw;
    }
    json_t *items = json_array();
    int64_t placed;
    if (order_table(db, township, from, to, items, &placed) != 0) {
        json_decref(items);
        return app_db_error(req, db);
    }
    int64_t n = (int64_t)json_array_size(items);
    json_t *v = http_list(items, n, 1, n > 0 ? n : 1);
    json_object_set_new(v, "placed", json_integer(placed));
    json_object_set_new(v, "from", json_string(a));
    json_object_set_new(v, "to", json_string(b));
    return http_json(req, 200, v);
}

/* An optional time field; absent leaves *out. 0 or -1 answered. */
static int
opt_time(struct req *req, json_t *body, const char *name, int64_t *out)
{
    const char *s;
    if (json_str_or_422(req, body, name, false, 16, 25, &s) != 0)
        return -1;
    if (s && rules_parse_time(s, out) != 0) {
        http_error(req, 422, "invalid_field", name,
                   "%s must be a time YYYY-MM-DDTHH:MM (China time)", name);
        return -1;
    }
    return 0;
}

int
api_orders_convert(struct req *req)
{
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    struct order_convert c = {0};
    bool has;
    /* By default the class meets a week from today at 09:00, for 3
     * hours or as long as the course's 学时 need. */
    int64_t now = now_unix();
    int64_t day = now + 7 * 86400;
    c.starts_at = day - (day + RULES_CST_OFFSET) % 86400 + 9 * 3600;
    if (json_int_or_422(req, body, "course_id", true, 1, INT64_MAX, &has,
                        &c.course_id) ||
        json_int_or_422(req, body, "school_id", true, 1, INT64_MAX, &has,
                        &c.school_id) ||
        json_str_or_422(req, body, "title", false, 1, 64, &c.title) ||
        opt_time(req, body, "starts_at", &c.starts_at) ||
        opt_time(req, body, "ends_at", &c.ends_at))
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    json_t *s;
    if (app_get_scoped(req, db, school_get, c.school_id, "school", &s) != 0)
        return req->status;
    json_decref(s);
    struct audit_who who = app_who(req);
    struct field_error e;
    int64_t program, session, n;
    int rc = order_convert(db, &c, &who, &program, &session, &n, &e);
    if (rc == ERR_NOTFOUND)
        return http_error(req, 409, "no_open_orders", "course_id",
                          "这门课在本镇街没有待处理的点单");
    if (rc != 0)
        return app_write_error(req, db, rc, &e, "course");
    json_t *v;
    char tw[16];
    if (program_get(db, program, &v, tw) != 0)
        return app_db_error(req, db);
    json_object_set_new(v, "session_id", json_integer(session));
    json_object_set_new(v, "accepted", json_integer(n));
    return http_json(req, 201, v);
}

int
api_orders_decline(struct req *req)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    const char *reason;
    if (json_str_or_422(req, body, "reason", true, 1, 200, &reason))
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    char tw[16];
    int rc = order_township(db, id, tw);
    const char *scope = app_scope(req);
    if (rc == 0 && scope && strcmp(scope, tw) != 0)
        rc = ERR_NOTFOUND;
    struct audit_who who = app_who(req);
    if (rc == 0)
        rc = order_decline(db, id, reason, &who);
    if (rc == ERR_NOTFOUND)
        return http_error(req, 404, "not_found", NULL,
                          "no such open order");
    if (rc != 0)
        return app_db_error(req, db);
    return http_no_content(req);
}

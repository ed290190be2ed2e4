/*
 * users.c - /api/v1/users: account administration, for the sysadmin only
 * (三员分立: the sysadmin manages accounts and sees no business data).
 */
#include "api.h"

#include "../core/err.h"
#include "../core/util.h"

#include <string.h>

/* Maps an auth_user_create/update failure onto the API's errors. */
static int
user_error(struct req *req, struct db *db, int rc, const char *field,
           const char *why)
{
    switch (rc) {
    case ERR_NOTFOUND:
        return http_error(req, 422, "missing_field", field, "%s", why);
    case ERR_INVAL:
        return http_error(req, 422, "invalid_field", field, "%s", why);
    case ERR_RANGE:
        return http_error(req, 422, "weak_password", field, "%s", why);
    case ERR_CONFLICT:
        return http_error(req, 409, "username_taken", field, "%s", why);
    default:
        return api_db_error(req, db);
    }
}

int
api_users_list(struct req *req)
{
    int64_t page, per_page;
    if (req_paging_or_400(req, &page, &per_page) != 0)
        return req->status;
    struct db *db = api_db(req);
    if (db == NULL)
        return req->status;
    int64_t total;
    if (db_int1(db, Q_USER_COUNT, &total, "") != 0)
        return api_db_error(req, db);
    struct db_res *r = db_query(db, Q_USER_LIST, "ii", per_page,
                                (page - 1) * per_page);
    if (r == NULL)
        return api_db_error(req, db);
    json_t *items = json_array();
    int rc;
    int64_t now = now_unix();
    while ((rc = db_next(r)) > 0) {
        json_t *u = json_pack(
            "{s:I, s:s, s:s, s:s?, s:b, s:b, s:b}", "id",
            (json_int_t)db_int(r, 0), "username", db_text(r, 1), "role",
            db_text(r, 3), "township_code", db_text(r, 4),
            "must_change_password", (int)db_int(r, 6), "locked",
            db_int(r, 9) > now, "disabled", (int)db_int(r, 10));
        json_object_set_new(u, "person_id",
                            db_int(r, 5) ? json_integer(db_int(r, 5))
                                         : json_null());
        json_array_append_new(items, u);
    }
    db_end(r);
    if (rc < 0) {
        json_decref(items);
        return api_db_error(req, db);
    }
    return http_json(req, 200, http_list(items, total, page, per_page));
}

int
api_users_create(struct req *req)
{
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    const char *username, *password, *role, *township;
    bool has_person;
    int64_t person_id = 0;
    if (json_str_or_422(req, body, "username", true, 1, 64, &username) != 0 ||
        json_str_or_422(req, body, "password", true, 1, 256, &password) !=
            0 ||
        json_str_or_422(req, body, "role", true, 1, 32, &role) != 0 ||
        json_str_or_422(req, body, "township_code", false, 1, 16,
                        &township) != 0 ||
        json_int_or_422(req, body, "person_id", false, 1, INT64_MAX,
                        &has_person, &person_id) != 0)
        return req->status;
    struct db *db = api_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = api_who(req);
    int64_t id;
    const char *field = NULL, *why = NULL;
    int rc = auth_user_create(db, username, password, role, township,
                              person_id, true, false, &who, &id, &field,
                              &why);
    if (rc != 0)
        return user_error(req, db, rc, field, why);
    struct account a;
    if (auth_user_get(db, &req->arena, id, &a) != 0)
        return api_db_error(req, db);
    return http_json(req, 201, api_user_json(&a));
}

int
api_users_get(struct req *req)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    struct db *db = api_db(req);
    if (db == NULL)
        return req->status;
    struct account a;
    int rc = auth_user_get(db, &req->arena, id, &a);
    if (rc == ERR_NOTFOUND)
        return http_error(req, 404, "not_found", NULL, "no such user");
    if (rc != 0)
        return api_db_error(req, db);
    json_t *v = api_user_json(&a);
    json_object_set_new(v, "disabled", json_boolean(a.disabled));
    json_object_set_new(v, "locked",
                        json_boolean(a.locked_until > now_unix()));
    return http_json(req, 200, v);
}

int
api_users_update(struct req *req)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    struct user_change c = {.disabled = -1};
    int unlock;
    if (json_str_or_422(req, body, "role", false, 1, 32, &c.role) != 0 ||
        json_str_or_422(req, body, "township_code", false, 1, 16,
                        &c.township_code) != 0 ||
        json_bool_or_422(req, body, "disabled", false, &c.disabled) != 0 ||
        json_bool_or_422(req, body, "unlock", false, &unlock) != 0)
        return req->status;
    c.set_township = json_object_get(body, "township_code") != NULL;
    c.unlock = unlock == 1;
    if (id == req->user->user_id && c.disabled == 1)
        return http_error(req, 422, "invalid_field", "disabled",
                          "不能停用自己的账号");
    struct db *db = api_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = api_who(req);
    struct account a;
    const char *field = NULL, *why = NULL;
    int rc = auth_user_update(db, &req->arena, id, &c, &who, &a, &field,
                              &why);
    if (rc == ERR_NOTFOUND && field == NULL)
        return http_error(req, 404, "not_found", NULL, "no such user");
    if (rc != 0)
        return user_error(req, db, rc, field, why);
    json_t *v = api_user_json(&a);
    json_object_set_new(v, "disabled", json_boolean(a.disabled));
    return http_json(req, 200, v);
}

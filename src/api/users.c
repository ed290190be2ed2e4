/*
 * users.c - /api/v1/users: account administration, for the sysadmin only
 * (三员分立: the sysadmin manages accounts and sees no business data).
 * The three administrator roles are given only at the console, and no
 * account changes its own role, township, person or state: the rules are
 * auth.c's, the answers here.
 */
#include "api.h"

#include "../core/err.h"
#include "../core/util.h"

#include <string.h>

/* Answers an auth_user_create/update refusal in the API's shape. */
static int
user_error(struct req *req, struct db *db, int rc, const struct user_error *e)
{
    static const struct {
        int rc, status;
    } map[] = {
        {ERR_NOTFOUND, 422}, {ERR_INVAL, 422}, {ERR_RANGE, 422},
        {ERR_CONFLICT, 409}, {ERR_DENIED, 403},
    };
    for (size_t i = 0; e->code && i < sizeof(map) / sizeof(map[0]); i++)
        if (map[i].rc == rc)
            return http_error(req, map[i].status, e->code, e->field, "%s",
                              e->why);
    return app_db_error(req, db);
}

/* An account as GET /users/{id} shows it. */
static json_t *
user_full_json(const struct account *a)
{
    json_t *v = api_user_json(a);
    json_object_set_new(v, "disabled", json_boolean(a->disabled));
    json_object_set_new(v, "locked",
                        json_boolean(a->locked_until > now_unix()));
    return v;
}

int
api_users_list(struct req *req)
{
    int64_t page, per_page;
    if (req_paging_or_400(req, &page, &per_page) != 0)
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    int64_t total;
    struct account *rows;
    size_t n;
    if (auth_accounts_page(db, &req->arena, per_page, (page - 1) * per_page,
                           &rows, &n, &total) != 0)
        return app_db_error(req, db);
    json_t *items = json_array();
    int64_t now = now_unix();
    for (size_t i = 0; i < n; i++) {
        const struct account *u = &rows[i];
        json_t *v = json_pack(
            "{s:I, s:s, s:s, s:s?, s:b, s:b, s:b}", "id", (json_int_t)u->id,
            "username", u->username, "role", u->role, "township_code",
            u->township_code, "must_change_password", u->must_change_password,
            "locked", u->locked_until > now, "disabled", u->disabled);
        json_object_set_new(v, "person_id",
                            u->person_id ? json_integer(u->person_id)
                                         : json_null());
        json_array_append_new(items, v);
    }
    return http_json(req, 200, http_list(items, total, page, per_page));
}

/* The account creation, on the hashing pool. */
static int
create_run(struct req *req, void *ctx)
{
    const struct user_new *u = ctx;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = app_who(req);
    int64_t id;
    struct user_error e = {0};
    int rc = auth_user_create(db, u, &who, &id, &e);
    if (rc != 0)
        return user_error(req, db, rc, &e);
    struct account a;
    if (auth_user_get(db, &req->arena, id, &a) != 0)
        return app_db_error(req, db);
    return http_json(req, 201, api_user_json(&a));
}

int
api_users_create(struct req *req)
{
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    struct user_new *u = arena_zalloc(&req->arena, sizeof(*u));
    bool has_person;
    if (json_str_or_422(req, body, "username", true, 1, 64, &u->username) !=
            0 ||
        json_str_or_422(req, body, "password", true, 1, 256, &u->password) !=
            0 ||
        json_str_or_422(req, body, "role", true, 1, 32, &u->role) != 0 ||
        json_str_or_422(req, body, "township_code", false, 1, 16,
                        &u->township_code) != 0 ||
        json_int_or_422(req, body, "person_id", false, 1, INT64_MAX,
                        &has_person, &u->person_id) != 0)
        return req->status;
    u->origin = USER_BY_API;
    return app_offload(req, create_run, u);
}

int
api_users_get(struct req *req)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct account a;
    int rc = auth_user_get(db, &req->arena, id, &a);
    if (rc == ERR_NOTFOUND)
        return http_error(req, 404, "not_found", NULL, "no such user");
    if (rc != 0)
        return app_db_error(req, db);
    return http_json(req, 200, user_full_json(&a));
}

/* Applies change c to the account {id} of the path and answers. */
static int
update_answer(struct req *req, const struct user_change *c)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = app_who(req);
    struct account a;
    struct user_error e = {0};
    int rc = auth_user_update(db, &req->arena, id, c, &who, &a, &e);
    if (rc == ERR_NOTFOUND && e.code == NULL)
        return http_error(req, 404, "not_found", NULL, "no such user");
    if (rc != 0)
        return user_error(req, db, rc, &e);
    return http_json(req, 200, user_full_json(&a));
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
    bool has_person;
    if (json_str_or_422(req, body, "role", false, 1, 32, &c.role) != 0 ||
        json_str_or_422(req, body, "township_code", false, 1, 16,
                        &c.township_code) != 0 ||
        json_int_or_422(req, body, "person_id", false, 1, INT64_MAX,
                        &has_person, &c.person_id) != 0 ||
        json_bool_or_422(req, body, "disabled", false, &c.disabled) != 0 ||
        json_bool_or_422(req, body, "unlock", false, &unlock) != 0)
        return req->status;
    c.set_township = json_object_get(body, "township_code") != NULL;
    c.set_person = json_object_get(body, "person_id") != NULL;
    c.unlock = unlock == 1;
    return update_answer(req, &c);
}

int
api_users_disable(struct req *req)
{
    struct user_change c = {.disabled = 1};
    return update_answer(req, &c);
}

int
api_users_enable(struct req *req)
{
    struct user_change c = {.disabled = 0};
    return update_answer(req, &c);
}

int
api_users_unlock(struct req *req)
{
    struct user_change c = {.disabled = -1, .unlock = true};
    return update_answer(req, &c);
}

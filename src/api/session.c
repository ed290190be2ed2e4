/*
 * session.c - POST/DELETE /api/v1/session, GET /api/v1/me,
 * POST /api/v1/me/password, GET/POST /api/v1/tokens and
 * DELETE /api/v1/tokens/{id}.
 *
 * A log-in or a password change hashes passwords (argon2id: tens of
 * milliseconds and 64 MiB each): that part runs on the hashing pool
 * (app_offload), so that a flood of log-ins leaves the HTTP workers free
 * for everyone else. What needs no hashing - a locked name, an address
 * past its limit - is answered at once.
 */
#include "api.h"

#include "../core/err.h"
#include "../core/util.h"

#include <stdio.h>
#include <string.h>

/* The API's answer to a log-in. */
static int
login_answer(struct req *req, const struct login_result *res, void *ctx)
{
    (void)ctx;
    if (res->outcome == LOGIN_THROTTLED)
        return http_error(req, 429, "too_many_attempts", NULL,
                          "too many failed log-ins from this address: "
                          "try again in %lld seconds",
                          (long long)res->retry_after);
    if (res->outcome == LOGIN_LOCKED)
        return http_error(req, 429, "locked", NULL,
                          "too many failed log-ins: the account is locked "
                          "for another %lld seconds",
                          (long long)res->retry_after);
    if (res->outcome != LOGIN_OK)
        return http_error(req, 401, "bad_credentials", NULL,
                          "wrong username or password");
    app_set_session_cookie(req, res->token);
    return http_json(req, 200,
                     json_pack("{s:o, s:s}", "user",
                               api_user_json(&res->acct), "csrf_token",
                               res->csrf));
}

int
api_session_create(struct req *req)
{
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    const char *username, *password;
    if (json_str_or_422(req, body, "username", true, 1, 64, &username) !=
            0 ||
        json_str_or_422(req, body, "password", true, 1, 4096, &password) !=
            0)
        return req->status;
    return app_login(req, username, password, login_answer, NULL);
}

int
api_session_delete(struct req *req)
{
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = app_who(req);
    /* A cookie's session ends; a bearer token used to log out is revoked
     * (auth_logout says why the user's other tokens stay). */
    if (auth_logout(db, app_account(req), &who) != 0)
        return app_db_error(req, db);
    if (req->user->via_cookie)
        app_clear_session_cookie(req);
    return http_no_content(req);
}

int
api_me(struct req *req)
{
    return http_json(req, 200, api_user_json(app_account(req)));
}

struct password_args {
    const char *old_pw, *new_pw;
};

static int
password_run(struct req *req, void *ctx)
{
    const struct password_args *p = ctx;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = app_who(req);
    const char *why = NULL;
    int rc = auth_change_password(db, app_account(req), p->old_pw, p->new_pw,
                                  &who, &why);
    switch (rc) {
    case 0:
        return http_no_content(req);
    case ERR_DENIED:
        return http_error(req, 422, "wrong_password", "old_password",
                          "当前密码不正确");
    case ERR_INVAL:
        return http_error(req, 422, "weak_password", "new_password", "%s",
                          why);
    case ERR_CONFLICT:
        return http_error(req, 422, "reused_password", "new_password", "%s",
                          why);
    default:
        return app_db_error(req, db);
    }
}

int
api_me_password(struct req *req)
{
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    struct password_args *p = arena_zalloc(&req->arena, sizeof(*p));
    if (json_str_or_422(req, body, "old_password", true, 1, 256,
                        &p->old_pw) != 0 ||
        json_str_or_422(req, body, "new_password", true, 1, 256,
                        &p->new_pw) != 0)
        return req->status;
    return app_offload(req, password_run, p);
}

int
api_tokens_create(struct req *req)
{
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    const char *name;
    if (json_str_or_422(req, body, "name", true, 1, 64, &name) != 0)
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = app_who(req);
    char token[64];
    int64_t id;
    if (auth_token_create(db, app_account(req), name, &who, token, &id) != 0)
        return app_db_error(req, db);
    json_t *items = json_array();
    json_t *v = NULL;
    if (auth_token_list(db, app_account(req)->id, items) == 0) {
        size_t i;
        json_t *t;
        json_array_foreach(items, i, t)
        {
            if (json_integer_value(json_object_get(t, "id")) == id)
                v = json_incref(t);
        }
    }
    json_decref(items);
    if (v == NULL)
        return app_db_error(req, db);
    json_object_set_new(v, "token", json_string(token));
    return http_json(req, 201, v);
}

int
api_tokens_list(struct req *req)
{
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    json_t *items = json_array();
    if (auth_token_list(db, app_account(req)->id, items) != 0) {
        json_decref(items);
        return app_db_error(req, db);
    }
    return api_list_all(req, items);
}

int
api_tokens_delete(struct req *req)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = app_who(req);
    /* Only one's own: another user's token is as missing as none. */
    int rc = auth_token_revoke(db, app_account(req)->id, id, &who);
    if (rc == ERR_NOTFOUND)
        return http_error(req, 404, "not_found", NULL, "no such token");
    if (rc != 0)
        return app_db_error(req, db);
    return http_no_content(req);
}

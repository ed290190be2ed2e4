/*
 * session.c - POST/DELETE /api/v1/session, GET /api/v1/me,
 * POST /api/v1/me/password, POST /api/v1/tokens.
 */
#include "api.h"

#include "../core/err.h"
#include "../core/util.h"

#include <stdio.h>
#include <string.h>

int
api_session_create(struct req *req)
{
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    const char *username, *password;
    if (json_str_or_422(req, body, "username", true, 1, 64, &username) != 0 ||
        json_str_or_422(req, body, "password", true, 1, 4096, &password) != 0)
        return req->status;
    struct db *db = api_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who where = api_who(req);
    where.username = username;
    struct login_result res;
    if (auth_login(db, &req->arena, username, password, &where, &res) != 0)
        return api_db_error(req, db);
    if (res.outcome == LOGIN_LOCKED) {
        return http_error(req, 429, "locked", NULL,
                          "too many failed log-ins: the account is locked "
                          "for another %lld seconds",
                          (long long)res.retry_after);
    }
    if (res.outcome != LOGIN_OK)
        return http_error(req, 401, "bad_credentials", NULL,
                          "wrong username or password");
    api_set_session_cookie(req, res.token);
    return http_json(req, 200,
                     json_pack("{s:o, s:s}", "user",
                               api_user_json(&res.acct), "csrf_token",
                               res.csrf));
}

int
api_session_delete(struct req *req)
{
    struct db *db = api_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = api_who(req);
    if (req->user->via_cookie &&
        auth_logout(db, api_account(req), &who) != 0)
        return api_db_error(req, db);
    api_clear_session_cookie(req);
    return http_no_content(req);
}

int
api_me(struct req *req)
{
    return http_json(req, 200, api_user_json(api_account(req)));
}

int
api_me_password(struct req *req)
{
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    const char *old_pw, *new_pw;
    if (json_str_or_422(req, body, "old_password", true, 1, 256, &old_pw) !=
            0 ||
        json_str_or_422(req, body, "new_password", true, 1, 256, &new_pw) !=
            0)
        return req->status;
    struct db *db = api_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = api_who(req);
    const char *why = NULL;
    int rc = auth_change_password(db, api_account(req), old_pw, new_pw, &who,
                                  &why);
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
        return api_db_error(req, db);
    }
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
    struct db *db = api_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = api_who(req);
    char token[64];
    int64_t id;
    if (auth_token_create(db, api_account(req), name, &who, token, &id) != 0)
        return api_db_error(req, db);
    return http_json(req, 201,
                     json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id,
                               "name", name, "token", token));
}

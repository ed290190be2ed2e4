/*
 * security.c - /api/v1/security: what the security administrator
 * (secadmin, 安全管理员) does. It sets the password, lockout and session
 * policy (domain/policy.c: in the database, so every server follows it;
 * every change audited) and reviews role changes (the audit log's
 * user_create and user_role_change rows). It sees no business data.
 */
#include "api.h"

#include "../core/err.h"
#include "../core/util.h"
#include "../domain/policy.h"

#include <stdlib.h>
#include <string.h>

/* The policy as the API shows it: per field its value, default, bounds
 * and who set it when. */
static json_t *
policy_json(const struct policy_view v[POL_COUNT])
{
    json_t *o = json_object();
    for (int i = 0; i < POL_COUNT; i++) {
        json_t *f = json_pack("{s:I, s:I, s:I, s:I, s:b}", "value",
                              (json_int_t)v[i].value, "default",
                              (json_int_t)v[i].def, "min",
                              (json_int_t)v[i].min, "max",
                              (json_int_t)v[i].max, "overridden",
                              v[i].overridden);
        if (v[i].overridden) {
            char at[21];
            time_iso(v[i].updated_at, at);
            json_object_set_new(f, "updated_at", json_string(at));
            json_object_set_new(f, "updated_by",
                                json_string(v[i].updated_by));
        } else {
            json_object_set_new(f, "updated_at", json_null());
            json_object_set_new(f, "updated_by", json_null());
        }
        json_object_set_new(o, policy_fields[i].name, f);
    }
    return o;
}

int
api_security_policy_get(struct req *req)
{
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct policy_view v[POL_COUNT];
    if (policy_read(db, v) != 0)
        return app_db_error(req, db);
    return http_json(req, 200, policy_json(v));
}

int
api_security_policy_update(struct req *req)
{
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    struct policy_change c;
    memset(&c, 0, sizeof(c));
    const char *key;
    json_t *val;
    json_object_foreach(body, key, val)
    {
        int k = policy_find(key);
        if (k < 0)
            return http_error(req, 422, "invalid_field", key,
                              "%s is not a field of the security policy",
                              key);
        if (json_is_null(val)) {
            c.reset[k] = true; /* back to the setting's default */
            continue;
        }
        if (!json_is_integer(val))
            return http_error(req, 422, "invalid_field", key,
                              "%s must be a whole number, or null for the "
                              "default", key);
        c.set[k] = true;
        c.value[k] = json_integer_value(val);
    }
    if (json_object_size(body) == 0)
        return http_error(req, 422, "missing_field", NULL,
                          "give at least one field of the policy");
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = app_who(req);
    const char *field = NULL, *why = NULL;
    int rc = policy_update(db, &c, &who, &field, &why);
    if (rc == ERR_INVAL)
        return http_error(req, 422, "invalid_field", field, "%s", why);
    if (rc != 0)
        return app_db_error(req, db);
    return api_security_policy_get(req);
}

int
api_security_role_changes(struct req *req)
{
    int64_t page, per_page;
    if (req_paging_or_400(req, &page, &per_page) != 0)
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    int64_t total;
    struct role_change *rows;
    size_t n;
    if (policy_role_changes(db, &req->arena, per_page, (page - 1) * per_page,
                            &rows, &n, &total) != 0)
        return app_db_error(req, db);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct role_change *c = &rows[i];
        char at[21];
        time_iso(c->at, at);
        json_t *detail = json_loads(c->detail, 0, NULL);
        json_t *row = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o}", "id",
                                (json_int_t)c->id, "at", at, "by", c->by,
                                "by_role", c->by_role, "event", c->event,
                                "object", c->object, "detail",
                                detail ? detail : json_object());
        int64_t uid;
        json_object_set_new(row, "user_id",
                            strncmp(c->object, "user:", 5) == 0 &&
                                    parse_i64(c->object + 5, &uid) == 0
                                ? json_integer(uid)
                                : json_null());
        json_array_append_new(items, row);
    }
    return http_json(req, 200, http_list(items, total, page, per_page));
}

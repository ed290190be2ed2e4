/*
 * org.c - /api/v1/townships and /api/v1/villages. Villages are township
 * data: a school admin lists and adds only its own township's.
 */
#include "api.h"

#include "../core/err.h"
#include "../core/util.h"
#include "../domain/org.h"

#include <string.h>

int
api_townships_list(struct req *req)
{
    int64_t page, per_page;
    if (req_paging_or_400(req, &page, &per_page) != 0)
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    json_t *items = json_array();
    int64_t total;
    if (org_townships(db, page, per_page, items, &total) != 0) {
        json_decref(items);
        return app_db_error(req, db);
    }
    return http_json(req, 200, http_list(items, total, page, per_page));
}

int
api_orgs_list(struct req *req)
{
    int64_t page, per_page;
    if (req_paging_or_400(req, &page, &per_page) != 0)
        return req->status;
    const char *township = req_query(req, "township");
    if (township && *township == '\0')
        township = NULL;
    if (township && app_check_township(req, township) != 0)
        return req->status;
    if (township == NULL)
        township = app_scope(req);
    const char *type = req_query(req, "type"), *q = req_query(req, "q");
    if (type && *type == '\0')
        type = NULL;
    if (q && *q == '\0')
        q = NULL;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    json_t *items = json_array();
    int64_t total;
    if (org_list(db, township, type, q, page, per_page, items, &total) !=
        0) {
        json_decref(items);
        return app_db_error(req, db);
    }
    return http_json(req, 200, http_list(items, total, page, per_page));
}

int
api_orgs_create(struct req *req)
{
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    const char *name, *type, *township, *village;
    if (json_str_or_422(req, body, "name", true, 1, 64, &name) != 0 ||
        json_str_or_422(req, body, "type", true, 1, 32, &type) != 0 ||
        json_str_or_422(req, body, "township_code", true, 9, 9, &township) !=
            0 ||
        json_str_or_422(req, body, "village_code", false, 12, 12,
                        &village) != 0)
        return req->status;
    if (app_check_township(req, township) != 0)
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = app_who(req);
    int64_t id;
    const char *field = NULL, *why = NULL;
    int rc = org_create(db, name, type, township, village, &who, &id, &field,
                        &why);
    if (rc == ERR_INVAL)
        return http_error(req, 422, "invalid_field", field, "%s", why);
    if (rc != 0)
        return app_db_error(req, db);
    json_t *v;
    char tw[16];
    if (org_get(db, id, &v, tw) != 0)
        return app_db_error(req, db);
    return http_json(req, 201, v);
}

int
api_orgs_get(struct req *req)
{
    return api_get_answer(req, org_get, "organisation");
}

/* Reads {"reason"} for a void. */
static const char *
reason_or_422(struct req *req)
{
    json_t *body = req_json_or_400(req);
    const char *reason;
    if (body == NULL ||
        json_str_or_422(req, body, "reason", true, 1, 200, &reason) != 0)
        return NULL;
    return reason;
}

int
api_orgs_update(struct req *req)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    struct org_change c = {0};
    json_t *village = json_object_get(body, "village_code");
    c.set_village = village != NULL;
    if (json_str_or_422(req, body, "name", false, 1, 64, &c.name) != 0 ||
        json_str_or_422(req, body, "type", false, 1, 32, &c.type) != 0 ||
        json_str_or_422(req, body, "village_code", false, 12, 12,
                        &c.village) != 0)
        return req->status;
    if (json_object_get(body, "township_code"))
        return http_error(req, 422, "invalid_field", "township_code",
                          "党组织不能改到另一个镇街：请撤销后在新镇街新建");
    static const char *const required[] = {"name", "type"};
    for (int i = 0; i < 2; i++)
        if (json_is_null(json_object_get(body, required[i])))
            return http_error(req, 422, "invalid_field", required[i],
                              "%s cannot be null", required[i]);
    if (c.name == NULL && c.type == NULL && !c.set_village)
        return http_error(req, 422, "missing_field", NULL,
                          "nothing to change: give name, type or "
                          "village_code");
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    json_t *v;
    if (app_get_scoped(req, db, org_get, id, "organisation", &v) != 0)
        return req->status;
    json_decref(v);
    struct audit_who who = app_who(req);
    const char *field = NULL, *why = NULL;
    int rc = org_update(db, id, &c, &who, &field, &why);
    if (rc == ERR_INVAL)
        return http_error(req, 422, "invalid_field", field, "%s", why);
    if (rc == ERR_NOTFOUND)
        return http_error(req, 404, "not_found", NULL,
                          "no such organisation, or it has been voided");
    if (rc != 0)
        return app_db_error(req, db);
    char tw[16];
    if (org_get(db, id, &v, tw) != 0)
        return app_db_error(req, db);
    return http_json(req, 200, v);
}

int
api_orgs_void(struct req *req)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    const char *reason = reason_or_422(req);
    if (reason == NULL)
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    json_t *v;
    if (app_get_scoped(req, db, org_get, id, "organisation", &v) != 0)
        return req->status;
    json_decref(v);
    struct audit_who who = app_who(req);
    int rc = org_void(db, id, reason, &who);
    if (rc == ERR_NOTFOUND)
        return http_error(req, 404, "not_found", NULL,
                          "no such organisation, or already voided");
    if (rc != 0)
        return app_db_error(req, db);
    return http_no_content(req);
}

int
api_org_types(struct req *req)
{
    return api_code_list(req, CODES_ORG_TYPE);
}

int
api_member_categories(struct req *req)
{
    return api_code_list(req, CODES_MEMBER_CATEGORY);
}

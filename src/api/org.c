/*
 * org.c - /api/v1/townships and /api/v1/villages. Villages are township
 * data: a school admin lists and adds only its own township's.
 */
#include "api.h"

#include "../core/err.h"
#include "../domain/org.h"

#include <string.h>

int
api_townships_list(struct req *req)
{
    int64_t page, per_page;
    if (req_paging_or_400(req, &page, &per_page) != 0)
        return req->status;
    struct db *db = api_db(req);
    if (db == NULL)
        return req->status;
    json_t *items = json_array();
    int64_t total;
    if (org_townships(db, page, per_page, items, &total) != 0) {
        json_decref(items);
        return api_db_error(req, db);
    }
    return http_json(req, 200, http_list(items, total, page, per_page));
}

int
api_villages_list(struct req *req)
{
    int64_t page, per_page;
    if (req_paging_or_400(req, &page, &per_page) != 0)
        return req->status;
    const char *township = req_query(req, "township");
    if (township && *township == '\0')
        township = NULL;
    if (township && api_check_township(req, township) != 0)
        return req->status;
    if (township == NULL)
        township = api_scope(req); /* a school admin sees its own only */
    const char *q = req_query(req, "q");
    if (q && *q == '\0')
        q = NULL;
    struct db *db = api_db(req);
    if (db == NULL)
        return req->status;
    json_t *items = json_array();
    int64_t total;
    if (org_villages(db, township, q, page, per_page, items, &total) != 0) {
        json_decref(items);
        return api_db_error(req, db);
    }
    return http_json(req, 200, http_list(items, total, page, per_page));
}

static bool
digits(const char *s, size_t n)
{
    if (strlen(s) != n)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

int
api_villages_create(struct req *req)
{
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    const char *code, *name, *township;
    if (json_str_or_422(req, body, "code", false, 12, 12, &code) != 0 ||
        json_str_or_422(req, body, "name", true, 1, 64, &name) != 0 ||
        json_str_or_422(req, body, "township_code", true, 9, 9, &township) !=
            0)
        return req->status;
    if (code && !digits(code, 12))
        return http_error(req, 422, "invalid_field", "code",
                          "村级区划代码为 12 位数字");
    if (api_check_township(req, township) != 0)
        return req->status;
    struct db *db = api_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = api_who(req);
    int64_t id;
    int rc = org_village_create(db, code, name, township, false, &who, &id);
    if (rc == ERR_INVAL)
        return http_error(req, 422, "invalid_field", "township_code",
                          "没有这个镇街代码");
    if (rc == ERR_CONFLICT)
        return http_error(req, 409, "conflict", "code",
                          "这个村级代码已经存在");
    if (rc != 0)
        return api_db_error(req, db);
    json_t *v = json_pack("{s:I, s:s?, s:s, s:s}", "id", (json_int_t)id,
                          "code", code, "name", name, "township_code",
                          township);
    return http_json(req, 201, v);
}

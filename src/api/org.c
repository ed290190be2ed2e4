/*
 * org.c - /api/v1/townships and the code lists of the organisation
 * skeleton (villages and organisations are declared kinds,
 * domain/kinds.c).
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
api_org_types(struct req *req)
{
    return api_code_list(req, CODES_ORG_TYPE);
}

int
api_member_categories(struct req *req)
{
    return api_code_list(req, CODES_MEMBER_CATEGORY);
}

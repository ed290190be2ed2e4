/*
 * audit.c - GET /api/v1/audit: the audit log, for the auditor only, with
 * filters on event, username and a date range.
 */
#include "api.h"

#include "../core/err.h"
#include "../core/util.h"

#include <string.h>

int
api_audit_list(struct req *req)
{
    int64_t page, per_page;
    if (req_paging_or_400(req, &page, &per_page) != 0)
        return req->status;
    const char *event = req_query(req, "event");
    const char *username = req_query(req, "username");
    const char *object = req_query(req, "object");
    if (event && *event == '\0')
        event = NULL;
    if (object && *object == '\0')
        object = NULL;
    if (username && *username == '\0')
        username = NULL;
    int64_t from = 0, to = 0; /* 0: no end */
    const char *f = req_query(req, "from"), *t = req_query(req, "to");
    if (f && *f && date_parse(f, &from) != 0)
        return http_error(req, 400, "invalid_param", "from",
                          "from must be a date YYYY-MM-DD");
    if (t && *t) {
        if (date_parse(t, &to) != 0)
            return http_error(req, 400, "invalid_param", "to",
                              "to must be a date YYYY-MM-DD");
        to += 86400; /* "to" is inclusive: up to the end of that day */
    }
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct audit_filter af = {event, username, object, from, to};
    int64_t total;
    struct audit_entry *rows;
    size_t n;
    if (audit_count(db, &af, &total) != 0 ||
        audit_page(db, &req->arena, &af, per_page, (page - 1) * per_page,
                   &rows, &n) != 0)
        return app_db_error(req, db);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct audit_row *e = &rows[i].row;
        char at[21];
        time_iso(e->at, at);
        json_error_t je;
        json_t *detail = json_loads(e->detail, 0, &je);
        json_t *row = json_pack(
            "{s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:o, s:s}", "id",
            (json_int_t)e->id, "at", at, "username", e->username, "role",
            e->role, "event", e->event, "object", e->object, "success",
            e->success, "ip", e->ip, "client", e->client, "detail",
            detail ? detail : json_object(), "hash", rows[i].hash);
        json_object_set_new(row, "user_id",
                            e->user_id ? json_integer(e->user_id)
                                       : json_null());
        json_array_append_new(items, row);
    }
    return http_json(req, 200, http_list(items, total, page, per_page));
}

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
    int64_t from = 0, to = INT64_MAX;
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
    int64_t total;
    if (db_int1(db, Q_AUDIT_COUNT, &total, "sssii", event, username, object,
                from, to) != 0)
        return app_db_error(req, db);
    struct db_res *r = db_query(db, Q_AUDIT_LIST, "sssiiii", event, username,
                                object, from, to, per_page,
                                (page - 1) * per_page);
    if (r == NULL)
        return app_db_error(req, db);
    json_t *items = json_array();
    int rc;
    while ((rc = db_next(r)) > 0) {
        char at[21];
        time_iso(db_int(r, 1), at);
        json_error_t e;
        json_t *detail = json_loads(db_text(r, 10), 0, &e);
        json_t *row = json_pack(
            "{s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:o, s:s}", "id",
            (json_int_t)db_int(r, 0), "at", at, "username", db_text(r, 3),
            "role", db_text(r, 4), "event", db_text(r, 5), "object",
            db_text(r, 6), "success", (int)db_int(r, 7), "ip", db_text(r, 8),
            "client", db_text(r, 9), "detail",
            detail ? detail : json_object(), "hash", db_text(r, 12));
        json_object_set_new(row, "user_id",
                            db_null(r, 2) ? json_null()
                                          : json_integer(db_int(r, 2)));
        json_array_append_new(items, row);
    }
    db_end(r);
    if (rc < 0) {
        json_decref(items);
        return app_db_error(req, db);
    }
    return http_json(req, 200, http_list(items, total, page, per_page));
}

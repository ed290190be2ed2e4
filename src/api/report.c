/*
 * report.c - GET /api/v1/reports/county?from=&to=[&township=]: the
 * county report (SPEC.md §4.3) for a date range, China time, "to"
 * inclusive; the current year by default. A school admin gets its own
 * township's.
 */
#include "api.h"

#include "../core/util.h"
#include "../domain/report.h"
#include "../domain/rules.h"

int
api_report_county(struct req *req)
{
    const char *t = req_query(req, "township");
    if (t && *t == '\0')
        t = NULL;
    if (t && api_check_township(req, t) != 0)
        return req->status;
    if (t == NULL)
        t = api_scope(req);
    char today[11], from_s[11], to_s[11];
    int year;
    rules_day(now_unix(), today, &year);
    str_fmt(from_s, sizeof(from_s), "%04d-01-01", year % 10000);
    str_fmt(to_s, sizeof(to_s), "%04d-12-31", year % 10000);
    const char *f = req_query(req, "from"), *u = req_query(req, "to");
    int64_t from, to;
    if (date_parse(f && *f ? f : from_s, &from) != 0)
        return http_error(req, 400, "invalid_param", "from",
                          "from must be a date YYYY-MM-DD");
    if (date_parse(u && *u ? u : to_s, &to) != 0)
        return http_error(req, 400, "invalid_param", "to",
                          "to must be a date YYYY-MM-DD");
    if (to < from)
        return http_error(req, 400, "invalid_param", "to",
                          "to is before from");
    from -= RULES_CST_OFFSET;
    to += 86400 - RULES_CST_OFFSET;
    struct db *db = api_db(req);
    if (db == NULL)
        return req->status;
    if (t && !township_exists(db, t))
        return http_error(req, 400, "invalid_param", "township",
                          "no such township");
    json_t *v;
    if (report_county(db, t, from, to, app_config.pool_min_county_teachers,
                      &v) != 0)
        return api_db_error(req, db);
    return http_json(req, 200, v);
}

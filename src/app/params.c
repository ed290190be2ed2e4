/*
 * params.c - query parameters that several routes share, API and pages:
 * the report's period (one default everywhere: the calendar year to
 * date), a study-hours status, and the schools' pool filter.
 */
#include "app.h"

#include "../core/util.h"
#include "../domain/classes.h"
#include "../domain/rules.h"

#include <string.h>

bool
app_has_period(struct req *req)
{
    const char *f = req_query(req, "from"), *u = req_query(req, "to");
    return (f && *f) || (u && *u);
}

int
app_period_or_400(struct req *req, int64_t *from, int64_t *to,
                  char from_s[11], char to_s[11])
{
    rules_default_period(now_unix(), from_s, to_s);
    const char *f = req_query(req, "from"), *u = req_query(req, "to");
    if (f && *f && str_copy(from_s, 11, f) != 0)
        from_s[0] = '\0'; /* too long: not a date */
    if (u && *u && str_copy(to_s, 11, u) != 0)
        to_s[0] = '\0';
    if (date_parse(from_s, from) != 0) {
        http_error(req, 400, "invalid_param", "from",
                   "from must be a date YYYY-MM-DD");
        return -1;
    }
    if (date_parse(to_s, to) != 0) {
        http_error(req, 400, "invalid_param", "to",
                   "to must be a date YYYY-MM-DD");
        return -1;
    }
    if (*to < *from) {
        http_error(req, 400, "invalid_param", "to", "to is before from");
        return -1;
    }
    *from -= RULES_CST_OFFSET;
    *to += 86400 - RULES_CST_OFFSET;
    return 0;
}

int
app_hours_status_or_400(struct req *req, int *out)
{
    static const struct {
        const char *name;
        enum hours_status status;
    } names[] = {{"behind", HOURS_BEHIND},
                 {"meeting", HOURS_MEETING},
                 {"all", HOURS_BOUND}};
    const char *s = req_query(req, "status");
    *out = HOURS_BEHIND;
    if (s == NULL || *s == '\0')
        return 0;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].status;
            return 0;
        }
    return http_error(req, 400, "invalid_param", "status",
                      "status is behind, meeting or all");
}

int
app_pool_or_400(struct req *req, int *pool)
{
    const char *p = req_query(req, "pool");
    *pool = 0;
    if (p == NULL || *p == '\0')
        return 0;
    if (strcmp(p, "met") == 0 || strcmp(p, "short") == 0) {
        *pool = *p == 'm' ? 1 : -1;
        return 0;
    }
    return http_error(req, 400, "invalid_param", "pool",
                      "pool is met (11+N reached) or short");
}

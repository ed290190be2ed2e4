/*
 * report.c - GET /api/v1/reports/county?from=&to=[&township=]: the
 * county report (SPEC.md §4.3) for a date range, China time, "to"
 * inclusive; the current year by default. A school admin gets its own
 * township's.
 */
#include "api.h"

#include "../core/sheet.h"
#include "../core/util.h"
#include "../domain/report.h"
#include "../domain/rules.h"

#include <stdlib.h>
#include <string.h>

/* The report's range and township from the query: China-time dates,
 * "to" inclusive, the current year by default; a school admin's own
 * township. 0, or -1 having answered 4xx. */
static int
report_params(struct req *req, struct db *db, const char **t, int64_t *from,
              int64_t *to)
{
    *t = req_query(req, "township");
    if (*t && **t == '\0')
        *t = NULL;
    if (*t && api_check_township(req, *t) != 0)
        return -1;
    if (*t == NULL)
        *t = api_scope(req);
    char today[11], from_s[11], to_s[11];
    int year;
    rules_day(now_unix(), today, &year);
    str_fmt(from_s, sizeof(from_s), "%04d-01-01", year % 10000);
    str_fmt(to_s, sizeof(to_s), "%04d-12-31", year % 10000);
    const char *f = req_query(req, "from"), *u = req_query(req, "to");
    if (date_parse(f && *f ? f : from_s, from) != 0) {
        http_error(req, 400, "invalid_param", "from",
                   "from must be a date YYYY-MM-DD");
        return -1;
    }
    if (date_parse(u && *u ? u : to_s, to) != 0) {
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
    if (*t && !township_exists(db, *t)) {
        http_error(req, 400, "invalid_param", "township", "no such township");
        return -1;
    }
    return 0;
}

int
api_report_county(struct req *req)
{
    struct db *db = api_db(req);
    const char *t;
    int64_t from, to;
    if (db == NULL || report_params(req, db, &t, &from, &to) != 0)
        return req->status;
    json_t *v;
    if (report_county(db, t, from, to, app_config.pool_min_county_teachers,
                      &v) != 0)
        return api_db_error(req, db);
    return http_json(req, 200, v);
}

/* Chinese labels of the report's keys, for the spreadsheet. */
static const struct {
    const char *key, *label;
} labels[] = {
    {"schools", "党校"},
    {"function_rooms", "功能室"},
    {"teachers_county", "县级师资"},
    {"teachers_township", "镇级师资"},
    {"schools_meeting_11n", "达到“11+N”的党校"},
    {"evaluations", "评价次数"},
    {"evaluators", "参评学员"},
    {"excellence_rate", "优秀率"},
    {"funds_allocated_fen", "下拨经费（分）"},
    {"funds_spent_fen", "支出经费（分）"},
    {"funds_spent_by_category", "经费支出分类"},
    {"modules", "教学模块"},
    {"courses_published", "已发布课程"},
    {"orders", "点单数"},
    {"themed_classes", "主题培训班"},
    {"routes", "现场教学线路"},
    {"sites", "现场教学点"},
    {"onsite_trainees", "现场教学学员"},
    {"sessions_by_type", "培训开展"},
    {"weekly_lesson", "每周一课"},
    {"weekend_lecture", "周末大讲堂"},
    {"village_cadre", "今冬明春村两委培训"},
    {"themed_class", "主题培训班"},
    {"onsite", "现场教学"},
    {"skills", "技能培训"},
    {"skills_outreach", "送技到村到户"},
    {"talent_return", "人才回引培训"},
    {"sessions", "课次"},
    {"person_times", "人次"},
    {"persons", "人数"},
    {"village_training", "村两委培训"},
    {"villages_covered", "覆盖村(社区)"},
    {"exam_pass_rate", "考试通过率"},
    {"activities_by_type", "主题活动"},
    {"outreach_sessions", "送技到村课次"},
    {"outreach_person_times", "送技到村人次"},
    {"employed", "带动就业"},
    {"income_gain_fen", "增收（分）"},
    {"health_checks", "健康体检"},
    {"commendation_meetings", "表彰会"},
    {"pioneer_orgs", "先锋党组织"},
    {"pioneer_members", "先锋党员"},
    {"enterprises", "百企入村"},
    {"talents", "人才回引"},
    {"study_hours", "学时"},
    {"persons_meeting_target", "学时达标党员"},
    {"persons_total", "应达标党员"},
    {"year", "年度"},
};

static const char *
label_of(const char *key)
{
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
        if (strcmp(labels[i].key, key) == 0)
            return labels[i].label;
    return key;
}

/* One row per figure; nested figures as "培训开展 · 每周一课 · 人次". */
static void
add_rows(struct sheet *sh, struct req *req, const char *prefix, json_t *v)
{
    const char *key;
    json_t *x;
    json_object_foreach(v, key, x)
    {
        const char *name =
            *prefix ? arena_printf(&req->arena, "%s · %s", prefix,
                                   label_of(key))
                    : label_of(key);
        if (json_is_object(x)) {
            add_rows(sh, req, name, x);
            continue;
        }
        const char *value =
            json_is_integer(x)
                ? arena_printf(&req->arena, "%lld",
                               (long long)json_integer_value(x))
            : json_is_real(x)
                ? arena_printf(&req->arena, "%.1f%%",
                               json_real_value(x) * 100)
                : "未记录"; /* null: the capability does not exist yet */
        const char *cells[2] = {name, value};
        sheet_add_row(sh, cells);
    }
}

int
api_report_county_xlsx(struct req *req)
{
    struct db *db = api_db(req);
    const char *t;
    int64_t from, to;
    if (db == NULL || report_params(req, db, &t, &from, &to) != 0)
        return req->status;
    json_t *v;
    if (report_county(db, t, from, to, app_config.pool_min_county_teachers,
                      &v) != 0)
        return api_db_error(req, db);
    static const char *const heads[2] = {"指标", "数值"};
    static const bool text[2] = {false, false};
    struct sheet *sh = sheet_new("全县工作报表", 2, heads, text);
    char range[64], a[11], b[11];
    int y;
    rules_day(from, a, &y);
    rules_day(to - 1, b, &y);
    str_fmt(range, sizeof(range), "%s 至 %s", a, b);
    const char *first[2] = {"统计期间", range};
    sheet_add_row(sh, first);
    const char *second[2] = {"镇街", t ? t : "全县"};
    sheet_add_row(sh, second);
    add_rows(sh, req, "", v);
    json_decref(v);
    return api_send_xlsx(req, db, sh, "county-report.xlsx");
}

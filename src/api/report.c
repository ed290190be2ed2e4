/*
 * report.c - GET /api/v1/reports/county?from=&to=[&township=]: the
 * county report (SPEC.md §4.3) for a date range, China time, "to"
 * inclusive; the calendar year to date by default, the one default of
 * the report everywhere (app_period_or_400). A school admin gets its own
 * township's. Also the lists two of its figures open that have no other
 * home: GET /api/v1/reports/county/villages (覆盖村) and
 * GET /api/v1/teachers/ranking (教师评价排名, the evaluations).
 */
#include "api.h"

#include "../core/sheet.h"
#include "../core/util.h"
#include "../domain/classes.h"
#include "../domain/org.h"
#include "../domain/report.h"
#include "../domain/rules.h"

#include <stdlib.h>
#include <string.h>

/* The report's range and township from the query: the one default
 * period, a school admin's own township, a township that exists. 0, or
 * -1 having answered 4xx. */
static int
report_params(struct req *req, struct db *db, const char **t, int64_t *from,
              int64_t *to, char from_s[11], char to_s[11])
{
    if (app_township_filter(req, t) != 0 ||
        app_period_or_400(req, from, to, from_s, to_s) != 0)
        return -1;
    if (*t && !township_exists(db, *t)) {
        http_error(req, 400, "invalid_param", "township", "no such township");
        return -1;
    }
    return 0;
}

/* The value of figure k: null until counted; a group, the object of the
 * keys whose parent it is; the training, each program type's measures. */
static void
write_value(struct jw *w, const struct report *r, int k)
{
    const struct report_key *rk = &report_keys[k];
    const struct report_value *v = &r->v[k];
    if (!v->known) {
        jw_null(w);
        return;
    }
    switch (rk->as) {
    case RA_COUNT: jw_int(w, v->n); break;
    case RA_RATE: jw_real(w, v->rate); break;
    case RA_FLAG: jw_bool(w, v->n != 0); break;
    case RA_GROUP:
        jw_obj(w);
        for (int c = 0; c < RK_N; c++)
            if (report_parent(c) == k) {
                jw_key(w, report_keys[c].key);
                write_value(w, r, c);
            }
        jw_end(w);
        break;
    case RA_BY_TYPE:
        jw_obj(w);
        for (int t = 0; t < PROGRAM_TYPES; t++) {
            jw_key(w, program_types[t].code);
            jw_obj(w);
            for (int m = 0; m < REPORT_MEASURES; m++) {
                jw_key(w, report_measures[m].key);
                jw_int(w, r->by_type[t][m]);
            }
            jw_end(w);
        }
        jw_end(w);
        break;
    }
}

int
api_report_county(struct req *req)
{
    struct db *db = app_db(req);
    const char *t;
    int64_t from, to;
    char a[11], b[11];
    if (db == NULL || report_params(req, db, &t, &from, &to, a, b) != 0)
        return req->status;
    struct report *r = arena_alloc(&req->arena, sizeof(*r));
    if (report_county(db, t, from, to, app_config.pool_min_county_teachers,
                      r) != 0)
        return app_db_error(req, db);
    strbuf_reset(&req->out);
    struct jw w;
    jw_init(&w, &req->out);
    jw_obj(&w);
    for (int k = 0; k < RK_N; k++)
        if (report_keys[k].parent == NULL) {
            jw_key(&w, report_keys[k].key);
            write_value(&w, r, k);
        }
    jw_kstr(&w, "from", a);
    jw_kstr(&w, "to", b);
    jw_end(&w);
    http_header_add(req, "Cache-Control", "no-store");
    return http_body(req, 200, "application/json");
}

/* A list behind a figure: its page and the report's parameters. 0, or
 * -1 having answered. */
static int
list_params(struct req *req, struct db *db, struct report_filter *f,
            int64_t *page, int64_t *per_page, char a[11], char b[11])
{
    *f = (struct report_filter){0};
    if (db == NULL || req_paging_or_400(req, page, per_page) != 0 ||
        report_params(req, db, &f->township, &f->from, &f->to, a, b) != 0)
        return -1;
    return 0;
}

int
api_report_villages(struct req *req)
{
    struct db *db = app_db(req);
    struct report_filter f;
    int64_t page, per_page;
    char a[11], b[11];
    if (list_params(req, db, &f, &page, &per_page, a, b) != 0)
        return req->status;
    struct covered_village *rows;
    size_t n;
    int64_t total;
    if (report_villages(db, &req->arena, &f, page, per_page, &rows, &n,
                        &total) != 0)
        return app_db_error(req, db);
    struct jw *w = http_list_begin(req);
    for (size_t i = 0; i < n; i++) {
        jw_obj(w);
        jw_kint(w, "id", rows[i].id);
        jw_kstr(w, "code", rows[i].code);
        jw_kstr(w, "name", rows[i].name);
        jw_kstr(w, "township_code", rows[i].township_code);
        jw_kstr(w, "township_name", rows[i].township_name);
        jw_end(w);
    }
    http_list_meta(req, total, page, per_page);
    jw_kstr(w, "from", a);
    jw_kstr(w, "to", b);
    return http_list_close(req);
}

int
api_teachers_ranking(struct req *req)
{
    struct db *db = app_db(req);
    struct report_filter f;
    int64_t page, per_page;
    char a[11], b[11];
    if (list_params(req, db, &f, &page, &per_page, a, b) != 0)
        return req->status;
    f.module = req_query(req, "module");
    if (f.module && *f.module == '\0')
        f.module = NULL;
    if (f.module && org_code_exists(db, CODES_MODULE, f.module) <= 0)
        return http_error(req, 400, "invalid_param", "module",
                          "no such module");
    struct ranked_teacher *rows;
    size_t n;
    struct eval_totals sum;
    if (report_ranking(db, &req->arena, &f, &rows, &n, &sum) != 0)
        return app_db_error(req, db);
    /* One page of the ranking, with the totals of all of it. */
    struct jw *w = http_list_begin(req);
    for (int64_t i = (page - 1) * per_page;
         i < (int64_t)n && i < page * per_page; i++) {
        const struct ranked_teacher *t = &rows[i];
        jw_obj(w);
        jw_kint(w, "teacher_id", t->teacher_id);
        jw_kstr(w, "name", t->name);
        jw_kstr(w, "level", t->level);
        jw_kstr(w, "township_code", t->township_code);
        jw_kid(w, "rank", t->rank); /* null: not ranked */
        jw_kint(w, "evaluations", t->evaluations);
        jw_kreal(w, "mean", true, t->mean);
        jw_kreal(w, "ranked_mean", true, t->ranked_mean);
        jw_kint(w, "excellent", t->excellent);
        jw_kreal(w, "excellence_rate", !t->too_few, t->rate);
        jw_kbool(w, "too_few", t->too_few);
        jw_end(w);
    }
    http_list_meta(req, (int64_t)n, page, per_page);
    jw_kint(w, "evaluations", sum.evaluations);
    jw_kint(w, "evaluators", sum.evaluators);
    jw_kint(w, "excellent", sum.excellent);
    jw_kreal(w, "excellence_rate", sum.evaluations > 0, sum.rate);
    jw_kbool(w, "excellence_too_few", sum.too_few);
    jw_kreal(w, "mean", sum.has_mean, sum.mean);
    jw_kint(w, "without_teacher", sum.without_teacher);
    jw_kint(w, "min_ratings", sum.min_ratings);
    jw_kstr(w, "from", a);
    jw_kstr(w, "to", b);
    jw_kstr(w, "module", f.module);
    return http_list_close(req);
}

/* One row per figure, in the table's order, named from report_keys;
 * nested figures as "培训开展 · 每周一课 · 人次". */
static void
add_row(struct sheet *sh, const char *name, const char *value)
{
    const char *cells[2] = {name, value};
    sheet_add_row(sh, cells);
}

static void
add_rows(struct sheet *sh, struct req *req, const struct report *r)
{
    for (int k = 0; k < RK_N; k++) {
        const struct report_key *rk = &report_keys[k];
        const struct report_value *v = &r->v[k];
        const char *name = rk->label;
        int p = report_parent(k);
        if (p >= 0 && !r->v[p].known)
            continue; /* its group is null: the group's row says so */
        if (p >= 0)
            name = arena_printf(&req->arena, "%s · %s", report_keys[p].label,
                                rk->label);
        if (!v->known) {
            add_row(sh, name, "未记录"); /* null: not recorded yet */
            continue;
        }
        switch (rk->as) {
        case RA_COUNT:
            add_row(sh, name,
                    arena_printf(&req->arena, "%lld", (long long)v->n));
            break;
        case RA_RATE:
            add_row(sh, name,
                    arena_printf(&req->arena, "%.1f%%", v->rate * 100));
            break;
        case RA_FLAG: add_row(sh, name, v->n ? "是" : "否"); break;
        case RA_GROUP: break; /* its keys follow */
        case RA_BY_TYPE:
            for (int t = 0; t < PROGRAM_TYPES; t++)
                for (int m = 0; m < REPORT_MEASURES; m++)
                    add_row(sh,
                            arena_printf(&req->arena, "%s · %s · %s", name,
                                         program_types[t].name,
                                         report_measures[m].label),
                            arena_printf(&req->arena, "%lld",
                                         (long long)r->by_type[t][m]));
            break;
        }
    }
}

int
api_report_county_xlsx(struct req *req)
{
    struct db *db = app_db(req);
    const char *t;
    int64_t from, to;
    char a[11], b[11];
    if (db == NULL || report_params(req, db, &t, &from, &to, a, b) != 0)
        return req->status;
    struct report *r = arena_alloc(&req->arena, sizeof(*r));
    if (report_county(db, t, from, to, app_config.pool_min_county_teachers,
                      r) != 0)
        return app_db_error(req, db);
    static const char *const heads[2] = {"指标", "数值"};
    static const bool text[2] = {false, false};
    struct sheet *sh = sheet_new("全县工作报表", 2, heads, text);
    char range[64];
    str_fmt(range, sizeof(range), "%s 至 %s", a, b);
    const char *first[2] = {"统计期间", range};
    sheet_add_row(sh, first);
    const char *second[2] = {"镇街", t ? t : "全县"};
    sheet_add_row(sh, second);
    add_rows(sh, req, r);
    return app_send_sheet(req, db, sh, "county-report", NULL, true);
}

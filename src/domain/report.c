/*
 * report.c - see report.h.
 */
#include "report.h"

#include "classes.h"
#include "kind.h"
#include "orders.h"
#include "record.h"
#include "rules.h"
#include "teaching.h"

#include "../core/err.h"
#include "../core/util.h"

#include <stdlib.h>
#include <string.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Sets key's field of obj[type] to v. */
static void
set_in(json_t *o, const char *type, const char *key, int64_t v)
{
    json_t *x = json_object_get(o, type);
    if (x)
        json_object_set_new(x, key, json_integer(v));
}

/* Sessions, person-times and persons per program type: the sessions as
 * the session list counts them (its WHERE), the attendance from the
 * attendance rows, which carry their session's type, township and start
 * (a session with attendance is never voided). */
static json_t *
by_type(struct db *db, const char *t, int64_t from, int64_t to)
{
    json_t *o = json_object();
    /* Every program type is present, with zeros when nothing was held. */
    for (const struct program_type *p = program_types; p->code; p++)
        json_object_set_new(o, p->code,
                            json_pack("{s:i, s:i, s:i}", "sessions", 0,
                                      "person_times", 0, "persons", 0));
    struct db_res *r = db_query(db, Q_REPORT_SESSIONS_BY_TYPE, "sniisnn", t,
                                (const int64_t *)NULL, from, to,
                                (const char *)NULL, (const int64_t *)NULL,
                                (const int64_t *)NULL);
    int rc = r ? 0 : -1;
    while (r && (rc = db_next(r)) > 0)
        set_in(o, db_text(r, 0), "sessions", db_int(r, 1));
    if (r)
        db_end(r);
    if (rc == 0) {
        r = db_query(db, Q_REPORT_ATTENDANCE_BY_TYPE, "iis", from, to, t);
        rc = r ? 0 : -1;
        while (r && (rc = db_next(r)) > 0) {
            set_in(o, db_text(r, 0), "person_times", db_int(r, 1));
            set_in(o, db_text(r, 0), "persons", db_int(r, 2));
        }
        if (r)
            db_end(r);
    }
    if (rc < 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The rating rule of the year a range ends in (the minimum count and the
 * prior's weight), or the defaults when none is configured. */
static int
rule_for(struct db *db, int64_t to, struct rating_rule *rule)
{
    char day[11];
    int year;
    rules_day(to - 1, day, &year);
    *rule = (struct rating_rule){30, 25, 25, 20, 90, 80, 60, 10, 10};
    int rc = rating_rule_of(db, year, rule);
    return rc == ERR_NOTFOUND ? 0 : rc;
}

/* The evaluations f selects, summed: the report's figures and the
 * ranking's totals. */
static int
eval_summary(struct db *db, const struct report_filter *f,
             const struct rating_rule *rule, json_t **out, double *mean)
{
    struct db_res *r = db_query(db, Q_EVAL_SUMMARY, "siis", f->township,
                                f->from, f->to, f->module);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    int64_t v[5] = {0, 0, 0, 0, 0};
    for (int i = 0; rc > 0 && i < 5; i++)
        v[i] = db_int(r, i);
    db_end(r);
    if (rc < 0)
        return ERR_DB;
    *mean = v[0] ? (double)v[2] / 100.0 / (double)v[0] : 0;
    /* A rate carries its count and says when that count is too few to
     * mean much (SPEC §2.8), as a teacher's does. */
    *out = json_pack("{s:I, s:I, s:I, s:o, s:b, s:o, s:I, s:i}",
                     "evaluations", (json_int_t)v[0], "evaluators",
                     (json_int_t)v[1], "excellent", (json_int_t)v[3],
                     "excellence_rate",
                     v[0] ? json_real((double)v[3] / (double)v[0])
                          : json_null(),
                     "excellence_too_few", v[0] < rule->min_ratings, "mean",
                     v[0] ? json_real(*mean) : json_null(),
                     "without_teacher", (json_int_t)v[4], "min_ratings",
                     rule->min_ratings);
    return *out ? 0 : ERR_DB;
}

/* A count from one of the lists' own functions, which was asked for no
 * rows: its total is the figure. */
static int
count_of(int rc, json_t *none)
{
    json_array_clear(none);
    return rc == 0 ? 0 : ERR_DB;
}

const struct report_key report_keys[] = {
    {NULL, "schools", "党校", "Schools"},
    {NULL, "function_rooms", "功能室", "Function rooms"},
    {NULL, "teachers_county", "县级师资", "County teachers"},
    {NULL, "teachers_township", "镇级师资", "Township teachers"},
    {NULL, "schools_meeting_11n", "达到“11+N”的党校", "Schools meeting 11+N"},
    {NULL, "evaluations", "评价次数", "Evaluations"},
    {NULL, "evaluators", "参评学员", "Trainees who rated"},
    {NULL, "excellence_rate", "优秀率", "Excellence rate"},
    {NULL, "excellent", "优秀评价次数", "Excellent ratings"},
    {NULL, "excellence_too_few", "评价次数不足，优秀率仅供参考",
     "Too few ratings: the rate is indicative"},
    /* Null until the fund ledger (issue 13), which shows them in 元. */
    {NULL, "funds_allocated_fen", "下拨经费", "Funds allocated"},
    {NULL, "funds_spent_fen", "经费支出", "Funds spent"},
    {NULL, "funds_spent_by_category", "经费支出分类", "Funds spent by category"},
    {NULL, "modules", "课程模块", "Modules"},
    {NULL, "courses_published", "已发布课程", "Published courses"},
    {NULL, "orders", "点单数", "Course orders"},
    {NULL, "themed_classes", "主题培训班", "Themed classes"},
    {NULL, "routes", "现场教学线路", "On-site routes"},
    {NULL, "sites", "现场教学点", "On-site teaching sites"},
    {NULL, "onsite_trainees", "现场教学参训人数", "On-site trainees"},
    {NULL, "sessions_by_type", "培训开展", "Training by type"},
    {NULL, "sessions", "课次", "Sessions"},
    {NULL, "person_times", "人次", "Person-times"},
    {NULL, "persons", "人数", "Persons"},
    {NULL, "village_training", "村两委培训", "Village cadre training"},
    {"village_training", "villages_covered", "覆盖村(社区)（村两委培训）",
     "Villages covered (村两委)"},
    {"village_training", "persons", "村两委干部参训人数",
     "Village cadres trained"},
    {NULL, "exam_pass_rate", "考试合格率", "Exam pass rate"},
    {NULL, "activities_by_type", "主题活动", "Activities by type"},
    {NULL, "skills", "技能培训", "Skills training"},
    {"skills", "sessions", "技能培训场次", "Skills training sessions"},
    {"skills", "outreach_sessions", "送技到村到户", "Skills to the village"},
    {"skills", "outreach_person_times", "送技到村人次",
     "Skills to the village, person-times"},
    {"skills", "employed", "带动就业人数", "People helped into jobs"},
    {"skills", "income_gain_fen", "增收", "Income gained"},
    {NULL, "health_checks", "健康体检", "Health checks"},
    {NULL, "commendation_meetings", "表彰会", "Commendation meetings"},
    {NULL, "pioneer_orgs", "先锋党组织", "Pioneer organisations"},
    {NULL, "pioneer_members", "先锋党员", "Pioneer members"},
    {NULL, "enterprises", "百企入村", "Enterprises"},
    {NULL, "talents", "人才回引", "Talents"},
    {NULL, "study_hours", "学时", "Study hours"},
    {"study_hours", "persons_meeting_target", "学时达标党员",
     "Members meeting the hours target"},
    {"study_hours", "persons_total", "应达标党员",
     "Members bound by a target"},
    {"study_hours", "year", "年度", "Year"},
    {NULL, NULL, NULL, NULL},
};

const char *
report_key_label(const char *parent, const char *key, bool en)
{
    const struct report_key *top = NULL;
    for (const struct report_key *k = report_keys; k->key; k++) {
        if (strcmp(k->key, key) != 0)
            continue;
        if (parent && k->parent && strcmp(k->parent, parent) == 0)
            return en ? k->label_en : k->label;
        if (k->parent == NULL)
            top = k;
    }
    if (top)
        return en ? top->label_en : top->label;
    const struct program_type *t = program_type_find(key);
    return t ? (en ? t->msgid : t->name) : key;
}

int
report_county(struct db *db, const char *t, int64_t from, int64_t to,
              int64_t pool_min, json_t **out)
{
    *out = NULL;
    int64_t schools = 0, meeting_11n = 0, rooms = 0, teachers[2] = {0, 0};
    int64_t courses = 0, modules = 0, themed = 0, orders = 0, covered = 0;
    json_t *none = json_array();
    struct teacher_filter county = {.township = t, .level = "county"};
    struct teacher_filter own = {.township = t, .level = "township"};
    struct course_filter published = {.published_only = true};
    struct program_filter themed_f = {.township = t, .type = "themed_class",
                                      .dated = true, .from = from, .to = to};
    struct report_filter rf = {t, NULL, from, to};
    int rc = count_of(school_list(db, t, pool_min, 0, 1, 0, none, &schools),
                      none);
    if (rc == 0)
        rc = count_of(school_list(db, t, pool_min, 1, 1, 0, none,
                                  &meeting_11n),
                      none);
    /* The function rooms: the room kind's list with its switch on, as
     * the figure's link opens it. */
    struct klist function_rooms = {.township = t, .sort = -1};
    function_rooms.on[kind_switch_index(&kind_room, "function")] = true;
    if (rc == 0)
        rc = kind_count(db, &kind_room, &function_rooms, &rooms);
    if (rc == 0)
        rc = count_of(teacher_list(db, &county, 1, 0, none, &teachers[0]),
                      none);
    if (rc == 0)
        rc = count_of(teacher_list(db, &own, 1, 0, none, &teachers[1]),
                      none);
    if (rc == 0)
        rc = count_of(course_list(db, &published, 1, 0, none, &courses),
                      none);
    if (rc == 0)
        rc = count_of(program_list(db, &themed_f, 1, 0, none, &themed),
                      none);
    if (rc == 0)
        rc = count_of(report_villages(db, &rf, 1, 0, none, &covered), none);
    json_decref(none);
    if (rc == 0)
        rc = db_int1(db, Q_MODULE_COUNT, &modules, "");
    if (rc == 0)
        rc = db_int1(db, Q_REPORT_ORDERS, &orders, "sii", t, from, to);
    struct rating_rule rule;
    json_t *ev = NULL;
    double mean;
    if (rc == 0)
        rc = rule_for(db, to, &rule);
    if (rc == 0)
        rc = eval_summary(db, &rf, &rule, &ev, &mean);
    /* Study hours are yearly: the year the range ends in. */
    char day[11];
    int year;
    rules_day(to - 1, day, &year);
    int64_t bound = 0, meeting = 0;
    if (rc == 0)
        rc = hours_counts(db, t, year, &bound, &meeting);
    json_t *types_ = rc == 0 ? by_type(db, t, from, to) : NULL;
    if (types_ == NULL) {
        json_decref(ev);
        return ERR_DB;
    }
    json_t *skills = json_object_get(types_, "skills");
    json_t *outreach = json_object_get(types_, "skills_outreach");
    json_t *cadre = json_object_get(types_, "village_cadre");
    *out = json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:O, s:O, s:O, s:O, s:O,"
        " s:n, s:n, s:n, s:I, s:I, s:I, s:I, s:n, s:n, s:n, s:O,"
        " s:{s:I, s:O, s:n}, s:n,"
        " s:{s:O, s:O, s:O, s:O, s:n, s:n},"
        " s:n, s:n, s:n, s:n, s:n, s:n,"
        " s:{s:I, s:I, s:i}}",
        "schools", (json_int_t)schools, "function_rooms", (json_int_t)rooms,
        "teachers_county", (json_int_t)teachers[0], "teachers_township",
        (json_int_t)teachers[1], "schools_meeting_11n",
        (json_int_t)meeting_11n, "evaluations",
        json_object_get(ev, "evaluations"), "evaluators",
        json_object_get(ev, "evaluators"), "excellence_rate",
        json_object_get(ev, "excellence_rate"), "excellent",
        json_object_get(ev, "excellent"), "excellence_too_few",
        json_object_get(ev, "excellence_too_few"), "funds_allocated_fen",
        "funds_spent_fen", "funds_spent_by_category", "modules",
        (json_int_t)modules, "courses_published", (json_int_t)courses,
        "orders", (json_int_t)orders, "themed_classes", (json_int_t)themed,
        "routes", "sites", "onsite_trainees", "sessions_by_type", types_,
        "village_training", "villages_covered", (json_int_t)covered,
        "persons", json_object_get(cadre, "persons"), "exam_pass_rate",
        "activities_by_type", "skills", "sessions",
        json_object_get(skills, "sessions"), "person_times",
        json_object_get(skills, "person_times"), "outreach_sessions",
        json_object_get(outreach, "sessions"), "outreach_person_times",
        json_object_get(outreach, "person_times"), "employed",
        "income_gain_fen", "health_checks", "commendation_meetings",
        "pioneer_orgs", "pioneer_members", "enterprises", "talents",
        "study_hours", "persons_meeting_target", (json_int_t)meeting,
        "persons_total", (json_int_t)bound, "year", year);
    json_decref(types_);
    json_decref(ev);
    return *out ? 0 : ERR_DB;
}

/* One teacher of the ranking, before it is written out. */
struct ranked {
    int64_t id, n, sum, excellent;
    double mean, shrunk;
    bool too_few;
    json_t *row;
};

/* Ranked before unranked (too few ratings); then by the shrunk mean, the
 * count, the id: a total order, so the ranking is the same every time. */
static int
cmp_ranked(const void *a_, const void *b_)
{
    const struct ranked *a = a_, *b = b_;
    if (a->too_few != b->too_few)
        return a->too_few ? 1 : -1;
    if (a->shrunk != b->shrunk)
        return a->shrunk > b->shrunk ? -1 : 1;
    if (a->n != b->n)
        return a->n > b->n ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

int
report_ranking(struct db *db, const struct report_filter *f, json_t *items,
               json_t **summary)
{
    *summary = NULL;
    struct rating_rule rule;
    double prior;
    int rc = rule_for(db, f->to, &rule);
    if (rc == 0)
        rc = eval_summary(db, f, &rule, summary, &prior);
    if (rc != 0)
        return rc;
    struct db_res *r = db_query(db, Q_EVAL_BY_TEACHER, "siis", f->township,
                                f->from, f->to, f->module);
    if (r == NULL)
        return ERR_DB;
    struct ranked *t = NULL;
    size_t n = 0, cap = 0;
    while ((rc = db_next(r)) > 0) {
        if (n == cap)
            t = xrealloc(t, (cap = cap ? cap * 2 : 32) * sizeof(*t));
        struct ranked *x = &t[n++];
        x->id = db_int(r, 0);
        x->n = db_int(r, 4);
        x->sum = db_int(r, 5);
        x->excellent = db_int(r, 6);
        x->mean = x->n ? (double)x->sum / 100.0 / (double)x->n : 0;
        x->shrunk = rules_shrunk_mean(x->mean, x->n, prior,
                                      rule.prior_weight);
        x->too_few = x->n < rule.min_ratings;
        x->row = json_pack("{s:I, s:s, s:s, s:s?}", "teacher_id",
                           (json_int_t)x->id, "name", db_text(r, 1), "level",
                           db_text(r, 2), "township_code",
                           db_null(r, 3) ? NULL : db_text(r, 3));
    }
    db_end(r);
    if (rc < 0) {
        for (size_t i = 0; i < n; i++)
            json_decref(t[i].row);
        free(t);
        json_decref(*summary);
        *summary = NULL;
        return ERR_DB;
    }
    if (n)
        qsort(t, n, sizeof(*t), cmp_ranked);
    int64_t rank = 0;
    for (size_t i = 0; i < n; i++) {
        struct ranked *x = &t[i];
        json_object_set_new(x->row, "rank",
                            x->too_few ? json_null() : json_integer(++rank));
        json_object_set_new(x->row, "evaluations", json_integer(x->n));
        json_object_set_new(x->row, "mean", json_real(x->mean));
        json_object_set_new(x->row, "ranked_mean", json_real(x->shrunk));
        json_object_set_new(x->row, "excellent", json_integer(x->excellent));
        json_object_set_new(
            x->row, "excellence_rate",
            x->too_few ? json_null()
                       : json_real((double)x->excellent / (double)x->n));
        json_object_set_new(x->row, "too_few", json_boolean(x->too_few));
        json_array_append_new(items, x->row);
    }
    free(t);
    return 0;
}

static const struct col village_cols[] = {
    {"id", COL_INT},
    {"code", COL_TEXT},
    {"name", COL_TEXT},
    {"township_code", COL_TEXT},
    {"township_name", COL_TEXT},
};

int
report_villages(struct db *db, const struct report_filter *f, int64_t page,
                int64_t per_page, json_t *items, int64_t *total)
{
    if (db_int1(db, Q_COVERED_COUNT, total, "sii", f->township, f->from,
                f->to) != 0)
        return ERR_DB;
    return record_rows(db_query(db, Q_COVERED_LIST, "siiii", f->township,
                                f->from, f->to, per_page,
                                (page - 1) * per_page),
                       village_cols, NELEM(village_cols), items);
}

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
#include "../core/keep.h"
#include "../core/util.h"

#include <stdlib.h>
#include <string.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static struct keep attendance_kept = KEEP_INIT;
_Static_assert(2 * PROGRAM_TYPES <= KEEP_VALUES,
               "the training's attendance must fit one kept slot");

/* The index of type code in program_types, or -1. */
static int
type_index(const char *code)
{
    const struct program_type *t = program_type_find(code);
    return t ? (int)(t - program_types) : -1;
}

/* Sessions, person-times and persons per program type: the sessions as
 * the session list counts them (its WHERE), the attendance from the
 * attendance rows, which carry their session's type, township and start
 * (a session with attendance is never voided). Every type is present,
 * with zeros when nothing was held. */
static int
by_type(struct db *db, const char *t, int64_t from, int64_t to,
        int64_t out[PROGRAM_TYPES][REPORT_MEASURES])
{
    memset(out, 0, sizeof(int64_t) * PROGRAM_TYPES * REPORT_MEASURES);
    struct db_res *r = db_query(db, Q_REPORT_SESSIONS_BY_TYPE, "sniisnn", t,
                                (const int64_t *)NULL, from, to,
                                (const char *)NULL, (const int64_t *)NULL,
                                (const int64_t *)NULL);
    if (r == NULL)
        return ERR_DB;
    int rc, k;
    while ((rc = db_next(r)) > 0)
        if ((k = type_index(db_text(r, 0))) >= 0)
            out[k][0] = db_int(r, 1);
    db_end(r);
    if (rc < 0)
        return ERR_DB;
    /* The attendance's distinct counts are kept while the version of
     * the attendance they counted stays (as the session list's). */
    int64_t v[2 * PROGRAM_TYPES];
    char key[KEEP_KEY];
    if (record_attendance_key(db, t, key, "%s|%lld|%lld", t ? t : "",
                              (long long)from, (long long)to) != 0)
        return ERR_DB;
    if (!keep_get(&attendance_kept, key, v, NELEM(v))) {
        memset(v, 0, sizeof(v));
        r = db_query(db, Q_REPORT_ATTENDANCE_BY_TYPE, "iis", from, to, t);
        if (r == NULL)
            return ERR_DB;
        while ((rc = db_next(r)) > 0)
            if ((k = type_index(db_text(r, 0))) >= 0) {
                v[2 * k] = db_int(r, 1);
                v[2 * k + 1] = db_int(r, 2);
            }
        db_end(r);
        if (rc < 0)
            return ERR_DB;
        keep_put(&attendance_kept, key, v, NELEM(v));
    }
    for (k = 0; k < PROGRAM_TYPES; k++) {
        out[k][1] = v[2 * k];
        out[k][2] = v[2 * k + 1];
    }
    return 0;
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

/* The evaluations f selects, summed: count, raters, sum of totals
 * (hundredths), excellent, without a teacher. */
static int
eval_counts(struct db *db, const struct report_filter *f, int64_t v[5])
{
    struct db_res *r = db_query(db, Q_EVAL_SUMMARY, "siis", f->township,
                                f->from, f->to, f->module);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    for (int i = 0; i < 5; i++)
        v[i] = rc > 0 ? db_int(r, i) : 0;
    db_end(r);
    return rc < 0 ? ERR_DB : 0;
}

/* The ranking's totals, the same counts as the report's figures. */
static int
eval_summary(struct db *db, const struct report_filter *f,
             const struct rating_rule *rule, struct eval_totals *out)
{
    int64_t v[5];
    if (eval_counts(db, f, v) != 0)
        return ERR_DB;
    *out = (struct eval_totals){
        .evaluations = v[0],
        .evaluators = v[1],
        .excellent = v[3],
        .without_teacher = v[4],
        .min_ratings = rule->min_ratings,
        .has_mean = v[0] > 0,
        .mean = v[0] ? (double)v[2] / 100.0 / (double)v[0] : 0,
        .rate = v[0] ? (double)v[3] / (double)v[0] : 0,
        .too_few = v[0] < rule->min_ratings,
    };
    return 0;
}

#define TW REPORT_BY_TOWNSHIP
#define TP (REPORT_BY_TOWNSHIP | REPORT_BY_PERIOD)
#define TY (REPORT_BY_TOWNSHIP | REPORT_BY_YEAR)
/* A figure at the top or under parent p, shown in part on the page with
 * element id and linked to list (NULL: not yet recorded), or a key the
 * page does not show as a figure of its own. */
#define TOP(k, zh, en, as, part, id, list, by, qn, qv)                        \
    {NULL, k, zh, en, as, part, id, list, by, qn, qv}
#define SUB(p, k, zh, en, as, part, id, list, by, qn, qv)                     \
    {p, k, zh, en, as, part, id, list, by, qn, qv}
#define HIDDEN(p, k, zh, en, as)                                              \
    {p, k, zh, en, as, RP_NONE, NULL, NULL, 0, NULL, NULL}

const struct report_key report_keys[RK_N] = {
    [RK_SCHOOLS] = TOP("schools", "党校", "Schools", RA_COUNT, RP_RESOURCES,
                       "schools", "/schools", TW, NULL, NULL),
    [RK_FUNCTION_ROOMS] = TOP("function_rooms", "功能室", "Function rooms",
                              RA_COUNT, RP_RESOURCES, "function-rooms",
                              "/rooms", TW, "function", "1"),
    [RK_TEACHERS_COUNTY] = TOP("teachers_county", "县级师资",
                               "County teachers", RA_COUNT, RP_RESOURCES,
                               "teachers-county", "/teachers", TW, "level",
                               "county"),
    [RK_TEACHERS_TOWNSHIP] = TOP("teachers_township", "镇级师资",
                                 "Township teachers", RA_COUNT, RP_RESOURCES,
                                 "teachers-township", "/teachers", TW,
                                 "level", "township"),
    [RK_SCHOOLS_11N] = TOP("schools_meeting_11n", "达到“11+N”的党校",
                           "Schools meeting 11+N", RA_COUNT, RP_RESOURCES,
                           "schools-11n", "/schools", TW, "pool", "met"),
    [RK_EVALUATIONS] = TOP("evaluations", "评价次数", "Evaluations",
                           RA_COUNT, RP_TRAINING, "evaluations",
                           "/teachers/ranking", TP, NULL, NULL),
    [RK_EVALUATORS] = TOP("evaluators", "参评学员", "Trainees who rated",
                          RA_COUNT, RP_TRAINING, "evaluators",
                          "/teachers/ranking", TP, NULL, NULL),
    [RK_EXCELLENCE_RATE] = TOP("excellence_rate", "优秀率", "Excellence rate",
                               RA_RATE, RP_TRAINING, "excellence",
                               "/teachers/ranking", TP, NULL, NULL),
    [RK_EXCELLENT] = HIDDEN(NULL, "excellent", "优秀评价次数",
                            "Excellent ratings", RA_COUNT),
    [RK_EXCELLENCE_TOO_FEW] = HIDDEN(NULL, "excellence_too_few",
                                     "评价次数不足，优秀率仅供参考",
                                     "Too few ratings: the rate is indicative",
                                     RA_FLAG),
    /* Null until the fund ledger (issue 13), which shows them in 元. */
    [RK_FUNDS_ALLOCATED] = TOP("funds_allocated_fen", "下拨经费",
                               "Funds allocated", RA_COUNT, RP_RESOURCES,
                               "funds", NULL, 0, NULL, NULL),
    [RK_FUNDS_SPENT] = TOP("funds_spent_fen", "经费支出", "Funds spent",
                           RA_COUNT, RP_RESOURCES, "funds-spent", NULL, 0,
                           NULL, NULL),
    [RK_FUNDS_BY_CATEGORY] = HIDDEN(NULL, "funds_spent_by_category",
                                    "经费支出分类", "Funds spent by category",
                                    RA_GROUP),
    /* The catalog is the county's: the same for every township. */
    [RK_MODULES] = TOP("modules", "课程模块", "Modules", RA_COUNT,
                       RP_STANDARDS, "modules", "/courses", 0, NULL, NULL),
    [RK_COURSES] = TOP("courses_published", "已发布课程", "Published courses",
                       RA_COUNT, RP_STANDARDS, "courses", "/courses", 0,
                       "published", "1"),
    [RK_ORDERS] = TOP("orders", "点单数", "Course orders", RA_COUNT,
                      RP_STANDARDS, "orders", "/orders", TP, NULL, NULL),
    [RK_THEMED] = TOP("themed_classes", "主题培训班", "Themed classes",
                      RA_COUNT, RP_STANDARDS, "themed-classes", "/programs",
                      TP, "type", "themed_class"),
    [RK_ROUTES] = TOP("routes", "现场教学线路", "On-site routes", RA_COUNT,
                      RP_STANDARDS, "routes", NULL, 0, NULL, NULL),
    [RK_SITES] = TOP("sites", "现场教学点", "On-site teaching sites",
                     RA_COUNT, RP_STANDARDS, "sites", NULL, 0, NULL, NULL),
    [RK_ONSITE_TRAINEES] = TOP("onsite_trainees", "现场教学参训人数",
                               "On-site trainees", RA_COUNT, RP_STANDARDS,
                               "onsite-trainees", NULL, 0, NULL, NULL),
    [RK_BY_TYPE] = HIDDEN(NULL, "sessions_by_type", "培训开展",
                          "Training by type", RA_BY_TYPE),
    [RK_VILLAGE] = HIDDEN(NULL, "village_training", "村两委培训",
                          "Village cadre training", RA_GROUP),
    [RK_VILLAGES_COVERED] = SUB("village_training", "villages_covered",
                                "覆盖村(社区)（村两委培训）",
                                "Villages covered (村两委)", RA_COUNT,
                                RP_TRAINING, "villages-covered",
                                "/report/villages", TP, NULL, NULL),
    [RK_VILLAGE_PERSONS] = SUB("village_training", "persons",
                               "村两委干部参训人数", "Village cadres trained",
                               RA_COUNT, RP_TRAINING, "village-persons",
                               "/sessions", TP, "type", "village_cadre"),
    [RK_EXAM_PASS_RATE] = SUB("village_training", "exam_pass_rate",
                              "考试合格率", "Exam pass rate", RA_RATE,
                              RP_TRAINING, "exam", NULL, 0, NULL, NULL),
    [RK_ACTIVITIES] = HIDDEN(NULL, "activities_by_type", "主题活动",
                             "Activities by type", RA_GROUP),
    [RK_SKILLS] = HIDDEN(NULL, "skills", "技能培训", "Skills training",
                         RA_GROUP),
    [RK_SKILLS_SESSIONS] = SUB("skills", "sessions", "技能培训场次",
                               "Skills training sessions", RA_COUNT, RP_REACH,
                               "skills-sessions", "/sessions", TP, "type",
                               "skills"),
    [RK_SKILLS_PERSON_TIMES] = HIDDEN("skills", "person_times", "人次",
                                      "Person-times", RA_COUNT),
    [RK_OUTREACH_SESSIONS] = SUB("skills", "outreach_sessions", "送技到村到户",
                                 "Skills to the village", RA_COUNT, RP_REACH,
                                 "skills-outreach", "/sessions", TP, "type",
                                 "skills_outreach"),
    [RK_OUTREACH_PERSON_TIMES] = HIDDEN("skills", "outreach_person_times",
                                        "送技到村人次",
                                        "Skills to the village, person-times",
                                        RA_COUNT),
    [RK_EMPLOYED] = SUB("skills", "employed", "带动就业人数",
                        "People helped into jobs", RA_COUNT, RP_REACH,
                        "employed", NULL, 0, NULL, NULL),
    [RK_INCOME_GAIN] = HIDDEN("skills", "income_gain_fen", "增收",
                              "Income gained", RA_COUNT),
    [RK_HEALTH_CHECKS] = TOP("health_checks", "健康体检", "Health checks",
                             RA_COUNT, RP_REACH, "health", NULL, 0, NULL,
                             NULL),
    [RK_COMMENDATIONS] = TOP("commendation_meetings", "表彰会",
                             "Commendation meetings", RA_COUNT, RP_REACH,
                             "commendations", NULL, 0, NULL, NULL),
    [RK_PIONEER_ORGS] = TOP("pioneer_orgs", "先锋党组织",
                            "Pioneer organisations", RA_COUNT, RP_REACH,
                            "pioneer-orgs", NULL, 0, NULL, NULL),
    [RK_PIONEER_MEMBERS] = TOP("pioneer_members", "先锋党员",
                               "Pioneer members", RA_COUNT, RP_REACH,
                               "pioneer-members", NULL, 0, NULL, NULL),
    [RK_ENTERPRISES] = TOP("enterprises", "百企入村", "Enterprises", RA_GROUP,
                           RP_REACH, "enterprises", NULL, 0, NULL, NULL),
    [RK_TALENTS] = TOP("talents", "人才回引", "Talents", RA_GROUP, RP_REACH,
                       "talents", NULL, 0, NULL, NULL),
    [RK_HOURS] = HIDDEN(NULL, "study_hours", "学时", "Study hours", RA_GROUP),
    [RK_HOURS_MEETING] = SUB("study_hours", "persons_meeting_target",
                             "学时达标党员",
                             "Members meeting the hours target", RA_COUNT,
                             RP_HOURS, "hours-meeting", "/hours", TY,
                             "status", "meeting"),
    [RK_HOURS_BOUND] = SUB("study_hours", "persons_total", "应达标党员",
                           "Members bound by a target", RA_COUNT, RP_HOURS,
                           "hours-bound", "/hours", TY, "status", "all"),
    [RK_HOURS_YEAR] = HIDDEN("study_hours", "year", "年度", "Year", RA_COUNT),
};

const struct report_key report_measures[REPORT_MEASURES] = {
    HIDDEN("sessions_by_type", "sessions", "课次", "Sessions", RA_COUNT),
    HIDDEN("sessions_by_type", "person_times", "人次", "Person-times",
           RA_COUNT),
    HIDDEN("sessions_by_type", "persons", "人数", "Persons", RA_COUNT),
};
#undef TOP
#undef SUB
#undef HIDDEN
#undef TW
#undef TP
#undef TY

int
report_parent(int k)
{
    const char *p = report_keys[k].parent;
    for (int i = 0; p && i < RK_N; i++)
        if (report_keys[i].parent == NULL && strcmp(report_keys[i].key, p) == 0)
            return i;
    return -1;
}

static void
set(struct report *r, enum report_k k, int64_t n)
{
    r->v[k].known = true;
    r->v[k].n = n;
}

int
report_county(struct db *db, const char *t, int64_t from, int64_t to,
              int64_t pool_min, struct report *out)
{
    memset(out, 0, sizeof(*out)); /* every figure null until counted */
    int64_t n = 0, m = 0;
    struct teacher_filter county = {.township = t, .level = "county"};
    struct teacher_filter own = {.township = t, .level = "township"};
    struct course_filter published = {.published_only = true};
    struct program_filter themed_f = {.township = t, .type = "themed_class",
                                      .dated = true, .from = from, .to = to};
    struct report_filter rf = {t, NULL, from, to};
    int rc = school_count(db, t, pool_min, 0, &n);
    set(out, RK_SCHOOLS, n);
    if (rc == 0)
        rc = school_count(db, t, pool_min, 1, &n);
    set(out, RK_SCHOOLS_11N, n);
    /* The function rooms: the room kind's list with its switch on, as
     * the figure's link opens it. */
    struct klist function_rooms = {.township = t, .sort = -1};
    function_rooms.on[kind_switch_index(&kind_room, "function")] = true;
    if (rc == 0)
        rc = kind_count(db, &kind_room, &function_rooms, &n);
    set(out, RK_FUNCTION_ROOMS, n);
    if (rc == 0)
        rc = teacher_count(db, &county, &n);
    set(out, RK_TEACHERS_COUNTY, n);
    if (rc == 0)
        rc = teacher_count(db, &own, &n);
    set(out, RK_TEACHERS_TOWNSHIP, n);
    if (rc == 0)
        rc = course_count(db, &published, &n);
    set(out, RK_COURSES, n);
    if (rc == 0)
        rc = program_count(db, &themed_f, &n);
    set(out, RK_THEMED, n);
    if (rc == 0)
        rc = report_villages_count(db, &rf, &n);
    set(out, RK_VILLAGES_COVERED, n);
    if (rc == 0)
        rc = db_int1(db, Q_MODULE_COUNT, &n, "");
    set(out, RK_MODULES, n);
    if (rc == 0)
        rc = db_int1(db, Q_REPORT_ORDERS, &n, "sii", t, from, to);
    set(out, RK_ORDERS, n);
    /* The evaluations, as the ranking counts them: a rate carries its
     * count and says when that count is too few to mean much (SPEC
     * §2.8), as a teacher's does. */
    struct rating_rule rule;
    int64_t ev[5] = {0, 0, 0, 0, 0};
    if (rc == 0)
        rc = rule_for(db, to, &rule);
    if (rc == 0)
        rc = eval_counts(db, &rf, ev);
    set(out, RK_EVALUATIONS, ev[0]);
    set(out, RK_EVALUATORS, ev[1]);
    set(out, RK_EXCELLENT, ev[3]);
    set(out, RK_EXCELLENCE_TOO_FEW, rc == 0 && ev[0] < rule.min_ratings);
    if (ev[0]) {
        set(out, RK_EXCELLENCE_RATE, 0);
        out->v[RK_EXCELLENCE_RATE].rate = (double)ev[3] / (double)ev[0];
    }
    /* Study hours are yearly: the year the range ends in. */
    char day[11];
    rules_day(to - 1, day, &out->year);
    if (rc == 0)
        rc = hours_counts(db, t, out->year, &n, &m);
    set(out, RK_HOURS_BOUND, n);
    set(out, RK_HOURS_MEETING, m);
    set(out, RK_HOURS_YEAR, out->year);
    if (rc == 0)
        rc = by_type(db, t, from, to, out->by_type);
    if (rc != 0)
        return ERR_DB;
    const int skills = type_index("skills");
    const int outreach = type_index("skills_outreach");
    const int cadre = type_index("village_cadre");
    set(out, RK_VILLAGE_PERSONS, out->by_type[cadre][2]);
    set(out, RK_SKILLS_SESSIONS, out->by_type[skills][0]);
    set(out, RK_SKILLS_PERSON_TIMES, out->by_type[skills][1]);
    set(out, RK_OUTREACH_SESSIONS, out->by_type[outreach][0]);
    set(out, RK_OUTREACH_PERSON_TIMES, out->by_type[outreach][1]);
    /* The groups that hold counted figures are objects; the others, and
     * every figure not counted above, stay null. */
    set(out, RK_BY_TYPE, 0);
    set(out, RK_VILLAGE, 0);
    set(out, RK_SKILLS, 0);
    set(out, RK_HOURS, 0);
    return 0;
}

/* Ranked before unranked (too few ratings); then by the shrunk mean, the
 * count, the id: a total order, so the ranking is the same every time. */
static int
cmp_ranked(const void *a_, const void *b_)
{
    const struct ranked_teacher *a = a_, *b = b_;
    if (a->too_few != b->too_few)
        return a->too_few ? 1 : -1;
    if (a->ranked_mean != b->ranked_mean)
        return a->ranked_mean > b->ranked_mean ? -1 : 1;
    if (a->evaluations != b->evaluations)
        return a->evaluations > b->evaluations ? -1 : 1;
    return a->teacher_id < b->teacher_id ? -1 : a->teacher_id > b->teacher_id;
}

/* The columns of EVAL_BY_TEACHER. */
enum { EB_ID, EB_NAME, EB_LEVEL, EB_TOWNSHIP, EB_N, EB_SUM, EB_EXCELLENT };

int
report_ranking(struct db *db, struct arena *a, const struct report_filter *f,
               struct ranked_teacher **rows, size_t *n,
               struct eval_totals *sum)
{
    *rows = NULL;
    *n = 0;
    struct rating_rule rule;
    int rc = rule_for(db, f->to, &rule);
    if (rc == 0)
        rc = eval_summary(db, f, &rule, sum);
    if (rc != 0)
        return rc;
    struct db_res *r = db_query(db, Q_EVAL_BY_TEACHER, "siis", f->township,
                                f->from, f->to, f->module);
    if (r == NULL)
        return ERR_DB;
    size_t cap = 0;
    while ((rc = db_next(r)) > 0) {
        if (*n == cap) {
            struct ranked_teacher *bigger = arena_alloc(
                a, (cap = cap ? cap * 2 : 32) * sizeof(*bigger));
            if (*n)
                memcpy(bigger, *rows, *n * sizeof(*bigger));
            *rows = bigger;
        }
        struct ranked_teacher *x = &(*rows)[(*n)++];
        int64_t count = db_int(r, EB_N), total = db_int(r, EB_SUM);
        double mean = count ? (double)total / 100.0 / (double)count : 0;
        *x = (struct ranked_teacher){
            .teacher_id = db_int(r, EB_ID),
            .name = record_text(r, a, EB_NAME),
            .level = record_text(r, a, EB_LEVEL),
            .township_code = record_text(r, a, EB_TOWNSHIP),
            .evaluations = count,
            .excellent = db_int(r, EB_EXCELLENT),
            .mean = mean,
            .ranked_mean = rules_shrunk_mean(mean, count, sum->mean,
                                             rule.prior_weight),
            .too_few = count < rule.min_ratings,
        };
        x->rate = count ? (double)x->excellent / (double)count : 0;
    }
    db_end(r);
    if (rc < 0)
        return ERR_DB;
    if (*n)
        qsort(*rows, *n, sizeof(**rows), cmp_ranked);
    int64_t rank = 0;
    for (size_t i = 0; i < *n; i++)
        (*rows)[i].rank = (*rows)[i].too_few ? 0 : ++rank;
    return 0;
}

/* The columns of COVERED_LIST. */
enum { CV_ID, CV_CODE, CV_NAME, CV_TOWNSHIP, CV_TOWNSHIP_NAME };

static void
village_read(struct db_res *r, struct arena *a, void *row)
{
    struct covered_village *x = row;
    *x = (struct covered_village){
        .id = db_int(r, CV_ID),
        .code = record_text(r, a, CV_CODE),
        .name = record_text(r, a, CV_NAME),
        .township_code = record_text(r, a, CV_TOWNSHIP),
        .township_name = record_text(r, a, CV_TOWNSHIP_NAME),
    };
}

int
report_villages_count(struct db *db, const struct report_filter *f,
                      int64_t *total)
{
    return db_int1(db, Q_COVERED_COUNT, total, "sii", f->township, f->from,
                   f->to) != 0
               ? ERR_DB
               : 0;
}

int
report_villages(struct db *db, struct arena *a, const struct report_filter *f,
                int64_t page, int64_t per_page, struct covered_village **rows,
                size_t *n, int64_t *total)
{
    *rows = NULL;
    *n = 0;
    if (report_villages_count(db, f, total) != 0)
        return ERR_DB;
    void *out;
    int rc =
        record_page(db_query(db, Q_COVERED_LIST, "siiii", f->township, f->from,
                             f->to, per_page, (page - 1) * per_page),
                    a, per_page, sizeof(**rows), village_read, &out, n);
    *rows = out;
    return rc;
}

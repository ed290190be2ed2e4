/*
 * report.c - see report.h.
 */
#include "report.h"

#include "classes.h"
#include "rules.h"

#include "../core/err.h"

#include <string.h>

/* The program types of SPEC §4.3, each present in sessions_by_type. */
static const char *const types[] = {
    "weekly_lesson", "weekend_lecture", "village_cadre", "themed_class",
    "onsite",        "skills",          "skills_outreach", "talent_return"};

/* Runs q and reads its one row's first n integers into v. */
static int
ints(struct db *db, enum query q, const char *types_, const char *t,
     int64_t from, int64_t to, int n, int64_t *v)
{
    struct db_res *r =
        strcmp(types_, "") == 0  ? db_query(db, q, "")
        : strcmp(types_, "s") == 0 ? db_query(db, q, "s", t)
                                   : db_query(db, q, "sii", t, from, to);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    for (int i = 0; rc > 0 && i < n; i++)
        v[i] = db_int(r, i);
    db_end(r);
    return rc < 0 ? ERR_DB : rc == 0 ? ERR_NOTFOUND : 0;
}

/* Sets key's field of obj[type] to v. */
static void
set_in(json_t *o, const char *type, const char *key, int64_t v)
{
    json_t *x = json_object_get(o, type);
    if (x)
        json_object_set_new(x, key, json_integer(v));
}

static json_t *
by_type(struct db *db, const char *t, int64_t from, int64_t to)
{
    json_t *o = json_object();
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        json_object_set_new(o, types[i],
                            json_pack("{s:i, s:i, s:i}", "sessions", 0,
                                      "person_times", 0, "persons", 0));
    struct db_res *r = db_query(db, Q_REPORT_SESSIONS_BY_TYPE, "sii", t,
                                from, to);
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

/* How many members the year's targets bind, and how many meet theirs:
 * the denominator from the members' (status, flags) kinds, the numerator
 * from those who attended; rules.c decides who is bound to what. */
static int
study_hours(struct db *db, const char *t, int year, int64_t *bound,
            int64_t *meeting)
{
    int64_t h[2] = {0, 0}, c[2] = {0, 0};
    *bound = *meeting = 0;
    if (hours_targets(db, year, h, c) != 0)
        return ERR_DB;
    if (h[0] == 0)
        return 0; /* no targets that year */
    struct db_res *r = db_query(db, Q_REPORT_MEMBER_KINDS, "s", t);
    if (r == NULL)
        return ERR_DB;
    int rc;
    while ((rc = db_next(r)) > 0) {
        enum target_who w = rules_target_who(db_text(r, 0), db_text(r, 1));
        if (w == TARGET_MEMBER || w == TARGET_CADRE)
            *bound += db_int(r, 2);
    }
    db_end(r);
    if (rc < 0)
        return ERR_DB;
    r = db_query(db, Q_REPORT_MEMBER_HOURS, "is", (int64_t)year, t);
    if (r == NULL)
        return ERR_DB;
    while ((rc = db_next(r)) > 0) {
        enum target_who w = rules_target_who(db_text(r, 0), db_text(r, 1));
        if (w != TARGET_MEMBER && w != TARGET_CADRE)
            continue;
        int k = w == TARGET_CADRE;
        *meeting += db_int(r, 2) >= h[k] * 60 && db_int(r, 3) >= c[k];
    }
    db_end(r);
    return rc < 0 ? ERR_DB : 0;
}

int
report_county(struct db *db, const char *t, int64_t from, int64_t to,
              int64_t pool_min, json_t **out)
{
    int64_t schools, rooms, teachers[2], ev[3], cat[2], themed, vt[2];
    int64_t orders;
    int rc = ints(db, Q_REPORT_SCHOOLS, "s", t, 0, 0, 1, &schools);
    if (rc == 0)
        rc = ints(db, Q_REPORT_FUNCTION_ROOMS, "s", t, 0, 0, 1, &rooms);
    if (rc == 0)
        rc = ints(db, Q_REPORT_TEACHERS, "s", t, 0, 0, 2, teachers);
    if (rc == 0)
        rc = ints(db, Q_REPORT_EVALUATIONS, "sii", t, from, to, 3, ev);
    if (rc == 0)
        rc = ints(db, Q_REPORT_CATALOG, "", t, 0, 0, 2, cat);
    if (rc == 0)
        rc = ints(db, Q_REPORT_THEMED_CLASSES, "sii", t, from, to, 1,
                  &themed);
    if (rc == 0)
        rc = ints(db, Q_REPORT_VILLAGE_TRAINING, "sii", t, from, to, 2, vt);
    if (rc == 0)
        rc = ints(db, Q_REPORT_ORDERS, "sii", t, from, to, 1, &orders);
    if (rc != 0)
        return ERR_DB;
    int64_t meeting_11n = 0;
    struct db_res *r = db_query(db, Q_REPORT_POOL, "s", t);
    if (r == NULL)
        return ERR_DB;
    while ((rc = db_next(r)) > 0)
        meeting_11n += db_int(r, 0) >= pool_min;
    db_end(r);
    if (rc < 0)
        return ERR_DB;
    /* Study hours are yearly: the year the range ends in. */
    char day[11];
    int year;
    rules_day(to - 1, day, &year);
    int64_t bound, meeting;
    if (study_hours(db, t, year, &bound, &meeting) != 0)
        return ERR_DB;
    json_t *types_ = by_type(db, t, from, to);
    if (types_ == NULL)
        return ERR_DB;
    json_t *skills = json_object_get(types_, "skills");
    json_t *outreach = json_object_get(types_, "skills_outreach");
    *out = json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o,"
        " s:n, s:n, s:n, s:I, s:I, s:I, s:I, s:n, s:n, s:n, s:O,"
        " s:{s:I, s:I, s:n}, s:n,"
        " s:{s:O, s:O, s:O, s:O, s:n, s:n},"
        " s:n, s:n, s:n, s:n, s:n, s:n,"
        " s:{s:I, s:I, s:i}}",
        "schools", (json_int_t)schools, "function_rooms", (json_int_t)rooms,
        "teachers_county", (json_int_t)teachers[0], "teachers_township",
        (json_int_t)teachers[1], "schools_meeting_11n",
        (json_int_t)meeting_11n, "evaluations", (json_int_t)ev[0],
        "evaluators", (json_int_t)ev[1], "excellence_rate",
        ev[0] ? json_real((double)ev[2] / (double)ev[0]) : json_null(),
        "funds_allocated_fen", "funds_spent_fen", "funds_spent_by_category",
        "modules", (json_int_t)cat[0], "courses_published",
        (json_int_t)cat[1], "orders", (json_int_t)orders, "themed_classes",
        (json_int_t)themed,
        "routes", "sites", "onsite_trainees", "sessions_by_type", types_,
        "village_training", "villages_covered", (json_int_t)vt[0],
        "persons", (json_int_t)vt[1], "exam_pass_rate",
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
    return *out ? 0 : ERR_DB;
}

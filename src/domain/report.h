/*
 * report.h - the county report (SPEC.md §4.3): one record with every key
 * of the contract, each figure counted from records for a date range and
 * optionally one township. A figure whose capability does not exist yet
 * is null, never 0.
 *
 * Every figure with records behind it is counted by the same function
 * (and so the same query) as the list its link opens, and the link is
 * declared beside the key (report_keys): the schools and 11+N
 * (school_count), function rooms (the room kind's count), teachers
 * (teacher_count), courses (course_count), themed classes (program_count),
 * sessions, person-times and persons (the session list's WHERE), the
 * evaluations (the teacher ranking below), orders (order_table), covered
 * villages (report_villages) and study hours (hours_counts).
 */
#pragma once

#include "classes.h"

#include "../db/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* The report's keys, each once, in the order of the answer (SPEC.md
 * §4.3). The API's JSON, the spreadsheet's rows and the report page's
 * figures and links all walk this table; report_county fills the values
 * it declares. */
enum report_as {
    RA_COUNT,   /* a whole number */
    RA_RATE,    /* a share in [0, 1] */
    RA_FLAG,    /* true or false */
    RA_GROUP,   /* an object of the keys whose parent it is */
    RA_BY_TYPE, /* {TYPE: {sessions, person_times, persons}} */
};
/* The parts of the report page, as in the county's yearly summary. */
enum report_part {
    RP_NONE, /* not a figure of its own on the page */
    RP_RESOURCES,
    RP_STANDARDS,
    RP_TRAINING,
    RP_REACH,
    RP_HOURS,
};
/* What of the report's scope the list behind a figure takes. */
enum {
    REPORT_BY_TOWNSHIP = 1, /* township= */
    REPORT_BY_PERIOD = 2,   /* from= and to= */
    REPORT_BY_YEAR = 4,     /* year= (study hours are yearly) */
};
struct report_key {
    const char *parent, *key; /* parent NULL: at the top */
    const char *label, *label_en;
    enum report_as as;
    /* On the page: its part and element id, and the list of exactly the
     * records it counts (NULL: none yet), with what of the scope that
     * list takes and one more query argument (qname NULL: none). */
    enum report_part part;
    const char *id, *list;
    int by;
    const char *qname, *qvalue;
};
enum report_k {
    RK_SCHOOLS, RK_FUNCTION_ROOMS, RK_TEACHERS_COUNTY, RK_TEACHERS_TOWNSHIP,
    RK_SCHOOLS_11N, RK_EVALUATIONS, RK_EVALUATORS, RK_EXCELLENCE_RATE,
    RK_EXCELLENT, RK_EXCELLENCE_TOO_FEW, RK_FUNDS_ALLOCATED, RK_FUNDS_SPENT,
    RK_FUNDS_BY_CATEGORY, RK_MODULES, RK_COURSES, RK_ORDERS, RK_THEMED,
    RK_ROUTES, RK_SITES, RK_ONSITE_TRAINEES, RK_BY_TYPE, RK_VILLAGE,
    RK_VILLAGES_COVERED, RK_VILLAGE_PERSONS, RK_EXAM_PASS_RATE,
    RK_ACTIVITIES, RK_SKILLS, RK_SKILLS_SESSIONS, RK_SKILLS_PERSON_TIMES,
    RK_OUTREACH_SESSIONS, RK_OUTREACH_PERSON_TIMES, RK_EMPLOYED,
    RK_INCOME_GAIN, RK_HEALTH_CHECKS, RK_COMMENDATIONS, RK_PIONEER_ORGS,
    RK_PIONEER_MEMBERS, RK_ENTERPRISES, RK_TALENTS, RK_HOURS,
    RK_HOURS_MEETING, RK_HOURS_BOUND, RK_HOURS_YEAR,
    RK_N
};
extern const struct report_key report_keys[RK_N];
/* The index of key k's parent in report_keys, or -1 at the top. */
int report_parent(int k);
/* The three measures of each program type under sessions_by_type. */
#define REPORT_MEASURES 3
extern const struct report_key report_measures[REPORT_MEASURES];

/* A figure: null (known false) until its capability counts it. */
struct report_value {
    bool known;
    int64_t n;   /* RA_COUNT; RA_FLAG 0 or 1 */
    double rate; /* RA_RATE */
};
struct report {
    struct report_value v[RK_N];
    /* sessions, person_times, persons of each of program_types */
    int64_t by_type[PROGRAM_TYPES][REPORT_MEASURES];
    int year; /* of the study hours: the year the range ends in */
};

/* [from, to) in unix seconds; township NULL for the county; pool_min is
 * the "11" of 11+N. 0 with *out filled, or ERR_DB. */
int report_county(struct db *db, const char *township, int64_t from,
                  int64_t to, int64_t pool_min, struct report *out);

/* What the teacher ranking and the covered villages count: sessions of a
 * township (NULL: the county) starting in [from, to), of courses of a
 * module (NULL: any; the ranking only). */
struct report_filter {
    const char *township, *module;
    int64_t from, to;
};

/* The evaluations a ranking counts, summed: what the report's figures
 * count. The rate carries its count and is none under the rule's
 * minimum (SPEC §2.8). */
struct eval_totals {
    int64_t evaluations, evaluators, excellent, without_teacher;
    int64_t min_ratings;
    bool has_mean, too_few; /* too_few: the rate stands on too few */
    double mean, rate;      /* rate: when evaluations > 0 */
};
/* One teacher of the ranking. */
struct ranked_teacher {
    int64_t rank; /* 0: not ranked (too few ratings) */
    int64_t teacher_id, evaluations, excellent;
    const char *name, *level, *township_code; /* township: NULL or own */
    double mean, ranked_mean, rate;           /* rate: not when too_few */
    bool too_few;
};
/* The teacher ranking (教师评价排名) over the evaluations f selects, by
 * the shrunk mean toward their overall mean (rules_shrunk_mean, the
 * weight and the minimum count from the rating rule of the year the
 * range ends in). Teachers with fewer ratings than that minimum are
 * listed after every ranked one, without a rank and flagged too_few, so
 * luck with a few ratings never puts one above a teacher with many.
 * *rows gets *n teachers copied into a; *sum the evaluations the
 * report's figures count. 0 or ERR_DB. */
int report_ranking(struct db *db, struct arena *a,
                   const struct report_filter *f,
                   struct ranked_teacher **rows, size_t *n,
                   struct eval_totals *sum);

/* A village covered by the 村两委 training (覆盖村). */
struct covered_village {
    int64_t id;
    const char *code, *name, *township_code, *township_name;
};
/* The villages covered: those of the township whose people attended its
 * village_cadre sessions in the range, a page into *rows (*n, copied
 * into a), *total all of them; f->module is ignored. 0 or ERR_DB. */
int report_villages(struct db *db, struct arena *a,
                    const struct report_filter *f, int64_t page,
                    int64_t per_page, struct covered_village **rows,
                    size_t *n, int64_t *total);
/* How many villages report_villages lists (the report's figure). */
int report_villages_count(struct db *db, const struct report_filter *f,
                          int64_t *total);

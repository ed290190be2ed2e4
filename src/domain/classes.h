/*
 * classes.h - teaching as it happens (issue 4, SPEC.md §2.6-8): programs
 * of the 8 types, their class sessions (course, teacher, time, room or
 * place, 学时, capacity), enrolment with a waiting list, attendance by QR
 * or by the admin's roster, the study hours it credits, and ratings of
 * the teacher by those who attended.
 *
 * Moments are unix seconds; days and years are China time (rules.h).
 */
#pragma once

#include "audit.h"
#include "rules.h"
#include "teaching.h"

#include "../core/arena.h"
#include "../db/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct keyring;

struct program_input {
    const char *type, *title, *from, *to; /* from/to: YYYY-MM-DD */
    int64_t school_id;
};
int program_create(struct db *db, const struct program_input *in,
                   bool is_demo, const struct audit_who *who, int64_t *id,
                   struct field_error *e);
/* The 8 program types of SPEC.md §4.3, in the report's order: the one
 * list the report, the pages and the spreadsheet read (the schema's
 * program_types rows, migration 5, hold the same; a unit test compares
 * them). NULL-code terminated. */
struct program_type {
    const char *code;
    const char *name;   /* zh-CN, as the county's documents say */
    const char *msgid;  /* the UI's message id (po/zh_CN.po) */
    bool concentrated;  /* a 集中培训 class */
};
/* The program types, PROGRAM_TYPES of them and a NULL code last. */
#define PROGRAM_TYPES 8
extern const struct program_type program_types[PROGRAM_TYPES + 1];
/* The type of code, or NULL. */
const struct program_type *program_type_find(const char *code);

/* Which programs a list shows: of a township, type and school when
 * given (NULL, 0); with a live session starting in [from, to) when
 * dated (the county report's themed classes). */
struct program_filter {
    const char *township, *type;
    int64_t school_id;
    bool dated;
    int64_t from, to;
};
/* A program as the lists show it. */
struct program_row {
    int64_t id, school_id, sessions; /* sessions: its live sessions */
    const char *type, *type_name, *township_code, *title;
    const char *from, *to; /* YYYY-MM-DD, China days */
    bool voided;
};
/* A page of the programs f selects, latest first: *rows gets *n records
 * copied into a, *total what f selects in all. 0 or ERR_DB. */
int program_page(struct db *db, struct arena *a,
                 const struct program_filter *f, int64_t page,
                 int64_t per_page, struct program_row **rows, size_t *n,
                 int64_t *total);
/* How many programs f selects (the report's themed classes). */
int program_count(struct db *db, const struct program_filter *f,
                  int64_t *total);
int program_get(struct db *db, int64_t id, json_t **out, char township[16]);

struct class_input {
    int64_t program_id, course_id, teacher_id, room_id; /* 0 = none */
    int64_t starts_at, ends_at, half_hours, capacity;
    const char *place;
};
int class_create(struct db *db, const struct class_input *in, bool is_demo,
                 const struct audit_who *who, int64_t *id,
                 struct field_error *e);
/* Which sessions a list shows: those starting in [from, to), of a
 * township, program, program type, teacher and school when these are
 * given (NULL, 0). */
struct class_filter {
    const char *township;
    int64_t program_id;
    const char *type;
    int64_t teacher_id;
    int64_t from, to;
    int64_t school_id;
};
/* A session as the lists show it. */
struct class_row {
    int64_t id, program_id, school_id;
    int64_t course_id, teacher_id, room_id;      /* 0: none */
    const char *program_type, *program_title, *township_code;
    const char *course_title, *teacher_name;      /* NULL: none */
    const char *place;                            /* NULL: none */
    int64_t starts_at, ends_at;                   /* unix seconds */
    int64_t half_hours, capacity, enrolled, waiting, attended;
    bool voided;
};
/* A page of the sessions f selects, in time order: *rows gets *n records
 * copied into a, *total what f selects in all. 0 or ERR_DB. */
int class_page(struct db *db, struct arena *a, const struct class_filter *f,
               int64_t page, int64_t per_page, struct class_row **rows,
               size_t *n, int64_t *total);
/* The attendance of the sessions f selects: person-times (records) and
 * persons (distinct people), as the report counts them. 0 or ERR_DB. */
int class_totals(struct db *db, const struct class_filter *f,
                 int64_t *person_times, int64_t *persons);
int class_get(struct db *db, int64_t id, json_t **out, char township[16]);
/* Calls a session off with a reason: it leaves the lists and its check-in
 * closes. 0; ERR_CONFLICT when anyone checked in (those records and the
 * hours they credit stay); ERR_NOTFOUND (none, or voided before); ERR_DB. */
int class_void(struct db *db, int64_t id, const char *reason,
               const struct audit_who *who);
/* The live sessions of a teacher, latest first, at most limit. */
int class_of_teacher(struct db *db, int64_t teacher_id, int64_t limit,
                     json_t *items);
/* What check-in and rating need of a live session, without the counts
 * class_get adds. 0, ERR_NOTFOUND (also when voided), ERR_DB. */
struct class_brief {
    int64_t course, teacher, starts, ends, halves, capacity;
    char township[16];
};
int class_brief(struct db *db, int64_t id, struct class_brief *out);
/* A person's schedule: the sessions it is enrolled in (or waiting for)
 * that end after since, soonest first. */
int class_mine(struct db *db, int64_t person_id, int64_t since,
               json_t *items);
/* The enrolled and waiting, with whether each attended. */
int class_roster(struct db *db, int64_t id, json_t *items);

/* Enrols a person: 0 with *status "enrolled", or "waiting" when the
 * session is full and waitlist is true; ERR_RANGE when full and not;
 * ERR_CONFLICT when already on its list; ERR_NOTFOUND (person). */
int class_enroll(struct db *db, int64_t session_id, int64_t person_id,
                 bool waitlist, const struct audit_who *who,
                 const char **status);

/* Records that person attended session (method "qr" or "roster") and
 * credits its hours (rules.h). 0 with *out the attendance;
 * ERR_CONFLICT a second time; ERR_NOTFOUND (session or person). */
int class_attend(struct db *db, int64_t session_id, int64_t person_id,
                 const char *method, int64_t now,
                 const struct audit_who *who, json_t **out);

/* What an attendance credited: its id, the China day and year of its
 * session, the minutes and the code of the 学时 rule that counted them. */
struct attend_result {
    int64_t id, minutes;
    char day[11];
    int year;
    char rule[32];
};
/* The one way an attendance is written, whoever writes it (the admin's
 * tick, the QR writer, the demo): inside the caller's transaction, it
 * takes the person's day, inserts the attendance of session c (read by
 * class_brief) and credits the whole day again in order of session
 * start under the year's 学时 rule, so an attendance written later for
 * an earlier session takes its hours first. recorded_by 0: none.
 * 0 with *out; ERR_CONFLICT (already recorded); ERR_NOTFOUND (person);
 * ERR_DB. On error the caller rolls back. */
int class_attend_write(struct db *db, int64_t session_id,
                       const struct class_brief *c, int64_t person_id,
                       const char *method, int64_t at, int64_t recorded_by,
                       bool is_demo, struct attend_result *out);
/* The 学时 rule of a year (hour_rules): 0, ERR_NOTFOUND, ERR_DB. */
int hours_rule(struct db *db, int year, struct hour_rule *out);
/* The rating rule of a year (rating_rules): 0, ERR_NOTFOUND, ERR_DB. */
int rating_rule_of(struct db *db, int year, struct rating_rule *out);

/* A person's study hours in a year: minutes, concentrated classes, the
 * target that binds them (if any) and whether it is met. */
int hours_person(struct db *db, int64_t person_id, int year, json_t **out);
/* The year's targets: [0] members, [1] cadres (hours and classes); all 0
 * when none is configured for that year. 0 or ERR_DB. */
int hours_targets(struct db *db, int year, int64_t hours[2],
                  int64_t classes[2]);
/* How many members of a township (NULL: the county) the targets of a
 * year bind, and how many meet theirs: the report's 学时 figures and the
 * heads of the list they open. Kept while the roster's and the
 * attendance's versions and the targets stay. 0 or ERR_DB. */
int hours_counts(struct db *db, const char *township, int year,
                 int64_t *bound, int64_t *meeting);
/* Which members hours_behind lists. */
enum hours_status {
    HOURS_BEHIND,  /* behind their target */
    HOURS_MEETING, /* meeting it (the report's 学时达标) */
    HOURS_BOUND,   /* every member a target binds */
};
/* A member bound by a target, with their own progress. */
struct hours_row {
    int64_t person_id;
    const char *name, *village_code, *id_number_masked; /* NULL: none */
    enum target_who who;                   /* TARGET_MEMBER or _CADRE */
    int64_t minutes, classes, target_hours, target_classes;
    bool met;
};
/* A page of the members of a township (NULL: the county) bound by a
 * target in a year and of the status asked, in pinyin order (never
 * ranked by hours): *rows gets *n records copied into a, *total counts
 * them all; also hours_counts' two figures. 0 or ERR_DB. */
int hours_behind(struct db *db, struct arena *a, const char *township,
                 int year, enum hours_status status, int64_t page,
                 int64_t per_page, struct hours_row **rows, size_t *n,
                 int64_t *total, int64_t *bound, int64_t *meeting);

/* Whether person attended session_id: 0 with *yes, or ERR_DB. */
int class_attended(struct db *db, int64_t session_id, int64_t person_id,
                   bool *yes);
/* A rating of the teacher of a session by one who attended it:
 * scores content, method, effect, attitude (0..100). 0 with *out
 * {"total","grade"}; ERR_DENIED without attendance; ERR_CONFLICT a
 * second time. */
int class_evaluate(struct db *db, const struct keyring *k,
                   int64_t session_id, int64_t person_id,
                   const int scores[4], int64_t now, json_t **out);
/* What a rating summary is of. */
enum rating_of { RATING_OF_TEACHER, RATING_OF_COURSE };
/* What rating_of shrinks toward, read once for a list of many: every
 * rating's count and sum (hundredths) and this year's rating rule. */
struct rating_prior {
    int64_t n, sum;
    struct rating_rule rule;
};
int rating_prior(struct db *db, struct rating_prior *p);
/* A teacher's or a course's ratings, aggregates only: the count, the
 * mean, the mean shrunk toward the county's (none before any rating),
 * the excellent ones and their rate, which stands on too few ratings
 * under the rule's minimum and is then none (SPEC §2.8). */
struct rating {
    int64_t n, excellent;
    bool has_mean, has_ranked, has_rate, too_few;
    double mean, ranked_mean, rate;
};
/* The rating of n ratings summing sum (hundredths), excellent of them. */
void rating_of(const struct rating_prior *p, int64_t n, int64_t sum,
               int64_t excellent, struct rating *out);
/* The all-time rating of teacher or course id. 0 or ERR_DB. */
int rating_summary(struct db *db, enum rating_of of, int64_t id,
                   struct rating *out);

/* The annual plan (年度培训计划) of a school in batches. */
struct plan_batch {
    int64_t batch, sessions, persons;
    const char *type, *from, *to; /* YYYY-MM-DD, China days */
};
/* 0 with *id; ERR_INVAL with e (type, dates); ERR_CONFLICT (the school
 * has a plan that year already); ERR_DB. Audited. */
int plan_create(struct db *db, int64_t school_id, int64_t year,
                const char *title, const struct plan_batch *b, size_t n,
                const struct audit_who *who, int64_t *id,
                struct field_error *e);
/* The plan with its batches, each planned beside held (counted from the
 * school's sessions of that type within the batch's dates). */
int plan_get(struct db *db, int64_t id, json_t **out);
/* The plan of a school for a year: its id, or ERR_NOTFOUND. */
int plan_of(struct db *db, int64_t school_id, int64_t year, int64_t *id);

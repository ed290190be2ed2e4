/*
 * teaching.h - the places and people of teaching (issue 4, SPEC.md §2.2-4):
 * the township schools (阵地) with their rooms and yearly "四有" check, the
 * teacher pool "11+N", and the course catalog in its 6 modules.
 *
 * Reads return JSON (the API's shapes); writes are audited in the same
 * transaction and report a bad value as ERR_INVAL with the field and a
 * Chinese reason.
 */
#pragma once

#include "audit.h"

#include "../core/arena.h"
#include "../db/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* Where a bad value was found: the field and why (Chinese). */
struct field_error {
    const char *field;
    const char *why;
};

/* --- schools ---------------------------------------------------------- */

/* pool_min: county teachers a school needs (the "11" of 11+N); each
 * school carries county_teachers, own_teachers, rooms, function_rooms and
 * pool_short. pool: 0 every school, 1 those meeting 11+N, -1 those
 * short of it (the county report counts with the same query). */
struct school_row {
    int64_t id, county_teachers, own_teachers, rooms, function_rooms;
    const char *township_code, *township_name, *name, *address;
    bool pool_short; /* fewer county teachers than pool_min */
};
/* A page of them into *rows (*n, copied into a), *total all that match. */
int school_page(struct db *db, struct arena *a, const char *township,
                int64_t pool_min, int pool, int64_t page, int64_t per_page,
                struct school_row **rows, size_t *n, int64_t *total);
int school_count(struct db *db, const char *township, int64_t pool_min,
                 int pool, int64_t *total);
/* With its township in township[16]: 0, ERR_NOTFOUND, ERR_DB. */
int school_get(struct db *db, int64_t id, json_t **out, char township[16]);
int school_create(struct db *db, const char *township, const char *name,
                  const char *address, const struct audit_who *who,
                  int64_t *id, struct field_error *e);
int school_update(struct db *db, int64_t id, const char *name,
                  const char *address, const struct audit_who *who);
int school_rooms(struct db *db, int64_t school_id, json_t *items);
/* The yearly standardisation check (四有). */
struct school_check {
    int64_t year;
    bool fixed_site, teachers, equipment, books;
    const char *note;
};
int school_check_put(struct db *db, int64_t school_id,
                     const struct school_check *c,
                     const struct audit_who *who);
int school_checks(struct db *db, int64_t school_id, json_t *items);

/* --- teachers --------------------------------------------------------- */

struct teacher_input {
    const char *name, *level, *township, *title;
    const char **modules;  /* NULL-terminated codes */
    const int64_t *school_ids;
    size_t nschools;
};
struct teacher_filter {
    const char *township, *level, *module, *q;
    int64_t school_id;     /* 0 = any */
};
bool teacher_level_valid(const char *level);
int teacher_create(struct db *db, const struct teacher_input *in,
                   bool is_demo, const struct audit_who *who, int64_t *id,
                   struct field_error *e);
/* Changes a teacher's fields and replaces its modules and schools, as
 * teacher_create checks them. 0; ERR_NOTFOUND (no such live teacher);
 * ERR_INVAL with e; ERR_DB. Audited (teacher_update). */
int teacher_update(struct db *db, int64_t id, const struct teacher_input *in,
                   const struct audit_who *who, struct field_error *e);
/* A teacher as the pool's list shows it. */
struct teacher_row {
    int64_t id;
    const char *name, *level, *township_code, *title; /* NULL: none */
    const char **modules;  /* module codes, n_modules of them */
    int64_t *school_ids;   /* the schools it serves, n_schools */
    size_t n_modules, n_schools;
    int64_t ratings, rating_sum, excellent; /* all time (sum: hundredths) */
    bool voided;
};
/* A page of the teachers f selects, by id: *rows gets *n records copied
 * into a, *total what f selects in all. 0 or ERR_DB. */
int teacher_page(struct db *db, struct arena *a,
                 const struct teacher_filter *f, int64_t page,
                 int64_t per_page, struct teacher_row **rows, size_t *n,
                 int64_t *total);
/* How many teachers f selects (the report's figures). 0 or ERR_DB. */
int teacher_count(struct db *db, const struct teacher_filter *f,
                  int64_t *total);
/* township[16] is the teacher's own township, "" for county and invited
 * teachers. */
int teacher_get(struct db *db, int64_t id, json_t **out, char township[16]);

/* Links a teacher record to the account (role teacher) the teacher logs
 * in with, so that the teacher sees its own aggregates. 0; ERR_INVAL
 * with e (no such teacher account); ERR_NOTFOUND (teacher); ERR_DB. */
int teacher_link_user(struct db *db, int64_t teacher_id, int64_t user_id,
                      const struct audit_who *who, struct field_error *e);
/* The same by the account's username (ERR_INVAL with e when there is no
 * such teacher account). */
int teacher_link_username(struct db *db, int64_t teacher_id,
                          const char *username, const struct audit_who *who,
                          struct field_error *e);
/* Whether a township's school may see and schedule teacher id: a county
 * teacher, an invited one of the county (no township), one of its own
 * township, or one assigned to one of its schools (SPEC.md §2.3: the
 * shared county pool plus the school's own N). Another township's own
 * pool is out of reach. 0 with *ok, or ERR_DB. */
int teacher_in_reach(struct db *db, int64_t id, const char *township,
                     bool *ok);
/* The teacher record of an account: 0 with *id, ERR_NOTFOUND, ERR_DB. */
int teacher_of_user(struct db *db, int64_t user_id, int64_t *id);

/* --- the catalog ------------------------------------------------------ */

struct course_input {
    const char *title, *module, *format, *description;
    int64_t half_hours;    /* 学时 × 2 */
    bool published;
    const int64_t *teacher_ids;
    size_t nteachers;
};
struct course_filter {
    const char *module, *q;
    bool published_only;
    int64_t teacher_id;    /* 0 = any */
};
bool course_format_valid(const char *format);
int course_create(struct db *db, const struct course_input *in,
                  bool is_demo, const struct audit_who *who, int64_t *id,
                  struct field_error *e);
/* Changes a course's fields (published too) and replaces its teachers,
 * as course_create checks them. 0; ERR_NOTFOUND; ERR_INVAL with e;
 * ERR_DB. Audited (course_update). */
int course_update(struct db *db, int64_t id, const struct course_input *in,
                  const struct audit_who *who, struct field_error *e);
/* A course as the catalog's list shows it. */
struct course_row {
    int64_t id, half_hours;
    const char *title, *module_code, *module_name, *format, *description;
    int64_t *teacher_ids; /* n_teachers of them */
    size_t n_teachers;
    bool published, voided;
};
/* A page of the courses f selects, by module then id: *rows gets *n
 * records copied into a, *total what f selects in all. 0 or ERR_DB. */
int course_page(struct db *db, struct arena *a, const struct course_filter *f,
                int64_t page, int64_t per_page, struct course_row **rows,
                size_t *n, int64_t *total);
/* How many courses f selects (the report's figure). 0 or ERR_DB. */
int course_count(struct db *db, const struct course_filter *f,
                 int64_t *total);
int course_get(struct db *db, int64_t id, json_t **out);
int course_publish(struct db *db, int64_t id, bool published,
                   const struct audit_who *who);

/*
 * test_classes.c - programs, class sessions, enrolment, attendance and
 * ratings (classes.h) on a real temporary SQLite file: what a program or
 * a session refuses and names, the seats and the waiting list, one
 * check-in and one rating per person, no voiding what was attended, a
 * grade from the exact total, and a rate shown only over enough ratings.
 * The crediting of 学时 is test_hours.c's.
 */
#include "unit.h"

#include "dbtest.h"

#include "../../src/core/err.h"
#include "../../src/domain/classes.h"
#include "../../src/domain/teaching.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOME  "371723001" /* 文亭街道: the school the sessions are at */
#define OTHER "371723002" /* 永昌街道 */

struct fx {
    struct dbt *t;
    int64_t school, other_school, room, other_room, program;
};

static int
setup(void **state)
{
    void *p;
    if (dbt_setup(&p) != 0)
        return -1;
    struct fx *f = calloc(1, sizeof(*f));
    f->t = p;
    struct field_error e;
    struct db *db = f->t->db;
    if (school_create(db, HOME, "文亭街道党校", "", &dbt_who, &f->school, &e) !=
            0 ||
        school_create(db, OTHER, "永昌街道党校", "", &dbt_who, &f->other_school,
                      &e) != 0 ||
        dbt_room(db, f->school, "教室", "classroom", 0, &f->room) != 0 ||
        dbt_room(db, f->other_school, "教室", "classroom", 0,
                 &f->other_room) != 0)
        return -1;
    struct program_input in = {"themed_class", "主题班", "2026-01-01",
                               "2026-12-31", f->school};
    if (program_create(db, &in, false, &dbt_who, &f->program, &e) != 0)
        return -1;
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;
    void *p = f->t;
    free(f);
    return dbt_teardown(&p);
}

/* A two-hour session of the program on 4 May 2026 at hh:00 (2 学时)
 * with seats, in the school's room: its id. */
static int64_t
session_at(struct fx *f, int hh, int64_t capacity, int64_t teacher)
{
    char at[32];
    snprintf(at, sizeof(at), "2026-05-04T%02d:00", hh);
    struct class_input in = {.program_id = f->program,
                             .teacher_id = teacher,
                             .room_id = f->room,
                             .starts_at = dbt_time(at),
                             .half_hours = 4,
                             .capacity = capacity};
    in.ends_at = in.starts_at + 2 * 3600;
    struct field_error e = {0};
    int64_t id = 0;
    int rc = class_create(f->t->db, &in, false, &dbt_who, &id, &e);
    if (rc != 0)
        fail_msg("class_create: %d %s", rc, e.field ? e.field : "");
    return id;
}

static int64_t
member(struct fx *f)
{
    return dbt_person(f->t, HOME, "member", NULL, NULL);
}

static int64_t
teacher(struct fx *f, const char *level, const char *township,
        const int64_t *schools, size_t nschools)
{
    struct teacher_input in = {.name = "讲师",
                               .level = level,
                               .township = township,
                               .school_ids = schools,
                               .nschools = nschools};
    struct field_error e = {0};
    int64_t id = 0;
    assert_int_equal(teacher_create(f->t->db, &in, false, &dbt_who, &id, &e),
                     0);
    return id;
}

static void
attend(struct fx *f, int64_t session, int64_t person)
{
    json_t *v = NULL;
    assert_int_equal(
        class_attend(f->t->db, session, person, "roster", 0, &dbt_who, &v), 0);
    json_decref(v);
}

/* Rates session as person with the four scores: the result code, the
 * grade into grade[16] when it succeeds. */
static int
rate(struct fx *f, int64_t session, int64_t person, int a, int b, int c, int d,
     char grade[16])
{
    const int s[4] = {a, b, c, d};
    json_t *v = NULL;
    int rc = class_evaluate(f->t->db, f->t->keys, session, person, s, 0, &v);
    if (rc == 0 && grade)
        snprintf(grade, 16, "%s",
                 json_string_value(json_object_get(v, "grade")));
    json_decref(v);
    return rc;
}

/* --- programs --------------------------------------------------------- */

static void
a_program_of_no_known_type_is_refused(void **state)
{
    struct fx *f = *state;
    struct program_input in = {"party_day", "主题党日", "2026-01-01",
                               "2026-01-31", f->school};
    struct field_error e = {0};
    int64_t id;
    assert_int_equal(program_create(f->t->db, &in, false, &dbt_who, &id, &e),
                     ERR_INVAL);
    assert_string_equal(e.field, "type");
}

static void
a_program_that_ends_before_it_starts_is_refused(void **state)
{
    struct fx *f = *state;
    struct field_error e = {0};
    int64_t id;
    struct program_input in = {"skills", "技能班", "2026-03-02", "2026-03-01",
                               f->school};
    assert_int_equal(program_create(f->t->db, &in, false, &dbt_who, &id, &e),
                     ERR_INVAL);
    assert_string_equal(e.field, "to");
    /* A date that is not one names its field too. */
    in.from = "2026-02-30";
    assert_int_equal(program_create(f->t->db, &in, false, &dbt_who, &id, &e),
                     ERR_INVAL);
    assert_string_equal(e.field, "from");
    /* A one-day program is fine. */
    in.from = in.to = "2026-03-01";
    assert_int_equal(program_create(f->t->db, &in, false, &dbt_who, &id, &e),
                     0);
}

/* --- sessions --------------------------------------------------------- */

static void
a_session_that_ends_before_it_starts_is_refused(void **state)
{
    struct fx *f = *state;
    struct class_input in = {.program_id = f->program,
                             .room_id = f->room,
                             .starts_at = dbt_time("2026-05-04T10:00"),
                             .half_hours = 2,
                             .capacity = 10};
    in.ends_at = in.starts_at;
    struct field_error e = {0};
    int64_t id;
    assert_int_equal(class_create(f->t->db, &in, false, &dbt_who, &id, &e),
                     ERR_INVAL);
    assert_string_equal(e.field, "ends_at");
    in.ends_at = in.starts_at - 3600;
    assert_int_equal(class_create(f->t->db, &in, false, &dbt_who, &id, &e),
                     ERR_INVAL);
    assert_string_equal(e.field, "ends_at");
}

static void
a_session_carries_no_more_hours_than_its_duration(void **state)
{
    struct fx *f = *state;
    struct class_input in = {.program_id = f->program,
                             .room_id = f->room,
                             .starts_at = dbt_time("2026-05-04T10:00"),
                             .capacity = 10};
    in.ends_at = in.starts_at + 2 * 3600;
    in.half_hours = 5; /* 2.5 学时 in two hours */
    struct field_error e = {0};
    int64_t id;
    assert_int_equal(class_create(f->t->db, &in, false, &dbt_who, &id, &e),
                     ERR_INVAL);
    assert_string_equal(e.field, "hours");
    in.half_hours = 4;
    assert_int_equal(class_create(f->t->db, &in, false, &dbt_who, &id, &e), 0);
}

static void
a_teacher_of_another_townships_own_pool_is_refused(void **state)
{
    struct fx *f = *state;
    int64_t theirs = teacher(f, "township", OTHER, NULL, 0);
    struct class_input in = {.program_id = f->program,
                             .room_id = f->room,
                             .teacher_id = theirs,
                             .starts_at = dbt_time("2026-05-04T10:00"),
                             .half_hours = 4,
                             .capacity = 10};
    in.ends_at = in.starts_at + 2 * 3600;
    struct field_error e = {0};
    int64_t id;
    assert_int_equal(class_create(f->t->db, &in, false, &dbt_who, &id, &e),
                     ERR_INVAL);
    assert_string_equal(e.field, "teacher_id");
    assert_int_equal(dbt_int(f->t, "SELECT COUNT(*) FROM class_sessions"), 0);
}

static void
the_county_pool_and_those_serving_the_school_may_teach(void **state)
{
    struct fx *f = *state;
    /* A county teacher, an invited one, one of this township's own, and
     * one of the other township's who serves this school. */
    int64_t who[4] = {teacher(f, "county", NULL, NULL, 0),
                      teacher(f, "invited", NULL, NULL, 0),
                      teacher(f, "township", HOME, NULL, 0),
                      teacher(f, "township", OTHER, &f->school, 1)};
    for (int i = 0; i < 4; i++)
        assert_true(session_at(f, 8 + 2 * i, 10, who[i]) > 0);
    /* A teacher that does not exist is named as such. */
    struct class_input in = {.program_id = f->program,
                             .room_id = f->room,
                             .teacher_id = 999,
                             .starts_at = dbt_time("2026-05-05T10:00"),
                             .half_hours = 4,
                             .capacity = 10};
    in.ends_at = in.starts_at + 2 * 3600;
    struct field_error e = {0};
    int64_t id;
    assert_int_equal(class_create(f->t->db, &in, false, &dbt_who, &id, &e),
                     ERR_INVAL);
    assert_string_equal(e.field, "teacher_id");
}

static void
a_session_is_in_a_room_of_its_school_or_a_named_place(void **state)
{
    struct fx *f = *state;
    struct class_input in = {.program_id = f->program,
                             .room_id = f->other_room,
                             .starts_at = dbt_time("2026-05-04T10:00"),
                             .half_hours = 4,
                             .capacity = 10};
    in.ends_at = in.starts_at + 2 * 3600;
    struct field_error e = {0};
    int64_t id;
    assert_int_equal(class_create(f->t->db, &in, false, &dbt_who, &id, &e),
                     ERR_INVAL);
    assert_string_equal(e.field, "room_id");
    in.room_id = 0;
    assert_int_equal(class_create(f->t->db, &in, false, &dbt_who, &id, &e),
                     ERR_INVAL);
    assert_string_equal(e.field, "place");
    in.place = "村委会大院";
    assert_int_equal(class_create(f->t->db, &in, false, &dbt_who, &id, &e), 0);
}

static void
an_unpublished_course_cannot_be_scheduled(void **state)
{
    struct fx *f = *state;
    struct course_input c = {.title = "党章",
                             .module = "politics",
                             .format = "lecture",
                             .half_hours = 4};
    struct field_error e = {0};
    int64_t course, id;
    assert_int_equal(course_create(f->t->db, &c, false, &dbt_who, &course, &e),
                     0);
    struct class_input in = {.program_id = f->program,
                             .room_id = f->room,
                             .course_id = course,
                             .starts_at = dbt_time("2026-05-04T10:00"),
                             .half_hours = 4,
                             .capacity = 10};
    in.ends_at = in.starts_at + 2 * 3600;
    assert_int_equal(class_create(f->t->db, &in, false, &dbt_who, &id, &e),
                     ERR_INVAL);
    assert_string_equal(e.field, "course_id");
    assert_int_equal(course_publish(f->t->db, course, true, &dbt_who), 0);
    assert_int_equal(class_create(f->t->db, &in, false, &dbt_who, &id, &e), 0);
}

/* --- enrolment -------------------------------------------------------- */

static void
a_full_session_refuses_unless_waiting_is_asked(void **state)
{
    struct fx *f = *state;
    int64_t s = session_at(f, 9, 2, 0);
    const char *status = NULL;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(
            class_enroll(f->t->db, s, member(f), false, &dbt_who, &status), 0);
        assert_string_equal(status, "enrolled");
    }
    int64_t third = member(f);
    assert_int_equal(class_enroll(f->t->db, s, third, false, &dbt_who, &status),
                     ERR_RANGE);
    assert_int_equal(class_enroll(f->t->db, s, third, true, &dbt_who, &status),
                     0);
    assert_string_equal(status, "waiting");
    json_t *c;
    char tw[16];
    assert_int_equal(class_get(f->t->db, s, &c, tw), 0);
    assert_int_equal(json_integer_value(json_object_get(c, "enrolled")), 2);
    assert_int_equal(json_integer_value(json_object_get(c, "waiting")), 1);
    assert_string_equal(tw, HOME);
    json_decref(c);
}

static void
enrolling_twice_is_a_conflict(void **state)
{
    struct fx *f = *state;
    int64_t s = session_at(f, 9, 1, 0), p = member(f), q = member(f);
    const char *status;
    assert_int_equal(class_enroll(f->t->db, s, p, false, &dbt_who, &status), 0);
    assert_int_equal(class_enroll(f->t->db, s, p, true, &dbt_who, &status),
                     ERR_CONFLICT);
    /* Waiting counts as being on the list. */
    assert_int_equal(class_enroll(f->t->db, s, q, true, &dbt_who, &status), 0);
    assert_int_equal(class_enroll(f->t->db, s, q, true, &dbt_who, &status),
                     ERR_CONFLICT);
    assert_int_equal(dbt_int(f->t, "SELECT COUNT(*) FROM enrollments"), 2);
}

static void
the_roster_lists_the_enrolled_and_who_attended(void **state)
{
    struct fx *f = *state;
    int64_t s = session_at(f, 9, 5, 0), p = member(f), q = member(f);
    const char *status;
    assert_int_equal(class_enroll(f->t->db, s, p, false, &dbt_who, &status), 0);
    assert_int_equal(class_enroll(f->t->db, s, q, false, &dbt_who, &status), 0);
    attend(f, s, q);
    json_t *items = json_array();
    assert_int_equal(class_roster(f->t->db, s, items), 0);
    assert_int_equal(json_array_size(items), 2);
    size_t i;
    json_t *v;
    json_array_foreach(items, i, v)
    {
        bool came = json_integer_value(json_object_get(v, "person_id")) == q;
        assert_int_equal(json_is_true(json_object_get(v, "attended")), came);
    }
    json_decref(items);
}

/* A session's enrolled, waiting and attended counts are kept on the
 * session by triggers (migration 17): they follow enrolment, check-in
 * and writes by hand, and the list shows them. */
static void
the_session_counts_follow_every_write(void **state)
{
    struct fx *f = *state;
    int64_t s = session_at(f, 9, 1, 0), p = member(f), q = member(f);
    const char *status;
    struct class_filter cf = {.program_id = f->program,
                              .from = INT64_MIN / 2,
                              .to = INT64_MAX / 2};
    struct arena a;
    arena_init(&a, 0);
    struct class_row *rows;
    size_t n;
    int64_t total;
#define COUNTS(e, w, at)                                                      \
    do {                                                                      \
        assert_int_equal(                                                     \
            class_page(f->t->db, &a, &cf, 1, 5, &rows, &n, &total), 0);      \
        assert_int_equal(n, 1);                                               \
        assert_int_equal(rows[0].enrolled, (e));                              \
        assert_int_equal(rows[0].waiting, (w));                               \
        assert_int_equal(rows[0].attended, (at));                             \
    } while (0)
    COUNTS(0, 0, 0);
    assert_int_equal(class_enroll(f->t->db, s, p, false, &dbt_who, &status), 0);
    assert_int_equal(class_enroll(f->t->db, s, q, true, &dbt_who, &status), 0);
    assert_string_equal(status, "waiting");
    COUNTS(1, 1, 0);
    attend(f, s, p);
    COUNTS(1, 1, 1);
    dbt_exec(f->t, "UPDATE enrollments SET status = 'enrolled' "
                   "WHERE person_id = %lld", (long long)q);
    COUNTS(2, 0, 1);
    dbt_exec(f->t, "DELETE FROM attendance WHERE person_id = %lld",
             (long long)p);
    dbt_exec(f->t, "DELETE FROM enrollments WHERE person_id = %lld",
             (long long)p);
    COUNTS(1, 0, 0);
#undef COUNTS
    assert_int_equal(total, 1);
    assert_int_equal(rows[0].id, s);
    arena_cleanup(&a);
}

/* --- attendance and voiding ------------------------------------------- */

static void
a_second_check_in_is_a_conflict(void **state)
{
    struct fx *f = *state;
    int64_t s = session_at(f, 9, 10, 0), p = member(f);
    attend(f, s, p);
    json_t *v = NULL;
    assert_int_equal(class_attend(f->t->db, s, p, "qr", 0, &dbt_who, &v),
                     ERR_CONFLICT);
    assert_null(v);
    assert_int_equal(dbt_int(f->t, "SELECT COUNT(*) FROM attendance"), 1);
    bool yes;
    assert_int_equal(class_attended(f->t->db, s, p, &yes), 0);
    assert_true(yes);
}

/* The session list's person-times and persons are kept between lists
 * only while no check-in (or any other write to attendance) has been
 * made since: each new one, in the township or not, is counted at once,
 * and another database never reads this one's. */
static void
list_totals_follow_every_check_in(void **state)
{
    struct fx *f = *state;
    int64_t s = session_at(f, 9, 10, 0), p = member(f), q = member(f);
    struct class_filter county = {.from = INT64_MIN / 2, .to = INT64_MAX / 2};
    struct class_filter home = county, other = county;
    home.township = HOME;
    other.township = OTHER;
    int64_t times, persons;
    for (int round = 0; round < 2; round++) { /* computed, then kept */
        assert_int_equal(class_totals(f->t->db, &county, &times, &persons),
                         0);
        assert_int_equal(times, 0);
        assert_int_equal(persons, 0);
    }
    attend(f, s, p);
    assert_int_equal(class_totals(f->t->db, &county, &times, &persons), 0);
    assert_int_equal(times, 1);
    assert_int_equal(class_totals(f->t->db, &home, &times, &persons), 0);
    assert_int_equal(times, 1);
    assert_int_equal(class_totals(f->t->db, &other, &times, &persons), 0);
    assert_int_equal(times, 0);
    attend(f, s, q);
    assert_int_equal(class_totals(f->t->db, &county, &times, &persons), 0);
    assert_int_equal(times, 2);
    assert_int_equal(persons, 2);
    /* A write by hand moves the version on as well. */
    assert_int_equal(class_totals(f->t->db, &home, &times, &persons), 0);
    assert_int_equal(times, 2); /* kept now */
    dbt_exec(f->t, "DELETE FROM attendance WHERE person_id = %lld",
             (long long)q);
    assert_int_equal(class_totals(f->t->db, &home, &times, &persons), 0);
    assert_int_equal(times, 1);
    assert_int_equal(persons, 1);
    /* A fresh database with the same filter starts from its own. */
    void *p2;
    assert_int_equal(dbt_setup(&p2), 0);
    struct dbt *t2 = p2;
    assert_int_equal(class_totals(t2->db, &county, &times, &persons), 0);
    assert_int_equal(times, 0);
    assert_int_equal(dbt_teardown(&p2), 0);
}

static void
checking_in_no_such_person_or_session_is_not_found(void **state)
{
    struct fx *f = *state;
    int64_t s = session_at(f, 9, 10, 0);
    json_t *v = NULL;
    assert_int_equal(class_attend(f->t->db, s, 999, "roster", 0, &dbt_who, &v),
                     ERR_NOTFOUND);
    assert_int_equal(
        class_attend(f->t->db, 999, member(f), "roster", 0, &dbt_who, &v),
        ERR_NOTFOUND);
    assert_int_equal(dbt_int(f->t, "SELECT COUNT(*) FROM attendance"), 0);
}

static void
a_session_with_attendance_cannot_be_voided(void **state)
{
    struct fx *f = *state;
    int64_t s = session_at(f, 9, 10, 0);
    attend(f, s, member(f));
    assert_int_equal(class_void(f->t->db, s, "下雨", &dbt_who), ERR_CONFLICT);
    assert_int_equal(dbt_int(f->t, "SELECT COUNT(*) FROM class_sessions "
                                   "WHERE voided_at IS NULL"),
                     1);
    assert_int_equal(dbt_int(f->t, "SELECT COUNT(*) FROM attendance"), 1);
}

static void
a_voided_session_leaves_the_list_and_closes_check_in(void **state)
{
    struct fx *f = *state;
    int64_t s = session_at(f, 9, 10, 0);
    assert_int_equal(class_void(f->t->db, s, "讲师生病", &dbt_who), 0);
    assert_int_equal(class_void(f->t->db, s, "again", &dbt_who), ERR_NOTFOUND);
    struct class_filter cf = {.from = 0, .to = INT64_MAX};
    struct arena a;
    arena_init(&a, 0);
    struct class_row *rows;
    size_t n = 99;
    int64_t total = -1;
    assert_int_equal(class_page(f->t->db, &a, &cf, 1, 20, &rows, &n, &total),
                     0);
    assert_int_equal(total, 0);
    assert_int_equal(n, 0);
    arena_cleanup(&a);
    json_t *v = NULL;
    assert_int_equal(
        class_attend(f->t->db, s, member(f), "qr", 0, &dbt_who, &v),
        ERR_NOTFOUND);
    const char *status;
    assert_int_equal(
        class_enroll(f->t->db, s, member(f), true, &dbt_who, &status),
        ERR_NOTFOUND);
}

static void
the_session_list_filters_and_its_total_counts_them(void **state)
{
    struct fx *f = *state;
    int64_t t = teacher(f, "county", NULL, NULL, 0);
    session_at(f, 8, 10, t);
    int64_t b = session_at(f, 10, 10, 0);
    session_at(f, 12, 10, t);
    struct {
        struct class_filter cf;
        int64_t n;
    } cases[] = {
        {{.from = 0, .to = INT64_MAX}, 3},
        {{.teacher_id = t, .from = 0, .to = INT64_MAX}, 2},
        {{.program_id = f->program, .from = 0, .to = INT64_MAX}, 3},
        {{.school_id = f->other_school, .from = 0, .to = INT64_MAX}, 0},
        {{.township = HOME, .type = "themed_class", .from = 0, .to = INT64_MAX},
         3},
        {{.type = "skills", .from = 0, .to = INT64_MAX}, 0},
        /* [from, to): a session starting at to is not in it */
        {{.from = dbt_time("2026-05-04T10:00"),
          .to = dbt_time("2026-05-04T12:00")},
         1},
    };
    struct arena a;
    arena_init(&a, 0);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct class_row *rows;
        size_t n = 99;
        int64_t total = -1;
        assert_int_equal(class_page(f->t->db, &a, &cases[i].cf, 1, 50, &rows,
                                    &n, &total),
                         0);
        assert_int_equal(total, cases[i].n);
        assert_int_equal(n, (size_t)cases[i].n);
        /* a page shorter than its total: the count is not the page's */
        assert_int_equal(class_page(f->t->db, &a, &cases[i].cf, 1, 1, &rows,
                                    &n, &total),
                         0);
        assert_int_equal(total, cases[i].n);
        assert_int_equal(n, cases[i].n ? 1 : 0);
    }
    arena_cleanup(&a);
    /* A person's schedule: what it is enrolled in that has not ended. */
    int64_t p = member(f);
    const char *status;
    assert_int_equal(class_enroll(f->t->db, b, p, false, &dbt_who, &status), 0);
    json_t *mine = json_array();
    assert_int_equal(class_mine(f->t->db, p, 0, mine), 0);
    assert_int_equal(json_array_size(mine), 1);
    json_array_clear(mine);
    assert_int_equal(
        class_mine(f->t->db, p, dbt_time("2026-05-04T13:00"), mine), 0);
    assert_int_equal(json_array_size(mine), 0);
    json_decref(mine);
}

/* --- ratings ---------------------------------------------------------- */

static void
only_an_attendee_may_rate(void **state)
{
    struct fx *f = *state;
    int64_t s = session_at(f, 9, 10, teacher(f, "county", NULL, NULL, 0));
    int64_t p = member(f);
    const char *status;
    /* Enrolled is not enough. */
    assert_int_equal(class_enroll(f->t->db, s, p, false, &dbt_who, &status), 0);
    assert_int_equal(rate(f, s, p, 90, 90, 90, 90, NULL), ERR_DENIED);
    assert_int_equal(dbt_int(f->t, "SELECT COUNT(*) FROM evaluations"), 0);
    attend(f, s, p);
    assert_int_equal(rate(f, s, p, 90, 90, 90, 90, NULL), 0);
}

static void
a_second_rating_is_a_conflict(void **state)
{
    struct fx *f = *state;
    int64_t s = session_at(f, 9, 10, teacher(f, "county", NULL, NULL, 0));
    int64_t p = member(f);
    attend(f, s, p);
    assert_int_equal(rate(f, s, p, 80, 80, 80, 80, NULL), 0);
    assert_int_equal(rate(f, s, p, 100, 100, 100, 100, NULL), ERR_CONFLICT);
    assert_int_equal(dbt_int(f->t, "SELECT COUNT(*) FROM evaluations"), 1);
    /* The rater is kept as a hash, never as the person's id. */
    assert_int_equal(dbt_int(f->t,
                             "SELECT COUNT(*) FROM evaluations WHERE "
                             "rater_hash = '%lld' OR rater_person = "
                             "'%lld'",
                             (long long)p, (long long)p),
                     0);
}

static void
a_total_of_89_95_is_good_not_excellent(void **state)
{
    struct fx *f = *state;
    int64_t s = session_at(f, 9, 10, teacher(f, "county", NULL, NULL, 0));
    int64_t p = member(f), q = member(f);
    attend(f, s, p);
    attend(f, s, q);
    /* 30·90 + 25·90 + 25·89 + 20·91 = 8995: 89.95, graded exactly. */
    const int sc[4] = {90, 90, 89, 91};
    json_t *v = NULL;
    assert_int_equal(class_evaluate(f->t->db, f->t->keys, s, p, sc, 0, &v), 0);
    assert_string_equal(json_string_value(json_object_get(v, "grade")), "good");
    assert_float_equal(json_real_value(json_object_get(v, "total")), 89.95,
                       1e-9);
    json_decref(v);
    assert_int_equal(dbt_int(f->t, "SELECT total_hundredths FROM "
                                   "evaluations"),
                     8995);
    /* A total of exactly 90 is excellent. */
    char grade[16];
    assert_int_equal(rate(f, s, q, 90, 90, 90, 90, grade), 0);
    assert_string_equal(grade, "excellent");
}

static void
grades_follow_the_years_thresholds(void **state)
{
    struct fx *f = *state;
    int64_t s = session_at(f, 9, 10, teacher(f, "county", NULL, NULL, 0));
    /* 80 good, 79.95 pass, 60 pass, 59.95 fail (the 2019 rule). */
    static const struct {
        int sc[4];
        const char *grade;
    } cases[] = {{{80, 80, 80, 80}, "good"},
                 {{80, 80, 79, 81}, "pass"},
                 {{60, 60, 60, 60}, "pass"},
                 {{60, 60, 59, 61}, "fail"}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t p = member(f);
        attend(f, s, p);
        char grade[16];
        assert_int_equal(rate(f, s, p, cases[i].sc[0], cases[i].sc[1],
                              cases[i].sc[2], cases[i].sc[3], grade),
                         0);
        assert_string_equal(grade, cases[i].grade);
    }
}

/* n new attendees of a new session of teacher_id at hh:00 each rate it
 * with all four scores equal to score. */
static void
ratings(struct fx *f, int hh, int64_t teacher_id, int n, int score)
{
    int64_t s = session_at(f, hh, 50, teacher_id);
    for (int i = 0; i < n; i++) {
        int64_t p = member(f);
        attend(f, s, p);
        assert_int_equal(rate(f, s, p, score, score, score, score, NULL), 0);
    }
}

static void
the_excellence_rate_is_null_under_ten_ratings(void **state)
{
    struct fx *f = *state;
    int64_t t = teacher(f, "county", NULL, NULL, 0);
    ratings(f, 8, t, 6, 95);
    ratings(f, 10, t, 3, 70);
    struct rating v;
    assert_int_equal(rating_summary(f->t->db, RATING_OF_TEACHER, t, &v), 0);
    assert_int_equal(v.n, 9);
    assert_int_equal(v.excellent, 6);
    assert_false(v.has_rate);
    assert_true(v.too_few);
    /* The tenth rating shows the rate: 6 of 10. */
    ratings(f, 12, t, 1, 70);
    assert_int_equal(rating_summary(f->t->db, RATING_OF_TEACHER, t, &v), 0);
    assert_true(v.has_rate);
    assert_float_equal(v.rate,
                       0.6, 1e-9);
    assert_false(v.too_few);
}

static void
a_teacher_with_few_ratings_is_shrunk_toward_the_overall_mean(void **state)
{
    struct fx *f = *state;
    int64_t many = teacher(f, "county", NULL, NULL, 0);
    int64_t one = teacher(f, "county", NULL, NULL, 0);
    ratings(f, 8, many, 20, 80);
    ratings(f, 10, one, 1, 100);
    /* The overall mean of the 21 ratings; m = 10 (the 2019 rule). */
    double prior = (20 * 80.0 + 100.0) / 21;
    struct rating v;
    assert_int_equal(rating_summary(f->t->db, RATING_OF_TEACHER, one, &v), 0);
    assert_float_equal(v.mean, 100.0,
                       1e-9);
    double ranked = v.ranked_mean;
    assert_float_equal(ranked, (1 * 100.0 + 10 * prior) / 11, 1e-9);
    /* One perfect rating does not put it far above the teacher with
     * twenty: it stays within a few points of the overall mean. */
    assert_true(ranked < prior + 2);
    assert_int_equal(rating_summary(f->t->db, RATING_OF_TEACHER, many, &v), 0);
    assert_float_equal(v.ranked_mean,
                       (20 * 80.0 + 10 * prior) / 30, 1e-9);
    /* Nobody rated: no mean, and the prior as the ranked mean. */
    int64_t none = teacher(f, "county", NULL, NULL, 0);
    assert_int_equal(rating_summary(f->t->db, RATING_OF_TEACHER, none, &v), 0);
    assert_false(v.has_mean);
    assert_float_equal(v.ranked_mean,
                       prior, 1e-9);
}

/* A teacher's and a course's all-time totals, and the county's, are
 * kept by triggers (migration 19): they follow every rating, and a
 * write by hand as well. */
static void
rating_totals_follow_every_write(void **state)
{
    struct fx *f = *state;
    int64_t t = teacher(f, "county", NULL, NULL, 0);
    ratings(f, 8, t, 3, 80);
    struct rating v;
    assert_int_equal(rating_summary(f->t->db, RATING_OF_TEACHER, t, &v), 0);
    assert_int_equal(v.n, 3);
    assert_float_equal(v.mean, 80.0,
                       1e-9);
    int64_t id = dbt_int(f->t, "SELECT MIN(id) FROM evaluations");
    dbt_exec(f->t, "UPDATE evaluations SET total_hundredths = 5000 "
                   "WHERE id = %lld", (long long)id);
    assert_int_equal(rating_summary(f->t->db, RATING_OF_TEACHER, t, &v), 0);
    assert_float_equal(v.mean,
                       (80.0 * 2 + 50.0) / 3, 1e-9);
    dbt_exec(f->t, "DELETE FROM evaluations WHERE id = %lld", (long long)id);
    assert_int_equal(rating_summary(f->t->db, RATING_OF_TEACHER, t, &v), 0);
    assert_int_equal(v.n, 2);
    assert_float_equal(v.mean, 80.0,
                       1e-9);
    /* the county's, the ranking's prior, is the sum of every one */
    assert_int_equal(
        dbt_int(f->t,
                "SELECT SUM(n) FROM rating_totals WHERE subject = 'teacher'"),
        dbt_int(f->t, "SELECT COUNT(*) FROM evaluations"));
    assert_int_equal(
        dbt_int(f->t, "SELECT SUM(total) FROM rating_totals "
                      "WHERE subject = 'teacher'"),
        dbt_int(f->t, "SELECT SUM(total_hundredths) FROM evaluations"));
}

/* --- plans ------------------------------------------------------------ */

static void
a_plan_counts_held_beside_planned(void **state)
{
    struct fx *f = *state;
    struct plan_batch b[2] = {
        {1, 2, 40, "themed_class", "2026-05-01", "2026-05-31"},
        {2, 1, 20, "themed_class", "2026-06-01", "2026-06-30"}};
    struct field_error e = {0};
    int64_t plan, again;
    assert_int_equal(plan_create(f->t->db, f->school, 2026, "年度计划", b, 2,
                                 &dbt_who, &plan, &e),
                     0);
    assert_int_equal(plan_create(f->t->db, f->school, 2026, "again", b, 1,
                                 &dbt_who, &again, &e),
                     ERR_CONFLICT);
    struct plan_batch late = {1,           1, 1, "themed_class", "2027-01-01",
                              "2027-01-02"};
    assert_int_equal(plan_create(f->t->db, f->school, 2026, "x", &late, 1,
                                 &dbt_who, &again, &e),
                     ERR_INVAL);
    assert_string_equal(e.field, "batches");
    session_at(f, 9, 10, 0); /* 4 May: the first batch */
    json_t *v;
    assert_int_equal(plan_get(f->t->db, plan, &v), 0);
    json_t *bs = json_object_get(v, "batches");
    assert_int_equal(json_array_size(bs), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(bs, 0),
                                                        "held_sessions")),
                     1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(bs, 1),
                                                        "held_sessions")),
                     0);
    json_decref(v);
    /* The persons trained are kept between reads; each check-in, and a
     * write by hand, shows on the next. */
    int64_t s = dbt_int(f->t, "SELECT MAX(id) FROM class_sessions");
    int64_t p1 = member(f), p2 = member(f);
    const struct {
        int64_t person;
        const char *sql;
        int64_t held;
    } steps[] = {
        {0, NULL, 0}, {p1, NULL, 1}, {p2, NULL, 2},
        {0, "DELETE FROM attendance WHERE person_id = %lld", 1},
    };
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        if (steps[i].person)
            attend(f, s, steps[i].person);
        if (steps[i].sql)
            dbt_exec(f->t, steps[i].sql, (long long)p1);
        for (int twice = 0; twice < 2; twice++) {
            assert_int_equal(plan_get(f->t->db, plan, &v), 0);
            bs = json_object_get(v, "batches");
            assert_int_equal(
                json_integer_value(json_object_get(json_array_get(bs, 0),
                                                   "held_persons")),
                steps[i].held);
            json_decref(v);
        }
    }
}

/* --- defects these tests found, fixed ---------------------------------- */

/* classes.h promises ERR_NOTFOUND (person) from class_enroll (the insert
 * used to fail on the people foreign key, as ERR_DB). */
static void
enrolling_no_such_person_is_not_found(void **state)
{
    struct fx *f = *state;
    int64_t s = session_at(f, 9, 10, 0);
    const char *status;
    assert_int_equal(class_enroll(f->t->db, s, 999, true, &dbt_who, &status),
                     ERR_NOTFOUND);
}

/* A voided person is off the roster (hours_person says ERR_NOTFOUND), so
 * class_enroll and class_attend refuse it (they credited hours to a
 * record no list shows). */
static void
a_voided_person_is_neither_enrolled_nor_checked_in(void **state)
{
    struct fx *f = *state;
    int64_t s = session_at(f, 9, 10, 0), p = member(f);
    dbt_exec(f->t,
             "UPDATE people SET voided_at = 1, void_reason = '重复' "
             "WHERE id = %lld",
             (long long)p);
    json_t *h = NULL;
    assert_int_equal(hours_person(f->t->db, p, 2026, &h), ERR_NOTFOUND);
    const char *status;
    assert_int_equal(class_enroll(f->t->db, s, p, true, &dbt_who, &status),
                     ERR_NOTFOUND);
    json_t *v = NULL;
    assert_int_equal(class_attend(f->t->db, s, p, "roster", 0, &dbt_who, &v),
                     ERR_NOTFOUND);
    json_decref(v);
}

/* A batch lies within the plan's year, its end too ("批次应在计划年度之
 * 内"): a 2026 batch running to February 2027 would count 2027 sessions
 * as held in the 2026 plan. */
static void
a_plans_batch_ends_within_its_year(void **state)
{
    struct fx *f = *state;
    struct plan_batch b = {1,           1, 10, "themed_class", "2026-12-01",
                           "2027-02-01"};
    struct field_error e = {0};
    int64_t id;
    assert_int_equal(plan_create(f->t->db, f->school, 2026, "跨年", &b, 1,
                                 &dbt_who, &id, &e),
                     ERR_INVAL);
    assert_string_equal(e.field, "batches");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(list_totals_follow_every_check_in, setup,
                                    teardown),
    T(a_program_of_no_known_type_is_refused),
    T(a_program_that_ends_before_it_starts_is_refused),
    T(a_session_that_ends_before_it_starts_is_refused),
    T(a_session_carries_no_more_hours_than_its_duration),
    T(a_teacher_of_another_townships_own_pool_is_refused),
    T(the_county_pool_and_those_serving_the_school_may_teach),
    T(a_session_is_in_a_room_of_its_school_or_a_named_place),
    T(an_unpublished_course_cannot_be_scheduled),
    T(a_full_session_refuses_unless_waiting_is_asked),
    T(enrolling_twice_is_a_conflict),
    T(the_roster_lists_the_enrolled_and_who_attended),
    T(the_session_counts_follow_every_write),
    T(a_second_check_in_is_a_conflict),
    T(checking_in_no_such_person_or_session_is_not_found),
    T(a_session_with_attendance_cannot_be_voided),
    T(a_voided_session_leaves_the_list_and_closes_check_in),
    T(the_session_list_filters_and_its_total_counts_them),
    T(only_an_attendee_may_rate),
    T(a_second_rating_is_a_conflict),
    T(a_total_of_89_95_is_good_not_excellent),
    T(grades_follow_the_years_thresholds),
    T(the_excellence_rate_is_null_under_ten_ratings),
    T(a_teacher_with_few_ratings_is_shrunk_toward_the_overall_mean),
    T(rating_totals_follow_every_write),
    T(a_plan_counts_held_beside_planned),
    T(enrolling_no_such_person_is_not_found),
    T(a_voided_person_is_neither_enrolled_nor_checked_in),
    T(a_plans_batch_ends_within_its_year),
};
#undef T

UNIT_GROUP(classes_group, "classes", tests);

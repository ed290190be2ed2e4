/*
 * test_hours.c - study hours as records credit them, on a real temporary
 * SQLite file: a person's day is credited in order of session start
 * whatever the order of check-in (an attendance written later for an
 * earlier session takes its hours first), the daily cap is read from the
 * dated rule of the session's year, and a session's 学时 cannot exceed
 * its length.
 */
#include "unit.h"

#include "dbtest.h"

#include "../../src/core/err.h"
#include "../../src/db/db.h"
#include "../../src/domain/classes.h"
#include "../../src/domain/kind.h"
#include "../../src/domain/rules.h"
#include "../../src/domain/teaching.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fixture {
    char path[64];
    struct db *db;
    int64_t program, room, people[3];
};

static const struct audit_who who = {0, "tester", "county_admin",
                                     "127.0.0.1", "cli"};

/* Runs sql on the file directly: the fixture's people and rules. */
static void
raw(struct fixture *f, const char *sql)
{
    sqlite3 *h;
    assert_int_equal(sqlite3_open(f->path, &h), SQLITE_OK);
    char *err = NULL;
    if (sqlite3_exec(h, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s: %s", sql, err);
    sqlite3_close(h);
}

static int64_t
raw_int(struct fixture *f, const char *sql)
{
    sqlite3 *h;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(f->path, &h), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return v;
}

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    snprintf(f->path, sizeof(f->path), "/tmp/dxhoursXXXXXX");
    int fd = mkstemp(f->path);
    close(fd);
    char err[256];
    if (kinds_init() != 0 ||
        db_open(f->path, &f->db, err, sizeof(err)) != 0 ||
        db_migrate(f->db) != 0) {
        fprintf(stderr, "setup: %s\n", err);
        return -1;
    }
    struct field_error e;
    int64_t school;
    if (school_create(f->db, "371723001", "文亭街道党校", "", &who, &school,
                      &e) != 0 ||
        dbt_room(f->db, school, "教室", "classroom", 0, &f->room) != 0)
        return -1;
    struct program_input p = {"themed_class", "测试班", "2026-01-01",
                              "2030-12-31", school};
    if (program_create(f->db, &p, false, &who, &f->program, &e) != 0)
        return -1;
    for (int i = 0; i < 3; i++) {
        char sql[512];
        snprintf(sql, sizeof(sql),
                 "INSERT INTO people(name, gender, birth_date, "
                 "id_number_enc, id_number_hash, id_number_last4, "
                 "id_number_masked, political_status, township_code, "
                 "name_pinyin, name_initials, sort_pinyin, sort_strokes, "
                 "created_at, updated_at) VALUES ('甲%d', 'M', "
                 "'1970-01-01', 'x', 'h%d', '0000', 'm', 'member', "
                 "'371723001', 'jia', 'j', 'j', 'j', 0, 0)",
                 i, i);
        raw(f, sql);
        f->people[i] = raw_int(f, "SELECT MAX(id) FROM people");
    }
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    db_close(f->db);
    char p[80];
    unlink(f->path);
    snprintf(p, sizeof(p), "%s-wal", f->path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", f->path);
    unlink(p);
    free(f);
    return 0;
}

/* A session on day (China time) from hh:00 for len hours, carrying
 * halves; 0 with *id or the error, e filled. */
static int
session(struct fixture *f, const char *day, int hh, int len, int64_t halves,
        int64_t *id, struct field_error *e)
{
    char t[32];
    snprintf(t, sizeof(t), "%sT%02d:00", day, hh);
    struct class_input in = {.program_id = f->program, .room_id = f->room,
                             .half_hours = halves, .capacity = 50};
    assert_int_equal(rules_parse_time(t, &in.starts_at), 0);
    in.ends_at = in.starts_at + (int64_t)len * 3600;
    return class_create(f->db, &in, false, &who, id, e);
}

static int64_t
minutes_of(struct fixture *f, int64_t session_id, int64_t person)
{
    char sql[160];
    snprintf(sql, sizeof(sql),
             "SELECT minutes FROM attendance WHERE session_id = %lld "
             "AND person_id = %lld",
             (long long)session_id, (long long)person);
    return raw_int(f, sql);
}

static void
attend(struct fixture *f, int64_t session_id, int64_t person)
{
    json_t *v = NULL;
    assert_int_equal(class_attend(f->db, session_id, person, "roster", 0,
                                  &who, &v),
                     0);
    json_decref(v);
}

static void
check_in_order_does_not_decide_who_loses_hours(void **state)
{
    struct fixture *f = *state;
    struct field_error e;
    int64_t morning, day, evening;
    /* 4 May: 08:00-10:00 (2 学时), 10:00-19:00 (8), 19:00-21:00 (2). */
    assert_int_equal(session(f, "2026-05-04", 8, 2, 4, &morning, &e), 0);
    assert_int_equal(session(f, "2026-05-04", 10, 9, 16, &day, &e), 0);
    assert_int_equal(session(f, "2026-05-04", 19, 2, 4, &evening, &e), 0);
    /* Person 0 checks in in order of start, person 1 backwards, person 2
     * evening, morning, day: each is credited alike, by start. */
    const int64_t order[3][3] = {{morning, day, evening},
                                 {evening, day, morning},
                                 {evening, morning, day}};
    for (int p = 0; p < 3; p++) {
        for (int k = 0; k < 3; k++)
            attend(f, order[p][k], f->people[p]);
        assert_int_equal(minutes_of(f, morning, f->people[p]), 120);
        assert_int_equal(minutes_of(f, day, f->people[p]), 360);
        assert_int_equal(minutes_of(f, evening, f->people[p]), 0);
        json_t *h;
        assert_int_equal(hours_person(f->db, f->people[p], 2026, &h), 0);
        assert_int_equal(json_integer_value(json_object_get(
                             h, "concentrated_minutes")),
                         480);
        assert_string_equal(json_string_value(json_object_get(h, "rule")),
                            "hour60-cap8");
        json_decref(h);
    }
    /* A second attendance of the same session is refused, and changes
     * nothing. */
    json_t *v = NULL;
    assert_int_equal(class_attend(f->db, day, f->people[1], "roster", 0,
                                  &who, &v),
                     ERR_CONFLICT);
    assert_int_equal(minutes_of(f, day, f->people[1]), 360);
}

/* A person's year is kept by triggers (migration 20): it follows each
 * check-in, the day's re-crediting and writes by hand, and a year left
 * with no attendance goes. */
static void
a_persons_year_follows_every_write_to_attendance(void **state)
{
    struct fixture *f = *state;
    struct field_error e;
    int64_t a, b;
    assert_int_equal(session(f, "2026-05-04", 8, 2, 4, &a, &e), 0);
    assert_int_equal(session(f, "2026-05-05", 8, 3, 6, &b, &e), 0);
    attend(f, a, f->people[0]);
    attend(f, b, f->people[0]);
    const char *year_sql = "SELECT minutes FROM person_hours WHERE year = 2026";
    assert_int_equal(raw_int(f, year_sql), 120 + 180);
    assert_int_equal(raw_int(f, "SELECT n FROM person_hours"), 2);
    raw(f, "UPDATE attendance SET minutes = 30 WHERE minutes = 120");
    assert_int_equal(raw_int(f, year_sql), 30 + 180);
    raw(f, "DELETE FROM attendance WHERE minutes = 30");
    assert_int_equal(raw_int(f, year_sql), 180);
    json_t *h;
    assert_int_equal(hours_person(f->db, f->people[0], 2026, &h), 0);
    assert_int_equal(
        json_integer_value(json_object_get(h, "concentrated_minutes")), 180);
    json_decref(h);
    raw(f, "DELETE FROM attendance");
    assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM person_hours"), 0);
    assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM person_classes"), 0);
}

static void
the_daily_cap_is_the_dated_rule_of_the_year(void **state)
{
    struct fixture *f = *state;
    /* From 2030 the county counts 10 学时 a day. */
    raw(f, "INSERT INTO hour_rules VALUES (2030, 'hour60-cap10', 600, 180,"
           " 360)");
    struct field_error e;
    int64_t a, b, c, d;
    assert_int_equal(session(f, "2029-06-01", 8, 9, 16, &a, &e), 0);
    assert_int_equal(session(f, "2029-06-01", 18, 2, 4, &b, &e), 0);
    assert_int_equal(session(f, "2030-06-01", 8, 9, 16, &c, &e), 0);
    assert_int_equal(session(f, "2030-06-01", 18, 2, 4, &d, &e), 0);
    for (int64_t *s = (int64_t[]){a, b, c, d, 0}; *s; s++)
        attend(f, *s, f->people[0]);
    assert_int_equal(minutes_of(f, b, f->people[0]), 0);   /* 2029: 8 */
    assert_int_equal(minutes_of(f, d, f->people[0]), 120); /* 2030: 10 */
    assert_int_equal(raw_int(f, "SELECT COUNT(*) FROM attendance WHERE "
                                "rule = 'hour60-cap10'"),
                     2);
    /* A day of 2030 may carry 10 学时, one of 2029 no more than 8. */
    int64_t id;
    assert_int_equal(session(f, "2030-06-02", 8, 10, 20, &id, &e), 0);
    assert_int_equal(session(f, "2029-06-02", 8, 10, 20, &id, &e),
                     ERR_INVAL);
    assert_string_equal(e.field, "hours");
}

static void
a_session_carries_no_more_hours_than_its_length(void **state)
{
    struct fixture *f = *state;
    struct field_error e = {0};
    int64_t id;
    /* One hour with 8 学时: refused, naming hours. */
    assert_int_equal(session(f, "2026-06-01", 9, 1, 16, &id, &e), ERR_INVAL);
    assert_string_equal(e.field, "hours");
    assert_int_equal(session(f, "2026-06-01", 9, 1, 3, &id, &e), ERR_INVAL);
    assert_int_equal(session(f, "2026-06-01", 9, 1, 2, &id, &e), 0);
    /* Half a day counts 4, a day 8, never more. */
    assert_int_equal(session(f, "2026-06-02", 9, 3, 8, &id, &e), 0);
    assert_int_equal(session(f, "2026-06-02", 13, 3, 9, &id, &e), ERR_INVAL);
    assert_int_equal(session(f, "2026-06-03", 9, 6, 16, &id, &e), 0);
    assert_int_equal(session(f, "2026-06-04", 8, 12, 18, &id, &e),
                     ERR_INVAL);
    /* No rule before 2019: no session can be counted then. */
    assert_int_equal(session(f, "2018-06-04", 8, 2, 2, &id, &e), ERR_INVAL);
    assert_string_equal(e.field, "starts_at");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(
        check_in_order_does_not_decide_who_loses_hours, setup, teardown),
    cmocka_unit_test_setup_teardown(
        the_daily_cap_is_the_dated_rule_of_the_year, setup, teardown),
    cmocka_unit_test_setup_teardown(
        a_session_carries_no_more_hours_than_its_length, setup, teardown),
    cmocka_unit_test_setup_teardown(
        a_persons_year_follows_every_write_to_attendance, setup, teardown),
};

UNIT_GROUP(hours_group, "hours", tests);

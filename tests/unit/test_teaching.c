/*
 * test_teaching.c - the places and people of teaching (teaching.h) on a
 * real temporary SQLite file: one school per township, rooms and which
 * of them are function rooms, the 11+N pool counted per school, teachers
 * of the county and of a township and who may reach them, the catalog in
 * 学时 halves, publishing, and the lists' filters with totals that count
 * what the filters show.
 */
#include "unit.h"

#include "dbtest.h"

#include "../../src/core/err.h"
#include "../../src/domain/kind.h"
#include "../../src/domain/teaching.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOME  "371723001"
#define OTHER "371723002"

static struct db *
db_of(void **state)
{
    return ((struct dbt *)*state)->db;
}

static int64_t
school(void **state, const char *township)
{
    struct field_error e = {0};
    int64_t id = 0;
    assert_int_equal(
        school_create(db_of(state), township, "党校", "", &dbt_who, &id, &e),
        0);
    return id;
}

static int64_t
room(void **state, int64_t school_id, const char *kind)
{
    int64_t id = 0;
    assert_int_equal(dbt_room(db_of(state), school_id, "室", kind, 30, &id),
                     0);
    return id;
}

/* A teacher of level and township (NULL: none), teaching module (NULL:
 * none), serving the schools given: its id. */
static int64_t
teacher(void **state, const char *name, const char *level, const char *township,
        const char *module, const int64_t *schools, size_t nschools)
{
    const char *mods[2] = {module, NULL};
    struct teacher_input in = {.name = name,
                               .level = level,
                               .township = township,
                               .modules = mods,
                               .school_ids = schools,
                               .nschools = nschools};
    struct field_error e = {0};
    int64_t id = 0;
    int rc = teacher_create(db_of(state), &in, false, &dbt_who, &id, &e);
    if (rc != 0)
        fail_msg("teacher_create: %d %s", rc, e.field ? e.field : "");
    return id;
}

/* The teachers f lists: their total, and how many rows the page had;
 * the page and the count agree, and each row reads as the record does. */
static int64_t
teachers(void **state, struct teacher_filter f, size_t *rows)
{
    int64_t total = -1, counted = -2;
    struct arena a;
    arena_init(&a, 0);
    struct teacher_row *t;
    assert_int_equal(teacher_page(db_of(state), &a, &f, 1, 50, &t, rows,
                                  &total),
                     0);
    assert_int_equal(teacher_count(db_of(state), &f, &counted), 0);
    assert_int_equal(counted, total);
    for (size_t i = 0; i < *rows; i++) {
        json_t *v;
        char tw[16];
        assert_int_equal(teacher_get(db_of(state), t[i].id, &v, tw), 0);
        assert_string_equal(t[i].name,
                            json_string_value(json_object_get(v, "name")));
        assert_int_equal(t[i].n_modules,
                         json_array_size(json_object_get(v, "modules")));
        assert_int_equal(t[i].n_schools,
                         json_array_size(json_object_get(v, "school_ids")));
        assert_int_equal(t[i].ratings, 0);
        json_decref(v);
    }
    arena_cleanup(&a);
    return total;
}

static bool
in_reach(void **state, int64_t id, const char *township)
{
    bool ok = false;
    assert_int_equal(teacher_in_reach(db_of(state), id, township, &ok), 0);
    return ok;
}

/* --- schools and rooms ------------------------------------------------ */

static void
a_school_needs_a_township_that_exists(void **state)
{
    struct field_error e = {0};
    int64_t id;
    assert_int_equal(
        school_create(db_of(state), "371723099", "党校", "", &dbt_who, &id, &e),
        ERR_INVAL);
    assert_string_equal(e.field, "township_code");
}

static void
a_township_has_one_school(void **state)
{
    school(state, HOME);
    struct field_error e = {0};
    int64_t id;
    assert_int_equal(
        school_create(db_of(state), HOME, "第二党校", "", &dbt_who, &id, &e),
        ERR_INVAL);
    assert_string_equal(e.field, "township_code");
    assert_int_equal(dbt_int(*state, "SELECT COUNT(*) FROM schools"), 1);
}

static void
a_room_of_no_known_kind_is_refused(void **state)
{
    int64_t s = school(state, HOME);
    char sid[24];
    snprintf(sid, sizeof(sid), "%lld", (long long)s);
    struct kval v[KIND_MAX_FIELDS] = {{KV_TEXT, sid}, {KV_TEXT, "KTV"},
                                      {KV_TEXT, "karaoke"}};
    struct kerrors e;
    int64_t id;
    assert_int_equal(kind_create(db_of(state), &kind_room, v, false, &dbt_who,
                                 &id, &e),
                     ERR_INVAL);
    assert_int_equal(e.n, 1);
    assert_string_equal(e.e[0].field, "kind");
    assert_int_equal(dbt_int(*state, "SELECT COUNT(*) FROM rooms"), 0);
}

static void
function_rooms_are_the_kinds_marked_so(void **state)
{
    int64_t a = school(state, HOME), b = school(state, OTHER);
    room(state, a, "classroom");
    room(state, a, "reading");
    room(state, a, "fitness");
    room(state, b, "multimedia");
    room(state, b, "chess");
    assert_int_equal(dbt_rooms(db_of(state), NULL, true), 3);
    assert_int_equal(dbt_rooms(db_of(state), HOME, true), 2);
    assert_int_equal(dbt_rooms(db_of(state), NULL, false), 5);
    struct arena ar;
    arena_init(&ar, 0);
    struct school_row *rows;
    size_t n;
    int64_t total;
    /* The school's own counts say the same. */
    assert_int_equal(school_page(db_of(state), &ar, HOME, 11, 0, 1, 50, &rows,
                                 &n, &total),
                     0);
    assert_int_equal(total, 1);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].rooms, 3);
    assert_int_equal(rows[0].function_rooms, 2);
    arena_cleanup(&ar);
}

static void
the_11_plus_n_pool_counts_the_county_teachers_of_a_school(void **state)
{
    int64_t a = school(state, HOME), b = school(state, OTHER);
    const int64_t both[2] = {a, b};
    /* School a: two county teachers and one of its own; b: one county
     * teacher. With a pool of 2 county teachers, a meets it, b is short. */
    teacher(state, "甲", "county", NULL, NULL, both, 2);
    teacher(state, "乙", "county", NULL, NULL, &a, 1);
    teacher(state, "丙", "township", HOME, NULL, &a, 1);
    struct arena ar;
    arena_init(&ar, 0);
    struct school_row *rows;
    size_t n;
    int64_t total;
    assert_int_equal(school_page(db_of(state), &ar, NULL, 2, 0, 1, 50, &rows,
                                 &n, &total),
                     0);
    assert_int_equal(total, 2);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++) {
        bool is_a = rows[i].id == a;
        assert_int_equal(rows[i].county_teachers, is_a ? 2 : 1);
        assert_int_equal(rows[i].own_teachers, is_a ? 1 : 0);
        assert_int_equal(rows[i].pool_short, !is_a);
    }
    assert_int_equal(school_page(db_of(state), &ar, NULL, 2, 1, 1, 50, &rows,
                                 &n, &total),
                     0);
    assert_int_equal(total, 1);
    assert_int_equal(rows[0].id, a);
    assert_int_equal(school_page(db_of(state), &ar, NULL, 2, -1, 1, 50, &rows,
                                 &n, &total),
                     0);
    assert_int_equal(total, 1);
    assert_int_equal(rows[0].id, b);
    arena_cleanup(&ar);
}

static void
a_yearly_check_is_standard_only_with_all_four(void **state)
{
    int64_t s = school(state, HOME);
    struct school_check c = {2026, true, true, true, false, "缺书"};
    assert_int_equal(school_check_put(db_of(state), s, &c, &dbt_who), 0);
    /* The same year again replaces the check. */
    c.books = true;
    c.note = "已补";
    assert_int_equal(school_check_put(db_of(state), s, &c, &dbt_who), 0);
    c = (struct school_check){2025, true, false, true, true, ""};
    assert_int_equal(school_check_put(db_of(state), s, &c, &dbt_who), 0);
    json_t *items = json_array();
    assert_int_equal(school_checks(db_of(state), s, items), 0);
    assert_int_equal(json_array_size(items), 2);
    json_t *y26 = json_array_get(items, 0), *y25 = json_array_get(items, 1);
    assert_int_equal(json_integer_value(json_object_get(y26, "year")), 2026);
    assert_true(json_is_true(json_object_get(y26, "standard")));
    assert_string_equal(json_string_value(json_object_get(y26, "note")),
                        "已补");
    assert_true(json_is_false(json_object_get(y25, "standard")));
    json_decref(items);
}

/* --- teachers --------------------------------------------------------- */

static void
a_teachers_fields_are_checked_and_named(void **state)
{
    int64_t s = school(state, HOME);
    struct db *db = db_of(state);
    struct field_error e = {0};
    int64_t id, none = 999;
    const char *bad_mod[] = {"astrology", NULL};
    struct {
        struct teacher_input in;
        const char *field;
    } cases[] = {
        {{.name = "甲", .level = "provincial"}, "level"},
        {{.name = "甲", .level = "township"}, "township_code"},
        {{.name = "甲", .level = "township", .township = "371723099"},
         "township_code"},
        {{.name = "甲", .level = "county", .modules = bad_mod}, "modules"},
        {{.name = "甲", .level = "county", .school_ids = &none, .nschools = 1},
         "school_ids"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        e.field = NULL;
        assert_int_equal(
            teacher_create(db, &cases[i].in, false, &dbt_who, &id, &e),
            ERR_INVAL);
        assert_string_equal(e.field, cases[i].field);
    }
    assert_int_equal(dbt_int(*state, "SELECT COUNT(*) FROM teachers"), 0);
    /* Serving one school twice is refused as a duplicate. */
    const int64_t twice[2] = {s, s};
    struct teacher_input dup = {
        .name = "甲", .level = "county", .school_ids = twice, .nschools = 2};
    assert_int_equal(teacher_create(db, &dup, false, &dbt_who, &id, &e),
                     ERR_INVAL);
    assert_int_equal(dbt_int(*state, "SELECT COUNT(*) FROM teachers"), 0);
}

static void
another_townships_own_teacher_is_out_of_reach(void **state)
{
    int64_t home = school(state, HOME);
    school(state, OTHER);
    int64_t county = teacher(state, "县", "county", NULL, NULL, NULL, 0);
    int64_t invited = teacher(state, "特邀", "invited", NULL, NULL, NULL, 0);
    int64_t theirs = teacher(state, "彼", "township", OTHER, NULL, NULL, 0);
    int64_t serving = teacher(state, "借", "township", OTHER, NULL, &home, 1);
    assert_true(in_reach(state, county, HOME));
    assert_true(in_reach(state, invited, HOME));
    assert_false(in_reach(state, theirs, HOME));
    assert_true(in_reach(state, theirs, OTHER));
    assert_true(in_reach(state, serving, HOME));
    assert_false(in_reach(state, 999, HOME));
    /* teacher_get names the teacher's own township, "" for the county's. */
    json_t *v;
    char tw[16];
    assert_int_equal(teacher_get(db_of(state), theirs, &v, tw), 0);
    assert_string_equal(tw, OTHER);
    json_decref(v);
    assert_int_equal(teacher_get(db_of(state), county, &v, tw), 0);
    assert_string_equal(tw, "");
    json_decref(v);
    assert_int_equal(teacher_get(db_of(state), 999, &v, tw), ERR_NOTFOUND);
}

static void
the_teacher_list_filters_and_its_total_counts_them(void **state)
{
    int64_t home = school(state, HOME), other = school(state, OTHER);
    teacher(state, "王县", "county", NULL, "politics", &home, 1);
    teacher(state, "李县", "county", NULL, "health", &other, 1);
    teacher(state, "王镇", "township", HOME, "politics", NULL, 0);
    teacher(state, "赵镇", "township", OTHER, "health", &home, 1);
    teacher(state, "特邀", "invited", NULL, NULL, NULL, 0);
    size_t rows;
    assert_int_equal(teachers(state, (struct teacher_filter){0}, &rows), 5);
    assert_int_equal(rows, 5);
    /* A township sees its own and those serving its school. */
    assert_int_equal(
        teachers(state, (struct teacher_filter){.township = HOME}, &rows), 3);
    assert_int_equal(rows, 3);
    assert_int_equal(
        teachers(state,
                 (struct teacher_filter){.township = HOME, .level = "county"},
                 &rows),
        1);
    assert_int_equal(
        teachers(state, (struct teacher_filter){.level = "township"}, &rows),
        2);
    assert_int_equal(
        teachers(state, (struct teacher_filter){.module = "health"}, &rows), 2);
    assert_int_equal(
        teachers(state, (struct teacher_filter){.school_id = home}, &rows), 2);
    assert_int_equal(teachers(state, (struct teacher_filter){.q = "王"}, &rows),
                     2);
    assert_int_equal(rows, 2);
    /* A page shorter than the total still tells the total. */
    struct arena a;
    arena_init(&a, 0);
    struct teacher_row *t;
    int64_t total;
    struct teacher_filter all = {0};
    assert_int_equal(teacher_page(db_of(state), &a, &all, 2, 2, &t, &rows,
                                  &total),
                     0);
    assert_int_equal(total, 5);
    assert_int_equal(rows, 2);
    arena_cleanup(&a);
}

static void
a_teacher_update_replaces_modules_and_schools(void **state)
{
    int64_t home = school(state, HOME), other = school(state, OTHER);
    int64_t id = teacher(state, "甲", "county", NULL, "politics", &home, 1);
    const char *mods[] = {"health", "theory", NULL};
    struct teacher_input in = {.name = "甲",
                               .level = "county",
                               .modules = mods,
                               .school_ids = &other,
                               .nschools = 1};
    struct field_error e = {0};
    assert_int_equal(teacher_update(db_of(state), id, &in, &dbt_who, &e), 0);
    json_t *v;
    char tw[16];
    assert_int_equal(teacher_get(db_of(state), id, &v, tw), 0);
    json_t *m = json_object_get(v, "modules"),
           *s = json_object_get(v, "school_ids");
    assert_int_equal(json_array_size(m), 2);
    assert_string_equal(json_string_value(json_array_get(m, 0)), "health");
    assert_int_equal(json_array_size(s), 1);
    assert_int_equal(json_integer_value(json_array_get(s, 0)), other);
    json_decref(v);
    /* The pool's page reads the same sets. */
    struct arena a;
    arena_init(&a, 0);
    struct teacher_row *t;
    size_t n;
    int64_t total;
    assert_int_equal(teacher_page(db_of(state), &a,
                                  &(struct teacher_filter){0}, 1, 10, &t, &n,
                                  &total),
                     0);
    assert_int_equal(n, 1);
    assert_int_equal(t[0].n_modules, 2);
    assert_string_equal(t[0].modules[0], "health");
    assert_string_equal(t[0].modules[1], "theory");
    assert_int_equal(t[0].n_schools, 1);
    assert_int_equal(t[0].school_ids[0], other);
    arena_cleanup(&a);
    assert_int_equal(teacher_update(db_of(state), 999, &in, &dbt_who, &e),
                     ERR_NOTFOUND);
}

static int64_t
account(void **state, const char *username, const char *role)
{
    dbt_exec(*state,
             "INSERT INTO users(username, password_hash, role, "
             "password_changed_at, created_at) VALUES ('%s', 'x', "
             "'%s', 0, 0)",
             username, role);
    return dbt_int(*state, "SELECT id FROM users WHERE username = '%s'",
                   username);
}

static void
a_teacher_links_to_one_teacher_account(void **state)
{
    int64_t a = teacher(state, "甲", "county", NULL, NULL, NULL, 0);
    int64_t b = teacher(state, "乙", "county", NULL, NULL, NULL, 0);
    int64_t admin = account(state, "admin1", "school_admin");
    int64_t login = account(state, "teacher1", "teacher");
    struct field_error e = {0};
    /* Only an account of role teacher. */
    assert_int_equal(teacher_link_user(db_of(state), a, admin, &dbt_who, &e),
                     ERR_INVAL);
    assert_string_equal(e.field, "user_id");
    assert_int_equal(
        teacher_link_username(db_of(state), a, "nobody", &dbt_who, &e),
        ERR_INVAL);
    assert_string_equal(e.field, "username");
    assert_int_equal(
        teacher_link_username(db_of(state), a, "admin1", &dbt_who, &e),
        ERR_INVAL);
    assert_string_equal(e.field, "username");
    int64_t id = 0;
    assert_int_equal(teacher_of_user(db_of(state), login, &id), ERR_NOTFOUND);
    assert_int_equal(
        teacher_link_username(db_of(state), a, "teacher1", &dbt_who, &e), 0);
    assert_int_equal(teacher_of_user(db_of(state), login, &id), 0);
    assert_int_equal(id, a);
    /* Linked to another teacher, the account leaves the first. */
    assert_int_equal(teacher_link_user(db_of(state), b, login, &dbt_who, &e),
                     0);
    assert_int_equal(teacher_of_user(db_of(state), login, &id), 0);
    assert_int_equal(id, b);
    assert_int_equal(dbt_int(*state,
                             "SELECT COUNT(*) FROM teachers WHERE "
                             "user_id = %lld",
                             (long long)login),
                     1);
    assert_int_equal(teacher_link_user(db_of(state), 999, login, &dbt_who, &e),
                     ERR_NOTFOUND);
}

/* --- the catalog ------------------------------------------------------ */

static int64_t
course(void **state, const char *title, const char *module, int64_t halves,
       bool published, const int64_t *teachers_, size_t n)
{
    struct course_input in = {.title = title,
                              .module = module,
                              .format = "lecture",
                              .half_hours = halves,
                              .published = published,
                              .teacher_ids = teachers_,
                              .nteachers = n};
    struct field_error e = {0};
    int64_t id = 0;
    int rc = course_create(db_of(state), &in, false, &dbt_who, &id, &e);
    if (rc != 0)
        fail_msg("course_create: %d %s", rc, e.field ? e.field : "");
    return id;
}

static void
course_hours_are_kept_in_halves(void **state)
{
    int64_t a = course(state, "党史", "politics", 3, false, NULL, 0);
    int64_t b = course(state, "党章", "politics", 4, false, NULL, 0);
    json_t *v;
    assert_int_equal(course_get(db_of(state), a, &v), 0);
    assert_true(json_is_real(json_object_get(v, "hours")));
    assert_float_equal(json_real_value(json_object_get(v, "hours")), 1.5, 1e-9);
    json_decref(v);
    assert_int_equal(course_get(db_of(state), b, &v), 0);
    assert_true(json_is_integer(json_object_get(v, "hours")));
    assert_int_equal(json_integer_value(json_object_get(v, "hours")), 2);
    json_decref(v);
    assert_int_equal(dbt_int(*state,
                             "SELECT half_hours FROM courses "
                             "WHERE id = %lld",
                             (long long)a),
                     3);
}

static void
a_courses_fields_are_checked_and_named(void **state)
{
    int64_t none = 999;
    struct {
        struct course_input in;
        const char *field;
    } cases[] = {
        {{.title = "x",
          .module = "astrology",
          .format = "lecture",
          .half_hours = 2},
         "module_code"},
        {{.title = "x",
          .module = "health",
          .format = "tiktok",
          .half_hours = 2},
         "format"},
        {{.title = "x",
          .module = "health",
          .format = "online",
          .half_hours = 0},
         "hours"},
        {{.title = "x",
          .module = "health",
          .format = "online",
          .half_hours = 81},
         "hours"},
        {{.title = "x",
          .module = "health",
          .format = "online",
          .half_hours = 2,
          .teacher_ids = &none,
          .nteachers = 1},
         "teacher_ids"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct field_error e = {0};
        int64_t id;
        assert_int_equal(
            course_create(db_of(state), &cases[i].in, false, &dbt_who, &id, &e),
            ERR_INVAL);
        assert_string_equal(e.field, cases[i].field);
    }
    assert_int_equal(dbt_int(*state, "SELECT COUNT(*) FROM courses"), 0);
    /* 40 学时 is the most a course may carry, half a 学时 the least. */
    course(state, "长", "health", 80, false, NULL, 0);
    course(state, "短", "health", 1, false, NULL, 0);
}

static void
only_published_courses_are_in_the_published_list(void **state)
{
    int64_t a = course(state, "甲", "politics", 2, false, NULL, 0);
    course(state, "乙", "politics", 2, true, NULL, 0);
    struct arena ar;
    arena_init(&ar, 0);
    struct course_row *rows;
    size_t n;
    int64_t total;
    struct course_filter pub = {.published_only = true}, all = {0};
    assert_int_equal(
        course_page(db_of(state), &ar, &pub, 1, 50, &rows, &n, &total), 0);
    assert_int_equal(total, 1);
    assert_int_equal(n, 1);
    assert_true(rows[0].published);
    assert_int_equal(rows[0].half_hours, 2);
    assert_int_equal(course_publish(db_of(state), a, true, &dbt_who), 0);
    assert_int_equal(
        course_page(db_of(state), &ar, &pub, 1, 50, &rows, &n, &total), 0);
    assert_int_equal(total, 2);
    assert_int_equal(course_publish(db_of(state), a, false, &dbt_who), 0);
    assert_int_equal(
        course_page(db_of(state), &ar, &all, 1, 50, &rows, &n, &total), 0);
    assert_int_equal(total, 2);
    assert_int_equal(course_count(db_of(state), &pub, &total), 0);
    assert_int_equal(total, 1);
    arena_cleanup(&ar);
    assert_int_equal(course_publish(db_of(state), 999, true, &dbt_who),
                     ERR_NOTFOUND);
}

static void
the_course_list_filters_by_module_teacher_and_title(void **state)
{
    int64_t t = teacher(state, "甲", "county", NULL, NULL, NULL, 0);
    course(state, "乡村振兴与党建", "rural_revitalization", 2, true, &t, 1);
    course(state, "基层党建实务", "professional", 2, true, NULL, 0);
    course(state, "合作社", "rural_revitalization", 2, true, NULL, 0);
    struct {
        struct course_filter f;
        int64_t n;
    } cases[] = {
        {{.module = "rural_revitalization"}, 2},
        {{.teacher_id = t}, 1},
        {{.q = "党建"}, 2},
        {{.q = "党建", .module = "professional"}, 1},
        {{.module = "health"}, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct arena ar;
        arena_init(&ar, 0);
        struct course_row *rows;
        size_t n;
        int64_t total = -1;
        assert_int_equal(course_page(db_of(state), &ar, &cases[i].f, 1, 50,
                                     &rows, &n, &total),
                         0);
        assert_int_equal(total, cases[i].n);
        assert_int_equal(n, (size_t)cases[i].n);
        for (size_t k = 0; k < n; k++) /* each row as the record reads */
            if (cases[i].f.teacher_id) {
                assert_int_equal(rows[k].n_teachers, 1);
                assert_int_equal(rows[k].teacher_ids[0], t);
            }
        arena_cleanup(&ar);
    }
}

static void
a_courses_teachers_are_listed_with_it(void **state)
{
    int64_t a = teacher(state, "甲", "county", NULL, NULL, NULL, 0);
    int64_t b = teacher(state, "乙", "invited", NULL, NULL, NULL, 0);
    const int64_t both[2] = {b, a};
    int64_t c = course(state, "课", "theory", 2, true, both, 2);
    json_t *v;
    assert_int_equal(course_get(db_of(state), c, &v), 0);
    json_t *ids = json_object_get(v, "teacher_ids");
    assert_int_equal(json_array_size(ids), 2);
    assert_int_equal(json_integer_value(json_array_get(ids, 0)), a);
    assert_int_equal(json_integer_value(json_array_get(ids, 1)), b);
    json_decref(v);
    /* One teacher twice is refused and nothing is kept. */
    const int64_t twice[2] = {a, a};
    struct course_input in = {.title = "重",
                              .module = "theory",
                              .format = "seminar",
                              .half_hours = 2,
                              .teacher_ids = twice,
                              .nteachers = 2};
    struct field_error e = {0};
    int64_t id;
    assert_int_equal(course_create(db_of(state), &in, false, &dbt_who, &id, &e),
                     ERR_INVAL);
    assert_string_equal(e.field, "teacher_ids");
    assert_int_equal(dbt_int(*state, "SELECT COUNT(*) FROM courses"), 1);
}

static void
a_course_update_replaces_its_fields_and_teachers(void **state)
{
    int64_t t1 = teacher(state, "甲", "county", NULL, NULL, NULL, 0);
    int64_t t2 = teacher(state, "乙", "county", NULL, NULL, NULL, 0);
    int64_t c = course(state, "旧", "politics", 2, false, &t1, 1);
    struct course_input in = {.title = "新",
                              .module = "health",
                              .format = "online",
                              .half_hours = 5,
                              .published = true,
                              .teacher_ids = &t2,
                              .nteachers = 1};
    struct field_error e = {0};
    assert_int_equal(course_update(db_of(state), c, &in, &dbt_who, &e), 0);
    json_t *v;
    assert_int_equal(course_get(db_of(state), c, &v), 0);
    assert_string_equal(json_string_value(json_object_get(v, "title")), "新");
    assert_string_equal(json_string_value(json_object_get(v, "module_code")),
                        "health");
    assert_float_equal(json_real_value(json_object_get(v, "hours")), 2.5, 1e-9);
    assert_true(json_is_true(json_object_get(v, "published")));
    json_t *ids = json_object_get(v, "teacher_ids");
    assert_int_equal(json_array_size(ids), 1);
    assert_int_equal(json_integer_value(json_array_get(ids, 0)), t2);
    json_decref(v);
    /* Checked as a new one is, and only a course that exists. */
    in.half_hours = 0;
    assert_int_equal(course_update(db_of(state), c, &in, &dbt_who, &e),
                     ERR_INVAL);
    assert_string_equal(e.field, "hours");
    in.half_hours = 2;
    assert_int_equal(course_update(db_of(state), 999, &in, &dbt_who, &e),
                     ERR_NOTFOUND);
}

#define T(name) cmocka_unit_test_setup_teardown(name, dbt_setup, dbt_teardown)
static const struct CMUnitTest tests[] = {
    T(a_school_needs_a_township_that_exists),
    T(a_township_has_one_school),
    T(a_room_of_no_known_kind_is_refused),
    T(function_rooms_are_the_kinds_marked_so),
    T(the_11_plus_n_pool_counts_the_county_teachers_of_a_school),
    T(a_yearly_check_is_standard_only_with_all_four),
    T(a_teachers_fields_are_checked_and_named),
    T(another_townships_own_teacher_is_out_of_reach),
    T(the_teacher_list_filters_and_its_total_counts_them),
    T(a_teacher_update_replaces_modules_and_schools),
    T(a_teacher_links_to_one_teacher_account),
    T(course_hours_are_kept_in_halves),
    T(a_courses_fields_are_checked_and_named),
    T(only_published_courses_are_in_the_published_list),
    T(the_course_list_filters_by_module_teacher_and_title),
    T(a_courses_teachers_are_listed_with_it),
    T(a_course_update_replaces_its_fields_and_teachers),
};
#undef T

UNIT_GROUP(teaching_group, "teaching", tests);

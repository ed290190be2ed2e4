/*
 * test_report.c - the county report (report.h) on a real temporary
 * SQLite file: each figure equals what the list its link opens counts
 * for the same township and period (schools and 11+N, function rooms,
 * teachers, courses, themed classes, sessions and attendance by type,
 * orders, covered villages, study hours meeting the target), the default
 * period is the calendar year to date, a township filter counts that
 * township only, the teacher ranking puts too few ratings last, and a
 * figure whose capability is not built yet is null, never 0.
 */
#include "unit.h"

#include "dbtest.h"

#include "../../src/core/err.h"
#include "../../src/core/util.h"
#include "../../src/domain/classes.h"
#include "../../src/domain/org.h"
#include "../../src/domain/orders.h"
#include "../../src/domain/report.h"
#include "../../src/domain/rules.h"
#include "../../src/domain/teaching.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOME  "371723001"
#define OTHER "371723002"
#define THIRD "371723003"
#define POOL  2 /* the "11" of 11+N, small enough for a fixture */

struct fx {
    struct dbt *t;
    int64_t school[3];          /* HOME, OTHER, THIRD */
    int64_t county_a, county_b; /* a serves HOME and OTHER, b HOME */
    int64_t course;             /* published */
    int64_t from, to;           /* 2026, China time */
};

static int
setup(void **state)
{
    void *p;
    if (dbt_setup(&p) != 0)
        return -1;
    struct fx *f = calloc(1, sizeof(*f));
    f->t = p;
    struct db *db = f->t->db;
    struct field_error e;
    const char *tw[3] = {HOME, OTHER, THIRD};
    for (int i = 0; i < 3; i++)
        if (school_create(db, tw[i], "党校", "", &dbt_who, &f->school[i], &e) !=
            0)
            return -1;
    int64_t room;
    /* Function rooms: HOME a reading room, OTHER a gym; classrooms are
     * not function rooms. */
    if (dbt_room(db, f->school[0], "教室", "classroom", 0, &room) != 0 ||
        dbt_room(db, f->school[0], "阅览室", "reading", 0, &room) != 0 ||
        dbt_room(db, f->school[1], "健身房", "fitness", 0, &room) != 0)
        return -1;
    /* 11+N with a pool of 2: HOME has two county teachers, OTHER one,
     * THIRD none; each of HOME and OTHER one of its own. */
    struct teacher_input a = {.name = "县甲",
                              .level = "county",
                              .school_ids = f->school,
                              .nschools = 2};
    struct teacher_input b = {.name = "县乙",
                              .level = "county",
                              .school_ids = f->school,
                              .nschools = 1};
    struct teacher_input own1 = {
        .name = "镇甲", .level = "township", .township = HOME};
    struct teacher_input own2 = {
        .name = "镇乙", .level = "township", .township = OTHER};
    int64_t id;
    if (teacher_create(db, &a, false, &dbt_who, &f->county_a, &e) != 0 ||
        teacher_create(db, &b, false, &dbt_who, &f->county_b, &e) != 0 ||
        teacher_create(db, &own1, false, &dbt_who, &id, &e) != 0 ||
        teacher_create(db, &own2, false, &dbt_who, &id, &e) != 0)
        return -1;
    struct course_input c = {.title = "党章",
                             .module = "politics",
                             .format = "lecture",
                             .half_hours = 4,
                             .published = true};
    struct course_input draft = {.title = "草稿",
                                 .module = "health",
                                 .format = "lecture",
                                 .half_hours = 4};
    if (course_create(db, &c, false, &dbt_who, &f->course, &e) != 0 ||
        course_create(db, &draft, false, &dbt_who, &id, &e) != 0)
        return -1;
    f->from = dbt_time("2026-01-01T00:00");
    f->to = dbt_time("2027-01-01T00:00");
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

/* The report of township (NULL: the county) for [from, to); free it. */
static struct report *
report(struct fx *f, const char *township, int64_t from, int64_t to)
{
    struct report *r = xmalloc(sizeof(*r));
    assert_int_equal(report_county(f->t->db, township, from, to, POOL, r), 0);
    return r;
}

/* The report's key under parent (NULL: at the top), by name. */
static int
key_of(const char *parent, const char *key)
{
    for (int k = 0; k < RK_N; k++)
        if (strcmp(report_keys[k].key, key) == 0 &&
            (parent ? report_keys[k].parent &&
                          strcmp(report_keys[k].parent, parent) == 0
                    : report_keys[k].parent == NULL))
            return k;
    fail_msg("the report has no key %s.%s", parent ? parent : "", key);
    return -1;
}

/* A counted figure of the report, by name. */
static int64_t
rfig(const struct report *r, const char *parent, const char *key)
{
    int k = key_of(parent, key);
    if (!r->v[k].known || report_keys[k].as != RA_COUNT)
        fail_msg("%s is not a count", key);
    return r->v[k].n;
}

/* sessions_by_type[type][measure] */
static int64_t
by_type(const struct report *r, const char *type, const char *key)
{
    const struct program_type *t = program_type_find(type);
    assert_non_null(t);
    for (int m = 0; m < REPORT_MEASURES; m++)
        if (strcmp(report_measures[m].key, key) == 0)
            return r->by_type[t - program_types][m];
    fail_msg("no measure %s", key);
    return -1;
}

static int64_t
program(struct fx *f, int school, const char *type)
{
    struct program_input in = {type, "班", "2025-01-01", "2026-12-31",
                               f->school[school]};
    struct field_error e = {0};
    int64_t id = 0;
    assert_int_equal(program_create(f->t->db, &in, false, &dbt_who, &id, &e),
                     0);
    return id;
}

/* A session of program starting at (China time) for hours hours carrying
 * as many 学时, at a place, with teacher (0: none): its id. */
static int64_t
session(struct fx *f, int64_t program_id, const char *at, int hours,
        int64_t teacher)
{
    struct class_input in = {.program_id = program_id,
                             .teacher_id = teacher,
                             .starts_at = dbt_time(at),
                             .capacity = 100,
                             .half_hours = 2 * hours,
                             .place = "会议室"};
    in.ends_at = in.starts_at + (int64_t)hours * 3600;
    struct field_error e = {0};
    int64_t id = 0;
    int rc = class_create(f->t->db, &in, false, &dbt_who, &id, &e);
    if (rc != 0)
        fail_msg("class_create: %d %s", rc, e.field ? e.field : "");
    return id;
}

static void
attend(struct fx *f, int64_t session_id, int64_t person)
{
    json_t *v = NULL;
    assert_int_equal(
        class_attend(f->t->db, session_id, person, "roster", 0, &dbt_who, &v),
        0);
    json_decref(v);
}

static int64_t
member(struct fx *f, const char *township, const char *flags)
{
    return dbt_person(f->t, township, "member", flags, NULL);
}

/* --- the places and the pool ------------------------------------------ */

static void
schools_and_the_11n_figure_equal_the_school_list(void **state)
{
    struct fx *f = *state;
    const char *which[] = {NULL, HOME, OTHER, THIRD};
    const int64_t meeting[] = {1, 1, 0, 0};
    for (size_t i = 0; i < 4; i++) {
        struct report *r = report(f, which[i], f->from, f->to);
        /* the /schools list, as the figures' links open it */
        struct arena a;
        arena_init(&a, 0);
        struct school_row *rows;
        size_t n;
        int64_t all, met;
        assert_int_equal(school_page(f->t->db, &a, which[i], POOL, 0, 1, 50,
                                     &rows, &n, &all),
                         0);
        assert_int_equal(n, (size_t)all);
        assert_int_equal(school_page(f->t->db, &a, which[i], POOL, 1, 1, 50,
                                     &rows, &n, &met),
                         0);
        arena_cleanup(&a);
        assert_int_equal(rfig(r, NULL, "schools"), all);
        assert_int_equal(rfig(r, NULL, "schools"), which[i] ? 1 : 3);
        assert_int_equal(rfig(r, NULL, "schools_meeting_11n"), met);
        assert_int_equal(rfig(r, NULL, "schools_meeting_11n"), meeting[i]);
        free(r);
    }
}

static void
rooms_teachers_and_courses_equal_their_lists(void **state)
{
    struct fx *f = *state;
    const char *which[] = {NULL, HOME, OTHER, THIRD};
    const int64_t rooms[] = {2, 1, 1, 0}, county[] = {2, 2, 1, 0},
                  own[] = {2, 1, 1, 0};
    for (size_t i = 0; i < 4; i++) {
        struct report *r = report(f, which[i], f->from, f->to);
        json_t *none = json_array();
        int64_t n;
        n = dbt_rooms(f->t->db, which[i], true);
        assert_int_equal(rfig(r, NULL, "function_rooms"), n);
        assert_int_equal(n, rooms[i]);
        /* the pool's page, which the figures' links open */
        struct arena a;
        arena_init(&a, 0);
        struct teacher_row *rows;
        size_t nrows;
        struct teacher_filter tf = {.township = which[i], .level = "county"};
        assert_int_equal(teacher_page(f->t->db, &a, &tf, 1, 50, &rows, &nrows,
                                      &n),
                         0);
        assert_int_equal(rfig(r, NULL, "teachers_county"), n);
        assert_int_equal(n, county[i]);
        tf.level = "township";
        assert_int_equal(teacher_page(f->t->db, &a, &tf, 1, 50, &rows, &nrows,
                                      &n),
                         0);
        arena_cleanup(&a);
        assert_int_equal(rfig(r, NULL, "teachers_township"), n);
        assert_int_equal(n, own[i]);
        /* The catalog is the county's: the same for every township. */
        struct course_filter cf = {.published_only = true};
        struct course_row *courses;
        arena_init(&a, 0);
        assert_int_equal(course_page(f->t->db, &a, &cf, 1, 50, &courses,
                                     &nrows, &n),
                         0);
        arena_cleanup(&a);
        assert_int_equal(rfig(r, NULL, "courses_published"), n);
        assert_int_equal(n, 1);
        assert_int_equal(rfig(r, NULL, "modules"), 6);
        json_decref(none);
        free(r);
    }
}

/* --- classes in the period -------------------------------------------- */

static void
themed_classes_are_those_with_a_session_in_the_period(void **state)
{
    struct fx *f = *state;
    session(f, program(f, 0, "themed_class"), "2026-03-02T09:00", 2, 0);
    session(f, program(f, 0, "themed_class"), "2025-12-31T09:00", 2, 0);
    session(f, program(f, 1, "themed_class"), "2026-11-30T09:00", 2, 0);
    int64_t gone =
        session(f, program(f, 0, "themed_class"), "2026-04-01T09:00", 2, 0);
    assert_int_equal(class_void(f->t->db, gone, "取消", &dbt_who), 0);
    session(f, program(f, 0, "skills"), "2026-03-02T14:00", 2, 0);
    const char *which[] = {NULL, HOME, OTHER, THIRD};
    const int64_t want[] = {2, 1, 1, 0};
    for (size_t i = 0; i < 4; i++) {
        struct report *r = report(f, which[i], f->from, f->to);
        struct program_filter pf = {.township = which[i],
                                    .type = "themed_class",
                                    .dated = true,
                                    .from = f->from,
                                    .to = f->to};
        struct arena a;
        arena_init(&a, 0);
        struct program_row *rows;
        size_t nrows;
        int64_t n;
        assert_int_equal(
            program_page(f->t->db, &a, &pf, 1, 50, &rows, &nrows, &n), 0);
        assert_int_equal(nrows, (size_t)n);
        for (size_t k = 0; k < nrows; k++)
            assert_string_equal(rows[k].type, "themed_class");
        arena_cleanup(&a);
        assert_int_equal(rfig(r, NULL, "themed_classes"), n);
        assert_int_equal(n, want[i]);
        free(r);
    }
    /* 2025 has the other one. */
    struct report *r = report(f, NULL, dbt_time("2025-01-01T00:00"), f->from);
    assert_int_equal(rfig(r, NULL, "themed_classes"), 1);
    free(r);
}

static void
sessions_and_attendance_by_type_equal_the_session_list(void **state)
{
    struct fx *f = *state;
    int64_t themed = program(f, 0, "themed_class");
    int64_t skills = program(f, 0, "skills"), there = program(f, 1, "skills");
    int64_t s1 = session(f, themed, "2026-03-02T09:00", 2, 0);
    int64_t s2 = session(f, themed, "2026-03-03T09:00", 2, 0);
    int64_t s3 = session(f, skills, "2026-03-04T09:00", 2, 0);
    int64_t s4 = session(f, there, "2026-03-04T09:00", 2, 0);
    session(f, skills, "2025-06-01T09:00", 2, 0); /* outside */
    int64_t a = member(f, HOME, NULL), b = member(f, HOME, NULL);
    int64_t c = member(f, OTHER, NULL);
    attend(f, s1, a);
    attend(f, s1, b);
    attend(f, s2, a); /* a twice: two person-times, one person */
    attend(f, s3, b);
    attend(f, s4, c);
    const char *which[] = {NULL, HOME, OTHER};
    const char *types[] = {"themed_class", "skills", "onsite"};
    for (size_t i = 0; i < 3; i++) {
        struct report *r = report(f, which[i], f->from, f->to);
        for (size_t k = 0; k < 3; k++) {
            struct class_filter cf = {.township = which[i],
                                      .type = types[k],
                                      .from = f->from,
                                      .to = f->to};
            struct arena ar;
            arena_init(&ar, 0);
            struct class_row *rows;
            size_t shown;
            int64_t n, times, persons;
            assert_int_equal(
                class_page(f->t->db, &ar, &cf, 1, 50, &rows, &shown, &n), 0);
            arena_cleanup(&ar);
            assert_int_equal(class_totals(f->t->db, &cf, &times, &persons), 0);
            assert_int_equal(by_type(r, types[k], "sessions"), n);
            assert_int_equal(by_type(r, types[k], "person_times"), times);
            assert_int_equal(by_type(r, types[k], "persons"), persons);
        }
        free(r);
    }
    /* And the values themselves, for the county and HOME. */
    struct report *r = report(f, NULL, f->from, f->to);
    assert_int_equal(by_type(r, "themed_class", "sessions"), 2);
    assert_int_equal(by_type(r, "themed_class", "person_times"), 3);
    assert_int_equal(by_type(r, "themed_class", "persons"), 2);
    assert_int_equal(by_type(r, "skills", "sessions"), 2);
    assert_int_equal(by_type(r, "onsite", "sessions"), 0);
    /* The skills figures are the skills type's. */
    assert_int_equal(rfig(r, "skills", "sessions"), 2);
    assert_int_equal(rfig(r, "skills", "person_times"), 2);
    free(r);
    r = report(f, HOME, f->from, f->to);
    assert_int_equal(by_type(r, "skills", "sessions"), 1);
    assert_int_equal(by_type(r, "skills", "persons"), 1);
    free(r);
}

/* --- orders ----------------------------------------------------------- */

static void
orders_are_those_placed_in_the_period(void **state)
{
    struct fx *f = *state;
    struct field_error e = {0};
    int64_t id;
    const int64_t people[3] = {member(f, HOME, NULL), member(f, HOME, NULL),
                               member(f, OTHER, NULL)};
    for (int i = 0; i < 3; i++)
        assert_int_equal(
            order_create(f->t->db, people[i], f->course, "", &dbt_who, &id, &e),
            0);
    /* Placed now: a period around today holds them, last year none. */
    int64_t now = now_unix();
    const char *which[] = {NULL, HOME, OTHER, THIRD};
    const int64_t want[] = {3, 2, 1, 0};
    for (size_t i = 0; i < 4; i++) {
        struct report *r = report(f, which[i], now - 86400, now + 86400);
        json_t *items = json_array();
        int64_t placed;
        assert_int_equal(order_table(f->t->db, which[i], now - 86400,
                                     now + 86400, items, &placed),
                         0);
        json_decref(items);
        assert_int_equal(rfig(r, NULL, "orders"), placed);
        assert_int_equal(placed, want[i]);
        free(r);
    }
    struct report *r = report(f, NULL, now - 2 * 86400, now - 86400);
    assert_int_equal(rfig(r, NULL, "orders"), 0);
    free(r);
}

/* --- study hours ------------------------------------------------------ */

static void
study_hours_meeting_the_target_equal_the_hours_list(void **state)
{
    struct fx *f = *state;
    int64_t p = program(f, 0, "themed_class"),
            q = program(f, 1, "themed_class");
    /* Four full days of 8 学时 at HOME (32), one at OTHER's school. */
    int64_t day[4], there[4];
    for (int i = 0; i < 4; i++) {
        char at[32];
        snprintf(at, sizeof(at), "2026-04-0%dT09:00", i + 1);
        day[i] = session(f, p, at, 8, 0);
        there[i] = session(f, q, at, 8, 0);
    }
    int64_t full = member(f, HOME, NULL);   /* 32: meets */
    int64_t short_ = member(f, HOME, NULL); /* 8: behind */
    member(f, HOME, ",exempt,");            /* out of the denominator */
    int64_t cadre = member(f, HOME, ",branch_secretary,"); /* 32 of 56 */
    dbt_person(f->t, HOME, "masses", NULL, NULL);          /* no target */
    int64_t away = member(f, OTHER, NULL);                 /* 32: meets */
    for (int i = 0; i < 4; i++) {
        attend(f, day[i], full);
        attend(f, day[i], cadre);
        attend(f, there[i], away);
    }
    attend(f, day[0], short_);
    const char *which[] = {NULL, HOME, OTHER, THIRD};
    const int64_t bound[] = {4, 3, 1, 0}, met[] = {2, 1, 1, 0};
    for (size_t i = 0; i < 4; i++) {
        struct report *r = report(f, which[i], f->from, f->to);
        struct arena a;
        arena_init(&a, 0);
        struct hours_row *rows;
        size_t n;
        int64_t total, b, m;
        assert_int_equal(hours_behind(f->t->db, &a, which[i], 2026,
                                      HOURS_MEETING, 1, 50, &rows, &n,
                                      &total, &b, &m),
                         0);
        assert_int_equal(n, (size_t)total);
        for (size_t k = 0; k < n; k++)
            assert_true(rows[k].met);
        arena_cleanup(&a);
        assert_int_equal(rfig(r, "study_hours", "persons_meeting_target"), total);
        assert_int_equal(rfig(r, "study_hours", "persons_meeting_target"), m);
        assert_int_equal(rfig(r, "study_hours", "persons_total"), b);
        assert_int_equal(b, bound[i]);
        assert_int_equal(m, met[i]);
        assert_int_equal(rfig(r, "study_hours", "year"), 2026);
        free(r);
    }
}

/* The counts are kept between requests; every write that changes who is
 * bound or who meets the target, by any path, shows at once. */
static void
study_hours_follow_every_write_though_kept(void **state)
{
    struct fx *f = *state;
    int64_t p = program(f, 0, "themed_class");
    int64_t day[4];
    for (int i = 0; i < 4; i++) {
        char at[32];
        snprintf(at, sizeof(at), "2026-05-0%dT09:00", i + 1);
        day[i] = session(f, p, at, 8, 0);
    }
    int64_t a = member(f, HOME, NULL), b = member(f, HOME, NULL);
    for (int i = 0; i < 4; i++)
        attend(f, day[i], a);
    int64_t bound, met;
    const struct {
        const char *sql;
        int64_t bound, met;
    } steps[] = {
        {NULL, 2, 1},
        /* b is exempted, then a cadre (32 学时 do not meet 56) */
        {"UPDATE people SET flags = ',exempt,' WHERE id = %lld", 1, 1},
        {"UPDATE people SET flags = ',branch_secretary,' WHERE id = %lld", 2,
         1},
        /* b goes to another township, and comes back a member */
        {"UPDATE people SET township_code = '" OTHER "' WHERE id = %lld", 1,
         1},
        {"UPDATE people SET township_code = '" HOME "', flags = ',' "
         "WHERE id = %lld",
         2, 1},
        /* the target moves: nobody meets 40 */
        {"UPDATE hour_targets SET hours = 40 WHERE who = 'member' "
         "AND %lld > 0",
         2, 0},
        {"UPDATE hour_targets SET hours = 32 WHERE who = 'member' "
         "AND %lld > 0",
         2, 1},
        /* a's hours go, by hand */
        {"DELETE FROM attendance WHERE person_id = %lld", 2, 0},
        /* b is voided */
        {"UPDATE people SET voided_at = 1 WHERE id = %lld", 1, 0},
    };
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        if (steps[i].sql)
            dbt_exec(f->t, steps[i].sql,
                     (long long)(strstr(steps[i].sql, "attendance") ? a : b));
        for (int twice = 0; twice < 2; twice++) { /* counted, then kept */
            assert_int_equal(hours_counts(f->t->db, HOME, 2026, &bound, &met),
                             0);
            assert_int_equal(bound, steps[i].bound);
            assert_int_equal(met, steps[i].met);
        }
        struct report *r = report(f, HOME, f->from, f->to);
        assert_int_equal(rfig(r, "study_hours", "persons_total"), steps[i].bound);
        assert_int_equal(rfig(r, "study_hours", "persons_meeting_target"), steps[i].met);
        free(r);
    }
    /* A check-in shows too: b attends all four days. */
    dbt_exec(f->t, "UPDATE people SET voided_at = NULL WHERE id = %lld",
             (long long)b);
    for (int i = 0; i < 4; i++)
        attend(f, day[i], b);
    assert_int_equal(hours_counts(f->t->db, HOME, 2026, &bound, &met), 0);
    assert_int_equal(bound, 2);
    assert_int_equal(met, 1);
}

/* The behind list pages in pinyin order, each page what it would be if
 * the whole list were read. */
static void
the_hours_list_pages_in_name_order(void **state)
{
    struct fx *f = *state;
    int64_t p = program(f, 0, "themed_class");
    int64_t s = session(f, p, "2026-06-01T09:00", 8, 0);
    const int N = 7;
    for (int i = 0; i < N; i++) {
        int64_t m = member(f, HOME, NULL);
        if (i % 2)
            attend(f, s, m); /* 8 学时: still behind */
        dbt_person(f->t, HOME, "masses", NULL, NULL); /* not bound */
    }
    struct arena a;
    arena_init(&a, 0);
    struct hours_row *all, *page;
    size_t n_all, n;
    int64_t total, bound, met;
    assert_int_equal(hours_behind(f->t->db, &a, HOME, 2026, HOURS_BEHIND, 1,
                                  100, &all, &n_all, &total, &bound, &met),
                     0);
    assert_int_equal(total, N);
    assert_int_equal(n_all, (size_t)N);
    assert_int_equal(bound, N);
    for (int64_t pg = 1; pg <= 4; pg++) {
        assert_int_equal(hours_behind(f->t->db, &a, HOME, 2026, HOURS_BEHIND,
                                      pg, 2, &page, &n, &total, &bound, &met),
                         0);
        assert_int_equal(total, N);
        size_t want = pg < 4 ? 2 : 1;
        assert_int_equal(n, want);
        for (size_t k = 0; k < n; k++) {
            assert_int_equal(page[k].person_id,
                             all[(pg - 1) * 2 + k].person_id);
            assert_false(page[k].met);
            assert_int_equal(page[k].minutes, (page[k].minutes ? 480 : 0));
            assert_int_equal(page[k].target_hours, 32);
        }
    }
    assert_int_equal(hours_behind(f->t->db, &a, NULL, 2026, HOURS_BEHIND, 5,
                                  2, &page, &n, &total, &bound, &met),
                     0);
    assert_int_equal(n, 0);
    arena_cleanup(&a);
}

/* --- the period and the township -------------------------------------- */

static void
the_default_period_is_the_calendar_year_to_date(void **state)
{
    struct fx *f = *state;
    /* The period the API and the pages take when none is asked. */
    char from_s[11], to_s[11];
    rules_default_period(now_unix(), from_s, to_s);
    int64_t from, to;
    assert_int_equal(date_parse(from_s, &from), 0);
    assert_int_equal(date_parse(to_s, &to), 0);
    from -= RULES_CST_OFFSET;
    to += 86400 - RULES_CST_OFFSET;
    assert_int_equal(strncmp(from_s + 4, "-01-01", 6), 0);
    /* The first hour of the year is in it, the last of the year before
     * is not. */
    char at[32];
    int64_t p = program(f, 0, "themed_class");
    snprintf(at, sizeof(at), "%sT00:00", from_s);
    session(f, p, at, 1, 0);
    int year = atoi(from_s);
    snprintf(at, sizeof(at), "%d-12-31T23:00", year - 1);
    int64_t before = program(f, 1, "themed_class");
    session(f, before, at, 1, 0);
    struct report *r = report(f, NULL, from, to);
    assert_int_equal(by_type(r, "themed_class", "sessions"), 1);
    assert_int_equal(rfig(r, NULL, "themed_classes"), 1);
    assert_int_equal(rfig(r, "study_hours", "year"), year);
    free(r);
    r = report(f, OTHER, from, to);
    assert_int_equal(rfig(r, NULL, "themed_classes"), 0);
    free(r);
}

static void
covered_villages_are_those_whose_people_attended_cadre_training(void **state)
{
    struct fx *f = *state;
    dbt_exec(f->t, "INSERT INTO villages(code, name, township_code, "
                   "valid_from, created_at) VALUES "
                   "('371723001201', '甲村', '" HOME "', '2000-01-01', 0), "
                   "('371723001202', '乙村', '" HOME "', '2000-01-01', 0), "
                   "('371723002201', '丙村', '" OTHER "', '2000-01-01', 0)");
    int64_t s =
        session(f, program(f, 0, "village_cadre"), "2026-01-10T09:00", 2, 0);
    int64_t t =
        session(f, program(f, 1, "village_cadre"), "2026-01-10T09:00", 2, 0);
    int64_t themed =
        session(f, program(f, 0, "themed_class"), "2026-01-11T09:00", 2, 0);
    attend(f, s,
           dbt_person(f->t, HOME, "member", ",village_committee,",
                      "371723001201"));
    attend(f, s, dbt_person(f->t, HOME, "member", NULL, "371723001201"));
    attend(f, t, dbt_person(f->t, OTHER, "member", NULL, "371723002201"));
    /* 乙村 came to a themed class only: not covered. */
    attend(f, themed, dbt_person(f->t, HOME, "member", NULL, "371723001202"));
    const char *which[] = {NULL, HOME, OTHER};
    const int64_t want[] = {2, 1, 1}, persons[] = {3, 2, 1};
    for (size_t i = 0; i < 3; i++) {
        struct report *r = report(f, which[i], f->from, f->to);
        struct report_filter rf = {which[i], NULL, f->from, f->to};
        struct arena a;
        arena_init(&a, 0);
        struct covered_village *rows;
        size_t nrows;
        int64_t n;
        assert_int_equal(
            report_villages(f->t->db, &a, &rf, 1, 50, &rows, &nrows, &n), 0);
        assert_int_equal(nrows, (size_t)n);
        for (size_t k = 0; k < nrows; k++)
            if (which[i])
                assert_string_equal(rows[k].township_code, which[i]);
        arena_cleanup(&a);
        assert_int_equal(rfig(r, "village_training", "villages_covered"), n);
        assert_int_equal(n, want[i]);
        assert_int_equal(rfig(r, "village_training", "persons"), persons[i]);
        free(r);
    }
}

/* --- ratings ---------------------------------------------------------- */

static void
the_ranking_lists_too_few_ratings_after_the_ranked(void **state)
{
    struct fx *f = *state;
    int64_t p = program(f, 0, "themed_class");
    int64_t many = session(f, p, "2026-05-04T09:00", 2, f->county_a);
    int64_t one = session(f, p, "2026-05-05T09:00", 2, f->county_b);
    /* Ten ratings of 80 for a, one of 100 for b. */
    for (int i = 0; i < 11; i++) {
        int64_t who = member(f, HOME, NULL), s = i < 10 ? many : one;
        int v = i < 10 ? 80 : 100;
        const int sc[4] = {v, v, v, v};
        attend(f, s, who);
        json_t *out = NULL;
        assert_int_equal(
            class_evaluate(f->t->db, f->t->keys, s, who, sc, 0, &out), 0);
        json_decref(out);
    }
    struct report_filter rf = {NULL, NULL, f->from, f->to};
    struct arena a;
    arena_init(&a, 0);
    struct ranked_teacher *rows;
    size_t n;
    struct eval_totals sum;
    assert_int_equal(report_ranking(f->t->db, &a, &rf, &rows, &n, &sum), 0);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].teacher_id, f->county_a);
    assert_int_equal(rows[0].rank, 1);
    assert_false(rows[0].too_few);
    assert_int_equal(rows[1].teacher_id, f->county_b);
    assert_int_equal(rows[1].rank, 0); /* not ranked */
    assert_true(rows[1].too_few);
    assert_int_equal(sum.evaluations, 11);
    assert_int_equal(sum.evaluators, 11);
    assert_int_equal(sum.excellent, 1);
    arena_cleanup(&a);
    /* The report counts the same evaluations. */
    struct report *r = report(f, NULL, f->from, f->to);
    assert_int_equal(rfig(r, NULL, "evaluations"), sum.evaluations);
    assert_int_equal(rfig(r, NULL, "excellent"), 1);
    assert_true(r->v[RK_EXCELLENCE_RATE].known);
    assert_float_equal(r->v[RK_EXCELLENCE_RATE].rate, 1.0 / 11, 1e-9);
    assert_float_equal(sum.rate, 1.0 / 11, 1e-9);
    assert_true(r->v[RK_EXCELLENCE_TOO_FEW].known);
    assert_false(r->v[RK_EXCELLENCE_TOO_FEW].n);
    free(r);
    /* Another township has none: no rate, and too few. */
    r = report(f, OTHER, f->from, f->to);
    assert_int_equal(rfig(r, NULL, "evaluations"), 0);
    assert_false(r->v[RK_EXCELLENCE_RATE].known);
    assert_true(r->v[RK_EXCELLENCE_TOO_FEW].n);
    free(r);
}

static void
the_ranking_of_a_module_counts_its_courses_sessions_only(void **state)
{
    struct fx *f = *state;
    int64_t p = program(f, 0, "themed_class");
    struct class_input in = {.program_id = p,
                             .teacher_id = f->county_a,
                             .course_id = f->course, /* politics */
                             .starts_at = dbt_time("2026-05-04T09:00"),
                             .half_hours = 4,
                             .capacity = 10,
                             .place = "会议室"};
    in.ends_at = in.starts_at + 2 * 3600;
    struct field_error e = {0};
    int64_t with_course, without;
    assert_int_equal(
        class_create(f->t->db, &in, false, &dbt_who, &with_course, &e), 0);
    without = session(f, p, "2026-05-05T09:00", 2, f->county_b);
    const int sc[4] = {85, 85, 85, 85};
    for (int i = 0; i < 2; i++) {
        int64_t s = i ? without : with_course, who = member(f, HOME, NULL);
        attend(f, s, who);
        json_t *out = NULL;
        assert_int_equal(
            class_evaluate(f->t->db, f->t->keys, s, who, sc, 0, &out), 0);
        json_decref(out);
    }
    static const struct {
        const char *module;
        size_t n;
    } cases[] = {{NULL, 2}, {"politics", 1}, {"health", 0}};
    for (size_t i = 0; i < 3; i++) {
        struct report_filter rf = {NULL, cases[i].module, f->from, f->to};
        struct arena a;
        arena_init(&a, 0);
        struct ranked_teacher *rows;
        size_t n;
        struct eval_totals sum;
        assert_int_equal(report_ranking(f->t->db, &a, &rf, &rows, &n, &sum),
                         0);
        assert_int_equal(n, cases[i].n);
        assert_int_equal(sum.evaluations, (int64_t)cases[i].n);
        if (cases[i].n == 1)
            assert_int_equal(rows[0].teacher_id, f->county_a);
        arena_cleanup(&a);
    }
}

/* --- what is not built yet -------------------------------------------- */

static void
figures_not_built_yet_are_null_not_zero(void **state)
{
    struct fx *f = *state;
    struct report *r = report(f, NULL, f->from, f->to);
    /* Each key where the contract puts it: {parent, key}, parent NULL
     * for the top level. */
    static const char *const nulls[][2] = {
        {NULL, "funds_allocated_fen"},
        {NULL, "funds_spent_fen"},
        {NULL, "funds_spent_by_category"},
        {NULL, "routes"},
        {NULL, "sites"},
        {NULL, "onsite_trainees"},
        {NULL, "activities_by_type"},
        {NULL, "health_checks"},
        {NULL, "commendation_meetings"},
        {NULL, "pioneer_orgs"},
        {NULL, "pioneer_members"},
        {NULL, "enterprises"},
        {NULL, "talents"},
        {"village_training", "exam_pass_rate"},
        {"skills", "employed"},
        {"skills", "income_gain_fen"}};
    for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
        if (r->v[key_of(nulls[i][0], nulls[i][1])].known)
            fail_msg("%s is not null", nulls[i][1]);
    /* And every other key is counted: nothing is null by mistake, but
     * the excellence rate of no evaluations. */
    assert_int_equal(rfig(r, NULL, "evaluations"), 0);
    int known = !r->v[RK_EXCELLENCE_RATE].known;
    for (int k = 0; k < RK_N; k++)
        known += r->v[k].known;
    assert_int_equal(known + (int)(sizeof(nulls) / sizeof(nulls[0])), RK_N);
    /* Every program type is present, with zeros when nothing was held. */
    for (const struct program_type *t = program_types; t->code; t++)
        assert_int_equal(by_type(r, t->code, "sessions"), 0);
    free(r);
}

/* Every key of the report is declared once, labelled in both languages,
 * under a parent that is a group at the top; a figure on the page has its
 * own element id. */
static void
every_key_of_the_report_is_labelled_once(void **state)
{
    (void)state;
    for (int a = 0; a < RK_N; a++) {
        const struct report_key *k = &report_keys[a];
        if (k->key == NULL || !*k->label || !*k->label_en)
            fail_msg("report key %d has no key or label", a);
        int p = report_parent(a);
        if (k->parent && (p < 0 || report_keys[p].as != RA_GROUP))
            fail_msg("%s's parent %s is no group", k->key, k->parent);
        if ((k->part != RP_NONE) != (k->id != NULL))
            fail_msg("%s is on the page without an id, or the reverse",
                     k->key);
        for (int b = a + 1; b < RK_N; b++) {
            const struct report_key *o = &report_keys[b];
            if (strcmp(k->key, o->key) == 0 && report_parent(a) ==
                                                   report_parent(b))
                fail_msg("report key %s declared twice", k->key);
            if (k->id && o->id && strcmp(k->id, o->id) == 0)
                fail_msg("element id %s used twice", k->id);
        }
    }
    for (int m = 0; m < REPORT_MEASURES; m++)
        assert_true(*report_measures[m].label && *report_measures[m].label_en);
    assert_string_equal(report_keys[key_of("village_training", "persons")].label,
                        "村两委干部参训人数");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
/* The roster's count per township (migration 15's triggers) after
 * every kind of write to people: a new person, a void, a move to another
 * township, a person made void at once, a deletion. */
static void
roster_counts_follow_every_write(void **state)
{
    struct fx *f = *state;
    struct dbt *t = f->t;
    int64_t a = dbt_person(t, HOME, "member", NULL, NULL);
    int64_t b = dbt_person(t, HOME, "member", NULL, NULL);
    dbt_person(t, OTHER, "probationary", NULL, NULL);
    dbt_exec(t, "UPDATE people SET voided_at = 1 WHERE id = %lld",
             (long long)a);
    dbt_exec(t, "UPDATE people SET township_code = '%s' WHERE id = %lld",
             OTHER, (long long)b);
    int64_t c = dbt_person(t, THIRD, "member", NULL, NULL);
    dbt_exec(t, "UPDATE people SET voided_at = 2 WHERE id = %lld",
             (long long)c);
    dbt_exec(t, "UPDATE people SET voided_at = NULL WHERE id = %lld",
             (long long)c); /* undone (as a restore would) */
    int64_t d = dbt_person(t, THIRD, "member", NULL, NULL);
    dbt_exec(t, "DELETE FROM people WHERE id = %lld", (long long)d);
    const char *which[] = {NULL, HOME, OTHER, THIRD};
    const int64_t want[] = {3, 0, 2, 1};
    for (size_t i = 0; i < 4; i++) {
        struct org_counts oc;
        assert_int_equal(org_counts(t->db, which[i], &oc), 0);
        assert_int_equal(oc.people, want[i]);
        if (which[i])
            assert_int_equal(dbt_int(t,
                                     "SELECT COUNT(*) FROM people WHERE "
                                     "voided_at IS NULL AND township_code "
                                     "= '%s'",
                                     which[i]),
                             want[i]);
    }
}

static const struct CMUnitTest tests[] = {
    T(roster_counts_follow_every_write),
    T(every_key_of_the_report_is_labelled_once),
    T(schools_and_the_11n_figure_equal_the_school_list),
    T(rooms_teachers_and_courses_equal_their_lists),
    T(themed_classes_are_those_with_a_session_in_the_period),
    T(sessions_and_attendance_by_type_equal_the_session_list),
    T(orders_are_those_placed_in_the_period),
    T(study_hours_meeting_the_target_equal_the_hours_list),
    T(study_hours_follow_every_write_though_kept),
    T(the_hours_list_pages_in_name_order),
    T(the_default_period_is_the_calendar_year_to_date),
    T(covered_villages_are_those_whose_people_attended_cadre_training),
    T(the_ranking_lists_too_few_ratings_after_the_ranked),
    T(the_ranking_of_a_module_counts_its_courses_sessions_only),
    T(figures_not_built_yet_are_null_not_zero),
};
#undef T

UNIT_GROUP(report_group, "report", tests);

/*
 * test_kind.c - records of a declared kind (domain/kind.c over the
 * statements db/kindsql.c builds), on a real temporary SQLite file, with
 * the village kind: every bad field reported at once, the list's filter,
 * search, sort and paging with its total, a record by id, and the
 * audited create, update and void; with the organisation kind, fields
 * that name rows of other tables; with the room kind, a record in the
 * township of the row it names, whole numbers and a list's switch.
 */
#include "unit.h"

#include "../../src/core/arena.h"
#include "../../src/core/err.h"
#include "../../src/db/db.h"
#include "../../src/domain/kind.h"
#include "../../src/domain/teaching.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fixture {
    char path[64];
    struct db *db;
    struct arena a;
};

static const struct audit_who who = {0, "tester", "county_admin",
                                     "127.0.0.1", "cli"};

/* Field indexes of the village kind. */
enum { F_CODE, F_NAME, F_TOWNSHIP };

static int
setup(void **state)
{
    assert_int_equal(kinds_init(), 0);
    struct fixture *f = calloc(1, sizeof(*f));
    snprintf(f->path, sizeof(f->path), "/tmp/dxkindXXXXXX");
    int fd = mkstemp(f->path);
    close(fd);
    char err[256];
    if (db_open(f->path, &f->db, err, sizeof(err)) != 0 ||
        db_migrate(f->db) != 0 || db_check_queries(f->db) != 0) {
        fprintf(stderr, "setup: %s %s\n", err, f->db ? db_errmsg(f->db) : "");
        return -1;
    }
    arena_init(&f->a, 0);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    arena_cleanup(&f->a);
    db_close(f->db);
    unlink(f->path);
    free(f);
    return 0;
}

static void
village(struct kval v[KIND_MAX_FIELDS], const char *code, const char *name,
        const char *township)
{
    for (int i = 0; i < KIND_MAX_FIELDS; i++)
        v[i] = (struct kval){KV_ABSENT, NULL};
    if (code)
        v[F_CODE] = (struct kval){KV_TEXT, code};
    if (name)
        v[F_NAME] = (struct kval){KV_TEXT, name};
    if (township)
        v[F_TOWNSHIP] = (struct kval){KV_TEXT, township};
}

static bool
has_error(const struct kerrors *e, const char *field, const char *code)
{
    for (size_t i = 0; i < e->n; i++)
        if (strcmp(e->e[i].field, field) == 0 &&
            strcmp(e->e[i].code, code) == 0)
            return true;
    return false;
}

static void
every_bad_field_is_reported_at_once(void **state)
{
    struct fixture *f = *state;
    struct kval v[KIND_MAX_FIELDS];
    struct kerrors e;
    village(v, "12ab", "   ", "999999999");
    assert_int_equal(kind_check(f->db, &kind_village, v, NULL, &e),
                     ERR_INVAL);
    assert_int_equal(e.n, 3);
    assert_true(has_error(&e, "code", "invalid_field"));
    assert_true(has_error(&e, "name", "invalid_field"));
    assert_true(has_error(&e, "township_code", "invalid_field"));
    /* Missing required fields, and a control character. */
    village(v, NULL, "村\x1b名", NULL);
    assert_int_equal(kind_check(f->db, &kind_village, v, NULL, &e),
                     ERR_INVAL);
    assert_int_equal(e.n, 2);
    assert_true(has_error(&e, "name", "invalid_field"));
    assert_true(has_error(&e, "township_code", "missing_field"));
    /* Too long by characters, not bytes: 64 Chinese characters pass. */
    char name[65 * 3 + 1];
    for (int i = 0; i < 65; i++)
        memcpy(name + 3 * i, "村", 3);
    name[64 * 3] = '\0';
    village(v, NULL, name, "371723001");
    assert_int_equal(kind_check(f->db, &kind_village, v, NULL, &e), 0);
    name[64 * 3] = name[0]; /* the 65th 村 back */
    name[65 * 3] = '\0';
    assert_int_equal(kind_check(f->db, &kind_village, v, NULL, &e),
                     ERR_INVAL);
    assert_true(has_error(&e, "name", "invalid_field"));
    /* An update may give only what it may change: not a code, and no
     * required field emptied. */
    struct krecord old = {.id = 1};
    village(v, NULL, "新名", NULL);
    assert_int_equal(kind_check(f->db, &kind_village, v, &old, &e), 0);
    village(v, "371723001555", "新名", NULL);
    assert_int_equal(kind_check(f->db, &kind_village, v, &old, &e),
                     ERR_INVAL);
    assert_int_equal(e.n, 1);
    assert_true(has_error(&e, "code", "invalid_field"));
    village(v, NULL, NULL, NULL);
    v[F_NAME].is = KV_NULL;
    assert_int_equal(kind_check(f->db, &kind_village, v, &old, &e),
                     ERR_INVAL);
    assert_true(has_error(&e, "name", "invalid_field"));
}

static void
create_get_update_void_are_audited(void **state)
{
    struct fixture *f = *state;
    struct kval v[KIND_MAX_FIELDS];
    struct kerrors e;
    int64_t id, id2;
    village(v, "371723001901", "单元测试村", "371723001");
    assert_int_equal(kind_create(f->db, &kind_village, v, false, &who, &id,
                                 &e),
                     0);
    /* The code is unique: the second is a conflict on code. */
    village(v, "371723001901", "另一个村", "371723001");
    assert_int_equal(kind_create(f->db, &kind_village, v, false, &who, &id2,
                                 &e),
                     ERR_CONFLICT);
    assert_true(has_error(&e, "code", "conflict"));
    struct krecord r;
    assert_int_equal(kind_get(f->db, &f->a, &kind_village, id, &r), 0);
    assert_string_equal(r.v[F_NAME].s, "单元测试村");
    assert_string_equal(r.name[F_TOWNSHIP], "文亭街道");
    assert_false(r.voided);
    village(v, NULL, "改名村", NULL);
    assert_int_equal(kind_update(f->db, &kind_village, &r, v, &who, &e), 0);
    assert_int_equal(kind_get(f->db, &f->a, &kind_village, id, &r), 0);
    assert_string_equal(r.v[F_NAME].s, "改名村");
    /* The same name again writes nothing (no second audit row below);
     * nothing given is an error. */
    assert_int_equal(kind_update(f->db, &kind_village, &r, v, &who, &e), 0);
    village(v, NULL, NULL, NULL);
    assert_int_equal(kind_update(f->db, &kind_village, &r, v, &who, &e),
                     ERR_INVAL);
    assert_int_equal(kind_void(f->db, &kind_village, id, "撤村并居", &who),
                     0);
    assert_int_equal(kind_get(f->db, &f->a, &kind_village, id, &r), 0);
    assert_true(r.voided);
    assert_string_equal(r.void_reason, "撤村并居");
    /* A voided record is neither changed nor voided again. */
    village(v, NULL, "再改", NULL);
    assert_int_equal(kind_update(f->db, &kind_village, &r, v, &who, &e),
                     ERR_NOTFOUND);
    assert_int_equal(kind_void(f->db, &kind_village, id, "again", &who),
                     ERR_NOTFOUND);
    assert_int_equal(kind_get(f->db, &f->a, &kind_village, 987654, &r),
                     ERR_NOTFOUND);
    /* Each write left its audit row. */
    int64_t n;
    assert_int_equal(db_int1(f->db, Q_AUDIT_COUNT, &n, "sssii", "village_create",
                             (const char *)NULL, (const char *)NULL,
                             (int64_t)0, INT64_MAX),
                     0);
    assert_int_equal(n, 1);
    assert_int_equal(db_int1(f->db, Q_AUDIT_COUNT, &n, "sssii", "village_update",
                             (const char *)NULL, (const char *)NULL,
                             (int64_t)0, INT64_MAX),
                     0);
    assert_int_equal(n, 1);
    assert_int_equal(db_int1(f->db, Q_AUDIT_COUNT, &n, "sssii", "village_void",
                             (const char *)NULL, (const char *)NULL,
                             (int64_t)0, INT64_MAX),
                     0);
    assert_int_equal(n, 1);
}

static void
lists_filter_search_sort_and_page(void **state)
{
    struct fixture *f = *state;
    static const char *const rows[][3] = {
        {"371723001801", "乙村", "371723001"},
        {"371723001802", "甲村", "371723001"},
        {"371723002801", "丙村", "371723002"},
        {NULL, "甲乙社区", "371723002"},
    };
    struct kval v[KIND_MAX_FIELDS];
    struct kerrors e;
    int64_t id;
    for (size_t i = 0; i < 4; i++) {
        village(v, rows[i][0], rows[i][1], rows[i][2]);
        assert_int_equal(kind_create(f->db, &kind_village, v, false, &who,
                                     &id, &e),
                         0);
    }
    struct klist l = {.sort = -1, .page = 1, .per_page = 10};
    struct krecord *out;
    size_t n;
    int64_t total;
    /* A township's own. */
    l.filter[F_TOWNSHIP] = "371723001";
    assert_int_equal(kind_list(f->db, &f->a, &kind_village, &l, &out, &n,
                               &total),
                     0);
    assert_int_equal(total, 2);
    assert_int_equal(n, 2);
    /* By a part of the name or of the code, county-wide. */
    l.filter[F_TOWNSHIP] = NULL;
    l.q = "甲";
    assert_int_equal(kind_list(f->db, &f->a, &kind_village, &l, &out, &n,
                               &total),
                     0);
    assert_int_equal(total, 2);
    l.q = "2801";
    assert_int_equal(kind_list(f->db, &f->a, &kind_village, &l, &out, &n,
                               &total),
                     0);
    assert_int_equal(total, 1);
    assert_string_equal(out[0].v[F_NAME].s, "丙村");
    /* SQL is text to a search. */
    l.q = "%' OR 1=1 --";
    assert_int_equal(kind_list(f->db, &f->a, &kind_village, &l, &out, &n,
                               &total),
                     0);
    assert_int_equal(total, 0);
    /* Sorted by code both ways, a record without one last either way. */
    l.q = NULL;
    assert_int_equal(kind_sort(&kind_village, "-code", &l.sort, &l.desc), 0);
    assert_true(l.desc);
    assert_int_equal(kind_list(f->db, &f->a, &kind_village, &l, &out, &n,
                               &total),
                     0);
    assert_int_equal(total, 4);
    assert_string_equal(out[0].v[F_CODE].s, "371723002801");
    assert_int_equal(out[3].v[F_CODE].is, KV_NULL);
    assert_int_equal(kind_sort(&kind_village, "code", &l.sort, &l.desc), 0);
    assert_int_equal(kind_list(f->db, &f->a, &kind_village, &l, &out, &n,
                               &total),
                     0);
    assert_string_equal(out[0].v[F_CODE].s, "371723001801");
    assert_int_equal(out[3].v[F_CODE].is, KV_NULL);
    /* Pages tile the list; the total is of all of it. */
    l.per_page = 3;
    l.page = 2;
    assert_int_equal(kind_list(f->db, &f->a, &kind_village, &l, &out, &n,
                               &total),
                     0);
    assert_int_equal(total, 4);
    assert_int_equal(n, 1);
    assert_int_equal(out[0].v[F_CODE].is, KV_NULL);
    /* Only declared sort fields. */
    assert_int_equal(kind_sort(&kind_village, "valid_to", &l.sort, &l.desc),
                     ERR_INVAL);
    assert_int_equal(kind_sort(&kind_village, "-", &l.sort, &l.desc),
                     ERR_INVAL);
    assert_int_equal(kind_sort(&kind_village, NULL, &l.sort, &l.desc), 0);
    assert_int_equal(l.sort, F_TOWNSHIP);
}

/* Field indexes of the organisation kind. */
enum { O_NAME, O_TYPE, O_TOWNSHIP, O_VILLAGE };

static void
org(struct kval v[KIND_MAX_FIELDS], const char *name, const char *type,
    const char *township, const char *village)
{
    const char *x[4] = {name, type, township, village};
    for (int i = 0; i < KIND_MAX_FIELDS; i++)
        v[i] = i < 4 && x[i] ? (struct kval){KV_TEXT, x[i]}
                             : (struct kval){KV_ABSENT, NULL};
}

/* The detail of the newest audit row of event. */
static char *
last_detail(struct fixture *f, const char *event)
{
    struct db_res *r = db_query(f->db, Q_AUDIT_LIST, "sssiiii", event,
                                (const char *)NULL, (const char *)NULL,
                                (int64_t)0, INT64_MAX, (int64_t)1,
                                (int64_t)0);
    assert_non_null(r);
    assert_int_equal(db_next(r), 1);
    char *d = strdup(db_text(r, 10));
    db_end(r);
    return d;
}

/* A field may name a row of a code list, or a record that must lie in
 * the record's own township; a null clears it, and the audit keeps each
 * change from and to. */
static void
refs_are_checked_named_and_cleared(void **state)
{
    struct fixture *f = *state;
    struct kval v[KIND_MAX_FIELDS];
    struct kerrors e;
    int64_t vid, vid2, id;
    village(v, "371723001701", "甲村", "371723001");
    assert_int_equal(kind_create(f->db, &kind_village, v, false, &who, &vid,
                                 &e),
                     0);
    village(v, "371723002701", "乙村", "371723002");
    assert_int_equal(kind_create(f->db, &kind_village, v, false, &who, &vid2,
                                 &e),
                     0);
    /* Another township's village and a type not on the list. */
    org(v, "甲村党支部", "club", "371723001", "371723002701");
    assert_int_equal(kind_create(f->db, &kind_org, v, false, &who, &id, &e),
                     ERR_INVAL);
    assert_int_equal(e.n, 2);
    assert_true(has_error(&e, "type", "invalid_field"));
    assert_true(has_error(&e, "village_code", "invalid_field"));
    org(v, "甲村党支部", "rural", "371723001", "371723001701");
    assert_int_equal(kind_create(f->db, &kind_org, v, false, &who, &id, &e),
                     0);
    struct krecord r;
    assert_int_equal(kind_get(f->db, &f->a, &kind_org, id, &r), 0);
    assert_string_equal(r.name[O_TYPE], "农村党组织");
    assert_string_equal(r.name[O_VILLAGE], "甲村");
    assert_string_equal(r.name[O_TOWNSHIP], "文亭街道");
    /* The township is not changed by an edit; the village is cleared. */
    org(v, NULL, NULL, "371723002", NULL);
    assert_int_equal(kind_update(f->db, &kind_org, &r, v, &who, &e),
                     ERR_INVAL);
    assert_true(has_error(&e, "township_code", "invalid_field"));
    org(v, NULL, "community", NULL, NULL);
    v[O_VILLAGE].is = KV_NULL;
    assert_int_equal(kind_update(f->db, &kind_org, &r, v, &who, &e), 0);
    assert_int_equal(kind_get(f->db, &f->a, &kind_org, id, &r), 0);
    assert_int_equal(r.v[O_VILLAGE].is, KV_NULL);
    assert_string_equal(r.v[O_TYPE].s, "community");
    char *d = last_detail(f, "org_update");
    assert_string_equal(d, "{\"type\":{\"from\":\"rural\",\"to\":"
                           "\"community\"},\"village_code\":{\"from\":"
                           "\"371723001701\",\"to\":null}}");
    free(d);
    /* The choices: the type list in its order, a township's villages. */
    struct kchoice *c;
    size_t n;
    assert_int_equal(kind_choices(f->db, &f->a, &kind_org, O_TYPE, NULL, &c,
                                  &n),
                     0);
    assert_int_equal(n, 7);
    assert_string_equal(c[0].code, "rural");
    assert_int_equal(kind_choices(f->db, &f->a, &kind_org, O_VILLAGE,
                                  "371723002", &c, &n),
                     0);
    assert_int_equal(n, 1);
    assert_string_equal(c[0].name, "乙村");
    assert_int_equal(kind_choices(f->db, &f->a, &kind_org, O_NAME, NULL, &c,
                                  &n),
                     ERR_INVAL);
    /* A voided village can no longer be chosen, but still names. */
    assert_int_equal(kind_void(f->db, &kind_village, vid2, "撤村", &who), 0);
    assert_int_equal(kind_choices(f->db, &f->a, &kind_org, O_VILLAGE,
                                  "371723002", &c, &n),
                     0);
    assert_int_equal(n, 0);
}

/* Field indexes of the room kind. */
enum { R_SCHOOL, R_NAME, R_KIND, R_CAPACITY };

static void
room(struct kval v[KIND_MAX_FIELDS], const char *school, const char *name,
     const char *kind, const char *capacity)
{
    const char *x[4] = {school, name, kind, capacity};
    for (int i = 0; i < KIND_MAX_FIELDS; i++)
        v[i] = i < 4 && x[i] ? (struct kval){KV_TEXT, x[i]}
                             : (struct kval){KV_ABSENT, NULL};
}

/* A room names its school by id and lies in the school's township: the
 * record says which, a school admin's list is of it (?township=), a
 * switch keeps the function rooms, and a count counts what the list
 * shows. Whole numbers are checked against their bounds. */
static void
a_room_is_in_its_schools_township(void **state)
{
    struct fixture *f = *state;
    struct field_error fe;
    int64_t wen, yong, id;
    assert_int_equal(school_create(f->db, "371723001", "文亭街道党校", "",
                                   &who, &wen, &fe),
                     0);
    assert_int_equal(school_create(f->db, "371723002", "永昌街道党校", "",
                                   &who, &yong, &fe),
                     0);
    char ws[24], ys[24];
    snprintf(ws, sizeof(ws), "%lld", (long long)wen);
    snprintf(ys, sizeof(ys), "%lld", (long long)yong);
    struct kval v[KIND_MAX_FIELDS];
    struct kerrors e;
    /* No such school, a school named by text, a seat count out of
     * bounds or not a number: each its own error. */
    room(v, "99999", "教室", "classroom", "0");
    assert_int_equal(kind_check(f->db, &kind_room, v, NULL, &e), ERR_INVAL);
    assert_int_equal(e.n, 2);
    assert_true(has_error(&e, "school_id", "invalid_field"));
    assert_true(has_error(&e, "capacity", "invalid_field"));
    room(v, "文亭", "教室", "classroom", "12a");
    assert_int_equal(kind_check(f->db, &kind_room, v, NULL, &e), ERR_INVAL);
    assert_true(has_error(&e, "school_id", "invalid_field"));
    assert_true(has_error(&e, "capacity", "invalid_field"));
    room(v, ws, "教室", "classroom", "10001");
    assert_int_equal(kind_check(f->db, &kind_room, v, NULL, &e), ERR_INVAL);
    assert_true(has_error(&e, "capacity", "invalid_field"));
    /* The township of a room to be made is its school's. */
    const char *t;
    room(v, ys, "阅览室", "reading", "30");
    assert_int_equal(kind_township(f->db, &f->a, &kind_room, v, NULL, &t), 0);
    assert_string_equal(t, "371723002");
    assert_int_equal(kind_create(f->db, &kind_room, v, false, &who, &id, &e),
                     0);
    room(v, ws, "教室", "classroom", NULL);
    assert_int_equal(kind_create(f->db, &kind_room, v, false, &who, &id, &e),
                     0);
    room(v, ws, "棋牌室", "chess", "10000");
    assert_int_equal(kind_create(f->db, &kind_room, v, false, &who, &id, &e),
                     0);
    struct krecord r;
    assert_int_equal(kind_get(f->db, &f->a, &kind_room, id, &r), 0);
    assert_string_equal(r.township, "371723001");
    assert_string_equal(r.township_name, "文亭街道");
    assert_string_equal(r.name[R_SCHOOL], "文亭街道党校");
    assert_string_equal(r.name[R_KIND], "棋牌室");
    assert_string_equal(r.v[R_CAPACITY].s, "10000");
    /* A room stays in its school. */
    room(v, ys, NULL, NULL, NULL);
    assert_int_equal(kind_update(f->db, &kind_room, &r, v, &who, &e),
                     ERR_INVAL);
    assert_true(has_error(&e, "school_id", "invalid_field"));
    /* Lists: a township's, the function rooms, both; counts alike. */
    struct klist l = {.sort = -1, .page = 1, .per_page = 10};
    int fn = kind_switch_index(&kind_room, "function");
    assert_true(fn >= 0);
    assert_int_equal(kind_switch_index(&kind_room, "nosuch"), -1);
    struct krecord *rows;
    size_t n;
    int64_t total, count;
    assert_int_equal(kind_list(f->db, &f->a, &kind_room, &l, &rows, &n,
                               &total),
                     0);
    assert_int_equal(total, 3);
    l.township = "371723001";
    assert_int_equal(kind_list(f->db, &f->a, &kind_room, &l, &rows, &n,
                               &total),
                     0);
    assert_int_equal(total, 2);
    l.on[fn] = true;
    assert_int_equal(kind_list(f->db, &f->a, &kind_room, &l, &rows, &n,
                               &total),
                     0);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].v[R_KIND].s, "chess");
    assert_int_equal(kind_count(f->db, &kind_room, &l, &count), 0);
    assert_int_equal(count, 1);
    l.township = NULL;
    assert_int_equal(kind_count(f->db, &kind_room, &l, &count), 0);
    assert_int_equal(count, 2); /* 阅览室 and 棋牌室; no classroom */
    /* The totals row adds up the seats of the same rows, whatever the
     * page; the other fields are 0. */
    int64_t sum[KIND_MAX_FIELDS];
    l.per_page = 1;
    l.sum = sum;
    assert_int_equal(kind_list(f->db, &f->a, &kind_room, &l, &rows, &n,
                               &total),
                     0);
    assert_int_equal(sum[R_CAPACITY], 10030);
    assert_int_equal(sum[R_NAME], 0);
    l.on[fn] = false;
    l.township = "371723002";
    assert_int_equal(kind_count(f->db, &kind_room, &l, &count), 0);
    assert_int_equal(sum[R_CAPACITY], 30);
    /* The village kind adds nothing up. */
    struct klist vl = {.sort = -1, .page = 1, .per_page = 10, .sum = sum};
    sum[0] = 7;
    assert_int_equal(kind_count(f->db, &kind_village, &vl, &count), 0);
    assert_int_equal(sum[0], 0);
    /* Sorted by seats, most first; a room without a count last. */
    struct klist by = {.page = 1, .per_page = 10};
    assert_int_equal(kind_sort(&kind_room, "-capacity", &by.sort, &by.desc),
                     0);
    assert_int_equal(kind_list(f->db, &f->a, &kind_room, &by, &rows, &n,
                               &total),
                     0);
    assert_int_equal(n, 3);
    assert_string_equal(rows[0].v[R_CAPACITY].s, "10000");
    assert_string_equal(rows[1].v[R_CAPACITY].s, "30");
    assert_int_equal(rows[2].v[R_CAPACITY].is, KV_NULL);
    /* A school admin of 文亭 chooses among its own schools. */
    struct kchoice *c;
    assert_int_equal(kind_choices(f->db, &f->a, &kind_room, R_SCHOOL,
                                  "371723001", &c, &n),
                     0);
    assert_int_equal(n, 1);
    assert_string_equal(c[0].name, "文亭街道党校");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(a_room_is_in_its_schools_township,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(refs_are_checked_named_and_cleared,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(every_bad_field_is_reported_at_once,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(create_get_update_void_are_audited, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(lists_filter_search_sort_and_page, setup,
                                    teardown),
};

UNIT_GROUP(kind_group, "kind", tests);

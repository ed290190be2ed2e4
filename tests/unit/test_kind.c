/*
 * test_kind.c - records of a declared kind (domain/kind.c over the
 * statements db/kindsql.c builds), on a real temporary SQLite file, with
 * the village kind: every bad field reported at once, the list's filter,
 * search, sort and paging with its total, a record by id, and the
 * audited create, update and void.
 */
#include "unit.h"

#include "../../src/core/arena.h"
#include "../../src/core/err.h"
#include "../../src/db/db.h"
#include "../../src/domain/kind.h"

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
    assert_int_equal(kind_check(f->db, &kind_village, v, true, &e),
                     ERR_INVAL);
    assert_int_equal(e.n, 3);
    assert_true(has_error(&e, "code", "invalid_field"));
    assert_true(has_error(&e, "name", "invalid_field"));
    assert_true(has_error(&e, "township_code", "invalid_field"));
    /* Missing required fields, and a control character. */
    village(v, NULL, "村\x1b名", NULL);
    assert_int_equal(kind_check(f->db, &kind_village, v, true, &e),
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
    assert_int_equal(kind_check(f->db, &kind_village, v, true, &e), 0);
    name[64 * 3] = name[0]; /* the 65th 村 back */
    name[65 * 3] = '\0';
    assert_int_equal(kind_check(f->db, &kind_village, v, true, &e),
                     ERR_INVAL);
    assert_true(has_error(&e, "name", "invalid_field"));
    /* An update checks only what it may change: a code is not given. */
    village(v, "12ab", "新名", NULL);
    assert_int_equal(kind_check(f->db, &kind_village, v, false, &e), 0);
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
    assert_int_equal(kind_update(f->db, &kind_village, id, v, &who, &e), 0);
    assert_int_equal(kind_get(f->db, &f->a, &kind_village, id, &r), 0);
    assert_string_equal(r.v[F_NAME].s, "改名村");
    /* Nothing to change. */
    village(v, NULL, NULL, NULL);
    assert_int_equal(kind_update(f->db, &kind_village, id, v, &who, &e),
                     ERR_INVAL);
    assert_int_equal(kind_void(f->db, &kind_village, id, "撤村并居", &who),
                     0);
    assert_int_equal(kind_get(f->db, &f->a, &kind_village, id, &r), 0);
    assert_true(r.voided);
    assert_string_equal(r.void_reason, "撤村并居");
    /* A voided record is neither changed nor voided again. */
    village(v, NULL, "再改", NULL);
    assert_int_equal(kind_update(f->db, &kind_village, id, v, &who, &e),
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

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(every_bad_field_is_reported_at_once,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(create_get_update_void_are_audited, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(lists_filter_search_sort_and_page, setup,
                                    teardown),
};

UNIT_GROUP(kind_group, "kind", tests);

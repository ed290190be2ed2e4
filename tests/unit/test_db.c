/*
 * test_db.c - the SQLite backend on a real temporary file: migrations,
 * every query prepares, transactions, unique conflicts, the audit chain
 * (append, verify, tamper detection) and the online backup.
 */
#include "unit.h"

#include "../../src/core/err.h"
#include "../../src/db/db.h"
#include "../../src/domain/audit.h"
#include "../../src/domain/auth.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fixture {
    char path[64];
    struct db *db;
};

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    snprintf(f->path, sizeof(f->path), "/tmp/dxunitXXXXXX");
    int fd = mkstemp(f->path);
    close(fd);
    char err[256];
    if (db_open(f->path, &f->db, err, sizeof(err)) != 0 ||
        db_migrate(f->db) != 0) {
        fprintf(stderr, "setup: %s\n", err);
        return -1;
    }
    struct auth_settings s = {.lockout_threshold = 5,
                              .lockout_seconds = 1800,
                              .idle_seconds = 1800,
                              .absolute_seconds = 43200,
                              .password_max_age_days = 90,
                              .opslimit = 1,
                              .memlimit = 8192 * 1024};
    auth_configure(&s);
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

/* A database that took migration 10 before 9 existed (9 was on another
 * branch): 9 still runs when it arrives, and 10 does not run again. */
static void
migrations_merged_out_of_order_still_run(void **state)
{
    struct fixture *f = *state;
    int v = db_schema_version(f->db);
    assert_true(v >= 10);
    assert_int_equal(db_exec_script(f->db,
                                    "DROP TABLE survey_answers;"
                                    "DROP TABLE survey_responses;"
                                    "DROP TABLE survey_questions;"
                                    "DROP TABLE surveys;"
                                    "DELETE FROM schema_migrations "
                                    "WHERE version = 9"),
                     0);
    assert_int_equal(db_migrate(f->db), 0);
    assert_int_equal(db_schema_version(f->db), v);
    assert_int_equal(db_check_queries(f->db), 0); /* survey queries prepare */
    assert_int_equal(db_exec_script(f->db, "SELECT COUNT(*) FROM surveys"),
                     0);
}

static void
migrations_and_queries(void **state)
{
    struct fixture *f = *state;
    int v = db_schema_version(f->db);
    assert_true(v >= 2);
    assert_int_equal(db_migrate(f->db), 0); /* idempotent */
    assert_int_equal(db_schema_version(f->db), v);
    assert_int_equal(db_check_queries(f->db), 0);
    int64_t n;
    assert_int_equal(db_int1(f->db, Q_TOWNSHIP_COUNT, &n, ""), 0);
    assert_int_equal(n, 13);
}

/* A call whose parameters differ from the table's declaration is refused
 * before anything is read or bound: the defect that shipped once was an
 * AUDIT_COUNT given 4 of its 5 parameters. */
static void
undeclared_parameters_are_refused(void **state)
{
    struct fixture *f = *state;
    /* The ids go through variables, as a dynamic call's would, so that
     * tests/lint/queries.test.mjs (which refuses these calls in the
     * source) leaves them to the check at run time. */
    enum query count = Q_AUDIT_COUNT, towns = Q_TOWNSHIP_COUNT,
               del = Q_SESSION_DELETE;
    int64_t n = -1;
    assert_int_equal(db_int1(f->db, count, &n, "ssii", (const char *)NULL,
                             (const char *)NULL, (int64_t)0, INT64_MAX),
                     ERR_INVAL);
    assert_non_null(strstr(db_errmsg(f->db), "declared \"sssii\""));
    assert_int_equal(n, -1);
    assert_null(db_query(f->db, towns, "i", (int64_t)1));
    assert_true(db_exec(f->db, del, "s", "1") < 0);
    assert_int_equal(db_last_err(f->db), ERR_INVAL);
    /* The declared list is taken. */
    assert_int_equal(db_int1(f->db, count, &n, "sssii", (const char *)NULL,
                             (const char *)NULL, (const char *)NULL,
                             (int64_t)0, INT64_MAX),
                     0);
}

static void
unique_violation_is_conflict(void **state)
{
    struct fixture *f = *state;
    int64_t id;
    assert_int_equal(db_int1(f->db, Q_VILLAGE_INSERT, &id, "ssssii",
                             "371723001999", "测试村", "371723001",
                             "2026-01-01", (int64_t)0, (int64_t)1),
                     0);
    assert_int_equal(db_int1(f->db, Q_VILLAGE_INSERT, &id, "ssssii",
                             "371723001999", "测试村", "371723001",
                             "2026-01-01", (int64_t)0, (int64_t)1),
                     ERR_CONFLICT);
    /* A foreign key to a township that does not exist fails too. */
    assert_true(db_int1(f->db, Q_VILLAGE_INSERT, &id, "ssssii",
                        (const char *)NULL, "x", "999999999", "2026-01-01",
                        (int64_t)0, (int64_t)1) < 0);
}

static void
rollback_undoes(void **state)
{
    struct fixture *f = *state;
    int64_t before, after, id;
    db_int1(f->db, Q_VILLAGE_COUNT, &before, "ss", (const char *)NULL,
            (const char *)NULL);
    assert_int_equal(db_begin(f->db), 0);
    assert_int_equal(db_int1(f->db, Q_VILLAGE_INSERT, &id, "ssssii",
                             (const char *)NULL, "回滚村", "371723002",
                             "2026-01-01", (int64_t)0, (int64_t)1),
                     0);
    db_rollback(f->db);
    db_int1(f->db, Q_VILLAGE_COUNT, &after, "ss", (const char *)NULL,
            (const char *)NULL);
    assert_int_equal(before, after);
}

struct counts {
    int tables;
    int64_t townships, villages, weird;
};

static void
count_one(const char *table, int64_t rows, void *ctx)
{
    struct counts *c = ctx;
    c->tables++;
    if (strcmp(table, "townships") == 0)
        c->townships = rows;
    else if (strcmp(table, "villages") == 0)
        c->villages = rows;
    else if (strcmp(table, "we\"ird; x") == 0)
        c->weird = rows;
}

/* db counts: every table of the catalogue, a new one included, even one
 * whose name needs quoting. */
static void
table_counts_follow_the_catalogue(void **state)
{
    struct fixture *f = *state;
    struct counts c = {0, -1, -1, -1};
    assert_int_equal(db_table_counts(f->db, count_one, &c), 0);
    assert_true(c.tables >= 20);
    assert_int_equal(c.townships, 13);
    assert_int_equal(c.villages, 0);
    assert_int_equal(c.weird, -1);
    int64_t id;
    assert_int_equal(db_int1(f->db, Q_VILLAGE_INSERT, &id, "ssssii",
                             (const char *)NULL, "计数村", "371723001",
                             "2026-01-01", (int64_t)0, (int64_t)1),
                     0);
    assert_int_equal(db_exec_script(f->db,
                                    "CREATE TABLE \"we\"\"ird; x\"(a);"
                                    "INSERT INTO \"we\"\"ird; x\" "
                                    "VALUES (1), (2)"),
                     0);
    int before = c.tables;
    c = (struct counts){0, -1, -1, -1};
    assert_int_equal(db_table_counts(f->db, count_one, &c), 0);
    assert_int_equal(c.tables, before + 1);
    assert_int_equal(c.villages, 1);
    assert_int_equal(c.weird, 2);
}

static void
audit_chain_detects_tampering(void **state)
{
    struct fixture *f = *state;
    struct audit_who w = {0, "tester", "county_admin", "127.0.0.1", "cli"};
    for (int i = 0; i < 5; i++)
        assert_int_equal(audit_record(f->db, &w, "test_event", "x", true,
                                      "{\"n\":1}"),
                         0);
    int64_t rows, bad;
    char why[128];
    assert_int_equal(audit_verify(f->db, &rows, &bad, why, sizeof(why)), 0);
    assert_true(rows >= 5);
    /* The triggers refuse an edit and a delete of a fresh row. */
    sqlite3 *h;
    assert_int_equal(sqlite3_open(f->path, &h), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(h,
                                      "UPDATE audit_log SET object='y' "
                                      "WHERE id=3",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(h, "DELETE FROM audit_log WHERE id=3",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
    /* Someone with the file drops the trigger and edits row 3. */
    assert_int_equal(sqlite3_exec(h,
                                  "DROP TRIGGER audit_no_update;"
                                  "UPDATE audit_log SET success=0 "
                                  "WHERE id=3",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(h);
    assert_int_equal(audit_verify(f->db, &rows, &bad, why, sizeof(why)),
                     ERR_INVAL);
    assert_int_equal(bad, 3);
    assert_int_equal(rows, 2);
}

static void
backup_copies_the_database(void **state)
{
    struct fixture *f = *state;
    char path[80];
    snprintf(path, sizeof(path), "%s.bak", f->path);
    assert_int_equal(db_backup(f->db, path), 0);
    struct db *copy;
    char err[256];
    assert_int_equal(db_open(path, &copy, err, sizeof(err)), 0);
    int64_t n;
    assert_int_equal(db_int1(copy, Q_TOWNSHIP_COUNT, &n, ""), 0);
    assert_int_equal(n, 13);
    db_close(copy);
    unlink(path);
    char p[96];
    snprintf(p, sizeof(p), "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", path);
    unlink(p);
}

static void
users_and_lockout(void **state)
{
    struct fixture *f = *state;
    struct audit_who w = {0, "tester", "", "127.0.0.1", "cli"};
    int64_t id;
    struct user_error e = {0};
    struct user_new u = {"ann", "Str0ng!Pass", "school_admin", "371723001",
                         0, USER_BY_API};
    assert_int_equal(auth_user_create(f->db, &u, &w, &id, &e), 0);
    u.role = "county_admin";
    u.township_code = NULL;
    assert_int_equal(auth_user_create(f->db, &u, &w, &id, &e), ERR_CONFLICT);
    u = (struct user_new){"bob", "Str0ng!Pass", "school_admin", NULL, 0,
                          USER_BY_API};
    assert_int_equal(auth_user_create(f->db, &u, &w, &id, &e), ERR_NOTFOUND);
    assert_string_equal(e.field, "township_code");
    u = (struct user_new){"bob", "weak", "county_admin", NULL, 0,
                          USER_BY_API};
    assert_int_equal(auth_user_create(f->db, &u, &w, &id, &e), ERR_RANGE);
    /* The three administrators only from the console. */
    u = (struct user_new){"carl", "Str0ng!Pass", "secadmin", NULL, 0,
                          USER_BY_API};
    assert_int_equal(auth_user_create(f->db, &u, &w, &id, &e), ERR_DENIED);
    assert_string_equal(e.code, "admin_role_console_only");
    u.origin = USER_BY_CONSOLE;
    assert_int_equal(auth_user_create(f->db, &u, &w, &id, &e), 0);
    struct arena a;
    arena_init(&a, 0);
    struct login_result res;
    for (int i = 0; i < 5; i++) {
        assert_int_equal(auth_login(f->db, &a, "ann", "wrong", &w, &res), 0);
        assert_int_equal(res.outcome, LOGIN_BAD);
    }
    assert_int_equal(auth_login(f->db, &a, "ann", "Str0ng!Pass", &w, &res),
                     0);
    assert_int_equal(res.outcome, LOGIN_LOCKED);
    assert_true(res.retry_after > 0);
    /* A name with no account locks the same way, after as many. */
    for (int i = 0; i < 5; i++) {
        assert_int_equal(auth_login(f->db, &a, "nobody", "wrong", &w, &res),
                         0);
        assert_int_equal(res.outcome, LOGIN_BAD);
    }
    assert_int_equal(auth_login(f->db, &a, "nobody", "x", &w, &res), 0);
    assert_int_equal(res.outcome, LOGIN_LOCKED);
    arena_cleanup(&a);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(migrations_and_queries, setup, teardown),
    cmocka_unit_test_setup_teardown(undeclared_parameters_are_refused, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(migrations_merged_out_of_order_still_run,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(unique_violation_is_conflict, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(rollback_undoes, setup, teardown),
    cmocka_unit_test_setup_teardown(table_counts_follow_the_catalogue, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(audit_chain_detects_tampering, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(backup_copies_the_database, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(users_and_lockout, setup, teardown),
};

UNIT_GROUP(db_group, "db", tests);

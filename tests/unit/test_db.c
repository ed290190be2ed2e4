/*
 * test_db.c - the SQLite backend on a real temporary file: migrations,
 * every query prepares, transactions, unique conflicts, the audit chain
 * (append, verify, tamper detection) and the online backup.
 */
#include "unit.h"

#include "../../src/core/err.h"
#include "../../src/core/util.h"
#include "../../src/db/db.h"
#include "../../src/domain/audit.h"
#include "../../src/domain/auth.h"
#include "../../src/domain/classes.h"
#include "../../src/domain/org.h"

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

/* --- the keyed audit chain ------------------------------------------ */

#define GENESIS64                                                          \
    "00000000000000000000000000000000"                                     \
    "00000000000000000000000000000000"

/* Runs sql on the file with a connection of its own, as someone holding
 * the file but not the key would. */
static void
tamper(struct fixture *f, const char *sql)
{
    sqlite3 *h;
    assert_int_equal(sqlite3_open(f->path, &h), SQLITE_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(h, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fprintf(stderr, "tamper: %s: %s\n", sql, msg);
    sqlite3_free(msg);
    sqlite3_close(h);
    assert_int_equal(rc, SQLITE_OK);
}

/* The chain keyed, then n more rows. */
static void
keyed_chain(struct fixture *f, int n)
{
    bool now;
    assert_int_equal(audit_ensure_keyed(f->db, true, &now), 0);
    assert_true(now);
    struct audit_who w = {0, "tester", "county_admin", "127.0.0.1", "cli"};
    for (int i = 0; i < n; i++)
        assert_int_equal(audit_record(f->db, &w, "test_event", "x", true,
                                      "{\"n\":1}"),
                         0);
}

/* Recomputes rows from..last as an attacker would: a plain SM3 chain
 * (key NULL), or a MAC under a key of their own, with mac as the column.
 * event, when not NULL, replaces every row's event first. */
static void
rechain(struct fixture *f, int64_t from, int64_t to, const unsigned char *key,
        const char *mac, const char *event)
{
    sqlite3 *h;
    assert_int_equal(sqlite3_open(f->path, &h), SQLITE_OK);
    sqlite3_exec(h, "DROP TRIGGER IF EXISTS audit_no_update", NULL, NULL,
                 NULL);
    char prev[65] = GENESIS64;
    sqlite3_stmt *st;
    if (from > 1) {
        sqlite3_prepare_v2(h, "SELECT hash FROM audit_log WHERE id = ?", -1,
                           &st, NULL);
        sqlite3_bind_int64(st, 1, from - 1);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        snprintf(prev, sizeof(prev), "%s", sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    sqlite3_prepare_v2(h,
                       "SELECT id, at, user_id, username, role, event, "
                       "object, success, ip, client, detail FROM audit_log "
                       "WHERE id BETWEEN ? AND ? ORDER BY id",
                       -1, &st, NULL);
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    struct {
        struct audit_row r;
        char text[7][128];
    } rows[64];
    int n = 0;
    while (n < 64 && sqlite3_step(st) == SQLITE_ROW) {
        struct audit_row *r = &rows[n].r;
        r->id = sqlite3_column_int64(st, 0);
        r->at = sqlite3_column_int64(st, 1);
        r->user_id = sqlite3_column_int64(st, 2);
        r->success = sqlite3_column_int(st, 7) != 0;
        const int cols[7] = {3, 4, 5, 6, 8, 9, 10};
        for (int i = 0; i < 7; i++)
            snprintf(rows[n].text[i], 128, "%s",
                     (const char *)sqlite3_column_text(st, cols[i]));
        if (event)
            snprintf(rows[n].text[2], 128, "%s", event);
        r->username = rows[n].text[0];
        r->role = rows[n].text[1];
        r->event = rows[n].text[2];
        r->object = rows[n].text[3];
        r->ip = rows[n].text[4];
        r->client = rows[n].text[5];
        r->detail = rows[n].text[6];
        n++;
    }
    sqlite3_finalize(st);
    if (key)
        audit_set_key(key);
    sqlite3_prepare_v2(h,
                       "UPDATE audit_log SET prev_hash = ?, hash = ?, "
                       "mac = ?, event = ? WHERE id = ?",
                       -1, &st, NULL);
    for (int i = 0; i < n; i++) {
        char out[65];
        if (key)
            assert_int_equal(audit_mac(prev, &rows[i].r, out), 0);
        else
            audit_hash(prev, &rows[i].r, out);
        sqlite3_bind_text(st, 1, prev, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, out, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, mac, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, rows[i].r.event, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 5, rows[i].r.id);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
        snprintf(prev, sizeof(prev), "%s", out);
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
    unit_set_audit_key();
}

/* audit_verify's answer, with the verdict in v. */
static int
verify(struct fixture *f, const struct audit_head *cps, size_t n,
       struct audit_verdict *v)
{
    return audit_verify(f->db, cps, n, v);
}

static void
audit_chain_keyed_verifies(void **state)
{
    struct fixture *f = *state;
    keyed_chain(f, 5);
    struct audit_verdict v;
    assert_int_equal(verify(f, NULL, 0, &v), 0);
    assert_int_equal(v.rows, 6);
    assert_int_equal(v.keyed_from, 1);
    /* A second start keys nothing more. */
    bool now = true;
    assert_int_equal(audit_ensure_keyed(f->db, true, &now), 0);
    assert_false(now);
    struct audit_head h;
    assert_int_equal(audit_head(f->db, &h), 0);
    assert_int_equal(h.rows, 6);
    assert_int_equal(strlen(h.hash), 64);
    assert_int_equal(verify(f, &h, 1, &v), 0);
    /* The triggers refuse an edit and a delete of a fresh row. */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db, "UPDATE audit_log SET object='y' "
                                          "WHERE id=3", NULL, NULL, NULL),
                         SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db, "DELETE FROM audit_log WHERE id=3",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
    sqlite3_close(db);
}

static void
audit_chain_no_key_no_row(void **state)
{
    struct fixture *f = *state;
    keyed_chain(f, 1);
    audit_set_key(NULL);
    struct audit_who w = {0, "tester", "", "", "cli"};
    assert_int_equal(audit_record(f->db, &w, "e", "o", true, "{}"),
                     ERR_INVAL);
    bool now;
    assert_int_equal(audit_ensure_keyed(f->db, true, &now), ERR_INVAL);
    unit_set_audit_key();
    struct audit_head h;
    assert_int_equal(audit_head(f->db, &h), 0);
    assert_int_equal(h.rows, 2);
}

static void
audit_chain_edit(void **state)
{
    struct fixture *f = *state;
    keyed_chain(f, 5);
    tamper(f, "DROP TRIGGER audit_no_update;"
              "UPDATE audit_log SET success=0 WHERE id=3");
    struct audit_verdict v;
    assert_int_equal(verify(f, NULL, 0, &v), ERR_INVAL);
    assert_int_equal(v.bad_id, 3);
    assert_int_equal(v.rows, 2);
    assert_non_null(strstr(v.why, "MAC"));
}

/* Rewritten, then the chain recomputed without the key: as plain SM3,
 * or as a MAC under another key. */
static void
audit_chain_recomputed(void **state)
{
    struct fixture *f = *state;
    keyed_chain(f, 5);
    struct audit_verdict v;
    tamper(f, "DROP TRIGGER audit_no_update;"
              "UPDATE audit_log SET detail='{\"n\":2}' WHERE id=3");
    rechain(f, 3, 6, NULL, "sm3", NULL);
    assert_int_equal(verify(f, NULL, 0, &v), ERR_INVAL);
    assert_int_equal(v.bad_id, 3);
    assert_non_null(strstr(v.why, "unkeyed row after"));
    /* The whole chain as plain SM3: the keying row is then unkeyed... */
    rechain(f, 1, 6, NULL, "sm3", NULL);
    assert_int_equal(verify(f, NULL, 0, &v), ERR_INVAL);
    assert_int_equal(v.bad_id, 1);
    /* ...and with it renamed too, no row is keyed at all. */
    rechain(f, 1, 6, NULL, "sm3", "test_event");
    assert_int_equal(verify(f, NULL, 0, &v), ERR_INVAL);
    assert_int_equal(v.bad_id, 7);
    assert_non_null(strstr(v.why, "no row is keyed"));
    /* Under a key of the attacker's own. */
    static const unsigned char other[32] = "not the key file's audit key..";
    rechain(f, 1, 6, other, "hmac-sm3", "audit_keyed");
    rechain(f, 2, 6, other, "hmac-sm3", "test_event");
    assert_int_equal(verify(f, NULL, 0, &v), ERR_INVAL);
    assert_int_equal(v.bad_id, 1);
    assert_non_null(strstr(v.why, "MAC"));
}

static void
audit_chain_delete_and_reorder(void **state)
{
    struct fixture *f = *state;
    keyed_chain(f, 5);
    struct audit_verdict v;
    /* Rows 3 and 4 swap places (their ids swapped). */
    tamper(f, "DROP TRIGGER audit_no_update;"
              "UPDATE audit_log SET id = 100 WHERE id = 3;"
              "UPDATE audit_log SET id = 3 WHERE id = 4;"
              "UPDATE audit_log SET id = 4 WHERE id = 100;");
    assert_int_equal(verify(f, NULL, 0, &v), ERR_INVAL);
    assert_int_equal(v.bad_id, 3);
    /* Back in order, then row 4 deleted. */
    tamper(f, "UPDATE audit_log SET id = 100 WHERE id = 3;"
              "UPDATE audit_log SET id = 3 WHERE id = 4;"
              "UPDATE audit_log SET id = 4 WHERE id = 100;");
    assert_int_equal(verify(f, NULL, 0, &v), 0);
    tamper(f, "DROP TRIGGER audit_keep; DELETE FROM audit_log WHERE id = 4");
    assert_int_equal(verify(f, NULL, 0, &v), ERR_INVAL);
    assert_int_equal(v.bad_id, 5);
    assert_non_null(strstr(v.why, "missing"));
    /* Renumbered to close the gap: the chain still breaks there. */
    tamper(f, "UPDATE audit_log SET id = id - 1 WHERE id > 4");
    assert_int_equal(verify(f, NULL, 0, &v), ERR_INVAL);
    assert_int_equal(v.bad_id, 4);
}

static void
audit_chain_truncated(void **state)
{
    struct fixture *f = *state;
    keyed_chain(f, 5);
    struct audit_head cp;
    assert_int_equal(audit_head(f->db, &cp), 0);
    tamper(f, "DROP TRIGGER audit_keep; DELETE FROM audit_log WHERE id > 4");
    struct audit_verdict v;
    /* Without a checkpoint a shorter chain is intact... */
    assert_int_equal(verify(f, NULL, 0, &v), 0);
    assert_int_equal(v.rows, 4);
    /* ...with one, it is cut. */
    assert_int_equal(verify(f, &cp, 1, &v), ERR_INVAL);
    assert_int_equal(v.bad_id, 5);
    assert_non_null(strstr(v.why, "deleted from its end"));
    /* The server goes on appending: as many rows again, other hashes. */
    struct audit_who w = {0, "tester", "", "", "cli"};
    for (int i = 0; i < 2; i++)
        assert_int_equal(audit_record(f->db, &w, "later", "x", true, "{}"),
                         0);
    assert_int_equal(verify(f, &cp, 1, &v), ERR_INVAL);
    assert_int_equal(v.bad_id, 6);
    assert_non_null(strstr(v.why, "checkpoint"));
    /* Everything deleted. */
    tamper(f, "DELETE FROM audit_log");
    assert_int_equal(verify(f, NULL, 0, &v), ERR_INVAL);
    assert_non_null(strstr(v.why, "empty"));
    /* A server starts on it (a handle that finds the schema migrated): a
     * command that only reads writes nothing; one that writes keys the
     * chain again, and that row says the keyed rows were gone. */
    struct db *later;
    char err[256];
    assert_int_equal(db_open(f->path, &later, err, sizeof(err)), 0);
    assert_int_equal(db_migrate(later), 0);
    bool now;
    assert_int_equal(audit_ensure_keyed(later, false, &now), 0);
    assert_false(now);
    assert_int_equal(audit_ensure_keyed(later, true, &now), 0);
    assert_true(now);
    db_close(later);
    assert_int_equal(verify(f, NULL, 0, &v), ERR_INVAL);
    assert_int_equal(v.bad_id, 1);
    assert_non_null(strstr(v.why, "deleted"));
}

/* A database from before the keyed chain: its rows keep their SM3
 * hashes, and the keying row's MAC covers their head. */
static void
audit_chain_unkeyed_prefix(void **state)
{
    struct fixture *f = *state;
    char prev[65] = GENESIS64;
    for (int64_t id = 1; id <= 3; id++) {
        struct audit_row r = {id,  1000 + id, 0,      "old", "",   "legacy",
                              "x", true,      "1.2.3", "web", "{}"};
        char h[65];
        audit_hash(prev, &r, h);
        assert_int_equal(db_exec(f->db, Q_AUDIT_INSERT, "iinssssissssss",
                                 id, r.at, (int64_t *)NULL, r.username,
                                 r.role, r.event, r.object, (int64_t)1, r.ip,
                                 r.client, r.detail, prev, h, "sm3"),
                         1);
        snprintf(prev, sizeof(prev), "%s", h);
    }
    keyed_chain(f, 2);
    struct audit_verdict v;
    assert_int_equal(verify(f, NULL, 0, &v), 0);
    assert_int_equal(v.rows, 6);
    assert_int_equal(v.keyed_from, 4);
    /* Row 2 rewritten and the unkeyed prefix recomputed: the keying row no
     * longer follows it, and moving its prev_hash breaks its MAC. */
    tamper(f, "DROP TRIGGER audit_no_update;"
              "UPDATE audit_log SET username='someone' WHERE id=2");
    rechain(f, 2, 3, NULL, "sm3", NULL);
    assert_int_equal(verify(f, NULL, 0, &v), ERR_INVAL);
    assert_int_equal(v.bad_id, 4);
    tamper(f, "UPDATE audit_log SET prev_hash = "
              "(SELECT hash FROM audit_log WHERE id = 3) WHERE id = 4");
    assert_int_equal(verify(f, NULL, 0, &v), ERR_INVAL);
    assert_int_equal(v.bad_id, 4);
    assert_non_null(strstr(v.why, "MAC"));
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

/* The program types the code lists (program_types) are the schema's rows,
 * in the same order, with the same names and the same 集中培训 flag. */
static void
program_types_match_the_schema(void **state)
{
    struct fixture *f = *state;
    json_t *items = json_array();
    assert_int_equal(org_code_list(f->db, CODES_PROGRAM_TYPE, items), 0);
    size_t n = 0;
    for (const struct program_type *t = program_types; t->code; t++, n++) {
        json_t *row = json_array_get(items, n);
        assert_non_null(row);
        assert_string_equal(json_string_value(json_object_get(row, "code")),
                            t->code);
        assert_string_equal(json_string_value(json_object_get(row, "name")),
                            t->name);
        assert_ptr_equal(program_type_find(t->code), t);
        sqlite3 *h;
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_open(f->path, &h), SQLITE_OK);
        assert_int_equal(
            sqlite3_prepare_v2(h,
                               "SELECT concentrated FROM program_types "
                               "WHERE code = ?",
                               -1, &st, NULL),
            SQLITE_OK);
        sqlite3_bind_text(st, 1, t->code, -1, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int(st, 0), t->concentrated);
        sqlite3_finalize(st);
        sqlite3_close(h);
    }
    assert_int_equal(json_array_size(items), n);
    assert_null(program_type_find("no_such_type"));
    json_decref(items);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(migrations_and_queries, setup, teardown),
    cmocka_unit_test_setup_teardown(program_types_match_the_schema, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(undeclared_parameters_are_refused, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(migrations_merged_out_of_order_still_run,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(unique_violation_is_conflict, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(rollback_undoes, setup, teardown),
    cmocka_unit_test_setup_teardown(table_counts_follow_the_catalogue, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(audit_chain_keyed_verifies, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(audit_chain_no_key_no_row, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(audit_chain_edit, setup, teardown),
    cmocka_unit_test_setup_teardown(audit_chain_recomputed, setup, teardown),
    cmocka_unit_test_setup_teardown(audit_chain_delete_and_reorder, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(audit_chain_truncated, setup, teardown),
    cmocka_unit_test_setup_teardown(audit_chain_unkeyed_prefix, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(backup_copies_the_database, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(users_and_lockout, setup, teardown),
};

UNIT_GROUP(db_group, "db", tests);

/*
 * dbtest.c - see dbtest.h.
 */
#include "unit.h"

#include "dbtest.h"

#include "../../src/core/keyring.h"
#include "../../src/domain/kind.h"
#include "../../src/domain/rules.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const struct audit_who dbt_who = {0, "tester", "county_admin", "127.0.0.1",
                                  "cli"};

int
dbt_setup(void **state)
{
    struct dbt *t = calloc(1, sizeof(*t));
    snprintf(t->path, sizeof(t->path), "/tmp/dxunitdbXXXXXX");
    snprintf(t->keypath, sizeof(t->keypath), "/tmp/dxunitkeyXXXXXX");
    int fd = mkstemp(t->path);
    int kfd = mkstemp(t->keypath);
    if (fd < 0 || kfd < 0)
        return -1;
    close(fd);
    close(kfd);
    unlink(t->keypath); /* keyring_load makes it */
    char err[256];
    if (kinds_init() != 0)
        return -1;
    t->keys = keyring_load(t->keypath, true, err, sizeof(err));
    if (t->keys == NULL || db_open(t->path, &t->db, err, sizeof(err)) != 0 ||
        db_migrate(t->db) != 0) {
        fprintf(stderr, "dbt_setup: %s\n", err);
        return -1;
    }
    *state = t;
    return 0;
}

int
dbt_teardown(void **state)
{
    struct dbt *t = *state;
    db_close(t->db);
    keyring_free(t->keys);
    char p[80];
    unlink(t->path);
    unlink(t->keypath);
    snprintf(p, sizeof(p), "%s-wal", t->path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", t->path);
    unlink(p);
    free(t);
    return 0;
}

void
dbt_exec(struct dbt *t, const char *fmt, ...)
{
    char sql[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof(sql), fmt, ap);
    va_end(ap);
    sqlite3 *h;
    assert_int_equal(sqlite3_open(t->path, &h), SQLITE_OK);
    sqlite3_busy_timeout(h, 5000);
    char *err = NULL;
    int rc = sqlite3_exec(h, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK) {
        char msg[256];
        snprintf(msg, sizeof(msg), "%s", err ? err : "?");
        sqlite3_free(err);
        sqlite3_close(h);
        fail_msg("%s: %s", sql, msg);
    }
    sqlite3_close(h);
}

int64_t
dbt_int(struct dbt *t, const char *fmt, ...)
{
    char sql[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof(sql), fmt, ap);
    va_end(ap);
    sqlite3 *h;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(t->path, &h), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
    int rc = sqlite3_step(st);
    int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    sqlite3_close(h);
    if (rc != SQLITE_ROW)
        fail_msg("no row: %s", sql);
    return v;
}

int64_t
dbt_person(struct dbt *t, const char *township, const char *status,
           const char *flags, const char *village)
{
    /* The ID number's hash must be unique: the next id makes it so. */
    int64_t n = dbt_int(t, "SELECT COALESCE(MAX(id), 0) + 1 FROM people");
    char vil[32];
    if (village)
        snprintf(vil, sizeof(vil), "'%s'", village);
    else
        snprintf(vil, sizeof(vil), "NULL");
    dbt_exec(t,
             "INSERT INTO people(name, gender, birth_date, id_number_enc, "
             "id_number_hash, id_number_last4, id_number_masked, "
             "political_status, township_code, village_code, flags, "
             "name_pinyin, name_initials, sort_pinyin, sort_strokes, "
             "created_at, updated_at) VALUES ('学员%lld', 'M', "
             "'1970-01-01', 'x', 'h%lld', '0000', 'm', '%s', '%s', %s, "
             "'%s', 'xueyuan', 'xy', 'xy%06lld', 'xy', 0, 0)",
             (long long)n, (long long)n, status, township, vil,
             flags ? flags : ",", (long long)n);
    return dbt_int(t, "SELECT MAX(id) FROM people");
}

int64_t
dbt_time(const char *s)
{
    int64_t v = 0;
    if (rules_parse_time(s, &v) != 0)
        fail_msg("not a time: %s", s);
    return v;
}

int
dbt_room(struct db *db, int64_t school, const char *name, const char *kind,
         int64_t capacity, int64_t *id)
{
    char sid[24], cap[24];
    snprintf(sid, sizeof(sid), "%lld", (long long)school);
    snprintf(cap, sizeof(cap), "%lld", (long long)capacity);
    struct kval v[KIND_MAX_FIELDS] = {0};
    v[kind_field_index(&kind_room, "school_id")] = (struct kval){KV_TEXT, sid};
    v[kind_field_index(&kind_room, "name")] = (struct kval){KV_TEXT, name};
    v[kind_field_index(&kind_room, "kind")] = (struct kval){KV_TEXT, kind};
    if (capacity > 0)
        v[kind_field_index(&kind_room, "capacity")] =
            (struct kval){KV_TEXT, cap};
    struct kerrors e;
    return kind_create(db, &kind_room, v, false, &dbt_who, id, &e);
}

int64_t
dbt_rooms(struct db *db, const char *township, bool function)
{
    struct klist l = {.township = township, .sort = -1};
    l.on[kind_switch_index(&kind_room, "function")] = function;
    int64_t n = -1;
    assert_int_equal(kind_count(db, &kind_room, &l, &n), 0);
    return n;
}

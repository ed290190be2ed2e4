/*
 * db_sqlite.c - the SQLite backend: WAL, foreign keys, a busy timeout and
 * every statement prepared once per connection and reused.
 */
#include "db_int.h"

#include "../core/err.h"
#include "../core/strbuf.h"
#include "../core/util.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct db_res {
    struct db *db;          /* must be first: see db.c */
    sqlite3_stmt *stmt;
    enum query q;
    bool open;
};

struct db_sqlite {
    struct db base;
    sqlite3 *h;
    sqlite3_stmt *stmts[DB_MAX_QUERIES];
    struct db_res res[DB_MAX_QUERIES];
};

static int
map_rc(struct db_sqlite *s, int rc, const char *what)
{
    int ext = sqlite3_extended_errcode(s->h);
    int e = ERR_DB;
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
        e = ERR_CONFLICT;
    db_set_error(&s->base, e, "%s: %s (%d)", what, sqlite3_errmsg(s->h),
                 rc);
    return e;
}

static sqlite3_stmt *
prepare(struct db_sqlite *s, enum query q)
{
    if (s->stmts[q])
        return s->stmts[q];
    sqlite3_stmt *st;
    /* The queries are written with PostgreSQL's $N. To SQLite "$1" is a
     * name, numbered by where it first appears; "?1" is parameter 1
     * wherever it appears, so each $N is spelt ?N (the queries hold no
     * '$' in a literal). */
    const char *sql = db_queries[q].sqlite;
    struct strbuf sb;
    strbuf_init(&sb, 0);
    for (const char *p = sql; *p; p++)
        strbuf_putc(&sb, *p == '$' && p[1] >= '0' && p[1] <= '9' ? '?' : *p);
    int rc = sqlite3_prepare_v3(s->h, strbuf_str(&sb), -1,
                                SQLITE_PREPARE_PERSISTENT, &st, NULL);
    strbuf_cleanup(&sb);
    if (rc != SQLITE_OK) {
        map_rc(s, rc, db_queries[q].name);
        return NULL;
    }
    /* Every parameter from 1 to the last is used: none is left unbound. */
    int n = sqlite3_bind_parameter_count(st);
    for (int i = 1; i <= n; i++)
        if (sqlite3_bind_parameter_name(st, i) == NULL) {
            db_set_error(&s->base, ERR_DB, "%s: parameter $%d is not used",
                         db_queries[q].name, i);
            sqlite3_finalize(st);
            return NULL;
        }
    s->stmts[q] = st;
    return st;
}

static struct db_res *
sq_query(struct db *db, enum query q, const struct db_param *p, int n)
{
    struct db_sqlite *s = (struct db_sqlite *)db;
    sqlite3_stmt *st = prepare(s, q);
    if (st == NULL)
        return NULL;
    struct db_res *r = &s->res[q];
    if (r->open) {
        /* A caller forgot db_end(); reset so this query still works. */
        sqlite3_reset(st);
    }
    if (sqlite3_bind_parameter_count(st) != n) {
        db_set_error(db, ERR_INVAL, "%s: %d parameters given, %d wanted",
                     db_queries[q].name, n,
                     sqlite3_bind_parameter_count(st));
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        int rc;
        if (p[i].kind == 'i')
            rc = sqlite3_bind_int64(st, i + 1, p[i].i);
        else if (p[i].kind == 's')
            rc = sqlite3_bind_text(st, i + 1, p[i].s, -1, SQLITE_TRANSIENT);
        else if (p[i].kind == 'b')
            rc = sqlite3_bind_blob64(st, i + 1, p[i].s, p[i].len,
                                     SQLITE_TRANSIENT);
        else
            rc = sqlite3_bind_null(st, i + 1);
        if (rc != SQLITE_OK) {
            map_rc(s, rc, db_queries[q].name);
            sqlite3_reset(st);
            return NULL;
        }
    }
    r->db = db;
    r->stmt = st;
    r->q = q;
    r->open = true;
    return r;
}

static int
sq_next(struct db_res *r)
{
    struct db_sqlite *s = (struct db_sqlite *)r->db;
    int rc = sqlite3_step(r->stmt);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE) {
        s->base.changes = sqlite3_changes(s->h);
        return 0;
    }
    map_rc(s, rc, db_queries[r->q].name);
    return -1;
}

static int64_t
sq_int(struct db_res *r, int col)
{
    return sqlite3_column_int64(r->stmt, col);
}

static const char *
sq_text(struct db_res *r, int col)
{
    return (const char *)sqlite3_column_text(r->stmt, col);
}

static bool
sq_null(struct db_res *r, int col)
{
    return sqlite3_column_type(r->stmt, col) == SQLITE_NULL;
}

static const void *
sq_blob(struct db_res *r, int col, size_t *len)
{
    const void *b = sqlite3_column_blob(r->stmt, col);
    *len = (size_t)sqlite3_column_bytes(r->stmt, col);
    return b;
}

static void
sq_end(struct db_res *r)
{
    sqlite3_reset(r->stmt);
    sqlite3_clear_bindings(r->stmt);
    r->open = false;
}

static int
sq_exec_script(struct db *db, const char *sql)
{
    struct db_sqlite *s = (struct db_sqlite *)db;
    char *msg = NULL;
    int rc = sqlite3_exec(s->h, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        db_set_error(db, ERR_DB, "%s", msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return ERR_DB;
    }
    return 0;
}

static int
sq_backup(struct db *db, const char *path)
{
    struct db_sqlite *s = (struct db_sqlite *)db;
    sqlite3 *dst;
    int rc = sqlite3_open_v2(path, &dst,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        db_set_error(db, ERR_IO, "%s: %s", path, sqlite3_errmsg(dst));
        sqlite3_close(dst);
        return ERR_IO;
    }
    /* One step of -1 copies everything while holding a read transaction,
     * so the copy is a consistent snapshot even while the server writes. */
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", s->h, "main");
    if (b == NULL) {
        db_set_error(db, ERR_DB, "backup: %s", sqlite3_errmsg(dst));
        sqlite3_close(dst);
        return ERR_DB;
    }
    rc = sqlite3_backup_step(b, -1);
    sqlite3_backup_finish(b);
    int e = 0;
    if (rc != SQLITE_DONE) {
        db_set_error(db, ERR_DB, "backup: %s", sqlite3_errstr(rc));
        e = ERR_DB;
    }
    sqlite3_close(dst);
    return e;
}

static int
sq_restore(struct db *db, const char *path)
{
    struct db_sqlite *s = (struct db_sqlite *)db;
    sqlite3 *src;
    /* Read-write (without CREATE) if we may, so that closing it removes
     * the -wal and -shm a WAL-mode copy needs while open; read-only from
     * read-only media. */
    int rc = sqlite3_open_v2(path, &src, SQLITE_OPEN_READWRITE, NULL);
    if (rc != SQLITE_OK) {
        sqlite3_close(src);
        rc = sqlite3_open_v2(path, &src, SQLITE_OPEN_READONLY, NULL);
    }
    if (rc != SQLITE_OK) {
        db_set_error(db, ERR_IO, "%s: %s", path, sqlite3_errmsg(src));
        sqlite3_close(src);
        return ERR_IO;
    }
    sqlite3_backup *b = sqlite3_backup_init(s->h, "main", src, "main");
    if (b == NULL) {
        db_set_error(db, ERR_DB, "restore: %s", sqlite3_errmsg(s->h));
        sqlite3_close(src);
        return ERR_DB;
    }
    rc = sqlite3_backup_step(b, -1);
    sqlite3_backup_finish(b);
    int e = 0;
    if (rc != SQLITE_DONE) {
        /* NOTADB and the like: the file is not a database. */
        db_set_error(db, ERR_IO, "%s: %s", path, sqlite3_errstr(rc));
        e = ERR_IO;
    }
    sqlite3_close(src);
    return e;
}

static int
sq_prepare_only(struct db *db, enum query q, int *nparams)
{
    sqlite3_stmt *st = prepare((struct db_sqlite *)db, q);
    if (st == NULL)
        return ERR_DB;
    *nparams = sqlite3_bind_parameter_count(st);
    return 0;
}

static int
sq_count_rows(struct db *db, const char *table, int64_t *out)
{
    struct db_sqlite *s = (struct db_sqlite *)db;
    /* %w doubles the double quotes inside an identifier. */
    char *sql = sqlite3_mprintf("SELECT count(*) FROM \"%w\"", table);
    sqlite3_stmt *st = NULL;
    int e = 0;
    int rc = sqlite3_prepare_v2(s->h, sql, -1, &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    else
        e = map_rc(s, rc, table);
    sqlite3_finalize(st);
    sqlite3_free(sql);
    return e;
}

static void
sq_close(struct db *db)
{
    struct db_sqlite *s = (struct db_sqlite *)db;
    for (int i = 0; i < db_nqueries; i++)
        sqlite3_finalize(s->stmts[i]);
    sqlite3_close(s->h);
    free(s);
}

static const struct db_ops sqlite_ops = {
    .close = sq_close,
    .query = sq_query,
    .next = sq_next,
    .col_int = sq_int,
    .col_text = sq_text,
    .col_null = sq_null,
    .col_blob = sq_blob,
    .end = sq_end,
    .exec_script = sq_exec_script,
    .backup = sq_backup,
    .restore = sq_restore,
    .prepare_only = sq_prepare_only,
    .count_rows = sq_count_rows,
};

/* SQLite keeps memory statistics behind one process-wide mutex, which the
 * worker threads then fight over on every allocation; we never read
 * them. This must run before SQLite initialises. */
static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;

static void
sqlite_setup(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_initialize();
}

int
db_sqlite_open(const char *path, struct db **out, char *err, size_t errlen)
{
    pthread_once(&sqlite_once, sqlite_setup);
    struct db_sqlite *s = xcalloc(1, sizeof(*s));
    s->base.ops = &sqlite_ops;
    s->base.kind = DB_SQLITE;
    int rc = sqlite3_open_v2(path, &s->h,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                 SQLITE_OPEN_NOMUTEX,
                             NULL);
    if (rc != SQLITE_OK) {
        str_fmt(err, errlen, "%s: %s", path,
                s->h ? sqlite3_errmsg(s->h) : sqlite3_errstr(rc));
        sqlite3_close(s->h);
        free(s);
        return ERR_DB;
    }
    sqlite3_busy_timeout(s->h, 5000);
    /* WAL lets readers run beside the one writer; synchronous=FULL makes
     * every commit survive power loss, not just a crash (PERF.md §4). */
    static const char pragmas[] = "PRAGMA journal_mode=WAL;"
                                  "PRAGMA synchronous=FULL;"
                                  "PRAGMA foreign_keys=ON;"
                                  "PRAGMA temp_store=MEMORY;"
                                  "PRAGMA cache_size=-16384;"; /* bulk */
    if (sq_exec_script(&s->base, pragmas) != 0) {
        str_fmt(err, errlen, "%s: %s", path, s->base.errmsg);
        sq_close(&s->base);
        return ERR_DB;
    }
    *out = &s->base;
    return 0;
}

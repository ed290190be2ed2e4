/*
 * db.c - the backend-neutral half of the db interface: the query table,
 * argument decoding and the convenience wrappers. Each call is forwarded
 * to the backend's ops table.
 */
#include "db_int.h"

#include "../core/err.h"
#include "../core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define Q_DEF(name, types, sqlite, pg) {#name, types, sqlite, pg},
struct query_def db_queries[DB_MAX_QUERIES] = {
    DB_QUERIES(Q_DEF) DB_QUERIES_PEOPLE(Q_DEF) DB_QUERIES_TEACHING(Q_DEF)
        DB_QUERIES_REPORT(Q_DEF) DB_QUERIES_SURVEY(Q_DEF)
            DB_QUERIES_LEDGER(Q_DEF)};
#undef Q_DEF
int db_nqueries = Q__COUNT;

int
db_register_query(const char *name, const char *types, const char *sql,
                  const char *pg_sql)
{
    if (db_nqueries == DB_MAX_QUERIES)
        return ERR_INVAL;
    db_queries[db_nqueries] =
        (struct query_def){name, types, sql, pg_sql};
    return db_nqueries++;
}

int
db_open(const char *uri, struct db **out, char *err, size_t errlen)
{
    *out = NULL;
    if (uri == NULL || *uri == '\0') {
        str_copy(err, errlen, "no database given (--db or DANGXIAO_DB)");
        return ERR_INVAL;
    }
    if (strncmp(uri, "postgresql://", 13) == 0 ||
        strncmp(uri, "postgres://", 11) == 0)
        return db_pg_open(uri, out, err, errlen);
    return db_sqlite_open(uri, out, err, errlen);
}

void
db_close(struct db *db)
{
    if (db)
        db->ops->close(db);
}

enum db_kind
db_kind(const struct db *db)
{
    return db->kind;
}

const char *
db_errmsg(const struct db *db)
{
    return db->errmsg;
}

int
db_last_err(const struct db *db)
{
    return db->last_err;
}

void
db_set_error(struct db *db, int e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(db->errmsg, sizeof(db->errmsg), fmt, ap);
    va_end(ap);
    db->last_err = e;
}

static int
decode(struct db *db, enum query q, const char *types, va_list ap,
       struct db_param *p)
{
    int n = 0;
    for (const char *t = types; *t; t++, n++) {
        if (n == DB_MAX_PARAMS) {
            db_set_error(db, ERR_INVAL, "%s: too many parameters",
                         db_queries[q].name);
            return -1;
        }
        switch (*t) {
        case 'i':
            p[n].kind = 'i';
            p[n].i = va_arg(ap, int64_t);
            break;
        case 's':
            p[n].s = va_arg(ap, const char *);
            p[n].kind = p[n].s ? 's' : '0';
            break;
        case 'n': {
            const int64_t *v = va_arg(ap, const int64_t *);
            p[n].kind = v ? 'i' : '0';
            p[n].i = v ? *v : 0;
            break;
        }
        case 'b':
            p[n].s = va_arg(ap, const void *);
            p[n].len = va_arg(ap, size_t);
            p[n].kind = p[n].s ? 'b' : '0';
            break;
        default:
            db_set_error(db, ERR_INVAL, "%s: bad parameter type '%c'",
                         db_queries[q].name, *t);
            return -1;
        }
    }
    return n;
}

struct db_res *
db_queryv(struct db *db, enum query q, const char *types, va_list ap)
{
    /* A call must pass what the table declares: a missing or extra
     * argument would otherwise read the wrong va_arg, or bind a wrong
     * value, before any backend could notice. */
    if (strcmp(types, db_queries[q].types) != 0) {
        db_set_error(db, ERR_INVAL,
                     "%s: called with parameters \"%s\", declared \"%s\"",
                     db_queries[q].name, types, db_queries[q].types);
        return NULL;
    }
    struct db_param p[DB_MAX_PARAMS];
    int n = decode(db, q, types, ap, p);
    if (n < 0)
        return NULL;
    db->last_err = 0;
    db->errmsg[0] = '\0';
    return db->ops->query(db, q, p, n);
}

struct db_res *
db_query_args(struct db *db, int q, const struct db_arg *a, int n)
{
    const char *types = q >= 0 && q < db_nqueries ? db_queries[q].types : "";
    if (q < 0 || q >= db_nqueries || n != (int)strlen(types) ||
        n > DB_MAX_PARAMS) {
        db_set_error(db, ERR_INVAL, "query %d: %d arguments for \"%s\"", q,
                     n, types);
        return NULL;
    }
    struct db_param p[DB_MAX_PARAMS];
    for (int i = 0; i < n; i++) {
        /* The same rule as the type letters: 'i' takes a number, 's' and
         * 'n' may be NULL. */
        bool ok = a[i].kind == '0' ? types[i] != 'i'
                  : a[i].kind == 'i' ? types[i] == 'i' || types[i] == 'n'
                  : a[i].kind == 's' && types[i] == 's';
        if (!ok) {
            db_set_error(db, ERR_INVAL, "%s: argument %d is '%c', declared "
                         "'%c'", db_queries[q].name, i + 1, a[i].kind,
                         types[i]);
            return NULL;
        }
        p[i] = (struct db_param){a[i].kind, a[i].i, a[i].s, 0};
    }
    db->last_err = 0;
    db->errmsg[0] = '\0';
    return db->ops->query(db, (enum query)q, p, n);
}

struct db_res *
db_query(struct db *db, enum query q, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    struct db_res *r = db_queryv(db, q, types, ap);
    va_end(ap);
    return r;
}

/* Every result starts with a pointer to its connection, so the generic
 * functions can find the ops table. */
struct db_res_head {
    struct db *db;
};

int
db_next(struct db_res *r)
{
    struct db *db = ((struct db_res_head *)r)->db;
    return db->ops->next(r);
}

int64_t
db_int(struct db_res *r, int col)
{
    return ((struct db_res_head *)r)->db->ops->col_int(r, col);
}

const char *
db_text(struct db_res *r, int col)
{
    return ((struct db_res_head *)r)->db->ops->col_text(r, col);
}

bool
db_null(struct db_res *r, int col)
{
    return ((struct db_res_head *)r)->db->ops->col_null(r, col);
}

const void *
db_blob(struct db_res *r, int col, size_t *len)
{
    return ((struct db_res_head *)r)->db->ops->col_blob(r, col, len);
}

void
db_end(struct db_res *r)
{
    if (r)
        ((struct db_res_head *)r)->db->ops->end(r);
}

/* Steps a result to completion and returns its outcome. */
static int
drain(struct db *db, struct db_res *r, int64_t *first, bool *got)
{
    int rc;
    *got = false;
    while ((rc = db_next(r)) > 0) {
        if (!*got && first)
            *first = db_int(r, 0);
        *got = true;
    }
    db_end(r);
    if (rc < 0)
        return db->last_err ? db->last_err : ERR_DB;
    return 0;
}

int
db_exec(struct db *db, enum query q, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    struct db_res *r = db_queryv(db, q, types, ap);
    va_end(ap);
    if (r == NULL)
        return db->last_err ? db->last_err : ERR_DB;
    bool got;
    int rc = drain(db, r, NULL, &got);
    if (rc < 0)
        return rc;
    return db->changes;
}

int
db_exec_args(struct db *db, int q, const struct db_arg *a, int n)
{
    struct db_res *r = db_query_args(db, q, a, n);
    if (r == NULL)
        return db->last_err ? db->last_err : ERR_DB;
    bool got;
    int rc = drain(db, r, NULL, &got);
    return rc < 0 ? rc : db->changes;
}

int
db_int1_args(struct db *db, int q, const struct db_arg *a, int n,
             int64_t *out)
{
    struct db_res *r = db_query_args(db, q, a, n);
    if (r == NULL)
        return db->last_err ? db->last_err : ERR_DB;
    bool got;
    int rc = drain(db, r, out, &got);
    return rc < 0 ? rc : got ? 0 : ERR_NOTFOUND;
}

int
db_int1(struct db *db, enum query q, int64_t *out, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    struct db_res *r = db_queryv(db, q, types, ap);
    va_end(ap);
    if (r == NULL)
        return db->last_err ? db->last_err : ERR_DB;
    bool got;
    int rc = drain(db, r, out, &got);
    if (rc < 0)
        return rc;
    return got ? 0 : ERR_NOTFOUND;
}

int
db_exec_script(struct db *db, const char *sql)
{
    return db->ops->exec_script(db, sql);
}

int
db_backup(struct db *db, const char *path)
{
    return db->ops->backup(db, path);
}

int
db_restore(struct db *db, const char *path)
{
    return db->ops->restore(db, path);
}

int
db_begin(struct db *db)
{
    return db->ops->exec_script(db, db->kind == DB_SQLITE ? "BEGIN IMMEDIATE"
                                                          : "BEGIN");
}

int
db_commit(struct db *db)
{
    return db->ops->exec_script(db, "COMMIT");
}

void
db_rollback(struct db *db)
{
    /* Keep the error that made us roll back, not the rollback's own. */
    int e = db->last_err;
    char msg[sizeof(db->errmsg)];
    memcpy(msg, db->errmsg, sizeof(msg));
    db->ops->exec_script(db, "ROLLBACK");
    db->last_err = e;
    memcpy(db->errmsg, msg, sizeof(msg));
}

int
db_cache(struct db *db, int kib)
{
    if (db->kind != DB_SQLITE)
        return 0;
    char sql[48];
    str_fmt(sql, sizeof(sql), "PRAGMA cache_size=-%d;", kib);
    return db->ops->exec_script(db, sql);
}

int
db_analyze(struct db *db)
{
    return db->kind == DB_PG ? db->ops->exec_script(db, "ANALYZE") : 0;
}

int
db_check_queries(struct db *db)
{
    for (int q = 0; q < db_nqueries; q++) {
        int n = 0;
        int rc = db->ops->prepare_only(db, (enum query)q, &n);
        if (rc != 0)
            return rc;
        /* One letter per parameter ('b' too, though it takes two
         * arguments). */
        int declared = (int)strlen(db_queries[q].types);
        if (n != declared) {
            db_set_error(db, ERR_DB,
                         "%s: the statement wants %d parameters, the "
                         "table declares %d (\"%s\")",
                         db_queries[q].name, n, declared,
                         db_queries[q].types);
            return ERR_DB;
        }
    }
    return 0;
}

int
db_table_counts(struct db *db, db_count_fn fn, void *ctx)
{
    /* The names are read in full first: a backend keeps one result per
     * query open, and counting runs statements of its own. */
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct db_res *r = db_query(db, Q_TABLE_NAMES, "");
    if (r == NULL)
        return db->last_err ? db->last_err : ERR_DB;
    int step;
    while ((step = db_next(r)) > 0) {
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            names = xrealloc(names, cap * sizeof(*names));
        }
        names[n++] = xstrdup(db_text(r, 0));
    }
    db_end(r);
    if (step < 0) {
        rc = db->last_err ? db->last_err : ERR_DB;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        int64_t rows;
        if ((rc = db->ops->count_rows(db, names[i], &rows)) != 0)
            goto out;
        fn(names[i], rows, ctx);
    }
out:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

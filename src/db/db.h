/*
 * db.h - the one database interface the rest of the program sees.
 *
 * Two backends sit behind it (db_sqlite.c, db_pg.c). Callers name a query
 * from the table in queries.h (enum query), pass its parameters with a
 * small type string, and step through the rows. No SQL text exists outside
 * src/db/, and every value is bound, never formatted into SQL.
 *
 * A struct db is one connection and is used by one thread at a time; the
 * server keeps one per worker thread (app/ctx.c).
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "queries.h"

struct db;
struct db_res;

enum db_kind { DB_SQLITE, DB_PG };

/* Opens uri: "postgresql://…" or "postgres://…" selects PostgreSQL,
 * anything else is a SQLite file path. On failure returns ERR_DB and
 * writes the reason to err. The caller frees with db_close(). */
int db_open(const char *uri, struct db **out, char *err, size_t errlen);
void db_close(struct db *db);
enum db_kind db_kind(const struct db *db);
/* Text of the last error on this connection ("" if none). */
const char *db_errmsg(const struct db *db);

/* Transactions. db_begin takes the write lock at once on SQLite
 * (BEGIN IMMEDIATE) so two writers never deadlock on upgrade. */
int db_begin(struct db *db);
int db_commit(struct db *db);
void db_rollback(struct db *db);

/*
 * Runs query q. types describes the arguments, one letter each, and must
 * be the list the query table declares for q (else NULL, ERR_INVAL, and
 * nothing is read or bound):
 *   'i'  int64_t
 *   's'  const char *, NULL binds SQL NULL
 *   'n'  const int64_t *, NULL binds SQL NULL
 *   'b'  const void *, size_t: bytes (BLOB / bytea); NULL binds SQL NULL
 * Text is copied when bound, so the caller's strings need not outlive
 * the call. Returns a result to read with db_next(); NULL on failure
 * (db_errmsg,
 * db_last_err). At most one result per query id is open at a time. The
 * result must be finished with db_end().
 */
struct db_res *db_query(struct db *db, enum query q, const char *types,
                        ...);
struct db_res *db_queryv(struct db *db, enum query q, const char *types,
                         va_list ap);
/* A parameter as a value, for statements whose parameters are known only
 * at run time (the kinds' generated statements): kind 'i' (i), 's' (s)
 * or '0' (SQL NULL, where the statement declares 's' or 'n'). */
struct db_arg {
    char kind;
    int64_t i;
    const char *s;
};
/* db_query with the arguments as values; the same checks against the
 * declared types. */
struct db_res *db_query_args(struct db *db, int q, const struct db_arg *a,
                             int n);
/* db_exec and db_int1 with the arguments as values. */
int db_exec_args(struct db *db, int q, const struct db_arg *a, int n);
int db_int1_args(struct db *db, int q, const struct db_arg *a, int n,
                 int64_t *out);
/* Adds a statement to the query table, before any connection uses it
 * (the kinds register theirs at start, db/kindsql.c): its id, or
 * ERR_INVAL when the table is full. name, types and the texts must live
 * as long as the program. db_check_queries prepares it with the rest. */
int db_register_query(const char *name, const char *types, const char *sql,
                      const char *pg_sql);

struct kind;
/* Builds and registers the statements of kind k (kindsql.c) into k->q,
 * once. 0, or ERR_INVAL when the declaration passes the limits of
 * core/kind.h or the table is full. */
int db_kind_register(const struct kind *k);

/* Advances to the next row: 1 = a row, 0 = no more rows, < 0 = error. */
int db_next(struct db_res *r);
int64_t db_int(struct db_res *r, int col);
/* Column text, NULL for SQL NULL; valid until db_next()/db_end(). */
const char *db_text(struct db_res *r, int col);
bool db_null(struct db_res *r, int col);
/* Column bytes (BLOB / bytea) and their length; NULL for SQL NULL. Valid
 * until db_next()/db_end(). */
const void *db_blob(struct db_res *r, int col, size_t *len);
void db_end(struct db_res *r);

/* Runs q to completion. Returns the number of rows changed (>= 0), or
 * ERR_CONFLICT on a unique violation, ERR_DB on other failures. */
int db_exec(struct db *db, enum query q, const char *types, ...);
/* Runs q and reads the first column of its first row as an integer into
 * *out. 0, ERR_NOTFOUND when there is no row, ERR_CONFLICT, or ERR_DB. */
int db_int1(struct db *db, enum query q, int64_t *out, const char *types,
            ...);
/* The enum err of the last failure on this connection. */
int db_last_err(const struct db *db);

/* Runs a migration: db-specific schema text with several statements. */
int db_exec_script(struct db *db, const char *sql);
/* Consistent online copy to path: SQLite through its backup API (a
 * snapshot even while others write); PostgreSQL through pg_dump (custom
 * format, the connection's parameters passed in its environment, never on
 * its command line). 0; ERR_IO with the reason in db_errmsg (ERR_NOTFOUND
 * when pg_dump is not installed). */
int db_backup(struct db *db, const char *path);
/* Replaces this database's contents with the copy at path that
 * db_backup wrote: SQLite page by page through the backup API;
 * PostgreSQL through pg_restore, into a database that must be empty.
 * 0, ERR_IO / ERR_NOTFOUND as db_backup, ERR_CONFLICT when a PostgreSQL
 * target already holds tables. */
int db_restore(struct db *db, const char *path);

/* This connection's page cache, in KiB (SQLite's cache_size; on
 * PostgreSQL the cache is the server's and this does nothing). A
 * connection opens with the bulk size, which writers of many rows want
 * (an import, the check-in writer, the demo: PERF.md pitfall 3); the
 * request workers, which read pages and lists, take the small one, so
 * the server stays small (SPEC §5: < 50 MB) while the file's pages stay
 * in the system's cache. 0 or ERR_DB. */
enum { DB_CACHE_READ_KIB = 4096, DB_CACHE_BULK_KIB = 16384 };
int db_cache(struct db *db, int kib);

/* Refreshes the planner's statistics after a bulk load (ANALYZE on
 * PostgreSQL; nothing on SQLite, whose plans do not depend on them
 * here). Without it PostgreSQL plans a fresh county's queries for empty
 * tables until autovacuum catches up: one list took minutes. 0 or
 * ERR_DB. */
int db_analyze(struct db *db);

/* Called once per table by db_table_counts. */
typedef void (*db_count_fn)(const char *table, int64_t rows, void *ctx);
/* Counts the rows of every table of the schema, the table names read
 * from the database's own catalogue (so a table added tomorrow is
 * counted too), and calls fn for each in name order. 0, or ERR_DB. */
int db_table_counts(struct db *db, db_count_fn fn, void *ctx);

/* Creates or upgrades the schema (migrate.c). 0 or ERR_DB. */
int db_migrate(struct db *db);
/* Whether db_migrate ran migration version (< 64) on this handle, in
 * this process (rather than finding it done). */
bool db_migrated_here(const struct db *db, int version);
/* Current schema version, or < 0 on error. */
int db_schema_version(struct db *db);
/* Prepares every query in the table once and checks that each statement
 * wants as many parameters as the table declares; used by tests, `init`
 * and `serve` to prove the SQL and the table agree on this backend. 0 or
 * ERR_DB naming the query. */
int db_check_queries(struct db *db);

/*
 * db_int.h - what db.c and the two backends share, and nothing else sees.
 */
#pragma once

#include "db.h"

#define DB_MAX_PARAMS 32

/* A parameter after the varargs are read: text or NULL. Integers are kept
 * as text too, since both backends accept text for integer columns when
 * bound with the right type (SQLite binds them as integers, PG as text). */
struct db_param {
    char kind;          /* 'i' or 's' or 'b' (bytes) or '0' (NULL) */
    int64_t i;
    const char *s;
    size_t len;         /* of the bytes of 'b' */
};

struct db_ops {
    void (*close)(struct db *db);
    struct db_res *(*query)(struct db *db, enum query q,
                            const struct db_param *p, int n);
    int (*next)(struct db_res *r);
    int64_t (*col_int)(struct db_res *r, int col);
    const char *(*col_text)(struct db_res *r, int col);
    bool (*col_null)(struct db_res *r, int col);
    const void *(*col_blob)(struct db_res *r, int col, size_t *len);
    void (*end)(struct db_res *r);
    int (*exec_script)(struct db *db, const char *sql);
    int (*backup)(struct db *db, const char *path);
    int (*restore)(struct db *db, const char *path);
    /* Prepares q and tells how many parameters the statement wants. */
    int (*prepare_only)(struct db *db, enum query q, int *nparams);
    /* The row count of table (a name from Q_TABLE_NAMES, quoted as an
     * identifier by the backend). */
    int (*count_rows)(struct db *db, const char *table, int64_t *out);
};

struct db {
    const struct db_ops *ops;
    enum db_kind kind;
    int last_err;
    int changes;        /* rows changed by the last statement */
    uint64_t migrated_here; /* bit v: migration v ran on this handle */
    char errmsg[512];
};

struct query_def {
    const char *name;
    const char *types;  /* the parameters, one letter each (db.h) */
    const char *sqlite;
    const char *pg;     /* NULL: same text as sqlite */
};
/* The query table: the static statements of queries*.h, then those
 * registered at start (db_register_query: the kinds' statements),
 * db_nqueries in all. */
#define DB_MAX_QUERIES (Q__COUNT + 256)
extern struct query_def db_queries[DB_MAX_QUERIES];
extern int db_nqueries;

int db_sqlite_open(const char *path, struct db **out, char *err,
                   size_t errlen);
int db_pg_open(const char *uri, struct db **out, char *err, size_t errlen);
void db_set_error(struct db *db, int e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

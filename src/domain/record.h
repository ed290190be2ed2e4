/*
 * record.h - what the domain modules share about records: reading a
 * query's row into JSON by a column table, one-row lookups, and ending a
 * write's transaction with its audit row.
 */
#pragma once

#include "audit.h"

#include "../core/arena.h"
#include "../core/keep.h"
#include "../db/db.h"

#include <jansson.h>
#include <stddef.h>

enum col_kind {
    COL_INT,      /* integer, or null */
    COL_TEXT,     /* string, or null */
    COL_BOOL,     /* true when the integer is not 0 */
    COL_SET,      /* true when the column is not NULL (voided_at -> voided) */
    COL_HALVES,   /* an integer count of half 学时 -> 1.5 */
    COL_TEXTS,    /* "a,b" -> ["a","b"] ([] for NULL) */
    COL_INTS,     /* "3,4" -> [3,4] */
    COL_TIME,     /* unix seconds -> "2026-11-28T10:00:00Z", or null */
    COL_OMIT,     /* read by the code, not shown */
};

/* Column i of a row is cols[i]. */
struct col {
    const char *key;
    enum col_kind kind;
};

/* Column c of row r copied into a; NULL for NULL (typed records). */
const char *record_text(struct db_res *r, struct arena *a, int c);
/* Column c of row r, an id; 0 for NULL (none). */
int64_t record_id(struct db_res *r, int c);
/* Column c of row r, a list "a,b" (COL_TEXTS) or "3,4" (COL_INTS), as
 * an array in a: *n items (0 for NULL). */
const char **record_texts(struct db_res *r, struct arena *a, int c,
                          size_t *n);
int64_t *record_ints(struct db_res *r, struct arena *a, int c, size_t *n);

/* Reads up to max rows of r (NULL: the query failed) through read, each
 * size bytes, into an array allocated in a: *rows and *n. Ends r. 0 or
 * ERR_DB. The one loop of every typed list. */
typedef void (*record_read_fn)(struct db_res *r, struct arena *a, void *row);
int record_page(struct db_res *r, struct arena *a, int64_t max, size_t size,
                record_read_fn read, void **rows, size_t *n);

/* The key of figures kept (core/keep.h) until the attendance of township
 * t (NULL: the county) changes: its version (migration 16), then fmt's
 * text; "" (not kept) when that does not fit. Read it before counting: a
 * check-in between the two moves the version on, so nothing kept is
 * older than its key. 0 or ERR_DB. */
int record_attendance_key(struct db *db, const char *t, char key[KEEP_KEY],
                          const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The row as a JSON object, columns cols[0..n). */
json_t *record_json(struct db_res *r, const struct col *cols, size_t n);
/* Appends every row of r as an object to items and ends r. 0 or ERR_DB. */
int record_rows(struct db_res *r, const struct col *cols, size_t n,
                json_t *items);
/* A one-row lookup by a text argument: 1 found, 0 not, < 0 error; text
 * (may be NULL) gets column 0. */
int record_lookup(struct db *db, enum query q, const char *arg, char *text,
                  size_t textlen);
/* Ends the transaction of a write that changed `changed` rows (< 0 an
 * error, 0 nothing: ERR_NOTFOUND) with its audit row; rolls back on any
 * error. Takes detail. */
int record_commit(struct db *db, int changed, const struct audit_who *who,
                  const char *event, const char *object, json_t *detail);

/*
 * dbtest.h - what the unit tests of the record modules share: a real
 * temporary SQLite file, migrated, with a key file beside it; raw SQL on
 * that file for fixture rows no domain function makes (people, villages);
 * and a China-time parser for moments. Used as a cmocka setup/teardown
 * pair, with *state a struct dbt.
 */
#pragma once

#include "../../src/db/db.h"
#include "../../src/domain/audit.h"

#include <stdbool.h>
#include <stdint.h>

struct keyring;

struct dbt {
    char path[64];    /* the database file */
    char keypath[64]; /* the key file */
    struct db *db;
    struct keyring *keys;
};

/* Who the tests write as (a county admin at the console). */
extern const struct audit_who dbt_who;

/* cmocka setup and teardown: a migrated file and a new key file;
 * teardown removes both (and the WAL files). */
int dbt_setup(void **state);
int dbt_teardown(void **state);

/* Runs sql on the file through its own connection; fails the test on
 * an error. */
void dbt_exec(struct dbt *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The integer of the first column of the first row of sql. */
int64_t dbt_int(struct dbt *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A roster person of township with political status and ",flag," list
 * (NULL: ","), village code or NULL: its id. */
int64_t dbt_person(struct dbt *t, const char *township, const char *status,
                   const char *flags, const char *village);
/* A room of school (the room kind's create), of capacity seats (0:
 * none given), into *id: 0 or the error. */
int dbt_room(struct db *db, int64_t school, const char *name,
             const char *kind, int64_t capacity, int64_t *id);
/* How many rooms of township (NULL: all), function rooms only or all,
 * the room kind's list holds; fails the test on an error. */
int64_t dbt_rooms(struct db *db, const char *township, bool function);
/* "YYYY-MM-DDTHH:MM" China time as unix seconds (fails the test when
 * malformed). */
int64_t dbt_time(const char *s);

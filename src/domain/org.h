/*
 * org.h - the organisation skeleton: townships (镇街), data with
 * valid-from/valid-to dates (DOMAIN.md §3.3) loaded by the first
 * migration, and the code lists. Villages and Party organisations are
 * declared kinds (kinds.c); `demo` loads its own in bulk.
 */
#pragma once

#include "../db/db.h"
#include "audit.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* The name of current township code into name: 1 found, 0 no such
 * township, < 0 ERR_DB. */
int org_township_name(struct db *db, const char *code, char *name,
                      size_t len);

/* Lists current townships as JSON objects into items (a JSON array).
 * *total gets the count. 0 or ERR_DB. */
int org_townships(struct db *db, int64_t page, int64_t per_page,
                  json_t *items, int64_t *total);

/* Adds a village inside the caller's transaction and without an audit
 * row, for bulk loads that audit once (admins add villages as a declared
 * kind, domain/kinds.c). code may be NULL. 0 with *id, ERR_CONFLICT,
 * ERR_DB. */
int org_village_insert(struct db *db, const char *code, const char *name,
                       const char *township_code, bool demo, int64_t *id);

/* Counts for the home page. township NULL = whole county. */
struct org_counts {
    int64_t townships, villages, people;
};
int org_counts(struct db *db, const char *township, struct org_counts *c);

/* The code lists that are data (the county edits them, DOMAIN.md §3):
 * each has one row of org.c's code_lists. */
enum code_list {
    CODES_ORG_TYPE,        /* 党组织类型 */
    CODES_MEMBER_CATEGORY, /* 人员类别 */
    CODES_MODULE,          /* 课程模块 */
    CODES_ROOM_KIND,       /* 功能室类型 */
    CODES_PROGRAM_TYPE,    /* 培训班类型 */
};
/* The current codes of list c as [{"code","name"}] into items. 0 or
 * ERR_DB. */
int org_code_list(struct db *db, enum code_list c, json_t *items);
/* Whether code is current in list c: 1 yes, 0 no, < 0 ERR_DB. */
int org_code_exists(struct db *db, enum code_list c, const char *code);

/*
 * people.h - the roster (花名册): people with political status, member
 * category, flags, township, village and Party organisation. ID and phone
 * numbers are C2 identifiers (DOMAIN.md §2.2): sealed with the keyring,
 * hashed for exact match, kept as their last 4 characters for suffix
 * search, and shown masked. Gender and birth date come from the ID number.
 * Nothing is deleted: a person is voided with a reason, and every change
 * is kept in person_history and the audit log.
 */
#pragma once

#include "../core/arena.h"
#include "../core/keyring.h"
#include "../db/db.h"
#include "audit.h"

#include <stdbool.h>
#include <stdint.h>

/* Political status codes (API.md) and flags, declared once. */
extern const char *const people_statuses[];  /* NULL-terminated */
extern const char *const people_flags[];     /* NULL-terminated */

/* A create or a change. For a change, NULL / has_* false leave a field
 * as it is; "" clears an optional text field. */
struct person_input {
    const char *name;
    const char *id_number;       /* create only */
    const char *gender;          /* optional check against the ID: M/F */
    const char *birth_date;      /* optional check against the ID */
    const char *phone;
    const char *political_status;
    const char *member_category;
    const char *township_code;
    const char *village_code;
    bool has_org;
    int64_t org_id;              /* 0 clears */
    bool has_flags;
    unsigned flags;              /* bits in people_flags order */
    bool allow15;                /* accept 15-digit ID numbers (import) */
    bool demo;
};

/* Why an input was refused: the field and a Chinese reason. */
struct person_error {
    const char *field;
    const char *why;
};

/* Masks an ID number (371***********123X) or phone (138****5678). */
void people_mask_id(const char *id, char out[19]);
void people_mask_phone(const char *phone, char out[12]);
/* Whether s is a mainland mobile number: ^1[3-9]\d{9}$. */
bool people_valid_phone(const char *s);
/* Parses a flag name; -1 when unknown. */
int people_flag_bit(const char *name);

/* Creates a person. Returns 0 with *id; ERR_INVAL with e filled;
 * ERR_CONFLICT when the ID number is already on the roster (*id is then
 * the existing person); ERR_DB. Audited (person_create). */
int people_create(struct db *db, const struct keyring *k,
                  const struct person_input *in, const struct audit_who *who,
                  int64_t *id, struct person_error *e);
/* The same without a transaction or an audit row, for bulk loads (demo,
 * import) that run in the caller's transaction and audit once. masked
 * gets the masked ID number. */
int people_insert(struct db *db, const struct keyring *k,
                  const struct person_input *in, int64_t *id,
                  struct person_error *e, char masked[19]);
/* Changes a person: records the old and new values (C2 masked) in
 * person_history and the audit log. 0; ERR_NOTFOUND (no such live
 * person); ERR_INVAL with e; ERR_DB. scope, when not NULL, is the only
 * township the caller may move the person to or from (ERR_DENIED). */
int people_update(struct db *db, const struct keyring *k, int64_t id,
                  const struct person_input *in, const char *scope,
                  const struct audit_who *who, struct person_error *e);
/* Voids a person with a reason. scope, when not NULL, is the caller's
 * township: a person of another one answers ERR_NOTFOUND. 0,
 * ERR_NOTFOUND (also when already voided), ERR_DB. */
int people_void(struct db *db, int64_t id, const char *reason,
                const char *scope, const struct audit_who *who);

/* A person as the roster shows them, numbers masked; people_get adds
 * the void reason and, when revealed, the full numbers. The strings live
 * in the arena the call was given. */
struct person {
    int64_t id;
    int64_t org_id;              /* 0: none */
    const char *name, *gender, *birth_date;
    const char *id_number_masked, *phone_masked;   /* phone: may be NULL */
    const char *political_status, *member_category;
    const char *township_code, *village_code;      /* village: may be NULL */
    const char *village_name;    /* NULL: no village, or an unknown code */
    const char *township_name, *member_category_name; /* people_get */
    unsigned flags;              /* bit i: people_flags[i] */
    bool voided;
    const char *void_reason;     /* people_get, voided */
    const char *id_number, *phone; /* people_get with reveal, else NULL */
};

/* Reads one person (masked). When reveal is true the full ID and phone
 * are added and a person_reveal audit row is written. 0, ERR_NOTFOUND,
 * ERR_DB, ERR_INVAL (a key missing from the key file). */
int people_get(struct db *db, struct arena *a, const struct keyring *k,
               int64_t id, bool reveal, const struct audit_who *who,
               struct person *out);

struct people_filter {
    const char *township;         /* NULL = all (county roles) */
    const char *political_status;
    const char *flag;
    const char *q;                /* name, pinyin, initials, last 4 */
    bool strokes;                 /* 姓氏笔画 order, else 拼音 */
};
/* A page of the live people a filter matches, masked: *rows gets *n
 * records copied into a, and *total what the filter matches in all.
 * 0 or ERR_DB. */
int people_page(struct db *db, struct arena *a, const struct people_filter *f,
                int64_t page, int64_t per_page, struct person **rows,
                size_t *n, int64_t *total);

struct sheet;
/* The filtered roster as a table for .xlsx or CSV, masked unless reveal
 * (the caller audits the export). NULL on a database error. *rows gets
 * the count. */
struct sheet *people_export(struct db *db, const struct keyring *k,
                            const struct people_filter *f, bool reveal,
                            int *rows);

/* The version of the 姓氏笔画 keys this code makes (hanzi.c). */
#define PEOPLE_STROKES_VERSION 2
/* Recomputes every stored 笔画 key when the database's are older than
 * PEOPLE_STROKES_VERSION (needs hanzi_init); *n people rekeyed. */
int people_rekey(struct db *db, int64_t *n);

/* Whether keys k open this database's sealed values: every person's ID
 * number (and phone) must decrypt, and hash again to the stored keyed
 * hash (which proves the hash key as well). *checked values tried, *bad
 * of them failed, *first_bad the first such person (0 when none). 0 or
 * ERR_DB. A restore runs it before it trusts a backup's key file. */
int people_check_keys(struct db *db, const struct keyring *k,
                      int64_t *checked, int64_t *bad, int64_t *first_bad);

/* The township of a living person: 0, ERR_NOTFOUND, ERR_DB. */
int person_township(struct db *db, int64_t id, char township[16]);

/*
 * kind.h - records of any declared kind (core/kind.h, declared in
 * kinds.c): one check of every field, reporting every bad one at once;
 * a list with filters, a search, a sort and a total; a record by id; and
 * the audited create, update and void. The layers above read typed
 * records (struct krecord), never JSON.
 */
#pragma once

#include "audit.h"

#include "../core/kind.h"
#include "../db/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;

/* The kinds (kinds.c), and all of them, NULL-terminated. */
extern const struct kind kind_village, kind_honour, kind_org, kind_room;
extern const struct kind *const kind_table[];
/* The kind whose path is path[0..len) ("villages"), or NULL. */
const struct kind *kind_by_path(const char *path, size_t len);
struct kchoice;
struct db;
/* The schools of township (NULL: every one), by id and name, as the room
 * kind's school field offers them. 0 or ERR_DB. */
int kinds_schools(struct db *db, struct arena *a, const char *township,
                  struct kchoice **out, size_t *n);
/* The current villages of township (NULL: of every township) that a
 * record may name, in order (the villages reference kinds declare). 0
 * or ERR_DB. */
int kinds_villages(struct db *db, struct arena *a, const char *township,
                   struct kchoice **out, size_t *n);
/* Registers every kind's statements (db_kind_register); once, before
 * the first connection is used. 0 or ERR_INVAL. */
int kinds_init(void);

/* One field's value, as given or as read. */
enum kval_is { KV_ABSENT, KV_NULL, KV_TEXT };
struct kval {
    enum kval_is is;
    const char *s;
};

/* What is wrong with one field: code missing_field or invalid_field,
 * and a message in zh-CN. */
struct kerror {
    const char *field, *code, *message;
};
struct kerrors {
    struct kerror e[KIND_MAX_FIELDS];
    size_t n;
};
/* Adds an error (the first per field is kept). */
void kerrors_add(struct kerrors *e, const char *field, const char *code,
                 const char *message);

/* A record as read: v[i] is field i's value, name[i] the name of the
 * row a KT_TOWNSHIP or KT_REF field i names; strings live in the arena of the read. */
struct krecord {
    int64_t id;
    struct kval v[KIND_MAX_FIELDS];
    const char *name[KIND_MAX_FIELDS];
    bool voided;
    const char *void_at, *void_reason; /* NULL when live */
    /* The township it is in (NULL: county-wide), and its name when its
     * scope field names a row of a township (a room's school's). */
    const char *township, *township_name;
};

/* What a list shows: filter[i] the value of KF_FILTER field i (NULL:
 * any), township that of a scope ref's row (NULL: any), on[j] whether
 * switch j narrows it, q a part of any KF_SEARCH field, sort a KF_SORT
 * field's index (-1: the kind's default order). With sum set, its count
 * also writes the totals row: sum[i] the total of KF_SUM field i over
 * every record the list holds (0 for the other fields). */
struct klist {
    const char *filter[KIND_MAX_FIELDS];
    const char *township;
    bool on[KIND_MAX_SWITCHES];
    int64_t *sum;
    const char *q;
    int sort;
    bool desc;
    int64_t page, per_page;
};

/* The index of k's KF_SCOPE field (its township), or -1: county-wide. */
int kind_scope_field(const struct kind *k);
/* Whether field i of k is a scope field naming a row of a township (a
 * room's school): the list's ?township= then narrows by that row's. */
bool kind_scope_ref(const struct kind *k, int i);
/* The township a record of the fields v (where v does not give the
 * scope field, of old) is in, into *out (NULL: county-wide, or not
 * given, or naming no row): the scope field's value, or the township of
 * the row it names. 0 or ERR_DB. */
int kind_township(struct db *db, struct arena *a, const struct kind *k,
                  const struct kval *v, const struct krecord *old,
                  const char **out);
/* Field key of k: its index, or -1. */
int kind_field_index(const struct kind *k, const char *key);
/* The sort of "key" or "-key" (NULL or "": the kind's default): 0 with
 * *field and *desc, or ERR_INVAL for what is not a sort of k. */
int kind_sort(const struct kind *k, const char *s, int *field, bool *desc);

/* Checks every given field of v (by field index): of a create (old
 * NULL: the required ones present, only KF_CREATE ones given) or of an
 * update of old (only KF_EDIT ones, none of the required emptied). Text:
 * one line, valid, within the length, not blank; digits; a date; a
 * choice; a code of another table's row that may be chosen (a village
 * of the record's own township). Every error goes into e; returns 0
 * when there is none, ERR_INVAL, or ERR_DB. */
int kind_check(struct db *db, const struct kind *k, const struct kval *v,
               const struct krecord *old, struct kerrors *e);

/* One row that field may name: its code and its name. */
struct kchoice {
    const char *code, *name;
};
/* The rows field i of k (a KT_TOWNSHIP or KT_REF) may name, in order,
 * into *out (n of them, in a); a within rule, or a row of a township,
 * keeps those of township (NULL: of every township). 0, ERR_INVAL (not
 * such a field), ERR_DB. */
int kind_choices(struct db *db, struct arena *a, const struct kind *k,
                 size_t i, const char *township, struct kchoice **out,
                 size_t *n);

/* A page of the list l into *out (n records, in a), *total all that
 * match. 0 or ERR_DB. */
int kind_list(struct db *db, struct arena *a, const struct kind *k,
              const struct klist *l, struct krecord **out, size_t *n,
              int64_t *total);
/* How many records the list l holds (a figure counts what its list
 * shows), and its totals row into l->sum when set. 0 or ERR_DB. */
int kind_count(struct db *db, const struct kind *k, const struct klist *l,
               int64_t *total);
/* The index of k's switch param ("function"), or -1. */
int kind_switch_index(const struct kind *k, const char *param);
/* Record id, voided or not. 0, ERR_NOTFOUND or ERR_DB. */
int kind_get(struct db *db, struct arena *a, const struct kind *k,
             int64_t id, struct krecord *out);

/* Creates a record of the fields v (kind_check first: ERR_INVAL with e),
 * audited as "<name>_create". 0 with *id; ERR_CONFLICT (a KF_UNIQUE
 * value taken; e says which), ERR_DB. */
int kind_create(struct db *db, const struct kind *k, const struct kval *v,
                bool demo, const struct audit_who *who, int64_t *id,
                struct kerrors *e);
/* Changes the given KF_EDIT fields of record old (as kind_get read it)
 * where they differ from it, audited as "<name>_update" with each change
 * from and to; a null clears an optional field. Nothing that differs is
 * 0 with nothing written. ERR_INVAL with e (none given, or a bad one),
 * ERR_NOTFOUND (voided, now or since), ERR_CONFLICT, ERR_DB. */
int kind_update(struct db *db, const struct kind *k,
                const struct krecord *old, const struct kval *v,
                const struct audit_who *who, struct kerrors *e);
/* Voids live record id with a reason, audited as "<name>_void". 0,
 * ERR_NOTFOUND (none, already voided), ERR_INVAL (k is never voided),
 * ERR_DB. */
int kind_void(struct db *db, const struct kind *k, int64_t id,
              const char *reason, const struct audit_who *who);

/*
 * org.c - see org.h.
 */
#include "org.h"

#include "auth.h"

#include "../core/err.h"
#include "../core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
org_townships(struct db *db, int64_t page, int64_t per_page, json_t *items,
              int64_t *total)
{
    if (db_int1(db, Q_TOWNSHIP_COUNT, total, "") != 0)
        return ERR_DB;
    struct db_res *r = db_query(db, Q_TOWNSHIP_LIST, "ii", per_page,
                                (page - 1) * per_page);
    if (r == NULL)
        return ERR_DB;
    int rc;
    while ((rc = db_next(r)) > 0)
        json_array_append_new(
            items,
            json_pack("{s:s, s:s, s:s, s:s, s:s?, s:b}", "code",
                      db_text(r, 0), "name", db_text(r, 1), "kind",
                      db_text(r, 2), "valid_from", db_text(r, 3),
                      "valid_to", db_text(r, 4), "code_is_placeholder",
                      (int)db_int(r, 5)));
    db_end(r);
    return rc < 0 ? ERR_DB : 0;
}

int
org_villages(struct db *db, const char *township, const char *q,
             int64_t page, int64_t per_page, json_t *items, int64_t *total)
{
    if (db_int1(db, Q_VILLAGE_COUNT, total, "ss", township, q) != 0)
        return ERR_DB;
    struct db_res *r = db_query(db, Q_VILLAGE_LIST, "ssii", township, q,
                                per_page, (page - 1) * per_page);
    if (r == NULL)
        return ERR_DB;
    int rc;
    while ((rc = db_next(r)) > 0)
        json_array_append_new(
            items, json_pack("{s:I, s:s?, s:s, s:s, s:s}", "id",
                             (json_int_t)db_int(r, 0), "code", db_text(r, 1),
                             "name", db_text(r, 2), "township_code",
                             db_text(r, 3), "township_name", db_text(r, 4)));
    db_end(r);
    return rc < 0 ? ERR_DB : 0;
}

int
org_village_insert(struct db *db, const char *code, const char *name,
                   const char *township_code, bool demo, int64_t *id)
{
    char today[11];
    char iso[21];
    time_iso(now_unix(), iso);
    memcpy(today, iso, 10);
    today[10] = '\0';
    int rc = db_int1(db, Q_VILLAGE_INSERT, id, "ssssii", code, name,
                     township_code, today, (int64_t)(demo ? 1 : 0),
                     now_unix());
    return rc;
}

int
org_village_create(struct db *db, const char *code, const char *name,
                   const char *township_code, bool demo,
                   const struct audit_who *who, int64_t *id)
{
    if (!township_exists(db, township_code))
        return ERR_INVAL;
    if (db_begin(db) != 0)
        return ERR_DB;
    int rc = org_village_insert(db, code, name, township_code, demo, id);
    if (rc == 0) {
        json_t *d = json_pack("{s:s?, s:s, s:s}", "code", code, "name", name,
                              "township_code", township_code);
        char *ds = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(d);
        char obj[48];
        str_fmt(obj, sizeof(obj), "village:%lld", (long long)*id);
        rc = audit_append(db, who, "village_create", obj, true, ds);
        free(ds);
    }
    if (rc == 0)
        rc = db_commit(db);
    if (rc != 0) {
        int e = db_last_err(db);
        db_rollback(db);
        return e == ERR_CONFLICT ? ERR_CONFLICT : ERR_DB;
    }
    return 0;
}

int
org_counts(struct db *db, const char *township, struct org_counts *c)
{
    memset(c, 0, sizeof(*c));
    if (township) {
        c->townships = 1;
    } else if (db_int1(db, Q_TOWNSHIP_COUNT, &c->townships, "") != 0) {
        return ERR_DB;
    }
    if (db_int1(db, Q_VILLAGE_COUNT, &c->villages, "ss", township,
                (const char *)NULL) != 0 ||
        db_int1(db, Q_PEOPLE_COUNT_SCOPE, &c->people, "s", township) != 0)
        return ERR_DB;
    return 0;
}

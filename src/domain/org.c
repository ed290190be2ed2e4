/*
 * org.c - see org.h.
 */
#include "org.h"

#include "auth.h"
#include "record.h"

#include "../core/err.h"
#include "../core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
org_township_name(struct db *db, const char *code, char *name, size_t len)
{
    return record_lookup(db, Q_TOWNSHIP_GET, code, name, len);
}

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

static json_t *
org_json(struct db_res *r)
{
    json_t *v = json_pack("{s:I, s:s, s:s, s:s, s:s?, s:b}", "id",
                          (json_int_t)db_int(r, 0), "name", db_text(r, 1),
                          "type", db_text(r, 2), "township_code",
                          db_text(r, 3), "village_code", db_text(r, 4),
                          "voided", !db_null(r, 5));
    if (!db_null(r, 5))
        json_object_set_new(v, "void_reason", json_string(db_text(r, 6)));
    return v;
}

int
org_list(struct db *db, const char *township, const char *type,
         const char *q, int64_t page, int64_t per_page, json_t *items,
         int64_t *total)
{
    if (db_int1(db, Q_ORG_COUNT, total, "sss", township, type, q) != 0)
        return ERR_DB;
    struct db_res *r = db_query(db, Q_ORG_LIST, "sssii", township, type, q,
                                per_page, (page - 1) * per_page);
    if (r == NULL)
        return ERR_DB;
    int rc;
    while ((rc = db_next(r)) > 0)
        json_array_append_new(items, org_json(r));
    db_end(r);
    return rc < 0 ? ERR_DB : 0;
}

/* Checks an organisation's type and village (which must lie in its
 * township): 0, ERR_INVAL with *field and *why, or ERR_DB. NULL skips a
 * check. */
static int
check_org(struct db *db, const char *type, const char *township,
          const char *village, const char **field, const char **why)
{
    int rc = type ? record_lookup(db, Q_ORG_TYPE_GET, type, NULL, 0) : 1;
    if (rc < 0)
        return ERR_DB;
    if (rc == 0) {
        *field = "type";
        *why = "没有这个党组织类型";
        return ERR_INVAL;
    }
    if (village) {
        char tw[16];
        rc = record_lookup(db, Q_VILLAGE_TOWNSHIP, village, tw, sizeof(tw));
        if (rc < 0)
            return ERR_DB;
        if (rc == 0 || strcmp(tw, township) != 0) {
            *field = "village_code";
            *why = "该镇街没有这个村(社区)";
            return ERR_INVAL;
        }
    }
    return 0;
}

int
org_create(struct db *db, const char *name, const char *type,
           const char *township, const char *village,
           const struct audit_who *who, int64_t *id, const char **field,
           const char **why)
{
    if (!township_exists(db, township)) {
        *field = "township_code";
        *why = "没有这个镇街代码";
        return ERR_INVAL;
    }
    int rc = check_org(db, type, township, village, field, why);
    if (rc != 0)
        return rc;
    if (db_begin(db) != 0)
        return ERR_DB;
    rc = db_int1(db, Q_ORG_INSERT, id, "ssssii", name, type, township,
                 village, (int64_t)0, now_unix());
    char obj[48];
    str_fmt(obj, sizeof(obj), "org:%lld", (long long)*id);
    return record_commit(db, rc == 0 ? 1 : -1, who, "org_create", obj,
                   json_pack("{s:s, s:s, s:s, s:s?}", "name", name, "type",
                             type, "township_code", township, "village_code",
                             village));
}

int
org_update(struct db *db, int64_t id, const struct org_change *c,
           const struct audit_who *who, const char **field, const char **why)
{
    json_t *old;
    char township[16];
    int rc = org_get(db, id, &old, township);
    if (rc != 0)
        return rc;
    bool voided = json_is_true(json_object_get(old, "voided"));
    if (voided) {
        json_decref(old);
        return ERR_NOTFOUND;
    }
    rc = check_org(db, c->type, township, c->set_village ? c->village : NULL,
                   field, why);
    if (rc != 0) {
        json_decref(old);
        return rc;
    }
    /* The audit row keeps what changed, from and to. */
    json_t *detail = json_object();
    const char *keys[] = {"name", "type", "village_code"};
    const char *to[] = {c->name, c->type, c->village};
    bool given[] = {c->name != NULL, c->type != NULL, c->set_village};
    for (int i = 0; i < 3; i++) {
        json_t *from = json_object_get(old, keys[i]);
        const char *f = json_string_value(from);
        if (!given[i] || (f == NULL && to[i] == NULL) ||
            (f && to[i] && strcmp(f, to[i]) == 0))
            continue;
        json_object_set_new(detail, keys[i],
                            json_pack("{s:O, s:s?}", "from", from, "to",
                                      to[i]));
    }
    json_decref(old);
    if (json_object_size(detail) == 0) {
        json_decref(detail);
        return 0; /* nothing changes: nothing to write or audit */
    }
    if (db_begin(db) != 0) {
        json_decref(detail);
        return ERR_DB;
    }
    int n = db_exec(db, Q_ORG_UPDATE, "ssisi", c->name, c->type,
                    (int64_t)c->set_village, c->village, id);
    char obj[48];
    str_fmt(obj, sizeof(obj), "org:%lld", (long long)id);
    return record_commit(db, n, who, "org_update", obj, detail);
}

int
org_get(struct db *db, int64_t id, json_t **out, char township[16])
{
    struct db_res *r = db_query(db, Q_ORG_GET, "i", id);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc > 0) {
        *out = org_json(r);
        str_copy(township, 16, db_text(r, 3));
    }
    db_end(r);
    return rc < 0 ? ERR_DB : rc == 0 ? ERR_NOTFOUND : 0;
}

int
org_void(struct db *db, int64_t id, const char *reason,
         const struct audit_who *who)
{
    if (db_begin(db) != 0)
        return ERR_DB;
    int n = db_exec(db, Q_ORG_VOID, "isi", now_unix(), reason, id);
    char obj[48];
    str_fmt(obj, sizeof(obj), "org:%lld", (long long)id);
    return record_commit(db, n, who, "org_void", obj,
                   json_pack("{s:s}", "reason", reason));
}

/* Each code list's queries: all current codes, and one by code. */
static const struct {
    enum query list, get;
} code_lists[] = {
    [CODES_ORG_TYPE] = {Q_ORG_TYPE_LIST, Q_ORG_TYPE_GET},
    [CODES_MEMBER_CATEGORY] = {Q_MEMBER_CATEGORY_LIST, Q_MEMBER_CATEGORY_GET},
    [CODES_MODULE] = {Q_MODULE_LIST, Q_MODULE_GET},
    [CODES_ROOM_KIND] = {Q_ROOM_KIND_LIST, Q_ROOM_KIND_GET},
    [CODES_PROGRAM_TYPE] = {Q_PROGRAM_TYPE_LIST, Q_PROGRAM_TYPE_GET},
};

int
org_code_exists(struct db *db, enum code_list c, const char *code)
{
    return record_lookup(db, code_lists[c].get, code, NULL, 0);
}

int
org_code_list(struct db *db, enum code_list c, json_t *items)
{
    struct db_res *r = db_query(db, code_lists[c].list, "");
    if (r == NULL)
        return ERR_DB;
    int rc;
    while ((rc = db_next(r)) > 0)
        json_array_append_new(items, json_pack("{s:s, s:s}", "code",
                                               db_text(r, 0), "name",
                                               db_text(r, 1)));
    db_end(r);
    return rc < 0 ? ERR_DB : 0;
}

int
org_village_get(struct db *db, int64_t id, json_t **out, char township[16])
{
    struct db_res *r = db_query(db, Q_VILLAGE_GET, "i", id);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc > 0) {
        *out = json_pack("{s:I, s:s?, s:s, s:s, s:s?, s:b}", "id",
                         (json_int_t)db_int(r, 0), "code", db_text(r, 1),
                         "name", db_text(r, 2), "township_code",
                         db_text(r, 3), "valid_to", db_text(r, 4), "voided",
                         !db_null(r, 4));
        if (!db_null(r, 5))
            json_object_set_new(*out, "void_reason",
                                json_string(db_text(r, 5)));
        str_copy(township, 16, db_text(r, 3));
    }
    db_end(r);
    return rc < 0 ? ERR_DB : rc == 0 ? ERR_NOTFOUND : 0;
}

int
org_village_rename(struct db *db, int64_t id, const char *name,
                   const struct audit_who *who)
{
    if (db_begin(db) != 0)
        return ERR_DB;
    int n = db_exec(db, Q_VILLAGE_RENAME, "si", name, id);
    char obj[48];
    str_fmt(obj, sizeof(obj), "village:%lld", (long long)id);
    return record_commit(db, n, who, "village_update", obj,
                   json_pack("{s:s}", "name", name));
}

int
org_village_void(struct db *db, int64_t id, const char *reason,
                 const struct audit_who *who)
{
    char today[21];
    time_iso(now_unix(), today);
    today[10] = '\0';
    if (db_begin(db) != 0)
        return ERR_DB;
    int n = db_exec(db, Q_VILLAGE_VOID, "ssi", today, reason, id);
    char obj[48];
    str_fmt(obj, sizeof(obj), "village:%lld", (long long)id);
    return record_commit(db, n, who, "village_void", obj,
                   json_pack("{s:s}", "reason", reason));
}

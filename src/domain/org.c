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

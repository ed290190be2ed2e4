/*
 * kinds.c - the kinds of record, each declared once (core/kind.h): what
 * its fields are, which the list filters, sorts and searches, whose
 * township it is, who reads and writes it, and how it is voided. From
 * the declaration come its statements (db/kindsql.c), its checks, list
 * and audited writes (kind.c), its API and its pages, with their routes
 * (routes.c). Adding a kind is a declaration here and its migration.
 */
#include "kind.h"

#include "roles.h"

#include "../core/err.h"

#include <pthread.h>
#include <string.h>

/* The county's townships, and the code lists and records a field may
 * name (core/kind.h, struct kind_ref). */
static const struct kind_ref townships = {
    .table = "townships", .code = "code", .name = "name",
    .live = "r.valid_to IS NULL", .order = "r.seq, r.code",
    .missing = "没有这个镇街代码",
};
static const struct kind_ref org_types = {
    .table = "org_types", .code = "code", .name = "name",
    .live = "r.active = 1", .order = "r.seq",
    .missing = "没有这个党组织类型",
};
static const struct kind_ref villages = {
    .table = "villages", .code = "code", .name = "name",
    .live = "r.valid_to IS NULL AND r.code IS NOT NULL",
    .within = "township_code", .order = "r.code",
    .missing = "该镇街没有这个村(社区)",
};

/* The township a record belongs to: a school admin keeps its own. */
#define TOWNSHIP_FIELD(flags_)                                                \
    {.key = "township_code", .column = "township_code",                      \
     .type = KT_TOWNSHIP,                                                     \
     .flags = KF_REQUIRED | KF_CREATE | KF_FILTER | KF_SORT | KF_SCOPE |      \
              (flags_),                                                       \
     .min = 9, .max = 9, .label = "镇街", .label_en = "Township",             \
     .param = "township", .name_key = "township_name", .ref = &townships}

/* 村(社区): township data. */
static const struct kind_field village_fields[] = {
    {.key = "code", .column = "code", .type = KT_DIGITS,
     .flags = KF_CREATE | KF_UNIQUE | KF_SORT | KF_SEARCH, .min = 12,
     .max = 12, .label = "村级区划代码", .label_en = "Village code"},
    {.key = "name", .column = "name", .type = KT_TEXT,
     .flags = KF_REQUIRED | KF_CREATE | KF_EDIT | KF_SORT | KF_SEARCH,
     .min = 1, .max = 64, .label = "名称", .label_en = "Name"},
    TOWNSHIP_FIELD(0),
    {.key = NULL},
};
static struct kind_queries village_q;
const struct kind kind_village = {
    .name = "village",
    .path = "villages",
    .title_key = "name",
    .table = "villages",
    .label = "村(社区)",
    .label_en = "Village",
    .fields = village_fields,
    .void_column = "valid_to",
    .void_reason_column = "void_reason",
    .void_date = true,
    .void_label = "撤销",
    .void_label_en = "Dissolve",
    .valid_from_column = "valid_from",
    .created_column = "created_at",
    .demo_column = "is_demo",
    .default_sort = "township_code",
    .read_roles = R_ADMINS,
    .write_roles = R_ADMINS,
    .q = &village_q,
};

/* A township Party school's honours and licences (荣誉/证照: 办学许可,
 * 示范党校 and the like), the ledger the yearly assessment asks for. */
static const struct kind_choice honour_kinds[] = {
    {"honour", "荣誉", "Honour"},
    {"licence", "证照", "Licence"},
    {NULL, NULL, NULL},
};
static const struct kind_field honour_fields[] = {
    TOWNSHIP_FIELD(0),
    {.key = "kind", .column = "kind", .type = KT_CHOICE,
     .flags = KF_REQUIRED | KF_CREATE | KF_EDIT | KF_FILTER | KF_SORT,
     .max = 16, .label = "类别", .label_en = "Kind", .choices = honour_kinds},
    {.key = "title", .column = "title", .type = KT_TEXT,
     .flags = KF_REQUIRED | KF_CREATE | KF_EDIT | KF_SORT | KF_SEARCH,
     .min = 1, .max = 100, .label = "名称", .label_en = "Title"},
    {.key = "issuer", .column = "issuer", .type = KT_TEXT,
     .flags = KF_REQUIRED | KF_CREATE | KF_EDIT | KF_SORT | KF_SEARCH,
     .min = 1, .max = 100, .label = "颁发单位", .label_en = "Issued by"},
    {.key = "issued_on", .column = "issued_on", .type = KT_DATE,
     .flags = KF_REQUIRED | KF_CREATE | KF_EDIT | KF_SORT, .max = 10,
     .label = "颁发日期", .label_en = "Issued on"},
    {.key = "number", .column = "number", .type = KT_TEXT,
     .flags = KF_CREATE | KF_EDIT | KF_SEARCH, .min = 1, .max = 64,
     .label = "证书编号", .label_en = "Number"},
    {.key = NULL},
};
static struct kind_queries honour_q;
const struct kind kind_honour = {
    .name = "honour",
    .path = "honours",
    .title_key = "title",
    .table = "honours",
    .label = "荣誉与证照",
    .label_en = "Honours and licences",
    .fields = honour_fields,
    .void_column = "voided_at",
    .void_reason_column = "void_reason",
    .void_label = "作废",
    .void_label_en = "Void",
    .created_column = "created_at",
    .demo_column = "is_demo",
    .default_sort = "-issued_on",
    .read_roles = R_ADMINS,
    .write_roles = R_ADMINS,
    .q = &honour_q,
};

/* 基层党组织: a Party organisation of a township, perhaps of one of its
 * villages. It stays in its township: a move is a void and a new one. */
static const struct kind_field org_fields[] = {
    {.key = "name", .column = "name", .type = KT_TEXT,
     .flags = KF_REQUIRED | KF_CREATE | KF_EDIT | KF_SORT | KF_SEARCH,
     .min = 1, .max = 64, .label = "名称", .label_en = "Name"},
    {.key = "type", .column = "type", .type = KT_REF,
     .flags = KF_REQUIRED | KF_CREATE | KF_EDIT | KF_FILTER | KF_SORT,
     .min = 1, .max = 32, .label = "类型", .label_en = "Type",
     .name_key = "type_name", .ref = &org_types},
    TOWNSHIP_FIELD(0),
    {.key = "village_code", .column = "village_code", .type = KT_REF,
     .flags = KF_CREATE | KF_EDIT, .min = 12, .max = 12,
     .label = "村(社区)", .label_en = "Village", .name_key = "village_name",
     .ref = &villages},
    {.key = NULL},
};
static struct kind_queries org_q;
const struct kind kind_org = {
    .name = "org",
    .path = "orgs",
    .title_key = "name",
    .table = "orgs",
    .label = "党组织",
    .label_en = "Party organisation",
    .fields = org_fields,
    .void_column = "voided_at",
    .void_reason_column = "void_reason",
    .void_label = "撤销",
    .void_label_en = "Dissolve",
    .created_column = "created_at",
    .demo_column = "is_demo",
    .default_sort = "township_code",
    .read_roles = R_ADMINS,
    .write_roles = R_ADMINS,
    .q = &org_q,
};

/* 教室 and 功能室 of a township Party school: a room stays in its school
 * (it is in its school's township), and is voided when it goes. */
static const struct kind_ref schools = {
    .table = "schools", .code = "id", .name = "name", .live = "1 = 1",
    .order = "r.township_code", .missing = "没有这所党校", .id = true,
    .township = "township_code",
};
static const struct kind_ref room_kinds = {
    .table = "room_kinds", .code = "code", .name = "name",
    .live = "r.active = 1", .order = "r.seq",
    .missing = "没有这种功能室",
};
static const struct kind_field room_fields[] = {
    {.key = "school_id", .column = "school_id", .type = KT_REF,
     .flags = KF_REQUIRED | KF_CREATE | KF_FILTER | KF_SORT | KF_SCOPE,
     .min = 1, .max = 19, .label = "党校", .label_en = "School",
     .name_key = "school_name", .ref = &schools},
    {.key = "name", .column = "name", .type = KT_TEXT,
     .flags = KF_REQUIRED | KF_CREATE | KF_EDIT | KF_SORT | KF_SEARCH,
     .min = 1, .max = 32, .label = "名称", .label_en = "Name"},
    {.key = "kind", .column = "kind", .type = KT_REF,
     .flags = KF_REQUIRED | KF_CREATE | KF_EDIT | KF_FILTER | KF_SORT,
     .min = 1, .max = 32, .label = "类型", .label_en = "Kind",
     .name_key = "kind_name", .ref = &room_kinds},
    {.key = "capacity", .column = "capacity", .type = KT_INT,
     .flags = KF_CREATE | KF_EDIT | KF_SORT | KF_SUM, .min = 1,
     .max = 10000, .label = "座位数", .label_en = "Seats"},
    {.key = NULL},
};
/* The county report counts the function rooms (功能室) by this switch. */
static const struct kind_switch room_switches[] = {
    {.param = "function", .label = "仅功能室", .label_en = "Function rooms",
     .where = "t.kind IN (SELECT code FROM room_kinds WHERE is_function = 1)"},
    {.param = NULL},
};
static struct kind_queries room_q;
const struct kind kind_room = {
    .name = "room",
    .path = "rooms",
    .title_key = "name",
    .table = "rooms",
    .label = "教室与功能室",
    .label_en = "Rooms",
    .fields = room_fields,
    .void_column = "voided_at",
    .void_reason_column = "void_reason",
    .void_label = "停用",
    .void_label_en = "Retire",
    .created_column = "created_at",
    .demo_column = "is_demo",
    .default_sort = "school_id",
    .switches = room_switches,
    .read_roles = R_ADMINS,
    .write_roles = R_ADMINS,
    .q = &room_q,
};

const struct kind *const kind_table[] = {&kind_village, &kind_honour,
                                         &kind_org, &kind_room, NULL};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_rc;

static void
init_once(void)
{
    for (size_t i = 0; kind_table[i]; i++)
        if ((init_rc = db_kind_register(kind_table[i])) != 0)
            return;
}

int
kinds_init(void)
{
    pthread_once(&once, init_once);
    return init_rc;
}

int
kinds_schools(struct db *db, struct arena *a, const char *township,
              struct kchoice **out, size_t *n)
{
    int i = kind_field_index(&kind_room, "school_id");
    return kind_choices(db, a, &kind_room, (size_t)i, township, out, n);
}

int
kinds_villages(struct db *db, struct arena *a, const char *township,
               struct kchoice **out, size_t *n)
{
    int i = kind_field_index(&kind_org, "village_code");
    return kind_choices(db, a, &kind_org, (size_t)i, township, out, n);
}

const struct kind *
kind_by_path(const char *path, size_t len)
{
    for (size_t i = 0; kind_table[i]; i++)
        if (strlen(kind_table[i]->path) == len &&
            memcmp(kind_table[i]->path, path, len) == 0)
            return kind_table[i];
    return NULL;
}

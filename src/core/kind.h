/*
 * kind.h - a kind of record declared once, as data (issue 10), in the
 * manner of redis's command table: its fields (key, column, type,
 * bounds, labels), its scope, what its list filters, sorts and searches,
 * and its void rule. The domain declares the kinds (domain/kinds.c); the
 * db layer builds every statement of a kind from its declaration
 * (db/kindsql.c); the domain checks and writes records through it
 * (domain/kind.c); the API answers any kind through it (api/kind.c).
 * Only types live here, and what a field's declaration alone says.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum kind_type {
    KT_TEXT,     /* one line of text, min..max characters */
    KT_DIGITS,   /* exactly max ASCII digits (a 区划代码) */
    KT_TOWNSHIP, /* a current township's code, shown with its name */
    KT_DATE,     /* a China date, YYYY-MM-DD; shown as 2026年3月1日 */
    KT_CHOICE,   /* one of the field's choices, by code; shown by label */
    KT_REF,      /* the code of a row of another table (f->ref), a code
                  * list's or a record's; chosen and shown by its name */
    KT_INT,      /* a whole number, min..max; a number in JSON */
};

/* What a KT_REF field's code names: a row of table whose code column
 * holds it, named by its name column; only the rows where live holds (SQL
 * over the row, as "r") may be chosen. With within set, that column of
 * the row must hold the township of the record (a village of its own
 * township). Choices are listed in order (SQL over "r"). */
struct kind_ref {
    const char *table, *code, *name, *live, *within, *order;
    const char *missing; /* zh-CN: 没有这个党组织类型 */
    /* The row is named by its id (code "id"), a number in JSON. */
    bool id;
    /* The row's township column: a KF_SCOPE field of this ref puts the
     * record in the township of the row it names (a room in its
     * school's), and the choices of a school admin are its own. */
    const char *township;
};

/* A yes/no narrowing of a list beyond its fields: ?param=1 keeps the
 * records where (SQL over the record, as "t") holds; 0 or none, all. */
struct kind_switch {
    const char *param, *label, *label_en, *where;
};

/* One choice of a KT_CHOICE field: stored code, shown label. */
struct kind_choice {
    const char *code, *label, *label_en;
};

enum kind_flag {
    KF_REQUIRED = 1u << 0, /* a create must give it */
    KF_CREATE = 1u << 1,   /* a create may give it */
    KF_EDIT = 1u << 2,     /* an update may change it */
    KF_FILTER = 1u << 3,   /* ?param=value narrows a list to that value */
    KF_SORT = 1u << 4,     /* ?sort=key (or -key) orders a list by it */
    KF_SEARCH = 1u << 5,   /* ?q= finds it by a part of it */
    KF_SCOPE = 1u << 6,    /* the township the record belongs to (a
                            * KT_TOWNSHIP, or a KT_REF whose ref has a
                            * township: ?township= then narrows the list) */
    KF_UNIQUE = 1u << 7,   /* no two records share a value */
    KF_SUM = 1u << 8,      /* a KT_INT the list's totals row adds up */
};

struct kind_field {
    const char *key;      /* JSON key, form field and sort name */
    const char *column;   /* its column in the kind's table */
    enum kind_type type;
    unsigned flags;
    int64_t min, max;     /* characters of text; digits of KT_DIGITS;
                           * the bounds of a KT_INT */
    const char *label;    /* zh-CN, in the county's words */
    const char *label_en;
    const char *param;    /* the list's filter parameter (NULL: key) */
    const char *name_key; /* KT_TOWNSHIP, KT_REF: the key of its name */
    const struct kind_choice *choices; /* KT_CHOICE: code NULL ends them */
    const struct kind_ref *ref; /* KT_REF, KT_TOWNSHIP (the townships) */
};

/* Whether f holds a whole number (a KT_INT, or the id of a row): a
 * number in JSON, checked to be one before SQL sees it. */
static inline bool
kind_numeric(const struct kind_field *f)
{
    return f->type == KT_INT || (f->ref && f->ref->id);
}

/* Limits of a declaration (db/kindsql.c refuses more). */
#define KIND_MAX_FIELDS 16
#define KIND_MAX_SORTS 6
#define KIND_MAX_SWITCHES 4

/* The statements db/kindsql.c registered for a kind (query ids): a list
 * for each sort field ascending and descending, and the rest; for each
 * field that names a row of another table (KT_TOWNSHIP, KT_REF), whether
 * a code may be chosen (ref_check) and the choices (ref_list). */
struct kind_queries {
    int list[KIND_MAX_SORTS][2];
    int count, get, insert, update, void_; /* count: with the sums */
    int ref_check[KIND_MAX_FIELDS], ref_list[KIND_MAX_FIELDS];
    int township; /* the township of a row a scope ref names, or -1 */
    bool ready;
};

struct kind {
    const char *name;     /* "village": audit objects and events */
    const char *path;     /* "villages": /villages, /api/v1/villages */
    const char *title_key; /* the field that names a record (its link) */
    const char *table;
    const char *label;    /* zh-CN: 村(社区) */
    const char *label_en;
    const struct kind_field *fields; /* key NULL terminated */
    /* Live records have void_column NULL; a void writes today's China
     * date (void_date) or the time in unix seconds, and the reason. NULL:
     * never voided. */
    const char *void_column, *void_reason_column;
    bool void_date;
    const char *void_label, *void_label_en; /* the verb: 撤销, Dissolve */
    /* Written at create when not NULL: today's China date; the time in
     * unix seconds; whether the record is demo data. */
    const char *valid_from_column, *created_column, *demo_column;
    const char *default_sort;  /* a KF_SORT key; "-key" descending */
    const struct kind_switch *switches; /* param NULL ends them */
    /* Who may read and who may write it (role bits, domain/roles.h): the
     * route table gives its routes these (routes.c). */
    unsigned read_roles, write_roles;
    struct kind_queries *q;    /* filled in by db_kind_register */
};

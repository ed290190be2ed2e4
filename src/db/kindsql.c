/*
 * kindsql.c - the statements of a kind of record, built once at start
 * from its declaration (core/kind.h) and added to the query table, so
 * they are prepared, checked (db_check_queries) and called like the
 * written ones. This is the only place their SQL is written.
 *
 * Every statement reads the same columns, in this order (kind.c reads
 * them by the same rule): id; each field; the name of each field that
 * names a row of another table (f->ref); for a kind whose scope field
 * names a row with a township (a room's school), that township's code
 * and name; the void column and the void reason (NULL when the kind is
 * never voided). A list is filtered by each KF_FILTER field, then by
 * that township, by each switch, by ?q= over the KF_SEARCH fields, and
 * ordered by one KF_SORT field (empty values last) then by id; one
 * statement per sort field and direction, so that no ORDER BY is ever
 * made from a request; the count adds up the KF_SUM fields over the
 * same rows (the totals row). A field that names another table's row also
 * gets a statement saying whether a code may be chosen, and one listing
 * the choices.
 */
#include "db_int.h"

#include "../core/err.h"
#include "../core/kind.h"
#include "../core/strbuf.h"
#include "../core/util.h"

#include <stdio.h>
#include <string.h>

/* The field that puts a record of k in the township of the row it
 * names (a room in its school's), or NULL. */
static const struct kind_field *
scope_ref(const struct kind *k)
{
    for (const struct kind_field *f = k->fields; f->key; f++)
        if ((f->flags & KF_SCOPE) && f->ref && f->ref->township)
            return f;
    return NULL;
}

/* The township of the row field f of the record t names. */
static void
township_of(struct strbuf *b, const struct kind_field *f)
{
    strbuf_printf(b, "(SELECT r.%s FROM %s r WHERE r.%s = t.%s)",
                  f->ref->township, f->ref->table, f->ref->code, f->column);
}

/* The column list every statement of k reads. */
static void
select_list(struct strbuf *b, const struct kind *k)
{
    strbuf_puts(b, "SELECT t.id");
    for (const struct kind_field *f = k->fields; f->key; f++)
        strbuf_printf(b, ", t.%s", f->column);
    /* A name is shown even when its row has since been voided. */
    for (const struct kind_field *f = k->fields; f->key; f++)
        if (f->ref)
            strbuf_printf(b,
                          ", (SELECT r.%s FROM %s r WHERE r.%s = t.%s)",
                          f->ref->name, f->ref->table, f->ref->code,
                          f->column);
    const struct kind_field *s = scope_ref(k);
    if (s) {
        strbuf_puts(b, ", ");
        township_of(b, s);
        strbuf_puts(b, ", (SELECT tw.name FROM townships tw WHERE tw.code = ");
        township_of(b, s);
        strbuf_puts(b, ")");
    }
    if (k->void_column)
        strbuf_printf(b, ", t.%s, t.%s", k->void_column,
                      k->void_reason_column);
    else
        strbuf_puts(b, ", NULL, NULL");
    strbuf_printf(b, " FROM %s t", k->table);
}

/* The WHERE of a list and its count, its parameters from $1; appends
 * their types to types and returns the next parameter's number. */
static int
list_where(struct strbuf *b, const struct kind *k, struct strbuf *types)
{
    int n = 1;
    strbuf_puts(b, " WHERE 1 = 1");
    if (k->void_column)
        strbuf_printf(b, " AND t.%s IS NULL", k->void_column);
    for (const struct kind_field *f = k->fields; f->key; f++) {
        if (!(f->flags & KF_FILTER))
            continue;
        /* A number's filter is checked to be one before it is cast. */
        if (kind_numeric(f))
            strbuf_printf(b,
                          " AND (CAST($%d AS TEXT) IS NULL OR "
                          "t.%s = CAST($%d AS BIGINT))",
                          n, f->column, n);
        else
            strbuf_printf(b, " AND (CAST($%d AS TEXT) IS NULL OR t.%s = $%d)",
                          n, f->column, n);
        strbuf_puts(types, "s");
        n++;
    }
    const struct kind_field *s = scope_ref(k);
    if (s) {
        strbuf_printf(b, " AND (CAST($%d AS TEXT) IS NULL OR ", n);
        township_of(b, s);
        strbuf_printf(b, " = $%d)", n);
        strbuf_puts(types, "s");
        n++;
    }
    for (const struct kind_switch *w = k->switches; w && w->param; w++) {
        strbuf_printf(b, " AND ($%d = 0 OR (%s))", n, w->where);
        strbuf_puts(types, "i");
        n++;
    }
    bool search = false;
    for (const struct kind_field *f = k->fields; f->key; f++) {
        if (!(f->flags & KF_SEARCH))
            continue;
        if (!search)
            strbuf_printf(b, " AND (CAST($%d AS TEXT) IS NULL", n);
        strbuf_printf(b, " OR t.%s LIKE '%%' || $%d || '%%'", f->column, n);
        search = true;
    }
    if (search) {
        strbuf_puts(b, ")");
        strbuf_puts(types, "s");
        n++;
    }
    return n;
}

/* Registers the text in b (taken) under name (copied). */
static int
add(const struct kind *k, const char *what, struct strbuf *b,
    struct strbuf *types)
{
    char name[96];
    str_fmt(name, sizeof(name), "KIND_%s_%s", k->name, what);
    char *n = xstrdup(name);
    char *t = strbuf_take(types, NULL);
    char *sql = strbuf_take(b, NULL);
    int id = db_register_query(n, t ? t : xstrdup(""), sql, NULL);
    return id < 0 ? ERR_INVAL : id;
}

int
db_kind_register(const struct kind *k)
{
    struct kind_queries *q = k->q;
    if (q->ready)
        return 0;
    size_t nf = 0, ns = 0;
    for (const struct kind_field *f = k->fields; f->key; f++) {
        nf++;
        ns += (f->flags & KF_SORT) != 0;
        if ((f->flags & KF_SUM) && f->type != KT_INT)
            return ERR_INVAL; /* only a whole number adds up */
    }
    size_t nw = 0;
    for (const struct kind_switch *w = k->switches; w && w->param; w++)
        nw++;
    if (nf > KIND_MAX_FIELDS || ns > KIND_MAX_SORTS ||
        nw > KIND_MAX_SWITCHES)
        return ERR_INVAL;
    struct strbuf b, types;
    int id;
    /* The lists: one per sort field and direction. */
    size_t s = 0;
    for (const struct kind_field *f = k->fields; f->key; f++) {
        if (!(f->flags & KF_SORT))
            continue;
        for (int desc = 0; desc < 2; desc++) {
            strbuf_init(&b, 0);
            strbuf_init(&types, 0);
            select_list(&b, k);
            int n = list_where(&b, k, &types);
            const char *dir = desc ? "DESC" : "ASC";
            /* Empty values last either way, on both engines (SQLite
             * puts NULL first ascending, PostgreSQL last). */
            strbuf_printf(&b,
                          " ORDER BY t.%s IS NULL, t.%s %s, t.id %s "
                          "LIMIT $%d OFFSET $%d",
                          f->column, f->column, dir, dir, n, n + 1);
            strbuf_puts(&types, "ii");
            char what[64];
            str_fmt(what, sizeof(what), "LIST_%s_%s", f->key, dir);
            if ((id = add(k, what, &b, &types)) < 0)
                return id;
            q->list[s][desc] = id;
        }
        s++;
    }
    /* The count, and the totals row: each KF_SUM field added up over
     * the same rows, in the same scan. */
    strbuf_init(&b, 0);
    strbuf_init(&types, 0);
    strbuf_puts(&b, "SELECT COUNT(*)");
    for (const struct kind_field *f = k->fields; f->key; f++)
        if (f->flags & KF_SUM)
            strbuf_printf(&b, ", COALESCE(SUM(t.%s), 0)", f->column);
    strbuf_printf(&b, " FROM %s t", k->table);
    list_where(&b, k, &types);
    if ((q->count = add(k, "COUNT", &b, &types)) < 0)
        return q->count;
    strbuf_init(&b, 0);
    strbuf_init(&types, 0);
    select_list(&b, k);
    strbuf_puts(&b, " WHERE t.id = $1");
    strbuf_puts(&types, "i");
    if ((q->get = add(k, "GET", &b, &types)) < 0)
        return q->get;
    /* Insert: the fields a create gives, then what the kind stamps. */
    strbuf_init(&b, 0);
    strbuf_init(&types, 0);
    strbuf_printf(&b, "INSERT INTO %s(", k->table);
    int n = 0;
    for (const struct kind_field *f = k->fields; f->key; f++)
        if (f->flags & KF_CREATE) {
            strbuf_printf(&b, "%s%s", n++ ? ", " : "", f->column);
            strbuf_puts(&types, "s");
        }
    const char *stamps[3] = {k->valid_from_column, k->created_column,
                             k->demo_column};
    const char stamp_types[3] = {'s', 'i', 'i'};
    for (int i = 0; i < 3; i++)
        if (stamps[i]) {
            strbuf_printf(&b, "%s%s", n++ ? ", " : "", stamps[i]);
            strbuf_append(&types, &stamp_types[i], 1);
        }
    strbuf_puts(&b, ") VALUES (");
    for (int i = 1; i <= n; i++)
        strbuf_printf(&b, "%s$%d", i > 1 ? ", " : "", i);
    strbuf_puts(&b, ") RETURNING id");
    if ((q->insert = add(k, "INSERT", &b, &types)) < 0)
        return q->insert;
    /* Update: each editable field set where its flag is 1, so that a
     * field is cleared by a NULL and kept by a 0. */
    strbuf_init(&b, 0);
    strbuf_init(&types, 0);
    strbuf_printf(&b, "UPDATE %s SET ", k->table);
    n = 0;
    for (const struct kind_field *f = k->fields; f->key; f++)
        if (f->flags & KF_EDIT) {
            strbuf_printf(&b, "%s%s = CASE WHEN $%d = 1 THEN $%d ELSE %s END",
                          n ? ", " : "", f->column, n + 1, n + 2,
                          f->column);
            strbuf_puts(&types, "is");
            n += 2;
        }
    if (n == 0) {
        strbuf_cleanup(&b);
        strbuf_cleanup(&types);
        q->update = -1;
    } else {
        strbuf_printf(&b, " WHERE id = $%d", n + 1);
        if (k->void_column)
            strbuf_printf(&b, " AND %s IS NULL", k->void_column);
        strbuf_puts(&types, "i");
        if ((q->update = add(k, "UPDATE", &b, &types)) < 0)
            return q->update;
    }
    /* What a field naming another table's row may hold, and its
     * choices. */
    size_t i = 0;
    for (const struct kind_field *f = k->fields; f->key; f++, i++) {
        q->ref_check[i] = q->ref_list[i] = -1;
        const struct kind_ref *r = f->ref;
        if (r == NULL)
            continue;
        strbuf_init(&b, 0);
        strbuf_init(&types, 0);
        strbuf_printf(&b, "SELECT 1 FROM %s r WHERE r.%s = $1 AND (%s)",
                      r->table, r->code, r->live);
        strbuf_puts(&types, "s");
        if (r->within) {
            strbuf_printf(&b, " AND r.%s = $2", r->within);
            strbuf_puts(&types, "s");
        }
        char what[64];
        str_fmt(what, sizeof(what), "REF_%s", f->key);
        if ((q->ref_check[i] = add(k, what, &b, &types)) < 0)
            return q->ref_check[i];
        strbuf_init(&b, 0);
        strbuf_init(&types, 0);
        strbuf_printf(&b, "SELECT r.%s, r.%s FROM %s r WHERE (%s)", r->code,
                      r->name, r->table, r->live);
        /* A school admin chooses among its own township's rows. */
        const char *tw = r->within ? r->within : r->township;
        if (tw) {
            strbuf_printf(&b, " AND (CAST($1 AS TEXT) IS NULL OR r.%s = $1)",
                          tw);
            strbuf_puts(&types, "s");
        }
        strbuf_printf(&b, " ORDER BY %s", r->order);
        str_fmt(what, sizeof(what), "CHOICES_%s", f->key);
        if ((q->ref_list[i] = add(k, what, &b, &types)) < 0)
            return q->ref_list[i];
    }
    /* The township of the row a scope ref names, chosen or not. */
    q->township = -1;
    const struct kind_field *sr = scope_ref(k);
    if (sr) {
        strbuf_init(&b, 0);
        strbuf_init(&types, 0);
        strbuf_printf(&b, "SELECT r.%s FROM %s r WHERE r.%s = $1",
                      sr->ref->township, sr->ref->table, sr->ref->code);
        strbuf_puts(&types, "s");
        if ((q->township = add(k, "TOWNSHIP", &b, &types)) < 0)
            return q->township;
    }
    q->void_ = -1;
    if (k->void_column) {
        strbuf_init(&b, 0);
        strbuf_init(&types, 0);
        strbuf_printf(&b,
                      "UPDATE %s SET %s = $1, %s = $2 WHERE id = $3 "
                      "AND %s IS NULL",
                      k->table, k->void_column, k->void_reason_column,
                      k->void_column);
        strbuf_puts(&types, k->void_date ? "ssi" : "isi");
        if ((q->void_ = add(k, "VOID", &b, &types)) < 0)
            return q->void_;
    }
    q->ready = true;
    return 0;
}

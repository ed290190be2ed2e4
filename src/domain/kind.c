/*
 * kind.c - records of any declared kind: the checks, the list, the read
 * and the audited writes, all from the kind's declaration and the
 * statements db/kindsql.c built from it.
 */
#include "kind.h"

#include "record.h"
#include "rules.h"

#include "../core/arena.h"
#include "../core/err.h"
#include "../core/util.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

void
kerrors_add(struct kerrors *e, const char *field, const char *code,
            const char *message)
{
    for (size_t i = 0; i < e->n; i++)
        if (strcmp(e->e[i].field, field) == 0)
            return;
    if (e->n < KIND_MAX_FIELDS)
        e->e[e->n++] = (struct kerror){field, code, message};
}

int
kind_scope_field(const struct kind *k)
{
    for (int i = 0; k->fields[i].key; i++)
        if (k->fields[i].flags & KF_SCOPE)
            return i;
    return -1;
}

bool
kind_scope_ref(const struct kind *k, int i)
{
    const struct kind_field *f = &k->fields[i];
    return (f->flags & KF_SCOPE) && f->ref && f->ref->township;
}

int
kind_township(struct db *db, struct arena *a, const struct kind *k,
              const struct kval *v, const struct krecord *old,
              const char **out)
{
    *out = NULL;
    int s = kind_scope_field(k);
    if (s < 0)
        return 0;
    if (v[s].is != KV_TEXT) {
        *out = old ? old->township : NULL;
        return 0;
    }
    if (!kind_scope_ref(k, s)) {
        *out = v[s].s;
        return 0;
    }
    int64_t id;
    if (k->fields[s].ref->id && (parse_i64(v[s].s, &id) != 0 || id < 1))
        return 0; /* no such row: kind_check says so */
    struct db_arg arg = {'s', 0, v[s].s};
    struct db_res *r = db_query_args(db, k->q->township, &arg, 1);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc > 0 && db_text(r, 0))
        *out = arena_strdup(a, db_text(r, 0));
    db_end(r);
    return rc < 0 ? ERR_DB : 0;
}

int
kind_field_index(const struct kind *k, const char *key)
{
    for (int i = 0; key && k->fields[i].key; i++)
        if (strcmp(k->fields[i].key, key) == 0)
            return i;
    return -1;
}

int
kind_sort(const struct kind *k, const char *s, int *field, bool *desc)
{
    if (s == NULL || *s == '\0')
        s = k->default_sort;
    *desc = *s == '-';
    *field = kind_field_index(k, s + *desc);
    if (*field < 0 || !(k->fields[*field].flags & KF_SORT))
        return ERR_INVAL;
    return 0;
}

/* The slot of sort field i among k's sort fields (its list statements). */
static int
sort_slot(const struct kind *k, int i)
{
    int slot = 0;
    for (int j = 0; j < i; j++)
        slot += (k->fields[j].flags & KF_SORT) != 0;
    return slot;
}

static size_t
nfields(const struct kind *k)
{
    size_t n = 0;
    while (k->fields[n].key)
        n++;
    return n;
}

/* Messages name the field by its label; they live as long as the
 * program (the arena of a request would do, but the checks run without
 * one), so each is formatted into a small ring of static buffers. */
static const char *
msg(const char *fmt, const char *label, long long a, long long b)
{
    static _Thread_local char ring[KIND_MAX_FIELDS][160];
    static _Thread_local unsigned next;
    char *p = ring[next++ % KIND_MAX_FIELDS];
    snprintf(p, sizeof(ring[0]), fmt, label, a, b);
    return p;
}

/* One text field's own rules. */
static void
check_text(const struct kind_field *f, const char *s, struct kerrors *e)
{
    long n = utf8_chars(s);
    if (n < 0 || text_check(s, TEXT_LINE) != 0) {
        kerrors_add(e, f->key, "invalid_field",
                    msg("%s含有不允许的字符（换行、控制字符或无效编码）",
                        f->label, 0, 0));
        return;
    }
    if (f->type == KT_DATE) {
        int64_t t;
        if (date_parse(s, &t) != 0)
            kerrors_add(e, f->key, "invalid_field",
                        msg("%s应为日期（如 2026-03-01）", f->label, 0, 0));
        return;
    }
    if (f->type == KT_CHOICE) {
        for (const struct kind_choice *c = f->choices; c && c->code; c++)
            if (strcmp(c->code, s) == 0)
                return;
        kerrors_add(e, f->key, "invalid_field",
                    msg("%s不在可选范围内", f->label, 0, 0));
        return;
    }
    if (kind_numeric(f)) {
        int64_t x;
        bool ok = parse_i64(s, &x) == 0;
        if (f->type == KT_INT && (!ok || x < f->min || x > f->max))
            kerrors_add(e, f->key, "invalid_field",
                        msg("%s应为%lld至%lld的整数", f->label,
                            (long long)f->min, (long long)f->max));
        else if (f->type != KT_INT && (!ok || x < 1))
            kerrors_add(e, f->key, "invalid_field", f->ref->missing);
        return;
    }
    if (f->type == KT_DIGITS) {
        if (!str_is_digits(s, (size_t)f->max))
            kerrors_add(e, f->key, "invalid_field",
                        msg("%s为%lld位数字", f->label, (long long)f->max, 0));
        return;
    }
    if (str_blank(s)) {
        kerrors_add(e, f->key, "invalid_field",
                    msg("请输入%s", f->label, 0, 0));
        return;
    }
    if (n < (f->min > 0 ? f->min : 1) || n > f->max)
        kerrors_add(e, f->key, "invalid_field",
                    msg("%s须为%lld至%lld个字", f->label,
                        (long long)f->min, (long long)f->max));
}

/* Whether code may be chosen for field i (a ref): 1, 0 or ERR_DB. With
 * a within rule, it must lie in township. */
static int
ref_ok(struct db *db, const struct kind *k, size_t i, const char *code,
       const char *township)
{
    struct db_arg a[2] = {{'s', 0, code},
                          township ? (struct db_arg){'s', 0, township}
                                   : (struct db_arg){'0', 0, NULL}};
    struct db_res *r = db_query_args(db, k->q->ref_check[i], a,
                                     k->fields[i].ref->within ? 2 : 1);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    db_end(r);
    return rc < 0 ? ERR_DB : rc > 0;
}

/* The township a record of v (or, where v does not give it, old) is
 * in: the value its ref fields' within rule holds them to. */
static const char *
township_of(const struct kind *k, const struct kval *v,
            const struct krecord *old)
{
    int s = kind_scope_field(k);
    if (s < 0)
        return NULL;
    if (v[s].is == KV_TEXT)
        return v[s].s;
    return old && old->v[s].is == KV_TEXT ? old->v[s].s : NULL;
}

int
kind_check(struct db *db, const struct kind *k, const struct kval *v,
           const struct krecord *old, struct kerrors *e)
{
    e->n = 0;
    bool create = old == NULL;
    unsigned may = create ? KF_CREATE : KF_EDIT;
    for (size_t i = 0; k->fields[i].key; i++) {
        const struct kind_field *f = &k->fields[i];
        if (v[i].is == KV_ABSENT) {
            if (create && (f->flags & KF_REQUIRED))
                kerrors_add(e, f->key, "missing_field",
                            msg("请输入%s", f->label, 0, 0));
            continue;
        }
        if (!(f->flags & may)) {
            kerrors_add(e, f->key, "invalid_field",
                        create ? msg("新建时不填%s", f->label, 0, 0)
                               : msg("%s不能修改", f->label, 0, 0));
            continue;
        }
        if (v[i].is == KV_NULL) {
            if (f->flags & KF_REQUIRED)
                kerrors_add(e, f->key,
                            create ? "missing_field" : "invalid_field",
                            create ? msg("请输入%s", f->label, 0, 0)
                                   : msg("%s不能为空", f->label, 0, 0));
            continue;
        }
        size_t before = e->n;
        check_text(f, v[i].s, e);
        if (f->ref == NULL || e->n != before)
            continue;
        int ok = ref_ok(db, k, i, v[i].s, township_of(k, v, old));
        if (ok < 0)
            return ERR_DB;
        if (ok == 0)
            kerrors_add(e, f->key, "invalid_field", f->ref->missing);
    }
    return e->n ? ERR_INVAL : 0;
}

int
kind_choices(struct db *db, struct arena *a, const struct kind *k,
             size_t i, const char *township, struct kchoice **out,
             size_t *n)
{
    *out = NULL;
    *n = 0;
    if (k->fields[i].ref == NULL)
        return ERR_INVAL;
    struct db_arg arg = township ? (struct db_arg){'s', 0, township}
                                 : (struct db_arg){'0', 0, NULL};
    const struct kind_ref *ref = k->fields[i].ref;
    struct db_res *r = db_query_args(db, k->q->ref_list[i], &arg,
                                     ref->within || ref->township ? 1 : 0);
    if (r == NULL)
        return ERR_DB;
    size_t cap = 0;
    int rc;
    while ((rc = db_next(r)) > 0) {
        if (*n == cap) {
            size_t ncap = cap ? cap * 2 : 32;
            struct kchoice *m = arena_alloc(a, ncap * sizeof(*m));
            if (*n)
                memcpy(m, *out, *n * sizeof(*m));
            *out = m;
            cap = ncap;
        }
        (*out)[(*n)++] = (struct kchoice){arena_strdup(a, db_text(r, 0)),
                                          arena_strdup(a, db_text(r, 1))};
    }
    db_end(r);
    return rc < 0 ? ERR_DB : 0;
}

/* Reads the current row of r into out, by kindsql.c's column order. */
static void
read_record(struct db_res *r, struct arena *a, const struct kind *k,
            struct krecord *out)
{
    size_t nf = nfields(k);
    memset(out, 0, sizeof(*out));
    out->id = db_int(r, 0);
    int col = 1;
    for (size_t i = 0; i < nf; i++, col++)
        out->v[i] = db_null(r, col)
                        ? (struct kval){KV_NULL, NULL}
                        : (struct kval){KV_TEXT,
                                        arena_strdup(a, db_text(r, col))};
    for (size_t i = 0; i < nf; i++)
        if (k->fields[i].ref) {
            const char *t = db_text(r, col++);
            out->name[i] = t ? arena_strdup(a, t) : NULL;
        }
    int s = kind_scope_field(k);
    if (s >= 0 && kind_scope_ref(k, s)) {
        const char *t = db_text(r, col++), *name = db_text(r, col++);
        out->township = t ? arena_strdup(a, t) : NULL;
        out->township_name = name ? arena_strdup(a, name) : NULL;
    } else if (s >= 0 && out->v[s].is == KV_TEXT) {
        out->township = out->v[s].s;
    }
    out->voided = !db_null(r, col);
    if (out->voided) {
        out->void_at = arena_strdup(a, db_text(r, col));
        const char *why = db_text(r, col + 1);
        out->void_reason = why ? arena_strdup(a, why) : NULL;
    }
}

/* The arguments of a list's WHERE (kindsql.c's list_where order). */
static int
where_args(const struct kind *k, const struct klist *l, struct db_arg *a)
{
    int n = 0;
    bool search = false;
    for (size_t i = 0; k->fields[i].key; i++) {
        if (k->fields[i].flags & KF_FILTER)
            a[n++] = l->filter[i] ? (struct db_arg){'s', 0, l->filter[i]}
                                  : (struct db_arg){'0', 0, NULL};
        search = search || (k->fields[i].flags & KF_SEARCH);
    }
    int s = kind_scope_field(k);
    if (s >= 0 && kind_scope_ref(k, s))
        a[n++] = l->township ? (struct db_arg){'s', 0, l->township}
                             : (struct db_arg){'0', 0, NULL};
    for (size_t j = 0; k->switches && k->switches[j].param; j++)
        a[n++] = (struct db_arg){'i', l->on[j], NULL};
    if (search)
        a[n++] = l->q && *l->q ? (struct db_arg){'s', 0, l->q}
                               : (struct db_arg){'0', 0, NULL};
    return n;
}

int
kind_count(struct db *db, const struct kind *k, const struct klist *l,
           int64_t *total)
{
    struct db_arg args[KIND_MAX_FIELDS + KIND_MAX_SWITCHES + 2];
    int na = where_args(k, l, args);
    struct db_res *r = db_query_args(db, k->q->count, args, na);
    if (r == NULL || db_next(r) <= 0) {
        if (r)
            db_end(r);
        return ERR_DB;
    }
    *total = db_int(r, 0);
    int col = 1;
    for (size_t i = 0; l->sum && k->fields[i].key; i++)
        l->sum[i] = k->fields[i].flags & KF_SUM ? db_int(r, col++) : 0;
    db_end(r);
    return 0;
}

int
kind_switch_index(const struct kind *k, const char *param)
{
    for (int j = 0; k->switches && k->switches[j].param; j++)
        if (strcmp(k->switches[j].param, param) == 0)
            return j;
    return -1;
}

int
kind_list(struct db *db, struct arena *a, const struct kind *k,
          const struct klist *l, struct krecord **out, size_t *n,
          int64_t *total)
{
    *out = NULL;
    *n = 0;
    if (kind_count(db, k, l, total) != 0)
        return ERR_DB;
    struct db_arg args[KIND_MAX_FIELDS + KIND_MAX_SWITCHES + 4];
    int na = where_args(k, l, args);
    struct db_res *r;
    int field = l->sort;
    bool desc = l->desc;
    if (field < 0 && kind_sort(k, NULL, &field, &desc) != 0)
        return ERR_INVAL;
    args[na++] = (struct db_arg){'i', l->per_page, NULL};
    args[na++] = (struct db_arg){'i', (l->page - 1) * l->per_page, NULL};
    r = db_query_args(db, k->q->list[sort_slot(k, field)][desc], args, na);
    if (r == NULL)
        return ERR_DB;
    /* Room for what the page can hold of the total, not for per_page: an
     * export asks for up to 100,000 and gets a few dozen. */
    int64_t left = *total - (l->page - 1) * l->per_page;
    int64_t room = left < l->per_page ? left : l->per_page;
    if (room < 1)
        room = 1;
    struct krecord *rows = arena_alloc(a, (size_t)room * sizeof(*rows));
    int rc;
    while ((rc = db_next(r)) > 0 && *n < (size_t)room)
        read_record(r, a, k, &rows[(*n)++]);
    db_end(r);
    *out = rows;
    return rc < 0 ? ERR_DB : 0;
}

int
kind_get(struct db *db, struct arena *a, const struct kind *k, int64_t id,
         struct krecord *out)
{
    struct db_arg arg = {'i', id, NULL};
    struct db_res *r = db_query_args(db, k->q->get, &arg, 1);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc > 0)
        read_record(r, a, k, out);
    db_end(r);
    return rc < 0 ? ERR_DB : rc == 0 ? ERR_NOTFOUND : 0;
}

/* The audit detail of a create: the fields given (null for an empty
 * one). */
static json_t *
detail_of(const struct kind *k, const struct kval *v)
{
    json_t *d = json_object();
    for (size_t i = 0; k->fields[i].key; i++)
        if (v[i].is != KV_ABSENT)
            json_object_set_new(d, k->fields[i].key,
                                v[i].is == KV_TEXT ? json_string(v[i].s)
                                                   : json_null());
    return d;
}

/* The unique field a conflict is about (the first one given). */
static void
conflict(const struct kind *k, const struct kval *v, struct kerrors *e)
{
    e->n = 0;
    for (size_t i = 0; k->fields[i].key; i++)
        if ((k->fields[i].flags & KF_UNIQUE) && v[i].is == KV_TEXT) {
            kerrors_add(e, k->fields[i].key, "conflict",
                        msg("这个%s已经存在", k->fields[i].label, 0, 0));
            return;
        }
}

static void
object_of(const struct kind *k, int64_t id, char obj[64])
{
    snprintf(obj, 64, "%s:%lld", k->name, (long long)id);
}

static void
event_of(const struct kind *k, const char *what, char ev[48])
{
    snprintf(ev, 48, "%s_%s", k->name, what);
}

int
kind_create(struct db *db, const struct kind *k, const struct kval *v,
            bool demo, const struct audit_who *who, int64_t *id,
            struct kerrors *e)
{
    int rc = kind_check(db, k, v, NULL, e);
    if (rc != 0)
        return rc;
    struct db_arg args[KIND_MAX_FIELDS + 3];
    int n = 0;
    for (size_t i = 0; k->fields[i].key; i++)
        if (k->fields[i].flags & KF_CREATE)
            args[n++] = v[i].is == KV_TEXT ? (struct db_arg){'s', 0, v[i].s}
                                           : (struct db_arg){'0', 0, NULL};
    int64_t now = now_unix();
    char today[11];
    int year;
    rules_day(now, today, &year);
    if (k->valid_from_column)
        args[n++] = (struct db_arg){'s', 0, today};
    if (k->created_column)
        args[n++] = (struct db_arg){'i', now, NULL};
    if (k->demo_column)
        args[n++] = (struct db_arg){'i', demo ? 1 : 0, NULL};
    if (db_begin(db) != 0)
        return ERR_DB;
    rc = db_int1_args(db, k->q->insert, args, n, id);
    if (rc != 0) {
        rc = rc == ERR_CONFLICT ? ERR_CONFLICT : ERR_DB;
        db_rollback(db);
        if (rc == ERR_CONFLICT)
            conflict(k, v, e);
        return rc;
    }
    char obj[64], ev[48];
    object_of(k, *id, obj);
    event_of(k, "create", ev);
    return record_commit(db, 1, who, ev, obj, detail_of(k, v));
}

/* Whether a and b hold the same value. */
static bool
same(const struct kval *a, const struct kval *b)
{
    bool an = a->is != KV_TEXT, bn = b->is != KV_TEXT;
    return an || bn ? an == bn : strcmp(a->s, b->s) == 0;
}

int
kind_update(struct db *db, const struct kind *k, const struct krecord *old,
            const struct kval *v, const struct audit_who *who,
            struct kerrors *e)
{
    if (old->voided)
        return ERR_NOTFOUND;
    int rc = kind_check(db, k, v, old, e);
    if (rc != 0)
        return rc;
    struct db_arg args[2 * KIND_MAX_FIELDS + 1];
    int n = 0;
    bool given = false;
    const char *first = NULL;
    /* The audit row keeps what changed, from and to. */
    json_t *detail = json_object();
    for (size_t i = 0; k->fields[i].key; i++) {
        const struct kind_field *f = &k->fields[i];
        if (!(f->flags & KF_EDIT))
            continue;
        first = first ? first : f->key;
        given = given || v[i].is != KV_ABSENT;
        bool set = v[i].is != KV_ABSENT && !same(&v[i], &old->v[i]);
        args[n++] = (struct db_arg){'i', set, NULL};
        args[n++] = set && v[i].is == KV_TEXT
                        ? (struct db_arg){'s', 0, v[i].s}
                        : (struct db_arg){'0', 0, NULL};
        if (set)
            json_object_set_new(
                detail, f->key,
                json_pack("{s:s?, s:s?}", "from",
                          old->v[i].is == KV_TEXT ? old->v[i].s : NULL, "to",
                          v[i].is == KV_TEXT ? v[i].s : NULL));
    }
    if (!given || k->q->update < 0) {
        json_decref(detail);
        e->n = 0;
        kerrors_add(e, first ? first : k->fields[0].key, "missing_field",
                    "没有要修改的内容");
        return ERR_INVAL;
    }
    if (json_object_size(detail) == 0) {
        json_decref(detail);
        return 0; /* nothing changes: nothing to write or audit */
    }
    args[n++] = (struct db_arg){'i', old->id, NULL};
    if (db_begin(db) != 0) {
        json_decref(detail);
        return ERR_DB;
    }
    int changed = db_exec_args(db, k->q->update, args, n);
    if (changed == ERR_CONFLICT) {
        json_decref(detail);
        db_rollback(db);
        conflict(k, v, e);
        return ERR_CONFLICT;
    }
    char obj[64], ev[48];
    object_of(k, old->id, obj);
    event_of(k, "update", ev);
    return record_commit(db, changed, who, ev, obj, detail);
}

int
kind_void(struct db *db, const struct kind *k, int64_t id,
          const char *reason, const struct audit_who *who)
{
    if (k->q->void_ < 0)
        return ERR_INVAL;
    int64_t now = now_unix();
    char today[11];
    int year;
    rules_day(now, today, &year);
    struct db_arg args[3] = {
        k->void_date ? (struct db_arg){'s', 0, today}
                     : (struct db_arg){'i', now, NULL},
        {'s', 0, reason},
        {'i', id, NULL},
    };
    if (db_begin(db) != 0)
        return ERR_DB;
    int changed = db_exec_args(db, k->q->void_, args, 3);
    char obj[64], ev[48];
    object_of(k, id, obj);
    event_of(k, "void", ev);
    return record_commit(db, changed, who, ev, obj,
                         json_pack("{s:s}", "reason", reason));
}

/*
 * record.c - see record.h.
 */
#include "record.h"

#include "../core/err.h"
#include "../core/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "a,b,c" as a JSON array of strings or integers. */
static json_t *
split(const char *text, bool ints)
{
    json_t *a = json_array();
    for (const char *p = text; p && *p;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (ints) {
            char num[24];
            int64_t v;
            if (n < sizeof(num)) {
                memcpy(num, p, n);
                num[n] = '\0';
                if (parse_i64(num, &v) == 0)
                    json_array_append_new(a, json_integer(v));
            }
        } else {
            json_array_append_new(a, json_stringn(p, n));
        }
        p = e ? e + 1 : NULL;
    }
    return a;
}

const char *
record_text(struct db_res *r, struct arena *a, int c)
{
    return db_null(r, c) ? NULL : arena_strdup(a, db_text(r, c));
}

int64_t
record_id(struct db_res *r, int c)
{
    return db_null(r, c) ? 0 : db_int(r, c);
}

/* The items of "a,b" (none for NULL or ""), copied into a. */
const char **
record_texts(struct db_res *r, struct arena *a, int c, size_t *n)
{
    *n = 0;
    const char *s = db_null(r, c) ? "" : db_text(r, c);
    if (*s == '\0')
        return NULL;
    size_t k = 1;
    for (const char *p = s; *p; p++)
        k += *p == ',';
    const char **out = arena_alloc(a, k * sizeof(*out));
    char *copy = arena_strdup(a, s), *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t;
         t = strtok_r(NULL, ",", &save))
        out[(*n)++] = t;
    return out;
}

int64_t *
record_ints(struct db_res *r, struct arena *a, int c, size_t *n)
{
    const char **s = record_texts(r, a, c, n);
    int64_t *out = *n ? arena_alloc(a, *n * sizeof(*out)) : NULL;
    for (size_t i = 0; i < *n; i++)
        out[i] = strtoll(s[i], NULL, 10);
    return out;
}

int
record_attendance_key(struct db *db, const char *t, char key[KEEP_KEY],
                      const char *fmt, ...)
{
    int64_t version;
    key[0] = '\0';
    if (db_int1(db, Q_ATTENDANCE_VERSION, &version, "s", t) != 0)
        return ERR_DB;
    int n = snprintf(key, KEEP_KEY, "%lld|", (long long)version);
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(key + n, KEEP_KEY - (size_t)n, fmt, ap);
    va_end(ap);
    if (m < 0 || (size_t)(n + m) >= KEEP_KEY)
        key[0] = '\0'; /* too long to keep: counted each time */
    return 0;
}

int
record_page(struct db_res *r, struct arena *a, int64_t max, size_t size,
            record_read_fn read, void **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    if (r == NULL)
        return ERR_DB;
    char *out = arena_alloc(a, (size_t)(max > 0 ? max : 1) * size);
    int rc = 0;
    while ((int64_t)*n < max && (rc = db_next(r)) > 0)
        read(r, a, out + size * (*n)++);
    db_end(r);
    *rows = out;
    return rc < 0 ? ERR_DB : 0;
}

json_t *
record_json(struct db_res *r, const struct col *cols, size_t n)
{
    json_t *v = json_object();
    for (size_t i = 0; i < n; i++) {
        json_t *x;
        int c = (int)i;
        switch (cols[i].kind) {
        case COL_INT:
            x = db_null(r, c) ? json_null() : json_integer(db_int(r, c));
            break;
        case COL_TEXT:
            x = db_null(r, c) ? json_null() : json_string(db_text(r, c));
            break;
        case COL_BOOL: x = json_boolean(db_int(r, c) != 0); break;
        case COL_SET: x = json_boolean(!db_null(r, c)); break;
        case COL_HALVES: {
            int64_t h = db_int(r, c);
            x = h % 2 ? json_real((double)h / 2) : json_integer(h / 2);
            break;
        }
        case COL_TEXTS: x = split(db_text(r, c), false); break;
        case COL_INTS: x = split(db_text(r, c), true); break;
        case COL_TIME: {
            char at[21];
            time_iso(db_int(r, c), at);
            x = db_null(r, c) ? json_null() : json_string(at);
            break;
        }
        default: continue;
        }
        json_object_set_new(v, cols[i].key, x ? x : json_null());
    }
    return v;
}

int
record_rows(struct db_res *r, const struct col *cols, size_t n,
            json_t *items)
{
    if (r == NULL)
        return ERR_DB;
    int rc;
    while ((rc = db_next(r)) > 0)
        json_array_append_new(items, record_json(r, cols, n));
    db_end(r);
    return rc < 0 ? ERR_DB : 0;
}

int
record_lookup(struct db *db, enum query q, const char *arg, char *text,
              size_t textlen)
{
    struct db_res *r = db_query(db, q, "s", arg);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc > 0 && text)
        str_copy(text, textlen, db_text(r, 0) ? db_text(r, 0) : "");
    db_end(r);
    return rc;
}

int
record_commit(struct db *db, int changed, const struct audit_who *who,
              const char *event, const char *object, json_t *detail)
{
    char *ds = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(detail);
    int rc = changed < 0 ? ERR_DB : changed == 0 ? ERR_NOTFOUND : 0;
    if (rc == 0)
        rc = audit_append(db, who, event, object, true, ds);
    free(ds);
    if (rc == 0)
        rc = db_commit(db);
    if (rc != 0)
        db_rollback(db);
    return rc;
}

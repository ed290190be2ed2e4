/*
 * kind.c - the API of any declared kind of record (domain/kind.h): list
 * with ?q=, its filters, ?sort= and paging; get; create; update; void
 * with a reason. Scope is checked here once for every kind: a record of
 * another township does not exist for a school admin (404), and it may
 * neither list nor write another township's. A refusal of the fields
 * names every bad field at once: {"error":{"code","message","field",
 * "fields":[{"field","code","message"}]}}, field being the first.
 */
#include "api.h"

#include "../core/err.h"
#include "../core/jsonw.h"
#include "../core/util.h"
#include "../domain/kind.h"

#include <string.h>

static void
write_record(struct jw *w, const struct kind *k, const struct krecord *r)
{
    jw_obj(w);
    jw_key(w, "id");
    jw_int(w, r->id);
    for (size_t i = 0; k->fields[i].key; i++) {
        const struct kind_field *f = &k->fields[i];
        jw_key(w, f->key);
        int64_t x;
        if (kind_numeric(f) && r->v[i].is == KV_TEXT &&
            parse_i64(r->v[i].s, &x) == 0)
            jw_int(w, x);
        else
            jw_str(w, r->v[i].is == KV_TEXT ? r->v[i].s : NULL);
        if (f->ref && f->name_key) {
            jw_key(w, f->name_key);
            jw_str(w, r->name[i]);
        }
    }
    int s = kind_scope_field(k);
    if (s >= 0 && kind_scope_ref(k, s)) {
        jw_key(w, "township_code");
        jw_str(w, r->township);
        jw_key(w, "township_name");
        jw_str(w, r->township_name);
    }
    if (k->void_column) {
        jw_key(w, "voided");
        jw_bool(w, r->voided);
        jw_key(w, k->void_column);
        int64_t at;
        if (!k->void_date && r->void_at && parse_i64(r->void_at, &at) == 0)
            jw_int(w, at); /* unix seconds */
        else
            jw_str(w, r->void_at);
        if (r->void_reason) {
            jw_key(w, "void_reason");
            jw_str(w, r->void_reason);
        }
    }
    jw_end(w);
}

/* Answers 422 naming every field of e. */
static int
fields_error(struct req *req, const struct kerrors *e)
{
    strbuf_reset(&req->out);
    struct jw w;
    jw_init(&w, &req->out);
    jw_obj(&w);
    jw_key(&w, "error");
    jw_obj(&w);
    jw_key(&w, "code");
    jw_str(&w, e->e[0].code);
    jw_key(&w, "message");
    jw_str(&w, e->e[0].message);
    jw_key(&w, "field");
    jw_str(&w, e->e[0].field);
    jw_key(&w, "fields");
    jw_arr(&w);
    for (size_t i = 0; i < e->n; i++) {
        jw_obj(&w);
        jw_key(&w, "field");
        jw_str(&w, e->e[i].field);
        jw_key(&w, "code");
        jw_str(&w, e->e[i].code);
        jw_key(&w, "message");
        jw_str(&w, e->e[i].message);
        jw_end(&w);
    }
    jw_end(&w); /* fields */
    jw_end(&w); /* error */
    jw_end(&w);
    http_header_add(req, "Cache-Control", "no-store");
    return http_body(req, e->e[0].code && strcmp(e->e[0].code, "conflict") == 0
                              ? 409
                              : 422,
                     "application/json");
}

/* The fields of k a JSON body gives, into v (kind_check says which a
 * create or an update may give); a value of the wrong JSON type goes
 * into e. */
static void
read_body(struct req *req, json_t *body, const struct kind *k,
          struct kval *v, struct kerrors *e)
{
    e->n = 0;
    for (size_t i = 0; k->fields[i].key; i++) {
        v[i] = (struct kval){KV_ABSENT, NULL};
        json_t *x = json_object_get(body, k->fields[i].key);
        if (x == NULL)
            continue;
        if (json_is_null(x)) {
            v[i].is = KV_NULL;
        } else if (kind_numeric(&k->fields[i])) {
            if (json_is_integer(x))
                v[i] = (struct kval){
                    KV_TEXT, arena_printf(&req->arena, "%lld",
                                          (long long)json_integer_value(x))};
            else
                kerrors_add(e, k->fields[i].key, "invalid_field",
                            "须为整数");
        } else if (!json_is_string(x) ||
                   strlen(json_string_value(x)) != json_string_length(x)) {
            kerrors_add(e, k->fields[i].key, "invalid_field",
                        "须为文本（字符串，不含 NUL）");
        } else {
            v[i] = (struct kval){KV_TEXT, json_string_value(x)};
        }
    }
}

int
api_kind_list(struct req *req, const struct kind *k)
{
    struct klist l;
    if (app_kind_list_args(req, k, &l) != 0)
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct krecord *rows;
    size_t n;
    int64_t total;
    if (kind_list(db, &req->arena, k, &l, &rows, &n, &total) != 0)
        return app_db_error(req, db);
    struct jw *w = http_list_begin(req);
    for (size_t i = 0; i < n; i++)
        write_record(w, k, &rows[i]);
    return http_list_end(req, total, l.page, l.per_page);
}

/* Answers record id (after a write: 201 or 200). */
static int
answer_record(struct req *req, struct db *db, const struct kind *k,
              int64_t id, int status)
{
    struct krecord r;
    if (kind_get(db, &req->arena, k, id, &r) != 0)
        return app_db_error(req, db);
    strbuf_reset(&req->out);
    struct jw w;
    jw_init(&w, &req->out);
    write_record(&w, k, &r);
    http_header_add(req, "Cache-Control", "no-store");
    return http_body(req, status, "application/json");
}

int
api_kind_get(struct req *req, const struct kind *k)
{
    struct db *db = app_db(req);
    struct krecord r;
    if (db == NULL || app_kind_record(req, db, k, &r) != 0)
        return req->status;
    return answer_record(req, db, k, r.id, 200);
}

int
api_kind_create(struct req *req, const struct kind *k)
{
    return api_kind_create_in(req, k, NULL, NULL);
}

int
api_kind_create_in(struct req *req, const struct kind *k, const char *key,
                   const char *value)
{
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    struct kval v[KIND_MAX_FIELDS];
    struct kerrors types, e;
    read_body(req, body, k, v, &types);
    int fixed = kind_field_index(k, key);
    if (fixed >= 0)
        v[fixed] = (struct kval){KV_TEXT, value};
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    /* A value of the wrong type is that field's error, before what the
     * checks say of the rest. */
    int rc = kind_check(db, k, v, NULL, &e);
    for (size_t i = 0; i < e.n; i++)
        kerrors_add(&types, e.e[i].field, e.e[i].code, e.e[i].message);
    if (types.n)
        return fields_error(req, &types);
    if (rc != 0)
        return app_db_error(req, db);
    if (app_kind_township_ok(req, db, k, v, NULL) != 0)
        return req->status;
    struct audit_who who = app_who(req);
    int64_t id;
    rc = kind_create(db, k, v, false, &who, &id, &e);
    if (rc == ERR_INVAL || rc == ERR_CONFLICT)
        return fields_error(req, &e);
    if (rc != 0)
        return app_db_error(req, db);
    return answer_record(req, db, k, id, 201);
}

int
api_kind_update(struct req *req, const struct kind *k)
{
    struct db *db = app_db(req);
    struct krecord r;
    if (db == NULL || app_kind_record(req, db, k, &r) != 0)
        return req->status;
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    struct kval v[KIND_MAX_FIELDS];
    struct kerrors e;
    read_body(req, body, k, v, &e);
    if (e.n)
        return fields_error(req, &e);
    if (app_kind_township_ok(req, db, k, v, &r) != 0)
        return req->status;
    struct audit_who who = app_who(req);
    int rc = kind_update(db, k, &r, v, &who, &e);
    if (rc == ERR_INVAL || rc == ERR_CONFLICT)
        return fields_error(req, &e);
    if (rc == ERR_NOTFOUND)
        return http_error(req, 404, "not_found", NULL,
                          "没有这个%s，或已%s", k->label,
                          k->void_label ? k->void_label : "作废");
    if (rc != 0)
        return app_db_error(req, db);
    return answer_record(req, db, k, r.id, 200);
}

int
api_kind_void(struct req *req, const struct kind *k)
{
    struct db *db = app_db(req);
    struct krecord r;
    if (db == NULL || app_kind_record(req, db, k, &r) != 0)
        return req->status;
    json_t *body = req_json_or_400(req);
    const char *reason;
    if (body == NULL ||
        json_str_or_422(req, body, "reason", true, 1, 200, &reason) != 0)
        return req->status;
    struct audit_who who = app_who(req);
    int rc = kind_void(db, k, r.id, reason, &who);
    if (rc == ERR_NOTFOUND)
        return http_error(req, 404, "not_found", NULL,
                          "没有这个%s，或已%s", k->label,
                          k->void_label ? k->void_label : "作废");
    if (rc != 0)
        return app_db_error(req, db);
    return http_no_content(req);
}

/* The handlers of the routes the table makes for each kind. */
int
api_kind_list_route(struct req *req)
{
    return api_kind_list(req, app_route_kind(req));
}

int
api_kind_get_route(struct req *req)
{
    return api_kind_get(req, app_route_kind(req));
}

int
api_kind_create_route(struct req *req)
{
    return api_kind_create(req, app_route_kind(req));
}

int
api_kind_update_route(struct req *req)
{
    return api_kind_update(req, app_route_kind(req));
}

int
api_kind_void_route(struct req *req)
{
    return api_kind_void(req, app_route_kind(req));
}

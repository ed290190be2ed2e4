/*
 * kind.c - what a request asks of a declared kind's list: the same
 * reading for the API and the pages (domain/kind.h).
 */
#include "app.h"

#include "../core/err.h"
#include "../core/util.h"
#include "../domain/kind.h"

#include <string.h>

int
app_kind_list_args(struct req *req, const struct kind *k, struct klist *l)
{
    *l = (struct klist){.sort = -1};
    if (req_paging_or_400(req, &l->page, &l->per_page) != 0)
        return req->status;
    if (kind_sort(k, req_query(req, "sort"), &l->sort, &l->desc) != 0)
        return http_error(req, 400, "invalid_param", "sort",
                          "sort is a field of the list, or -field for "
                          "the other way");
    for (size_t i = 0; k->fields[i].key; i++) {
        const struct kind_field *f = &k->fields[i];
        if (!(f->flags & KF_FILTER))
            continue;
        const char *param = f->param ? f->param : f->key;
        const char *v = req_query(req, param);
        if (v && *v == '\0')
            v = NULL;
        int64_t x;
        if (v && kind_numeric(f) && parse_i64(v, &x) != 0)
            return http_error(req, 400, "invalid_param", param,
                              "%s is a whole number", param);
        if ((f->flags & KF_SCOPE) && !kind_scope_ref(k, (int)i)) {
            if (v && app_check_township(req, v) != 0)
                return req->status;
            if (v == NULL)
                v = app_scope(req); /* a school admin sees its own only */
        }
        l->filter[i] = v;
    }
    /* A scope field naming a row of a township: ?township= narrows by
     * that row's (a room by its school's). */
    int s = kind_scope_field(k);
    if (s >= 0 && kind_scope_ref(k, s)) {
        const char *t = req_query(req, "township");
        if (t && *t && app_check_township(req, t) != 0)
            return req->status;
        l->township = t && *t ? t : app_scope(req);
    }
    for (size_t j = 0; k->switches && k->switches[j].param; j++) {
        const char *p = k->switches[j].param, *v = req_query(req, p);
        if (v && *v && strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
            return http_error(req, 400, "invalid_param", p,
                              "%s is 1 (only those) or 0 (all)", p);
        l->on[j] = v && strcmp(v, "1") == 0;
    }
    const char *q = req_query(req, "q");
    l->q = q && *q ? q : NULL;
    return 0;
}

int
app_kind_township_ok(struct req *req, struct db *db, const struct kind *k,
                     const struct kval *v, const struct krecord *old)
{
    int s = kind_scope_field(k);
    if (s < 0 || v[s].is != KV_TEXT ||
        (old && !(k->fields[s].flags & KF_EDIT)))
        return 0; /* kind_update says it may not change */
    const char *t;
    if (kind_township(db, &req->arena, k, v, old, &t) != 0) {
        app_db_error(req, db);
        return -1;
    }
    /* A row that is not there lies in no township: the checks refuse
     * it beside its field. */
    if (t == NULL && kind_scope_ref(k, s))
        return 0;
    return app_check_township(req, t);
}

int
app_kind_record(struct req *req, struct db *db, const struct kind *k,
                struct krecord *r)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    int rc = kind_get(db, &req->arena, k, id, r);
    int s = kind_scope_field(k);
    const char *scope = app_scope(req);
    if (rc == 0 && s >= 0 && scope &&
        (r->township == NULL || strcmp(r->township, scope) != 0))
        rc = ERR_NOTFOUND; /* another township's does not exist for it */
    if (rc == ERR_NOTFOUND)
        return http_error(req, 404, "not_found", NULL, "没有这个%s",
                          k->label);
    if (rc != 0)
        return app_db_error(req, db);
    return 0;
}

const struct kind *
app_route_kind(const struct req *req)
{
    const char *p = req->route->pattern;
    if (strncmp(p, "/api/v1/", 8) == 0)
        p += 7;
    p++;
    return kind_by_path(p, strcspn(p, "/"));
}

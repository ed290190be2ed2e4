/*
 * answer.c - the API's answers shared by its handlers: a user object, a
 * scoped record, a whole list (paged on request), a code list.
 */
#include "api.h"

#include "../core/sheet.h"
#include "../domain/org.h"

#include <stdlib.h>

json_t *
api_user_json(const struct account *a)
{
    json_t *v = json_pack("{s:I, s:s, s:s, s:s?, s:b}", "id",
                          (json_int_t)a->id, "username", a->username, "role",
                          a->role, "township_code", a->township_code,
                          "must_change_password", a->must_change_password);
    json_object_set_new(v, "person_id",
                        a->person_id ? json_integer(a->person_id)
                                     : json_null());
    return v;
}

int
api_get_answer(struct req *req, record_get_fn get, const char *what)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    struct db *db = app_db(req);
    json_t *v;
    if (db == NULL || app_get_scoped(req, db, get, id, what, &v) != 0)
        return req->status;
    return http_json(req, 200, v);
}

int
api_list_all(struct req *req, json_t *items)
{
    int64_t n = (int64_t)json_array_size(items);
    if (req_query(req, "page") == NULL && req_query(req, "per_page") == NULL)
        return http_json(req, 200, http_list(items, n, 1, n > 0 ? n : 1));
    /* Paged like every list (SPEC §4.2) when the caller asks. */
    int64_t page, per_page;
    if (req_paging_or_400(req, &page, &per_page) != 0) {
        json_decref(items);
        return req->status;
    }
    json_t *slice = json_array();
    for (int64_t i = (page - 1) * per_page; i < n && i < page * per_page;
         i++)
        json_array_append(slice, json_array_get(items, (size_t)i));
    json_decref(items);
    return http_json(req, 200, http_list(slice, n, page, per_page));
}

int
api_code_list(struct req *req, enum code_list c)
{
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    json_t *items = json_array();
    if (org_code_list(db, c, items) != 0) {
        json_decref(items);
        return app_db_error(req, db);
    }
    return api_list_all(req, items);
}

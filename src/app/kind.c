/*
 * kind.c - what a request asks of a declared kind's list: the same
 * reading for the API and the pages (domain/kind.h).
 */
#include "app.h"

#include "../domain/kind.h"

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
        const char *v = req_query(req, f->param ? f->param : f->key);
        if (v && *v == '\0')
            v = NULL;
        if (f->flags & KF_SCOPE) {
            if (v && app_check_township(req, v) != 0)
                return req->status;
            if (v == NULL)
                v = app_scope(req); /* a school admin sees its own only */
        }
        l->filter[i] = v;
    }
    const char *q = req_query(req, "q");
    l->q = q && *q ? q : NULL;
    return 0;
}

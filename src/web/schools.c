/*
 * schools.c - the schools (阵地) pages and the course orders: the list is
 * the "11+N" view (county teachers per school, those short flagged, a
 * township and ?pool=met|short to choose); a school's page shows its
 * rooms, adds one (the room kind's create: /rooms is the kind's list,
 * domain/kinds.c) and takes the yearly 四有 check; /orders shows every
 * school's orders (a school admin its own) per course for a period,
 * open demand first, and turns a course's open orders into a themed
 * class in one step. Same domain calls as /api/v1/schools,
 * /api/v1/rooms and /api/v1/orders, so the county report's figures count
 * what they show.
 */
#include "web.h"

#include "i18n.h"
#include "web_int.h"

#include "../app/app.h"
#include "../core/err.h"
#include "../core/util.h"
#include "../domain/kind.h"
#include "../domain/orders.h"
#include "../domain/org.h"
#include "../domain/rules.h"
#include "../domain/teaching.h"
#include "../http/html.h"

#include <string.h>

static long long
num(json_t *v, const char *key)
{
    return (long long)json_integer_value(json_object_get(v, key));
}

/* The 11+N choices of the schools list. */
static const struct {
    const char *code, *label;
} pools[] = {
    {"", "All schools"},
    {"met", "Meeting 11+N"},
    {"short", "Short of 11"},
};

int
web_schools(struct req *req)
{
    const char *t;
    int pool;
    if (app_township_filter(req, &t) != 0 || app_pool_or_400(req, &pool))
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct school_row *rows;
    size_t n;
    int64_t total;
    if (school_page(db, &req->arena, t, app_config.pool_min_county_teachers,
                    pool, 1, 100, &rows, &n, &total) != 0)
        return app_db_error(req, db);
    web_page_begin(req, T("Schools"), "/schools");
    struct strbuf *o = &req->out;
    html_raw(o, "<h1>");
    html_txt(o, T("Schools"));
    html_raw(o, "</h1>");
    web_scope_form_begin(req, "school-filters", "/schools", t, NULL, NULL);
    web_select_begin(req, "pool", T("County teachers"));
    const char *sel = pools[pool == 1 ? 1 : pool == -1 ? 2 : 0].code;
    for (size_t k = 0; k < sizeof(pools) / sizeof(pools[0]); k++)
        web_select_option(req, pools[k].code, T(pools[k].label), sel);
    html_raw(o, "</select>");
    web_scope_form_end(req, t, NULL, NULL);
    html_raw(o, "<table id=\"school-table\"><thead><tr>");
    web_th(req, "Name");
    web_th(req, "Township");
    web_th(req, "County teachers");
    web_th(req, "Township teachers");
    web_th(req, "Function rooms");
    web_th(req, "Rooms");
    html_raw(o, "</tr></thead><tbody>");
    long long rooms = 0, function_rooms = 0;
    for (size_t i = 0; i < n; i++) {
        const struct school_row *v = &rows[i];
        bool short_ = v->pool_short;
        strbuf_printf(o, "<tr%s><td><a href=\"/schools/%lld\">",
                      short_ ? " class=\"short\"" : "", (long long)v->id);
        html_txt(o, v->name);
        html_raw(o, "</a></td>");
        web_td(req, v->township_name);
        strbuf_printf(o, "<td>%lld", (long long)v->county_teachers);
        if (short_) {
            html_raw(o, " <span class=\"flag\">");
            html_txt(o, T("short of 11"));
            html_raw(o, "</span>");
        }
        strbuf_printf(o, "</td><td>%lld</td><td>%lld</td><td>%lld</td></tr>",
                      (long long)v->own_teachers, (long long)v->function_rooms,
                      (long long)v->rooms);
        rooms += v->rooms;
        function_rooms += v->function_rooms;
    }
    html_raw(o, "</tbody><tfoot><tr><td colspan=\"4\">");
    html_txt(o, T("Total"));
    strbuf_printf(o, ": <span id=\"school-total\">%lld</span></td>"
                     "<td><a href=\"",
                  (long long)total);
    struct strbuf q;
    strbuf_init(&q, 0);
    web_query_arg(&q, "function", "1");
    web_query_arg(&q, "township", t);
    html_attr(o, web_url(req, "/rooms", strbuf_str(&q)));
    strbuf_printf(o, "\">%lld</a></td><td>%lld</td></tr></tfoot></table>",
                  function_rooms, rooms);
    strbuf_cleanup(&q);
    return web_page_end(req);
}

/* A school's page; err (translated) under the check form when set. */
static int
school_view(struct req *req, struct db *db, int64_t id, const char *err,
            const struct field_error *room_err)
{
    json_t *s;
    if (app_get_scoped(req, db, school_get, id, "school", &s) != 0)
        return req->status;
    json_t *rooms = json_array(), *checks = json_array();
    if (school_rooms(db, id, rooms) != 0 ||
        school_checks(db, id, checks) != 0) {
        json_decref(rooms);
        json_decref(checks);
        json_decref(s);
        return app_db_error(req, db);
    }
    web_page_begin(req, web_jstr(s, "name"), "/schools");
    struct strbuf *o = &req->out;
    html_raw(o, "<h1>");
    html_txt(o, web_jstr(s, "name"));
    html_raw(o, "</h1><table class=\"record\">");
    web_row(req, "Township", web_jstr(s, "township_name"));
    web_row(req, "Address", web_jstr(s, "address"));
    html_raw(o, "</table><h2>");
    html_txt(o, T("Rooms"));
    html_raw(o, "</h2><ul id=\"rooms\">");
    size_t i;
    json_t *v;
    json_array_foreach(rooms, i, v)
    {
        /* A room's page changes or retires it (the room kind's). */
        html_raw(o, "<li><a href=\"");
        html_attr(o, web_path_id(req, "/rooms", num(v, "id")));
        html_raw(o, "\">");
        html_txt(o, web_jstr(v, "name"));
        html_raw(o, "</a> · ");
        html_txt(o, web_jstr(v, "kind_name"));
        html_raw(o, "</li>");
    }
    html_raw(o, "</ul>");
    /* Add a room: a classroom, or a function room of a configured kind. */
    json_t *kinds = web_owned(req, json_array());
    org_code_list(db, CODES_ROOM_KIND, kinds);
    const char *rf = room_err ? room_err->field : NULL;
    const char *rw = room_err ? web_why(req, room_err->why) : NULL;
    web_form_begin(req, "room-form",
                   arena_printf(&req->arena, "/schools/%lld/rooms",
                                (long long)id));
    web_input(req, "name", "Room name", req_form(req, "name"), "text",
              web_err_for(rf, rw, "name"));
    web_code_select(req, "kind", "Room type", kinds, NULL,
                    req_form(req, "kind"), web_err_for(rf, rw, "kind"));
    web_input(req, "capacity", "Seats", req_form(req, "capacity"), "number",
              web_err_for(rf, rw, "capacity"));
    web_form_end(req, T("Add the room"), NULL);
    html_raw(o, "<h2>");
    html_txt(o, T("Standardisation check (四有)"));
    html_raw(o, "</h2><table id=\"checks\"><thead><tr>");
    web_th(req, "Year");
    web_th(req, "Result");
    web_th(req, "Checked by");
    html_raw(o, "</tr></thead><tbody>");
    json_array_foreach(checks, i, v)
    {
        strbuf_printf(o, "<tr><td>%lld</td>", num(v, "year"));
        web_td(req, json_is_true(json_object_get(v, "standard"))
                        ? T("Meets all four")
                        : T("Not all four"));
        web_td(req, web_jstr(v, "checked_by"));
        html_raw(o, "</tr>");
    }
    html_raw(o, "</tbody></table>");
    char action[64], day[11];
    int year;
    rules_day(now_unix(), day, &year);
    str_fmt(action, sizeof(action), "/schools/%lld/check", (long long)id);
    web_form_begin(req, "check-form", action);
    strbuf_printf(o, "<input type=\"hidden\" name=\"year\" value=\"%d\">",
                  year);
    static const char *const items[4][2] = {
        {"fixed_site", "A fixed site"},
        {"teachers", "Teachers"},
        {"equipment", "E-teaching equipment"},
        {"books", "Party books"},
    };
    for (int k = 0; k < 4; k++) {
        html_raw(o, "<label class=\"check\"><input type=\"checkbox\" "
                    "name=\"");
        html_attr(o, items[k][0]);
        html_raw(o, "\" value=\"1\"> ");
        html_txt(o, T(items[k][1]));
        html_raw(o, "</label>");
    }
    web_input(req, "note", "Note", "", "text", err);
    web_form_end(req, T("Record this year's check"), NULL);
    json_decref(rooms);
    json_decref(checks);
    json_decref(s);
    return web_page_end(req);
}

int
web_school(struct req *req)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    struct db *db = app_db(req);
    return db ? school_view(req, db, id, NULL, NULL) : req->status;
}

int
web_school_check(struct req *req)
{
    int64_t id, year;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    json_t *s;
    if (app_get_scoped(req, db, school_get, id, "school", &s) != 0)
        return req->status;
    json_decref(s);
    const char *y = req_form(req, "year"), *note = req_form(req, "note");
    if (y == NULL || parse_i64(y, &year) != 0 || year < 2000 || year > 2100)
        return http_error(req, 422, "invalid_field", "year", "%s",
                          T("Not valid."));
    if (note && utf8_chars(note) > 500) {
        req->status = 422;
        int rc = school_view(req, db, id, T("At most 500 characters."),
                             NULL);
        req->status = 422;
        return rc == 200 ? 422 : rc;
    }
    struct school_check c = {
        .year = year,
        .fixed_site = req_form_has(req, "fixed_site", "1"),
        .teachers = req_form_has(req, "teachers", "1"),
        .equipment = req_form_has(req, "equipment", "1"),
        .books = req_form_has(req, "books", "1"),
        .note = note,
    };
    struct audit_who who = app_who(req);
    if (school_check_put(db, id, &c, &who) != 0)
        return app_db_error(req, db);
    return http_redirect(req, arena_printf(&req->arena, "/schools/%lld",
                                           (long long)id));
}

/* /orders: course orders per township and course, for a county admin
 * every school's (or one township's, chosen above the table), for a
 * school admin its own: open now (the demand a school turns into a
 * themed class in one step, most first) and placed in the period, the
 * county report's 点单数, with what became of those. */
int
web_orders(struct req *req)
{
    const char *t;
    int64_t from, to, school;
    char a[11], b[11];
    if (req_query_int_or_400(req, "school_id", 1, INT64_MAX, 0, &school) ||
        app_township_filter(req, &t) != 0 ||
        app_period_or_400(req, &from, &to, a, b) != 0)
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    char tw[16];
    if (school) { /* an older link: the school's township */
        json_t *s;
        if (app_get_scoped(req, db, school_get, school, "school", &s) != 0)
            return req->status;
        str_copy(tw, sizeof(tw), web_jstr(s, "township_code"));
        json_decref(s);
        t = tw;
    }
    json_t *items = web_owned(req, json_array());
    int64_t placed;
    if (order_table(db, t, from, to, items, &placed) != 0)
        return app_db_error(req, db);
    web_page_begin(req, T("Online course orders"), "/orders");
    struct strbuf *o = &req->out;
    web_h1(req, T("Online course orders"));
    web_scope_form_begin(req, "order-filters", "/orders", t, a, b);
    web_scope_form_end(req, t, a, b);
    html_raw(o, "<table id=\"demand\"><thead><tr>");
    web_th(req, "Schools");
    web_th(req, "Course");
    web_th(req, "Module");
    web_th(req, "Open orders");
    web_th(req, "Orders placed in the period");
    web_th(req, "Accepted");
    web_th(req, "Declined");
    web_th(req, "Actions");
    html_raw(o, "</tr></thead><tbody>");
    size_t i;
    json_t *v;
    json_array_foreach(items, i, v)
    {
        html_raw(o, "<tr>");
        const char *sname = web_jstr(v, "school_name");
        web_td(req, sname ? sname : web_jstr(v, "township_name"));
        web_td(req, web_jstr(v, "course_title"));
        web_td(req, web_jstr(v, "module_name"));
        strbuf_printf(o, "<td>%lld</td><td>%lld</td><td>%lld</td>"
                         "<td>%lld</td><td>",
                      num(v, "orders"), num(v, "placed"), num(v, "accepted"),
                      num(v, "declined"));
        if (num(v, "orders") > 0 && num(v, "school_id") > 0) {
            char action[96];
            str_fmt(action, sizeof(action),
                    "/orders/convert?school_id=%lld&course_id=%lld",
                    num(v, "school_id"), num(v, "course_id"));
            web_form_begin(req, "convert-form", action);
            web_form_end(req, T("Open a themed class"), NULL);
        }
        html_raw(o, "</td></tr>");
    }
    html_raw(o, "</tbody><tfoot><tr><td colspan=\"4\">");
    html_txt(o, T("Total"));
    strbuf_printf(o, "</td><td id=\"order-total\">%lld</td>"
                     "<td colspan=\"3\"></td></tr></tfoot></table>",
                  (long long)placed);
    return web_page_end(req);
}

int
web_orders_convert(struct req *req)
{
    int64_t school, course;
    if (req_query_int_or_400(req, "school_id", 1, INT64_MAX, 0, &school) ||
        req_query_int_or_400(req, "course_id", 1, INT64_MAX, 0, &course))
        return req->status;
    if (school == 0 || course == 0) /* absent: both are needed */
        return http_error(req, 400, "invalid_param",
                          school == 0 ? "school_id" : "course_id", "%s",
                          T("Choose the school and the course."));
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    json_t *s;
    if (app_get_scoped(req, db, school_get, school, "school", &s) != 0)
        return req->status;
    json_decref(s);
    int64_t day = now_unix() + 7 * 86400;
    struct order_convert c = {
        .course_id = course,
        .school_id = school,
        .starts_at = day - (day + RULES_CST_OFFSET) % 86400 + 9 * 3600,
    };
    struct audit_who who = app_who(req);
    struct field_error e;
    int64_t program, session, n;
    int rc = order_convert(db, &c, &who, &program, &session, &n, &e);
    if (rc == ERR_NOTFOUND)
        return http_error(req, 409, "no_open_orders", NULL, "%s",
                          T("No open orders for this course."));
    if (rc == ERR_INVAL)
        return http_error(req, 422, "invalid_field", e.field, "%s", e.why);
    if (rc != 0)
        return app_db_error(req, db);
    return http_redirect(req, arena_printf(&req->arena,
                                           "/sessions/%lld/sheet",
                                           (long long)session));
}

int
web_school_room(struct req *req)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    json_t *s;
    if (app_get_scoped(req, db, school_get, id, "school", &s) != 0)
        return req->status;
    json_decref(s);
    /* The room kind's create (domain/kinds.c), in the school of the
     * path; an empty field is not given. */
    struct kval v[KIND_MAX_FIELDS] = {0};
    static const char *const keys[] = {"name", "kind", "capacity"};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        const char *x = req_form(req, keys[i]);
        if (x && *x)
            v[kind_field_index(&kind_room, keys[i])] =
                (struct kval){KV_TEXT, x};
    }
    v[kind_field_index(&kind_room, "school_id")] = (struct kval){
        KV_TEXT, arena_printf(&req->arena, "%lld", (long long)id)};
    struct kerrors ke;
    struct audit_who who = app_who(req);
    int64_t room;
    int rc = kind_create(db, &kind_room, v, false, &who, &room, &ke);
    if (rc == ERR_INVAL || rc == ERR_CONFLICT) {
        struct field_error e = {ke.e[0].field, ke.e[0].message};
        int st = school_view(req, db, id, NULL, &e);
        req->status = 422;
        return st == 200 ? 422 : st;
    }
    if (rc != 0)
        return app_db_error(req, db);
    return http_redirect(req, arena_printf(&req->arena, "/schools/%lld#rooms",
                                           (long long)id));
}


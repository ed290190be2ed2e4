/*
 * teaching.c - /api/v1/schools (with rooms and the yearly 四有 check;
 * ?pool=met|short for the 11+N view), /api/v1/rooms (the rooms of every
 * school, ?function=1 the function rooms: a declared kind, save the
 * create of /schools/{id}/rooms),
 * /api/v1/teachers, /api/v1/modules, /api/v1/room-kinds and
 * /api/v1/courses. Schools are township data: a school admin sees and
 * changes its own; the county admin founds schools, keeps the county
 * teachers and publishes the catalog.
 */
#include "api.h"

#include "../core/err.h"
#include "../domain/org.h"
#include "../domain/roles.h"
#include "../domain/classes.h"
#include "../domain/kind.h"
#include "../domain/teaching.h"

#include <string.h>

int
api_modules_list(struct req *req)
{
    return api_code_list(req, CODES_MODULE);
}

int
api_room_kinds_list(struct req *req)
{
    return api_code_list(req, CODES_ROOM_KIND);
}

/* --- schools ---------------------------------------------------------- */

int
api_schools_list(struct req *req)
{
    int64_t page, per_page;
    const char *township;
    int pool;
    if (req_paging_or_400(req, &page, &per_page) != 0 ||
        app_township_filter(req, &township) != 0 ||
        app_pool_or_400(req, &pool) != 0)
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct school_row *rows;
    size_t n;
    int64_t total;
    if (school_page(db, &req->arena, township,
                    app_config.pool_min_county_teachers, pool, page, per_page,
                    &rows, &n, &total) != 0)
        return app_db_error(req, db);
    struct jw *w = http_list_begin(req);
    for (size_t i = 0; i < n; i++) {
        const struct school_row *s = &rows[i];
        jw_obj(w);
        jw_kint(w, "id", s->id);
        jw_kstr(w, "township_code", s->township_code);
        jw_kstr(w, "township_name", s->township_name);
        jw_kstr(w, "name", s->name);
        jw_kstr(w, "address", s->address);
        jw_kint(w, "county_teachers", s->county_teachers);
        jw_kint(w, "own_teachers", s->own_teachers);
        jw_kint(w, "rooms", s->rooms);
        jw_kint(w, "function_rooms", s->function_rooms);
        jw_kbool(w, "pool_short", s->pool_short);
        jw_end(w);
    }
    http_list_meta(req, total, page, per_page);
    return http_list_close(req);
}

int
api_schools_create(struct req *req)
{
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    const char *township, *name, *address;
    if (json_str_or_422(req, body, "township_code", true, 9, 9, &township) ||
        json_str_or_422(req, body, "name", true, 1, 64, &name) ||
        json_str_or_422(req, body, "address", false, 0, 128, &address))
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = app_who(req);
    struct field_error e;
    int64_t id;
    int rc = school_create(db, township, name, address, &who, &id, &e);
    if (rc != 0)
        return app_write_error(req, db, rc, &e, "school");
    json_t *v;
    char tw[16];
    if (school_get(db, id, &v, tw) != 0)
        return app_db_error(req, db);
    return http_json(req, 201, v);
}

/* The school {id} of the path, within the caller's township: 0 with *id,
 * or -1 having answered. */
static int
my_school(struct req *req, struct db *db, int64_t *id, json_t **school)
{
    if (req_param_id_or_404(req, 0, id) != 0)
        return -1;
    json_t *v;
    if (app_get_scoped(req, db, school_get, *id, "school", &v) != 0)
        return -1;
    if (school)
        *school = v;
    else
        json_decref(v);
    return 0;
}

int
api_schools_get(struct req *req)
{
    struct db *db = app_db(req);
    int64_t id;
    json_t *v;
    if (db == NULL || my_school(req, db, &id, &v) != 0)
        return req->status;
    json_t *rooms = json_array(), *checks = json_array();
    if (school_rooms(db, id, rooms) != 0 ||
        school_checks(db, id, checks) != 0) {
        json_decref(rooms);
        json_decref(checks);
        json_decref(v);
        return app_db_error(req, db);
    }
    json_object_set_new(v, "room_list", rooms);
    json_object_set_new(v, "checks", checks);
    json_int_t n = json_integer_value(json_object_get(v, "county_teachers"));
    json_object_set_new(
        v, "pool_short",
        json_boolean(n < (json_int_t)app_config.pool_min_county_teachers));
    return http_json(req, 200, v);
}

int
api_schools_update(struct req *req)
{
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    const char *name, *address;
    if (json_str_or_422(req, body, "name", false, 1, 64, &name) ||
        json_str_or_422(req, body, "address", false, 0, 128, &address))
        return req->status;
    if (name == NULL && address == NULL)
        return http_error(req, 422, "missing_field", NULL,
                          "nothing to change: give name or address");
    struct db *db = app_db(req);
    int64_t id;
    if (db == NULL || my_school(req, db, &id, NULL) != 0)
        return req->status;
    struct audit_who who = app_who(req);
    int rc = school_update(db, id, name, address, &who);
    if (rc != 0)
        return app_write_error(req, db, rc, NULL, "school");
    json_t *v;
    char tw[16];
    if (school_get(db, id, &v, tw) != 0)
        return app_db_error(req, db);
    return http_json(req, 200, v);
}

int
api_rooms_list(struct req *req)
{
    struct db *db = app_db(req);
    int64_t id;
    if (db == NULL || my_school(req, db, &id, NULL) != 0)
        return req->status;
    json_t *items = json_array();
    if (school_rooms(db, id, items) != 0) {
        json_decref(items);
        return app_db_error(req, db);
    }
    return api_list_all(req, items);
}

/* A room of the school {id}: the kind's create (domain/kinds.c) with
 * the school of the path. */
int
api_rooms_create(struct req *req)
{
    struct db *db = app_db(req);
    int64_t school;
    if (db == NULL || my_school(req, db, &school, NULL) != 0)
        return req->status;
    return api_kind_create_in(req, &kind_room, "school_id",
                              arena_printf(&req->arena, "%lld",
                                           (long long)school));
}

int
api_school_checks_put(struct req *req)
{
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    struct school_check c = {0};
    bool has_year;
    int v[4];
    static const char *const items[] = {"fixed_site", "teachers",
                                        "equipment", "books"};
    if (json_int_or_422(req, body, "year", true, 2000, 2100, &has_year,
                        &c.year) ||
        json_text_or_422(req, body, "note", false, 0, 500, &c.note))
        return req->status;
    for (int i = 0; i < 4; i++)
        if (json_bool_or_422(req, body, items[i], true, &v[i]) != 0)
            return req->status;
    c.fixed_site = v[0];
    c.teachers = v[1];
    c.equipment = v[2];
    c.books = v[3];
    struct db *db = app_db(req);
    int64_t school;
    if (db == NULL || my_school(req, db, &school, NULL) != 0)
        return req->status;
    struct audit_who who = app_who(req);
    int rc = school_check_put(db, school, &c, &who);
    if (rc != 0)
        return app_write_error(req, db, rc, NULL, "school");
    json_t *list = json_array();
    if (school_checks(db, school, list) != 0) {
        json_decref(list);
        return app_db_error(req, db);
    }
    json_t *mine = NULL;
    size_t i;
    json_t *x;
    json_array_foreach(list, i, x)
    {
        if (json_integer_value(json_object_get(x, "year")) == c.year)
            mine = json_incref(x);
    }
    json_decref(list);
    return http_json(req, 200, mine ? mine : json_object());
}

/* --- teachers --------------------------------------------------------- */

/* A teacher of the list as the API shows it (the keys of teacher_get). */
static void
teacher_write(struct jw *w, const struct teacher_row *t)
{
    jw_obj(w);
    jw_kint(w, "id", t->id);
    jw_kstr(w, "name", t->name);
    jw_kstr(w, "level", t->level);
    jw_kstr(w, "township_code", t->township_code);
    jw_kstr(w, "title", t->title);
    jw_key(w, "modules");
    jw_arr(w);
    for (size_t k = 0; k < t->n_modules; k++)
        jw_str(w, t->modules[k]);
    jw_end(w);
    jw_key(w, "school_ids");
    jw_arr(w);
    for (size_t k = 0; k < t->n_schools; k++)
        jw_int(w, t->school_ids[k]);
    jw_end(w);
    jw_kbool(w, "voided", t->voided);
    jw_end(w);
}

int
api_teachers_list(struct req *req)
{
    int64_t page, per_page, school = 0;
    struct teacher_filter f = {0};
    if (req_paging_or_400(req, &page, &per_page) != 0 ||
        app_township_filter(req, &f.township) != 0 ||
        req_query_int_or_400(req, "school_id", 1, INT64_MAX, 0, &school) != 0)
        return req->status;
    f.school_id = school;
    f.level = req_query(req, "level");
    f.module = req_query(req, "module");
    f.q = req_query(req, "q");
    if (f.level && *f.level && !teacher_level_valid(f.level))
        return http_error(req, 400, "invalid_param", "level",
                          "level is county, township or invited");
    const char **s[] = {&f.level, &f.module, &f.q};
    for (int i = 0; i < 3; i++)
        if (*s[i] && **s[i] == '\0')
            *s[i] = NULL;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    /* A teacher's list holds its own record only: the pool and the
     * others' ratings are the admins'. */
    int64_t mine;
    if (app_my_teacher(req, db, &mine) != 0)
        return app_db_error(req, db);
    if (req->user->role_bit & R_TEACHER) {
        json_t *items = json_array(), *v;
        char tw[16];
        if (mine && teacher_get(db, mine, &v, tw) == 0)
            json_array_append_new(items, v);
        return api_list_all(req, items);
    }
    struct teacher_row *rows;
    size_t n;
    int64_t total;
    if (teacher_page(db, &req->arena, &f, page, per_page, &rows, &n,
                     &total) != 0)
        return app_db_error(req, db);
    struct jw *w = http_list_begin(req);
    for (size_t i = 0; i < n; i++)
        teacher_write(w, &rows[i]);
    http_list_meta(req, total, page, per_page);
    return http_list_close(req);
}

int
api_teachers_create(struct req *req)
{
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    struct teacher_input in = {0};
    int64_t *schools;
    if (json_str_or_422(req, body, "name", true, 1, 32, &in.name) ||
        json_str_or_422(req, body, "level", true, 1, 16, &in.level) ||
        json_str_or_422(req, body, "township_code", false, 9, 9,
                        &in.township) ||
        json_str_or_422(req, body, "title", false, 0, 64, &in.title) ||
        json_strs_or_422(req, body, "modules", 6, 32, &in.modules) ||
        json_ids_or_422(req, body, "school_ids", 20, &schools,
                        &in.nschools))
        return req->status;
    in.school_ids = schools;
    /* A school admin adds its township's own and invited teachers, for
     * its own school; county teachers are the county's. */
    const char *scope = app_scope(req);
    if (scope) {
        if (teacher_level_valid(in.level) &&
            strcmp(in.level, "county") == 0)
            return http_error(req, 403, "forbidden", "level",
                              "county teachers are added by the county");
        if (in.township == NULL)
            in.township = scope;
        if (app_check_township(req, in.township) != 0)
            return req->status;
    }
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    for (size_t i = 0; scope && i < in.nschools; i++) {
        json_t *v;
        if (app_get_scoped(req, db, school_get, schools[i], "school", &v))
            return req->status;
        json_decref(v);
    }
    struct audit_who who = app_who(req);
    struct field_error e;
    int64_t id;
    int rc = teacher_create(db, &in, false, &who, &id, &e);
    if (rc != 0)
        return app_write_error(req, db, rc, &e, "teacher");
    json_t *v;
    char tw[16];
    if (teacher_get(db, id, &v, tw) != 0)
        return app_db_error(req, db);
    return http_json(req, 201, v);
}

/* A rating as the API shows it: aggregates only, none a single one. */
static json_t *
rating_json(const struct rating *r)
{
    return json_pack("{s:I, s:o, s:o, s:I, s:o, s:b}", "evaluations",
                     (json_int_t)r->n, "mean",
                     r->has_mean ? json_real(r->mean) : json_null(),
                     "ranked_mean",
                     r->has_ranked ? json_real(r->ranked_mean) : json_null(),
                     "excellent", (json_int_t)r->excellent,
                     "excellence_rate",
                     r->has_rate ? json_real(r->rate) : json_null(),
                     "too_few", r->too_few);
}

int
api_teachers_get(struct req *req)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    json_t *v;
    struct rating rating;
    /* A teacher reads its own record only, a school admin those within
     * its reach (app_get_scoped); others are 404, as missing ones. */
    if (app_get_scoped(req, db, teacher_get, id, "teacher", &v) != 0)
        return req->status;
    if (rating_summary(db, RATING_OF_TEACHER, id, &rating) != 0) {
        json_decref(v);
        return app_db_error(req, db);
    }
    json_object_set_new(v, "rating", rating_json(&rating));
    return http_json(req, 200, v);
}

int
api_teachers_link(struct req *req)
{
    int64_t id, user;
    bool has;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    json_t *body = req_json_or_400(req);
    if (body == NULL || json_int_or_422(req, body, "user_id", true, 1,
                                        INT64_MAX, &has, &user))
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    json_t *v;
    char tw[16];
    int rc = teacher_get(db, id, &v, tw);
    if (rc != 0)
        return app_write_error(req, db, rc, NULL, "teacher");
    json_decref(v);
    /* A township admin links its own township's teachers only. */
    if (app_check_township(req, tw[0] ? tw : NULL) != 0)
        return req->status;
    struct audit_who who = app_who(req);
    struct field_error e;
    rc = teacher_link_user(db, id, user, &who, &e);
    if (rc != 0)
        return app_write_error(req, db, rc, &e, "teacher");
    if (teacher_get(db, id, &v, tw) != 0)
        return app_db_error(req, db);
    json_object_set_new(v, "user_id", json_integer(user));
    return http_json(req, 200, v);
}

int
api_me_teaching(struct req *req)
{
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    int64_t id;
    int rc = teacher_of_user(db, app_account(req)->id, &id);
    if (rc == ERR_NOTFOUND)
        return http_error(req, 403, "no_teacher", NULL,
                          "此账号未关联师资库中的教师");
    json_t *v;
    struct rating rating;
    char tw[16];
    if (rc != 0 || teacher_get(db, id, &v, tw) != 0)
        return app_db_error(req, db);
    /* Aggregates only: a teacher never sees a single rating. */
    if (rating_summary(db, RATING_OF_TEACHER, id, &rating) != 0) {
        json_decref(v);
        return app_db_error(req, db);
    }
    json_object_set_new(v, "rating", rating_json(&rating));
    return http_json(req, 200, v);
}

/* --- courses ---------------------------------------------------------- */

/* A course of the list as the API shows it (the keys of course_get). */
static void
course_write(struct jw *w, const struct course_row *c)
{
    jw_obj(w);
    jw_kint(w, "id", c->id);
    jw_kstr(w, "title", c->title);
    jw_kstr(w, "module_code", c->module_code);
    jw_kstr(w, "module_name", c->module_name);
    jw_key(w, "hours");
    jw_halves(w, c->half_hours);
    jw_kstr(w, "format", c->format);
    jw_kstr(w, "description", c->description);
    jw_kbool(w, "published", c->published);
    jw_key(w, "teacher_ids");
    jw_arr(w);
    for (size_t k = 0; k < c->n_teachers; k++)
        jw_int(w, c->teacher_ids[k]);
    jw_end(w);
    jw_kbool(w, "voided", c->voided);
    jw_end(w);
}

int
api_courses_list(struct req *req)
{
    int64_t page, per_page, teacher = 0;
    struct course_filter f = {0};
    if (req_paging_or_400(req, &page, &per_page) != 0 ||
        req_query_int_or_400(req, "teacher_id", 1, INT64_MAX, 0, &teacher) != 0)
        return req->status;
    f.teacher_id = teacher;
    f.module = req_query(req, "module");
    f.q = req_query(req, "q");
    if (f.module && *f.module == '\0')
        f.module = NULL;
    if (f.q && *f.q == '\0')
        f.q = NULL;
    /* Only the admins see what is not published yet. */
    const char *pub = req_query(req, "published");
    unsigned bit = role_find(app_account(req)->role)->bit;
    f.published_only = !(bit & R_ADMINS) || (pub && strcmp(pub, "1") == 0);
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct course_row *rows;
    size_t n;
    int64_t total;
    if (course_page(db, &req->arena, &f, page, per_page, &rows, &n,
                    &total) != 0)
        return app_db_error(req, db);
    struct jw *w = http_list_begin(req);
    for (size_t i = 0; i < n; i++)
        course_write(w, &rows[i]);
    http_list_meta(req, total, page, per_page);
    return http_list_close(req);
}

int
api_courses_create(struct req *req)
{
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    struct course_input in = {0};
    int64_t *teachers;
    int published;
    if (json_str_or_422(req, body, "title", true, 1, 64, &in.title) ||
        json_str_or_422(req, body, "module_code", true, 1, 32, &in.module) ||
        json_halves_or_422(req, body, "hours", true, 80, &in.half_hours) ||
        json_str_or_422(req, body, "format", true, 1, 16, &in.format) ||
        json_text_or_422(req, body, "description", false, 0, 2000,
                        &in.description) ||
        json_bool_or_422(req, body, "published", false, &published) ||
        json_ids_or_422(req, body, "teacher_ids", 10, &teachers,
                        &in.nteachers))
        return req->status;
    in.published = published == 1;
    in.teacher_ids = teachers;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = app_who(req);
    struct field_error e;
    int64_t id;
    int rc = course_create(db, &in, false, &who, &id, &e);
    if (rc != 0)
        return app_write_error(req, db, rc, &e, "course");
    json_t *v;
    if (course_get(db, id, &v) != 0)
        return app_db_error(req, db);
    return http_json(req, 201, v);
}

int
api_courses_get(struct req *req)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    json_t *v;
    int rc = course_get(db, id, &v);
    unsigned bit = role_find(app_account(req)->role)->bit;
    if (rc == 0 && !(bit & R_ADMINS) &&
        !json_is_true(json_object_get(v, "published"))) {
        json_decref(v);
        rc = ERR_NOTFOUND;
    }
    struct rating rating;
    if (rc == 0 && rating_summary(db, RATING_OF_COURSE, id, &rating) == 0) {
        json_object_set_new(v, "rating", rating_json(&rating));
    } else if (rc == 0) {
        json_decref(v);
        rc = ERR_DB;
    }
    if (rc != 0)
        return app_write_error(req, db, rc, NULL, "course");
    return http_json(req, 200, v);
}

int
api_courses_update(struct req *req)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    int published;
    if (json_bool_or_422(req, body, "published", true, &published))
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = app_who(req);
    int rc = course_publish(db, id, published == 1, &who);
    if (rc != 0)
        return app_write_error(req, db, rc, NULL, "course");
    json_t *v;
    if (course_get(db, id, &v) != 0)
        return app_db_error(req, db);
    return http_json(req, 200, v);
}

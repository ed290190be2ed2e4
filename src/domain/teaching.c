/*
 * teaching.c - see teaching.h. Each record's JSON is a column table read
 * by record_json (record.h), in the order of its query in
 * queries_teaching.h.
 */
#include "teaching.h"

#include "auth.h"
#include "record.h"

#include "../core/err.h"
#include "../core/util.h"

#include <string.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct col school_cols[] = {
    {"id", COL_INT},          {"township_code", COL_TEXT},
    {"township_name", COL_TEXT}, {"name", COL_TEXT},
    {"address", COL_TEXT},    {"county_teachers", COL_INT},
    {"own_teachers", COL_INT}, {"rooms", COL_INT},
    {"function_rooms", COL_INT},
};
static const struct col room_cols[] = {
    {"id", COL_INT},   {"school_id", COL_INT},     {"name", COL_TEXT},
    {"kind", COL_TEXT}, {"kind_name", COL_TEXT},   {"capacity", COL_INT},
    {"voided", COL_SET},
};
static const struct col check_cols[] = {
    {"year", COL_INT},       {"fixed_site", COL_BOOL},
    {"teachers", COL_BOOL},  {"equipment", COL_BOOL},
    {"books", COL_BOOL},     {"note", COL_TEXT},
    {"checked_by", COL_TEXT}, {"checked_at", COL_TIME},
};
static const struct col teacher_cols[] = {
    {"id", COL_INT},           {"name", COL_TEXT},
    {"level", COL_TEXT},       {"township_code", COL_TEXT},
    {"title", COL_TEXT},       {"modules", COL_TEXTS},
    {"school_ids", COL_INTS},  {"voided", COL_SET},
};
static const struct col course_cols[] = {
    {"id", COL_INT},          {"title", COL_TEXT},
    {"module_code", COL_TEXT}, {"module_name", COL_TEXT},
    {"hours", COL_HALVES},    {"format", COL_TEXT},
    {"description", COL_TEXT}, {"published", COL_BOOL},
    {"teacher_ids", COL_INTS}, {"voided", COL_SET},
};

static const char *const teacher_levels[] = {"county", "township", "invited",
                                             NULL};
static const char *const course_formats[] = {"lecture", "seminar", "onsite",
                                             "online", NULL};

static bool
one_of(const char *const *list, const char *s)
{
    for (int i = 0; s && list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

static int
fail(struct field_error *e, const char *field, const char *why)
{
    e->field = field;
    e->why = why;
    return ERR_INVAL;
}

/* Reads the one row of q(id) through cols into *out. */
static int
get_one(struct db *db, enum query q, int64_t id, const struct col *cols,
        size_t n, json_t **out)
{
    *out = NULL;
    struct db_res *r = db_query(db, q, "i", id);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc > 0)
        *out = record_json(r, cols, n);
    db_end(r);
    return rc < 0 ? ERR_DB : rc == 0 ? ERR_NOTFOUND : 0;
}

static const char *
obj_name(char buf[48], const char *kind, int64_t id)
{
    str_fmt(buf, 48, "%s:%lld", kind, (long long)id);
    return buf;
}

/* --- schools ---------------------------------------------------------- */

int
school_count(struct db *db, const char *township, int64_t pool_min, int pool,
             int64_t *total)
{
    int64_t p = pool;
    return db_int1(db, Q_SCHOOL_COUNT, total, "sii", township, p, pool_min)
               ? ERR_DB
               : 0;
}

/* The columns of SCHOOL_SELECT, as school_cols. */
enum {
    SC_ID, SC_TOWNSHIP, SC_TOWNSHIP_NAME, SC_NAME, SC_ADDRESS, SC_COUNTY,
    SC_OWN, SC_ROOMS, SC_FUNCTION,
};

static void
school_read(struct db_res *r, struct arena *a, void *row)
{
    struct school_row *x = row;
    *x = (struct school_row){
        .id = db_int(r, SC_ID),
        .township_code = record_text(r, a, SC_TOWNSHIP),
        .township_name = record_text(r, a, SC_TOWNSHIP_NAME),
        .name = record_text(r, a, SC_NAME),
        .address = record_text(r, a, SC_ADDRESS),
        .county_teachers = db_int(r, SC_COUNTY),
        .own_teachers = db_int(r, SC_OWN),
        .rooms = db_int(r, SC_ROOMS),
        .function_rooms = db_int(r, SC_FUNCTION),
    };
}

int
school_page(struct db *db, struct arena *a, const char *township,
            int64_t pool_min, int pool, int64_t page, int64_t per_page,
            struct school_row **rows, size_t *n, int64_t *total)
{
    *rows = NULL;
    *n = 0;
    if (school_count(db, township, pool_min, pool, total) != 0)
        return ERR_DB;
    void *out;
    int rc = record_page(db_query(db, Q_SCHOOL_LIST, "siiii", township,
                                  (int64_t)pool, pool_min, per_page,
                                  (page - 1) * per_page),
                         a, per_page, sizeof(**rows), school_read, &out, n);
    *rows = out;
    for (size_t i = 0; i < *n; i++)
        (*rows)[i].pool_short = (*rows)[i].county_teachers < pool_min;
    return rc;
}

int
school_get(struct db *db, int64_t id, json_t **out, char township[16])
{
    int rc = get_one(db, Q_SCHOOL_GET, id, school_cols, NELEM(school_cols),
                     out);
    if (rc == 0)
        str_copy(township, 16,
                 json_string_value(json_object_get(*out, "township_code")));
    return rc;
}

int
school_create(struct db *db, const char *township, const char *name,
              const char *address, const struct audit_who *who, int64_t *id,
              struct field_error *e)
{
    if (!township_exists(db, township))
        return fail(e, "township_code", "没有这个镇街代码");
    if (db_begin(db) != 0)
        return ERR_DB;
    int rc = db_int1(db, Q_SCHOOL_INSERT, id, "sssii", township, name,
                     address ? address : "", (int64_t)0, now_unix());
    if (rc == ERR_CONFLICT) {
        db_rollback(db);
        return fail(e, "township_code", "这个镇街已经有党校");
    }
    char obj[48];
    return record_commit(db, rc == 0 ? 1 : -1, who, "school_create",
                         obj_name(obj, "school", rc == 0 ? *id : 0),
                         json_pack("{s:s, s:s}", "township_code", township,
                                   "name", name));
}

int
school_update(struct db *db, int64_t id, const char *name,
              const char *address, const struct audit_who *who)
{
    if (db_begin(db) != 0)
        return ERR_DB;
    int n = db_exec(db, Q_SCHOOL_UPDATE, "ssi", name, address, id);
    char obj[48];
    return record_commit(db, n, who, "school_update",
                         obj_name(obj, "school", id),
                         json_pack("{s:s?, s:s?}", "name", name, "address",
                                   address));
}

int
school_rooms(struct db *db, int64_t school_id, json_t *items)
{
    return record_rows(db_query(db, Q_ROOM_LIST, "i", school_id), room_cols,
                       NELEM(room_cols), items);
}

int
school_check_put(struct db *db, int64_t school_id,
                 const struct school_check *c, const struct audit_who *who)
{
    if (db_begin(db) != 0)
        return ERR_DB;
    int64_t uid = who->user_id;
    int n = db_exec(db, Q_SCHOOL_CHECK_PUT, "iiiiiisnsi", school_id, c->year,
                    (int64_t)c->fixed_site, (int64_t)c->teachers,
                    (int64_t)c->equipment, (int64_t)c->books,
                    c->note ? c->note : "", uid ? &uid : NULL, who->username,
                    now_unix());
    char obj[48];
    return record_commit(
        db, n, who, "school_check", obj_name(obj, "school", school_id),
        json_pack("{s:I, s:b, s:b, s:b, s:b}", "year", (json_int_t)c->year,
                  "fixed_site", c->fixed_site, "teachers", c->teachers,
                  "equipment", c->equipment, "books", c->books));
}

int
school_checks(struct db *db, int64_t school_id, json_t *items)
{
    int rc = record_rows(db_query(db, Q_SCHOOL_CHECK_LIST, "i", school_id),
                         check_cols, NELEM(check_cols), items);
    size_t i;
    json_t *v;
    json_array_foreach(items, i, v)
    {
        bool all = json_is_true(json_object_get(v, "fixed_site")) &&
                   json_is_true(json_object_get(v, "teachers")) &&
                   json_is_true(json_object_get(v, "equipment")) &&
                   json_is_true(json_object_get(v, "books"));
        json_object_set_new(v, "standard", json_boolean(all));
    }
    return rc;
}

/* --- teachers --------------------------------------------------------- */

bool
teacher_level_valid(const char *level)
{
    return one_of(teacher_levels, level);
}

/* Checks a teacher's fields: 0, ERR_INVAL with e, ERR_DB. */
static int
teacher_check(struct db *db, const struct teacher_input *in,
              struct field_error *e)
{
    if (!teacher_level_valid(in->level))
        return fail(e, "level", "级别应为 county、township 或 invited");
    if (strcmp(in->level, "township") == 0 && in->township == NULL)
        return fail(e, "township_code", "镇级教师要写所属镇街");
    if (in->township && !township_exists(db, in->township))
        return fail(e, "township_code", "没有这个镇街代码");
    for (int i = 0; in->modules && in->modules[i]; i++) {
        int rc = record_lookup(db, Q_MODULE_GET, in->modules[i], NULL, 0);
        if (rc < 0)
            return ERR_DB;
        if (rc == 0)
            return fail(e, "modules", "没有这个教学模块");
    }
    for (size_t i = 0; i < in->nschools; i++) {
        char num[24];
        str_fmt(num, sizeof(num), "%lld", (long long)in->school_ids[i]);
        int rc = record_lookup(db, Q_SCHOOL_TOWNSHIP, num, NULL, 0);
        if (rc < 0)
            return ERR_DB;
        if (rc == 0)
            return fail(e, "school_ids", "没有这所党校");
    }
    return 0;
}

/* Writes a teacher's modules and schools (inside the caller's
 * transaction): 0 or ERR_DB. */
static int
teacher_links(struct db *db, int64_t id, const struct teacher_input *in)
{
    int rc = 0;
    for (int i = 0; rc == 0 && in->modules && in->modules[i]; i++)
        rc = db_exec(db, Q_TEACHER_MODULE_ADD, "is", id, in->modules[i]) < 0
                 ? ERR_DB
                 : 0;
    for (size_t i = 0; rc == 0 && i < in->nschools; i++)
        rc = db_exec(db, Q_TEACHER_SCHOOL_ADD, "ii", id,
                     in->school_ids[i]) < 0
                 ? ERR_DB
                 : 0;
    return rc;
}

int
teacher_create(struct db *db, const struct teacher_input *in, bool is_demo,
               const struct audit_who *who, int64_t *id,
               struct field_error *e)
{
    int rc = teacher_check(db, in, e);
    if (rc != 0)
        return rc;
    if (db_begin(db) != 0)
        return ERR_DB;
    rc = db_int1(db, Q_TEACHER_INSERT, id, "ssssii", in->name, in->level,
                 in->township, in->title ? in->title : "",
                 (int64_t)is_demo, now_unix());
    if (rc == 0)
        rc = teacher_links(db, *id, in);
    if (rc == ERR_CONFLICT || db_last_err(db) == ERR_CONFLICT) {
        db_rollback(db);
        return fail(e, "modules", "模块或党校重复");
    }
    char obj[48];
    return record_commit(db, rc == 0 ? 1 : -1, who, "teacher_create",
                         obj_name(obj, "teacher", rc == 0 ? *id : 0),
                         json_pack("{s:s, s:s}", "name", in->name, "level",
                                   in->level));
}

int
teacher_update(struct db *db, int64_t id, const struct teacher_input *in,
               const struct audit_who *who, struct field_error *e)
{
    int rc = teacher_check(db, in, e);
    if (rc != 0)
        return rc;
    if (db_begin(db) != 0)
        return ERR_DB;
    int n = db_exec(db, Q_TEACHER_UPDATE, "ssssi", in->name, in->level,
                    in->township, in->title ? in->title : "", id);
    if (n > 0 && (db_exec(db, Q_TEACHER_MODULES_CLEAR, "i", id) < 0 ||
                  db_exec(db, Q_TEACHER_SCHOOLS_CLEAR, "i", id) < 0 ||
                  teacher_links(db, id, in) != 0)) {
        bool dup = db_last_err(db) == ERR_CONFLICT;
        db_rollback(db);
        return dup ? fail(e, "modules", "模块或党校重复") : ERR_DB;
    }
    char obj[48];
    return record_commit(db, n, who, "teacher_update",
                         obj_name(obj, "teacher", id),
                         json_pack("{s:s, s:s, s:I}", "name", in->name,
                                   "level", in->level, "schools",
                                   (json_int_t)in->nschools));
}

int
teacher_count(struct db *db, const struct teacher_filter *f, int64_t *total)
{
    int64_t sid = f->school_id;
    const int64_t *school = sid ? &sid : NULL;
    return db_int1(db, Q_TEACHER_COUNT, total, "sssns", f->township,
                   f->level, f->module, school, f->q) != 0
               ? ERR_DB
               : 0;
}

/* The columns of TEACHER_PAGE. */
enum {
    TC_ID, TC_NAME, TC_LEVEL, TC_TOWNSHIP, TC_TITLE, TC_MODULES, TC_SCHOOLS,
    TC_VOIDED, TC_RATINGS, TC_RATING_SUM, TC_EXCELLENT,
};

static void
teacher_read(struct db_res *r, struct arena *a, void *row)
{
    struct teacher_row *x = row;
    *x = (struct teacher_row){
        .id = db_int(r, TC_ID),
        .name = record_text(r, a, TC_NAME),
        .level = record_text(r, a, TC_LEVEL),
        .township_code = record_text(r, a, TC_TOWNSHIP),
        .title = record_text(r, a, TC_TITLE),
        .voided = !db_null(r, TC_VOIDED),
        .ratings = db_int(r, TC_RATINGS),
        .rating_sum = db_int(r, TC_RATING_SUM),
        .excellent = db_int(r, TC_EXCELLENT),
    };
    x->modules = record_texts(r, a, TC_MODULES, &x->n_modules);
    x->school_ids = record_ints(r, a, TC_SCHOOLS, &x->n_schools);
}

int
teacher_page(struct db *db, struct arena *a, const struct teacher_filter *f,
             int64_t page, int64_t per_page, struct teacher_row **rows,
             size_t *n, int64_t *total)
{
    *rows = NULL;
    *n = 0;
    if (teacher_count(db, f, total) != 0)
        return ERR_DB;
    int64_t sid = f->school_id;
    const int64_t *school = sid ? &sid : NULL;
    void *out;
    int rc = record_page(db_query(db, Q_TEACHER_PAGE, "sssnsii", f->township,
                                  f->level, f->module, school, f->q, per_page,
                                  (page - 1) * per_page),
                         a, per_page, sizeof(**rows), teacher_read, &out, n);
    *rows = out;
    return rc;
}

int
teacher_get(struct db *db, int64_t id, json_t **out, char township[16])
{
    int rc = get_one(db, Q_TEACHER_GET, id, teacher_cols,
                     NELEM(teacher_cols), out);
    if (rc == 0) {
        const char *t =
            json_string_value(json_object_get(*out, "township_code"));
        str_copy(township, 16, t ? t : "");
    }
    return rc;
}

int
teacher_link_user(struct db *db, int64_t teacher_id, int64_t user_id,
                  const struct audit_who *who, struct field_error *e)
{
    char role[32];
    struct db_res *r = db_query(db, Q_USER_ROLE, "i", user_id);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc > 0)
        str_copy(role, sizeof(role), db_text(r, 0));
    db_end(r);
    if (rc < 0)
        return ERR_DB;
    if (rc == 0 || strcmp(role, "teacher") != 0) {
        e->field = "user_id";
        e->why = "没有这个教师账号";
        return ERR_INVAL;
    }
    if (db_begin(db) != 0)
        return ERR_DB;
    int n = db_exec(db, Q_TEACHER_UNSET_USER, "ii", user_id, teacher_id);
    if (n >= 0)
        n = db_exec(db, Q_TEACHER_SET_USER, "ii", user_id, teacher_id);
    char obj[48];
    str_fmt(obj, sizeof(obj), "teacher:%lld", (long long)teacher_id);
    return record_commit(db, n, who, "teacher_link_user", obj,
                         json_pack("{s:I}", "user_id", (json_int_t)user_id));
}

int
teacher_link_username(struct db *db, int64_t teacher_id,
                      const char *username, const struct audit_who *who,
                      struct field_error *e)
{
    char id[24];
    int64_t user;
    int found = username && *username && strlen(username) < 64
                    ? record_lookup(db, Q_USER_BY_NAME, username, id,
                                    sizeof(id))
                    : 0;
    if (found < 0)
        return ERR_DB;
    if (found == 0 || parse_i64(id, &user) != 0) {
        e->field = "username";
        e->why = "没有这个教师账号";
        return ERR_INVAL;
    }
    int rc = teacher_link_user(db, teacher_id, user, who, e);
    if (rc == ERR_INVAL)
        e->field = "username";
    return rc;
}

int
teacher_in_reach(struct db *db, int64_t id, const char *township, bool *ok)
{
    int64_t n = 0;
    int rc = db_int1(db, Q_TEACHER_IN_REACH, &n, "is", id, township);
    *ok = rc == 0 && n > 0;
    return rc == 0 ? 0 : ERR_DB;
}

int
teacher_of_user(struct db *db, int64_t user_id, int64_t *id)
{
    return db_int1(db, Q_TEACHER_OF_USER, id, "i", user_id);
}

/* --- the catalog ------------------------------------------------------ */

bool
course_format_valid(const char *format)
{
    return one_of(course_formats, format);
}

/* Checks a course's fields: 0, ERR_INVAL with e, ERR_DB. */
static int
course_check(struct db *db, const struct course_input *in,
             struct field_error *e)
{
    int rc = record_lookup(db, Q_MODULE_GET, in->module, NULL, 0);
    if (rc < 0)
        return ERR_DB;
    if (rc == 0)
        return fail(e, "module_code", "没有这个教学模块");
    if (!course_format_valid(in->format))
        return fail(e, "format",
                    "形式应为 lecture、seminar、onsite 或 online");
    if (in->half_hours < 1 || in->half_hours > 80)
        return fail(e, "hours", "学时应在 0.5 到 40 之间，以 0.5 为单位");
    for (size_t i = 0; i < in->nteachers; i++) {
        char num[24];
        str_fmt(num, sizeof(num), "%lld", (long long)in->teacher_ids[i]);
        rc = record_lookup(db, Q_TEACHER_LIVE, num, NULL, 0);
        if (rc < 0)
            return ERR_DB;
        if (rc == 0)
            return fail(e, "teacher_ids", "没有这位教师");
    }
    return 0;
}

/* Writes a course's teachers (inside the caller's transaction). */
static int
course_links(struct db *db, int64_t id, const struct course_input *in)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < in->nteachers; i++)
        rc = db_exec(db, Q_COURSE_TEACHER_ADD, "ii", id,
                     in->teacher_ids[i]) < 0
                 ? ERR_DB
                 : 0;
    return rc;
}

int
course_create(struct db *db, const struct course_input *in, bool is_demo,
              const struct audit_who *who, int64_t *id,
              struct field_error *e)
{
    int rc = course_check(db, in, e);
    if (rc != 0)
        return rc;
    if (db_begin(db) != 0)
        return ERR_DB;
    rc = db_int1(db, Q_COURSE_INSERT, id, "ssissiii", in->title, in->module,
                 in->half_hours, in->format,
                 in->description ? in->description : "",
                 (int64_t)in->published, (int64_t)is_demo, now_unix());
    if (rc == 0)
        rc = course_links(db, *id, in);
    if (rc != 0 && db_last_err(db) == ERR_CONFLICT) {
        db_rollback(db);
        return fail(e, "teacher_ids", "教师重复");
    }
    char obj[48];
    return record_commit(db, rc == 0 ? 1 : -1, who, "course_create",
                         obj_name(obj, "course", rc == 0 ? *id : 0),
                         json_pack("{s:s, s:s, s:b}", "title", in->title,
                                   "module_code", in->module, "published",
                                   in->published));
}

int
course_update(struct db *db, int64_t id, const struct course_input *in,
              const struct audit_who *who, struct field_error *e)
{
    int rc = course_check(db, in, e);
    if (rc != 0)
        return rc;
    if (db_begin(db) != 0)
        return ERR_DB;
    int n = db_exec(db, Q_COURSE_UPDATE, "ssissii", in->title, in->module,
                    in->half_hours, in->format,
                    in->description ? in->description : "",
                    (int64_t)in->published, id);
    if (n > 0 && (db_exec(db, Q_COURSE_TEACHERS_CLEAR, "i", id) < 0 ||
                  course_links(db, id, in) != 0)) {
        bool dup = db_last_err(db) == ERR_CONFLICT;
        db_rollback(db);
        return dup ? fail(e, "teacher_ids", "教师重复") : ERR_DB;
    }
    char obj[48];
    return record_commit(db, n, who, "course_update",
                         obj_name(obj, "course", id),
                         json_pack("{s:s, s:s, s:I, s:b}", "title",
                                   in->title, "module_code", in->module,
                                   "half_hours", (json_int_t)in->half_hours,
                                   "published", in->published));
}

/* The columns of COURSE_COLS. */
enum {
    CO_ID, CO_TITLE, CO_MODULE, CO_MODULE_NAME, CO_HALVES, CO_FORMAT,
    CO_DESCRIPTION, CO_PUBLISHED, CO_TEACHERS, CO_VOIDED,
};

int
course_count(struct db *db, const struct course_filter *f, int64_t *total)
{
    int64_t tid = f->teacher_id;
    const int64_t *teacher = tid ? &tid : NULL;
    int64_t pub = f->published_only;
    return db_int1(db, Q_COURSE_COUNT, total, "sisn", f->module, pub, f->q,
                   teacher) != 0
               ? ERR_DB
               : 0;
}

static void
course_read(struct db_res *r, struct arena *a, void *row)
{
    struct course_row *x = row;
    *x = (struct course_row){
        .id = db_int(r, CO_ID),
        .title = record_text(r, a, CO_TITLE),
        .module_code = record_text(r, a, CO_MODULE),
        .module_name = record_text(r, a, CO_MODULE_NAME),
        .half_hours = db_int(r, CO_HALVES),
        .format = record_text(r, a, CO_FORMAT),
        .description = record_text(r, a, CO_DESCRIPTION),
        .published = db_int(r, CO_PUBLISHED) != 0,
        .voided = !db_null(r, CO_VOIDED),
    };
    x->teacher_ids = record_ints(r, a, CO_TEACHERS, &x->n_teachers);
}

int
course_page(struct db *db, struct arena *a, const struct course_filter *f,
            int64_t page, int64_t per_page, struct course_row **rows,
            size_t *n, int64_t *total)
{
    int64_t tid = f->teacher_id;
    const int64_t *teacher = tid ? &tid : NULL;
    int64_t pub = f->published_only;
    *rows = NULL;
    *n = 0;
    if (course_count(db, f, total) != 0)
        return ERR_DB;
    void *out;
    int rc =
        record_page(db_query(db, Q_COURSE_LIST, "sisnii", f->module, pub, f->q,
                             teacher, per_page, (page - 1) * per_page),
                    a, per_page, sizeof(**rows), course_read, &out, n);
    *rows = out;
    return rc;
}

int
course_get(struct db *db, int64_t id, json_t **out)
{
    return get_one(db, Q_COURSE_GET, id, course_cols, NELEM(course_cols),
                   out);
}

int
course_publish(struct db *db, int64_t id, bool published,
               const struct audit_who *who)
{
    if (db_begin(db) != 0)
        return ERR_DB;
    int n = db_exec(db, Q_COURSE_PUBLISH, "ii", (int64_t)published, id);
    char obj[48];
    return record_commit(db, n, who, "course_publish",
                         obj_name(obj, "course", id),
                         json_pack("{s:b}", "published", published));
}

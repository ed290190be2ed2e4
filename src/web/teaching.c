/*
 * teaching.c - the admin pages of the teacher pool (师资库) and the
 * course catalog (课程库): lists with filters and live search, forms to
 * add and edit, each with its error beside the field, and a teacher's
 * ratings (aggregates only: raters are anonymous) and sessions.
 *
 * The same domain calls and scope rules as /api/v1/teachers and
 * /api/v1/courses: a school admin sees the teachers of its township
 * (its own, and the county teachers serving its school), adds and edits
 * only its township's own and invited teachers, and reads the catalog;
 * the county admin keeps county teachers and the catalog.
 */
#include "web.h"

#include "i18n.h"
#include "web_int.h"

#include "../app/app.h"
#include "../core/err.h"
#include "../core/util.h"
#include "../domain/classes.h"
#include "../domain/kind.h"
#include "../domain/org.h"
#include "../domain/rules.h"
#include "../domain/teaching.h"
#include "../http/html.h"

#include <stdio.h>
#include <string.h>

#define MAX_SCHOOLS  20   /* a teacher's schools, as the API allows */
#define MAX_TEACHERS 10   /* a course's teachers, as the API allows */
#define ALL          1000 /* rows read at once for a select */

#define NO_TEACHER "No such teacher."

static const char *const levels[][2] = {
    {"county", "County level"},
    {"township", "Township level"},
    {"invited", "Invited"},
};
static const char *const formats[][2] = {
    {"lecture", "Lecture"},
    {"seminar", "Seminar"},
    {"onsite", "On-site"},
    {"online", "Online"},
};

static const char *
label_of(struct req *req, const char *const (*table)[2], size_t n,
         const char *code)
{
    for (size_t i = 0; code && i < n; i++)
        if (strcmp(table[i][0], code) == 0)
            return T(table[i][1]);
    return code;
}

#define LEVEL(c)  label_of(req, levels, 3, c)
#define FORMAT(c) label_of(req, formats, 4, c)

static json_t *
module_list(struct req *req, struct db *db)
{
    json_t *items = json_array();
    return web_loaded(req, db, org_code_list(db, CODES_MODULE, items), items);
}

/* The names that name_of finds in set for ids[0..n), joined by "、". */
static const char *
join_names(struct req *req, const int64_t *ids, size_t n,
           const char *(*name_of)(const void *set, int64_t id),
           const void *set)
{
    struct strbuf sb;
    strbuf_init(&sb, 0);
    for (size_t i = 0; i < n; i++) {
        const char *name = name_of(set, ids[i]);
        if (name && sb.len)
            strbuf_puts(&sb, "、");
        if (name)
            strbuf_puts(&sb, name);
    }
    const char *out = arena_strdup(&req->arena, strbuf_str(&sb));
    strbuf_cleanup(&sb);
    return out;
}

static const char *
school_name_of(const void *set, int64_t id)
{
    return web_school_name(set, id);
}

static json_t *
township_items(struct req *req, struct db *db)
{
    json_t *items = json_array();
    int64_t n;
    return web_loaded(req, db, org_townships(db, 1, 500, items, &n), items);
}

/* The ids of a record's JSON array of integers. */
static const int64_t *
ids_of(struct req *req, json_t *a, size_t *n)
{
    *n = json_array_size(a);
    int64_t *ids = arena_alloc(&req->arena, (*n + 1) * sizeof(*ids));
    for (size_t i = 0; i < *n; i++)
        ids[i] = json_integer_value(json_array_get(a, i));
    return ids;
}

/* The strings of a record's JSON array, for module_names. */
static const char *const *
texts_of(struct req *req, json_t *a, size_t *n)
{
    *n = json_array_size(a);
    const char **s = arena_alloc(&req->arena, (*n + 1) * sizeof(*s));
    for (size_t i = 0; i < *n; i++)
        s[i] = json_string_value(json_array_get(a, i));
    return s;
}

/* Module names of codes[0..n), joined by "、". */
static const char *
module_names(struct req *req, const char *const *codes, size_t n,
             json_t *modules)
{
    struct strbuf sb;
    strbuf_init(&sb, 0);
    for (size_t i = 0; i < n; i++) {
        if (sb.len)
            strbuf_puts(&sb, "、");
        strbuf_puts(&sb, web_name_of(modules, codes[i]));
    }
    const char *s = arena_strdup(&req->arena, strbuf_str(&sb));
    strbuf_cleanup(&sb);
    return s;
}

/* --- teachers ------------------------------------------------------------ */

/* Whether the caller may change teacher t: the county admin any; a
 * school admin its township's own and invited teachers. */
static bool
teacher_editable(struct req *req, json_t *t, const char *tw)
{
    const char *scope = app_scope(req);
    return scope == NULL ||
           (strcmp(scope, tw) == 0 &&
            strcmp(web_jstr(t, "level") ? web_jstr(t, "level") : "",
                   "county") != 0);
}

int
web_teachers(struct req *req)
{
    int64_t page, per_page, school = 0;
    if (req_paging_or_400(req, &page, &per_page) != 0 ||
        req_query_int_or_400(req, "school_id", 1, INT64_MAX, 0, &school))
        return req->status;
    /* The county report links here with a township, shown (and for
     * county roles chosen) above the table: the count is the report's. */
    const char *tw;
    if (app_township_filter(req, &tw) != 0)
        return req->status;
    struct teacher_filter f = {.township = tw};
    f.q = web_nonempty(req_query(req, "q"));
    f.level = web_nonempty(req_query(req, "level"));
    if (f.q && strlen(f.q) > 64)
        f.q = NULL;
    if (f.level && !teacher_level_valid(f.level))
        f.level = NULL;
    struct db *db = app_db(req);
    json_t *modules = db ? module_list(req, db) : NULL;
    struct schools schools;
    if (modules == NULL ||
        web_schools_of(req, db, app_scope(req), &schools) != 0)
        return req->status;
    /* A school outside the caller's list is no filter it may use. */
    const char *sel = NULL;
    if (school && web_school_name(&schools, school))
        sel = arena_printf(&req->arena, "%lld", (long long)school);
    f.school_id = sel ? school : 0;
    struct teacher_row *rows;
    size_t n;
    int64_t total;
    struct rating_prior prior; /* once for the page, not once a row */
    if (teacher_page(db, &req->arena, &f, page, per_page, &rows, &n, &total) !=
            0 ||
        rating_prior(db, &prior) != 0)
        return app_db_error(req, db);
    web_page_begin(req, T("Teacher pool"), "/teachers");
    struct strbuf *o = &req->out;
    web_h1(req, T("Teacher pool"));
    web_search_begin(req, "teacher-filters", "/teachers", "teacher-table", f.q,
                     "Search by name");
    web_select_begin(req, "level", T("Level"));
    web_select_option(req, "", T("All levels"), f.level);
    for (size_t k = 0; k < 3; k++)
        web_select_option(req, levels[k][0], T(levels[k][1]), f.level);
    html_raw(o, "</select>");
    web_scope_fields(req, tw, NULL, NULL);
    web_select_begin(req, "school_id", T("School"));
    web_select_option(req, "", T("All schools"), sel);
    for (size_t k = 0; k < schools.n; k++)
        web_select_option(
            req, arena_printf(&req->arena, "%lld", (long long)schools.id[k]),
            schools.c[k].name, sel);
    html_raw(o, "</select>");
    web_search_end(req, "/teachers/new", T("New teacher"));
    html_raw(o, "<p class=\"filters\"><a id=\"ranking-link\" href=\"");
    struct strbuf rq;
    strbuf_init(&rq, 0);
    web_query_arg(&rq, "township", tw);
    html_attr(o, web_url(req, "/teachers/ranking", strbuf_str(&rq)));
    strbuf_cleanup(&rq);
    html_raw(o, "\">");
    html_txt(o, T("Teacher ranking"));
    html_raw(o, "</a></p>");
    web_scope_note(req, tw, NULL, NULL);
    html_raw(o, "<div id=\"teacher-table\"><table><thead><tr>");
    web_th(req, "Full name");
    web_th(req, "Level");
    web_th(req, "Modules");
    web_th(req, "Schools");
    web_th(req, "Ratings, all time");
    web_th(req, "Mean score");
    web_th(req, "Excellence rate");
    html_raw(o, "</tr></thead><tbody>");
    for (size_t k = 0; k < n; k++) {
        const struct teacher_row *t = &rows[k];
        struct rating r;
        rating_of(&prior, t->ratings, t->rating_sum, t->excellent, &r);
        html_raw(o, "<tr>");
        web_td_link(req, web_path_id(req, "/teachers", t->id), t->name);
        web_td(req, LEVEL(t->level));
        web_td(req, module_names(req, t->modules, t->n_modules, modules));
        web_td(req, join_names(req, t->school_ids, t->n_schools,
                               school_name_of, &schools));
        strbuf_printf(o, "<td>%lld</td>", (long long)r.n);
        web_td(req, web_score(req, r.has_mean, r.mean));
        web_td(req, web_share(req, r.has_rate, r.rate));
        html_raw(o, "</tr>");
    }
    if (n == 0)
        web_empty_row(req, 7, f.q || f.level || sel || page > 1,
                      T("teachers in the pool"), "/teachers/new");
    html_raw(o, "</tbody><tfoot><tr><td colspan=\"7\">");
    html_txt(o, T("Total"));
    strbuf_printf(o, ": %lld</td></tr></tfoot></table>", (long long)total);
    struct strbuf extra;
    strbuf_init(&extra, 0);
    web_query_arg(&extra, "q", f.q);
    web_query_arg(&extra, "level", f.level);
    web_query_arg(&extra, "school_id", sel);
    web_query_arg(&extra, "township", tw);
    web_pager(req, "/teachers", page, per_page, total, strbuf_str(&extra));
    strbuf_cleanup(&extra);
    html_raw(o, "</div>");
    return web_page_end(req);
}

/* A teacher form's values, and the one thing wrong with them. */
struct teacher_form {
    const char *name, *level, *township, *title;
    const char *modules[8]; /* NULL-terminated codes */
    int64_t schools[MAX_SCHOOLS];
    size_t nschools;
    const char *err_field, *err;
};

static const char *
t_err(const struct teacher_form *f, const char *field)
{
    return web_err_for(f->err_field, f->err, field);
}

static bool
has_module(const struct teacher_form *f, const char *code)
{
    for (int i = 0; f->modules[i]; i++)
        if (strcmp(f->modules[i], code) == 0)
            return true;
    return false;
}

static bool
has_school(const struct teacher_form *f, int64_t id)
{
    for (size_t i = 0; i < f->nschools; i++)
        if (f->schools[i] == id)
            return true;
    return false;
}

/* The form as the record stands. */
static void
teacher_form_of(json_t *t, struct teacher_form *f)
{
    memset(f, 0, sizeof(*f));
    f->name = web_jstr(t, "name");
    f->level = web_jstr(t, "level");
    f->township = web_jstr(t, "township_code");
    f->title = web_jstr(t, "title");
    size_t i, n = 0;
    json_t *x;
    json_array_foreach(json_object_get(t, "modules"), i, x)
    {
        if (n < 7)
            f->modules[n++] = json_string_value(x);
    }
    json_array_foreach(json_object_get(t, "school_ids"), i,
                       x) if (f->nschools < MAX_SCHOOLS)
        f->schools[f->nschools++] = json_integer_value(x);
}

/* Reads the posted form: modules and schools only among those offered,
 * so a school admin cannot tick another township's school. */
static void
teacher_form_read(struct req *req, json_t *modules,
                  const struct schools *schools, struct teacher_form *f)
{
    memset(f, 0, sizeof(*f));
    f->name = req_form(req, "name");
    f->level = req_form(req, "level");
    f->township = web_nonempty(req_form(req, "township_code"));
    f->title = req_form(req, "title");
    size_t i, n = 0;
    json_t *v;
    json_array_foreach(modules, i, v)
    {
        const char *code = web_jstr(v, "code");
        if (code && n < 7 && req_form_has(req, "modules", code))
            f->modules[n++] = code;
    }
    for (size_t k = 0; k < schools->n; k++) {
        char num[24];
        str_fmt(num, sizeof(num), "%lld", (long long)schools->id[k]);
        if (f->nschools < MAX_SCHOOLS && req_form_has(req, "school_ids", num))
            f->schools[f->nschools++] = schools->id[k];
    }
}

/* The fields of the teacher form, inside an open <form>. */
static void
teacher_fields(struct req *req, json_t *modules, const struct schools *schools,
               json_t *towns, const struct teacher_form *f)
{
    struct strbuf *o = &req->out;
    bool county = app_scope(req) == NULL;
    web_input(req, "name", "Full name", f->name, "text", t_err(f, "name"));
    html_raw(o, "<label>");
    html_txt(o, T("Level"));
    html_raw(o, "<select name=\"level\">");
    for (size_t k = county ? 0 : 1; k < 3; k++)
        web_select_option(req, levels[k][0], T(levels[k][1]), f->level);
    html_raw(o, "</select></label>");
    web_field_error(req, t_err(f, "level"));
    if (county)
        web_code_select(req, "township_code",
                        "Township (required for township level)", towns,
                        T("(none)"), f->township, t_err(f, "township_code"));
    web_input(req, "title", "Title or unit", f->title, "text",
              t_err(f, "title"));
    html_raw(o, "<fieldset id=\"modules\"><legend>");
    html_txt(o, T("Modules"));
    html_raw(o, "</legend>");
    size_t i;
    json_t *v;
    json_array_foreach(modules, i, v)
        web_checkbox(req, "modules", web_jstr(v, "code"), web_jstr(v, "name"),
                     has_module(f, web_jstr(v, "code")));
    html_raw(o, "</fieldset>");
    web_field_error(req, t_err(f, "modules"));
    html_raw(o, "<fieldset id=\"schools\"><legend>");
    html_txt(o, T("Schools"));
    html_raw(o, "</legend>");
    for (size_t k = 0; k < schools->n; k++)
        web_checkbox(
            req, "school_ids",
            arena_printf(&req->arena, "%lld", (long long)schools->id[k]),
            schools->c[k].name, has_school(f, schools->id[k]));
    html_raw(o, "</fieldset>");
    web_field_error(req, t_err(f, "school_ids"));
}

/* Checks a posted teacher form and fills in: 0, or ERR_INVAL with the
 * field and message set. */
static int
teacher_check_form(struct req *req, struct teacher_form *f,
                   struct teacher_input *in)
{
    const char *scope = app_scope(req);
    if (!web_text_ok(f->name, 32)) {
        f->err_field = "name";
        f->err = T("Enter a name of at most 32 characters.");
    } else if (f->level == NULL || !teacher_level_valid(f->level)) {
        f->err_field = "level";
        f->err = T("Choose a level.");
    } else if (scope && strcmp(f->level, "county") == 0) {
        f->err_field = "level";
        f->err = T("County teachers are added by the county.");
    } else if (f->title && utf8_chars(f->title) > 64) {
        f->err_field = "title";
        f->err = T("At most 64 characters.");
    }
    if (f->err)
        return ERR_INVAL;
    if (scope)
        f->township = scope;
    *in = (struct teacher_input){
        .name = f->name,
        .level = f->level,
        .township = f->township,
        .title = f->title,
        .modules = f->modules,
        .school_ids = f->schools,
        .nschools = f->nschools,
    };
    return 0;
}

static int
teacher_new_page(struct req *req, int status, const struct teacher_form *f)
{
    struct db *db = app_db(req);
    json_t *modules = db ? module_list(req, db) : NULL;
    struct schools schools;
    json_t *towns =
        modules && web_schools_of(req, db, app_scope(req), &schools) == 0
            ? township_items(req, db)
            : NULL;
    if (towns == NULL)
        return req->status;
    web_page_begin(req, T("New teacher"), "/teachers");
    web_h1(req, T("New teacher"));
    web_form_begin(req, "teacher-form", "/teachers");
    teacher_fields(req, modules, &schools, towns, f);
    web_form_end(req, T("Create"), NULL);
    return web_finish(req, status);
}

int
web_teacher_new(struct req *req)
{
    struct teacher_form f = {.level = "township"};
    return teacher_new_page(req, 200, &f);
}

int
web_teacher_create(struct req *req)
{
    struct db *db = app_db(req);
    json_t *modules = db ? module_list(req, db) : NULL;
    struct schools schools;
    if (modules == NULL ||
        web_schools_of(req, db, app_scope(req), &schools) != 0)
        return req->status;
    struct teacher_form f;
    struct teacher_input in;
    teacher_form_read(req, modules, &schools, &f);
    if (teacher_check_form(req, &f, &in) != 0)
        return teacher_new_page(req, 422, &f);
    struct audit_who who = app_who(req);
    struct field_error e = {0};
    int64_t id;
    int rc = teacher_create(db, &in, false, &who, &id, &e);
    if (rc == 0)
        return http_redirect(req, web_path_id(req, "/teachers", id));
    if (rc != ERR_INVAL)
        return app_db_error(req, db);
    f.err_field = e.field;
    f.err = web_why(req, e.why);
    return teacher_new_page(req, 422, &f);
}

/* The teacher {id} of the path as the caller may see it (the API's rule,
 * app_get_scoped: a school admin sees the county's and invited teachers
 * and its own township's); NULL having answered 404 or 500. tw gets its
 * township ("" for none). */
static json_t *
teacher_of_path(struct req *req, struct db **db, char tw[16])
{
    json_t *t = web_record_of_path(req, db, teacher_get, NO_TEACHER, true);
    if (t == NULL)
        return NULL;
    const char *town = web_jstr(t, "township_code");
    str_copy(tw, 16, town ? town : "");
    return t;
}

/* A teacher's page: what it is, its ratings and sessions, and the edit
 * form when the caller may change it. */
static int
teacher_view(struct req *req, struct db *db, json_t *t, const char *tw,
             int status, const struct teacher_form *f)
{
    json_t *modules = module_list(req, db);
    struct schools schools;
    json_t *towns =
        modules && web_schools_of(req, db, app_scope(req), &schools) == 0
            ? township_items(req, db)
            : NULL;
    json_t *sessions = web_owned(req, json_array());
    struct rating rating;
    if (towns == NULL)
        return req->status;
    struct schools all; /* a teacher may serve other townships' too */
    if (web_schools_of(req, db, NULL, &all) != 0)
        return req->status;
    if (rating_summary(db, RATING_OF_TEACHER, web_id_of(t), &rating) != 0 ||
        class_of_teacher(db, web_id_of(t), 50, sessions) != 0)
        return app_db_error(req, db);
    const char *name = web_jstr(t, "name");
    size_t ncodes, nsids;
    const char *const *codes =
        texts_of(req, json_object_get(t, "modules"), &ncodes);
    const int64_t *sids = ids_of(req, json_object_get(t, "school_ids"), &nsids);
    web_page_begin(req, name, "/teachers");
    struct strbuf *o = &req->out;
    web_h1(req, name);
    html_raw(o, "<table class=\"record\" id=\"teacher\">");
    web_row(req, "Level", LEVEL(web_jstr(t, "level")));
    web_row(req, "Township", *tw ? web_name_of(towns, tw) : NULL);
    web_row(req, "Title or unit", web_nonempty(web_jstr(t, "title")));
    web_row(req, "Modules", module_names(req, codes, ncodes, modules));
    web_row(req, "Schools",
            join_names(req, sids, nsids, school_name_of, &all));
    html_raw(o, "</table><h2>");
    html_txt(o, T("Teaching-quality ratings"));
    html_raw(o, "</h2><table class=\"record\" id=\"teacher-rating\">");
    web_row(req, "Ratings",
            arena_printf(&req->arena, "%lld", (long long)rating.n));
    web_row(req, "Mean score", web_score(req, rating.has_mean, rating.mean));
    web_row(req, "Ranked score (shrunk toward the county mean)",
            web_score(req, rating.has_ranked, rating.ranked_mean));
    web_row(
        req, "Excellence rate",
        rating.has_rate
            ? arena_printf(&req->arena, "%s (%lld %s)",
                           web_share(req, true, rating.rate),
                           (long long)rating.excellent, T("excellent"))
            : arena_printf(&req->arena, "— (%s)", T("fewer than 10 ratings")));
    html_raw(o, "</table><h2>");
    html_txt(o, T("Sessions taught"));
    html_raw(o, "</h2><table id=\"teacher-sessions\"><thead><tr>");
    web_th(req, "Time");
    web_th(req, "Program");
    web_th(req, "Course");
    web_th(req, "Township");
    html_raw(o, "</tr></thead><tbody>");
    size_t i;
    json_t *v;
    json_array_foreach(sessions, i, v)
    {
        html_raw(o, "<tr>");
        web_td(req, web_local_time(req, web_jstr(v, "starts_at")));
        web_td(req, web_jstr(v, "program_title"));
        web_td(req, web_jstr(v, "course_title"));
        web_td(req, web_name_of(towns, web_jstr(v, "township_code")));
        html_raw(o, "</tr>");
    }
    html_raw(o, "</tbody></table>");
    if (teacher_editable(req, t, tw)) {
        html_raw(o, "<h2>");
        html_txt(o, T("Edit"));
        html_raw(o, "</h2>");
        web_form_begin(req, "teacher-form",
                       web_path_id(req, "/teachers", web_id_of(t)));
        teacher_fields(req, modules, &schools, towns, f);
        web_form_end(req, T("Save"), NULL);
        /* The account the teacher logs in with, to see its own totals. */
        html_raw(o, "<h2>");
        html_txt(o, T("Log-in account"));
        html_raw(o, "</h2>");
        const char *linked = req_query(req, "linked");
        if (linked && strcmp(linked, "1") == 0)
            web_notice(req, "linked",
                       T("Linked: the teacher sees its ratings under "
                         "My teaching."));
        web_form_begin(req, "account-form",
                       arena_printf(&req->arena, "/teachers/%lld/account",
                                    (long long)web_id_of(t)));
        web_input(req, "username", "Username of a teacher account",
                  req_form(req, "username"), "text",
                  f->err_field && strcmp(f->err_field, "username") == 0 ? f->err
                                                                        : NULL);
        web_form_end(req, T("Link the account"), NULL);
    }
    return web_finish(req, status);
}

int
web_teacher(struct req *req)
{
    struct db *db;
    char tw[16];
    json_t *t = teacher_of_path(req, &db, tw);
    if (t == NULL)
        return req->status;
    struct teacher_form f;
    teacher_form_of(t, &f);
    return teacher_view(req, db, t, tw, 200, &f);
}

int
web_teacher_update(struct req *req)
{
    struct db *db;
    char tw[16];
    json_t *t = teacher_of_path(req, &db, tw);
    if (t == NULL)
        return req->status;
    if (!teacher_editable(req, t, tw))
        return http_error(req, 403, "forbidden", NULL, "%s",
                          T("Only the county changes county teachers."));
    json_t *modules = module_list(req, db);
    struct schools schools;
    if (modules == NULL ||
        web_schools_of(req, db, app_scope(req), &schools) != 0)
        return req->status;
    struct teacher_form f;
    struct teacher_input in;
    teacher_form_read(req, modules, &schools, &f);
    /* A school admin keeps the county teachers' other schools: it only
     * changes the ticks of its own township's. */
    if (app_scope(req)) {
        size_t i;
        json_t *x;
        json_array_foreach(json_object_get(t, "school_ids"), i, x)
        {
            if (!web_school_name(&schools, json_integer_value(x)) &&
                f.nschools < MAX_SCHOOLS)
                f.schools[f.nschools++] = json_integer_value(x);
        }
    }
    if (teacher_check_form(req, &f, &in) != 0)
        return teacher_view(req, db, t, tw, 422, &f);
    struct audit_who who = app_who(req);
    struct field_error e = {0};
    int rc = teacher_update(db, web_id_of(t), &in, &who, &e);
    if (rc == 0)
        return http_redirect(req, web_path_id(req, "/teachers", web_id_of(t)));
    if (rc == ERR_NOTFOUND)
        return http_error(req, 404, "not_found", NULL, "%s", T(NO_TEACHER));
    if (rc != ERR_INVAL)
        return app_db_error(req, db);
    f.err_field = e.field;
    f.err = web_why(req, e.why);
    return teacher_view(req, db, t, tw, 422, &f);
}

int
web_teacher_account(struct req *req)
{
    struct db *db;
    char tw[16];
    json_t *t = teacher_of_path(req, &db, tw);
    if (t == NULL)
        return req->status;
    if (!teacher_editable(req, t, tw))
        return http_error(req, 403, "forbidden", NULL, "%s",
                          T("Only the county changes county teachers."));
    struct audit_who who = app_who(req);
    struct field_error e = {0};
    int rc = teacher_link_username(db, web_id_of(t), req_form(req, "username"),
                                   &who, &e);
    if (rc == 0)
        return http_redirect(req, arena_printf(&req->arena,
                                               "/teachers/%lld?linked=1",
                                               (long long)web_id_of(t)));
    if (rc != ERR_INVAL)
        return app_db_error(req, db);
    struct teacher_form f;
    teacher_form_of(t, &f);
    f.err_field = "username";
    f.err = web_why(req, e.why);
    return teacher_view(req, db, t, tw, 422, &f);
}

/* --- the catalog --------------------------------------------------------- */

/* Every live teacher, for names and the course form's select. */
struct teachers {
    struct teacher_row *t;
    size_t n;
};

/* 0, or -1 having answered. */
static int
all_teachers(struct req *req, struct db *db, struct teachers *out)
{
    struct teacher_filter f = {0};
    int64_t total;
    if (teacher_page(db, &req->arena, &f, 1, ALL, &out->t, &out->n, &total) !=
        0) {
        app_db_error(req, db);
        return -1;
    }
    return 0;
}

static const char *
teacher_name_of(const void *set, int64_t id)
{
    const struct teachers *all = set;
    for (size_t k = 0; k < all->n; k++)
        if (all->t[k].id == id)
            return all->t[k].name;
    return NULL;
}

int
web_courses(struct req *req)
{
    int64_t page, per_page;
    if (req_paging_or_400(req, &page, &per_page) != 0)
        return req->status;
    struct course_filter f = {0};
    f.q = web_nonempty(req_query(req, "q"));
    f.module = web_nonempty(req_query(req, "module"));
    const char *pub = web_nonempty(req_query(req, "published"));
    f.published_only = pub && strcmp(pub, "1") == 0;
    if (f.q && strlen(f.q) > 64)
        f.q = NULL;
    if (f.module && strlen(f.module) > 32)
        f.module = NULL;
    struct db *db = app_db(req);
    json_t *modules = db ? module_list(req, db) : NULL;
    struct teachers teachers;
    if (modules == NULL || all_teachers(req, db, &teachers) != 0)
        return req->status;
    struct course_row *rows;
    size_t n;
    int64_t total;
    if (course_page(db, &req->arena, &f, page, per_page, &rows, &n,
                    &total) != 0)
        return app_db_error(req, db);
    bool county = app_scope(req) == NULL;
    web_page_begin(req, T("Course catalog"), "/courses");
    struct strbuf *o = &req->out;
    web_h1(req, T("Course catalog"));
    web_search_begin(req, "course-filters", "/courses", "course-table", f.q,
                     "Search by title");
    web_code_select(req, "module", NULL, modules, T("All modules"), f.module,
                    NULL);
    web_select_begin(req, "published", T("Published"));
    web_select_option(req, "", T("Published or not"), pub);
    web_select_option(req, "1", T("Published only"), pub);
    html_raw(o, "</select>");
    web_search_end(req, county ? "/courses/new" : NULL, T("New course"));
    /* The catalog's modules, each opening its published courses: the
     * county report's 教学模块 counts these rows. */
    html_raw(o, "<table id=\"modules\"><thead><tr>");
    web_th(req, "Modules");
    html_raw(o, "</tr></thead><tbody>");
    size_t i;
    json_t *v;
    json_array_foreach(modules, i, v)
    {
        html_raw(o, "<tr>");
        web_td_link(req,
                    arena_printf(&req->arena, "/courses?published=1&module=%s",
                                 web_jstr(v, "code")),
                    web_jstr(v, "name"));
        html_raw(o, "</tr>");
    }
    web_total_foot(req, 1, "module-total", (int64_t)json_array_size(modules));
    html_raw(o, "<div id=\"course-table\"><table><thead><tr>");
    web_th(req, "Title");
    web_th(req, "Module");
    web_th(req, "Hours");
    web_th(req, "Format");
    web_th(req, "Course teachers");
    web_th(req, "Published");
    html_raw(o, "</tr></thead><tbody>");
    for (size_t k = 0; k < n; k++) {
        const struct course_row *c = &rows[k];
        html_raw(o, "<tr>");
        web_td_link(req, web_path_id(req, "/courses", c->id), c->title);
        web_td(req, c->module_name);
        web_td(req, web_halves(req, c->half_hours));
        web_td(req, FORMAT(c->format));
        web_td(req, join_names(req, c->teacher_ids, c->n_teachers,
                               teacher_name_of, &teachers));
        web_td(req, c->published ? T("Published") : T("Not published"));
        html_raw(o, "</tr>");
    }
    if (n == 0)
        web_empty_row(req, 6, f.q || f.module || page > 1, T("courses"),
                      county ? "/courses/new" : NULL);
    web_total_foot(req, 6, "course-total", total);
    struct strbuf extra;
    strbuf_init(&extra, 0);
    web_query_arg(&extra, "q", f.q);
    web_query_arg(&extra, "module", f.module);
    web_query_arg(&extra, "published", pub);
    web_pager(req, "/courses", page, per_page, total, strbuf_str(&extra));
    strbuf_cleanup(&extra);
    html_raw(o, "</div>");
    return web_page_end(req);
}

/* A course form's values, and the one thing wrong with them. */
struct course_form {
    const char *title, *module, *hours, *format, *description;
    bool published;
    int64_t teachers[MAX_TEACHERS];
    size_t nteachers;
    const char *err_field, *err;
};

static const char *
c_err(const struct course_form *f, const char *field)
{
    return web_err_for(f->err_field, f->err, field);
}

static void
course_form_of(struct req *req, json_t *c, struct course_form *f)
{
    memset(f, 0, sizeof(*f));
    f->title = web_jstr(c, "title");
    f->module = web_jstr(c, "module_code");
    f->hours = arena_printf(&req->arena, "%g",
                            json_number_value(json_object_get(c, "hours")));
    f->format = web_jstr(c, "format");
    f->description = web_jstr(c, "description");
    f->published = json_is_true(json_object_get(c, "published"));
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(c, "teacher_ids"), i,
                       x) if (f->nteachers < MAX_TEACHERS)
        f->teachers[f->nteachers++] = json_integer_value(x);
}

static void
course_form_read(struct req *req, const struct teachers *teachers,
                 struct course_form *f)
{
    memset(f, 0, sizeof(*f));
    f->title = req_form(req, "title");
    f->module = req_form(req, "module_code");
    f->hours = req_form(req, "hours");
    f->format = req_form(req, "format");
    f->description = req_form(req, "description");
    f->published = req_form_has(req, "published", "1");
    for (size_t i = 0; i < teachers->n; i++) {
        char num[24];
        str_fmt(num, sizeof(num), "%lld", (long long)teachers->t[i].id);
        if (req_form_has(req, "teacher_ids", num)) {
            if (f->nteachers == MAX_TEACHERS) {
                f->err_field = "teacher_ids";
                f->err = T("At most 10 teachers.");
                break;
            }
            f->teachers[f->nteachers++] = teachers->t[i].id;
        }
    }
}

static void
course_fields(struct req *req, json_t *modules, const struct teachers *teachers,
              const struct course_form *f)
{
    struct strbuf *o = &req->out;
    web_input(req, "title", "Title", f->title, "text", c_err(f, "title"));
    web_code_select(req, "module_code", "Module", modules, NULL, f->module,
                    c_err(f, "module_code"));
    web_input(req, "hours", "Hours (学时, in steps of 0.5)", f->hours, "text",
              c_err(f, "hours"));
    html_raw(o, "<label>");
    html_txt(o, T("Format"));
    html_raw(o, "<select name=\"format\">");
    for (size_t k = 0; k < 4; k++)
        web_select_option(req, formats[k][0], T(formats[k][1]), f->format);
    html_raw(o, "</select></label>");
    web_field_error(req, c_err(f, "format"));
    web_input(req, "description", "Description", f->description, "text",
              c_err(f, "description"));
    html_raw(o, "<label>");
    html_txt(o, T("Teachers (hold Ctrl to choose several)"));
    html_raw(o, "<select name=\"teacher_ids\" multiple size=\"8\">");
    for (size_t i = 0; i < teachers->n; i++) {
        const struct teacher_row *t = &teachers->t[i];
        bool on = false;
        for (size_t k = 0; k < f->nteachers; k++)
            on = on || f->teachers[k] == t->id;
        strbuf_printf(o, "<option value=\"%lld\"%s>", (long long)t->id,
                      on ? " selected" : "");
        html_txt(o, t->name);
        html_raw(o, " · ");
        html_txt(o, LEVEL(t->level));
        html_raw(o, "</option>");
    }
    html_raw(o, "</select></label>");
    web_field_error(req, c_err(f, "teacher_ids"));
    web_checkbox(req, "published", "1", T("Published (trainees see it)"),
                 f->published);
}

static int
course_check_form(struct req *req, struct course_form *f,
                  struct course_input *in)
{
    int64_t halves = 0;
    if (f->err != NULL) {
        /* already wrong: too many teachers */
    } else if (!web_text_ok(f->title, 64)) {
        f->err_field = "title";
        f->err = T("Enter a title of at most 64 characters.");
    } else if (!web_parse_halves(f->hours, 80, &halves)) {
        f->err_field = "hours";
        f->err = T("Hours are from 0.5 to 40, in steps of 0.5.");
    } else if (f->description && utf8_chars(f->description) > 2000) {
        f->err_field = "description";
        f->err = T("At most 2000 characters.");
    }
    if (f->err)
        return ERR_INVAL;
    *in = (struct course_input){
        .title = f->title,
        .module = f->module ? f->module : "",
        .format = f->format ? f->format : "",
        .description = f->description,
        .half_hours = halves,
        .published = f->published,
        .teacher_ids = f->teachers,
        .nteachers = f->nteachers,
    };
    return 0;
}

static int
course_new_page(struct req *req, int status, const struct course_form *f)
{
    struct db *db = app_db(req);
    json_t *modules = db ? module_list(req, db) : NULL;
    struct teachers teachers;
    if (modules == NULL || all_teachers(req, db, &teachers) != 0)
        return req->status;
    web_page_begin(req, T("New course"), "/courses");
    web_h1(req, T("New course"));
    web_form_begin(req, "course-form", "/courses");
    course_fields(req, modules, &teachers, f);
    web_form_end(req, T("Create"), NULL);
    return web_finish(req, status);
}

int
web_course_new(struct req *req)
{
    struct course_form f = {.hours = "2", .format = "lecture"};
    return course_new_page(req, 200, &f);
}

int
web_course_create(struct req *req)
{
    struct db *db = app_db(req);
    struct teachers teachers;
    if (db == NULL || all_teachers(req, db, &teachers) != 0)
        return req->status;
    struct course_form f;
    struct course_input in;
    course_form_read(req, &teachers, &f);
    if (course_check_form(req, &f, &in) != 0)
        return course_new_page(req, 422, &f);
    struct audit_who who = app_who(req);
    struct field_error e = {0};
    int64_t id;
    int rc = course_create(db, &in, false, &who, &id, &e);
    if (rc == 0)
        return http_redirect(req, web_path_id(req, "/courses", id));
    if (rc != ERR_INVAL)
        return app_db_error(req, db);
    f.err_field = e.field;
    f.err = web_why(req, e.why);
    return course_new_page(req, 422, &f);
}

/* A course's page: what it is, its ratings, and for the county admin
 * the edit form and the publish switch. */
static int
course_view(struct req *req, struct db *db, json_t *c, int status,
            const struct course_form *f)
{
    json_t *modules = module_list(req, db);
    struct teachers teachers;
    struct rating rating;
    if (modules == NULL || all_teachers(req, db, &teachers) != 0)
        return req->status;
    if (rating_summary(db, RATING_OF_COURSE, web_id_of(c), &rating) != 0)
        return app_db_error(req, db);
    const char *title = web_jstr(c, "title");
    bool published = json_is_true(json_object_get(c, "published"));
    size_t ntids;
    const int64_t *tids =
        ids_of(req, json_object_get(c, "teacher_ids"), &ntids);
    web_page_begin(req, title, "/courses");
    struct strbuf *o = &req->out;
    web_h1(req, title);
    html_raw(o, "<table class=\"record\" id=\"course\">");
    web_row(req, "Module", web_jstr(c, "module_name"));
    web_row(req, "Hours",
            arena_printf(&req->arena, "%g",
                         json_number_value(json_object_get(c, "hours"))));
    web_row(req, "Format", FORMAT(web_jstr(c, "format")));
    web_row(req, "Course teachers",
            join_names(req, tids, ntids, teacher_name_of, &teachers));
    web_row(req, "Published", published ? T("Published") : T("Not published"));
    web_row(req, "Description", web_nonempty(web_jstr(c, "description")));
    web_row(req, "Ratings",
            arena_printf(&req->arena, "%lld", (long long)rating.n));
    web_row(req, "Mean score", web_score(req, rating.has_mean, rating.mean));
    web_row(req, "Excellence rate",
            web_share(req, rating.has_rate, rating.rate));
    html_raw(o, "</table>");
    if (app_scope(req) == NULL) {
        char action[64];
        str_fmt(action, sizeof(action), "/courses/%lld/publish",
                (long long)web_id_of(c));
        web_form_begin(req, "publish-form", action);
        strbuf_printf(o,
                      "<input type=\"hidden\" name=\"published\" "
                      "value=\"%d\">",
                      published ? 0 : 1);
        web_form_end(req, published ? T("Unpublish") : T("Publish"), NULL);
        html_raw(o, "<h2>");
        html_txt(o, T("Edit"));
        html_raw(o, "</h2>");
        web_form_begin(req, "course-form",
                       web_path_id(req, "/courses", web_id_of(c)));
        course_fields(req, modules, &teachers, f);
        web_form_end(req, T("Save"), NULL);
    }
    return web_finish(req, status);
}

/* The course {id} of the path; NULL having answered. */
static json_t *
course_of_path(struct req *req, struct db **db)
{
    int64_t id;
    json_t *c;
    if (req_param_id_or_404(req, 0, &id) != 0 || (*db = app_db(req)) == NULL)
        return NULL;
    int rc = course_get(*db, id, &c);
    if (rc == 0 && json_is_true(json_object_get(c, "voided"))) {
        json_decref(c);
        rc = ERR_NOTFOUND;
    }
    if (rc == ERR_NOTFOUND) {
        http_error(req, 404, "not_found", NULL, "%s", T("No such course."));
        return NULL;
    }
    if (rc != 0) {
        app_db_error(req, *db);
        return NULL;
    }
    return web_owned(req, c);
}

int
web_course(struct req *req)
{
    struct db *db;
    json_t *c = course_of_path(req, &db);
    if (c == NULL)
        return req->status;
    struct course_form f;
    course_form_of(req, c, &f);
    return course_view(req, db, c, 200, &f);
}

int
web_course_update(struct req *req)
{
    struct db *db;
    json_t *c = course_of_path(req, &db);
    struct teachers teachers;
    if (c == NULL || all_teachers(req, db, &teachers) != 0)
        return req->status;
    struct course_form f;
    struct course_input in;
    course_form_read(req, &teachers, &f);
    if (course_check_form(req, &f, &in) != 0)
        return course_view(req, db, c, 422, &f);
    struct audit_who who = app_who(req);
    struct field_error e = {0};
    int rc = course_update(db, web_id_of(c), &in, &who, &e);
    if (rc == 0)
        return http_redirect(req, web_path_id(req, "/courses", web_id_of(c)));
    if (rc == ERR_NOTFOUND)
        return http_error(req, 404, "not_found", NULL, "%s",
                          T("No such course."));
    if (rc != ERR_INVAL)
        return app_db_error(req, db);
    f.err_field = e.field;
    f.err = web_why(req, e.why);
    return course_view(req, db, c, 422, &f);
}

int
web_course_publish(struct req *req)
{
    struct db *db;
    json_t *c = course_of_path(req, &db);
    if (c == NULL)
        return req->status;
    /* The form sends 1 or 0; anything else publishes nothing. */
    const char *p = req_form(req, "published");
    if (p == NULL || (strcmp(p, "1") != 0 && strcmp(p, "0") != 0))
        return http_error(req, 422, "invalid_field", "published", "%s",
                          T("Publish or unpublish: published is 1 or 0."));
    struct audit_who who = app_who(req);
    int rc = course_publish(db, web_id_of(c), strcmp(p, "1") == 0, &who);
    if (rc == ERR_NOTFOUND)
        return http_error(req, 404, "not_found", NULL, "%s",
                          T("No such course."));
    if (rc != 0)
        return app_db_error(req, db);
    return http_redirect(req, web_path_id(req, "/courses", web_id_of(c)));
}

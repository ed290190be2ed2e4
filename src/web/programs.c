/*
 * programs.c - the admin pages of training as it is organised: programs
 * (培训班) of the 8 types with their sessions and a form to add one; a
 * session's page with its roster, the waiting list and the enrolment
 * form (search the roster, enrol; a full session puts the person on the
 * waiting list); and each school's annual plan (年度计划) in batches,
 * planned beside held.
 *
 * The same domain calls and scope as /api/v1/programs, /api/v1/sessions
 * and /api/v1/plans: a school admin reaches only its township's schools
 * (app_get_scoped: another township's program or session is a 404).
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
#include "../domain/people.h"
#include "../domain/roles.h"
#include "../domain/rules.h"
#include "../domain/teaching.h"
#include "../http/html.h"

#include <stdio.h>
#include <string.h>

#define ALL        1000 /* rows read at once for a select */
#define BATCH_ROWS 4    /* batch rows of the new-plan form */

static long long
int_of(json_t *v, const char *key)
{
    return (long long)json_integer_value(json_object_get(v, key));
}

static const char *
num(struct req *req, int64_t n)
{
    return arena_printf(&req->arena, "%lld", (long long)n);
}

static json_t *
type_items(struct req *req, struct db *db)
{
    json_t *items = json_array();
    return web_loaded(req, db, org_code_list(db, CODES_PROGRAM_TYPE, items),
                      items);
}

/* The "name" of the item of items whose "id" is id; NULL when none. */
static const char *
name_by_id(json_t *items, int64_t id)
{
    size_t i;
    json_t *v;
    json_array_foreach(items, i, v)
    {
        if (web_id_of(v) == id)
            return web_jstr(v, "name");
    }
    return NULL;
}

static int
this_year(void)
{
    char day[11];
    int year;
    rules_day(now_unix(), day, &year);
    return year;
}

/* --- programs ------------------------------------------------------------ */

int
web_programs(struct req *req)
{
    int64_t page, per_page, school = 0;
    if (req_paging_or_400(req, &page, &per_page) != 0 ||
        req_query_int_or_400(req, "school_id", 1, INT64_MAX, 0, &school))
        return req->status;
    const char *type = web_nonempty(req_query(req, "type"));
    if (type && strlen(type) > 32)
        type = NULL;
    struct db *db = app_db(req);
    json_t *types = db ? type_items(req, db) : NULL;
    struct schools schools;
    if (types == NULL || web_schools_of(req, db, app_scope(req), &schools) != 0)
        return req->status;
    const char *sel =
        web_school_name(&schools, school) ? num(req, school) : NULL;
    /* The county report links here with a township and a period: the
     * programs with a session in it. */
    struct program_filter f = {.type = type, .school_id = sel ? school : 0};
    char a[11] = "", b[11] = "";
    f.dated = app_has_period(req);
    if (app_township_filter(req, &f.township) != 0 ||
        (f.dated && app_period_or_400(req, &f.from, &f.to, a, b) != 0))
        return req->status;
    struct program_row *rows;
    size_t n;
    int64_t total;
    if (program_page(db, &req->arena, &f, page, per_page, &rows, &n,
                     &total) != 0)
        return app_db_error(req, db);
    web_page_begin(req, T("Training programs"), "/programs");
    struct strbuf *o = &req->out;
    web_h1(req, T("Training programs"));
    html_raw(o, "<form class=\"filters\" method=\"get\" id=\"program-filters\""
                " action=\"/programs\">");
    web_code_select(req, "type", NULL, types, T("All types"), type, NULL);
    web_choice_select(req, "school_id", NULL, schools.c, schools.n,
                      T("All schools"), sel, NULL);
    web_scope_fields(req, f.township, a, b);
    html_raw(o, "<button type=\"submit\">");
    html_txt(o, T("Filter"));
    html_raw(o, "</button><a class=\"button\" href=\"/programs/new\">");
    html_txt(o, T("New program"));
    html_raw(o, "</a></form>");
    web_scope_note(req, f.township, f.dated ? a : NULL, b);
    html_raw(o, "<div id=\"program-table\"><table><thead><tr>");
    web_th(req, "Title");
    web_th(req, "Training type");
    web_th(req, "School");
    web_th(req, "Starts on");
    web_th(req, "Ends on");
    web_th(req, "Session count");
    html_raw(o, "</tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        const struct program_row *p = &rows[i];
        html_raw(o, "<tr>");
        web_td_link(req, web_path_id(req, "/programs", p->id), p->title);
        web_td(req, p->type_name);
        web_td(req, web_school_name(&schools, p->school_id));
        web_td(req, web_date(req, p->from));
        web_td(req, web_date(req, p->to));
        strbuf_printf(o, "<td>%lld</td></tr>", (long long)p->sessions);
    }
    if (n == 0)
        web_empty_row(req, 6, type || sel || f.dated || page > 1,
                      T("training programs"), "/programs/new");
    web_total_foot(req, 6, "program-total", total);
    struct strbuf extra;
    strbuf_init(&extra, 0);
    web_query_arg(&extra, "type", type);
    web_query_arg(&extra, "school_id", sel);
    web_query_arg(&extra, "township", f.township);
    web_query_arg(&extra, "from", a);
    web_query_arg(&extra, "to", b);
    web_pager(req, "/programs", page, per_page, total, strbuf_str(&extra));
    strbuf_cleanup(&extra);
    html_raw(o, "</div>");
    return web_page_end(req);
}

struct program_form {
    const char *type, *school, *title, *from, *to;
    const char *err_field, *err;
};

static int
program_new_page(struct req *req, int status, const struct program_form *f)
{
    struct db *db = app_db(req);
    json_t *types = db ? type_items(req, db) : NULL;
    struct schools schools;
    if (types == NULL || web_schools_of(req, db, app_scope(req), &schools) != 0)
        return req->status;
    const char *ef = f->err_field, *e = f->err;
    web_page_begin(req, T("New program"), "/programs");
    web_h1(req, T("New program"));
    web_form_begin(req, "program-form", "/programs");
    web_code_select(req, "type", "Training type", types, NULL, f->type,
                    web_err_for(ef, e, "type"));
    web_choice_select(req, "school_id", "School", schools.c, schools.n,
                      schools.n == 1 ? NULL : T("Choose a school"), f->school,
                      web_err_for(ef, e, "school_id"));
    web_input(req, "title", "Title", f->title, "text",
              web_err_for(ef, e, "title"));
    web_input(req, "from", "Starts on", f->from, "date",
              web_err_for(ef, e, "from"));
    web_input(req, "to", "Ends on", f->to, "date", web_err_for(ef, e, "to"));
    web_form_end(req, T("Create"), NULL);
    return web_finish(req, status);
}

int
web_program_new(struct req *req)
{
    struct program_form f = {0};
    return program_new_page(req, 200, &f);
}

int
web_program_create(struct req *req)
{
    struct program_form f = {
        .type = req_form(req, "type"),
        .school = req_form(req, "school_id"),
        .title = req_form(req, "title"),
        .from = req_form(req, "from"),
        .to = req_form(req, "to"),
    };
    struct db *db = app_db(req);
    struct schools schools;
    if (db == NULL || web_schools_of(req, db, app_scope(req), &schools) != 0)
        return req->status;
    int64_t school = 0;
    if (f.school == NULL || parse_i64(f.school, &school) != 0 ||
        web_school_name(&schools, school) == NULL) {
        f.err_field = "school_id";
        f.err = T("Choose a school of your township.");
    } else if (!web_text_ok(f.title, 64)) {
        f.err_field = "title";
        f.err = T("Enter a title of at most 64 characters.");
    } else if (f.from == NULL || strlen(f.from) != 10) {
        f.err_field = "from";
        f.err = T("Give the date.");
    } else if (f.to == NULL || strlen(f.to) != 10) {
        f.err_field = "to";
        f.err = T("Give the date.");
    }
    if (f.err)
        return program_new_page(req, 422, &f);
    struct program_input in = {
        .type = f.type ? f.type : "",
        .title = f.title,
        .from = f.from,
        .to = f.to,
        .school_id = school,
    };
    struct audit_who who = app_who(req);
    struct field_error e = {0};
    int64_t id;
    int rc = program_create(db, &in, false, &who, &id, &e);
    if (rc == 0)
        return http_redirect(req, web_path_id(req, "/programs", id));
    if (rc != ERR_INVAL)
        return app_db_error(req, db);
    f.err_field = e.field;
    f.err = web_why(req, e.why);
    return program_new_page(req, 422, &f);
}

/* The session form's values, and the one thing wrong with them. */
struct session_form {
    const char *course, *teacher, *starts_at, *ends_at, *room, *place;
    const char *hours, *capacity;
    const char *err_field, *err;
};

/* {"code","name"} items of a JSON list by id and key. */
static json_t *
codes_of(struct req *req, json_t *items, const char *key)
{
    json_t *out = web_owned(req, json_array());
    size_t i;
    json_t *v;
    json_array_foreach(items, i, v) json_array_append_new(
        out, json_pack("{s:s, s:s}", "code", num(req, web_id_of(v)), "name",
                       web_jstr(v, key)));
    return out;
}

/* A program's page: what it is, its sessions, and the form to add one
 * (f: its values and error). */
static int
program_view(struct req *req, struct db *db, json_t *p, int status,
             const struct session_form *f)
{
    int64_t pid = web_id_of(p), school = int_of(p, "school_id"), n;
    const char *tw = web_jstr(p, "township_code");
    struct class_row *sessions;
    size_t nsessions;
    struct course_row *crows;
    struct teacher_row *trows;
    size_t cn, tn;
    json_t *rooms = web_owned(req, json_array());
    json_t *s = NULL;
    char stw[16];
    struct course_filter cf = {.published_only = true};
    struct teacher_filter tf = {.township = tw};
    struct class_filter sf = {
        .program_id = pid, .from = INT64_MIN / 2, .to = INT64_MAX / 2};
    if (class_page(db, &req->arena, &sf, 1, 500, &sessions, &nsessions, &n) !=
            0 ||
        course_page(db, &req->arena, &cf, 1, ALL, &crows, &cn, &n) != 0 ||
        teacher_page(db, &req->arena, &tf, 1, ALL, &trows, &tn, &n) != 0 ||
        school_rooms(db, school, rooms) != 0 ||
        school_get(db, school, &s, stw) != 0)
        return app_db_error(req, db);
    web_owned(req, s);
    const char *title = web_jstr(p, "title");
    web_page_begin(req, title, "/programs");
    struct strbuf *o = &req->out;
    web_h1(req, title);
    html_raw(o, "<table class=\"record\" id=\"program\">");
    web_row(req, "Training type", web_jstr(p, "type_name"));
    web_row(req, "School", web_jstr(s, "name"));
    web_row(req, "Starts on", web_date(req, web_jstr(p, "from")));
    web_row(req, "Ends on", web_date(req, web_jstr(p, "to")));
    html_raw(o, "</table><h2>");
    html_txt(o, T("Sessions"));
    html_raw(o, "</h2><table id=\"program-sessions\"><thead><tr>");
    web_th(req, "Time");
    web_th(req, "Course");
    web_th(req, "Teacher");
    web_th(req, "Place");
    web_th(req, "Hours");
    web_th(req, "Enrolled / capacity");
    html_raw(o, "</tr></thead><tbody>");
    for (size_t i = 0; i < nsessions; i++) {
        const struct class_row *v = &sessions[i];
        html_raw(o, "<tr>");
        web_td_link(req, web_path_id(req, "/sessions", v->id),
                    web_local_unix(req, v->starts_at));
        web_td(req, v->course_title);
        web_td(req, v->teacher_name);
        const char *room = v->room_id ? name_by_id(rooms, v->room_id) : NULL;
        web_td(req, room ? room : v->place);
        strbuf_printf(o, "<td>%s</td><td>%lld/%lld</td></tr>",
                      web_halves(req, v->half_hours), (long long)v->enrolled,
                      (long long)v->capacity);
    }
    html_raw(o, "</tbody></table><h2>");
    html_txt(o, T("Add a session"));
    html_raw(o, "</h2>");
    const char *ef = f->err_field, *e = f->err;
    web_form_begin(
        req, "session-form",
        arena_printf(&req->arena, "/programs/%lld/sessions", (long long)pid));
    struct kchoice *cc = arena_alloc(&req->arena, (cn + 1) * sizeof(*cc));
    for (size_t i = 0; i < cn; i++)
        cc[i] = (struct kchoice){num(req, crows[i].id), crows[i].title};
    web_choice_select(req, "course_id", "Course", cc, cn, T("(no course)"),
                      f->course, web_err_for(ef, e, "course_id"));
    struct kchoice *tc = arena_alloc(&req->arena, (tn + 1) * sizeof(*tc));
    for (size_t i = 0; i < tn; i++)
        tc[i] = (struct kchoice){num(req, trows[i].id), trows[i].name};
    web_choice_select(req, "teacher_id", "Teacher", tc, tn, T("(no teacher)"),
                      f->teacher, web_err_for(ef, e, "teacher_id"));
    web_input(req, "starts_at", "Starts (China time)", f->starts_at,
              "datetime-local", web_err_for(ef, e, "starts_at"));
    web_input(req, "ends_at", "Ends (China time)", f->ends_at, "datetime-local",
              web_err_for(ef, e, "ends_at"));
    web_code_select(req, "room_id", "Room of the school",
                    codes_of(req, rooms, "name"), T("(not in a room)"), f->room,
                    web_err_for(ef, e, "room_id"));
    web_input(req, "place", "Or an on-site place", f->place, "text",
              web_err_for(ef, e, "place"));
    web_input(req, "hours", "Hours (学时, in steps of 0.5)", f->hours, "text",
              web_err_for(ef, e, "hours"));
    web_input(req, "capacity", "Capacity", f->capacity, "number",
              web_err_for(ef, e, "capacity"));
    web_form_end(req, T("Add the session"), NULL);
    return web_finish(req, status);
}

/* The program {id} of the path within the caller's township; NULL
 * having answered 404 (another township's too) or 500. */
int
web_program(struct req *req)
{
    struct db *db;
    json_t *p =
        web_record_of_path(req, &db, program_get, "No such program.", true);
    if (p == NULL)
        return req->status;
    struct session_form f = {.hours = "2", .capacity = "50"};
    return program_view(req, db, p, 200, &f);
}

/* An optional id field: 0 when empty; false when not a number. */
static bool
opt_id(const char *s, int64_t *out)
{
    *out = 0;
    return s == NULL || *s == '\0' || (parse_i64(s, out) == 0 && *out > 0);
}

int
web_session_create(struct req *req)
{
    struct db *db;
    json_t *p =
        web_record_of_path(req, &db, program_get, "No such program.", true);
    if (p == NULL)
        return req->status;
    struct session_form f = {
        .course = req_form(req, "course_id"),
        .teacher = req_form(req, "teacher_id"),
        .starts_at = req_form(req, "starts_at"),
        .ends_at = req_form(req, "ends_at"),
        .room = req_form(req, "room_id"),
        .place = req_form(req, "place"),
        .hours = req_form(req, "hours"),
        .capacity = req_form(req, "capacity"),
    };
    struct class_input in = {.program_id = web_id_of(p), .place = f.place};
    const char *when = T("Give the date and time.");
    if (!opt_id(f.course, &in.course_id)) {
        f.err_field = "course_id";
        f.err = T("Not valid.");
    } else if (!opt_id(f.teacher, &in.teacher_id)) {
        f.err_field = "teacher_id";
        f.err = T("Not valid.");
    } else if (!opt_id(f.room, &in.room_id)) {
        f.err_field = "room_id";
        f.err = T("Not valid.");
    } else if (f.starts_at == NULL ||
               rules_parse_time(f.starts_at, &in.starts_at) != 0) {
        f.err_field = "starts_at";
        f.err = when;
    } else if (f.ends_at == NULL ||
               rules_parse_time(f.ends_at, &in.ends_at) != 0) {
        f.err_field = "ends_at";
        f.err = when;
    } else if (f.place && utf8_chars(f.place) > 64) {
        f.err_field = "place";
        f.err = T("At most 64 characters.");
    } else if (!web_parse_halves(f.hours, 16, &in.half_hours)) {
        f.err_field = "hours";
        f.err = T("Hours are from 0.5 to 8, in steps of 0.5.");
    } else if (f.capacity == NULL || parse_i64(f.capacity, &in.capacity) ||
               in.capacity < 1 || in.capacity > 5000) {
        f.err_field = "capacity";
        f.err = T("A capacity is from 1 to 5000.");
    }
    if (f.err)
        return program_view(req, db, p, 422, &f);
    struct audit_who who = app_who(req);
    struct field_error e = {0};
    int64_t id;
    int rc = class_create(db, &in, false, &who, &id, &e);
    if (rc == 0)
        return http_redirect(req, web_path_id(req, "/sessions", id));
    if (rc != ERR_INVAL)
        return app_db_error(req, db);
    f.err_field = e.field;
    f.err = web_why(req, e.why);
    return program_view(req, db, p, 422, &f);
}

/* --- a session: roster, waiting list, enrolment -------------------------- */

/* The session {id} of the path within the caller's township; NULL
 * having answered. */
/* A session's page; err (translated) under the enrolment form. */
static int session_page_void(struct req *req, struct db *db, json_t *s,
                             int status, const char *err, const char *void_err);

static int
session_page(struct req *req, struct db *db, json_t *s, int status,
             const char *err)
{
    return session_page_void(req, db, s, status, err, NULL);
}

/* The same, with void_err (translated) under the form to call it off. */
static int
session_page_void(struct req *req, struct db *db, json_t *s, int status,
                  const char *err, const char *void_err)
{
    int64_t sid = web_id_of(s);
    json_t *roster = web_owned(req, json_array());
    if (class_roster(db, sid, roster) != 0)
        return app_db_error(req, db);
    const char *q = web_nonempty(req_query(req, "q"));
    if (q == NULL)
        q = web_nonempty(req_form(req, "q"));
    if (q && strlen(q) > 64)
        q = NULL;
    struct person *found = NULL;
    size_t nfound = 0;
    /* A teacher on its own session's page: the session, who is on its
     * list (names, never ID numbers), the questions and the ledger; the
     * enrolment, the call-off and the check-in screen are the school's. */
    bool admin = (req->user->role_bit & R_ADMINS) != 0;
    if (!admin)
        q = NULL;
    if (q) {
        struct people_filter pf = {.township = app_scope(req), .q = q};
        int64_t total;
        if (people_page(db, &req->arena, &pf, 1, 20, &found, &nfound, &total) !=
            0)
            return app_db_error(req, db);
    }
    const char *title = web_jstr(s, "course_title");
    if (title == NULL)
        title = web_jstr(s, "program_title");
    web_page_begin(req, title, "/sessions");
    struct strbuf *o = &req->out;
    web_h1(req, title);
    const char *done = req_query(req, "done");
    if (done && strcmp(done, "waiting") == 0 && status == 200)
        web_notice(req, "enrol-done",
                   T("The session is full: the person is on the waiting "
                     "list."));
    else if (done && strcmp(done, "enrolled") == 0 && status == 200)
        web_notice(req, "enrol-done", T("Enrolled."));
    html_raw(o, "<table class=\"record\" id=\"session\">");
    html_raw(o, "<tr><th>");
    html_txt(o, T("Program"));
    html_raw(o, "</th><td>");
    if (admin) {
        html_raw(o, "<a href=\"");
        html_attr(o, web_path_id(req, "/programs", int_of(s, "program_id")));
        html_raw(o, "\">");
    }
    html_txt(o, web_jstr(s, "program_title"));
    html_raw(o, admin ? "</a></td></tr>" : "</td></tr>");
    web_row(req, "Teacher", web_jstr(s, "teacher_name"));
    web_row(req, "Starts", web_local_time(req, web_jstr(s, "starts_at")));
    web_row(req, "Ends", web_local_time(req, web_jstr(s, "ends_at")));
    web_row(req, "Place", web_nonempty(web_jstr(s, "place")));
    web_row(req, "Hours",
            arena_printf(&req->arena, "%g",
                         json_number_value(json_object_get(s, "hours"))));
    html_raw(o, "<tr><th>");
    html_txt(o, T("Enrolled / capacity"));
    strbuf_printf(o, "</th><td id=\"enrolled\">%lld / %lld</td></tr>",
                  int_of(s, "enrolled"), int_of(s, "capacity"));
    html_raw(o, "<tr><th>");
    html_txt(o, T("Waiting list"));
    strbuf_printf(o, "</th><td id=\"waiting\">%lld</td></tr></table>",
                  int_of(s, "waiting"));
    if (admin) {
        strbuf_printf(o, "<p><a href=\"/sessions/%lld/display\">",
                      (long long)sid);
        html_txt(o, T("Check-in screen"));
        strbuf_printf(o, "</a> · <a href=\"/sessions/%lld/sheet\">",
                      (long long)sid);
        html_txt(o, T("Sign-in sheet"));
        html_raw(o, "</a></p>");
    }
    /* Enrolled first, then the waiting list (the query's order). */
    html_raw(o, "<h2>");
    html_txt(o, T("List of this session"));
    html_raw(o, "</h2><table id=\"roster\"><thead><tr>");
    web_th(req, "Full name");
    if (admin)
        web_th(req, "ID number");
    web_th(req, "State");
    web_th(req, "Attended");
    html_raw(o, "</tr></thead><tbody>");
    size_t i;
    json_t *v;
    json_array_foreach(roster, i, v)
    {
        const char *st = web_jstr(v, "status");
        bool waiting = st && strcmp(st, "waiting") == 0;
        html_raw(o, waiting ? "<tr class=\"waiting\">" : "<tr>");
        web_td(req, web_jstr(v, "name"));
        if (admin)
            web_td(req, web_jstr(v, "id_number_masked"));
        web_td(req, waiting ? T("On the waiting list") : T("Has a seat"));
        web_td(req, json_is_true(json_object_get(v, "attended"))
                        ? T("Checked in")
                        : "");
        html_raw(o, "</tr>");
    }
    html_raw(o, "</tbody></table>");
    if (!admin) {
        if (web_ledger_sections(req, db, sid) != 0)
            return req->status;
        return web_finish(req, status);
    }
    html_raw(o, "<h2>");
    html_txt(o, T("Enrol a person"));
    html_raw(o, "</h2>");
    const char *base = web_path_id(req, "/sessions", sid);
    web_search_begin(req, "enrol-search", base, "enrol-results", q,
                     "Name, pinyin (zs) or last 4 of ID/phone");
    web_search_end(req, NULL, NULL);
    if (err) {
        html_raw(o, "<p class=\"field-error\" role=\"alert\" "
                    "id=\"enrol-error\">");
        html_txt(o, err);
        html_raw(o, "</p>");
    }
    html_raw(o, "<div id=\"enrol-results\">");
    if (q) {
        html_raw(o, "<table><thead><tr>");
        web_th(req, "Full name");
        web_th(req, "ID number");
        web_th(req, "Village");
        web_th(req, "Actions");
        html_raw(o, "</tr></thead><tbody>");
        for (size_t k = 0; k < nfound; k++) {
            const struct person *fp = &found[k];
            html_raw(o, "<tr>");
            web_td(req, fp->name);
            web_td(req, fp->id_number_masked);
            web_td(req, web_name_or_code(fp->village_name, fp->village_code));
            html_raw(o, "<td>");
            web_form_begin(req, "enrol-form",
                           arena_printf(&req->arena, "/sessions/%lld/enroll",
                                        (long long)sid));
            strbuf_printf(o,
                          "<input type=\"hidden\" name=\"person_id\" "
                          "value=\"%lld\">",
                          (long long)fp->id);
            html_raw(o, "<input type=\"hidden\" name=\"q\" value=\"");
            html_attr(o, q);
            html_raw(o, "\">");
            web_form_end(req, T("Enrol"), NULL);
            html_raw(o, "</td></tr>");
        }
        if (nfound == 0) {
            html_raw(o, "<tr><td colspan=\"4\">");
            html_txt(o, T("No one on the roster matches."));
            html_raw(o, "</td></tr>");
        }
        html_raw(o, "</tbody></table>");
    }
    html_raw(o, "</div>");
    if (web_ledger_sections(req, db, sid) != 0)
        return req->status;
    /* Calling a session off: only before anyone checked in. */
    if (int_of(s, "attended") == 0)
        web_void_form(
            req,
            arena_printf(&req->arena, "/sessions/%lld/void", (long long)sid),
            T("Call this session off"), T("Reason (kept with the record)"),
            T("Call off"), void_err);
    return web_finish(req, status);
}

int
web_session(struct req *req)
{
    struct db *db;
    json_t *s =
        web_record_of_path(req, &db, class_get, "No such session.", true);
    return s ? session_page(req, db, s, 200, NULL) : req->status;
}

int
web_session_void(struct req *req)
{
    struct db *db;
    json_t *s =
        web_record_of_path(req, &db, class_get, "No such session.", true);
    if (s == NULL)
        return req->status;
    const char *reason = req_form(req, "reason");
    if (!web_text_ok(reason, 200))
        return session_page_void(req, db, s, 422, NULL,
                                 T("Give a reason of at most 200 "
                                   "characters."));
    struct audit_who who = app_who(req);
    int rc = class_void(db, web_id_of(s), reason, &who);
    if (rc == ERR_CONFLICT)
        return session_page_void(req, db, s, 409, NULL,
                                 T("Someone has checked in: the session "
                                   "and its hours stay on record."));
    if (rc != 0 && rc != ERR_NOTFOUND)
        return app_db_error(req, db);
    return http_redirect(req, "/sessions");
}

int
web_session_enroll(struct req *req)
{
    struct db *db;
    json_t *s =
        web_record_of_path(req, &db, class_get, "No such session.", true);
    if (s == NULL)
        return req->status;
    int64_t person;
    const char *p = req_form(req, "person_id");
    if (p == NULL || parse_i64(p, &person) != 0 || person < 1)
        return session_page(req, db, s, 422,
                            T("Choose a person from the search."));
    /* Only a person of the caller's township, as the API checks. */
    struct person view;
    struct audit_who who = app_who(req);
    int rc = people_get(db, &req->arena, app_keys, person, false, &who, &view);
    if (rc == ERR_NOTFOUND)
        return session_page(req, db, s, 422, T("No such person."));
    if (rc != 0)
        return app_db_error(req, db);
    const char *scope = app_scope(req);
    if (scope && strcmp(scope, view.township_code) != 0)
        return session_page(req, db, s, 422,
                            T("This person is on another township's "
                              "roster: only its own school may enrol "
                              "them."));
    const char *status;
    rc = class_enroll(db, web_id_of(s), person, true, &who, &status);
    if (rc == ERR_CONFLICT)
        return session_page(req, db, s, 409,
                            T("This person is already on the list of this "
                              "session."));
    if (rc == ERR_NOTFOUND)
        return session_page(req, db, s, 422, T("No such person."));
    if (rc != 0)
        return app_db_error(req, db);
    return http_redirect(req,
                         arena_printf(&req->arena, "/sessions/%lld?done=%s",
                                      (long long)web_id_of(s), status));
}

/* --- annual plans -------------------------------------------------------- */

int
web_plans(struct req *req)
{
    int64_t year;
    if (req_query_int_or_400(req, "year", 2000, 2100, this_year(), &year))
        return req->status;
    struct db *db = app_db(req);
    json_t *types = db ? type_items(req, db) : NULL;
    struct schools schools;
    if (types == NULL || web_schools_of(req, db, app_scope(req), &schools) != 0)
        return req->status;
    web_page_begin(req, T("Annual plans"), "/plans");
    struct strbuf *o = &req->out;
    web_h1(req, arena_printf(&req->arena, "%s · %lld", T("Annual plans"),
                             (long long)year));
    html_raw(o, "<form class=\"filters\" method=\"get\" action=\"/plans\" "
                "id=\"plan-filters\"><label>");
    html_txt(o, T("Year"));
    strbuf_printf(o,
                  "<input type=\"number\" name=\"year\" min=\"2000\" "
                  "max=\"2100\" value=\"%lld\"></label>",
                  (long long)year);
    html_raw(o, "<button type=\"submit\">");
    html_txt(o, T("Show"));
    html_raw(o, "</button><a class=\"button\" href=\"/plans/new\">");
    html_txt(o, T("New plan"));
    html_raw(o, "</a></form><table id=\"plan-table\"><thead><tr>");
    web_th(req, "School");
    web_th(req, "Plan");
    web_th(req, "Batch");
    web_th(req, "Training type");
    web_th(req, "Starts on");
    web_th(req, "Ends on");
    web_th(req, "Sessions planned");
    web_th(req, "Sessions held");
    web_th(req, "Persons planned");
    web_th(req, "Persons trained");
    html_raw(o, "</tr></thead><tbody>");
    int64_t sum[4] = {0};
    static const char *const keys[4] = {"planned_sessions", "held_sessions",
                                        "planned_persons", "held_persons"};
    for (size_t i = 0; i < schools.n; i++) {
        int64_t pid;
        json_t *plan;
        int rc = plan_of(db, schools.id[i], year, &pid);
        if (rc == ERR_NOTFOUND) {
            html_raw(o, "<tr class=\"muted\">");
            web_td(req, schools.c[i].name);
            html_raw(o, "<td colspan=\"9\">");
            html_txt(o, T("No plan for this year yet."));
            html_raw(o, "</td></tr>");
            continue;
        }
        if (rc != 0 || plan_get(db, pid, &plan) != 0)
            return app_db_error(req, db);
        web_owned(req, plan);
        size_t k;
        json_t *b;
        json_array_foreach(json_object_get(plan, "batches"), k, b)
        {
            html_raw(o, "<tr>");
            web_td(req, k == 0 ? schools.c[i].name : "");
            web_td(req, k == 0 ? web_jstr(plan, "title") : "");
            strbuf_printf(o, "<td>%lld</td>", int_of(b, "batch"));
            web_td(req, web_name_of(types, web_jstr(b, "type")));
            web_td(req, web_date(req, web_jstr(b, "from")));
            web_td(req, web_date(req, web_jstr(b, "to")));
            for (int c = 0; c < 4; c++) {
                sum[c] += int_of(b, keys[c]);
                strbuf_printf(o, "<td class=\"num\">%lld</td>",
                              int_of(b, keys[c]));
            }
            html_raw(o, "</tr>");
        }
    }
    html_raw(o, "</tbody><tfoot><tr><td colspan=\"6\">");
    html_txt(o, T("Total"));
    html_raw(o, "</td>");
    for (int c = 0; c < 4; c++)
        strbuf_printf(o, "<td class=\"num\">%lld</td>", (long long)sum[c]);
    html_raw(o, "</tr></tfoot></table><p class=\"muted\">");
    html_txt(o, T("Held is counted from the school's sessions of the "
                  "batch's type within its dates; persons are distinct "
                  "people who attended."));
    html_raw(o, "</p>");
    return web_page_end(req);
}

/* The new-plan form's values: the plan and up to BATCH_ROWS batches (a
 * row without a type is left out). */
struct plan_form {
    const char *school, *year, *title;
    const char *type[BATCH_ROWS], *from[BATCH_ROWS], *to[BATCH_ROWS];
    const char *sessions[BATCH_ROWS], *persons[BATCH_ROWS];
    const char *err_field, *err;
};

static int
plan_new_page(struct req *req, int status, const struct plan_form *f)
{
    struct db *db = app_db(req);
    json_t *types = db ? type_items(req, db) : NULL;
    struct schools schools;
    if (types == NULL || web_schools_of(req, db, app_scope(req), &schools) != 0)
        return req->status;
    struct strbuf *o = &req->out;
    const char *ef = f->err_field, *e = f->err;
    web_page_begin(req, T("New plan"), "/plans");
    web_h1(req, T("New annual plan"));
    web_form_begin(req, "plan-form", "/plans");
    web_choice_select(req, "school_id", "School", schools.c, schools.n,
                      schools.n == 1 ? NULL : T("Choose a school"), f->school,
                      web_err_for(ef, e, "school_id"));
    web_input(req, "year", "Year", f->year, "number",
              web_err_for(ef, e, "year"));
    web_input(req, "title", "Title", f->title, "text",
              web_err_for(ef, e, "title"));
    html_raw(o, "<fieldset id=\"batches\"><legend>");
    html_txt(o, T("Batches (a row without a type is left out)"));
    html_raw(o, "</legend><table><thead><tr>");
    web_th(req, "Batch");
    web_th(req, "Training type");
    web_th(req, "Starts on");
    web_th(req, "Ends on");
    web_th(req, "Sessions planned");
    web_th(req, "Persons planned");
    html_raw(o, "</tr></thead><tbody>");
    for (int r = 0; r < BATCH_ROWS; r++) {
        strbuf_printf(o, "<tr><td>%d</td><td>", r + 1);
        web_code_select(req, arena_printf(&req->arena, "type_%d", r + 1), NULL,
                        types, T("(none)"), f->type[r], NULL);
        static const char *const cols[4] = {"from", "to", "sessions",
                                            "persons"};
        const char *const *vals[4] = {f->from, f->to, f->sessions, f->persons};
        for (int c = 0; c < 4; c++) {
            strbuf_printf(o,
                          "</td><td><input name=\"%s_%d\" type=\"%s\" "
                          "value=\"",
                          cols[c], r + 1, c < 2 ? "date" : "number");
            html_attr(o, vals[c][r] ? vals[c][r] : "");
            html_raw(o, "\">");
        }
        html_raw(o, "</td></tr>");
    }
    html_raw(o, "</tbody></table></fieldset>");
    web_field_error(req, web_err_for(ef, e, "batches"));
    web_form_end(req, T("Create"), NULL);
    return web_finish(req, status);
}

int
web_plan_new(struct req *req)
{
    struct plan_form f = {
        .year = arena_printf(&req->arena, "%d", this_year()),
    };
    return plan_new_page(req, 200, &f);
}

int
web_plan_create(struct req *req)
{
    struct plan_form f = {
        .school = req_form(req, "school_id"),
        .year = req_form(req, "year"),
        .title = req_form(req, "title"),
    };
    struct plan_batch b[BATCH_ROWS];
    size_t n = 0;
    for (int r = 0; r < BATCH_ROWS; r++) {
        char name[16];
        str_fmt(name, sizeof(name), "type_%d", r + 1);
        f.type[r] = req_form(req, name);
        str_fmt(name, sizeof(name), "from_%d", r + 1);
        f.from[r] = req_form(req, name);
        str_fmt(name, sizeof(name), "to_%d", r + 1);
        f.to[r] = req_form(req, name);
        str_fmt(name, sizeof(name), "sessions_%d", r + 1);
        f.sessions[r] = req_form(req, name);
        str_fmt(name, sizeof(name), "persons_%d", r + 1);
        f.persons[r] = req_form(req, name);
        if (web_nonempty(f.type[r]) == NULL || f.err)
            continue;
        b[n] = (struct plan_batch){
            .batch = r + 1,
            .type = f.type[r],
            .from = f.from[r] ? f.from[r] : "",
            .to = f.to[r] ? f.to[r] : "",
        };
        if (f.sessions[r] == NULL ||
            parse_i64(f.sessions[r], &b[n].sessions) != 0 ||
            b[n].sessions < 0 || b[n].sessions > 10000 ||
            f.persons[r] == NULL ||
            parse_i64(f.persons[r], &b[n].persons) != 0 || b[n].persons < 0 ||
            b[n].persons > 1000000) {
            f.err_field = "batches";
            f.err = T("Give each batch's planned sessions and persons as "
                      "whole numbers.");
        }
        n++;
    }
    struct db *db = app_db(req);
    struct schools schools;
    if (db == NULL || web_schools_of(req, db, app_scope(req), &schools) != 0)
        return req->status;
    int64_t school = 0, year = 0;
    if (f.err) {
        /* a batch row is wrong */
    } else if (f.school == NULL || parse_i64(f.school, &school) != 0 ||
               web_school_name(&schools, school) == NULL) {
        f.err_field = "school_id";
        f.err = T("Choose a school of your township.");
    } else if (f.year == NULL || parse_i64(f.year, &year) != 0 || year < 2000 ||
               year > 2100) {
        f.err_field = "year";
        f.err = T("Give the year, e.g. 2026.");
    } else if (!web_text_ok(f.title, 64)) {
        f.err_field = "title";
        f.err = T("Enter a title of at most 64 characters.");
    } else if (n == 0) {
        f.err_field = "batches";
        f.err = T("Give at least one batch.");
    }
    if (f.err)
        return plan_new_page(req, 422, &f);
    struct audit_who who = app_who(req);
    struct field_error e = {0};
    int64_t id;
    int rc = plan_create(db, school, year, f.title, b, n, &who, &id, &e);
    if (rc == 0)
        return http_redirect(req, arena_printf(&req->arena, "/plans?year=%lld",
                                               (long long)year));
    if (rc == ERR_CONFLICT) {
        f.err_field = "year";
        f.err = T("This school has a plan for that year already.");
        return plan_new_page(req, 409, &f);
    }
    if (rc != ERR_INVAL)
        return app_db_error(req, db);
    f.err_field = e.field;
    f.err = web_why(req, e.why);
    return plan_new_page(req, 422, &f);
}

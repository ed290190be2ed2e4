/*
 * classes.c - /api/v1/programs, /api/v1/sessions (enrolment, roster,
 * check-in code, attendance, evaluations), /api/v1/checkin and study
 * hours. Township scope as everywhere: a school admin works in its own
 * township's school; a trainee checks in and rates as the roster person
 * its account is linked to.
 */
#include "api.h"

#include "../core/err.h"
#include "../core/qr.h"
#include "../core/util.h"
#include "../domain/attend_queue.h"
#include "../domain/classes.h"
#include "../domain/org.h"
#include "../domain/roles.h"
#include "../domain/rules.h"

#include <string.h>

int
api_program_types_list(struct req *req)
{
    return api_code_list(req, CODES_PROGRAM_TYPE);
}

/* --- programs --------------------------------------------------------- */

int
api_programs_list(struct req *req)
{
    int64_t page, per_page, school = 0;
    const char *township;
    if (req_paging_or_400(req, &page, &per_page) != 0 ||
        app_township_filter(req, &township) != 0 ||
        req_query_int_or_400(req, "school_id", 1, INT64_MAX, 0, &school))
        return req->status;
    struct program_filter f = {.township = township, .school_id = school,
                               .type = req_query(req, "type")};
    if (f.type && *f.type == '\0')
        f.type = NULL;
    /* With a period, the programs with a session in it (the county
     * report's themed classes). */
    char a[11], b[11];
    f.dated = app_has_period(req);
    if (f.dated && app_period_or_400(req, &f.from, &f.to, a, b) != 0)
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct program_row *rows;
    size_t n;
    int64_t total;
    if (program_page(db, &req->arena, &f, page, per_page, &rows, &n,
                     &total) != 0)
        return app_db_error(req, db);
    struct jw *w = http_list_begin(req);
    for (size_t i = 0; i < n; i++) {
        const struct program_row *p = &rows[i];
        jw_obj(w);
        jw_kint(w, "id", p->id);
        jw_kstr(w, "type", p->type);
        jw_kstr(w, "type_name", p->type_name);
        jw_kint(w, "school_id", p->school_id);
        jw_kstr(w, "township_code", p->township_code);
        jw_kstr(w, "title", p->title);
        jw_kstr(w, "from", p->from);
        jw_kstr(w, "to", p->to);
        jw_kint(w, "sessions", p->sessions);
        jw_kbool(w, "voided", p->voided);
        jw_end(w);
    }
    http_list_meta(req, total, page, per_page);
    return http_list_close(req);
}

int
api_programs_create(struct req *req)
{
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    struct program_input in = {0};
    bool has_school;
    if (json_str_or_422(req, body, "type", true, 1, 32, &in.type) ||
        json_int_or_422(req, body, "school_id", true, 1, INT64_MAX,
                        &has_school, &in.school_id) ||
        json_str_or_422(req, body, "title", true, 1, 64, &in.title) ||
        json_str_or_422(req, body, "from", true, 10, 10, &in.from) ||
        json_str_or_422(req, body, "to", true, 10, 10, &in.to))
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    json_t *school;
    if (app_get_scoped(req, db, school_get, in.school_id, "school", &school))
        return req->status;
    json_decref(school);
    struct audit_who who = app_who(req);
    struct field_error e;
    int64_t id;
    int rc = program_create(db, &in, false, &who, &id, &e);
    if (rc != 0)
        return app_write_error(req, db, rc, &e, "program");
    json_t *v;
    char tw[16];
    if (program_get(db, id, &v, tw) != 0)
        return app_db_error(req, db);
    return http_json(req, 201, v);
}

int
api_programs_get(struct req *req)
{
    return api_get_answer(req, program_get, "program");
}

/* --- sessions --------------------------------------------------------- */

/* A date query parameter as unix seconds at 00:00 China time; -1 having
 * answered 400. */
static int
day_param(struct req *req, const char *name, int64_t def, int64_t *out)
{
    const char *s = req_query(req, name);
    *out = def;
    if (s == NULL || *s == '\0')
        return 0;
    if (date_parse(s, out) != 0) {
        http_error(req, 400, "invalid_param", name,
                   "%s must be a date YYYY-MM-DD", name);
        return -1;
    }
    *out -= RULES_CST_OFFSET;
    return 0;
}

/* A session of a list as the API's JSON object (the keys of class_get's,
 * in its order). */
static void
session_write(struct jw *w, const struct class_row *s)
{
    enum { INT, ID, TEXT, TIME, HALVES, BOOL };
    const struct {
        const char *key;
        int as;
        int64_t n;
        const char *s;
    } v[] = {
        {"id", INT, s->id, NULL},
        {"program_id", INT, s->program_id, NULL},
        {"program_type", TEXT, 0, s->program_type},
        {"program_title", TEXT, 0, s->program_title},
        {"school_id", INT, s->school_id, NULL},
        {"township_code", TEXT, 0, s->township_code},
        {"course_id", ID, s->course_id, NULL},
        {"course_title", TEXT, 0, s->course_title},
        {"teacher_id", ID, s->teacher_id, NULL},
        {"teacher_name", TEXT, 0, s->teacher_name},
        {"starts_at", TIME, s->starts_at, NULL},
        {"ends_at", TIME, s->ends_at, NULL},
        {"room_id", ID, s->room_id, NULL},
        {"place", TEXT, 0, s->place},
        {"hours", HALVES, s->half_hours, NULL},
        {"capacity", INT, s->capacity, NULL},
        {"enrolled", INT, s->enrolled, NULL},
        {"waiting", INT, s->waiting, NULL},
        {"attended", INT, s->attended, NULL},
        {"voided", BOOL, s->voided, NULL},
    };
    jw_obj(w);
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        jw_key(w, v[i].key);
        char at[21];
        switch (v[i].as) {
        case ID:
            if (v[i].n == 0) { /* none */
                jw_null(w);
                break;
            }
            /* fall through */
        case INT: jw_int(w, v[i].n); break;
        case TEXT: jw_str(w, v[i].s); break;
        case TIME:
            time_iso(v[i].n, at);
            jw_str(w, at);
            break;
        case HALVES: jw_halves(w, v[i].n); break;
        default: jw_bool(w, v[i].n != 0); break;
        }
    }
    jw_end(w);
}

int
api_sessions_list(struct req *req)
{
    int64_t page, per_page;
    struct class_filter f = {.type = req_query(req, "type")};
    struct db *db = app_db(req);
    bool empty;
    if (db == NULL || req_paging_or_400(req, &page, &per_page) != 0 ||
        req_query_int_or_400(req, "program_id", 1, INT64_MAX, 0,
                             &f.program_id) ||
        req_query_int_or_400(req, "teacher_id", 1, INT64_MAX, 0,
                             &f.teacher_id) ||
        app_sessions_scope(req, db, &f, &empty) != 0 ||
        day_param(req, "from", INT64_MIN / 2, &f.from) ||
        day_param(req, "to", INT64_MAX / 2, &f.to))
        return req->status;
    if (f.to != INT64_MAX / 2)
        f.to += 86400; /* "to" is inclusive */
    if (f.type && *f.type == '\0')
        f.type = NULL;
    if (f.type && strlen(f.type) > 32)
        return http_error(req, 400, "invalid_param", "type",
                          "type is a program type code");
    struct class_row *rows = NULL;
    size_t n = 0;
    int64_t total = 0, times = 0, persons = 0;
    if (!empty && (class_page(db, &req->arena, &f, page, per_page, &rows, &n,
                              &total) != 0 ||
                   class_totals(db, &f, &times, &persons) != 0))
        return app_db_error(req, db);
    struct jw *w = http_list_begin(req);
    for (size_t i = 0; i < n; i++)
        session_write(w, &rows[i]);
    /* The attendance of every session listed, not only this page's: the
     * county report's person-times and persons. */
    http_list_meta(req, total, page, per_page);
    jw_kint(w, "person_times", times);
    jw_kint(w, "persons", persons);
    return http_list_close(req);
}

/* A time field ("2026-12-01T09:00", China time unless "Z" or +08:00). */
static int
time_or_422(struct req *req, json_t *body, const char *name, int64_t *out)
{
    const char *s;
    if (json_str_or_422(req, body, name, true, 16, 25, &s) != 0)
        return -1;
    if (rules_parse_time(s, out) != 0) {
        http_error(req, 422, "invalid_field", name,
                   "%s must be a time YYYY-MM-DDTHH:MM (China time)", name);
        return -1;
    }
    return 0;
}

int
api_sessions_create(struct req *req)
{
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    struct class_input in = {0};
    bool has;
    if (json_int_or_422(req, body, "program_id", true, 1, INT64_MAX, &has,
                        &in.program_id) ||
        json_int_or_422(req, body, "course_id", false, 1, INT64_MAX, &has,
                        &in.course_id) ||
        json_int_or_422(req, body, "teacher_id", false, 1, INT64_MAX, &has,
                        &in.teacher_id) ||
        json_int_or_422(req, body, "room_id", false, 1, INT64_MAX, &has,
                        &in.room_id) ||
        json_str_or_422(req, body, "place", false, 0, 64, &in.place) ||
        time_or_422(req, body, "starts_at", &in.starts_at) ||
        time_or_422(req, body, "ends_at", &in.ends_at) ||
        json_halves_or_422(req, body, "hours", true, 16, &in.half_hours) ||
        json_int_or_422(req, body, "capacity", true, 1, 5000, &has,
                        &in.capacity))
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    json_t *prog;
    if (app_get_scoped(req, db, program_get, in.program_id, "program",
                       &prog) != 0)
        return req->status;
    json_decref(prog);
    struct audit_who who = app_who(req);
    struct field_error e;
    int64_t id;
    int rc = class_create(db, &in, false, &who, &id, &e);
    if (rc != 0)
        return app_write_error(req, db, rc, &e, "session");
    json_t *v;
    char tw[16];
    if (class_get(db, id, &v, tw) != 0)
        return app_db_error(req, db);
    return http_json(req, 201, v);
}

/* The session {id} within the caller's township; 0 or -1 answered. */
static int
my_session(struct req *req, struct db *db, int64_t *id, json_t **out)
{
    if (req_param_id_or_404(req, 0, id) != 0)
        return -1;
    json_t *v;
    if (app_get_scoped(req, db, class_get, *id, "session", &v) != 0)
        return -1;
    if (json_is_true(json_object_get(v, "voided"))) {
        json_decref(v);
        http_error(req, 404, "not_found", NULL, "no such session");
        return -1;
    }
    if (out)
        *out = v;
    else
        json_decref(v);
    return 0;
}

int
api_sessions_get(struct req *req)
{
    struct db *db = app_db(req);
    int64_t id;
    json_t *v;
    if (db == NULL || my_session(req, db, &id, &v) != 0)
        return req->status;
    return http_json(req, 200, v);
}

int
api_sessions_void(struct req *req)
{
    json_t *body = req_json_or_400(req);
    const char *reason;
    if (body == NULL ||
        json_str_or_422(req, body, "reason", true, 1, 200, &reason))
        return req->status;
    struct db *db = app_db(req);
    int64_t id;
    if (db == NULL || my_session(req, db, &id, NULL) != 0)
        return req->status;
    struct audit_who who = app_who(req);
    int rc = class_void(db, id, reason, &who);
    if (rc == ERR_CONFLICT)
        return http_error(req, 409, "has_attendance", NULL,
                          "已有人签到的课次不能取消，签到记录和学时保留");
    if (rc != 0)
        return app_write_error(req, db, rc, NULL, "session");
    return http_no_content(req);
}

int
api_sessions_roster(struct req *req)
{
    struct db *db = app_db(req);
    int64_t id;
    if (db == NULL || my_session(req, db, &id, NULL) != 0)
        return req->status;
    json_t *items = json_array();
    if (class_roster(db, id, items) != 0) {
        json_decref(items);
        return app_db_error(req, db);
    }
    /* A teacher sees who is on its session's list, never an ID number,
     * not even masked. */
    if (!(req->user->role_bit & R_ADMINS)) {
        size_t i;
        json_t *p;
        json_array_foreach(items, i, p)
        {
            json_object_del(p, "id_number_masked");
        }
    }
    return api_list_all(req, items);
}

/* The person of a body's person_id, in the caller's township: 0, or -1
 * having answered 422 or 404. */
static int
scoped_person(struct req *req, struct db *db, json_t *body, int64_t *pid)
{
    bool has;
    if (json_int_or_422(req, body, "person_id", true, 1, INT64_MAX, &has,
                        pid) != 0)
        return -1;
    bool ok;
    if (app_person_visible(req, db, *pid, &ok) != 0) {
        app_db_error(req, db);
        return -1;
    }
    if (!ok) {
        http_error(req, 422, "invalid_field", "person_id",
                   "no such person in your township");
        return -1;
    }
    return 0;
}

int
api_sessions_enroll(struct req *req)
{
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    int waitlist;
    if (json_bool_or_422(req, body, "waitlist", false, &waitlist) != 0)
        return req->status;
    struct db *db = app_db(req);
    int64_t id, person;
    if (db == NULL || my_session(req, db, &id, NULL) != 0 ||
        scoped_person(req, db, body, &person) != 0)
        return req->status;
    struct audit_who who = app_who(req);
    const char *status;
    int rc = class_enroll(db, id, person, waitlist == 1, &who, &status);
    if (rc == ERR_RANGE)
        return http_error(req, 409, "session_full", NULL,
                          "the session is full; send waitlist: true to "
                          "join its waiting list");
    if (rc == ERR_CONFLICT)
        return http_error(req, 409, "already_enrolled", "person_id",
                          "this person is already on the list");
    if (rc != 0)
        return app_write_error(req, db, rc, NULL, "session");
    return http_json(req, 201, json_pack("{s:I, s:I, s:s}", "session_id",
                                         (json_int_t)id, "person_id",
                                         (json_int_t)person, "status",
                                         status));
}

int
api_sessions_attendance(struct req *req)
{
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    struct db *db = app_db(req);
    int64_t id, person;
    if (db == NULL || my_session(req, db, &id, NULL) != 0 ||
        scoped_person(req, db, body, &person) != 0)
        return req->status;
    struct audit_who who = app_who(req);
    json_t *v;
    int rc = class_attend(db, id, person, "roster", now_unix(), &who, &v);
    if (rc == ERR_CONFLICT)
        return http_error(req, 409, "already_checked_in", "person_id",
                          "already recorded for this session");
    if (rc != 0)
        return app_write_error(req, db, rc, NULL, "session");
    return http_json(req, 201, v);
}

/* The absolute address a phone opens: this server as the browser saw
 * it. */
static const char *
checkin_url(struct req *req, const char *token)
{
    const char *host = req_header(req, "Host");
    return arena_printf(&req->arena, "%s://%s/c/%s",
                        app_config.cookie_secure ? "https" : "http",
                        host && *host ? host : "localhost", token);
}

int
api_sessions_checkin_code(struct req *req)
{
    struct db *db = app_db(req);
    int64_t id;
    if (db == NULL || my_session(req, db, &id, NULL) != 0)
        return req->status;
    int64_t now = now_unix();
    char token[96];
    int64_t slot = app_config.checkin_slot_seconds;
    rules_token(app_keys, id, now / slot, token);
    int64_t left = slot - now % slot;
    return http_json(req, 200,
                     json_pack("{s:s, s:s, s:I}", "token", token, "url",
                               checkin_url(req, token), "expires_in",
                               (json_int_t)left));
}

int
api_sessions_checkin_svg(struct req *req)
{
    struct db *db = app_db(req);
    int64_t id;
    if (db == NULL || my_session(req, db, &id, NULL) != 0)
        return req->status;
    char token[96];
    rules_token(app_keys, id, now_unix() / app_config.checkin_slot_seconds,
                token);
    strbuf_reset(&req->out);
    if (qr_svg(checkin_url(req, token), &req->out) != 0)
        return http_error(req, 500, "internal", NULL, "QR encoding failed");
    http_header_add(req, "Cache-Control", "no-store");
    return http_body(req, 200, "image/svg+xml");
}

int
api_checkin(struct req *req)
{
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    const char *token;
    if (json_str_or_422(req, body, "token", true, 1, 95, &token) != 0)
        return req->status;
    int64_t sid;
    int rc = rules_token_check(app_keys, token, now_unix(),
                               (int)app_config.checkin_slot_seconds, &sid);
    if (rc == ERR_RANGE)
        return http_error(req, 410, "token_expired", "token",
                          "二维码已过期，请重新扫描大屏上的二维码");
    if (rc != 0)
        return http_error(req, 422, "invalid_field", "token",
                          "not a check-in code");
    return app_checkin_deferred(req, sid);
}

int
api_sessions_evaluate(struct req *req)
{
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    json_t *scores = json_object_get(body, "scores");
    if (scores == NULL || !json_is_object(scores))
        return http_error(req, 422, "missing_field", "scores",
                          "scores {content, method, effect, attitude} "
                          "are required");
    static const char *const names[4] = {"content", "method", "effect",
                                         "attitude"};
    int s[4];
    for (int i = 0; i < 4; i++) {
        int64_t v;
        bool has;
        if (json_int_or_422(req, scores, names[i], true, 0, 100, &has,
                            &v) != 0)
            return req->status;
        s[i] = (int)v;
    }
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    struct account *a = app_account(req);
    if (a->person_id == 0)
        return http_error(req, 403, "no_person", NULL,
                          "this account is not linked to a roster person");
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    json_t *v;
    int rc = class_evaluate(db, app_keys, id, a->person_id, s, now_unix(),
                            &v);
    if (rc == ERR_DENIED)
        return http_error(req, 403, "not_attended", NULL,
                          "only those who attended may rate the teacher");
    if (rc == ERR_CONFLICT)
        return http_error(req, 409, "already_rated", NULL,
                          "you have rated this session already");
    if (rc != 0)
        return app_write_error(req, db, rc, NULL, "session");
    return http_json(req, 201, v);
}

/* --- study hours ------------------------------------------------------ */

static int
year_param(struct req *req, int *year)
{
    char day[11];
    rules_day(now_unix(), day, year);
    int64_t y;
    if (req_query_int_or_400(req, "year", 2000, 2100, *year, &y) != 0)
        return -1;
    *year = (int)y;
    return 0;
}

int
api_people_hours(struct req *req)
{
    int year;
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0 || year_param(req, &year))
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    bool mine;
    if (app_person_visible(req, db, id, &mine) != 0)
        return app_db_error(req, db);
    if (!mine)
        return http_error(req, 404, "not_found", NULL, "no such person");
    json_t *v;
    if (hours_person(db, id, year, &v) != 0)
        return app_db_error(req, db);
    return http_json(req, 200, v);
}

int
api_me_hours(struct req *req)
{
    int year;
    if (year_param(req, &year) != 0)
        return req->status;
    struct account *a = app_account(req);
    if (a->person_id == 0)
        return http_error(req, 404, "no_person", NULL,
                          "this account is not linked to a roster person");
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    json_t *v;
    int rc = hours_person(db, a->person_id, year, &v);
    if (rc != 0)
        return app_write_error(req, db, rc, NULL, "person");
    return http_json(req, 200, v);
}

int
api_me_sessions(struct req *req)
{
    struct account *a = app_account(req);
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    json_t *items = json_array();
    if (a->person_id &&
        class_mine(db, a->person_id, now_unix(), items) != 0) {
        json_decref(items);
        return app_db_error(req, db);
    }
    return api_list_all(req, items);
}

int
api_hours_behind(struct req *req)
{
    int64_t page, per_page;
    int year;
    const char *township;
    int status;
    if (req_paging_or_400(req, &page, &per_page) != 0 ||
        app_township_filter(req, &township) != 0 || year_param(req, &year) ||
        app_hours_status_or_400(req, &status) != 0)
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct hours_row *rows;
    size_t n;
    int64_t total, bound, meeting;
    if (hours_behind(db, &req->arena, township, year,
                     (enum hours_status)status, page, per_page, &rows, &n,
                     &total, &bound, &meeting) != 0)
        return app_db_error(req, db);
    struct jw *w = http_list_begin(req);
    for (size_t i = 0; i < n; i++) {
        const struct hours_row *m = &rows[i];
        jw_obj(w);
        jw_kint(w, "person_id", m->person_id);
        jw_kstr(w, "name", m->name);
        jw_kstr(w, "village_code", m->village_code);
        jw_kstr(w, "id_number_masked", m->id_number_masked);
        jw_kstr(w, "target", rules_target_name(m->who));
        jw_kint(w, "minutes", m->minutes);
        jw_kint(w, "classes", m->classes);
        jw_kint(w, "target_hours", m->target_hours);
        jw_kint(w, "target_classes", m->target_classes);
        jw_kbool(w, "met", m->met);
        jw_end(w);
    }
    http_list_meta(req, total, page, per_page);
    jw_kint(w, "year", year);
    jw_kint(w, "persons_total", bound);
    jw_kint(w, "persons_meeting_target", meeting);
    return http_list_close(req);
}

/* --- annual plans ----------------------------------------------------- */

/* A plan's township, for app_get_scoped: that of its school. */
static int
plan_scoped(struct db *db, int64_t id, json_t **out, char township[16])
{
    int rc = plan_get(db, id, out);
    if (rc != 0)
        return rc;
    json_t *s;
    rc = school_get(db, json_integer_value(json_object_get(*out,
                                                           "school_id")),
                    &s, township);
    json_decref(s);
    if (rc != 0) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

int
api_plans_create(struct req *req)
{
    json_t *body = req_json_or_400(req);
    if (body == NULL)
        return req->status;
    int64_t school, year;
    bool has;
    const char *title;
    if (json_int_or_422(req, body, "school_id", true, 1, INT64_MAX, &has,
                        &school) ||
        json_int_or_422(req, body, "year", true, 2000, 2100, &has, &year) ||
        json_str_or_422(req, body, "title", true, 1, 64, &title))
        return req->status;
    json_t *list = json_object_get(body, "batches");
    if (!json_is_array(list) || json_array_size(list) == 0 ||
        json_array_size(list) > 64)
        return http_error(req, 422, "invalid_field", "batches",
                          "batches must be a list of 1 to 64 batches");
    struct plan_batch b[64];
    size_t i;
    json_t *x;
    json_array_foreach(list, i, x)
    {
        if (!json_is_object(x) ||
            json_int_or_422(req, x, "batch", true, 1, 64, &has,
                            &b[i].batch) ||
            json_str_or_422(req, x, "type", true, 1, 32, &b[i].type) ||
            json_str_or_422(req, x, "from", true, 10, 10, &b[i].from) ||
            json_str_or_422(req, x, "to", true, 10, 10, &b[i].to) ||
            json_int_or_422(req, x, "sessions", true, 0, 10000, &has,
                            &b[i].sessions) ||
            json_int_or_422(req, x, "persons", true, 0, 1000000, &has,
                            &b[i].persons))
            return req->answered
                       ? req->status
                       : http_error(req, 422, "invalid_field", "batches",
                                    "each batch is an object");
    }
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    json_t *s;
    if (app_get_scoped(req, db, school_get, school, "school", &s) != 0)
        return req->status;
    json_decref(s);
    struct audit_who who = app_who(req);
    struct field_error e;
    int64_t id;
    int rc = plan_create(db, school, year, title, b, json_array_size(list),
                         &who, &id, &e);
    if (rc == ERR_CONFLICT)
        return http_error(req, 409, "conflict", "year",
                          "this school has a plan for that year already");
    if (rc != 0)
        return app_write_error(req, db, rc, &e, "plan");
    json_t *v;
    if (plan_get(db, id, &v) != 0)
        return app_db_error(req, db);
    return http_json(req, 201, v);
}

int
api_plans_get(struct req *req)
{
    return api_get_answer(req, plan_scoped, "plan");
}

int
api_plans_find(struct req *req)
{
    int64_t school, year;
    if (req_query_int_or_400(req, "school_id", 1, INT64_MAX, 0, &school) ||
        req_query_int_or_400(req, "year", 2000, 2100, 0, &year))
        return req->status;
    if (school == 0 || year == 0)
        return http_error(req, 400, "invalid_param",
                          school ? "year" : "school_id",
                          "give school_id and year");
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    json_t *s;
    if (app_get_scoped(req, db, school_get, school, "school", &s) != 0)
        return req->status;
    json_decref(s);
    int64_t id;
    int rc = plan_of(db, school, year, &id);
    json_t *v;
    if (rc == 0)
        rc = plan_get(db, id, &v);
    if (rc != 0)
        return app_write_error(req, db, rc, NULL, "plan");
    return http_json(req, 200, v);
}

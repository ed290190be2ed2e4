/*
 * classes.c - the pages of teaching as it happens: the school's session
 * list, the classroom display with the rotating QR code, the phone pages
 * a trainee lands on from the code (check in, then rate the teacher),
 * and "my study hours". The same domain calls as /api/v1/sessions.
 *
 * A scan by a phone that is not logged in exchanges the scanned token for
 * a grace token (rules.h) and goes to the log-in with it as `next`, so the
 * trainee lands back on the check-in without a second scan.
 */
#include "web.h"

#include "i18n.h"
#include "web_int.h"

#include "../app/app.h"
#include "../core/err.h"
#include "../core/util.h"
#include "../domain/classes.h"
#include "../domain/orders.h"
#include "../domain/roles.h"
#include "../domain/rules.h"
#include "../http/html.h"

#include <string.h>

static const char *
type_label(const char *code)
{
    const struct program_type *t = program_type_find(code);
    if (t)
        return t->msgid;
    return code ? code : "";
}

static const char *
text_of(json_t *v, const char *key)
{
    const char *s = json_string_value(json_object_get(v, key));
    return s ? s : "";
}

static long long
int_of(json_t *v, const char *key)
{
    return (long long)json_integer_value(json_object_get(v, key));
}

int
web_sessions(struct req *req)
{
    int64_t page, per_page;
    if (req_paging_or_400(req, &page, &per_page) != 0)
        return req->status;
    /* By default from the start of the China day a month back on: what
     * was just held and what is coming (the same all day, so its totals
     * are kept). The report links here with a type, a range and a
     * township. */
    struct class_filter f = {.type = req_query(req, "type"),
                             .to = INT64_MAX / 2};
    char month_back[11];
    int year;
    int64_t day = 0;
    rules_day(now_unix() - 30 * 86400, month_back, &year);
    (void)date_parse(month_back, &day); /* rules_day writes a date */
    f.from = day - RULES_CST_OFFSET;
    const char *from = req_query(req, "from"), *to = req_query(req, "to");
    const char *t = req_query(req, "township");
    if (f.type && *f.type == '\0')
        f.type = NULL;
    if (from && *from) {
        if (date_parse(from, &day) != 0)
            return http_error(req, 400, "invalid_param", "from", "%s",
                              T("Give the dates as YYYY-MM-DD."));
        f.from = day - RULES_CST_OFFSET;
    }
    if (to && *to) {
        if (date_parse(to, &day) != 0)
            return http_error(req, 400, "invalid_param", "to", "%s",
                              T("Give the dates as YYYY-MM-DD."));
        f.to = day + 86400 - RULES_CST_OFFSET;
    }
    if (t && *t == '\0')
        t = NULL;
    struct db *db = app_db(req);
    bool empty;
    /* The API's scope: a teacher lists the sessions it teaches. */
    if (db == NULL || app_sessions_scope(req, db, &f, &empty) != 0)
        return req->status;
    struct class_row *rows = NULL;
    size_t n = 0;
    int64_t total = 0, times = 0, persons = 0;
    if (!empty && (class_page(db, &req->arena, &f, page, per_page, &rows, &n,
                              &total) != 0 ||
                   class_totals(db, &f, &times, &persons) != 0))
        return app_db_error(req, db);
    web_page_begin(req, T("Sessions"), "/sessions");
    struct strbuf *o = &req->out;
    html_raw(o, "<h1>");
    html_txt(o, T("Sessions"));
    html_raw(o, "</h1>");
    if (req->user->role_bit & R_ADMINS) {
        /* A session is added on its program's page. */
        html_raw(o, "<p class=\"filters\"><a class=\"button\" "
                    "id=\"new-session\" href=\"/programs\">");
        html_txt(o, T("New session (choose its program)"));
        html_raw(o, "</a></p>");
    }
    html_raw(o, "<form class=\"filters\" method=\"get\" "
                "action=\"/sessions\"><label>");
    html_txt(o, T("Program"));
    html_raw(o, " <select name=\"type\">");
    web_select_option(req, "", T("All"), f.type ? f.type : "");
    for (const struct program_type *p = program_types; p->code; p++)
        web_select_option(req, p->code, T(p->msgid), f.type);
    html_raw(o, "</select></label><label>");
    html_txt(o, T("From"));
    html_raw(o, " <input type=\"date\" name=\"from\" value=\"");
    html_attr(o, from ? from : "");
    html_raw(o, "\"></label><label>");
    html_txt(o, T("To"));
    html_raw(o, " <input type=\"date\" name=\"to\" value=\"");
    html_attr(o, to ? to : "");
    html_raw(o, "\"></label>");
    if (req->user->role_bit & R_ADMINS)
        web_scope_fields(req, f.township, NULL, NULL);
    if (f.school_id)
        strbuf_printf(o, "<input type=\"hidden\" name=\"school_id\" "
                         "value=\"%lld\">",
                      (long long)f.school_id);
    html_raw(o, "<button type=\"submit\">");
    html_txt(o, T("Show"));
    html_raw(o, "</button></form>");
    if (req->user->role_bit & R_ADMINS)
        web_scope_note(req, f.township,
                       from && *from && to && *to ? from : NULL, to);
    /* What the county report counts of these sessions: sessions,
     * person-times (attendance records) and persons (distinct people). */
    html_raw(o, "<p class=\"meta\" id=\"session-total\">");
    strbuf_printf(o, "%lld ", (long long)total);
    html_txt(o, T("sessions"));
    strbuf_printf(o, " · <span id=\"session-person-times\">%lld</span> ",
                  (long long)times);
    html_txt(o, T("person-times"));
    strbuf_printf(o, " · <span id=\"session-persons\">%lld</span> ",
                  (long long)persons);
    html_txt(o, T("persons"));
    html_raw(o, "</p>");
    html_raw(o, "<table id=\"session-table\"><thead><tr><th>");
    const char *heads[] = {"Time", "Program", "Course", "Teacher",
                           "Enrolled", "Attended", "Actions"};
    for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
        if (i)
            html_raw(o, "</th><th>");
        html_txt(o, T(heads[i]));
    }
    html_raw(o, "</th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        const struct class_row *v = &rows[i];
        html_raw(o, "<tr><td>");
        /* A teacher opens the sessions it teaches (the only ones it
         * lists); the check-in screen and sheet are the school's. */
        strbuf_printf(o, "<a href=\"/sessions/%lld\">", (long long)v->id);
        html_txt(o, web_local_unix(req, v->starts_at));
        html_raw(o, "</a>");
        html_raw(o, "</td><td>");
        html_txt(o, T(type_label(v->program_type)));
        html_raw(o, " · ");
        html_txt(o, v->program_title);
        html_raw(o, "</td><td>");
        html_txt(o, v->course_title);
        html_raw(o, "</td><td>");
        html_txt(o, v->teacher_name);
        strbuf_printf(o, "</td><td>%lld/%lld</td><td>%lld</td><td>",
                      (long long)v->enrolled, (long long)v->capacity,
                      (long long)v->attended);
        if (req->user->role_bit & R_ADMINS) {
            strbuf_printf(o, "<a href=\"/sessions/%lld/display\">",
                          (long long)v->id);
            html_txt(o, T("Check-in screen"));
            strbuf_printf(o, "</a> · <a href=\"/sessions/%lld/sheet\">",
                          (long long)v->id);
            html_txt(o, T("Sign-in sheet"));
            html_raw(o, "</a>");
        }
        html_raw(o, "</td></tr>");
    }
    /* A session is added on its program's page. */
    if (n == 0)
        web_empty_row(req, 7, f.type || (from && *from) || (to && *to),
                      T("sessions in this period"),
                      (req->user->role_bit & R_ADMINS) ? "/programs" : NULL);
    html_raw(o, "</tbody></table>");
    struct strbuf extra;
    strbuf_init(&extra, 0);
    web_query_arg(&extra, "type", f.type);
    web_query_arg(&extra, "from", from);
    web_query_arg(&extra, "to", to);
    web_query_arg(&extra, "township", t);
    if (f.school_id)
        strbuf_printf(&extra, "&school_id=%lld", (long long)f.school_id);
    char *x = strbuf_take(&extra, NULL);
    web_pager(req, "/sessions", page, per_page, total, x ? x : "");
    free(x);
    return web_page_end(req);
}

int
web_session_display(struct req *req)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    json_t *s;
    if (app_get_scoped(req, db, class_get, id, "session", &s) != 0)
        return req->status;
    int64_t now = now_unix(), slot = app_config.checkin_slot_seconds;
    char token[96];
    rules_token(app_keys, id, now / slot, token);
    const char *host = req_header(req, "Host");
    const char *url = arena_printf(&req->arena, "%s://%s/c/%s",
                                   app_config.cookie_secure ? "https"
                                                            : "http",
                                   host ? host : "localhost", token);
    web_page_begin(req, T("Check-in screen"), "/sessions");
    struct strbuf *o = &req->out;
    html_raw(o, "<section class=\"display\"><h1>");
    html_txt(o, text_of(s, "course_title"));
    html_raw(o, "</h1><p class=\"meta\">");
    html_txt(o, web_local_time(req, text_of(s, "starts_at")));
    html_raw(o, " · ");
    html_txt(o, text_of(s, "teacher_name"));
    html_raw(o, "</p>");
    /* The code and the count reload themselves; the code turns over
     * every slot, and the previous one still works for a slow scan. */
    strbuf_printf(o,
                  "<div id=\"code\" hx-get=\"/sessions/%lld/display\" "
                  "hx-select=\"#code\" hx-swap=\"outerHTML\" "
                  "hx-trigger=\"every %llds\">",
                  (long long)id, (long long)(slot > 4 ? slot / 3 : 1));
    strbuf_printf(o,
                  "<img class=\"qr\" alt=\"QR\" width=\"320\" height=\"320\" "
                  "src=\"/api/v1/sessions/%lld/checkin-code.svg?s=%lld\">",
                  (long long)id, (long long)(now / slot));
    html_raw(o, "<p><a id=\"checkin-url\" href=\"");
    html_attr(o, url);
    html_raw(o, "\">");
    html_txt(o, T("Scan with your phone to check in"));
    html_raw(o, "</a></p><p class=\"count\">");
    html_txt(o, T("Checked in"));
    strbuf_printf(o, ": <strong id=\"attended\">%lld</strong></p></div>",
                  int_of(s, "attended"));
    html_raw(o, "</section>");
    json_decref(s);
    return web_page_end(req);
}

/* The page after a check-in: what was credited (att; NULL when the
 * check-in was earlier), and the rating form. */
static int
checked_in(struct req *req, int64_t session_id, json_t *att)
{
    web_page_begin(req, T("Checked in"), "/");
    struct strbuf *o = &req->out;
    html_raw(o, "<section class=\"phone\"><h1 id=\"checkin-ok\">");
    html_txt(o, T("Checked in"));
    html_raw(o, "</h1><p>");
    if (att) {
        html_txt(o, T("Study hours credited"));
        /* In 学时, as the member counts them: 150 minutes are 2.5. */
        long long m = int_of(att, "minutes");
        strbuf_printf(o, " %lld.%lld ", m / 60, m % 60 * 10 / 60);
        html_txt(o, T("hours"));
    } else {
        html_txt(o, T("You have checked in to this class already."));
    }
    html_raw(o, "</p><h2>");
    html_txt(o, T("Rate the teacher"));
    strbuf_printf(o, "</h2><form id=\"rate-form\" method=\"post\" "
                     "action=\"/sessions/%lld/rate\">",
                  (long long)session_id);
    html_raw(o, "<input type=\"hidden\" name=\"_csrf\" value=\"");
    html_attr(o, req->user->csrf ? req->user->csrf : "");
    html_raw(o, "\">");
    static const char *const items[4][2] = {
        {"content", "Content"},
        {"method", "Method"},
        {"effect", "Effect"},
        {"attitude", "Attitude"},
    };
    for (int i = 0; i < 4; i++) {
        html_raw(o, "<label>");
        html_txt(o, T(items[i][1]));
        strbuf_printf(o, " <input type=\"number\" name=\"%s\" min=\"0\" "
                         "max=\"100\" value=\"90\" required></label>",
                      items[i][0]);
    }
    html_raw(o, "<button type=\"submit\">");
    html_txt(o, T("Submit rating"));
    html_raw(o, "</button></form></section>");
    return web_page_end(req);
}

static int
do_checkin(struct req *req, int64_t session_id)
{
    json_t *att = NULL;
    if (app_checkin(req, session_id, &att) != 0)
        return req->status; /* answered with an error page */
    int rc = checked_in(req, session_id, att);
    json_decref(att);
    return rc;
}

/* The phone's page for a check-in code: the class (course, time, place,
 * teacher) and a 签到 button that posts to /c/g/{grace}; nothing is
 * written until it is pressed (a GET never writes: a link preview or a
 * second look at the code checks no one in). Someone already checked in
 * reads so, with the rating form below. */
static int
checkin_confirm(struct req *req, int64_t sid, const char *grace)
{
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct account *a = app_account(req);
    bool done = false;
    if (a->person_id && class_attended(db, sid, a->person_id, &done) != 0)
        return app_db_error(req, db);
    if (done)
        return checked_in(req, sid, NULL);
    if (app_checkin_allowed(req, db, sid, now_unix()) != 0)
        return req->status;
    json_t *s;
    char township[16];
    int rc = class_get(db, sid, &s, township);
    if (rc != 0)
        return app_write_error(req, db, rc, NULL, "session");
    web_page_begin(req, T("Check in"), "/");
    struct strbuf *o = &req->out;
    html_raw(o, "<section class=\"phone\"><h1 id=\"checkin-class\">");
    html_txt(o, text_of(s, "course_title"));
    html_raw(o, "</h1><p class=\"meta\">");
    html_txt(o, web_local_time(req, text_of(s, "starts_at")));
    const char *place = text_of(s, "place");
    if (*place) {
        html_raw(o, " · ");
        html_txt(o, place);
    }
    html_raw(o, " · ");
    html_txt(o, text_of(s, "teacher_name"));
    html_raw(o, "</p>");
    json_decref(s);
    web_form_begin(req, "checkin-form",
                   arena_printf(&req->arena, "/c/g/%s", grace));
    web_form_end(req, T("Check in"), NULL);
    html_raw(o, "</section>");
    return web_page_end(req);
}

/* The session of check-in code token, or of grace token when grace;
 * 0 with *sid, or the status of the 410/400 it answered. */
static int
checkin_token(struct req *req, const char *token, bool grace, int64_t *sid)
{
    int64_t now = now_unix();
    int rc = grace ? rules_grace_check(app_keys, token, now, sid)
                   : rules_token_check(app_keys, token, now,
                                       (int)app_config.checkin_slot_seconds,
                                       sid);
    if (rc == ERR_RANGE)
        return http_error(req, 410, "token_expired", NULL, "%s",
                          T("This code has expired: scan the screen "
                            "again."));
    if (rc != 0)
        return http_error(req, 400, "invalid_token", NULL, "%s",
                          T("This is not a check-in code."));
    return 0;
}

int
web_checkin(struct req *req)
{
    int64_t sid;
    if (checkin_token(req, req->params[0], false, &sid) != 0)
        return req->status;
    /* The screen's code turns over each slot; the page and its button
     * carry a grace token instead, good for the time a log-in takes. */
    char grace[96];
    rules_grace_token(app_keys, sid, now_unix(), grace);
    if (req->user == NULL)
        return http_redirect(req, arena_printf(&req->arena,
                                               "/login?next=/c/g/%s",
                                               grace));
    return checkin_confirm(req, sid, grace);
}

int
web_checkin_grace(struct req *req)
{
    int64_t sid;
    if (checkin_token(req, req->params[0], true, &sid) != 0)
        return req->status;
    return checkin_confirm(req, sid, req->params[0]);
}

int
web_checkin_post(struct req *req)
{
    int64_t sid;
    if (checkin_token(req, req->params[0], true, &sid) != 0)
        return req->status;
    return do_checkin(req, sid);
}

int
web_rate(struct req *req)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    static const char *const names[4] = {"content", "method", "effect",
                                         "attitude"};
    int s[4];
    for (int i = 0; i < 4; i++) {
        int64_t v;
        const char *f = req_form(req, names[i]);
        if (f == NULL || parse_i64(f, &v) != 0 || v < 0 || v > 100)
            return http_error(req, 422, "invalid_field", names[i], "%s",
                              T("Each score is a whole number from 0 to "
                                "100."));
        s[i] = (int)v;
    }
    struct account *a = app_account(req);
    if (a->person_id == 0)
        return http_error(req, 403, "no_person", NULL, "%s",
                          T("This account is not linked to the roster."));
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    json_t *v;
    int rc = class_evaluate(db, app_keys, id, a->person_id, s, now_unix(),
                            &v);
    if (rc == ERR_DENIED)
        return http_error(req, 403, "not_attended", NULL, "%s",
                          T("Only those who attended may rate."));
    if (rc == ERR_CONFLICT)
        return http_error(req, 409, "already_rated", NULL, "%s",
                          T("You have rated this session already."));
    if (rc == ERR_NOTFOUND)
        return http_error(req, 404, "not_found", NULL, "%s",
                          T("No such session."));
    if (rc != 0)
        return app_db_error(req, db);
    web_page_begin(req, T("Thank you"), "/");
    struct strbuf *o = &req->out;
    html_raw(o, "<section class=\"phone\"><h1 id=\"rated\">");
    html_txt(o, T("Thank you for your rating"));
    html_raw(o, "</h1><p>");
    static const char *const grades[][2] = {{"excellent", "Excellent"},
                                            {"good", "Good"},
                                            {"pass", "Pass"},
                                            {"fail", "Fail"}};
    const char *g = json_string_value(json_object_get(v, "grade"));
    for (int i = 0; i < 4; i++)
        if (g && strcmp(g, grades[i][0]) == 0)
            g = T(grades[i][1]);
    strbuf_printf(o, "%.1f · ",
                  json_number_value(json_object_get(v, "total")));
    html_txt(o, g ? g : "");
    html_raw(o, "</p><p><a href=\"/me/hours\">");
    html_txt(o, T("My study hours"));
    html_raw(o, "</a></p></section>");
    json_decref(v);
    return web_page_end(req);
}

int
web_my_hours(struct req *req)
{
    struct account *a = app_account(req);
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    char day[11];
    int year;
    rules_day(now_unix(), day, &year);
    json_t *h = NULL;
    if (a->person_id && hours_person(db, a->person_id, year, &h) != 0)
        return app_db_error(req, db);
    web_page_begin(req, T("My study hours"), "/me/hours");
    struct strbuf *o = &req->out;
    html_raw(o, "<section class=\"phone\"><h1>");
    html_txt(o, T("My study hours"));
    strbuf_printf(o, " · %d</h1>", year);
    if (h == NULL) {
        html_raw(o, "<p>");
        html_txt(o, T("This account is not linked to the roster."));
        html_raw(o, "</p>");
    } else {
        long long m = int_of(h, "concentrated_minutes");
        html_raw(o, "<p class=\"big\" id=\"my-hours\">");
        strbuf_printf(o, "%lld.%lld", m / 60, m % 60 * 10 / 60);
        json_t *target = json_object_get(h, "target_hours");
        if (json_is_integer(target))
            strbuf_printf(o, " / %lld", (long long)json_integer_value(target));
        html_raw(o, " ");
        html_txt(o, T("hours"));
        html_raw(o, "</p><p>");
        json_t *met = json_object_get(h, "met");
        html_txt(o, json_is_true(met)    ? T("Target met")
                    : json_is_false(met) ? T("Not yet met")
                                         : T("No yearly target"));
        html_raw(o, "</p>");
        json_decref(h);
    }
    html_raw(o, "</section>");
    return web_page_end(req);
}

/* The printable sign-in sheet (签到表) for those without a phone: the
 * session, then every enrolled person with a blank to sign; A4 when
 * printed. Those already checked in are marked. */
int
web_session_sheet(struct req *req)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    json_t *s;
    if (app_get_scoped(req, db, class_get, id, "session", &s) != 0)
        return req->status;
    json_t *roster = json_array();
    if (class_roster(db, id, roster) != 0) {
        json_decref(roster);
        json_decref(s);
        return app_db_error(req, db);
    }
    web_page_begin(req, T("Sign-in sheet"), "/sessions");
    struct strbuf *o = &req->out;
    html_raw(o, "<section class=\"sheet\"><h1>");
    html_txt(o, T("Sign-in sheet"));
    html_raw(o, "</h1><p class=\"meta\">");
    html_txt(o, text_of(s, "program_title"));
    html_raw(o, " · ");
    html_txt(o, text_of(s, "course_title"));
    html_raw(o, " · ");
    html_txt(o, web_local_time(req, text_of(s, "starts_at")));
    html_raw(o, " · ");
    html_txt(o, text_of(s, "teacher_name"));
    html_raw(o, "</p><table id=\"sheet\"><thead><tr><th>#</th><th>");
    html_txt(o, T("Full name"));
    html_raw(o, "</th><th>");
    html_txt(o, T("ID number"));
    html_raw(o, "</th><th>");
    html_txt(o, T("Signature"));
    html_raw(o, "</th></tr></thead><tbody>");
    size_t i;
    json_t *p;
    json_array_foreach(roster, i, p)
    {
        strbuf_printf(o, "<tr><td>%zu</td><td>", i + 1);
        html_txt(o, text_of(p, "name"));
        html_raw(o, "</td><td>");
        html_txt(o, text_of(p, "id_number_masked"));
        html_raw(o, "</td><td class=\"sign\">");
        if (json_is_true(json_object_get(p, "attended")))
            html_txt(o, T("Checked in"));
        html_raw(o, "</td></tr>");
    }
    /* Blank lines for those who come without having enrolled. */
    for (int k = 0; k < 5; k++)
        strbuf_printf(o, "<tr><td>%zu</td><td></td><td></td>"
                         "<td class=\"sign\"></td></tr>",
                      json_array_size(roster) + (size_t)k + 1);
    html_raw(o, "</tbody></table><p class=\"noprint\">");
    html_txt(o, T("Print it from the browser (Ctrl+P): it fits A4."));
    html_raw(o, "</p></section>");
    json_decref(roster);
    json_decref(s);
    return web_page_end(req);
}

/* The trainee's schedule: sessions it is enrolled in or waiting for,
 * soonest first, and what became of its course orders. */
int
web_my_schedule(struct req *req)
{
    struct account *a = app_account(req);
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    json_t *items = json_array(), *orders = json_array();
    if (a->person_id && (class_mine(db, a->person_id, now_unix(), items) != 0 ||
                         order_mine(db, a->person_id, orders) != 0)) {
        json_decref(items);
        json_decref(orders);
        return app_db_error(req, db);
    }
    web_page_begin(req, T("My schedule"), "/me/schedule");
    struct strbuf *o = &req->out;
    html_raw(o, "<section class=\"phone\"><h1>");
    html_txt(o, T("My schedule"));
    html_raw(o, "</h1><ul id=\"schedule\" class=\"cards\">");
    size_t i;
    json_t *v;
    json_array_foreach(items, i, v)
    {
        /* The session's page: ask the teacher, read the answers. */
        strbuf_printf(o, "<li><a href=\"/me/sessions/%lld\"><strong>",
                      int_of(v, "id"));
        html_txt(o, web_local_time(req, text_of(v, "starts_at")));
        html_raw(o, "</strong> ");
        html_txt(o, text_of(v, "course_title"));
        html_raw(o, "</a><br><small>");
        html_txt(o, T(type_label(text_of(v, "program_type"))));
        html_raw(o, " · ");
        html_txt(o, text_of(v, "teacher_name"));
        html_raw(o, "</small></li>");
    }
    if (json_array_size(items) == 0) {
        html_raw(o, "<li>");
        html_txt(o, T("Nothing scheduled."));
        html_raw(o, "</li>");
    }
    html_raw(o, "</ul><h2>");
    html_txt(o, T("My course orders"));
    html_raw(o, "</h2><ul id=\"my-orders\" class=\"cards\">");
    static const char *const states[][2] = {{"open", "Waiting"},
                                            {"accepted", "Class arranged"},
                                            {"declined", "Declined"}};
    json_array_foreach(orders, i, v)
    {
        const char *st = text_of(v, "status");
        for (size_t k = 0; k < 3; k++)
            if (strcmp(st, states[k][0]) == 0)
                st = T(states[k][1]);
        html_raw(o, "<li>");
        html_txt(o, text_of(v, "course_title"));
        html_raw(o, " · <span class=\"status\">");
        html_txt(o, st);
        html_raw(o, "</span>");
        if (*text_of(v, "reason")) {
            html_raw(o, "<br><small>");
            html_txt(o, text_of(v, "reason"));
            html_raw(o, "</small>");
        }
        html_raw(o, "</li>");
    }
    html_raw(o, "</ul><p><a href=\"/me/courses\">");
    html_txt(o, T("Order a course"));
    html_raw(o, "</a></p></section>");
    json_decref(items);
    json_decref(orders);
    return web_page_end(req);
}

/* The published catalog on a phone, each course with an order button. */
int
web_my_courses(struct req *req)
{
    int64_t page, per_page;
    if (req_paging_or_400(req, &page, &per_page) != 0)
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct course_filter f = {.published_only = true};
    f.q = req_query(req, "q");
    if (f.q && (*f.q == '\0' || strlen(f.q) > 64))
        f.q = NULL;
    struct course_row *rows;
    size_t n;
    int64_t total;
    if (course_page(db, &req->arena, &f, page, per_page, &rows, &n,
                    &total) != 0)
        return app_db_error(req, db);
    web_page_begin(req, T("Order a course"), "/me/schedule");
    struct strbuf *o = &req->out;
    html_raw(o, "<section class=\"phone\"><h1>");
    html_txt(o, T("Order a course"));
    html_raw(o, "</h1><ul id=\"courses\" class=\"cards\">");
    for (size_t i = 0; i < n; i++) {
        html_raw(o, "<li><strong>");
        html_txt(o, rows[i].title);
        html_raw(o, "</strong><br><small>");
        html_txt(o, rows[i].module_name);
        html_raw(o, " · ");
        html_txt(o, web_halves(req, rows[i].half_hours));
        html_raw(o, " ");
        html_txt(o, T("hours"));
        strbuf_printf(o, "</small><form method=\"post\" "
                         "action=\"/me/courses/%lld/order\">",
                      (long long)rows[i].id);
        html_raw(o, "<input type=\"hidden\" name=\"_csrf\" value=\"");
        html_attr(o, req->user->csrf ? req->user->csrf : "");
        html_raw(o, "\"><button type=\"submit\">");
        html_txt(o, T("Order"));
        html_raw(o, "</button></form></li>");
    }
    html_raw(o, "</ul>");
    web_pager(req, "/me/courses", page, per_page, total, "");
    html_raw(o, "</section>");
    return web_page_end(req);
}

int
web_order_course(struct req *req)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    struct account *a = app_account(req);
    if (a->person_id == 0)
        return http_error(req, 403, "no_person", NULL, "%s",
                          T("This account is not linked to the roster."));
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = app_who(req);
    struct field_error e;
    int64_t order;
    int rc = order_create(db, a->person_id, id, NULL, &who, &order, &e);
    if (rc == ERR_CONFLICT)
        return http_error(req, 409, "already_ordered", NULL, "%s",
                          T("You have ordered this course already."));
    if (rc == ERR_INVAL || rc == ERR_NOTFOUND)
        return http_error(req, 404, "not_found", NULL, "%s",
                          T("No such course."));
    if (rc != 0)
        return app_db_error(req, db);
    return http_redirect(req, "/me/schedule");
}

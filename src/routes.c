/*
 * routes.c - every URL the server answers, with who may call it. This is
 * the one place access is declared: a route without an access rule stops
 * the server at start (http_routes_check), and the unit tests check the
 * table. Each route also declares its body (none for GET; ROUTE_UPLOAD or
 * ROUTE_PHOTO for the large ones; ROUTE_ANON_BODY where anonymous callers
 * may send one) and the query parameters its handler reads (the last
 * field): any other parameter is a 400 before the handler runs, and a
 * handler that reads one not listed here is caught by the ASan tests.
 * Township scope is checked in the handlers through
 * app_check_township()/app_scope().
 *
 * The table binds the handlers of the API (src/api) and of the pages
 * (src/web), so it sits above both, beside main.c: neither of them
 * includes the other, and both read the request through src/app.
 */
#include "routes.h"

#include "api/api.h"
#include "core/util.h"
#include "domain/kind.h"
#include "domain/roles.h"
#include "web/web.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PUB         ACCESS_PUBLIC, 0
#define USER(roles) ACCESS_USER, (roles)
/* The query parameters of a paged list (req_paging_or_400). */
#define PAGED "page,per_page"

/* The routes written here; routes_init adds each kind's after them. */
static const struct route fixed[] = {
    /* Operations */
    {"GET", "/healthz", api_healthz, PUB, 0, NULL},
    {"GET", "/metrics", api_metrics, PUB, 0, NULL},
    /* Session and accounts */
    {"POST", "/api/v1/session", api_session_create, PUB,
     ROUTE_NO_CSRF | ROUTE_ANON_BODY, NULL},
    {"DELETE", "/api/v1/session", api_session_delete, USER(R_ANY),
     ROUTE_PW_CHANGE_OK, NULL},
    {"GET", "/api/v1/me", api_me, USER(R_ANY), ROUTE_PW_CHANGE_OK, NULL},
    {"POST", "/api/v1/me/password", api_me_password, USER(R_ANY),
     ROUTE_PW_CHANGE_OK, NULL},
    {"GET", "/api/v1/tokens", api_tokens_list, USER(R_ANY), 0, PAGED},
    {"POST", "/api/v1/tokens", api_tokens_create, USER(R_ANY), 0, NULL},
    {"DELETE", "/api/v1/tokens/{id}", api_tokens_delete, USER(R_ANY), 0, NULL},
    {"GET", "/api/v1/users", api_users_list, USER(R_SYSADMIN), 0, PAGED},
    {"POST", "/api/v1/users", api_users_create, USER(R_SYSADMIN), 0, NULL},
    {"GET", "/api/v1/users/{id}", api_users_get, USER(R_SYSADMIN), 0, NULL},
    {"PATCH", "/api/v1/users/{id}", api_users_update, USER(R_SYSADMIN), 0,
     NULL},
    {"POST", "/api/v1/users/{id}/disable", api_users_disable, USER(R_SYSADMIN),
     0, NULL},
    {"POST", "/api/v1/users/{id}/enable", api_users_enable, USER(R_SYSADMIN), 0,
     NULL},
    {"POST", "/api/v1/users/{id}/unlock", api_users_unlock, USER(R_SYSADMIN), 0,
     NULL},
    /* The security administrator: policy and the review of role
     * changes, no business data. */
    {"GET", "/api/v1/security/policy", api_security_policy_get,
     USER(R_SECADMIN), 0, NULL},
    {"PATCH", "/api/v1/security/policy", api_security_policy_update,
     USER(R_SECADMIN), 0, NULL},
    {"GET", "/api/v1/security/role-changes", api_security_role_changes,
     USER(R_SECADMIN), 0, PAGED},
    /* Organisation */
    {"GET", "/api/v1/townships", api_townships_list, USER(R_ANY), 0, PAGED},
    {"GET", "/api/v1/org-types", api_org_types, USER(R_BUSINESS), 0, PAGED},
    {"GET", "/api/v1/member-categories", api_member_categories,
     USER(R_BUSINESS), 0, PAGED},
    {"GET", "/api/v1/modules", api_modules_list, USER(R_BUSINESS), 0, PAGED},
    {"GET", "/api/v1/room-kinds", api_room_kinds_list, USER(R_ADMINS), 0,
     PAGED},
    {"GET", "/api/v1/schools", api_schools_list, USER(R_BUSINESS), 0,
     PAGED ",pool,township"},
    {"POST", "/api/v1/schools", api_schools_create, USER(R_COUNTY_ADMIN), 0,
     NULL},
    {"GET", "/api/v1/schools/{id}", api_schools_get, USER(R_ADMINS), 0, NULL},
    {"PATCH", "/api/v1/schools/{id}", api_schools_update, USER(R_ADMINS), 0,
     NULL},
    {"GET", "/api/v1/schools/{id}/rooms", api_rooms_list, USER(R_BUSINESS), 0,
     PAGED},
    {"POST", "/api/v1/schools/{id}/rooms", api_rooms_create, USER(R_ADMINS), 0,
     NULL},
    {"POST", "/api/v1/schools/{id}/checks", api_school_checks_put,
     USER(R_ADMINS), 0, NULL},
    {"GET", "/api/v1/teachers", api_teachers_list, USER(R_ADMINS | R_TEACHER),
     0, PAGED ",level,module,q,school_id,township"},
    {"POST", "/api/v1/teachers", api_teachers_create, USER(R_ADMINS), 0, NULL},
    /* before /teachers/{id}: the first pattern that matches wins */
    {"GET", "/api/v1/teachers/ranking", api_teachers_ranking, USER(R_ADMINS), 0,
     PAGED ",from,module,to,township"},
    {"GET", "/api/v1/teachers/{id}", api_teachers_get,
     USER(R_ADMINS | R_TEACHER), 0, NULL},
    {"POST", "/api/v1/teachers/{id}/account", api_teachers_link, USER(R_ADMINS),
     0, NULL},
    {"GET", "/api/v1/me/teaching", api_me_teaching, USER(R_TEACHER), 0, NULL},
    {"GET", "/api/v1/courses", api_courses_list, USER(R_BUSINESS), 0,
     PAGED ",module,published,q,teacher_id"},
    {"POST", "/api/v1/courses", api_courses_create, USER(R_COUNTY_ADMIN), 0,
     NULL},
    {"GET", "/api/v1/courses/{id}", api_courses_get, USER(R_BUSINESS), 0, NULL},
    {"PATCH", "/api/v1/courses/{id}", api_courses_update, USER(R_COUNTY_ADMIN),
     0, NULL},
    {"GET", "/api/v1/program-types", api_program_types_list, USER(R_BUSINESS),
     0, PAGED},
    {"GET", "/api/v1/plans", api_plans_find, USER(R_ADMINS), 0,
     "school_id,year"},
    {"POST", "/api/v1/plans", api_plans_create, USER(R_ADMINS), 0, NULL},
    {"GET", "/api/v1/plans/{id}", api_plans_get, USER(R_ADMINS), 0, NULL},
    {"GET", "/api/v1/programs", api_programs_list, USER(R_ADMINS), 0,
     PAGED ",from,school_id,to,township,type"},
    {"POST", "/api/v1/programs", api_programs_create, USER(R_ADMINS), 0, NULL},
    {"GET", "/api/v1/programs/{id}", api_programs_get, USER(R_ADMINS), 0, NULL},
    {"GET", "/api/v1/sessions", api_sessions_list, USER(R_ADMINS | R_TEACHER),
     0, PAGED ",from,program_id,school_id,teacher_id,to,township,type"},
    {"POST", "/api/v1/sessions", api_sessions_create, USER(R_ADMINS), 0, NULL},
    {"GET", "/api/v1/sessions/{id}", api_sessions_get,
     USER(R_ADMINS | R_TEACHER), 0, NULL},
    {"POST", "/api/v1/sessions/{id}/void", api_sessions_void, USER(R_ADMINS), 0,
     NULL},
    {"GET", "/api/v1/sessions/{id}/roster", api_sessions_roster,
     USER(R_ADMINS | R_TEACHER), 0, PAGED},
    {"POST", "/api/v1/sessions/{id}/enrollments", api_sessions_enroll,
     USER(R_ADMINS), 0, NULL},
    {"POST", "/api/v1/sessions/{id}/attendance", api_sessions_attendance,
     USER(R_ADMINS), 0, NULL},
    {"GET", "/api/v1/sessions/{id}/checkin-code", api_sessions_checkin_code,
     USER(R_ADMINS), 0, NULL},
    {"GET", "/api/v1/sessions/{id}/checkin-code.svg", api_sessions_checkin_svg,
     USER(R_ADMINS), 0, "s"},
    {"POST", "/api/v1/sessions/{id}/evaluations", api_sessions_evaluate,
     USER(R_BUSINESS), 0, NULL},
    {"POST", "/api/v1/checkin", api_checkin, USER(R_BUSINESS), 0, NULL},
    {"GET", "/api/v1/me/hours", api_me_hours, USER(R_BUSINESS), 0, "year"},
    {"GET", "/api/v1/me/sessions", api_me_sessions, USER(R_BUSINESS), 0, PAGED},
    {"GET", "/api/v1/hours/behind", api_hours_behind, USER(R_ADMINS), 0,
     PAGED ",status,township,year"},
    {"GET", "/api/v1/people/{id}/hours", api_people_hours, USER(R_ADMINS), 0,
     "year"},
    {"GET", "/api/v1/reports/county", api_report_county, USER(R_ADMINS), 0,
     "from,to,township"},
    {"GET", "/api/v1/reports/county.xlsx", api_report_county_xlsx,
     USER(R_ADMINS), 0, "from,to,township"},
    {"GET", "/api/v1/reports/county/villages", api_report_villages,
     USER(R_ADMINS), 0, PAGED ",from,to,township"},
    {"POST", "/api/v1/orders", api_orders_create, USER(R_BUSINESS), 0, NULL},
    {"GET", "/api/v1/orders", api_orders_demand, USER(R_ADMINS), 0,
     "from,school_id,to,township"},
    {"POST", "/api/v1/orders/convert", api_orders_convert, USER(R_ADMINS), 0,
     NULL},
    {"POST", "/api/v1/orders/{id}/decline", api_orders_decline, USER(R_ADMINS),
     0, NULL},
    {"GET", "/api/v1/me/orders", api_me_orders, USER(R_BUSINESS), 0, PAGED},
    {"GET", "/api/v1/sessions/{id}/notes", api_notes_list, USER(R_BUSINESS), 0,
     PAGED ",kind"},
    {"POST", "/api/v1/sessions/{id}/notes", api_notes_create, USER(R_BUSINESS),
     0, NULL},
    {"POST", "/api/v1/notes/{id}/answer", api_note_answer,
     USER(R_ADMINS | R_TEACHER), 0, NULL},
    {"POST", "/api/v1/notes/{id}/void", api_note_void,
     USER(R_ADMINS | R_TEACHER), 0, NULL},
    {"GET", "/api/v1/sessions/{id}/photos", api_photos_list,
     USER(R_ADMINS | R_TEACHER), 0, PAGED},
    {"POST", "/api/v1/sessions/{id}/photos", api_photos_create,
     USER(R_ADMINS | R_TEACHER), ROUTE_PHOTO, "caption"},
    {"GET", "/api/v1/photos/{id}", api_photo_get, USER(R_ADMINS | R_TEACHER), 0,
     NULL},
    {"POST", "/api/v1/photos/{id}/void", api_photo_void,
     USER(R_ADMINS | R_TEACHER), 0, NULL},
    {"GET", "/api/v1/surveys", api_surveys_list, USER(R_ADMINS), 0,
     PAGED ",township"},
    {"POST", "/api/v1/surveys", api_surveys_create, USER(R_ADMINS), 0, NULL},
    {"GET", "/api/v1/surveys/{id}", api_survey_get, USER(R_BUSINESS), 0, NULL},
    {"POST", "/api/v1/surveys/{id}/publish", api_survey_publish, USER(R_ADMINS),
     0, NULL},
    {"POST", "/api/v1/surveys/{id}/close", api_survey_close, USER(R_ADMINS), 0,
     NULL},
    {"POST", "/api/v1/surveys/{id}/responses", api_survey_respond,
     USER(R_BUSINESS), 0, NULL},
    {"GET", "/api/v1/surveys/{id}/results", api_survey_results, USER(R_ADMINS),
     0, "township"},
    {"GET", "/api/v1/surveys/{id}/results.xlsx", api_survey_results_xlsx,
     USER(R_ADMINS), 0, "township"},
    {"GET", "/api/v1/me/surveys", api_me_surveys, USER(R_BUSINESS), 0, PAGED},
    {"GET", "/api/v1/people", api_people_list, USER(R_ADMINS), 0,
     PAGED ",flag,political_status,q,sort,township"},
    {"POST", "/api/v1/people", api_people_create, USER(R_ADMINS), 0, NULL},
    {"POST", "/api/v1/people/import", api_people_import, USER(R_ADMINS),
     ROUTE_UPLOAD, "mode"},
    {"GET", "/api/v1/people/import-template.csv", api_people_template,
     USER(R_ADMINS), 0, NULL},
    {"GET", "/api/v1/people/export.xlsx", api_people_export_xlsx,
     USER(R_ADMINS), 0, "flag,political_status,q,reason,reveal,sort,township"},
    {"GET", "/api/v1/people/export.csv", api_people_export_csv, USER(R_ADMINS),
     0, "flag,political_status,q,reason,reveal,sort,township"},
    {"GET", "/api/v1/people/{id}", api_people_get, USER(R_ADMINS), 0, "reveal"},
    {"PATCH", "/api/v1/people/{id}", api_people_update, USER(R_ADMINS), 0,
     NULL},
    {"POST", "/api/v1/people/{id}/void", api_people_void, USER(R_ADMINS), 0,
     NULL},
    /* Audit */
    {"GET", "/api/v1/audit", api_audit_list, USER(R_AUDITOR), 0,
     PAGED ",event,from,object,to,username"},
    /* Pages */
    {"GET", "/assets/{name}", web_asset, PUB, 0, "v"},
    {"GET", "/login", web_login_form, PUB, ROUTE_PAGE, "next"},
    {"POST", "/login", web_login, PUB,
     ROUTE_PAGE | ROUTE_NO_CSRF | ROUTE_ANON_BODY, "next"},
    {"POST", "/logout", web_logout, USER(R_ANY),
     ROUTE_PAGE | ROUTE_PW_CHANGE_OK, NULL},
    {"GET", "/", web_home, USER(R_ANY), ROUTE_PAGE, "changed"},
    {"GET", "/password", web_password_form, USER(R_ANY),
     ROUTE_PAGE | ROUTE_PW_CHANGE_OK, NULL},
    {"POST", "/password", web_password, USER(R_ANY),
     ROUTE_PAGE | ROUTE_PW_CHANGE_OK, NULL},
    {"GET", "/people", web_people, USER(R_ADMINS), ROUTE_PAGE,
     PAGED ",flag,political_status,q,sort,township"},
    {"POST", "/people", web_person_create, USER(R_ADMINS), ROUTE_PAGE, NULL},
    {"GET", "/people/new", web_person_new, USER(R_ADMINS), ROUTE_PAGE, NULL},
    {"GET", "/people/import", web_people_import_form, USER(R_ADMINS),
     ROUTE_PAGE, NULL},
    {"POST", "/people/import", web_people_import, USER(R_ADMINS),
     ROUTE_PAGE | ROUTE_UPLOAD, NULL},
    {"GET", "/people/{id}", web_person, USER(R_ADMINS), ROUTE_PAGE, "reveal"},
    {"POST", "/people/{id}", web_person_update, USER(R_ADMINS), ROUTE_PAGE,
     NULL},
    {"POST", "/people/{id}/void", web_person_void, USER(R_ADMINS), ROUTE_PAGE,
     NULL},
    {"GET", "/report", web_report, USER(R_ADMINS), ROUTE_PAGE,
     "from,to,township"},
    {"GET", "/report/villages", web_report_villages, USER(R_ADMINS), ROUTE_PAGE,
     PAGED ",from,to,township"},
    {"GET", "/hours", web_hours, USER(R_ADMINS), ROUTE_PAGE,
     PAGED ",status,township,year"},
    {"GET", "/me/teaching", web_my_teaching, USER(R_TEACHER), ROUTE_PAGE, NULL},
    {"POST", "/sessions/{id}/notes", web_session_note,
     USER(R_ADMINS | R_TEACHER), ROUTE_PAGE, NULL},
    {"POST", "/sessions/{id}/photos", web_session_photo,
     USER(R_ADMINS | R_TEACHER), ROUTE_PAGE | ROUTE_PHOTO, NULL},
    {"POST", "/notes/{id}/answer", web_note_answer, USER(R_ADMINS | R_TEACHER),
     ROUTE_PAGE, NULL},
    {"GET", "/me/sessions/{id}", web_my_session, USER(R_BUSINESS), ROUTE_PAGE,
     "ledger"},
    {"POST", "/me/sessions/{id}/ask", web_my_session_ask, USER(R_BUSINESS),
     ROUTE_PAGE, NULL},
    {"GET", "/schools", web_schools, USER(R_ADMINS), ROUTE_PAGE,
     "pool,township"},
    {"GET", "/schools/{id}", web_school, USER(R_ADMINS), ROUTE_PAGE, NULL},
    {"POST", "/schools/{id}/rooms", web_school_room, USER(R_ADMINS), ROUTE_PAGE,
     NULL},
    {"POST", "/schools/{id}/check", web_school_check, USER(R_ADMINS),
     ROUTE_PAGE, NULL},
    {"GET", "/teachers", web_teachers, USER(R_ADMINS), ROUTE_PAGE,
     PAGED ",level,q,school_id,township"},
    {"POST", "/teachers", web_teacher_create, USER(R_ADMINS), ROUTE_PAGE, NULL},
    {"GET", "/teachers/new", web_teacher_new, USER(R_ADMINS), ROUTE_PAGE, NULL},
    {"GET", "/teachers/ranking", web_ranking, USER(R_ADMINS), ROUTE_PAGE,
     "from,module,to,township"},
    {"GET", "/teachers/{id}", web_teacher, USER(R_ADMINS), ROUTE_PAGE,
     "linked"},
    {"POST", "/teachers/{id}/account", web_teacher_account, USER(R_ADMINS),
     ROUTE_PAGE, "linked"},
    {"POST", "/teachers/{id}", web_teacher_update, USER(R_ADMINS), ROUTE_PAGE,
     "linked"},
    {"GET", "/courses", web_courses, USER(R_ADMINS), ROUTE_PAGE,
     PAGED ",module,published,q"},
    {"POST", "/courses", web_course_create, USER(R_COUNTY_ADMIN), ROUTE_PAGE,
     NULL},
    {"GET", "/courses/new", web_course_new, USER(R_COUNTY_ADMIN), ROUTE_PAGE,
     NULL},
    {"GET", "/courses/{id}", web_course, USER(R_ADMINS), ROUTE_PAGE, NULL},
    {"POST", "/courses/{id}", web_course_update, USER(R_COUNTY_ADMIN),
     ROUTE_PAGE, NULL},
    {"POST", "/courses/{id}/publish", web_course_publish, USER(R_COUNTY_ADMIN),
     ROUTE_PAGE, NULL},
    {"GET", "/programs", web_programs, USER(R_ADMINS), ROUTE_PAGE,
     PAGED ",from,school_id,to,township,type"},
    {"POST", "/programs", web_program_create, USER(R_ADMINS), ROUTE_PAGE, NULL},
    {"GET", "/programs/new", web_program_new, USER(R_ADMINS), ROUTE_PAGE, NULL},
    {"GET", "/programs/{id}", web_program, USER(R_ADMINS), ROUTE_PAGE, NULL},
    {"POST", "/programs/{id}/sessions", web_session_create, USER(R_ADMINS),
     ROUTE_PAGE, NULL},
    {"GET", "/plans", web_plans, USER(R_ADMINS), ROUTE_PAGE, "year"},
    {"POST", "/plans", web_plan_create, USER(R_ADMINS), ROUTE_PAGE, NULL},
    {"GET", "/plans/new", web_plan_new, USER(R_ADMINS), ROUTE_PAGE, NULL},
    {"GET", "/orders", web_orders, USER(R_ADMINS), ROUTE_PAGE,
     "from,school_id,to,township"},
    {"GET", "/surveys", web_surveys, USER(R_ADMINS), ROUTE_PAGE, NULL},
    {"POST", "/surveys", web_survey_create, USER(R_ADMINS), ROUTE_PAGE, NULL},
    {"GET", "/surveys/new", web_survey_new, USER(R_ADMINS), ROUTE_PAGE, NULL},
    {"GET", "/surveys/{id}", web_survey, USER(R_ADMINS), ROUTE_PAGE,
     "township"},
    {"POST", "/surveys/{id}/publish", web_survey_publish, USER(R_ADMINS),
     ROUTE_PAGE, NULL},
    {"POST", "/surveys/{id}/close", web_survey_close, USER(R_ADMINS),
     ROUTE_PAGE, NULL},
    {"GET", "/me/surveys", web_my_surveys, USER(R_BUSINESS), ROUTE_PAGE, NULL},
    {"GET", "/me/surveys/{id}", web_my_survey, USER(R_BUSINESS), ROUTE_PAGE,
     NULL},
    {"POST", "/me/surveys/{id}", web_my_survey_answer, USER(R_BUSINESS),
     ROUTE_PAGE, NULL},
    {"POST", "/orders/convert", web_orders_convert, USER(R_ADMINS), ROUTE_PAGE,
     "course_id,school_id"},
    {"GET", "/sessions", web_sessions, USER(R_ADMINS | R_TEACHER), ROUTE_PAGE,
     PAGED ",from,school_id,to,township,type"},
    {"GET", "/sessions/{id}", web_session, USER(R_ADMINS | R_TEACHER),
     ROUTE_PAGE, "done,ledger,q"},
    {"POST", "/sessions/{id}/void", web_session_void, USER(R_ADMINS),
     ROUTE_PAGE, "done,ledger,q"},
    {"POST", "/sessions/{id}/enroll", web_session_enroll, USER(R_ADMINS),
     ROUTE_PAGE, "done,ledger,q"},
    {"GET", "/sessions/{id}/display", web_session_display, USER(R_ADMINS),
     ROUTE_PAGE, NULL},
    {"GET", "/sessions/{id}/sheet", web_session_sheet, USER(R_ADMINS),
     ROUTE_PAGE, NULL},
    {"POST", "/sessions/{id}/rate", web_rate, USER(R_BUSINESS), ROUTE_PAGE,
     NULL},
    /* The QR code's address: public, so a phone not logged in yet is
     * sent to the log-in with a grace token (web/classes.c). */
    {"GET", "/c/{token}", web_checkin, PUB, ROUTE_PAGE, NULL},
    {"GET", "/c/g/{token}", web_checkin_grace, USER(R_BUSINESS), ROUTE_PAGE,
     NULL},
    {"POST", "/c/g/{token}", web_checkin_post, USER(R_BUSINESS), ROUTE_PAGE,
     NULL},
    {"GET", "/me/hours", web_my_hours, USER(R_BUSINESS), ROUTE_PAGE, NULL},
    {"GET", "/me/schedule", web_my_schedule, USER(R_BUSINESS), ROUTE_PAGE,
     NULL},
    {"GET", "/me/courses", web_my_courses, USER(R_BUSINESS), ROUTE_PAGE,
     PAGED ",q"},
    {"POST", "/me/courses/{id}/order", web_order_course, USER(R_BUSINESS),
     ROUTE_PAGE, NULL},
    {"GET", "/users", web_users, USER(R_SYSADMIN), ROUTE_PAGE,
     PAGED ",created"},
    {"POST", "/users", web_users_create, USER(R_SYSADMIN), ROUTE_PAGE,
     PAGED ",created"},
    {"GET", "/audit", web_audit, USER(R_AUDITOR), ROUTE_PAGE, PAGED ",event"},
    {"GET", "/security", web_security, USER(R_SECADMIN), ROUTE_PAGE, "saved"},
    {"POST", "/security", web_security_update, USER(R_SECADMIN), ROUTE_PAGE,
     "saved"},
    {NULL, NULL, NULL, ACCESS_UNDECLARED, 0, 0, NULL},
};

const struct route *routes;

/* A string formatted for the table, kept for the process's life. */
static char *
fmt(const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    char *p = NULL;
    if (vasprintf(&p, f, ap) < 0)
        abort();
    va_end(ap);
    return p;
}

/* The routes of a declared kind: its API (/api/v1/{path}) and its pages
 * (/{path}), read by read_roles and written by write_roles; the list's
 * query parameters are its filters, q, sort and paging. Handlers find
 * the kind by the path (app_route_kind). */
static size_t
kind_routes(const struct kind *k, struct route *out)
{
    struct strbuf q;
    strbuf_init(&q, 0);
    strbuf_puts(&q, PAGED ",q,sort");
    for (const struct kind_field *f = k->fields; f->key; f++)
        if (f->flags & KF_FILTER)
            strbuf_printf(&q, ",%s", f->param ? f->param : f->key);
    int s = kind_scope_field(k);
    if (s >= 0 && kind_scope_ref(k, s))
        strbuf_puts(&q, ",township");
    for (const struct kind_switch *w = k->switches; w && w->param; w++)
        strbuf_printf(&q, ",%s", w->param);
    const char *list = strbuf_take(&q, NULL);
    const char *page_list = fmt("%s,print", list); /* the print view */
    const char *api = fmt("/api/v1/%s", k->path);
    const char *api_id = fmt("%s/{id}", api);
    const char *api_void = fmt("%s/void", api_id);
    const char *page = fmt("/%s", k->path);
    const char *page_new = fmt("%s/new", page);
    const char *xlsx = fmt("%s/export.xlsx", page);
    const char *csv = fmt("%s/export.csv", page);
    const char *page_id = fmt("%s/{id}", page);
    const char *page_void = fmt("%s/void", page_id);
    /* The new-record form reloaded for the township chosen. */
    const char *new_query = NULL;
    for (const struct kind_field *f = k->fields; f->key; f++)
        if (f->flags & KF_SCOPE)
            new_query = f->key;
    unsigned r = k->read_roles, w = k->write_roles;
    const struct route rows[] = {
        {"GET", api, api_kind_list_route, USER(r), 0, list},
        {"POST", api, api_kind_create_route, USER(w), 0, NULL},
        {"GET", api_id, api_kind_get_route, USER(r), 0, NULL},
        {"PATCH", api_id, api_kind_update_route, USER(w), 0, NULL},
        {"POST", api_void, api_kind_void_route, USER(w), 0, NULL},
        {"GET", page, web_kind_list_route, USER(r), ROUTE_PAGE, page_list},
        {"GET", xlsx, web_kind_xlsx_route, USER(r), ROUTE_PAGE, list},
        {"GET", csv, web_kind_csv_route, USER(r), ROUTE_PAGE, list},
        {"GET", page_new, web_kind_new_route, USER(w), ROUTE_PAGE,
         new_query},
        {"POST", page, web_kind_create_route, USER(w), ROUTE_PAGE, NULL},
        {"GET", page_id, web_kind_record_route, USER(r), ROUTE_PAGE, NULL},
        {"POST", page_id, web_kind_update_route, USER(w), ROUTE_PAGE, NULL},
        {"POST", page_void, web_kind_void_route, USER(w), ROUTE_PAGE, NULL},
    };
    memcpy(out, rows, sizeof(rows));
    return sizeof(rows) / sizeof(rows[0]);
}

#define KIND_ROUTES 13

int
routes_init(void)
{
    if (routes)
        return 0;
    size_t nfixed = 0, nkinds = 0;
    while (fixed[nfixed].method)
        nfixed++;
    while (kind_table[nkinds])
        nkinds++;
    struct route *all =
        xcalloc(nfixed + nkinds * KIND_ROUTES + 1, sizeof(*all));
    memcpy(all, fixed, nfixed * sizeof(*all));
    size_t n = nfixed;
    for (size_t i = 0; i < nkinds; i++)
        n += kind_routes(kind_table[i], all + n);
    all[n] = fixed[nfixed]; /* the terminator */
    routes = all;
    return 0;
}

json_t *
routes_json(void)
{
    json_t *rl = json_array();
    for (const struct role *r = roles; r->code; r++)
        json_array_append_new(
            rl, json_pack("{s:s,s:s,s:s}", "code", r->code, "label",
                          r->label, "township",
                          role_township_rule_name(r->township)));
    json_t *list = json_array();
    for (const struct route *rt = routes; rt->method; rt++) {
        json_t *who = json_array(), *flags = json_array();
        if (rt->access == ACCESS_USER)
            for (const struct role *r = roles; r->code; r++)
                if (rt->roles & r->bit)
                    json_array_append_new(who, json_string(r->code));
        for (const struct http_flag_name *f = http_route_flag_names;
             f->name; f++)
            if (rt->flags & f->bit)
                json_array_append_new(flags, json_string(f->name));
        json_t *query = json_array();
        for (const char *p = rt->query; p && *p;) {
            size_t n = strcspn(p, ",");
            json_array_append_new(query, json_stringn(p, n));
            p += n + (p[n] == ',');
        }
        json_array_append_new(
            list,
            json_pack("{s:s,s:s,s:s,s:o,s:o,s:o}", "method", rt->method,
                      "pattern", rt->pattern, "access",
                      rt->access == ACCESS_PUBLIC ? "public" : "user",
                      "roles", who, "flags", flags, "query", query));
    }
    /* The declared kinds, for the tests to make valid records of any. */
    static const char *const types[] = {
        [KT_TEXT] = "text",         [KT_DIGITS] = "digits",
        [KT_TOWNSHIP] = "township", [KT_DATE] = "date",
        [KT_CHOICE] = "choice",     [KT_REF] = "ref",
        [KT_INT] = "int",
    };
    json_t *kinds = json_array();
    for (size_t i = 0; kind_table[i]; i++) {
        const struct kind *k = kind_table[i];
        json_t *fields = json_array();
        for (const struct kind_field *f = k->fields; f->key; f++) {
            json_t *choices = json_array();
            for (const struct kind_choice *c = f->choices; c && c->code; c++)
                json_array_append_new(choices, json_string(c->code));
            json_array_append_new(
                fields,
                json_pack("{s:s,s:s,s:b,s:b,s:b,s:b,s:I,s:I,s:o}", "key",
                          f->key, "type", types[f->type], "required",
                          (f->flags & KF_REQUIRED) != 0, "create",
                          (f->flags & KF_CREATE) != 0, "edit",
                          (f->flags & KF_EDIT) != 0, "scope",
                          (f->flags & KF_SCOPE) != 0, "min",
                          (json_int_t)f->min, "max", (json_int_t)f->max,
                          "choices", choices));
        }
        json_array_append_new(
            kinds, json_pack("{s:s,s:s,s:b,s:o}", "name", k->name, "path",
                             k->path, "voids", k->void_column != NULL,
                             "fields", fields));
    }
    return json_pack("{s:o,s:o,s:o}", "roles", rl, "routes", list, "kinds",
                     kinds);
}

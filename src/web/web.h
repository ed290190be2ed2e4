/*
 * web.h - the server-rendered pages: log-in, log-out, change password,
 * the home page, accounts, the audit log, the roster, villages and Party
 * organisations, schools, the teacher pool, the catalog, programs and
 * sessions with enrolment, and the annual plans. Each page is a plain function
 * that writes HTML through the escaping writers of http/html.h (the Fossil
 * way), inside one layout with navigation by role.
 */
#pragma once

#include "../http/http.h"

#include <stdbool.h>

int web_asset(struct req *req);
/* A page's error (status, message) for a logged-in reader, in the site's
 * frame: what went wrong in its words, and the way back (pages.c). */
int web_error_page(struct req *req, int status, const char *message);
int web_login_form(struct req *req);
int web_login(struct req *req);
int web_logout(struct req *req);
int web_home(struct req *req);
int web_password_form(struct req *req);
int web_password(struct req *req);
int web_users(struct req *req);
int web_users_create(struct req *req);
int web_audit(struct req *req);
int web_security(struct req *req);
int web_security_update(struct req *req);
int web_report(struct req *req);
int web_ranking(struct req *req);
int web_report_villages(struct req *req);
int web_schools(struct req *req);
int web_school(struct req *req);
int web_school_check(struct req *req);
int web_orders(struct req *req);
int web_orders_convert(struct req *req);
int web_sessions(struct req *req);
int web_session_display(struct req *req);
int web_session_sheet(struct req *req);
int web_checkin(struct req *req);
int web_checkin_grace(struct req *req);
int web_checkin_post(struct req *req);
int web_rate(struct req *req);
int web_my_hours(struct req *req);
int web_my_schedule(struct req *req);
int web_my_courses(struct req *req);
int web_surveys(struct req *req);
int web_hours(struct req *req);
int web_school_room(struct req *req);
int web_session_void(struct req *req);
int web_teacher_account(struct req *req);
int web_session_note(struct req *req);
int web_note_answer(struct req *req);
int web_session_photo(struct req *req);
int web_my_session(struct req *req);
int web_my_session_ask(struct req *req);
int web_my_teaching(struct req *req);
int web_survey_new(struct req *req);
int web_survey_create(struct req *req);
int web_survey(struct req *req);
int web_survey_publish(struct req *req);
int web_survey_close(struct req *req);
int web_my_surveys(struct req *req);
int web_my_survey(struct req *req);
int web_my_survey_answer(struct req *req);
int web_order_course(struct req *req);
int web_people(struct req *req);
int web_person(struct req *req);
int web_person_new(struct req *req);
int web_person_create(struct req *req);
int web_person_update(struct req *req);
int web_person_void(struct req *req);
int web_people_import_form(struct req *req);
int web_people_import(struct req *req);
int web_teachers(struct req *req);
int web_teacher(struct req *req);
int web_teacher_new(struct req *req);
int web_teacher_create(struct req *req);
int web_teacher_update(struct req *req);
int web_courses(struct req *req);
int web_course(struct req *req);
int web_course_new(struct req *req);
int web_course_create(struct req *req);
int web_course_update(struct req *req);
int web_course_publish(struct req *req);
int web_programs(struct req *req);
int web_program(struct req *req);
int web_program_new(struct req *req);
int web_program_create(struct req *req);
int web_session_create(struct req *req);
int web_session(struct req *req);
int web_session_enroll(struct req *req);
int web_plans(struct req *req);
int web_plan_new(struct req *req);
int web_plan_create(struct req *req);

struct kind;
/* The list page of a declared kind, and its export of the filtered rows
 * (kind.c). */
int web_kind_list(struct req *req, const struct kind *k);
int web_kind_export(struct req *req, const struct kind *k, bool xlsx);
/* A new record's form and its POST; a record's page, its update and its
 * void (POST). */
int web_kind_new(struct req *req, const struct kind *k);
int web_kind_create(struct req *req, const struct kind *k);
int web_kind_record(struct req *req, const struct kind *k);
int web_kind_update(struct req *req, const struct kind *k);
int web_kind_void(struct req *req, const struct kind *k);
/* The same as route handlers: the kind is the one the route names. */
int web_kind_list_route(struct req *req);
int web_kind_xlsx_route(struct req *req);
int web_kind_csv_route(struct req *req);
int web_kind_new_route(struct req *req);
int web_kind_create_route(struct req *req);
int web_kind_record_route(struct req *req);
int web_kind_update_route(struct req *req);
int web_kind_void_route(struct req *req);

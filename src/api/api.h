/*
 * api.h - the JSON API: one file per resource, each handler reading its
 * request through the application layer (app/app.h) and the domain, and
 * answering JSON. The answers they share (a scoped record, a whole list,
 * a code list, an .xlsx download) are in answer.c.
 */
#pragma once

#include "../app/app.h"

struct sheet;

/* GET of record {id} of the path: the record as the caller may see it
 * (app_get_scoped), 200. Returns the status. */
int api_get_answer(struct req *req, record_get_fn get, const char *what);
/* Answers a whole list: one page holding every item, or with ?page= or
 * ?per_page= that page of it, as every list is paged (SPEC §4.2). Takes
 * ownership of items. */
int api_list_all(struct req *req, json_t *items);
enum code_list;
/* Answers a code list that is data ({"code","name"}, org_code_list). */
int api_code_list(struct req *req, enum code_list c);
struct kind;
/* The API of a declared kind (kind.c): list, get, create, update (PATCH)
 * and void of record {id}. Each returns the status. */
int api_kind_list(struct req *req, const struct kind *k);
int api_kind_get(struct req *req, const struct kind *k);
int api_kind_create(struct req *req, const struct kind *k);
int api_kind_update(struct req *req, const struct kind *k);
int api_kind_void(struct req *req, const struct kind *k);
/* A create with field key set to value whatever the body says: the
 * record of a path's parent (a room of /schools/{id}/rooms). */
int api_kind_create_in(struct req *req, const struct kind *k,
                       const char *key, const char *value);
/* The same as route handlers: the kind is the one the route names. */
int api_kind_list_route(struct req *req);
int api_kind_get_route(struct req *req);
int api_kind_create_route(struct req *req);
int api_kind_update_route(struct req *req);
int api_kind_void_route(struct req *req);
/* The user object of the API. */
json_t *api_user_json(const struct account *a);

/* Handlers. */
int api_healthz(struct req *req);
int api_metrics(struct req *req);
int api_session_create(struct req *req);
int api_session_delete(struct req *req);
int api_me(struct req *req);
int api_me_password(struct req *req);
int api_tokens_create(struct req *req);
int api_tokens_list(struct req *req);
int api_tokens_delete(struct req *req);
int api_users_list(struct req *req);
int api_users_create(struct req *req);
int api_users_get(struct req *req);
int api_users_update(struct req *req);
int api_users_disable(struct req *req);
int api_users_enable(struct req *req);
int api_users_unlock(struct req *req);
int api_security_policy_get(struct req *req);
int api_security_policy_update(struct req *req);
int api_security_role_changes(struct req *req);
int api_townships_list(struct req *req);
int api_modules_list(struct req *req);
int api_room_kinds_list(struct req *req);
int api_schools_list(struct req *req);
int api_schools_create(struct req *req);
int api_schools_get(struct req *req);
int api_schools_update(struct req *req);
int api_rooms_list(struct req *req);
int api_rooms_create(struct req *req);
int api_school_checks_put(struct req *req);
int api_teachers_list(struct req *req);
int api_teachers_create(struct req *req);
int api_teachers_get(struct req *req);
int api_courses_list(struct req *req);
int api_courses_create(struct req *req);
int api_courses_get(struct req *req);
int api_courses_update(struct req *req);
int api_report_county(struct req *req);
int api_report_county_xlsx(struct req *req);
int api_report_villages(struct req *req);
int api_teachers_ranking(struct req *req);
int api_orders_create(struct req *req);
int api_orders_demand(struct req *req);
int api_orders_convert(struct req *req);
int api_orders_decline(struct req *req);
int api_me_orders(struct req *req);
int api_surveys_list(struct req *req);
int api_sessions_void(struct req *req);
int api_notes_list(struct req *req);
int api_notes_create(struct req *req);
int api_note_answer(struct req *req);
int api_note_void(struct req *req);
int api_photos_list(struct req *req);
int api_photos_create(struct req *req);
int api_photo_get(struct req *req);
int api_photo_void(struct req *req);
int api_teachers_link(struct req *req);
int api_me_teaching(struct req *req);
int api_surveys_create(struct req *req);
int api_survey_get(struct req *req);
int api_survey_publish(struct req *req);
int api_survey_close(struct req *req);
int api_survey_respond(struct req *req);
int api_survey_results(struct req *req);
int api_survey_results_xlsx(struct req *req);
int api_me_surveys(struct req *req);
int api_program_types_list(struct req *req);
int api_programs_list(struct req *req);
int api_programs_create(struct req *req);
int api_programs_get(struct req *req);
int api_sessions_list(struct req *req);
int api_sessions_create(struct req *req);
int api_sessions_get(struct req *req);
int api_sessions_roster(struct req *req);
int api_sessions_enroll(struct req *req);
int api_sessions_attendance(struct req *req);
int api_sessions_checkin_code(struct req *req);
int api_sessions_checkin_svg(struct req *req);
int api_sessions_evaluate(struct req *req);
int api_checkin(struct req *req);
int api_me_hours(struct req *req);
int api_me_sessions(struct req *req);
int api_plans_create(struct req *req);
int api_plans_get(struct req *req);
int api_plans_find(struct req *req);
int api_hours_behind(struct req *req);
int api_people_hours(struct req *req);
int api_org_types(struct req *req);
int api_member_categories(struct req *req);
int api_audit_list(struct req *req);
int api_people_list(struct req *req);
int api_people_create(struct req *req);
int api_people_get(struct req *req);
int api_people_update(struct req *req);
int api_people_void(struct req *req);
int api_people_import(struct req *req);
int api_people_template(struct req *req);
int api_people_export_xlsx(struct req *req);
int api_people_export_csv(struct req *req);

/*
 * api.h - the application layer: the route table, the per-thread database
 * connection, authentication of each request, and the JSON handlers
 * (one file per resource). Pages (src/web) use the same helpers.
 */
#pragma once

#include "../core/config.h"
#include "../core/keyring.h"
#include "../db/db.h"
#include "../domain/audit.h"
#include "../domain/auth.h"
#include "../http/http.h"

/* The settings the server runs with (set once by main before serving). */
extern struct config app_config;
/* The field-encryption keys (loaded by main before serving). */
extern struct keyring *app_keys;
struct workq;
/* The password-hashing pool (started by main; NULL: hash inline). */
extern struct workq *app_hash_pool;

/* The route table, NULL-method terminated. */
extern const struct route api_routes[];
/* The route table and the role table as JSON, for `dangxiao routes` (the
 * tests walk every route from it): {"roles":[{"code","label",
 * "township"}], "routes":[{"method","pattern","access":"public"|"user",
 * "roles":[codes],"flags":[names]}]}. The caller frees it with
 * json_decref. */
json_t *api_routes_json(void);

/* This worker thread's connection, opened on first use. On failure answers
 * 500 and returns NULL. */
struct db *api_db(struct req *req);
/* Closes every per-thread connection (at exit). */
void api_db_close_all(void);

/* The authenticate hook of the HTTP layer: bearer token or session
 * cookie, and the UI language. */
int api_authenticate(struct req *req);

/* Work a handler hands to the password-hashing pool: it answers req
 * (with the usual helpers) on a pool thread. */
typedef int (*offload_fn)(struct req *req, void *ctx);
/* Runs fn(req, ctx) on the hashing pool and answers when it is done; the
 * worker thread is free meanwhile. ctx must live in req's arena. Returns
 * 0 (deferred); or, when the pool's queue is full, answers 503 busy with
 * Retry-After; or, without a pool, fn's own result. */
int api_offload(struct req *req, offload_fn fn, void *ctx);

/* Answers a log-in's outcome (a page or the API's JSON); Retry-After is
 * already set for a lock or a throttle. */
typedef int (*login_answer_fn)(struct req *req,
                               const struct login_result *res, void *ctx);
/* Logs username in from req's address (auth_login): on the hashing pool,
 * unless the name is locked or the address past its limit (then no
 * hashing is needed), and answers through answer(req, res, ctx). Returns
 * the status, or 0 when deferred. */
int api_login(struct req *req, const char *username, const char *password,
              login_answer_fn answer, void *ctx);

/* The account behind req->user (same strings). */
struct account *api_account(struct req *req);
/* Who/where for audit rows. */
struct audit_who api_who(struct req *req);

/* A reader of one township-bound record (org_get, school_get, …): 0 with
 * *out, ERR_NOTFOUND or ERR_DB; township[16] gets the record's. */
typedef int (*record_get_fn)(struct db *db, int64_t id, json_t **out,
                             char township[16]);
/* Reads record id for the caller. A record the caller may not see does
 * not exist for it (404, as for a missing one): one outside its township,
 * and for sessions and teachers the rules of ctx.c's scope_rules (a
 * teacher sees its own record and the sessions it teaches; a school
 * admin the teachers within its reach). Returns 0 with *out
 * set (the caller frees it), or -1 having answered 404 or 500. */
int api_get_scoped(struct req *req, struct db *db, record_get_fn get,
                   int64_t id, const char *what, json_t **out);

/* The teacher record of a caller with the teacher role: 0 with *id (0
 * when the caller is not a teacher, or its account is linked to none),
 * or ERR_DB. */
int api_my_teacher(struct req *req, struct db *db, int64_t *id);

/* GET of record {id} of the path: the record as the caller may see it
 * (api_get_scoped), 200. Returns the status. */
int api_get_answer(struct req *req, record_get_fn get, const char *what);

struct field_error;
/* Answers a domain call's failure: 422 on the field (ERR_INVAL with e),
 * 404 no such what, 409, else 500. Returns the status. */
int api_write_error(struct req *req, struct db *db, int rc,
                    const struct field_error *e, const char *what);
/* A list's ?township= within the caller's scope, else the scope (NULL:
 * the county). 0, or -1 having answered 403. */
int api_township_filter(struct req *req, const char **out);
/* Answers a whole list: one page holding every item, or with ?page= or
 * ?per_page= that page of it, as every list is paged (SPEC §4.2). Takes
 * ownership of items. */
int api_list_all(struct req *req, json_t *items);
/* The period of ?from= and ?to= (China dates, "to" inclusive), the
 * calendar year to date where one is absent (rules_default_period): the
 * one default of the county report, its .xlsx, its page and the lists its
 * figures open. [*from, *to) in unix seconds; the dates in from_s, to_s.
 * 0, or -1 having answered 400. */
int api_period_or_400(struct req *req, int64_t *from, int64_t *to,
                      char from_s[11], char to_s[11]);
/* Whether the query names a period (?from= or ?to=). */
bool api_has_period(struct req *req);
/* ?status= of a study-hours list: behind (the default), meeting or all,
 * as enum hours_status (domain/classes.h). 0, or the 400 it answered. */
int api_hours_status_or_400(struct req *req, int *out);
/* ?pool= of the schools list: met (1), short (-1), or every school (0).
 * 0, or the 400 it answered. */
int api_pool_or_400(struct req *req, int *pool);
/* Answers a configurable code list ({"code","name"}): q is one of the
 * *_TYPE_LIST / *_LIST queries of org_code_list. */
int api_code_list(struct req *req, enum query q);

struct sheet;
/* Answers the table as an .xlsx download named filename (ASCII), and
 * frees it. Returns the status. */
int api_send_xlsx(struct req *req, struct db *db, struct sheet *sh,
                  const char *filename);

/* The township the caller is limited to, or NULL for county-wide roles. */
const char *api_scope(struct req *req);
/* Whether the caller may act on township code; otherwise answers 403
 * forbidden_township and returns -1. */
int api_check_township(struct req *req, const char *code);

/* The user object of the API. */
json_t *api_user_json(const struct account *a);

/* Answers 500 for a database failure, logging its detail. */
int api_db_error(struct req *req, struct db *db);

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
int api_villages_list(struct req *req);
int api_villages_create(struct req *req);
int api_villages_get(struct req *req);
int api_villages_update(struct req *req);
int api_villages_void(struct req *req);
int api_orgs_list(struct req *req);
int api_orgs_create(struct req *req);
int api_orgs_get(struct req *req);
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
int api_rooms_list_all(struct req *req);
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
struct class_filter;
/* The scope of a session list, shared by the API and the page: the
 * school_id parameter, and the township (api_township_filter) - except
 * for a teacher, whose list holds the sessions it teaches, in any
 * township (*empty when it teaches none, or asks for another teacher's).
 * 0, or -1 having answered 400/403/500. */
int api_sessions_scope(struct req *req, struct db *db, struct class_filter *f,
                       bool *empty);
/* Checks the caller in to session_id (window, linked person, once): 0
 * with *out the attendance, or the status it answered with. */
int checkin_with(struct req *req, int64_t session_id, json_t **out);
int api_orgs_update(struct req *req);
int api_orgs_void(struct req *req);
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

/* Session cookie helpers shared by the API and the log-in page. */
void api_set_session_cookie(struct req *req, const char *token);
void api_clear_session_cookie(struct req *req);

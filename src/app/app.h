/*
 * app.h - the application layer, below both the JSON API (src/api) and
 * the pages (src/web): the settings and keys the server runs with, the
 * worker's database connection, who is calling (authentication), the
 * township scope every township-bound handler checks, the hashing pool,
 * log-in, the query parameters several routes share (the period, a
 * study-hours status, a pool filter), the scope of a session list and the
 * check-in. Neither api/ nor web/ includes the other; both include this.
 */
#pragma once

#include "../core/config.h"
#include "../core/keyring.h"
#include "../db/db.h"
#include "../domain/audit.h"
#include "../domain/auth.h"
#include "../http/http.h"

#include <jansson.h>

/* The settings the server runs with (set once by main before serving). */
extern struct config app_config;
/* The field-encryption keys (loaded by main before serving). */
extern struct keyring *app_keys;
struct workq;
/* The password-hashing pool (started by main; NULL: hash inline). */
extern struct workq *app_hash_pool;

/* This worker thread's connection, opened on first use. On failure answers
 * 500 and returns NULL. */
struct db *app_db(struct req *req);
/* Closes every per-thread connection (at exit). */
void app_db_close_all(void);
/* Answers 500 for a database failure, logging its detail. */
int app_db_error(struct req *req, struct db *db);

/* The authenticate hook of the HTTP layer: bearer token or session
 * cookie, and the UI language. */
int app_authenticate(struct req *req);
/* The account behind req->user (same strings). */
struct account *app_account(struct req *req);
/* Who/where for audit rows. */
struct audit_who app_who(struct req *req);

/* The township the caller is limited to, or NULL for county-wide roles. */
const char *app_scope(struct req *req);
/* Whether the caller may act on township code; otherwise answers 403
 * forbidden_township and returns -1. */
int app_check_township(struct req *req, const char *code);
/* A list's ?township= within the caller's scope, else the scope (NULL:
 * the county). 0, or -1 having answered 403. */
int app_township_filter(struct req *req, const char **out);

/* Whether roster person id exists and is within the caller's township:
 * 0 with *visible, or ERR_DB. */
int app_person_visible(struct req *req, struct db *db, int64_t id,
                       bool *visible);

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
int app_get_scoped(struct req *req, struct db *db, record_get_fn get,
                   int64_t id, const char *what, json_t **out);
/* The teacher record of a caller with the teacher role: 0 with *id (0
 * when the caller is not a teacher, or its account is linked to none),
 * or ERR_DB. */
int app_my_teacher(struct req *req, struct db *db, int64_t *id);

struct field_error;
/* Answers a domain call's failure: 422 on the field (ERR_INVAL with e),
 * 404 no such what, 409, else 500. Returns the status. */
int app_write_error(struct req *req, struct db *db, int rc,
                    const struct field_error *e, const char *what);

struct sheet;
/* Answers the table as a download, .xlsx or CSV (with its BOM), named
 * base plus the extension, ASCII, and also utf8_name (percent-encoded
 * UTF-8, RFC 6266 filename*; NULL: none); frees the table. Returns the
 * status (500 when it cannot be written). */
int app_send_sheet(struct req *req, struct db *db, struct sheet *sh,
                   const char *base, const char *utf8_name, bool xlsx);

/* Work a handler hands to the password-hashing pool: it answers req
 * (with the usual helpers) on a pool thread. */
typedef int (*offload_fn)(struct req *req, void *ctx);
/* Runs fn(req, ctx) on the hashing pool and answers when it is done; the
 * worker thread is free meanwhile. ctx must live in req's arena. Returns
 * 0 (deferred); or, when the pool's queue is full, answers 503 busy with
 * Retry-After; or, without a pool, fn's own result. */
int app_offload(struct req *req, offload_fn fn, void *ctx);

/* Answers a log-in's outcome (a page or the API's JSON); Retry-After is
 * already set for a lock or a throttle. */
typedef int (*login_answer_fn)(struct req *req,
                               const struct login_result *res, void *ctx);
/* Logs username in from req's address (auth_login): on the hashing pool,
 * unless the name is locked or the address past its limit (then no
 * hashing is needed), and answers through answer(req, res, ctx). Returns
 * the status, or 0 when deferred. */
int app_login(struct req *req, const char *username, const char *password,
              login_answer_fn answer, void *ctx);
/* The session cookie of a log-in, and its removal at log-out. */
void app_set_session_cookie(struct req *req, const char *token);
void app_clear_session_cookie(struct req *req);

/* The period of ?from= and ?to= (China dates, "to" inclusive), the
 * calendar year to date where one is absent (rules_default_period): the
 * one default of the county report, its .xlsx, its page and the lists its
 * figures open. [*from, *to) in unix seconds; the dates in from_s, to_s.
 * 0, or -1 having answered 400. */
int app_period_or_400(struct req *req, int64_t *from, int64_t *to,
                      char from_s[11], char to_s[11]);
/* Whether the query names a period (?from= or ?to=). */
bool app_has_period(struct req *req);
/* ?status= of a study-hours list: behind (the default), meeting or all,
 * as enum hours_status (domain/classes.h). 0, or the 400 it answered. */
int app_hours_status_or_400(struct req *req, int *out);
/* ?pool= of the schools list: met (1), short (-1), or every school (0).
 * 0, or the 400 it answered. */
int app_pool_or_400(struct req *req, int *pool);

struct class_filter;
/* The scope of a session list, shared by the API and the page: the
 * school_id parameter, and the township (app_township_filter) - except
 * for a teacher, whose list holds the sessions it teaches, in any
 * township (*empty when it teaches none, or asks for another teacher's).
 * 0, or -1 having answered 400/403/500. */
int app_sessions_scope(struct req *req, struct db *db, struct class_filter *f,
                       bool *empty);

/* Whether the caller may check in to session_id at now: 0, or the status
 * it answered with (403 no roster person behind the account, 404 no such
 * session, 403 outside the window). */
int app_checkin_allowed(struct req *req, struct db *db, int64_t session_id,
                        int64_t now);
/* Checks the caller in to session_id (window, linked person, once): 0
 * with *out the attendance, or the status it answered with. */
int app_checkin(struct req *req, int64_t session_id, json_t **out);
/* The same, answering the attendance (201) or the refusal: through the
 * check-in writer (attend_queue) when it runs, without holding the
 * worker. Returns 0 (deferred) or the status it answered with. */
int app_checkin_deferred(struct req *req, int64_t session_id);

struct kind;
struct klist;
/* The list of kind k the query asks for (app/kind.c), for the API and
 * the pages alike: page and per_page, ?sort= (a declared sort field, or
 * -field), each declared filter, ?q=, and the township scope: a school
 * admin's list is its own township's, and asking for another is 403.
 * 0, or the 400/403 it answered. */
int app_kind_list_args(struct req *req, const struct kind *k,
                       struct klist *l);
struct krecord;
struct kval;
/* Whether the caller may put a record of the fields v (of old, on an
 * update) where they say: 0, or the 403 (another township) or the 500
 * it answered. */
int app_kind_township_ok(struct req *req, struct db *db,
                         const struct kind *k, const struct kval *v,
                         const struct krecord *old);
/* Record {id} of the path of kind k as the caller may see it: 0 with
 * *r, or the status answered (404, also for another township's). */
int app_kind_record(struct req *req, struct db *db, const struct kind *k,
                    struct krecord *r);
/* The kind a route generated for it serves (routes.c): the one its
 * pattern names, /api/v1/{path}… or /{path}…. */
const struct kind *app_route_kind(const struct req *req);

/*
 * ctx.c - per-request context: the worker's database connection, who is
 * calling (bearer token or session cookie), the UI language, and the
 * township scope check that every township-bound handler calls.
 */
#include "app.h"

#include "../core/err.h"
#include "../core/log.h"
#include "../core/sheet.h"
#include "../core/util.h"
#include "../core/workq.h"
#include "../domain/classes.h"
#include "../domain/org.h"
#include "../domain/people.h"
#include "../domain/policy.h"
#include "../domain/roles.h"
#include "../domain/teaching.h"

#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct config app_config;
struct keyring *app_keys;
struct workq *app_hash_pool;

/* One connection per worker thread (SQLite and libpq handles are not
 * shared between threads); all are listed so they close at exit. */
static _Thread_local struct db *thread_db;
static pthread_mutex_t dbs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct db **dbs;
static size_t ndbs;

struct db *
app_db(struct req *req)
{
    if (thread_db)
        return thread_db;
    char err[512];
    struct db *db;
    if (db_open(app_config.db, &db, err, sizeof(err)) != 0) {
        log_error("database: %s", err);
        http_error(req, 500, "internal", NULL, "the database is unavailable");
        return NULL;
    }
    /* A worker reads pages and lists: the small cache (db.h). */
    if (db_cache(db, DB_CACHE_READ_KIB) != 0)
        log_warn("database: %s", db_errmsg(db));
    pthread_mutex_lock(&dbs_lock);
    dbs = xrealloc(dbs, (ndbs + 1) * sizeof(*dbs));
    dbs[ndbs++] = db;
    pthread_mutex_unlock(&dbs_lock);
    thread_db = db;
    return db;
}

void
app_db_close_all(void)
{
    pthread_mutex_lock(&dbs_lock);
    for (size_t i = 0; i < ndbs; i++)
        db_close(dbs[i]);
    free(dbs);
    dbs = NULL;
    ndbs = 0;
    pthread_mutex_unlock(&dbs_lock);
}

int
app_db_error(struct req *req, struct db *db)
{
    log_error("%s %s: database: %s", req->method, req->path,
              db ? db_errmsg(db) : "unavailable");
    return http_error(req, 500, "internal", NULL, "internal error");
}

static const char *
pick_lang(struct req *req)
{
    const char *q = req_query(req, "lang");
    if (q && (strcmp(q, "en") == 0 || strcmp(q, "zh") == 0)) {
        if (req->page)
            http_header_add(req, "Set-Cookie",
                            strcmp(q, "en") == 0
                                ? "dx_lang=en; Path=/; SameSite=Lax"
                                : "dx_lang=zh; Path=/; SameSite=Lax");
        return strcmp(q, "en") == 0 ? "en" : "zh";
    }
    const char *c = req_cookie(req, "dx_lang");
    if (c && (strcmp(c, "en") == 0 || strcmp(c, "zh") == 0))
        return strcmp(c, "en") == 0 ? "en" : "zh";
    const char *al = req_header(req, "Accept-Language");
    if (al) {
        /* The first language the browser names wins. */
        for (const char *p = al; *p; p++) {
            if (strncmp(p, "zh", 2) == 0)
                return "zh";
            if (strncmp(p, "en", 2) == 0)
                return "en";
        }
    }
    return strcmp(app_config.default_lang, "en") == 0 ? "en" : "zh";
}

/* The account is stored just before the principal in one allocation, so
 * app_account() can find it. */
struct caller {
    struct account acct;
    struct principal p;
};

static void
fill_principal(struct caller *c, bool via_cookie)
{
    const struct role *r = role_find(c->acct.role);
    c->p.user_id = c->acct.id;
    c->p.session_id = c->acct.session_id;
    c->p.username = c->acct.username;
    c->p.role = c->acct.role;
    c->p.role_bit = r ? r->bit : 0; /* an unknown role may do nothing */
    c->p.township_code = c->acct.township_code;
    c->p.person_id = c->acct.person_id;
    c->p.via_cookie = via_cookie;
    c->p.csrf = c->acct.csrf;
    c->p.must_change_password = c->acct.must_change_password;
}

int
app_authenticate(struct req *req)
{
    req->lang = pick_lang(req);
    const char *authz = req_header(req, "Authorization");
    const char *cookie = req_cookie(req, "dx_session");
    if (authz == NULL && cookie == NULL)
        return 0;
    struct db *db = app_db(req);
    if (db == NULL)
        return 500;
    struct caller *c = arena_zalloc(&req->arena, sizeof(*c));
    if (authz) {
        if (strncmp(authz, "Bearer ", 7) != 0) {
            http_error(req, 401, "unauthenticated", NULL,
                       "Authorization must be a Bearer token");
            return 401;
        }
        int rc = auth_bearer(db, &req->arena, authz + 7, &c->acct);
        if (rc == ERR_NOTFOUND) {
            http_error(req, 401, "unauthenticated", NULL,
                       "unknown or revoked token");
            return 401;
        }
        if (rc != 0)
            return app_db_error(req, db);
        fill_principal(c, false);
        req->user = &c->p;
        return 0;
    }
    int rc = auth_session(db, &req->arena, cookie, &c->acct);
    if (rc == ERR_NOTFOUND)
        return 0; /* an old or forged cookie is no one */
    if (rc != 0)
        return app_db_error(req, db);
    fill_principal(c, true);
    req->user = &c->p;
    return 0;
}

struct account *
app_account(struct req *req)
{
    if (req->user == NULL)
        return NULL;
    return (struct account *)((char *)req->user -
                              offsetof(struct caller, p));
}

struct audit_who
app_who(struct req *req)
{
    struct audit_who w = {0, "", "", req->ip, req->page ? "web" : "api"};
    if (req->user) {
        w.user_id = req->user->user_id;
        w.username = req->user->username;
        w.role = req->user->role;
    }
    return w;
}

const char *
app_scope(struct req *req)
{
    if (req->user == NULL)
        return NULL;
    const struct role *r = role_find(req->user->role);
    if (r && r->township == TOWNSHIP_NONE)
        return NULL;
    return req->user->township_code ? req->user->township_code : "";
}

int
app_check_township(struct req *req, const char *code)
{
    const char *scope = app_scope(req);
    if (scope == NULL || (code && strcmp(scope, code) == 0))
        return 0;
    http_error(req, 403, "forbidden_township", "township_code",
               "you may only act within your own township");
    return -1;
}

void
app_set_session_cookie(struct req *req, const char *token)
{
    http_header_add(
        req, "Set-Cookie",
        arena_printf(&req->arena,
                     "dx_session=%s; Path=/; HttpOnly; SameSite=Lax; "
                     "Max-Age=%lld%s",
                     token,
                     (long long)policy_get(POL_SESSION_ABSOLUTE_SECONDS),
                     app_config.cookie_secure ? "; Secure" : ""));
}

void
app_clear_session_cookie(struct req *req)
{
    http_header_add(req, "Set-Cookie",
                    app_config.cookie_secure
                        ? "dx_session=; Path=/; HttpOnly; SameSite=Lax; "
                          "Max-Age=0; Secure"
                        : "dx_session=; Path=/; HttpOnly; SameSite=Lax; "
                          "Max-Age=0");
}

/* A handler's work moved to the hashing pool, and what it needs. */
struct offload {
    struct req *req;
    offload_fn fn;
    void *ctx;
};

/* On a pool thread: the work, then the answer goes out. The thread has
 * its own database connection (app_db's, one per thread). */
static void
run_offloaded(void *arg)
{
    struct offload *o = arg;
    o->fn(o->req, o->ctx);
    if (!o->req->answered) {
        log_error("%s %s: offloaded handler gave no answer", o->req->method,
                  o->req->path);
        http_error(o->req, 500, "internal", NULL, "internal error");
    }
    http_resume(o->req);
}

int
app_offload(struct req *req, offload_fn fn, void *ctx)
{
    if (app_hash_pool == NULL)
        return fn(req, ctx);
    struct offload *o = arena_alloc(&req->arena, sizeof(*o));
    *o = (struct offload){req, fn, ctx};
    if (workq_submit(app_hash_pool, run_offloaded, o) != 0) {
        http_header_add(req, "Retry-After", "1");
        return http_error(req, 503, "busy", NULL,
                          "服务器繁忙，请稍后再试 (too many log-ins at "
                          "once)");
    }
    /* From here the pool thread owns the answer; this one only marks the
     * request as deferred (the HTTP layer then suspends or queues it,
     * under its own lock, whichever of the two threads is first). */
    http_defer(req);
    return 0;
}

int
app_my_teacher(struct req *req, struct db *db, int64_t *id)
{
    *id = 0;
    if (req->user == NULL || !(req->user->role_bit & R_TEACHER))
        return 0;
    int rc = teacher_of_user(db, req->user->user_id, id);
    return rc == ERR_NOTFOUND ? 0 : rc;
}

/* The township rule: a record of the caller's township, or any for a
 * county-wide role. */
static int
in_township(struct req *req, struct db *db, int64_t id, json_t *rec,
            const char *township, bool *ok)
{
    (void)db;
    (void)id;
    (void)rec;
    const char *scope = app_scope(req);
    *ok = scope == NULL || strcmp(scope, township) == 0;
    return 0;
}

/* A session: a teacher sees the sessions it teaches, wherever they are;
 * the others by the township rule. */
static int
session_visible(struct req *req, struct db *db, int64_t id, json_t *rec,
                const char *township, bool *ok)
{
    if (!(req->user->role_bit & R_TEACHER))
        return in_township(req, db, id, rec, township, ok);
    int64_t mine;
    int rc = app_my_teacher(req, db, &mine);
    *ok = rc == 0 && mine != 0 &&
          json_integer_value(json_object_get(rec, "teacher_id")) == mine;
    return rc;
}

/* A teacher record: a teacher sees its own only (its ratings are its
 * own, SPEC §2.8); a school admin the county's teachers, the invited ones
 * and its township's (teacher_in_reach); the county all. */
static int
teacher_visible(struct req *req, struct db *db, int64_t id, json_t *rec,
                const char *township, bool *ok)
{
    (void)rec;
    (void)township;
    if (req->user->role_bit & R_TEACHER) {
        int64_t mine;
        int rc = app_my_teacher(req, db, &mine);
        *ok = rc == 0 && mine != 0 && mine == id;
        return rc;
    }
    const char *scope = app_scope(req);
    *ok = scope == NULL;
    return scope ? teacher_in_reach(db, id, scope, ok) : 0;
}

/* Who sees a record of each kind, declared once: kinds not listed follow
 * the township rule. */
static const struct {
    record_get_fn get;
    int (*visible)(struct req *req, struct db *db, int64_t id, json_t *rec,
                   const char *township, bool *ok);
} scope_rules[] = {
    {class_get, session_visible},
    {teacher_get, teacher_visible},
};

int
app_get_scoped(struct req *req, struct db *db, record_get_fn get, int64_t id,
               const char *what, json_t **out)
{
    char township[16];
    *out = NULL;
    int rc = get(db, id, out, township);
    if (rc == 0 && req->user) {
        bool ok = false;
        int (*visible)(struct req *, struct db *, int64_t, json_t *,
                       const char *, bool *) = in_township;
        for (size_t i = 0; i < sizeof(scope_rules) / sizeof(scope_rules[0]);
             i++)
            if (scope_rules[i].get == get)
                visible = scope_rules[i].visible;
        rc = visible(req, db, id, *out, township, &ok);
        if (rc == 0 && !ok)
            rc = ERR_NOTFOUND;
        if (rc != 0) {
            json_decref(*out);
            *out = NULL;
        }
    }
    if (rc == 0)
        return 0;
    if (rc == ERR_NOTFOUND)
        http_error(req, 404, "not_found", NULL, "no such %s", what);
    else
        app_db_error(req, db);
    return -1;
}

int
app_write_error(struct req *req, struct db *db, int rc,
                const struct field_error *e, const char *what)
{
    if (rc == ERR_INVAL && e)
        return http_error(req, 422, "invalid_field", e->field, "%s", e->why);
    if (rc == ERR_NOTFOUND)
        return http_error(req, 404, "not_found", NULL, "no such %s", what);
    if (rc == ERR_CONFLICT)
        return http_error(req, 409, "conflict", NULL, "%s already exists",
                          what);
    return app_db_error(req, db);
}

int
app_person_visible(struct req *req, struct db *db, int64_t id,
                   bool *visible)
{
    char township[16];
    int rc = person_township(db, id, township);
    *visible = rc == 0 && (app_scope(req) == NULL ||
                           strcmp(app_scope(req), township) == 0);
    return rc == ERR_DB ? ERR_DB : 0;
}

int
app_township_filter(struct req *req, const char **out)
{
    const char *t = req_query(req, "township");
    if (t && *t == '\0')
        t = NULL;
    if (t && app_check_township(req, t) != 0)
        return -1;
    *out = t ? t : app_scope(req);
    return 0;
}

int
app_sessions_scope(struct req *req, struct db *db, struct class_filter *f,
                   bool *empty)
{
    *empty = false;
    if (req_query_int_or_400(req, "school_id", 1, INT64_MAX, 0,
                             &f->school_id) != 0)
        return -1;
    /* Another township's school gives an empty list, as for programs: the
     * township scope still applies. */
    if (!(req->user->role_bit & R_TEACHER))
        return app_township_filter(req, &f->township);
    /* A teacher sees the sessions it teaches, in any township. */
    const char *t = req_query(req, "township");
    f->township = t && *t ? t : NULL;
    int64_t mine;
    if (app_my_teacher(req, db, &mine) != 0) {
        app_db_error(req, db);
        return -1;
    }
    if (mine == 0 || (f->teacher_id && f->teacher_id != mine))
        *empty = true;
    f->teacher_id = mine;
    return 0;
}

int
app_send_sheet(struct req *req, struct db *db, struct sheet *sh,
               const char *base, const char *utf8_name, bool xlsx)
{
    char *buf = NULL;
    size_t len = 0;
    int rc = xlsx ? sheet_xlsx(sh, &buf, &len) : sheet_csv(sh, &buf, &len);
    sheet_free(sh);
    if (rc != 0)
        return app_db_error(req, db);
    strbuf_reset(&req->out);
    strbuf_append(&req->out, buf, len);
    free(buf);
    const char *ext = xlsx ? "xlsx" : "csv";
    http_header_add(
        req, "Content-Disposition",
        utf8_name ? arena_printf(&req->arena,
                                 "attachment; filename=\"%s.%s\"; "
                                 "filename*=UTF-8''%s.%s",
                                 base, ext, utf8_name, ext)
                  : arena_printf(&req->arena,
                                 "attachment; filename=\"%s.%s\"", base,
                                 ext));
    http_header_add(req, "Cache-Control", "no-store");
    return http_body(req, 200,
                     xlsx ? "application/vnd.openxmlformats-officedocument."
                            "spreadsheetml.sheet"
                          : "text/csv; charset=utf-8");
}

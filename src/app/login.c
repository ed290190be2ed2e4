/*
 * login.c - a log-in, for the API and the log-in page alike. It hashes a
 * password (argon2id: tens of milliseconds and 64 MiB each): that part
 * runs on the hashing pool (app_offload), so that a flood of log-ins
 * leaves the HTTP workers free for everyone else. What needs no hashing -
 * a locked name, an address past its limit - is answered at once.
 */
#include "app.h"

/* A log-in under way, in the request's arena. */
struct login_job {
    const char *username, *password;
    login_answer_fn answer;
    void *ctx;
};

/* The log-in itself, on the hashing pool (or inline, see app_login). */
static int
login_run(struct req *req, void *arg)
{
    const struct login_job *l = arg;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who where = app_who(req);
    where.username = l->username;
    struct login_result res;
    if (auth_login(db, &req->arena, l->username, l->password, &where,
                   &res) != 0)
        return app_db_error(req, db);
    if (res.outcome == LOGIN_LOCKED || res.outcome == LOGIN_THROTTLED)
        http_header_add(req, "Retry-After",
                        arena_printf(&req->arena, "%lld",
                                     (long long)res.retry_after));
    return l->answer(req, &res, l->ctx);
}

int
app_login(struct req *req, const char *username, const char *password,
          login_answer_fn answer, void *ctx)
{
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct login_job *l = arena_alloc(&req->arena, sizeof(*l));
    *l = (struct login_job){username, password, answer, ctx};
    /* A locked name or an address past its limit costs no hashing: it is
     * recorded and answered here. */
    if (!auth_login_hashes(db, username, req->ip))
        return login_run(req, l);
    return app_offload(req, login_run, l);
}

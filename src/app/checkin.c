/*
 * checkin.c - a member's own check-in to a session (SPEC §2.5): the
 * window (from checkin_open_minutes before the start to the end), a
 * roster person behind the account, once per session; written directly
 * or through the group-commit writer (attend_queue). The API's
 * POST /api/v1/checkin and the phone's check-in page both come here.
 */
#include "app.h"

#include "../core/err.h"
#include "../core/util.h"
#include "../domain/attend_queue.h"
#include "../domain/classes.h"

int
app_checkin_allowed(struct req *req, struct db *db, int64_t session_id,
                int64_t now)
{
    struct account *a = app_account(req);
    if (a->person_id == 0)
        return http_error(req, 403, "no_person", NULL,
                          "此账号未关联花名册中的人员，请由党校管理员在名单上"
                          "为您签到");
    struct class_brief s;
    int rc = class_brief(db, session_id, &s);
    if (rc != 0)
        return app_write_error(req, db, rc, NULL, "session");
    if (now < s.starts - app_config.checkin_open_minutes * 60 ||
        now > s.ends)
        return http_error(req, 403, "checkin_closed", NULL,
                          "签到时间为开课前 %lld 分钟至下课",
                          (long long)app_config.checkin_open_minutes);
    return 0;
}

static json_t *
attendance_json(int64_t session_id, int64_t person_id,
                const struct attend_result *r)
{
    return json_pack("{s:I, s:I, s:I, s:s, s:s, s:i, s:I, s:s}", "id",
                     (json_int_t)r->id, "session_id", (json_int_t)session_id,
                     "person_id", (json_int_t)person_id, "method", "qr",
                     "day", r->day, "year", r->year, "minutes",
                     (json_int_t)r->minutes, "rule", r->rule);
}

/* Answers a recorded (or refused) check-in. */
static int
checkin_answer(struct req *req, int rc, int64_t session_id,
               int64_t person_id, const struct attend_result *r)
{
    if (rc == 0)
        return http_json(req, 201, attendance_json(session_id, person_id, r));
    if (rc == ERR_CONFLICT)
        return http_error(req, 409, "already_checked_in", NULL,
                          "您已经签到过这次课");
    if (rc == ERR_NOTFOUND)
        return http_error(req, 404, "not_found", NULL, "no such session");
    return http_error(req, 500, "internal", NULL, "internal error");
}

int
app_checkin(struct req *req, int64_t session_id, json_t **out)
{
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    int64_t now = now_unix();
    if (app_checkin_allowed(req, db, session_id, now) != 0)
        return req->status;
    struct account *a = app_account(req);
    struct attend_result r;
    int rc;
    if (attend_queue_running()) {
        rc = attend_queue_submit(session_id, a->person_id, a->id, now, &r);
        if (rc == 0)
            *out = attendance_json(session_id, a->person_id, &r);
    } else {
        struct audit_who who = app_who(req);
        rc = class_attend(db, session_id, a->person_id, "qr", now, &who,
                          out);
    }
    if (rc != 0)
        return checkin_answer(req, rc, session_id, a->person_id, &r);
    return 0;
}

struct pending_checkin {
    struct req *req;
    int64_t session_id, person_id;
};

/* The check-in writer's callback, on its thread: answer the request,
 * then wake its connection. */
static void
checkin_done(void *ctx, int rc, const struct attend_result *r)
{
    struct pending_checkin *p = ctx;
    checkin_answer(p->req, rc, p->session_id, p->person_id, r);
    http_resume(p->req);
}

int
app_checkin_deferred(struct req *req, int64_t session_id)
{
    if (!attend_queue_running()) {
        json_t *v = NULL;
        if (app_checkin(req, session_id, &v) != 0)
            return req->status;
        return http_json(req, 201, v);
    }
    /* Through the group-commit writer, without holding this worker. */
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    int64_t now = now_unix();
    if (app_checkin_allowed(req, db, session_id, now) != 0)
        return req->status;
    struct account *a = app_account(req);
    struct pending_checkin *p = arena_alloc(&req->arena, sizeof(*p));
    *p = (struct pending_checkin){req, session_id, a->person_id};
    http_defer(req);
    attend_queue_submit_async(session_id, a->person_id, a->id, now,
                              checkin_done, p);
    return 0;
}

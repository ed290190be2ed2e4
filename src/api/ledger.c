/*
 * ledger.c - what a class leaves behind:
 *   GET, POST /api/v1/sessions/{id}/notes     questions and discussion
 *   POST /api/v1/notes/{id}/answer, …/void
 *   GET, POST /api/v1/sessions/{id}/photos    the ledger's photos (the
 *                                             body is the image itself)
 *   GET /api/v1/photos/{id}, POST …/void
 *
 * The staff of a session are the admins of its township (and the county's)
 * and its teacher: they read everything, write discussion minutes,
 * answer questions and keep the photos. A trainee enrolled in or present
 * at the session asks questions and reads the questions and answers.
 */
#include "api.h"

#include "../core/err.h"
#include "../core/util.h"
#include "../domain/classes.h"
#include "../domain/ledger.h"

#include <stdlib.h>
#include <string.h>

/* How the caller stands to session id: staff, a participant, or neither
 * (answered 403 when the session is visible at all). 0, or -1 having
 * answered. */
static int
standing(struct req *req, struct db *db, int64_t id, bool *staff,
         bool *participant)
{
    struct account *a = app_account(req);
    const char *role = a->role;
    *staff = *participant = false;
    if (strcmp(role, "county_admin") == 0 ||
        strcmp(role, "school_admin") == 0) {
        json_t *s;
        if (app_get_scoped(req, db, class_get, id, "session", &s) != 0)
            return -1;
        json_decref(s);
        *staff = true;
        return 0;
    }
    struct class_brief c;
    int rc = class_brief(db, id, &c);
    if (rc == ERR_NOTFOUND) {
        http_error(req, 404, "not_found", NULL, "no such session");
        return -1;
    }
    if (rc != 0) {
        app_db_error(req, db);
        return -1;
    }
    int t = strcmp(role, "teacher") == 0 ? ledger_is_teacher(db, id, a->id) : 0;
    int p = a->person_id ? ledger_participant(db, id, a->person_id) : 0;
    if (t < 0 || p < 0) {
        app_db_error(req, db);
        return -1;
    }
    *staff = t > 0;
    *participant = p > 0;
    if (!*staff && !*participant) {
        http_error(req, 403, "not_participant", NULL,
                   "只有本课次的学员、授课教师和管理员可以查看");
        return -1;
    }
    return 0;
}

int
api_notes_list(struct req *req)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    struct db *db = app_db(req);
    bool staff, participant;
    if (db == NULL || standing(req, db, id, &staff, &participant) != 0)
        return req->status;
    const char *kind = req_query(req, "kind");
    if (kind && strcmp(kind, "question") != 0 &&
        strcmp(kind, "discussion") != 0)
        return http_error(req, 400, "invalid_param", "kind",
                          "kind is question or discussion");
    /* Discussion minutes are the staff's record. */
    if (!staff)
        kind = "question";
    json_t *items = json_array();
    if (note_list(db, id, kind, items) != 0) {
        json_decref(items);
        return app_db_error(req, db);
    }
    return api_list_all(req, items);
}

int
api_notes_create(struct req *req)
{
    int64_t id;
    if (req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    json_t *body = req_json_or_400(req);
    const char *kind, *text, *group;
    if (body == NULL ||
        json_str_or_422(req, body, "kind", true, 1, 16, &kind) ||
        json_text_or_422(req, body, "body", true, 1, NOTE_MAX_CHARS, &text) ||
        json_str_or_422(req, body, "group", false, 1, NOTE_GROUP_MAX_CHARS,
                        &group))
        return req->status;
    bool question = strcmp(kind, "question") == 0;
    if (!question && strcmp(kind, "discussion") != 0)
        return http_error(req, 422, "invalid_field", "kind",
                          "kind is question or discussion");
    struct db *db = app_db(req);
    bool staff, participant;
    if (db == NULL || standing(req, db, id, &staff, &participant) != 0)
        return req->status;
    if (question && !participant)
        return http_error(req, 403, "not_participant", NULL,
                          "只有本课次的学员可以提问");
    if (!question && !staff)
        return http_error(req, 403, "forbidden", NULL,
                          "讨论记录由管理员或授课教师填写");
    struct audit_who who = app_who(req);
    struct field_error e;
    int64_t note;
    int rc = note_create(db, id, kind, text, group,
                         question ? app_account(req)->person_id : 0, &who,
                         &note, &e);
    if (rc != 0)
        return app_write_error(req, db, rc, &e, "note");
    return http_json(req, 201,
                     json_pack("{s:I, s:I, s:s}", "id", (json_int_t)note,
                               "session_id", (json_int_t)id, "kind", kind));
}

/* A note the caller keeps as staff: 0 with *note, or -1 having answered. */
static int
staff_note(struct req *req, struct db *db, int64_t *note, char kind[16])
{
    int64_t session;
    if (req_param_id_or_404(req, 0, note) != 0)
        return -1;
    int rc = note_get(db, *note, &session, kind);
    if (rc == ERR_NOTFOUND) {
        http_error(req, 404, "not_found", NULL, "no such note");
        return -1;
    }
    if (rc != 0) {
        app_db_error(req, db);
        return -1;
    }
    bool staff, participant;
    if (standing(req, db, session, &staff, &participant) != 0)
        return -1;
    if (!staff) {
        http_error(req, 403, "forbidden", NULL, "由管理员或授课教师处理");
        return -1;
    }
    return 0;
}

int
api_note_answer(struct req *req)
{
    json_t *body = req_json_or_400(req);
    const char *answer;
    if (body == NULL ||
        json_text_or_422(req, body, "answer", true, 1, NOTE_MAX_CHARS, &answer))
        return req->status;
    struct db *db = app_db(req);
    int64_t id;
    char kind[16];
    if (db == NULL || staff_note(req, db, &id, kind) != 0)
        return req->status;
    if (strcmp(kind, "question") != 0)
        return http_error(req, 409, "not_a_question", NULL, "只有提问可以回答");
    struct audit_who who = app_who(req);
    struct field_error e;
    int rc = note_answer(db, id, answer, &who, &e);
    if (rc != 0)
        return app_write_error(req, db, rc, &e, "note");
    return http_no_content(req);
}

int
api_note_void(struct req *req)
{
    json_t *body = req_json_or_400(req);
    const char *reason;
    if (body == NULL ||
        json_str_or_422(req, body, "reason", true, 1, 200, &reason))
        return req->status;
    struct db *db = app_db(req);
    int64_t id;
    char kind[16];
    if (db == NULL || staff_note(req, db, &id, kind) != 0)
        return req->status;
    struct audit_who who = app_who(req);
    int rc = note_void(db, id, reason, &who);
    if (rc != 0)
        return app_write_error(req, db, rc, NULL, "note");
    return http_no_content(req);
}

/* The staff of session {id}: 0 with *id, or -1 having answered. */
static int
staff_session(struct req *req, struct db *db, int64_t *id)
{
    bool staff, participant;
    if (req_param_id_or_404(req, 0, id) != 0 ||
        standing(req, db, *id, &staff, &participant) != 0)
        return -1;
    if (!staff) {
        http_error(req, 403, "forbidden", NULL,
                   "台账照片由管理员或授课教师管理");
        return -1;
    }
    return 0;
}

int
api_photos_list(struct req *req)
{
    struct db *db = app_db(req);
    int64_t id;
    if (db == NULL || staff_session(req, db, &id) != 0)
        return req->status;
    json_t *items = json_array();
    if (photo_list(db, id, items) != 0) {
        json_decref(items);
        return app_db_error(req, db);
    }
    return api_list_all(req, items);
}

/* Answers a refused photo. */
static int
api_photo_refusal(struct req *req, enum photo_refusal why)
{
    switch (why) {
    case PHOTO_NOT_IMAGE:
        return http_error(req, 415, "unsupported_media_type", NULL,
                          "只收 JPEG、PNG 或 WebP 格式的照片");
    case PHOTO_MISMATCH:
        return http_error(req, 415, "unsupported_media_type", NULL,
                          "声明的格式与文件内容不符");
    case PHOTO_TOO_LARGE:
        return http_error(req, 413, "too_large", NULL, "照片不能超过 %lld KB",
                          (long long)app_config.photo_max_bytes / 1024);
    case PHOTO_CORRUPT:
        return http_error(req, 422, "corrupt_image", NULL,
                          "照片文件不完整或已损坏");
    case PHOTO_FULL:
        return http_error(req, 409, "too_many_photos", NULL,
                          "每个课次最多保存 %lld 张照片",
                          (long long)app_config.photos_per_session);
    case PHOTO_CAPTION:
        return http_error(req, 422, "invalid_param", "caption",
                          "说明最多 100 个字");
    case PHOTO_EMPTY:
        return http_error(req, 400, "empty_body", NULL,
                          "请求中没有照片：请求体应为照片文件本身");
    default:
        return http_error(req, 422, "invalid", NULL, "photo refused");
    }
}

int
api_photos_create(struct req *req)
{
    struct db *db = app_db(req);
    int64_t id;
    if (db == NULL || staff_session(req, db, &id) != 0)
        return req->status;
    /* The declared type, without parameters; media types are
     * case-insensitive (RFC 9110 §8.3.1), the stored one is lower case. */
    const char *ct = req_header(req, "Content-Type");
    char mime[32] = "";
    if (ct)
        str_copy(mime, sizeof(mime), ct);
    mime[strcspn(mime, "; \t")] = '\0';
    for (char *c = mime; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    if (strcmp(mime, "image/jpeg") != 0 && strcmp(mime, "image/png") != 0 &&
        strcmp(mime, "image/webp") != 0)
        return api_photo_refusal(req, PHOTO_NOT_IMAGE);
    struct audit_who who = app_who(req);
    enum photo_refusal why;
    int64_t photo;
    int rc = photo_add(db, id, req->body, req->body_len, mime,
                       req_query(req, "caption"), app_config.photo_max_bytes,
                       app_config.photos_per_session, &who, &photo, &why);
    if (rc == ERR_INVAL)
        return api_photo_refusal(req, why);
    if (rc != 0)
        return app_db_error(req, db);
    json_t *items = json_array();
    if (photo_list(db, id, items) != 0) {
        json_decref(items);
        return app_db_error(req, db);
    }
    json_t *v = NULL;
    for (size_t i = 0; i < json_array_size(items); i++)
        if (json_integer_value(
                json_object_get(json_array_get(items, i), "id")) == photo)
            v = json_incref(json_array_get(items, i));
    json_decref(items);
    return v ? http_json(req, 201, v) : app_db_error(req, db);
}

/* A photo the caller keeps as staff: 0 with its bytes, or -1. */
static int
staff_photo(struct req *req, struct db *db, int64_t *id, char mime[16],
            void **data, size_t *len)
{
    int64_t session;
    *data = NULL;
    if (req_param_id_or_404(req, 0, id) != 0)
        return -1;
    int rc = photo_data(db, *id, &session, mime, data, len);
    if (rc == ERR_NOTFOUND) {
        http_error(req, 404, "not_found", NULL, "no such photo");
        return -1;
    }
    if (rc != 0) {
        app_db_error(req, db);
        return -1;
    }
    bool staff, participant;
    if (standing(req, db, session, &staff, &participant) != 0 || !staff) {
        if (!req->answered)
            http_error(req, 403, "forbidden", NULL,
                       "台账照片由管理员或授课教师管理");
        free(*data);
        *data = NULL;
        return -1;
    }
    return 0;
}

int
api_photo_get(struct req *req)
{
    struct db *db = app_db(req);
    int64_t id;
    char mime[16];
    void *data;
    size_t len;
    if (db == NULL || staff_photo(req, db, &id, mime, &data, &len) != 0)
        return req->status;
    strbuf_reset(&req->out);
    strbuf_append(&req->out, data, len);
    free(data);
    /* Served as stored: the type was checked on upload, and nosniff (sent
     * with every answer) keeps a browser from guessing another. Like every
     * answer to a logged-in caller it is not cached (no-store, server.c):
     * class photos must not stay behind on a shared office computer. */
    return http_body(req, 200, arena_strdup(&req->arena, mime));
}

int
api_photo_void(struct req *req)
{
    json_t *body = req_json_or_400(req);
    const char *reason;
    if (body == NULL ||
        json_str_or_422(req, body, "reason", true, 1, 200, &reason))
        return req->status;
    struct db *db = app_db(req);
    int64_t id;
    char mime[16];
    void *data;
    size_t len;
    if (db == NULL || staff_photo(req, db, &id, mime, &data, &len) != 0)
        return req->status;
    free(data);
    struct audit_who who = app_who(req);
    int rc = photo_void(db, id, reason, &who);
    if (rc != 0)
        return app_write_error(req, db, rc, NULL, "photo");
    return http_no_content(req);
}

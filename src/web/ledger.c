/*
 * ledger.c - what a class leaves behind, on its pages:
 *   - on the admin's session page (programs.c calls web_ledger_sections):
 *     the questions asked in class with a form to answer each, the
 *     group-discussion minutes with a form to add them, and the photos of
 *     the ledger (台账) with an upload form;
 *   - /me/sessions/{id}, a trainee's phone page of a session it is in:
 *     ask a question, read the questions and their answers.
 * The forms post to small handlers here that call the domain (ledger.c)
 * and come back to the page; a refusal comes back as ?ledger=<why>, shown
 * above the sections.
 */
#include "web.h"

#include "i18n.h"
#include "web_int.h"

#include "../app/app.h"
#include "../core/err.h"
#include "../core/util.h"
#include "../domain/classes.h"
#include "../domain/ledger.h"
#include "../domain/rules.h"
#include "../http/html.h"

#include <string.h>

static const struct web_label refusals[] = {
    {"body", "Write between 1 and 2000 characters."},
    {"group", "A group's name has at most 32 characters."},
    {"photo_type", "Only JPEG, PNG or WebP photos are kept."},
    {"photo_size", "The photo is too large."},
    {"photo_corrupt", "The photo file is incomplete or damaged."},
    {"photo_full", "This session already keeps the most photos allowed."},
    {"photo_none", "Choose a photo first."},
    {"caption", "A caption has at most 100 characters."},
    {NULL, NULL},
};

static const char *
refusal(struct req *req)
{
    const char *code = req_query(req, "ledger");
    for (const struct web_label *l = refusals; code && l->code; l++)
        if (strcmp(l->code, code) == 0)
            return T(l->label);
    return NULL;
}

/* The questions, each with its answer (or, for staff, a form). */
static void
questions(struct req *req, json_t *items, bool staff, int64_t sid)
{
    struct strbuf *o = &req->out;
    html_raw(o, "<ul id=\"questions\" class=\"notes\">");
    size_t i;
    json_t *n;
    json_array_foreach(items, i, n)
    {
        long long id = (long long)json_integer_value(json_object_get(n, "id"));
        strbuf_printf(o, "<li id=\"note-%lld\"><p class=\"ask\">", id);
        html_txt(o, web_jstr(n, "body"));
        html_raw(o, "</p><small>");
        if (staff && web_jstr(n, "asked_by")) {
            html_txt(o, web_jstr(n, "asked_by"));
            html_raw(o, " · ");
        }
        html_txt(o, web_local_time(req, web_jstr(n, "created_at")));
        html_raw(o, "</small>");
        const char *answer = web_jstr(n, "answer");
        if (answer) {
            html_raw(o, "<p class=\"answer\">");
            html_txt(o, answer);
            html_raw(o, "</p>");
        }
        if (staff) {
            strbuf_printf(o,
                          "<form method=\"post\" class=\"answer-form\" "
                          "action=\"/notes/%lld/answer\">",
                          id);
            web_csrf(req);
            strbuf_printf(o,
                          "<input type=\"hidden\" name=\"session\" "
                          "value=\"%lld\"><textarea name=\"answer\" "
                          "rows=\"2\" maxlength=\"2000\" required>",
                          (long long)sid);
            html_txt(o, answer ? answer : "");
            html_raw(o, "</textarea><button type=\"submit\">");
            html_txt(o, answer ? T("Change the answer") : T("Answer"));
            html_raw(o, "</button></form>");
        }
        html_raw(o, "</li>");
    }
    if (json_array_size(items) == 0) {
        html_raw(o, "<li class=\"muted\">");
        html_txt(o, T("No questions yet."));
        html_raw(o, "</li>");
    }
    html_raw(o, "</ul>");
}

int
web_ledger_sections(struct req *req, struct db *db, int64_t sid)
{
    json_t *qs = web_owned(req, json_array());
    json_t *ds = web_owned(req, json_array());
    json_t *ps = web_owned(req, json_array());
    if (note_list(db, sid, "question", qs) != 0 ||
        note_list(db, sid, "discussion", ds) != 0 ||
        photo_list(db, sid, ps) != 0)
        return app_db_error(req, db);
    struct strbuf *o = &req->out;
    html_raw(o, "<section id=\"ledger\">");
    const char *err = refusal(req);
    if (err) {
        html_raw(o, "<p class=\"form-error\" role=\"alert\" "
                    "id=\"ledger-error\">");
        html_txt(o, err);
        html_raw(o, "</p>");
    }
    html_raw(o, "<h2>");
    html_txt(o, T("Questions in class"));
    html_raw(o, "</h2>");
    questions(req, qs, true, sid);

    html_raw(o, "<h2>");
    html_txt(o, T("Group discussion"));
    html_raw(o, "</h2><ul id=\"discussions\" class=\"notes\">");
    size_t i;
    json_t *n;
    json_array_foreach(ds, i, n)
    {
        html_raw(o, "<li>");
        if (web_jstr(n, "group")) {
            html_raw(o, "<strong>");
            html_txt(o, web_jstr(n, "group"));
            html_raw(o, "</strong> ");
        }
        html_txt(o, web_jstr(n, "body"));
        html_raw(o, "</li>");
    }
    html_raw(o, "</ul>");
    web_form_begin(
        req, "discussion-form",
        arena_printf(&req->arena, "/sessions/%lld/notes", (long long)sid));
    web_input(req, "group", "Group", NULL, "text", NULL);
    html_raw(o, "<label>");
    html_txt(o, T("Minutes"));
    html_raw(o, "<textarea name=\"body\" rows=\"4\" maxlength=\"2000\" "
                "required></textarea></label>");
    web_form_end(req, T("Add the minutes"), NULL);

    html_raw(o, "<h2>");
    html_txt(o, T("Photos for the ledger"));
    html_raw(o, "</h2><div id=\"photos\" class=\"photos\">");
    json_t *p;
    json_array_foreach(ps, i, p)
    {
        long long id = (long long)json_integer_value(json_object_get(p, "id"));
        strbuf_printf(o,
                      "<figure><a href=\"/api/v1/photos/%lld\">"
                      "<img src=\"/api/v1/photos/%lld\" alt=\"\" "
                      "loading=\"lazy\"></a><figcaption>",
                      id, id);
        html_txt(o, web_jstr(p, "caption"));
        strbuf_printf(
            o, " <small>%lld×%lld</small></figcaption></figure>",
            (long long)json_integer_value(json_object_get(p, "width")),
            (long long)json_integer_value(json_object_get(p, "height")));
    }
    html_raw(o, "</div>");
    strbuf_printf(o,
                  "<form id=\"photo-form\" class=\"form\" method=\"post\" "
                  "action=\"/sessions/%lld/photos\" "
                  "enctype=\"multipart/form-data\">",
                  (long long)sid);
    web_csrf(req);
    html_raw(o, "<label>");
    html_txt(o, T("Photo (JPEG, PNG or WebP)"));
    html_raw(o, "<input type=\"file\" name=\"photo\" "
                "accept=\"image/jpeg,image/png,image/webp\"></label><label>");
    html_txt(o, T("Caption"));
    html_raw(o, "<input name=\"caption\" maxlength=\"100\"></label>"
                "<button type=\"submit\">");
    html_txt(o, T("Upload"));
    html_raw(o, "</button></form></section>");
    return 0;
}

/* Back to the session's page, with the refusal if any. */
static int
back(struct req *req, int64_t sid, const char *why, const char *anchor)
{
    return http_redirect(
        req, arena_printf(&req->arena, "/sessions/%lld%s%s#%s", (long long)sid,
                          why ? "?ledger=" : "", why ? why : "", anchor));
}

/* The session of the path, in the admin's township: 0 with *sid, or -1
 * having answered 404. */
static int
admin_session(struct req *req, struct db *db, int64_t *sid)
{
    json_t *s;
    if (req_param_id_or_404(req, 0, sid) != 0 ||
        app_get_scoped(req, db, class_get, *sid, "session", &s) != 0)
        return -1;
    json_decref(s);
    return 0;
}

int
web_session_note(struct req *req)
{
    struct db *db = app_db(req);
    int64_t sid;
    if (db == NULL || admin_session(req, db, &sid) != 0)
        return req->status;
    const char *group = req_form(req, "group");
    if (group && *group == '\0')
        group = NULL;
    struct audit_who who = app_who(req);
    struct field_error e;
    int64_t id;
    int rc = note_create(db, sid, "discussion", req_form(req, "body"), group, 0,
                         &who, &id, &e);
    if (rc == ERR_INVAL)
        return back(req, sid, strcmp(e.field, "group") == 0 ? "group" : "body",
                    "ledger");
    if (rc != 0)
        return app_db_error(req, db);
    return back(req, sid, NULL, "discussions");
}

int
web_note_answer(struct req *req)
{
    struct db *db = app_db(req);
    int64_t id, sid;
    char kind[16];
    if (db == NULL || req_param_id_or_404(req, 0, &id) != 0)
        return req->status;
    int rc = note_get(db, id, &sid, kind);
    if (rc == ERR_NOTFOUND || (rc == 0 && strcmp(kind, "question") != 0))
        return http_error(req, 404, "not_found", NULL, "%s",
                          T("No such question."));
    if (rc != 0)
        return app_db_error(req, db);
    json_t *s;
    if (app_get_scoped(req, db, class_get, sid, "session", &s) != 0)
        return req->status;
    json_decref(s);
    struct audit_who who = app_who(req);
    struct field_error e;
    rc = note_answer(db, id, req_form(req, "answer"), &who, &e);
    if (rc == ERR_INVAL)
        return back(req, sid, "body", "ledger");
    if (rc != 0)
        return app_db_error(req, db);
    return back(req, sid, NULL, "questions");
}

int
web_session_photo(struct req *req)
{
    struct db *db = app_db(req);
    int64_t sid;
    if (db == NULL || admin_session(req, db, &sid) != 0)
        return req->status;
    const char *data, *cap;
    size_t len, caplen;
    if (req_multipart_file(req, "photo", &data, &len) != 0 || len == 0)
        return back(req, sid, "photo_none", "ledger");
    char caption[512] = "";
    if (req_multipart_file(req, "caption", &cap, &caplen) == 0) {
        if (caplen >= sizeof(caption))
            return back(req, sid, "caption", "ledger");
        memcpy(caption, cap, caplen);
        caption[caplen] = '\0';
    }
    struct audit_who who = app_who(req);
    enum photo_refusal why;
    int64_t id;
    /* A browser's part type comes from the file name: the bytes decide. */
    int rc =
        photo_add(db, sid, data, len, NULL, caption, app_config.photo_max_bytes,
                  app_config.photos_per_session, &who, &id, &why);
    if (rc == ERR_INVAL) {
        static const char *const codes[] = {
            [PHOTO_NOT_IMAGE] = "photo_type", [PHOTO_MISMATCH] = "photo_type",
            [PHOTO_TOO_LARGE] = "photo_size", [PHOTO_CORRUPT] = "photo_corrupt",
            [PHOTO_FULL] = "photo_full",      [PHOTO_CAPTION] = "caption",
            [PHOTO_EMPTY] = "photo_none",
        };
        return back(req, sid,
                    why < sizeof(codes) / sizeof(codes[0]) && codes[why]
                        ? codes[why]
                        : "photo_type",
                    "ledger");
    }
    if (rc != 0)
        return app_db_error(req, db);
    return back(req, sid, NULL, "photos");
}

/* --- a trainee's page of a session -------------------------------------- */

/* The session of the path if the trainee takes part in it: 0 with *s, or
 * -1 having answered. */
static int
my_session(struct req *req, struct db *db, int64_t *sid, json_t **s)
{
    struct account *a = app_account(req);
    char tw[16];
    if (req_param_id_or_404(req, 0, sid) != 0)
        return -1;
    int in = a->person_id ? ledger_participant(db, *sid, a->person_id) : 0;
    if (in < 0) {
        app_db_error(req, db);
        return -1;
    }
    if (in == 0 || class_get(db, *sid, s, tw) != 0) {
        http_error(req, 404, "not_found", NULL, "%s",
                   T("You are not in this session."));
        return -1;
    }
    web_owned(req, *s);
    return 0;
}

int
web_my_session(struct req *req)
{
    struct db *db = app_db(req);
    int64_t sid;
    json_t *s;
    if (db == NULL || my_session(req, db, &sid, &s) != 0)
        return req->status;
    json_t *qs = web_owned(req, json_array());
    if (note_list(db, sid, "question", qs) != 0)
        return app_db_error(req, db);
    const char *title = web_jstr(s, "course_title");
    if (title == NULL)
        title = web_jstr(s, "program_title");
    web_page_begin(req, title, "/me/schedule");
    struct strbuf *o = &req->out;
    html_raw(o, "<section class=\"phone\"><h1>");
    html_txt(o, title);
    html_raw(o, "</h1><p class=\"meta\">");
    html_txt(o, web_local_time(req, web_jstr(s, "starts_at")));
    if (web_jstr(s, "teacher_name")) {
        html_raw(o, " · ");
        html_txt(o, web_jstr(s, "teacher_name"));
    }
    html_raw(o, "</p>");
    const char *err = refusal(req);
    if (err) {
        html_raw(o, "<p class=\"form-error\" role=\"alert\">");
        html_txt(o, err);
        html_raw(o, "</p>");
    }
    web_form_begin(
        req, "ask-form",
        arena_printf(&req->arena, "/me/sessions/%lld/ask", (long long)sid));
    html_raw(o, "<label>");
    html_txt(o, T("Ask the teacher"));
    html_raw(o, "<textarea name=\"body\" rows=\"3\" maxlength=\"2000\" "
                "required></textarea></label>");
    web_form_end(req, T("Ask"), NULL);
    html_raw(o, "<h2>");
    html_txt(o, T("Questions in class"));
    html_raw(o, "</h2>");
    questions(req, qs, false, sid);
    html_raw(o, "</section>");
    return web_page_end(req);
}

int
web_my_session_ask(struct req *req)
{
    struct db *db = app_db(req);
    int64_t sid;
    json_t *s;
    if (db == NULL || my_session(req, db, &sid, &s) != 0)
        return req->status;
    struct audit_who who = app_who(req);
    struct field_error e;
    int64_t id;
    int rc = note_create(db, sid, "question", req_form(req, "body"), NULL,
                         app_account(req)->person_id, &who, &id, &e);
    if (rc != 0 && rc != ERR_INVAL)
        return app_db_error(req, db);
    return http_redirect(req, arena_printf(&req->arena, "/me/sessions/%lld%s",
                                           (long long)sid,
                                           rc ? "?ledger=body" : ""));
}

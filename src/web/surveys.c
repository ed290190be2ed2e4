/*
 * surveys.c - questionnaire pages (需求调研). Admins: /surveys (list),
 * /surveys/new (the builder), /surveys/{id} (publish, close, results as
 * charts and tables, .xlsx). Trainees on a phone: /me/surveys and
 * /me/surveys/{id} (answer once).
 *
 * The builder works without script: "add a question" is a submit button
 * that renders the form again with one more row, keeping what was typed.
 */
#include "web.h"

#include "i18n.h"
#include "web_int.h"

#include "../app/app.h"
#include "../core/err.h"
#include "../core/util.h"
#include "../domain/org.h"
#include "../domain/rules.h"
#include "../domain/survey.h"
#include "../http/html.h"

#include <stdlib.h>
#include <string.h>

static const struct web_label statuses[] = {
    {"draft", "Draft"},
    {"published", "Open"},
    {"closed", "Closed"},
};
static const struct web_label kinds[] = {
    {"single", "Single choice"},
    {"multi", "Multiple choice"},
    {"text", "Free text"},
};

static const char *
label_of(struct req *req, const char *code, int which)
{
    size_t n = which ? sizeof(kinds) / sizeof(kinds[0])
                     : sizeof(statuses) / sizeof(statuses[0]);
    for (size_t i = 0; i < n; i++) {
        const char *c = which ? kinds[i].code : statuses[i].code;
        if (code && strcmp(c, code) == 0)
            return T(which ? kinds[i].label : statuses[i].label);
    }
    return code ? code : "";
}

static const char *
audience(struct req *req, json_t *s)
{
    const char *name = web_jstr(s, "township_name");
    return name ? name : T("The whole county");
}

/* --- the list --------------------------------------------------------- */

int
web_surveys(struct req *req)
{
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    json_t *items = json_array();
    if (survey_list(db, app_scope(req), items) != 0) {
        json_decref(items);
        return app_db_error(req, db);
    }
    web_page_begin(req, T("Questionnaires"), "/surveys");
    struct strbuf *o = &req->out;
    html_raw(o, "<h1>");
    html_txt(o, T("Questionnaires"));
    html_raw(o, "</h1><p><a class=\"button\" id=\"new-survey\" "
                "href=\"/surveys/new\">");
    html_txt(o, T("New questionnaire"));
    html_raw(o, "</a></p><table id=\"survey-table\"><thead><tr>");
    web_th(req, "Title");
    web_th(req, "Audience");
    web_th(req, "Status");
    web_th(req, "Questions");
    web_th(req, "Responses");
    web_th(req, "Closes");
    html_raw(o, "</tr></thead><tbody>");
    size_t i;
    json_t *s;
    json_array_foreach(items, i, s)
    {
        strbuf_printf(o, "<tr><td><a href=\"/surveys/%lld\">",
                      (long long)json_integer_value(json_object_get(s, "id")));
        html_txt(o, web_jstr(s, "title"));
        html_raw(o, "</a></td>");
        web_td(req, audience(req, s));
        web_td(req, label_of(req, web_jstr(s, "status"), 0));
        strbuf_printf(
            o, "<td>%lld</td><td>%lld</td>",
            (long long)json_integer_value(json_object_get(s, "questions")),
            (long long)json_integer_value(json_object_get(s, "responses")));
        const char *c = web_local_time(req, web_jstr(s, "closes_at"));
        web_td(req, *c ? c : "—");
        html_raw(o, "</tr>");
    }
    if (json_array_size(items) == 0) {
        html_raw(o, "<tr><td colspan=\"6\">");
        html_txt(o, T("No questionnaires yet."));
        html_raw(o, "</td></tr>");
    }
    html_raw(o, "</tbody></table>");
    json_decref(items);
    return web_page_end(req);
}

/* --- the builder ------------------------------------------------------ */

struct qrow {
    const char *kind, *text, *options;
    bool required;
    const char *err;
};

struct survey_form {
    const char *title, *intro, *township, *closes;
    int n;
    struct qrow q[SURVEY_MAX_QUESTIONS];
    const char *err_field, *err;
};

static void
builder_page(struct req *req, int status, struct survey_form *f)
{
    struct db *db = app_db(req);
    json_t *tws = json_array();
    int64_t total;
    if (db && app_scope(req) == NULL)
        org_townships(db, 1, 100, tws, &total);
    web_page_begin(req, T("New questionnaire"), "/surveys");
    struct strbuf *o = &req->out;
    html_raw(o, "<h1>");
    html_txt(o, T("New questionnaire"));
    html_raw(o, "</h1>");
    web_form_begin(req, "survey-form", "/surveys");
    web_input(req, "title", "Title", f->title, "text",
              web_err_for(f->err_field, f->err, "title"));
    html_raw(o, "<label>");
    html_txt(o, T("Introduction"));
    html_raw(o, "<textarea name=\"intro\" rows=\"2\" maxlength=\"500\">");
    html_txt(o, f->intro ? f->intro : "");
    html_raw(o, "</textarea></label>");
    web_field_error(req, web_err_for(f->err_field, f->err, "intro"));
    if (app_scope(req) == NULL)
        web_code_select(req, "township_code", "Audience", tws,
                        T("The whole county"), f->township,
                        web_err_for(f->err_field, f->err, "township_code"));
    web_input(req, "closes_at", "Closes (optional)", f->closes,
              "datetime-local", web_err_for(f->err_field, f->err, "closes_at"));
    web_field_error(req, web_err_for(f->err_field, f->err, "questions"));
    strbuf_printf(o, "<input type=\"hidden\" name=\"n\" value=\"%d\">", f->n);
    for (int i = 0; i < f->n; i++) {
        struct qrow *q = &f->q[i];
        strbuf_printf(o, "<fieldset class=\"question\" id=\"q%d\"><legend>", i);
        html_txt(o, T("Question"));
        strbuf_printf(o, " %d</legend><label>", i + 1);
        html_txt(o, T("Kind"));
        strbuf_printf(o, " <select name=\"q%d_kind\">", i);
        for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
            web_select_option(req, kinds[k].code, T(kinds[k].label),
                              q->kind ? q->kind : "single");
        strbuf_printf(o, "</select></label><label>");
        html_txt(o, T("Question text"));
        strbuf_printf(o,
                      " <input name=\"q%d_text\" maxlength=\"200\" "
                      "value=\"",
                      i);
        html_attr(o, q->text ? q->text : "");
        html_raw(o, "\"></label><label>");
        html_txt(o, T("Choices, one per line (not for free text)"));
        strbuf_printf(o, "<textarea name=\"q%d_options\" rows=\"4\">", i);
        html_txt(o, q->options ? q->options : "");
        strbuf_printf(o,
                      "</textarea></label><label class=\"check\">"
                      "<input type=\"checkbox\" name=\"q%d_required\" "
                      "value=\"1\"%s> ",
                      i, q->required ? " checked" : "");
        html_txt(o, T("Must be answered"));
        html_raw(o, "</label>");
        web_field_error(req, q->err);
        html_raw(o, "</fieldset>");
    }
    if (f->n < SURVEY_MAX_QUESTIONS) {
        html_raw(o, "<p><button type=\"submit\" name=\"add\" value=\"1\" "
                    "class=\"secondary\" id=\"add-question\">");
        html_txt(o, T("Add a question"));
        html_raw(o, "</button></p>");
    }
    web_form_end(req, T("Save as draft"), NULL);
    json_decref(tws);
    web_page_end(req);
    req->status = status;
}

int
web_survey_new(struct req *req)
{
    struct survey_form f = {.n = 3};
    for (int i = 0; i < f.n; i++)
        f.q[i].required = true;
    builder_page(req, 200, &f);
    return req->status;
}

/* Splits one choice per line into a JSON array, skipping blank lines. */
static json_t *
lines(const char *text)
{
    json_t *a = json_array();
    const char *p = text ? text : "";
    while (*p) {
        const char *end = p + strcspn(p, "\r\n");
        const char *s = p, *e = end;
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        if (e > s)
            json_array_append_new(a, json_stringn(s, (size_t)(e - s)));
        p = end + strspn(end, "\r\n");
    }
    return a;
}

int
web_survey_create(struct req *req)
{
    struct survey_form f = {
        .title = req_form(req, "title"),
        .intro = req_form(req, "intro"),
        .township = req_form(req, "township_code"),
        .closes = req_form(req, "closes_at"),
    };
    const char *n = req_form(req, "n");
    f.n = n ? atoi(n) : 3;
    if (f.n < 1 || f.n > SURVEY_MAX_QUESTIONS)
        f.n = 3;
    for (int i = 0; i < f.n; i++) {
        char name[24];
        str_fmt(name, sizeof(name), "q%d_kind", i);
        f.q[i].kind = req_form(req, name);
        str_fmt(name, sizeof(name), "q%d_text", i);
        f.q[i].text = req_form(req, name);
        str_fmt(name, sizeof(name), "q%d_options", i);
        f.q[i].options = req_form(req, name);
        str_fmt(name, sizeof(name), "q%d_required", i);
        f.q[i].required = req_form(req, name) != NULL;
    }
    if (req_form(req, "add")) {
        if (f.n < SURVEY_MAX_QUESTIONS)
            f.q[f.n++].required = true;
        builder_page(req, 200, &f);
        return req->status;
    }
    /* The definition the API takes; rows left empty are skipped, and
     * row[] maps a question back to its row for the error. */
    int row[SURVEY_MAX_QUESTIONS], nq = 0;
    json_t *qs = json_array();
    for (int i = 0; i < f.n; i++) {
        struct qrow *q = &f.q[i];
        json_t *opts = lines(q->options);
        bool text = q->kind && strcmp(q->kind, "text") == 0;
        if ((q->text == NULL || *q->text == '\0') &&
            (text || json_array_size(opts) == 0)) {
            json_decref(opts);
            continue;
        }
        json_t *o =
            json_pack("{s:s, s:s, s:b}", "kind", q->kind ? q->kind : "", "text",
                      q->text ? q->text : "", "required", q->required);
        if (o == NULL) { /* not UTF-8 */
            json_decref(opts);
            q->err = T("Not valid.");
            json_decref(qs);
            builder_page(req, 422, &f);
            return req->status;
        }
        if (!text)
            json_object_set(o, "options", opts);
        json_decref(opts);
        json_array_append_new(qs, o);
        row[nq++] = i;
    }
    json_t *def = json_pack("{s:s?, s:s?, s:O}", "title", f.title, "intro",
                            f.intro, "questions", qs);
    json_decref(qs);
    int64_t closes_at = 0;
    const char *township = app_scope(req);
    if (township == NULL && f.township && *f.township)
        township = f.township;
    if (def == NULL) {
        f.err_field = "title";
        f.err = T("Not valid.");
    } else if (f.closes && *f.closes &&
               rules_parse_time(f.closes, &closes_at) != 0) {
        f.err_field = "closes_at";
        f.err = T("Give a date and time.");
    }
    struct db *db = f.err ? NULL : app_db(req);
    if (f.err == NULL && db == NULL) {
        json_decref(def);
        return req->status;
    }
    int rc = ERR_INVAL;
    int64_t id = 0;
    /* Out here: e.e.field may point into e.field, and the form below
     * shows it. */
    struct survey_error e;
    if (db) {
        struct audit_who who = app_who(req);
        rc = survey_create(db, def, township, closes_at, &who, &id, &e);
        if (rc == ERR_INVAL) {
            f.err_field = e.e.field;
            f.err = web_why(req, e.e.why);
            /* "questions[k]…" goes under row row[k]. */
            int k;
            if (sscanf(e.e.field, "questions[%d]", &k) == 1 && k >= 0 &&
                k < nq) {
                f.q[row[k]].err = f.err;
                f.err_field = NULL;
            }
        }
    }
    json_decref(def);
    if (rc == 0)
        return http_redirect(
            req, arena_printf(&req->arena, "/surveys/%lld", (long long)id));
    if (rc != ERR_INVAL)
        return app_db_error(req, db);
    builder_page(req, 422, &f);
    return req->status;
}

/* --- one survey: state and results ------------------------------------ */

/* The survey for an admin: its own township's or the county's. 0, or -1
 * having answered. */
static int
admin_survey(struct req *req, struct db *db, int64_t *id, json_t **s,
             char tw[16])
{
    if (req_param_id_or_404(req, 0, id) != 0)
        return -1;
    const char *scope = app_scope(req);
    int rc = survey_get(db, *id, scope, s, tw);
    if (rc == 0 && tw[0] && scope && strcmp(scope, tw) != 0) {
        json_decref(*s);
        rc = ERR_NOTFOUND;
    }
    if (rc == ERR_NOTFOUND) {
        http_error(req, 404, "not_found", NULL, "%s",
                   T("No such questionnaire."));
        return -1;
    }
    if (rc != 0) {
        app_db_error(req, db);
        return -1;
    }
    return 0;
}

static void
state_button(struct req *req, int64_t id, const char *action, const char *label)
{
    struct strbuf *o = &req->out;
    strbuf_printf(o,
                  "<form method=\"post\" class=\"inline\" "
                  "action=\"/surveys/%lld/%s\">",
                  (long long)id, action);
    web_csrf(req);
    html_raw(o, "<button type=\"submit\" id=\"");
    html_attr(o, action);
    html_raw(o, "\">");
    html_txt(o, label);
    html_raw(o, "</button></form>");
}

static void
results(struct req *req, json_t *r, const char *filter)
{
    struct strbuf *o = &req->out;
    size_t i, j;
    json_t *q, *x;
    json_array_foreach(json_object_get(r, "question_list"), i, q)
    {
        json_int_t answered =
            json_integer_value(json_object_get(q, "answered"));
        strbuf_printf(o,
                      "<section class=\"result\" id=\"result-%zu\"><h3>"
                      "%zu. ",
                      i + 1, i + 1);
        html_txt(o, web_jstr(q, "text"));
        html_raw(o, " <small>");
        html_txt(o, label_of(req, web_jstr(q, "kind"), 1));
        html_raw(o, " · ");
        strbuf_printf(o, "%lld ", (long long)answered);
        html_txt(o, T("answered"));
        html_raw(o, "</small></h3>");
        json_t *opts = json_object_get(q, "options");
        if (json_array_size(opts)) {
            json_t *labels = json_array(), *values = json_array();
            json_array_foreach(opts, j, x)
            {
                json_array_append(labels, json_object_get(x, "label"));
                json_array_append(values, json_object_get(x, "count"));
            }
            web_chart(req, arena_printf(&req->arena, "chart-%zu", i + 1),
                      json_pack("{s:s, s:o, s:o}", "type", "bar", "labels",
                                labels, "values", values));
            html_raw(o, "<table class=\"counts\"><thead><tr>");
            web_th(req, "Choice");
            web_th(req, "Persons");
            web_th(req, "Share");
            html_raw(o, "</tr></thead><tbody>");
            json_array_foreach(opts, j, x)
            {
                json_int_t n = json_integer_value(json_object_get(x, "count"));
                html_raw(o, "<tr>");
                web_td(req, web_jstr(x, "label"));
                strbuf_printf(o, "<td>%lld</td>", (long long)n);
                if (answered)
                    strbuf_printf(o, "<td>%.1f%%</td>",
                                  100.0 * (double)n / (double)answered);
                else
                    html_raw(o, "<td>—</td>");
                html_raw(o, "</tr>");
            }
            html_raw(o, "</tbody></table>");
        }
        json_t *texts = json_object_get(q, "answers");
        if (texts) {
            html_raw(o, "<ul class=\"answers\">");
            json_array_foreach(texts, j, x)
            {
                html_raw(o, "<li>");
                html_txt(o, web_jstr(x, "text"));
                if (filter == NULL) {
                    html_raw(o, " <small>");
                    html_txt(o, web_jstr(x, "township"));
                    html_raw(o, "</small>");
                }
                html_raw(o, "</li>");
            }
            if (json_array_size(texts) == 0) {
                html_raw(o, "<li class=\"muted\">");
                html_txt(o, T("No answers yet."));
                html_raw(o, "</li>");
            }
            html_raw(o, "</ul>");
        }
        html_raw(o, "</section>");
    }
}

int
web_survey(struct req *req)
{
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    int64_t id;
    json_t *s;
    char tw[16];
    if (admin_survey(req, db, &id, &s, tw) != 0)
        return req->status;
    json_decref(s);
    const char *t = req_query(req, "township");
    if (t && *t == '\0')
        t = NULL;
    if (t && app_check_township(req, t) != 0)
        return req->status;
    if (t == NULL)
        t = app_scope(req);
    json_t *r;
    if (survey_results(db, id, t, &r) != 0)
        return app_db_error(req, db);
    const char *status = web_jstr(r, "status");
    web_page_begin(req, web_jstr(r, "title"), "/surveys");
    struct strbuf *o = &req->out;
    html_raw(o, "<section class=\"report survey\"><h1>");
    html_txt(o, web_jstr(r, "title"));
    html_raw(o, "</h1><p class=\"meta\"><span id=\"survey-status\">");
    html_txt(o, label_of(req, status, 0));
    html_raw(o, "</span> · ");
    html_txt(o, audience(req, r));
    const char *closes = web_local_time(req, web_jstr(r, "closes_at"));
    if (*closes) {
        html_raw(o, " · ");
        html_txt(o, T("Closes"));
        html_raw(o, " ");
        html_txt(o, closes);
    }
    html_raw(o, "</p>");
    if (web_jstr(r, "intro") && *web_jstr(r, "intro")) {
        html_raw(o, "<p>");
        html_txt(o, web_jstr(r, "intro"));
        html_raw(o, "</p>");
    }
    /* Only the survey's own level manages it. */
    bool manages = app_scope(req) == NULL || tw[0];
    html_raw(o, "<div class=\"actions noprint\">");
    if (manages && strcmp(status, "draft") == 0)
        state_button(req, id, "publish", T("Publish"));
    if (manages && strcmp(status, "published") == 0)
        state_button(req, id, "close", T("Close"));
    html_raw(o, "</div>");
    if (tw[0] == '\0' && app_scope(req) == NULL) {
        json_t *tws = json_array();
        int64_t total;
        org_townships(db, 1, 100, tws, &total);
        strbuf_printf(o,
                      "<form class=\"filters noprint\" method=\"get\" "
                      "action=\"/surveys/%lld\">",
                      (long long)id);
        web_code_select(req, "township", "Township", tws, T("The whole county"),
                        t, NULL);
        html_raw(o, "<button type=\"submit\">");
        html_txt(o, T("Show"));
        html_raw(o, "</button></form>");
        json_decref(tws);
    }
    html_raw(o, "<div class=\"figures\">");
    html_raw(o, "<div class=\"figure\"><span class=\"label\">");
    html_txt(o, T("Responses"));
    strbuf_printf(
        o,
        "</span><span class=\"value\" id=\"responses\">%lld"
        "</span></div></div>",
        (long long)json_integer_value(json_object_get(r, "responses")));
    results(req, r, t);
    strbuf_printf(o,
                  "<p class=\"noprint\"><a id=\"survey-xlsx\" "
                  "href=\"/api/v1/surveys/%lld/results.xlsx",
                  (long long)id);
    if (t) {
        html_raw(o, "?township=");
        html_attr(o, t);
    }
    html_raw(o, "\">");
    html_txt(o, T("Export .xlsx"));
    html_raw(o, "</a></p></section>");
    json_decref(r);
    return web_page_end_charts(req);
}

static int
set_state(struct req *req,
          int (*fn)(struct db *, int64_t, const struct audit_who *))
{
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    int64_t id;
    json_t *s;
    char tw[16];
    if (admin_survey(req, db, &id, &s, tw) != 0)
        return req->status;
    json_decref(s);
    if (app_check_township(req, tw[0] ? tw : NULL) != 0)
        return req->status;
    struct audit_who who = app_who(req);
    int rc = fn(db, id, &who);
    if (rc != 0 && rc != ERR_CONFLICT) /* a second click changes nothing */
        return app_db_error(req, db);
    return http_redirect(
        req, arena_printf(&req->arena, "/surveys/%lld", (long long)id));
}

int
web_survey_publish(struct req *req)
{
    return set_state(req, survey_publish);
}

int
web_survey_close(struct req *req)
{
    return set_state(req, survey_close);
}

/* --- trainees: answer on a phone --------------------------------------- */

int
web_my_surveys(struct req *req)
{
    struct account *a = app_account(req);
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    json_t *items = json_array();
    int rc = a->person_id ? survey_open_for(db, app_keys, a->person_id,
                                            now_unix(), items)
                          : 0;
    if (rc != 0 && rc != ERR_NOTFOUND) {
        json_decref(items);
        return app_db_error(req, db);
    }
    web_page_begin(req, T("Questionnaires"), "/me/surveys");
    struct strbuf *o = &req->out;
    html_raw(o, "<section class=\"phone\"><h1>");
    html_txt(o, T("Questionnaires"));
    html_raw(o, "</h1><ul id=\"my-surveys\" class=\"cards\">");
    size_t i;
    json_t *s;
    json_array_foreach(items, i, s)
    {
        bool done = json_is_true(json_object_get(s, "answered"));
        strbuf_printf(o, "<li><a href=\"/me/surveys/%lld\"><strong>",
                      (long long)json_integer_value(json_object_get(s, "id")));
        html_txt(o, web_jstr(s, "title"));
        html_raw(o, "</strong></a><br><small>");
        html_txt(o, done ? T("Answered, thank you") : T("Not answered yet"));
        const char *c = web_local_time(req, web_jstr(s, "closes_at"));
        if (*c) {
            html_raw(o, " · ");
            html_txt(o, T("Closes"));
            html_raw(o, " ");
            html_txt(o, c);
        }
        html_raw(o, "</small></li>");
    }
    if (json_array_size(items) == 0) {
        html_raw(o, "<li class=\"muted\">");
        html_txt(o, T("No questionnaire is open for you."));
        html_raw(o, "</li>");
    }
    html_raw(o, "</ul></section>");
    json_decref(items);
    return web_page_end(req);
}

/* The survey if it is open to the trainee: 0, or -1 having answered. */
static int
open_survey(struct req *req, struct db *db, int64_t *id, json_t **s,
            bool *answered)
{
    struct account *a = app_account(req);
    if (req_param_id_or_404(req, 0, id) != 0)
        return -1;
    int rc = a->person_id ? survey_for_person(db, app_keys, *id, a->person_id,
                                              now_unix(), s)
                          : ERR_NOTFOUND;
    if (rc == ERR_NOTFOUND) {
        http_error(req, 404, "not_found", NULL, "%s",
                   T("This questionnaire is not open for you."));
        return -1;
    }
    if (rc != 0) {
        app_db_error(req, db);
        return -1;
    }
    *answered = json_is_true(json_object_get(*s, "answered"));
    return 0;
}

/* The answer form; err_q is the question index an error belongs to. */
static int
answer_page(struct req *req, int status, int64_t id, json_t *s, bool answered,
            int err_q, const char *err)
{
    web_page_begin(req, web_jstr(s, "title"), "/me/surveys");
    struct strbuf *o = &req->out;
    html_raw(o, "<section class=\"phone survey\"><h1>");
    html_txt(o, web_jstr(s, "title"));
    html_raw(o, "</h1>");
    if (web_jstr(s, "intro") && *web_jstr(s, "intro")) {
        html_raw(o, "<p>");
        html_txt(o, web_jstr(s, "intro"));
        html_raw(o, "</p>");
    }
    if (answered) {
        html_raw(o, "<p class=\"notice\" id=\"survey-done\">");
        html_txt(o, T("Answered, thank you"));
        html_raw(o, "</p><p><a href=\"/me/surveys\">");
        html_txt(o, T("Back to questionnaires"));
        html_raw(o, "</a></p></section>");
        req->status = status;
        return web_page_end(req);
    }
    web_form_begin(
        req, "answer-form",
        arena_printf(&req->arena, "/me/surveys/%lld", (long long)id));
    size_t i, j;
    json_t *q, *opt;
    json_array_foreach(json_object_get(s, "question_list"), i, q)
    {
        long long qid = (long long)json_integer_value(json_object_get(q, "id"));
        const char *kind = web_jstr(q, "kind");
        bool required = json_is_true(json_object_get(q, "required"));
        strbuf_printf(o,
                      "<fieldset class=\"question\" id=\"q%lld\">"
                      "<legend>%zu. ",
                      qid, i + 1);
        html_txt(o, web_jstr(q, "text"));
        if (required)
            html_raw(o, " <span class=\"required\">*</span>");
        html_raw(o, "</legend>");
        if (strcmp(kind, "text") == 0) {
            strbuf_printf(o,
                          "<textarea name=\"q%lld\" rows=\"3\" "
                          "maxlength=\"500\">",
                          qid);
            const char *t =
                req_form(req, arena_printf(&req->arena, "q%lld", qid));
            html_txt(o, t ? t : "");
            html_raw(o, "</textarea>");
        } else {
            bool multi = strcmp(kind, "multi") == 0;
            json_array_foreach(json_object_get(q, "options"), j, opt)
            {
                char v[16];
                str_fmt(v, sizeof(v), "%zu", j);
                bool on = req_form_has(
                    req, arena_printf(&req->arena, "q%lld", qid), v);
                strbuf_printf(o,
                              "<label class=\"choice\"><input "
                              "type=\"%s\" name=\"q%lld\" value=\"%zu\""
                              "%s> ",
                              multi ? "checkbox" : "radio", qid, j,
                              on ? " checked" : "");
                html_txt(o, json_string_value(opt));
                html_raw(o, "</label>");
            }
        }
        if ((int)i == err_q)
            web_field_error(req, err);
        html_raw(o, "</fieldset>");
    }
    if (err_q < 0)
        web_field_error(req, err);
    web_form_end(req, T("Submit"), NULL);
    html_raw(o, "</section>");
    web_page_end(req);
    req->status = status;
    return status;
}

int
web_my_survey(struct req *req)
{
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    int64_t id;
    json_t *s;
    bool answered;
    if (open_survey(req, db, &id, &s, &answered) != 0)
        return req->status;
    answer_page(req, 200, id, s, answered, -1, NULL);
    json_decref(s);
    return req->status;
}

int
web_my_survey_answer(struct req *req)
{
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    int64_t id;
    json_t *s;
    bool answered;
    if (open_survey(req, db, &id, &s, &answered) != 0)
        return req->status;
    /* The form as the API's answers. */
    json_t *answers = json_array();
    size_t i, j;
    json_t *q;
    json_array_foreach(json_object_get(s, "question_list"), i, q)
    {
        json_int_t qid = json_integer_value(json_object_get(q, "id"));
        const char *name = arena_printf(&req->arena, "q%lld", (long long)qid);
        const char *kind = web_jstr(q, "kind");
        json_t *a = json_pack("{s:I}", "question_id", qid);
        if (strcmp(kind, "text") == 0) {
            const char *t = req_form(req, name);
            json_t *tv = t ? json_string(t) : NULL;
            if (t && tv == NULL) /* not UTF-8: let the check refuse it */
                tv = json_integer(0);
            if (tv)
                json_object_set_new(a, "text", tv);
        } else if (strcmp(kind, "single") == 0) {
            const char *c = req_form(req, name);
            char *end;
            long v = c ? strtol(c, &end, 10) : -1;
            if (c)
                json_object_set_new(a, "choice",
                                    *c && *end == '\0' ? json_integer(v)
                                                       : json_string(""));
        } else {
            json_t *cs = json_array();
            size_t nopts = json_array_size(json_object_get(q, "options"));
            for (j = 0; j < nopts; j++) {
                char v[16];
                str_fmt(v, sizeof(v), "%zu", j);
                if (req_form_has(req, name, v))
                    json_array_append_new(cs, json_integer((json_int_t)j));
            }
            json_object_set_new(a, "choices", cs);
        }
        json_array_append_new(answers, a);
    }
    struct audit_who who = app_who(req);
    struct survey_error e;
    int rc = survey_answer(db, app_keys, id, app_account(req)->person_id,
                           answers, now_unix(), &who, &e);
    json_decref(answers);
    if (rc == 0 || rc == ERR_CONFLICT) {
        json_decref(s);
        return http_redirect(
            req, arena_printf(&req->arena, "/me/surveys/%lld", (long long)id));
    }
    int err_q = -1;
    const char *err;
    if (rc == ERR_INVAL) {
        /* answers[k] is question k here; questions[k] too. */
        if (sscanf(e.e.field, "answers[%d]", &err_q) != 1 &&
            sscanf(e.e.field, "questions[%d]", &err_q) != 1)
            err_q = -1;
        err = web_why(req, e.e.why);
    } else if (rc == ERR_RANGE) {
        err = T("This questionnaire has closed.");
    } else if (rc == ERR_DENIED || rc == ERR_NOTFOUND) {
        err = T("This questionnaire is not open for you.");
    } else {
        json_decref(s);
        return app_db_error(req, db);
    }
    answer_page(req, 422, id, s, false, err_q, err);
    json_decref(s);
    return req->status;
}

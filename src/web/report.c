/*
 * report.c - the county report page (SPEC.md §4.3, §2.18): the same
 * figures as GET /api/v1/reports/county, laid out like the county's
 * yearly summary, for a date range and (for county roles) a township.
 * Figures whose capability does not exist yet read "—", never 0. Every
 * counted figure links to the records behind it (the sessions of a type
 * in the range, the schools, the teachers, who is behind on hours); the
 * charts are ECharts (static/charts.js) beside tables that print on A4.
 */
#include "web.h"

#include "i18n.h"
#include "web_int.h"

#include "../api/api.h"
#include "../core/util.h"
#include "../domain/org.h"
#include "../domain/report.h"
#include "../domain/rules.h"
#include "../http/html.h"

#include <stdlib.h>
#include <string.h>

/* The page's range and township, for the links of its figures. */
struct scope {
    const char *from, *to, *township;
    int year;
};

/* path with the scope as query: the records behind a figure. what adds
 * one more name=value (NULL: none). */
static const char *
href(struct req *req, const struct scope *sc, const char *path,
     bool dated, const char *name, const char *value)
{
    struct strbuf sb;
    strbuf_init(&sb, 0);
    if (dated) {
        web_query_arg(&sb, "from", sc->from);
        web_query_arg(&sb, "to", sc->to);
    }
    web_query_arg(&sb, "township", sc->township);
    if (name)
        web_query_arg(&sb, name, value);
    char *q = strbuf_take(&sb, NULL);
    const char *url = arena_printf(&req->arena, "%s%s%s", path,
                                   q && *q ? "?" : "", q && *q ? q + 1 : "");
    free(q);
    return url;
}

/* One figure: its label and value, "—" for null; href links the figure
 * to the records behind it. A null figure has no records to link. */
static void
figure(struct req *req, const char *id, const char *label, json_t *v,
       const char *link)
{
    struct strbuf *o = &req->out;
    bool null = v == NULL || json_is_null(v);
    html_raw(o, null ? "<div class=\"figure null\" id=\"fig-"
                     : "<div class=\"figure\" id=\"fig-");
    html_attr(o, id);
    html_raw(o, "\"><span class=\"label\">");
    html_txt(o, T(label));
    html_raw(o, "</span><span class=\"value\">");
    bool linked = link && !null;
    if (linked) {
        html_raw(o, "<a href=\"");
        html_attr(o, link);
        html_raw(o, "\">");
    }
    if (json_is_integer(v))
        strbuf_printf(o, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        strbuf_printf(o, "%.1f%%", json_real_value(v) * 100);
    else {
        html_raw(o, "—<small>");
        html_txt(o, T("not yet recorded"));
        html_raw(o, "</small>");
    }
    if (linked)
        html_raw(o, "</a>");
    html_raw(o, "</span></div>");
}

static void
heading(struct req *req, const char *label)
{
    html_raw(&req->out, "<h2>");
    html_txt(&req->out, T(label));
    html_raw(&req->out, "</h2>");
}

/* Training by program type: a chart of person-times (each bar opens its
 * sessions) and the table of sessions, person-times and persons. */
static void
by_type(struct req *req, const struct scope *sc, json_t *by)
{
    struct strbuf *o = &req->out;
    json_t *labels = json_array(), *values = json_array(),
           *links = json_array();
    for (const struct web_label *l = web_program_types; l->code; l++) {
        json_t *x = json_object_get(by, l->code);
        json_array_append_new(labels, json_string(T(l->label)));
        json_array_append(values, json_object_get(x, "person_times"));
        json_array_append_new(
            links, json_string(href(req, sc, "/sessions", true, "type",
                                    l->code)));
    }
    web_chart(req, "chart-by-type",
              json_pack("{s:s, s:o, s:o, s:o}", "type", "bar", "labels",
                        labels, "values", values, "links", links));
    html_raw(o, "<table id=\"by-type\"><thead><tr>");
    web_th(req, "Program");
    web_th(req, "Sessions");
    web_th(req, "Person-times");
    web_th(req, "Persons");
    html_raw(o, "</tr></thead><tbody>");
    for (const struct web_label *l = web_program_types; l->code; l++) {
        json_t *x = json_object_get(by, l->code);
        const char *link = href(req, sc, "/sessions", true, "type", l->code);
        html_raw(o, "<tr><td>");
        html_txt(o, T(l->label));
        static const char *const keys[] = {"sessions", "person_times",
                                           "persons"};
        for (size_t k = 0; k < 3; k++) {
            html_raw(o, "</td><td><a href=\"");
            html_attr(o, link);
            strbuf_printf(o, "\">%lld</a>",
                          (long long)json_integer_value(
                              json_object_get(x, keys[k])));
        }
        html_raw(o, "</td></tr>");
    }
    html_raw(o, "</tbody></table>");
}

/* One line of the page: a heading (heading set, by_type: the training
 * table under it), or a figure: the report key (and sub-key) it shows and
 * the page of the records behind it (path NULL: none yet), dated when
 * that page takes the range, with one more query argument. */
struct part {
    const char *heading;
    bool by_type;
    const char *id, *label, *key, *sub;
    const char *path;
    bool dated;
    const char *qname, *qvalue;
};

#define HEAD(h, t) {h, t, NULL, NULL, NULL, NULL, NULL, false, NULL, NULL}
static const struct part parts[] = {
    HEAD("Resources: schools, teachers, funds", false),
    {NULL, false, "schools", "Schools", "schools", NULL, "/schools", false,
     NULL, NULL},
    {NULL, false, "function-rooms", "Function rooms", "function_rooms", NULL,
     "/schools", false, NULL, NULL},
    {NULL, false, "schools-11n", "Schools meeting 11+N",
     "schools_meeting_11n", NULL, "/schools", false, NULL, NULL},
    {NULL, false, "teachers-county", "County teachers", "teachers_county",
     NULL, "/teachers", false, "level", "county"},
    {NULL, false, "teachers-township", "Township teachers",
     "teachers_township", NULL, "/teachers", false, "level", "township"},
    {NULL, false, "funds", "Funds allocated", "funds_allocated_fen", NULL,
     NULL, false, NULL, NULL},
    {NULL, false, "funds-spent", "Funds spent", "funds_spent_fen", NULL,
     NULL, false, NULL, NULL},
    HEAD("Standards: courses, orders, on-site teaching", false),
    {NULL, false, "modules", "Modules", "modules", NULL, "/courses", false,
     NULL, NULL},
    {NULL, false, "courses", "Published courses", "courses_published", NULL,
     "/courses", false, "published", "1"},
    {NULL, false, "orders", "Course orders", "orders", NULL, "/orders",
     false, NULL, NULL},
    {NULL, false, "themed-classes", "Themed classes", "themed_classes", NULL,
     "/sessions", true, "type", "themed_class"},
    {NULL, false, "routes", "On-site routes", "routes", NULL, NULL, false,
     NULL, NULL},
    {NULL, false, "sites", "On-site teaching sites", "sites", NULL, NULL,
     false, NULL, NULL},
    {NULL, false, "onsite-trainees", "On-site trainees", "onsite_trainees",
     NULL, NULL, false, NULL, NULL},
    HEAD("Training", true),
    {NULL, false, "villages-covered", "Villages covered (村两委)",
     "village_training", "villages_covered", "/villages", false, NULL, NULL},
    {NULL, false, "village-persons", "Village cadres trained",
     "village_training", "persons", "/sessions", true, "type",
     "village_cadre"},
    {NULL, false, "evaluations", "Evaluations", "evaluations", NULL,
     "/teachers", false, NULL, NULL},
    {NULL, false, "evaluators", "Trainees who rated", "evaluators", NULL,
     "/teachers", false, NULL, NULL},
    {NULL, false, "excellence", "Excellence rate", "excellence_rate", NULL,
     "/teachers", false, NULL, NULL},
    {NULL, false, "exam", "Exam pass rate", "exam_pass_rate", NULL, NULL,
     false, NULL, NULL},
    HEAD("Reach: skills, jobs, pioneers", false),
    {NULL, false, "skills-sessions", "Skills training sessions", "skills",
     "sessions", "/sessions", true, "type", "skills"},
    {NULL, false, "skills-outreach", "Skills to the village", "skills",
     "outreach_sessions", "/sessions", true, "type", "skills_outreach"},
    {NULL, false, "employed", "People helped into jobs", "skills",
     "employed", NULL, false, NULL, NULL},
    {NULL, false, "health", "Health checks", "health_checks", NULL, NULL,
     false, NULL, NULL},
    {NULL, false, "commendations", "Commendation meetings",
     "commendation_meetings", NULL, NULL, false, NULL, NULL},
    {NULL, false, "pioneer-orgs", "Pioneer organisations", "pioneer_orgs",
     NULL, NULL, false, NULL, NULL},
    {NULL, false, "pioneer-members", "Pioneer members", "pioneer_members",
     NULL, NULL, false, NULL, NULL},
    {NULL, false, "enterprises", "Enterprises", "enterprises", NULL, NULL,
     false, NULL, NULL},
    {NULL, false, "talents", "Talents", "talents", NULL, NULL, false, NULL,
     NULL},
    HEAD("Study hours", false),
    {NULL, false, "hours-meeting", "Members meeting the hours target",
     "study_hours", "persons_meeting_target", "/hours", false, NULL, NULL},
    {NULL, false, "hours-bound", "Members bound by a target", "study_hours",
     "persons_total", "/hours", false, NULL, NULL},
};
#undef HEAD

int
web_report(struct req *req)
{
    char today[11], from_d[11];
    int year;
    rules_day(now_unix(), today, &year);
    rules_day(now_unix() - 365 * 86400, from_d, &year);
    const char *from = req_query(req, "from"), *to = req_query(req, "to");
    const char *t = req_query(req, "township");
    if (from == NULL || *from == '\0')
        from = from_d;
    if (to == NULL || *to == '\0')
        to = today;
    if (t && *t == '\0')
        t = NULL;
    int64_t f, u;
    if (date_parse(from, &f) != 0 || date_parse(to, &u) != 0 || u < f)
        return http_error(req, 400, "invalid_param", "from", "%s",
                          T("Give the dates as YYYY-MM-DD, from before to."));
    if (t && api_check_township(req, t) != 0)
        return req->status;
    if (t == NULL)
        t = api_scope(req);
    struct db *db = api_db(req);
    if (db == NULL)
        return req->status;
    json_t *r;
    if (report_county(db, t, f - RULES_CST_OFFSET,
                      u + 86400 - RULES_CST_OFFSET,
                      app_config.pool_min_county_teachers, &r) != 0)
        return api_db_error(req, db);
    json_t *tws = json_array();
    int64_t ntw;
    if (org_townships(db, 1, 100, tws, &ntw) != 0) {
        json_decref(tws);
        json_decref(r);
        return api_db_error(req, db);
    }
    json_t *sh = json_object_get(r, "study_hours");
    struct scope sc = {from, to, t,
                       (int)json_integer_value(json_object_get(sh, "year"))};
    web_page_begin(req, T("County report"), "/report");
    struct strbuf *o = &req->out;
    html_raw(o, "<section class=\"report\"><h1>");
    html_txt(o, t ? web_name_of(tws, t) : T("Chengwu County"));
    html_raw(o, " · ");
    html_txt(o, T("County report"));
    html_raw(o, "</h1><form class=\"filters noprint\" method=\"get\" "
                "action=\"/report\"><label>");
    html_txt(o, T("From"));
    html_raw(o, " <input type=\"date\" name=\"from\" value=\"");
    html_attr(o, from);
    html_raw(o, "\"></label><label>");
    html_txt(o, T("To"));
    html_raw(o, " <input type=\"date\" name=\"to\" value=\"");
    html_attr(o, to);
    html_raw(o, "\"></label>");
    if (api_scope(req) == NULL)
        web_code_select(req, "township", "Township", tws,
                        T("The whole county"), t, NULL);
    html_raw(o, "<button type=\"submit\">");
    html_txt(o, T("Show"));
    html_raw(o, "</button></form><p class=\"meta\">");
    html_txt(o, from);
    html_raw(o, " – ");
    html_txt(o, to);
    html_raw(o, "</p>");
    json_decref(tws);

    /* The four parts of the county's yearly summary, each figure with the
     * records behind it; a null figure reads "—" where it belongs. */
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        const struct part *p = &parts[i];
        if (p->heading) {
            if (i)
                html_raw(o, "</div>");
            heading(req, p->heading);
            if (p->by_type)
                by_type(req, &sc, json_object_get(r, "sessions_by_type"));
            html_raw(o, "<div class=\"figures\">");
            continue;
        }
        json_t *v = json_object_get(r, p->key);
        if (p->sub)
            v = json_object_get(v, p->sub);
        const char *link = NULL;
        if (p->path)
            link = strcmp(p->path, "/hours") == 0
                       ? href(req, &sc, p->path, false, "year",
                              arena_printf(&req->arena, "%d", sc.year))
                       : href(req, &sc, p->path, p->dated, p->qname,
                              p->qvalue);
        figure(req, p->id, p->label, v, link);
    }
    html_raw(o, "</div>");
    json_int_t bound = json_integer_value(json_object_get(sh,
                                                          "persons_total"));
    json_int_t meeting = json_integer_value(
        json_object_get(sh, "persons_meeting_target"));
    if (bound > 0) {
        const char *hours = href(req, &sc, "/hours", false, "year",
                                 arena_printf(&req->arena, "%d", sc.year));
        web_chart(req, "chart-hours",
                  json_pack("{s:s, s:[s,s], s:[I,I], s:[s,s]}", "type",
                            "pie", "labels", T("Meeting the target"),
                            T("Behind their target"), "values", meeting,
                            bound - meeting, "links", hours, hours));
    }
    html_raw(o, "<p class=\"noprint\"><a id=\"report-xlsx\" "
                "href=\"");
    html_attr(o, href(req, &sc, "/api/v1/reports/county.xlsx", true, NULL,
                      NULL));
    html_raw(o, "\">");
    html_txt(o, T("Export .xlsx"));
    html_raw(o, "</a> · <a href=\"");
    html_attr(o, href(req, &sc, "/api/v1/reports/county", true, NULL, NULL));
    html_raw(o, "\">JSON</a></p></section>");
    json_decref(r);
    return web_page_end_charts(req);
}

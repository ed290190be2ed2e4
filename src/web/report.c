/*
 * report.c - the county report page (SPEC.md §4.3, §2.18): the same
 * figures as GET /api/v1/reports/county, laid out like the county's
 * yearly summary, for a date range (the calendar year to date unless
 * told: the one default, app_period_or_400) and, for county roles, a
 * township. Figures whose capability does not exist yet read "—", never
 * 0. Every counted figure links to the list of exactly the records it
 * counts, with the same period and township (the table `parts`), and
 * those lists show what they count (web_scope_fields, web_scope_note).
 * Two of those lists live here: the teacher ranking (教师评价排名, the
 * evaluations' figures) and the villages the 村两委 training covered.
 * The charts are ECharts (static/charts.js) beside tables that print on
 * A4.
 */
#include "web.h"

#include "i18n.h"
#include "web_int.h"

#include "../app/app.h"
#include "../core/util.h"
#include "../domain/auth.h"
#include "../domain/classes.h"
#include "../domain/org.h"
#include "../domain/report.h"
#include "../domain/rules.h"
#include "../http/html.h"

#include <stdlib.h>
#include <string.h>

/* --- what a list counts: township and period ------------------------- */

void
web_scope_fields(struct req *req, const char *township, const char *from,
                 const char *to)
{
    struct strbuf *o = &req->out;
    if (app_scope(req) == NULL) {
        struct db *db = app_db(req);
        json_t *tws = web_owned(req, json_array());
        int64_t n;
        if (db)
            org_townships(db, 1, 100, tws, &n);
        web_code_select(req, "township", "Township", tws,
                        T("The whole county"), township, NULL);
    }
    if (from == NULL)
        return;
    html_raw(o, "<label>");
    html_txt(o, T("From"));
    html_raw(o, " <input type=\"date\" name=\"from\" value=\"");
    html_attr(o, from);
    html_raw(o, "\"></label><label>");
    html_txt(o, T("To"));
    html_raw(o, " <input type=\"date\" name=\"to\" value=\"");
    html_attr(o, to);
    html_raw(o, "\"></label>");
}

void
web_scope_note(struct req *req, const char *township, const char *from,
               const char *to)
{
    struct strbuf *o = &req->out;
    html_raw(o, "<p class=\"meta\" id=\"scope\">");
    html_txt(o, township ? web_township_name(req, township)
                         : T("The whole county"));
    if (from) {
        html_raw(o, " · ");
        html_txt(o, web_date(req, from));
        html_raw(o, " – ");
        html_txt(o, web_date(req, to));
    }
    html_raw(o, "</p>");
}

void
web_scope_form_begin(struct req *req, const char *id, const char *action,
                     const char *township, const char *from, const char *to)
{
    struct strbuf *o = &req->out;
    html_raw(o, "<form class=\"filters noprint\" method=\"get\" id=\"");
    html_attr(o, id);
    html_raw(o, "\" action=\"");
    html_attr(o, action);
    html_raw(o, "\">");
    web_scope_fields(req, township, from, to);
}

void
web_scope_form_end(struct req *req, const char *township, const char *from,
                   const char *to)
{
    struct strbuf *o = &req->out;
    html_raw(o, "<button type=\"submit\">");
    html_txt(o, T("Show"));
    html_raw(o, "</button></form>");
    web_scope_note(req, township, from, to);
}

void
web_total_foot(struct req *req, int colspan, const char *id, int64_t total)
{
    struct strbuf *o = &req->out;
    strbuf_printf(o, "</tbody><tfoot><tr><td colspan=\"%d\">", colspan);
    html_txt(o, T("Total"));
    html_raw(o, ": <span id=\"");
    html_attr(o, id);
    strbuf_printf(o, "\">%lld</span></td></tr></tfoot></table>",
                  (long long)total);
}

const char *
web_url(struct req *req, const char *path, const char *query)
{
    return query && *query
               ? arena_printf(&req->arena, "%s?%s", path, query + 1)
               : arena_strdup(&req->arena, path);
}

/* --- the report ------------------------------------------------------ */

/* The page's range and township, for the links of its figures. */
struct scope {
    const char *from, *to, *township;
    int year;
};

/* What a link carries of the page's scope. */
enum {
    BY_TOWNSHIP = 1, /* township= */
    BY_PERIOD = 2,   /* from= and to= */
    BY_YEAR = 4,     /* year= (study hours are yearly) */
};

/* path with the scope's parts `by` and one more name=value (name NULL:
 * none) as its query: the records behind a figure. No query, no "?". */
static const char *
href(struct req *req, const struct scope *sc, const char *path, int by,
     const char *name, const char *value)
{
    struct strbuf sb;
    strbuf_init(&sb, 0);
    if (by & BY_PERIOD) {
        web_query_arg(&sb, "from", sc->from);
        web_query_arg(&sb, "to", sc->to);
    }
    if (by & BY_YEAR)
        strbuf_printf(&sb, "&year=%d", sc->year);
    if (by & BY_TOWNSHIP)
        web_query_arg(&sb, "township", sc->township);
    if (name)
        web_query_arg(&sb, name, value);
    const char *url = web_url(req, path, strbuf_str(&sb));
    strbuf_cleanup(&sb);
    return url;
}

/* A rate's note when it stands on too few ratings to mean much: "—" is
 * shown instead, as on a teacher's page (SPEC §2.8). */
static bool
too_few(json_t *r)
{
    return json_is_true(json_object_get(r, "excellence_too_few"));
}

/* One figure: its label and value, "—" for null; link opens the records
 * behind it. A null figure has no records to link. */
static void
figure(struct req *req, const char *id, const char *label, json_t *v,
       const char *link, json_t *r)
{
    struct strbuf *o = &req->out;
    bool null = v == NULL || json_is_null(v);
    bool weak = json_is_real(v) && too_few(r);
    html_raw(o, null   ? "<div class=\"figure null\" id=\"fig-"
                : weak ? "<div class=\"figure weak\" id=\"fig-"
                       : "<div class=\"figure\" id=\"fig-");
    html_attr(o, id);
    html_raw(o, "\"><span class=\"label\">");
    html_txt(o, label);
    html_raw(o, "</span><span class=\"value\">");
    bool linked = link && !null;
    if (linked) {
        html_raw(o, "<a href=\"");
        html_attr(o, link);
        html_raw(o, "\">");
    }
    if (json_is_integer(v))
        strbuf_printf(o, "%lld", (long long)json_integer_value(v));
    else if (weak)
        html_raw(o, "—");
    else if (json_is_real(v))
        strbuf_printf(o, "%.1f%%", json_real_value(v) * 100);
    else {
        html_raw(o, "—<small>");
        html_txt(o, T("not yet recorded"));
        html_raw(o, "</small>");
    }
    if (linked)
        html_raw(o, "</a>");
    if (weak) {
        html_raw(o, "<small class=\"flag\">");
        html_txt(o, arena_printf(&req->arena,
                                 T("only %lld ratings: too few for a rate"),
                                 (long long)json_integer_value(
                                     json_object_get(r, "evaluations"))));
        html_raw(o, "</small>");
    }
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
 * sessions) and the table of sessions, person-times and persons, each a
 * link to the sessions of that type, whose list shows all three. */
static void
by_type(struct req *req, const struct scope *sc, json_t *by)
{
    struct strbuf *o = &req->out;
    json_t *labels = json_array(), *values = json_array(),
           *links = json_array();
    for (const struct program_type *l = program_types; l->code; l++) {
        json_t *x = json_object_get(by, l->code);
        json_array_append_new(labels, json_string(T(l->msgid)));
        json_array_append(values, json_object_get(x, "person_times"));
        json_array_append_new(
            links, json_string(href(req, sc, "/sessions",
                                    BY_TOWNSHIP | BY_PERIOD, "type",
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
    for (const struct program_type *l = program_types; l->code; l++) {
        json_t *x = json_object_get(by, l->code);
        const char *link = href(req, sc, "/sessions", BY_TOWNSHIP | BY_PERIOD,
                                "type", l->code);
        html_raw(o, "<tr data-type=\"");
        html_attr(o, l->code);
        html_raw(o, "\"><td>");
        html_txt(o, T(l->msgid));
        static const char *const keys[] = {"sessions", "person_times",
                                           "persons"};
        for (size_t k = 0; k < 3; k++) {
            html_raw(o, "</td><td data-key=\"");
            html_attr(o, keys[k]);
            html_raw(o, "\"><a href=\"");
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
 * the list of the records behind it (path NULL: none yet), with what of
 * the page's scope the list takes and one more query argument. */
struct part {
    const char *heading;
    bool by_type;
    const char *id, *key, *sub; /* its label: report_keys */
    const char *path;
    int by;
    const char *qname, *qvalue;
};

#define HEAD(h, t) {h, t, NULL, NULL, NULL, NULL, 0, NULL, NULL}
#define FIG(id, key, sub, path, by, qn, qv)                                   \
    {NULL, false, id, key, sub, path, by, qn, qv}
#define TW BY_TOWNSHIP
#define TP (BY_TOWNSHIP | BY_PERIOD)
#define TY (BY_TOWNSHIP | BY_YEAR)
static const struct part parts[] = {
    HEAD("Resources: schools, teachers, funds", false),
    FIG("schools", "schools", NULL, "/schools", TW, NULL, NULL),
    FIG("function-rooms", "function_rooms", NULL, "/rooms",
        TW, "function", "1"),
    FIG("schools-11n", "schools_meeting_11n", NULL,
        "/schools", TW, "pool", "met"),
    FIG("teachers-county", "teachers_county", NULL,
        "/teachers", TW, "level", "county"),
    FIG("teachers-township", "teachers_township", NULL,
        "/teachers", TW, "level", "township"),
    FIG("funds", "funds_allocated_fen", NULL, NULL, 0,
        NULL, NULL),
    FIG("funds-spent", "funds_spent_fen", NULL, NULL, 0, NULL,
        NULL),
    HEAD("Standards: courses, orders, on-site teaching", false),
    /* The catalog is the county's: the same for every township. */
    FIG("modules", "modules", NULL, "/courses", 0, NULL, NULL),
    FIG("courses", "courses_published", NULL,
        "/courses", 0, "published", "1"),
    FIG("orders", "orders", NULL, "/orders", TP, NULL,
        NULL),
    FIG("themed-classes", "themed_classes", NULL,
        "/programs", TP, "type", "themed_class"),
    FIG("routes", "routes", NULL, NULL, 0, NULL, NULL),
    FIG("sites", "sites", NULL, NULL, 0, NULL,
        NULL),
    FIG("onsite-trainees", "onsite_trainees", NULL, NULL,
        0, NULL, NULL),
    HEAD("Training", true),
    FIG("villages-covered", "village_training",
        "villages_covered", "/report/villages", TP, NULL, NULL),
    FIG("village-persons", "village_training",
        "persons", "/sessions", TP, "type", "village_cadre"),
    FIG("evaluations", "evaluations", NULL,
        "/teachers/ranking", TP, NULL, NULL),
    FIG("evaluators", "evaluators", NULL,
        "/teachers/ranking", TP, NULL, NULL),
    FIG("excellence", "excellence_rate", NULL,
        "/teachers/ranking", TP, NULL, NULL),
    FIG("exam", "exam_pass_rate", NULL, NULL, 0, NULL,
        NULL),
    HEAD("Reach: skills, jobs, pioneers", false),
    FIG("skills-sessions", "skills", "sessions",
        "/sessions", TP, "type", "skills"),
    FIG("skills-outreach", "skills",
        "outreach_sessions", "/sessions", TP, "type", "skills_outreach"),
    FIG("employed", "skills", "employed", NULL, 0,
        NULL, NULL),
    FIG("health", "health_checks", NULL, NULL, 0, NULL,
        NULL),
    FIG("commendations", "commendation_meetings",
        NULL, NULL, 0, NULL, NULL),
    FIG("pioneer-orgs", "pioneer_orgs", NULL, NULL,
        0, NULL, NULL),
    FIG("pioneer-members", "pioneer_members", NULL, NULL,
        0, NULL, NULL),
    FIG("enterprises", "enterprises", NULL, NULL, 0, NULL,
        NULL),
    FIG("talents", "talents", NULL, NULL, 0, NULL, NULL),
    HEAD("Study hours", false),
    FIG("hours-meeting", "study_hours",
        "persons_meeting_target", "/hours", TY, "status", "meeting"),
    FIG("hours-bound", "study_hours",
        "persons_total", "/hours", TY, "status", "all"),
};
#undef HEAD
#undef FIG
#undef TW
#undef TP
#undef TY

/* The township and period of a page the report links to: the query's
 * township within the caller's scope, a township that exists, and the
 * one default period. 0, or -1 having answered. */
static int
page_scope(struct req *req, struct db *db, const char **t, int64_t *from,
           int64_t *to, char from_s[11], char to_s[11])
{
    if (app_township_filter(req, t) != 0 ||
        app_period_or_400(req, from, to, from_s, to_s) != 0)
        return -1;
    if (*t && !township_exists(db, *t)) {
        http_error(req, 400, "invalid_param", "township", "%s",
                   T("No such township."));
        return -1;
    }
    return 0;
}

int
web_report(struct req *req)
{
    struct db *db = app_db(req);
    const char *t;
    int64_t f, u;
    char from[11], to[11];
    if (db == NULL || page_scope(req, db, &t, &f, &u, from, to) != 0)
        return req->status;
    json_t *r;
    if (report_county(db, t, f, u, app_config.pool_min_county_teachers,
                      &r) != 0)
        return app_db_error(req, db);
    web_owned(req, r);
    json_t *sh = json_object_get(r, "study_hours");
    struct scope sc = {from, to, t,
                       (int)json_integer_value(json_object_get(sh, "year"))};
    web_page_begin(req, T("County report"), "/report");
    struct strbuf *o = &req->out;
    html_raw(o, "<section class=\"report\"><h1>");
    html_txt(o, t ? web_township_name(req, t) : T("Chengwu County"));
    html_raw(o, " · ");
    html_txt(o, T("County report"));
    html_raw(o, "</h1>");
    web_scope_form_begin(req, "report-filters", "/report", t, from, to);
    web_scope_form_end(req, t, from, to);

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
        const char *link =
            p->path ? href(req, &sc, p->path, p->by, p->qname, p->qvalue)
                    : NULL;
        figure(req, p->id,
               report_key_label(p->sub ? p->key : NULL,
                                p->sub ? p->sub : p->key,
                                strcmp(req->lang, "en") == 0),
               v, link, r);
    }
    html_raw(o, "</div>");
    json_int_t bound = json_integer_value(json_object_get(sh,
                                                          "persons_total"));
    json_int_t meeting = json_integer_value(
        json_object_get(sh, "persons_meeting_target"));
    if (bound > 0)
        web_chart(req, "chart-hours",
                  json_pack("{s:s, s:[s,s], s:[I,I], s:[s,s]}", "type",
                            "pie", "labels", T("Meeting the target"),
                            T("Behind their target"), "values", meeting,
                            bound - meeting, "links",
                            href(req, &sc, "/hours", BY_TOWNSHIP | BY_YEAR,
                                 "status", "meeting"),
                            href(req, &sc, "/hours", BY_TOWNSHIP | BY_YEAR,
                                 "status", "behind")));
    html_raw(o, "<p class=\"noprint\"><a id=\"report-xlsx\" "
                "href=\"");
    html_attr(o, href(req, &sc, "/api/v1/reports/county.xlsx",
                      BY_TOWNSHIP | BY_PERIOD, NULL, NULL));
    html_raw(o, "\">");
    html_txt(o, T("Export .xlsx"));
    html_raw(o, "</a> · <a href=\"");
    html_attr(o, href(req, &sc, "/api/v1/reports/county",
                      BY_TOWNSHIP | BY_PERIOD, NULL, NULL));
    html_raw(o, "\">JSON</a></p></section>");
    return web_page_end_charts(req);
}

/* --- the teacher ranking --------------------------------------------- */

static const char *
num1(struct req *req, json_t *v)
{
    return json_is_number(v)
               ? arena_printf(&req->arena, "%.1f", json_number_value(v))
               : "—";
}

static const char *
pct(struct req *req, json_t *v)
{
    return json_is_number(v) ? arena_printf(&req->arena, "%.1f%%",
                                            json_number_value(v) * 100)
                             : "—";
}

int
web_ranking(struct req *req)
{
    struct db *db = app_db(req);
    struct report_filter f = {0};
    char from[11], to[11];
    if (db == NULL ||
        page_scope(req, db, &f.township, &f.from, &f.to, from, to) != 0)
        return req->status;
    f.module = web_nonempty(req_query(req, "module"));
    json_t *modules = web_owned(req, json_array());
    if (org_code_list(db, CODES_MODULE, modules) != 0)
        return app_db_error(req, db);
    if (f.module && web_name_of(modules, f.module) == f.module)
        f.module = NULL; /* not a module: no filter */
    json_t *items = web_owned(req, json_array()), *sum;
    if (report_ranking(db, &f, items, &sum) != 0)
        return app_db_error(req, db);
    web_owned(req, sum);
    web_page_begin(req, T("Teacher ranking"), "/teachers");
    struct strbuf *o = &req->out;
    web_h1(req, T("Teacher ranking"));
    web_scope_form_begin(req, "ranking-filters", "/teachers/ranking",
                         f.township, from, to);
    web_code_select(req, "module", "Module", modules, T("All modules"),
                    f.module, NULL);
    web_scope_form_end(req, f.township, from, to);
    int min = (int)json_integer_value(json_object_get(sum, "min_ratings"));
    html_raw(o, "<div class=\"figures\">");
    struct {
        const char *id, *label, *value;
    } figs[] = {
        {"rank-evaluations", "Evaluations",
         arena_printf(&req->arena, "%lld",
                      (long long)json_integer_value(
                          json_object_get(sum, "evaluations")))},
        {"rank-evaluators", "Trainees who rated",
         arena_printf(&req->arena, "%lld",
                      (long long)json_integer_value(
                          json_object_get(sum, "evaluators")))},
        {"rank-excellence", "Excellence rate",
         too_few(sum) ? "—" : pct(req, json_object_get(sum,
                                                       "excellence_rate"))},
    };
    for (size_t i = 0; i < sizeof(figs) / sizeof(figs[0]); i++) {
        html_raw(o, "<div class=\"figure\"><span class=\"label\">");
        html_txt(o, T(figs[i].label));
        html_raw(o, "</span><span class=\"value\" id=\"");
        html_attr(o, figs[i].id);
        html_raw(o, "\">");
        html_txt(o, figs[i].value);
        html_raw(o, "</span></div>");
    }
    html_raw(o, "</div><p class=\"meta\">");
    html_txt(o, arena_printf(&req->arena,
                             T("Ranked by the shrunk mean: a teacher's mean "
                               "pulled toward the overall mean, the more "
                               "so the fewer its ratings. Teachers with "
                               "fewer than %d ratings are listed after "
                               "the ranked ones, without a rank."),
                             min));
    html_raw(o, "</p><table id=\"ranking\"><thead><tr>");
    web_th(req, "Rank");
    web_th(req, "Full name");
    web_th(req, "Level");
    web_th(req, "Ratings");
    web_th(req, "Mean score");
    web_th(req, "Ranked score");
    web_th(req, "Excellence rate");
    html_raw(o, "</tr></thead><tbody>");
    size_t i;
    json_t *v;
    int64_t counted = 0;
    json_array_foreach(items, i, v)
    {
        bool few = json_is_true(json_object_get(v, "too_few"));
        int64_t n = json_integer_value(json_object_get(v, "evaluations"));
        counted += n;
        html_raw(o, few ? "<tr class=\"too-few\">" : "<tr>");
        json_t *rank = json_object_get(v, "rank");
        if (json_is_integer(rank))
            strbuf_printf(o, "<td>%lld</td>",
                          (long long)json_integer_value(rank));
        else
            web_td(req, T("not ranked"));
        web_td_link(req,
                    web_path_id(req, "/teachers",
                                json_integer_value(
                                    json_object_get(v, "teacher_id"))),
                    web_jstr(v, "name"));
        static const char *const levels[][2] = {
            {"county", "County level"},
            {"township", "Township level"},
            {"invited", "Invited"},
        };
        const char *level = web_jstr(v, "level");
        for (size_t k = 0; k < 3; k++)
            if (level && strcmp(level, levels[k][0]) == 0)
                level = T(levels[k][1]);
        web_td(req, level);
        strbuf_printf(o, "<td>%lld</td>", (long long)n);
        web_td(req, num1(req, json_object_get(v, "mean")));
        web_td(req, num1(req, json_object_get(v, "ranked_mean")));
        if (few) {
            html_raw(o, "<td>—<small class=\"flag\">");
            html_txt(o, T("fewer than 10 ratings"));
            html_raw(o, "</small></td>");
        } else {
            web_td(req, pct(req, json_object_get(v, "excellence_rate")));
        }
        html_raw(o, "</tr>");
    }
    int64_t none = json_integer_value(json_object_get(sum,
                                                      "without_teacher"));
    html_raw(o, "</tbody><tfoot><tr><td colspan=\"3\">");
    html_txt(o, T("Total"));
    strbuf_printf(o, "</td><td id=\"ranking-total\">%lld</td>"
                     "<td colspan=\"3\">",
                  (long long)(counted + none));
    if (none) {
        html_txt(o, arena_printf(&req->arena,
                                 T("of which %lld of sessions without a "
                                   "teacher"),
                                 (long long)none));
    }
    html_raw(o, "</td></tr></tfoot></table>");
    return web_page_end(req);
}

/* --- the villages the 村两委 training covered ------------------------- */

int
web_report_villages(struct req *req)
{
    struct db *db = app_db(req);
    struct report_filter f = {0};
    int64_t page, per_page, total;
    char from[11], to[11];
    if (db == NULL || req_paging_or_400(req, &page, &per_page) != 0 ||
        page_scope(req, db, &f.township, &f.from, &f.to, from, to) != 0)
        return req->status;
    json_t *items = web_owned(req, json_array());
    if (report_villages(db, &f, page, per_page, items, &total) != 0)
        return app_db_error(req, db);
    web_page_begin(req, T("Villages covered (村两委)"), "/report");
    struct strbuf *o = &req->out;
    web_h1(req, T("Villages covered (村两委)"));
    web_scope_form_begin(req, "covered-filters", "/report/villages",
                         f.township, from, to);
    web_scope_form_end(req, f.township, from, to);
    html_raw(o, "<p class=\"meta\">");
    html_txt(o, T("Villages whose people attended the village cadre "
                  "training in the period."));
    html_raw(o, "</p><table id=\"covered\"><thead><tr>");
    web_th(req, "Code");
    web_th(req, "Name");
    web_th(req, "Township");
    html_raw(o, "</tr></thead><tbody>");
    size_t i;
    json_t *v;
    json_array_foreach(items, i, v)
    {
        html_raw(o, "<tr>");
        web_td(req, web_jstr(v, "code"));
        web_td_link(req, web_path_id(req, "/villages", web_id_of(v)),
                    web_jstr(v, "name"));
        web_td(req, web_jstr(v, "township_name"));
        html_raw(o, "</tr>");
    }
    web_total_foot(req, 3, "covered-total", total);
    struct strbuf extra;
    strbuf_init(&extra, 0);
    web_query_arg(&extra, "from", from);
    web_query_arg(&extra, "to", to);
    web_query_arg(&extra, "township", f.township);
    web_pager(req, "/report/villages", page, per_page, total,
              strbuf_str(&extra));
    strbuf_cleanup(&extra);
    return web_page_end(req);
}

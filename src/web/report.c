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

/* path with the scope's parts `by` and one more name=value (name NULL:
 * none) as its query: the records behind a figure. No query, no "?". */
static const char *
href(struct req *req, const struct scope *sc, const char *path, int by,
     const char *name, const char *value)
{
    struct strbuf sb;
    strbuf_init(&sb, 0);
    if (by & REPORT_BY_PERIOD) {
        web_query_arg(&sb, "from", sc->from);
        web_query_arg(&sb, "to", sc->to);
    }
    if (by & REPORT_BY_YEAR)
        strbuf_printf(&sb, "&year=%d", sc->year);
    if (by & REPORT_BY_TOWNSHIP)
        web_query_arg(&sb, "township", sc->township);
    if (name)
        web_query_arg(&sb, name, value);
    const char *url = web_url(req, path, strbuf_str(&sb));
    strbuf_cleanup(&sb);
    return url;
}

/* Figure k: its label and value, "—" for null; its link opens the
 * records behind it (a null figure has none). A rate that stands on too
 * few ratings to mean much reads "—" with a note, as on a teacher's page
 * (SPEC §2.8). */
static void
figure(struct req *req, const struct scope *sc, const struct report *r,
       int k)
{
    struct strbuf *o = &req->out;
    const struct report_key *rk = &report_keys[k];
    const struct report_value *v = &r->v[k];
    bool null = !v->known || rk->as == RA_GROUP;
    bool weak = !null && k == RK_EXCELLENCE_RATE &&
                r->v[RK_EXCELLENCE_TOO_FEW].n;
    html_raw(o, null   ? "<div class=\"figure null\" id=\"fig-"
                : weak ? "<div class=\"figure weak\" id=\"fig-"
                       : "<div class=\"figure\" id=\"fig-");
    html_attr(o, rk->id);
    if (!null && rk->as == RA_COUNT) /* the exact count, for readers */
        strbuf_printf(o, "\" data-count=\"%lld", (long long)v->n);
    html_raw(o, "\"><span class=\"label\">");
    html_txt(o, strcmp(req->lang, "en") == 0 ? rk->label_en : rk->label);
    html_raw(o, "</span><span class=\"value\">");
    bool linked = rk->list && !null;
    if (linked) {
        html_raw(o, "<a href=\"");
        html_attr(o, href(req, sc, rk->list, rk->by, rk->qname, rk->qvalue));
        html_raw(o, "\">");
    }
    if (null) {
        html_raw(o, "—<small>");
        html_txt(o, T("not yet recorded"));
        html_raw(o, "</small>");
    } else if (weak)
        html_raw(o, "—");
    else if (rk->as == RA_RATE)
        strbuf_printf(o, "%.1f%%", v->rate * 100);
    else if (v->n >= 10000) { /* 2.9万, the exact count in its title */
        html_raw(o, "<span title=\"");
        strbuf_printf(o, "%lld\">", (long long)v->n);
        html_txt(o, web_count(req, v->n));
        html_raw(o, "</span>");
    } else
        strbuf_printf(o, "%lld", (long long)v->n);
    if (linked)
        html_raw(o, "</a>");
    if (weak) {
        html_raw(o, "<small class=\"flag\">");
        html_txt(o, arena_printf(&req->arena,
                                 T("only %lld ratings: too few for a rate"),
                                 (long long)r->v[RK_EVALUATIONS].n));
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
by_type(struct req *req, const struct scope *sc, const struct report *r)
{
    struct strbuf *o = &req->out;
    const int TP = REPORT_BY_TOWNSHIP | REPORT_BY_PERIOD;
    json_t *labels = json_array(), *values = json_array(),
           *links = json_array();
    for (int t = 0; t < PROGRAM_TYPES; t++) {
        const struct program_type *l = &program_types[t];
        json_array_append_new(labels, json_string(T(l->msgid)));
        json_array_append_new(values, json_integer(r->by_type[t][1]));
        json_array_append_new(
            links, json_string(href(req, sc, "/sessions", TP, "type",
                                    l->code)));
    }
    web_chart(req, "chart-by-type",
              json_pack("{s:s, s:o, s:o, s:o}", "type", "bar", "labels",
                        labels, "values", values, "links", links));
    html_raw(o, "<table id=\"by-type\"><thead><tr>");
    web_th(req, "Program");
    for (int m = 0; m < REPORT_MEASURES; m++)
        web_th(req, report_measures[m].label_en);
    html_raw(o, "</tr></thead><tbody>");
    for (int t = 0; t < PROGRAM_TYPES; t++) {
        const struct program_type *l = &program_types[t];
        const char *link = href(req, sc, "/sessions", TP, "type", l->code);
        html_raw(o, "<tr data-type=\"");
        html_attr(o, l->code);
        html_raw(o, "\"><td>");
        html_txt(o, T(l->msgid));
        for (int m = 0; m < REPORT_MEASURES; m++) {
            html_raw(o, "</td><td data-key=\"");
            html_attr(o, report_measures[m].key);
            html_raw(o, "\"><a href=\"");
            html_attr(o, link);
            strbuf_printf(o, "\">%lld</a>", (long long)r->by_type[t][m]);
        }
        html_raw(o, "</td></tr>");
    }
    html_raw(o, "</tbody></table>");
}

/* The page's parts, in the order of the county's yearly summary; each
 * shows the figures report_keys places in it, in the table's order. */
static const char *const part_heads[] = {
    [RP_RESOURCES] = "Resources: schools, teachers, funds",
    [RP_STANDARDS] = "Standards: courses, orders, on-site teaching",
    [RP_TRAINING] = "Training",
    [RP_REACH] = "Reach: skills, jobs, pioneers",
    [RP_HOURS] = "Study hours",
};

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
    struct report *r = arena_alloc(&req->arena, sizeof(*r));
    if (report_county(db, t, f, u, app_config.pool_min_county_teachers, r) !=
        0)
        return app_db_error(req, db);
    struct scope sc = {from, to, t, r->year};
    web_page_begin(req, T("County report"), "/report");
    struct strbuf *o = &req->out;
    html_raw(o, "<section class=\"report\"><h1>");
    html_txt(o, t ? web_township_name(req, t) : T("Chengwu County"));
    html_raw(o, " · ");
    html_txt(o, T("County report"));
    html_raw(o, "</h1>");
    web_scope_form_begin(req, "report-filters", "/report", t, from, to);
    web_scope_form_end(req, t, from, to);

    /* The parts of the county's yearly summary, each figure with the
     * records behind it; a null figure reads "—" where it belongs. */
    for (int p = RP_RESOURCES; p <= RP_HOURS; p++) {
        heading(req, part_heads[p]);
        if (p == RP_TRAINING)
            by_type(req, &sc, r);
        html_raw(o, "<div class=\"figures\">");
        for (int k = 0; k < RK_N; k++)
            if (report_keys[k].part == (enum report_part)p)
                figure(req, &sc, r, k);
        html_raw(o, "</div>");
    }
    int64_t bound = r->v[RK_HOURS_BOUND].n, meeting = r->v[RK_HOURS_MEETING].n;
    const int TY = REPORT_BY_TOWNSHIP | REPORT_BY_YEAR;
    if (bound > 0)
        web_chart(req, "chart-hours",
                  json_pack("{s:s, s:[s,s], s:[I,I], s:[s,s]}", "type",
                            "pie", "labels", T("Meeting the target"),
                            T("Behind their target"), "values",
                            (json_int_t)meeting, (json_int_t)(bound - meeting),
                            "links",
                            href(req, &sc, "/hours", TY, "status", "meeting"),
                            href(req, &sc, "/hours", TY, "status",
                                 "behind")));
    html_raw(o, "<p class=\"noprint\"><a id=\"report-xlsx\" "
                "href=\"");
    html_attr(o, href(req, &sc, "/api/v1/reports/county.xlsx",
                      REPORT_BY_TOWNSHIP | REPORT_BY_PERIOD, NULL, NULL));
    html_raw(o, "\">");
    html_txt(o, T("Export .xlsx"));
    html_raw(o, "</a> · <a href=\"");
    html_attr(o, href(req, &sc, "/api/v1/reports/county",
                      REPORT_BY_TOWNSHIP | REPORT_BY_PERIOD, NULL, NULL));
    html_raw(o, "\">JSON</a></p></section>");
    return web_page_end_charts(req);
}

/* --- the teacher ranking --------------------------------------------- */

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
    struct ranked_teacher *rows;
    size_t nrows;
    struct eval_totals sum;
    if (report_ranking(db, &req->arena, &f, &rows, &nrows, &sum) != 0)
        return app_db_error(req, db);
    web_page_begin(req, T("Teacher ranking"), "/teachers");
    struct strbuf *o = &req->out;
    web_h1(req, T("Teacher ranking"));
    web_scope_form_begin(req, "ranking-filters", "/teachers/ranking",
                         f.township, from, to);
    web_code_select(req, "module", "Module", modules, T("All modules"),
                    f.module, NULL);
    web_scope_form_end(req, f.township, from, to);
    int min = (int)sum.min_ratings;
    html_raw(o, "<div class=\"figures\">");
    struct {
        const char *id, *label, *value;
    } figs[] = {
        {"rank-evaluations", "Evaluations",
         arena_printf(&req->arena, "%lld", (long long)sum.evaluations)},
        {"rank-evaluators", "Trainees who rated",
         arena_printf(&req->arena, "%lld", (long long)sum.evaluators)},
        {"rank-excellence", "Excellence rate",
         web_share(req, !sum.too_few && sum.evaluations, sum.rate)},
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
    int64_t counted = 0;
    for (size_t i = 0; i < nrows; i++) {
        const struct ranked_teacher *v = &rows[i];
        counted += v->evaluations;
        html_raw(o, v->too_few ? "<tr class=\"too-few\">" : "<tr>");
        if (v->rank)
            strbuf_printf(o, "<td>%lld</td>", (long long)v->rank);
        else
            web_td(req, T("not ranked"));
        web_td_link(req, web_path_id(req, "/teachers", v->teacher_id),
                    v->name);
        static const char *const levels[][2] = {
            {"county", "County level"},
            {"township", "Township level"},
            {"invited", "Invited"},
        };
        const char *level = v->level;
        for (size_t k = 0; k < 3; k++)
            if (level && strcmp(level, levels[k][0]) == 0)
                level = T(levels[k][1]);
        web_td(req, level);
        strbuf_printf(o, "<td>%lld</td>", (long long)v->evaluations);
        web_td(req, web_score(req, true, v->mean));
        web_td(req, web_score(req, true, v->ranked_mean));
        if (v->too_few) {
            html_raw(o, "<td>—<small class=\"flag\">");
            html_txt(o, T("fewer than 10 ratings"));
            html_raw(o, "</small></td>");
        } else {
            web_td(req, web_share(req, true, v->rate));
        }
        html_raw(o, "</tr>");
    }
    int64_t none = sum.without_teacher;
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
    struct covered_village *rows;
    size_t n;
    if (report_villages(db, &req->arena, &f, page, per_page, &rows, &n,
                        &total) != 0)
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
    for (size_t i = 0; i < n; i++) {
        html_raw(o, "<tr>");
        web_td(req, rows[i].code);
        web_td_link(req, web_path_id(req, "/villages", rows[i].id),
                    rows[i].name);
        web_td(req, rows[i].township_name);
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

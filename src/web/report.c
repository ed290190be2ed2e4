/*
 * report.c - the county report page (SPEC.md §4.3, §2.18): the same
 * figures as GET /api/v1/reports/county, laid out like the county's
 * yearly summary, for a date range and (for county roles) a township.
 * Figures whose capability does not exist yet read "—", never 0. Bars
 * are <progress> elements styled in CSS (the CSP allows no inline
 * style), so the page prints on A4 as it shows.
 */
#include "web.h"

#include "i18n.h"
#include "web_int.h"

#include "../api/api.h"
#include "../core/util.h"
#include "../domain/report.h"
#include "../domain/rules.h"
#include "../http/html.h"

#include <string.h>

static const struct {
    const char *code, *label;
} types[] = {
    {"weekly_lesson", "Weekly lesson"},
    {"weekend_lecture", "Weekend lecture"},
    {"village_cadre", "Village cadre training"},
    {"themed_class", "Themed class"},
    {"onsite", "On-site teaching"},
    {"skills", "Skills training"},
    {"skills_outreach", "Skills to the village"},
    {"talent_return", "Returned talent training"},
};

/* One figure: its label and value, "—" for null; href links the figure
 * to the records behind it, when a page lists them. */
static void
figure(struct req *req, const char *label, json_t *v, const char *href)
{
    struct strbuf *o = &req->out;
    html_raw(o, "<div class=\"figure\"><span class=\"label\">");
    html_txt(o, T(label));
    html_raw(o, "</span><span class=\"value\">");
    if (href) {
        html_raw(o, "<a href=\"");
        html_attr(o, href);
        html_raw(o, "\">");
    }
    if (json_is_integer(v))
        strbuf_printf(o, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        strbuf_printf(o, "%.1f%%", json_real_value(v) * 100);
    else
        html_raw(o, "—");
    if (href)
        html_raw(o, "</a>");
    html_raw(o, "</span></div>");
}

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
    web_page_begin(req, T("County report"), "/report");
    struct strbuf *o = &req->out;
    html_raw(o, "<section class=\"report\"><h1>");
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
    if (api_scope(req) == NULL) {
        html_raw(o, "<label>");
        html_txt(o, T("Township code"));
        html_raw(o, " <input name=\"township\" size=\"9\" value=\"");
        html_attr(o, t ? t : "");
        html_raw(o, "\"></label>");
    }
    html_raw(o, "<button type=\"submit\">");
    html_txt(o, T("Show"));
    html_raw(o, "</button></form><p class=\"meta\">");
    html_txt(o, from);
    html_raw(o, " – ");
    html_txt(o, to);
    html_raw(o, "</p><h2>");
    html_txt(o, T("Schools and teachers"));
    html_raw(o, "</h2><div class=\"figures\">");
    figure(req, "Schools", json_object_get(r, "schools"), NULL);
    figure(req, "Function rooms", json_object_get(r, "function_rooms"), NULL);
    figure(req, "County teachers", json_object_get(r, "teachers_county"),
           NULL);
    figure(req, "Township teachers", json_object_get(r, "teachers_township"),
           NULL);
    figure(req, "Schools meeting 11+N",
           json_object_get(r, "schools_meeting_11n"), NULL);
    figure(req, "Published courses", json_object_get(r, "courses_published"),
           NULL);
    html_raw(o, "</div><h2>");
    html_txt(o, T("Training"));
    html_raw(o, "</h2><table id=\"by-type\"><thead><tr><th>");
    html_txt(o, T("Program"));
    html_raw(o, "</th><th>");
    html_txt(o, T("Sessions"));
    html_raw(o, "</th><th>");
    html_txt(o, T("Person-times"));
    html_raw(o, "</th><th>");
    html_txt(o, T("Persons"));
    html_raw(o, "</th><th></th></tr></thead><tbody>");
    json_t *by = json_object_get(r, "sessions_by_type");
    json_int_t most = 1;
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        json_int_t n = json_integer_value(
            json_object_get(json_object_get(by, types[i].code),
                            "person_times"));
        if (n > most)
            most = n;
    }
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        json_t *x = json_object_get(by, types[i].code);
        json_int_t pt = json_integer_value(json_object_get(x,
                                                           "person_times"));
        html_raw(o, "<tr><td>");
        html_txt(o, T(types[i].label));
        strbuf_printf(o,
                      "</td><td><a href=\"/sessions\">%lld</a></td>"
                      "<td>%lld</td><td>%lld</td>"
                      "<td class=\"bar\"><progress max=\"%lld\" "
                      "value=\"%lld\"></progress></td></tr>",
                      (long long)json_integer_value(
                          json_object_get(x, "sessions")),
                      (long long)pt,
                      (long long)json_integer_value(
                          json_object_get(x, "persons")),
                      (long long)most, (long long)pt);
    }
    html_raw(o, "</tbody></table><h2>");
    html_txt(o, T("Teaching quality and study hours"));
    html_raw(o, "</h2><div class=\"figures\">");
    figure(req, "Evaluations", json_object_get(r, "evaluations"), NULL);
    figure(req, "Trainees who rated", json_object_get(r, "evaluators"), NULL);
    figure(req, "Excellence rate", json_object_get(r, "excellence_rate"),
           NULL);
    json_t *vt = json_object_get(r, "village_training");
    figure(req, "Villages covered (村两委)",
           json_object_get(vt, "villages_covered"), "/villages");
    json_t *sh = json_object_get(r, "study_hours");
    figure(req, "Members meeting the hours target",
           json_object_get(sh, "persons_meeting_target"), "/people");
    figure(req, "Members bound by a target",
           json_object_get(sh, "persons_total"), "/people");
    html_raw(o, "</div><h2>");
    html_txt(o, T("Not yet recorded in the system"));
    html_raw(o, "</h2><div class=\"figures muted\">");
    figure(req, "Funds allocated", json_object_get(r, "funds_allocated_fen"),
           NULL);
    figure(req, "Course orders", json_object_get(r, "orders"), NULL);
    figure(req, "On-site routes", json_object_get(r, "routes"), NULL);
    figure(req, "People helped into jobs",
           json_object_get(json_object_get(r, "skills"), "employed"), NULL);
    html_raw(o, "</div><p class=\"noprint\"><a id=\"report-xlsx\" "
                "href=\"/api/v1/reports/county.xlsx?from=");
    html_attr(o, from);
    html_raw(o, "&amp;to=");
    html_attr(o, to);
    if (t) {
        html_raw(o, "&amp;township=");
        html_attr(o, t);
    }
    html_raw(o, "\">");
    html_txt(o, T("Export .xlsx"));
    html_raw(o, "</a> · <a href=\"/api/v1/reports/county?from=");
    html_attr(o, from);
    html_raw(o, "&amp;to=");
    html_attr(o, to);
    html_raw(o, "\">JSON</a></p></section>");
    json_decref(r);
    return web_page_end(req);
}

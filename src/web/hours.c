/*
 * hours.c - /hours, study hours (学时) of a township for a year: how many
 * members the targets bind, how many meet theirs, and the list of those
 * behind (the default), those meeting it (?status=meeting, the county
 * report's 学时达标) or all bound (?status=all), in pinyin order. Never a
 * ranking of people by hours (SPEC.md §2.7): the list is by name and
 * shows each one's own progress. The county report's study-hours
 * figures link here.
 */
#include "web.h"

#include "i18n.h"
#include "web_int.h"

#include "../app/app.h"
#include "../core/util.h"
#include "../domain/classes.h"
#include "../domain/org.h"
#include "../domain/rules.h"
#include "../http/html.h"

#include <stdlib.h>
#include <string.h>

/* The lists of the page: who is behind (the default), who meets the
 * target (the report's 学时达标), everyone bound by one. */
static const struct {
    const char *code, *label;
} statuses[] = {
    {"behind", "Behind their target"},
    {"meeting", "Meeting the target"},
    {"all", "Members bound by a target"},
};

int
web_hours(struct req *req)
{
    int64_t page, per_page, y;
    char today[11];
    int year, status;
    rules_day(now_unix(), today, &year);
    const char *t;
    if (req_paging_or_400(req, &page, &per_page) != 0 ||
        req_query_int_or_400(req, "year", 2000, 2100, year, &y) != 0 ||
        app_township_filter(req, &t) != 0 ||
        app_hours_status_or_400(req, &status) != 0)
        return req->status;
    year = (int)y;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct hours_row *rows;
    size_t n;
    int64_t total, bound, meeting;
    if (hours_behind(db, &req->arena, t, year, (enum hours_status)status,
                     page, per_page, &rows, &n, &total, &bound,
                     &meeting) != 0)
        return app_db_error(req, db);
    web_page_begin(req, T("Study hours"), "/hours");
    struct strbuf *o = &req->out;
    html_raw(o, "<section class=\"report\"><h1>");
    html_txt(o, T("Study hours"));
    html_raw(o, "</h1><form class=\"filters noprint\" method=\"get\" "
                "action=\"/hours\"><label>");
    html_txt(o, T("Year"));
    strbuf_printf(o,
                  " <input type=\"number\" name=\"year\" min=\"2000\" "
                  "max=\"2100\" value=\"%d\"></label>",
                  year);
    web_scope_fields(req, t, NULL, NULL);
    web_select_begin(req, "status", T("Status"));
    for (size_t k = 0; k < sizeof(statuses) / sizeof(statuses[0]); k++)
        web_select_option(req, statuses[k].code, T(statuses[k].label),
                          statuses[status].code);
    html_raw(o, "</select><button type=\"submit\">");
    html_txt(o, T("Show"));
    html_raw(o, "</button></form>");
    web_scope_note(req, t, NULL, NULL);
    html_raw(o, "<div class=\"figures\">");
    const struct {
        const char *label, *id;
        int64_t n;
    } figs[] = {
        {"Members bound by a target", "bound", bound},
        {"Members meeting the hours target", "meeting", meeting},
        {"Behind their target", "behind", bound - meeting},
    };
    for (size_t i = 0; i < sizeof(figs) / sizeof(figs[0]); i++) {
        html_raw(o, "<div class=\"figure\"><span class=\"label\">");
        html_txt(o, T(figs[i].label));
        /* 2.2万 from 10,000 up, the exact count in the title */
        strbuf_printf(o,
                      "</span><span class=\"value\" id=\"hours-%s\" "
                      "title=\"%lld\">",
                      figs[i].id, (long long)figs[i].n);
        html_txt(o, web_count(req, figs[i].n));
        html_raw(o, "</span></div>");
    }
    html_raw(o, "</div>");
    if (bound > 0)
        web_chart(req, "hours-chart",
                  json_pack("{s:s, s:[s,s], s:[I,I]}", "type", "pie", "labels",
                            T("Meeting the target"), T("Behind their target"),
                            "values", (json_int_t)meeting,
                            (json_int_t)(bound - meeting)));
    else {
        html_raw(o, "<p class=\"muted\">");
        html_txt(o, T("No hours target is configured for this year."));
        html_raw(o, "</p>");
    }
    html_raw(o, "<h2>");
    html_txt(o, T(statuses[status].label));
    strbuf_printf(o, " <span id=\"hours-total\">%lld</span>",
                  (long long)total);
    html_raw(o, "</h2><p class=\"meta\">");
    html_txt(o, T("In pinyin order of name; this is not a ranking."));
    html_raw(o, "</p><table id=\"behind\"><thead><tr>");
    web_th(req, "Full name");
    web_th(req, "ID number");
    web_th(req, "Target");
    web_th(req, "Hours");
    web_th(req, "Concentrated classes");
    html_raw(o, "</tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        const struct hours_row *m = &rows[i];
        strbuf_printf(o, "<tr><td><a href=\"/people/%lld\">",
                      (long long)m->person_id);
        html_txt(o, m->name);
        html_raw(o, "</a></td>");
        web_td(req, m->id_number_masked);
        web_td(req, T(m->who == TARGET_CADRE
                          ? "Secretaries and committee members"
                          : "Party members"));
        strbuf_printf(o, "<td>%.1f / %lld</td><td>%lld / %lld</td></tr>",
                      (double)m->minutes / 60.0,
                      (long long)m->target_hours, (long long)m->classes,
                      (long long)m->target_classes);
    }
    html_raw(o, "</tbody></table>");
    struct strbuf extra;
    strbuf_init(&extra, 0);
    strbuf_printf(&extra, "&year=%d", year);
    web_query_arg(&extra, "township", req_query(req, "township"));
    web_query_arg(&extra, "status", statuses[status].code);
    web_pager(req, "/hours", page, per_page, total, strbuf_str(&extra));
    strbuf_cleanup(&extra);
    html_raw(o, "</section>");
    return web_page_end_charts(req);
}

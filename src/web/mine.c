/*
 * mine.c - /me/teaching, a teacher's own page: its rating aggregates
 * (count, mean, the shrunk mean used for ranking, the excellence rate
 * with its count) and the sessions it teaches. Never a single rating:
 * raters are kept only as keyed hashes, and a teacher sees sums.
 */
#include "web.h"

#include "i18n.h"
#include "web_int.h"

#include "../app/app.h"
#include "../core/err.h"
#include "../core/util.h"
#include "../domain/classes.h"
#include "../domain/teaching.h"
#include "../http/html.h"

#include <string.h>

static void
fig(struct req *req, const char *id, const char *label, const char *value)
{
    struct strbuf *o = &req->out;
    html_raw(o, "<div class=\"figure\"><span class=\"label\">");
    html_txt(o, T(label));
    html_raw(o, "</span><span class=\"value\" id=\"");
    html_attr(o, id);
    html_raw(o, "\">");
    html_txt(o, value ? value : "—");
    html_raw(o, "</span></div>");
}

int
web_my_teaching(struct req *req)
{
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    int64_t id;
    int rc = teacher_of_user(db, app_account(req)->id, &id);
    json_t *t = NULL;
    struct rating rating;
    struct class_row *rows = NULL;
    size_t nrows = 0;
    char tw[16];
    int64_t total = 0;
    struct class_filter f = {
        .teacher_id = id, .from = now_unix() - 90 * 86400, .to = INT64_MAX / 2};
    if (rc == 0 && (teacher_get(db, id, &t, tw) != 0 ||
                    rating_summary(db, RATING_OF_TEACHER, id, &rating) != 0 ||
                    class_page(db, &req->arena, &f, 1, 50, &rows, &nrows,
                               &total) != 0))
        rc = ERR_DB;
    if (rc != 0 && rc != ERR_NOTFOUND) {
        json_decref(t);
        return app_db_error(req, db);
    }
    web_page_begin(req, T("My teaching"), "/me/teaching");
    struct strbuf *o = &req->out;
    html_raw(o, "<section class=\"report\"><h1>");
    html_txt(o, T("My teaching"));
    html_raw(o, "</h1>");
    if (rc == ERR_NOTFOUND) {
        html_raw(o, "<p class=\"notice\" id=\"no-teacher\">");
        html_txt(o, T("This account is not linked to a teacher of the "
                      "pool. Ask the school's administrator to link it."));
        html_raw(o, "</p></section>");
        return web_page_end(req);
    }
    html_raw(o, "<p class=\"meta\">");
    html_txt(o, web_jstr(t, "name"));
    html_raw(o, "</p><h2>");
    html_txt(o, T("Ratings by trainees"));
    html_raw(o, "</h2><div class=\"figures\">");
    fig(req, "rating-count", "Evaluations",
        arena_printf(&req->arena, "%lld", (long long)rating.n));
    fig(req, "rating-mean", "Mean score",
        web_score(req, rating.has_mean, rating.mean));
    fig(req, "rating-ranked", "Score used for ranking",
        web_score(req, rating.has_ranked, rating.ranked_mean));
    fig(req, "rating-excellent", "Excellence rate",
        rating.has_rate
            ? arena_printf(&req->arena, "%s (%lld)",
                           web_share(req, true, rating.rate),
                           (long long)rating.excellent)
            : "—");
    html_raw(o, "</div><p class=\"meta\">");
    html_txt(o, T("Only totals are shown: who gave which rating is not "
                  "recorded. The excellence rate needs 10 ratings; the "
                  "ranking score pulls a few ratings toward the county "
                  "mean."));
    html_raw(o, "</p><h2>");
    html_txt(o, T("My sessions"));
    html_raw(o, "</h2><table id=\"my-sessions\"><thead><tr>");
    web_th(req, "Time");
    web_th(req, "Course");
    web_th(req, "Enrolled");
    web_th(req, "Attended");
    html_raw(o, "</tr></thead><tbody>");
    for (size_t i = 0; i < nrows; i++) {
        html_raw(o, "<tr>");
        web_td(req, web_local_unix(req, rows[i].starts_at));
        web_td(req, rows[i].course_title);
        strbuf_printf(o, "<td>%lld</td><td>%lld</td></tr>",
                      (long long)rows[i].enrolled,
                      (long long)rows[i].attended);
    }
    html_raw(o, "</tbody></table></section>");
    json_decref(t);
    return web_page_end(req);
}

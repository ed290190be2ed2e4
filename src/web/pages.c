/*
 * pages.c - the pages of the UI shell. Chinese first: every visible
 * string goes through T() (i18n.h). Admin pages lay out for a desktop
 * with navigation down the left; on a phone the same markup becomes a
 * single column with a bottom tab bar (static/app.css).
 */
#include "web.h"
#include "web_int.h"

#include "assets.h"
#include "i18n.h"

#include "../app/app.h"
#include "../core/err.h"
#include "../core/util.h"
#include "../domain/org.h"
#include "../domain/policy.h"
#include "../domain/roles.h"
#include "../http/html.h"

#include <string.h>



/* Navigation, declared once: who sees which entry. */
static const struct nav_item {
    const char *href;
    const char *label;  /* msgid */
    const char *icon;   /* a glyph for the phone tab bar */
    unsigned roles;
} nav_items[] = {
    {"/", "Home", "⌂", R_ANY},
    {"/people", "Roster", "☷", R_ADMINS},
    {"/villages", "Villages", "▦", R_ADMINS},
    {"/orgs", "Party organisations", "⚑", R_ADMINS},
    {"/schools", "Schools", "⌘", R_ADMINS},
    {"/honours", "Honours and licences", "▣", R_ADMINS},
    {"/teachers", "Teacher pool", "☺", R_ADMINS},
    {"/courses", "Course catalog", "☰", R_ADMINS},
    {"/programs", "Training programs", "◫", R_ADMINS},
    {"/sessions", "Sessions", "▶", R_ADMINS | R_TEACHER},
    {"/plans", "Annual plans", "▥", R_ADMINS},
    {"/me/teaching", "My teaching", "★", R_TEACHER},
    {"/orders", "Online course orders", "✚", R_ADMINS},
    {"/surveys", "Questionnaires", "☑", R_ADMINS},
    {"/hours", "Study hours", "◔", R_ADMINS},
    {"/report", "County report", "▤", R_ADMINS},
    {"/me/schedule", "My schedule", "▦", R_TRAINEE},
    {"/me/hours", "My study hours", "◔", R_TRAINEE},
    {"/me/surveys", "Questionnaires", "☑", R_TRAINEE},
    {"/users", "Accounts", "☰", R_SYSADMIN},
    {"/security", "Security policy", "◈", R_SECADMIN},
    {"/audit", "Audit log", "✎", R_AUDITOR},
    {"/password", "Change password", "⚙", R_ANY},
};

static const char *
asset_url(struct req *req, const char *name)
{
    const struct asset *a = asset_find(name);
    return arena_printf(&req->arena, "/assets/%s?v=%s", name,
                        a ? a->etag : "0");
}

static void
head(struct req *req, const char *title)
{
    struct strbuf *o = &req->out;
    strbuf_reset(o);
    html_raw(o, "<!doctype html><html lang=\"");
    html_raw(o, strcmp(req->lang, "en") == 0 ? "en" : "zh-CN");
    html_raw(o, "\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" "
                "content=\"width=device-width,initial-scale=1\">"
                "<meta name=\"htmx-config\" "
                "content='{\"includeIndicatorStyles\":false}'>"
                "<title>");
    html_txt(o, title);
    html_raw(o, " · ");
    html_txt(o, T("Chengwu Party Member Education"));
    html_raw(o, "</title><link rel=\"stylesheet\" href=\"");
    html_attr(o, asset_url(req, "app.css"));
    html_raw(o, "\"><script defer src=\"");
    html_attr(o, asset_url(req, "htmx.min.js"));
    html_raw(o, "\"></script></head>");
}

const char *
web_role_label(struct req *req, const char *code)
{
    const struct role *r = role_find(code);
    if (r == NULL)
        return code;
    return strcmp(req->lang, "en") == 0 ? r->code : r->label;
}

const char *
web_township_name(struct req *req, const char *code)
{
    if (code == NULL)
        return NULL;
    struct db *db = app_db(req);
    if (db == NULL)
        return code;
    char name[64];
    if (org_township_name(db, code, name, sizeof(name)) <= 0)
        return code;
    return arena_strdup(&req->arena, name);
}

/* The most items a phone shows as a bottom tab bar. */
#define NAV_TABS_MAX 5

/* Opens a page for a logged-in user: top bar, navigation, <main>. */
void
web_page_begin(struct req *req, const char *title, const char *current)
{
    struct strbuf *o = &req->out;
    head(req, title);
    /* On a phone a few items are a tab bar at the bottom (a trainee's);
     * more are a drawer that the menu button opens (CSS alone: a
     * checkbox and its labels, for the page allows no inline script). */
    size_t items = 0;
    for (size_t i = 0; i < sizeof(nav_items) / sizeof(nav_items[0]); i++)
        items += (nav_items[i].roles & req->user->role_bit) != 0;
    bool drawer = items > NAV_TABS_MAX;
    html_raw(o, drawer ? "<body class=\"nav-drawer\">"
                       : "<body class=\"nav-tabs\">");
    html_raw(o, "<header id=\"topbar\">");
    if (drawer) {
        html_raw(o, "<label for=\"menu-open\" id=\"menu-button\" "
                    "class=\"menu-button\"><span aria-hidden=\"true\">☰"
                    "</span> ");
        html_txt(o, T("Menu"));
        html_raw(o, "</label>");
    }
    html_raw(o, "<a class=\"brand\" href=\"/\">");
    html_txt(o, T("Chengwu County"));
    html_raw(o, " · ");
    html_txt(o, T("Party Member Education"));
    html_raw(o, "</a><span class=\"who\"><span class=\"user\">");
    html_txt(o, req->user->username);
    html_raw(o, "</span> · <span class=\"role\">");
    html_txt(o, web_role_label(req, req->user->role));
    html_raw(o, "</span>");
    const char *tn = web_township_name(req, req->user->township_code);
    if (tn) {
        html_raw(o, " · <span class=\"township\">");
        html_txt(o, tn);
        html_raw(o, "</span>");
    }
    html_raw(o, "</span><form id=\"logout-form\" method=\"post\" "
                "action=\"/logout\">");
    web_csrf(req);
    html_raw(o, "<button type=\"submit\" class=\"link\">");
    html_txt(o, T("Log out"));
    html_raw(o, "</button></form></header>");
    if (drawer) {
        html_raw(o, "<input type=\"checkbox\" id=\"menu-open\" "
                    "class=\"menu-open\" aria-label=\"");
        html_attr(o, T("Menu"));
        html_raw(o, "\"><label for=\"menu-open\" class=\"menu-backdrop\" "
                    "aria-hidden=\"true\"></label>");
    }
    html_raw(o, "<div class=\"layout\"><nav id=\"nav\" aria-label=\"");
    html_attr(o, T("Main menu"));
    html_raw(o, "\">");
    for (size_t i = 0; i < sizeof(nav_items) / sizeof(nav_items[0]); i++) {
        const struct nav_item *n = &nav_items[i];
        if (!(n->roles & req->user->role_bit))
            continue;
        html_raw(o, "<a href=\"");
        html_attr(o, n->href);
        html_raw(o, strcmp(n->href, current) == 0 ? "\" class=\"on\">"
                                                  : "\">");
        html_raw(o, "<span class=\"icon\" aria-hidden=\"true\">");
        html_txt(o, n->icon);
        html_raw(o, "</span><span class=\"label\">");
        html_txt(o, T(n->label));
        html_raw(o, "</span></a>");
    }
    html_raw(o, "</nav><main>");
}

int
web_page_end(struct req *req)
{
    html_raw(&req->out, "</main></div><footer>");
    html_txt(&req->out, T("Demo data and placeholder township codes are "
                          "marked as such."));
    html_raw(&req->out, "</footer></body></html>");
    return http_body(req, 200, "text/html; charset=utf-8");
}

int
web_error_page(struct req *req, int status, const char *message)
{
    static const struct {
        int status;
        const char *title; /* msgid */
    } titles[] = {
        {400, "The request was not right"},
        {401, "Log in first"},
        {403, "Not allowed"},
        {404, "Not found"},
        {405, "Not possible here"},
        {409, "In conflict with what is recorded"},
        {410, "Expired"},
        {413, "Too large"},
        {422, "Something to correct"},
        {429, "Too many attempts"},
        {503, "The server is busy"},
    };
    const char *title = "Something went wrong";
    for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
        if (titles[i].status == status)
            title = titles[i].title;
    strbuf_reset(&req->out);
    web_page_begin(req, T(title), "");
    struct strbuf *o = &req->out;
    strbuf_printf(o, "<section class=\"error-page\" data-status=\"%d\"><h1>",
                  status);
    html_txt(o, T(title));
    html_raw(o, "</h1><p id=\"error-message\">");
    html_txt(o, message);
    html_raw(o, "</p><p><a href=\"/\">");
    html_txt(o, T("Back to the home page"));
    html_raw(o, "</a></p></section>");
    web_page_end(req);
    req->status = status;
    return status;
}

void
web_chart(struct req *req, const char *id, json_t *spec)
{
    struct strbuf *o = &req->out;
    char *js = json_dumps(spec, JSON_COMPACT);
    html_raw(o, "<div class=\"chart\" id=\"");
    html_attr(o, id);
    html_raw(o, "\" data-chart=\"");
    html_attr(o, js ? js : "{}");
    html_raw(o, "\"></div>");
    free(js);
    json_decref(spec);
}

int
web_page_end_charts(struct req *req)
{
    struct strbuf *o = &req->out;
    html_raw(o, "<script defer src=\"");
    html_attr(o, asset_url(req, "echarts.min.js"));
    html_raw(o, "\"></script><script defer src=\"");
    html_attr(o, asset_url(req, "charts.js"));
    html_raw(o, "\"></script>");
    return web_page_end(req);
}

static void
stat(struct req *req, int64_t n, const char *label)
{
    html_raw(&req->out, "<div class=\"stat\"><div class=\"num\">");
    html_txt(&req->out, web_count(req, n));
    html_raw(&req->out, "</div><div class=\"label\">");
    html_txt(&req->out, label);
    html_raw(&req->out, "</div></div>");
}

/* --- log-in ------------------------------------------------------------ */

static bool
safe_next(const char *next)
{
    return next && next[0] == '/' && next[1] != '/' && next[1] != '\\' &&
           strstr(next, "://") == NULL;
}

static int
login_page(struct req *req, int status, const char *username,
           const char *error)
{
    struct strbuf *o = &req->out;
    head(req, T("Log in"));
    html_raw(o, "<body class=\"login\"><main class=\"login-box\"><h1>");
    html_txt(o, T("Chengwu County"));
    html_raw(o, "<br><small>");
    html_txt(o, T("Party Member Education Platform"));
    html_raw(o, "</small></h1>");
    if (error) {
        html_raw(o, "<p class=\"form-error\" role=\"alert\">");
        html_txt(o, error);
        html_raw(o, "</p>");
    }
    html_raw(o, "<form id=\"login-form\" method=\"post\" action=\"/login\">");
    const char *next = req_query(req, "next");
    if (next == NULL)
        next = req_form(req, "next");
    if (safe_next(next)) {
        html_raw(o, "<input type=\"hidden\" name=\"next\" value=\"");
        html_attr(o, next);
        html_raw(o, "\">");
    }
    html_raw(o, "<label>");
    html_txt(o, T("Username"));
    html_raw(o, "<input name=\"username\" autocomplete=\"username\" "
                "autocapitalize=\"off\" required value=\"");
    html_attr(o, username ? username : "");
    html_raw(o, "\"></label><label>");
    html_txt(o, T("Password"));
    html_raw(o, "<input name=\"password\" type=\"password\" "
                "autocomplete=\"current-password\" required></label>"
                "<button type=\"submit\">");
    html_txt(o, T("Log in"));
    html_raw(o, "</button></form><p class=\"lang\"><a href=\"/login?lang=zh\">"
                "中文</a> · <a href=\"/login?lang=en\">English</a></p>"
                "</main></body></html>");
    return http_body(req, status, "text/html; charset=utf-8");
}

int
web_login_form(struct req *req)
{
    if (req->user)
        return http_redirect(req, "/");
    return login_page(req, 200, NULL, NULL);
}

/* The page's answer to a log-in (app_login). */
static int
page_login_answer(struct req *req, const struct login_result *res, void *ctx)
{
    const char *username = ctx;
    if (res->outcome == LOGIN_LOCKED || res->outcome == LOGIN_THROTTLED) {
        const char *fmt =
            res->outcome == LOGIN_LOCKED
                ? T("Too many failed attempts: the account is "
                    "locked. Try again in %lld minutes.")
                : T("Too many failed log-ins from this address. Try "
                    "again in %lld minutes.");
        return login_page(req, 429, username,
                          arena_printf(&req->arena, fmt,
                                       (long long)(res->retry_after + 59) /
                                           60));
    }
    if (res->outcome != LOGIN_OK)
        return login_page(req, 401, username,
                          T("Wrong username or password."));
    app_set_session_cookie(req, res->token);
    if (res->acct.must_change_password)
        return http_redirect(req, "/password");
    const char *next = req_form(req, "next");
    return http_redirect(req, safe_next(next) ? next : "/");
}

int
web_login(struct req *req)
{
    const char *username = req_form(req, "username");
    const char *password = req_form(req, "password");
    if (username == NULL || password == NULL || *username == '\0' ||
        *password == '\0' || utf8_chars(username) < 0 ||
        strlen(username) > 64 || strlen(password) > 256)
        return login_page(req, 422, username,
                          T("Enter your username and password."));
    /* The name to show again if the log-in fails. */
    char *shown = arena_strdup(&req->arena, username);
    return app_login(req, username, password, page_login_answer, shown);
}

int
web_logout(struct req *req)
{
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = app_who(req);
    if (auth_logout(db, app_account(req), &who) != 0)
        return app_db_error(req, db);
    app_clear_session_cookie(req);
    return http_redirect(req, "/login");
}

/* --- home ---------------------------------------------------------------- */

int
web_home(struct req *req)
{
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    web_page_begin(req, T("Home"), "/");
    struct strbuf *o = &req->out;
    html_raw(o, "<h1>");
    html_txt(o, T("Home"));
    html_raw(o, "</h1>");
    if (req_query(req, "changed")) {
        html_raw(o, "<p class=\"notice\">");
        html_txt(o, T("Your password has been changed."));
        html_raw(o, "</p>");
    }
    html_raw(o, "<div class=\"stats\">");
    unsigned bit = req->user->role_bit;
    if (bit & R_SYSADMIN) {
        int64_t users = 0, locked = 0;
        if (auth_account_counts(db, &users, &locked) != 0)
            return app_db_error(req, db);
        stat(req, users, T("Accounts"));
        stat(req, locked, T("Locked accounts"));
    } else if (bit & R_SECADMIN) {
        int64_t changes = 0, users = 0, locked = 0;
        struct role_change *none;
        size_t n;
        if (policy_role_changes(db, &req->arena, 0, 0, &none, &n,
                                &changes) != 0 ||
            auth_account_counts(db, &users, &locked) != 0)
            return app_db_error(req, db);
        stat(req, changes, T("Role changes to review"));
        stat(req, locked, T("Locked accounts"));
    } else if (bit & R_AUDITOR) {
        int64_t all = 0, today = 0;
        int64_t now = now_unix();
        int64_t midnight = now - (now + 8 * 3600) % 86400; /* Asia/Shanghai */
        struct audit_filter any = {0}, since = {.from = midnight};
        if (audit_count(db, &any, &all) != 0 ||
            audit_count(db, &since, &today) != 0)
            return app_db_error(req, db);
        stat(req, all, T("Audit records"));
        stat(req, today, T("Audit records today"));
    } else {
        struct org_counts c;
        if (org_counts(db, app_scope(req), &c) != 0)
            return app_db_error(req, db);
        if (app_scope(req) == NULL)
            stat(req, c.townships, T("Townships"));
        stat(req, c.villages, T("Villages and communities"));
        stat(req, c.people, T("People on the roster"));
    }
    html_raw(o, "</div><p class=\"muted\">");
    html_txt(o, T("Every figure is counted from the records, never typed "
                  "in."));
    html_raw(o, "</p>");
    return web_page_end(req);
}

/* --- change password ------------------------------------------------------ */

static int
password_page(struct req *req, int status, const char *old_err,
              const char *new_err, const char *confirm_err)
{
    struct strbuf *o = &req->out;
    web_page_begin(req, T("Change password"), "/password");
    html_raw(o, "<h1>");
    html_txt(o, T("Change password"));
    html_raw(o, "</h1>");
    if (req->user->must_change_password) {
        html_raw(o, "<p class=\"notice\">");
        html_txt(o, T("You must change your password before you go on."));
        html_raw(o, "</p>");
    }
    web_form_begin(req, "password-form", "/password");
    html_raw(o, "<label>");
    html_txt(o, T("Current password"));
    html_raw(o, "<input name=\"old_password\" type=\"password\" "
                "autocomplete=\"current-password\" required></label>");
    web_field_error(req, old_err);
    html_raw(o, "<label>");
    html_txt(o, T("New password"));
    html_raw(o, "<input name=\"new_password\" type=\"password\" "
                "autocomplete=\"new-password\" required></label>");
    web_field_error(req, new_err);
    html_raw(o, "<label>");
    html_txt(o, T("New password again"));
    html_raw(o, "<input name=\"confirm\" type=\"password\" "
                "autocomplete=\"new-password\" required></label>");
    web_field_error(req, confirm_err);
    html_raw(o, "<p class=\"hint\">");
    html_txt(o, T("At least 8 characters, with three of: capital letters, "
                  "small letters, digits, symbols. Not a common password, "
                  "not your username, name, birth date, ID number or "
                  "phone, and none of your last 5 passwords."));
    html_raw(o, "</p>");
    web_form_end(req, T("Save"), NULL);
    web_page_end(req);
    req->status = status;
    return status;
}

int
web_password_form(struct req *req)
{
    return password_page(req, 200, NULL, NULL, NULL);
}

struct page_password {
    const char *old_pw, *new_pw;
};

/* The change itself, on the hashing pool: it hashes up to seven times. */
static int
page_password_run(struct req *req, void *ctx)
{
    const struct page_password *p = ctx;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = app_who(req);
    const char *why = NULL;
    int rc = auth_change_password(db, app_account(req), p->old_pw, p->new_pw,
                                  &who, &why);
    switch (rc) {
    case 0:
        return http_redirect(req, "/?changed=1");
    case ERR_DENIED:
        return password_page(req, 422, T("The current password is wrong."),
                             NULL, NULL);
    case ERR_INVAL:
    case ERR_CONFLICT:
        return password_page(req, 422, NULL, web_why(req, why), NULL);
    default:
        return app_db_error(req, db);
    }
}

int
web_password(struct req *req)
{
    struct page_password *p = arena_zalloc(&req->arena, sizeof(*p));
    p->old_pw = req_form(req, "old_password");
    p->new_pw = req_form(req, "new_password");
    const char *confirm = req_form(req, "confirm");
    if (p->old_pw == NULL || *p->old_pw == '\0')
        return password_page(req, 422, T("Enter your current password."),
                             NULL, NULL);
    if (p->new_pw == NULL || *p->new_pw == '\0')
        return password_page(req, 422, NULL, T("Enter a new password."),
                             NULL);
    if (confirm == NULL || strcmp(p->new_pw, confirm) != 0)
        return password_page(req, 422, NULL, NULL,
                             T("The two new passwords differ."));
    if (strlen(p->old_pw) > 256 || strlen(p->new_pw) > 256)
        return password_page(req, 422, NULL, T("Too long."), NULL);
    return app_offload(req, page_password_run, p);
}

/* --- lists ------------------------------------------------------------ */

/* Writes "page P of N" links that keep the other query arguments. */
void
web_pager(struct req *req, const char *base, int64_t page, int64_t per_page,
          int64_t total, const char *extra)
{
    struct strbuf *o = &req->out;
    int64_t pages = (total + per_page - 1) / per_page;
    if (pages <= 1)
        return;
    html_raw(o, "<nav class=\"pager\" aria-label=\"");
    html_attr(o, T("Pages"));
    html_raw(o, "\">");
    if (page > 1) {
        html_raw(o, "<a href=\"");
        html_attr(o, arena_printf(&req->arena, "%s?page=%lld%s", base,
                                  (long long)page - 1, extra));
        html_raw(o, "\">‹</a>");
    }
    strbuf_printf(o, "<span>%lld / %lld</span>", (long long)page,
                  (long long)pages);
    if (page < pages) {
        html_raw(o, "<a href=\"");
        html_attr(o, arena_printf(&req->arena, "%s?page=%lld%s", base,
                                  (long long)page + 1, extra));
        html_raw(o, "\">›</a>");
    }
    html_raw(o, "</nav>");
}

/* What the account form said was wrong, field by field. */
struct user_form {
    const char *username, *role, *township;  /* values to show again */
    const char *err_username, *err_password, *err_role, *err_township;
};

/* The account form (sysadmin): a new account gets an initial password
 * that its holder must change at first log-in. */
static int
user_form(struct req *req, struct db *db, const struct user_form *f)
{
    struct strbuf *o = &req->out;
    json_t *towns = json_array();
    int64_t ntowns;
    if (org_townships(db, 1, 500, towns, &ntowns) != 0) {
        json_decref(towns);
        return -1;
    }
    html_raw(o, "<h2>");
    html_txt(o, T("New account"));
    html_raw(o, "</h2>");
    web_form_begin(req, "user-form", "/users");
    html_raw(o, "<label>");
    html_txt(o, T("Username"));
    html_raw(o, "<input name=\"username\" autocomplete=\"off\" value=\"");
    html_attr(o, f->username ? f->username : "");
    html_raw(o, "\"></label>");
    web_field_error(req, f->err_username);
    html_raw(o, "<label>");
    html_txt(o, T("Initial password"));
    html_raw(o, "<input name=\"password\" type=\"password\" "
                "autocomplete=\"new-password\"></label>");
    web_field_error(req, f->err_password);
    html_raw(o, "<p class=\"hint\">");
    html_txt(o, T("The holder must change it at first log-in."));
    html_raw(o, "</p><label>");
    html_txt(o, T("Role"));
    html_raw(o, "<select name=\"role\">");
    /* The three administrators are made at the console only. */
    for (const struct role *r = roles; r->code; r++)
        if (!r->console_only)
            web_select_option(req, r->code, web_role_label(req, r->code),
                              f->role);
    html_raw(o, "</select></label>");
    web_field_error(req, f->err_role);
    html_raw(o, "<p class=\"hint\">");
    html_txt(o, T("System, security and audit administrators are set up "
                  "at the server's console (dangxiao user add)."));
    html_raw(o, "</p>");
    web_code_select(req, "township_code", "Township", towns,
                    T("(county-wide)"), f->township, f->err_township);
    json_decref(towns);
    web_form_end(req, T("Create"), NULL);
    return 0;
}

static int
users_page(struct req *req, int status, const struct user_form *f)
{
    int64_t page, per_page;
    if (req_paging_or_400(req, &page, &per_page) != 0)
        return req->status;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    int64_t total;
    struct account *rows;
    size_t n;
    if (auth_accounts_page(db, &req->arena, per_page, (page - 1) * per_page,
                           &rows, &n, &total) != 0)
        return app_db_error(req, db);
    web_page_begin(req, T("Accounts"), "/users");
    struct strbuf *o = &req->out;
    html_raw(o, "<h1>");
    html_txt(o, T("Accounts"));
    html_raw(o, "</h1>");
    const char *created = req_query(req, "created");
    if (created && status == 200) {
        html_raw(o, "<p class=\"notice\">");
        html_txt(o, T("Account created:"));
        html_raw(o, " ");
        html_txt(o, created);
        html_raw(o, "</p>");
    }
    html_raw(o, "<table><thead><tr><th>");
    html_txt(o, T("Username"));
    html_raw(o, "</th><th>");
    html_txt(o, T("Role"));
    html_raw(o, "</th><th>");
    html_txt(o, T("Township"));
    html_raw(o, "</th><th>");
    html_txt(o, T("State"));
    html_raw(o, "</th></tr></thead><tbody>");
    int64_t now = now_unix();
    for (size_t i = 0; i < n; i++) {
        const struct account *u = &rows[i];
        html_raw(o, "<tr><td>");
        html_txt(o, u->username);
        html_raw(o, "</td><td>");
        html_txt(o, web_role_label(req, u->role));
        html_raw(o, "</td><td>");
        html_txt(o, u->township_code ? web_township_name(req, u->township_code)
                                     : "—");
        html_raw(o, "</td><td>");
        if (u->disabled)
            html_txt(o, T("disabled"));
        else if (u->locked_until > now)
            html_txt(o, T("locked"));
        else if (u->must_change_password)
            html_txt(o, T("must change password"));
        else
            html_txt(o, T("active"));
        html_raw(o, "</td></tr>");
    }
    html_raw(o, "</tbody><tfoot><tr><td colspan=\"4\">");
    html_txt(o, T("Total"));
    strbuf_printf(o, ": %lld", (long long)total);
    html_raw(o, "</td></tr></tfoot></table>");
    web_pager(req, "/users", page, per_page, total, "");
    if (user_form(req, db, f) != 0)
        return app_db_error(req, db);
    web_page_end(req);
    req->status = status;
    return status;
}

int
web_users(struct req *req)
{
    struct user_form f = {0};
    return users_page(req, 200, &f);
}

struct page_user {
    struct user_form f;
    struct user_new u;
};

/* The account creation, on the hashing pool. */
static int
page_user_run(struct req *req, void *ctx)
{
    struct page_user *p = ctx;
    struct user_form *f = &p->f;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct audit_who who = app_who(req);
    int64_t id;
    struct user_error e = {0};
    int rc = auth_user_create(db, &p->u, &who, &id, &e);
    if (rc == 0) {
        struct strbuf loc;
        strbuf_init(&loc, 0);
        strbuf_puts(&loc, "/users?created=");
        html_urlenc(&loc, f->username);
        const char *l = arena_strdup(&req->arena, strbuf_str(&loc));
        strbuf_cleanup(&loc);
        return http_redirect(req, l);
    }
    if (e.code == NULL || strcmp(e.code, "internal") == 0)
        return app_db_error(req, db);
    const char *msg = web_why(req, e.why);
    if (e.field && strcmp(e.field, "username") == 0)
        f->err_username = msg;
    else if (e.field && strcmp(e.field, "password") == 0)
        f->err_password = msg;
    else if (e.field && strcmp(e.field, "role") == 0)
        f->err_role = msg;
    else
        f->err_township = msg;
    return users_page(req,
                      rc == ERR_CONFLICT ? 409 : rc == ERR_DENIED ? 403 : 422,
                      f);
}

int
web_users_create(struct req *req)
{
    struct page_user *p = arena_zalloc(&req->arena, sizeof(*p));
    struct user_form *f = &p->f;
    f->username = req_form(req, "username");
    f->role = req_form(req, "role");
    f->township = req_form(req, "township_code");
    const char *password = req_form(req, "password");
    if (f->username == NULL || *f->username == '\0') {
        f->err_username = T("Enter a username.");
        return users_page(req, 422, f);
    }
    if (password == NULL || *password == '\0' || strlen(password) > 256) {
        f->err_password = T("Enter an initial password.");
        return users_page(req, 422, f);
    }
    p->u = (struct user_new){
        .username = f->username,
        .password = password,
        .role = f->role ? f->role : "",
        .township_code = f->township && *f->township ? f->township : NULL,
        .origin = USER_BY_API,
    };
    return app_offload(req, page_user_run, p);
}

int
web_audit(struct req *req)
{
    int64_t page, per_page;
    if (req_paging_or_400(req, &page, &per_page) != 0)
        return req->status;
    const char *event = req_query(req, "event");
    if (event && (*event == '\0' || strlen(event) > 64))
        event = NULL;
    struct db *db = app_db(req);
    if (db == NULL)
        return req->status;
    struct audit_filter af = {.event = event};
    int64_t total;
    struct audit_entry *rows;
    size_t n;
    if (audit_count(db, &af, &total) != 0 ||
        audit_page(db, &req->arena, &af, per_page, (page - 1) * per_page,
                   &rows, &n) != 0)
        return app_db_error(req, db);
    web_page_begin(req, T("Audit log"), "/audit");
    struct strbuf *o = &req->out;
    html_raw(o, "<h1>");
    html_txt(o, T("Audit log"));
    html_raw(o, "</h1><form class=\"filters\" method=\"get\" "
                "action=\"/audit\" id=\"audit-filters\">"
                "<input name=\"event\" list=\"audit-events\" "
                "placeholder=\"");
    html_attr(o, T("Event, e.g. login_failure"));
    html_raw(o, "\" value=\"");
    html_attr(o, event ? event : "");
    html_raw(o, "\"><datalist id=\"audit-events\">");
    /* The events an auditor looks for most; any event can be typed. */
    static const char *const events[] = {
        "user_role_change", "user_create", "user_disable", "user_enable",
        "user_unlock", "security_policy_change", "login_failure",
        "lockout", "login_throttle", "login_success", "logout",
        "password_change", "token_create", "token_revoke", "person_reveal",
        "person_export",
    };
    for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
        html_raw(o, "<option value=\"");
        html_attr(o, events[i]);
        html_raw(o, "\">");
    }
    html_raw(o, "</datalist><button type=\"submit\">");
    html_txt(o, T("Filter"));
    html_raw(o, "</button> <a href=\"/audit?event=user_role_change\" "
                "id=\"audit-role-changes\">");
    html_txt(o, T("Role changes"));
    html_raw(o, "</a></form><table><thead><tr><th>");
    html_txt(o, T("Time"));
    html_raw(o, "</th><th>");
    html_txt(o, T("User"));
    html_raw(o, "</th><th>");
    html_txt(o, T("Event"));
    html_raw(o, "</th><th>");
    html_txt(o, T("Object"));
    html_raw(o, "</th><th>");
    html_txt(o, T("Result"));
    html_raw(o, "</th><th>IP</th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        const struct audit_row *e = &rows[i].row;
        char at[21];
        time_iso(e->at + 8 * 3600, at); /* shown in Beijing time */
        at[10] = ' ';
        at[19] = '\0';
        html_raw(o, "<tr><td>");
        html_txt(o, at);
        html_raw(o, "</td><td>");
        html_txt(o, e->username);
        html_raw(o, "</td><td>");
        html_txt(o, e->event);
        html_raw(o, "</td><td>");
        html_txt(o, e->object);
        html_raw(o, "</td><td>");
        html_txt(o, e->success ? T("success") : T("failure"));
        html_raw(o, "</td><td>");
        html_txt(o, e->ip);
        html_raw(o, "</td></tr>");
    }
    html_raw(o, "</tbody><tfoot><tr><td colspan=\"6\">");
    html_txt(o, T("Total"));
    strbuf_printf(o, ": %lld", (long long)total);
    html_raw(o, "</td></tr></tfoot></table>");
    struct strbuf extra;
    strbuf_init(&extra, 0);
    if (event) {
        strbuf_puts(&extra, "&event=");
        html_urlenc(&extra, event);
    }
    web_pager(req, "/audit", page, per_page, total, strbuf_str(&extra));
    strbuf_cleanup(&extra);
    return web_page_end(req);
}

/*
 * test_http.c - the route table (every route declares access, a body
 * limit only where a body belongs, flags that agree, well-formed query
 * parameters), which query parameters a request may carry, route
 * matching, and the HTML escaping writers.
 */
#include "unit.h"

#include "../../src/routes.h"
#include "../../src/core/err.h"
#include "../../src/core/util.h"
#include "../../src/domain/roles.h"
#include "../../src/http/html.h"
#include "../../src/http/http.h"
#include "../fake/req.h"

#include <string.h>

static int
dummy(struct req *req)
{
    (void)req;
    return 200;
}

static void
every_app_route_declares_access(void **state)
{
    (void)state;
    char err[256] = "";
    assert_int_equal(routes_init(), 0);
    assert_int_equal(http_routes_check(routes, err, sizeof(err)), 0);
    for (int i = 0; routes[i].method; i++) {
        assert_int_not_equal(routes[i].access, ACCESS_UNDECLARED);
        /* The account and audit administrators see no business data:
         * the only routes open to them are their own and the shared
         * account routes. */
        const char *p = routes[i].pattern;
        if (routes[i].access == ACCESS_USER &&
            (routes[i].roles & (R_SYSADMIN | R_AUDITOR)) &&
            routes[i].roles != R_ANY) {
            bool own = strncmp(p, "/api/v1/users", 13) == 0 ||
                       strcmp(p, "/users") == 0 ||
                       strcmp(p, "/api/v1/audit") == 0 ||
                       strcmp(p, "/audit") == 0;
            assert_true(own);
        }
    }
}

static void
undeclared_access_is_refused(void **state)
{
    (void)state;
    const struct route bad[] = {
        {"GET", "/a", dummy, ACCESS_PUBLIC, 0, 0, NULL},
        {"GET", "/b", dummy, ACCESS_UNDECLARED, 0, 0, NULL},
        {NULL, NULL, NULL, ACCESS_UNDECLARED, 0, 0, NULL},
    };
    char err[256];
    assert_int_equal(http_routes_check(bad, err, sizeof(err)), ERR_INVAL);
    assert_non_null(strstr(err, "GET /b declares no access rule"));
    const struct route noroles[] = {
        {"GET", "/a", dummy, ACCESS_USER, 0, 0, NULL},
        {NULL, NULL, NULL, ACCESS_UNDECLARED, 0, 0, NULL},
    };
    assert_int_equal(http_routes_check(noroles, err, sizeof(err)),
                     ERR_INVAL);
    const struct route twice[] = {
        {"GET", "/a", dummy, ACCESS_PUBLIC, 0, 0, NULL},
        {"GET", "/a", dummy, ACCESS_PUBLIC, 0, 0, NULL},
        {NULL, NULL, NULL, ACCESS_UNDECLARED, 0, 0, NULL},
    };
    assert_int_equal(http_routes_check(twice, err, sizeof(err)), ERR_INVAL);
    /* A flag that `dangxiao routes` could not name. */
    const struct route unnamed[] = {
        {"GET", "/a", dummy, ACCESS_PUBLIC, 0, 1u << 30, NULL},
        {NULL, NULL, NULL, ACCESS_UNDECLARED, 0, 0, NULL},
    };
    assert_int_equal(http_routes_check(unnamed, err, sizeof(err)),
                     ERR_INVAL);
    assert_non_null(strstr(err, "http_route_flag_names"));
}

/* One bad route per case: http_routes_check refuses it, naming why. */
static void
inconsistent_declarations_are_refused(void **state)
{
    (void)state;
    static const struct {
        struct route r;
        const char *why;
    } cases[] = {
        {{"GET", "/a", dummy, ACCESS_PUBLIC, 0, ROUTE_UPLOAD, NULL},
         "a GET takes no body"},
        {{"GET", "/a", dummy, ACCESS_USER, 1, ROUTE_PHOTO, NULL},
         "a GET takes no body"},
        {{"GET", "/a", dummy, ACCESS_PUBLIC, 0, ROUTE_ANON_BODY, NULL},
         "a GET takes no body"},
        {{"POST", "/a", dummy, ACCESS_USER, 1, ROUTE_UPLOAD | ROUTE_PHOTO,
          NULL},
         "two body limits"},
        {{"POST", "/a", dummy, ACCESS_USER, 1, ROUTE_ANON_BODY, NULL},
         "anonymous callers on a route that needs log-in"},
        {{"POST", "/a", dummy, ACCESS_PUBLIC, 0,
          ROUTE_ANON_BODY | ROUTE_UPLOAD, NULL},
         "a large body from anonymous callers"},
        {{"POST", "/a", dummy, ACCESS_USER, 1, ROUTE_NO_CSRF, NULL},
         "no CSRF check for logged-in callers"},
        {{"GET", "/a", dummy, ACCESS_PUBLIC, 0, ROUTE_PW_CHANGE_OK, NULL},
         "password-change exemption on a public route"},
        {{"GET", "/api/v1/a", dummy, ACCESS_PUBLIC, 0, ROUTE_PAGE, NULL},
         "a page under /api/"},
        {{"GET", "/a", dummy, ACCESS_PUBLIC, 0, 0, "q,,page"},
         "an empty or badly spelled name"},
        {{"GET", "/a", dummy, ACCESS_PUBLIC, 0, 0, ""},
         "an empty or badly spelled name"},
        {{"GET", "/a", dummy, ACCESS_PUBLIC, 0, 0, "q,"},
         "an empty or badly spelled name"},
        {{"GET", "/a", dummy, ACCESS_PUBLIC, 0, 0, "Q"},
         "an empty or badly spelled name"},
        {{"GET", "/a", dummy, ACCESS_PUBLIC, 0, 0, "q, page"},
         "an empty or badly spelled name"},
        {{"GET", "/a", dummy, ACCESS_PUBLIC, 0, 0, "q;page"},
         "a character other than"},
        {{"GET", "/a", dummy, ACCESS_PUBLIC, 0, 0, "page,q,page"},
         "a name twice"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct route t[] = {
            cases[i].r,
            {NULL, NULL, NULL, ACCESS_UNDECLARED, 0, 0, NULL},
        };
        char err[256] = "";
        assert_int_equal(http_routes_check(t, err, sizeof(err)), ERR_INVAL);
        if (strstr(err, cases[i].why) == NULL)
            fail_msg("case %zu: '%s' does not say '%s'", i, err,
                     cases[i].why);
    }
    /* What may be declared. */
    const struct route good[] = {
        {"POST", "/login", dummy, ACCESS_PUBLIC, 0,
         ROUTE_PAGE | ROUTE_NO_CSRF | ROUTE_ANON_BODY, "next"},
        {"POST", "/up", dummy, ACCESS_USER, 1, ROUTE_UPLOAD, "mode"},
        {"GET", "/list", dummy, ACCESS_USER, 1, ROUTE_PW_CHANGE_OK,
         "page,per_page,q,school_id"},
        {NULL, NULL, NULL, ACCESS_UNDECLARED, 0, 0, NULL},
    };
    char err[256] = "";
    assert_int_equal(http_routes_check(good, err, sizeof(err)), 0);
}

static void
query_parameters_are_the_declared_ones(void **state)
{
    (void)state;
    const struct route api = {"GET", "/api/v1/x", dummy, ACCESS_PUBLIC, 0,
                              0, "page,per_page,q"};
    const struct route page = {"GET", "/x", dummy, ACCESS_PUBLIC, 0,
                               ROUTE_PAGE, "township"};
    const struct route none = {"GET", "/y", dummy, ACCESS_PUBLIC, 0, 0,
                               NULL};
    assert_true(http_query_allowed(&api, "page"));
    assert_true(http_query_allowed(&api, "per_page"));
    assert_true(http_query_allowed(&api, "q"));
    assert_false(http_query_allowed(&api, "pag"));
    assert_false(http_query_allowed(&api, "pages"));
    assert_false(http_query_allowed(&api, "school_id"));
    assert_false(http_query_allowed(&api, ""));
    assert_false(http_query_allowed(&none, "q"));
    /* lang everywhere; WeChat's parameters on pages only. */
    assert_true(http_query_allowed(&api, "lang"));
    assert_true(http_query_allowed(&none, "lang"));
    assert_true(http_query_allowed(NULL, "lang"));
    assert_false(http_query_allowed(NULL, "q"));
    static const char *const wechat[] = {"from",      "isappinstalled",
                                         "scene",     "subscene",
                                         "clicktime", "enterid",
                                         "ascene",    "nsukey"};
    for (size_t i = 0; i < sizeof(wechat) / sizeof(wechat[0]); i++) {
        assert_true(http_query_allowed(&page, wechat[i]));
        assert_false(http_query_allowed(&api, wechat[i]));
    }
    assert_true(http_query_allowed(&page, "township"));
    assert_false(http_query_allowed(&page, "q"));
}

/* The app's table: bodies where the issue says, nowhere else. */
static void
app_routes_take_bodies_only_where_declared(void **state)
{
    (void)state;
    assert_int_equal(routes_init(), 0);
    for (int i = 0; routes[i].method; i++) {
        const struct route *r = &routes[i];
        bool big = (r->flags & (ROUTE_UPLOAD | ROUTE_PHOTO)) != 0;
        bool big_ok = strstr(r->pattern, "/import") != NULL ||
                      strstr(r->pattern, "/photos") != NULL;
        if (big && !big_ok)
            fail_msg("%s %s takes a large body", r->method, r->pattern);
        bool anon = (r->flags & ROUTE_ANON_BODY) != 0;
        bool anon_ok = (strcmp(r->pattern, "/api/v1/session") == 0 ||
                        strcmp(r->pattern, "/login") == 0 ||
                        strcmp(r->pattern, "/api/v1/password/reset") == 0) &&
                       strcmp(r->method, "POST") == 0;
        if (anon != anon_ok)
            fail_msg("%s %s: a body from anonymous callers is %s", r->method,
                     r->pattern, anon ? "declared" : "not declared");
    }
}

static void
routes_match_with_parameters(void **state)
{
    (void)state;
    const struct route r[] = {
        {"GET", "/api/v1/users", dummy, ACCESS_PUBLIC, 0, 0, NULL},
        {"GET", "/api/v1/users/{id}", dummy, ACCESS_PUBLIC, 0, 0, NULL},
        {"PATCH", "/api/v1/users/{id}", dummy, ACCESS_PUBLIC, 0, 0, NULL},
        {"GET", "/x/{a}/y/{b}", dummy, ACCESS_PUBLIC, 0, 0, NULL},
        {NULL, NULL, NULL, ACCESS_UNDECLARED, 0, 0, NULL},
    };
    struct arena a;
    arena_init(&a, 0);
    const char *params[4];
    int n = 0;
    assert_int_equal(http_route_match(r, "GET", "/api/v1/users", params, &n,
                                      &a),
                     0);
    assert_int_equal(http_route_match(r, "PATCH", "/api/v1/users/42",
                                      params, &n, &a),
                     2);
    assert_int_equal(n, 1);
    assert_string_equal(params[0], "42");
    assert_int_equal(http_route_match(r, "GET", "/x/1/y/two", params, &n,
                                      &a),
                     3);
    assert_string_equal(params[1], "two");
    /* Known path, wrong method: 405; unknown path: 404. */
    assert_int_equal(http_route_match(r, "DELETE", "/api/v1/users/42",
                                      params, &n, &a),
                     -2);
    assert_int_equal(http_route_match(r, "GET", "/api/v1/users/", params, &n,
                                      &a),
                     -1);
    assert_int_equal(http_route_match(r, "GET", "/api/v1/users/1/x", params,
                                      &n, &a),
                     -1);
    assert_int_equal(http_route_match(r, "HEAD", "/api/v1/users", params, &n,
                                      &a),
                     0);
    arena_cleanup(&a);
}

static void
html_writers_escape(void **state)
{
    (void)state;
    struct strbuf sb;
    strbuf_init(&sb, 0);
    html_txt(&sb, "<script>alert('x')</script> & \"q\"");
    assert_string_equal(strbuf_str(&sb),
                        "&lt;script&gt;alert('x')&lt;/script&gt; &amp; "
                        "&quot;q&quot;");
    strbuf_reset(&sb);
    html_attr(&sb, "a' onmouseover='x");
    assert_string_equal(strbuf_str(&sb), "a&#39; onmouseover=&#39;x");
    strbuf_reset(&sb);
    html_urlenc(&sb, "/a b?c=张");
    assert_string_equal(strbuf_str(&sb), "/a%20b%3Fc%3D%E5%BC%A0");
    strbuf_cleanup(&sb);
}

/* A JSON body: the object, or NULL with the answer's status. */
static json_t *
json_body(struct fake_req *f, const char *body)
{
    fake_req_init(f, "POST", "application/json", body, strlen(body), false);
    return req_json_or_400(&f->req);
}

/* req_json_or_400 refuses a control character in any string of the body,
 * at any depth, naming where it is; CR LF becomes LF. */
static void
json_bodies_refuse_control_characters(void **state)
{
    (void)state;
    static const struct {
        const char *body, *field; /* NULL field: accepted */
    } v[] = {
        {"{\"name\":\"A\\u001bB\"}", "name"},
        {"{\"name\":\"bell\\u0007\"}", "name"},
        {"{\"reason\":\"\\u007f\"}", "reason"},
        {"{\"reason\":\"\\u009b2J\"}", "reason"},
        {"{\"reason\":\"\\u2028\"}", "reason"},
        {"{\"name\":\"\\u202e\u0644\"}", "name"},
        {"{\"questions\":[{\"text\":\"ok\"},{\"text\":\"x\\u0001\"}]}",
         "questions[1].text"},
        {"{\"a\":{\"b\":[\"ok\",[\"\\u001f\"]]}}", "a.b[1][0]"},
        {"{\"x\\u001b\":\"1\"}", "body"},
        {"{\"a\":{\"x\\u001b\":1}}", "a"},
        /* Tab and line feed may be in a multi-line field: accepted here. */
        {"{\"intro\":\"a\\tb\\nc\"}", NULL},
        {"{\"n\":1,\"b\":true,\"z\":null,\"s\":\"张三\"}", NULL},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        struct fake_req f;
        json_t *o = json_body(&f, v[i].body);
        if (v[i].field == NULL) {
            if (o == NULL)
                fail_msg("%s: refused: %s", v[i].body, f.req.out.p);
        } else {
            if (o != NULL || f.req.status != 422)
                fail_msg("%s: status %d", v[i].body, f.req.status);
            assert_string_equal(fake_req_error_code(&f), "invalid_field");
            const char *field = fake_req_error_field(&f);
            if (field == NULL || strcmp(field, v[i].field) != 0)
                fail_msg("%s: field %s, want %s", v[i].body, field,
                         v[i].field);
        }
        fake_req_cleanup(&f);
    }
}

/* Found by fuzz_json: jansson's message quotes the bad bytes, and an
 * error message that is not UTF-8 made json_pack fail: a 400 with an
 * empty body. Now the message is scrubbed and the body is the shape. */
static void
bad_json_answers_in_the_error_shape(void **state)
{
    (void)state;
    static const char *const bodies[] = {
        "{\"reason\":\"\\u202\xde\xbd\xbc\xdd\"}", "{\"a\":\xff}", "\xc3",
        "{\"a\":1,}", "[1]", "",
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        struct fake_req f;
        fake_req_init(&f, "POST", "application/json", bodies[i],
                      strlen(bodies[i]), false);
        assert_null(req_json_or_400(&f.req));
        assert_int_equal(f.req.status, 400);
        const char *code = fake_req_error_code(&f);
        if (code == NULL || strcmp(code, "bad_json") != 0)
            fail_msg("body %zu: answer %s", i, f.req.out.p);
        fake_req_cleanup(&f);
    }
    char s[] = "ok\xff\xe5\xbc\xa0\xe5\xbc.";
    utf8_scrub(s);
    assert_string_equal(s, "ok?\xe5\xbc\xa0??.");
}

/* One line or several: the field helpers on what the body let through. */
static void
field_helpers_keep_lines_apart(void **state)
{
    (void)state;
    struct fake_req f;
    json_t *o = json_body(&f, "{\"name\":\"a\\r\\nb\",\"intro\":\"a\\r\\nb\\rc\","
                              "\"tabbed\":\"x\\ty\",\"ok\":\"张三\","
                              "\"tags\":[\"a\",\"b\\nc\"]}");
    assert_non_null(o);
    const char *s;
    assert_int_equal(json_text_or_422(&f.req, o, "intro", true, 1, 50, &s), 0);
    assert_string_equal(s, "a\nb\nc"); /* CR LF and CR became LF */
    assert_int_equal(json_str_or_422(&f.req, o, "ok", true, 1, 50, &s), 0);
    assert_string_equal(s, "张三");
    assert_int_equal(json_str_or_422(&f.req, o, "name", true, 1, 50, &s), -1);
    assert_int_equal(f.req.status, 422);
    assert_string_equal(fake_req_error_field(&f), "name");
    assert_int_equal(json_str_or_422(&f.req, o, "tabbed", true, 1, 50, &s),
                     -1);
    assert_string_equal(fake_req_error_field(&f), "tabbed");
    assert_int_equal(json_text_or_422(&f.req, o, "tabbed", true, 1, 50, &s),
                     0);
    const char **tags;
    assert_int_equal(json_strs_or_422(&f.req, o, "tags", 5, 10, &tags), -1);
    assert_string_equal(fake_req_error_field(&f), "tags[1]");
    fake_req_cleanup(&f);
}

/* A form body: every field checked before any handler, CR LF turned
 * into LF for the readers; on a page the refusal is an HTML page. */
static void
forms_refuse_control_characters(void **state)
{
    (void)state;
    static const char ct[] = "application/x-www-form-urlencoded";
    static const struct {
        const char *body, *field;
    } v[] = {
        {"name=%1B%5B2J&_csrf=x", "name"},
        {"_csrf=x&reason=a%07", "reason"},
        {"title=%C2%85", "title"},
        {"title=%E2%80%A8", "title"},
        {"name=%FF", "name"},
        {"%1B=1", "(a field name)"},
        {"body=line%0D%0Anext%09tab&name=%E5%BC%A0", NULL},
        {"name=a+b&empty=&novalue", NULL},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        struct fake_req f;
        fake_req_init(&f, "POST", ct, v[i].body, strlen(v[i].body), false);
        int rc = req_form_check_or_422(&f.req);
        if (v[i].field == NULL) {
            if (rc != 0)
                fail_msg("%s: refused: %s", v[i].body, f.req.out.p);
        } else {
            if (rc != -1 || f.req.status != 422)
                fail_msg("%s: rc %d status %d", v[i].body, rc, f.req.status);
            const char *field = fake_req_error_field(&f);
            if (field == NULL || strcmp(field, v[i].field) != 0)
                fail_msg("%s: field %s, want %s", v[i].body, field,
                         v[i].field);
        }
        fake_req_cleanup(&f);
    }
    struct fake_req f;
    const char *b = "body=line%0D%0Anext%0Dlast";
    fake_req_init(&f, "POST", ct, b, strlen(b), false);
    assert_string_equal(req_form(&f.req, "body"), "line\nnext\nlast");
    fake_req_cleanup(&f);
    /* Not a form: nothing to check. */
    fake_req_init(&f, "POST", "text/csv", "a,\x1b", 3, false);
    assert_int_equal(req_form_check_or_422(&f.req), 0);
    fake_req_cleanup(&f);
    /* On a page: a Chinese error page naming the field. */
    b = "name=%1B";
    fake_req_init(&f, "POST", ct, b, strlen(b), true);
    assert_int_equal(req_form_check_or_422(&f.req), -1);
    assert_int_equal(f.req.status, 422);
    assert_string_equal(f.req.out_type, "text/html; charset=utf-8");
    assert_non_null(strstr(f.req.out.p, "“name”含有不可见的控制字符"));
    assert_non_null(strstr(f.req.out.p, "U+001B"));
    fake_req_cleanup(&f);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(every_app_route_declares_access),
    cmocka_unit_test(undeclared_access_is_refused),
    cmocka_unit_test(inconsistent_declarations_are_refused),
    cmocka_unit_test(query_parameters_are_the_declared_ones),
    cmocka_unit_test(app_routes_take_bodies_only_where_declared),
    cmocka_unit_test(routes_match_with_parameters),
    cmocka_unit_test(html_writers_escape),
    cmocka_unit_test(json_bodies_refuse_control_characters),
    cmocka_unit_test(bad_json_answers_in_the_error_shape),
    cmocka_unit_test(field_helpers_keep_lines_apart),
    cmocka_unit_test(forms_refuse_control_characters),
};

UNIT_GROUP(http_group, "http", tests);

/*
 * test_http.c - the route table (every route declares access, a body
 * limit only where a body belongs, flags that agree, well-formed query
 * parameters), which query parameters a request may carry, route
 * matching, and the HTML escaping writers.
 */
#include "unit.h"

#include "../../src/api/api.h"
#include "../../src/core/err.h"
#include "../../src/domain/roles.h"
#include "../../src/http/html.h"
#include "../../src/http/http.h"

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
    assert_int_equal(http_routes_check(api_routes, err, sizeof(err)), 0);
    for (int i = 0; api_routes[i].method; i++) {
        assert_int_not_equal(api_routes[i].access, ACCESS_UNDECLARED);
        /* The account and audit administrators see no business data:
         * the only routes open to them are their own and the shared
         * account routes. */
        const char *p = api_routes[i].pattern;
        if (api_routes[i].access == ACCESS_USER &&
            (api_routes[i].roles & (R_SYSADMIN | R_AUDITOR)) &&
            api_routes[i].roles != R_ANY) {
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
    for (int i = 0; api_routes[i].method; i++) {
        const struct route *r = &api_routes[i];
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

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(every_app_route_declares_access),
    cmocka_unit_test(undeclared_access_is_refused),
    cmocka_unit_test(inconsistent_declarations_are_refused),
    cmocka_unit_test(query_parameters_are_the_declared_ones),
    cmocka_unit_test(app_routes_take_bodies_only_where_declared),
    cmocka_unit_test(routes_match_with_parameters),
    cmocka_unit_test(html_writers_escape),
};

UNIT_GROUP(http_group, "http", tests);

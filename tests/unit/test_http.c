/*
 * test_http.c - the route table (every route declares access), route
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
        {"GET", "/a", dummy, ACCESS_PUBLIC, 0, 0},
        {"GET", "/b", dummy, ACCESS_UNDECLARED, 0, 0},
        {NULL, NULL, NULL, ACCESS_UNDECLARED, 0, 0},
    };
    char err[256];
    assert_int_equal(http_routes_check(bad, err, sizeof(err)), ERR_INVAL);
    assert_non_null(strstr(err, "GET /b declares no access rule"));
    const struct route noroles[] = {
        {"GET", "/a", dummy, ACCESS_USER, 0, 0},
        {NULL, NULL, NULL, ACCESS_UNDECLARED, 0, 0},
    };
    assert_int_equal(http_routes_check(noroles, err, sizeof(err)),
                     ERR_INVAL);
    const struct route twice[] = {
        {"GET", "/a", dummy, ACCESS_PUBLIC, 0, 0},
        {"GET", "/a", dummy, ACCESS_PUBLIC, 0, 0},
        {NULL, NULL, NULL, ACCESS_UNDECLARED, 0, 0},
    };
    assert_int_equal(http_routes_check(twice, err, sizeof(err)), ERR_INVAL);
    /* A flag that `dangxiao routes` could not name. */
    const struct route unnamed[] = {
        {"GET", "/a", dummy, ACCESS_PUBLIC, 0, 1u << 30},
        {NULL, NULL, NULL, ACCESS_UNDECLARED, 0, 0},
    };
    assert_int_equal(http_routes_check(unnamed, err, sizeof(err)),
                     ERR_INVAL);
    assert_non_null(strstr(err, "http_route_flag_names"));
}

static void
routes_match_with_parameters(void **state)
{
    (void)state;
    const struct route r[] = {
        {"GET", "/api/v1/users", dummy, ACCESS_PUBLIC, 0, 0},
        {"GET", "/api/v1/users/{id}", dummy, ACCESS_PUBLIC, 0, 0},
        {"PATCH", "/api/v1/users/{id}", dummy, ACCESS_PUBLIC, 0, 0},
        {"GET", "/x/{a}/y/{b}", dummy, ACCESS_PUBLIC, 0, 0},
        {NULL, NULL, NULL, ACCESS_UNDECLARED, 0, 0},
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
    cmocka_unit_test(routes_match_with_parameters),
    cmocka_unit_test(html_writers_escape),
};

UNIT_GROUP(http_group, "http", tests);

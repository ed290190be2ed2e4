/*
 * routes.c - every URL the server answers, with who may call it. This is
 * the one place access is declared: a route without an access rule stops
 * the server at start (http_routes_check), and the unit tests check the
 * table. Township scope is checked in the handlers through
 * api_check_township()/api_scope().
 */
#include "api.h"

#include "../domain/roles.h"
#include "../web/web.h"

#define PUB ACCESS_PUBLIC, 0
#define USER(roles) ACCESS_USER, (roles)

const struct route api_routes[] = {
    /* Operations */
    {"GET", "/healthz", api_healthz, PUB, 0},
    {"GET", "/metrics", api_metrics, PUB, 0},
    /* Session and accounts */
    {"POST", "/api/v1/session", api_session_create, PUB, ROUTE_NO_CSRF},
    {"DELETE", "/api/v1/session", api_session_delete, USER(R_ANY),
     ROUTE_PW_CHANGE_OK},
    {"GET", "/api/v1/me", api_me, USER(R_ANY), ROUTE_PW_CHANGE_OK},
    {"POST", "/api/v1/me/password", api_me_password, USER(R_ANY),
     ROUTE_PW_CHANGE_OK},
    {"POST", "/api/v1/tokens", api_tokens_create, USER(R_ANY), 0},
    {"GET", "/api/v1/users", api_users_list, USER(R_SYSADMIN), 0},
    {"POST", "/api/v1/users", api_users_create, USER(R_SYSADMIN), 0},
    {"GET", "/api/v1/users/{id}", api_users_get, USER(R_SYSADMIN), 0},
    {"PATCH", "/api/v1/users/{id}", api_users_update, USER(R_SYSADMIN), 0},
    /* Organisation */
    {"GET", "/api/v1/townships", api_townships_list, USER(R_ANY), 0},
    {"GET", "/api/v1/villages", api_villages_list, USER(R_ADMINS), 0},
    {"POST", "/api/v1/villages", api_villages_create, USER(R_ADMINS), 0},
    {"GET", "/api/v1/villages/{id}", api_villages_get, USER(R_ADMINS), 0},
    {"PATCH", "/api/v1/villages/{id}", api_villages_update, USER(R_ADMINS),
     0},
    {"POST", "/api/v1/villages/{id}/void", api_villages_void,
     USER(R_ADMINS), 0},
    {"GET", "/api/v1/orgs", api_orgs_list, USER(R_ADMINS), 0},
    {"POST", "/api/v1/orgs", api_orgs_create, USER(R_ADMINS), 0},
    {"GET", "/api/v1/orgs/{id}", api_orgs_get, USER(R_ADMINS), 0},
    {"PATCH", "/api/v1/orgs/{id}", api_orgs_update, USER(R_ADMINS), 0},
    {"POST", "/api/v1/orgs/{id}/void", api_orgs_void, USER(R_ADMINS), 0},
    {"GET", "/api/v1/org-types", api_org_types, USER(R_BUSINESS), 0},
    {"GET", "/api/v1/member-categories", api_member_categories,
     USER(R_BUSINESS), 0},
    {"GET", "/api/v1/people", api_people_list, USER(R_ADMINS), 0},
    {"POST", "/api/v1/people", api_people_create, USER(R_ADMINS), 0},
    {"POST", "/api/v1/people/import", api_people_import, USER(R_ADMINS),
     ROUTE_UPLOAD},
    {"GET", "/api/v1/people/import-template.csv", api_people_template,
     USER(R_ADMINS), 0},
    {"GET", "/api/v1/people/export.xlsx", api_people_export_xlsx,
     USER(R_ADMINS), 0},
    {"GET", "/api/v1/people/export.csv", api_people_export_csv,
     USER(R_ADMINS), 0},
    {"GET", "/api/v1/people/{id}", api_people_get, USER(R_ADMINS), 0},
    {"PATCH", "/api/v1/people/{id}", api_people_update, USER(R_ADMINS), 0},
    {"POST", "/api/v1/people/{id}/void", api_people_void, USER(R_ADMINS),
     0},
    /* Audit */
    {"GET", "/api/v1/audit", api_audit_list, USER(R_AUDITOR), 0},
    /* Pages */
    {"GET", "/assets/{name}", web_asset, PUB, 0},
    {"GET", "/login", web_login_form, PUB, ROUTE_PAGE},
    {"POST", "/login", web_login, PUB, ROUTE_PAGE | ROUTE_NO_CSRF},
    {"POST", "/logout", web_logout, USER(R_ANY),
     ROUTE_PAGE | ROUTE_PW_CHANGE_OK},
    {"GET", "/", web_home, USER(R_ANY), ROUTE_PAGE},
    {"GET", "/password", web_password_form, USER(R_ANY),
     ROUTE_PAGE | ROUTE_PW_CHANGE_OK},
    {"POST", "/password", web_password, USER(R_ANY),
     ROUTE_PAGE | ROUTE_PW_CHANGE_OK},
    {"GET", "/villages", web_villages, USER(R_ADMINS), ROUTE_PAGE},
    {"POST", "/villages", web_village_create, USER(R_ADMINS), ROUTE_PAGE},
    {"GET", "/villages/new", web_village_new, USER(R_ADMINS), ROUTE_PAGE},
    {"GET", "/villages/{id}", web_village, USER(R_ADMINS), ROUTE_PAGE},
    {"POST", "/villages/{id}", web_village_rename, USER(R_ADMINS),
     ROUTE_PAGE},
    {"POST", "/villages/{id}/void", web_village_void, USER(R_ADMINS),
     ROUTE_PAGE},
    {"GET", "/orgs", web_orgs, USER(R_ADMINS), ROUTE_PAGE},
    {"POST", "/orgs", web_org_create, USER(R_ADMINS), ROUTE_PAGE},
    {"GET", "/orgs/new", web_org_new, USER(R_ADMINS), ROUTE_PAGE},
    {"GET", "/orgs/{id}", web_org, USER(R_ADMINS), ROUTE_PAGE},
    {"POST", "/orgs/{id}", web_org_update, USER(R_ADMINS), ROUTE_PAGE},
    {"POST", "/orgs/{id}/void", web_org_void, USER(R_ADMINS), ROUTE_PAGE},
    {"GET", "/people", web_people, USER(R_ADMINS), ROUTE_PAGE},
    {"POST", "/people", web_person_create, USER(R_ADMINS), ROUTE_PAGE},
    {"GET", "/people/new", web_person_new, USER(R_ADMINS), ROUTE_PAGE},
    {"GET", "/people/import", web_people_import_form, USER(R_ADMINS),
     ROUTE_PAGE},
    {"POST", "/people/import", web_people_import, USER(R_ADMINS),
     ROUTE_PAGE | ROUTE_UPLOAD},
    {"GET", "/people/{id}", web_person, USER(R_ADMINS), ROUTE_PAGE},
    {"POST", "/people/{id}", web_person_update, USER(R_ADMINS), ROUTE_PAGE},
    {"POST", "/people/{id}/void", web_person_void, USER(R_ADMINS),
     ROUTE_PAGE},
    {"GET", "/users", web_users, USER(R_SYSADMIN), ROUTE_PAGE},
    {"POST", "/users", web_users_create, USER(R_SYSADMIN), ROUTE_PAGE},
    {"GET", "/audit", web_audit, USER(R_AUDITOR), ROUTE_PAGE},
    {NULL, NULL, NULL, ACCESS_UNDECLARED, 0, 0},
};

/*
 * roles.c - the role table; see roles.h.
 */
#include "roles.h"

#include <stddef.h>
#include <string.h>

const struct role roles[] = {
    {"county_admin", R_COUNTY_ADMIN, "县级管理员", TOWNSHIP_NONE, false},
    {"school_admin", R_SCHOOL_ADMIN, "镇街党校管理员", TOWNSHIP_REQUIRED,
     false},
    {"teacher", R_TEACHER, "教师", TOWNSHIP_OPTIONAL, false},
    {"trainee", R_TRAINEE, "学员", TOWNSHIP_OPTIONAL, false},
    {"guide", R_GUIDE, "讲解员", TOWNSHIP_OPTIONAL, false},
    {"sysadmin", R_SYSADMIN, "系统管理员", TOWNSHIP_NONE, true},
    {"secadmin", R_SECADMIN, "安全管理员", TOWNSHIP_NONE, true},
    {"auditor", R_AUDITOR, "审计管理员", TOWNSHIP_NONE, true},
    {NULL, 0, NULL, TOWNSHIP_NONE, false},
};

const struct role *
role_find(const char *code)
{
    if (code == NULL)
        return NULL;
    for (const struct role *r = roles; r->code; r++)
        if (strcmp(r->code, code) == 0)
            return r;
    return NULL;
}

const char *
role_township_rule_name(enum township_rule t)
{
    switch (t) {
    case TOWNSHIP_NONE: return "none";
    case TOWNSHIP_REQUIRED: return "required";
    case TOWNSHIP_OPTIONAL: return "optional";
    }
    return "?";
}

bool
role_console_only(const char *code)
{
    const struct role *r = role_find(code);
    return r != NULL && r->console_only;
}

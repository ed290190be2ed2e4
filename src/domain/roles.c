/*
 * roles.c - the role table; see roles.h.
 */
#include "roles.h"

#include <stddef.h>
#include <string.h>

const struct role roles[] = {
    {"county_admin", R_COUNTY_ADMIN, "县级管理员", TOWNSHIP_NONE},
    {"school_admin", R_SCHOOL_ADMIN, "镇街党校管理员", TOWNSHIP_REQUIRED},
    {"teacher", R_TEACHER, "教师", TOWNSHIP_OPTIONAL},
    {"trainee", R_TRAINEE, "学员", TOWNSHIP_OPTIONAL},
    {"guide", R_GUIDE, "讲解员", TOWNSHIP_OPTIONAL},
    {"sysadmin", R_SYSADMIN, "系统管理员", TOWNSHIP_NONE},
    {"auditor", R_AUDITOR, "审计管理员", TOWNSHIP_NONE},
    {NULL, 0, NULL, TOWNSHIP_NONE},
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

/*
 * roles.h - the roles of SPEC.md §1, declared once in a table. Each role
 * is a bit, so a route can allow a set of them. The three administrators
 * of 三员分立 - sysadmin (accounts), secadmin (security policy) and
 * auditor (audit log) - are kept apart from the business roles: an
 * account has exactly one role, so no account holds two of these duties,
 * and they are given only at the server's console (`dangxiao user add`),
 * never through the API (role.console_only).
 */
#pragma once

#include <stdbool.h>

enum role_bit {
    R_COUNTY_ADMIN = 1u << 0,
    R_SCHOOL_ADMIN = 1u << 1,
    R_TEACHER = 1u << 2,
    R_TRAINEE = 1u << 3,
    R_GUIDE = 1u << 4,
    R_SYSADMIN = 1u << 5,
    R_AUDITOR = 1u << 6,
    R_SECADMIN = 1u << 7,
};

/* Roles that see business data (everything but the three
 * administrators). */
#define R_BUSINESS                                                          \
    (R_COUNTY_ADMIN | R_SCHOOL_ADMIN | R_TEACHER | R_TRAINEE | R_GUIDE)
#define R_ADMINS (R_COUNTY_ADMIN | R_SCHOOL_ADMIN)
/* The three administrators of 三员分立. */
#define R_ADMIN3 (R_SYSADMIN | R_SECADMIN | R_AUDITOR)
#define R_ANY (R_BUSINESS | R_ADMIN3)

enum township_rule {
    TOWNSHIP_NONE,     /* county-wide: must not have one */
    TOWNSHIP_REQUIRED, /* scoped to one township */
    TOWNSHIP_OPTIONAL,
};

struct role {
    const char *code;   /* API name */
    unsigned bit;
    const char *label;  /* Chinese name, shown in the UI */
    enum township_rule township;
    bool console_only;  /* given only by `dangxiao user add` (三员) */
};

/* The role with this code, or NULL. */
const struct role *role_find(const char *code);
/* "none", "required" or "optional": the township rule's name, as
 * `dangxiao routes` prints it. */
const char *role_township_rule_name(enum township_rule t);

/* Whether code is one of the three administrator roles, which only the
 * console gives (false for an unknown code). */
bool role_console_only(const char *code);
/* NULL-code terminated table of all roles. */
extern const struct role roles[];

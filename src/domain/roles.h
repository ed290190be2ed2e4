/*
 * roles.h - the roles of SPEC.md §1, declared once in a table. Each role
 * is a bit, so a route can allow a set of them. sysadmin (accounts) and
 * auditor (audit log) are kept apart from the business roles: an account
 * has exactly one role, so no account holds two of the 三员 duties.
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
};

/* Roles that see business data (everything but the account and audit
 * administrators). */
#define R_BUSINESS                                                          \
    (R_COUNTY_ADMIN | R_SCHOOL_ADMIN | R_TEACHER | R_TRAINEE | R_GUIDE)
#define R_ADMINS (R_COUNTY_ADMIN | R_SCHOOL_ADMIN)
#define R_ANY (R_BUSINESS | R_SYSADMIN | R_AUDITOR)

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
};

/* The role with this code, or NULL. */
const struct role *role_find(const char *code);
/* "none", "required" or "optional": the township rule's name, as
 * `dangxiao routes` prints it. */
const char *role_township_rule_name(enum township_rule t);
/* NULL-code terminated table of all roles. */
extern const struct role roles[];

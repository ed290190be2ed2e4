/*
 * unit.h - the unit-test runner's shared declarations: each test file
 * exports one group (a CMUnitTest array and its length); main.c runs them
 * all (STYLE 29: one runner, one list).
 */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

struct unit_group {
    const char *name;
    const struct CMUnitTest *tests;
    size_t count;
};

#define UNIT_GROUP(var, name_, arr)                                         \
    const struct unit_group var = {name_, arr, sizeof(arr) / sizeof(arr[0])}

/* Gives the audit chain the runner's fixed key (main.c): the domain
 * refuses to write an audit row without one. */
void unit_set_audit_key(void);

extern const struct unit_group core_group, http_group, auth_group,
    db_group, people_group, rules_group, hours_group, kind_group,
    classes_group, teaching_group, survey_group, report_group;

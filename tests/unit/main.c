/*
 * main.c - runs every unit-test group and prints the totals.
 */
#include "unit.h"

#include "../../src/domain/audit.h"

#include <sodium.h>
#include <stdio.h>

void
unit_set_audit_key(void)
{
    static const unsigned char key[32] = "unit-test audit key, not secret";
    audit_set_key(key);
}

int
main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct unit_group *groups[] = {&core_group, &http_group,
                                         &auth_group, &db_group,
                                         &people_group, &rules_group, &kind_group,
                                         &hours_group, &classes_group,
                                         &teaching_group, &survey_group,
                                         &report_group};
    unit_set_audit_key();
    int failed = 0;
    for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
        failed += _cmocka_run_group_tests(groups[i]->name, groups[i]->tests,
                                          groups[i]->count, NULL, NULL);
    audit_set_key(NULL);
    return failed ? 1 : 0;
}

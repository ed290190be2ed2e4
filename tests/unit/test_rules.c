/*
 * test_rules.c - the counting rules of teaching (domain/rules.c): the day
 * and year of a moment in China time, minutes credited under the daily
 * cap, whom the yearly targets bind, the rotating check-in token, a
 * rating's total and grade, and the shrunk mean.
 */
#include "unit.h"

#include "../../src/core/err.h"
#include "../../src/core/keyring.h"
#include "../../src/domain/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
the_year_ends_at_midnight_china_time(void **state)
{
    (void)state;
    char day[11];
    int year;
    /* 2026-12-31 15:59:59Z is 23:59:59 in 成武; a second later, 2027. */
    rules_day(1798732799, day, &year);
    assert_string_equal(day, "2026-12-31");
    assert_int_equal(year, 2026);
    rules_day(1798732800, day, &year);
    assert_string_equal(day, "2027-01-01");
    assert_int_equal(year, 2027);
    int64_t t;
    assert_int_equal(rules_parse_time("2026-12-31T23:59:59", &t), 0);
    assert_int_equal(t, 1798732799);
    assert_int_equal(rules_parse_time("2026-12-31T15:59:59Z", &t), 0);
    assert_int_equal(t, 1798732799);
    assert_int_equal(rules_parse_time("2027-01-01T00:00+08:00", &t), 0);
    assert_int_equal(t, 1798732800);
    static const char *const bad[] = {"2026-12-31", "2026-02-30T10:00",
                                      "2026-12-31T24:00", "2026-12-31 10:00",
                                      "2026-12-31T10:00+09:00",
                                      "2026-12-31T10:0", NULL};
    for (int i = 0; bad[i]; i++)
        assert_int_equal(rules_parse_time(bad[i], &t), ERR_INVAL);
    /* 08:00 China time on 1 Jan is still the new year's first day. */
    rules_day(1798761600, day, &year);
    assert_string_equal(day, "2027-01-01");
}

static void
credit_is_minutes_within_the_daily_cap(void **state)
{
    (void)state;
    assert_int_equal(rules_credit(6, 0), 180);   /* 3 学时 */
    assert_int_equal(rules_credit(3, 0), 90);    /* 1.5 学时 */
    assert_int_equal(rules_credit(6, 400), 80);  /* 8 学时 a day at most */
    assert_int_equal(rules_credit(6, 480), 0);
    assert_int_equal(rules_credit(6, 600), 0);
    assert_int_equal(rules_credit(16, 0), 480);
}

static void
targets_bind_members_cadres_and_not_the_exempt(void **state)
{
    (void)state;
    assert_int_equal(rules_target_who("member", ","), TARGET_MEMBER);
    assert_int_equal(rules_target_who("probationary", ","), TARGET_MEMBER);
    assert_int_equal(rules_target_who("activist", ","), TARGET_NONE);
    assert_int_equal(rules_target_who("masses", ",branch_secretary,"),
                     TARGET_NONE);
    assert_int_equal(rules_target_who("member", ",village_committee,"),
                     TARGET_CADRE);
    assert_int_equal(rules_target_who("member", ",returned_talent,"
                                                "branch_secretary,"),
                     TARGET_CADRE);
    /* Exemption wins: 老弱病残 leave the denominator whatever else. */
    assert_int_equal(rules_target_who("member", ",branch_secretary,exempt,"),
                     TARGET_EXEMPT);
    /* A flag is matched whole, not as a prefix. */
    assert_int_equal(rules_target_who("member", ",exempted_once,"),
                     TARGET_MEMBER);
    assert_string_equal(rules_target_name(TARGET_CADRE), "cadre");
}

static void
the_token_turns_over_every_30_seconds(void **state)
{
    (void)state;
    char path[] = "/tmp/dxrulesXXXXXX";
    int fd = mkstemp(path);
    close(fd);
    unlink(path);
    char err[256];
    struct keyring *k = keyring_load(path, true, err, sizeof(err));
    assert_non_null(k);
    int64_t now = 1798700000, slot = now / 30, sid = 0;
    char tok[96];
    rules_token(k, 42, slot, tok);
    assert_int_equal(rules_token_check(k, tok, now, 30, &sid), 0);
    assert_int_equal(sid, 42);
    /* The previous slot still works (a slow scan); older ones are 410. */
    assert_int_equal(rules_token_check(k, tok, now + 30, 30, &sid), 0);
    assert_int_equal(rules_token_check(k, tok, now + 60, 30, &sid), ERR_RANGE);
    assert_int_equal(rules_token_check(k, tok, now - 30, 30, &sid), ERR_RANGE);
    /* Forged: another session, another slot, a changed mac. */
    char forged[96];
    snprintf(forged, sizeof(forged), "43%s", strchr(tok, '.'));
    assert_int_equal(rules_token_check(k, forged, now, 30, &sid), ERR_INVAL);
    snprintf(forged, sizeof(forged), "%s", tok);
    forged[strlen(forged) - 1] ^= 1;
    assert_int_equal(rules_token_check(k, forged, now, 30, &sid), ERR_INVAL);
    static const char *const junk[] = {"", "42", "42.1", "a.b.c",
                                       "-1.5.0123456789abcdef",
                                       "42.99999999999999999999.x", NULL};
    for (int i = 0; junk[i]; i++)
        assert_int_equal(rules_token_check(k, junk[i], now, 30, &sid), ERR_INVAL);
    assert_int_equal(rules_token_check(k, NULL, now, 30, &sid), ERR_INVAL);
    /* A grace token lasts 10 minutes and is no check-in token. */
    char grace[96];
    rules_grace_token(k, 42, now, grace);
    assert_int_equal(rules_grace_check(k, grace, now + 590, &sid), 0);
    assert_int_equal(rules_grace_check(k, grace, now + 660, &sid), ERR_RANGE);
    assert_int_equal(rules_token_check(k, grace, now, 30, &sid), ERR_INVAL);
    assert_int_equal(rules_grace_check(k, tok, now, &sid), ERR_INVAL);
    keyring_free(k);
    unlink(path);
}

static void
ratings_total_and_grade(void **state)
{
    (void)state;
    struct rating_rule r = {30, 25, 25, 20, 90, 80, 60, 10};
    int s1[4] = {90, 80, 100, 70};
    assert_int_equal(rules_rating_total(&r, s1), 860);
    assert_string_equal(rules_grade(&r, 860), "good");
    int all[4] = {100, 100, 100, 100}, none[4] = {0, 0, 0, 0};
    assert_int_equal(rules_rating_total(&r, all), 1000);
    assert_int_equal(rules_rating_total(&r, none), 0);
    int odd[4] = {91, 90, 90, 90}; /* 90.3 */
    assert_int_equal(rules_rating_total(&r, odd), 903);
    assert_string_equal(rules_grade(&r, 900), "excellent");
    assert_string_equal(rules_grade(&r, 899), "good");
    assert_string_equal(rules_grade(&r, 800), "good");
    assert_string_equal(rules_grade(&r, 799), "pass");
    assert_string_equal(rules_grade(&r, 600), "pass");
    assert_string_equal(rules_grade(&r, 599), "fail");
}

static void
shrunk_mean_pulls_few_ratings_toward_the_prior(void **state)
{
    (void)state;
    /* One perfect rating does not outrank 200 ratings averaging 92. */
    double lucky = rules_shrunk_mean(100, 1, 80, 10);
    double steady = rules_shrunk_mean(92, 200, 80, 10);
    assert_true(lucky < steady);
    assert_true(lucky > 81.8 && lucky < 81.9);
    assert_true(steady > 91.4 && steady < 91.5);
    assert_true(rules_shrunk_mean(0, 0, 80, 10) == 80);
    assert_true(rules_shrunk_mean(70, 5, 80, 0) == 70);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(the_year_ends_at_midnight_china_time),
    cmocka_unit_test(credit_is_minutes_within_the_daily_cap),
    cmocka_unit_test(targets_bind_members_cadres_and_not_the_exempt),
    cmocka_unit_test(the_token_turns_over_every_30_seconds),
    cmocka_unit_test(ratings_total_and_grade),
    cmocka_unit_test(shrunk_mean_pulls_few_ratings_toward_the_prior),
};

UNIT_GROUP(rules_group, "rules", tests);

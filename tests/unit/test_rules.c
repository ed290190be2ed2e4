/*
 * test_rules.c - the counting rules of teaching (domain/rules.c): the day
 * and year of a moment in China time, the 学时 a session may carry and
 * the minutes a day credits under a dated cap, whom the yearly targets
 * bind, the rotating check-in token, a rating's exact total and grade,
 * the report's default period, and the shrunk mean.
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

/* The rule of 2019 on: 60 minutes a 学时, 8 a day, half a day 4. */
static const struct hour_rule cap8 = {"hour60-cap8", 480, 180, 360};

static void
session_hours_fit_its_length(void **state)
{
    (void)state;
    static const struct {
        int64_t minutes, halves;
    } v[] = {
        {0, 0},     {20, 1},    {60, 2},    {89, 3},   {90, 3},
        {95, 3},    /* 1.58 h: round_half gives 1.5 学时 */
        {105, 4},   /* 1.75 h: half up, 2 学时 */
        {120, 4},   {179, 6},   {180, 8},  /* half a day counts 4 */
        {240, 8},   {300, 10},  {359, 12}, {360, 16}, /* a day counts 8 */
        {540, 16},  {1440, 16}, /* never more than the daily cap */
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        int64_t got = rules_session_max_halves(&cap8, v[i].minutes * 60);
        if (got != v[i].halves)
            fail_msg("%lld minutes: %lld halves, want %lld",
                     (long long)v[i].minutes, (long long)got,
                     (long long)v[i].halves);
    }
    /* A session of 1 hour cannot carry 8 学时 (16 halves). */
    assert_true(16 > rules_session_max_halves(&cap8, 3600));
    assert_int_equal(rules_session_max_halves(&cap8, -60), 0);
    /* Another year's rule, with a cap of 10: a day may count 10. */
    static const struct hour_rule cap10 = {"hour60-cap10", 600, 180, 360};
    assert_int_equal(rules_session_max_halves(&cap10, 540 * 60), 20);
    assert_int_equal(rules_session_max_halves(&cap10, 200 * 60), 10);
}

static void
a_day_is_credited_in_order_of_session_start(void **state)
{
    (void)state;
    /* halves of the day's sessions in order of start -> minutes */
    static const struct {
        size_t n;
        int64_t halves[4], want[4];
        const struct hour_rule *rule;
    } v[] = {
        {1, {6}, {180}, &cap8},
        {1, {16}, {480}, &cap8},
        {2, {16, 4}, {480, 0}, &cap8},        /* a full day, then 2 h */
        {2, {4, 16}, {120, 360}, &cap8},      /* 2 h first: it keeps them */
        {3, {6, 6, 6}, {180, 180, 120}, &cap8},
        {4, {3, 16, 2, 2}, {90, 390, 0, 0}, &cap8},
        {2, {0, 6}, {0, 180}, &cap8},
        {2, {2, 2}, {60, 60}, &cap8},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        int64_t got[4] = {-1, -1, -1, -1};
        rules_credit_day(v[i].rule, v[i].n, v[i].halves, got);
        for (size_t k = 0; k < v[i].n; k++)
            if (got[k] != v[i].want[k])
                fail_msg("vector %zu session %zu: %lld, want %lld", i, k,
                         (long long)got[k], (long long)v[i].want[k]);
    }
    /* The cap is the rule's, not a constant: 10 学时 in another year. */
    static const struct hour_rule cap10 = {"hour60-cap10", 600, 180, 360};
    int64_t h[2] = {16, 6}, m[2];
    rules_credit_day(&cap10, 2, h, m);
    assert_int_equal(m[0], 480);
    assert_int_equal(m[1], 120);
    assert_true(rules_target_met(32 * 60, 0, 32, 0));
    assert_false(rules_target_met(32 * 60 - 1, 1, 32, 0));
    assert_false(rules_target_met(56 * 60, 0, 56, 1));
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
    struct rating_rule r = {30, 25, 25, 20, 90, 80, 60, 10, 10};
    int s1[4] = {90, 80, 100, 70};
    assert_int_equal(rules_rating_total(&r, s1), 8600);
    assert_string_equal(rules_grade(&r, 8600), "good");
    int all[4] = {100, 100, 100, 100}, none[4] = {0, 0, 0, 0};
    assert_int_equal(rules_rating_total(&r, all), 10000);
    assert_int_equal(rules_rating_total(&r, none), 0);
    int odd[4] = {91, 90, 90, 90}; /* 90.30 */
    assert_int_equal(rules_rating_total(&r, odd), 9030);
    /* 89.95 is 良好: graded exactly, never after rounding to 90.0. */
    int near[4] = {90, 90, 89, 91};
    assert_int_equal(rules_rating_total(&r, near), 8995);
    assert_string_equal(rules_grade(&r, rules_rating_total(&r, near)),
                        "good");
    assert_string_equal(rules_grade(&r, 9000), "excellent");
    assert_string_equal(rules_grade(&r, 8999), "good");
    assert_string_equal(rules_grade(&r, 8000), "good");
    assert_string_equal(rules_grade(&r, 7999), "pass");
    assert_string_equal(rules_grade(&r, 6000), "pass");
    assert_string_equal(rules_grade(&r, 5999), "fail");
}

static void
the_default_period_is_the_year_to_date(void **state)
{
    (void)state;
    char from[11], to[11];
    /* 2026-12-02 13:00 China time */
    rules_default_period(1796187600, from, to);
    assert_string_equal(from, "2026-01-01");
    assert_string_equal(to, "2026-12-02");
    /* 1 Jan 00:30 China time is still the first day of the new year,
     * though it is 31 December in UTC. */
    rules_default_period(1798734600, from, to);
    assert_string_equal(from, "2027-01-01");
    assert_string_equal(to, "2027-01-01");
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
    cmocka_unit_test(session_hours_fit_its_length),
    cmocka_unit_test(a_day_is_credited_in_order_of_session_start),
    cmocka_unit_test(targets_bind_members_cadres_and_not_the_exempt),
    cmocka_unit_test(the_token_turns_over_every_30_seconds),
    cmocka_unit_test(ratings_total_and_grade),
    cmocka_unit_test(the_default_period_is_the_year_to_date),
    cmocka_unit_test(shrunk_mean_pulls_few_ratings_toward_the_prior),
};

UNIT_GROUP(rules_group, "rules", tests);

/*
 * rules.h - the counting rules of teaching (DOMAIN.md §1.1-1.5, §1.9), as
 * pure functions the unit tests hold to the letter: which day and year a
 * moment belongs to, how many minutes an attendance credits, who must
 * reach which yearly target, the check-in token, a rating's total and
 * grade, and the shrunk mean used to rank teachers.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct keyring;

/* --- days and study hours ---------------------------------------------- */

/* China Standard Time is UTC+8 all year (no daylight saving). */
#define RULES_CST_OFFSET (8 * 3600)

/* The China date of unix time t ("2026-12-31") and its year. */
void rules_day(int64_t t, char day[11], int *year);

/* Parses "YYYY-MM-DDTHH:MM[:SS]" in China time, or with "+08:00" or "Z".
 * 0 with unix seconds, or ERR_INVAL. */
int rules_parse_time(const char *s, int64_t *out);

/* The counting rule of 学时 (DOMAIN.md §1.5) is dated configuration: a
 * row of the table hour_rules per year it applies from. Its code is
 * stored with every attendance it credited, so a figure can always be
 * recomputed under the rule that made it. 学时 = round_half(minutes/60);
 * a session of half a day may count half the daily cap (4), one of a
 * day the cap (8); no person is credited more than the cap in a day. */
struct hour_rule {
    char code[32];            /* "hour60-cap8" */
    int64_t day_cap_minutes;  /* credited to a person per China day: 480 */
    int64_t half_day_minutes; /* a session this long counts half a day */
    int64_t day_minutes;      /* a session this long counts a day */
};
/* The most 学时 (in halves) a session of that many seconds may carry
 * under r: round_half(minutes/60), at least 4 for half a day and 8 for a
 * day, never more than the daily cap. */
int64_t rules_session_max_halves(const struct hour_rule *r, int64_t seconds);
/* Credits one person's day: halves[i] are the 学时 (in halves) of the
 * sessions the person attended that day, in order of session start;
 * minutes[i] gets what each credits. Earlier sessions are credited
 * first, so which session loses its hours under the cap depends on when
 * the sessions started, never on the order of check-in. */
void rules_credit_day(const struct hour_rule *r, size_t n,
                      const int64_t *halves, int64_t *minutes);
/* Whether a year's minutes and concentrated classes meet a target of
 * hours and classes. */
bool rules_target_met(int64_t minutes, int64_t classes, int64_t hours,
                      int64_t min_classes);

/* Whom the yearly targets bind. */
enum target_who {
    TARGET_NONE,    /* not a Party member: no target, not counted */
    TARGET_EXEMPT,  /* 老弱病残: out of the denominator, still reported */
    TARGET_MEMBER,  /* 32 学时 */
    TARGET_CADRE,   /* branch secretary or 村两委: 56 and a class */
};
/* From the roster: political status and the stored ",flag," list. */
enum target_who rules_target_who(const char *status, const char *flags);
const char *rules_target_name(enum target_who w); /* "member", "cadre" */

/* The default period of the county report and of the lists its figures
 * open: the calendar year to date, China time. from and to are
 * "YYYY-MM-DD", to inclusive. */
void rules_default_period(int64_t now, char from[11], char to[11]);

/* --- the check-in token ------------------------------------------------ */

/* The code on the classroom screen turns over every slot (30 s by
 * default, the checkin_slot_seconds setting). "sid.slot.mac": mac is a
 * keyed BLAKE2b of session and slot, so a token is bound to its session
 * and its slot. slot = now / slot_seconds. */
void rules_token(const struct keyring *k, int64_t session_id, int64_t slot,
                 char out[96]);
/* Checks a token at time now: 0 with *session_id, ERR_INVAL (not ours,
 * malformed or forged), or ERR_RANGE (expired: older than the previous
 * slot, which is still accepted so that a slow scan works). */
int rules_token_check(const struct keyring *k, const char *token,
                      int64_t now, int slot_seconds, int64_t *session_id);

/* A scan by someone not logged in yet: the scanned token is exchanged
 * for a grace token (another purpose, the same shape) that survives the
 * log-in, so the phone lands back on the check-in without a second scan. */
#define RULES_GRACE_SECONDS 600
void rules_grace_token(const struct keyring *k, int64_t session_id,
                       int64_t now, char out[96]);
int rules_grace_check(const struct keyring *k, const char *token,
                      int64_t now, int64_t *session_id);
#define RULES_GRACE_SLOT 30 /* grace tokens count in slots of 30 s */

/* --- ratings ----------------------------------------------------------- */

/* Weights (summing to 100) and grade thresholds, dated configuration. */
struct rating_rule {
    int w_content, w_method, w_effect, w_attitude;
    int excellent, good, pass; /* lowest total of each grade */
    int prior_weight;          /* m of the shrunk mean */
    int min_ratings;           /* fewer: a rate is shown as too few (10) */
};
/* The weighted total in hundredths (0..10000) of four scores 0..100:
 * exact when the weights sum to 100, as they must. */
int rules_rating_total(const struct rating_rule *r, const int scores[4]);
/* The grade of a total in hundredths, graded exactly (89.95 is 良好):
 * "excellent" (优秀), "good" (良好), "pass" (合格) or "fail". */
const char *rules_grade(const struct rating_rule *r, int total_hundredths);
/* The Bayesian (shrunk) mean: (n·mean + m·prior) / (n + m), so a teacher
 * with few ratings is pulled toward the overall mean. */
double rules_shrunk_mean(double mean, int64_t n, double prior, int m);

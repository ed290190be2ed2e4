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

/* The counting rule stored with every attendance: 60 minutes per 学时,
 * at most 8 学时 (480 minutes) credited to a person per day. */
#define RULES_HOURS_RULE "hour60-cap8"
#define RULES_DAY_CAP_MINUTES 480
/* Minutes an attendance credits: the session's 学时 (in halves) as
 * minutes, within what is left of the person's daily cap. */
int64_t rules_credit(int64_t half_hours, int64_t credited_today);

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
};
/* The weighted total in tenths (0..1000) of four scores 0..100. */
int rules_rating_total(const struct rating_rule *r, const int scores[4]);
/* "excellent" (优秀), "good" (良好), "pass" (合格) or "fail". */
const char *rules_grade(const struct rating_rule *r, int total_tenths);
/* The Bayesian (shrunk) mean: (n·mean + m·prior) / (n + m), so a teacher
 * with few ratings is pulled toward the overall mean. */
double rules_shrunk_mean(double mean, int64_t n, double prior, int m);

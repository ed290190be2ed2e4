/*
 * rules.c - see rules.h.
 */
#include "rules.h"

#include "../core/err.h"
#include "../core/keyring.h"
#include "../core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void
rules_day(int64_t t, char day[11], int *year)
{
    time_t local = (time_t)(t + RULES_CST_OFFSET);
    struct tm tm;
    gmtime_r(&local, &tm);
    *year = tm.tm_year + 1900;
    int y = (tm.tm_year + 1900) % 10000, m = tm.tm_mon + 1, d = tm.tm_mday;
    day[0] = (char)('0' + y / 1000);
    day[1] = (char)('0' + y / 100 % 10);
    day[2] = (char)('0' + y / 10 % 10);
    day[3] = (char)('0' + y % 10);
    day[4] = '-';
    day[5] = (char)('0' + m / 10);
    day[6] = (char)('0' + m % 10);
    day[7] = '-';
    day[8] = (char)('0' + d / 10);
    day[9] = (char)('0' + d % 10);
    day[10] = '\0';
}

void
rules_default_period(int64_t now, char from[11], char to[11])
{
    int year;
    rules_day(now, to, &year);
    memcpy(from, to, 5); /* "YYYY-" */
    memcpy(from + 5, "01-01", 6);
}

int64_t
rules_session_max_halves(const struct hour_rule *r, int64_t seconds)
{
    if (seconds <= 0)
        return 0;
    int64_t minutes = seconds / 60;
    /* round_half(minutes / 60): halves of an hour, half up */
    int64_t halves = (minutes + 15) / 30;
    int64_t cap = r->day_cap_minutes / 30;
    if (r->day_minutes > 0 && minutes >= r->day_minutes && halves < cap)
        halves = cap;
    else if (r->half_day_minutes > 0 && minutes >= r->half_day_minutes &&
             halves < cap / 2)
        halves = cap / 2;
    return halves < cap ? halves : cap;
}

void
rules_credit_day(const struct hour_rule *r, size_t n, const int64_t *halves,
                 int64_t *minutes)
{
    int64_t left = r->day_cap_minutes;
    for (size_t i = 0; i < n; i++) {
        int64_t want = halves[i] > 0 ? halves[i] * 30 : 0;
        minutes[i] = want < left ? want : left;
        left -= minutes[i];
    }
}

bool
rules_target_met(int64_t minutes, int64_t classes, int64_t hours,
                 int64_t min_classes)
{
    return minutes >= hours * 60 && classes >= min_classes;
}

static bool
has_flag(const char *flags, const char *flag)
{
    char needle[40];
    snprintf(needle, sizeof(needle), ",%s,", flag);
    return flags && strstr(flags, needle) != NULL;
}

enum target_who
rules_target_who(const char *status, const char *flags)
{
    bool member = status && (strcmp(status, "member") == 0 ||
                             strcmp(status, "probationary") == 0);
    if (!member)
        return TARGET_NONE;
    if (has_flag(flags, "exempt"))
        return TARGET_EXEMPT;
    if (has_flag(flags, "branch_secretary") ||
        has_flag(flags, "village_committee"))
        return TARGET_CADRE;
    return TARGET_MEMBER;
}

const char *
rules_target_name(enum target_who w)
{
    switch (w) {
    case TARGET_MEMBER: return "member";
    case TARGET_CADRE: return "cadre";
    case TARGET_EXEMPT: return "exempt";
    default: return "none";
    }
}

static void
token_mac(const struct keyring *k, const char *purpose, int64_t session_id,
          int64_t slot, char mac[17])
{
    char msg[48], h[65];
    str_fmt(msg, sizeof(msg), "%lld:%lld", (long long)session_id,
            (long long)slot);
    keyring_hash(k, purpose, msg, h);
    memcpy(mac, h, 16); /* 64 bits of the keyed hash */
    mac[16] = '\0';
}

static void
make_token(const struct keyring *k, const char *purpose, int64_t session_id,
           int64_t slot, char out[96])
{
    char mac[17];
    token_mac(k, purpose, session_id, slot, mac);
    str_fmt(out, 96, "%lld.%lld.%s", (long long)session_id, (long long)slot,
            mac);
}

/* Checks a token of purpose, accepting its slot and `back` slots before
 * the current one. */
static int
check_token(const struct keyring *k, const char *purpose, const char *token,
            int64_t now, int slot_seconds, int64_t back, int64_t *session_id)
{
    char buf[96];
    if (token == NULL || str_copy(buf, sizeof(buf), token) != 0)
        return ERR_INVAL;
    char *dot1 = strchr(buf, '.');
    char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    if (dot2 == NULL)
        return ERR_INVAL;
    *dot1 = *dot2 = '\0';
    int64_t sid, slot;
    if (parse_i64(buf, &sid) != 0 || parse_i64(dot1 + 1, &slot) != 0 ||
        sid < 1 || slot < 0 || strlen(dot2 + 1) != 16)
        return ERR_INVAL;
    char mac[17];
    token_mac(k, purpose, sid, slot, mac);
    /* Compared in constant time: the token is a secret of 30 seconds. */
    unsigned diff = 0;
    for (int i = 0; i < 16; i++)
        diff |= (unsigned)(mac[i] ^ dot2[1 + i]);
    if (diff != 0)
        return ERR_INVAL;
    int64_t cur = now / (slot_seconds > 0 ? slot_seconds : 1);
    if (slot > cur || slot < cur - back)
        return ERR_RANGE;
    *session_id = sid;
    return 0;
}

void
rules_token(const struct keyring *k, int64_t session_id, int64_t slot,
            char out[96])
{
    make_token(k, "checkin", session_id, slot, out);
}

int
rules_token_check(const struct keyring *k, const char *token, int64_t now,
                  int slot_seconds, int64_t *session_id)
{
    return check_token(k, "checkin", token, now, slot_seconds, 1,
                       session_id);
}

void
rules_grace_token(const struct keyring *k, int64_t session_id, int64_t now,
                  char out[96])
{
    make_token(k, "checkin-grace", session_id, now / RULES_GRACE_SLOT, out);
}

int
rules_grace_check(const struct keyring *k, const char *token, int64_t now,
                  int64_t *session_id)
{
    return check_token(k, "checkin-grace", token, now, RULES_GRACE_SLOT,
                       RULES_GRACE_SECONDS / RULES_GRACE_SLOT, session_id);
}

int
rules_rating_total(const struct rating_rule *r, const int s[4])
{
    /* The weights sum to 100, so the weighted sum is the total in
     * hundredths, exactly: no rounding before the grade is taken. */
    return r->w_content * s[0] + r->w_method * s[1] + r->w_effect * s[2] +
           r->w_attitude * s[3];
}

const char *
rules_grade(const struct rating_rule *r, int t)
{
    if (t >= r->excellent * 100)
        return "excellent";
    if (t >= r->good * 100)
        return "good";
    if (t >= r->pass * 100)
        return "pass";
    return "fail";
}

double
rules_shrunk_mean(double mean, int64_t n, double prior, int m)
{
    if (n <= 0 && m <= 0)
        return prior;
    return ((double)n * mean + (double)m * prior) / (double)(n + m);
}

int
rules_parse_time(const char *s, int64_t *out)
{
    char date[11];
    int hh, mm, ss = 0, n = 0;
    if (s == NULL || strlen(s) < 16 || s[10] != 'T')
        return ERR_INVAL;
    memcpy(date, s, 10);
    date[10] = '\0';
    int64_t day;
    if (date_parse(date, &day) != 0)
        return ERR_INVAL;
    const char *t = s + 11;
    if (sscanf(t, "%2d:%2d%n", &hh, &mm, &n) != 2 || n != 5)
        return ERR_INVAL;
    t += 5;
    if (*t == ':') {
        int m = 0;
        if (sscanf(t, ":%2d%n", &ss, &m) != 1 || m != 3)
            return ERR_INVAL;
        t += 3;
    }
    if (hh > 23 || mm > 59 || ss > 59 || hh < 0 || mm < 0 || ss < 0)
        return ERR_INVAL;
    int64_t offset;
    if (*t == '\0' || strcmp(t, "+08:00") == 0)
        offset = RULES_CST_OFFSET; /* China time unless told */
    else if (strcmp(t, "Z") == 0)
        offset = 0;
    else
        return ERR_INVAL;
    *out = day + hh * 3600 + mm * 60 + ss - offset;
    return 0;
}

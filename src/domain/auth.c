/*
 * auth.c - see auth.h.
 */
#include "auth.h"

#include "policy.h"
#include "roles.h"

#include "../core/err.h"
#include "../core/keyring.h"
#include "../core/log.h"
#include "../core/util.h"

#include <crack.h>
#include <jansson.h>
#include <stdarg.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static struct auth_settings cfg = {
    .lockout_threshold = 5,
    .lockout_seconds = 1800,
    .idle_seconds = 1800,
    .absolute_seconds = 43200,
    .password_max_age_days = 90,
    .opslimit = 2,
    .memlimit = 64u << 20,
    .token_max_age_days = 90,
    .addr_max_failures = 100,
    .addr_window_seconds = 900,
};
static const struct keyring *keys;

/* Previous passwords a new one may not repeat (DOMAIN.md §2.5). */
enum { PASSWORD_HISTORY = 5 };
/* Failures of a name that tried nothing for this long are forgotten. */
enum { NAME_MEMORY_SECONDS = 86400 };
/* last_seen_at / last_used_at are written at most this often. */
enum { TOUCH_SECONDS = 60 };

void
auth_configure(const struct auth_settings *s)
{
    cfg = *s;
    if (cfg.token_max_age_days <= 0)
        cfg.token_max_age_days = 90;
    if (cfg.addr_max_failures <= 0)
        cfg.addr_max_failures = 100;
    if (cfg.addr_window_seconds <= 0)
        cfg.addr_window_seconds = 900;
    int64_t def[POL_COUNT] = {
        [POL_LOCKOUT_THRESHOLD] = cfg.lockout_threshold,
        [POL_LOCKOUT_SECONDS] = cfg.lockout_seconds,
        [POL_SESSION_IDLE_SECONDS] = cfg.idle_seconds,
        [POL_SESSION_ABSOLUTE_SECONDS] = cfg.absolute_seconds,
        [POL_PASSWORD_MAX_AGE_DAYS] = cfg.password_max_age_days,
        [POL_TOKEN_MAX_AGE_DAYS] = cfg.token_max_age_days,
    };
    policy_init(def, cfg.policy_refresh_seconds);
}

void
auth_set_keys(const struct keyring *k)
{
    keys = k;
}

/* The keyed hash of a log-in name, lower-cased (ASCII): what failures
 * are counted under. */
static void
name_key(const char *username, char out[65])
{
    char low[72];
    size_t n = 0;
    for (const char *p = username; *p && n < sizeof(low) - 1; p++)
        low[n++] = (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32) : *p;
    low[n] = '\0';
    if (keys) {
        keyring_hash(keys, "login_name", low, out);
        return;
    }
    unsigned char h[32];
    static const unsigned char nokey[32] = "dangxiao login name, no keyring";
    crypto_generichash(h, sizeof(h), (const unsigned char *)low, n, nokey,
                       sizeof(nokey));
    hex_encode(h, sizeof(h), out);
}

/* --- passwords ------------------------------------------------------ */

/* cracklib keeps its open dictionary in static storage. */
static pthread_mutex_t crack_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *
dict_path(void)
{
    return cfg.cracklib_dict && *cfg.cracklib_dict ? cfg.cracklib_dict
                                                   : GetDefaultCracklibDict();
}

int
auth_dict_check(char *err, size_t errlen)
{
    char msg[256] = "";
    pthread_mutex_lock(&crack_lock);
    int ok = __DEBIAN_SPECIFIC__SafeFascistCheck("Dx!probe-2026", dict_path(),
                                                 msg, sizeof(msg));
    pthread_mutex_unlock(&crack_lock);
    if (ok)
        return 0;
    str_fmt(err, errlen,
            "cannot read the cracklib dictionary %s (Debian: "
            "cracklib-runtime): %s",
            dict_path(), msg[0] ? msg : "unknown error");
    return ERR_IO;
}

/* Words of this system and county: the demo password is one of them. */
static const char *const site_words[] = {
    "dangxiao", "chengwu", "dangjian", "dangyuan", "gongchandang",
};

/* A l33t spelling undone (P@ssw0rd -> Password), up to the last letter:
 * digits and symbols after it are left, for cracklib strips those. one
 * is what '1' becomes ('i' or 'l'). */
static void
unleet(const char *pw, char one, char *out, size_t outlen)
{
    static const char from[] = "@4031$57|";
    static const char to[] = "aaoe?sstl";
    size_t n = strlen(pw), last = 0;
    for (size_t i = 0; i < n; i++)
        if ((pw[i] | 32) >= 'a' && (pw[i] | 32) <= 'z')
            last = i + 1;
    size_t i = 0;
    for (; i < n && i + 1 < outlen; i++) {
        const char *f = i < last ? strchr(from, pw[i]) : NULL;
        char c = f && pw[i] ? to[f - from] : pw[i];
        out[i] = c == '?' ? one : c;
    }
    out[i] = '\0';
}

/* ASCII lower case of s into out. */
static void
lower(const char *s, char *out, size_t outlen)
{
    size_t i = 0;
    for (; s[i] && i + 1 < outlen; i++)
        out[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
    out[i] = '\0';
}

/* Whether hay holds word or word reversed (both lower case); words
 * shorter than 3 never match. */
static bool
holds_word(const char *hay, const char *word)
{
    size_t n = strlen(word);
    if (n < 3 || n > 64)
        return false;
    char rev[65];
    for (size_t i = 0; i < n; i++)
        rev[i] = word[n - 1 - i];
    rev[n] = '\0';
    return strstr(hay, word) != NULL || strstr(hay, rev) != NULL;
}

/* Maps cracklib's English reasons onto ours. */
static const char *
crack_reason(const char *msg)
{
    static const struct {
        const char *has, *why;
    } map[] = {
        {"dictionary", "密码基于常见单词或常用密码，容易被猜中"},
        {"simplistic", "密码过于简单或有规律（如连续的字母、数字）"},
        {"DIFFERENT", "密码中不同的字符太少"},
        {"username", "密码不能基于用户名"},
        {"password entry", "密码不能基于用户名或姓名"},
        {"short", "密码太短"},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strstr(msg, map[i].has))
            return map[i].why;
    return "密码太弱，请换一个不常见的密码";
}

/* cracklib's verdict on pw; 0, ERR_INVAL (*why) or ERR_IO. */
static int
crack(const struct pw_personal *p, const char *pw, const char **why)
{
    pthread_mutex_lock(&crack_lock);
    const char *msg = FascistCheckUser(pw, dict_path(),
                                       p->username ? p->username : "",
                                       p->name_pinyin);
    pthread_mutex_unlock(&crack_lock);
    if (msg == NULL)
        return 0;
    if (strstr(msg, "error loading dictionary")) {
        *why = "无法读取常用密码字典，请联系系统管理员";
        return ERR_IO;
    }
    *why = crack_reason(msg);
    return ERR_INVAL;
}

/* Whether digits (the password's digits in order) or up (the password in
 * upper case) hold one of the person's numbers. */
static const char *
holds_number(const struct pw_personal *p, const char *digits,
             const char *up)
{
    /* The ID number first: it holds the birth date too. */
    if (p->id_number && strlen(p->id_number) == 18) {
        const char *id = p->id_number;
        if (strstr(up, id) || strstr(up, id + 10) || strstr(up, id + 12))
            return "密码不能包含本人的身份证号或其后几位";
    }
    if (p->birth_date && strlen(p->birth_date) == 10) {
        const char *b = p->birth_date; /* YYYY-MM-DD */
        char y[5], m[3], d[3];
        memcpy(y, b, 4), y[4] = '\0';
        memcpy(m, b + 5, 2), m[2] = '\0';
        memcpy(d, b + 8, 2), d[2] = '\0';
        char forms[6][9];
        str_fmt(forms[0], 9, "%s%s%s", y, m, d);     /* 19800101 */
        str_fmt(forms[1], 9, "%s%s%s", y + 2, m, d); /* 800101 */
        str_fmt(forms[2], 9, "%s%s%s", d, m, y);     /* 01011980 */
        str_fmt(forms[3], 9, "%s%s%s", m, d, y);     /* 01011980 (US) */
        str_fmt(forms[4], 9, "%s%s", m, d);          /* 0101 */
        str_fmt(forms[5], 9, "%s%s", d, m);          /* 0101 */
        for (int i = 0; i < 6; i++)
            if (strstr(digits, forms[i]))
                return "密码不能包含本人的出生日期";
    }
    if (p->phone && strlen(p->phone) >= 8) {
        size_t n = strlen(p->phone);
        if (strstr(digits, p->phone) || strstr(digits, p->phone + n - 8))
            return "密码不能包含本人的手机号";
    }
    return NULL;
}

int
password_check(const struct pw_personal *p, const char *pw, const char **why)
{
    long n = utf8_chars(pw);
    if (n < 0) {
        *why = "密码含有无效字符";
        return ERR_INVAL;
    }
    if (n < 8) {
        *why = "密码至少 8 个字符";
        return ERR_INVAL;
    }
    if (n > 128) {
        *why = "密码不能超过 128 个字符";
        return ERR_INVAL;
    }
    int upper = 0, lower_ = 0, digit = 0, other = 0;
    char digits[600], up[600];
    size_t nd = 0, i = 0;
    for (const unsigned char *c = (const unsigned char *)pw; *c; c++, i++) {
        if (*c >= 'A' && *c <= 'Z')
            upper = 1;
        else if (*c >= 'a' && *c <= 'z')
            lower_ = 1;
        else if (*c >= '0' && *c <= '9')
            digit = 1;
        else
            other = 1;
        if (*c >= '0' && *c <= '9' && nd + 1 < sizeof(digits))
            digits[nd++] = (char)*c;
        if (i + 1 < sizeof(up))
            up[i] = (*c >= 'a' && *c <= 'z') ? (char)(*c - 32) : (char)*c;
    }
    digits[nd] = '\0';
    up[i < sizeof(up) ? i : sizeof(up) - 1] = '\0';
    if (upper + lower_ + digit + other < 3) {
        *why = "密码须包含大写字母、小写字母、数字、符号中的至少三类";
        return ERR_INVAL;
    }
    /* Words it must not hold, in its plain and un-l33t lower case. */
    char forms[3][520], word[72];
    lower(pw, forms[0], sizeof(forms[0]));
    unleet(forms[0], 'i', forms[1], sizeof(forms[1]));
    unleet(forms[0], 'l', forms[2], sizeof(forms[2]));
    for (int f = 0; f < 3; f++) {
        if (p->username && *p->username) {
            lower(p->username, word, sizeof(word));
            if (holds_word(forms[f], word)) {
                *why = "密码不能包含用户名";
                return ERR_INVAL;
            }
        }
        if (p->name_pinyin && holds_word(forms[f], p->name_pinyin)) {
            *why = "密码不能包含本人姓名的拼音";
            return ERR_INVAL;
        }
        for (size_t k = 0; k < sizeof(site_words) / sizeof(site_words[0]);
             k++)
            if (strstr(forms[f], site_words[k])) {
                *why = "密码不能包含本系统或本县的名称（如 dangxiao、"
                       "chengwu）";
                return ERR_INVAL;
            }
    }
    const char *num = holds_number(p, digits, up);
    if (num) {
        *why = num;
        return ERR_INVAL;
    }
    /* The dictionary: as typed, and with a l33t spelling undone. */
    char unl[2][520];
    unleet(pw, 'i', unl[0], sizeof(unl[0]));
    unleet(pw, 'l', unl[1], sizeof(unl[1]));
    int rc = crack(p, pw, why);
    for (int f = 0; rc == 0 && f < 2; f++)
        if (strcmp(unl[f], pw) != 0)
            rc = crack(p, unl[f], why);
    return rc;
}

int
password_check_policy(const char *username, const char *pw, const char **why)
{
    struct pw_personal p = {.username = username};
    return password_check(&p, pw, why);
}

int
password_hash(const char *pw, char out[128])
{
    if (crypto_pwhash_str(out, pw, strlen(pw), cfg.opslimit, cfg.memlimit) !=
        0)
        return ERR_NOMEM;
    return 0;
}

bool
password_verify(const char *hash, const char *pw)
{
    if (hash == NULL || *hash == '\0')
        return false;
    return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

/* A hash to check against when the name has no usable account, so that
 * "no such user" costs what "wrong password" costs: made with the
 * settings of this process, as every new hash is. */
static char dummy_hash[128];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void
make_dummy(void)
{
    password_hash("dangxiao-dummy-Password-1", dummy_hash);
}

/* The personal data of a linked person that a password must not hold;
 * strings in a. 0, ERR_NOTFOUND (no such living person), ERR_DB. */
static int
personal_of(struct db *db, struct arena *a, int64_t person_id,
            struct pw_personal *p)
{
    struct db_res *r = db_query(db, Q_PERSON_SECRETS, "i", person_id);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc > 0) {
        p->name_pinyin = arena_strdup(a, db_text(r, 0));
        p->birth_date = arena_strdup(a, db_text(r, 1));
        char buf[64];
        if (keys && keyring_open(keys, "id_number", db_text(r, 2), buf,
                                 sizeof(buf)) == 0)
            p->id_number = arena_strdup(a, buf);
        if (keys && !db_null(r, 3) &&
            keyring_open(keys, "phone", db_text(r, 3), buf, sizeof(buf)) ==
                0)
            p->phone = arena_strdup(a, buf);
        sodium_memzero(buf, sizeof(buf));
    }
    db_end(r);
    return rc < 0 ? ERR_DB : rc == 0 ? ERR_NOTFOUND : 0;
}

/* --- tokens ----------------------------------------------------------- */

/* A random URL-safe token of 32 bytes (43 characters). */
static void
random_token(char *out, size_t outlen, const char *prefix)
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof(raw));
    char b64[64];
    sodium_bin2base64(b64, sizeof(b64), raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    str_fmt(out, outlen, "%s%s", prefix, b64);
}

/* Tokens are stored as their BLAKE2b-256, never as themselves. */
static void
token_hash(const char *token, char out[65])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof(h), (const unsigned char *)token,
                       strlen(token), NULL, 0);
    hex_encode(h, sizeof(h), out);
}

/* --- reading accounts ---------------------------------------------------- */

/* Columns of USER_BY_NAME / USER_BY_ID / USER_LIST. */
enum {
    UC_ID, UC_USERNAME, UC_HASH, UC_ROLE, UC_TOWNSHIP, UC_PERSON,
    UC_MUST_CHANGE, UC_CHANGED_AT, UC_FAILED, UC_LOCKED_UNTIL, UC_DISABLED
};

static bool
password_expired(int64_t changed_at)
{
    int64_t days = policy_get(POL_PASSWORD_MAX_AGE_DAYS);
    return days > 0 && changed_at + days * 86400 < now_unix();
}

static void
read_account(struct db_res *r, struct arena *a, struct account *out)
{
    memset(out, 0, sizeof(*out));
    out->id = db_int(r, UC_ID);
    out->username = arena_strdup(a, db_text(r, UC_USERNAME));
    out->role = arena_strdup(a, db_text(r, UC_ROLE));
    out->township_code = db_null(r, UC_TOWNSHIP)
                             ? NULL
                             : arena_strdup(a, db_text(r, UC_TOWNSHIP));
    out->person_id = db_int(r, UC_PERSON);
    out->must_change_password = db_int(r, UC_MUST_CHANGE) != 0 ||
                                password_expired(db_int(r, UC_CHANGED_AT));
    out->failed_count = db_int(r, UC_FAILED);
    out->locked_until = db_int(r, UC_LOCKED_UNTIL);
    out->disabled = db_int(r, UC_DISABLED) != 0;
}

int
auth_user_get(struct db *db, struct arena *a, int64_t id, struct account *out)
{
    struct db_res *r = db_query(db, Q_USER_BY_ID, "i", id);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc > 0)
        read_account(r, a, out);
    db_end(r);
    return rc > 0 ? 0 : rc == 0 ? ERR_NOTFOUND : ERR_DB;
}

bool
township_exists(struct db *db, const char *code)
{
    struct db_res *r = db_query(db, Q_TOWNSHIP_GET, "s", code);
    if (r == NULL)
        return false;
    bool found = db_next(r) > 0;
    db_end(r);
    return found;
}

int
auth_prepare(struct db *db)
{
    struct db_res *r = db_query(db, Q_USER_NO_NAME_KEY, "");
    if (r == NULL)
        return ERR_DB;
    struct pending {
        int64_t id;
        char key[65];
    } *p = NULL;
    size_t n = 0;
    int rc;
    while ((rc = db_next(r)) > 0) {
        p = xrealloc(p, (n + 1) * sizeof(*p));
        p[n].id = db_int(r, 0);
        name_key(db_text(r, 1), p[n].key);
        n++;
    }
    db_end(r);
    if (rc == 0 && n > 0) {
        rc = db_begin(db);
        for (size_t i = 0; rc == 0 && i < n; i++)
            rc = db_exec(db, Q_USER_SET_NAME_KEY, "si", p[i].key, p[i].id) < 0
                     ? ERR_DB
                     : 0;
        if (rc == 0)
            rc = db_commit(db);
        if (rc != 0)
            db_rollback(db);
    }
    free(p);
    return rc < 0 ? ERR_DB : 0;
}

/* --- log-in ------------------------------------------------------------ */

static char *
detail_json(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    json_t *v = json_vpack_ex(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(v);
    return s;
}

/* The address's state: whether it is over its limit, and until when. */
static int
address_over(struct db *db, const char *ip, int64_t now, bool *over,
             int64_t *until)
{
    *over = false;
    struct db_res *r = db_query(db, Q_LOGIN_ADDR_STATE, "s", ip);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc > 0) {
        int64_t failures = db_int(r, 0), start = db_int(r, 1);
        *until = start + cfg.addr_window_seconds;
        *over = *until > now && failures >= cfg.addr_max_failures;
    }
    db_end(r);
    return rc < 0 ? ERR_DB : 0;
}

/* The name's lock, if any: 0 with *until (0 = not locked). */
static int
name_locked(struct db *db, const char *key, int64_t now, int64_t *until)
{
    *until = 0;
    struct db_res *r = db_query(db, Q_LOGIN_NAME_STATE, "s", key);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc > 0 && db_int(r, 1) > now)
        *until = db_int(r, 1);
    db_end(r);
    return rc < 0 ? ERR_DB : 0;
}

bool
auth_login_hashes(struct db *db, const char *username, const char *ip)
{
    int64_t now = now_unix(), until = 0;
    bool over = false;
    char key[65];
    name_key(username, key);
    if (address_over(db, ip ? ip : "", now, &over, &until) != 0)
        return true;
    if (over)
        return false;
    if (name_locked(db, key, now, &until) != 0)
        return true;
    return until == 0;
}

/* Counts a failed log-in of the name under key from where, locks the
 * name at the threshold, and audits both, in one transaction. uid and
 * role are the account's when there is one; reason is for the audit row
 * only. */
static int
record_failure(struct db *db, struct arena *a, const char *key,
               const struct audit_who *where, int64_t uid, const char *role,
               const char *reason, int64_t now)
{
    struct audit_who w = *where;
    w.user_id = uid;
    w.role = role ? role : "";
    const char *ip = where->ip ? where->ip : "";
    if (db_begin(db) != 0)
        return ERR_DB;
    int64_t failed = 0, afailed = 0, astart = 0;
    int64_t threshold = policy_get(POL_LOCKOUT_THRESHOLD);
    int64_t seconds = policy_get(POL_LOCKOUT_SECONDS);
    int rc = strcmp(reason, "locked") == 0
                 ? 0
                 : db_int1(db, Q_LOGIN_NAME_FAILED, &failed, "si", key, now);
    struct db_res *r = rc == 0 ? db_query(db, Q_LOGIN_ADDR_FAILED, "sii", ip,
                                          now,
                                          now - cfg.addr_window_seconds)
                               : NULL;
    if (r == NULL || db_next(r) <= 0)
        rc = ERR_DB;
    else {
        afailed = db_int(r, 0);
        astart = db_int(r, 1);
    }
    db_end(r);
    char *d = detail_json("{s:s, s:I}", "reason", reason, "failed_in_a_row",
                          (json_int_t)failed);
    if (rc == 0)
        rc = audit_append(db, &w, "login_failure", "session", false, d);
    free(d);
    const char *obj = uid ? arena_printf(a, "user:%lld", (long long)uid)
                          : "username";
    if (rc == 0 && failed >= threshold) {
        rc = db_exec(db, Q_LOGIN_NAME_LOCK, "is", now + seconds, key) < 0
                 ? ERR_DB
                 : 0;
        d = detail_json("{s:I, s:I}", "failures", (json_int_t)failed,
                        "seconds", (json_int_t)seconds);
        if (rc == 0)
            rc = audit_append(db, &w, "lockout", obj, true, d);
        free(d);
    }
    /* The failure that brings the address to its limit says so once;
     * the refusals after it write nothing (a flood must not write). */
    if (rc == 0 && afailed == cfg.addr_max_failures) {
        d = detail_json("{s:I, s:I}", "failures", (json_int_t)afailed,
                        "until", (json_int_t)(astart +
                                              cfg.addr_window_seconds));
        rc = audit_append(db, &w, "login_throttle", "address", true, d);
        free(d);
    }
    if (rc == 0)
        rc = db_exec(db, Q_LOGIN_NAME_PURGE, "ii", now - NAME_MEMORY_SECONDS,
                     now) < 0 ? ERR_DB : 0;
    if (rc == 0)
        rc = db_exec(db, Q_LOGIN_ADDR_PURGE, "i",
                     now - cfg.addr_window_seconds) < 0 ? ERR_DB : 0;
    if (rc == 0)
        rc = db_commit(db);
    if (rc != 0) {
        db_rollback(db);
        return ERR_DB;
    }
    return 0;
}

int
auth_login(struct db *db, struct arena *a, const char *username,
           const char *password, const struct audit_who *where,
           struct login_result *res)
{
    memset(res, 0, sizeof(*res));
    pthread_once(&dummy_once, make_dummy);
    policy_refresh(db);
    int64_t now = now_unix(), until = 0;
    char key[65];
    name_key(username, key);
    /* An address past its limit gets no hashing and writes nothing. */
    bool over;
    if (address_over(db, where->ip ? where->ip : "", now, &over, &until) !=
        0)
        return ERR_DB;
    if (over) {
        res->outcome = LOGIN_THROTTLED;
        res->retry_after = until - now;
        return 0;
    }
    if (name_locked(db, key, now, &until) != 0)
        return ERR_DB;
    struct db_res *r = db_query(db, Q_USER_BY_NAME, "s", username);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc < 0) {
        db_end(r);
        return ERR_DB;
    }
    struct account acct = {0};
    const char *hash = dummy_hash;
    if (rc > 0) {
        read_account(r, a, &acct);
        if (!acct.disabled)
            hash = arena_strdup(a, db_text(r, UC_HASH));
    }
    db_end(r);
    if (until > now) {
        /* Locked, whether the name exists or not: no hashing. */
        res->outcome = LOGIN_LOCKED;
        res->retry_after = until - now;
        return record_failure(db, a, key, where, acct.id, acct.role,
                              "locked", now);
    }
    /* The same work for every name: a disabled account or no account
     * checks the dummy hash, and fails. */
    bool ok = password_verify(hash, password) && hash != dummy_hash;
    if (!ok) {
        res->outcome = LOGIN_BAD;
        return record_failure(db, a, key, where, acct.id, acct.role,
                              acct.id == 0    ? "unknown_user"
                              : acct.disabled ? "disabled"
                                              : "bad_password",
                              now);
    }
    /* Right password: open a session. */
    struct audit_who w = *where;
    w.user_id = acct.id;
    w.role = acct.role;
    random_token(res->token, sizeof(res->token), "");
    random_token(res->csrf, sizeof(res->csrf), "");
    char th[65];
    token_hash(res->token, th);
    char rehash[128] = "";
    if (crypto_pwhash_str_needs_rehash(hash, cfg.opslimit, cfg.memlimit) !=
            0 &&
        password_hash(password, rehash) != 0)
        rehash[0] = '\0';
    if (db_begin(db) != 0)
        return ERR_DB;
    rc = db_exec(db, Q_LOGIN_NAME_CLEAR, "s", key) < 0 ? ERR_DB : 0;
    if (rc == 0 && rehash[0])
        rc = db_exec(db, Q_USER_REHASH, "si", rehash, acct.id) < 0 ? ERR_DB
                                                                  : 0;
    int64_t sid = 0;
    if (rc == 0)
        rc = db_int1(db, Q_SESSION_INSERT, &sid, "sisis", th, acct.id,
                     res->csrf, now, where->ip ? where->ip : "");
    if (rc == 0)
        rc = db_exec(db, Q_SESSION_PURGE, "ii",
                     now - policy_get(POL_SESSION_IDLE_SECONDS),
                     now - policy_get(POL_SESSION_ABSOLUTE_SECONDS)) < 0
                 ? ERR_DB
                 : 0;
    if (rc == 0)
        rc = audit_append(db, &w, "login_success",
                          arena_printf(a, "session:%lld", (long long)sid),
                          true, NULL);
    if (rc == 0)
        rc = db_commit(db);
    if (rc != 0) {
        db_rollback(db);
        return ERR_DB;
    }
    acct.session_id = sid;
    acct.csrf = arena_strdup(a, res->csrf);
    acct.failed_count = 0;
    acct.locked_until = 0;
    res->acct = acct;
    res->outcome = LOGIN_OK;
    return 0;
}

/* SESSION_LOOKUP and TOKEN_LOOKUP start with the user columns (UC_*),
 * then the session's own. */
enum { SC_ID = UC_DISABLED + 1, SC_CSRF, SC_CREATED, SC_LAST_SEEN };
enum { TC_ID = UC_DISABLED + 1, TC_LAST_USED };

int
auth_session(struct db *db, struct arena *a, const char *token,
             struct account *out)
{
    if (token == NULL || strlen(token) != 43)
        return ERR_NOTFOUND;
    policy_refresh(db);
    char th[65];
    token_hash(token, th);
    struct db_res *r = db_query(db, Q_SESSION_LOOKUP, "s", th);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc <= 0) {
        db_end(r);
        return rc == 0 ? ERR_NOTFOUND : ERR_DB;
    }
    read_account(r, a, out);
    out->session_id = db_int(r, SC_ID);
    out->csrf = arena_strdup(a, db_text(r, SC_CSRF));
    int64_t created = db_int(r, SC_CREATED), seen = db_int(r, SC_LAST_SEEN);
    db_end(r);
    int64_t now = now_unix();
    int64_t idle = policy_get(POL_SESSION_IDLE_SECONDS);
    if (now - seen > idle ||
        now - created > policy_get(POL_SESSION_ABSOLUTE_SECONDS) ||
        out->disabled) {
        db_exec(db, Q_SESSION_DELETE, "i", out->session_id);
        return ERR_NOTFOUND;
    }
    /* Write the last-seen time only now and then, so a read is a read. */
    int64_t step = idle / 4 < TOUCH_SECONDS ? idle / 4 : TOUCH_SECONDS;
    if (now - seen >= step &&
        db_exec(db, Q_SESSION_TOUCH, "ii", now, out->session_id) < 0)
        log_warn("session touch: %s", db_errmsg(db));
    return 0;
}

int
auth_bearer(struct db *db, struct arena *a, const char *token,
            struct account *out)
{
    if (token == NULL || strncmp(token, "dxt_", 4) != 0 ||
        strlen(token) != 47)
        return ERR_NOTFOUND;
    policy_refresh(db);
    char th[65];
    token_hash(token, th);
    int64_t now = now_unix(), used = 0;
    struct db_res *r = db_query(db, Q_TOKEN_LOOKUP, "si", th, now);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc > 0) {
        read_account(r, a, out);
        out->session_id = db_int(r, TC_ID);
        out->via_token = true;
        used = db_int(r, TC_LAST_USED);
    }
    db_end(r);
    if (rc < 0)
        return ERR_DB;
    if (rc == 0 || out->disabled)
        return ERR_NOTFOUND;
    /* Noted once a minute at most: a script's reads stay reads. */
    if (now - used >= TOUCH_SECONDS &&
        db_exec(db, Q_TOKEN_TOUCH, "ii", now, out->session_id) < 0)
        log_warn("token touch: %s", db_errmsg(db));
    return 0;
}

int
auth_logout(struct db *db, const struct account *acct,
            const struct audit_who *who)
{
    /* A log-out ends what the request came with. For a browser that is
     * its cookie session; a user's other API tokens are separate
     * credentials of its scripts, with their own list and revocation
     * (DELETE /api/v1/tokens/{id}), and a browser's log-out does not
     * end them. A log-out sent with a bearer token revokes that token:
     * it is that client's session. */
    if (db_begin(db) != 0)
        return ERR_DB;
    int rc = (acct->via_token
                  ? db_exec(db, Q_TOKEN_REVOKE, "iii", now_unix(),
                            acct->session_id, acct->id)
                  : db_exec(db, Q_SESSION_DELETE, "i", acct->session_id)) < 0
                 ? ERR_DB
                 : 0;
    if (rc == 0)
        rc = audit_append(db, who, "logout",
                          acct->via_token ? "token" : "session", true, NULL);
    if (rc == 0)
        rc = db_commit(db);
    if (rc != 0)
        db_rollback(db);
    return rc;
}

/* Whether pw matches the user's current or recent passwords. */
static int
recently_used(struct db *db, int64_t uid, const char *pw, bool *used)
{
    *used = false;
    /* History rows include the current password: the current one plus
     * the PASSWORD_HISTORY before it are all refused. */
    struct db_res *r = db_query(db, Q_PWHIST_RECENT, "ii", uid,
                                (int64_t)PASSWORD_HISTORY + 1);
    if (r == NULL)
        return ERR_DB;
    int rc = 0;
    while (!*used && (rc = db_next(r)) > 0)
        *used = password_verify(db_text(r, 0), pw);
    db_end(r);
    return rc < 0 ? ERR_DB : 0;
}

int
auth_change_password(struct db *db, const struct account *acct,
                     const char *old_pw, const char *new_pw,
                     const struct audit_who *who, const char **why)
{
    struct db_res *r = db_query(db, Q_USER_BY_ID, "i", acct->id);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    char hash[128] = "";
    if (rc > 0)
        str_copy(hash, sizeof(hash), db_text(r, UC_HASH));
    db_end(r);
    if (rc <= 0)
        return rc == 0 ? ERR_NOTFOUND : ERR_DB;
    if (!password_verify(hash, old_pw))
        return ERR_DENIED;
    struct arena a;
    arena_init(&a, 512);
    struct pw_personal p = {.username = acct->username};
    rc = acct->person_id ? personal_of(db, &a, acct->person_id, &p) : 0;
    if (rc == ERR_DB) {
        arena_cleanup(&a);
        return ERR_DB;
    }
    rc = password_check(&p, new_pw, why);
    arena_cleanup(&a);
    if (rc != 0)
        return ERR_INVAL;
    bool used = password_verify(hash, new_pw);
    if (!used && recently_used(db, acct->id, new_pw, &used) != 0)
        return ERR_DB;
    if (used) {
        *why = "不能使用当前或最近 5 次用过的密码";
        return ERR_CONFLICT;
    }
    char nh[128];
    if (password_hash(new_pw, nh) != 0)
        return ERR_NOMEM;
    int64_t now = now_unix();
    if (db_begin(db) != 0)
        return ERR_DB;
    rc = db_exec(db, Q_USER_SET_PASSWORD, "siii", nh, (int64_t)0, now,
                 acct->id) < 0 ? ERR_DB : 0;
    if (rc == 0)
        rc = db_exec(db, Q_PWHIST_INSERT, "isi", acct->id, nh, now) < 0
                 ? ERR_DB
                 : 0;
    /* Other sessions of this user end (this one goes on, unless it is a
     * token), and every API token is revoked: whoever held the old
     * password may have made one. */
    if (rc == 0)
        rc = db_exec(db, Q_SESSION_DELETE_USER, "ii", acct->id,
                     acct->via_token ? (int64_t)0 : acct->session_id) < 0
                 ? ERR_DB
                 : 0;
    if (rc == 0)
        rc = db_exec(db, Q_TOKEN_REVOKE_USER, "ii", now, acct->id) < 0
                 ? ERR_DB
                 : 0;
    if (rc == 0)
        rc = audit_append(db, who, "password_change",
                          "user", true, NULL);
    if (rc == 0)
        rc = db_commit(db);
    if (rc != 0) {
        db_rollback(db);
        return ERR_DB;
    }
    return 0;
}

/* --- account administration --------------------------------------------- */

static bool
valid_username(const char *u)
{
    size_t n = strlen(u);
    if (n < 3 || n > 32)
        return false;
    for (const char *p = u; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' ||
              *p == '-'))
            return false;
    return true;
}

/* Fills e and returns rc. */
static int
refuse(struct user_error *e, int rc, const char *code, const char *field,
       const char *why)
{
    e->code = code;
    e->field = field;
    e->why = why;
    return rc;
}

/* Checks a role and township pair against the role's township rule. */
static int
check_role_township(struct db *db, const char *role, const char *township,
                    struct user_error *e)
{
    const struct role *r = role_find(role);
    if (r == NULL)
        return refuse(e, ERR_INVAL, "invalid_field", "role", "没有这个角色");
    if (r->township == TOWNSHIP_REQUIRED && township == NULL)
        return refuse(e, ERR_NOTFOUND, "missing_field", "township_code",
                      "该角色必须指定所属镇街");
    if (r->township == TOWNSHIP_NONE && township != NULL)
        return refuse(e, ERR_INVAL, "invalid_field", "township_code",
                      "县级角色不属于某个镇街");
    if (township != NULL && !township_exists(db, township))
        return refuse(e, ERR_INVAL, "invalid_field", "township_code",
                      "没有这个镇街代码");
    return 0;
}

static const char console_only_why[] =
    "系统管理员、安全管理员和审计管理员只能在服务器控制台用 dangxiao user "
    "add 设立（三员分立）";

int
auth_user_create(struct db *db, const struct user_new *u,
                 const struct audit_who *who, int64_t *id,
                 struct user_error *e)
{
    if (!valid_username(u->username))
        return refuse(e, ERR_INVAL, "invalid_field", "username",
                      "用户名须为 3-32 个字母、数字或 _ . -");
    int rc = check_role_township(db, u->role, u->township_code, e);
    if (rc != 0)
        return rc;
    if (u->origin == USER_BY_API && role_console_only(u->role))
        return refuse(e, ERR_DENIED, "admin_role_console_only", "role",
                      console_only_why);
    struct arena a;
    arena_init(&a, 512);
    struct pw_personal p = {.username = u->username};
    rc = u->person_id ? personal_of(db, &a, u->person_id, &p) : 0;
    if (rc == ERR_NOTFOUND)
        rc = refuse(e, ERR_INVAL, "invalid_field", "person_id",
                    "没有这个人员");
    /* The demo's accounts carry the password the demo prints: the one
     * path that skips the policy, and only for accounts marked is_demo. */
    const char *why = NULL;
    int prc = rc == 0 && u->origin != USER_BY_DEMO
                  ? password_check(&p, u->password, &why)
                  : 0;
    arena_cleanup(&a);
    if (rc != 0)
        return rc;
    if (prc == ERR_IO)
        return refuse(e, ERR_DB, "internal", "password", why);
    if (prc != 0)
        return refuse(e, ERR_RANGE, "weak_password", "password", why);
    char hash[128], key[65];
    if (password_hash(u->password, hash) != 0)
        return ERR_NOMEM;
    name_key(u->username, key);
    int64_t now = now_unix();
    bool initial = u->origin == USER_BY_API;
    if (db_begin(db) != 0)
        return ERR_DB;
    rc = db_int1(db, Q_USER_INSERT, id, "ssssniiis", u->username, hash,
                 u->role, u->township_code,
                 u->person_id ? &u->person_id : NULL,
                 (int64_t)(initial ? 1 : 0), now,
                 (int64_t)(u->origin == USER_BY_DEMO ? 1 : 0), key);
    if (rc == 0)
        rc = db_exec(db, Q_PWHIST_INSERT, "isi", *id, hash, now) < 0
                 ? ERR_DB
                 : 0;
    if (rc == 0) {
        char *d = detail_json("{s:s, s:s, s:s?, s:b, s:s}", "username",
                              u->username, "role", u->role, "township_code",
                              u->township_code, "initial_password", initial,
                              "by",
                              u->origin == USER_BY_API       ? "api"
                              : u->origin == USER_BY_CONSOLE ? "console"
                                                             : "demo");
        char obj[48];
        str_fmt(obj, sizeof(obj), "user:%lld", (long long)*id);
        rc = audit_append(db, who, "user_create", obj, true, d);
        free(d);
    }
    if (rc == 0)
        rc = db_commit(db);
    if (rc != 0) {
        int err = db_last_err(db);
        db_rollback(db);
        if (err == ERR_CONFLICT)
            return refuse(e, ERR_CONFLICT, "username_taken", "username",
                          "用户名已被使用");
        return ERR_DB;
    }
    return 0;
}

static bool
same(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

/* Checks a change against the rules of 三员分立 and one's own account. */
static int
change_allowed(const struct account *cur, const struct user_change *c,
               const char *role, const char *township, int64_t person,
               const struct audit_who *who, struct user_error *e)
{
    bool rights = !same(role, cur->role) || !same(township,
                                                  cur->township_code);
    if (cur->id == who->user_id &&
        (c->role || c->set_township || c->set_person || c->disabled >= 0 ||
         c->unlock))
        return refuse(e, ERR_DENIED, "own_account", NULL,
                      "不能更改自己账号的角色、镇街、关联人员或状态");
    if (rights && (role_console_only(role) || role_console_only(cur->role)))
        return refuse(e, ERR_DENIED, "admin_role_console_only", "role",
                      console_only_why);
    if (person != cur->person_id && role_console_only(cur->role))
        return refuse(e, ERR_DENIED, "admin_role_console_only", "person_id",
                      console_only_why);
    return 0;
}

int
auth_user_update(struct db *db, struct arena *a, int64_t id,
                 const struct user_change *c, const struct audit_who *who,
                 struct account *out, struct user_error *e)
{
    struct account cur;
    int rc = auth_user_get(db, a, id, &cur);
    if (rc != 0)
        return rc;
    const char *role = c->role ? c->role : cur.role;
    const char *township = c->set_township ? c->township_code
                                           : cur.township_code;
    int64_t person = c->set_person ? c->person_id : cur.person_id;
    /* A change of role to a county-wide one drops the township. */
    if (c->role && !c->set_township) {
        const struct role *r = role_find(c->role);
        if (r && r->township == TOWNSHIP_NONE)
            township = NULL;
    }
    /* Who may change what first: a refusal of 三员分立 or of one's own
     * account says so, whatever else the change gets wrong. */
    rc = change_allowed(&cur, c, role, township, person, who, e);
    if (rc == 0)
        rc = check_role_township(db, role, township, e);
    if (rc != 0)
        return rc;
    if (person && person != cur.person_id) {
        struct pw_personal p;
        rc = personal_of(db, a, person, &p);
        if (rc == ERR_NOTFOUND)
            return refuse(e, ERR_INVAL, "invalid_field", "person_id",
                          "没有这个人员");
        if (rc != 0)
            return ERR_DB;
    }
    int disabled = c->disabled >= 0 ? c->disabled : cur.disabled;
    bool rights = !same(role, cur.role) || !same(township,
                                                 cur.township_code);
    int64_t now = now_unix();
    char obj[48];
    str_fmt(obj, sizeof(obj), "user:%lld", (long long)id);
    if (db_begin(db) != 0)
        return ERR_DB;
    rc = db_exec(db, Q_USER_UPDATE, "ssini", role, township,
                 (int64_t)disabled, person ? &person : NULL, id) < 0
             ? ERR_DB
             : 0;
    if (rc == 0 && c->unlock) {
        char key[65];
        name_key(cur.username, key);
        rc = db_exec(db, Q_LOGIN_NAME_CLEAR, "s", key) < 0 ? ERR_DB : 0;
        if (rc == 0)
            rc = audit_append(db, who, "user_unlock", obj, true, NULL);
    }
    /* New rights start with a new log-in; a disabled account keeps no
     * way in, tokens included. */
    if (rc == 0 && (disabled || rights))
        rc = db_exec(db, Q_SESSION_DELETE_USER, "ii", id, (int64_t)0) < 0
                 ? ERR_DB
                 : 0;
    if (rc == 0 && disabled && !cur.disabled)
        rc = db_exec(db, Q_TOKEN_REVOKE_USER, "ii", now, id) < 0 ? ERR_DB
                                                                : 0;
    if (rc == 0 && rights) {
        char *d = detail_json("{s:s, s:s, s:s?, s:s?}", "role_from",
                              cur.role, "role_to", role, "township_from",
                              cur.township_code, "township_to", township);
        rc = audit_append(db, who, "user_role_change", obj, true, d);
        free(d);
    }
    if (rc == 0 && (disabled != 0) != cur.disabled)
        rc = audit_append(db, who, disabled ? "user_disable" : "user_enable",
                          obj, true, NULL);
    if (rc == 0 && person != cur.person_id) {
        char *d = detail_json("{s:I, s:I}", "person_from",
                              (json_int_t)cur.person_id, "person_to",
                              (json_int_t)person);
        rc = audit_append(db, who, "user_update", obj, true, d);
        free(d);
    }
    if (rc == 0)
        rc = db_commit(db);
    if (rc != 0) {
        db_rollback(db);
        return ERR_DB;
    }
    return auth_user_get(db, a, id, out);
}

int
auth_token_create(struct db *db, const struct account *acct,
                  const char *name, const struct audit_who *who,
                  char token[64], int64_t *id)
{
    random_token(token, 64, "dxt_");
    char th[65];
    token_hash(token, th);
    int64_t now = now_unix();
    int64_t expires = now + policy_get(POL_TOKEN_MAX_AGE_DAYS) * 86400;
    if (db_begin(db) != 0)
        return ERR_DB;
    int rc = db_int1(db, Q_TOKEN_INSERT, id, "sisii", th, acct->id, name,
                     now, expires);
    if (rc == 0) {
        char *d = detail_json("{s:s, s:I}", "name", name, "expires_at",
                              (json_int_t)expires);
        char obj[48];
        str_fmt(obj, sizeof(obj), "token:%lld", (long long)*id);
        rc = audit_append(db, who, "token_create", obj, true, d);
        free(d);
    }
    if (rc == 0)
        rc = db_commit(db);
    if (rc != 0) {
        db_rollback(db);
        return ERR_DB;
    }
    return 0;
}

/* A unix time as JSON: ISO 8601, or null for 0 / NULL. */
static json_t *
time_json(struct db_res *r, int col)
{
    if (db_null(r, col) || db_int(r, col) == 0)
        return json_null();
    char iso[21];
    time_iso(db_int(r, col), iso);
    return json_string(iso);
}

int
auth_token_list(struct db *db, int64_t user_id, json_t *items)
{
    struct db_res *r = db_query(db, Q_TOKEN_LIST, "ii", user_id, now_unix());
    if (r == NULL)
        return ERR_DB;
    int rc;
    while ((rc = db_next(r)) > 0) {
        json_t *t = json_pack("{s:I, s:s}", "id", (json_int_t)db_int(r, 0),
                              "name", db_text(r, 1));
        json_object_set_new(t, "created_at", time_json(r, 2));
        json_object_set_new(t, "last_used_at", time_json(r, 3));
        json_object_set_new(t, "expires_at", time_json(r, 4));
        json_array_append_new(items, t);
    }
    db_end(r);
    return rc < 0 ? ERR_DB : 0;
}

int
auth_token_revoke(struct db *db, int64_t user_id, int64_t id,
                  const struct audit_who *who)
{
    if (db_begin(db) != 0)
        return ERR_DB;
    int n = db_exec(db, Q_TOKEN_REVOKE, "iii", now_unix(), id, user_id);
    int rc = n < 0 ? ERR_DB : n == 0 ? ERR_NOTFOUND : 0;
    if (rc == 0) {
        char obj[48];
        str_fmt(obj, sizeof(obj), "token:%lld", (long long)id);
        rc = audit_append(db, who, "token_revoke", obj, true, NULL);
    }
    if (rc == 0)
        rc = db_commit(db);
    if (rc != 0)
        db_rollback(db);
    return rc;
}

int
auth_account_counts(struct db *db, int64_t *accounts, int64_t *locked)
{
    if (db_int1(db, Q_USER_COUNT, accounts, "") != 0 ||
        db_int1(db, Q_USER_COUNT_LOCKED, locked, "i", now_unix()) != 0)
        return ERR_DB;
    return 0;
}

/* The columns of USER_LIST, in its order. */
enum user_list_col {
    UL_ID, UL_USERNAME, UL_UNUSED, UL_ROLE, UL_TOWNSHIP, UL_PERSON,
    UL_MUST_CHANGE, UL_CHANGED_AT, UL_FAILURES, UL_LOCKED_UNTIL,
    UL_DISABLED,
};

int
auth_accounts_page(struct db *db, struct arena *a, int64_t limit,
                   int64_t offset, struct account **out, size_t *n,
                   int64_t *total)
{
    *out = NULL;
    *n = 0;
    if (db_int1(db, Q_USER_COUNT, total, "") != 0)
        return ERR_DB;
    struct db_res *r = db_query(db, Q_USER_LIST, "ii", limit, offset);
    if (r == NULL)
        return ERR_DB;
    struct account *rows =
        arena_alloc(a, (size_t)(limit > 0 ? limit : 1) * sizeof(*rows));
    int rc;
    while ((rc = db_next(r)) > 0 && *n < (size_t)limit) {
        const char *t = db_text(r, UL_TOWNSHIP);
        rows[(*n)++] = (struct account){
            .id = db_int(r, UL_ID),
            .username = arena_strdup(a, db_text(r, UL_USERNAME)),
            .role = arena_strdup(a, db_text(r, UL_ROLE)),
            .township_code = t ? arena_strdup(a, t) : NULL,
            .person_id = db_int(r, UL_PERSON),
            .must_change_password = db_int(r, UL_MUST_CHANGE) != 0,
            .disabled = db_int(r, UL_DISABLED) != 0,
            .failed_count = db_int(r, UL_FAILURES),
            .locked_until = db_int(r, UL_LOCKED_UNTIL),
        };
    }
    db_end(r);
    *out = rows;
    return rc < 0 ? ERR_DB : 0;
}

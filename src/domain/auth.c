/*
 * auth.c - see auth.h.
 */
#include "auth.h"

#include "roles.h"

#include "../core/err.h"
#include "../core/log.h"
#include "../core/util.h"

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
};

/* Previous passwords a new one may not repeat (DOMAIN.md §2.5). */
enum { PASSWORD_HISTORY = 5 };

void
auth_configure(const struct auth_settings *s)
{
    cfg = *s;
}

/* --- passwords ------------------------------------------------------ */

int
password_check_policy(const char *username, const char *pw, const char **why)
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
    int upper = 0, lower = 0, digit = 0, other = 0;
    for (const unsigned char *p = (const unsigned char *)pw; *p; p++) {
        if (*p >= 'A' && *p <= 'Z')
            upper = 1;
        else if (*p >= 'a' && *p <= 'z')
            lower = 1;
        else if (*p >= '0' && *p <= '9')
            digit = 1;
        else
            other = 1;
    }
    if (upper + lower + digit + other < 3) {
        *why = "密码须包含大写字母、小写字母、数字、符号中的至少三类";
        return ERR_INVAL;
    }
    if (username && *username) {
        size_t ul = strlen(username);
        if (str_eq_nocase(pw, username)) {
            *why = "密码不能与用户名相同";
            return ERR_INVAL;
        }
        if (strlen(pw) == ul) {
            bool rev = true;
            for (size_t i = 0; i < ul && rev; i++) {
                char a = pw[i], b = username[ul - 1 - i];
                if (a >= 'A' && a <= 'Z')
                    a += 32;
                if (b >= 'A' && b <= 'Z')
                    b += 32;
                rev = a == b;
            }
            if (rev) {
                *why = "密码不能是用户名的倒写";
                return ERR_INVAL;
            }
        }
    }
    return 0;
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

/* A hash to check against when the user does not exist, so that "no such
 * user" takes as long as "wrong password". */
static char dummy_hash[128];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void
make_dummy(void)
{
    password_hash("dangxiao-dummy-Password-1", dummy_hash);
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
    return cfg.password_max_age_days > 0 &&
           changed_at + cfg.password_max_age_days * 86400 < now_unix();
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

/* Runs one audited failure in its own transaction. */
static int
record_failure(struct db *db, const struct audit_who *where, int64_t uid,
               const char *role, const char *reason)
{
    struct audit_who w = *where;
    w.user_id = uid;
    w.role = role ? role : "";
    char *d = detail_json("{s:s}", "reason", reason);
    int rc = audit_record(db, &w, "login_failure", "session", false, d);
    free(d);
    return rc;
}

int
auth_login(struct db *db, struct arena *a, const char *username,
           const char *password, const struct audit_who *where,
           struct login_result *res)
{
    memset(res, 0, sizeof(*res));
    pthread_once(&dummy_once, make_dummy);
    struct db_res *r = db_query(db, Q_USER_BY_NAME, "s", username);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc < 0) {
        db_end(r);
        return ERR_DB;
    }
    if (rc == 0) {
        db_end(r);
        password_verify(dummy_hash, password);
        res->outcome = LOGIN_BAD;
        return record_failure(db, where, 0, NULL, "unknown_user");
    }
    struct account acct;
    read_account(r, a, &acct);
    char *hash = arena_strdup(a, db_text(r, UC_HASH));
    db_end(r);
    int64_t now = now_unix();
    if (acct.disabled) {
        password_verify(dummy_hash, password);
        res->outcome = LOGIN_BAD;
        return record_failure(db, where, acct.id, acct.role, "disabled");
    }
    if (acct.locked_until > now) {
        res->outcome = LOGIN_LOCKED;
        res->retry_after = acct.locked_until - now;
        return record_failure(db, where, acct.id, acct.role, "locked");
    }
    struct audit_who w = *where;
    w.user_id = acct.id;
    w.role = acct.role;
    if (!password_verify(hash, password)) {
        res->outcome = LOGIN_BAD;
        if (db_begin(db) != 0)
            return ERR_DB;
        int64_t failed = 0;
        rc = db_int1(db, Q_USER_FAILED_LOGIN, &failed, "i", acct.id);
        char *d = detail_json("{s:s, s:I}", "reason", "bad_password",
                              "failed_in_a_row", (json_int_t)failed);
        if (rc == 0)
            rc = audit_append(db, &w, "login_failure", "session", false, d);
        free(d);
        if (rc == 0 && failed >= cfg.lockout_threshold) {
            rc = db_exec(db, Q_USER_LOCK, "ii", now + cfg.lockout_seconds,
                         acct.id) < 0 ? ERR_DB : 0;
            d = detail_json("{s:I, s:I}", "failures", (json_int_t)failed,
                            "seconds", (json_int_t)cfg.lockout_seconds);
            if (rc == 0)
                rc = audit_append(db, &w, "lockout",
                                  arena_printf(a, "user:%lld",
                                               (long long)acct.id),
                                  true, d);
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
    /* Right password: open a session. */
    random_token(res->token, sizeof(res->token), "");
    random_token(res->csrf, sizeof(res->csrf), "");
    char th[65];
    token_hash(res->token, th);
    if (db_begin(db) != 0)
        return ERR_DB;
    rc = db_exec(db, Q_USER_GOOD_LOGIN, "i", acct.id) < 0 ? ERR_DB : 0;
    int64_t sid = 0;
    if (rc == 0)
        rc = db_int1(db, Q_SESSION_INSERT, &sid, "sisis", th, acct.id,
                     res->csrf, now, where->ip ? where->ip : "");
    if (rc == 0)
        rc = db_exec(db, Q_SESSION_PURGE, "ii", now - cfg.idle_seconds,
                     now - cfg.absolute_seconds) < 0 ? ERR_DB : 0;
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
    res->acct = acct;
    res->outcome = LOGIN_OK;
    return 0;
}

/* SESSION_LOOKUP and TOKEN_LOOKUP start with the user columns (UC_*),
 * then the session's own. */
enum { SC_ID = UC_DISABLED + 1, SC_CSRF, SC_CREATED, SC_LAST_SEEN };

int
auth_session(struct db *db, struct arena *a, const char *token,
             struct account *out)
{
    if (token == NULL || strlen(token) != 43)
        return ERR_NOTFOUND;
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
    if (now - seen > cfg.idle_seconds ||
        now - created > cfg.absolute_seconds || out->disabled) {
        db_exec(db, Q_SESSION_DELETE, "i", out->session_id);
        return ERR_NOTFOUND;
    }
    /* Write the last-seen time only now and then, so a read is a read. */
    int64_t step = cfg.idle_seconds / 4 < 60 ? cfg.idle_seconds / 4 : 60;
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
    char th[65];
    token_hash(token, th);
    struct db_res *r = db_query(db, Q_TOKEN_LOOKUP, "s", th);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc > 0) {
        read_account(r, a, out);
        out->session_id = db_int(r, SC_ID);
    }
    db_end(r);
    if (rc < 0)
        return ERR_DB;
    if (rc == 0 || out->disabled)
        return ERR_NOTFOUND;
    return 0;
}

int
auth_logout(struct db *db, const struct account *acct,
            const struct audit_who *who)
{
    if (db_begin(db) != 0)
        return ERR_DB;
    int rc = db_exec(db, Q_SESSION_DELETE, "i", acct->session_id) < 0
                 ? ERR_DB
                 : 0;
    if (rc == 0)
        rc = audit_append(db, who, "logout", "session", true, NULL);
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
    if (password_check_policy(acct->username, new_pw, why) != 0)
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
    /* Other sessions of this user end; this one goes on. */
    if (rc == 0)
        rc = db_exec(db, Q_SESSION_DELETE_USER, "ii", acct->id,
                     acct->session_id) < 0 ? ERR_DB : 0;
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

/* Checks a role and township pair against the role's township rule. */
static int
check_role_township(struct db *db, const char *role, const char *township,
                    const char **field, const char **why)
{
    const struct role *r = role_find(role);
    if (r == NULL) {
        *field = "role";
        *why = "没有这个角色";
        return ERR_INVAL;
    }
    if (r->township == TOWNSHIP_REQUIRED && township == NULL) {
        *field = "township_code";
        *why = "该角色必须指定所属镇街";
        return ERR_NOTFOUND; /* a missing field */
    }
    if (r->township == TOWNSHIP_NONE && township != NULL) {
        *field = "township_code";
        *why = "县级角色不属于某个镇街";
        return ERR_INVAL;
    }
    if (township != NULL && !township_exists(db, township)) {
        *field = "township_code";
        *why = "没有这个镇街代码";
        return ERR_INVAL;
    }
    return 0;
}

int
auth_user_create(struct db *db, const char *username, const char *password,
                 const char *role, const char *township_code,
                 int64_t person_id, bool initial, bool demo,
                 const struct audit_who *who, int64_t *id,
                 const char **field, const char **why)
{
    if (!valid_username(username)) {
        *field = "username";
        *why = "用户名须为 3-32 个字母、数字或 _ . -";
        return ERR_INVAL;
    }
    int rc = check_role_township(db, role, township_code, field, why);
    if (rc != 0)
        return rc;
    if (password_check_policy(username, password, why) != 0) {
        *field = "password";
        return ERR_RANGE; /* weak password */
    }
    char hash[128];
    if (password_hash(password, hash) != 0)
        return ERR_NOMEM;
    int64_t now = now_unix();
    if (db_begin(db) != 0)
        return ERR_DB;
    rc = db_int1(db, Q_USER_INSERT, id, "ssssniii", username, hash, role,
                 township_code, person_id ? &person_id : NULL,
                 (int64_t)(initial ? 1 : 0), now, (int64_t)(demo ? 1 : 0));
    if (rc == 0)
        rc = db_exec(db, Q_PWHIST_INSERT, "isi", *id, hash, now) < 0
                 ? ERR_DB
                 : 0;
    if (rc == 0) {
        char *d = detail_json("{s:s, s:s, s:s?, s:b}", "username", username,
                              "role", role, "township_code", township_code,
                              "initial_password", initial);
        char obj[48];
        str_fmt(obj, sizeof(obj), "user:%lld", (long long)*id);
        rc = audit_append(db, who, "user_create", obj, true, d);
        free(d);
    }
    if (rc == 0)
        rc = db_commit(db);
    if (rc != 0) {
        int e = db_last_err(db);
        db_rollback(db);
        if (e == ERR_CONFLICT) {
            *field = "username";
            *why = "用户名已被使用";
            return ERR_CONFLICT;
        }
        return ERR_DB;
    }
    return 0;
}

int
auth_user_update(struct db *db, struct arena *a, int64_t id,
                 const struct user_change *c, const struct audit_who *who,
                 struct account *out, const char **field, const char **why)
{
    struct account cur;
    int rc = auth_user_get(db, a, id, &cur);
    if (rc != 0)
        return rc;
    const char *role = c->role ? c->role : cur.role;
    const char *township = c->set_township ? c->township_code
                                           : cur.township_code;
    /* A change of role to a county-wide one drops the township. */
    if (c->role && !c->set_township) {
        const struct role *r = role_find(c->role);
        if (r && r->township == TOWNSHIP_NONE)
            township = NULL;
    }
    rc = check_role_township(db, role, township, field, why);
    if (rc != 0)
        return rc;
    int disabled = c->disabled >= 0 ? c->disabled : cur.disabled;
    if (db_begin(db) != 0)
        return ERR_DB;
    rc = db_exec(db, Q_USER_UPDATE, "ssii", role, township,
                 (int64_t)disabled, id) < 0 ? ERR_DB : 0;
    if (rc == 0 && c->unlock)
        rc = db_exec(db, Q_USER_GOOD_LOGIN, "i", id) < 0 ? ERR_DB : 0;
    if (rc == 0 && (disabled || strcmp(role, cur.role) != 0))
        rc = db_exec(db, Q_SESSION_DELETE_USER, "ii", id, (int64_t)0) < 0
                 ? ERR_DB
                 : 0;
    if (rc == 0) {
        char *d = detail_json(
            "{s:s, s:s, s:s?, s:s?, s:b, s:b, s:b}", "role_from", cur.role,
            "role_to", role, "township_from", cur.township_code,
            "township_to", township, "disabled_from", cur.disabled,
            "disabled_to", disabled != 0, "unlock", c->unlock);
        char obj[48];
        str_fmt(obj, sizeof(obj), "user:%lld", (long long)id);
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
    if (db_begin(db) != 0)
        return ERR_DB;
    int rc = db_int1(db, Q_TOKEN_INSERT, id, "sisi", th, acct->id, name,
                     now_unix());
    if (rc == 0) {
        char *d = detail_json("{s:s}", "name", name);
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

/*
 * auth.h - accounts, passwords, sessions and API tokens (SPEC.md §5,
 * DOMAIN.md §2.4-2.5): argon2id hashes; the password policy (length and
 * classes, cracklib's dictionary of common passwords, nothing made of the
 * username, the person's name, birth date, ID number or phone); lockout
 * after failures in a row, counted per name whether the name exists or
 * not; a limit of failed log-ins per client address; idle and absolute
 * session timeouts from the security policy (policy.h); CSRF tokens; and
 * bearer tokens stored only as hashes, ending after token_max_age_days.
 * Every change is audited in the same transaction.
 */
#pragma once

#include "../core/arena.h"
#include "../db/db.h"
#include "audit.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct keyring;

/* The start-up settings. The first five and token_max_age_days are the
 * security policy's defaults (policy.h); the rest are the server's own. */
struct auth_settings {
    int64_t lockout_threshold;
    int64_t lockout_seconds;
    int64_t idle_seconds;
    int64_t absolute_seconds;
    int64_t password_max_age_days; /* 0 = no expiry */
    unsigned long long opslimit;
    size_t memlimit;               /* bytes */
    int64_t token_max_age_days;    /* 0: 90 */
    int64_t addr_max_failures;     /* per address and window; 0: 100 */
    int64_t addr_window_seconds;   /* 0: 900 */
    int64_t policy_refresh_seconds;
    const char *cracklib_dict;     /* NULL or "": cracklib's default */
};

/* Sets the parameters for this process (call once at start). */
void auth_configure(const struct auth_settings *s);
/* The keys behind the keyed hash of log-in names and the decryption of a
 * linked person's ID number and phone for the password policy. Without
 * them (unit tests) names are hashed without a key and those two checks
 * are skipped. k stays the caller's. */
void auth_set_keys(const struct keyring *k);
/* Gives accounts made before name keys existed theirs (needs the keys).
 * 0 or ERR_DB. */
int auth_prepare(struct db *db);
/* Whether cracklib's dictionary can be read: 0, or ERR_IO with the
 * reason in err. The server does not start without it. */
int auth_dict_check(char *err, size_t errlen);

/* An account as the rest of the program sees it. Strings live in the
 * arena the call was given. */
struct account {
    int64_t id;
    const char *username;
    const char *role;
    const char *township_code;   /* NULL for county-wide roles */
    int64_t person_id;           /* 0 = none */
    bool must_change_password;   /* initial password, or expired */
    bool disabled;
    int64_t failed_count;        /* of its name, in a row */
    int64_t locked_until;        /* of its name */
    int64_t session_id;          /* session or token id, after lookup */
    const char *csrf;            /* session's CSRF token; NULL for tokens */
    bool via_token;              /* authenticated by a bearer token */
};

/* What a password must not be made of. Any field may be NULL. */
struct pw_personal {
    const char *username;
    const char *name_pinyin;  /* the linked person's name, "zhangsan" */
    const char *birth_date;   /* YYYY-MM-DD */
    const char *id_number;
    const char *phone;
};
/* Checks the policy: 8-128 characters, 3 of 4 classes, not in or near
 * cracklib's dictionary of common passwords (also after undoing l33t
 * spellings such as P@ssw0rd), and not containing the username, the
 * person's name in pinyin, the names of this system or county, the
 * birth date (19800101, 800101, 0101...), the ID number or its last 6 or
 * 8, or the phone. Returns 0; ERR_INVAL with a Chinese reason in *why;
 * ERR_IO when the dictionary cannot be read (refused too). */
int password_check(const struct pw_personal *p, const char *password,
                   const char **why);
/* password_check with the username only. */
int password_check_policy(const char *username, const char *password,
                          const char **why);
/* argon2id hash in libsodium's string form into out (128 bytes). */
int password_hash(const char *password, char out[128]);
bool password_verify(const char *hash, const char *password);

enum login_outcome {
    LOGIN_OK,
    LOGIN_BAD,       /* wrong name or password: 401 */
    LOGIN_LOCKED,    /* the name is locked: 429 */
    LOGIN_THROTTLED, /* too many failures from the address: 429 */
};

struct login_result {
    enum login_outcome outcome;
    struct account acct;
    char token[64];      /* the cookie value (LOGIN_OK) */
    char csrf[64];
    int64_t retry_after; /* seconds, LOGIN_LOCKED and LOGIN_THROTTLED */
};

/* Whether a log-in of username from ip would hash a password: false when
 * the address is over its limit or the name is locked, so the answer
 * costs no hashing (auth_login then only records the attempt). A read
 * only; on a database error true. */
bool auth_login_hashes(struct db *db, const char *username, const char *ip);
/* Checks a username and password and, when they are right, opens a
 * session. A name that does not exist goes the same way as one that
 * does, with the same answers and the same cost: its failures are
 * counted and it locks after the threshold. A locked name is refused
 * even with the right password, and an address past its limit of
 * failures in the window is refused whatever it sends. Audits the
 * success, the failure and the lockout. 0 (see res->outcome) or ERR_DB. */
int auth_login(struct db *db, struct arena *a, const char *username,
               const char *password, const struct audit_who *where,
               struct login_result *res);

/* Finds the live session for a cookie value; ends it when idle or too
 * old. 0, ERR_NOTFOUND, or ERR_DB. */
int auth_session(struct db *db, struct arena *a, const char *token,
                 struct account *out);
/* Finds the account behind a live bearer token (not revoked, not
 * expired); notes its last use at most once a minute. 0, ERR_NOTFOUND
 * or ERR_DB. */
int auth_bearer(struct db *db, struct arena *a, const char *token,
                struct account *out);
/* Ends what authenticated acct and audits it: the cookie session, or,
 * for a bearer token, that token (revoked). 0 or ERR_DB. */
int auth_logout(struct db *db, const struct account *acct,
                const struct audit_who *who);

/* Changes the caller's password. 0; ERR_DENIED when old is wrong;
 * ERR_INVAL (weak, *why set); ERR_CONFLICT (one of the last 5). Other
 * sessions of the user end and all its API tokens are revoked. */
int auth_change_password(struct db *db, const struct account *acct,
                         const char *old_pw, const char *new_pw,
                         const struct audit_who *who, const char **why);

/* Why an account change was refused: the API's error code, the field at
 * fault (or NULL) and a Chinese reason. */
struct user_error {
    const char *code;   /* missing_field, invalid_field, weak_password,
                         * username_taken, own_account,
                         * admin_role_console_only */
    const char *field;
    const char *why;
};

/* Who makes an account, which decides what it may be. */
enum user_origin {
    USER_BY_API,     /* an administrator over the API or the pages: a
                      * business role, an initial password its holder
                      * must change at first log-in */
    USER_BY_CONSOLE, /* `dangxiao user add`: any role, a final password */
    USER_BY_DEMO,    /* the demo generator, and only it: accounts marked
                      * is_demo whose printed password skips the policy */
};

struct user_new {
    const char *username, *password, *role, *township_code;
    int64_t person_id;            /* 0 = none */
    enum user_origin origin;
};
/* Creates an account: validates the username, the role (the three
 * administrator roles only from the console), the role's township rule,
 * the linked person and the password policy. 0 with *id; otherwise the
 * code: ERR_NOTFOUND a required field is missing, ERR_INVAL a field is
 * invalid, ERR_RANGE the password is weak, ERR_CONFLICT the username is
 * taken, ERR_DENIED an administrator role over the API, ERR_DB; *e says
 * what. Audited (user_create, with the role). */
int auth_user_create(struct db *db, const struct user_new *u,
                     const struct audit_who *who, int64_t *id,
                     struct user_error *e);

/* Changes role / township / person / disabled / unlock of account id.
 * NULL, -1 or false leave a value unchanged; set_township and set_person
 * distinguish "clear" from "keep". Refused (ERR_DENIED, *e): any change
 * of one's own account (who->user_id), a change to or from one of the
 * three administrator roles, and of an administrator's township or
 * person. A change of role or township is audited as user_role_change
 * with from and to; it ends the account's sessions (the next log-in gets
 * the new rights), as disabling does, which also revokes its tokens. */
struct user_change {
    const char *role;
    bool set_township;
    const char *township_code;
    bool set_person;
    int64_t person_id;  /* 0 = none */
    int disabled;       /* -1 keep */
    bool unlock;
};
int auth_user_update(struct db *db, struct arena *a, int64_t id,
                     const struct user_change *c,
                     const struct audit_who *who, struct account *out,
                     struct user_error *e);

/* Reads an account by id. 0, ERR_NOTFOUND, ERR_DB. */
int auth_user_get(struct db *db, struct arena *a, int64_t id,
                  struct account *out);

/* Issues a bearer token (shown once; stored hashed) that ends after the
 * policy's token_max_age_days. 0 or ERR_DB. */
int auth_token_create(struct db *db, const struct account *acct,
                      const char *name, const struct audit_who *who,
                      char token[64], int64_t *id);
/* Appends the user's live tokens to items: {"id","name","created_at",
 * "last_used_at","expires_at"}, never the secret. 0 or ERR_DB. */
int auth_token_list(struct db *db, int64_t user_id, json_t *items);
/* Revokes the user's token id. 0; ERR_NOTFOUND (none, another user's,
 * or already ended); ERR_DB. Audited (token_revoke). */
int auth_token_revoke(struct db *db, int64_t user_id, int64_t id,
                      const struct audit_who *who);

/* Whether a township code exists (and is current). */
bool township_exists(struct db *db, const char *code);

/* How many accounts there are, and how many are locked now (the account
 * and security administrators' home pages). 0 or ERR_DB. */
int auth_account_counts(struct db *db, int64_t *accounts, int64_t *locked);
/* Reads limit accounts from offset, by id, into *out (n of them; the
 * strings in a), with the lock state of each name; session fields are
 * unset; *total gets how many there are in all. 0 or ERR_DB. */
int auth_accounts_page(struct db *db, struct arena *a, int64_t limit,
                       int64_t offset, struct account **out, size_t *n,
                       int64_t *total);

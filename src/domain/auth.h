/*
 * auth.h - accounts, passwords, sessions and API tokens (SPEC.md §5,
 * DOMAIN.md §2.4-2.5): argon2id hashes, the password policy, lockout after
 * failures in a row, idle and absolute session timeouts, CSRF tokens, and
 * bearer tokens stored only as hashes. Every change is audited in the
 * same transaction.
 */
#pragma once

#include "../core/arena.h"
#include "../db/db.h"
#include "audit.h"

#include <stdbool.h>
#include <stdint.h>

struct auth_settings {
    int64_t lockout_threshold;
    int64_t lockout_seconds;
    int64_t idle_seconds;
    int64_t absolute_seconds;
    int64_t password_max_age_days; /* 0 = no expiry */
    unsigned long long opslimit;
    size_t memlimit;               /* bytes */
};

/* Sets the parameters for this process (call once at start). */
void auth_configure(const struct auth_settings *s);

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
    int64_t failed_count;
    int64_t locked_until;
    int64_t session_id;          /* session or token id, after lookup */
    const char *csrf;            /* session's CSRF token; NULL for tokens */
};

/* Checks the policy: >= 8 characters, 3 of 4 classes, not the username or
 * its reverse. Returns 0, or ERR_INVAL with a Chinese reason in *why. */
int password_check_policy(const char *username, const char *password,
                          const char **why);
/* argon2id hash in libsodium's string form into out (128 bytes). */
int password_hash(const char *password, char out[128]);
bool password_verify(const char *hash, const char *password);

enum login_outcome { LOGIN_OK, LOGIN_BAD, LOGIN_LOCKED };

struct login_result {
    enum login_outcome outcome;
    struct account acct;
    char token[64];      /* the cookie value (LOGIN_OK) */
    char csrf[64];
    int64_t retry_after; /* seconds, LOGIN_LOCKED */
};

/* Checks a username and password and, when they are right, opens a
 * session. Counts failures and locks the account after the threshold; a
 * locked account is refused even with the right password. Audits the
 * success, the failure and the lockout. 0 (see res->outcome) or ERR_DB. */
int auth_login(struct db *db, struct arena *a, const char *username,
               const char *password, const struct audit_who *where,
               struct login_result *res);

/* Finds the live session for a cookie value; ends it when idle or too
 * old. 0, ERR_NOTFOUND, or ERR_DB. */
int auth_session(struct db *db, struct arena *a, const char *token,
                 struct account *out);
/* Finds the account behind a bearer token. 0, ERR_NOTFOUND or ERR_DB. */
int auth_bearer(struct db *db, struct arena *a, const char *token,
                struct account *out);
/* Ends a session and audits it. */
int auth_logout(struct db *db, const struct account *acct,
                const struct audit_who *who);

/* Changes the caller's password. 0; ERR_DENIED when old is wrong;
 * ERR_INVAL (weak, *why set); ERR_CONFLICT (one of the last 5). Other
 * sessions of the user end. */
int auth_change_password(struct db *db, const struct account *acct,
                         const char *old_pw, const char *new_pw,
                         const struct audit_who *who, const char **why);

/* Creates an account. initial = true means the password is an initial
 * one that must be changed at first log-in. Validates role, township
 * rule, password policy. 0 with *id; otherwise *field and *why (Chinese)
 * say what is wrong and the code says how: ERR_NOTFOUND a required field
 * is missing, ERR_INVAL a field is invalid, ERR_RANGE the password is
 * weak, ERR_CONFLICT the username is taken, ERR_DB. */
int auth_user_create(struct db *db, const char *username,
                     const char *password, const char *role,
                     const char *township_code, int64_t person_id,
                     bool initial, bool demo, const struct audit_who *who,
                     int64_t *id, const char **field, const char **why);

/* Changes role / township / disabled / unlock of an account. NULL or -1
 * leave a value unchanged; set_township distinguishes "clear" from
 * "keep". */
struct user_change {
    const char *role;
    bool set_township;
    const char *township_code;
    int disabled;  /* -1 keep */
    bool unlock;
};
int auth_user_update(struct db *db, struct arena *a, int64_t id,
                     const struct user_change *c,
                     const struct audit_who *who, struct account *out,
                     const char **field, const char **why);

/* Reads an account by id. 0, ERR_NOTFOUND, ERR_DB. */
int auth_user_get(struct db *db, struct arena *a, int64_t id,
                  struct account *out);

/* Issues a bearer token (shown once; stored hashed). 0 or ERR_DB. */
int auth_token_create(struct db *db, const struct account *acct,
                      const char *name, const struct audit_who *who,
                      char token[64], int64_t *id);

/* Whether a township code exists (and is current). */
bool township_exists(struct db *db, const char *code);

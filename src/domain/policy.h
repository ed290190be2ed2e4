/*
 * policy.h - the password, lockout and session policy (SPEC.md §1: the
 * security administrator, secadmin, sets it). The settings of the same
 * names (core/config.c) are its defaults; a row in security_policy
 * overrides one, so every server on a database follows the same policy.
 * Each process keeps the values in memory and re-reads the table when
 * they are older than the refresh interval (policy_refresh, called on
 * every authenticated request: a few seconds at most, one small query).
 * Every change is audited (security_policy_change, with from and to).
 */
#pragma once

#include "audit.h"

#include "../core/arena.h"
#include "../db/db.h"

#include <stdbool.h>
#include <stdint.h>

enum policy_key {
    POL_LOCKOUT_THRESHOLD,
    POL_LOCKOUT_SECONDS,
    POL_SESSION_IDLE_SECONDS,
    POL_SESSION_ABSOLUTE_SECONDS,
    POL_PASSWORD_MAX_AGE_DAYS,
    POL_TOKEN_MAX_AGE_DAYS,
    POL_COUNT
};

/* The policy's fields, declared once: name (= the setting's and the
 * API's), English label (a msgid) and unit. Bounds are the setting's. */
struct policy_field {
    const char *name;
    const char *label;  /* msgid */
    const char *unit;   /* msgid: "seconds", "days", "failures" */
};
extern const struct policy_field policy_fields[POL_COUNT];

/* Sets the defaults (from the settings) and how often to re-read the
 * table (seconds; 0 = on every call). Call once at start. */
void policy_init(const int64_t defaults[POL_COUNT], int64_t refresh_seconds);
/* The value in force in this process. */
int64_t policy_get(enum policy_key k);
/* Re-reads the table when the values in memory are older than the refresh
 * interval. 0, or ERR_DB (the old values stay in force). */
int policy_refresh(struct db *db);

/* One field as the security administrator sees it. */
struct policy_view {
    int64_t value, def, min, max;
    bool overridden;           /* a row of security_policy sets it */
    int64_t updated_at;        /* of that row, else 0 */
    char updated_by[64];
};
/* Reads the policy from the database (not the cache). 0 or ERR_DB. */
int policy_read(struct db *db, struct policy_view out[POL_COUNT]);

/* A change: for each field, set it to value, or reset it to its default
 * (reset), or leave it. */
struct policy_change {
    bool set[POL_COUNT], reset[POL_COUNT];
    int64_t value[POL_COUNT];
};
/* Validates (each value within its bounds; the absolute session limit not
 * below the idle one), writes and audits the change in one transaction,
 * and puts it in force in this process at once. 0; ERR_INVAL with the
 * field name and a Chinese reason; ERR_DB. */
int policy_update(struct db *db, const struct policy_change *c,
                  const struct audit_who *who, const char **field,
                  const char **why);
/* The field named name, or -1. */
int policy_find(const char *name);

/* An account created with a role, or a role or township changed, as the
 * audit log recorded it: what the security administrator reviews. The
 * strings live in the arena the call was given. */
struct role_change {
    int64_t id;         /* the audit row */
    int64_t at;         /* unix time */
    const char *by;     /* who did it */
    const char *by_role;
    const char *event;  /* user_create or user_role_change */
    const char *object; /* "user:ID" */
    const char *detail; /* the row's JSON detail: from and to */
};

/* Reads limit role changes from offset, newest first, into *out (n of
 * them, in a); *total gets how many there are in all unless total is
 * NULL. 0 or ERR_DB. */
int policy_role_changes(struct db *db, struct arena *a, int64_t limit,
                        int64_t offset, struct role_change **out, size_t *n,
                        int64_t *total);

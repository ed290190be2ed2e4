/*
 * audit.h - the audit log (DOMAIN.md §2.6): append-only, each row chained
 * to the one before it by SM3(prev_hash || row), so an edited, deleted or
 * reordered row breaks the chain at that point.
 */
#pragma once

#include "../db/db.h"

#include <stdbool.h>
#include <stdint.h>

/* Who did it and from where. */
struct audit_who {
    int64_t user_id;        /* 0 when unknown (failed log-in) */
    const char *username;   /* as typed, for failures */
    const char *role;       /* "" when unknown */
    const char *ip;
    const char *client;     /* "web", "api", "cli" */
};

/* Appends one row. Must run inside the caller's transaction, so the row
 * commits or rolls back with the change it records. detail is a JSON
 * object text (never a password). 0 or ERR_DB. */
int audit_append(struct db *db, const struct audit_who *who,
                 const char *event, const char *object, bool success,
                 const char *detail);
/* Appends one row in a transaction of its own (events with no other
 * write, e.g. a failed log-in). */
int audit_record(struct db *db, const struct audit_who *who,
                 const char *event, const char *object, bool success,
                 const char *detail);

/* Computes a row's hash (64 hex chars + NUL into out). Exposed for the
 * unit tests. */
void audit_hash(const char *prev_hash, int64_t id, int64_t at,
                int64_t user_id, const char *username, const char *role,
                const char *event, const char *object, bool success,
                const char *ip, const char *client, const char *detail,
                char out[65]);

/* Walks the whole chain. Returns 0 when intact (*rows = rows checked);
 * ERR_INVAL when broken, with *bad_id the first bad row and the reason in
 * why; ERR_DB on a database error. */
int audit_verify(struct db *db, int64_t *rows, int64_t *bad_id, char *why,
                 size_t whylen);

/*
 * audit.h - the audit log (DOMAIN.md §2.6): append-only, each row chained
 * to the one before it by a MAC over (prev_hash || row), so an edited,
 * deleted or reordered row breaks the chain at that point.
 *
 * The MAC is HMAC-SM3 (GB/T 32905, GM/T 0042) under a key derived from
 * the key file (keyring_audit_key), which lives outside the database:
 * someone holding only the database can neither rewrite a row nor
 * recompute the chain after it. Rows written before the chain was keyed
 * (schema migration 12) keep their plain SM3 hash (column mac = 'sm3');
 * the first keyed row is the `audit_keyed` row whose prev_hash is the head
 * of that unkeyed prefix, so rewriting the prefix breaks the keyed chain
 * too. Every row after it is keyed ('hmac-sm3'); a keyed database whose
 * rows are all unkeyed, or empty, was tampered with.
 *
 * Deleting rows from the end leaves a shorter chain that is intact: that
 * is caught by a checkpoint, the head (row count and hash) kept off the
 * box (`dangxiao audit checkpoint`, and the server's scheduled line in its
 * log and syslog), given to audit_verify.
 */
#pragma once

#include "../db/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Who did it and from where. */
struct audit_who {
    int64_t user_id;        /* 0 when unknown (failed log-in) */
    const char *username;   /* as typed, for failures */
    const char *role;       /* "" when unknown */
    const char *ip;
    const char *client;     /* "web", "api", "cli" */
};

/* One row's contents, as chained. */
struct audit_row {
    int64_t id, at, user_id;
    const char *username, *role, *event, *object;
    bool success;
    const char *ip, *client, *detail;
};

/* The head of the chain: how many rows, and the last one's hash. */
struct audit_head {
    int64_t rows;
    char hash[65];
};

/* Sets the chain's MAC key (copied; 32 bytes from keyring_audit_key).
 * Call once at start, before any thread appends; NULL forgets it and
 * frees what it holds (at exit). Until a key is set, audit_append
 * refuses: no row is ever written unkeyed. */
void audit_set_key(const unsigned char key[32]);

/* Appends one row. Must run inside the caller's transaction, so the row
 * commits or rolls back with the change it records. detail is a JSON
 * object text (never a password). 0, ERR_INVAL (no key set) or ERR_DB. */
int audit_append(struct db *db, const struct audit_who *who,
                 const char *event, const char *object, bool success,
                 const char *detail);
/* Appends one row in a transaction of its own (events with no other
 * write, e.g. a failed log-in). */
int audit_record(struct db *db, const struct audit_who *who,
                 const char *event, const char *object, bool success,
                 const char *detail);

/* Keys the chain of a database: when its last row is unkeyed (or there
 * is none), appends the `audit_keyed` row that starts the keyed chain.
 * Unless db's handle itself just ran schema migration 12, the chain was
 * keyed once already and its keyed rows are gone. Then, with record_loss,
 * the row written says so (audit_verify reports it); without (a command
 * that only reads, like verify), nothing is written. 0, ERR_INVAL (no
 * key) or ERR_DB. *keyed_now tells whether a row was written. */
int audit_ensure_keyed(struct db *db, bool record_loss, bool *keyed_now);

/* The plain SM3 hash of an unkeyed row and the HMAC-SM3 of a keyed one,
 * as 64 hex characters + NUL into out. audit_mac returns ERR_INVAL when
 * no key is set. Exposed for the unit tests. */
void audit_hash(const char *prev_hash, const struct audit_row *row,
                char out[65]);
int audit_mac(const char *prev_hash, const struct audit_row *row,
              char out[65]);

/* The head of the chain (rows 0 and hash "" when empty). 0 or ERR_DB. */
int audit_head(struct db *db, struct audit_head *h);
/* The checkpoint line for a head at time at:
 * "audit checkpoint rows=N hash=HEX at=2026-03-01T01:30:00Z". */
void audit_checkpoint_line(const struct audit_head *h, int64_t at,
                           char *out, size_t outlen);
/* Finds "rows=N hash=HEX" in a line (a checkpoint line, or a log or
 * syslog line that carries one). 0, or ERR_NOTFOUND. */
int audit_checkpoint_parse(const char *line, struct audit_head *out);

/* Which rows of the log to read: a NULL string matches any; [from, to)
 * in unix seconds, to 0 meaning no end. */
struct audit_filter {
    const char *event, *username, *object;
    int64_t from, to;
};

/* A row as the auditor reads it, with its chain hash; the strings live
 * in the arena the read was given. */
struct audit_entry {
    struct audit_row row; /* row.user_id 0: none (a failed log-in) */
    const char *hash;
};

struct arena;
/* How many rows match f. 0 or ERR_DB. */
int audit_count(struct db *db, const struct audit_filter *f, int64_t *n);
/* Reads limit matching rows from offset, newest first, into *out (n of
 * them, in a). 0 or ERR_DB. */
int audit_page(struct db *db, struct arena *a, const struct audit_filter *f,
               int64_t limit, int64_t offset, struct audit_entry **out,
               size_t *n);

/* What audit_verify found. */
struct audit_verdict {
    int64_t rows;           /* rows intact before the first bad one */
    int64_t bad_id;         /* the first bad row (rows + 1 for a cut) */
    int64_t keyed_from;     /* the audit_keyed row, 0 when none */
    char why[160];          /* the reason, when broken */
};

/* Walks the whole chain, and checks it against the checkpoints cps[0..n)
 * (a checkpoint's row must exist and carry its hash). Returns 0 when
 * intact; ERR_INVAL when broken, with v saying where and why; ERR_DB on
 * a database error. */
int audit_verify(struct db *db, const struct audit_head *cps, size_t ncps,
                 struct audit_verdict *v);

/*
 * audit.c - see audit.h. SM3 (GB/T 32905, 国密) comes from OpenSSL 3's
 * default provider (DOMAIN.md §2.7).
 */
#include "audit.h"

#include "../core/err.h"
#include "../core/util.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

void
audit_hash(const char *prev_hash, int64_t id, int64_t at, int64_t user_id,
           const char *username, const char *role, const char *event,
           const char *object, bool success, const char *ip,
           const char *client, const char *detail, char out[65])
{
    /* Fields joined by the ASCII unit separator, which none may contain
     * unescaped in a way that shifts a boundary: numbers are fixed text,
     * and strings are length-prefixed. */
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sm3(), NULL);
    char num[96];
    int n = snprintf(num, sizeof(num), "%lld\x1f%lld\x1f%lld\x1f%d",
                     (long long)id, (long long)at, (long long)user_id,
                     success ? 1 : 0);
    EVP_DigestUpdate(ctx, prev_hash, strlen(prev_hash));
    EVP_DigestUpdate(ctx, "\x1f", 1);
    EVP_DigestUpdate(ctx, num, (size_t)n);
    const char *fields[] = {username, role, event, object, ip, client, detail};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        const char *f = fields[i] ? fields[i] : "";
        n = snprintf(num, sizeof(num), "\x1f%zu:", strlen(f));
        EVP_DigestUpdate(ctx, num, (size_t)n);
        EVP_DigestUpdate(ctx, f, strlen(f));
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    EVP_DigestFinal_ex(ctx, md, &mdlen);
    EVP_MD_CTX_free(ctx);
    hex_encode(md, mdlen > 32 ? 32 : mdlen, out);
}

int
audit_append(struct db *db, const struct audit_who *who, const char *event,
             const char *object, bool success, const char *detail)
{
    int64_t dummy;
    if (db_int1(db, Q_AUDIT_LOCK, &dummy, "") != 0)
        return ERR_DB;
    int64_t last_id = 0;
    char prev[65] = GENESIS;
    struct db_res *r = db_query(db, Q_AUDIT_LAST, "");
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc > 0) {
        last_id = db_int(r, 0);
        str_copy(prev, sizeof(prev), db_text(r, 1));
    }
    db_end(r);
    if (rc < 0)
        return ERR_DB;
    int64_t id = last_id + 1, at = now_unix();
    const char *username = who->username ? who->username : "";
    const char *role = who->role ? who->role : "";
    const char *ip = who->ip ? who->ip : "";
    const char *client = who->client ? who->client : "";
    if (detail == NULL)
        detail = "{}";
    char hash[65];
    audit_hash(prev, id, at, who->user_id, username, role, event, object,
               success, ip, client, detail, hash);
    int64_t uid = who->user_id;
    rc = db_exec(db, Q_AUDIT_INSERT, "iinssssisssss", id, at,
                 uid ? &uid : NULL, username, role, event, object,
                 (int64_t)(success ? 1 : 0), ip, client, detail, prev, hash);
    return rc < 0 ? rc : 0;
}

int
audit_record(struct db *db, const struct audit_who *who, const char *event,
             const char *object, bool success, const char *detail)
{
    if (db_begin(db) != 0)
        return ERR_DB;
    int rc = audit_append(db, who, event, object, success, detail);
    if (rc == 0)
        rc = db_commit(db);
    if (rc != 0)
        db_rollback(db);
    return rc;
}

int
audit_verify(struct db *db, int64_t *rows, int64_t *bad_id, char *why,
             size_t whylen)
{
    char prev[65] = GENESIS;
    int64_t last = 0;
    *rows = 0;
    *bad_id = 0;
    for (;;) {
        struct db_res *r = db_query(db, Q_AUDIT_SCAN, "i", last);
        if (r == NULL)
            return ERR_DB;
        int got = 0, rc;
        while ((rc = db_next(r)) > 0) {
            got++;
            int64_t id = db_int(r, 0);
            const char *stored_prev = db_text(r, 11);
            const char *stored = db_text(r, 12);
            char h[65];
            audit_hash(prev, id, db_int(r, 1), db_int(r, 2), db_text(r, 3),
                       db_text(r, 4), db_text(r, 5), db_text(r, 6),
                       db_int(r, 7) != 0, db_text(r, 8), db_text(r, 9),
                       db_text(r, 10), h);
            const char *bad = NULL;
            if (id != last + 1)
                bad = "a row is missing before this one";
            else if (stored_prev == NULL || strcmp(stored_prev, prev) != 0)
                bad = "its prev_hash does not match the row before";
            else if (stored == NULL || strcmp(stored, h) != 0)
                bad = "its contents do not match its hash";
            if (bad) {
                *bad_id = id;
                str_copy(why, whylen, bad);
                db_end(r);
                return ERR_INVAL;
            }
            str_copy(prev, sizeof(prev), stored);
            last = id;
            (*rows)++;
        }
        db_end(r);
        if (rc < 0)
            return ERR_DB;
        if (got == 0)
            return 0;
    }
}

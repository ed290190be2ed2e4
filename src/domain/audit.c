/*
 * audit.c - see audit.h. SM3 (GB/T 32905, 国密) and HMAC come from
 * OpenSSL 3's default provider (DOMAIN.md §2.7).
 */
#include "audit.h"

#include "../core/arena.h"
#include "../core/err.h"
#include "../core/log.h"
#include "../core/util.h"

#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"
#define MAC_PLAIN "sm3"
#define MAC_KEYED "hmac-sm3"
#define EV_KEYED "audit_keyed"
#define CHAIN_MIGRATION 12 /* the schema migration that keys the chain */

/* The MAC key, set once at start and read by every appending thread. */
static struct {
    unsigned char key[32];
    EVP_MAC *hmac;
    bool set;
} chain;

void
audit_set_key(const unsigned char key[32])
{
    if (chain.set) {
        sodium_munlock(chain.key, sizeof(chain.key)); /* zeroes it */
        EVP_MAC_free(chain.hmac);
        chain.hmac = NULL;
        chain.set = false;
    }
    if (key == NULL)
        return;
    chain.hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (chain.hmac == NULL) {
        log_error("audit: OpenSSL has no HMAC");
        return;
    }
    memcpy(chain.key, key, sizeof(chain.key));
    sodium_mlock(chain.key, sizeof(chain.key));
    chain.set = true;
}

/* Where a row's bytes go: a plain digest or a MAC. */
struct sink {
    EVP_MD_CTX *md;
    EVP_MAC_CTX *mac;
};

static void
put(struct sink *s, const void *p, size_t n)
{
    if (s->md)
        EVP_DigestUpdate(s->md, p, n);
    else
        EVP_MAC_update(s->mac, p, n);
}

/* The bytes of a row, after its predecessor's hash. Fields are joined by
 * the ASCII unit separator, which none may contain unescaped in a way
 * that shifts a boundary: numbers are fixed text, and strings are
 * length-prefixed. Unchanged since the unkeyed chain, so old rows verify. */
static void
row_bytes(struct sink *s, const char *prev, const struct audit_row *r)
{
    char num[96];
    int n = snprintf(num, sizeof(num), "%lld\x1f%lld\x1f%lld\x1f%d",
                     (long long)r->id, (long long)r->at,
                     (long long)r->user_id, r->success ? 1 : 0);
    put(s, prev, strlen(prev));
    put(s, "\x1f", 1);
    put(s, num, (size_t)n);
    const char *fields[] = {r->username, r->role,   r->event, r->object,
                            r->ip,       r->client, r->detail};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        const char *f = fields[i] ? fields[i] : "";
        n = snprintf(num, sizeof(num), "\x1f%zu:", strlen(f));
        put(s, num, (size_t)n);
        put(s, f, strlen(f));
    }
}

void
audit_hash(const char *prev_hash, const struct audit_row *row, char out[65])
{
    struct sink s = {.md = EVP_MD_CTX_new()};
    EVP_DigestInit_ex(s.md, EVP_sm3(), NULL);
    row_bytes(&s, prev_hash, row);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    EVP_DigestFinal_ex(s.md, md, &mdlen);
    EVP_MD_CTX_free(s.md);
    hex_encode(md, mdlen > 32 ? 32 : mdlen, out);
}

int
audit_mac(const char *prev_hash, const struct audit_row *row, char out[65])
{
    out[0] = '\0';
    if (!chain.set)
        return ERR_INVAL;
    /* A context per row: cheap next to the row's INSERT, and no state is
     * shared between threads but the key. */
    char digest[] = "SM3";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_end()};
    struct sink s = {.mac = EVP_MAC_CTX_new(chain.hmac)};
    if (s.mac == NULL ||
        !EVP_MAC_init(s.mac, chain.key, sizeof(chain.key), params)) {
        EVP_MAC_CTX_free(s.mac);
        return ERR_INVAL;
    }
    row_bytes(&s, prev_hash, row);
    unsigned char md[EVP_MAX_MD_SIZE];
    size_t mdlen = 0;
    int ok = EVP_MAC_final(s.mac, md, &mdlen, sizeof(md));
    EVP_MAC_CTX_free(s.mac);
    if (!ok || mdlen < 32)
        return ERR_INVAL;
    hex_encode(md, 32, out);
    return 0;
}

/* The last row: id, hash and whether it is keyed. 1 found, 0 empty, or
 * ERR_DB. */
static int
last_row(struct db *db, int64_t *id, char hash[65], bool *keyed)
{
    struct db_res *r = db_query(db, Q_AUDIT_LAST, "");
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc > 0) {
        *id = db_int(r, 0);
        str_copy(hash, 65, db_text(r, 1) ? db_text(r, 1) : "");
        *keyed = db_text(r, 2) && strcmp(db_text(r, 2), MAC_KEYED) == 0;
    }
    db_end(r);
    return rc < 0 ? ERR_DB : rc;
}

/* Appends a keyed row after the current head; the chain lock is held. */
static int
append_locked(struct db *db, const struct audit_who *who, const char *event,
              const char *object, bool success, const char *detail)
{
    int64_t last_id = 0;
    char prev[65] = GENESIS;
    bool keyed = false;
    int rc = last_row(db, &last_id, prev, &keyed);
    if (rc < 0)
        return rc;
    if (rc == 0)
        str_copy(prev, sizeof(prev), GENESIS);
    struct audit_row row = {
        .id = last_id + 1,
        .at = now_unix(),
        .user_id = who->user_id,
        .username = who->username ? who->username : "",
        .role = who->role ? who->role : "",
        .event = event,
        .object = object,
        .success = success,
        .ip = who->ip ? who->ip : "",
        .client = who->client ? who->client : "",
        .detail = detail ? detail : "{}",
    };
    char hash[65];
    if (audit_mac(prev, &row, hash) != 0) {
        log_error("audit: no chain key loaded; refusing to write %s", event);
        return ERR_INVAL;
    }
    int64_t uid = who->user_id;
    rc = db_exec(db, Q_AUDIT_INSERT, "iinssssissssss", row.id, row.at,
                 uid ? &uid : NULL, row.username, row.role, event, object,
                 (int64_t)(success ? 1 : 0), row.ip, row.client, row.detail,
                 prev, hash, MAC_KEYED);
    return rc < 0 ? rc : 0;
}

int
audit_append(struct db *db, const struct audit_who *who, const char *event,
             const char *object, bool success, const char *detail)
{
    if (!chain.set) {
        log_error("audit: no chain key loaded; refusing to write %s", event);
        return ERR_INVAL;
    }
    int64_t dummy;
    if (db_int1(db, Q_AUDIT_LOCK, &dummy, "") != 0)
        return ERR_DB;
    return append_locked(db, who, event, object, success, detail);
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
audit_ensure_keyed(struct db *db, bool record_loss, bool *keyed_now)
{
    *keyed_now = false;
    if (!chain.set)
        return ERR_INVAL;
    if (db_begin(db) != 0)
        return ERR_DB;
    int64_t dummy, last_id = 0;
    char head[65] = "";
    bool keyed = false;
    int rc = db_int1(db, Q_AUDIT_LOCK, &dummy, "");
    int found = rc == 0 ? last_row(db, &last_id, head, &keyed) : ERR_DB;
    if (found < 0 || (found > 0 && keyed)) {
        db_rollback(db);
        return found < 0 ? ERR_DB : 0;
    }
    /* Keyed now, by the handle that just migrated it (a fresh or an
     * upgraded database), or keyed before and now without a keyed row:
     * those were deleted. */
    bool upgrade = db_migrated_here(db, CHAIN_MIGRATION);
    const char *cause = upgrade ? "upgrade" : "keyed_rows_missing";
    if (!record_loss && !upgrade) {
        db_rollback(db);
        return 0;
    }
    json_t *d = json_pack("{s:I, s:s, s:s}", "unkeyed_rows",
                          (json_int_t)last_id, "unkeyed_head",
                          found ? head : "", "cause", cause);
    char *ds = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(d);
    struct audit_who who = {0, "system", "", "", "cli"};
    rc = append_locked(db, &who, EV_KEYED, "audit_log", true, ds);
    free(ds);
    if (rc == 0)
        rc = db_commit(db);
    if (rc != 0) {
        db_rollback(db);
        return rc;
    }
    *keyed_now = true;
    if (strcmp(cause, "upgrade") != 0)
        log_error("audit log: the chain was keyed before, but no keyed row "
                  "is left: rows were deleted. Row %lld records it; `dangxiao "
                  "audit verify` reports it",
                  (long long)last_id + 1);
    else if (last_id > 0)
        log_info("audit log: chain keyed (HMAC-SM3) from row %lld; rows "
                 "1-%lld keep their unkeyed SM3 hashes",
                 (long long)last_id + 1, (long long)last_id);
    return 0;
}

int
audit_head(struct db *db, struct audit_head *h)
{
    bool keyed;
    int64_t id = 0;
    h->rows = 0;
    h->hash[0] = '\0';
    int rc = last_row(db, &id, h->hash, &keyed);
    if (rc < 0)
        return ERR_DB;
    /* Ids are consecutive from 1 (audit_verify insists), so the last id
     * is the count. */
    h->rows = rc ? id : 0;
    return 0;
}

void
audit_checkpoint_line(const struct audit_head *h, int64_t at, char *out,
                      size_t outlen)
{
    char ts[21];
    time_iso(at, ts);
    str_fmt(out, outlen, "audit checkpoint rows=%lld hash=%s at=%s",
            (long long)h->rows, h->hash, ts);
}

int
audit_checkpoint_parse(const char *line, struct audit_head *out)
{
    const char *r = strstr(line, "rows="), *h = strstr(line, "hash=");
    if (r == NULL || h == NULL)
        return ERR_NOTFOUND;
    r += 5;
    h += 5;
    char num[24];
    size_t n = strspn(r, "0123456789");
    if (n == 0 || n >= sizeof(num))
        return ERR_NOTFOUND;
    memcpy(num, r, n);
    num[n] = '\0';
    if (strspn(h, "0123456789abcdef") != 64 ||
        (h[64] != '\0' && h[64] != ' ' && h[64] != '\n' && h[64] != '\r'))
        return ERR_NOTFOUND;
    if (parse_i64(num, &out->rows) != 0 || out->rows < 1)
        return ERR_NOTFOUND;
    memcpy(out->hash, h, 64);
    out->hash[64] = '\0';
    return 0;
}

/* The cause recorded in an audit_keyed row's detail ("" when none). */
static void
keyed_cause(const char *detail, char *out, size_t outlen)
{
    out[0] = '\0';
    json_t *d = json_loads(detail ? detail : "", 0, NULL);
    const char *c = json_string_value(json_object_get(d, "cause"));
    if (c)
        str_copy(out, outlen, c);
    json_decref(d);
}

/* Checks one row against the chain so far; NULL when it holds, else why
 * not. *keyed is whether the keyed part has begun. */
static const char *
check_row(struct db_res *r, int64_t last, const char *prev, bool *keyed,
          char out[65])
{
    struct audit_row row = {
        .id = db_int(r, 0),
        .at = db_int(r, 1),
        .user_id = db_int(r, 2),
        .username = db_text(r, 3),
        .role = db_text(r, 4),
        .event = db_text(r, 5),
        .object = db_text(r, 6),
        .success = db_int(r, 7) != 0,
        .ip = db_text(r, 8),
        .client = db_text(r, 9),
        .detail = db_text(r, 10),
    };
    const char *stored_prev = db_text(r, 11), *stored = db_text(r, 12);
    const char *mac = db_text(r, 13) ? db_text(r, 13) : "";
    bool is_keyed_event = row.event && strcmp(row.event, EV_KEYED) == 0;
    if (row.id != last + 1)
        return "a row is missing before this one";
    if (stored_prev == NULL || strcmp(stored_prev, prev) != 0)
        return "its prev_hash does not match the row before";
    if (strcmp(mac, MAC_PLAIN) == 0) {
        if (*keyed)
            return "an unkeyed row after the chain was keyed";
        if (is_keyed_event)
            return "the row that keys the chain is not keyed";
        audit_hash(prev, &row, out);
    } else if (strcmp(mac, MAC_KEYED) == 0) {
        if (!*keyed && !is_keyed_event)
            return "the keyed chain does not begin with its audit_keyed row";
        if (*keyed && is_keyed_event)
            return "a second audit_keyed row";
        if (audit_mac(prev, &row, out) != 0)
            return "no audit key is loaded to check a keyed row";
        *keyed = true;
    } else {
        return "its mac column names no known algorithm";
    }
    if (stored == NULL || strcmp(stored, out) != 0)
        return strcmp(mac, MAC_KEYED) == 0
                   ? "its contents do not match its MAC (edited, or written "
                     "without the key)"
                   : "its contents do not match its hash";
    if (is_keyed_event) {
        char cause[32];
        keyed_cause(row.detail, cause, sizeof(cause));
        if (strcmp(cause, "upgrade") != 0)
            return "when this row was written the keyed rows before it "
                   "were gone: rows were deleted";
    }
    return NULL;
}

static int
broken(struct audit_verdict *v, int64_t id, const char *why)
{
    v->bad_id = id;
    str_copy(v->why, sizeof(v->why), why);
    return ERR_INVAL;
}

int
audit_verify(struct db *db, const struct audit_head *cps, size_t ncps,
             struct audit_verdict *v)
{
    char prev[65] = GENESIS;
    int64_t last = 0;
    bool keyed = false;
    memset(v, 0, sizeof(*v));
    for (;;) {
        struct db_res *r = db_query(db, Q_AUDIT_SCAN, "i", last);
        if (r == NULL)
            return ERR_DB;
        int got = 0, rc;
        while ((rc = db_next(r)) > 0) {
            got++;
            char h[65];
            bool was_keyed = keyed;
            const char *bad = check_row(r, last, prev, &keyed, h);
            int64_t id = db_int(r, 0);
            for (size_t i = 0; bad == NULL && i < ncps; i++)
                if (cps[i].rows == id && strcmp(cps[i].hash, h) != 0)
                    bad = "its hash differs from a checkpoint's for this "
                          "row: the chain was rewritten from here on";
            if (bad) {
                db_end(r);
                return broken(v, id, bad);
            }
            if (!was_keyed && keyed)
                v->keyed_from = id;
            str_copy(prev, sizeof(prev), h);
            last = id;
            v->rows++;
        }
        db_end(r);
        if (rc < 0)
            return ERR_DB;
        if (got == 0)
            break;
    }
    if (v->rows == 0)
        return broken(v, 1, "the audit log is empty: a database always "
                            "holds at least the row that keyed its chain");
    if (!keyed)
        return broken(v, v->rows + 1,
                      "no row is keyed: the keyed rows were deleted, or the "
                      "chain was recomputed without the key");
    for (size_t i = 0; i < ncps; i++)
        if (cps[i].rows > v->rows) {
            char why[160];
            str_fmt(why, sizeof(why),
                    "the log ends at row %lld, before a checkpoint's row "
                    "%lld: rows were deleted from its end",
                    (long long)v->rows, (long long)cps[i].rows);
            return broken(v, v->rows + 1, why);
        }
    return 0;
}

/* The columns of AUDIT_LIST, in its order. */
enum audit_list_col {
    AL_ID, AL_AT, AL_USER_ID, AL_USERNAME, AL_ROLE, AL_EVENT, AL_OBJECT,
    AL_SUCCESS, AL_IP, AL_CLIENT, AL_DETAIL, AL_PREV_HASH, AL_HASH,
};

static int64_t
filter_to(const struct audit_filter *f)
{
    return f->to > 0 ? f->to : INT64_MAX;
}

int
audit_count(struct db *db, const struct audit_filter *f, int64_t *n)
{
    return db_int1(db, Q_AUDIT_COUNT, n, "sssii", f->event, f->username,
                   f->object, f->from, filter_to(f)) == 0
               ? 0
               : ERR_DB;
}

int
audit_page(struct db *db, struct arena *a, const struct audit_filter *f,
           int64_t limit, int64_t offset, struct audit_entry **out,
           size_t *n)
{
    *out = NULL;
    *n = 0;
    struct db_res *r =
        db_query(db, Q_AUDIT_LIST, "sssiiii", f->event, f->username,
                 f->object, f->from, filter_to(f), limit, offset);
    if (r == NULL)
        return ERR_DB;
    struct audit_entry *rows =
        arena_alloc(a, (size_t)(limit > 0 ? limit : 1) * sizeof(*rows));
    int rc;
    while ((rc = db_next(r)) > 0 && *n < (size_t)limit) {
        struct audit_entry *e = &rows[(*n)++];
        e->row = (struct audit_row){
            .id = db_int(r, AL_ID),
            .at = db_int(r, AL_AT),
            .user_id = db_null(r, AL_USER_ID) ? 0 : db_int(r, AL_USER_ID),
            .username = arena_strdup(a, db_text(r, AL_USERNAME)),
            .role = arena_strdup(a, db_text(r, AL_ROLE)),
            .event = arena_strdup(a, db_text(r, AL_EVENT)),
            .object = arena_strdup(a, db_text(r, AL_OBJECT)),
            .success = db_int(r, AL_SUCCESS) != 0,
            .ip = arena_strdup(a, db_text(r, AL_IP)),
            .client = arena_strdup(a, db_text(r, AL_CLIENT)),
            .detail = arena_strdup(a, db_text(r, AL_DETAIL)),
        };
        e->hash = arena_strdup(a, db_text(r, AL_HASH));
    }
    db_end(r);
    *out = rows;
    return rc < 0 ? ERR_DB : 0;
}

/*
 * policy.c - see policy.h.
 */
#include "policy.h"

#include "../core/config.h"
#include "../core/err.h"
#include "../core/log.h"
#include "../core/util.h"

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

const struct policy_field policy_fields[POL_COUNT] = {
    [POL_LOCKOUT_THRESHOLD] = {"lockout_threshold",
                               "Failed log-ins that lock a name",
                               "failures"},
    [POL_LOCKOUT_SECONDS] = {"lockout_seconds", "Lockout time", "seconds"},
    [POL_SESSION_IDLE_SECONDS] = {"session_idle_seconds",
                                  "Idle time that ends a session",
                                  "seconds"},
    [POL_SESSION_ABSOLUTE_SECONDS] = {"session_absolute_seconds",
                                      "Longest life of a session",
                                      "seconds"},
    [POL_PASSWORD_MAX_AGE_DAYS] = {"password_max_age_days",
                                   "Password must be changed after",
                                   "days (0 = never)"},
    [POL_TOKEN_MAX_AGE_DAYS] = {"token_max_age_days",
                                "API tokens stop working after", "days"},
};

static int64_t defaults[POL_COUNT] = {5, 1800, 1800, 43200, 90, 90};
static _Atomic int64_t values[POL_COUNT] = {5, 1800, 1800, 43200, 90, 90};
static int64_t refresh_ns;
static _Atomic int64_t loaded_ns; /* 0 = never read */
static pthread_mutex_t reload_lock = PTHREAD_MUTEX_INITIALIZER;

void
policy_init(const int64_t def[POL_COUNT], int64_t refresh_seconds)
{
    for (int i = 0; i < POL_COUNT; i++) {
        defaults[i] = def[i];
        atomic_store(&values[i], def[i]);
    }
    refresh_ns = refresh_seconds * 1000000000LL;
    atomic_store(&loaded_ns, 0);
}

int64_t
policy_get(enum policy_key k)
{
    return atomic_load_explicit(&values[k], memory_order_relaxed);
}

int
policy_find(const char *name)
{
    for (int i = 0; i < POL_COUNT; i++)
        if (name && strcmp(policy_fields[i].name, name) == 0)
            return i;
    return -1;
}

static void
bounds(int k, int64_t *min, int64_t *max)
{
    if (config_bounds(policy_fields[k].name, min, max) != 0) {
        *min = 0;
        *max = INT64_MAX; /* a field without a setting: a bug */
    }
}

/* Reads the table into the values in force. Called with reload_lock. */
static int
reload(struct db *db)
{
    int64_t v[POL_COUNT];
    memcpy(v, defaults, sizeof(v));
    struct db_res *r = db_query(db, Q_POLICY_LIST, "");
    if (r == NULL)
        return ERR_DB;
    int rc;
    while ((rc = db_next(r)) > 0) {
        int k = policy_find(db_text(r, 0));
        int64_t min, max, x = db_int(r, 1);
        if (k < 0)
            continue; /* a field of a newer version: not ours */
        bounds(k, &min, &max);
        if (x < min || x > max) {
            log_warn("security_policy %s = %lld is out of [%lld, %lld]: "
                     "the default stays in force",
                     policy_fields[k].name, (long long)x, (long long)min,
                     (long long)max);
            continue;
        }
        v[k] = x;
    }
    db_end(r);
    if (rc < 0)
        return ERR_DB;
    for (int i = 0; i < POL_COUNT; i++)
        atomic_store(&values[i], v[i]);
    int64_t now = now_mono_ns();
    atomic_store(&loaded_ns, now ? now : 1);
    return 0;
}

int
policy_refresh(struct db *db)
{
    int64_t at = atomic_load(&loaded_ns);
    if (at != 0 && now_mono_ns() - at < refresh_ns)
        return 0;
    /* One thread re-reads; the others go on with the values they have. */
    if (pthread_mutex_trylock(&reload_lock) != 0)
        return 0;
    int rc = reload(db);
    pthread_mutex_unlock(&reload_lock);
    if (rc != 0)
        log_warn("security policy: %s", db_errmsg(db));
    return rc;
}

int
policy_read(struct db *db, struct policy_view out[POL_COUNT])
{
    for (int i = 0; i < POL_COUNT; i++) {
        memset(&out[i], 0, sizeof(out[i]));
        out[i].value = out[i].def = defaults[i];
        bounds(i, &out[i].min, &out[i].max);
    }
    struct db_res *r = db_query(db, Q_POLICY_LIST, "");
    if (r == NULL)
        return ERR_DB;
    int rc;
    while ((rc = db_next(r)) > 0) {
        int k = policy_find(db_text(r, 0));
        int64_t x = db_int(r, 1);
        if (k < 0 || x < out[k].min || x > out[k].max)
            continue;
        out[k].value = x;
        out[k].overridden = true;
        out[k].updated_at = db_int(r, 2);
        str_copy(out[k].updated_by, sizeof(out[k].updated_by),
                 db_text(r, 3));
    }
    db_end(r);
    return rc < 0 ? ERR_DB : 0;
}

int
policy_update(struct db *db, const struct policy_change *c,
              const struct audit_who *who, const char **field,
              const char **why)
{
    struct policy_view cur[POL_COUNT];
    if (policy_read(db, cur) != 0)
        return ERR_DB;
    int64_t next[POL_COUNT];
    for (int i = 0; i < POL_COUNT; i++) {
        next[i] = c->reset[i] ? cur[i].def
                  : c->set[i] ? c->value[i]
                              : cur[i].value;
        if (c->set[i] && (next[i] < cur[i].min || next[i] > cur[i].max)) {
            *field = policy_fields[i].name;
            *why = "超出允许的范围";
            return ERR_INVAL;
        }
    }
    if (next[POL_SESSION_ABSOLUTE_SECONDS] <
        next[POL_SESSION_IDLE_SECONDS]) {
        *field = policy_fields[POL_SESSION_ABSOLUTE_SECONDS].name;
        *why = "会话最长时间不能短于空闲超时";
        return ERR_INVAL;
    }
    json_t *d = json_object();
    int64_t now = now_unix();
    if (db_begin(db) != 0) {
        json_decref(d);
        return ERR_DB;
    }
    int rc = 0;
    for (int i = 0; rc == 0 && i < POL_COUNT; i++) {
        if (!c->set[i] && !c->reset[i])
            continue;
        if (c->reset[i])
            rc = db_exec(db, Q_POLICY_RESET, "s", policy_fields[i].name) < 0
                     ? ERR_DB
                     : 0;
        else
            rc = db_exec(db, Q_POLICY_SET, "siis", policy_fields[i].name,
                         next[i], now, who->username ? who->username : "")
                         < 0
                     ? ERR_DB
                     : 0;
        if (next[i] != cur[i].value || c->reset[i] != !cur[i].overridden)
            json_object_set_new(
                d, policy_fields[i].name,
                json_pack("{s:I, s:I, s:b}", "from", (json_int_t)cur[i].value,
                          "to", (json_int_t)next[i], "default",
                          c->reset[i]));
    }
    char *detail = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(d);
    if (rc == 0)
        rc = audit_append(db, who, "security_policy_change",
                          "security_policy", true, detail);
    free(detail);
    if (rc == 0)
        rc = db_commit(db);
    if (rc != 0) {
        db_rollback(db);
        return ERR_DB;
    }
    pthread_mutex_lock(&reload_lock);
    rc = reload(db);
    pthread_mutex_unlock(&reload_lock);
    return rc;
}

int
policy_role_changes(struct db *db, struct arena *a, int64_t limit,
                    int64_t offset, struct role_change **out, size_t *n,
                    int64_t *total)
{
    *out = NULL;
    *n = 0;
    if (total && db_int1(db, Q_ROLE_CHANGES_COUNT, total, "") != 0)
        return ERR_DB;
    struct db_res *r = db_query(db, Q_ROLE_CHANGES, "ii", limit, offset);
    if (r == NULL)
        return ERR_DB;
    struct role_change *rows =
        arena_alloc(a, (size_t)(limit > 0 ? limit : 1) * sizeof(*rows));
    int rc;
    while ((rc = db_next(r)) > 0 && *n < (size_t)limit) {
        struct role_change *c = &rows[(*n)++];
        c->id = db_int(r, 0);
        c->at = db_int(r, 1);
        c->by = arena_strdup(a, db_text(r, 2));
        c->by_role = arena_strdup(a, db_text(r, 3));
        c->event = arena_strdup(a, db_text(r, 4));
        c->object = arena_strdup(a, db_text(r, 5));
        c->detail = arena_strdup(a, db_text(r, 6));
    }
    db_end(r);
    *out = rows;
    return rc < 0 ? ERR_DB : 0;
}

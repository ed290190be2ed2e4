/*
 * config.c - the settings table and its generic setters (STYLE 27).
 * To add a setting: a field in struct config and one row here.
 */
#include "config.h"

#include "err.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum setting_type { SET_INT, SET_BOOL, SET_STR };

struct setting {
    const char *name;
    enum setting_type type;
    const char *def;
    int64_t min, max;  /* for SET_INT */
    size_t offset;
    size_t size;       /* for SET_STR: buffer size */
    const char *help;
};

#define OFF(f) offsetof(struct config, f)
#define STR(f) OFF(f), sizeof(((struct config *)0)->f)

static const struct setting settings[] = {
    {"listen", SET_STR, "127.0.0.1:8080", 0, 0, STR(listen),
     "address and port to serve on"},
    {"db", SET_STR, "", 0, 0, STR(db),
     "SQLite file or postgresql:// URI (also --db)"},
    {"workers", SET_INT, "0", 0, 256, OFF(workers), 0,
     "HTTP worker threads; 0 = one per core"},
    {"max_json_body", SET_INT, "65536", 1024, 16 << 20, OFF(max_json_body),
     0, "largest JSON or form body in bytes"},
    {"max_upload", SET_INT, "8388608", 1024, 256 << 20, OFF(max_upload), 0,
     "largest file upload in bytes"},
    {"body_budget_bytes", SET_INT, "67108864", 64 << 10, 16LL << 30,
     OFF(body_budget_bytes), 0,
     "request bodies in flight, all together, in bytes; past it: 503"},
    {"max_url_bytes", SET_INT, "8192", 256, 1 << 20, OFF(max_url_bytes), 0,
     "longest request target (path and query) in bytes; past it: 414"},
    {"max_header_bytes", SET_INT, "16384", 1024, 1 << 20,
     OFF(max_header_bytes), 0,
     "largest request header lines in bytes; past them: 431"},
    {"connection_memory_bytes", SET_INT, "65536", 16 << 10, 16 << 20,
     OFF(connection_memory_bytes), 0,
     "memory each connection keeps for the request head and the answer's "
     "headers (libmicrohttpd's pool); a first head that would not fit is "
     "refused by the head gate with 431"},
    {"idle_timeout_seconds", SET_INT, "30", 1, 3600,
     OFF(idle_timeout_seconds), 0,
     "seconds a connection may stay silent, and a request head may take "
     "to arrive whole; then it is closed (a 408 when part of a head came)"},
    {"lockout_threshold", SET_INT, "5", 3, 20, OFF(lockout_threshold), 0,
     "failed log-ins in a row that lock an account"},
    {"lockout_seconds", SET_INT, "1800", 1, 86400, OFF(lockout_seconds), 0,
     "how long a locked account stays locked"},
    {"session_idle_seconds", SET_INT, "1800", 1, 86400,
     OFF(session_idle_seconds), 0, "idle time after which a session ends"},
    {"session_absolute_seconds", SET_INT, "43200", 1, 30 * 86400,
     OFF(session_absolute_seconds), 0, "longest life of a session"},
    {"cookie_secure", SET_BOOL, "false", 0, 1, OFF(cookie_secure), 0,
     "mark the session cookie Secure (serve behind HTTPS)"},
    {"password_max_age_days", SET_INT, "90", 0, 3650,
     OFF(password_max_age_days), 0,
     "days after which a password must be changed; 0 = never"},
    {"token_max_age_days", SET_INT, "90", 1, 3650,
     OFF(token_max_age_days), 0,
     "days after which an API token stops working"},
    {"login_addr_max_failures", SET_INT, "100", 1, 1000000,
     OFF(login_addr_max_failures), 0,
     "failed log-ins from one client address per window before 429"},
    {"login_addr_window_seconds", SET_INT, "900", 1, 86400,
     OFF(login_addr_window_seconds), 0,
     "the window of login_addr_max_failures"},
    {"policy_refresh_seconds", SET_INT, "5", 0, 3600,
     OFF(policy_refresh_seconds), 0,
     "how often a server re-reads the security policy from the database"},
    {"hash_threads", SET_INT, "1", 1, 64, OFF(hash_threads), 0,
     "threads that hash passwords (log-in, password change)"},
    {"hash_queue", SET_INT, "64", 1, 100000, OFF(hash_queue), 0,
     "password hashings that may wait; past it 503 with Retry-After"},
    {"cracklib_dict", SET_STR, "", 0, 0, STR(cracklib_dict),
     "cracklib dictionary of common passwords; default: the system's"},
    {"argon2_opslimit", SET_INT, "2", 1, 16, OFF(argon2_opslimit), 0,
     "argon2id passes"},
    {"argon2_memlimit_kib", SET_INT, "65536", 8, 1 << 20,
     OFF(argon2_memlimit_kib), 0, "argon2id memory in KiB"},
    {"access_log", SET_STR, "-", 0, 0, STR(access_log),
     "access log: - (stderr), off, or a file path"},
    {"default_lang", SET_STR, "zh", 0, 0, STR(default_lang),
     "UI language when the browser does not ask: zh or en"},
    {"key_file", SET_STR, "", 0, 0, STR(key_file),
     "field-encryption key file; default: the SQLite file + .keys"},
    {"pool_min_county_teachers", SET_INT, "11", 0, 1000,
     OFF(pool_min_county_teachers), 0,
     "county-level teachers each school should have (the 11 of \"11+N\")"},
    {"checkin_open_minutes", SET_INT, "30", 0, 24 * 60,
     OFF(checkin_open_minutes), 0,
     "minutes before a session starts that its check-in opens"},
    {"checkin_slot_seconds", SET_INT, "30", 1, 300,
     OFF(checkin_slot_seconds), 0,
     "seconds after which the check-in QR code turns over"},
    {"photo_max_bytes", SET_INT, "5242880", 1024, 64 << 20,
     OFF(photo_max_bytes), 0,
     "largest photo accepted for a session's ledger (台账), in bytes"},
    {"photos_per_session", SET_INT, "50", 1, 1000,
     OFF(photos_per_session), 0, "most ledger photos one session keeps"},
    {"metrics_public", SET_BOOL, "false", 0, 1, OFF(metrics_public), 0,
     "serve /metrics to any address, not only loopback"},
    {"audit_checkpoint_seconds", SET_INT, "86400", 0, 31 * 86400,
     OFF(audit_checkpoint_seconds), 0,
     "how often the server writes the audit chain's head (rows and hash) "
     "to its log and syslog, and once at start; 0 = never"},
};

#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

static const struct setting *
find(const char *key)
{
    for (size_t i = 0; i < NSETTINGS; i++)
        if (strcmp(settings[i].name, key) == 0)
            return &settings[i];
    return NULL;
}

static int
apply(struct config *c, const struct setting *s, const char *value,
      char *err, size_t errlen)
{
    char *field = (char *)c + s->offset;
    switch (s->type) {
    case SET_INT: {
        int64_t v;
        if (parse_i64(value, &v) != 0) {
            str_fmt(err, errlen, "%s: '%s' is not an integer", s->name,
                    value);
            return ERR_INVAL;
        }
        if (v < s->min || v > s->max) {
            str_fmt(err, errlen,
                    "%s: %lld is out of range [%lld, %lld]", s->name,
                    (long long)v, (long long)s->min, (long long)s->max);
            return ERR_RANGE;
        }
        memcpy(field, &v, sizeof(v));
        return 0;
    }
    case SET_BOOL: {
        bool b;
        if (strcmp(value, "true") == 0 || strcmp(value, "1") == 0 ||
            strcmp(value, "yes") == 0 || strcmp(value, "on") == 0) {
            b = true;
        } else if (strcmp(value, "false") == 0 || strcmp(value, "0") == 0 ||
                   strcmp(value, "no") == 0 || strcmp(value, "off") == 0) {
            b = false;
        } else {
            str_fmt(err, errlen, "%s: '%s' is not true or false", s->name,
                    value);
            return ERR_INVAL;
        }
        memcpy(field, &b, sizeof(b));
        return 0;
    }
    case SET_STR:
        if (strlen(value) >= s->size) {
            str_fmt(err, errlen, "%s: value longer than %zu bytes", s->name,
                    s->size - 1);
            return ERR_RANGE;
        }
        if (strcmp(s->name, "default_lang") == 0 &&
            strcmp(value, "zh") != 0 && strcmp(value, "en") != 0) {
            str_fmt(err, errlen, "default_lang: '%s' is not zh or en",
                    value);
            return ERR_INVAL;
        }
        str_copy(field, s->size, value);
        return 0;
    }
    return ERR_INVAL;
}

int
config_bounds(const char *key, int64_t *min, int64_t *max)
{
    const struct setting *s = find(key);
    if (s == NULL || s->type != SET_INT)
        return ERR_NOTFOUND;
    *min = s->min;
    *max = s->max;
    return 0;
}

int
config_set(struct config *c, const char *key, const char *value, char *err,
           size_t errlen)
{
    const struct setting *s = find(key);
    if (s == NULL) {
        str_fmt(err, errlen, "unknown setting '%s'", key);
        return ERR_NOTFOUND;
    }
    return apply(c, s, value, err, errlen);
}

void
config_defaults(struct config *c)
{
    char err[128];
    memset(c, 0, sizeof(*c));
    for (size_t i = 0; i < NSETTINGS; i++)
        if (apply(c, &settings[i], settings[i].def, err, sizeof(err)) != 0)
            abort(); /* a bad default is a bug in the table */
}

static char *
trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

int
config_load_file(struct config *c, const char *path, char *err,
                 size_t errlen)
{
    FILE *fp = fopen(path, "r");
    if (fp == NULL) {
        str_fmt(err, errlen, "%s: cannot open", path);
        return ERR_IO;
    }
    int rc = config_load_stream(c, fp, path, err, errlen);
    fclose(fp);
    return rc;
}

int
config_load_stream(struct config *c, FILE *fp, const char *path, char *err,
                   size_t errlen)
{
    char line[2048];
    int lineno = 0, rc = 0;
    while (fgets(line, sizeof(line), fp) != NULL) {
        lineno++;
        if (strchr(line, '\n') == NULL && !feof(fp)) {
            str_fmt(err, errlen, "%s:%d: line too long", path, lineno);
            rc = ERR_INVAL;
            break;
        }
        char *s = trim(line);
        if (*s == '\0' || *s == '#')
            continue;
        char *eq = strchr(s, '=');
        if (eq == NULL) {
            str_fmt(err, errlen, "%s:%d: expected 'key = value': %s", path,
                    lineno, s);
            rc = ERR_INVAL;
            break;
        }
        *eq = '\0';
        char *key = trim(s), *value = trim(eq + 1);
        size_t vl = strlen(value);
        if (vl >= 2 && value[0] == '"' && value[vl - 1] == '"') {
            value[vl - 1] = '\0';
            value++;
        }
        char why[256];
        if (config_set(c, key, value, why, sizeof(why)) != 0) {
            str_fmt(err, errlen, "%s:%d: %s", path, lineno, why);
            rc = ERR_INVAL;
            break;
        }
    }
    return rc;
}

int
config_load_env(struct config *c, char **envp, bool apply_db, char *err,
                size_t errlen)
{
    static const char prefix[] = "DANGXIAO_";
    for (char **e = envp; e && *e; e++) {
        if (strncmp(*e, prefix, sizeof(prefix) - 1) != 0)
            continue;
        const char *kv = *e + sizeof(prefix) - 1;
        const char *eq = strchr(kv, '=');
        if (eq == NULL)
            continue;
        char key[64];
        size_t kl = (size_t)(eq - kv);
        if (kl >= sizeof(key)) {
            str_fmt(err, errlen, "environment %.*s: unknown setting",
                    (int)(eq - *e), *e);
            return ERR_INVAL;
        }
        for (size_t i = 0; i < kl; i++)
            key[i] = (char)tolower((unsigned char)kv[i]);
        key[kl] = '\0';
        if (strcmp(key, "db") == 0 && !apply_db)
            continue;
        char why[256];
        if (config_set(c, key, eq + 1, why, sizeof(why)) != 0) {
            str_fmt(err, errlen, "environment DANGXIAO_%.*s: %s", (int)kl,
                    kv, why);
            return ERR_INVAL;
        }
    }
    return 0;
}

void
config_print_help(void)
{
    printf("Settings (file: key = value; environment: DANGXIAO_KEY):\n");
    for (size_t i = 0; i < NSETTINGS; i++)
        printf("  %-26s default %-16s %s\n", settings[i].name,
               *settings[i].def ? settings[i].def : "\"\"",
               settings[i].help);
}

/*
 * config.h - the server's settings, declared once in a table
 * (config.c: settings[]) with type, default, bounds and help. They are
 * read from a `key = value` file and from DANGXIAO_<KEY> environment
 * variables (the environment wins). An unknown key or a bad value is an
 * error naming the file and line (or the variable) and the reason.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct config {
    char listen[128];             /* host:port */
    char db[1024];                /* SQLite path or postgresql:// URI */
    int64_t workers;              /* 0 = one per core */
    int64_t max_json_body;        /* bytes */
    int64_t max_upload;           /* bytes */
    int64_t body_budget_bytes;    /* all bodies in flight together */
    int64_t max_url_bytes;        /* request target; longer: 414 */
    int64_t max_header_bytes;     /* header lines; more: 431 */
    int64_t connection_memory_bytes; /* libmicrohttpd's pool per connection */
    int64_t idle_timeout_seconds; /* a silent connection is closed */
    int64_t lockout_threshold;    /* failures in a row */
    int64_t lockout_seconds;
    int64_t session_idle_seconds;
    int64_t session_absolute_seconds;
    bool cookie_secure;
    int64_t password_max_age_days; /* 0 = never expires */
    int64_t argon2_opslimit;
    int64_t argon2_memlimit_kib;
    char access_log[512];         /* "-", "off" or a path */
    char default_lang[8];         /* zh or en */
    bool metrics_public;          /* else /metrics answers loopback only */
    char key_file[1024];          /* field-encryption keys; "" = DB.keys */
    int64_t pool_min_county_teachers; /* the 11 of "11+N" */
    int64_t checkin_open_minutes;  /* check-in opens this long before */
    int64_t checkin_slot_seconds;  /* the QR code turns over this often */
    int64_t photo_max_bytes;       /* a ledger photo's size limit */
    int64_t photos_per_session;    /* ledger photos a session keeps */
    int64_t token_max_age_days;    /* an API token's life */
    int64_t login_addr_max_failures; /* per client address and window */
    int64_t login_addr_window_seconds;
    int64_t policy_refresh_seconds; /* re-read security_policy this often */
    int64_t hash_threads;          /* the password-hashing pool */
    int64_t hash_queue;            /* hashings that may wait */
    char cracklib_dict[512];       /* "" = cracklib's default */
    int64_t audit_checkpoint_seconds; /* 0 = the server writes none */
};

/* Fills c with every setting's default. */
void config_defaults(struct config *c);
/* Reads a settings file. 0 on success; otherwise ERR_INVAL or ERR_IO with
 * "file:line: reason" written to err. */
int config_load_file(struct config *c, const char *path, char *err,
                     size_t errlen);
/* The same, from an open stream; path names it in messages. */
int config_load_stream(struct config *c, FILE *fp, const char *path,
                       char *err, size_t errlen);
/* Applies DANGXIAO_* variables from envp (NULL-terminated "K=V" strings).
 * DANGXIAO_DB is applied only when apply_db is true. 0 or ERR_INVAL with
 * the variable and reason in err. */
int config_load_env(struct config *c, char **envp, bool apply_db, char *err,
                    size_t errlen);
/* Sets one key from text; 0 or ERR_INVAL/ERR_NOTFOUND/ERR_RANGE with the
 * reason in err. */
int config_set(struct config *c, const char *key, const char *value,
               char *err, size_t errlen);
/* The bounds of the integer setting key: 0, or ERR_NOTFOUND. */
int config_bounds(const char *key, int64_t *min, int64_t *max);
/* Writes the settings table (name, default, help) to stdout. */
void config_print_help(void);

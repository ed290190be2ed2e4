/*
 * main.c - the command line (API.md): init, serve, demo, user add, backup,
 * restore, audit verify and audit checkpoint, and for the tests routes and
 * db counts. Start-up order for serve: arguments -> settings (file, then
 * environment, then flags) -> key file -> database open + migrate + keyed
 * audit chain -> HTTP.
 *
 * A wrong argument prints the usage and exits 2; a runtime failure exits 1.
 */
#include "app/app.h"
#include "routes.h"
#include "core/config.h"
#include "core/err.h"
#include "core/keyring.h"
#include "core/log.h"
#include "core/syslog.h"
#include "core/util.h"
#include "core/workq.h"
#include "db/db.h"
#include "domain/attend_queue.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/demo.h"
#include "domain/people.h"
#include "domain/hanzi.h"
#include "domain/kind.h"
#include "domain/roles.h"
#include "web/i18n.h"
#include "web/web.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static const char usage_text[] =
    "dangxiao - township Party-school platform (成武县党员教育培训平台)\n"
    "\n"
    "usage:\n"
    "  dangxiao init  --db DB                  create or migrate the database\n"
    "  dangxiao serve --db DB [--listen HOST:PORT] [--config FILE]\n"
    "  dangxiao demo  --db DB [--scale county|small] [--seed N]\n"
    "  dangxiao user add USERNAME --db DB --role ROLE [--township CODE]\n"
    "                  [--person ID]           (password read from stdin)\n"
    "  dangxiao backup --db DB FILE            consistent online copy: FILE\n"
    "                  and its key file FILE.keys (mode 0600)\n"
    "  dangxiao restore --db DB FILE [--keys KEYFILE] [--force]\n"
    "                  [--checkpoint CP]       a backup (and FILE.keys) into DB\n"
    "  dangxiao audit verify --db DB [--checkpoint FILE]\n"
    "                                          check the audit chain\n"
    "  dangxiao audit checkpoint --db DB       print the chain's head\n"
    "  dangxiao routes                         the route and role tables as\n"
    "                                          JSON (for the tests)\n"
    "  dangxiao db counts --db DB              rows of every table, as JSON\n"
    "  dangxiao --help | CMD --help\n"
    "\n"
    "DB is a SQLite file path or a postgresql:// URI; DANGXIAO_DB is the\n"
    "default. Settings come from --config FILE and DANGXIAO_* variables;\n"
    "`dangxiao serve --help` lists them. The key file (key_file, default\n"
    "DB.keys beside a SQLite file) holds the field-encryption keys and the\n"
    "audit chain's key: without it the data cannot be read.\n"
    "\n"
    "backup on PostgreSQL runs pg_dump (custom format) into FILE; restore\n"
    "runs pg_restore into DB, which must be a new, empty database. restore\n"
    "refuses to replace an existing SQLite file or a different key file\n"
    "unless --force (the old key file is kept as KEYFILE.replaced-TIME);\n"
    "it checks the audit chain and that the keys open every sealed value\n"
    "before it puts anything in place.\n";

static int
usage(int code)
{
    fputs(usage_text, code == 0 ? stdout : stderr);
    return code;
}

/* Options shared by the subcommands; each command says which it takes. */
struct opts {
    const char *db, *listen, *config, *scale, *role, *township;
    const char *checkpoint, *keys;
    int64_t seed, person;
    bool help, force;
};

enum {
    O_DB = 1 << 0, O_LISTEN = 1 << 1, O_CONFIG = 1 << 2, O_SCALE = 1 << 3,
    O_SEED = 1 << 4, O_ROLE = 1 << 5, O_TOWNSHIP = 1 << 6, O_PERSON = 1 << 7,
    O_CHECKPOINT = 1 << 8, O_KEYS = 1 << 9, O_FORCE = 1 << 10
};


/* Parses argv (after the command words) allowing the options in mask;
 * positional arguments are returned in pos (up to npos). Returns 0 or 2. */
static int
parse_opts(int argc, char **argv, unsigned mask, struct opts *o,
           const char **pos, int npos, int *got)
{
    static const struct option longopts[] = {
        {"db", required_argument, 0, 'd'},
        {"listen", required_argument, 0, 'l'},
        {"config", required_argument, 0, 'c'},
        {"scale", required_argument, 0, 's'},
        {"seed", required_argument, 0, 'S'},
        {"role", required_argument, 0, 'r'},
        {"township", required_argument, 0, 't'},
        {"person", required_argument, 0, 'p'},
        {"checkpoint", required_argument, 0, 'C'},
        {"keys", required_argument, 0, 'k'},
        {"force", no_argument, 0, 'f'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    static const struct {
        int ch;
        unsigned bit;
    } bits[] = {{'d', O_DB},       {'l', O_LISTEN},     {'c', O_CONFIG},
                {'s', O_SCALE},    {'S', O_SEED},       {'r', O_ROLE},
                {'t', O_TOWNSHIP}, {'p', O_PERSON},     {'C', O_CHECKPOINT},
                {'k', O_KEYS},     {'f', O_FORCE}};
    memset(o, 0, sizeof(*o));
    o->db = getenv("DANGXIAO_DB");
    o->seed = 1;
    optind = 1;
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (ch == 'h') {
            o->help = true;
            continue;
        }
        if (ch == '?' || ch == ':') {
            fprintf(stderr, "dangxiao: unknown or incomplete option '%s'\n",
                    argv[optind - 1]);
            return 2;
        }
        unsigned bit = 0;
        for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
            if (bits[i].ch == ch)
                bit = bits[i].bit;
        if (!(mask & bit)) {
            fprintf(stderr, "dangxiao: option '%s' does not apply here\n",
                    argv[optind - 1]);
            return 2;
        }
        switch (ch) {
        case 'd': o->db = optarg; break;
        case 'l': o->listen = optarg; break;
        case 'c': o->config = optarg; break;
        case 's': o->scale = optarg; break;
        case 'r': o->role = optarg; break;
        case 't': o->township = optarg; break;
        case 'C': o->checkpoint = optarg; break;
        case 'k': o->keys = optarg; break;
        case 'f': o->force = true; break;
        case 'S':
        case 'p': {
            int64_t v;
            if (parse_i64(optarg, &v) != 0 || v < 0) {
                fprintf(stderr, "dangxiao: '%s' is not a number\n", optarg);
                return 2;
            }
            if (ch == 'S')
                o->seed = v;
            else
                o->person = v;
            break;
        }
        }
    }
    *got = 0;
    for (int i = optind; i < argc; i++) {
        if (*got == npos) {
            fprintf(stderr, "dangxiao: unexpected argument '%s'\n", argv[i]);
            return 2;
        }
        pos[(*got)++] = argv[i];
    }
    /* serve may also take the database from its settings file. */
    if (!o->help && (mask & O_DB) && !(mask & O_CONFIG) &&
        (o->db == NULL || *o->db == '\0')) {
        fprintf(stderr, "dangxiao: --db is required (or DANGXIAO_DB)\n");
        return 2;
    }
    return 0;
}

/* Opens and migrates the database; prints the reason on failure. */
static struct db *
open_db(const char *uri)
{
    char err[512];
    struct db *db;
    if (db_open(uri, &db, err, sizeof(err)) != 0) {
        fprintf(stderr, "dangxiao: %s\n", err);
        return NULL;
    }
    if (db_migrate(db) != 0 || db_check_queries(db) != 0) {
        fprintf(stderr, "dangxiao: %s\n", db_errmsg(db));
        db_close(db);
        return NULL;
    }
    return db;
}

/* Loads settings: defaults, then the file, then the environment. */
static int
load_settings(struct config *c, const char *file, bool apply_db)
{
    char err[512];
    config_defaults(c);
    if (file && config_load_file(c, file, err, sizeof(err)) != 0) {
        fprintf(stderr, "dangxiao: %s\n", err);
        return 2;
    }
    if (config_load_env(c, environ, apply_db, err, sizeof(err)) != 0) {
        fprintf(stderr, "dangxiao: %s\n", err);
        return 2;
    }
    return 0;
}

/* The key file: the setting, else beside a SQLite database. A PostgreSQL
 * database has no "beside", so there the setting is required. */
static int
key_path(const struct config *c, const char *db, char *out, size_t outlen)
{
    if (c->key_file[0])
        return str_copy(out, outlen, c->key_file);
    if (strncmp(db, "postgres", 8) == 0) {
        fprintf(stderr, "dangxiao: set key_file (DANGXIAO_KEY_FILE) to the "
                        "field-encryption key file for PostgreSQL\n");
        return ERR_INVAL;
    }
    return str_fmt(out, outlen, "%s.keys", db);
}

/* Loads the keyring at path (creating the file when create) and the ICU
 * services the roster needs, and hands the audit chain its key. */
static struct keyring *
open_keys(const char *path, bool create)
{
    char err[1200];
    struct keyring *k = keyring_load(path, create, err, sizeof(err));
    if (k == NULL) {
        fprintf(stderr, "dangxiao: %s%s\n", err,
                create ? "" : " (dangxiao init creates it)");
        return NULL;
    }
    if (hanzi_init(err, sizeof(err)) != 0) {
        fprintf(stderr, "dangxiao: %s\n", err);
        keyring_free(k);
        return NULL;
    }
    unsigned char ak[32];
    keyring_audit_key(k, ak);
    audit_set_key(ak);
    sodium_memzero(ak, sizeof(ak));
    return k;
}

static void
close_keys(struct keyring *k)
{
    audit_set_key(NULL);
    keyring_free(k);
    hanzi_cleanup();
}

/* What a command works on: the key file and the database, migrated, its
 * audit chain keyed. */
struct store {
    struct db *db;
    struct keyring *k;
    char key_path[1100];
};

static void
close_store(struct store *st)
{
    if (st->db)
        db_close(st->db);
    if (st->k)
        close_keys(st->k);
    st->db = NULL;
    st->k = NULL;
}

/* How a command opens its store. */
enum {
    ST_CREATE_KEYS = 1 << 0, /* make the key file when there is none */
    ST_READ_ONLY = 1 << 1,   /* writes no audit row but an upgrade's */
};

/* Opens uri with the key file at keys (NULL: the configured one). 0, or 1
 * with the reason printed. */
static int
open_store(const struct config *c, const char *uri, const char *keys,
           unsigned how, struct store *st)
{
    bool create_keys = how & ST_CREATE_KEYS;
    memset(st, 0, sizeof(*st));
    if (keys)
        str_copy(st->key_path, sizeof(st->key_path), keys);
    else if (key_path(c, uri, st->key_path, sizeof(st->key_path)) != 0)
        return 1;
    if ((st->k = open_keys(st->key_path, create_keys)) == NULL)
        return 1;
    if ((st->db = open_db(uri)) == NULL) {
        close_store(st);
        return 1;
    }
    bool keyed_now;
    if (audit_ensure_keyed(st->db, !(how & ST_READ_ONLY), &keyed_now) !=
        0) {
        fprintf(stderr, "dangxiao: keying the audit chain: %s\n",
                db_errmsg(st->db));
        close_store(st);
        return 1;
    }
    return 0;
}

static void
apply_auth_settings(const struct config *c)
{
    struct auth_settings s = {
        .lockout_threshold = c->lockout_threshold,
        .lockout_seconds = c->lockout_seconds,
        .idle_seconds = c->session_idle_seconds,
        .absolute_seconds = c->session_absolute_seconds,
        .password_max_age_days = c->password_max_age_days,
        .opslimit = (unsigned long long)c->argon2_opslimit,
        .memlimit = (size_t)c->argon2_memlimit_kib * 1024,
        .token_max_age_days = c->token_max_age_days,
        .addr_max_failures = c->login_addr_max_failures,
        .addr_window_seconds = c->login_addr_window_seconds,
        .policy_refresh_seconds = c->policy_refresh_seconds,
        .cracklib_dict = c->cracklib_dict,
    };
    auth_configure(&s);
}

static int
cmd_init(int argc, char **argv)
{
    struct opts o;
    int n;
    if (parse_opts(argc, argv, O_DB, &o, NULL, 0, &n) != 0)
        return usage(2);
    if (o.help)
        return usage(0);
    struct config c;
    if (load_settings(&c, NULL, false) != 0)
        return 2;
    struct store st;
    if (open_store(&c, o.db, NULL, ST_CREATE_KEYS, &st) != 0)
        return 1;
    printf("database ready: schema version %d\n", db_schema_version(st.db));
    close_store(&st);
    return 0;
}

static int
cmd_demo(int argc, char **argv)
{
    struct opts o;
    int n;
    if (parse_opts(argc, argv, O_DB | O_SCALE | O_SEED, &o, NULL, 0, &n) != 0)
        return usage(2);
    if (o.help)
        return usage(0);
    enum demo_scale scale = DEMO_COUNTY;
    if (o.scale && strcmp(o.scale, "small") == 0)
        scale = DEMO_SMALL;
    else if (o.scale && strcmp(o.scale, "county") != 0) {
        fprintf(stderr, "dangxiao: --scale is county or small\n");
        return usage(2);
    }
    struct config c;
    if (load_settings(&c, NULL, false) != 0)
        return 2;
    apply_auth_settings(&c);
    struct store st;
    if (open_store(&c, o.db, NULL, ST_CREATE_KEYS, &st) != 0)
        return 1;
    auth_set_keys(st.k);
    int rc = demo_build(st.db, st.k, scale, (uint64_t)o.seed, stdout);
    if (rc == ERR_CONFLICT)
        fprintf(stderr, "dangxiao: the database already holds villages; "
                        "demo needs a fresh one\n");
    else if (rc != 0)
        fprintf(stderr, "dangxiao: demo: %s\n", db_errmsg(st.db));
    close_store(&st);
    return rc == 0 ? 0 : 1;
}

/* Reads one line (the password) from stdin without its newline. */
static int
read_password(char *buf, size_t len)
{
    if (fgets(buf, (int)len, stdin) == NULL)
        return -1;
    size_t n = strlen(buf);
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    return n ? 0 : -1;
}

/* A command with one action (user add, db counts): true when argv[1] is
 * it; else false with *rc the usage's exit code (0 for --help). */
static bool
one_action(int argc, char **argv, const char *cmd, const char *action,
           int *rc)
{
    if (argc >= 2 && strcmp(argv[1], action) == 0)
        return true;
    if (argc >= 2 && strcmp(argv[1], "--help") == 0) {
        *rc = usage(0);
        return false;
    }
    fprintf(stderr, "dangxiao: %s: the only action is '%s'\n", cmd, action);
    *rc = usage(2);
    return false;
}

static int
cmd_user(int argc, char **argv)
{
    int rc;
    if (!one_action(argc, argv, "user", "add", &rc))
        return rc;
    struct opts o;
    const char *pos[1];
    int n;
    if (parse_opts(argc - 1, argv + 1, O_DB | O_ROLE | O_TOWNSHIP | O_PERSON,
                   &o, pos, 1, &n) != 0)
        return usage(2);
    if (o.help)
        return usage(0);
    if (n != 1 || o.role == NULL) {
        fprintf(stderr, "dangxiao: user add needs USERNAME and --role\n");
        return usage(2);
    }
    if (role_find(o.role) == NULL) {
        fprintf(stderr, "dangxiao: unknown role '%s'\n", o.role);
        return usage(2);
    }
    struct config c;
    if (load_settings(&c, NULL, false) != 0)
        return 2;
    apply_auth_settings(&c);
    char err[600];
    if (auth_dict_check(err, sizeof(err)) != 0) {
        fprintf(stderr, "dangxiao: %s\n", err);
        return 1;
    }
    char pw[300];
    if (read_password(pw, sizeof(pw)) != 0) {
        fprintf(stderr, "dangxiao: give the password on standard input\n");
        return 1;
    }
    struct store st;
    if (open_store(&c, o.db, NULL, 0, &st) != 0) {
        sodium_memzero(pw, sizeof(pw));
        return 1;
    }
    /* The keys: to hash the name as log-ins count it, and to read the
     * linked person's numbers that the password must not hold. */
    auth_set_keys(st.k);
    if (auth_prepare(st.db) != 0) {
        sodium_memzero(pw, sizeof(pw));
        fprintf(stderr, "dangxiao: %s\n", db_errmsg(st.db));
        close_store(&st);
        return 1;
    }
    struct audit_who who = {0, "console", "", "", "cli"};
    int64_t id;
    struct user_error e = {0};
    /* The operator at the console: any role (the three administrators
     * only here), and a final password held to the same policy. */
    struct user_new u = {pos[0], pw, o.role, o.township, o.person,
                         USER_BY_CONSOLE};
    rc = auth_user_create(st.db, &u, &who, &id, &e);
    sodium_memzero(pw, sizeof(pw));
    if (rc != 0)
        fprintf(stderr, "dangxiao: user add: %s%s%s\n",
                e.field ? e.field : "", e.field ? ": " : "",
                e.why ? e.why : db_errmsg(st.db));
    else
        printf("user %s created (id %lld, role %s)\n", pos[0], (long long)id,
               o.role);
    close_store(&st);
    return rc == 0 ? 0 : 1;
}

/* --- backup, restore and the audit chain ------------------------------ */

/* Copies the file src to dst through dst.tmp (mode 0600, synced, then
 * renamed into place). 0, or ERR_IO with the reason printed. */
static int
copy_file(const char *src, const char *dst)
{
    char tmp[1200];
    str_fmt(tmp, sizeof(tmp), "%s.tmp", dst);
    FILE *in = fopen(src, "rb");
    int fd = -1, rc = ERR_IO;
    if (in == NULL) {
        fprintf(stderr, "dangxiao: %s: %s\n", src, strerror(errno));
        return ERR_IO;
    }
    unlink(tmp);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        fprintf(stderr, "dangxiao: %s: %s\n", tmp, strerror(errno));
        goto out;
    }
    char buf[8192];
    size_t got;
    while ((got = fread(buf, 1, sizeof(buf), in)) > 0)
        if (write(fd, buf, got) != (ssize_t)got) {
            fprintf(stderr, "dangxiao: %s: %s\n", tmp, strerror(errno));
            goto out;
        }
    if (ferror(in) || fsync(fd) != 0) {
        fprintf(stderr, "dangxiao: copying %s failed\n", src);
        goto out;
    }
    close(fd);
    fd = -1;
    if (rename(tmp, dst) != 0) {
        fprintf(stderr, "dangxiao: %s: %s\n", dst, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    if (rc != 0)
        unlink(tmp);
    fclose(in);
    sodium_memzero(buf, sizeof(buf));
    return rc;
}

/* Whether the files a and b hold the same bytes (false when one cannot
 * be read). */
static bool
same_bytes(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    bool same = fa && fb;
    while (same) {
        int ca = getc(fa), cb = getc(fb);
        same = ca == cb;
        if (ca == EOF)
            break;
    }
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return same;
}

/* SHA-256 of a file as hex ("" when it cannot be read). */
static void
file_sha256(const char *path, char hex[65])
{
    hex[0] = '\0';
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return;
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    unsigned char buf[65536], h[crypto_hash_sha256_BYTES];
    size_t got;
    while ((got = fread(buf, 1, sizeof(buf), fp)) > 0)
        crypto_hash_sha256_update(&st, buf, got);
    bool ok = !ferror(fp);
    fclose(fp);
    crypto_hash_sha256_final(&st, h);
    if (ok)
        hex_encode(h, sizeof(h), hex);
}

/* Reads every checkpoint in a file: each line that carries "rows=N
 * hash=HEX" (a checkpoint line, or the log or syslog line holding one).
 * 0, or 1 with the reason printed. Free *out. */
static int
load_checkpoints(const char *path, struct audit_head **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    FILE *fp = fopen(path, "r");
    if (fp == NULL) {
        fprintf(stderr, "dangxiao: %s: %s\n", path, strerror(errno));
        return 1;
    }
    char line[1024];
    size_t cap = 0;
    while (fgets(line, sizeof(line), fp)) {
        struct audit_head h;
        if (audit_checkpoint_parse(line, &h) != 0)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = xrealloc(*out, cap * sizeof(**out));
        }
        (*out)[(*n)++] = h;
    }
    fclose(fp);
    if (*n == 0) {
        fprintf(stderr, "dangxiao: %s holds no checkpoint (a line with "
                        "rows=N hash=HEX)\n", path);
        free(*out);
        *out = NULL;
        return 1;
    }
    return 0;
}

/* What a check of a database found: its audit chain, and whether its
 * key file opens its sealed values. */
struct checked {
    struct audit_verdict v;
    int chain;                  /* audit_verify's answer */
    int64_t sealed, bad, first_bad;
};

/* Checks db's audit chain (against cps) and that k opens its sealed
 * values; prints what it finds. 0 when both hold, 1 otherwise. */
static int
check_db(struct db *db, const struct keyring *k, const struct audit_head *cps,
         size_t ncps, const char *what, struct checked *c)
{
    memset(c, 0, sizeof(*c));
    c->chain = audit_verify(db, cps, ncps, &c->v);
    if (c->chain == ERR_DB) {
        fprintf(stderr, "dangxiao: %s: %s\n", what, db_errmsg(db));
        return 1;
    }
    if (c->chain != 0) {
        printf("%s: audit log BROKEN at row %lld: %s (%lld rows before it "
               "are intact)\n",
               what, (long long)c->v.bad_id, c->v.why, (long long)c->v.rows);
        return 1;
    }
    if (people_check_keys(db, k, &c->sealed, &c->bad, &c->first_bad) != 0) {
        fprintf(stderr, "dangxiao: %s: %s\n", what, db_errmsg(db));
        return 1;
    }
    if (c->bad) {
        printf("%s: the key file does NOT open %lld of %lld sealed values "
               "(first: person %lld): wrong key file\n",
               what, (long long)c->bad, (long long)c->sealed,
               (long long)c->first_bad);
        return 1;
    }
    return 0;
}

/* The audit row of a backup or a restore, in its own transaction. */
static void
audit_copy(struct db *db, const char *event, const char *file,
           const char *keys, const struct checked *c, bool ok)
{
    char sha[65];
    file_sha256(file, sha);
    json_t *d = json_pack("{s:s, s:s, s:s, s:I, s:I}", "file", file, "keys",
                          keys, "sha256", sha, "audit_rows",
                          (json_int_t)c->v.rows, "sealed_checked",
                          (json_int_t)c->sealed);
    char *ds = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    struct audit_who who = {0, "console", "", "", "cli"};
    if (audit_record(db, &who, event, "database", ok, ds) != 0)
        fprintf(stderr, "dangxiao: cannot write the %s's audit row: %s\n",
                event, db_errmsg(db));
    free(ds);
}

static bool
is_pg(const char *uri)
{
    return strncmp(uri, "postgres", 8) == 0;
}

static int
cmd_backup(int argc, char **argv)
{
    struct opts o;
    const char *pos[1];
    int n;
    if (parse_opts(argc, argv, O_DB, &o, pos, 1, &n) != 0)
        return usage(2);
    if (o.help)
        return usage(0);
    if (n != 1) {
        fprintf(stderr, "dangxiao: backup needs the FILE to write\n");
        return usage(2);
    }
    const char *file = pos[0];
    struct config c;
    if (load_settings(&c, NULL, false) != 0)
        return 2;
    umask(077); /* the copy holds what the live database holds */
    struct store st;
    if (open_store(&c, o.db, NULL, 0, &st) != 0)
        return 1;
    char keys[1100];
    str_fmt(keys, sizeof(keys), "%s.keys", file);
    struct checked ck = {0};
    /* The key file first: a database copy without it cannot be read. */
    int rc = copy_file(st.key_path, keys) == 0 ? 0 : 1;
    if (rc == 0 && db_backup(st.db, file) != 0) {
        fprintf(stderr, "dangxiao: backup: %s\n", db_errmsg(st.db));
        if (db_last_err(st.db) == ERR_NOTFOUND)
            fprintf(stderr,
                    "dangxiao: the key file is saved as %s, but the "
                    "DATABASE IS NOT BACKED UP. Install pg_dump, or run\n"
                    "  pg_dump --format=custom --no-owner --file FILE "
                    "DATABASE\nand keep FILE with %s.\n",
                    keys, keys);
        rc = 1;
    }
    if (rc == 0)
        chmod(file, 0600);
    /* A SQLite copy is checked as a restore would check it; a pg_dump
     * archive is checked by `dangxiao restore` into a new database. */
    if (rc == 0 && !is_pg(o.db)) {
        struct db *copy;
        char err[512];
        if (db_open(file, &copy, err, sizeof(err)) != 0) {
            fprintf(stderr, "dangxiao: %s\n", err);
            rc = 1;
        } else {
            rc = check_db(copy, st.k, NULL, 0, file, &ck);
            db_close(copy);
        }
    }
    audit_copy(st.db, "backup", file, keys, &ck, rc == 0);
    if (rc == 0 && is_pg(o.db))
        printf("backup written: %s (pg_dump archive; `dangxiao restore` puts "
               "it into a new database) and %s (the key file)\n",
               file, keys);
    else if (rc == 0)
        printf("backup written: %s (audit chain intact, %lld rows; the keys "
               "open all %lld sealed values) and %s (the key file)\n",
               file, (long long)ck.v.rows, (long long)ck.sealed, keys);
    if (rc == 0)
        printf("Keep the two together and off this machine: without %s the "
               "ID and phone numbers in %s cannot be read.\n",
               keys, file);
    close_store(&st);
    return rc;
}

/* Removes a SQLite file's -wal and -shm (and -journal): left beside a
 * replaced file, SQLite would apply an old log to the new one. */
static void
remove_sidecars(const char *path)
{
    static const char *const ext[] = {"-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
        char p[1200];
        str_fmt(p, sizeof(p), "%s%s", path, ext[i]);
        unlink(p);
    }
}

/* Puts the backup's key file at dest: nothing to do when the same file is
 * there; another one is kept as dest.replaced-TIME with --force, else
 * refused. 0 or 1. */
static int
install_keys(const char *from, const char *dest, bool force, bool dry)
{
    if (access(dest, F_OK) == 0 && !same_bytes(from, dest)) {
        if (!force) {
            fprintf(stderr, "dangxiao: %s holds other keys than %s: the "
                            "restored data needs the backup's. Add --force "
                            "to replace it (the old one is kept beside "
                            "it)\n", dest, from);
            return 1;
        }
        if (dry)
            return 0;
        char old[1200];
        str_fmt(old, sizeof(old), "%s.replaced-%lld", dest,
                (long long)now_unix());
        if (rename(dest, old) != 0) {
            fprintf(stderr, "dangxiao: %s: %s\n", old, strerror(errno));
            return 1;
        }
        printf("the key file that was at %s is now %s\n", dest, old);
    } else if (dry || access(dest, F_OK) == 0) {
        return 0;
    }
    return copy_file(from, dest) == 0 ? 0 : 1;
}

static int
cmd_restore(int argc, char **argv)
{
    struct opts o;
    const char *pos[1];
    int n;
    if (parse_opts(argc, argv, O_DB | O_KEYS | O_FORCE | O_CHECKPOINT, &o,
                   pos, 1, &n) != 0)
        return usage(2);
    if (o.help)
        return usage(0);
    if (n != 1) {
        fprintf(stderr, "dangxiao: restore needs the backup FILE\n");
        return usage(2);
    }
    const char *file = pos[0];
    bool pg = is_pg(o.db);
    struct config c;
    if (load_settings(&c, NULL, false) != 0)
        return 2;
    char keys_in[1100], key_dest[1100], tmp[1200] = "";
    if (o.keys)
        str_copy(keys_in, sizeof(keys_in), o.keys);
    else
        str_fmt(keys_in, sizeof(keys_in), "%s.keys", file);
    if (key_path(&c, o.db, key_dest, sizeof(key_dest)) != 0)
        return 1;
    if (access(file, R_OK) != 0 || access(keys_in, R_OK) != 0) {
        fprintf(stderr, "dangxiao: %s: %s%s\n",
                access(file, R_OK) != 0 ? file : keys_in, strerror(errno),
                access(file, R_OK) == 0
                    ? " (the backup's key file: without it the data cannot "
                      "be read; give it with --keys)"
                    : "");
        return 1;
    }
    if (!pg && strcmp(file, o.db) == 0) {
        fprintf(stderr, "dangxiao: restore into the backup itself?\n");
        return 2;
    }
    if (!pg && access(o.db, F_OK) == 0 && !o.force) {
        fprintf(stderr, "dangxiao: %s exists: restore would replace it. "
                        "Stop the servers on it and add --force\n", o.db);
        return 1;
    }
    if (install_keys(keys_in, key_dest, o.force, true) != 0)
        return 1;
    struct audit_head *cps = NULL;
    size_t ncps = 0;
    if (o.checkpoint && load_checkpoints(o.checkpoint, &cps, &ncps) != 0)
        return 1;
    umask(077);
    int rc = 1;
    struct store st = {0};
    struct checked ck;
    /* SQLite: into a new file beside DB, checked, then renamed over it,
     * so a failed check leaves DB as it was. PostgreSQL: into DB, which
     * must be empty. */
    const char *into = o.db;
    if (!pg) {
        str_fmt(tmp, sizeof(tmp), "%s.restoring-XXXXXX", o.db);
        int fd = mkstemp(tmp);
        if (fd < 0) {
            fprintf(stderr, "dangxiao: %s: %s\n", tmp, strerror(errno));
            goto out;
        }
        close(fd);
        into = tmp;
    }
    struct db *db;
    char err[512];
    if (db_open(into, &db, err, sizeof(err)) != 0) {
        fprintf(stderr, "dangxiao: %s\n", err);
        goto out;
    }
    int r = db_restore(db, file);
    if (r != 0)
        fprintf(stderr, "dangxiao: restore: %s\n", db_errmsg(db));
    db_close(db);
    if (r != 0)
        goto out;
    /* Migrated to this version (an older backup keys its chain now),
     * then checked with the backup's own key file. */
    if (open_store(&c, into, keys_in, ST_READ_ONLY, &st) != 0)
        goto out;
    if (check_db(st.db, st.k, cps, ncps, file, &ck) != 0) {
        printf("restore refused: %s is not put in place%s\n", file,
               pg ? " (drop the database it was restored into)" : "");
        goto out;
    }
    close_store(&st);
    if (install_keys(keys_in, key_dest, o.force, false) != 0)
        goto out;
    if (!pg) {
        remove_sidecars(o.db);
        if (rename(tmp, o.db) != 0) {
            fprintf(stderr, "dangxiao: %s: %s\n", o.db, strerror(errno));
            goto out;
        }
        tmp[0] = '\0';
    }
    if (open_store(&c, o.db, NULL, 0, &st) != 0)
        goto out;
    audit_copy(st.db, "restore", file, keys_in, &ck, true);
    printf("restored %s into %s: audit chain intact (%lld rows), the keys "
           "open all %lld sealed values; key file %s\n",
           file, o.db, (long long)ck.v.rows, (long long)ck.sealed, key_dest);
    rc = 0;
out:
    close_store(&st);
    if (tmp[0]) {
        unlink(tmp);
        remove_sidecars(tmp);
    }
    free(cps);
    return rc;
}

static int
cmd_audit(int argc, char **argv)
{
    bool verify = argc >= 2 && strcmp(argv[1], "verify") == 0;
    bool checkpoint = argc >= 2 && strcmp(argv[1], "checkpoint") == 0;
    if (!verify && !checkpoint) {
        if (argc >= 2 && strcmp(argv[1], "--help") == 0)
            return usage(0);
        fprintf(stderr, "dangxiao: audit: the actions are 'verify' and "
                        "'checkpoint'\n");
        return usage(2);
    }
    struct opts o;
    int n;
    if (parse_opts(argc - 1, argv + 1, O_DB | (verify ? O_CHECKPOINT : 0),
                   &o, NULL, 0, &n) != 0)
        return usage(2);
    if (o.help)
        return usage(0);
    struct config c;
    if (load_settings(&c, NULL, false) != 0)
        return 2;
    struct audit_head *cps = NULL;
    size_t ncps = 0;
    if (o.checkpoint && load_checkpoints(o.checkpoint, &cps, &ncps) != 0)
        return 1;
    struct store st;
    if (open_store(&c, o.db, NULL, ST_READ_ONLY, &st) != 0) {
        free(cps);
        return 1;
    }
    int rc = 0;
    if (checkpoint) {
        struct audit_head h;
        char line[256];
        rc = audit_head(st.db, &h);
        if (rc == 0 && h.rows == 0) {
            fprintf(stderr, "dangxiao: the audit log is empty: nothing to "
                            "check against later (audit verify says why)\n");
            rc = ERR_INVAL;
        } else if (rc == 0) {
            audit_checkpoint_line(&h, now_unix(), line, sizeof(line));
            printf("%s\n", line);
        } else {
            fprintf(stderr, "dangxiao: audit checkpoint: %s\n",
                    db_errmsg(st.db));
        }
    } else {
        struct audit_verdict v;
        rc = audit_verify(st.db, cps, ncps, &v);
        if (rc == 0)
            printf("audit log ok: %lld rows, chain intact (keyed from row "
                   "%lld)%s\n",
                   (long long)v.rows, (long long)v.keyed_from,
                   ncps ? ", matches every checkpoint" : "");
        else if (rc == ERR_INVAL)
            printf("audit log BROKEN at row %lld: %s (%lld rows before it "
                   "are intact)\n",
                   (long long)v.bad_id, v.why, (long long)v.rows);
        else
            fprintf(stderr, "dangxiao: audit verify: %s\n",
                    db_errmsg(st.db));
    }
    close_store(&st);
    free(cps);
    return rc == 0 ? 0 : 1;
}

/* Prints the route table and the role table as JSON: the smoke and
 * bad-input tests walk every route from it, so a route added tomorrow is
 * tested the day it lands. */
static int
cmd_routes(int argc, char **argv)
{
    struct opts o;
    int n;
    if (parse_opts(argc, argv, 0, &o, NULL, 0, &n) != 0)
        return usage(2);
    if (o.help)
        return usage(0);
    json_t *j = routes_json();
    int rc = json_dumpf(j, stdout, JSON_INDENT(1)) == 0 ? 0 : 1;
    json_decref(j);
    putchar('\n');
    return rc;
}

static void
print_count(const char *table, int64_t rows, void *ctx)
{
    json_object_set_new(ctx, table, json_integer(rows));
}

/* db counts: the row count of every table, as one JSON object. The
 * database is opened as it is, not migrated: counting changes nothing. */
static int
cmd_db(int argc, char **argv)
{
    int rc;
    if (!one_action(argc, argv, "db", "counts", &rc))
        return rc;
    struct opts o;
    int n;
    if (parse_opts(argc - 1, argv + 1, O_DB, &o, NULL, 0, &n) != 0)
        return usage(2);
    if (o.help)
        return usage(0);
    /* SQLite would create a missing file; a count must not. */
    if (strncmp(o.db, "postgres", 8) != 0 && access(o.db, F_OK) != 0) {
        fprintf(stderr, "dangxiao: no database at %s\n", o.db);
        return 1;
    }
    char err[512];
    struct db *db;
    if (db_open(o.db, &db, err, sizeof(err)) != 0) {
        fprintf(stderr, "dangxiao: %s\n", err);
        return 1;
    }
    json_t *counts = json_object();
    rc = db_table_counts(db, print_count, counts);
    if (rc == 0) {
        json_dumpf(counts, stdout, JSON_INDENT(1));
        putchar('\n');
    } else {
        fprintf(stderr, "dangxiao: db counts: %s\n", db_errmsg(db));
    }
    json_decref(counts);
    db_close(db);
    return rc == 0 ? 0 : 1;
}

/* Writes the audit chain's head to the log and to syslog (AUTHPRIV, so
 * it lands in auth.log or the journal), for safe-keeping off the box. */
static void
log_checkpoint(struct db *db)
{
    struct audit_head h;
    if (audit_head(db, &h) != 0) {
        log_error("audit checkpoint: %s", db_errmsg(db));
        return;
    }
    char line[256];
    audit_checkpoint_line(&h, now_unix(), line, sizeof(line));
    log_info("%s", line);
    syslog_notice(line);
}

/* Waits for a stop signal; meanwhile writes a checkpoint at once and then
 * every period seconds (never when period is 0). Returns the signal. */
static int
wait_for_signal(const sigset_t *set, struct db *cp_db, int64_t period)
{
    int sig = 0;
    if (period <= 0 || cp_db == NULL) {
        sigwait(set, &sig);
        return sig;
    }
    int64_t next = now_unix();
    for (;;) {
        if (now_unix() >= next) {
            log_checkpoint(cp_db);
            next = now_unix() + period;
        }
        int64_t left = next - now_unix();
        struct timespec ts = {left > 0 ? (time_t)left : 0, 0};
        sig = sigtimedwait(set, NULL, &ts);
        if (sig > 0)
            return sig;
    }
}

static int
cmd_serve(int argc, char **argv)
{
    char err[600] = "";
    struct opts o;
    int n;
    if (parse_opts(argc, argv, O_DB | O_LISTEN | O_CONFIG, &o, NULL, 0, &n) !=
        0)
        return usage(2);
    if (o.help) {
        usage(0);
        printf("\n");
        config_print_help();
        return 0;
    }
    if (load_settings(&app_config, o.config, true) != 0)
        return 2;
    if (o.db) /* --db, else DANGXIAO_DB; either beats the file */
        str_copy(app_config.db, sizeof(app_config.db), o.db);
    if (o.listen)
        str_copy(app_config.listen, sizeof(app_config.listen), o.listen);
    if (app_config.db[0] == '\0') {
        fprintf(stderr, "dangxiao: --db is required (or DANGXIAO_DB)\n");
        return usage(2);
    }
    apply_auth_settings(&app_config);
    if (log_access_open(app_config.access_log) != 0) {
        fprintf(stderr, "dangxiao: cannot open access log %s\n",
                app_config.access_log);
        return 1;
    }
    struct store st;
    if (open_store(&app_config, app_config.db, NULL, 0, &st) != 0)
        return 1;
    app_keys = st.k;
    auth_set_keys(app_keys);
    err[0] = '\0';
    if (auth_dict_check(err, sizeof(err)) != 0 || auth_prepare(st.db) != 0) {
        fprintf(stderr, "dangxiao: %s\n", err[0] ? err : db_errmsg(st.db));
        close_store(&st);
        return 1;
    }
    int64_t rekeyed = 0;
    if (people_rekey(st.db, &rekeyed) != 0) {
        fprintf(stderr, "dangxiao: recomputing sort keys: %s\n",
                db_errmsg(st.db));
        close_store(&st);
        return 1;
    }
    if (rekeyed)
        log_info("姓氏笔画 sort keys recomputed for %lld people",
                 (long long)rekeyed);
    /* The checkpoints of the audit chain read on a connection of their
     * own, from this thread. */
    struct db *cp_db = NULL;
    if (app_config.audit_checkpoint_seconds > 0 &&
        db_open(app_config.db, &cp_db, err, sizeof(err)) != 0) {
        fprintf(stderr, "dangxiao: %s\n", err);
        close_store(&st);
        return 1;
    }
    /* Block the stop signals in every thread, before the first one
     * starts: a thread that did not block them would take a SIGTERM
     * while main is not in sigtimedwait (writing a checkpoint) and die
     * of it. main waits for them. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* The migration connection becomes the check-in writer's. */
    if (attend_queue_start(st.db) != 0) {
        close_store(&st);
        if (cp_db)
            db_close(cp_db);
        fprintf(stderr, "dangxiao: cannot start the check-in writer\n");
        return 1;
    }
    st.db = NULL;

    struct http_options ho = {
        .listen = app_config.listen,
        .workers = (int)app_config.workers,
        .max_json_body = (size_t)app_config.max_json_body,
        .max_upload = (size_t)app_config.max_upload,
        /* A photo, and the form's other fields around it. */
        .max_photo = (size_t)(app_config.photo_max_bytes +
                              app_config.max_json_body),
        .body_budget = (size_t)app_config.body_budget_bytes,
        .max_url = (size_t)app_config.max_url_bytes,
        .max_header = (size_t)app_config.max_header_bytes,
        .connection_memory = (size_t)app_config.connection_memory_bytes,
        .idle_timeout = (int)app_config.idle_timeout_seconds,
        .routes = routes,
        .authenticate = app_authenticate,
        .translate = web_translate,
        .error_page = web_error_page,
    };
    /* Password hashing runs on its own bounded pool (log-in floods). */
    app_hash_pool = workq_new((int)app_config.hash_threads,
                              (int)app_config.hash_queue);
    if (app_hash_pool == NULL) {
        fprintf(stderr, "dangxiao: cannot start the hashing threads\n");
        attend_queue_stop();
        return 1;
    }
    struct http_server *s = http_start(&ho, err, sizeof(err));
    if (s == NULL) {
        fprintf(stderr, "dangxiao: %s\n", err);
        workq_free(app_hash_pool);
        attend_queue_stop();
        if (cp_db)
            db_close(cp_db);
        close_store(&st);
        return 1;
    }
    syslog_open("dangxiao");
    int sig = wait_for_signal(&set, cp_db,
                              app_config.audit_checkpoint_seconds);
    log_info("signal %d: finishing requests in flight, then stopping", sig);
    http_stop(s, 10000);
    workq_free(app_hash_pool);
    app_hash_pool = NULL;
    attend_queue_stop();
    app_db_close_all();
    if (cp_db)
        db_close(cp_db);
    close_store(&st);
    app_keys = NULL;
    syslog_close();
    log_access_close();
    log_info("stopped");
    return 0;
}

int
main(int argc, char **argv)
{
    if (sodium_init() < 0) {
        fprintf(stderr, "dangxiao: libsodium failed to start\n");
        return 1;
    }
    if (i18n_init() != 0)
        log_warn("translation catalog missing; the UI will be in English");
    /* The kinds' statements join the query table before any connection
     * opens, so every command prepares and checks them like the rest. */
    if (kinds_init() != 0 || routes_init() != 0) {
        fprintf(stderr, "dangxiao: a kind's declaration passes the limits "
                        "of core/kind.h\n");
        return 1;
    }
    if (argc < 2)
        return usage(2);
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
        strcmp(cmd, "help") == 0)
        return usage(0);
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } cmds[] = {{"init", cmd_init},     {"serve", cmd_serve},
                {"demo", cmd_demo},     {"user", cmd_user},
                {"backup", cmd_backup}, {"restore", cmd_restore},
                {"audit", cmd_audit}, {"routes", cmd_routes},
                {"db", cmd_db}};
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
        if (strcmp(cmd, cmds[i].name) == 0)
            return cmds[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "dangxiao: unknown command '%s'\n", cmd);
    return usage(2);
}

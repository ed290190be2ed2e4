/*
 * main.c - the command line (API.md): init, serve, demo, user add, backup,
 * audit verify, and for the tests routes and db counts. Start-up order
 * for serve: arguments -> settings (file, then environment, then flags)
 * -> database open + migrate -> HTTP.
 *
 * A wrong argument prints the usage and exits 2; a runtime failure exits 1.
 */
#include "api/api.h"
#include "core/config.h"
#include "core/err.h"
#include "core/keyring.h"
#include "core/log.h"
#include "core/util.h"
#include "core/workq.h"
#include "db/db.h"
#include "domain/attend_queue.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/demo.h"
#include "domain/people.h"
#include "domain/hanzi.h"
#include "domain/roles.h"
#include "web/i18n.h"

#include <getopt.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    "  dangxiao backup --db DB FILE            consistent online copy\n"
    "  dangxiao audit verify --db DB           check the audit hash chain\n"
    "  dangxiao routes                         the route and role tables as\n"
    "                                          JSON (for the tests)\n"
    "  dangxiao db counts --db DB              rows of every table, as JSON\n"
    "  dangxiao --help | CMD --help\n"
    "\n"
    "DB is a SQLite file path or a postgresql:// URI; DANGXIAO_DB is the\n"
    "default. Settings come from --config FILE and DANGXIAO_* variables;\n"
    "`dangxiao serve --help` lists them.\n";

static int
usage(int code)
{
    fputs(usage_text, code == 0 ? stdout : stderr);
    return code;
}

/* Options shared by the subcommands; each command says which it takes. */
struct opts {
    const char *db, *listen, *config, *scale, *role, *township;
    int64_t seed, person;
    bool help;
};

enum {
    O_DB = 1 << 0, O_LISTEN = 1 << 1, O_CONFIG = 1 << 2, O_SCALE = 1 << 3,
    O_SEED = 1 << 4, O_ROLE = 1 << 5, O_TOWNSHIP = 1 << 6, O_PERSON = 1 << 7
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
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    static const struct {
        int ch;
        unsigned bit;
    } bits[] = {{'d', O_DB},     {'l', O_LISTEN}, {'c', O_CONFIG},
                {'s', O_SCALE},  {'S', O_SEED},   {'r', O_ROLE},
                {'t', O_TOWNSHIP}, {'p', O_PERSON}};
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

/* Loads the keyring (creating the file when create) and the ICU services
 * the roster needs. */
static struct keyring *
open_keys(const struct config *c, const char *db, bool create)
{
    char path[1100], err[1200];
    if (key_path(c, db, path, sizeof(path)) != 0)
        return NULL;
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
    return k;
}

static void
close_keys(struct keyring *k)
{
    keyring_free(k);
    hanzi_cleanup();
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
    struct keyring *k = open_keys(&c, o.db, true);
    if (k == NULL)
        return 1;
    close_keys(k);
    struct db *db = open_db(o.db);
    if (db == NULL)
        return 1;
    printf("database ready: schema version %d\n", db_schema_version(db));
    db_close(db);
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
    struct keyring *k = open_keys(&c, o.db, true);
    if (k == NULL)
        return 1;
    struct db *db = open_db(o.db);
    if (db == NULL) {
        close_keys(k);
        return 1;
    }
    auth_set_keys(k);
    int rc = demo_build(db, k, scale, (uint64_t)o.seed, stdout);
    close_keys(k);
    if (rc == ERR_CONFLICT)
        fprintf(stderr, "dangxiao: the database already holds villages; "
                        "demo needs a fresh one\n");
    else if (rc != 0)
        fprintf(stderr, "dangxiao: demo: %s\n", db_errmsg(db));
    db_close(db);
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
    /* The keys: to hash the name as log-ins count it, and to read the
     * linked person's numbers that the password must not hold. */
    struct keyring *k = open_keys(&c, o.db, false);
    if (k == NULL) {
        sodium_memzero(pw, sizeof(pw));
        return 1;
    }
    auth_set_keys(k);
    struct db *db = open_db(o.db);
    if (db == NULL || auth_prepare(db) != 0) {
        sodium_memzero(pw, sizeof(pw));
        if (db)
            db_close(db);
        close_keys(k);
        return 1;
    }
    struct audit_who who = {0, "console", "", "", "cli"};
    int64_t id;
    struct user_error e = {0};
    /* The operator at the console: any role (the three administrators
     * only here), and a final password held to the same policy. */
    struct user_new u = {pos[0], pw, o.role, o.township, o.person,
                         USER_BY_CONSOLE};
    rc = auth_user_create(db, &u, &who, &id, &e);
    sodium_memzero(pw, sizeof(pw));
    if (rc != 0)
        fprintf(stderr, "dangxiao: user add: %s%s%s\n",
                e.field ? e.field : "", e.field ? ": " : "",
                e.why ? e.why : db_errmsg(db));
    else
        printf("user %s created (id %lld, role %s)\n", pos[0], (long long)id,
               o.role);
    db_close(db);
    close_keys(k);
    return rc == 0 ? 0 : 1;
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
    struct db *db = open_db(o.db);
    if (db == NULL)
        return 1;
    int rc = db_backup(db, pos[0]);
    if (rc != 0) {
        fprintf(stderr, "dangxiao: backup: %s\n", db_errmsg(db));
    } else {
        struct audit_who who = {0, "console", "", "", "cli"};
        char detail[1100];
        char *qs = NULL;
        json_t *d = json_pack("{s:s}", "file", pos[0]);
        qs = json_dumps(d, JSON_COMPACT);
        json_decref(d);
        str_copy(detail, sizeof(detail), qs);
        free(qs);
        audit_record(db, &who, "backup", "database", true, detail);
        printf("backup written to %s\n", pos[0]);
    }
    db_close(db);
    return rc == 0 ? 0 : 1;
}

static int
cmd_audit(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "verify") != 0) {
        fprintf(stderr, "dangxiao: audit: the only action is 'verify'\n");
        return usage(2);
    }
    struct opts o;
    int n;
    if (parse_opts(argc - 1, argv + 1, O_DB, &o, NULL, 0, &n) != 0)
        return usage(2);
    if (o.help)
        return usage(0);
    struct db *db = open_db(o.db);
    if (db == NULL)
        return 1;
    int64_t rows, bad;
    char why[128];
    int rc = audit_verify(db, &rows, &bad, why, sizeof(why));
    if (rc == 0)
        printf("audit log ok: %lld rows, hash chain intact\n",
               (long long)rows);
    else if (rc == ERR_INVAL)
        printf("audit log BROKEN at row %lld: %s (%lld rows before it are "
               "intact)\n",
               (long long)bad, why, (long long)rows);
    else
        fprintf(stderr, "dangxiao: audit verify: %s\n", db_errmsg(db));
    db_close(db);
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
    json_t *j = api_routes_json();
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

static int
cmd_serve(int argc, char **argv)
{
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
    struct db *db = open_db(app_config.db);
    if (db == NULL)
        return 1;
    char err[600] = "";
    app_keys = open_keys(&app_config, app_config.db, false);
    if (app_keys == NULL) {
        db_close(db);
        return 1;
    }
    auth_set_keys(app_keys);
    if (auth_dict_check(err, sizeof(err)) != 0 || auth_prepare(db) != 0) {
        fprintf(stderr, "dangxiao: %s\n", err[0] ? err : db_errmsg(db));
        db_close(db);
        close_keys(app_keys);
        return 1;
    }
    int64_t rekeyed = 0;
    if (people_rekey(db, &rekeyed) != 0) {
        fprintf(stderr, "dangxiao: recomputing sort keys: %s\n",
                db_errmsg(db));
        db_close(db);
        return 1;
    }
    if (rekeyed)
        log_info("姓氏笔画 sort keys recomputed for %lld people",
                 (long long)rekeyed);
    /* The migration connection becomes the check-in writer's. */
    if (attend_queue_start(db) != 0) {
        db_close(db);
        fprintf(stderr, "dangxiao: cannot start the check-in writer\n");
        return 1;
    }

    /* Block the stop signals in every thread; main waits for them. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

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
        .routes = api_routes,
        .authenticate = api_authenticate,
        .translate = web_translate,
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
        return 1;
    }
    int sig = 0;
    sigwait(&set, &sig);
    log_info("signal %d: finishing requests in flight, then stopping", sig);
    http_stop(s, 10000);
    workq_free(app_hash_pool);
    app_hash_pool = NULL;
    attend_queue_stop();
    api_db_close_all();
    close_keys(app_keys);
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
                {"backup", cmd_backup}, {"audit", cmd_audit},
                {"routes", cmd_routes}, {"db", cmd_db}};
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
        if (strcmp(cmd, cmds[i].name) == 0)
            return cmds[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "dangxiao: unknown command '%s'\n", cmd);
    return usage(2);
}

/*
 * db_pg.c - the PostgreSQL backend over libpq, synchronous, one connection
 * per worker (STYLE 26). Statements are prepared on first use, per
 * connection, under the name "q<N>". Parameters travel as text.
 */
#include "db_int.h"

#include "../core/err.h"
#include "../core/util.h"

#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct db_res {
    struct db *db;       /* must be first: see db.c */
    PGresult *res;
    int row, nrows;
    enum query q;
    unsigned char *blob; /* the last db_blob, unescaped (PQfreemem) */
};

struct db_pg {
    struct db base;
    PGconn *conn;
    bool prepared[DB_MAX_QUERIES];
    struct db_res res[DB_MAX_QUERIES];
};

static void
quiet_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static int
set_result_error(struct db_pg *p, PGresult *res, const char *what)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    int e = ERR_DB;
    if (state && strcmp(state, "23505") == 0)
        e = ERR_CONFLICT;
    const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(p->conn);
    db_set_error(&p->base, e, "%s: %s", what, msg);
    /* Drop the trailing newline libpq adds. */
    size_t n = strlen(p->base.errmsg);
    if (n && p->base.errmsg[n - 1] == '\n')
        p->base.errmsg[n - 1] = '\0';
    return e;
}

/* If the server went away, reconnect once; prepared statements are lost
 * with the old session. */
static void
check_conn(struct db_pg *p)
{
    if (PQstatus(p->conn) == CONNECTION_OK)
        return;
    PQreset(p->conn);
    memset(p->prepared, 0, sizeof(p->prepared));
}

static int
pg_prepare(struct db_pg *p, enum query q)
{
    if (p->prepared[q])
        return 0;
    char name[16];
    str_fmt(name, sizeof(name), "q%d", (int)q);
    const char *sql = db_queries[q].pg ? db_queries[q].pg : db_queries[q].sqlite;
    PGresult *res = PQprepare(p->conn, name, sql, 0, NULL);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        int e = set_result_error(p, res, db_queries[q].name);
        PQclear(res);
        return e;
    }
    PQclear(res);
    p->prepared[q] = true;
    return 0;
}

static struct db_res *
pg_query(struct db *db, enum query q, const struct db_param *prm, int n)
{
    struct db_pg *p = (struct db_pg *)db;
    check_conn(p);
    if (pg_prepare(p, q) != 0)
        return NULL;
    char nums[DB_MAX_PARAMS][24];
    const char *values[DB_MAX_PARAMS];
    int lengths[DB_MAX_PARAMS], formats[DB_MAX_PARAMS];
    for (int i = 0; i < n; i++) {
        lengths[i] = formats[i] = 0;
        if (prm[i].kind == 'b') { /* bytes go in binary format */
            values[i] = prm[i].s;
            lengths[i] = (int)prm[i].len;
            formats[i] = 1;
        } else if (prm[i].kind == 'i') {
            str_fmt(nums[i], sizeof(nums[i]), "%lld", (long long)prm[i].i);
            values[i] = nums[i];
        } else if (prm[i].kind == 's') {
            values[i] = prm[i].s;
        } else {
            values[i] = NULL;
        }
    }
    char name[16];
    str_fmt(name, sizeof(name), "q%d", (int)q);
    PGresult *res = PQexecPrepared(p->conn, name, n, values, lengths,
                                   formats, 0);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        set_result_error(p, res, db_queries[q].name);
        PQclear(res);
        return NULL;
    }
    struct db_res *r = &p->res[q];
    if (r->res)
        PQclear(r->res);
    PQfreemem(r->blob);
    r->blob = NULL;
    r->db = db;
    r->res = res;
    r->row = -1;
    r->nrows = PQntuples(res);
    r->q = q;
    const char *ct = PQcmdTuples(res);
    db->changes = (ct && *ct) ? atoi(ct) : 0;
    return r;
}

static int
pg_next(struct db_res *r)
{
    PQfreemem(r->blob);
    r->blob = NULL;
    if (r->row + 1 >= r->nrows)
        return 0;
    r->row++;
    return 1;
}

static int64_t
pg_int(struct db_res *r, int col)
{
    if (PQgetisnull(r->res, r->row, col))
        return 0;
    return strtoll(PQgetvalue(r->res, r->row, col), NULL, 10);
}

static const char *
pg_text(struct db_res *r, int col)
{
    if (PQgetisnull(r->res, r->row, col))
        return NULL;
    return PQgetvalue(r->res, r->row, col);
}

static bool
pg_null(struct db_res *r, int col)
{
    return PQgetisnull(r->res, r->row, col);
}

/* bytea comes as text ("\\x…" hex); unescaped once per row. */
static const void *
pg_blob(struct db_res *r, int col, size_t *len)
{
    *len = 0;
    if (PQgetisnull(r->res, r->row, col))
        return NULL;
    PQfreemem(r->blob);
    r->blob = PQunescapeBytea(
        (const unsigned char *)PQgetvalue(r->res, r->row, col), len);
    return r->blob;
}

static void
pg_end(struct db_res *r)
{
    PQfreemem(r->blob);
    r->blob = NULL;
    PQclear(r->res);
    r->res = NULL;
}

static int
pg_exec_script(struct db *db, const char *sql)
{
    struct db_pg *p = (struct db_pg *)db;
    check_conn(p);
    PGresult *res = PQexec(p->conn, sql);
    ExecStatusType st = PQresultStatus(res);
    int e = 0;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        e = set_result_error(p, res, "script");
    PQclear(res);
    return e;
}

/* Runs a PostgreSQL client program (pg_dump, pg_restore) against this
 * connection's database. Its parameters (host, port, user, password,
 * database, SSL mode...) go in the program's environment as libpq's own
 * PG* variables: on its command line a password would show in ps. */
static int
run_tool(struct db_pg *p, const char *const argv[])
{
    extern char **environ;
    PQconninfoOption *opts = PQconninfo(p->conn);
    size_t n = 0, k = 0;
    while (environ[n])
        n++;
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        k++;
    char **env = xcalloc(n + k + 1, sizeof(char *));
    char **ours = xcalloc(k + 1, sizeof(char *));
    size_t m = 0, nours = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "PG", 2) != 0) /* ours replace the caller's */
            env[m++] = environ[i];
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        if (o->envvar && o->val && *o->val) {
            size_t len = strlen(o->envvar) + strlen(o->val) + 2;
            char *v = xmalloc(len);
            str_fmt(v, len, "%s=%s", o->envvar, o->val);
            env[m++] = ours[nours++] = v;
        }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        execvpe(argv[0], (char *const *)(uintptr_t)argv, env);
        _exit(127);
    }
    for (size_t i = 0; i < nours; i++) {
        explicit_bzero(ours[i], strlen(ours[i]));
        free(ours[i]);
    }
    free(ours);
    free(env);
    PQconninfoFree(opts);
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid) {
        db_set_error(&p->base, ERR_IO, "%s: cannot run it", argv[0]);
        return ERR_IO;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
        db_set_error(&p->base, ERR_NOTFOUND,
                     "%s is not installed (Debian: apt-get install "
                     "postgresql-client)", argv[0]);
        return ERR_NOTFOUND;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        db_set_error(&p->base, ERR_IO, "%s failed (exit %d); its message is "
                     "above", argv[0],
                     WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return ERR_IO;
    }
    return 0;
}

static int
pg_backup(struct db *db, const char *path)
{
    /* The custom format: compressed, restored by pg_restore, one
     * consistent snapshot (pg_dump reads in one repeatable-read
     * transaction while the servers go on writing). */
    const char *argv[] = {"pg_dump", "--format=custom", "--no-owner",
                          "--file", path, NULL};
    return run_tool((struct db_pg *)db, argv);
}

static int
pg_restore(struct db *db, const char *path)
{
    struct db_pg *p = (struct db_pg *)db;
    PGresult *res = PQexec(p->conn, "SELECT COUNT(*) FROM pg_tables "
                                    "WHERE schemaname = 'public'");
    bool empty = PQresultStatus(res) == PGRES_TUPLES_OK &&
                 strcmp(PQgetvalue(res, 0, 0), "0") == 0;
    PQclear(res);
    if (!empty) {
        db_set_error(db, ERR_CONFLICT,
                     "database %s already holds tables: restore into a new, "
                     "empty database (createdb), then point the servers at "
                     "it", PQdb(p->conn));
        return ERR_CONFLICT;
    }
    const char *argv[] = {"pg_restore", "--no-owner", "--exit-on-error",
                          "--single-transaction", "--dbname",
                          PQdb(p->conn), path, NULL};
    return run_tool(p, argv);
}

static int
pg_prepare_only(struct db *db, enum query q, int *nparams)
{
    struct db_pg *p = (struct db_pg *)db;
    int rc = pg_prepare(p, q);
    if (rc != 0)
        return rc;
    char name[16];
    str_fmt(name, sizeof(name), "q%d", (int)q);
    PGresult *res = PQdescribePrepared(p->conn, name);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        rc = set_result_error(p, res, db_queries[q].name);
        PQclear(res);
        return rc;
    }
    *nparams = PQnparams(res);
    PQclear(res);
    return 0;
}

static int
pg_count_rows(struct db *db, const char *table, int64_t *out)
{
    struct db_pg *p = (struct db_pg *)db;
    check_conn(p);
    char *id = PQescapeIdentifier(p->conn, table, strlen(table));
    if (id == NULL) {
        db_set_error(db, ERR_DB, "%s: %s", table, PQerrorMessage(p->conn));
        return ERR_DB;
    }
    char sql[600];
    int e = str_fmt(sql, sizeof(sql), "SELECT count(*) FROM %s", id);
    PQfreemem(id);
    if (e != 0) {
        db_set_error(db, ERR_INVAL, "%s: table name too long", table);
        return ERR_INVAL;
    }
    PGresult *res = PQexec(p->conn, sql);
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
        e = set_result_error(p, res, table);
    } else if (parse_i64(PQgetvalue(res, 0, 0), out) != 0) {
        db_set_error(db, ERR_DB, "%s: count is not a number", table);
        e = ERR_DB;
    }
    PQclear(res);
    return e;
}

static void
pg_close(struct db *db)
{
    struct db_pg *p = (struct db_pg *)db;
    for (int i = 0; i < db_nqueries; i++)
        if (p->res[i].res)
            PQclear(p->res[i].res);
    for (int i = 0; i < db_nqueries; i++)
        PQfreemem(p->res[i].blob);
    PQfinish(p->conn);
    free(p);
}

static const struct db_ops pg_ops = {
    .close = pg_close,
    .query = pg_query,
    .next = pg_next,
    .col_int = pg_int,
    .col_text = pg_text,
    .col_null = pg_null,
    .col_blob = pg_blob,
    .end = pg_end,
    .exec_script = pg_exec_script,
    .backup = pg_backup,
    .restore = pg_restore,
    .prepare_only = pg_prepare_only,
    .count_rows = pg_count_rows,
};

int
db_pg_open(const char *uri, struct db **out, char *err, size_t errlen)
{
    struct db_pg *p = xcalloc(1, sizeof(*p));
    p->base.ops = &pg_ops;
    p->base.kind = DB_PG;
    p->conn = PQconnectdb(uri);
    if (PQstatus(p->conn) != CONNECTION_OK) {
        str_fmt(err, errlen, "postgresql: %s", PQerrorMessage(p->conn));
        size_t n = strlen(err);
        if (n && err[n - 1] == '\n')
            err[n - 1] = '\0';
        PQfinish(p->conn);
        free(p);
        return ERR_DB;
    }
    PQsetNoticeProcessor(p->conn, quiet_notice, NULL);
    if (pg_exec_script(&p->base, "SET TIME ZONE 'UTC'") != 0) {
        str_fmt(err, errlen, "postgresql: %s", p->base.errmsg);
        pg_close(&p->base);
        return ERR_DB;
    }
    *out = &p->base;
    return 0;
}

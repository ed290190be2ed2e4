/*
 * queries.h - every SQL statement the program runs, in one table.
 *
 * Q(NAME, sql, pg_sql): pg_sql is NULL when PostgreSQL takes the same text.
 * Parameters are written $1, $2, ... in order of first appearance (SQLite
 * reads $N as a named parameter bound by position; db_sqlite.c checks the
 * order when it prepares). Results are read by column number, so each
 * statement's column list is part of its contract with the caller.
 */
#pragma once

#define DB_QUERIES(Q)                                                        \
    /* -- schema bookkeeping ------------------------------------------- */ \
    Q(MIGRATION_VERSION,                                                     \
      "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", NULL)       \
    Q(MIGRATION_INSERT,                                                      \
      "INSERT INTO schema_migrations(version, name, applied_at) "            \
      "VALUES ($1, $2, $3)", NULL)                                           \
    Q(MIGRATION_LOCK, "SELECT 1", "SELECT pg_advisory_xact_lock(72417231)")  \
    /* -- townships and villages --------------------------------------- */ \
    /* code, name, kind, valid_from, valid_to, code_is_placeholder */       \
    Q(TOWNSHIP_LIST,                                                         \
      "SELECT code, name, kind, valid_from, valid_to, code_is_placeholder "  \
      "FROM townships WHERE valid_to IS NULL ORDER BY seq "                  \
      "LIMIT $1 OFFSET $2", NULL)                                            \
    Q(TOWNSHIP_COUNT,                                                        \
      "SELECT COUNT(*) FROM townships WHERE valid_to IS NULL", NULL)         \
    /* name */                                                               \
    Q(TOWNSHIP_GET,                                                          \
      "SELECT name FROM townships WHERE code = $1 AND valid_to IS NULL",     \
      NULL)                                                                  \
    /* id, code, name, township_code, township name; filters: township,    \
     * name substring; paging */                                             \
    Q(VILLAGE_LIST,                                                          \
      "SELECT v.id, v.code, v.name, v.township_code, t.name "                \
      "FROM villages v JOIN townships t ON t.code = v.township_code "        \
      "WHERE v.valid_to IS NULL "                                            \
      "AND (CAST($1 AS TEXT) IS NULL OR v.township_code = $1) "              \
      "AND (CAST($2 AS TEXT) IS NULL OR v.name LIKE '%' || $2 || '%') "      \
      "ORDER BY v.township_code, v.id LIMIT $3 OFFSET $4", NULL)             \
    Q(VILLAGE_COUNT,                                                         \
      "SELECT COUNT(*) FROM villages v WHERE v.valid_to IS NULL "            \
      "AND (CAST($1 AS TEXT) IS NULL OR v.township_code = $1) "              \
      "AND (CAST($2 AS TEXT) IS NULL OR v.name LIKE '%' || $2 || '%')",      \
      NULL)                                                                  \
    Q(VILLAGE_INSERT,                                                        \
      "INSERT INTO villages(code, name, township_code, valid_from, is_demo, "\
      "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", NULL)      \
    /* -- users ----------------------------------------------------------- */\
    /* id, username, password_hash, role, township_code, person_id,        \
     * must_change_password, password_changed_at, failed_count,            \
     * locked_until, disabled */                                            \
    Q(USER_BY_NAME,                                                          \
      "SELECT id, username, password_hash, role, township_code, person_id, " \
      "must_change_password, password_changed_at, failed_count, "            \
      "locked_until, disabled FROM users WHERE username = $1", NULL)         \
    Q(USER_BY_ID,                                                            \
      "SELECT id, username, password_hash, role, township_code, person_id, " \
      "must_change_password, password_changed_at, failed_count, "            \
      "locked_until, disabled FROM users WHERE id = $1", NULL)               \
    Q(USER_LIST,                                                             \
      "SELECT id, username, '', role, township_code, person_id, "            \
      "must_change_password, password_changed_at, failed_count, "            \
      "locked_until, disabled FROM users ORDER BY id LIMIT $1 OFFSET $2",    \
      NULL)                                                                  \
    Q(USER_COUNT, "SELECT COUNT(*) FROM users", NULL)                        \
    Q(USER_COUNT_LOCKED,                                                     \
      "SELECT COUNT(*) FROM users WHERE locked_until > $1", NULL)            \
    Q(USER_INSERT,                                                           \
      "INSERT INTO users(username, password_hash, role, township_code, "     \
      "person_id, must_change_password, password_changed_at, is_demo, "      \
      "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7) "             \
      "RETURNING id", NULL)                                                  \
    Q(USER_FAILED_LOGIN,                                                     \
      "UPDATE users SET failed_count = failed_count + 1 WHERE id = $1 "      \
      "RETURNING failed_count", NULL)                                        \
    Q(USER_LOCK,                                                             \
      "UPDATE users SET locked_until = $1, failed_count = 0 WHERE id = $2",  \
      NULL)                                                                  \
    Q(USER_GOOD_LOGIN,                                                       \
      "UPDATE users SET failed_count = 0, locked_until = 0 "                 \
      "WHERE id = $1 AND (failed_count <> 0 OR locked_until <> 0)", NULL)    \
    Q(USER_SET_PASSWORD,                                                     \
      "UPDATE users SET password_hash = $1, must_change_password = $2, "     \
      "password_changed_at = $3 WHERE id = $4", NULL)                        \
    Q(USER_UPDATE,                                                           \
      "UPDATE users SET role = $1, township_code = $2, disabled = $3 "       \
      "WHERE id = $4", NULL)                                                 \
    Q(PWHIST_INSERT,                                                         \
      "INSERT INTO password_history(user_id, password_hash, created_at) "    \
      "VALUES ($1, $2, $3)", NULL)                                           \
    Q(PWHIST_RECENT,                                                         \
      "SELECT password_hash FROM password_history WHERE user_id = $1 "       \
      "ORDER BY id DESC LIMIT $2", NULL)                                     \
    /* -- sessions and tokens ------------------------------------------ */ \
    Q(SESSION_INSERT,                                                        \
      "INSERT INTO sessions(token_hash, user_id, csrf, created_at, "         \
      "last_seen_at, ip) VALUES ($1, $2, $3, $4, $4, $5) RETURNING id",      \
      NULL)                                                                  \
    /* the user columns of USER_BY_ID, then session id, csrf,             \
     * created_at, last_seen_at */                                          \
    Q(SESSION_LOOKUP,                                                        \
      "SELECT u.id, u.username, '', u.role, u.township_code, u.person_id, "  \
      "u.must_change_password, u.password_changed_at, u.failed_count, "      \
      "u.locked_until, u.disabled, s.id, s.csrf, s.created_at, "             \
      "s.last_seen_at "                                                      \
      "FROM sessions s JOIN users u ON u.id = s.user_id "                    \
      "WHERE s.token_hash = $1", NULL)                                       \
    Q(SESSION_TOUCH,                                                         \
      "UPDATE sessions SET last_seen_at = $1 WHERE id = $2", NULL)           \
    Q(SESSION_DELETE, "DELETE FROM sessions WHERE id = $1", NULL)            \
    Q(SESSION_DELETE_USER,                                                   \
      "DELETE FROM sessions WHERE user_id = $1 AND id <> $2", NULL)          \
    Q(SESSION_PURGE,                                                         \
      "DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2",     \
      NULL)                                                                  \
    Q(TOKEN_INSERT,                                                          \
      "INSERT INTO api_tokens(token_hash, user_id, name, created_at) "       \
      "VALUES ($1, $2, $3, $4) RETURNING id", NULL)                          \
    /* the user columns of USER_BY_ID, then the token id */              \
    Q(TOKEN_LOOKUP,                                                          \
      "SELECT u.id, u.username, '', u.role, u.township_code, u.person_id, "  \
      "u.must_change_password, u.password_changed_at, u.failed_count, "      \
      "u.locked_until, u.disabled, t.id "                                    \
      "FROM api_tokens t JOIN users u ON u.id = t.user_id "                  \
      "WHERE t.token_hash = $1 AND t.revoked = 0", NULL)                     \
    /* -- audit log ------------------------------------------------------ */\
    Q(AUDIT_LOCK, "SELECT 1", "SELECT pg_advisory_xact_lock(72417232)")     \
    Q(AUDIT_LAST,                                                            \
      "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", NULL)       \
    Q(AUDIT_INSERT,                                                          \
      "INSERT INTO audit_log(id, at, user_id, username, role, event, "       \
      "object, success, ip, client, detail, prev_hash, hash) "               \
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",     \
      NULL)                                                                  \
    /* id, at, user_id, username, role, event, object, success, ip,       \
     * client, detail, prev_hash, hash */                                  \
    Q(AUDIT_LIST,                                                            \
      "SELECT id, at, user_id, username, role, event, object, success, ip, " \
      "client, detail, prev_hash, hash FROM audit_log "                      \
      "WHERE (CAST($1 AS TEXT) IS NULL OR event = $1) "                      \
      "AND (CAST($2 AS TEXT) IS NULL OR username = $2) "                     \
      "AND at >= $3 AND at < $4 "                                            \
      "ORDER BY id DESC LIMIT $5 OFFSET $6", NULL)                           \
    Q(AUDIT_COUNT,                                                           \
      "SELECT COUNT(*) FROM audit_log "                                      \
      "WHERE (CAST($1 AS TEXT) IS NULL OR event = $1) "                      \
      "AND (CAST($2 AS TEXT) IS NULL OR username = $2) "                     \
      "AND at >= $3 AND at < $4", NULL)                                      \
    Q(AUDIT_SCAN,                                                            \
      "SELECT id, at, user_id, username, role, event, object, success, ip, " \
      "client, detail, prev_hash, hash FROM audit_log WHERE id > $1 "        \
      "ORDER BY id LIMIT 1000", NULL)

#define Q_ENUM(name, sqlite, pg) Q_##name,
enum query { DB_QUERIES(Q_ENUM) Q__COUNT };
#undef Q_ENUM

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
    Q(MIGRATION_APPLIED,                                                     \
      "SELECT COUNT(*) FROM schema_migrations WHERE version = $1", NULL)     \
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
      "SELECT id, hash, mac FROM audit_log ORDER BY id DESC LIMIT 1", NULL)  \
    Q(AUDIT_INSERT,                                                          \
      "INSERT INTO audit_log(id, at, user_id, username, role, event, "       \
      "object, success, ip, client, detail, prev_hash, hash, mac) "          \
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",\
      NULL)                                                                  \
    /* id, at, user_id, username, role, event, object, success, ip,       \
     * client, detail, prev_hash, hash */                                  \
    Q(AUDIT_LIST,                                                            \
      "SELECT id, at, user_id, username, role, event, object, success, ip, " \
      "client, detail, prev_hash, hash FROM audit_log "                      \
      "WHERE (CAST($1 AS TEXT) IS NULL OR event = $1) "                      \
      "AND (CAST($2 AS TEXT) IS NULL OR username = $2) "                     \
      "AND (CAST($3 AS TEXT) IS NULL OR object = $3) "                       \
      "AND at >= $4 AND at < $5 "                                            \
      "ORDER BY id DESC LIMIT $6 OFFSET $7", NULL)                           \
    Q(AUDIT_COUNT,                                                           \
      "SELECT COUNT(*) FROM audit_log "                                      \
      "WHERE (CAST($1 AS TEXT) IS NULL OR event = $1) "                      \
      "AND (CAST($2 AS TEXT) IS NULL OR username = $2) "                     \
      "AND (CAST($3 AS TEXT) IS NULL OR object = $3) "                       \
      "AND at >= $4 AND at < $5", NULL)                                      \
    Q(AUDIT_SCAN,                                                            \
      "SELECT id, at, user_id, username, role, event, object, success, ip, " \
      "client, detail, prev_hash, hash, mac FROM audit_log WHERE id > $1 "   \
      "ORDER BY id LIMIT 1000", NULL)

/* The people list: filters shared by the count and both sort orders.
 * $1 township, $2 political_status, $3 flag, $4 q (as typed), $5 q in
 * lower case (pinyin), $6 q in upper case (ID suffix with X). There are
 * two variants: with a township ("_T", the school admin's case) the
 * index (township_code, sort_*, id) serves both the filter and the
 * order; without one, (sort_*, id) serves the order. An "$1 IS NULL OR"
 * on the indexed column would hide it from the planner. */
#define PEOPLE_FILTERS                                                        \
    "AND (CAST($2 AS TEXT) IS NULL OR p.political_status = $2) "              \
    "AND (CAST($3 AS TEXT) IS NULL OR p.flags LIKE '%,' || $3 || ',%') "      \
    "AND (CAST($4 AS TEXT) IS NULL OR p.name LIKE '%' || $4 || '%' "          \
    "     OR p.name_pinyin LIKE $5 || '%' OR p.name_initials LIKE $5 || '%' " \
    "     OR p.id_number_last4 = $6 OR p.phone_last4 = $4) "
#define PEOPLE_WHERE_T                                                        \
    "WHERE p.township_code = $1 AND p.voided_at IS NULL " PEOPLE_FILTERS
#define PEOPLE_WHERE_ALL                                                      \
    "WHERE CAST($1 AS TEXT) IS NULL AND p.voided_at IS NULL " PEOPLE_FILTERS
#define PEOPLE_COLS                                                           \
    "SELECT p.id, p.name, p.gender, p.birth_date, p.id_number_enc, "          \
    "p.id_number_masked, p.phone_enc, p.phone_masked, p.political_status, "   \
    "p.member_category, p.township_code, p.village_code, p.org_id, p.flags, " \
    "p.voided_at, p.void_reason, p.created_at, p.updated_at FROM people p "
/* The same columns for lists, with NULL in place of what a list never
 * shows (the sealed values, the void reason, the times): the sorter then
 * carries smaller rows, which measured a fifth faster on SQLite. */
#define PEOPLE_COLS_LIST                                                      \
    "SELECT p.id, p.name, p.gender, p.birth_date, NULL, "                     \
    "p.id_number_masked, NULL, p.phone_masked, p.political_status, "          \
    "p.member_category, p.township_code, p.village_code, p.org_id, p.flags, " \
    "p.voided_at, NULL, NULL, NULL FROM people p "
#define PEOPLE_PAGE "LIMIT $7 OFFSET $8"

/* Searches (q given) are driven by the matching ids, found through the
 * search indexes (UNION ALL: IN keeps a set anyway, so a UNION's own
 * de-duplication would be paid twice); each branch is switched off by a
 * NULL parameter, which both databases evaluate once, before touching a
 * row. $1 pinyin prefix (lower), $2 township, $3 the prefix's upper
 * bound, $4 last 4 of an ID or phone, $5 name substring; then $6 status,
 * $7 flag, $8 limit, $9 offset. TOWN is "township_code = $2" or, county-wide,
 * "CAST($2 AS TEXT) IS NULL". */
#define PEOPLE_MATCH(TOWN)                                                    \
    "WHERE p.id IN ("                                                         \
    " SELECT id FROM people WHERE CAST($1 AS TEXT) IS NOT NULL AND " TOWN     \
    "  AND voided_at IS NULL AND name_pinyin >= $1 AND name_pinyin < $3"      \
    " UNION ALL SELECT id FROM people WHERE CAST($1 AS TEXT) IS NOT NULL "    \
    "  AND " TOWN " AND voided_at IS NULL"                                    \
    "  AND name_initials >= $1 AND name_initials < $3"                        \
    " UNION ALL SELECT id FROM people WHERE CAST($4 AS TEXT) IS NOT NULL "    \
    "  AND id_number_last4 = $4 AND " TOWN " AND voided_at IS NULL"           \
    " UNION ALL SELECT id FROM people WHERE CAST($4 AS TEXT) IS NOT NULL "    \
    "  AND phone_last4 = $4 AND " TOWN " AND voided_at IS NULL"               \
    " UNION ALL SELECT id FROM people WHERE CAST($5 AS TEXT) IS NOT NULL "    \
    "  AND " TOWN " AND voided_at IS NULL"                                    \
    "  AND name LIKE '%' || $5 || '%') "                                      \
    "AND (CAST($6 AS TEXT) IS NULL OR p.political_status = $6) "              \
    "AND (CAST($7 AS TEXT) IS NULL OR p.flags LIKE '%,' || $7 || ',%') "
#define TOWN_T "township_code = $2"
#define TOWN_ALL "CAST($2 AS TEXT) IS NULL"
#define SEARCH_PAGE "LIMIT $8 OFFSET $9"

/* The pages of people in both orders, searched or listed, in a township
 * or county-wide: once with COLS for lists, once (P = EXPORT_) with
 * every column for exports. */
#define PEOPLE_PAGES(Q, P, COLS)                                              \
    Q(P##SEARCH_T_PINYIN,                                                     \
      COLS PEOPLE_MATCH(TOWN_T) "ORDER BY p.sort_pinyin, p.id "               \
      SEARCH_PAGE, NULL)                                                      \
    Q(P##SEARCH_T_STROKES,                                                    \
      COLS PEOPLE_MATCH(TOWN_T) "ORDER BY p.sort_strokes, p.id "              \
      SEARCH_PAGE, NULL)                                                      \
    Q(P##SEARCH_ALL_PINYIN,                                                   \
      COLS PEOPLE_MATCH(TOWN_ALL) "ORDER BY p.sort_pinyin, p.id "             \
      SEARCH_PAGE, NULL)                                                      \
    Q(P##SEARCH_ALL_STROKES,                                                  \
      COLS PEOPLE_MATCH(TOWN_ALL) "ORDER BY p.sort_strokes, p.id "            \
      SEARCH_PAGE, NULL)                                                      \
    Q(P##PEOPLE_LIST_T_PINYIN,                                                \
      COLS PEOPLE_WHERE_T "ORDER BY p.sort_pinyin, p.id " PEOPLE_PAGE,        \
      NULL)                                                                   \
    Q(P##PEOPLE_LIST_T_STROKES,                                               \
      COLS PEOPLE_WHERE_T "ORDER BY p.sort_strokes, p.id "                    \
      PEOPLE_PAGE, NULL)                                                      \
    Q(P##PEOPLE_LIST_ALL_PINYIN,                                              \
      COLS PEOPLE_WHERE_ALL "ORDER BY p.sort_pinyin, p.id "                   \
      PEOPLE_PAGE, NULL)                                                      \
    Q(P##PEOPLE_LIST_ALL_STROKES,                                             \
      COLS PEOPLE_WHERE_ALL "ORDER BY p.sort_strokes, p.id "                  \
      PEOPLE_PAGE, NULL)

#define DB_QUERIES_PEOPLE(Q)                                                  \
    Q(SEARCH_COUNT_T,                                                         \
      "SELECT COUNT(*) FROM people p " PEOPLE_MATCH(TOWN_T), NULL)            \
    Q(SEARCH_COUNT_ALL,                                                       \
      "SELECT COUNT(*) FROM people p " PEOPLE_MATCH(TOWN_ALL), NULL)          \
    /* Unfiltered counts read the partial index only. */                     \
    Q(PEOPLE_COUNT_T_ALL,                                                     \
      "SELECT COUNT(*) FROM people WHERE township_code = $1 "                 \
      "AND voided_at IS NULL", NULL)                                          \
    Q(PEOPLE_COUNT_T, "SELECT COUNT(*) FROM people p " PEOPLE_WHERE_T, NULL)  \
    Q(PEOPLE_COUNT_ALL, "SELECT COUNT(*) FROM people p " PEOPLE_WHERE_ALL,    \
      NULL)                                                                   \
    PEOPLE_PAGES(Q, , PEOPLE_COLS_LIST)                                       \
    PEOPLE_PAGES(Q, EXPORT_, PEOPLE_COLS)                                     \
    Q(PERSON_GET, PEOPLE_COLS "WHERE p.id = $1", NULL)                        \
    Q(DERIVED_VERSION,                                                        \
      "SELECT version FROM derived_versions WHERE name = $1", NULL)           \
    Q(DERIVED_VERSION_SET,                                                    \
      "UPDATE derived_versions SET version = $1 WHERE name = $2", NULL)       \
    Q(PEOPLE_NAMES, "SELECT id, name FROM people ORDER BY id", NULL)          \
    /* id, id_number_enc, id_number_hash, phone_enc, phone_hash */          \
    Q(PEOPLE_SEALED,                                                          \
      "SELECT id, id_number_enc, id_number_hash, phone_enc, phone_hash "      \
      "FROM people WHERE id > $1 ORDER BY id LIMIT 1000", NULL)               \
    Q(PERSON_SET_STROKES,                                                     \
      "UPDATE people SET sort_strokes = $1 WHERE id = $2", NULL)              \
    Q(PERSON_INSERT,                                                          \
      "INSERT INTO people(name, gender, birth_date, id_number_enc, "          \
      "id_number_hash, id_number_last4, id_number_masked, phone_enc, "        \
      "phone_hash, phone_last4, phone_masked, political_status, "             \
      "member_category, township_code, village_code, org_id, flags, "         \
      "name_pinyin, name_initials, sort_pinyin, sort_strokes, is_demo, "      \
      "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "  \
      "$10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, "     \
      "$23, $23) RETURNING id", NULL)                                         \
    Q(PERSON_UPDATE,                                                          \
      "UPDATE people SET name = $1, political_status = $2, "                  \
      "member_category = $3, township_code = $4, village_code = $5, "         \
      "org_id = $6, flags = $7, name_pinyin = $8, name_initials = $9, "       \
      "sort_pinyin = $10, sort_strokes = $11, updated_at = $12 "              \
      "WHERE id = $13 AND voided_at IS NULL", NULL)                           \
    Q(PERSON_SET_PHONE,                                                       \
      "UPDATE people SET phone_enc = $1, phone_hash = $2, phone_last4 = $3, " \
      "phone_masked = $4 WHERE id = $5", NULL)                                \
    Q(PERSON_VOID,                                                            \
      "UPDATE people SET voided_at = $1, void_reason = $2, updated_at = $1 "  \
      "WHERE id = $3 AND voided_at IS NULL", NULL)                            \
    Q(PERSON_BY_ID_HASH,                                                      \
      "SELECT id, township_code FROM people WHERE id_number_hash = $1", NULL) \
    Q(PERSON_HISTORY_INSERT,                                                  \
      "INSERT INTO person_history(person_id, at, user_id, username, changes) "\
      "VALUES ($1, $2, $3, $4, $5)", NULL)                                    \
    Q(PERSON_HISTORY_LIST,                                                    \
      "SELECT at, username, changes FROM person_history WHERE person_id = $1 "\
      "ORDER BY id DESC LIMIT 100", NULL)                                     \
    Q(VILLAGE_TOWNSHIP,                                                       \
      "SELECT township_code FROM villages WHERE code = $1 "                   \
      "AND valid_to IS NULL", NULL)                                           \
    Q(ORG_TOWNSHIP,                                                           \
      "SELECT township_code FROM orgs WHERE id = $1 AND voided_at IS NULL",   \
      NULL)                                                                   \
    Q(MEMBER_CATEGORY_GET,                                                    \
      "SELECT name FROM member_categories WHERE code = $1 AND active = 1",    \
      NULL)                                                                   \
    Q(TOWNSHIP_BY_NAME,                                                       \
      "SELECT code FROM townships WHERE (name = $1 OR code = $1) "            \
      "AND valid_to IS NULL", NULL)                                           \
    Q(VILLAGE_BY_NAME,                                                        \
      "SELECT code FROM villages WHERE township_code = $1 "                   \
      "AND (name = $2 OR code = $2) AND valid_to IS NULL", NULL)              \
    Q(MEMBER_CATEGORY_BY_NAME,                                                \
      "SELECT code FROM member_categories WHERE (name = $1 OR code = $1) "    \
      "AND active = 1", NULL)                                                 \
    /* id, name, type, township_code, village_code, voided_at,            \
     * void_reason */                                                      \
    Q(ORG_LIST,                                                               \
      "SELECT id, name, type, township_code, village_code, voided_at, "       \
      "void_reason FROM orgs WHERE voided_at IS NULL "                        \
      "AND (CAST($1 AS TEXT) IS NULL OR township_code = $1) "                 \
      "AND (CAST($2 AS TEXT) IS NULL OR type = $2) "                          \
      "AND (CAST($3 AS TEXT) IS NULL OR name LIKE '%' || $3 || '%') "         \
      "ORDER BY township_code, id LIMIT $4 OFFSET $5", NULL)                  \
    Q(ORG_COUNT,                                                              \
      "SELECT COUNT(*) FROM orgs WHERE voided_at IS NULL "                    \
      "AND (CAST($1 AS TEXT) IS NULL OR township_code = $1) "                 \
      "AND (CAST($2 AS TEXT) IS NULL OR type = $2) "                          \
      "AND (CAST($3 AS TEXT) IS NULL OR name LIKE '%' || $3 || '%')", NULL)   \
    Q(ORG_GET,                                                                \
      "SELECT id, name, type, township_code, village_code, voided_at, "       \
      "void_reason FROM orgs WHERE id = $1", NULL)                            \
    /* $1 name, $2 type (NULL: unchanged), $3 1 to set the village to $4 */ \
    Q(ORG_UPDATE,                                                             \
      "UPDATE orgs SET name = COALESCE($1, name), type = COALESCE($2, type), " \
      "village_code = CASE WHEN $3 = 1 THEN $4 ELSE village_code END "        \
      "WHERE id = $5 AND voided_at IS NULL", NULL)                            \
    Q(ORG_VOID,                                                               \
      "UPDATE orgs SET voided_at = $1, void_reason = $2 "                     \
      "WHERE id = $3 AND voided_at IS NULL", NULL)                            \
    Q(ORG_TYPE_LIST,                                                          \
      "SELECT code, name FROM org_types WHERE active = 1 ORDER BY seq", NULL) \
    Q(ORG_TYPE_GET,                                                           \
      "SELECT name FROM org_types WHERE code = $1 AND active = 1", NULL)      \
    Q(MEMBER_CATEGORY_LIST,                                                   \
      "SELECT code, name FROM member_categories WHERE active = 1 "            \
      "ORDER BY seq", NULL)                                                   \
    /* code, name, township_code, valid_to, void_reason */                 \
    Q(VILLAGE_GET,                                                            \
      "SELECT id, code, name, township_code, valid_to, void_reason "          \
      "FROM villages WHERE id = $1", NULL)                                    \
    Q(VILLAGE_RENAME,                                                         \
      "UPDATE villages SET name = $1 WHERE id = $2 AND valid_to IS NULL",     \
      NULL)                                                                   \
    Q(VILLAGE_VOID,                                                           \
      "UPDATE villages SET valid_to = $1, void_reason = $2 "                  \
      "WHERE id = $3 AND valid_to IS NULL", NULL)                             \
    Q(ORG_INSERT,                                                             \
      "INSERT INTO orgs(name, type, township_code, village_code, is_demo, "   \
      "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", NULL)       \
    Q(PEOPLE_COUNT_SCOPE,                                                     \
      "SELECT COUNT(*) FROM people WHERE voided_at IS NULL "                  \
      "AND (CAST($1 AS TEXT) IS NULL OR township_code = $1)", NULL)

#include "queries_ledger.h"
#include "queries_report.h"
#include "queries_survey.h"
#include "queries_teaching.h"

#define Q_ENUM(name, sqlite, pg) Q_##name,
enum query {
    DB_QUERIES(Q_ENUM) DB_QUERIES_PEOPLE(Q_ENUM) DB_QUERIES_TEACHING(Q_ENUM)
        DB_QUERIES_REPORT(Q_ENUM) DB_QUERIES_SURVEY(Q_ENUM)
            DB_QUERIES_LEDGER(Q_ENUM) Q__COUNT
};
#undef Q_ENUM

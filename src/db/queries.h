/*
 * queries.h - every SQL statement the program runs, in one table.
 *
 * Q(NAME, types, sql, pg_sql): types declares the parameters, one letter
 * each as db_query() takes them ('i' integer, 'n' integer or NULL, 's'
 * text or NULL, 'b' bytes); every call must pass exactly these (db.c
 * refuses another list before anything is bound, db_check_queries()
 * proves at start that each statement wants as many, and
 * tests/lint/queries.test.mjs checks every call written with a literal
 * query name against this table). pg_sql is NULL when PostgreSQL takes
 * the same text. Parameters are written $1, $2, ... in any order
 * (db_sqlite.c spells them ?1, ?2 for SQLite). Results are read by
 * column number, so each statement's column list is part of its contract
 * with the caller.
 */
#pragma once

#define DB_QUERIES(Q)                                                        \
    /* -- schema bookkeeping ------------------------------------------- */ \
    Q(MIGRATION_VERSION, "",                                                 \
      "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", NULL)       \
    Q(MIGRATION_APPLIED, "i",                                                \
      "SELECT COUNT(*) FROM schema_migrations WHERE version = $1", NULL)     \
    Q(MIGRATION_INSERT, "isi",                                               \
      "INSERT INTO schema_migrations(version, name, applied_at) "            \
      "VALUES ($1, $2, $3)", NULL)                                           \
    Q(MIGRATION_LOCK, "",                                                     \
      "SELECT 1", "SELECT pg_advisory_xact_lock(72417231)")                   \
    /* the schema's tables, from the database's own catalogue */             \
    Q(TABLE_NAMES, "",                                                       \
      "SELECT name FROM sqlite_master WHERE type = 'table' "                 \
      "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",            \
      "SELECT tablename FROM pg_tables "                                     \
      "WHERE schemaname = current_schema() ORDER BY tablename")              \
    /* -- townships and villages --------------------------------------- */ \
    /* code, name, kind, valid_from, valid_to, code_is_placeholder */       \
    Q(TOWNSHIP_LIST, "ii",                                                   \
      "SELECT code, name, kind, valid_from, valid_to, code_is_placeholder "  \
      "FROM townships WHERE valid_to IS NULL ORDER BY seq "                  \
      "LIMIT $1 OFFSET $2", NULL)                                            \
    Q(TOWNSHIP_COUNT, "",                                                    \
      "SELECT COUNT(*) FROM townships WHERE valid_to IS NULL", NULL)         \
    /* name */                                                               \
    Q(TOWNSHIP_GET, "s",                                                     \
      "SELECT name FROM townships WHERE code = $1 AND valid_to IS NULL",     \
      NULL)                                                                  \
    Q(VILLAGE_COUNT, "ss",                                                   \
      "SELECT COUNT(*) FROM villages v WHERE v.valid_to IS NULL "            \
      "AND (CAST($1 AS TEXT) IS NULL OR v.township_code = $1) "              \
      "AND (CAST($2 AS TEXT) IS NULL OR v.name LIKE '%' || $2 || '%')",      \
      NULL)                                                                  \
    Q(VILLAGE_INSERT, "ssssii",                                              \
      "INSERT INTO villages(code, name, township_code, valid_from, is_demo, "\
      "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", NULL)      \
    /* -- users ----------------------------------------------------------- */\
    /* id, username, password_hash, role, township_code, person_id,        \
     * must_change_password, password_changed_at, failed_count,            \
     * locked_until, disabled: the failures and the lock are those of the  \
     * account's name in login_failures */                                 \
    Q(USER_BY_NAME, "s",                                                     \
      "SELECT id, username, password_hash, role, township_code, person_id, " \
      "must_change_password, password_changed_at, 0, 0, disabled "           \
      "FROM users WHERE username = $1", NULL)                                \
    Q(USER_BY_ID, "i",                                                       \
      "SELECT u.id, u.username, u.password_hash, u.role, u.township_code, "  \
      "u.person_id, u.must_change_password, u.password_changed_at, "         \
      "COALESCE(f.failures, 0), COALESCE(f.locked_until, 0), u.disabled "    \
      "FROM users u LEFT JOIN login_failures f ON f.name_key = u.name_key "  \
      "WHERE u.id = $1", NULL)                                               \
    Q(USER_LIST, "ii",                                                       \
      "SELECT u.id, u.username, '', u.role, u.township_code, u.person_id, "  \
      "u.must_change_password, u.password_changed_at, "                      \
      "COALESCE(f.failures, 0), COALESCE(f.locked_until, 0), u.disabled "    \
      "FROM users u LEFT JOIN login_failures f ON f.name_key = u.name_key "  \
      "ORDER BY u.id LIMIT $1 OFFSET $2", NULL)                              \
    Q(USER_COUNT, "", "SELECT COUNT(*) FROM users", NULL)                     \
    Q(USER_COUNT_LOCKED, "i",                                                \
      "SELECT COUNT(*) FROM users u JOIN login_failures f "                  \
      "ON f.name_key = u.name_key WHERE f.locked_until > $1", NULL)          \
    Q(USER_INSERT, "ssssniiis",                                              \
      "INSERT INTO users(username, password_hash, role, township_code, "     \
      "person_id, must_change_password, password_changed_at, is_demo, "      \
      "created_at, name_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7, $9) "\
      "RETURNING id", NULL)                                                  \
    Q(USER_SET_PASSWORD, "siii",                                             \
      "UPDATE users SET password_hash = $1, must_change_password = $2, "     \
      "password_changed_at = $3 WHERE id = $4", NULL)                        \
    /* a new hash of the same password (argon2 settings changed) */         \
    Q(USER_REHASH, "si",                                                     \
      "UPDATE users SET password_hash = $1 WHERE id = $2", NULL)             \
    Q(USER_UPDATE, "ssini",                                                  \
      "UPDATE users SET role = $1, township_code = $2, disabled = $3, "      \
      "person_id = $4 WHERE id = $5", NULL)                                  \
    /* accounts made before name keys existed */                             \
    Q(USER_NO_NAME_KEY, "",                                                  \
      "SELECT id, username FROM users WHERE name_key IS NULL", NULL)         \
    Q(USER_SET_NAME_KEY, "si",                                               \
      "UPDATE users SET name_key = $1 WHERE id = $2", NULL)                  \
    Q(PWHIST_INSERT, "isi",                                                  \
      "INSERT INTO password_history(user_id, password_hash, created_at) "    \
      "VALUES ($1, $2, $3)", NULL)                                           \
    Q(PWHIST_RECENT, "ii",                                                   \
      "SELECT password_hash FROM password_history WHERE user_id = $1 "       \
      "ORDER BY id DESC LIMIT $2", NULL)                                     \
    /* name_pinyin, birth_date, id_number_enc, phone_enc: what a password  \
     * must not be made of (compared, never shown) */                      \
    Q(PERSON_SECRETS, "i",                                                   \
      "SELECT name_pinyin, birth_date, id_number_enc, phone_enc "            \
      "FROM people WHERE id = $1 AND voided_at IS NULL", NULL)               \
    /* -- failed log-ins ------------------------------------------------ */\
    /* failures, locked_until */                                             \
    Q(LOGIN_NAME_STATE, "s",                                                 \
      "SELECT failures, locked_until FROM login_failures WHERE name_key = $1",\
      NULL)                                                                  \
    Q(LOGIN_NAME_FAILED, "si",                                               \
      "INSERT INTO login_failures(name_key, failures, updated_at) "          \
      "VALUES ($1, 1, $2) ON CONFLICT(name_key) DO UPDATE SET "              \
      "failures = login_failures.failures + 1, updated_at = $2 "             \
      "RETURNING failures", NULL)                                            \
    Q(LOGIN_NAME_LOCK, "is",                                                 \
      "UPDATE login_failures SET locked_until = $1, failures = 0 "           \
      "WHERE name_key = $2", NULL)                                           \
    Q(LOGIN_NAME_CLEAR, "s",                                                 \
      "DELETE FROM login_failures WHERE name_key = $1", NULL)                \
    /* names quiet since $1 whose lock is over by $2 */                      \
    Q(LOGIN_NAME_PURGE, "ii",                                                \
      "DELETE FROM login_failures WHERE updated_at < $1 "                    \
      "AND locked_until < $2", NULL)                                         \
    /* failures, window_start */                                             \
    Q(LOGIN_ADDR_STATE, "s",                                                 \
      "SELECT failures, window_start FROM login_addresses WHERE ip = $1",    \
      NULL)                                                                  \
    /* one more failure from $1 at $2; a window that began before $3 is    \
     * over and a new one begins */                                         \
    Q(LOGIN_ADDR_FAILED, "sii",                                              \
      "INSERT INTO login_addresses(ip, window_start, failures) "             \
      "VALUES ($1, $2, 1) ON CONFLICT(ip) DO UPDATE SET "                    \
      "failures = CASE WHEN login_addresses.window_start <= $3 THEN 1 "      \
      "ELSE login_addresses.failures + 1 END, "                              \
      "window_start = CASE WHEN login_addresses.window_start <= $3 "         \
      "THEN $2 ELSE login_addresses.window_start END "                       \
      "RETURNING failures, window_start", NULL)                              \
    Q(LOGIN_ADDR_PURGE, "i",                                                 \
      "DELETE FROM login_addresses WHERE window_start <= $1", NULL)          \
    /* -- the security policy ------------------------------------------ */ \
    /* name, value, updated_at, updated_by */                                \
    Q(POLICY_LIST, "",                                                       \
      "SELECT name, value, updated_at, updated_by FROM security_policy "     \
      "ORDER BY name", NULL)                                                 \
    Q(POLICY_SET, "siis",                                                    \
      "INSERT INTO security_policy(name, value, updated_at, updated_by) "    \
      "VALUES ($1, $2, $3, $4) ON CONFLICT(name) DO UPDATE SET "             \
      "value = $2, updated_at = $3, updated_by = $4", NULL)                  \
    Q(POLICY_RESET, "s", "DELETE FROM security_policy WHERE name = $1", NULL) \
    /* Role changes for the security administrator's review: accounts  \
     * created with a role, and roles and townships changed. id, at,     \
     * username (who), role, event, object, detail */                    \
    Q(ROLE_CHANGES, "ii",                                                    \
      "SELECT id, at, username, role, event, object, detail FROM audit_log " \
      "WHERE event IN ('user_create', 'user_role_change') "                  \
      "ORDER BY id DESC LIMIT $1 OFFSET $2", NULL)                           \
    Q(ROLE_CHANGES_COUNT, "",                                                \
      "SELECT COUNT(*) FROM audit_log "                                      \
      "WHERE event IN ('user_create', 'user_role_change')", NULL)            \
    /* -- sessions and tokens ------------------------------------------ */ \
    Q(SESSION_INSERT, "sisis",                                               \
      "INSERT INTO sessions(token_hash, user_id, csrf, created_at, "         \
      "last_seen_at, ip) VALUES ($1, $2, $3, $4, $4, $5) RETURNING id",      \
      NULL)                                                                  \
    /* the user columns of USER_BY_ID (no lock: a session is not a         \
     * log-in), then session id, csrf, created_at, last_seen_at */         \
    Q(SESSION_LOOKUP, "s",                                                   \
      "SELECT u.id, u.username, '', u.role, u.township_code, u.person_id, "  \
      "u.must_change_password, u.password_changed_at, 0, 0, u.disabled, "    \
      "s.id, s.csrf, s.created_at, s.last_seen_at "                          \
      "FROM sessions s JOIN users u ON u.id = s.user_id "                    \
      "WHERE s.token_hash = $1", NULL)                                       \
    Q(SESSION_TOUCH, "ii",                                                   \
      "UPDATE sessions SET last_seen_at = $1 WHERE id = $2", NULL)           \
    Q(SESSION_DELETE, "i",                                                    \
      "DELETE FROM sessions WHERE id = $1", NULL)                             \
    Q(SESSION_DELETE_USER, "ii",                                             \
      "DELETE FROM sessions WHERE user_id = $1 AND id <> $2", NULL)          \
    Q(SESSION_PURGE, "ii",                                                   \
      "DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2",     \
      NULL)                                                                  \
    Q(TOKEN_INSERT, "sisii",                                                 \
      "INSERT INTO api_tokens(token_hash, user_id, name, created_at, "       \
      "expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id", NULL)          \
    /* the user columns of USER_BY_ID, then the token id and when it was   \
     * last used; only a live token ($2: now) */                            \
    Q(TOKEN_LOOKUP, "si",                                                    \
      "SELECT u.id, u.username, '', u.role, u.township_code, u.person_id, "  \
      "u.must_change_password, u.password_changed_at, 0, 0, u.disabled, "    \
      "t.id, COALESCE(t.last_used_at, 0) "                                   \
      "FROM api_tokens t JOIN users u ON u.id = t.user_id "                  \
      "WHERE t.token_hash = $1 AND t.revoked = 0 AND t.expires_at > $2",     \
      NULL)                                                                  \
    Q(TOKEN_TOUCH, "ii",                                                     \
      "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2", NULL)         \
    /* id, name, created_at, last_used_at, expires_at: a user's live ones */ \
    Q(TOKEN_LIST, "ii",                                                      \
      "SELECT id, name, created_at, last_used_at, expires_at "               \
      "FROM api_tokens WHERE user_id = $1 AND revoked = 0 "                  \
      "AND expires_at > $2 ORDER BY id", NULL)                               \
    Q(TOKEN_REVOKE, "iii",                                                   \
      "UPDATE api_tokens SET revoked = 1, revoked_at = $1 "                  \
      "WHERE id = $2 AND user_id = $3 AND revoked = 0 AND expires_at > $1", \
      NULL)                                                                  \
    Q(TOKEN_REVOKE_USER, "ii",                                               \
      "UPDATE api_tokens SET revoked = 1, revoked_at = $1 "                  \
      "WHERE user_id = $2 AND revoked = 0", NULL)                            \
    /* -- audit log ------------------------------------------------------ */\
    Q(AUDIT_LOCK, "", "SELECT 1", "SELECT pg_advisory_xact_lock(72417232)")   \
    Q(AUDIT_LAST, "",                                                        \
      "SELECT id, hash, mac FROM audit_log ORDER BY id DESC LIMIT 1", NULL)  \
    Q(AUDIT_INSERT, "iinssssissssss",                                        \
      "INSERT INTO audit_log(id, at, user_id, username, role, event, "       \
      "object, success, ip, client, detail, prev_hash, hash, mac) "          \
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",\
      NULL)                                                                  \
    /* id, at, user_id, username, role, event, object, success, ip,       \
     * client, detail, prev_hash, hash */                                  \
    Q(AUDIT_LIST, "sssiiii",                                                 \
      "SELECT id, at, user_id, username, role, event, object, success, ip, " \
      "client, detail, prev_hash, hash FROM audit_log "                      \
      "WHERE (CAST($1 AS TEXT) IS NULL OR event = $1) "                      \
      "AND (CAST($2 AS TEXT) IS NULL OR username = $2) "                     \
      "AND (CAST($3 AS TEXT) IS NULL OR object = $3) "                       \
      "AND at >= $4 AND at < $5 "                                            \
      "ORDER BY id DESC LIMIT $6 OFFSET $7", NULL)                           \
    Q(AUDIT_COUNT, "sssii",                                                  \
      "SELECT COUNT(*) FROM audit_log "                                      \
      "WHERE (CAST($1 AS TEXT) IS NULL OR event = $1) "                      \
      "AND (CAST($2 AS TEXT) IS NULL OR username = $2) "                     \
      "AND (CAST($3 AS TEXT) IS NULL OR object = $3) "                       \
      "AND at >= $4 AND at < $5", NULL)                                      \
    Q(AUDIT_SCAN, "i",                                                       \
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
/* After the person's columns, the names of its codes: the village's
 * (its code is unique), then the township's and the member category's
 * (NULL in lists, which never show them). */
#define PEOPLE_VILLAGE                                                        \
    "(SELECT v.name FROM villages v WHERE v.code = p.village_code), "
#define PEOPLE_CODE_NAMES                                                     \
    "(SELECT t.name FROM townships t WHERE t.code = p.township_code), "      \
    "(SELECT c.name FROM member_categories c "                                \
    " WHERE c.code = p.member_category) "
#define PEOPLE_COLS                                                           \
    "SELECT p.id, p.name, p.gender, p.birth_date, p.id_number_enc, "          \
    "p.id_number_masked, p.phone_enc, p.phone_masked, p.political_status, "   \
    "p.member_category, p.township_code, p.village_code, p.org_id, p.flags, " \
    "p.voided_at, p.void_reason, p.created_at, p.updated_at, "               \
    PEOPLE_VILLAGE PEOPLE_CODE_NAMES "FROM people p "
/* The same columns for lists, with NULL in place of what a list never
 * shows (the sealed values, the void reason, the times): the sorter then
 * carries smaller rows, which measured a fifth faster on SQLite. */
#define PEOPLE_COLS_LIST                                                      \
    "SELECT p.id, p.name, p.gender, p.birth_date, NULL, "                     \
    "p.id_number_masked, NULL, p.phone_masked, p.political_status, "          \
    "p.member_category, p.township_code, p.village_code, p.org_id, p.flags, " \
    "p.voided_at, NULL, NULL, NULL, " PEOPLE_VILLAGE "NULL, NULL "            \
    "FROM people p "
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
    Q(P##SEARCH_T_PINYIN, "sssssssii",                                        \
      COLS PEOPLE_MATCH(TOWN_T) "ORDER BY p.sort_pinyin, p.id "               \
      SEARCH_PAGE, NULL)                                                      \
    Q(P##SEARCH_T_STROKES, "sssssssii",                                       \
      COLS PEOPLE_MATCH(TOWN_T) "ORDER BY p.sort_strokes, p.id "              \
      SEARCH_PAGE, NULL)                                                      \
    Q(P##SEARCH_ALL_PINYIN, "sssssssii",                                      \
      COLS PEOPLE_MATCH(TOWN_ALL) "ORDER BY p.sort_pinyin, p.id "             \
      SEARCH_PAGE, NULL)                                                      \
    Q(P##SEARCH_ALL_STROKES, "sssssssii",                                     \
      COLS PEOPLE_MATCH(TOWN_ALL) "ORDER BY p.sort_strokes, p.id "            \
      SEARCH_PAGE, NULL)                                                      \
    Q(P##PEOPLE_LIST_T_PINYIN, "ssssssii",                                    \
      COLS PEOPLE_WHERE_T "ORDER BY p.sort_pinyin, p.id " PEOPLE_PAGE,        \
      NULL)                                                                   \
    Q(P##PEOPLE_LIST_T_STROKES, "ssssssii",                                   \
      COLS PEOPLE_WHERE_T "ORDER BY p.sort_strokes, p.id "                    \
      PEOPLE_PAGE, NULL)                                                      \
    Q(P##PEOPLE_LIST_ALL_PINYIN, "ssssssii",                                  \
      COLS PEOPLE_WHERE_ALL "ORDER BY p.sort_pinyin, p.id "                   \
      PEOPLE_PAGE, NULL)                                                      \
    Q(P##PEOPLE_LIST_ALL_STROKES, "ssssssii",                                 \
      COLS PEOPLE_WHERE_ALL "ORDER BY p.sort_strokes, p.id "                  \
      PEOPLE_PAGE, NULL)

#define DB_QUERIES_PEOPLE(Q)                                                  \
    Q(SEARCH_COUNT_T, "sssssss",                                              \
      "SELECT COUNT(*) FROM people p " PEOPLE_MATCH(TOWN_T), NULL)            \
    Q(SEARCH_COUNT_ALL, "sssssss",                                            \
      "SELECT COUNT(*) FROM people p " PEOPLE_MATCH(TOWN_ALL), NULL)          \
    /* Unfiltered counts read the per-township count the triggers keep   \
     * (migration 15). */                                                   \
    Q(PEOPLE_COUNT_T_ALL, "s",                                                \
      "SELECT COALESCE(SUM(live), 0) FROM people_counts "                     \
      "WHERE township_code = $1", NULL)                                       \
    Q(PEOPLE_COUNT_T, "ssssss",                                               \
      "SELECT COUNT(*) FROM people p " PEOPLE_WHERE_T, NULL)                  \
    Q(PEOPLE_COUNT_ALL, "ssssss",                                             \
      "SELECT COUNT(*) FROM people p " PEOPLE_WHERE_ALL,                      \
      NULL)                                                                   \
    PEOPLE_PAGES(Q, , PEOPLE_COLS_LIST)                                       \
    PEOPLE_PAGES(Q, EXPORT_, PEOPLE_COLS)                                     \
    Q(PERSON_GET, "i",                                                        \
      PEOPLE_COLS "WHERE p.id = $1", NULL)                                    \
    Q(DERIVED_VERSION, "s",                                                   \
      "SELECT version FROM derived_versions WHERE name = $1", NULL)           \
    Q(DERIVED_VERSION_SET, "is",                                              \
      "UPDATE derived_versions SET version = $1 WHERE name = $2", NULL)       \
    Q(PEOPLE_NAMES, "", "SELECT id, name FROM people ORDER BY id", NULL)      \
    /* id, id_number_enc, id_number_hash, phone_enc, phone_hash */          \
    Q(PEOPLE_SEALED, "i",                                                     \
      "SELECT id, id_number_enc, id_number_hash, phone_enc, phone_hash "      \
      "FROM people WHERE id > $1 ORDER BY id LIMIT 1000", NULL)               \
    Q(PERSON_SET_STROKES, "si",                                               \
      "UPDATE people SET sort_strokes = $1 WHERE id = $2", NULL)              \
    Q(PERSON_INSERT, "sssssssssssssssnsssssii",                               \
      "INSERT INTO people(name, gender, birth_date, id_number_enc, "          \
      "id_number_hash, id_number_last4, id_number_masked, phone_enc, "        \
      "phone_hash, phone_last4, phone_masked, political_status, "             \
      "member_category, township_code, village_code, org_id, flags, "         \
      "name_pinyin, name_initials, sort_pinyin, sort_strokes, is_demo, "      \
      "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "  \
      "$10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, "     \
      "$23, $23) RETURNING id", NULL)                                         \
    Q(PERSON_UPDATE, "sssssnsssssii",                                         \
      "UPDATE people SET name = $1, political_status = $2, "                  \
      "member_category = $3, township_code = $4, village_code = $5, "         \
      "org_id = $6, flags = $7, name_pinyin = $8, name_initials = $9, "       \
      "sort_pinyin = $10, sort_strokes = $11, updated_at = $12 "              \
      "WHERE id = $13 AND voided_at IS NULL", NULL)                           \
    Q(PERSON_SET_PHONE, "ssssi",                                              \
      "UPDATE people SET phone_enc = $1, phone_hash = $2, phone_last4 = $3, " \
      "phone_masked = $4 WHERE id = $5", NULL)                                \
    Q(PERSON_VOID, "isi",                                                     \
      "UPDATE people SET voided_at = $1, void_reason = $2, updated_at = $1 "  \
      "WHERE id = $3 AND voided_at IS NULL", NULL)                            \
    Q(PERSON_BY_ID_HASH, "s",                                                 \
      "SELECT id, township_code FROM people WHERE id_number_hash = $1", NULL) \
    Q(PERSON_HISTORY_INSERT, "iinss",                                         \
      "INSERT INTO person_history(person_id, at, user_id, username, changes) "\
      "VALUES ($1, $2, $3, $4, $5)", NULL)                                    \
    Q(PERSON_HISTORY_LIST, "i",                                               \
      "SELECT at, username, changes FROM person_history WHERE person_id = $1 "\
      "ORDER BY id DESC LIMIT 100", NULL)                                     \
    Q(VILLAGE_TOWNSHIP, "s",                                                  \
      "SELECT township_code FROM villages WHERE code = $1 "                   \
      "AND valid_to IS NULL", NULL)                                           \
    Q(ORG_TOWNSHIP, "i",                                                      \
      "SELECT township_code FROM orgs WHERE id = $1 AND voided_at IS NULL",   \
      NULL)                                                                   \
    Q(MEMBER_CATEGORY_GET, "s",                                               \
      "SELECT name FROM member_categories WHERE code = $1 AND active = 1",    \
      NULL)                                                                   \
    Q(TOWNSHIP_BY_NAME, "s",                                                  \
      "SELECT code FROM townships WHERE (name = $1 OR code = $1) "            \
      "AND valid_to IS NULL", NULL)                                           \
    Q(VILLAGE_BY_NAME, "ss",                                                  \
      "SELECT code FROM villages WHERE township_code = $1 "                   \
      "AND (name = $2 OR code = $2) AND valid_to IS NULL", NULL)              \
    Q(MEMBER_CATEGORY_BY_NAME, "s",                                           \
      "SELECT code FROM member_categories WHERE (name = $1 OR code = $1) "    \
      "AND active = 1", NULL)                                                 \
    Q(ORG_TYPE_LIST, "",                                                      \
      "SELECT code, name FROM org_types WHERE active = 1 ORDER BY seq", NULL) \
    Q(ORG_TYPE_GET, "s",                                                      \
      "SELECT name FROM org_types WHERE code = $1 AND active = 1", NULL)      \
    Q(MEMBER_CATEGORY_LIST, "",                                               \
      "SELECT code, name FROM member_categories WHERE active = 1 "            \
      "ORDER BY seq", NULL)                                                   \
    Q(ORG_INSERT, "ssssii",                                                   \
      "INSERT INTO orgs(name, type, township_code, village_code, is_demo, "   \
      "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", NULL)       \
    Q(PEOPLE_COUNT_SCOPE, "s",                                                \
      "SELECT COALESCE(SUM(live), 0) FROM people_counts "                     \
      "WHERE CAST($1 AS TEXT) IS NULL OR township_code = $1", NULL)

#include "queries_ledger.h"
#include "queries_report.h"
#include "queries_survey.h"
#include "queries_teaching.h"

#define Q_ENUM(name, types, sqlite, pg) Q_##name,
enum query {
    DB_QUERIES(Q_ENUM) DB_QUERIES_PEOPLE(Q_ENUM) DB_QUERIES_TEACHING(Q_ENUM)
        DB_QUERIES_REPORT(Q_ENUM) DB_QUERIES_SURVEY(Q_ENUM)
            DB_QUERIES_LEDGER(Q_ENUM) Q__COUNT
};
#undef Q_ENUM

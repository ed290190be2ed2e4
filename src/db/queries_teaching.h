/*
 * queries_teaching.h - the SQL of schools, rooms, teachers and the course
 * catalog (issue 4), in the form of queries.h: Q(NAME, types, sql, pg_sql)
 * with pg_sql NULL when both backends take the same text.
 */
#pragma once

/* A list of a child table's values as "a,b", in order. */
#define CSV_OF(col, from)                                                     \
    "(SELECT group_concat(x, ',') FROM (SELECT " col " AS x FROM " from      \
    " ORDER BY 1) AS l)"
#define CSV_OF_PG(col, from)                                                  \
    "(SELECT string_agg(CAST(" col " AS TEXT), ',' ORDER BY " col ") FROM "  \
    from ")"

/* The county teachers a school s has: the "11" of 11+N. */
#define SCHOOL_COUNTY_TEACHERS                                                \
    "(SELECT COUNT(*) FROM teacher_schools ts JOIN teachers te "             \
    "  ON te.id = ts.teacher_id WHERE ts.school_id = s.id "                  \
    "  AND te.level = 'county' AND te.voided_at IS NULL)"
/* id, township_code, township_name, name, address, county_teachers,
 * own_teachers, rooms, function_rooms */
#define SCHOOL_SELECT                                                         \
    "SELECT s.id, s.township_code, t.name, s.name, s.address, "              \
    SCHOOL_COUNTY_TEACHERS ", "                                               \
    "(SELECT COUNT(*) FROM teacher_schools ts JOIN teachers te "             \
    "  ON te.id = ts.teacher_id WHERE ts.school_id = s.id "                  \
    "  AND te.level <> 'county' AND te.voided_at IS NULL), "                 \
    "(SELECT COUNT(*) FROM rooms r WHERE r.school_id = s.id "                \
    "  AND r.voided_at IS NULL), "                                           \
    "(SELECT COUNT(*) FROM rooms r JOIN room_kinds k ON k.code = r.kind "    \
    "  WHERE r.school_id = s.id AND r.voided_at IS NULL "                    \
    "  AND k.is_function = 1) "                                              \
    "FROM schools s JOIN townships t ON t.code = s.township_code "
/* $1 township; $2 the 11+N pool: 0 every school, 1 those with at least
 * $3 county teachers, -1 those with fewer */
#define SCHOOL_WHERE                                                          \
    "WHERE (CAST($1 AS TEXT) IS NULL OR s.township_code = $1) "              \
    "AND ($2 = 0 OR ($2 = 1) = (" SCHOOL_COUNTY_TEACHERS " >= $3)) "

/* id, name, level, township_code, title, modules, school_ids, voided_at */
#define TEACHER_SELECT(CSV)                                                   \
    "SELECT t.id, t.name, t.level, t.township_code, t.title, "               \
    CSV("module_code", "teacher_modules WHERE teacher_id = t.id") ", "       \
    CSV("school_id", "teacher_schools WHERE teacher_id = t.id")              \
    ", t.voided_at"
#define TEACHER_COLS(CSV) TEACHER_SELECT(CSV) " FROM teachers t "
#define TEACHER_RATED                                                         \
    ", COALESCE(rt.n, 0), COALESCE(rt.total, 0), COALESCE(rt.excellent, 0) " \
    "FROM teachers t LEFT JOIN rating_totals rt "                             \
    "ON rt.subject = 'teacher' AND rt.id = t.id "
/* $1 township (a school admin: the teachers of its school and its own),
 * $2 level, $3 module, $4 school id, $5 name substring */
#define TEACHER_WHERE                                                         \
    "WHERE t.voided_at IS NULL "                                              \
    "AND (CAST($1 AS TEXT) IS NULL OR t.township_code = $1 OR EXISTS ("      \
    " SELECT 1 FROM teacher_schools ts JOIN schools s ON s.id = ts.school_id" \
    " WHERE ts.teacher_id = t.id AND s.township_code = $1)) "                \
    "AND (CAST($2 AS TEXT) IS NULL OR t.level = $2) "                        \
    "AND (CAST($3 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM teacher_modules" \
    " m WHERE m.teacher_id = t.id AND m.module_code = $3)) "                 \
    "AND (CAST($4 AS BIGINT) IS NULL OR EXISTS (SELECT 1 FROM "              \
    " teacher_schools ts WHERE ts.teacher_id = t.id AND ts.school_id = $4)) " \
    "AND (CAST($5 AS TEXT) IS NULL OR t.name LIKE '%' || $5 || '%') "

/* id, title, module_code, module_name, half_hours, format, description,
 * published, teacher_ids, voided_at */
#define COURSE_COLS(CSV)                                                      \
    "SELECT c.id, c.title, c.module_code, m.name, c.half_hours, c.format, "  \
    "c.description, c.published, "                                          \
    CSV("teacher_id", "course_teachers WHERE course_id = c.id")              \
    ", c.voided_at FROM courses c JOIN modules m ON m.code = c.module_code "
/* $1 module, $2 published only (1) or all, $3 title substring, $4 teacher */
#define COURSE_WHERE                                                          \
    "WHERE c.voided_at IS NULL "                                              \
    "AND (CAST($1 AS TEXT) IS NULL OR c.module_code = $1) "                  \
    "AND ($2 = 0 OR c.published = 1) "                                        \
    "AND (CAST($3 AS TEXT) IS NULL OR c.title LIKE '%' || $3 || '%') "       \
    "AND (CAST($4 AS BIGINT) IS NULL OR EXISTS (SELECT 1 FROM "              \
    " course_teachers ct WHERE ct.course_id = c.id AND ct.teacher_id = $4)) "

/* id, type, type_name, school_id, township_code, title, starts_on,
 * ends_on, sessions, voided_at */
#define PROGRAM_SELECT                                                        \
    "SELECT p.id, p.type, pt.name, p.school_id, s.township_code, p.title, "  \
    "p.starts_on, p.ends_on, (SELECT COUNT(*) FROM class_sessions cs "       \
    " WHERE cs.program_id = p.id AND cs.voided_at IS NULL), p.voided_at "    \
    "FROM programs p JOIN program_types pt ON pt.code = p.type "             \
    "JOIN schools s ON s.id = p.school_id "
/* $1 township, $2 type, $3 school; $4, $5: with a live session starting
 * in [$4, $5) (unix; $4 NULL: any) */
#define PROGRAM_WHERE                                                         \
    "WHERE p.voided_at IS NULL "                                              \
    "AND (CAST($1 AS TEXT) IS NULL OR s.township_code = $1) "                \
    "AND (CAST($2 AS TEXT) IS NULL OR p.type = $2) "                         \
    "AND (CAST($3 AS BIGINT) IS NULL OR p.school_id = $3) "                  \
    "AND (CAST($4 AS BIGINT) IS NULL OR EXISTS (SELECT 1 FROM "              \
    " class_sessions cs WHERE cs.program_id = p.id AND cs.voided_at IS NULL " \
    " AND cs.starts_at >= $4 AND cs.starts_at < $5)) "

/* id, program_id, program_type, program_title, school_id, township_code,
 * course_id, course_title, teacher_id, teacher_name, starts_at, ends_at,
 * room_id, place, half_hours, capacity, enrolled, waiting, attended (kept
 * on the session by triggers, migration 17),
 * voided_at */
#define SESSION_SELECT                                                        \
    "SELECT cs.id, cs.program_id, p.type, p.title, p.school_id, "            \
    "s.township_code, cs.course_id, c.title, cs.teacher_id, t.name, "        \
    "cs.starts_at, cs.ends_at, cs.room_id, cs.place, cs.half_hours, "        \
    "cs.capacity, cs.n_enrolled, cs.n_waiting, cs.n_attended, "              \
    "cs.voided_at "                                                           \
    "FROM class_sessions cs JOIN programs p ON p.id = cs.program_id "        \
    "JOIN schools s ON s.id = p.school_id "                                  \
    "LEFT JOIN courses c ON c.id = cs.course_id "                            \
    "LEFT JOIN teachers t ON t.id = cs.teacher_id "
/* $1 township, $2 program, $3 from (unix), $4 to (unix, exclusive), $5
 * program type, $6 teacher, $7 school */
#define SESSION_WHERE                                                         \
    "WHERE cs.voided_at IS NULL "                                             \
    "AND (CAST($1 AS TEXT) IS NULL OR s.township_code = $1) "                \
    "AND (CAST($2 AS BIGINT) IS NULL OR cs.program_id = $2) "                \
    "AND cs.starts_at >= $3 AND cs.starts_at < $4 "                          \
    "AND (CAST($5 AS TEXT) IS NULL OR p.type = $5) "                        \
    "AND (CAST($6 AS BIGINT) IS NULL OR cs.teacher_id = $6) "                \
    "AND (CAST($7 AS BIGINT) IS NULL OR p.school_id = $7) "

#define DB_QUERIES_TEACHING(Q)                                                \
    Q(SCHOOL_INSERT, "sssii",                                                 \
      "INSERT INTO schools(township_code, name, address, is_demo, "           \
      "created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id", NULL)           \
    Q(SCHOOL_LIST, "siiii",                                                   \
      SCHOOL_SELECT SCHOOL_WHERE "ORDER BY t.seq, s.id LIMIT $4 OFFSET $5",   \
      NULL)                                                                   \
    Q(SCHOOL_COUNT, "sii",                                                    \
          "SELECT COUNT(*) FROM schools s " SCHOOL_WHERE, NULL)               \
    Q(SCHOOL_GET, "i", SCHOOL_SELECT "WHERE s.id = $1", NULL)                 \
    Q(SCHOOL_UPDATE, "ssi",                                                   \
      "UPDATE schools SET name = COALESCE($1, name), "                        \
      "address = COALESCE($2, address) WHERE id = $3", NULL)                  \
    /* id, school_id, name, kind, kind_name, capacity, voided_at */           \
    Q(ROOM_LIST, "i",                                                         \
      "SELECT r.id, r.school_id, r.name, r.kind, k.name, r.capacity, "        \
      "r.voided_at FROM rooms r JOIN room_kinds k ON k.code = r.kind "        \
      "WHERE r.school_id = $1 AND r.voided_at IS NULL ORDER BY k.seq, r.id",  \
      NULL)                                                                   \
    Q(ROOM_INSERT, "issnii",                                                  \
      "INSERT INTO rooms(school_id, name, kind, capacity, is_demo, "          \
      "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", NULL)       \
    Q(ROOM_KIND_GET, "s",                                                     \
      "SELECT name FROM room_kinds WHERE code = $1 AND active = 1", NULL)     \
    Q(ROOM_KIND_LIST, "",                                                     \
      "SELECT code, name FROM room_kinds WHERE active = 1 ORDER BY seq",      \
      NULL)                                                                   \
    /* year, fixed_site, teachers, equipment, books, note, checked_by_name, \
     * checked_at */                                                        \
    Q(SCHOOL_CHECK_LIST, "i",                                                 \
      "SELECT year, fixed_site, teachers, equipment, books, note, "           \
      "checked_by_name, checked_at FROM school_checks WHERE school_id = $1 "  \
      "ORDER BY year DESC", NULL)                                             \
    Q(SCHOOL_CHECK_PUT, "iiiiiisnsi",                                         \
      "INSERT INTO school_checks(school_id, year, fixed_site, teachers, "     \
      "equipment, books, note, checked_by, checked_by_name, checked_at) "     \
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "                     \
      "ON CONFLICT (school_id, year) DO UPDATE SET "                          \
      "fixed_site = excluded.fixed_site, teachers = excluded.teachers, "      \
      "equipment = excluded.equipment, books = excluded.books, "              \
      "note = excluded.note, checked_by = excluded.checked_by, "              \
      "checked_by_name = excluded.checked_by_name, "                          \
      "checked_at = excluded.checked_at", NULL)                               \
    Q(MODULE_LIST, "",                                                        \
      "SELECT code, name FROM modules ORDER BY seq", NULL)                    \
    Q(MODULE_GET, "s",                                                        \
      "SELECT name FROM modules WHERE code = $1", NULL)                       \
    Q(TEACHER_INSERT, "ssssii",                                               \
      "INSERT INTO teachers(name, level, township_code, title, is_demo, "     \
      "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", NULL)       \
    Q(TEACHER_MODULE_ADD, "is",                                               \
      "INSERT INTO teacher_modules(teacher_id, module_code) VALUES ($1, $2)", \
      NULL)                                                                   \
    Q(TEACHER_SCHOOL_ADD, "ii",                                               \
      "INSERT INTO teacher_schools(teacher_id, school_id) VALUES ($1, $2)",   \
      NULL)                                                                   \
    /* TEACHER_COLS' columns but FROM, then each teacher's all-time      \
     * ratings (rating_totals, migration 19): n, total, excellent */       \
    Q(TEACHER_PAGE, "sssnsii",                                                \
      TEACHER_SELECT(CSV_OF) TEACHER_RATED TEACHER_WHERE                      \
      "ORDER BY t.id LIMIT $6 OFFSET $7",                                     \
      TEACHER_SELECT(CSV_OF_PG) TEACHER_RATED TEACHER_WHERE                   \
      "ORDER BY t.id LIMIT $6 OFFSET $7")                                     \
    Q(TEACHER_COUNT, "sssns",                                                 \
      "SELECT COUNT(*) FROM teachers t " TEACHER_WHERE, NULL)                 \
    Q(TEACHER_GET, "i",                                                       \
      TEACHER_COLS(CSV_OF) "WHERE t.id = $1",                                 \
      TEACHER_COLS(CSV_OF_PG) "WHERE t.id = $1")                              \
    /* links a teacher record to the account of that teacher */          \
    Q(TEACHER_SET_USER, "ii",                                                 \
      "UPDATE teachers SET user_id = $1 WHERE id = $2 AND voided_at IS NULL", \
      NULL)                                                                   \
    /* an account is one teacher's: linking it elsewhere unlinks it here */ \
    Q(TEACHER_UNSET_USER, "ii",                                               \
      "UPDATE teachers SET user_id = NULL WHERE user_id = $1 AND id <> $2",   \
      NULL)                                                                   \
    /* a session called off; one with attendance keeps its records */    \
    Q(CLASS_VOID, "isi",                                                      \
      "UPDATE class_sessions SET voided_at = $1, void_reason = $2 "           \
      "WHERE id = $3 AND voided_at IS NULL", NULL)                            \
    Q(CLASS_ATTENDANCE_COUNT, "i",                                            \
      "SELECT COUNT(*) FROM attendance WHERE session_id = $1", NULL)          \
    /* whether teacher $1 is within reach of township $2: a county       \
     * teacher, one with no township (the county's invited ones), one of  \
     * that township, or one assigned to one of its schools */            \
    Q(TEACHER_IN_REACH, "is",                                                 \
      "SELECT COUNT(*) FROM teachers t WHERE t.id = $1 "                      \
      "AND t.voided_at IS NULL AND (t.level = 'county' "                      \
      "OR t.township_code IS NULL OR t.township_code = $2 OR EXISTS ("       \
      " SELECT 1 FROM teacher_schools ts JOIN schools s "                     \
      " ON s.id = ts.school_id WHERE ts.teacher_id = t.id "                   \
      " AND s.township_code = $2))", NULL)                                    \
    Q(TEACHER_OF_USER, "i",                                                   \
      "SELECT id FROM teachers WHERE user_id = $1 AND voided_at IS NULL "     \
      "ORDER BY id LIMIT 1", NULL)                                            \
    Q(USER_ROLE, "i",                                                         \
      "SELECT role FROM users WHERE id = $1", NULL)                           \
    /* the demo's busiest teacher */                                        \
    Q(DEMO_BUSY_TEACHER, "",                                                  \
      "SELECT teacher_id FROM class_sessions WHERE teacher_id IS NOT NULL "   \
      "GROUP BY teacher_id ORDER BY COUNT(*) DESC, teacher_id LIMIT 1", NULL) \
    Q(SCHOOL_TOWNSHIP, "s",                                                   \
      "SELECT township_code FROM schools WHERE id = CAST($1 AS BIGINT)",      \
      NULL)                                                                   \
    Q(COURSE_INSERT, "ssissiii",                                              \
      "INSERT INTO courses(title, module_code, half_hours, format, "          \
      "description, published, is_demo, created_at) "                         \
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id", NULL)           \
    Q(COURSE_TEACHER_ADD, "ii",                                               \
      "INSERT INTO course_teachers(course_id, teacher_id) VALUES ($1, $2)",   \
      NULL)                                                                   \
    Q(TEACHER_LIVE, "s",                                                      \
      "SELECT name FROM teachers WHERE id = CAST($1 AS BIGINT) "              \
      "AND voided_at IS NULL", NULL)                                          \
    Q(COURSE_LIST, "sisnii",                                                  \
      COURSE_COLS(CSV_OF) COURSE_WHERE "ORDER BY m.seq, c.id "                \
      "LIMIT $5 OFFSET $6",                                                   \
      COURSE_COLS(CSV_OF_PG) COURSE_WHERE "ORDER BY m.seq, c.id "             \
      "LIMIT $5 OFFSET $6")                                                   \
    Q(COURSE_COUNT, "sisn",                                                   \
      "SELECT COUNT(*) FROM courses c JOIN modules m "                        \
      "ON m.code = c.module_code " COURSE_WHERE, NULL)                        \
    Q(COURSE_GET, "i",                                                        \
      COURSE_COLS(CSV_OF) "WHERE c.id = $1",                                  \
      COURSE_COLS(CSV_OF_PG) "WHERE c.id = $1")                               \
    Q(COURSE_PUBLISH, "ii",                                                   \
      "UPDATE courses SET published = $1 WHERE id = $2 "                      \
      "AND voided_at IS NULL", NULL)                                          \
    Q(PROGRAM_TYPE_LIST, "",                                                  \
      "SELECT code, name FROM program_types ORDER BY seq", NULL)              \
    Q(PROGRAM_TYPE_GET, "s",                                                  \
      "SELECT name FROM program_types WHERE code = $1",                       \
      NULL)                                                                   \
    Q(PROGRAM_INSERT, "sisssii",                                              \
      "INSERT INTO programs(type, school_id, title, starts_on, ends_on, "      \
      "is_demo, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "             \
      "RETURNING id", NULL)                                                   \
    Q(PROGRAM_LIST, "ssnnnii",                                                \
      PROGRAM_SELECT PROGRAM_WHERE "ORDER BY p.starts_on DESC, p.id DESC "    \
      "LIMIT $6 OFFSET $7", NULL)                                             \
    Q(PROGRAM_COUNT, "ssnnn",                                                 \
      "SELECT COUNT(*) FROM programs p JOIN schools s ON s.id = p.school_id " \
      PROGRAM_WHERE, NULL)                                                    \
    Q(PROGRAM_GET, "i",                                                       \
      PROGRAM_SELECT "WHERE p.id = $1", NULL)                                 \
    Q(CLASS_INSERT, "inniinsiiii",                                          \
      "INSERT INTO class_sessions(program_id, course_id, teacher_id, "        \
      "starts_at, ends_at, room_id, place, half_hours, capacity, is_demo, "   \
      "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "    \
      "RETURNING id", NULL)                                                   \
    Q(CLASS_LIST, "sniisnnii",                                              \
      SESSION_SELECT SESSION_WHERE "ORDER BY cs.starts_at, cs.id "            \
      "LIMIT $8 OFFSET $9", NULL)                                             \
    /* SESSION_WHERE's filters, with the program and the school looked \
     * up only when a filter needs them: the live-session index alone   \
     * (migration 17) counts the common lists. */                        \
    Q(CLASS_COUNT, "sniisnn",                                               \
      "SELECT COUNT(*) FROM class_sessions cs WHERE cs.voided_at IS NULL "    \
      "AND (CAST($2 AS BIGINT) IS NULL OR cs.program_id = $2) "              \
      "AND cs.starts_at >= $3 AND cs.starts_at < $4 "                        \
      "AND (CAST($6 AS BIGINT) IS NULL OR cs.teacher_id = $6) "              \
      "AND ((CAST($1 AS TEXT) IS NULL AND CAST($5 AS TEXT) IS NULL "         \
      " AND CAST($7 AS BIGINT) IS NULL) OR EXISTS (SELECT 1 FROM programs p " \
      " JOIN schools s ON s.id = p.school_id WHERE p.id = cs.program_id "    \
      " AND (CAST($1 AS TEXT) IS NULL OR s.township_code = $1) "             \
      " AND (CAST($5 AS TEXT) IS NULL OR p.type = $5) "                      \
      " AND (CAST($7 AS BIGINT) IS NULL OR p.school_id = $7)))", NULL)       \
    Q(CLASS_GET, "i", SESSION_SELECT "WHERE cs.id = $1", NULL)              \
    /* person-times and persons of the sessions a list shows */            \
    Q(CLASS_TOTALS, "sniisnn",                                                \
      "SELECT COUNT(a.id), COUNT(DISTINCT a.person_id) "                      \
      "FROM class_sessions cs JOIN programs p ON p.id = cs.program_id "       \
      "JOIN schools s ON s.id = p.school_id "                                 \
      "JOIN attendance a ON a.session_id = cs.id " SESSION_WHERE, NULL)       \
    /* the version of township $1's attendance (NULL: the county's),     \
     * which every write to attendance moves on (migration 16) */         \
    Q(ATTENDANCE_VERSION, "s",                                                \
      "SELECT COALESCE(SUM(n), 0) FROM attendance_versions "                  \
      "WHERE township_code = '' OR CAST($1 AS TEXT) IS NULL "                 \
      "OR township_code = $1", NULL)                                          \
    /* a person's sessions (enrolled or waiting) ending after $2 */        \
    Q(CLASS_MINE, "ii",                                                       \
      SESSION_SELECT "WHERE cs.voided_at IS NULL AND cs.id IN (SELECT "       \
      "session_id FROM enrollments WHERE person_id = $1) "                    \
      "AND cs.ends_at >= $2 ORDER BY cs.starts_at, cs.id LIMIT 100", NULL)    \
    /* course_id, teacher_id, starts_at, ends_at, half_hours, capacity,   \
     * township_code, voided_at: a session without its counts */          \
    Q(CLASS_BRIEF, "i",                                                       \
      "SELECT cs.course_id, cs.teacher_id, cs.starts_at, cs.ends_at, "        \
      "cs.half_hours, cs.capacity, s.township_code, cs.voided_at "            \
      "FROM class_sessions cs JOIN programs p ON p.id = cs.program_id "       \
      "JOIN schools s ON s.id = p.school_id WHERE cs.id = $1", NULL)          \
    Q(ROOM_SCHOOL, "i",                                                       \
      "SELECT school_id FROM rooms WHERE id = $1 AND voided_at IS NULL",      \
      NULL)                                                                   \
    Q(COURSE_PUBLISHED, "i",                                                  \
      "SELECT published FROM courses WHERE id = $1 AND voided_at IS NULL",    \
      NULL)                                                                   \
    /* Serialises enrolments of one session (SQLite: BEGIN IMMEDIATE does) */ \
    Q(CLASS_LOCK, "i",                                                        \
      "SELECT id FROM class_sessions WHERE id = $1",                          \
      "SELECT id FROM class_sessions WHERE id = $1 FOR UPDATE")               \
    Q(ENROLLED_COUNT, "i",                                                    \
      "SELECT COUNT(*) FROM enrollments WHERE session_id = $1 "               \
      "AND status = 'enrolled'", NULL)                                        \
    Q(ENROLL_HAS, "ii",                                                       \
      "SELECT COUNT(*) FROM enrollments WHERE session_id = $1 "               \
      "AND person_id = $2", NULL)                                             \
    Q(ENROLL_INSERT, "iisi",                                                  \
      "INSERT INTO enrollments(session_id, person_id, status, created_at) "   \
      "VALUES ($1, $2, $3, $4)", NULL)                                        \
    /* person_id, name, id_number_masked, status, attended */               \
    Q(ENROLL_LIST, "i",                                                       \
      "SELECT e.person_id, p.name, p.id_number_masked, e.status, "            \
      "CASE WHEN a.id IS NULL THEN 0 ELSE 1 END FROM enrollments e "          \
      "JOIN people p ON p.id = e.person_id LEFT JOIN attendance a "           \
      "ON a.session_id = e.session_id AND a.person_id = e.person_id "         \
      "WHERE e.session_id = $1 ORDER BY e.status, p.sort_pinyin, p.id", NULL) \
    /* township_code, political_status, flags */                           \
    Q(PERSON_BRIEF, "i",                                                      \
      "SELECT township_code, political_status, flags FROM people "            \
      "WHERE id = $1 AND voided_at IS NULL", NULL)                            \
    /* The session's context comes from the session itself; a second      \
     * check-in gives no row instead of an error, so that a writer never   \
     * aborts its transaction on PostgreSQL (class_attend_write). */        \
    Q(ATTEND_INSERT_NEW, "iiisisisni",                                        \
      "INSERT INTO attendance(session_id, person_id, at, method, year, day, " \
      "minutes, rule, recorded_by, is_demo, program_id, program_type, "       \
      "concentrated, township_code, starts_at) "                              \
      "SELECT CAST($1 AS BIGINT), CAST($2 AS BIGINT), CAST($3 AS BIGINT), "   \
      "CAST($4 AS TEXT), CAST($5 AS INTEGER), CAST($6 AS TEXT), "             \
      "CAST($7 AS INTEGER), CAST($8 AS TEXT), CAST($9 AS BIGINT), "           \
      "CAST($10 AS INTEGER), p.id, p.type, "                                  \
      "pt.concentrated, s.township_code, cs.starts_at "                       \
      "FROM class_sessions cs JOIN programs p ON p.id = cs.program_id "       \
      "JOIN program_types pt ON pt.code = p.type "                            \
      "JOIN schools s ON s.id = p.school_id WHERE cs.id = $1 "                \
      "ON CONFLICT (session_id, person_id) DO NOTHING RETURNING id", NULL)    \
    Q(ATTENDED, "ii",                                                         \
      "SELECT COUNT(*) FROM attendance WHERE session_id = $1 "                \
      "AND person_id = $2", NULL)                                             \
    /* minutes, classes */                                                   \
    Q(HOURS_PERSON, "ii",                                                     \
      "SELECT COALESCE(SUM(minutes), 0), COALESCE(SUM(classes), 0) "          \
      "FROM person_hours WHERE person_id = $1 AND year = $2", NULL)           \
    Q(HOUR_TARGET, "si",                                                      \
      "SELECT hours, min_classes FROM hour_targets WHERE who = $1 "           \
      "AND year_from <= $2 AND (year_to IS NULL OR year_to >= $2) "           \
      "ORDER BY year_from DESC LIMIT 1", NULL)                                \
    /* id, name, village_code, political_status, flags, minutes, classes,     \
     * id_number_masked of the living people of the county ($2: of a          \
     * township), in pinyin order: hours_behind walks them with the           \
     * order's index and stops once its page is full. Who a target binds      \
     * is rules.c's to say, so no status is filtered here. */                 \
    Q(HOURS_WALK, "i",                                                        \
      "SELECT p.id, p.name, p.village_code, p.political_status, p.flags, "    \
      "COALESCE(h.minutes, 0), COALESCE(h.classes, 0), p.id_number_masked "   \
      "FROM people p LEFT JOIN person_hours h "                               \
      "ON h.person_id = p.id AND h.year = $1 "                                \
      "WHERE p.voided_at IS NULL ORDER BY p.sort_pinyin, p.id", NULL)         \
    Q(HOURS_WALK_T, "is",                                                     \
      "SELECT p.id, p.name, p.village_code, p.political_status, p.flags, "    \
      "COALESCE(h.minutes, 0), COALESCE(h.classes, 0), p.id_number_masked "   \
      "FROM people p LEFT JOIN person_hours h "                               \
      "ON h.person_id = p.id AND h.year = $1 "                                \
      "WHERE p.township_code = $2 AND p.voided_at IS NULL "                   \
      "ORDER BY p.sort_pinyin, p.id", NULL)                                   \
    /* political_status, flags, how many: the members the yearly targets      \
     * may bind ($1 township, NULL: the county) */                            \
    Q(HOURS_MEMBER_KINDS, "s",                                                \
      "SELECT political_status, flags, COUNT(*) FROM people "                 \
      "WHERE voided_at IS NULL "                                              \
      "AND political_status IN ('member', 'probationary') "                   \
      "AND (CAST($1 AS TEXT) IS NULL OR township_code = $1) "                 \
      "GROUP BY political_status, flags", NULL)                               \
    /* political_status, flags, minutes, classes of each member who           \
     * attended in year $1 ($2 township) */                                   \
    Q(HOURS_MEMBER_ROWS, "is",                                                \
      "SELECT p.political_status, p.flags, h.minutes, h.classes "             \
      "FROM person_hours h JOIN people p ON p.id = h.person_id "              \
      "WHERE h.year = $1 AND p.voided_at IS NULL "                            \
      "AND (CAST($2 AS TEXT) IS NULL OR p.township_code = $2)", NULL)         \
    /* the version of township $1's roster (NULL: the county's), which        \
     * every write to a person's township, status or flags moves on           \
     * (migration 21) */                                                      \
    Q(PEOPLE_VERSION, "s",                                                    \
      "SELECT COALESCE(SUM(n), 0) FROM people_versions "                      \
      "WHERE township_code = '' OR CAST($1 AS TEXT) IS NULL "                 \
      "OR township_code = $1", NULL)                                          \
    Q(RATING_RULE, "i",                                                       \
      "SELECT w_content, w_method, w_effect, w_attitude, excellent, good, "   \
      "pass, prior_weight, min_ratings FROM rating_rules "                    \
      "WHERE year_from <= $1 "                                                \
      "ORDER BY year_from DESC LIMIT 1", NULL)                                \
    Q(EVAL_INSERT, "innssiiiiisiiii",                                        \
      "INSERT INTO evaluations(session_id, teacher_id, course_id, "           \
      "rater_hash, rater_person, content, method, effect, attitude, "         \
      "total_tenths, grade, year, at, is_demo, total_hundredths, "            \
      "township_code, starts_at) "                                            \
      "SELECT CAST($1 AS BIGINT), CAST($2 AS BIGINT), CAST($3 AS BIGINT), "   \
      "CAST($4 AS TEXT), CAST($5 AS TEXT), CAST($6 AS INTEGER), "             \
      "CAST($7 AS INTEGER), CAST($8 AS INTEGER), CAST($9 AS INTEGER), "       \
      "CAST($10 AS INTEGER), CAST($11 AS TEXT), CAST($12 AS INTEGER), "       \
      "CAST($13 AS BIGINT), CAST($14 AS INTEGER), CAST($15 AS INTEGER), "     \
      "s.township_code, cs.starts_at FROM class_sessions cs "                 \
      "JOIN programs p ON p.id = cs.program_id "                              \
      "JOIN schools s ON s.id = p.school_id WHERE cs.id = $1 RETURNING id",   \
      NULL)                                                                   \
    /* n, sum of totals (hundredths), excellent: all time, as the       \
     * triggers keep them (migration 19); the county's is the sum of    \
     * the teachers' rows, 0 the ratings of no teacher */                \
    Q(RATING_TEACHER, "i",                                                    \
      "SELECT COALESCE(SUM(n), 0), COALESCE(SUM(total), 0), "                \
      "COALESCE(SUM(excellent), 0) FROM rating_totals "                       \
      "WHERE subject = 'teacher' AND id = $1", NULL)                          \
    Q(RATING_COURSE, "i",                                                     \
      "SELECT COALESCE(SUM(n), 0), COALESCE(SUM(total), 0), "                \
      "COALESCE(SUM(excellent), 0) FROM rating_totals "                       \
      "WHERE subject = 'course' AND id = $1", NULL)                           \
    Q(RATING_ALL, "",                                                         \
      "SELECT COALESCE(SUM(n), 0), COALESCE(SUM(total), 0), "                \
      "COALESCE(SUM(excellent), 0) FROM rating_totals "                       \
      "WHERE subject = 'teacher'", NULL)                                      \
    /* The demo trainee's person: a member of the township, the first. */  \
    Q(DEMO_MEMBER, "s",                                                       \
      "SELECT id FROM people WHERE township_code = $1 "                       \
      "AND political_status = 'member' AND flags = ',' "                      \
      "AND voided_at IS NULL ORDER BY id LIMIT 1", NULL)                      \
    /* id, flags: the living people of a township, for the demo */         \
    Q(DEMO_TOWNSHIP_PEOPLE, "s",                                              \
      "SELECT id, flags, political_status FROM people "                       \
      "WHERE township_code = $1 AND voided_at IS NULL ORDER BY id", NULL)     \
    /* course id, module, first teacher */                                 \
    Q(DEMO_COURSES, "",                                                       \
      "SELECT c.id, c.module_code, (SELECT MIN(teacher_id) FROM "             \
      "course_teachers WHERE course_id = c.id), c.half_hours FROM courses c " \
      "WHERE c.published = 1 ORDER BY c.id", NULL)                            \
    Q(DEMO_CLASSROOM, "i",                                                    \
      "SELECT MIN(id) FROM rooms WHERE school_id = $1", NULL)                 \
    /* the township's own teachers, for the demo's local sessions */        \
    Q(DEMO_TOWNSHIP_TEACHERS, "s",                                            \
      "SELECT id FROM teachers WHERE level = 'township' "                     \
      "AND township_code = $1 AND voided_at IS NULL ORDER BY id", NULL)       \
    Q(DEMO_SCHOOL_OF, "s", "SELECT id FROM schools WHERE township_code = $1", \
      NULL)                                                            \
    Q(ORDER_INSERT, "iissi",                                                  \
      "INSERT INTO orders(course_id, person_id, township_code, note, "        \
      "status, created_at) VALUES ($1, $2, $3, $4, 'open', $5) RETURNING id", \
      NULL)                                                                   \
    /* id, course_id, course_title, status, reason, program_id,          \
     * session_id, created_at: a person's orders, newest first */          \
    Q(ORDER_MINE, "i",                                                        \
      "SELECT o.id, o.course_id, c.title, o.status, o.reason, o.program_id, " \
      "o.session_id, o.created_at FROM orders o JOIN courses c "              \
      "ON c.id = o.course_id WHERE o.person_id = $1 ORDER BY o.id DESC",      \
      NULL)                                                                   \
    /* id, person_id: the open orders of a course in a township */         \
    Q(ORDER_OPEN_OF, "is",                                                    \
      "SELECT id, person_id FROM orders WHERE course_id = $1 "                \
      "AND township_code = $2 AND status = 'open' ORDER BY id", NULL)         \
    Q(ORDER_ACCEPT, "iiini",                                                  \
      "UPDATE orders SET status = 'accepted', program_id = $1, "              \
      "session_id = $2, decided_at = $3, decided_by = $4 "                    \
      "WHERE id = $5 AND status = 'open'", NULL)                              \
    Q(ORDER_DECLINE, "sini",                                                  \
      "UPDATE orders SET status = 'declined', reason = $1, decided_at = $2, " \
      "decided_by = $3 WHERE id = $4 AND status = 'open'", NULL)              \
    /* township_code, status */                                            \
    Q(ORDER_GET, "i",                                                         \
      "SELECT township_code, status FROM orders WHERE id = $1", NULL)         \
    Q(SCHOOL_FIRST_ROOM, "i",                                                 \
      "SELECT MIN(id) FROM rooms WHERE school_id = $1 AND voided_at IS NULL", \
      NULL)                                                            \
    Q(PLAN_INSERT, "iisi",                                                    \
      "INSERT INTO plans(school_id, year, title, created_at) "                \
      "VALUES ($1, $2, $3, $4) RETURNING id", NULL)                           \
    Q(PLAN_BATCH_INSERT, "iisssiiii",                                         \
      "INSERT INTO plan_batches(plan_id, batch, program_type, starts_on, "    \
      "ends_on, from_at, to_at, sessions, persons) "                          \
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", NULL)                    \
    /* id, school_id, year, title */                                       \
    Q(PLAN_GET, "i",                                                          \
      "SELECT id, school_id, year, title FROM plans WHERE id = $1", NULL)     \
    Q(PLAN_OF, "ii",                                                          \
      "SELECT id FROM plans WHERE school_id = $1 AND year = $2", NULL)        \
    /* batch, program_type, starts_on, ends_on, planned sessions, planned \
     * persons, held sessions, the school's township, from_at, to_at: held \
     * is counted from the school's sessions of the batch's type within   \
     * its dates, the persons trained by ATTENDED_PERSONS */               \
    Q(PLAN_BATCHES, "i",                                                      \
      "SELECT b.batch, b.program_type, b.starts_on, b.ends_on, b.sessions, "  \
      "b.persons, "                                                           \
      "(SELECT COUNT(*) FROM class_sessions cs JOIN programs p "              \
      " ON p.id = cs.program_id WHERE p.school_id = pl.school_id "            \
      " AND p.type = b.program_type AND cs.voided_at IS NULL "                \
      " AND cs.starts_at >= b.from_at AND cs.starts_at < b.to_at), "          \
      "s.township_code, b.from_at, b.to_at "                                  \
      "FROM plans pl JOIN plan_batches b ON b.plan_id = pl.id "               \
      "JOIN schools s ON s.id = pl.school_id "                                \
      "WHERE pl.id = $1 ORDER BY b.batch, b.id", NULL)                        \
    /* the persons who attended sessions of township $1 and type $2       \
     * starting in [$3, $4) (attendance carries all four) */              \
    Q(ATTENDED_PERSONS, "ssii",                                               \
      "SELECT COUNT(DISTINCT person_id) FROM attendance "                     \
      "WHERE township_code = $1 AND program_type = $2 "                       \
      "AND starts_at >= $3 AND starts_at < $4", NULL)                         \
    /* Edits from the admin pages: a teacher's or a course's fields, its  \
     * modules, schools and teachers replaced as a whole. */               \
    Q(TEACHER_UPDATE, "ssssi",                                                \
      "UPDATE teachers SET name = $1, level = $2, township_code = $3, "       \
      "title = $4 WHERE id = $5 AND voided_at IS NULL", NULL)                 \
    Q(TEACHER_MODULES_CLEAR, "i",                                             \
      "DELETE FROM teacher_modules WHERE teacher_id = $1", NULL)              \
    Q(TEACHER_SCHOOLS_CLEAR, "i",                                             \
      "DELETE FROM teacher_schools WHERE teacher_id = $1", NULL)              \
    Q(COURSE_UPDATE, "ssissii",                                               \
      "UPDATE courses SET title = $1, module_code = $2, half_hours = $3, "    \
      "format = $4, description = $5, published = $6 "                        \
      "WHERE id = $7 AND voided_at IS NULL", NULL)                            \
    Q(COURSE_TEACHERS_CLEAR, "i",                                             \
      "DELETE FROM course_teachers WHERE course_id = $1", NULL)               \
    /* the sessions a teacher taught or will teach, latest first */        \
    Q(CLASS_OF_TEACHER, "ii",                                                 \
      SESSION_SELECT "WHERE cs.voided_at IS NULL AND cs.teacher_id = $1 "     \
      "ORDER BY cs.starts_at DESC, cs.id DESC LIMIT $2", NULL)

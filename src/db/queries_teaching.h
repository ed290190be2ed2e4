/*
 * queries_teaching.h - the SQL of schools, rooms, teachers and the course
 * catalog (issue 4), in the form of queries.h: Q(NAME, sql, pg_sql) with
 * pg_sql NULL when both backends take the same text.
 */
#pragma once

/* A list of a child table's values as "a,b", in order. */
#define CSV_OF(col, from)                                                     \
    "(SELECT group_concat(x, ',') FROM (SELECT " col " AS x FROM " from      \
    " ORDER BY 1) AS l)"
#define CSV_OF_PG(col, from)                                                  \
    "(SELECT string_agg(CAST(" col " AS TEXT), ',' ORDER BY " col ") FROM "  \
    from ")"

/* id, township_code, township_name, name, address, county_teachers,
 * own_teachers, rooms */
#define SCHOOL_SELECT                                                         \
    "SELECT s.id, s.township_code, t.name, s.name, s.address, "              \
    "(SELECT COUNT(*) FROM teacher_schools ts JOIN teachers te "             \
    "  ON te.id = ts.teacher_id WHERE ts.school_id = s.id "                  \
    "  AND te.level = 'county' AND te.voided_at IS NULL), "                  \
    "(SELECT COUNT(*) FROM teacher_schools ts JOIN teachers te "             \
    "  ON te.id = ts.teacher_id WHERE ts.school_id = s.id "                  \
    "  AND te.level <> 'county' AND te.voided_at IS NULL), "                 \
    "(SELECT COUNT(*) FROM rooms r WHERE r.school_id = s.id "                \
    "  AND r.voided_at IS NULL) "                                            \
    "FROM schools s JOIN townships t ON t.code = s.township_code "

/* id, name, level, township_code, title, modules, school_ids, voided_at */
#define TEACHER_COLS(CSV)                                                     \
    "SELECT t.id, t.name, t.level, t.township_code, t.title, "               \
    CSV("module_code", "teacher_modules WHERE teacher_id = t.id") ", "       \
    CSV("school_id", "teacher_schools WHERE teacher_id = t.id")              \
    ", t.voided_at FROM teachers t "
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

#define DB_QUERIES_TEACHING(Q)                                                \
    Q(SCHOOL_INSERT,                                                          \
      "INSERT INTO schools(township_code, name, address, is_demo, "           \
      "created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id", NULL)           \
    Q(SCHOOL_LIST,                                                            \
      SCHOOL_SELECT "WHERE (CAST($1 AS TEXT) IS NULL OR s.township_code = $1) " \
      "ORDER BY t.seq, s.id LIMIT $2 OFFSET $3", NULL)                        \
    Q(SCHOOL_COUNT,                                                           \
      "SELECT COUNT(*) FROM schools s "                                       \
      "WHERE (CAST($1 AS TEXT) IS NULL OR s.township_code = $1)", NULL)       \
    Q(SCHOOL_GET, SCHOOL_SELECT "WHERE s.id = $1", NULL)                      \
    Q(SCHOOL_UPDATE,                                                          \
      "UPDATE schools SET name = COALESCE($1, name), "                        \
      "address = COALESCE($2, address) WHERE id = $3", NULL)                  \
    /* id, school_id, name, kind, kind_name, capacity, voided_at */           \
    Q(ROOM_LIST,                                                              \
      "SELECT r.id, r.school_id, r.name, r.kind, k.name, r.capacity, "        \
      "r.voided_at FROM rooms r JOIN room_kinds k ON k.code = r.kind "        \
      "WHERE r.school_id = $1 AND r.voided_at IS NULL ORDER BY k.seq, r.id",  \
      NULL)                                                                   \
    Q(ROOM_GET,                                                               \
      "SELECT r.id, r.school_id, r.name, r.kind, k.name, r.capacity, "        \
      "r.voided_at FROM rooms r JOIN room_kinds k ON k.code = r.kind "        \
      "WHERE r.id = $1", NULL)                                                \
    Q(ROOM_INSERT,                                                            \
      "INSERT INTO rooms(school_id, name, kind, capacity, is_demo, "          \
      "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", NULL)       \
    Q(ROOM_KIND_GET,                                                          \
      "SELECT name FROM room_kinds WHERE code = $1 AND active = 1", NULL)     \
    Q(ROOM_KIND_LIST,                                                         \
      "SELECT code, name FROM room_kinds WHERE active = 1 ORDER BY seq",      \
      NULL)                                                                   \
    /* year, fixed_site, teachers, equipment, books, note, checked_by_name, \
     * checked_at */                                                        \
    Q(SCHOOL_CHECK_LIST,                                                      \
      "SELECT year, fixed_site, teachers, equipment, books, note, "           \
      "checked_by_name, checked_at FROM school_checks WHERE school_id = $1 "  \
      "ORDER BY year DESC", NULL)                                             \
    Q(SCHOOL_CHECK_PUT,                                                       \
      "INSERT INTO school_checks(school_id, year, fixed_site, teachers, "     \
      "equipment, books, note, checked_by, checked_by_name, checked_at) "     \
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "                     \
      "ON CONFLICT (school_id, year) DO UPDATE SET "                          \
      "fixed_site = excluded.fixed_site, teachers = excluded.teachers, "      \
      "equipment = excluded.equipment, books = excluded.books, "              \
      "note = excluded.note, checked_by = excluded.checked_by, "              \
      "checked_by_name = excluded.checked_by_name, "                          \
      "checked_at = excluded.checked_at", NULL)                               \
    Q(MODULE_LIST, "SELECT code, name FROM modules ORDER BY seq", NULL)       \
    Q(MODULE_GET, "SELECT name FROM modules WHERE code = $1", NULL)           \
    Q(TEACHER_INSERT,                                                         \
      "INSERT INTO teachers(name, level, township_code, title, is_demo, "     \
      "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", NULL)       \
    Q(TEACHER_MODULE_ADD,                                                     \
      "INSERT INTO teacher_modules(teacher_id, module_code) VALUES ($1, $2)", \
      NULL)                                                                   \
    Q(TEACHER_SCHOOL_ADD,                                                     \
      "INSERT INTO teacher_schools(teacher_id, school_id) VALUES ($1, $2)",   \
      NULL)                                                                   \
    Q(TEACHER_LIST,                                                           \
      TEACHER_COLS(CSV_OF) TEACHER_WHERE "ORDER BY t.id LIMIT $6 OFFSET $7",  \
      TEACHER_COLS(CSV_OF_PG) TEACHER_WHERE                                   \
      "ORDER BY t.id LIMIT $6 OFFSET $7")                                     \
    Q(TEACHER_COUNT, "SELECT COUNT(*) FROM teachers t " TEACHER_WHERE, NULL)  \
    Q(TEACHER_GET, TEACHER_COLS(CSV_OF) "WHERE t.id = $1",                    \
      TEACHER_COLS(CSV_OF_PG) "WHERE t.id = $1")                              \
    Q(SCHOOL_TOWNSHIP,                                                        \
      "SELECT township_code FROM schools WHERE id = CAST($1 AS BIGINT)",      \
      NULL)                                                                   \
    Q(COURSE_INSERT,                                                          \
      "INSERT INTO courses(title, module_code, half_hours, format, "          \
      "description, published, is_demo, created_at) "                         \
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id", NULL)           \
    Q(COURSE_TEACHER_ADD,                                                     \
      "INSERT INTO course_teachers(course_id, teacher_id) VALUES ($1, $2)",   \
      NULL)                                                                   \
    Q(TEACHER_LIVE,                                                           \
      "SELECT name FROM teachers WHERE id = CAST($1 AS BIGINT) "              \
      "AND voided_at IS NULL", NULL)                                          \
    Q(COURSE_LIST,                                                            \
      COURSE_COLS(CSV_OF) COURSE_WHERE "ORDER BY m.seq, c.id "                \
      "LIMIT $5 OFFSET $6",                                                   \
      COURSE_COLS(CSV_OF_PG) COURSE_WHERE "ORDER BY m.seq, c.id "             \
      "LIMIT $5 OFFSET $6")                                                   \
    Q(COURSE_COUNT,                                                           \
      "SELECT COUNT(*) FROM courses c JOIN modules m "                        \
      "ON m.code = c.module_code " COURSE_WHERE, NULL)                        \
    Q(COURSE_GET, COURSE_COLS(CSV_OF) "WHERE c.id = $1",                      \
      COURSE_COLS(CSV_OF_PG) "WHERE c.id = $1")                               \
    Q(COURSE_PUBLISH,                                                         \
      "UPDATE courses SET published = $1 WHERE id = $2 "                      \
      "AND voided_at IS NULL", NULL)

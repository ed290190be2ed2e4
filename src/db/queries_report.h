/*
 * queries_report.h - the county report (SPEC.md §4.3), in the form of
 * queries.h. Every figure is counted from records: $1 township (NULL:
 * the county), then, where a figure depends on time, $2 from and $3 to
 * (unix seconds, [from, to)).
 */
#pragma once

/* The sessions of the range, with their program and school. */
#define REPORT_SESSIONS                                                       \
    "FROM class_sessions cs JOIN programs p ON p.id = cs.program_id "        \
    "JOIN schools s ON s.id = p.school_id "                                  \
    "WHERE cs.voided_at IS NULL "                                             \
    "AND (CAST($1 AS TEXT) IS NULL OR s.township_code = $1) "                \
    "AND cs.starts_at >= $2 AND cs.starts_at < $3 "

#define DB_QUERIES_REPORT(Q)                                                  \
    /* code, day cap, half-day and day lengths (minutes): the 学时 rule   \
     * of year $1 (hour_rules, dated by the year it applies from) */      \
    Q(HOUR_RULE,                                                              \
      "SELECT code, day_cap_minutes, half_day_minutes, day_minutes "          \
      "FROM hour_rules WHERE year_from <= $1 "                                \
      "ORDER BY year_from DESC LIMIT 1", NULL)                                \
    /* Serialises the writes of one person's day (SQLite: the write lock   \
     * does), so two check-ins of that day credit it once, in order. */     \
    Q(PERSON_LOCK, "SELECT id FROM people WHERE id = $1",                     \
      "SELECT id FROM people WHERE id = $1 FOR UPDATE")                       \
    /* id, session_id, minutes, rule, half_hours, starts_at: a person's    \
     * attendances of a China day ($1 person, $2 day), in order of the    \
     * sessions' start */                                                  \
    Q(ATTEND_DAY,                                                             \
      "SELECT a.id, a.session_id, a.minutes, a.rule, cs.half_hours, "         \
      "a.starts_at FROM attendance a "                                        \
      "JOIN class_sessions cs ON cs.id = a.session_id "                       \
      "WHERE a.person_id = $1 AND a.day = $2 "                                \
      "ORDER BY a.starts_at, a.session_id", NULL)                             \
    Q(ATTEND_RECREDIT,                                                        \
      "UPDATE attendance SET minutes = $1, rule = $2 WHERE id = $3", NULL)    \
    Q(REPORT_SCHOOLS,                                                         \
      "SELECT COUNT(*) FROM schools s "                                       \
      "WHERE CAST($1 AS TEXT) IS NULL OR s.township_code = $1", NULL)         \
    Q(REPORT_FUNCTION_ROOMS,                                                  \
      "SELECT COUNT(*) FROM rooms r JOIN schools s ON s.id = r.school_id "    \
      "WHERE r.voided_at IS NULL AND r.kind <> 'classroom' "                  \
      "AND (CAST($1 AS TEXT) IS NULL OR s.township_code = $1)", NULL)         \
    /* county teachers (serving a school of the township), the township's \
     * own */                                                              \
    Q(REPORT_TEACHERS,                                                        \
      "SELECT "                                                               \
      "(SELECT COUNT(*) FROM teachers t WHERE t.voided_at IS NULL "           \
      " AND t.level = 'county' AND (CAST($1 AS TEXT) IS NULL OR EXISTS ("    \
      "  SELECT 1 FROM teacher_schools ts JOIN schools s "                    \
      "  ON s.id = ts.school_id WHERE ts.teacher_id = t.id "                  \
      "  AND s.township_code = $1))), "                                       \
      "(SELECT COUNT(*) FROM teachers t WHERE t.voided_at IS NULL "           \
      " AND t.level = 'township' "                                            \
      " AND (CAST($1 AS TEXT) IS NULL OR t.township_code = $1))", NULL)       \
    /* county teachers per school, to count those meeting the minimum */   \
    Q(REPORT_POOL,                                                            \
      "SELECT (SELECT COUNT(*) FROM teacher_schools ts JOIN teachers t "      \
      " ON t.id = ts.teacher_id WHERE ts.school_id = s.id "                   \
      " AND t.level = 'county' AND t.voided_at IS NULL) FROM schools s "      \
      "WHERE CAST($1 AS TEXT) IS NULL OR s.township_code = $1", NULL)         \
    /* evaluations, distinct raters, excellent */                          \
    Q(REPORT_EVALUATIONS,                                                     \
      "SELECT COUNT(*), COUNT(DISTINCT rater_person), COALESCE(SUM(CASE "     \
      "WHEN grade = 'excellent' THEN 1 ELSE 0 END), 0) FROM evaluations "     \
      "WHERE (CAST($1 AS TEXT) IS NULL OR township_code = $1) "               \
      "AND starts_at >= $2 AND starts_at < $3", NULL)                         \
    /* modules, published courses: the county's catalog */                 \
    Q(REPORT_CATALOG,                                                         \
      "SELECT (SELECT COUNT(*) FROM modules), (SELECT COUNT(*) FROM "         \
      "courses WHERE published = 1 AND voided_at IS NULL)", NULL)             \
    /* type, sessions */                                                   \
    Q(REPORT_SESSIONS_BY_TYPE,                                                \
      "SELECT p.type, COUNT(*) " REPORT_SESSIONS "GROUP BY p.type", NULL)     \
    /* type, person-times, persons */                                      \
    Q(REPORT_ATTENDANCE_BY_TYPE,                                              \
      "SELECT program_type, COUNT(*), COUNT(DISTINCT person_id) "             \
      "FROM attendance WHERE starts_at >= $1 AND starts_at < $2 "             \
      "AND (CAST($3 AS TEXT) IS NULL OR township_code = $3) "                 \
      "GROUP BY program_type", NULL)                                          \
    /* course orders placed in the range */                               \
    Q(REPORT_ORDERS,                                                          \
      "SELECT COUNT(*) FROM orders WHERE "                                    \
      "(CAST($1 AS TEXT) IS NULL OR township_code = $1) "                     \
      "AND created_at >= $2 AND created_at < $3", NULL)                       \
    Q(REPORT_THEMED_CLASSES,                                                  \
      "SELECT COUNT(DISTINCT p.id) " REPORT_SESSIONS                          \
      "AND p.type = 'themed_class'", NULL)                                    \
    /* villages covered and persons of the 村两委 training */               \
    Q(REPORT_VILLAGE_TRAINING,                                                \
      "SELECT COUNT(DISTINCT pe.village_code), COUNT(DISTINCT pe.id) "        \
      "FROM attendance a JOIN people pe ON pe.id = a.person_id "              \
      "WHERE (CAST($1 AS TEXT) IS NULL OR a.township_code = $1) "             \
      "AND a.starts_at >= $2 AND a.starts_at < $3 "                           \
      "AND a.program_type = 'village_cadre'", NULL)                           \
    /* political_status, flags, how many: the members the yearly targets \
     * may bind ($1 township) */                                          \
    Q(REPORT_MEMBER_KINDS,                                                    \
      "SELECT political_status, flags, COUNT(*) FROM people "                 \
      "WHERE voided_at IS NULL "                                              \
      "AND political_status IN ('member', 'probationary') "                   \
      "AND (CAST($1 AS TEXT) IS NULL OR township_code = $1) "                 \
      "GROUP BY political_status, flags", NULL)                               \
    /* political_status, flags, minutes, classes of each member who      \
     * attended in year $1 ($2 township) */                               \
    Q(REPORT_MEMBER_HOURS,                                                    \
      "SELECT p.political_status, p.flags, h.minutes, h.classes FROM ("       \
      HOURS_OF_YEAR "WHERE a.year = $1 GROUP BY a.person_id) h "              \
      "JOIN people p ON p.id = h.person_id WHERE p.voided_at IS NULL "        \
      "AND (CAST($2 AS TEXT) IS NULL OR p.township_code = $2)", NULL)

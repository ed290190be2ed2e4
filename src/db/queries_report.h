/*
 * queries_report.h - the county report (SPEC.md §4.3) and the study
 * hours behind it, in the form of queries.h. Every figure is counted
 * from records: $1 township (NULL: the county), then, where a figure
 * depends on time, $2 from and $3 to (unix seconds, [from, to)). A
 * figure counts with the same WHERE as the list its link opens (the
 * schools, rooms, teachers, programs and sessions lists of
 * queries_teaching.h; the ranking, orders and covered villages here), so
 * the two cannot disagree.
 */
#pragma once

/* Evaluations of sessions of township $1 (NULL: the county) starting in
 * [$2, $3), of courses of module $4 (NULL: any): the report's figures and
 * the teacher ranking they open count the same rows. */
#define EVAL_WHERE                                                            \
    "WHERE (CAST($1 AS TEXT) IS NULL OR e.township_code = $1) "              \
    "AND e.starts_at >= $2 AND e.starts_at < $3 "                            \
    "AND (CAST($4 AS TEXT) IS NULL OR e.course_id IN (SELECT c.id FROM "     \
    " courses c WHERE c.module_code = $4)) "

/* Villages of township $1 whose people attended the 村两委 training of
 * that township in [$2, $3): the covered villages (覆盖村). */
#define COVERED_FROM                                                          \
    "FROM villages v JOIN townships t ON t.code = v.township_code "          \
    "WHERE v.valid_to IS NULL "                                              \
    "AND (CAST($1 AS TEXT) IS NULL OR v.township_code = $1) "                \
    "AND v.code IN (SELECT pe.village_code FROM attendance a "               \
    " JOIN people pe ON pe.id = a.person_id "                                \
    " WHERE a.program_type = 'village_cadre' "                               \
    " AND a.starts_at >= $2 AND a.starts_at < $3 "                           \
    " AND (CAST($1 AS TEXT) IS NULL OR a.township_code = $1)) "

/* Orders of township $3 that are open, or were placed in [$1, $2) (the
 * range first: it is named first, in the columns). */
#define PLACED_IN "o.created_at >= $1 AND o.created_at < $2"
#define ORDERS_FROM                                                           \
    "FROM orders o JOIN courses c ON c.id = o.course_id "                    \
    "JOIN modules m ON m.code = c.module_code "                              \
    "JOIN townships t ON t.code = o.township_code "                          \
    "LEFT JOIN schools s ON s.township_code = o.township_code "              \
    "WHERE (CAST($3 AS TEXT) IS NULL OR o.township_code = $3) "              \
    "AND (o.status = 'open' OR (" PLACED_IN ")) "

#define DB_QUERIES_REPORT(Q)                                                  \
    /* code, day cap, half-day and day lengths (minutes): the 学时 rule   \
     * of year $1 (hour_rules, dated by the year it applies from) */      \
    Q(HOUR_RULE, "i",                                                         \
      "SELECT code, day_cap_minutes, half_day_minutes, day_minutes "          \
      "FROM hour_rules WHERE year_from <= $1 "                                \
      "ORDER BY year_from DESC LIMIT 1", NULL)                                \
    /* Serialises the writes of one person's day (SQLite: the write lock   \
     * does), so two check-ins of that day credit it once, in order. */     \
    /* a live roster person (a voided one is enrolled and credited no   \
     * more), locked for the write */                                     \
    Q(PERSON_LOCK, "i",                                                       \
      "SELECT id FROM people WHERE id = $1 AND voided_at IS NULL",            \
      "SELECT id FROM people WHERE id = $1 AND voided_at IS NULL "            \
      "FOR UPDATE")                                                           \
    /* id, session_id, minutes, rule, half_hours, starts_at: a person's    \
     * attendances of a China day ($1 person, $2 day), in order of the    \
     * sessions' start */                                                  \
    Q(ATTEND_DAY, "is",                                                       \
      "SELECT a.id, a.session_id, a.minutes, a.rule, cs.half_hours, "         \
      "a.starts_at FROM attendance a "                                        \
      "JOIN class_sessions cs ON cs.id = a.session_id "                       \
      "WHERE a.person_id = $1 AND a.day = $2 "                                \
      "ORDER BY a.starts_at, a.session_id", NULL)                             \
    Q(ATTEND_RECREDIT, "isi",                                                 \
      "UPDATE attendance SET minutes = $1, rule = $2 WHERE id = $3", NULL)    \
    /* evaluations, distinct raters, sum of totals (hundredths), excellent, \
     * evaluations of sessions without a teacher */                        \
    Q(EVAL_SUMMARY, "siis",                                                   \
      "SELECT COUNT(*), COUNT(DISTINCT e.rater_person), "                     \
      "COALESCE(SUM(e.total_hundredths), 0), COALESCE(SUM(CASE "              \
      "WHEN e.grade = 'excellent' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE " \
      "WHEN e.teacher_id IS NULL THEN 1 ELSE 0 END), 0) FROM evaluations e "  \
      EVAL_WHERE, NULL)                                                       \
    /* teacher_id, name, level, township_code, evaluations, sum of totals  \
     * (hundredths), excellent: per teacher, for the ranking */            \
    Q(EVAL_BY_TEACHER, "siis",                                                \
      "SELECT e.teacher_id, t.name, t.level, t.township_code, COUNT(*), "     \
      "SUM(e.total_hundredths), SUM(CASE WHEN e.grade = 'excellent' "         \
      "THEN 1 ELSE 0 END) FROM evaluations e "                                \
      "JOIN teachers t ON t.id = e.teacher_id " EVAL_WHERE                    \
      "GROUP BY e.teacher_id, t.name, t.level, t.township_code", NULL)        \
    Q(MODULE_COUNT, "", "SELECT COUNT(*) FROM modules", NULL)                 \
    /* type, sessions: as the session list counts them */                  \
    Q(REPORT_SESSIONS_BY_TYPE, "sniisnn",                                     \
      "SELECT p.type, COUNT(*) FROM class_sessions cs "                       \
      "JOIN programs p ON p.id = cs.program_id "                              \
      "JOIN schools s ON s.id = p.school_id " SESSION_WHERE                   \
      "GROUP BY p.type", NULL)                                                \
    /* type, person-times, persons: attendance carries its session's     \
     * type, township and start, so this reads one table */               \
    Q(REPORT_ATTENDANCE_BY_TYPE, "iis",                                       \
      "SELECT program_type, COUNT(*), COUNT(DISTINCT person_id) "             \
      "FROM attendance WHERE starts_at >= $1 AND starts_at < $2 "             \
      "AND (CAST($3 AS TEXT) IS NULL OR township_code = $3) "                 \
      "GROUP BY program_type", NULL)                                          \
    /* course orders placed in the range */                               \
    Q(REPORT_ORDERS, "sii",                                                   \
      "SELECT COUNT(*) FROM orders WHERE "                                    \
      "(CAST($1 AS TEXT) IS NULL OR township_code = $1) "                     \
      "AND created_at >= $2 AND created_at < $3", NULL)                       \
    /* township_code, township name, school_id, school name, course_id,   \
     * title, module name, open now, placed in [$1, $2), of which         \
     * accepted, declined: demand per township and course, most open      \
     * first */                                                            \
    Q(ORDER_TABLE, "iis",                                                     \
      "SELECT o.township_code, t.name, s.id, s.name, o.course_id, c.title, "  \
      "m.name, SUM(CASE WHEN o.status = 'open' THEN 1 ELSE 0 END), "          \
      "SUM(CASE WHEN " PLACED_IN " THEN 1 ELSE 0 END), "                      \
      "SUM(CASE WHEN " PLACED_IN " AND o.status = 'accepted' THEN 1 "         \
      "ELSE 0 END), SUM(CASE WHEN " PLACED_IN " AND o.status = 'declined' "   \
      "THEN 1 ELSE 0 END) " ORDERS_FROM                                       \
      "GROUP BY o.township_code, t.name, t.seq, s.id, s.name, o.course_id, "  \
      "c.title, m.name ORDER BY 8 DESC, 9 DESC, t.seq, o.course_id", NULL)    \
    /* id, code, name, township_code, township name: covered villages */   \
    Q(COVERED_LIST, "siiii",                                                  \
      "SELECT v.id, v.code, v.name, v.township_code, t.name " COVERED_FROM    \
      "ORDER BY t.seq, v.id LIMIT $4 OFFSET $5", NULL)                        \
    Q(COVERED_COUNT, "sii", "SELECT COUNT(*) " COVERED_FROM, NULL)

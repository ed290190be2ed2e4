/*
 * queries_survey.h - questionnaires (需求调研), in the form of queries.h.
 * A survey's audience is one township or, township_code NULL, the county;
 * $township NULL in a filter means the whole county.
 */
#pragma once

/* id, title, intro, township_code, township name, status, created_at,
 * published_at, closes_at, closed_at, questions, responses (of township $1
 * when given) */
#define SURVEY_SELECT                                                         \
    "SELECT s.id, s.title, s.intro, s.township_code, t.name, s.status, "      \
    "s.created_at, s.published_at, s.closes_at, s.closed_at, "                \
    "(SELECT COUNT(*) FROM survey_questions q WHERE q.survey_id = s.id), "    \
    "(SELECT COUNT(*) FROM survey_responses r WHERE r.survey_id = s.id "      \
    " AND (CAST($1 AS TEXT) IS NULL OR r.township_code = $1)) "               \
    "FROM surveys s LEFT JOIN townships t ON t.code = s.township_code "

#define DB_QUERIES_SURVEY(Q)                                                  \
    Q(SURVEY_INSERT, "sssnin",                                                \
      "INSERT INTO surveys(title, intro, township_code, status, created_by, " \
      "created_at, closes_at) VALUES ($1, $2, $3, 'draft', $4, $5, $6) "      \
      "RETURNING id", NULL)                                                   \
    Q(SURVEY_QUESTION_INSERT, "iisssi",                                       \
      "INSERT INTO survey_questions(survey_id, seq, kind, text, options, "    \
      "required) VALUES ($1, $2, $3, $4, $5, $6)", NULL)                      \
    /* one survey: $1 township of the counted responses, $2 id */           \
    Q(SURVEY_GET, "si",                                                       \
      SURVEY_SELECT "WHERE s.id = $2", NULL)                                  \
    /* the surveys a township ($1) sees: its own and the county's */        \
    Q(SURVEY_LIST, "s",                                                       \
      SURVEY_SELECT "WHERE CAST($1 AS TEXT) IS NULL "                         \
      "OR s.township_code IS NULL OR s.township_code = $1 "                   \
      "ORDER BY s.id DESC", NULL)                                             \
    /* id, seq, kind, text, options (JSON), required */                      \
    Q(SURVEY_QUESTIONS, "i",                                                  \
      "SELECT id, seq, kind, text, options, required FROM survey_questions "  \
      "WHERE survey_id = $1 ORDER BY seq", NULL)                              \
    Q(SURVEY_PUBLISH, "ii",                                                   \
      "UPDATE surveys SET status = 'published', published_at = $1 "           \
      "WHERE id = $2 AND status = 'draft'", NULL)                             \
    Q(SURVEY_CLOSE, "ii",                                                     \
      "UPDATE surveys SET status = 'closed', closed_at = $1 "                 \
      "WHERE id = $2 AND status = 'published'", NULL)                         \
    /* answered by hash $1, open to a person of township $2 at $3:         \
     * answered, id, title, intro, township_code, closes_at, questions */   \
    Q(SURVEY_OPEN_FOR, "ssi",                                                 \
      "SELECT CASE WHEN EXISTS (SELECT 1 FROM survey_responses r "            \
      " WHERE r.survey_id = s.id AND r.respondent_hash = $1) THEN 1 ELSE 0 "  \
      "END, s.id, s.title, s.intro, s.township_code, s.closes_at, "           \
      "(SELECT COUNT(*) FROM survey_questions q WHERE q.survey_id = s.id) "   \
      "FROM surveys s WHERE s.status = 'published' "                          \
      "AND (s.township_code IS NULL OR s.township_code = $2) "                \
      "AND (s.closes_at IS NULL OR s.closes_at > $3) "                        \
      "ORDER BY s.id DESC", NULL)                                             \
    Q(SURVEY_RESPONSE_INSERT, "issi",                                         \
      "INSERT INTO survey_responses(survey_id, respondent_hash, "             \
      "township_code, created_at) VALUES ($1, $2, $3, $4) RETURNING id",      \
      NULL)                                                                   \
    Q(SURVEY_ANSWER_INSERT, "iins",                                           \
      "INSERT INTO survey_answers(response_id, question_id, choice, text) "   \
      "VALUES ($1, $2, $3, $4)", NULL)                                        \
    /* question_id, choice, answers: the choice counts of survey $1 among   \
     * respondents of township $2 (NULL: all) */                            \
    Q(SURVEY_CHOICE_COUNTS, "is",                                             \
      "SELECT a.question_id, a.choice, COUNT(*) FROM survey_answers a "       \
      "JOIN survey_responses r ON r.id = a.response_id "                      \
      "WHERE r.survey_id = $1 AND a.choice IS NOT NULL "                      \
      "AND (CAST($2 AS TEXT) IS NULL OR r.township_code = $2) "               \
      "GROUP BY a.question_id, a.choice", NULL)                               \
    /* question_id, text, township name: the free-text answers, in the      \
     * order given */                                                       \
    Q(SURVEY_TEXTS, "is",                                                     \
      "SELECT a.question_id, a.text, t.name FROM survey_answers a "           \
      "JOIN survey_responses r ON r.id = a.response_id "                      \
      "JOIN townships t ON t.code = r.township_code "                         \
      "WHERE r.survey_id = $1 AND a.text IS NOT NULL "                        \
      "AND (CAST($2 AS TEXT) IS NULL OR r.township_code = $2) "               \
      "ORDER BY r.id, a.question_id", NULL)                                   \
    /* question_id, respondents who answered it */                          \
    Q(SURVEY_ANSWERED_PER_QUESTION, "is",                                     \
      "SELECT a.question_id, COUNT(DISTINCT a.response_id) "                  \
      "FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id " \
      "WHERE r.survey_id = $1 "                                               \
      "AND (CAST($2 AS TEXT) IS NULL OR r.township_code = $2) "               \
      "GROUP BY a.question_id", NULL) \
    /* id, township: every fifteenth member, the demo's respondents */     \
    Q(DEMO_SURVEY_PEOPLE, "",                                                 \
      "SELECT id, township_code FROM people WHERE voided_at IS NULL "         \
      "AND political_status IN ('member', 'probationary') AND id % 15 = 0 "   \
      "ORDER BY id", NULL)

/*
 * queries_ledger.h - what a class leaves behind, in the form of
 * queries.h: in-class questions and their answers, group-discussion
 * minutes, and the photos of the ledger (台账).
 */
#pragma once

/* id, session_id, kind, body, group_name, author person's name, answer,
 * answered_at, created_at */
#define NOTE_SELECT                                                           \
    "SELECT n.id, n.session_id, n.kind, n.body, n.group_name, p.name, "      \
    "n.answer, n.answered_at, n.created_at FROM session_notes n "            \
    "LEFT JOIN people p ON p.id = n.author_person "

/* id, session_id, mime, bytes, width, height, sha256, caption, created_at */
#define PHOTO_SELECT                                                          \
    "SELECT id, session_id, mime, bytes, width, height, sha256, caption, "    \
    "created_at FROM session_photos "

#define DB_QUERIES_LEDGER(Q)                                                  \
    Q(NOTE_INSERT, "isssnni",                                                 \
      "INSERT INTO session_notes(session_id, kind, body, group_name, "        \
      "author_user, author_person, created_at) "                              \
      "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id", NULL)               \
    /* the live notes of session $1; kind $2 (NULL: both) */                \
    Q(NOTE_LIST, "is",                                                        \
      NOTE_SELECT "WHERE n.session_id = $1 AND n.voided_at IS NULL "          \
      "AND (CAST($2 AS TEXT) IS NULL OR n.kind = $2) ORDER BY n.id", NULL)    \
    /* session_id, kind of a live note */                                   \
    Q(NOTE_GET, "i",                                                          \
      "SELECT session_id, kind FROM session_notes WHERE id = $1 "             \
      "AND voided_at IS NULL", NULL)                                          \
    Q(NOTE_ANSWER, "snii",                                                    \
      "UPDATE session_notes SET answer = $1, answered_by = $2, "              \
      "answered_at = $3 WHERE id = $4 AND kind = 'question' "                 \
      "AND voided_at IS NULL", NULL)                                          \
    Q(NOTE_VOID, "isi",                                                       \
      "UPDATE session_notes SET voided_at = $1, void_reason = $2 "            \
      "WHERE id = $3 AND voided_at IS NULL", NULL)                            \
    /* whether person $2 is enrolled in or attended session $1 */           \
    Q(SESSION_PARTICIPANT, "ii",                                              \
      "SELECT CASE WHEN EXISTS (SELECT 1 FROM enrollments WHERE "             \
      "session_id = $1 AND person_id = $2) OR EXISTS (SELECT 1 FROM "         \
      "attendance WHERE session_id = $1 AND person_id = $2) THEN 1 ELSE 0 "   \
      "END", NULL)                                                            \
    Q(PHOTO_COUNT, "i",                                                       \
      "SELECT COUNT(*) FROM session_photos WHERE session_id = $1 "            \
      "AND voided_at IS NULL", NULL)                                          \
    Q(PHOTO_INSERT, "isiiissbni",                                             \
      "INSERT INTO session_photos(session_id, mime, bytes, width, height, "   \
      "sha256, caption, data, uploaded_by, created_at) "                      \
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id", NULL)  \
    Q(PHOTO_LIST, "i",                                                        \
      PHOTO_SELECT "WHERE session_id = $1 AND voided_at IS NULL ORDER BY id", \
      NULL)                                                                   \
    /* session_id, mime, data of a live photo */                            \
    Q(PHOTO_DATA, "i",                                                        \
      "SELECT session_id, mime, data FROM session_photos WHERE id = $1 "      \
      "AND voided_at IS NULL", NULL)                                          \
    Q(PHOTO_VOID, "isi",                                                      \
      "UPDATE session_photos SET voided_at = $1, void_reason = $2 "           \
      "WHERE id = $3 AND voided_at IS NULL", NULL)

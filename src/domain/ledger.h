/*
 * ledger.h - what a class leaves behind (SPEC.md §2.6): the questions
 * trainees ask in class and their answers, the group-discussion minutes,
 * and photos for the school's ledger (台账).
 *
 * Who may do what is decided by the caller from two facts this module
 * reads: whether an account is the session's teacher, and whether a
 * person is enrolled in or attended it.
 */
#pragma once

#include "audit.h"
#include "teaching.h"

#include "../db/db.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

enum {
    NOTE_MAX_CHARS = 2000,
    NOTE_GROUP_MAX_CHARS = 32,
    PHOTO_CAPTION_MAX_CHARS = 100,
};

/* 1 when the person is enrolled in or attended the session, 0 when not,
 * ERR_DB. */
int ledger_participant(struct db *db, int64_t session_id, int64_t person_id);
/* 1 when the account is the teacher of the session, 0 when not, ERR_DB. */
int ledger_is_teacher(struct db *db, int64_t session_id, int64_t user_id);

/* A question (kind "question", person the asker) or discussion minutes
 * (kind "discussion", group the group's name or NULL). 0 with *id;
 * ERR_INVAL with e; ERR_DB. */
int note_create(struct db *db, int64_t session_id, const char *kind,
                const char *body, const char *group, int64_t person_id,
                const struct audit_who *who, int64_t *id,
                struct field_error *e);
/* The live notes of a session, oldest first; kind NULL: both kinds. */
int note_list(struct db *db, int64_t session_id, const char *kind,
              json_t *items);
/* A live note's session and kind[16]: 0, ERR_NOTFOUND, ERR_DB. */
int note_get(struct db *db, int64_t id, int64_t *session_id, char kind[16]);
/* Answers a live question (again: the new answer replaces the old): 0,
 * ERR_INVAL with e, ERR_NOTFOUND (no such question), ERR_DB. */
int note_answer(struct db *db, int64_t id, const char *answer,
                const struct audit_who *who, struct field_error *e);
int note_void(struct db *db, int64_t id, const char *reason,
              const struct audit_who *who);

/* Why a photo was refused. */
enum photo_refusal {
    PHOTO_OK,
    PHOTO_NOT_IMAGE, /* not JPEG, PNG or WebP by its bytes */
    PHOTO_MISMATCH,  /* the declared type is not what the bytes are */
    PHOTO_TOO_LARGE, /* over max_bytes */
    PHOTO_CORRUPT,   /* the header is cut short or impossible */
    PHOTO_FULL,      /* the session has max_count photos */
    PHOTO_CAPTION,   /* caption over PHOTO_CAPTION_MAX_CHARS */
    PHOTO_EMPTY,     /* no bytes at all */
};
/* Stores a photo of a session declared as mime (NULL: take the bytes'
 * type). 0 with *id; ERR_INVAL with *why; ERR_DB. */
int photo_add(struct db *db, int64_t session_id, const void *data, size_t len,
              const char *mime, const char *caption, int64_t max_bytes,
              int64_t max_count, const struct audit_who *who, int64_t *id,
              enum photo_refusal *why);
/* The live photos of a session (no bytes), oldest first. */
int photo_list(struct db *db, int64_t session_id, json_t *items);
/* A live photo: its session, mime[16] and bytes (malloc'd, the caller
 * frees). 0, ERR_NOTFOUND, ERR_DB. */
int photo_data(struct db *db, int64_t id, int64_t *session_id, char mime[16],
               void **data, size_t *len);
int photo_void(struct db *db, int64_t id, const char *reason,
               const struct audit_who *who);

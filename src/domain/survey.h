/*
 * survey.h - questionnaires (需求调研, SPEC.md §2.5): an admin builds one
 * from single-choice, multiple-choice and free-text questions, publishes
 * it to a township or the county, and closes it; a trainee of its
 * audience answers once on a phone; the results are counted per choice
 * (for charts and .xlsx), for the county or one township.
 *
 * A survey's township is "" for the county. A respondent is stored only
 * as a keyed hash of the person (to refuse a second answer) and the
 * township; which answers a person gave is not recorded anywhere.
 */
#pragma once

#include "audit.h"
#include "teaching.h"

#include "../core/keyring.h"
#include "../db/db.h"

#include <jansson.h>
#include <stdint.h>

enum {
    SURVEY_MAX_QUESTIONS = 30,
    SURVEY_MAX_OPTIONS = 20,
};

/* A validation failure: e.field points into field ("questions[2].text"). */
struct survey_error {
    struct field_error e;
    char field[48];
};

/* Validates a definition {"title","intro"?,"questions":[{"kind",
 * "text","options"?,"required"?}]} and stores it as a draft for township
 * ("" or NULL: the county), closing at closes_at (0: when closed by hand).
 * 0 with *id; ERR_INVAL with e; ERR_DB. */
int survey_create(struct db *db, json_t *def, const char *township,
                  int64_t closes_at, const struct audit_who *who, int64_t *id,
                  struct survey_error *e);

/* The survey with its questions; responses counted among township
 * `counted` (NULL: all). township[16] gets the survey's ("" county).
 * 0, ERR_NOTFOUND, ERR_DB. */
int survey_get(struct db *db, int64_t id, const char *counted, json_t **out,
               char township[16]);
/* The surveys a township sees (NULL: every one), newest first. */
int survey_list(struct db *db, const char *township, json_t *items);

/* draft -> published, published -> closed: 0, ERR_CONFLICT when the survey
 * is not in the state before, ERR_DB. */
int survey_publish(struct db *db, int64_t id, const struct audit_who *who);
int survey_close(struct db *db, int64_t id, const struct audit_who *who);

/* The published surveys open to the person (by the township of the
 * roster) at now, each with "answered". 0, ERR_NOTFOUND (person), ERR_DB. */
int survey_open_for(struct db *db, const struct keyring *k, int64_t person_id,
                    int64_t now, json_t *items);

/* The keyed hash a person answers as (hash[65]). */
void survey_respondent(const struct keyring *k, int64_t person_id,
                       char hash[65]);

/* Survey id with its questions if it is open to the person now, with
 * "answered" and without the admins' counts: 0 with *out, ERR_NOTFOUND
 * (not open to it), ERR_DB. */
int survey_for_person(struct db *db, const struct keyring *k, int64_t id,
                      int64_t person_id, int64_t now, json_t **out);

/* Records a person's answers [{"question_id", "choice" | "choices" |
 * "text"}]. 0; ERR_NOTFOUND (no such published survey); ERR_DENIED (not
 * its audience); ERR_RANGE (closed, or past closes_at); ERR_CONFLICT
 * (answered before);
 * ERR_INVAL with e; ERR_DB. */
int survey_answer(struct db *db, const struct keyring *k, int64_t id,
                  int64_t person_id, json_t *answers, int64_t now,
                  const struct audit_who *who, struct survey_error *e);

/* The results: the survey, "responses", and per question "answered" and
 * either "options":[{"label","count"}] or "answers":[{"text","township"}].
 * Among township `counted` (NULL: all). */
int survey_results(struct db *db, int64_t id, const char *counted,
                   json_t **out);

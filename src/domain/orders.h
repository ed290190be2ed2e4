/*
 * orders.h - course orders (线上点单, SPEC.md §2.5): a trainee orders a
 * published catalog course; the school sees the open orders of its
 * township ranked by course, and in one step turns a course's orders into
 * a themed class (主题培训班) with a first session that enrols every
 * orderer, or declines an order with a reason. The orderer sees the
 * outcome.
 */
#pragma once

#include "audit.h"
#include "teaching.h"

#include "../db/db.h"

#include <jansson.h>
#include <stdint.h>

/* 0 with *id; ERR_INVAL (course not published: e); ERR_CONFLICT (an
 * open order for it already); ERR_NOTFOUND (person); ERR_DB. */
int order_create(struct db *db, int64_t person_id, int64_t course_id,
                 const char *note, const struct audit_who *who, int64_t *id,
                 struct field_error *e);
/* The person's orders, newest first, with their outcome. */
int order_mine(struct db *db, int64_t person_id, json_t *items);
/* The orders of a township (NULL: every township) per course: open now
 * ("orders", the demand a school acts on, most first) and placed in
 * [from, to) with how many of those were accepted or declined; every
 * course with an open order or one placed in the range. *placed sums
 * the placed: the county report's 点单数 for the same range. */
int order_table(struct db *db, const char *township, int64_t from,
                int64_t to, json_t *items, int64_t *placed);

struct order_convert {
    int64_t course_id, school_id;
    const char *title;          /* NULL: the course's title */
    int64_t starts_at, ends_at; /* the first session; ends_at 0: 3 hours,
                                 * or as long as the course's 学时 need */
};
/* Creates the themed class and its first session (a room of the school),
 * enrols every orderer and marks the orders accepted, in one transaction.
 * 0 with *program and *session, and *n orders accepted; ERR_NOTFOUND when
 * there are no open orders; ERR_INVAL with e. */
int order_convert(struct db *db, const struct order_convert *c,
                  const struct audit_who *who, int64_t *program,
                  int64_t *session, int64_t *n, struct field_error *e);
/* Declines an open order: 0, ERR_NOTFOUND. township[16] of the order is
 * read by order_township first, for the caller's scope check. */
int order_township(struct db *db, int64_t id, char township[16]);
int order_decline(struct db *db, int64_t id, const char *reason,
                  const struct audit_who *who);

/*
 * demo_int.h - what the parts of `dangxiao demo` share: the generator,
 * the surnames, the counts they report. Not for use outside demo*.c.
 */
#pragma once

#include "../db/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* xorshift64*: small, fast, and the same on every machine. */
uint64_t demo_rnd(uint64_t *s);

extern const char *const demo_surnames[];
extern const size_t demo_nsurnames;

struct demo_counts {
    int64_t schools, teachers, courses, sessions, attendance, evaluations;
    int64_t orders, survey_responses, enrollments, converted, declined;
};

/* Schools, rooms, teachers and the catalog, inside the caller's
 * transaction. 0 or an error. */
int demo_teaching(struct db *db, uint64_t *s, struct demo_counts *n);

struct keyring;
/* A year of programs, sessions, attendance and ratings ending at now;
 * county is the full scale, else a tenth. Inside the caller's
 * transaction. */
int demo_classes(struct db *db, const struct keyring *k, uint64_t *s,
                 bool county, int64_t now, struct demo_counts *n);

/* Once the county is written (each call its own transaction, as through
 * the API): every school turns the course most ordered in its township
 * into a themed class a week or two ahead, enrolling the orderers
 * (order_convert), and declines the open orders of a little-wanted course
 * with a reason (order_decline). */
int demo_orders(struct db *db, uint64_t *s, int64_t now,
                struct demo_counts *n);

/* The county's needs survey, published and answered by every fifteenth
 * member, and a township's draft. Inside the caller's transaction. */
int demo_surveys(struct db *db, const struct keyring *k, uint64_t *s,
                 int64_t now, struct demo_counts *n);

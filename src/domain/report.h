/*
 * report.h - the county report (SPEC.md §4.3): one JSON object with every
 * key of the contract, each figure counted from records for a date range
 * and optionally one township. A figure whose capability does not exist
 * yet is null, never 0.
 */
#pragma once

#include "../db/db.h"

#include <jansson.h>
#include <stdint.h>

/* [from, to) in unix seconds; township NULL for the county; pool_min is
 * the "11" of 11+N. 0 with *out, or ERR_DB. */
int report_county(struct db *db, const char *township, int64_t from,
                  int64_t to, int64_t pool_min, json_t **out);

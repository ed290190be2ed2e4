/*
 * demo.h - `dangxiao demo`: a generated county like the one in the seed
 * report (SPEC.md §6), deterministic for a given seed and marked as demo
 * data (is_demo = 1) wherever it is stored.
 */
#pragma once

#include "../core/keyring.h"
#include "../db/db.h"

#include <stdint.h>
#include <stdio.h>

enum demo_scale { DEMO_SMALL, DEMO_COUNTY };

/* The password of every demo account. */
#define DEMO_PASSWORD "Dangxiao@2026"

/* Fills an initialised database. Refuses (ERR_CONFLICT) when it already
 * holds demo data. Prints the demo log-ins to out. 0 or an error. */
int demo_build(struct db *db, const struct keyring *k,
               enum demo_scale scale, uint64_t seed, FILE *out);

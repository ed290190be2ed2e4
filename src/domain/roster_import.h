/*
 * roster_import.h - importing a roster (花名册) file: columns found by the
 * Chinese headers of the template (roster_template_csv), every row
 * checked like a form, a report of the rows refused (row, column,
 * reason), duplicates within the file and against the roster refused,
 * and one audit row with the file's SHA-256 and the counts.
 */
#pragma once

#include "../core/keyring.h"
#include "../db/db.h"
#include "audit.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The template's header row, as CSV with a UTF-8 BOM for Excel. */
extern const char roster_template_csv[];

struct import_report {
    int rows;             /* data rows read */
    int imported;
    json_t *rejected;     /* [{"row","column","reason"}], caller frees */
    const char *encoding; /* of the file */
};

/* Imports CSV data. township: the caller's township, or NULL for a
 * county admin (then the 所属镇街 column is required). all = true imports
 * nothing when any row is refused. Returns 0 with the report filled;
 * ERR_INVAL when the file itself is unusable (why in err: not text,
 * missing columns); ERR_DB. */
int roster_import_csv(struct db *db, const struct keyring *k,
                      const char *data, size_t len, const char *township,
                      bool all, const struct audit_who *who,
                      struct import_report *out, char *err, size_t errlen);
/* The same for an .xlsx file (its first worksheet). A 身份证号 cell the
 * spreadsheet stored as a number is refused with the 文本 hint. */
int roster_import_xlsx(struct db *db, const struct keyring *k,
                       const char *data, size_t len, const char *township,
                       bool all, const struct audit_who *who,
                       struct import_report *out, char *err, size_t errlen);

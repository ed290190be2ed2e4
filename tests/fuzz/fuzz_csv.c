/*
 * fuzz_csv.c - CSV as uploads bring it, UTF-8 (with or without a BOM) or
 * GBK/GB18030 (any input that is not UTF-8 takes that path): csv_parse,
 * then each parsed row written back by sheet_csv and parsed again, which
 * must give the same cells, a formula-like one with the ' the writer puts
 * before it (sheet_formula_like) and nothing else changed.
 */
#include "fuzz.h"

#include "../../src/core/csv.h"
#include "../../src/core/sheet.h"
#include "../../src/core/util.h"

#include <string.h>

/* Writes one row (as the header and as a data row) and parses it back. */
static void
round_trip(const struct csv_row *row)
{
    struct sheet *s = sheet_new("t", row->n, (const char *const *)row->fields,
                                NULL);
    sheet_add_row(s, (const char *const *)row->fields);
    char *buf;
    size_t len;
    FUZZ_ASSERT(sheet_csv(s, &buf, &len) == 0);
    sheet_free(s);
    struct csv back;
    char err[128];
    FUZZ_ASSERT(csv_parse(buf, len, &back, err, sizeof(err)) == 0);
    FUZZ_ASSERT(back.nrows == 2);
    for (int r = 0; r < 2; r++) {
        FUZZ_ASSERT(back.rows[r].n == row->n);
        for (int c = 0; c < row->n; c++) {
            const char *in = row->fields[c], *out = back.rows[r].fields[c];
            if (sheet_formula_like(in))
                FUZZ_ASSERT(out[0] == '\'' && strcmp(out + 1, in) == 0);
            else
                FUZZ_ASSERT(strcmp(out, in) == 0);
        }
    }
    csv_free(&back);
    free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct csv c;
    char err[128];
    if (csv_parse((const char *)data, size, &c, err, sizeof(err)) != 0) {
        FUZZ_ASSERT(err[0] != '\0');
        return 0;
    }
    FUZZ_ASSERT(strcmp(c.encoding, "UTF-8") == 0 ||
                strcmp(c.encoding, "GB18030") == 0);
    for (int r = 0; r < c.nrows && r < 32; r++) {
        const struct csv_row *row = &c.rows[r];
        FUZZ_ASSERT(row->n >= 1 && row->line >= 1);
        for (int f = 0; f < row->n; f++)
            FUZZ_ASSERT(utf8_chars(row->fields[f]) >= 0);
        /* A row of one empty cell is a blank line: never a row. */
        FUZZ_ASSERT(!(row->n == 1 && row->fields[0][0] == '\0'));
        round_trip(row);
    }
    csv_free(&c);
    return 0;
}

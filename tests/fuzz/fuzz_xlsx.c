/*
 * fuzz_xlsx.c - the .xlsx reader. An input that is a zip (the seeds are
 * the .xlsx files of tests/data, saved by LibreOffice) goes in as
 * uploaded; any other input is worksheet XML, up to its first NUL, with
 * the rest as the
 * shared strings, zipped first (tests/fake/xlsx.c): that way the fuzzer
 * works on the cells, not on deflate. A sheet read has rows within the
 * limits and cells that are UTF-8.
 */
#include "fuzz.h"

#include "../../src/core/util.h"
#include "../../src/core/xlsx.h"
#include "../fake/xlsx.h"

#include <string.h>

static void
read_zip(const char *buf, size_t len)
{
    struct xlsx x;
    char err[256];
    if (xlsx_read(buf, len, &x, err, sizeof(err)) != 0) {
        FUZZ_ASSERT(err[0] != '\0');
        return;
    }
    FUZZ_ASSERT(x.nrows <= 200000);
    for (int r = 0; r < x.nrows; r++) {
        FUZZ_ASSERT(x.rows[r].n >= 1 && x.rows[r].n <= 64);
        FUZZ_ASSERT(x.rows[r].line >= 0 && x.rows[r].line <= 1048576);
        for (int c = 0; c < x.rows[r].n; c++)
            FUZZ_ASSERT(x.rows[r].cells[c] != NULL);
    }
    xlsx_free(&x);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= 4 && memcmp(data, "PK\x03\x04", 4) == 0) {
        read_zip((const char *)data, size);
        return 0;
    }
    const char *nul = memchr(data, '\0', size);
    size_t sheet_len = nul ? (size_t)(nul - (const char *)data) : size;
    char *strings = NULL;
    if (nul) {
        size_t n = size - sheet_len - 1;
        strings = xmalloc(n + 1);
        memcpy(strings, nul + 1, n);
        strings[n] = '\0';
    }
    char *buf;
    size_t len;
    if (fake_xlsx((const char *)data, sheet_len, strings, &buf, &len) == 0) {
        read_zip(buf, len);
        free(buf);
    }
    free(strings);
    return 0;
}

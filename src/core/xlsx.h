/*
 * xlsx.h - reading the first worksheet of an .xlsx file (DOMAIN.md §3.6:
 * no xlsx reader is packaged for C, so minizip opens the zip and expat
 * reads the XML): shared strings, inline strings and numbers. Each cell
 * says whether the spreadsheet stored it as a number, so a caller can
 * refuse an ID number that Excel has already damaged.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct xlsx_row {
    char **cells;   /* UTF-8, "" for an empty cell */
    bool *numeric;  /* stored as a number in the file */
    int n;
    int line;       /* the spreadsheet's row number (1-based) */
};

struct xlsx {
    struct xlsx_row *rows;
    int nrows;
};

/* Reads data (an .xlsx file, len bytes). 0, or ERR_INVAL with the reason
 * in err. Free with xlsx_free(). */
int xlsx_read(const char *data, size_t len, struct xlsx *out, char *err,
              size_t errlen);
void xlsx_free(struct xlsx *x);

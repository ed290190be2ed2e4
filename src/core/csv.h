/*
 * csv.h - reading CSV as spreadsheets write it (RFC 4180: quoted fields,
 * "" inside quotes, CRLF or LF), from UTF-8 with or without a BOM or from
 * GBK/GB18030 (what Excel saves on a Chinese Windows), detected.
 */
#pragma once

#include <stddef.h>

struct csv_row {
    char **fields;  /* NUL-terminated UTF-8, trimmed of spaces */
    int n;
    int line;       /* 1-based line where the row starts */
};

struct csv {
    struct csv_row *rows;
    int nrows;
    char *text;     /* the UTF-8 text the fields point into */
    const char *encoding; /* "UTF-8" or "GB18030" */
};

/* Parses data (len bytes). Returns 0, or ERR_INVAL with the reason in err
 * (not text, unbalanced quotes, too many rows or columns). Free with
 * csv_free(). */
int csv_parse(const char *data, size_t len, struct csv *out, char *err,
              size_t errlen);
void csv_free(struct csv *c);

/*
 * sheet.h - a table to hand to a spreadsheet: rows of text cells, written
 * out as .xlsx (libxlsxwriter) or as CSV with a UTF-8 BOM (without one,
 * Excel shows 乱码). Columns marked as text stay text in Excel, which
 * would otherwise turn an 18-digit ID number into 3.71723E+17 and lose
 * its last digits (DOMAIN.md §3.6).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct sheet;

/* A new table with ncols columns; headers[i] and text[i] (keep as text)
 * describe each. Free with sheet_free(). */
struct sheet *sheet_new(const char *title, int ncols,
                        const char *const *headers, const bool *text);
void sheet_free(struct sheet *s);
/* Appends a row of ncols cells (NULL = empty); the strings are copied. */
void sheet_add_row(struct sheet *s, const char *const *cells);
int sheet_rows(const struct sheet *s);

/* Writes the table as .xlsx into a malloc'd buffer (free with free()).
 * 0 or ERR_IO. */
int sheet_xlsx(const struct sheet *s, char **buf, size_t *len);
/* Writes the table as CSV (BOM, CRLF, quoted where needed). */
int sheet_csv(const struct sheet *s, char **buf, size_t *len);

/*
 * sheet.h - a table to hand to a spreadsheet: rows of text cells, written
 * out as .xlsx (libxlsxwriter) or as CSV with a UTF-8 BOM (without one,
 * Excel shows 乱码). Columns marked as text stay text in Excel, which
 * would otherwise turn an 18-digit ID number into 3.71723E+17 and lose
 * its last digits (DOMAIN.md §3.6).
 *
 * Text from users never runs as a formula. The .xlsx writer writes every
 * cell as a string (worksheet_write_string, never _formula): a name like
 * =HYPERLINK(...) is text in Excel and WPS, shown as typed. CSV has no
 * types, so the CSV writer puts a ' before a cell that a spreadsheet would
 * read as a formula (sheet_formula_like), in every CSV export at once.
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

/* Writes the table as .xlsx into a malloc'd buffer (free with free()).
 * 0 or ERR_IO. */
int sheet_xlsx(const struct sheet *s, char **buf, size_t *len);
/* Writes the table as CSV (BOM, CRLF, quoted where needed, formula-like
 * cells neutralised). */
int sheet_csv(const struct sheet *s, char **buf, size_t *len);
/* Whether a spreadsheet opening v in a CSV would take it for a formula:
 * it begins (after spaces) with = + - @, a tab or a CR, and is more than
 * a lone sign or a plain signed number. Those two are left alone: "-5"
 * in a count column and "+8613800000000" are numbers to Excel, not
 * formulas, and a ' would turn them into text. Anything else ("+86 138",
 * "-1+1", "@SUM(A1)", "=HYPERLINK(...)") gets the ' that spreadsheets
 * show and never run (the OWASP advice on CSV injection). */
bool sheet_formula_like(const char *v);

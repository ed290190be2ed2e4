/*
 * xlsx.h - an .xlsx made from the XML of one worksheet (and, when given,
 * of its shared strings), for the unit tests and the fuzz targets: the
 * reader then meets XML we choose, with cell references no spreadsheet
 * would write.
 */
#pragma once

#include <stddef.h>

/* Zips sheet (xl/worksheets/sheet1.xml, len bytes) and strings
 * (xl/sharedStrings.xml, NUL-terminated, or NULL) into *buf (free with
 * free()). 0, or -1 when the zip cannot be written. */
int fake_xlsx(const char *sheet, size_t len, const char *strings, char **buf,
              size_t *buflen);

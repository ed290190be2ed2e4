/*
 * csv2xlsx.c - the roster import bench's spreadsheet: turns the exported
 * roster CSV (UTF-8, optional BOM, no quoted fields) into an .xlsx whose
 * every cell is a text cell, as a county clerk's file with the ID column
 * formatted as 文本 is. Written with libxlsxwriter, the library the
 * server exports with, so the bench reads a real Office Open XML file.
 *
 *     csv2xlsx in.csv out.xlsx
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

int
main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: csv2xlsx in.csv out.xlsx\n");
        return 2;
    }
    FILE *in = fopen(argv[1], "r");
    if (in == NULL) {
        perror(argv[1]);
        return 1;
    }
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE,
                                .tmpdir = NULL,
                                .use_zip64 = LXW_FALSE};
    lxw_workbook *wb = workbook_new_opt(argv[2], &opt);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "花名册");
    lxw_format *text = workbook_add_format(wb);
    format_set_num_format(text, "@");
    char line[4096];
    lxw_row_t row = 0;
    while (fgets(line, sizeof(line), in)) {
        char *s = line;
        if (row == 0 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
            s += 3;
        s[strcspn(s, "\r\n")] = '\0';
        lxw_col_t col = 0;
        for (char *f = s, *next; f; f = next, col++) {
            next = strchr(f, ',');
            if (next)
                *next++ = '\0';
            if (*f)
                worksheet_write_string(ws, row, col, f, text);
        }
        row++;
    }
    fclose(in);
    lxw_error e = workbook_close(wb);
    if (e != LXW_NO_ERROR) {
        fprintf(stderr, "csv2xlsx: %s\n", lxw_strerror(e));
        return 1;
    }
    return 0;
}

/*
 * sheet.c - see sheet.h. libxlsxwriter 1.1.4 writes to a file only, so
 * the workbook goes to a private temporary file that is read back and
 * removed.
 */
#include "sheet.h"

#include "err.h"
#include "strbuf.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

struct sheet {
    char *title;
    int ncols;
    char **headers;
    bool *text;
    char **cells; /* nrows * ncols */
    int nrows, cap;
};

struct sheet *
sheet_new(const char *title, int ncols, const char *const *headers,
          const bool *text)
{
    struct sheet *s = xcalloc(1, sizeof(*s));
    s->title = xstrdup(title);
    s->ncols = ncols;
    s->headers = xcalloc((size_t)ncols, sizeof(char *));
    s->text = xcalloc((size_t)ncols, sizeof(bool));
    for (int i = 0; i < ncols; i++) {
        s->headers[i] = xstrdup(headers[i]);
        s->text[i] = text ? text[i] : false;
    }
    return s;
}

void
sheet_free(struct sheet *s)
{
    if (s == NULL)
        return;
    for (int i = 0; i < s->nrows * s->ncols; i++)
        free(s->cells[i]);
    for (int i = 0; i < s->ncols; i++)
        free(s->headers[i]);
    free(s->cells);
    free(s->headers);
    free(s->text);
    free(s->title);
    free(s);
}

void
sheet_add_row(struct sheet *s, const char *const *cells)
{
    if (s->nrows == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->cells = xrealloc(s->cells,
                            (size_t)s->cap * (size_t)s->ncols * sizeof(char *));
    }
    for (int i = 0; i < s->ncols; i++)
        s->cells[s->nrows * s->ncols + i] = cells[i] ? xstrdup(cells[i])
                                                     : NULL;
    s->nrows++;
}

static int
slurp(const char *path, char **buf, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return ERR_IO;
    struct stat st;
    if (fstat(fileno(fp), &st) != 0) {
        fclose(fp);
        return ERR_IO;
    }
    *len = (size_t)st.st_size;
    *buf = xmalloc(*len + 1);
    size_t got = fread(*buf, 1, *len, fp);
    fclose(fp);
    if (got != *len) {
        free(*buf);
        *buf = NULL;
        return ERR_IO;
    }
    return 0;
}

int
sheet_xlsx(const struct sheet *s, char **buf, size_t *len)
{
    char path[] = "/tmp/dangxiao-sheet-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return ERR_IO;
    close(fd);
    lxw_workbook_options opt = {.constant_memory = LXW_FALSE,
                                .tmpdir = NULL};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    if (wb == NULL) {
        unlink(path);
        return ERR_IO;
    }
    lxw_worksheet *ws = workbook_add_worksheet(wb, s->title);
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    lxw_format *text = workbook_add_format(wb);
    format_set_num_format(text, "@"); /* 文本: never a number */
    for (int c = 0; c < s->ncols; c++) {
        worksheet_write_string(ws, 0, (lxw_col_t)c, s->headers[c], bold);
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
                             s->text[c] ? 21 : 12, s->text[c] ? text : NULL);
    }
    for (int r = 0; r < s->nrows; r++)
        for (int c = 0; c < s->ncols; c++) {
            const char *v = s->cells[r * s->ncols + c];
            if (v && *v)
                worksheet_write_string(ws, (lxw_row_t)(r + 1), (lxw_col_t)c,
                                       v, s->text[c] ? text : NULL);
        }
    worksheet_freeze_panes(ws, 1, 0);
    lxw_error e = workbook_close(wb);
    int rc = e == LXW_NO_ERROR ? slurp(path, buf, len) : ERR_IO;
    unlink(path);
    return rc;
}

/* Whether v is a plain signed decimal number: "-5", "+86", "3.50". */
static bool
plain_number(const char *v)
{
    if (*v == '+' || *v == '-')
        v++;
    size_t digits = strspn(v, "0123456789");
    if (digits == 0)
        return false;
    v += digits;
    if (*v == '.') {
        size_t frac = strspn(v + 1, "0123456789");
        if (frac == 0)
            return false;
        v += 1 + frac;
    }
    return *v == '\0';
}

bool
sheet_formula_like(const char *v)
{
    const char *p = v;
    while (*p == ' ')
        p++;
    if (strchr("=+-@\t\r", *p) == NULL || *p == '\0')
        return false;
    /* A sign alone, or a signed number, is read as a number or as text,
     * never run: "-5" in a count column stays a number. */
    return !(p[1] == '\0' || plain_number(p));
}

static void
csv_cell(struct strbuf *sb, const char *v)
{
    if (v == NULL)
        return;
    bool neutral = sheet_formula_like(v);
    if (!neutral && strpbrk(v, ",\"\r\n") == NULL) {
        strbuf_puts(sb, v);
        return;
    }
    strbuf_putc(sb, '"');
    if (neutral)
        strbuf_putc(sb, '\'');
    for (; *v; v++) {
        if (*v == '"')
            strbuf_putc(sb, '"');
        strbuf_putc(sb, *v);
    }
    strbuf_putc(sb, '"');
}

int
sheet_csv(const struct sheet *s, char **buf, size_t *len)
{
    struct strbuf sb;
    strbuf_init(&sb, 0);
    strbuf_puts(&sb, "\xEF\xBB\xBF");
    for (int c = 0; c < s->ncols; c++) {
        if (c)
            strbuf_putc(&sb, ',');
        csv_cell(&sb, s->headers[c]);
    }
    strbuf_puts(&sb, "\r\n");
    for (int r = 0; r < s->nrows; r++) {
        for (int c = 0; c < s->ncols; c++) {
            if (c)
                strbuf_putc(&sb, ',');
            csv_cell(&sb, s->cells[r * s->ncols + c]);
        }
        strbuf_puts(&sb, "\r\n");
    }
    if (strbuf_failed(&sb)) {
        strbuf_cleanup(&sb);
        return ERR_RANGE;
    }
    *buf = strbuf_take(&sb, len);
    return 0;
}

/*
 * csv.c - see csv.h. The whole file is converted to UTF-8 first (iconv),
 * then split in place: fields point into the converted text.
 */
#include "csv.h"

#include "err.h"
#include "util.h"

#include <iconv.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum { CSV_MAX_ROWS = 200000, CSV_MAX_COLS = 64 };

/* Converts GB18030 (a superset of GBK and GB2312) to UTF-8. */
static char *
from_gb18030(const char *in, size_t len, char *err, size_t errlen)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1) {
        str_copy(err, errlen, "GB18030 conversion is not available");
        return NULL;
    }
    size_t cap = len * 2 + 16, left_out = cap - 1, left_in = len;
    char *out = xmalloc(cap), *o = out;
    char *i = (char *)(uintptr_t)in;
    size_t rc = iconv(cd, &i, &left_in, &o, &left_out);
    iconv_close(cd);
    if (rc == (size_t)-1) {
        free(out);
        str_copy(err, errlen,
                 "the file is neither UTF-8 nor GBK text: save it as CSV "
                 "(UTF-8) and try again");
        return NULL;
    }
    *o = '\0';
    return out;
}

static char *
trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        *--e = '\0';
    return s;
}

int
csv_parse(const char *data, size_t len, struct csv *out, char *err,
          size_t errlen)
{
    memset(out, 0, sizeof(*out));
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    if (memchr(data, '\0', len)) {
        str_copy(err, errlen, "the file is not text (is it an .xls file?)");
        return ERR_INVAL;
    }
    char *text = xmalloc(len + 1);
    memcpy(text, data, len);
    text[len] = '\0';
    out->encoding = "UTF-8";
    if (utf8_chars(text) < 0) {
        char *conv = from_gb18030(data, len, err, errlen);
        free(text);
        if (conv == NULL)
            return ERR_INVAL;
        text = conv;
        out->encoding = "GB18030";
    }
    out->text = text;
    int cap = 64;
    out->rows = xcalloc((size_t)cap, sizeof(*out->rows));
    char *p = text, *w;
    int line = 1;
    while (*p) {
        char *fields[CSV_MAX_COLS];
        int nf = 0, start_line = line;
        bool end_row = false;
        while (!end_row) {
            if (nf == CSV_MAX_COLS) {
                str_fmt(err, errlen, "line %d: more than %d columns",
                        start_line, CSV_MAX_COLS);
                goto fail;
            }
            w = p;
            char *f = p;
            if (*p == '"') {
                p++;
                for (;;) {
                    if (*p == '\0') {
                        str_fmt(err, errlen,
                                "line %d: a quoted field is not closed",
                                start_line);
                        goto fail;
                    }
                    if (*p == '"' && p[1] == '"') {
                        *w++ = '"';
                        p += 2;
                    } else if (*p == '"') {
                        p++;
                        break;
                    } else {
                        if (*p == '\n')
                            line++;
                        *w++ = *p++;
                    }
                }
                /* Anything between the closing quote and the separator is
                 * kept, as spreadsheets do. */
                while (*p && *p != ',' && *p != '\n' && *p != '\r')
                    *w++ = *p++;
            } else {
                while (*p && *p != ',' && *p != '\n' && *p != '\r')
                    w++, p++;
            }
            char sep = *p;
            if (sep == '\r' && p[1] == '\n')
                p++;
            if (*p)
                p++;
            *w = '\0';
            fields[nf++] = trim(f);
            if (sep != ',') {
                end_row = true;
                if (sep)
                    line++;
            }
        }
        /* Skip blank lines: one empty field. */
        if (nf == 1 && fields[0][0] == '\0')
            continue;
        if (out->nrows == CSV_MAX_ROWS) {
            str_fmt(err, errlen, "more than %d rows", CSV_MAX_ROWS);
            goto fail;
        }
        if (out->nrows == cap) {
            cap *= 2;
            out->rows = xrealloc(out->rows, (size_t)cap * sizeof(*out->rows));
        }
        struct csv_row *r = &out->rows[out->nrows++];
        r->fields = xmalloc((size_t)nf * sizeof(char *));
        memcpy(r->fields, fields, (size_t)nf * sizeof(char *));
        r->n = nf;
        r->line = start_line;
    }
    return 0;
fail:
    csv_free(out);
    return ERR_INVAL;
}

void
csv_free(struct csv *c)
{
    for (int i = 0; i < c->nrows; i++)
        free(c->rows[i].fields);
    free(c->rows);
    free(c->text);
    memset(c, 0, sizeof(*c));
}

/*
 * xlsx.c - see xlsx.h. The sheet is found through xl/workbook.xml and its
 * relationships (the first <sheet>), falling back to
 * xl/worksheets/sheet1.xml. minizip reads from a file, so the upload goes
 * to a private temporary file first.
 */
#include "xlsx.h"

#include "err.h"
#include "strbuf.h"
#include "util.h"

#include <expat.h>
#include <minizip/unzip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What a file may make us hold. A zip member of 64 MiB can come from a
 * few hundred KiB of upload, so the sheet's cells and strings are counted
 * as they are read, not trusted from the file. */
enum {
    XLSX_MAX_ROWS = 200000,
    XLSX_MAX_COLS = 64,
    XLSX_MAX_PART = 64 << 20,       /* one zip member, uncompressed */
    XLSX_MAX_ROW_NUMBER = 1048576,  /* Excel's last row */
    XLSX_MAX_CELL = 32767 * 4,      /* Excel's 32,767 characters, in bytes */
    XLSX_MAX_STRINGS = 1000000,     /* shared strings */
    XLSX_MAX_CELLS = 1000000,       /* cells kept, over all rows */
    XLSX_MAX_TEXT = 64 << 20,       /* bytes of text kept, over all */
};

/* Reads one member of the zip into a NUL-terminated buffer. */
static char *
member(unzFile z, const char *name, size_t *len)
{
    if (unzLocateFile(z, name, 0) != UNZ_OK)
        return NULL;
    unz_file_info info;
    if (unzGetCurrentFileInfo(z, &info, NULL, 0, NULL, 0, NULL, 0) !=
            UNZ_OK ||
        info.uncompressed_size > XLSX_MAX_PART)
        return NULL;
    if (unzOpenCurrentFile(z) != UNZ_OK)
        return NULL;
    size_t n = info.uncompressed_size;
    char *buf = xmalloc(n + 1);
    int got = unzReadCurrentFile(z, buf, (unsigned)n);
    unzCloseCurrentFile(z);
    if (got < 0 || (size_t)got != n) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

/* --- shared strings: <si><t>…</t></si> or <si><r><t>…</t></r>…</si> -- */

struct sst {
    char **s;
    int n, cap;
    struct strbuf cur;
    bool in_t;
    size_t text;   /* bytes kept */
    bool overflow; /* too many strings, or too much text */
};

static void XMLCALL
sst_start(void *ud, const XML_Char *el, const XML_Char **attr)
{
    (void)attr;
    struct sst *p = ud;
    if (strcmp(el, "si") == 0)
        strbuf_reset(&p->cur);
    else if (strcmp(el, "t") == 0)
        p->in_t = true;
}

static void XMLCALL
sst_end(void *ud, const XML_Char *el)
{
    struct sst *p = ud;
    if (strcmp(el, "t") == 0) {
        p->in_t = false;
    } else if (strcmp(el, "si") == 0) {
        p->text += p->cur.len;
        if (p->overflow || p->n == XLSX_MAX_STRINGS ||
            p->cur.len > XLSX_MAX_CELL || p->text > XLSX_MAX_TEXT) {
            p->overflow = true;
            return;
        }
        if (p->n == p->cap) {
            p->cap = p->cap ? p->cap * 2 : 256;
            p->s = xrealloc(p->s, (size_t)p->cap * sizeof(char *));
        }
        p->s[p->n++] = xstrdup(strbuf_str(&p->cur));
    }
}

static void XMLCALL
sst_text(void *ud, const XML_Char *s, int len)
{
    struct sst *p = ud;
    /* Past a cell's limit the string is refused at </si>: stop growing. */
    if (p->in_t && p->cur.len <= XLSX_MAX_CELL)
        strbuf_append(&p->cur, s, (size_t)len);
}

/* --- the sheet -------------------------------------------------------- */

struct sheet_parse {
    const struct sst *sst;
    struct xlsx *out;
    int cap;
    /* the row being read */
    char *cells[XLSX_MAX_COLS];
    bool numeric[XLSX_MAX_COLS];
    int ncells, row;
    /* the cell being read */
    int col;
    char type[16];
    bool in_v, in_t;
    struct strbuf val;
    size_t kept_cells, kept_text; /* so far, over all rows */
    bool overflow;
    bool bad_ref;       /* a cell or row reference that is not one */
};

/* The column of a cell reference ("A1" 0, "AB7" 27), or -1 when it has
 * no column letters or names a column past the ones we keep: counting
 * stops there, so "ZZZZZZZZZZZZ1" cannot overflow. */
static int
col_index(const char *ref)
{
    int c = 0;
    for (; *ref >= 'A' && *ref <= 'Z'; ref++) {
        c = c * 26 + (*ref - 'A' + 1);
        if (c > XLSX_MAX_COLS)
            return -1;
    }
    return c - 1;
}

/* The row number of <row r="N">: 1 to Excel's last row, or -1. */
static int
row_number(const char *r)
{
    int64_t n;
    if (parse_i64(r, &n) != 0 || n < 1 || n > XLSX_MAX_ROW_NUMBER)
        return -1;
    return (int)n;
}

static const char *
attr_get(const XML_Char **attr, const char *name)
{
    for (int i = 0; attr[i]; i += 2)
        if (strcmp(attr[i], name) == 0)
            return attr[i + 1];
    return NULL;
}

static void
flush_row(struct sheet_parse *p)
{
    if (p->ncells == 0)
        return;
    p->kept_cells += (size_t)p->ncells;
    if (p->out->nrows == XLSX_MAX_ROWS || p->kept_cells > XLSX_MAX_CELLS) {
        p->overflow = true;
        return;
    }
    if (p->out->nrows == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 256;
        p->out->rows = xrealloc(p->out->rows,
                                (size_t)p->cap * sizeof(struct xlsx_row));
    }
    struct xlsx_row *r = &p->out->rows[p->out->nrows++];
    r->n = p->ncells;
    r->line = p->row;
    r->cells = xcalloc((size_t)r->n, sizeof(char *));
    r->numeric = xcalloc((size_t)r->n, sizeof(bool));
    for (int i = 0; i < r->n; i++) {
        r->cells[i] = p->cells[i] ? p->cells[i] : xstrdup("");
        r->numeric[i] = p->numeric[i];
        p->cells[i] = NULL;
        p->numeric[i] = false;
    }
    p->ncells = 0;
}

static void XMLCALL
sh_start(void *ud, const XML_Char *el, const XML_Char **attr)
{
    struct sheet_parse *p = ud;
    if (strcmp(el, "row") == 0) {
        const char *r = attr_get(attr, "r");
        p->row = r ? row_number(r) : p->row + 1;
        if (p->row < 1 || p->row > XLSX_MAX_ROW_NUMBER) {
            p->bad_ref = true;
            p->row = 0;
        }
    } else if (strcmp(el, "c") == 0) {
        const char *r = attr_get(attr, "r"), *t = attr_get(attr, "t");
        p->col = r ? col_index(r) : p->ncells;
        if (r && p->col < 0)
            p->bad_ref = true;
        str_copy(p->type, sizeof(p->type), t ? t : "n");
        strbuf_reset(&p->val);
    } else if (strcmp(el, "v") == 0) {
        p->in_v = true;
    } else if (strcmp(el, "t") == 0) {
        p->in_t = true; /* inline string: <is><t>…</t></is> */
    }
}

static void XMLCALL
sh_end(void *ud, const XML_Char *el)
{
    struct sheet_parse *p = ud;
    if (strcmp(el, "v") == 0) {
        p->in_v = false;
    } else if (strcmp(el, "t") == 0) {
        p->in_t = false;
    } else if (strcmp(el, "c") == 0) {
        if (p->col < 0 || p->col >= XLSX_MAX_COLS) {
            p->overflow = true;
            return;
        }
        const char *v = strbuf_str(&p->val);
        char *text;
        bool numeric = false;
        if (p->val.len > XLSX_MAX_CELL) {
            p->overflow = true;
            return;
        }
        if (strcmp(p->type, "s") == 0) {
            int64_t i;
            text = xstrdup(parse_i64(v, &i) == 0 && i >= 0 && i < p->sst->n
                               ? p->sst->s[i]
                               : "");
        } else {
            text = xstrdup(v);
            numeric = strcmp(p->type, "n") == 0 && *v;
        }
        p->kept_text += strlen(text);
        if (p->kept_text > XLSX_MAX_TEXT) {
            free(text);
            p->overflow = true;
            return;
        }
        free(p->cells[p->col]);
        p->cells[p->col] = text;
        p->numeric[p->col] = numeric;
        if (p->col + 1 > p->ncells)
            p->ncells = p->col + 1;
    } else if (strcmp(el, "row") == 0) {
        flush_row(p);
    }
}

static void XMLCALL
sh_text(void *ud, const XML_Char *s, int len)
{
    struct sheet_parse *p = ud;
    /* Past a cell's limit it is refused at </c>: stop growing. */
    if ((p->in_v || p->in_t) && p->val.len <= XLSX_MAX_CELL)
        strbuf_append(&p->val, s, (size_t)len);
}

static int
parse_xml(const char *xml, size_t len, void *ud, XML_StartElementHandler st,
          XML_EndElementHandler en, XML_CharacterDataHandler tx)
{
    XML_Parser x = XML_ParserCreate("UTF-8");
    XML_SetUserData(x, ud);
    XML_SetElementHandler(x, st, en);
    XML_SetCharacterDataHandler(x, tx);
    int ok = XML_Parse(x, xml, (int)len, 1) == XML_STATUS_OK;
    XML_ParserFree(x);
    return ok ? 0 : ERR_INVAL;
}

/* The first sheet's path: workbook.xml's first <sheet r:id>, looked up in
 * the workbook's relationships. */
struct first_sheet {
    char rid[64];
    char target[256];
    bool want_target;
};

static void XMLCALL
wb_start(void *ud, const XML_Char *el, const XML_Char **attr)
{
    struct first_sheet *f = ud;
    if (!f->want_target && strcmp(el, "sheet") == 0 && !f->rid[0]) {
        const char *id = attr_get(attr, "r:id");
        if (id)
            str_copy(f->rid, sizeof(f->rid), id);
    } else if (f->want_target && strcmp(el, "Relationship") == 0) {
        const char *id = attr_get(attr, "Id");
        const char *t = attr_get(attr, "Target");
        if (id && t && strcmp(id, f->rid) == 0)
            str_copy(f->target, sizeof(f->target), t);
    }
}

static void XMLCALL
no_end(void *ud, const XML_Char *el)
{
    (void)ud;
    (void)el;
}

static void XMLCALL
no_text(void *ud, const XML_Char *s, int len)
{
    (void)ud;
    (void)s;
    (void)len;
}

static void
sheet_path(unzFile z, char *out, size_t outlen)
{
    str_copy(out, outlen, "xl/worksheets/sheet1.xml");
    struct first_sheet f = {0};
    size_t n;
    char *wb = member(z, "xl/workbook.xml", &n);
    if (wb == NULL)
        return;
    parse_xml(wb, n, &f, wb_start, no_end, no_text);
    free(wb);
    char *rels = member(z, "xl/_rels/workbook.xml.rels", &n);
    if (rels == NULL || !f.rid[0]) {
        free(rels);
        return;
    }
    f.want_target = true;
    parse_xml(rels, n, &f, wb_start, no_end, no_text);
    free(rels);
    if (f.target[0] == '/')
        str_copy(out, outlen, f.target + 1);
    else if (f.target[0])
        str_fmt(out, outlen, "xl/%s", f.target);
}

int
xlsx_read(const char *data, size_t len, struct xlsx *out, char *err,
          size_t errlen)
{
    memset(out, 0, sizeof(*out));
    if (len < 4 || memcmp(data, "PK\x03\x04", 4) != 0) {
        str_copy(err, errlen, "not an .xlsx file (an .xls from old Excel? "
                              "save it as .xlsx or CSV)");
        return ERR_INVAL;
    }
    char path[] = "/tmp/dangxiao-xlsx-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
        if (fd >= 0) {
            close(fd);
            unlink(path);
        }
        str_copy(err, errlen, "cannot store the upload");
        return ERR_IO;
    }
    close(fd);
    unzFile z = unzOpen(path);
    unlink(path); /* open files stay readable */
    if (z == NULL) {
        str_copy(err, errlen, "the .xlsx file is damaged (not a zip)");
        return ERR_INVAL;
    }
    int rc = 0;
    struct sst sst = {0};
    strbuf_init(&sst.cur, 0);
    size_t n;
    char *xml = member(z, "xl/sharedStrings.xml", &n);
    if (xml) {
        rc = parse_xml(xml, n, &sst, sst_start, sst_end, sst_text);
        free(xml);
        if (rc != 0)
            str_copy(err, errlen, "the shared strings are not valid XML");
    }
    char sp[300];
    sheet_path(z, sp, sizeof(sp));
    if (rc == 0 && sst.overflow) {
        str_fmt(err, errlen, "the shared strings hold more than %d strings "
                             "or %d MiB of text, or a string longer than "
                             "Excel allows", XLSX_MAX_STRINGS,
                XLSX_MAX_TEXT >> 20);
        rc = ERR_INVAL;
    }
    xml = rc == 0 ? member(z, sp, &n) : NULL;
    if (rc != 0) {
        /* said above */
    } else if (xml == NULL) {
        str_copy(err, errlen, "the .xlsx file has no worksheet we can read");
        rc = ERR_INVAL;
    } else {
        struct sheet_parse p = {.sst = &sst, .out = out};
        strbuf_init(&p.val, 0);
        rc = parse_xml(xml, n, &p, sh_start, sh_end, sh_text);
        flush_row(&p);
        for (int i = 0; i < XLSX_MAX_COLS; i++)
            free(p.cells[i]);
        strbuf_cleanup(&p.val);
        free(xml);
        if (rc != 0) {
            str_copy(err, errlen, "the worksheet is not valid XML");
        } else if (p.bad_ref) {
            str_fmt(err, errlen, "the worksheet has a cell or row reference "
                                 "past column %d or row %d, or one that is "
                                 "not a reference", XLSX_MAX_COLS,
                    XLSX_MAX_ROW_NUMBER);
            rc = ERR_INVAL;
        } else if (p.overflow) {
            str_fmt(err, errlen, "more than %d rows or %d columns, %d cells "
                                 "or %d MiB of text, or a cell longer than "
                                 "Excel allows",
                    XLSX_MAX_ROWS, XLSX_MAX_COLS, XLSX_MAX_CELLS,
                    XLSX_MAX_TEXT >> 20);
            rc = ERR_INVAL;
        }
    }
    unzClose(z);
    for (int i = 0; i < sst.n; i++)
        free(sst.s[i]);
    free(sst.s);
    strbuf_cleanup(&sst.cur);
    if (rc != 0)
        xlsx_free(out);
    return rc;
}

void
xlsx_free(struct xlsx *x)
{
    for (int i = 0; i < x->nrows; i++) {
        for (int j = 0; j < x->rows[i].n; j++)
            free(x->rows[i].cells[j]);
        free(x->rows[i].cells);
        free(x->rows[i].numeric);
    }
    free(x->rows);
    memset(x, 0, sizeof(*x));
}

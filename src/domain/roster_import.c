/*
 * roster_import.c - see roster_import.h.
 */
#include "roster_import.h"

#include "idcard.h"
#include "people.h"

#include "../core/csv.h"
#include "../core/xlsx.h"
#include "../core/err.h"
#include "../core/util.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum col {
    C_NAME, C_ID, C_PHONE, C_STATUS, C_TOWNSHIP, C_VILLAGE, C_CATEGORY,
    C_COUNT
};

/* The template's columns, declared once: header text, other spellings
 * people type, and whether a row needs it. */
static const struct column {
    const char *header;
    const char *alt;
    bool required;
} columns[C_COUNT] = {
    [C_NAME] = {"姓名", NULL, true},
    [C_ID] = {"身份证号", "公民身份号码", true},
    [C_PHONE] = {"手机号", "联系电话", false},
    [C_STATUS] = {"政治面貌", NULL, true},
    [C_TOWNSHIP] = {"所属镇街", "镇街", false},
    [C_VILLAGE] = {"所属村(社区)", "所属村（社区）", false},
    [C_CATEGORY] = {"人员类别", NULL, false},
};

const char roster_template_csv[] =
    "\xEF\xBB\xBF姓名,身份证号,手机号,政治面貌,所属镇街,所属村(社区),人员类别\r\n";

/* 政治面貌 as people write it. */
static const struct {
    const char *text, *code;
} statuses[] = {
    {"正式党员", "member"}, {"中共党员", "member"}, {"党员", "member"},
    {"预备党员", "probationary"}, {"中共预备党员", "probationary"},
    {"入党积极分子", "activist"}, {"积极分子", "activist"},
    {"群众", "masses"},
};

static const char *
status_code(const char *s)
{
    for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
        if (strcmp(statuses[i].text, s) == 0)
            return statuses[i].code;
    for (int i = 0; people_statuses[i]; i++)
        if (strcmp(people_statuses[i], s) == 0)
            return people_statuses[i];
    return NULL;
}

/* Looks up one code by a name (or the code itself); out gets "" when
 * none. */
static int
lookup(struct db *db, enum query q, const char *a, const char *b,
       char *out, size_t outlen)
{
    out[0] = '\0';
    struct db_res *r = b ? db_query(db, q, "ss", a, b)
                         : db_query(db, q, "s", a);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc > 0)
        str_copy(out, outlen, db_text(r, 0));
    db_end(r);
    return rc < 0 ? ERR_DB : 0;
}

static void
reject(struct import_report *rep, int row, enum col c, const char *why)
{
    json_array_append_new(rep->rejected,
                          json_pack("{s:i, s:s, s:s}", "row", row, "column",
                                    columns[c].header, "reason", why));
}

/* Maps people.c's field names back to the file's columns. */
static enum col
col_of(const char *field)
{
    static const struct {
        const char *field;
        enum col c;
    } map[] = {{"name", C_NAME},
               {"id_number", C_ID},
               {"gender", C_ID},
               {"birth_date", C_ID},
               {"phone", C_PHONE},
               {"political_status", C_STATUS},
               {"township_code", C_TOWNSHIP},
               {"village_code", C_VILLAGE},
               {"member_category", C_CATEGORY}};
    for (size_t i = 0; field && i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(map[i].field, field) == 0)
            return map[i].c;
    return C_NAME;
}

/* Imports rows (the first holds the headers) from a file whose bytes
 * were data/len (for the audit row's hash). */
static int
import_rows(struct db *db, const struct keyring *k, const struct xlsx_row *rows,
            int nrows, const char *data, size_t len, const char *township,
            bool all, const struct audit_who *who, struct import_report *out,
            char *err, size_t errlen)
{
    int rc = 0;
    int at[C_COUNT];
    for (int c = 0; c < C_COUNT; c++)
        at[c] = -1;
    if (nrows == 0) {
        str_copy(err, errlen, "the file is empty");
        return ERR_INVAL;
    }
    const struct xlsx_row *head = &rows[0];
    for (int i = 0; i < head->n; i++)
        for (int c = 0; c < C_COUNT; c++)
            if (strcmp(head->cells[i], columns[c].header) == 0 ||
                (columns[c].alt && strcmp(head->cells[i], columns[c].alt) == 0))
                at[c] = i;
    char missing[256] = "";
    for (int c = 0; c < C_COUNT; c++) {
        bool need = columns[c].required || (c == C_TOWNSHIP && !township);
        if (need && at[c] < 0) {
            size_t n = strlen(missing);
            str_fmt(missing + n, sizeof(missing) - n, "%s%s", n ? "、" : "",
                    columns[c].header);
        }
    }
    if (*missing) {
        str_fmt(err, errlen,
                "the first row must hold the template's headers; missing: "
                "%s",
                missing);
        return ERR_INVAL;
    }
    out->rejected = json_array();
    if (db_begin(db) != 0)
        return ERR_DB;
    for (int i = 1; i < nrows && rc == 0; i++) {
        const struct xlsx_row *r = &rows[i];
        int row = r->line; /* as the spreadsheet numbers it */
        const char *v[C_COUNT];
        for (int c = 0; c < C_COUNT; c++)
            v[c] = at[c] >= 0 && at[c] < r->n ? r->cells[at[c]] : "";
        out->rows++;
        /* Every cell we read is one line of text: a line feed inside a
         * quoted CSV field, an ESC or a BEL is refused where it is. */
        int bad_col = -1;
        for (int c = 0; c < C_COUNT && bad_col < 0; c++)
            if (text_check(v[c], TEXT_LINE) != 0)
                bad_col = c;
        if (bad_col >= 0) {
            char why[96];
            long cp = text_check(v[bad_col], TEXT_LINE);
            if (cp < 0)
                str_copy(why, sizeof(why), "不是有效的 UTF-8 文字");
            else
                str_fmt(why, sizeof(why),
                        "含有换行、制表符或其他控制字符 (U+%04lX)",
                        (unsigned long)cp);
            reject(out, row, (enum col)bad_col, why);
            continue;
        }
        if (at[C_ID] >= 0 && at[C_ID] < r->n && r->numeric[at[C_ID]]) {
            reject(out, row, C_ID, idcard_strerror(IDCARD_NUMERIC));
            continue;
        }
        const char *status = status_code(v[C_STATUS]);
        if (*v[C_NAME] == '\0') {
            reject(out, row, C_NAME, "姓名为空");
            continue;
        }
        if (status == NULL) {
            reject(out, row, C_STATUS,
                   "政治面貌应为 正式党员、预备党员、入党积极分子 或 群众");
            continue;
        }
        char tcode[16], vcode[24] = "", ccode[32] = "";
        if (township && (*v[C_TOWNSHIP] == '\0')) {
            str_copy(tcode, sizeof(tcode), township);
        } else {
            if ((rc = lookup(db, Q_TOWNSHIP_BY_NAME, v[C_TOWNSHIP], NULL,
                             tcode, sizeof(tcode))) != 0)
                break;
            if (*tcode == '\0') {
                reject(out, row, C_TOWNSHIP, "没有这个镇街");
                continue;
            }
            if (township && strcmp(tcode, township) != 0) {
                reject(out, row, C_TOWNSHIP, "只能导入本镇街的人员");
                continue;
            }
        }
        if (*v[C_VILLAGE]) {
            if ((rc = lookup(db, Q_VILLAGE_BY_NAME, tcode, v[C_VILLAGE],
                             vcode, sizeof(vcode))) != 0)
                break;
            if (*vcode == '\0') {
                reject(out, row, C_VILLAGE, "该镇街没有这个村(社区)");
                continue;
            }
        }
        if (*v[C_CATEGORY]) {
            if ((rc = lookup(db, Q_MEMBER_CATEGORY_BY_NAME, v[C_CATEGORY],
                             NULL, ccode, sizeof(ccode))) != 0)
                break;
            if (*ccode == '\0') {
                reject(out, row, C_CATEGORY, "没有这个人员类别");
                continue;
            }
        }
        struct person_input in = {
            .name = v[C_NAME],
            .id_number = v[C_ID],
            .phone = v[C_PHONE],
            .political_status = status,
            .member_category = ccode,
            .township_code = tcode,
            .village_code = vcode,
            .allow15 = true, /* old 15-digit numbers are upgraded */
        };
        if (utf8_chars(in.name) > 32) {
            reject(out, row, C_NAME, "姓名不能超过 32 个字");
            continue;
        }
        int64_t id;
        struct person_error e;
        char masked[19];
        int prc = people_insert(db, k, &in, &id, &e, masked);
        if (prc == ERR_INVAL || prc == ERR_CONFLICT) {
            reject(out, row, col_of(e.field),
                   prc == ERR_CONFLICT ? "该身份证号已在花名册中（或在本文件中重复）"
                                       : e.why);
            continue;
        }
        if (prc != 0) {
            rc = ERR_DB;
            break;
        }
        out->imported++;
    }
    int nrej = (int)json_array_size(out->rejected);
    if (rc == 0 && all && nrej > 0)
        out->imported = 0; /* all or nothing: nothing */
    if (rc == 0) {
        unsigned char h[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(h, (const unsigned char *)data, len);
        char hex[65];
        hex_encode(h, sizeof(h), hex);
        json_t *d = json_pack("{s:s, s:s, s:s, s:i, s:i, s:i}", "sha256", hex,
                              "mode", all ? "all" : "valid", "encoding",
                              out->encoding, "rows", out->rows, "imported",
                              out->imported, "rejected", nrej);
        char *ds = json_dumps(d, JSON_COMPACT);
        json_decref(d);
        if (all && nrej > 0) {
            /* Nothing is kept, but the attempt is recorded. */
            db_rollback(db);
            rc = audit_record(db, who, "person_import", "people", false, ds);
        } else {
            rc = audit_append(db, who, "person_import", "people", true, ds);
            if (rc == 0)
                rc = db_commit(db);
            if (rc != 0)
                db_rollback(db);
            /* A large roster changes the planner's picture of people. */
            if (rc == 0 && out->imported >= 1000)
                rc = db_analyze(db);
        }
        free(ds);
    } else {
        db_rollback(db);
    }
    return rc;
}

/* import_rows with the bulk cache for its inserts into indexed tables
 * (PERF.md pitfall 3), then the small one of a request's connection. */
static int
import_bulk(struct db *db, const struct keyring *k,
            const struct xlsx_row *rows, int nrows, const char *data,
            size_t len, const char *township, bool all,
            const struct audit_who *who, struct import_report *out,
            char *err, size_t errlen)
{
    (void)db_cache(db, DB_CACHE_BULK_KIB);
    int rc = import_rows(db, k, rows, nrows, data, len, township, all, who,
                         out, err, errlen);
    (void)db_cache(db, DB_CACHE_READ_KIB);
    return rc;
}

int
roster_import_csv(struct db *db, const struct keyring *k, const char *data,
                  size_t len, const char *township, bool all,
                  const struct audit_who *who, struct import_report *out,
                  char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    struct csv csv;
    if (csv_parse(data, len, &csv, err, errlen) != 0)
        return ERR_INVAL;
    out->encoding = csv.encoding;
    /* CSV cells are all text; rows are numbered as the spreadsheet does. */
    struct xlsx_row *rows = xcalloc((size_t)csv.nrows + 1, sizeof(*rows));
    bool *text = NULL;
    int maxn = 0;
    for (int i = 0; i < csv.nrows; i++)
        maxn = csv.rows[i].n > maxn ? csv.rows[i].n : maxn;
    text = xcalloc((size_t)maxn + 1, sizeof(bool));
    for (int i = 0; i < csv.nrows; i++) {
        rows[i].cells = csv.rows[i].fields;
        rows[i].numeric = text;
        rows[i].n = csv.rows[i].n;
        rows[i].line = i + 1;
    }
    int rc = import_bulk(db, k, rows, csv.nrows, data, len, township, all,
                         who, out, err, errlen);
    free(text);
    free(rows);
    csv_free(&csv);
    return rc;
}

int
roster_import_xlsx(struct db *db, const struct keyring *k, const char *data,
                   size_t len, const char *township, bool all,
                   const struct audit_who *who, struct import_report *out,
                   char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    struct xlsx x;
    int rc = xlsx_read(data, len, &x, err, errlen);
    if (rc != 0)
        return rc == ERR_IO ? ERR_DB : ERR_INVAL;
    out->encoding = "xlsx";
    rc = import_bulk(db, k, x.rows, x.nrows, data, len, township, all, who,
                     out, err, errlen);
    xlsx_free(&x);
    return rc;
}

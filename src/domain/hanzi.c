/*
 * hanzi.c - see hanzi.h. ICU's transliterator and collator are not safe
 * to share between threads, so one set is kept behind a mutex: keys are
 * made only when a name is written, never when one is read.
 *
 * 姓氏笔画 order needs each character's stroke sequence (DOMAIN.md §3.5:
 * count, then the first stroke's shape 横丨丿丶乛, then the next ...).
 * ICU's stroke collation orders equal counts by code point, which puts
 * 文 before 王. The sequences come from Debian's rime-data-stroke
 * (stroke.dict.yaml, LGPL-3), read at start from the system like any
 * shared data, not copied into this program: lines "字<TAB>hspnz…", with
 * Taiwan's CNS 11643 orders first and the mainland order after them where
 * the two differ (load_strokes keeps the last). 竖钩 counts as 竖, as in
 * the 现代汉语通用字笔顺规范 (丁: 横, 竖).
 */
#include "hanzi.h"

#include "../core/util.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucol.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static UTransliterator *to_latin;
static UCollator *coll_pinyin;

/* Stroke sequences of U+3400..U+9FFF: strokes[cp - STROKE_BASE] is an
 * offset into blob (0: unknown), where the sequence is stored as bytes
 * 1..5 (横 丨 丿 丶 乛) ended by 0. */
#define STROKE_BASE 0x3400u
#define STROKE_END 0xA000u
static uint32_t *stroke_at;
static unsigned char *blob;
static size_t blob_len;

const char *hanzi_stroke_file = "/usr/share/rime-data/stroke.dict.yaml";

static int
stroke_code(char c)
{
    switch (c) {
    case 'h': return 1; /* 横, 提 */
    case 's': return 2; /* 竖 */
    case 'p': return 3; /* 撇 */
    case 'n': return 4; /* 点, 捺 */
    case 'z': return 5; /* 折, hooks and bends */
    default: return 0;
    }
}

/* Decodes one UTF-8 character; its length, or 0. */
static int
utf8_cp(const unsigned char *s, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return s[0] ? 1 : 0;
    }
    if ((s[0] & 0xE0) == 0xC0 && (s[1] & 0xC0) == 0x80) {
        *cp = (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
        return 2;
    }
    if ((s[0] & 0xF0) == 0xE0 && (s[1] & 0xC0) == 0x80 &&
        (s[2] & 0xC0) == 0x80) {
        *cp = (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 |
              (s[2] & 0x3F);
        return 3;
    }
    if ((s[0] & 0xF8) == 0xF0 && (s[1] & 0xC0) == 0x80 &&
        (s[2] & 0xC0) == 0x80 && (s[3] & 0xC0) == 0x80) {
        *cp = (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
              (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
        return 4;
    }
    return 0;
}

/* One line of the data: a character and its strokes (1..5, ended by 0)
 * at code in the scratch buffer. */
struct stroke_line {
    uint32_t cp;
    uint32_t code;
};

static const char *sort_codes; /* for by_code: qsort has no context */

static int
by_code(const void *a, const void *b)
{
    const struct stroke_line *x = a, *y = b;
    return strcmp(sort_codes + x->code, sort_codes + y->code);
}

/* The file holds Taiwan's CNS 11643 orders first, then the mainland order
 * wherever the two differ (阳 zsszhh, 6 strokes, after zzsszhh), so the
 * last line of a character wins. The CNS part also gives thousands of
 * characters (艳, 护 …) one filler code: a code shared by more than
 * FILLER_MIN characters is no stroke order and is ignored. */
#define FILLER_MIN 100

static int
load_strokes(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        str_fmt(err, errlen,
                "stroke data %s: %s (install Debian's rime-data-stroke)",
                path, strerror(errno));
        return -1;
    }
    size_t nl = 0, capl = 1 << 16, codes_len = 0, capc = 1 << 20;
    struct stroke_line *lines = xmalloc(capl * sizeof(*lines));
    char *codes = xmalloc(capc);
    char line[512];
    bool body = false;
    while (fgets(line, sizeof(line), f)) {
        if (!body) {
            body = strncmp(line, "...", 3) == 0;
            continue;
        }
        uint32_t cp;
        int n = utf8_cp((const unsigned char *)line, &cp);
        if (n == 0 || line[n] != '\t' || cp < STROKE_BASE || cp >= STROKE_END)
            continue; /* not a BMP ideograph */
        const char *code = line + n + 1;
        size_t len = 0;
        while (stroke_code(code[len]))
            len++;
        if (len == 0 || len > 64 || (code[len] != '\n' && code[len] != '\t' &&
                                     code[len] != '\r' && code[len] != 0))
            continue; /* empty, too long, or a character that is no stroke */
        if (nl == capl)
            lines = xrealloc(lines, (capl *= 2) * sizeof(*lines));
        if (codes_len + len + 1 > capc)
            codes = xrealloc(codes, capc *= 2);
        lines[nl++] = (struct stroke_line){cp, (uint32_t)codes_len};
        for (size_t i = 0; i < len; i++)
            codes[codes_len++] = (char)('0' + stroke_code(code[i]));
        codes[codes_len++] = 0;
    }
    fclose(f);
    /* How many characters share each code: sort a copy by code. */
    struct stroke_line *sorted = xmalloc((nl ? nl : 1) * sizeof(*sorted));
    memcpy(sorted, lines, nl * sizeof(*sorted));
    sort_codes = codes;
    qsort(sorted, nl, sizeof(*sorted), by_code);
    bool *filler = xcalloc(codes_len ? codes_len : 1, sizeof(*filler));
    for (size_t i = 0, j; i < nl; i = j) {
        for (j = i + 1; j < nl && by_code(&sorted[i], &sorted[j]) == 0; j++)
            ;
        if (j - i > FILLER_MIN)
            for (size_t k = i; k < j; k++)
                filler[sorted[k].code] = true;
    }
    free(sorted);
    /* The last usable line of each character wins. */
    uint32_t *pick = xcalloc(STROKE_END - STROKE_BASE, sizeof(*pick));
    for (size_t i = 0; i < nl; i++)
        if (!filler[lines[i].code])
            pick[lines[i].cp - STROKE_BASE] = lines[i].code + 1;
    free(filler);
    stroke_at = xcalloc(STROKE_END - STROKE_BASE, sizeof(*stroke_at));
    blob = xmalloc(codes_len + 1);
    blob_len = 1; /* offset 0 means unknown */
    for (uint32_t c = 0; c < STROKE_END - STROKE_BASE; c++) {
        if (pick[c] == 0)
            continue;
        const char *code = codes + pick[c] - 1;
        stroke_at[c] = (uint32_t)blob_len;
        for (; *code; code++)
            blob[blob_len++] = (unsigned char)(*code - '0');
        blob[blob_len++] = 0;
    }
    free(pick);
    free(lines);
    free(codes);
    return 0;
}

int
hanzi_strokes(uint32_t cp, unsigned char *seq, size_t cap)
{
    if (stroke_at == NULL || cp < STROKE_BASE || cp >= STROKE_END ||
        stroke_at[cp - STROKE_BASE] == 0)
        return -1;
    const unsigned char *p = blob + stroke_at[cp - STROKE_BASE];
    size_t n = strlen((const char *)p);
    memcpy(seq, p, n < cap ? n : cap);
    return (int)n;
}

/* Two-character surnames (复姓) in common use. */
static const char *const compound[] = {
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容",
    "长孙", "宇文", "司徒", "夏侯", "端木", "令狐", "轩辕", "呼延", "南宫",
    "独孤", "申屠", "澹台", "公冶", "万俟", "闻人", "东郭", "西门",
};

int
hanzi_init(char *err, size_t errlen)
{
    UErrorCode st = U_ZERO_ERROR;
    UChar id[64];
    u_uastrcpy(id, "Han-Latin; Latin-ASCII; Lower");
    to_latin = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
    if (U_FAILURE(st)) {
        str_fmt(err, errlen, "ICU transliterator: %s", u_errorName(st));
        return -1;
    }
    coll_pinyin = ucol_open("zh", &st);
    if (U_FAILURE(st)) {
        str_fmt(err, errlen, "ICU collator: %s", u_errorName(st));
        hanzi_cleanup();
        return -1;
    }
    if (load_strokes(hanzi_stroke_file, err, errlen) != 0) {
        hanzi_cleanup();
        return -1;
    }
    return 0;
}

void
hanzi_cleanup(void)
{
    if (to_latin)
        utrans_close(to_latin);
    if (coll_pinyin)
        ucol_close(coll_pinyin);
    to_latin = NULL;
    coll_pinyin = NULL;
    free(stroke_at);
    free(blob);
    stroke_at = NULL;
    blob = NULL;
    blob_len = 0;
}

size_t
hanzi_surname_len(const char *name)
{
    for (size_t i = 0; i < sizeof(compound) / sizeof(compound[0]); i++) {
        size_t n = strlen(compound[i]);
        if (strncmp(name, compound[i], n) == 0 && name[n] != '\0')
            return n;
    }
    /* One character: the length of the first UTF-8 sequence. */
    unsigned char c = (unsigned char)name[0];
    size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
                                                                          : 4;
    return strnlen(name, n);
}

/* Appends the hex of coll's sort key for the UTF-16 text, without its
 * final 0 byte, to out at *pos. */
static int
append_key(UCollator *coll, const UChar *s, int32_t len, char *out,
           size_t outlen, size_t *pos)
{
    uint8_t key[240];
    int32_t n = ucol_getSortKey(coll, s, len, key, sizeof(key));
    if (n <= 0 || n > (int32_t)sizeof(key))
        return -1;
    n--; /* drop the terminating 0 */
    if (*pos + 2 * (size_t)n + 1 > outlen)
        return -1;
    hex_encode(key, (size_t)n, out + *pos);
    *pos += 2 * (size_t)n;
    return 0;
}

/* Appends the 笔画 key of the UTF-8 text [s, s + len) to out (hex) at
 * *pos: per character its stroke count, its strokes (1..5), then its code
 * point as the last tie-break; a character without stroke data sorts
 * after all that have it. The key is cut where out is full: the rest of
 * a long name no longer decides its place. */
static void
append_stroke_key(const char *s, size_t len, char *out, size_t outlen,
                  size_t *pos)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *end = p + len;
    while (p < end) {
        uint32_t cp;
        int n = utf8_cp(p, &cp);
        if (n == 0)
            break;
        p += n;
        unsigned char k[72];
        size_t kn = 0;
        int count = hanzi_strokes(cp, k + 1, 64);
        if (count > 0) {
            k[0] = (unsigned char)count;
            kn = 1 + (size_t)count;
        } else {
            k[kn++] = 0xFE;
        }
        k[kn++] = (unsigned char)(cp >> 16);
        k[kn++] = (unsigned char)(cp >> 8);
        k[kn++] = (unsigned char)cp;
        if (*pos + 2 * kn + 1 > outlen)
            break;
        hex_encode(k, kn, out + *pos);
        *pos += 2 * kn;
    }
    out[*pos] = '\0';
}

int
hanzi_name_keys(const char *name, struct name_keys *out)
{
    memset(out, 0, sizeof(*out));
    UErrorCode st = U_ZERO_ERROR;
    UChar u[128], lat[512];
    int32_t ulen;
    u_strFromUTF8(u, 128, &ulen, name, -1, &st);
    if (U_FAILURE(st) || ulen >= 128)
        return -1;
    size_t sl = hanzi_surname_len(name);
    UChar us[16];
    int32_t uslen;
    u_strFromUTF8(us, 16, &uslen, name, (int32_t)sl, &st);
    if (U_FAILURE(st))
        return -1;
    pthread_mutex_lock(&lock);
    /* Pinyin: "zhang san" -> "zhangsan" and "zs". */
    u_memcpy(lat, u, ulen);
    int32_t llen = ulen, limit = ulen;
    utrans_transUChars(to_latin, lat, &llen, 512, 0, &limit, &st);
    int rc = U_FAILURE(st) ? -1 : 0;
    char latin[512];
    if (rc == 0) {
        u_strToUTF8(latin, sizeof(latin), NULL, lat, llen, &st);
        rc = U_FAILURE(st) ? -1 : 0;
    }
    if (rc == 0) {
        size_t p = 0, q = 0;
        int start = 1;
        for (const char *c = latin; *c && p + 1 < sizeof(out->pinyin); c++) {
            if ((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9')) {
                out->pinyin[p++] = *c;
                if (start && q + 1 < sizeof(out->initials))
                    out->initials[q++] = *c;
                start = 0;
            } else {
                start = 1;
            }
        }
    }
    /* 拼音 order: the whole name. 笔画 order: the surname, then a mark
     * that puts a one-character given name first, then the given name. */
    size_t pos = 0;
    if (rc == 0)
        rc = append_key(coll_pinyin, u, ulen, out->sort_pinyin,
                        sizeof(out->sort_pinyin), &pos);
    pthread_mutex_unlock(&lock);
    /* 姓氏笔画: the surname, then a mark that puts a one-character given
     * name first (the blank of "田　富"), then the given name. */
    pos = 0;
    if (rc == 0) {
        size_t cap = sizeof(out->sort_strokes);
        append_stroke_key(name, sl, out->sort_strokes, cap, &pos);
        int32_t given = ulen - uslen;
        if (pos + 5 < cap) {
            memcpy(out->sort_strokes + pos, given <= 1 ? "00" : "01", 2);
            pos += 2;
            append_stroke_key(name + sl, strlen(name + sl),
                              out->sort_strokes, cap, &pos);
        }
    }
    return rc;
}

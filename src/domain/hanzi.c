/*
 * hanzi.c - see hanzi.h. ICU's transliterator and collators are not safe
 * to share between threads, so one set is kept behind a mutex: keys are
 * made only when a name is written, never when one is read.
 */
#include "hanzi.h"

#include "../core/util.h"

#include <pthread.h>
#include <string.h>
#include <unicode/ucol.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static UTransliterator *to_latin;
static UCollator *coll_pinyin, *coll_stroke;

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
    if (U_SUCCESS(st))
        coll_stroke = ucol_open("zh@collation=stroke", &st);
    if (U_FAILURE(st)) {
        str_fmt(err, errlen, "ICU collator: %s", u_errorName(st));
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
    if (coll_stroke)
        ucol_close(coll_stroke);
    to_latin = NULL;
    coll_pinyin = coll_stroke = NULL;
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
    pos = 0;
    if (rc == 0)
        rc = append_key(coll_stroke, us, uslen, out->sort_strokes,
                        sizeof(out->sort_strokes), &pos);
    if (rc == 0 && pos + 5 < sizeof(out->sort_strokes)) {
        int32_t given = ulen - uslen;
        memcpy(out->sort_strokes + pos, given <= 1 ? "0100" : "0101", 4);
        pos += 4;
        out->sort_strokes[pos] = '\0';
        rc = append_key(coll_stroke, u + uslen, given, out->sort_strokes,
                        sizeof(out->sort_strokes), &pos);
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

/*
 * i18n.c - reads the GNU .mo catalog embedded as the asset "zh_CN.mo".
 * msgfmt writes the original strings sorted, so lookup is a binary search
 * over the originals table; nothing is copied.
 */
#include "i18n.h"

#include "assets.h"

#include "../http/http.h"

#include <stdint.h>
#include <string.h>

static const unsigned char *mo;
static uint32_t nstrings, orig_off, trans_off;
static size_t mo_len;

static uint32_t
u32(size_t off)
{
    uint32_t v;
    memcpy(&v, mo + off, 4); /* .mo from our msgfmt is little-endian */
    return v;
}

int
i18n_init(void)
{
    const struct asset *a = asset_find("zh_CN.mo");
    if (a == NULL || a->len < 28)
        return -1;
    mo = a->data;
    mo_len = a->len;
    if (u32(0) != 0x950412deU)
        return -1;
    nstrings = u32(8);
    orig_off = u32(12);
    trans_off = u32(16);
    if ((size_t)orig_off + (size_t)nstrings * 8 > mo_len ||
        (size_t)trans_off + (size_t)nstrings * 8 > mo_len)
        return -1;
    for (uint32_t i = 0; i < nstrings; i++) {
        if ((size_t)u32(orig_off + i * 8 + 4) + u32(orig_off + i * 8) >=
                mo_len ||
            (size_t)u32(trans_off + i * 8 + 4) + u32(trans_off + i * 8) >=
                mo_len)
            return -1;
    }
    return 0;
}

const char *
tr(const char *lang, const char *msgid)
{
    if (mo == NULL || lang[0] != 'z')
        return msgid;
    uint32_t lo = 0, hi = nstrings;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const char *o = (const char *)mo + u32(orig_off + mid * 8 + 4);
        int c = strcmp(msgid, o);
        if (c == 0) {
            const char *t = (const char *)mo + u32(trans_off + mid * 8 + 4);
            return *t ? t : msgid;
        }
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return msgid;
}

const char *
web_translate(struct req *req, const char *msgid)
{
    return tr(req->lang, msgid);
}

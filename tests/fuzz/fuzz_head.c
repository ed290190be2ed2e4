/*
 * fuzz_head.c - the head gate's verdict (src/http/head.c) on raw bytes:
 * http_head_check on the whole input and on each prefix a few bytes
 * apart, and head_scan over the same bytes. Checks what the gate relies
 * on: a head that passes ends with a line feed within the bytes given,
 * holds no NUL, and passes again with more bytes after it; a verdict on
 * a prefix is never contradicted by more bytes (MORE may become anything,
 * a passed or refused head stays so); every refusal is one of ours.
 */
#include "fuzz.h"

#include "../../src/http/http_int.h"

#include <string.h>

static void
check_refusal(const struct head_refusal *r)
{
    FUZZ_ASSERT(r->code != NULL && r->fmt != NULL);
    FUZZ_ASSERT(r->status == 400 || r->status == 414 || r->status == 431 ||
                r->status == 505);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;
    struct head_limits lim = {
        .max_url = 256, .max_header = 1024, .max_params = 16, .pool = 16384};
    struct head_refusal r;
    size_t len = 0;
    enum head_verdict whole = http_head_check(buf, size, &lim, &r, &len);
    if (whole == HEAD_OK) {
        FUZZ_ASSERT(len > 0 && len <= size && buf[len - 1] == '\n');
        FUZZ_ASSERT(memchr(buf, '\0', len) == NULL);
        FUZZ_ASSERT(len <= http_head_limit(&lim));
    } else if (whole == HEAD_REFUSED) {
        check_refusal(&r);
    }
    /* Prefixes: once decided, more bytes do not change the verdict. */
    for (size_t n = 0; n < size; n += 1 + n / 8) {
        size_t l2 = 0;
        struct head_refusal r2;
        enum head_verdict v = http_head_check(buf, n, &lim, &r2, &l2);
        if (v == HEAD_OK) {
            FUZZ_ASSERT(whole == HEAD_OK || whole == HEAD_REFUSED);
            /* More bytes after a passed head: a body, so the pool model
             * may refuse it then, never the head itself. */
            if (whole == HEAD_OK)
                FUZZ_ASSERT(l2 == len);
        } else if (v == HEAD_REFUSED) {
            check_refusal(&r2);
            FUZZ_ASSERT(whole == HEAD_REFUSED);
            FUZZ_ASSERT(r2.status == r.status);
        }
    }
    struct head_scan s;
    head_scan_init(&s);
    head_scan(&s, buf, size);
    FUZZ_ASSERT(strlen(s.method) < sizeof(s.method));
    FUZZ_ASSERT(strlen(s.path) < sizeof(s.path));
    return 0;
}

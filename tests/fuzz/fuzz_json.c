/*
 * fuzz_json.c - JSON and form bodies through the request helpers, as the
 * handlers use them: req_json_or_400, then json_str_or_422 and friends on
 * every member and on the names handlers ask for; and the same bytes as a
 * form body through req_form_check_or_422 and req_form. On a fake request
 * with its own arena (tests/fake/req.c). Checks what the helpers promise:
 * an accepted one-line string holds no control character and has the
 * length asked for, a multi-line one no CR, an id list distinct positive
 * ids; every refusal is an answer in the API's error shape.
 */
#include "fuzz.h"

#include "../../src/core/util.h"
#include "../fake/req.h"

#include <jansson.h>
#include <string.h>

/* A refusal is answered, with a status and an error code. */
static void
refused(struct fake_req *f)
{
    FUZZ_ASSERT(f->req.answered);
    FUZZ_ASSERT(f->req.status == 400 || f->req.status == 422);
    FUZZ_ASSERT(fake_req_error_code(f) != NULL);
    f->req.answered = false;
}

static void
one_member(struct fake_req *f, json_t *body, const char *name)
{
    struct req *req = &f->req;
    const char *s;
    long max = (long)(strlen(name) % 7) * 10 + 1;
    if (json_str_or_422(req, body, name, false, 1, max, &s) == 0) {
        if (s) {
            long n = utf8_chars(s);
            FUZZ_ASSERT(n >= 1 && n <= max);
            FUZZ_ASSERT(text_check(s, TEXT_LINE) == 0);
        }
    } else {
        refused(f);
    }
    if (json_text_or_422(req, body, name, true, 0, 2000, &s) == 0) {
        FUZZ_ASSERT(s != NULL && strchr(s, '\r') == NULL);
        FUZZ_ASSERT(text_check(s, TEXT_LINES) == 0);
    } else {
        refused(f);
    }
    int b;
    if (json_bool_or_422(req, body, name, false, &b) == 0)
        FUZZ_ASSERT(b >= -1 && b <= 1);
    else
        refused(f);
    bool present;
    int64_t i;
    if (json_int_or_422(req, body, name, false, -5, 1000, &present, &i) == 0)
        FUZZ_ASSERT(!present || (i >= -5 && i <= 1000));
    else
        refused(f);
    const char **names;
    if (json_strs_or_422(req, body, name, 8, 16, &names) == 0) {
        for (size_t k = 0; names[k]; k++)
            FUZZ_ASSERT(k < 8 && text_check(names[k], TEXT_LINE) == 0);
    } else {
        refused(f);
    }
    int64_t *ids;
    size_t n;
    if (json_ids_or_422(req, body, name, 8, &ids, &n) == 0) {
        FUZZ_ASSERT(n <= 8);
        for (size_t k = 0; k < n; k++) {
            FUZZ_ASSERT(ids[k] >= 1);
            for (size_t m = 0; m < k; m++)
                FUZZ_ASSERT(ids[m] != ids[k]);
        }
    } else {
        refused(f);
    }
    int64_t halves;
    if (json_halves_or_422(req, body, name, false, 16, &halves) == 0)
        FUZZ_ASSERT(halves >= 0 && halves <= 16);
    else
        refused(f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fake_req f;
    fake_req_init(&f, "POST", "application/json", data, size, false);
    json_t *body = req_json_or_400(&f.req);
    if (body == NULL) {
        refused(&f);
    } else {
        static const char *const asked[] = {"name", "title", "reason",
                                            "intro", "ids", "hours"};
        for (size_t k = 0; k < sizeof(asked) / sizeof(asked[0]); k++)
            one_member(&f, body, asked[k]);
        const char *key;
        json_t *v;
        size_t count = 0;
        json_object_foreach(body, key, v)
        {
            if (count++ == 16)
                break;
            one_member(&f, body, key);
        }
    }
    fake_req_cleanup(&f);

    /* The same bytes as a form, on a page. */
    fake_req_init(&f, "POST", "application/x-www-form-urlencoded", data, size,
                  true);
    if (req_form_check_or_422(&f.req) == 0) {
        const char *v = req_form(&f.req, "name");
        if (v)
            FUZZ_ASSERT(text_check(v, TEXT_LINES) == 0 &&
                        strchr(v, '\r') == NULL);
    } else {
        FUZZ_ASSERT(f.req.answered && f.req.status == 422);
    }
    fake_req_cleanup(&f);
    return 0;
}

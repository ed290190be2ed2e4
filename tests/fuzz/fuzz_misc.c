/*
 * fuzz_misc.c - the small parsers, the first input byte picking one and
 * the rest its input: the settings reader, route matching, UTF-8
 * counting, dates and integers, the password policy, the HTML writers,
 * the text checks (text_check, text_lf, sheet_formula_like) and the audit
 * checkpoint reader. libmicrohttpd parses HTTP and jansson parses JSON:
 * those are theirs (fuzz_json covers what we build on jansson's output).
 */
#include "fuzz.h"

#include "../../src/routes.h"
#include "../../src/core/arena.h"
#include "../../src/core/config.h"
#include "../../src/core/sheet.h"
#include "../../src/core/util.h"
#include "../../src/domain/audit.h"
#include "../../src/domain/auth.h"
#include "../../src/http/html.h"

#include <stdbool.h>
#include <string.h>

/* The text checks agree with each other. */
static void
texts(char *s, size_t n)
{
    long line = text_check(s, TEXT_LINE), lines = text_check(s, TEXT_LINES);
    bool utf8 = utf8_chars(s) >= 0;
    FUZZ_ASSERT(utf8 || (line != 0 && lines != 0));
    FUZZ_ASSERT(lines == 0 || line != 0); /* LINE is the stricter */
    FUZZ_ASSERT(lines >= 0 || !utf8);
    size_t len = strlen(s);
    (void)n;
    size_t after = text_lf(s, len);
    FUZZ_ASSERT(after <= len && strchr(s, '\r') == NULL &&
                strlen(s) == after);
    sheet_formula_like(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    routes_init();
    char *s = xmalloc(size);
    memcpy(s, data + 1, size - 1);
    s[size - 1] = '\0';
    switch (data[0] % 7) {
    case 0: {
        struct config c;
        char err[256];
        config_defaults(&c);
        FILE *fp = fmemopen(s, size - 1, "r");
        if (fp) {
            config_load_stream(&c, fp, "fuzz", err, sizeof(err));
            fclose(fp);
        }
        break;
    }
    case 1: {
        struct arena a;
        arena_init(&a, 256);
        const char *params[4];
        int n = 0;
        static const char *const methods[] = {"GET", "POST", "PATCH",
                                              "DELETE"};
        http_route_match(routes, methods[size % 4], s, params, &n, &a);
        FUZZ_ASSERT(n >= 0 && n <= 4);
        arena_cleanup(&a);
        break;
    }
    case 2: {
        int64_t v;
        utf8_chars(s);
        date_parse(s, &v);
        parse_i64(s, &v);
        break;
    }
    case 3: {
        const char *why;
        char *sep = strchr(s, '\n');
        if (sep) {
            *sep = '\0';
            password_check_policy(s, sep + 1, &why);
        } else {
            password_check_policy(NULL, s, &why);
        }
        break;
    }
    case 4: {
        struct strbuf sb;
        strbuf_init(&sb, 1 << 16);
        html_txt(&sb, s);
        html_attr(&sb, s);
        html_urlenc(&sb, s);
        strbuf_cleanup(&sb);
        break;
    }
    case 5:
        texts(s, size - 1);
        break;
    case 6: {
        struct audit_head h;
        if (audit_checkpoint_parse(s, &h) == 0)
            FUZZ_ASSERT(h.rows >= 1 && strlen(h.hash) == 64);
        break;
    }
    }
    free(s);
    return 0;
}

/*
 * fuzz.c - libFuzzer target over our own parsers (STYLE 32): the settings
 * reader, route matching, UTF-8 counting, dates, integers, the password
 * policy, the HTML writers, the CSV reader, the .xlsx sheet reader and
 * the picture header reader (an upload's bytes, straight from the client).
 * The first input byte picks the parser; the rest is its input.
 * libmicrohttpd parses HTTP and jansson parses JSON: those are theirs; what
 * we build on their output is covered by the API tests.
 *
 * Built by `make fuzz` with clang -fsanitize=fuzzer,address,undefined and
 * run for a few seconds by `make test`.
 */
#include "../../src/api/api.h"
#include "../../src/core/arena.h"
#include "../../src/core/config.h"
#include "../../src/core/csv.h"
#include "../../src/core/image.h"
#include "../../src/core/xlsx.h"
#include "../../src/core/util.h"
#include "../../src/domain/auth.h"
#include "../../src/http/html.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    char *s = xmalloc(size);
    memcpy(s, data + 1, size - 1);
    s[size - 1] = '\0';
    switch (data[0] % 8) {
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
        http_route_match(api_routes, methods[size % 4], s, params, &n, &a);
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
    case 5: {
        struct csv c;
        char err[128];
        if (csv_parse((const char *)data + 1, size - 1, &c, err,
                      sizeof(err)) == 0)
            csv_free(&c);
        break;
    }
    case 6: {
        struct xlsx x;
        char err[128];
        if (xlsx_read((const char *)data + 1, size - 1, &x, err,
                      sizeof(err)) == 0)
            xlsx_free(&x);
        break;
    }
    case 7: {
        /* A copy of exactly the input, so a read past it is caught. */
        unsigned char *b = xmalloc(size - 1 ? size - 1 : 1);
        memcpy(b, data + 1, size - 1);
        struct image_info in;
        if (image_sniff(b, size - 1, &in) == 0 &&
            (in.width < 1 || in.width > IMAGE_MAX_SIDE || in.height < 1 ||
             in.height > IMAGE_MAX_SIDE))
            abort(); /* accepted a size it promises to refuse */
        free(b);
        break;
    }
    }
    free(s);
    return 0;
}

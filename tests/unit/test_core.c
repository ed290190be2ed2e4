/*
 * test_core.c - arena, strbuf, the JSON writer, settings, dates and UTF-8
 * counting.
 */
#include "unit.h"

#include "../../src/core/arena.h"
#include "../../src/core/config.h"
#include "../../src/core/err.h"
#include "../../src/core/image.h"
#include "../../src/core/jsonw.h"
#include "../../src/core/keep.h"
#include "../../src/core/log.h"
#include "../../src/core/sheet.h"
#include "../../src/core/strbuf.h"
#include "../../src/core/util.h"
#include "../../src/core/xlsx.h"
#include "../fake/xlsx.h"

#include <jansson.h>
#include <minizip/unzip.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int cleanups;

static void
count_cleanup(void *p)
{
    (void)p;
    cleanups++;
}

static void
arena_allocates_and_resets(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 128);
    char *s = arena_strdup(&a, "成武县");
    assert_string_equal(s, "成武县");
    /* A request bigger than a block gets one of its own. */
    char *big = arena_alloc(&a, 10000);
    memset(big, 'x', 10000);
    char *after = arena_printf(&a, "%d-%s", 42, "ok");
    assert_string_equal(after, "42-ok");
    assert_int_equal((uintptr_t)arena_alloc(&a, 3) % _Alignof(max_align_t), 0);
    cleanups = 0;
    arena_defer(&a, count_cleanup, NULL);
    arena_defer(&a, count_cleanup, NULL);
    arena_reset(&a);
    assert_int_equal(cleanups, 2);
    assert_string_equal(arena_strdup(&a, "again"), "again");
    arena_cleanup(&a);
}

static void
strbuf_grows_and_sticks_on_overflow(void **state)
{
    (void)state;
    struct strbuf sb;
    strbuf_init(&sb, 16);
    strbuf_puts(&sb, "0123456789");
    strbuf_printf(&sb, "%s", "abcde");
    assert_false(strbuf_failed(&sb));
    assert_string_equal(strbuf_str(&sb), "0123456789abcde");
    strbuf_puts(&sb, "toolong");
    assert_true(strbuf_failed(&sb));
    strbuf_puts(&sb, "x");
    assert_int_equal(sb.len, 15); /* sticky: nothing more is appended */
    strbuf_cleanup(&sb);
    strbuf_init(&sb, 0);
    for (int i = 0; i < 1000; i++)
        strbuf_printf(&sb, "%04d", i);
    assert_int_equal(sb.len, 4000);
    size_t n;
    char *p = strbuf_take(&sb, &n);
    assert_int_equal(n, 4000);
    assert_memory_equal(p + 3996, "0999", 4);
    free(p);
    /* Nothing appended: the taken string is "", whatever the heap held
     * (the report's links carried heap bytes after "?" once). */
    for (int i = 0; i < 64; i++) {
        char *junk = malloc(256);
        memset(junk, 0xd6, 256);
        free(junk);
        strbuf_init(&sb, 0);
        p = strbuf_take(&sb, &n);
        assert_non_null(p);
        assert_int_equal(n, 0);
        assert_string_equal(p, "");
        free(p);
    }
    /* Appended, then reset: "" as well. */
    strbuf_init(&sb, 0);
    strbuf_puts(&sb, "abc");
    strbuf_reset(&sb);
    p = strbuf_take(&sb, &n);
    assert_string_equal(p, "");
    free(p);
}

/* Escapes n bytes into a fresh buffer of cap bytes. */
static const char *
esc(const char *in, size_t n, size_t cap)
{
    static char out[256];
    assert_true(cap <= sizeof(out));
    size_t len = log_escape(out, cap, in, n);
    assert_int_equal(len, strlen(out));
    assert_true(len < cap);
    return out;
}

#define ESC(lit) esc(lit, sizeof(lit) - 1, 256)

static void
log_lines_cannot_be_forged(void **state)
{
    (void)state;
    /* A path with %0a decoded: one line, the newline visible. */
    assert_string_equal(ESC("GET /a\n2026-01-01T00:00:00Z 1.2.3.4 GET /x 200"),
                        "GET /a\\n2026-01-01T00:00:00Z 1.2.3.4 GET /x 200");
    assert_string_equal(ESC("a\rb\tc\\d"), "a\\rb\\tc\\\\d");
    assert_string_equal(ESC("\x1b[2J\a\x7f"), "\\x1b[2J\\x07\\x7f");
    assert_string_equal(ESC("a\0b"), "a\\x00b");
    /* Chinese stays readable; what is not UTF-8 is shown as bytes. */
    assert_string_equal(ESC("/people?q=张三"), "/people?q=张三");
    assert_string_equal(ESC("\xff\xfe"), "\\xff\\xfe");
    assert_string_equal(ESC("\xc0\xaf"), "\\xc0\\xaf");          /* overlong */
    assert_string_equal(ESC("\xed\xa0\x80"), "\\xed\\xa0\\x80"); /* surrogate */
    assert_string_equal(ESC("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");
    assert_string_equal(ESC("\xe5\xbc"), "\\xe5\\xbc"); /* cut short */
    assert_string_equal(ESC("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");
    /* C1 controls (U+0085 NEL, U+009B CSI) are escaped, U+00A0 is not. */
    assert_string_equal(ESC("a\xc2\x85" "b\xc2\x9b" "c\xc2\xa0"),
                        "a\\u0085b\\u009bc\xc2\xa0");
    /* A short buffer: never half an escape or half a character. */
    assert_string_equal(esc("ab\ncd", 5, 4), "ab");
    assert_string_equal(esc("ab\ncd", 5, 5), "ab\\n");
    assert_string_equal(esc("a张", 4, 4), "a");
    assert_string_equal(esc("a张", 4, 5), "a张");
    assert_string_equal(esc("abcdef", 6, 4), "abc");
    assert_string_equal(esc("abc", 3, 1), "");
}

static void
str_copy_reports_truncation(void **state)
{
    (void)state;
    char b[4];
    assert_int_equal(str_copy(b, sizeof(b), "abc"), 0);
    assert_int_equal(str_copy(b, sizeof(b), "abcd"), ERR_RANGE);
    assert_string_equal(b, "abc");
    assert_int_equal(str_fmt(b, sizeof(b), "%d", 12345), ERR_RANGE);
}

/* Kept figures come back under their own key only; the ring forgets
 * the oldest, and a key too long to keep is never kept. */
static void
keep_returns_only_what_its_key_kept(void **state)
{
    (void)state;
    static struct keep k = KEEP_INIT;
    int64_t v[2], one[2] = {1, 2}, got[2];
    assert_false(keep_get(&k, "a|1", got, 2));
    keep_put(&k, "a|1", one, 2);
    assert_true(keep_get(&k, "a|1", got, 2));
    assert_int_equal(got[0], 1);
    assert_int_equal(got[1], 2);
    assert_false(keep_get(&k, "a|2", got, 2)); /* a newer version */
    assert_false(keep_get(&k, "a|", got, 2));  /* a prefix is not it */
    for (int i = 0; i < KEEP_SLOTS; i++) {
        char key[16];
        snprintf(key, sizeof(key), "b|%d", i);
        v[0] = v[1] = i;
        keep_put(&k, key, v, 2);
    }
    assert_false(keep_get(&k, "a|1", got, 2)); /* aged out */
    assert_true(keep_get(&k, "b|0", got, 2));
    assert_int_equal(got[1], 0);
    char big[KEEP_KEY + 1];
    memset(big, 'x', sizeof(big) - 1);
    big[KEEP_KEY] = '\0';
    keep_put(&k, big, one, 2);
    assert_false(keep_get(&k, big, got, 2));
    keep_put(&k, "", one, 2);
    assert_false(keep_get(&k, "", got, 2));
}

static void
utf8_counts_characters_not_bytes(void **state)
{
    (void)state;
    assert_int_equal(utf8_chars(""), 0);
    assert_int_equal(utf8_chars("abc"), 3);
    assert_int_equal(utf8_chars("欧阳喆"), 3);
    assert_int_equal(utf8_chars("\xf0\xa0\xae\xb7"), 1); /* 𠮷, non-BMP */
    assert_int_equal(utf8_chars("\xff"), -1);
    assert_int_equal(utf8_chars("\xc0\xaf"), -1);        /* overlong */
    assert_int_equal(utf8_chars("\xed\xa0\x80"), -1);    /* surrogate */
    assert_int_equal(utf8_chars("\xe6\xac"), -1);        /* cut short */
}

static void
dates_must_exist(void **state)
{
    (void)state;
    int64_t t;
    assert_int_equal(date_parse("1970-01-01", &t), 0);
    assert_int_equal(t, 0);
    assert_int_equal(date_parse("2000-02-29", &t), 0);
    assert_int_equal(t, 951782400);
    assert_int_equal(date_parse("1999-02-29", &t), ERR_INVAL);
    assert_int_equal(date_parse("2026-13-01", &t), ERR_INVAL);
    assert_int_equal(date_parse("2026-1-1", &t), ERR_INVAL);
    assert_int_equal(date_parse("2026-01-01x", &t), ERR_INVAL);
    char iso[21];
    time_iso(951782400, iso);
    assert_string_equal(iso, "2000-02-29T00:00:00Z");
}

static void
parse_i64_takes_whole_numbers_only(void **state)
{
    (void)state;
    int64_t v;
    assert_int_equal(parse_i64("42", &v), 0);
    assert_int_equal(v, 42);
    assert_int_equal(parse_i64("-7", &v), 0);
    assert_int_equal(parse_i64("", &v), ERR_INVAL);
    assert_int_equal(parse_i64("4x", &v), ERR_INVAL);
    assert_int_equal(parse_i64("99999999999999999999", &v), ERR_INVAL);
}

static char *
write_temp(const char *text)
{
    char *path = strdup("/tmp/dxconfXXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void
config_reads_file_and_env(void **state)
{
    (void)state;
    struct config c;
    config_defaults(&c);
    assert_int_equal(c.lockout_threshold, 5);
    assert_int_equal(c.max_json_body, 65536);
    assert_string_equal(c.listen, "127.0.0.1:8080");
    char err[256];
    char *path = write_temp("# comment\n\nworkers = 3\n"
                            "listen = \"0.0.0.0:9000\"\ncookie_secure = yes\n");
    assert_int_equal(config_load_file(&c, path, err, sizeof(err)), 0);
    assert_int_equal(c.workers, 3);
    assert_string_equal(c.listen, "0.0.0.0:9000");
    assert_true(c.cookie_secure);
    unlink(path);
    free(path);
    char *env[] = {"DANGXIAO_LOCKOUT_SECONDS=60", "OTHER=1",
                   "DANGXIAO_DB=/tmp/x.db", NULL};
    assert_int_equal(config_load_env(&c, env, false, err, sizeof(err)), 0);
    assert_int_equal(c.lockout_seconds, 60);
    assert_string_equal(c.db, ""); /* DANGXIAO_DB not applied here */
}

static void
config_errors_name_file_line_and_reason(void **state)
{
    (void)state;
    struct config c;
    config_defaults(&c);
    char err[256];
    char *path = write_temp("workers = 2\nfrobnicate = 1\n");
    assert_int_equal(config_load_file(&c, path, err, sizeof(err)),
                     ERR_INVAL);
    char want[128];
    snprintf(want, sizeof(want), "%s:2: unknown setting 'frobnicate'", path);
    assert_string_equal(err, want);
    unlink(path);
    free(path);
    path = write_temp("workers = banana\n");
    assert_int_equal(config_load_file(&c, path, err, sizeof(err)),
                     ERR_INVAL);
    assert_non_null(strstr(err, ":1: workers: 'banana' is not an integer"));
    unlink(path);
    free(path);
    path = write_temp("lockout_threshold = 1\n");
    assert_int_equal(config_load_file(&c, path, err, sizeof(err)),
                     ERR_INVAL);
    assert_non_null(strstr(err, "out of range"));
    unlink(path);
    free(path);
    char *env[] = {"DANGXIAO_WORKERS=many", NULL};
    assert_int_equal(config_load_env(&c, env, true, err, sizeof(err)),
                     ERR_INVAL);
    assert_non_null(strstr(err, "DANGXIAO_WORKERS"));
    char *env2[] = {"DANGXIAO_NO_SUCH=1", NULL};
    assert_int_equal(config_load_env(&c, env2, true, err, sizeof(err)),
                     ERR_INVAL);
    assert_non_null(strstr(err, "unknown setting"));
}

/* The writer's output must be what jansson reads back, for any bytes. */
static void
json_writer_places_commas_and_escapes(void **state)
{
    (void)state;
    struct strbuf sb;
    struct jw w;
    strbuf_init(&sb, 0);
    jw_init(&w, &sb);
    jw_obj(&w);
    jw_key(&w, "items");
    jw_arr(&w);
    jw_obj(&w);
    jw_key(&w, "name");
    jw_str(&w, "欧阳\"喆\"\\\n\t\x01/");
    jw_key(&w, "n");
    jw_int(&w, INT64_MIN);
    jw_key(&w, "m");
    jw_int(&w, 0);
    jw_key(&w, "none");
    jw_str(&w, NULL);
    jw_end(&w);
    jw_arr(&w);
    jw_end(&w);
    jw_bool(&w, true);
    jw_null(&w);
    jw_end(&w);
    jw_key(&w, "ok");
    jw_bool(&w, false);
    jw_key(&w, "rates");
    jw_arr(&w);
    jw_real(&w, 0.75830681312664683); /* as http_json's jansson writes */
    jw_real(&w, 1.0);
    jw_real(&w, 0.5);
    jw_end(&w);
    jw_end(&w);
    assert_false(strbuf_failed(&sb));
    assert_string_equal(sb.p, "{\"items\":[{\"name\":\"欧阳\\\"喆\\\"\\\\\\n\\t"
                              "\\u0001/\",\"n\":-9223372036854775808,\"m\":0,"
                              "\"none\":null},[],true,null],\"ok\":false,"
                              "\"rates\":[0.7583068131,1.0,0.5]}");
    json_error_t e;
    json_t *v = json_loads(sb.p, 0, &e);
    assert_non_null(v);
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(v, "items"), 0), "name")),
        "欧阳\"喆\"\\\n\t\x01/");
    json_decref(v);

    /* Bytes that are not UTF-8 (a stray continuation byte, a truncated
     * sequence, an overlong form, a surrogate) come out as U+FFFD. */
    static const char *const bad[] = {"a\x80" "b", "\xE4\xB8", "\xC0\xAF",
                                      "\xED\xA0\x80", "\xF5\x80\x80\x80"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        strbuf_reset(&sb);
        jw_init(&w, &sb);
        jw_str(&w, bad[i]);
        v = json_loads(sb.p, JSON_DECODE_ANY, &e);
        assert_non_null(v);
        assert_non_null(strstr(json_string_value(v), "\xEF\xBF\xBD"));
        json_decref(v);
    }
    /* Closing more than was opened is an error, not a write past the
     * stack. */
    strbuf_reset(&sb);
    jw_init(&w, &sb);
    jw_end(&w);
    assert_true(strbuf_failed(&sb));
    strbuf_cleanup(&sb);
}


/* Reads a fixture of tests/data (the tests run from the project root). */
static size_t
fixture(const char *name, unsigned char *buf, size_t cap)
{
    char path[128];
    snprintf(path, sizeof(path), "tests/data/%s", name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

static void
image_sniff_reads_type_and_size_from_the_bytes(void **state)
{
    (void)state;
    static unsigned char b[8192];
    static const struct {
        const char *file, *mime;
    } real[] = {
        {"photo.jpg", "image/jpeg"},
        {"photo.png", "image/png"},
        {"photo.webp", "image/webp"},
    };
    struct image_info in;
    for (size_t i = 0; i < sizeof(real) / sizeof(real[0]); i++) {
        size_t n = fixture(real[i].file, b, sizeof(b));
        assert_int_equal(image_sniff(b, n, &in), 0);
        assert_string_equal(in.mime, real[i].mime);
        assert_int_equal(in.width, 321);
        assert_int_equal(in.height, 123);
        /* Cut before the size: the header is corrupt, not another type. */
        size_t cut = strcmp(real[i].mime, "image/png") == 0 ? 20 : 14;
        assert_int_equal(image_sniff(b, cut, &in), ERR_RANGE);
    }
    /* JPEG scan data before any frame header. */
    const unsigned char scan[] = {0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x08, 1, 2,
                                  3, 4, 5, 6};
    assert_int_equal(image_sniff(scan, sizeof(scan), &in), ERR_RANGE);
    /* A PNG header claiming 0 or 30000 pixels. */
    size_t n = fixture("photo.png", b, sizeof(b));
    b[16] = b[17] = b[18] = b[19] = 0;
    assert_int_equal(image_sniff(b, n, &in), ERR_RANGE);
    b[18] = 0x75, b[19] = 0x30; /* 30000 */
    assert_int_equal(image_sniff(b, n, &in), ERR_RANGE);
    /* Not a picture at all, or a GIF. */
    assert_int_equal(image_sniff((const unsigned char *)"hello", 5, &in),
                     ERR_INVAL);
    assert_int_equal(image_sniff((const unsigned char *)"GIF89a\1\0\1\0",
                                 10, &in),
                     ERR_INVAL);
    assert_int_equal(image_sniff(b, 0, &in), ERR_INVAL);
}

static void
str_blank_sees_ascii_and_ideographic_spaces(void **state)
{
    (void)state;
    assert_true(str_blank(""));
    assert_true(str_blank(" \t\r\n"));
    assert_true(str_blank("\xe3\x80\x80 \xe3\x80\x80")); /* U+3000 */
    assert_false(str_blank(" 问 "));
    assert_false(str_blank("\xe3\x80")); /* a cut U+3000 is not a space */
}

/* What a text field may hold: the first code point it may not, by kind. */
static void
text_check_refuses_control_characters(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        long line, lines; /* text_check for TEXT_LINE, TEXT_LINES */
    } v[] = {
        {"张三", 0, 0},
        {"Zhang San-3.(x)", 0, 0},
        {"\xe3\x80\x80 ideographic space", 0, 0},
        {"emoji \xf0\x9f\x98\x80", 0, 0},
        {"\xe2\x80\x8e left-to-right mark", 0, 0}, /* U+200E is kept */
        {"a\tb", 0x09, 0},
        {"a\nb", 0x0A, 0},
        {"a\rb", 0x0D, 0x0D}, /* the readers turn it into LF first */
        {"\x1b[31mred", 0x1B, 0x1B},
        {"bell\a", 0x07, 0x07},
        {"\x01", 0x01, 0x01},
        {"\x0b vertical tab", 0x0B, 0x0B},
        {"del\x7f", 0x7F, 0x7F},
        {"nel \xc2\x85", 0x85, 0x85},
        {"csi \xc2\x9b", 0x9B, 0x9B},
        {"\xc2\xa0 nbsp", 0, 0},
        {"line \xe2\x80\xa8 sep", 0x2028, 0x2028},
        {"para \xe2\x80\xa9", 0x2029, 0x2029},
        {"\xe2\x80\xaeRLO", 0x202E, 0x202E},
        {"\xe2\x80\xaaLRE", 0x202A, 0x202A},
        {"\xe2\x81\xa6LRI", 0x2066, 0x2066},
        {"\xe2\x81\xa9PDI", 0x2069, 0x2069},
        {"\xe2\x81\xaa", 0, 0}, /* U+206A: not an isolate */
        {"ok\tthen\x1b", 0x09, 0x1B},
        {"\xff", -1, -1},
        {"\xc0\x80", -1, -1}, /* an overlong NUL */
        {"\xed\xa0\x80", -1, -1}, /* a surrogate */
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        if (text_check(v[i].s, TEXT_LINE) != v[i].line ||
            text_check(v[i].s, TEXT_LINES) != v[i].lines)
            fail_msg("text_check(\"%s\"): %ld %ld, want %ld %ld", v[i].s,
                     text_check(v[i].s, TEXT_LINE),
                     text_check(v[i].s, TEXT_LINES), v[i].line, v[i].lines);
    }
    char s[] = "a\r\nb\rc\n\r\r\nd";
    assert_int_equal(text_lf(s, strlen(s)), 9);
    assert_string_equal(s, "a\nb\nc\n\n\nd");
    char e[] = "";
    assert_int_equal(text_lf(e, 0), 0);
    char r[] = "\r";
    assert_int_equal(text_lf(r, 1), 1);
    assert_string_equal(r, "\n");
}

/* A CSV export never hands a spreadsheet a formula; numbers stay numbers
 * and the .xlsx writer has no formula at all. */
static void
csv_export_neutralises_formulas(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out; /* out: the cell as written */
    } v[] = {
        {"=HYPERLINK(\"http://x.cn\",\"点我\")",
         "\"'=HYPERLINK(\"\"http://x.cn\"\",\"\"点我\"\")\""},
        {"=1+1", "\"'=1+1\""},
        {"+1+1", "\"'+1+1\""},
        {"-2+3+cmd|' /C calc'!A0", "\"'-2+3+cmd|' /C calc'!A0\""},
        {"@SUM(A1:A9)", "\"'@SUM(A1:A9)\""},
        {"\t=1", "\"'\t=1\""},
        {"\r=1", "\"'\r=1\""},
        {"  =1", "\"'  =1\""},
        {"+86 138 0000 0000", "\"'+86 138 0000 0000\""},
        /* Left alone: numbers, a lone sign, text with = inside. */
        {"-5", "-5"},
        {"+8613800000000", "+8613800000000"},
        {"-12.50", "-12.50"},
        {"-", "-"},
        {"张三", "张三"},
        {"a=b", "a=b"},
        {"3717************12", "3717************12"},
        {"1,2", "\"1,2\""},
        {"-1.", "\"'-1.\""},
        {"-.5", "\"'-.5\""},
    };
    const char *heads[] = {"h"};
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        struct sheet *s = sheet_new("t", 1, heads, NULL);
        const char *cells[] = {v[i].in};
        sheet_add_row(s, cells);
        char *buf;
        size_t len;
        assert_int_equal(sheet_csv(s, &buf, &len), 0);
        char want[128];
        snprintf(want, sizeof(want), "\xEF\xBB\xBFh\r\n%s\r\n", v[i].out);
        if (strcmp(buf, want) != 0)
            fail_msg("cell %s written as %s", v[i].in, buf + 6);
        free(buf);
        sheet_free(s);
    }
    /* The .xlsx of the same cells holds strings only, no formula. */
    struct sheet *s = sheet_new("t", 1, heads, NULL);
    const char *cells[] = {"=HYPERLINK(\"http://x.cn\",\"x\")"};
    sheet_add_row(s, cells);
    char *buf;
    size_t len;
    assert_int_equal(sheet_xlsx(s, &buf, &len), 0);
    sheet_free(s);
    struct xlsx x;
    char err[128];
    assert_int_equal(xlsx_read(buf, len, &x, err, sizeof(err)), 0);
    assert_int_equal(x.nrows, 2);
    assert_string_equal(x.rows[1].cells[0],
                        "=HYPERLINK(\"http://x.cn\",\"x\")");
    assert_false(x.rows[1].numeric[0]);
    xlsx_free(&x);
    /* In the sheet's XML: a shared-string cell (t="s"), no <f>. */
    char path[] = "/tmp/dxunit-xlsx-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0 && write(fd, buf, len) == (ssize_t)len);
    close(fd);
    free(buf);
    unzFile z = unzOpen(path);
    unlink(path);
    assert_non_null(z);
    assert_int_equal(unzLocateFile(z, "xl/worksheets/sheet1.xml", 0), UNZ_OK);
    assert_int_equal(unzOpenCurrentFile(z), UNZ_OK);
    char xml[8192];
    int got = unzReadCurrentFile(z, xml, sizeof(xml) - 1);
    assert_true(got > 0);
    xml[got] = '\0';
    unzCloseCurrentFile(z);
    unzClose(z);
    assert_null(strstr(xml, "<f>"));
    assert_null(strstr(xml, "<f "));
    assert_non_null(strstr(xml, "r=\"A2\""));
    assert_non_null(strstr(strstr(xml, "r=\"A2\""), "t=\"s\""));
}

/* Reads a one-sheet .xlsx built from sheet XML (rows inside
 * <sheetData>) and shared strings; the reader's answer, err filled. */
static int
read_sheet(const char *rows, const char *strings, struct xlsx *x,
           char err[256])
{
    char sheet[300000];
    int n = snprintf(sheet, sizeof(sheet),
                     "<worksheet><sheetData>%s</sheetData></worksheet>", rows);
    assert_true(n > 0 && (size_t)n < sizeof(sheet));
    char *buf;
    size_t len;
    assert_int_equal(fake_xlsx(sheet, (size_t)n, strings, &buf, &len), 0);
    err[0] = '\0';
    int rc = xlsx_read(buf, len, x, err, 256);
    free(buf);
    return rc;
}

/* Cell references, row numbers, shared-string indexes and sizes from the
 * file are numbers an attacker writes: none overflows, each is refused
 * or read as nothing. */
static void
xlsx_references_are_bounded(void **state)
{
    (void)state;
    struct xlsx x;
    char err[256];
    const char *sst = "<sst><si><t>张三</t></si><si><t>李四</t></si></sst>";
    /* A sheet as Excel writes it. */
    assert_int_equal(read_sheet("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c>"
                                "<c r=\"C1\"><v>42</v></c></row>"
                                "<row r=\"3\"><c r=\"B3\" t=\"s\"><v>1</v></c>"
                                "</row>",
                                sst, &x, err),
                     0);
    assert_int_equal(x.nrows, 2);
    assert_string_equal(x.rows[0].cells[0], "张三");
    assert_string_equal(x.rows[0].cells[1], "");
    assert_string_equal(x.rows[0].cells[2], "42");
    assert_true(x.rows[0].numeric[2]);
    assert_int_equal(x.rows[1].line, 3);
    assert_string_equal(x.rows[1].cells[1], "李四");
    xlsx_free(&x);
    /* Column letters that once overflowed an int (the known bug), and
     * a column just past the last we keep. */
    static const char *const bad_refs[] = {
        "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ1", "ZZZZZZ1", "BM1", "1", "",
    };
    for (size_t i = 0; i < sizeof(bad_refs) / sizeof(bad_refs[0]); i++) {
        char row[256];
        snprintf(row, sizeof(row), "<row r=\"1\"><c r=\"%s\"><v>1</v></c></row>",
                 bad_refs[i]);
        if (read_sheet(row, NULL, &x, err) != ERR_INVAL)
            fail_msg("cell reference \"%s\" was accepted", bad_refs[i]);
        assert_non_null(strstr(err, "reference"));
    }
    /* The last column we keep (BL = 64) is fine. */
    assert_int_equal(read_sheet("<row r=\"1\"><c r=\"BL1\"><v>1</v></c></row>",
                                NULL, &x, err),
                     0);
    assert_int_equal(x.rows[0].n, 64);
    xlsx_free(&x);
    /* Row numbers: past Excel's last row, not a number, negative, 0. */
    static const char *const bad_rows[] = {
        "99999999999999999999999", "1048577", "-1", "0", "1x", "",
    };
    for (size_t i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
        char row[256];
        snprintf(row, sizeof(row), "<row r=\"%s\"><c r=\"A1\"><v>1</v></c></row>",
                 bad_rows[i]);
        if (read_sheet(row, NULL, &x, err) != ERR_INVAL)
            fail_msg("row number \"%s\" was accepted", bad_rows[i]);
    }
    /* Shared-string indexes out of range read as an empty cell. */
    assert_int_equal(read_sheet("<row r=\"1\">"
                                "<c r=\"A1\" t=\"s\"><v>2</v></c>"
                                "<c r=\"B1\" t=\"s\"><v>-1</v></c>"
                                "<c r=\"C1\" t=\"s\"><v>99999999999999999999</v></c>"
                                "<c r=\"D1\" t=\"s\"><v>1</v></c></row>",
                                sst, &x, err),
                     0);
    for (int i = 0; i < 3; i++)
        assert_string_equal(x.rows[0].cells[i], "");
    assert_string_equal(x.rows[0].cells[3], "李四");
    xlsx_free(&x);
    /* A cell longer than Excel allows (32,767 characters). */
    static char xs[140001], big[200000];
    memset(xs, 'x', sizeof(xs) - 1);
    snprintf(big, sizeof(big),
             "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>%s</t></is>"
             "</c></row>",
             xs);
    assert_int_equal(read_sheet(big, NULL, &x, err), ERR_INVAL);
    assert_non_null(strstr(err, "longer than"));
}

/* Every prefix of a real picture is that picture cut short: ERR_RANGE
 * with its type, never "not a picture", until the header is whole; from
 * then on 0 with the right size. Under ASan this also shows no reader
 * looks past n. */
static void
image_sniff_every_cut_is_corrupt_until_the_header_is_whole(void **state)
{
    (void)state;
    static const char *const files[] = {"photo.jpg", "photo.png", "photo.webp"};
    static const char *const mimes[] = {"image/jpeg", "image/png",
                                        "image/webp"};
    static unsigned char b[8192];
    for (size_t f = 0; f < 3; f++) {
        size_t n = fixture(files[f], b, sizeof(b));
        bool whole = false;
        for (size_t k = 1; k <= n; k++) {
            /* A copy of exactly k bytes, so ASan sees a read past it. */
            unsigned char *c = malloc(k);
            memcpy(c, b, k);
            struct image_info in;
            int rc = image_sniff(c, k, &in);
            free(c);
            assert_non_null(in.mime);
            assert_string_equal(in.mime, mimes[f]);
            if (whole) {
                assert_int_equal(rc, 0);
            } else if (rc == 0) {
                whole = true;
            } else {
                assert_int_equal(rc, ERR_RANGE);
            }
            if (rc == 0) {
                assert_int_equal(in.width, 321);
                assert_int_equal(in.height, 123);
            }
        }
        assert_true(whole);
    }
}

/* Headers built here, for the variants the fixtures do not show. */
static void
image_sniff_reads_webp_and_jpeg_variants(void **state)
{
    (void)state;
    struct image_info in;
    /* WebP lossless (VP8L): 14-bit width-1 and height-1 after 0x2F. */
    unsigned long bits = (321 - 1) | (unsigned long)(123 - 1) << 14;
    unsigned char vp8l[30] = "RIFF\x16\0\0\0WEBPVP8L\x0a\0\0\0\x2f";
    for (int i = 0; i < 4; i++)
        vp8l[21 + i] = (unsigned char)(bits >> (8 * i));
    assert_int_equal(image_sniff(vp8l, sizeof(vp8l), &in), 0);
    assert_string_equal(in.mime, "image/webp");
    assert_int_equal(in.width, 321);
    assert_int_equal(in.height, 123);
    vp8l[20] = 0x2E; /* not the VP8L signature byte */
    assert_int_equal(image_sniff(vp8l, sizeof(vp8l), &in), ERR_RANGE);
    /* WebP extended (VP8X): 24-bit width-1 and height-1 at 24 and 27. */
    unsigned char vp8x[30] = "RIFF\x16\0\0\0WEBPVP8X\x0a\0\0\0\x10\0\0\0"
                             "\x3f\x1f\0\x0f\x27\0";
    assert_int_equal(image_sniff(vp8x, sizeof(vp8x), &in), 0);
    assert_int_equal(in.width, 0x1F3F + 1);  /* 8000 */
    assert_int_equal(in.height, 0x270F + 1); /* 10000 */
    vp8x[26] = 1; /* 65536 + 8000 wide: more than IMAGE_MAX_SIDE */
    assert_int_equal(image_sniff(vp8x, sizeof(vp8x), &in), ERR_RANGE);
    /* WebP lossy (VP8 ) with a broken frame start code, or an unknown
     * first chunk. */
    unsigned char vp8[30] = "RIFF\x16\0\0\0WEBPVP8 \x0a\0\0\0\0\0\0"
                            "\x9d\x01\x2b\x41\x01\x7b\x00";
    assert_int_equal(image_sniff(vp8, sizeof(vp8), &in), ERR_RANGE);
    vp8[25] = 0x2A;
    assert_int_equal(image_sniff(vp8, sizeof(vp8), &in), 0);
    assert_int_equal(in.width, 321);
    memcpy(vp8 + 12, "ALPH", 4);
    assert_int_equal(image_sniff(vp8, sizeof(vp8), &in), ERR_RANGE);
    /* A progressive JPEG (SOF2) after fill bytes, an APP0 and a Huffman
     * table (C4, whose segment is not a frame header). */
    static const unsigned char prog[] = {
        0xFF, 0xD8, 0xFF, 0xFF, 0xE0, 0x00, 0x04, 'J',  'F',  0xFF, 0xC4,
        0x00, 0x05, 0x00, 0x01, 0x02, 0xFF, 0xC2, 0x00, 0x0B, 0x08, 0x00,
        0x02, 0x00, 0x03, 0x01, 0x01, 0x11, 0x00, 0xFF, 0xD9};
    assert_int_equal(image_sniff(prog, sizeof(prog), &in), 0);
    assert_string_equal(in.mime, "image/jpeg");
    assert_int_equal(in.width, 3);
    assert_int_equal(in.height, 2);
    /* A segment whose length runs past the end, and a frame of height 0
     * (the height left to a later DNL marker: refused). */
    static const unsigned char runs[] = {0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF,
                                         0x00, 0x00, 0xFF, 0xC0, 0x00, 0x0B};
    assert_int_equal(image_sniff(runs, sizeof(runs), &in), ERR_RANGE);
    unsigned char dnl[sizeof(prog)];
    memcpy(dnl, prog, sizeof(prog));
    dnl[21] = dnl[22] = 0;
    assert_int_equal(image_sniff(dnl, sizeof(dnl), &in), ERR_RANGE);
    /* Bytes that begin like no picture, even if later ones would. */
    assert_int_equal(image_sniff((const unsigned char *)"\x89PNx", 4, &in),
                     ERR_INVAL);
    assert_int_equal(
        image_sniff((const unsigned char *)"RIFF\0\0\0\0WAVE", 12, &in),
        ERR_INVAL);
    assert_int_equal(image_sniff((const unsigned char *)"\xFF\xD9", 2, &in),
                     ERR_INVAL);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(arena_allocates_and_resets),
    cmocka_unit_test(strbuf_grows_and_sticks_on_overflow),
    cmocka_unit_test(json_writer_places_commas_and_escapes),
    cmocka_unit_test(log_lines_cannot_be_forged),
    cmocka_unit_test(str_copy_reports_truncation),
    cmocka_unit_test(keep_returns_only_what_its_key_kept),
    cmocka_unit_test(utf8_counts_characters_not_bytes),
    cmocka_unit_test(str_blank_sees_ascii_and_ideographic_spaces),
    cmocka_unit_test(text_check_refuses_control_characters),
    cmocka_unit_test(csv_export_neutralises_formulas),
    cmocka_unit_test(xlsx_references_are_bounded),
    cmocka_unit_test(dates_must_exist),
    cmocka_unit_test(parse_i64_takes_whole_numbers_only),
    cmocka_unit_test(config_reads_file_and_env),
    cmocka_unit_test(config_errors_name_file_line_and_reason),
    cmocka_unit_test(image_sniff_reads_type_and_size_from_the_bytes),
    cmocka_unit_test(
        image_sniff_every_cut_is_corrupt_until_the_header_is_whole),
    cmocka_unit_test(image_sniff_reads_webp_and_jpeg_variants),
};

UNIT_GROUP(core_group, "core", tests);

/*
 * test_core.c - arena, strbuf, settings, dates and UTF-8 counting.
 */
#include "unit.h"

#include "../../src/core/arena.h"
#include "../../src/core/config.h"
#include "../../src/core/err.h"
#include "../../src/core/strbuf.h"
#include "../../src/core/util.h"

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

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(arena_allocates_and_resets),
    cmocka_unit_test(strbuf_grows_and_sticks_on_overflow),
    cmocka_unit_test(str_copy_reports_truncation),
    cmocka_unit_test(utf8_counts_characters_not_bytes),
    cmocka_unit_test(dates_must_exist),
    cmocka_unit_test(parse_i64_takes_whole_numbers_only),
    cmocka_unit_test(config_reads_file_and_env),
    cmocka_unit_test(config_errors_name_file_line_and_reason),
};

UNIT_GROUP(core_group, "core", tests);

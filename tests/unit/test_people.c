/*
 * test_people.c - the ID-number vectors of DOMAIN.md §3.1, field
 * encryption with key rotation, and Chinese names (pinyin, 姓氏笔画).
 */
#include "unit.h"

#include "../../src/core/err.h"
#include "../../src/core/keyring.h"
#include "../../src/domain/hanzi.h"
#include "../../src/domain/idcard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
idcard_vectors(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        enum idcard_error want;
        const char *norm, *birth;
        char gender;
    } v[] = {
        {"11010519491231002X", IDCARD_OK, "11010519491231002X", "1949-12-31",
         'F'},
        {"440524188001010014", IDCARD_OK, "440524188001010014", "1880-01-01",
         'M'},
        {"371723198001010010", IDCARD_OK, "371723198001010010", "1980-01-01",
         'M'},
        {"371723197512310029", IDCARD_OK, "371723197512310029", "1975-12-31",
         'F'},
        {"371723200002290034", IDCARD_OK, "371723200002290034", "2000-02-29",
         'M'},
        {"371723199902290042", IDCARD_DATE, NULL, NULL, 0},
        {"371723198001010011", IDCARD_CHECK, NULL, NULL, 0},
        {"37172319850615006x", IDCARD_OK, "37172319850615006X", "1985-06-15",
         'F'},
        {"3717231980010100", IDCARD_LENGTH, NULL, NULL, 0},
        {"37172319800101001A", IDCARD_CHARS, NULL, NULL, 0},
        {"3.71723E+17", IDCARD_NUMERIC, NULL, NULL, 0},
        {"371723198001010000", IDCARD_NUMERIC, NULL, NULL, 0},
        {"371723203001010018", IDCARD_DATE, NULL, NULL, 0}, /* future */
        {"371723800101001", IDCARD_LENGTH, NULL, NULL, 0},  /* 15 digits */
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        struct idcard c;
        enum idcard_error e = idcard_parse(v[i].in, false, "2026-11-28", &c);
        if (e != v[i].want)
            fail_msg("%s: got %d, want %d", v[i].in, e, v[i].want);
        if (e == IDCARD_OK) {
            assert_string_equal(c.number, v[i].norm);
            assert_string_equal(c.birth_date, v[i].birth);
            assert_int_equal(c.gender, v[i].gender);
        }
    }
    /* 15-digit numbers are upgraded, on import only. */
    struct idcard c;
    assert_int_equal(idcard_parse("371723800101001", true, "2026-11-28", &c),
                     IDCARD_OK);
    assert_string_equal(c.number, "371723198001010010");
    assert_int_equal(c.gender, 'M');
}

static void
keyring_round_trip_and_rotation(void **state)
{
    (void)state;
    char path[] = "/tmp/dxkeysXXXXXX";
    int fd = mkstemp(path);
    close(fd);
    unlink(path); /* keyring_load creates it */
    char err[256];
    struct keyring *k = keyring_load(path, true, err, sizeof(err));
    assert_non_null(k);
    char sealed[256], plain[64];
    assert_int_equal(keyring_seal(k, "id_number", "371723198001010010",
                                  sealed, sizeof(sealed)),
                     0);
    assert_null(strstr(sealed, "371723"));
    assert_int_equal(keyring_key_id(sealed), 1);
    assert_int_equal(keyring_open(k, "id_number", sealed, plain,
                                  sizeof(plain)),
                     0);
    assert_string_equal(plain, "371723198001010010");
    /* Bound to its field: it does not open as a phone number. */
    assert_int_equal(keyring_open(k, "phone", sealed, plain, sizeof(plain)),
                     ERR_INVAL);
    /* Damaged: one character changed. */
    char bad[256];
    snprintf(bad, sizeof(bad), "%s", sealed);
    bad[10] = bad[10] == 'A' ? 'B' : 'A';
    assert_int_equal(keyring_open(k, "id_number", bad, plain, sizeof(plain)),
                     ERR_INVAL);
    /* The same value hashes the same, a different field differently. */
    char h1[65], h2[65], h3[65];
    keyring_hash(k, "id_number", "371723198001010010", h1);
    keyring_hash(k, "id_number", "371723198001010010", h2);
    keyring_hash(k, "phone", "371723198001010010", h3);
    assert_string_equal(h1, h2);
    assert_string_not_equal(h1, h3);
    /* Rotate: new values use key 2, old ones still open, also after the
     * file is read again; the hash key does not change. */
    int id;
    assert_int_equal(keyring_rotate(k, path, &id), 0);
    assert_int_equal(id, 2);
    char sealed2[256];
    keyring_seal(k, "id_number", "11010519491231002X", sealed2,
                 sizeof(sealed2));
    assert_int_equal(keyring_key_id(sealed2), 2);
    keyring_free(k);
    k = keyring_load(path, false, err, sizeof(err));
    assert_non_null(k);
    assert_int_equal(keyring_open(k, "id_number", sealed, plain,
                                  sizeof(plain)),
                     0);
    assert_string_equal(plain, "371723198001010010");
    assert_int_equal(keyring_open(k, "id_number", sealed2, plain,
                                  sizeof(plain)),
                     0);
    assert_string_equal(plain, "11010519491231002X");
    keyring_hash(k, "id_number", "371723198001010010", h2);
    assert_string_equal(h1, h2);
    keyring_free(k);
    /* A file without keys is refused with its name. */
    FILE *fp = fopen(path, "w");
    fputs("hash 00\n", fp);
    fclose(fp);
    assert_null(keyring_load(path, false, err, sizeof(err)));
    assert_non_null(strstr(err, path));
    unlink(path);
}

static int
hanzi_setup(void **state)
{
    (void)state;
    char err[128];
    return hanzi_init(err, sizeof(err));
}

static int
hanzi_teardown(void **state)
{
    (void)state;
    hanzi_cleanup();
    return 0;
}

static void
pinyin_full_and_initials(void **state)
{
    (void)state;
    struct name_keys k;
    assert_int_equal(hanzi_name_keys("张三", &k), 0);
    assert_string_equal(k.pinyin, "zhangsan");
    assert_string_equal(k.initials, "zs");
    assert_int_equal(hanzi_name_keys("欧阳喆", &k), 0);
    assert_string_equal(k.initials, "oyz");
    assert_int_equal(hanzi_surname_len("欧阳喆"), strlen("欧阳"));
    assert_int_equal(hanzi_surname_len("王"), strlen("王"));
}

static int
by_key(const char *a, const char *b, int strokes)
{
    struct name_keys ka, kb;
    hanzi_name_keys(a, &ka);
    hanzi_name_keys(b, &kb);
    return strokes ? strcmp(ka.sort_strokes, kb.sort_strokes)
                   : strcmp(ka.sort_pinyin, kb.sort_pinyin);
}

static void
stroke_and_pinyin_order(void **state)
{
    (void)state;
    /* DOMAIN.md §4 item 11: 丁 < 王 < 文 < 李 < 林 < 欧阳 (2, 4, 4, 7, 8, 8
     * strokes; 王 before 文 by the first stroke, 横 before 丶; 林 before
     * 欧 by the second, 丨 before 丿). */
    static const char *const strokes[] = {"丁一", "王一", "文一", "李一",
                                          "林一", "欧阳一"};
    for (size_t i = 0; i + 1 < sizeof(strokes) / sizeof(strokes[0]); i++)
        if (by_key(strokes[i], strokes[i + 1], 1) >= 0)
            fail_msg("%s should come before %s", strokes[i], strokes[i + 1]);
    /* The same without given names, and a compound surname sorts by its
     * first character: 欧阳 among the 8-stroke 欧. */
    assert_true(by_key("王", "文", 1) < 0);
    assert_true(by_key("林", "欧阳", 1) < 0);
    /* 姓氏笔画: a one-character given name first (田富 before 田大利,
     * though 富 has 12 strokes and 大 3); then the given name's strokes. */
    assert_true(by_key("田富", "田大利", 1) < 0);
    assert_true(by_key("田大利", "田富贵", 1) < 0);
    assert_true(by_key("李一", "李二", 1) < 0);
    /* A character without stroke data (a Latin letter) sorts after those
     * with it, and the key is still made. */
    assert_true(by_key("王A", "王一", 1) > 0);
    struct name_keys k;
    assert_int_equal(hanzi_name_keys("Zhang", &k), 0);
    /* A long name is cut, not refused. */
    assert_int_equal(hanzi_name_keys("爨爨爨爨爨爨爨爨爨爨爨爨爨爨爨爨", &k), 0);
    assert_true(strlen(k.sort_strokes) < sizeof(k.sort_strokes));
    /* 拼音: 安 (an) < 白 (bai) < 张 (zhang). */
    assert_true(by_key("安然", "白雪", 0) < 0);
    assert_true(by_key("白雪", "张三", 0) < 0);
}

static void
stroke_sequences_come_from_the_data(void **state)
{
    (void)state;
    unsigned char seq[64];
    /* 王 横横竖横; 文 点横撇捺; 丁 横, 竖钩 (竖钩 counts as 竖 in the
     * 通用字笔顺规范; the mainland line of the data wins). */
    assert_int_equal(hanzi_strokes(0x738B, seq, sizeof(seq)), 4);
    assert_memory_equal(seq, "\1\1\2\1", 4);
    assert_int_equal(hanzi_strokes(0x6587, seq, sizeof(seq)), 4);
    assert_memory_equal(seq, "\4\1\3\4", 4);
    assert_int_equal(hanzi_strokes(0x4E01, seq, sizeof(seq)), 2);
    assert_memory_equal(seq, "\1\2", 2);
    /* 阳 has 6 strokes on the mainland (7 in the CNS lines before it). */
    assert_int_equal(hanzi_strokes(0x9633, seq, sizeof(seq)), 6);
    /* 艳 and 护 carry a shared filler code in the CNS lines: the real
     * order (艳 10 strokes, 护 7) is used. */
    assert_int_equal(hanzi_strokes(0x8273, seq, sizeof(seq)), 10);
    assert_int_equal(hanzi_strokes(0x62A4, seq, sizeof(seq)), 7);
    assert_memory_equal(seq, "\1\2\1\4\5\1\3", 7);
    assert_int_equal(hanzi_strokes(0x6B27, seq, sizeof(seq)), 8); /* 欧 */
    assert_int_equal(hanzi_strokes('A', seq, sizeof(seq)), -1);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(idcard_vectors),
    cmocka_unit_test(keyring_round_trip_and_rotation),
    cmocka_unit_test_setup_teardown(pinyin_full_and_initials, hanzi_setup,
                                    hanzi_teardown),
    cmocka_unit_test_setup_teardown(stroke_and_pinyin_order, hanzi_setup,
                                    hanzi_teardown),
    cmocka_unit_test_setup_teardown(stroke_sequences_come_from_the_data,
                                    hanzi_setup, hanzi_teardown),
};

UNIT_GROUP(people_group, "people", tests);

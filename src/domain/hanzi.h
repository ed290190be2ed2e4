/*
 * hanzi.h - Chinese names for search and sorting, through ICU
 * (DOMAIN.md §3.5): pinyin (full and initials, so `zs` and `zhangsan`
 * find 张三), and two stored sort keys so the database orders rows on
 * both backends: 拼音 order (ICU `zh`) and 姓氏笔画 order (surname
 * first, by stroke count, then the shapes of the strokes in order, from
 * Debian's rime-data-stroke; a one-character given name before longer
 * ones: 田富 before 田大利).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct name_keys {
    char pinyin[256];      /* "zhangsan" */
    char initials[64];     /* "zs" */
    char sort_pinyin[512]; /* hex of the ICU sort key */
    char sort_strokes[512];
};

/* Where the stroke data is read from (a setting may change it before
 * hanzi_init). */
extern const char *hanzi_stroke_file;
/* Opens the ICU services and reads the stroke data; 0, or -1 with the
 * reason in err. */
int hanzi_init(char *err, size_t errlen);
void hanzi_cleanup(void);
/* Computes the keys of a UTF-8 name. 0, or -1 (bad UTF-8, too long). */
int hanzi_name_keys(const char *name, struct name_keys *out);
/* Length in bytes of the surname at the start of name (compound surnames
 * such as 欧阳 count as one). */
size_t hanzi_surname_len(const char *name);
/* The strokes of an ideograph as 1..5 (横 丨 丿 丶 乛) into seq (at most
 * cap); the count, or -1 when there is no data for it. */
int hanzi_strokes(uint32_t cp, unsigned char *seq, size_t cap);

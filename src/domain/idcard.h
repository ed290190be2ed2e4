/*
 * idcard.h - 居民身份证号码 (GB 11643-1999): structure, check digit,
 * date of birth and gender (DOMAIN.md §3.1).
 */
#pragma once

#include <stdbool.h>

enum idcard_error {
    IDCARD_OK = 0,
    IDCARD_LENGTH,      /* not 18 characters (or 15 where allowed) */
    IDCARD_CHARS,       /* not 17 digits and a digit or X */
    IDCARD_DATE,        /* no such birth date, or in the future */
    IDCARD_CHECK,       /* wrong check character */
    IDCARD_NUMERIC,     /* looks like a spreadsheet number: 1.1E+17, …000 */
};

struct idcard {
    char number[19];     /* normalised: 18 characters, upper-case X */
    char birth_date[11]; /* YYYY-MM-DD */
    char gender;         /* 'M' or 'F' (odd / even sequence number) */
};

/* Validates s. A lower-case x is accepted and normalised. A 15-digit
 * number is accepted only when allow15 (on import) and is upgraded to 18
 * (insert "19", compute the check). today is "YYYY-MM-DD" (birth dates
 * after it are refused); NULL means the real today. */
enum idcard_error idcard_parse(const char *s, bool allow15,
                               const char *today, struct idcard *out);
/* A short Chinese explanation of an error. */
const char *idcard_strerror(enum idcard_error e);
/* The check character for 17 digits. */
char idcard_check_char(const char *digits17);

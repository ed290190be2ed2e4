/*
 * idcard.c - see idcard.h. The check is ISO 7064 MOD 11-2:
 * S = sum(a_i * W_i), W = 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2,
 * check = "10X98765432"[S mod 11].
 */
#include "idcard.h"

#include "../core/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

char
idcard_check_char(const char *d)
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6,
                              3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (d[i] - '0') * w[i];
    return "10X98765432"[sum % 11];
}

static bool
all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* Whether the text is what a spreadsheet makes of an 18-digit number:
 * scientific notation, or a decimal point. */
static bool
spreadsheet_number(const char *s)
{
    return strchr(s, 'E') || strchr(s, 'e') || strchr(s, '+') ||
           strchr(s, '.');
}

enum idcard_error
idcard_parse(const char *s, bool allow15, const char *today,
             struct idcard *out)
{
    memset(out, 0, sizeof(*out));
    size_t n = strlen(s);
    if (spreadsheet_number(s))
        return IDCARD_NUMERIC;
    char num[19];
    if (n == 15 && allow15) {
        if (!all_digits(s, 15))
            return IDCARD_CHARS;
        memcpy(num, s, 6);
        memcpy(num + 6, "19", 2);
        memcpy(num + 8, s + 6, 9);
        num[17] = idcard_check_char(num);
        num[18] = '\0';
    } else if (n == 18) {
        memcpy(num, s, 19);
        if (num[17] == 'x')
            num[17] = 'X';
        if (!all_digits(num, 17) ||
            !(isdigit((unsigned char)num[17]) || num[17] == 'X'))
            return IDCARD_CHARS;
    } else {
        return IDCARD_LENGTH;
    }
    char date[11];
    memcpy(date, num + 6, 4);
    date[4] = '-';
    memcpy(date + 5, num + 10, 2);
    date[7] = '-';
    memcpy(date + 8, num + 12, 2);
    date[10] = '\0';
    int64_t t;
    if (date_parse(date, &t) != 0)
        return IDCARD_DATE;
    char now[21];
    if (today == NULL) {
        time_iso(now_unix(), now);
        now[10] = '\0';
        today = now;
    }
    if (strcmp(date, today) > 0)
        return IDCARD_DATE;
    if (idcard_check_char(num) != num[17]) {
        /* A number that lost its last digits in a spreadsheet ends in 000
         * and fails the check: tell the user why. */
        if (memcmp(num + 15, "000", 3) == 0)
            return IDCARD_NUMERIC;
        return IDCARD_CHECK;
    }
    memcpy(out->number, num, 19);
    memcpy(out->birth_date, date, 11);
    out->gender = ((num[16] - '0') % 2) ? 'M' : 'F';
    return IDCARD_OK;
}

const char *
idcard_strerror(enum idcard_error e)
{
    switch (e) {
    case IDCARD_OK: return "有效";
    case IDCARD_LENGTH: return "身份证号应为 18 位";
    case IDCARD_CHARS: return "身份证号应为 17 位数字加 1 位数字或 X";
    case IDCARD_DATE: return "身份证号中的出生日期无效";
    case IDCARD_CHECK: return "身份证号校验位不正确";
    case IDCARD_NUMERIC:
        return "身份证号被电子表格当作数字处理，末几位已丢失：请把该列设为"
               "“文本”格式后重新填写";
    }
    return "身份证号无效";
}

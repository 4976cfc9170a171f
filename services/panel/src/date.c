/* date.c - day counts to and from the proleptic Gregorian calendar.
 * The conversions are Howard Hinnant's days_from_civil/civil_from_days. */
#include "pnl/date.h"

#include <stdio.h>

static bool
s_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int
s_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
    return month == 2 && s_leap(year) ? 29 : days[month - 1];
}

bool
pnl_date_valid(pnl_date_t date)
{
    return date >= PNL_DATE_MIN && date <= PNL_DATE_MAX;
}

int
pnl_date_from_ymd(int year, int month, int day, pnl_date_t *out)
{
    if (out == NULL || year < 1 || year > 9999 || month < 1 || month > 12 ||
        day < 1 || day > s_days_in_month(year, month))
        return CMN_EINVAL;
    int y = month <= 2 ? year - 1 : year; /* years start in March */
    int era = y / 400;                    /* y >= 0 here */
    int yoe = y - era * 400;
    int doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    *out = (pnl_date_t) (era * 146097 + doe - 719468);
    return 0;
}

/* Reads exactly n decimal digits. */
static bool
s_digits(const char *s, int n, int *value)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *value = v;
    return true;
}

int
pnl_date_parse(const char *text, pnl_date_t *out)
{
    int y, m, d;
    if (text == NULL || out == NULL || !s_digits(text, 4, &y) ||
        text[4] != '-' || !s_digits(text + 5, 2, &m) || text[7] != '-' ||
        !s_digits(text + 8, 2, &d) || text[10] != '\0')
        return CMN_EINVAL;
    return pnl_date_from_ymd(y, m, d, out);
}

int
pnl_date_format(pnl_date_t date, char *buf, size_t len)
{
    if (buf == NULL || len < PNL_DATE_STRLEN || !pnl_date_valid(date))
        return CMN_EINVAL;
    int z = date + 719468; /* > 0 for valid dates */
    int era = z / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    int day = doy - (153 * mp + 2) / 5 + 1;
    int month = mp < 10 ? mp + 3 : mp - 9;
    int year = yoe + era * 400 + (month <= 2);
    snprintf(buf, len, "%04d-%02d-%02d", year, month, day);
    return 0;
}

pnl_weekday_t
pnl_date_weekday(pnl_date_t date)
{
    int r = date % 7; /* 1970-01-01 (r == 0) was a Thursday */
    if (r < 0)
        r += 7;
    return (pnl_weekday_t) ((r + 3) % 7 + 1);
}

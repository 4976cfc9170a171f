/* date.c - days since 1970-01-01 <-> year-month-day, strict ISO text.
 * The conversions are Howard Hinnant's days_from_civil / civil_from_days. */
#include "rvw/date.h"

#include <stdbool.h>
#include <stdio.h>

static bool
s_is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int
s_month_days(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
    return month == 2 && s_is_leap(year) ? 29 : days[month - 1];
}

int
rvw_date_from_ymd(int year, int month, int day, rvw_date_t *out)
{
    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 ||
        day > s_month_days(year, month))
        return CMN_EINVAL;
    int y = month <= 2 ? year - 1 : year;
    int era = y / 400; /* y >= 0 here */
    int yoe = y - era * 400;
    int doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    *out = (rvw_date_t) (era * 146097 + doe - 719468);
    return 0;
}

void
rvw_date_to_ymd(rvw_date_t date, int *year, int *month, int *day)
{
    int64_t z = (int64_t) date + 719468; /* 64 bits: no overflow anywhere */
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400 + (m <= 2);
    if (year != NULL)
        *year = (int) y;
    if (month != NULL)
        *month = (int) m;
    if (day != NULL)
        *day = (int) d;
}

int
rvw_date_weekday(rvw_date_t date)
{
    /* 1970-01-01 was a Thursday (4). */
    int r = (int) (date % 7);
    if (r < 0)
        r += 7;
    return (r + 3) % 7 + 1;
}

/* Value of n ASCII digits at s, or -1 if any of them is not a digit. */
static int
s_digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int
rvw_date_parse(const char *text, rvw_date_t *out)
{
    if (text == NULL || out == NULL)
        return CMN_EINVAL;
    for (int i = 0; i < 10; i++) {
        if (text[i] == '\0')
            return CMN_EINVAL; /* short: stop before reading past the NUL */
    }
    if (text[4] != '-' || text[7] != '-' || text[10] != '\0')
        return CMN_EINVAL;
    int y = s_digits(text, 4), m = s_digits(text + 5, 2);
    int d = s_digits(text + 8, 2);
    if (y < 0 || m < 0 || d < 0)
        return CMN_EINVAL;
    return rvw_date_from_ymd(y, m, d, out);
}

char *
rvw_date_format(rvw_date_t date, char buf[RVW_DATE_BUFSZ])
{
    if (date < RVW_DATE_MIN || date > RVW_DATE_MAX) {
        snprintf(buf, RVW_DATE_BUFSZ, "0000-00-00");
        return buf;
    }
    int y, m, d;
    rvw_date_to_ymd(date, &y, &m, &d);
    /* The masks only tell the compiler the widths; the values fit already. */
    snprintf(buf, RVW_DATE_BUFSZ, "%04u-%02u-%02u", (unsigned) y % 10000u,
             (unsigned) m % 100u, (unsigned) d % 100u);
    return buf;
}

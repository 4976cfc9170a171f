/* date.c - days since 1970-01-01 <-> year-month-day, strict ISO text, month
 * arithmetic and the civil date of an instant. The conversions are Howard
 * Hinnant's days_from_civil / civil_from_days. */
#include "dom/date.h"

#include <stdio.h>

#define S_US_PER_DAY INT64_C(86400000000)

static bool
s_is_leap(int64_t year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int
dom_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12)
        return 0;
    return month == 2 && s_is_leap(year) ? 29 : days[month - 1];
}

bool
dom_date_valid(dom_date_t d)
{
    return d >= DOM_DATE_MIN && d <= DOM_DATE_MAX;
}

int
dom_date_from_ymd(int y, int m, int d, dom_date_t *out)
{
    if (out == NULL || y < 1 || y > 9999 || d < 1 ||
        d > dom_days_in_month(y, m))
        return CMN_EINVAL;       /* dom_days_in_month() is 0 for a bad month */
    int yy = m <= 2 ? y - 1 : y; /* years start in March */
    int era = yy / 400;          /* yy >= 0 here */
    int yoe = yy - era * 400;
    int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    *out = (dom_date_t) (era * 146097 + doe - 719468);
    return 0;
}

void
dom_date_to_ymd(dom_date_t d, int *y, int *m, int *day)
{
    int64_t z = (int64_t) d + 719468; /* 64 bits: no overflow anywhere */
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t dd = doy - (153 * mp + 2) / 5 + 1;
    int64_t mm = mp < 10 ? mp + 3 : mp - 9;
    int64_t yy = yoe + era * 400 + (mm <= 2);
    if (y != NULL)
        *y = (int) yy; /* |yy| < 6 million for any int32 d */
    if (m != NULL)
        *m = (int) mm;
    if (day != NULL)
        *day = (int) dd;
}

int
dom_date_weekday(dom_date_t d)
{
    int r = (int) (d % 7); /* 1970-01-01 (r == 0) was a Thursday */
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
dom_date_parse(const char *text, dom_date_t *out)
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
    return dom_date_from_ymd(y, m, d, out);
}

char *
dom_date_format(dom_date_t d, char buf[DOM_DATE_BUFSZ])
{
    if (!dom_date_valid(d)) {
        snprintf(buf, DOM_DATE_BUFSZ, "0000-00-00");
        return buf;
    }
    int y, m, day;
    dom_date_to_ymd(d, &y, &m, &day);
    /* The masks only tell the compiler the widths; the values fit already. */
    snprintf(buf, DOM_DATE_BUFSZ, "%04u-%02u-%02u", (unsigned) y % 10000u,
             (unsigned) m % 100u, (unsigned) day % 100u);
    return buf;
}

int
dom_date_add_months(dom_date_t d, int n, dom_date_t *out)
{
    if (out == NULL || !dom_date_valid(d))
        return CMN_EINVAL;
    int y, m, day;
    dom_date_to_ymd(d, &y, &m, &day);
    int64_t total = (int64_t) y * 12 + (m - 1) + n; /* months since 0000-01 */
    if (total < 12 || total > INT64_C(9999) * 12 + 11)
        return CMN_EINVAL;
    int ty = (int) (total / 12), tm = (int) (total % 12) + 1;
    int last = dom_days_in_month(ty, tm);
    return dom_date_from_ymd(ty, tm, day < last ? day : last, out);
}

/* floor(a / b) for b > 0. */
static int64_t
s_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return a % b < 0 ? q - 1 : q;
}

dom_date_t
dom_date_of_us(int64_t us, int utc_offset_s)
{
    /* Split first, so that adding the offset cannot overflow; the
     * remainder comes from %, as days * S_US_PER_DAY may not fit. */
    int64_t days = s_floor_div(us, S_US_PER_DAY);
    int64_t rest = us % S_US_PER_DAY;
    if (rest < 0)
        rest += S_US_PER_DAY;                 /* 0 .. one day */
    rest += (int64_t) utc_offset_s * 1000000; /* |offset| < 2^31 s */
    days += s_floor_div(rest, S_US_PER_DAY);
    return (dom_date_t) days; /* |days| < 2^28: INT64_MAX us is 106751991 */
}

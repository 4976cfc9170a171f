/* month.c - calendar months: strict text, first and last days, and the
 * on-time rule of monthly reports. */
#include "dom/month.h"

#include <stdio.h>

static const dom_month_t s_none = {0, 0};

bool
dom_month_valid(dom_month_t m)
{
    return m.year >= 1 && m.year <= 9999 && m.month >= 1 && m.month <= 12;
}

int
dom_month_parse(const char *text, dom_month_t *out)
{
    if (text == NULL || out == NULL)
        return CMN_EINVAL;
    int v[6];
    for (int i = 0; i < 7; i++) {
        if (text[i] == '\0')
            return CMN_EINVAL; /* short: stop before reading past the NUL */
        if (i != 4 && (text[i] < '0' || text[i] > '9'))
            return CMN_EINVAL;
        if (i != 4)
            v[i < 4 ? i : i - 1] = text[i] - '0';
    }
    if (text[4] != '-' || text[7] != '\0')
        return CMN_EINVAL;
    dom_month_t m = {v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3],
                     v[4] * 10 + v[5]};
    if (!dom_month_valid(m))
        return CMN_EINVAL;
    *out = m;
    return 0;
}

char *
dom_month_format(dom_month_t m, char buf[DOM_MONTH_BUFSZ])
{
    if (!dom_month_valid(m)) {
        snprintf(buf, DOM_MONTH_BUFSZ, "0000-00");
        return buf;
    }
    /* The masks only tell the compiler the widths; the values fit already. */
    snprintf(buf, DOM_MONTH_BUFSZ, "%04u-%02u", (unsigned) m.year % 10000u,
             (unsigned) m.month % 100u);
    return buf;
}

dom_month_t
dom_month_of(dom_date_t d)
{
    if (!dom_date_valid(d))
        return s_none;
    dom_month_t m;
    dom_date_to_ymd(d, &m.year, &m.month, NULL);
    return m;
}

dom_date_t
dom_month_first(dom_month_t m)
{
    dom_date_t d = DOM_DATE_NEVER;
    if (dom_month_valid(m) && dom_date_from_ymd(m.year, m.month, 1, &d) != 0)
        return DOM_DATE_NEVER; /* cannot happen for a valid month */
    return d;
}

dom_date_t
dom_month_last(dom_month_t m)
{
    dom_date_t d = DOM_DATE_NEVER;
    if (dom_month_valid(m) &&
        dom_date_from_ymd(m.year, m.month, dom_days_in_month(m.year, m.month),
                          &d) != 0)
        return DOM_DATE_NEVER; /* cannot happen for a valid month */
    return d;
}

dom_month_t
dom_month_next(dom_month_t m)
{
    if (!dom_month_valid(m) || (m.year == 9999 && m.month == 12))
        return s_none;
    return m.month == 12 ? (dom_month_t){m.year + 1, 1}
                         : (dom_month_t){m.year, m.month + 1};
}

int64_t
dom_month_late_from_us(dom_month_t m, int utc_offset_s)
{
    if (!dom_month_valid(m))
        return INT64_MIN;
    /* Local midnight after the last day; 2932897 days fit easily in us. */
    int64_t next_day = (int64_t) dom_month_last(m) + 1;
    return (next_day * 86400 - utc_offset_s) * 1000000;
}

bool
dom_month_on_time(dom_month_t m, int64_t received_us, int utc_offset_s)
{
    return dom_month_valid(m) &&
           received_us < dom_month_late_from_us(m, utc_offset_s);
}

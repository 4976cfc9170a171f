/* month.h - reporting periods: calendar months "YYYY-MM", and when a
 * district's monthly report is on time (DOMAIN.md, "Monthly aggregates").
 *
 * A month is valid when its year is 1..9999 and its month 1..12; functions
 * that return a month give {0, 0} (not valid) where there is no answer.
 * int returns: 0 or CMN_EINVAL, with *out untouched on failure. */
#ifndef DOM_MONTH_H
#define DOM_MONTH_H
#include "dom/date.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    int year, month;
} dom_month_t;

#define DOM_MONTH_BUFSZ 8 /* "YYYY-MM" and its NUL */

/* True if m.year is 1..9999 and m.month 1..12. */
bool dom_month_valid(dom_month_t m);

/* Parses exactly "YYYY-MM" (seven characters, then the NUL), year
 * 0001..9999, month 01..12. Borrows text. */
int dom_month_parse(const char *text, dom_month_t *out) CMN_MUST_CHECK;

/* Writes m as "YYYY-MM" into buf and returns buf; "0000-00" for a month
 * that is not valid. */
char *dom_month_format(dom_month_t m, char buf[DOM_MONTH_BUFSZ]);

/* The month d lies in; {0, 0} if d is not a valid date. */
dom_month_t dom_month_of(dom_date_t d);

/* The first and the last day of m; DOM_DATE_NEVER if m is not valid. */
dom_date_t dom_month_first(dom_month_t m);
dom_date_t dom_month_last(dom_month_t m);

/* The month after m; {0, 0} if m is not valid or is 9999-12. */
dom_month_t dom_month_next(dom_month_t m);

/* DOMAIN.md "Monthly aggregates": a district's report for month m is on
 * time if received by 23:59:59 local time (UTC + utc_offset_s, China:
 * 28800) on the month's last day, that is before local midnight that ends
 * it (23:59:59.999999 is on time, 00:00:00 of the next day is late).
 * The first instant that is late, in microseconds since the epoch (UTC);
 * INT64_MIN (every instant is late) if m is not valid. */
int64_t dom_month_late_from_us(dom_month_t m, int utc_offset_s);

/* True if received_us (microseconds since the epoch, UTC) is before
 * dom_month_late_from_us(m, utc_offset_s); false for a month that is not
 * valid. */
bool dom_month_on_time(dom_month_t m, int64_t received_us, int utc_offset_s);

#endif /* DOM_MONTH_H */

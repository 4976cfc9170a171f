/* date.h - civil dates as day counts: whole days, no time zone.
 *
 * A date is the number of days since 1970-01-01 in the proleptic Gregorian
 * calendar, so dates compare with < and the next day is d + 1. Valid dates
 * run from 0001-01-01 (DOM_DATE_MIN) to 9999-12-31 (DOM_DATE_MAX);
 * DOM_DATE_NEVER stands for "no date" and sorts before every valid date.
 * Text is exactly "YYYY-MM-DD". Pure functions: no clock, no state.
 * int returns: 0 or CMN_EINVAL, with every output untouched on failure. */
#ifndef DOM_DATE_H
#define DOM_DATE_H
#include "cmn/err.h"

#include <stdbool.h>
#include <stdint.h>

typedef int32_t dom_date_t;

#define DOM_DATE_MIN   (-719162) /* 0001-01-01 */
#define DOM_DATE_MAX   2932896   /* 9999-12-31 */
#define DOM_DATE_NEVER INT32_MIN /* "no date"; sorts before every date */
#define DOM_DATE_BUFSZ 11        /* "YYYY-MM-DD" and its NUL */

/* ISO 8601 weekday numbers, as dom_date_weekday() returns them. */
enum {
    DOM_MONDAY = 1,
    DOM_TUESDAY,
    DOM_WEDNESDAY,
    DOM_THURSDAY,
    DOM_FRIDAY,
    DOM_SATURDAY,
    DOM_SUNDAY
};

/* True if d lies within DOM_DATE_MIN..DOM_DATE_MAX. */
bool dom_date_valid(dom_date_t d);

/* Sets *out to year-month-day. CMN_EINVAL unless the day exists and the
 * year is 1..9999. */
int dom_date_from_ymd(int y, int m, int d, dom_date_t *out) CMN_MUST_CHECK;

/* Splits d into year, month (1..12) and day (1..31). Any pointer may be
 * NULL. For a d outside DOM_DATE_MIN..DOM_DATE_MAX the year is outside
 * 1..9999 (the arithmetic is exact for every int32 value). */
void dom_date_to_ymd(dom_date_t d, int *y, int *m, int *day);

/* ISO weekday of d: DOM_MONDAY (1) .. DOM_SUNDAY (7). */
int dom_date_weekday(dom_date_t d);

/* Parses exactly "YYYY-MM-DD" (ten characters, then the NUL): no spaces, no
 * signs, no missing zeros, and a day that exists in years 0001..9999.
 * Borrows text. */
int dom_date_parse(const char *text, dom_date_t *out) CMN_MUST_CHECK;

/* Writes d as "YYYY-MM-DD" into buf and returns buf. An invalid d (see
 * dom_date_valid(); DOM_DATE_NEVER too) is written as "0000-00-00". */
char *dom_date_format(dom_date_t d, char buf[DOM_DATE_BUFSZ]);

/* Days in month (1..12) of year (any year, proleptic Gregorian leap rule);
 * 0 for a bad month. */
int dom_days_in_month(int year, int month);

/* d plus n calendar months (n may be negative) into *out; a day the target
 * month lacks becomes its last day: 2026-08-31 + 6 = 2027-02-28,
 * 2024-02-29 + 12 = 2025-02-28. CMN_EINVAL if d is not valid or the result
 * falls outside years 1..9999. */
int dom_date_add_months(dom_date_t d, int n, dom_date_t *out) CMN_MUST_CHECK;

/* The civil date of the instant us (microseconds since 1970-01-01T00:00:00
 * UTC) at a UTC offset of utc_offset_s seconds (China: 28800): midnight
 * local time starts the next date. Exact for every int64 and int value;
 * the result may lie outside DOM_DATE_MIN..DOM_DATE_MAX for instants past
 * year 9999 or before year 1, so check it with dom_date_valid(). */
dom_date_t dom_date_of_us(int64_t us, int utc_offset_s);

#endif /* DOM_DATE_H */

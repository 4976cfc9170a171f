/* date.h - calendar dates for the panel: a day count with strict text.
 *
 * A date is the number of days since 1970-01-01 in the proleptic Gregorian
 * calendar, so dates compare with < and advance with +. Valid dates run
 * from 0001-01-01 to 9999-12-31; PNL_DATE_NEVER stands for "no date" and
 * sorts before every valid date. Text is exactly "YYYY-MM-DD".
 * int returns: 0 or CMN_EINVAL. */
#ifndef PNL_DATE_H
#define PNL_DATE_H
#include "cmn/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int32_t pnl_date_t;

#define PNL_DATE_MIN    (-719162) /* 0001-01-01 */
#define PNL_DATE_MAX    2932896   /* 9999-12-31 */
#define PNL_DATE_NEVER  INT32_MIN /* no date, e.g. an expert who never sat */
#define PNL_DATE_STRLEN 11        /* "YYYY-MM-DD" and its NUL */

/* ISO 8601 weekday numbers. */
typedef enum {
    PNL_MONDAY = 1,
    PNL_TUESDAY,
    PNL_WEDNESDAY,
    PNL_THURSDAY,
    PNL_FRIDAY,
    PNL_SATURDAY,
    PNL_SUNDAY
} pnl_weekday_t;

/* True if date lies within PNL_DATE_MIN..PNL_DATE_MAX. */
bool pnl_date_valid(pnl_date_t date);

/* Sets *out to year-month-day; CMN_EINVAL if there is no such day. */
int pnl_date_from_ymd(int year, int month, int day,
                      pnl_date_t *out) CMN_MUST_CHECK;

/* Parses exactly "YYYY-MM-DD" (no sign, no spaces, no trailing text, a day
 * that exists). Leaves *out untouched on CMN_EINVAL. */
int pnl_date_parse(const char *text, pnl_date_t *out) CMN_MUST_CHECK;

/* Writes date as "YYYY-MM-DD" into buf (len >= PNL_DATE_STRLEN).
 * CMN_EINVAL if date is not valid or buf is too small. */
int pnl_date_format(pnl_date_t date, char *buf, size_t len) CMN_MUST_CHECK;

/* The weekday of date. */
pnl_weekday_t pnl_date_weekday(pnl_date_t date);

#endif /* PNL_DATE_H */

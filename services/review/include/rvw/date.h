/* date.h - civil dates for the review core: whole days, no time zone.
 *
 * A date is the number of days since 1970-01-01 in the proleptic Gregorian
 * calendar, so dates compare with < and the next day is d + 1. Only years
 * 0001..9999 can be made, parsed or formatted. int returns: 0 or CMN_EINVAL. */
#ifndef RVW_DATE_H
#define RVW_DATE_H
#include "cmn/err.h"

#include <stdint.h>

typedef int32_t rvw_date_t;

/* 0001-01-01 and 9999-12-31, the first and last dates that can be made. */
#define RVW_DATE_MIN (-719162)
#define RVW_DATE_MAX 2932896

/* Bytes for "YYYY-MM-DD" and its NUL. */
#define RVW_DATE_BUFSZ 11

/* Sets *out to year-month-day. CMN_EINVAL (and *out untouched) unless the
 * date exists and the year is 1..9999. */
int rvw_date_from_ymd(int year, int month, int day,
                      rvw_date_t *out) CMN_MUST_CHECK;

/* Splits date into year, month (1..12) and day (1..31). Any pointer may be
 * NULL. */
void rvw_date_to_ymd(rvw_date_t date, int *year, int *month, int *day);

/* ISO weekday of date: 1 Monday .. 7 Sunday. */
int rvw_date_weekday(rvw_date_t date);

/* Parses exactly "YYYY-MM-DD" (ten characters, then the NUL): no spaces, no
 * signs, no missing zeros, and the date must exist. Borrows text. */
int rvw_date_parse(const char *text, rvw_date_t *out) CMN_MUST_CHECK;

/* Writes date as "YYYY-MM-DD" into buf and returns buf. A date outside
 * RVW_DATE_MIN..RVW_DATE_MAX is written as "0000-00-00". */
char *rvw_date_format(rvw_date_t date, char buf[RVW_DATE_BUFSZ]);

#endif /* RVW_DATE_H */

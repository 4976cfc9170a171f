/* calendar.h - the working-day calendar and working-day arithmetic (DOMAIN.md,
 * "Working days"): the review clock's 10 working days count on it.
 *
 * A day is a working day unless it is a Saturday or Sunday or a public
 * holiday; a make-up working day (调休, a Saturday or Sunday that is worked)
 * is a working day. The calendar knows only the years its files cover: any
 * question about a day outside them fails with CMN_ECALENDAR, so the platform
 * can say plainly that a deadline lies past the calendar it knows.
 *
 * No file I/O here: the caller reads each calendar file (at most
 * DOM_CALENDAR_MAX_BYTES) and hands its text to dom_calendar_parse(). The
 * official calendars the platform ships are in common/domain/calendar/.
 * Calendar files are text, one entry a line (see calendar/README.md):
 *
 *   # comment (a line whose first non-blank character is '#')
 *   covers 2026                     the file lists every holiday of 2026
 *   2026-02-16 holiday 春节         a day off
 *   2026-02-14 workday 春节调休     a Saturday or Sunday that is worked
 *
 * Fields are separated by spaces or tabs; the name runs to the end of the
 * line and is required. Each entry's year must be covered by a `covers` line
 * of the same file; a date may appear once; a workday must fall on a
 * Saturday or Sunday. A year may be covered by one file only.
 *
 * Lookups do not change the calendar: once parsed, it may be queried from
 * several threads at once. int returns: 0 or a negative CMN_E* code
 * (cmn/err.h), with every output untouched on failure. */
#ifndef DOM_CALENDAR_H
#define DOM_CALENDAR_H
#include "cmn/err.h"
#include "dom/date.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct dom_calendar dom_calendar_t; /* opaque */

/* Largest calendar text dom_calendar_parse() accepts: a caller reading a
 * file reads at most one byte more, to tell a file that is too large. */
#define DOM_CALENDAR_MAX_BYTES (1024 * 1024)

/* An empty calendar, covering no year. Caller owns the result and must
 * destroy it when done; NULL when out of memory. */
dom_calendar_t *dom_calendar_new(void);

/* Frees self and sets *self_p to NULL. Safe on NULL and twice. */
void dom_calendar_destroy(dom_calendar_t **self_p);

/* Adds the calendar text[0..len) to self. name (e.g. the file name; NULL
 * gives "calendar") starts every error message, as "name:line: reason" or
 * "name: reason". On error self is unchanged and err (if not NULL) gets the
 * reason:
 *   CMN_ECONFIG  bad text: syntax, an impossible date, a date twice, a
 *                workday on a weekday, an entry outside the covered years,
 *                no covers line, a year some earlier text already covers,
 *                a NUL byte
 *   CMN_EMSGSIZE len > DOM_CALENDAR_MAX_BYTES
 *   CMN_ENOMEM   out of memory
 *   CMN_EINVAL   self is NULL, or text is NULL with len > 0
 * Borrows name and text. */
int dom_calendar_parse(dom_calendar_t *self, const char *name, const char *text,
                       size_t len, char *err, size_t errlen) CMN_MUST_CHECK;

/* True if a text parsed into self covers year; false for a NULL self. */
bool dom_calendar_covers(const dom_calendar_t *self, int year);

/* Sets *working for date. CMN_ECALENDAR if date's year is not covered. */
int dom_calendar_is_working_day(const dom_calendar_t *self, dom_date_t date,
                                bool *working) CMN_MUST_CHECK;

/* The n-th working day after received (the day of receipt itself is not
 * counted, and need not be covered), into *deadline. CMN_EINVAL unless
 * n >= 1 and received <= DOM_DATE_MAX. CMN_ECALENDAR if the count runs into
 * a year that is not covered before it reaches n. */
int dom_calendar_deadline(const dom_calendar_t *self, dom_date_t received,
                          int n, dom_date_t *deadline) CMN_MUST_CHECK;

/* Number of working days d with after < d <= until, into *n: the working
 * days elapsed by the end of `until` on a count that started the day after
 * `after`, or, with a deadline as `until`, the working days left after
 * `after`. 0 when until <= after. CMN_ECALENDAR if a day in the range is
 * not covered; CMN_EINVAL if after > DOM_DATE_MAX. */
int dom_calendar_count(const dom_calendar_t *self, dom_date_t after,
                       dom_date_t until, int *n) CMN_MUST_CHECK;

#endif /* DOM_CALENDAR_H */

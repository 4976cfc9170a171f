/* calendar.h - the working-day calendar and the working-day arithmetic of the
 * review clock.
 *
 * A day is a working day unless it is a Saturday or Sunday or a public
 * holiday; a make-up working day (调休, a Saturday or Sunday that is worked)
 * is a working day. The calendar knows only the years its files cover: any
 * question about a day outside them fails with RVW_ECALENDAR, so the platform
 * can say plainly that a deadline lies past the calendar it knows.
 *
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
 * int returns: 0 or a negative CMN_E* / RVW_E* code (rvw/err.h). */
#ifndef RVW_CALENDAR_H
#define RVW_CALENDAR_H
#include "rvw/date.h"
#include "rvw/err.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct rvw_calendar rvw_calendar_t; /* opaque */

/* Largest calendar file rvw_calendar_load() reads. */
#define RVW_CALENDAR_MAX_BYTES (1024 * 1024)

/* An empty calendar, covering no year. Caller owns the result and must
 * destroy it when done; NULL when out of memory. */
rvw_calendar_t *rvw_calendar_new(void);

/* Frees self and sets *self_p to NULL. Safe on NULL and twice. */
void rvw_calendar_destroy(rvw_calendar_t **self_p);

/* Adds the calendar text[0..len) to self. name (e.g. the file name) starts
 * every error message, as "name:line: reason". On error self is unchanged
 * and err (if not NULL) gets the reason:
 *   CMN_ECONFIG  bad text: syntax, an impossible date, a date twice, a
 *                workday on a weekday, an entry outside the covered years,
 *                no covers line, a year some earlier file already covers
 *   CMN_EMSGSIZE len > RVW_CALENDAR_MAX_BYTES
 *   CMN_ENOMEM   out of memory
 * Borrows name and text. */
int rvw_calendar_parse(rvw_calendar_t *self, const char *name, const char *text,
                       size_t len, char *err, size_t errlen) CMN_MUST_CHECK;

/* Reads the file at path and adds it as rvw_calendar_parse() does, with path
 * as the name. Also: CMN_ENOENT (no such file), CMN_EIO (could not open or
 * read). Borrows path. */
int rvw_calendar_load(rvw_calendar_t *self, const char *path, char *err,
                      size_t errlen) CMN_MUST_CHECK;

/* True if a loaded file covers year. */
bool rvw_calendar_covers(const rvw_calendar_t *self, int year);

/* Sets *working for date. RVW_ECALENDAR (*working untouched) if date's year
 * is not covered. */
int rvw_calendar_is_working_day(const rvw_calendar_t *self, rvw_date_t date,
                                bool *working) CMN_MUST_CHECK;

/* The n-th working day after received (the day of receipt itself is not
 * counted, and need not be covered), into *deadline. CMN_EINVAL unless
 * n >= 1 and received <= RVW_DATE_MAX. RVW_ECALENDAR if the count runs into
 * a year that is not covered before it reaches n. */
int rvw_calendar_deadline(const rvw_calendar_t *self, rvw_date_t received,
                          int n, rvw_date_t *deadline) CMN_MUST_CHECK;

/* Number of working days d with after < d <= until, into *n: the working
 * days elapsed by the end of `until` on a count that started the day after
 * `after`, or, with a deadline as `until`, the working days left after
 * `after`. 0 when until <= after. RVW_ECALENDAR if a day in the range is
 * not covered; CMN_EINVAL if after > RVW_DATE_MAX. */
int rvw_calendar_count(const rvw_calendar_t *self, rvw_date_t after,
                       rvw_date_t until, int *n) CMN_MUST_CHECK;

#endif /* RVW_CALENDAR_H */

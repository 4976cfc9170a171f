/* cadence.h - the re-evaluation calendar (DOMAIN.md, "Level evaluation"):
 * a filed system is evaluated again within a number of calendar months of
 * its last report, by level. The defaults: level 3 at least yearly, levels
 * 4 and 5 at least every half year, level 2 every two years (a
 * recommendation: configurable). The next evaluation is due on the date of
 * the last report plus that many months, a day the target month lacks
 * becoming its last day (2026-08-31 + 6 months = 2027-02-28).
 * int returns: 0 or CMN_EINVAL, with every output untouched on failure
 * (why is written only on failure). */
#ifndef DOM_CADENCE_H
#define DOM_CADENCE_H
#include "cmn/err.h"
#include "dom/date.h"
#include "dom/level.h"

#include <stddef.h>

#define DOM_CADENCE_MAX_MONTHS                     \
    120 /* largest cadence dom_cadence_parse takes \
         */

/* Months between evaluations, by level (index 1..5; 0 is unused);
 * 0 = none (no re-evaluation is due at that level). */
typedef struct {
    int months[DOM_LEVEL_MAX + 1];
} dom_cadence_t;

/* Sets *c to the defaults: level 2: 24, 3: 12, 4: 6, 5: 6; level 1: 0. */
void dom_cadence_default(dom_cadence_t *c);

/* Parses "2:24,3:12,4:6,5:6" into *c: the defaults, overridden by each item
 * LEVEL:MONTHS (any subset of levels 2..5, each at most once, in any
 * order; MONTHS 0..DOM_CADENCE_MAX_MONTHS, 0 for none). Blanks around items
 * and around the colon are allowed; an empty text means the defaults. On
 * CMN_EINVAL why (if not NULL) names the bad item and the reason, e.g.
 * `item 2 "3:x": months must be a whole number 0..120`. Borrows text. */
int dom_cadence_parse(const char *text, dom_cadence_t *c, char *why,
                      size_t whylen) CMN_MUST_CHECK;

/* last_report plus the months of level into *due, month-end clamped
 * (dom_date_add_months()). CMN_EINVAL for a level outside 2..5 or one with
 * no cadence (months <= 0), a last_report that is not a valid date, or a
 * due date past 9999-12-31. Borrows c. */
int dom_cadence_next_due(const dom_cadence_t *c, int level,
                         dom_date_t last_report,
                         dom_date_t *due) CMN_MUST_CHECK;

#endif /* DOM_CADENCE_H */

/* level.h - protection levels 1..5 (等级) and which of them are filed and
 * which are "important systems" (DOMAIN.md, "The workflow"; GB/T 22240-2020
 * for the levels themselves). */
#ifndef DOM_LEVEL_H
#define DOM_LEVEL_H
#include <stdbool.h>

#define DOM_LEVEL_MIN       1
#define DOM_LEVEL_MAX       5
#define DOM_LEVEL_FILED_MIN 2 /* level 1 systems are not filed */

/* True for a protection level, 1..5. */
bool dom_level_valid(int level);

/* True for a level whose systems are filed, 2..5. */
bool dom_level_filed(int level);

/* True for the levels of "important systems", 3..5: table 4 of the filing
 * form, panel review of rectification plans, inspections, evaluation before
 * certification by default. */
bool dom_level_important(int level);

#endif /* DOM_LEVEL_H */

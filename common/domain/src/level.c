/* level.c - which protection levels exist, are filed, are important. */
#include "dom/level.h"

bool
dom_level_valid(int level)
{
    return level >= DOM_LEVEL_MIN && level <= DOM_LEVEL_MAX;
}

bool
dom_level_filed(int level)
{
    return level >= DOM_LEVEL_FILED_MIN && level <= DOM_LEVEL_MAX;
}

bool
dom_level_important(int level)
{
    return level >= 3 && level <= DOM_LEVEL_MAX;
}

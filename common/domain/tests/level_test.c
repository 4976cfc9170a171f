/* level_test.c - which levels exist, are filed and are important, for
 * every level and the values around them. */
#include "cmn_test/unit.h"
#include "dom/level.h"

#include <limits.h>

/* Level by level, written out by hand: valid, filed, important. */
static const struct {
    int level;
    bool valid, filed, important;
} s_levels[] = {
    {INT_MIN, false, false, false}, {-1, false, false, false},
    {0, false, false, false},       {1, true, false, false},
    {2, true, true, false},         {3, true, true, true},
    {4, true, true, true},          {5, true, true, true},
    {6, false, false, false},       {INT_MAX, false, false, false},
};

static void
s_every_level(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof s_levels / sizeof s_levels[0]; i++) {
        int l = s_levels[i].level;
        if (dom_level_valid(l) != s_levels[i].valid ||
            dom_level_filed(l) != s_levels[i].filed ||
            dom_level_important(l) != s_levels[i].important)
            fail_msg("level %d", l);
    }
}

static void
s_constants(void **state)
{
    (void) state;
    assert_int_equal(DOM_LEVEL_MIN, 1);
    assert_int_equal(DOM_LEVEL_MAX, 5);
    assert_int_equal(DOM_LEVEL_FILED_MIN, 2);
    assert_false(dom_level_filed(DOM_LEVEL_FILED_MIN - 1));
    assert_true(dom_level_filed(DOM_LEVEL_FILED_MIN));
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_every_level),
        cmocka_unit_test(s_constants),
    };
    return MLPS_TEST_RUN(tests, argc, argv);
}

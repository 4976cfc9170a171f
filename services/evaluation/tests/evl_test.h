/* evl_test.h - what the evaluation's unit tests share beyond
 * cmn_test/unit.h (cmocka, one test by name): dates written as text. */
#ifndef EVL_TEST_H
#define EVL_TEST_H
#include "cmn_test/unit.h"
#include "dom/date.h"

/* The date of "YYYY-MM-DD"; fails the test on bad text. */
static inline dom_date_t
evl_test_day(const char *text)
{
    dom_date_t d = DOM_DATE_NEVER;
    assert_int_equal(dom_date_parse(text, &d), 0);
    return d;
}

#endif /* EVL_TEST_H */

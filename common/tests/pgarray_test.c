/* pgarray_test.c - PostgreSQL array literals built element by element. */
#include "cmn/pgarray.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

static void
s_empty_and_one(void **state)
{
    (void) state;
    cmn_pgarray_t a = CMN_PGARRAY_INIT;
    assert_string_equal(cmn_pgarray_text(&a), "{}");
    assert_int_equal(cmn_pgarray_add(&a, "x"), 0);
    assert_string_equal(cmn_pgarray_text(&a), "{\"x\"}");
    assert_int_equal(cmn_pgarray_add(&a, ""), 0);
    assert_string_equal(cmn_pgarray_text(&a), "{\"x\",\"\"}");
    assert_int_equal(a.count, 2);
    cmn_pgarray_release(&a);
    cmn_pgarray_release(&a); /* twice is fine */
    assert_string_equal(cmn_pgarray_text(&a), "{}");
}

static void
s_quotes_and_backslashes_escaped(void **state)
{
    (void) state;
    cmn_pgarray_t a = CMN_PGARRAY_INIT;
    assert_int_equal(cmn_pgarray_add(&a, "a\"b\\c,{d}"), 0);
    assert_string_equal(cmn_pgarray_text(&a), "{\"a\\\"b\\\\c,{d}\"}");
    cmn_pgarray_release(&a);
}

static void
s_grows(void **state)
{
    (void) state;
    cmn_pgarray_t a = CMN_PGARRAY_INIT;
    char item[40];
    for (int i = 0; i < 5000; i++) {
        snprintf(item, sizeof item, "%08d-aaaa-4aaa-8aaa-aaaaaaaaaaaa", i);
        assert_int_equal(cmn_pgarray_add(&a, item), 0);
    }
    assert_int_equal(a.count, 5000);
    assert_int_equal(strlen(cmn_pgarray_text(&a)), a.len);
    assert_int_equal(a.len, 2 + 5000 * 38 + 4999);
    assert_non_null(
        strstr(a.text, "\"00004999-aaaa-4aaa-8aaa-aaaaaaaaaaaa\"}"));
    cmn_pgarray_release(&a);
}

static void
s_hex(void **state)
{
    (void) state;
    cmn_pgarray_t a = CMN_PGARRAY_INIT;
    const unsigned char bytes[] = {0x00, 0x9f, 0x22, 0x5c, 0xff};
    assert_int_equal(cmn_pgarray_add_hex(&a, bytes, sizeof bytes), 0);
    assert_int_equal(cmn_pgarray_add_hex(&a, bytes, 0), 0);
    assert_int_equal(cmn_pgarray_add(&a, "t"), 0);
    assert_string_equal(cmn_pgarray_text(&a), "{\"009f225cff\",\"\",\"t\"}");
    assert_int_equal(a.count, 3);
    cmn_pgarray_release(&a);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_empty_and_one),
        cmocka_unit_test(s_quotes_and_backslashes_escaped),
        cmocka_unit_test(s_grows),
        cmocka_unit_test(s_hex),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* cadence_test.c - the re-evaluation cadence: defaults, configuration
 * text, and next due dates at month ends and leap days for every level. */
#include "cmn_test/unit.h"
#include "dom/cadence.h"

static dom_date_t
s_day(const char *text)
{
    dom_date_t d = DOM_DATE_NEVER;
    assert_int_equal(dom_date_parse(text, &d), 0);
    return d;
}

/* The next due date as text; "error" on an error. */
static const char *
s_due(const dom_cadence_t *c, int level, const char *last,
      char buf[DOM_DATE_BUFSZ])
{
    dom_date_t due = DOM_DATE_NEVER;
    if (dom_cadence_next_due(c, level, s_day(last), &due) != 0)
        return "error";
    return dom_date_format(due, buf);
}

static void
s_defaults(void **state)
{
    (void) state;
    dom_cadence_t c;
    memset(&c, 0x7f, sizeof c);
    dom_cadence_default(&c);
    static const int want[DOM_LEVEL_MAX + 1] = {0, 0, 24, 12, 6, 6};
    for (int l = 0; l <= DOM_LEVEL_MAX; l++)
        assert_int_equal(c.months[l], want[l]);
    dom_cadence_default(NULL); /* harmless */
}

/* Every level on the defaults, from an ordinary day. */
static void
s_every_level(void **state)
{
    (void) state;
    dom_cadence_t c;
    dom_cadence_default(&c);
    char b[DOM_DATE_BUFSZ];
    assert_string_equal(s_due(&c, 2, "2026-03-15", b), "2028-03-15");
    assert_string_equal(s_due(&c, 3, "2026-03-15", b), "2027-03-15");
    assert_string_equal(s_due(&c, 4, "2026-03-15", b), "2026-09-15");
    assert_string_equal(s_due(&c, 5, "2026-03-15", b), "2026-09-15");
    /* Level 1 has no cadence (it is not filed); 0 and 6 are not levels. */
    assert_string_equal(s_due(&c, 1, "2026-03-15", b), "error");
    assert_string_equal(s_due(&c, 0, "2026-03-15", b), "error");
    assert_string_equal(s_due(&c, 6, "2026-03-15", b), "error");
    assert_string_equal(s_due(&c, -1, "2026-03-15", b), "error");
}

static void
s_month_ends(void **state)
{
    (void) state;
    dom_cadence_t c;
    dom_cadence_default(&c);
    char b[DOM_DATE_BUFSZ];
    /* DOMAIN.md's example: 2026-08-31 + 6 months. */
    assert_string_equal(s_due(&c, 4, "2026-08-31", b), "2027-02-28");
    assert_string_equal(s_due(&c, 5, "2026-08-31", b), "2027-02-28");
    /* Into a leap February. */
    assert_string_equal(s_due(&c, 4, "2027-08-31", b), "2028-02-29");
    /* 31st into a 30-day month, and a 31-day month kept. */
    assert_string_equal(s_due(&c, 4, "2026-12-31", b), "2027-06-30");
    assert_string_equal(s_due(&c, 4, "2026-01-31", b), "2026-07-31");
    assert_string_equal(s_due(&c, 3, "2026-05-31", b), "2027-05-31");
    assert_string_equal(s_due(&c, 2, "2026-10-31", b), "2028-10-31");
    /* Year end. */
    assert_string_equal(s_due(&c, 4, "2026-07-01", b), "2027-01-01");
}

static void
s_leap_days(void **state)
{
    (void) state;
    dom_cadence_t c;
    dom_cadence_default(&c);
    char b[DOM_DATE_BUFSZ];
    assert_string_equal(s_due(&c, 3, "2024-02-29", b), "2025-02-28"); /* +12 */
    assert_string_equal(s_due(&c, 2, "2024-02-29", b), "2026-02-28"); /* +24 */
    assert_string_equal(s_due(&c, 4, "2024-02-29", b), "2024-08-29"); /* +6 */
    assert_string_equal(s_due(&c, 4, "2023-08-29", b), "2024-02-29");
    assert_string_equal(s_due(&c, 4, "2023-08-30", b), "2024-02-29");
    dom_cadence_t four_years = c;
    four_years.months[3] = 48;
    assert_string_equal(s_due(&four_years, 3, "2024-02-29", b), "2028-02-29");
}

static void
s_next_due_bad_input(void **state)
{
    (void) state;
    dom_cadence_t c;
    dom_cadence_default(&c);
    dom_date_t due = 7;
    assert_int_equal(dom_cadence_next_due(NULL, 3, 0, &due), CMN_EINVAL);
    assert_int_equal(dom_cadence_next_due(&c, 3, 0, NULL), CMN_EINVAL);
    assert_int_equal(dom_cadence_next_due(&c, 3, DOM_DATE_NEVER, &due),
                     CMN_EINVAL);
    assert_int_equal(dom_cadence_next_due(&c, 3, DOM_DATE_MAX, &due),
                     CMN_EINVAL); /* past 9999-12-31 */
    c.months[2] = 0;              /* no cadence at level 2 */
    assert_int_equal(dom_cadence_next_due(&c, 2, 0, &due), CMN_EINVAL);
    c.months[2] = -3;
    assert_int_equal(dom_cadence_next_due(&c, 2, 0, &due), CMN_EINVAL);
    assert_int_equal(due, 7); /* untouched */
}

static void
s_parse_overrides(void **state)
{
    (void) state;
    dom_cadence_t c;
    char why[128] = "";
    assert_int_equal(
        dom_cadence_parse("2:24,3:12,4:6,5:6", &c, why, sizeof why), 0);
    assert_int_equal(c.months[2], 24);
    assert_int_equal(c.months[5], 6);
    /* A subset: the rest keep their defaults. */
    assert_int_equal(dom_cadence_parse("2:36", &c, why, sizeof why), 0);
    static const int want[DOM_LEVEL_MAX + 1] = {0, 0, 36, 12, 6, 6};
    for (int l = 0; l <= DOM_LEVEL_MAX; l++)
        assert_int_equal(c.months[l], want[l]);
    /* Any order, blanks around items and colons, 0 for none. */
    assert_int_equal(dom_cadence_parse(" 5 : 3 ,\t2:0", &c, why, sizeof why),
                     0);
    assert_int_equal(c.months[2], 0);
    assert_int_equal(c.months[3], 12);
    assert_int_equal(c.months[5], 3);
    assert_int_equal(dom_cadence_parse("4:120", &c, why, sizeof why), 0);
    assert_int_equal(c.months[4], 120);
    /* Empty text: the defaults. */
    assert_int_equal(dom_cadence_parse("  ", &c, why, sizeof why), 0);
    assert_int_equal(c.months[2], 24);
    assert_string_equal(why, ""); /* written only on failure */
}

static void
s_parse_errors(void **state)
{
    (void) state;
    static const struct {
        const char *text, *why;
    } bad[] = {
        {"1:12", "item 1 \"1:12\": level must be 2..5"},
        {"2:24,6:6", "item 2 \"6:6\": level must be 2..5"},
        {"0:6", "item 1 \"0:6\": level must be 2..5"},
        {"x:6", "item 1 \"x:6\": level must be 2..5"},
        {"3", "item 1 \"3\": expected LEVEL:MONTHS"},
        {"3:12,", "item 2 \"\": expected LEVEL:MONTHS"},
        {",3:12", "item 1 \"\": expected LEVEL:MONTHS"},
        {"3:12,,4:6", "item 2 \"\": expected LEVEL:MONTHS"},
        {"3:", "item 1 \"3:\": months must be a whole number 0..120"},
        {"3:x", "item 1 \"3:x\": months must be a whole number 0..120"},
        {"3:-1", "item 1 \"3:-1\": months must be a whole number 0..120"},
        {"3:121", "item 1 \"3:121\": months must be a whole number 0..120"},
        {"3:1 2", "item 1 \"3:1 2\": months must be a whole number 0..120"},
        {"3:12:1", "item 1 \"3:12:1\": months must be a whole number 0..120"},
        {"3:12,3:6", "item 2 \"3:6\": level 3 appears twice"},
        {"2;24", "item 1 \"2;24\": expected LEVEL:MONTHS"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dom_cadence_t c = {.months = {9, 9, 9, 9, 9, 9}};
        char why[128] = "";
        int rc = dom_cadence_parse(bad[i].text, &c, why, sizeof why);
        if (rc != CMN_EINVAL || strcmp(why, bad[i].why) != 0)
            fail_msg("\"%s\": rc %d, why \"%s\", expected \"%s\"", bad[i].text,
                     rc, why, bad[i].why);
        assert_int_equal(c.months[3], 9); /* untouched */
    }
    dom_cadence_t c;
    assert_int_equal(dom_cadence_parse(NULL, &c, NULL, 0), CMN_EINVAL);
    assert_int_equal(dom_cadence_parse("3:12", NULL, NULL, 0), CMN_EINVAL);
    assert_int_equal(dom_cadence_parse("3:x", &c, NULL, 0), CMN_EINVAL);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_defaults),
        cmocka_unit_test(s_every_level),
        cmocka_unit_test(s_month_ends),
        cmocka_unit_test(s_leap_days),
        cmocka_unit_test(s_next_due_bad_input),
        cmocka_unit_test(s_parse_overrides),
        cmocka_unit_test(s_parse_errors),
    };
    return MLPS_TEST_RUN(tests, argc, argv);
}

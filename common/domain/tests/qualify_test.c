/* qualify_test.c - an institution qualified in a category on a date: each
 * reason a certificate fails, the edges of its validity, several
 * certificates, and malformed input. */
#include "cmn_test/unit.h"
#include "dom/qualify.h"

static dom_date_t
s_day(const char *text)
{
    dom_date_t d = DOM_DATE_NEVER;
    assert_int_equal(dom_date_parse(text, &d), 0);
    return d;
}

/* A good level-evaluation certificate valid 2024-03-01 .. 2027-02-28. */
static dom_qual_cert_t
s_cert(const char *number)
{
    return (dom_qual_cert_t){
        .category = "level_evaluation",
        .level = 2,
        .number = number,
        .issued = s_day("2024-03-01"),
        .expires = s_day("2027-02-28"),
        .suspended = false,
        .surveillance = DOM_SURV_PASSED,
        .surveillance_on = s_day("2025-03-10"),
    };
}

/* rc of the check of certs[0..n) on date; why into why. */
static int
s_check(const dom_qual_cert_t *certs, size_t n, const char *date, char *why,
        size_t whylen)
{
    return dom_qualified_on(certs, n, "level_evaluation", s_day(date), why,
                            whylen);
}

static void
s_valid_certificate(void **state)
{
    (void) state;
    dom_qual_cert_t c = s_cert("CCRC-2024-001");
    char why[256] = "untouched";
    assert_int_equal(s_check(&c, 1, "2026-06-01", why, sizeof why), 0);
    assert_string_equal(why, "untouched"); /* written only on failure */
    c.surveillance = DOM_SURV_NONE;        /* none yet counts as not failed */
    assert_int_equal(s_check(&c, 1, "2024-06-01", why, sizeof why), 0);
}

static void
s_validity_edges(void **state)
{
    (void) state;
    dom_qual_cert_t c = s_cert("A-1");
    char why[256] = "";
    /* The day of issue and the day of expiry both count. */
    assert_int_equal(s_check(&c, 1, "2024-03-01", why, sizeof why), 0);
    assert_int_equal(s_check(&c, 1, "2027-02-28", why, sizeof why), 0);
    /* The day after expiry does not. */
    assert_int_equal(s_check(&c, 1, "2027-03-01", why, sizeof why), CMN_ENOENT);
    assert_string_equal(why, "certificate A-1 expired on 2027-02-28");
    assert_int_equal(s_check(&c, 1, "2030-01-01", why, sizeof why), CMN_ENOENT);
    assert_string_equal(why, "certificate A-1 expired on 2027-02-28");
    /* Nor the day before issue. */
    assert_int_equal(s_check(&c, 1, "2024-02-29", why, sizeof why), CMN_ENOENT);
    assert_string_equal(why, "certificate A-1 is not valid before 2024-03-01");
}

static void
s_suspended(void **state)
{
    (void) state;
    dom_qual_cert_t c = s_cert("A-1");
    c.suspended = true;
    char why[256] = "";
    assert_int_equal(s_check(&c, 1, "2026-06-01", why, sizeof why), CMN_ENOENT);
    assert_string_equal(why, "certificate A-1 is suspended");
}

static void
s_failed_surveillance(void **state)
{
    (void) state;
    dom_qual_cert_t c = s_cert("A-1");
    c.surveillance = DOM_SURV_FAILED;
    c.surveillance_on = s_day("2026-03-10");
    char why[256] = "";
    assert_int_equal(s_check(&c, 1, "2026-06-01", why, sizeof why), CMN_ENOENT);
    assert_string_equal(why,
                        "certificate A-1 failed its annual surveillance on "
                        "2026-03-10");
    /* From the day of the failure; before it the certificate was good. */
    assert_int_equal(s_check(&c, 1, "2026-03-10", why, sizeof why), CMN_ENOENT);
    assert_int_equal(s_check(&c, 1, "2026-03-09", why, sizeof why), 0);
}

static void
s_wrong_category(void **state)
{
    (void) state;
    dom_qual_cert_t c = s_cert("A-1");
    c.category = "risk_assessment";
    char why[256] = "";
    assert_int_equal(s_check(&c, 1, "2026-06-01", why, sizeof why), CMN_ENOENT);
    assert_string_equal(why, "no certificate of category level_evaluation");
    assert_int_equal(s_check(NULL, 0, "2026-06-01", why, sizeof why),
                     CMN_ENOENT);
    assert_string_equal(why, "no certificate of category level_evaluation");
    /* The same certificate in its own category. */
    assert_int_equal(dom_qualified_on(&c, 1, "risk_assessment",
                                      s_day("2026-06-01"), why, sizeof why),
                     0);
}

static void
s_two_certificates(void **state)
{
    (void) state;
    dom_qual_cert_t certs[3] = {s_cert("OLD-1"), s_cert("NEW-2"),
                                s_cert("RISK-3")};
    certs[0].issued = s_day("2021-03-01");
    certs[0].expires = s_day("2024-02-29");
    certs[2].category = "risk_assessment";
    char why[256] = "untouched";
    /* The old one lapsed, the new one qualifies. */
    assert_int_equal(s_check(certs, 3, "2026-06-01", why, sizeof why), 0);
    assert_string_equal(why, "untouched");
    /* Either order. */
    dom_qual_cert_t swapped[2] = {certs[1], certs[0]};
    assert_int_equal(s_check(swapped, 2, "2026-06-01", why, sizeof why), 0);
    /* The day the old one lapsed and the new one starts: no gap. */
    assert_int_equal(s_check(certs, 3, "2024-02-29", why, sizeof why), 0);
    assert_int_equal(s_check(certs, 3, "2024-03-01", why, sizeof why), 0);
    /* Neither: each is named, in order; the other category is not. */
    certs[1].suspended = true;
    assert_int_equal(s_check(certs, 3, "2026-06-01", why, sizeof why),
                     CMN_ENOENT);
    assert_string_equal(why, "certificate OLD-1 expired on 2024-02-29; "
                             "certificate NEW-2 is suspended");
}

static void
s_several_reasons(void **state)
{
    (void) state;
    dom_qual_cert_t c = s_cert("A-1");
    c.suspended = true;
    c.surveillance = DOM_SURV_FAILED;
    c.surveillance_on = s_day("2026-03-10");
    char why[256] = "";
    assert_int_equal(s_check(&c, 1, "2027-03-01", why, sizeof why), CMN_ENOENT);
    assert_string_equal(why, "certificate A-1 expired on 2027-02-28; "
                             "certificate A-1 is suspended; certificate A-1 "
                             "failed its annual surveillance on 2026-03-10");
    /* A short buffer is cut, still NUL-terminated. */
    char tiny[16];
    assert_int_equal(s_check(&c, 1, "2027-03-01", tiny, sizeof tiny),
                     CMN_ENOENT);
    assert_string_equal(tiny, "certificate A-1");
    assert_int_equal(s_check(&c, 1, "2027-03-01", NULL, 0), CMN_ENOENT);
}

static void
s_malformed_input(void **state)
{
    (void) state;
    dom_qual_cert_t good = s_cert("A-1");
    char why[256] = "";
    assert_int_equal(
        dom_qualified_on(&good, 1, NULL, s_day("2026-06-01"), why, sizeof why),
        CMN_EINVAL);
    assert_int_equal(dom_qualified_on(NULL, 1, "level_evaluation",
                                      s_day("2026-06-01"), why, sizeof why),
                     CMN_EINVAL);
    assert_int_equal(dom_qualified_on(&good, 1, "level_evaluation",
                                      DOM_DATE_NEVER, why, sizeof why),
                     CMN_EINVAL);
    assert_string_equal(why, "the date is not a valid date");

    static const struct {
        int field;
        const char *why;
    } bad[] = {
        {0, "certs[1]: has no category"},
        {1, "certs[1]: has no number"},
        {2, "certs[1]: expires before it is issued"},
        {3, "certs[1]: has an issued or expires date that is not a valid "
            "date"},
        {4, "certs[1]: has an unknown surveillance result"},
        {5, "certs[1]: has a surveillance result without a valid date"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dom_qual_cert_t certs[2] = {good, good};
        dom_qual_cert_t *c = &certs[1];
        switch (bad[i].field) {
        case 0:
            c->category = NULL;
            break;
        case 1:
            c->number = NULL;
            break;
        case 2:
            c->expires = c->issued - 1;
            break;
        case 3:
            c->expires = DOM_DATE_NEVER;
            break;
        case 4:
            c->surveillance = (dom_surv_t) 7;
            break;
        case 5:
            c->surveillance_on = DOM_DATE_NEVER;
            break;
        }
        int rc = s_check(certs, 2, "2026-06-01", why, sizeof why);
        if (rc != CMN_EINVAL || strcmp(why, bad[i].why) != 0)
            fail_msg("case %zu: rc %d why \"%s\"", i, rc, why);
    }
    /* A malformed certificate of another category does not matter. */
    dom_qual_cert_t other[2] = {good, good};
    other[1].category = "risk_assessment";
    other[1].number = NULL;
    assert_int_equal(s_check(other, 2, "2026-06-01", why, sizeof why), 0);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_valid_certificate),
        cmocka_unit_test(s_validity_edges),
        cmocka_unit_test(s_suspended),
        cmocka_unit_test(s_failed_surveillance),
        cmocka_unit_test(s_wrong_category),
        cmocka_unit_test(s_two_certificates),
        cmocka_unit_test(s_several_reasons),
        cmocka_unit_test(s_malformed_input),
    };
    return MLPS_TEST_RUN(tests, argc, argv);
}

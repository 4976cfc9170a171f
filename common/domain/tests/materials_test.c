/* materials_test.c - required materials by level and the list of what is
 * missing (outcome B). */
#include "cmn_test/unit.h"
#include "dom/materials.h"

#define S_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Asserts that got[0..n) names exactly want[0..n_want), in that order. */
static void
s_assert_kinds(const dom_material_t *got, size_t n, const char *const *want,
               size_t n_want)
{
    assert_int_equal(n, n_want);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(dom_material_name(got[i]), want[i]);
}

static void
s_assert_required(int level, bool supervisor, const char *const *want,
                  size_t n_want)
{
    dom_material_t out[DOM_MAT_COUNT];
    size_t n = 99;
    assert_int_equal(dom_materials_required(level, supervisor, out, &n), 0);
    s_assert_kinds(out, n, want, n_want);
}

static const char *const s_level2[] = {"filing_form", "electronic_data",
                                       "grading_report", "expert_review"};
static const char *const s_level2_sup[] = {"filing_form", "electronic_data",
                                           "grading_report", "expert_review",
                                           "supervisor_approval"};
static const char *const s_level3[] = {
    "filing_form",       "electronic_data", "grading_report",
    "expert_review",     "topology",        "security_organisation",
    "security_policies", "security_design", "product_list",
    "evaluation_report"};
static const char *const s_level3_sup[] = {
    "filing_form",           "electronic_data",     "grading_report",
    "expert_review",         "supervisor_approval", "topology",
    "security_organisation", "security_policies",   "security_design",
    "product_list",          "evaluation_report"};

static void
s_required_level2(void **state)
{
    (void) state;
    s_assert_required(2, false, s_level2, S_LEN(s_level2));
    s_assert_required(2, true, s_level2_sup, S_LEN(s_level2_sup));
}

static void
s_required_level3_and_up(void **state)
{
    (void) state;
    for (int level = 3; level <= 5; level++) {
        s_assert_required(level, false, s_level3, S_LEN(s_level3));
        s_assert_required(level, true, s_level3_sup, S_LEN(s_level3_sup));
    }
}

static void
s_level_outside_filing(void **state)
{
    (void) state;
    dom_material_t out[DOM_MAT_COUNT];
    size_t n = 99;
    /* Level 1 systems are not filed; 0 and 6 are not levels. */
    assert_int_equal(dom_materials_required(1, false, out, &n), CMN_EINVAL);
    assert_int_equal(dom_materials_required(0, false, out, &n), CMN_EINVAL);
    assert_int_equal(dom_materials_required(6, true, out, &n), CMN_EINVAL);
    assert_int_equal(n, 99);
}

static void
s_missing_level2(void **state)
{
    (void) state;
    dom_material_t missing[DOM_MAT_COUNT];
    size_t n = 99;
    const dom_material_t sub[] = {DOM_MAT_FILING_FORM, DOM_MAT_ELECTRONIC_DATA,
                                  DOM_MAT_GRADING_REPORT};
    assert_int_equal(
        dom_materials_missing(2, false, sub, S_LEN(sub), missing, &n), 0);
    static const char *const want[] = {"expert_review"};
    s_assert_kinds(missing, n, want, S_LEN(want));

    assert_int_equal(
        dom_materials_missing(2, true, sub, S_LEN(sub), missing, &n), 0);
    static const char *const want_sup[] = {"expert_review",
                                           "supervisor_approval"};
    s_assert_kinds(missing, n, want_sup, S_LEN(want_sup));

    /* Complete: nothing missing. */
    const dom_material_t all[] = {DOM_MAT_EXPERT_REVIEW, DOM_MAT_FILING_FORM,
                                  DOM_MAT_GRADING_REPORT,
                                  DOM_MAT_ELECTRONIC_DATA};
    assert_int_equal(
        dom_materials_missing(2, false, all, S_LEN(all), missing, &n), 0);
    assert_int_equal(n, 0);
    /* The same set lacks the approval once a supervisor applies. */
    assert_int_equal(
        dom_materials_missing(2, true, all, S_LEN(all), missing, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(missing[0], DOM_MAT_SUPERVISOR_APPROVAL);
}

static void
s_missing_level3(void **state)
{
    (void) state;
    dom_material_t missing[DOM_MAT_COUNT];
    size_t n = 99;
    /* A level-2 set of materials for a level-3 system, with duplicates and
     * an approval nobody asked for. */
    const dom_material_t sub[] = {
        DOM_MAT_FILING_FORM,    DOM_MAT_ELECTRONIC_DATA,
        DOM_MAT_GRADING_REPORT, DOM_MAT_EXPERT_REVIEW,
        DOM_MAT_FILING_FORM,    DOM_MAT_SUPERVISOR_APPROVAL,
        DOM_MAT_TOPOLOGY};
    assert_int_equal(
        dom_materials_missing(3, false, sub, S_LEN(sub), missing, &n), 0);
    static const char *const want[] = {"security_organisation",
                                       "security_policies", "security_design",
                                       "product_list", "evaluation_report"};
    s_assert_kinds(missing, n, want, S_LEN(want));

    /* Nothing submitted: everything is missing. */
    assert_int_equal(dom_materials_missing(3, true, NULL, 0, missing, &n), 0);
    s_assert_kinds(missing, n, s_level3_sup, S_LEN(s_level3_sup));
}

static void
s_missing_level4(void **state)
{
    (void) state;
    dom_material_t missing[DOM_MAT_COUNT];
    size_t n = 99;
    const dom_material_t sub[] = {
        DOM_MAT_FILING_FORM,       DOM_MAT_ELECTRONIC_DATA,
        DOM_MAT_GRADING_REPORT,    DOM_MAT_EXPERT_REVIEW,
        DOM_MAT_TOPOLOGY,          DOM_MAT_SECURITY_ORGANISATION,
        DOM_MAT_SECURITY_POLICIES, DOM_MAT_SECURITY_DESIGN,
        DOM_MAT_PRODUCT_LIST};
    assert_int_equal(
        dom_materials_missing(4, false, sub, S_LEN(sub), missing, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(missing[0], DOM_MAT_EVALUATION_REPORT);

    assert_int_equal(
        dom_materials_missing(4, true, sub, S_LEN(sub), missing, &n), 0);
    static const char *const want[] = {"supervisor_approval",
                                       "evaluation_report"};
    s_assert_kinds(missing, n, want, S_LEN(want));
}

static void
s_missing_bad_input(void **state)
{
    (void) state;
    dom_material_t missing[DOM_MAT_COUNT];
    size_t n = 99;
    const dom_material_t bad[] = {DOM_MAT_FILING_FORM, DOM_MAT_COUNT};
    assert_int_equal(
        dom_materials_missing(2, false, bad, S_LEN(bad), missing, &n),
        CMN_EINVAL);
    const dom_material_t neg[] = {(dom_material_t) -1};
    assert_int_equal(
        dom_materials_missing(3, false, neg, S_LEN(neg), missing, &n),
        CMN_EINVAL);
    assert_int_equal(dom_materials_missing(3, false, NULL, 2, missing, &n),
                     CMN_EINVAL);
    assert_int_equal(dom_materials_missing(1, false, NULL, 0, missing, &n),
                     CMN_EINVAL);
    assert_int_equal(n, 99);
}

static void
s_names_round_trip(void **state)
{
    (void) state;
    for (int k = 0; k < DOM_MAT_COUNT; k++) {
        const char *name = dom_material_name((dom_material_t) k);
        assert_non_null(name);
        assert_non_null(dom_material_title((dom_material_t) k));
        dom_material_t back = DOM_MAT_COUNT;
        assert_int_equal(dom_material_parse(name, &back), 0);
        assert_int_equal(back, k);
        for (int j = 0; j < k; j++) /* names are distinct */
            assert_string_not_equal(name, dom_material_name(j));
    }
    assert_null(dom_material_name(DOM_MAT_COUNT));
    assert_null(dom_material_title((dom_material_t) -1));
    assert_string_equal(dom_material_title(DOM_MAT_FILING_FORM), "备案表");
}

static void
s_unknown_names(void **state)
{
    (void) state;
    static const char *const unknown[] = {
        "",
        "filing",
        "Filing_Form",
        "filing_form ",
        " topology",
        "topologyx",
        "filing-form",
        "supervisor",
        "expert_reviews",
        "备案表",
    };
    for (size_t i = 0; i < S_LEN(unknown); i++) {
        dom_material_t k = DOM_MAT_PRODUCT_LIST;
        assert_int_equal(dom_material_parse(unknown[i], &k), CMN_EINVAL);
        assert_int_equal(k, DOM_MAT_PRODUCT_LIST); /* untouched */
    }
    dom_material_t k;
    assert_int_equal(dom_material_parse(NULL, &k), CMN_EINVAL);
    assert_int_equal(dom_material_parse("topology", NULL), CMN_EINVAL);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_required_level2),
        cmocka_unit_test(s_required_level3_and_up),
        cmocka_unit_test(s_level_outside_filing),
        cmocka_unit_test(s_missing_level2),
        cmocka_unit_test(s_missing_level3),
        cmocka_unit_test(s_missing_level4),
        cmocka_unit_test(s_missing_bad_input),
        cmocka_unit_test(s_names_round_trip),
        cmocka_unit_test(s_unknown_names),
    };
    return MLPS_TEST_RUN(tests, argc, argv);
}

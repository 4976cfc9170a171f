/* validate_test.c - every kind of field error is named, and collected. */
#include "itk/validate.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cmn_test/unit.h"

#define SHA "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

typedef struct {
    Mlps__V1__Filing f;
    Mlps__V1__Unit u;
    Mlps__V1__Contact c;
    Mlps__V1__Contact *cs[1];
    Mlps__V1__SystemInfo s;
    Mlps__V1__Grading g;
    Mlps__V1__Dimension b, sv;
    Mlps__V1__Material m[3];
    Mlps__V1__Material *ms[3];
} s_fix_t;

static void
s_build(s_fix_t *x)
{
    memset(x, 0, sizeof *x);
    mlps__v1__filing__init(&x->f);
    mlps__v1__unit__init(&x->u);
    mlps__v1__contact__init(&x->c);
    mlps__v1__system_info__init(&x->s);
    mlps__v1__grading__init(&x->g);
    mlps__v1__dimension__init(&x->b);
    mlps__v1__dimension__init(&x->sv);
    x->u.name = "北京市海淀区政务服务管理局";
    x->u.credit_code = "11110108000012345A";
    x->u.region_code = "110108";
    x->u.sector = "government";
    x->u.unit_type = "party/government organ";
    x->u.department = "信息中心";
    x->c.name = "王伟";
    x->c.phone = "010-8888 1234";
    x->c.email = "wangwei@example.gov.cn";
    x->cs[0] = &x->c;
    x->u.n_contacts = 1;
    x->u.contacts = x->cs;
    x->s.name = "政务服务网上办事大厅";
    x->s.system_type = "business system";
    x->s.technology = "web application on PostgreSQL";
    x->s.business = "online government services";
    x->s.service_scope = "district";
    x->s.go_live_date = "2025-06-01";
    x->b.object = MLPS__V1__HARM_OBJECT__CITIZENS;
    x->b.degree = MLPS__V1__HARM_DEGREE__SERIOUS;
    x->b.proposed_level = 2;
    x->sv.object = MLPS__V1__HARM_OBJECT__SOCIAL_ORDER;
    x->sv.degree = MLPS__V1__HARM_DEGREE__GENERAL;
    x->sv.proposed_level = 2;
    x->g.business = &x->b;
    x->g.service = &x->sv;
    x->g.final_level = 2;
    x->g.graded_on = "2026-10-10";
    const char *kinds[3] = {"filing_form", "grading_report", "expert_review"};
    for (int i = 0; i < 3; i++) {
        mlps__v1__material__init(&x->m[i]);
        x->m[i].kind = (char *) kinds[i];
        x->m[i].name = "doc.pdf";
        x->m[i].sha256 = SHA;
        x->ms[i] = &x->m[i];
    }
    x->f.unit = &x->u;
    x->f.system = &x->s;
    x->f.grading = &x->g;
    x->f.n_materials = 3;
    x->f.materials = x->ms;
}

static dom_date_t
s_today(void)
{
    dom_date_t d = 0;
    assert_int_equal(dom_date_parse("2026-11-22", &d), 0);
    return d;
}

static const char *
s_reason_for(const cmn_problem_t *e, const char *field)
{
    for (size_t i = 0; i < e->count; i++)
        if (strcmp(e->items[i].field, field) == 0)
            return e->items[i].reason;
    return NULL;
}

static void
s_valid_filing_passes(void **state)
{
    (void) state;
    s_fix_t x;
    cmn_problem_t e;
    cmn_problem_init(&e);
    s_build(&x);
    assert_int_equal(itk_validate_filing(&x.f, s_today(), &e), 0);
    assert_int_equal(e.count, 0);
}

/* The dates a filing may mention: real days within ITK_YEAR_MIN..MAX. */
static void
s_dates(void **state)
{
    (void) state;
    static const char *const bad[] = {"2026-02-29", "2026-13-01", "2026-1-01",
                                      "20260101",   "1989-12-31", "2101-01-01"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        s_fix_t x;
        cmn_problem_t e;
        cmn_problem_init(&e);
        s_build(&x);
        x.s.go_live_date = (char *) bad[i];
        assert_int_equal(itk_validate_filing(&x.f, s_today(), &e), CMN_EREJECT);
        assert_non_null(s_reason_for(&e, "system.go_live_date"));
    }
    s_fix_t x;
    cmn_problem_t e;
    cmn_problem_init(&e);
    s_build(&x);
    x.s.go_live_date = "2024-02-29";
    assert_int_equal(itk_validate_filing(&x.f, s_today(), &e), 0);
}

static void
s_every_error_is_named_and_collected(void **state)
{
    (void) state;
    s_fix_t x;
    cmn_problem_t e;
    cmn_problem_init(&e);
    s_build(&x);
    x.u.credit_code = "11110108000012345B";
    x.u.region_code = "11010";
    x.c.phone = "call me";
    x.s.go_live_date = "2026-02-30";
    x.b.degree = MLPS__V1__HARM_DEGREE__HARM_DEGREE_UNSPECIFIED;
    x.g.graded_on = "2027-01-01";
    x.m[1].sha256 = "abc";
    x.m[2].kind = "horoscope";
    assert_int_equal(itk_validate_filing(&x.f, s_today(), &e), CMN_EREJECT);
    assert_non_null(s_reason_for(&e, "unit.credit_code"));
    assert_non_null(s_reason_for(&e, "unit.region_code"));
    assert_non_null(s_reason_for(&e, "unit.contacts[0].phone"));
    assert_non_null(s_reason_for(&e, "system.go_live_date"));
    assert_non_null(s_reason_for(&e, "grading.business.degree"));
    assert_string_equal(s_reason_for(&e, "grading.graded_on"),
                        "is in the future");
    assert_non_null(s_reason_for(&e, "materials[1].sha256"));
    assert_non_null(
        strstr(s_reason_for(&e, "materials[2].kind"), "not a known kind"));
    assert_int_equal(e.count, 8);
}

static void
s_level_rules(void **state)
{
    (void) state;
    s_fix_t x;
    cmn_problem_t e;
    cmn_problem_init(&e);
    s_build(&x);
    x.g.final_level = 3; /* not the higher of 2 and 2 */
    assert_int_equal(itk_validate_filing(&x.f, s_today(), &e), CMN_EREJECT);
    assert_non_null(
        strstr(s_reason_for(&e, "grading.final_level"), "higher of the two"));
    memset(&e, 0, sizeof e);
    x.b.proposed_level = 1;
    x.sv.proposed_level = 1;
    x.g.final_level = 1;
    assert_int_equal(itk_validate_filing(&x.f, s_today(), &e), CMN_EREJECT);
    assert_string_equal(s_reason_for(&e, "grading.final_level"),
                        "level 1 systems are not filed");
}

static void
s_materials(void **state)
{
    (void) state;
    s_fix_t x;
    cmn_problem_t e;
    cmn_problem_init(&e);
    s_build(&x);
    x.m[2].kind = "filing_form"; /* listed twice */
    x.m[1].name = "../etc/passwd";
    assert_int_equal(itk_validate_filing(&x.f, s_today(), &e), CMN_EREJECT);
    assert_non_null(strstr(s_reason_for(&e, "materials[2].kind"), "twice"));
    assert_non_null(strstr(s_reason_for(&e, "materials[1].name"), "path"));
    memset(&e, 0, sizeof e);
    x.f.n_materials = 0;
    assert_int_equal(itk_validate_filing(&x.f, s_today(), &e), CMN_EREJECT);
    assert_non_null(s_reason_for(&e, "materials"));
}

static void
s_missing_sections(void **state)
{
    (void) state;
    Mlps__V1__Filing f = MLPS__V1__FILING__INIT;
    cmn_problem_t e;
    cmn_problem_init(&e);
    assert_int_equal(itk_validate_filing(&f, s_today(), &e), CMN_EREJECT);
    assert_string_equal(s_reason_for(&e, "unit"), "is required");
    assert_string_equal(s_reason_for(&e, "system"), "is required");
    assert_string_equal(s_reason_for(&e, "grading"), "is required");
}

/* ESC, CR, LF and other control characters are refused in one-line text,
 * naming the field; a description may hold newlines. */
static void
s_control_characters(void **state)
{
    (void) state;
    s_fix_t x;
    cmn_problem_t e;
    cmn_problem_init(&e);
    s_build(&x);
    x.s.name = "系统\x1b[2J";
    x.u.name = "单位\r\n第二行";
    x.s.business = "第一行\n第二行";
    assert_int_equal(itk_validate_filing(&x.f, s_today(), &e), CMN_EREJECT);
    assert_string_equal(s_reason_for(&e, "system.name"),
                        "must not contain control characters");
    assert_string_equal(s_reason_for(&e, "unit.name"),
                        "must not contain control characters");
    assert_null(s_reason_for(&e, "system.business"));
    assert_int_equal(e.count, 2);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_valid_filing_passes),
        cmocka_unit_test(s_dates),
        cmocka_unit_test(s_every_error_is_named_and_collected),
        cmocka_unit_test(s_level_rules),
        cmocka_unit_test(s_materials),
        cmocka_unit_test(s_missing_sections),
        cmocka_unit_test(s_control_characters),
    };
    return MLPS_TEST_RUN(tests, argc, argv);
}

/* decide_test.c - A, B and C for filings, and what their letters say. */
#include "cmn_test/unit.h"
#include "rvw/decide.h"
#include "rvw/letter.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

typedef struct {
    Mlps__V1__Filing f;
    Mlps__V1__Unit u;
    Mlps__V1__Grading g;
    Mlps__V1__Dimension b, s;
    Mlps__V1__Material m[12];
    Mlps__V1__Material *mp[12];
} s_fix_t;

static void
s_build(s_fix_t *x, int object, int degree, int level, const char *kinds)
{
    memset(x, 0, sizeof *x);
    mlps__v1__filing__init(&x->f);
    mlps__v1__unit__init(&x->u);
    mlps__v1__grading__init(&x->g);
    mlps__v1__dimension__init(&x->b);
    mlps__v1__dimension__init(&x->s);
    x->b.object = (Mlps__V1__HarmObject) object;
    x->b.degree = (Mlps__V1__HarmDegree) degree;
    x->b.proposed_level = (uint32_t) level;
    x->s.object = MLPS__V1__HARM_OBJECT__CITIZENS;
    x->s.degree = MLPS__V1__HARM_DEGREE__GENERAL;
    x->s.proposed_level = 1;
    x->g.business = &x->b;
    x->g.service = &x->s;
    x->g.final_level = (uint32_t) level;
    x->f.unit = &x->u;
    x->f.grading = &x->g;
    static char store[12][32];
    char copy[256];
    size_t n = 0;
    snprintf(copy, sizeof copy, "%s", kinds);
    for (char *t = strtok(copy, " "); t && n < 12; t = strtok(NULL, " ")) {
        mlps__v1__material__init(&x->m[n]);
        snprintf(store[n], sizeof store[n], "%s", t);
        x->m[n].kind = store[n];
        x->mp[n] = &x->m[n];
        n++;
    }
    x->f.n_materials = n;
    x->f.materials = x->mp;
}

#define L2 "filing_form electronic_data grading_report expert_review"
#define L3                                                                  \
    L2 " topology security_organisation security_policies security_design " \
       "product_list evaluation_report"

static void
s_a_when_matrix_agrees_and_materials_complete(void **state)
{
    (void) state;
    s_fix_t x;
    rvw_decision_t d;
    s_build(&x, MLPS__V1__HARM_OBJECT__CITIZENS, MLPS__V1__HARM_DEGREE__SERIOUS,
            2, L2);
    assert_int_equal(rvw_decide_filing(&x.f, &d), 0);
    assert_int_equal(d.outcome, 'A');
    assert_int_equal(d.level, 2);
}

static void
s_b_lists_exactly_what_is_missing(void **state)
{
    (void) state;
    s_fix_t x;
    rvw_decision_t d;
    s_build(&x, MLPS__V1__HARM_OBJECT__SOCIAL_ORDER,
            MLPS__V1__HARM_DEGREE__SERIOUS, 3,
            L2 " security_organisation security_policies security_design "
               "evaluation_report");
    assert_int_equal(rvw_decide_filing(&x.f, &d), 0);
    assert_int_equal(d.outcome, 'B');
    assert_int_equal(d.nmissing, 2);
    assert_int_equal(d.missing[0], DOM_MAT_TOPOLOGY);
    assert_int_equal(d.missing[1], DOM_MAT_PRODUCT_LIST);
    /* a supervising department adds its approval */
    x.u.has_supervisor = true;
    assert_int_equal(rvw_decide_filing(&x.f, &d), 0);
    assert_int_equal(d.nmissing, 3);
}

static void
s_c_when_the_matrix_disagrees(void **state)
{
    (void) state;
    s_fix_t x;
    rvw_decision_t d;
    /* social order, serious harm is level 3: declared 2 */
    s_build(&x, MLPS__V1__HARM_OBJECT__SOCIAL_ORDER,
            MLPS__V1__HARM_DEGREE__SERIOUS, 2, L3);
    assert_int_equal(rvw_decide_filing(&x.f, &d), 0);
    assert_int_equal(d.outcome, 'C');
    assert_int_equal(d.proposed, 2);
    assert_int_equal(d.level, 3);
    assert_true(d.check.info_differs);
    /* C wins over missing materials: the level decides what is needed */
    s_build(&x, MLPS__V1__HARM_OBJECT__SOCIAL_ORDER,
            MLPS__V1__HARM_DEGREE__SERIOUS, 2, "filing_form");
    assert_int_equal(rvw_decide_filing(&x.f, &d), 0);
    assert_int_equal(d.outcome, 'C');
}

static void
s_malformed_grading_refused(void **state)
{
    (void) state;
    s_fix_t x;
    rvw_decision_t d;
    s_build(&x, 0, MLPS__V1__HARM_DEGREE__SERIOUS, 2, L2);
    assert_int_equal(rvw_decide_filing(&x.f, &d), CMN_EINVAL);
    x.f.grading = NULL;
    assert_int_equal(rvw_decide_filing(&x.f, &d), CMN_EINVAL);
}

static void
s_letters(void **state)
{
    (void) state;
    s_fix_t x;
    rvw_decision_t d;
    dom_grading_t g;
    s_build(&x, MLPS__V1__HARM_OBJECT__SOCIAL_ORDER,
            MLPS__V1__HARM_DEGREE__SERIOUS, 2, L2);
    assert_int_equal(rvw_decide_filing(&x.f, &d), 0);
    assert_int_equal(rvw_from_proto(x.f.grading, &g), 0);
    rvw_letter_t l = {.tracking_id = "110100-20261120-00001",
                      .office = "110100",
                      .unit_name = "某单位",
                      .system_name = "某系统",
                      .received_on = "2026-11-20",
                      .issued_on = "2026-11-20",
                      .outcome = 'C',
                      .proposed = 2,
                      .level = 3,
                      .grading = &g,
                      .check = &d.check};
    char *c = rvw_letter_render(&l);
    assert_non_null(c);
    assert_non_null(strstr(c, "定级明显不准确"));
    assert_non_null(strstr(c, "应为第三级"));
    assert_non_null(strstr(c, "2026年11月20日"));
    free(c);

    dom_material_t miss[2] = {DOM_MAT_TOPOLOGY, DOM_MAT_PRODUCT_LIST};
    l.outcome = 'B';
    l.missing = miss;
    l.nmissing = 2;
    char *b = rvw_letter_render(&l);
    assert_non_null(strstr(b, "1. 系统拓扑结构"));
    assert_non_null(strstr(b, "(product_list)") ? strstr(b, "(product_list)")
                                                : strstr(b, "product_list"));
    free(b);

    l.outcome = 'A';
    l.liability = "坚持原定级";
    char *a = rvw_letter_render(&l);
    assert_non_null(strstr(a, "予以备案"));
    assert_non_null(strstr(a, "定级责任告知"));
    free(a);

    l.outcome = 'X';
    assert_null(rvw_letter_render(&l));
}

/* Text from outside never puts a raw control byte in a letter: ESC, CR and
 * LF in a name become spaces; a statement keeps its newlines only. */
static void
s_letter_has_no_control_bytes(void **state)
{
    (void) state;
    rvw_letter_t l = {.tracking_id = "110100-20261120-00001",
                      .office = "110100",
                      .unit_name = "某单位\r\n伪造的一行",
                      .system_name = "某系统\x1b[2J\x07",
                      .received_on = "2026-11-20",
                      .issued_on = "2026-11-20",
                      .outcome = 'A',
                      .proposed = 2,
                      .level = 2,
                      .liability = "第一行\n第二行\x1b",
                      .decided_by = "staff:li\x7f",
                      .reason = "ok\x01"};
    char *a = rvw_letter_render(&l);
    assert_non_null(a);
    for (const char *p = a; *p; p++) {
        unsigned char ch = (unsigned char) *p;
        if ((ch < 0x20 && ch != '\n') || ch == 0x7f)
            fail_msg("control byte 0x%02x at %td", ch, p - a);
    }
    assert_non_null(strstr(a, "某系统 [2J "));
    assert_non_null(strstr(a, "某单位  伪造的一行"));
    assert_non_null(strstr(a, "第一行\n第二行 "));
    free(a);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_a_when_matrix_agrees_and_materials_complete),
        cmocka_unit_test(s_b_lists_exactly_what_is_missing),
        cmocka_unit_test(s_c_when_the_matrix_disagrees),
        cmocka_unit_test(s_malformed_grading_refused),
        cmocka_unit_test(s_letters),
        cmocka_unit_test(s_letter_has_no_control_bytes),
    };
    return MLPS_TEST_RUN(tests, argc, argv);
}

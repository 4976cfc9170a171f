/* select_test.c - eligibility, quorum choice, explanation, earliest session. */
#include "pnl/select.h"
#include "pnl_test.h"

#define UNIT  "91110108MA01ABCD2X" /* the filing unit's credit code */
#define NEVER DOM_DATE_NEVER

static pnl_calendar_t s_cal;
static pnl_rules_t s_rules;

/* A panel of n experts with the default calendar and rules. */
static pnl_panel_t
s_panel(const pnl_expert_t *experts, size_t n)
{
    pnl_calendar_default(&s_cal);
    pnl_rules_default(&s_rules);
    return (pnl_panel_t){.calendar = &s_cal,
                         .rules = &s_rules,
                         .experts = experts,
                         .nexperts = n};
}

static pnl_case_t
s_case(void)
{
    return (pnl_case_t){
        .id = "C-7", .unit_code = UNIT, .arrival = pnl_test_day("2024-05-10")};
}

/* The ids of the experts pick chose, in rank order, as "1 2 3". */
static const char *
s_chosen(const pnl_panel_t *p, const pnl_pick_t *pick)
{
    static char text[128];
    size_t used = 0;
    text[0] = '\0';
    for (size_t k = 0; k < pick->nchosen; k++)
        used += (size_t) snprintf(text + used, sizeof text - used, "%s%lld",
                                  k > 0 ? " " : "",
                                  (long long) p->experts[pick->chosen[k]].id);
    return text;
}

static void
s_conflict_by_employer(void **state)
{
    (void) state;
    dom_date_t thu = pnl_test_day("2024-05-16");
    pnl_expert_t ex[] = {
        {.id = 1,
         .employer = "Beijing Anxin Consulting Co.",
         .last_sat = NEVER},
        {.id = 2, .employer = UNIT, .last_sat = NEVER},
        {.id = 3, .last_sat = NEVER},
        {.id = 4, .employer = " 91110108ma01abcd2x\t", .last_sat = NEVER},
        {.id = 5, .employer = "91110108MA01ABCD2", .last_sat = NEVER},
    };
    pnl_panel_t p = s_panel(ex, 5);
    pnl_case_t c = s_case();
    pnl_pick_t pick;

    assert_int_equal(pnl_select_why(&p, &c, thu, 0), 0); /* an org name */
    assert_int_equal(pnl_select_why(&p, &c, thu, 1), PNL_EXCL_EMPLOYER);
    assert_int_equal(pnl_select_why(&p, &c, thu, 2), 0);
    /* Case and blanks do not hide a conflict; a shorter code is another. */
    assert_int_equal(pnl_select_why(&p, &c, thu, 3), PNL_EXCL_EMPLOYER);
    assert_int_equal(pnl_select_why(&p, &c, thu, 4), 0);

    assert_int_equal(pnl_select_quorum(&p, &c, thu, &pick), 0);
    assert_int_equal(pick.neligible, 3);
    assert_string_equal(s_chosen(&p, &pick), "1 3 5");
}

static void
s_conflict_by_declaration(void **state)
{
    (void) state;
    dom_date_t thu = pnl_test_day("2024-05-16");
    const char *const one[] = {"91110000000000001A", UNIT};
    const char *const other[] = {"91110000000000001A"};
    pnl_expert_t ex[] = {
        {.id = 1, .conflicts = one, .nconflicts = 2, .last_sat = NEVER},
        {.id = 2, .conflicts = other, .nconflicts = 1, .last_sat = NEVER},
        {.id = 3, .last_sat = NEVER},
        {.id = 4,
         .employer = UNIT,
         .conflicts = one,
         .nconflicts = 2,
         .last_sat = NEVER},
        {.id = 5, .last_sat = NEVER},
    };
    pnl_panel_t p = s_panel(ex, 5);
    pnl_case_t c = s_case();
    pnl_pick_t pick;

    assert_int_equal(pnl_select_why(&p, &c, thu, 0), PNL_EXCL_DECLARED);
    assert_int_equal(pnl_select_why(&p, &c, thu, 1), 0);
    assert_int_equal(pnl_select_why(&p, &c, thu, 3),
                     PNL_EXCL_EMPLOYER | PNL_EXCL_DECLARED);
    assert_int_equal(pnl_select_quorum(&p, &c, thu, &pick), 0);
    assert_string_equal(s_chosen(&p, &pick), "2 3 5");

    /* The same expert sits on a case of another unit. */
    c.unit_code = "91110000000000009Z";
    assert_int_equal(pnl_select_quorum(&p, &c, thu, &pick), 0);
    assert_string_equal(s_chosen(&p, &pick), "1 2 3");
}

static void
s_unavailable_date(void **state)
{
    (void) state;
    dom_date_t thu = pnl_test_day("2024-05-16");
    const dom_date_t away[] = {thu - 1, thu, thu + 14};
    pnl_expert_t ex[] = {
        {.id = 1, .unavailable = away, .nunavailable = 3, .last_sat = NEVER},
        {.id = 2, .last_sat = NEVER},
        {.id = 3, .last_sat = NEVER},
        {.id = 4, .last_sat = NEVER},
    };
    pnl_panel_t p = s_panel(ex, 4);
    pnl_case_t c = s_case();
    pnl_pick_t pick;

    assert_int_equal(pnl_select_why(&p, &c, thu, 0), PNL_EXCL_UNAVAILABLE);
    assert_int_equal(pnl_select_quorum(&p, &c, thu, &pick), 0);
    assert_string_equal(s_chosen(&p, &pick), "2 3 4");
    /* Available again the week after. */
    assert_int_equal(pnl_select_why(&p, &c, thu + 7, 0), 0);
    assert_int_equal(pnl_select_quorum(&p, &c, thu + 7, &pick), 0);
    assert_string_equal(s_chosen(&p, &pick), "1 2 3");
}

static void
s_least_recent_first(void **state)
{
    (void) state;
    dom_date_t thu = pnl_test_day("2024-05-16");
    pnl_expert_t ex[] = {
        {.id = 10, .last_sat = pnl_test_day("2024-05-02")},
        {.id = 14, .last_sat = pnl_test_day("2024-05-09")},
        {.id = 13, .last_sat = NEVER},
        {.id = 12, .last_sat = pnl_test_day("2024-04-18")},
        {.id = 11, .last_sat = NEVER},
    };
    pnl_panel_t p = s_panel(ex, 5);
    pnl_case_t c = s_case();
    pnl_pick_t pick;

    /* Never sat first (by id), then the longest ago. */
    assert_int_equal(pnl_select_quorum(&p, &c, thu, &pick), 0);
    assert_string_equal(s_chosen(&p, &pick), "11 13 12");
    s_rules.quorum = 5;
    assert_int_equal(pnl_select_quorum(&p, &c, thu, &pick), 0);
    assert_string_equal(s_chosen(&p, &pick), "11 13 12 10 14");

    /* A seat at an upcoming session counts as a more recent sitting. */
    s_rules.quorum = 3;
    pnl_seat_t seats[] = {{13, thu - 7}};
    p.seats = seats;
    p.nseats = 1;
    assert_int_equal(pnl_select_quorum(&p, &c, thu, &pick), 0);
    assert_string_equal(s_chosen(&p, &pick), "11 12 10");
}

/* Equal dates fall back to the lowest id, whatever the input order. */
static void
s_tie_break_by_id(void **state)
{
    (void) state;
    dom_date_t thu = pnl_test_day("2024-05-16");
    dom_date_t last = pnl_test_day("2024-05-09");
    pnl_expert_t ex[] = {
        {.id = 22, .last_sat = last},
        {.id = 20, .last_sat = last},
        {.id = 23, .last_sat = last},
        {.id = 21, .last_sat = last},
    };
    pnl_expert_t rev[] = {ex[2], ex[0], ex[3], ex[1]};
    pnl_case_t c = s_case();
    pnl_pick_t pick;

    pnl_panel_t p = s_panel(ex, 4);
    assert_int_equal(pnl_select_quorum(&p, &c, thu, &pick), 0);
    assert_string_equal(s_chosen(&p, &pick), "20 21 22");
    p = s_panel(rev, 4);
    assert_int_equal(pnl_select_quorum(&p, &c, thu, &pick), 0);
    assert_string_equal(s_chosen(&p, &pick), "20 21 22");
}

/* Seating the cases of one session in turn, adding each pick to seats,
 * spreads them over the panel. */
static void
s_rotation_within_session(void **state)
{
    (void) state;
    dom_date_t thu = pnl_test_day("2024-05-16");
    pnl_expert_t ex[6];
    for (int i = 0; i < 6; i++)
        ex[i] = (pnl_expert_t){.id = i + 1, .last_sat = NEVER};
    pnl_panel_t p = s_panel(ex, 6);
    pnl_case_t c = s_case();
    pnl_seat_t seats[12];
    const char *expect[] = {"1 2 3", "4 5 6", "1 2 3", "4 5 6"};
    p.seats = seats;

    for (int k = 0; k < 4; k++) {
        pnl_pick_t pick;
        assert_int_equal(pnl_select_quorum(&p, &c, thu, &pick), 0);
        assert_string_equal(s_chosen(&p, &pick), expect[k]);
        for (size_t j = 0; j < pick.nchosen; j++)
            seats[p.nseats++] = (pnl_seat_t){ex[pick.chosen[j]].id, thu};
    }
}

static void
s_quorum_of_3_and_5(void **state)
{
    (void) state;
    dom_date_t thu = pnl_test_day("2024-05-16");
    pnl_expert_t ex[7];
    for (int i = 0; i < 7; i++)
        ex[i] = (pnl_expert_t){.id = 100 + i, .last_sat = NEVER};
    ex[6].employer = UNIT;
    pnl_panel_t p = s_panel(ex, 7);
    pnl_case_t c = s_case();
    pnl_pick_t pick;

    assert_int_equal(pnl_select_quorum(&p, &c, thu, &pick), 0);
    assert_int_equal(pick.quorum, 3);
    assert_int_equal(pick.nchosen, 3);
    assert_int_equal(pick.neligible, 6);
    assert_string_equal(s_chosen(&p, &pick), "100 101 102");

    s_rules.quorum = 5;
    assert_int_equal(pnl_select_quorum(&p, &c, thu, &pick), 0);
    assert_int_equal(pick.nchosen, 5);
    assert_string_equal(s_chosen(&p, &pick), "100 101 102 103 104");

    /* Five eligible of six fill 5 seats, four do not. */
    p.nexperts = 6;
    ex[5].employer = UNIT;
    assert_int_equal(pnl_select_quorum(&p, &c, thu, &pick), 0);
    ex[4].employer = UNIT;
    assert_int_equal(pnl_select_quorum(&p, &c, thu, &pick), CMN_ENOENT);
    assert_int_equal(pick.nchosen, 4);
    assert_int_equal(pick.quorum, 5);
}

static void
s_no_quorum_with_reasons(void **state)
{
    (void) state;
    dom_date_t thu = pnl_test_day("2024-05-16");
    const dom_date_t away[] = {thu};
    const char *const declared[] = {UNIT};
    pnl_expert_t ex[] = {
        {.id = 1, .name = "Wang Fang", .employer = UNIT, .last_sat = NEVER},
        {.id = 2, .conflicts = declared, .nconflicts = 1, .last_sat = NEVER},
        {.id = 3,
         .name = "Li \"Lei\"\n",
         .unavailable = away,
         .nunavailable = 1,
         .last_sat = NEVER},
        {.id = 4, .name = "Zhao Min", .last_sat = NEVER},
        {.id = 5,
         .employer = UNIT,
         .unavailable = away,
         .nunavailable = 1,
         .last_sat = NEVER},
        {.id = 6, .last_sat = NEVER},
    };
    pnl_seat_t seats[] = {{6, thu}, {6, thu + 7}};
    pnl_panel_t p = s_panel(ex, 6);
    p.seats = seats;
    p.nseats = 2;
    s_rules.expert_max_cases = 1;
    pnl_case_t c = s_case();
    pnl_pick_t pick;

    assert_int_equal(pnl_select_why(&p, &c, thu, 5), PNL_EXCL_FULL);
    assert_int_equal(pnl_select_quorum(&p, &c, thu, &pick), CMN_ENOENT);
    assert_int_equal(pick.nchosen, 1);
    assert_int_equal(pick.neligible, 1);
    assert_string_equal(s_chosen(&p, &pick), "4");

    const char *want =
        "no quorum for case \"C-7\" at 2024-05-16: 3 experts needed, 1 of 6 "
        "eligible; excluded: expert 1 \"Wang Fang\" (works for the filing "
        "unit), expert 2 (declared a conflict with the filing unit), expert "
        "3 \"Li ?Lei??\" (unavailable on 2024-05-16), expert 5 (works for the "
        "filing unit, unavailable on 2024-05-16), expert 6 (already full at "
        "this session (limit 1))";
    char buf[512];
    int n = pnl_select_explain(&p, &c, &pick, buf, sizeof buf);
    assert_string_equal(buf, want);
    assert_int_equal(n, (int) strlen(want));

    /* snprintf-style: the length of the whole line, a truncated copy. */
    char small[20];
    assert_int_equal(pnl_select_explain(&p, &c, &pick, small, sizeof small), n);
    assert_string_equal(small, "no quorum for case ");
    assert_int_equal(pnl_select_explain(&p, &c, &pick, NULL, 0), n);

    /* With the limit lifted expert 6 sits; still short of 3. */
    s_rules.expert_max_cases = 0;
    assert_int_equal(pnl_select_quorum(&p, &c, thu, &pick), CMN_ENOENT);
    assert_string_equal(s_chosen(&p, &pick), "4 6");

    /* The explanation of a quorum that formed. */
    s_rules.quorum = 1;
    assert_int_equal(pnl_select_quorum(&p, &c, thu, &pick), 0);
    n = pnl_select_explain(&p, &c, &pick, buf, sizeof buf);
    want = "quorum for case \"C-7\" at 2024-05-16: experts 4; excluded: "
           "expert 1 ";
    assert_int_equal(strncmp(buf, want, strlen(want)), 0);
    assert_int_equal(n, (int) strlen(buf));
}

static void
s_earliest_session(void **state)
{
    (void) state;
    dom_date_t thu = pnl_test_day("2024-05-16");
    const dom_date_t away1[] = {thu, thu + 14};
    const dom_date_t away2[] = {thu};
    pnl_expert_t ex[] = {
        {.id = 1, .unavailable = away1, .nunavailable = 2, .last_sat = NEVER},
        {.id = 2, .unavailable = away2, .nunavailable = 1, .last_sat = NEVER},
        {.id = 3, .last_sat = NEVER},
    };
    pnl_load_t loads[] = {{thu + 7, 5}};
    pnl_panel_t p = s_panel(ex, 3);
    p.loads = loads;
    p.nloads = 1;
    pnl_case_t c = s_case(); /* arrived 2024-05-10 */
    pnl_try_t tries[8];
    size_t ntries = 0;
    dom_date_t d = 0;

    /* 05-16: two away; 05-23: full; 05-30: one away; 06-06: all there. */
    assert_int_equal(pnl_select_earliest(&p, &c, thu, &d, tries, &ntries), 0);
    assert_int_equal(d, thu + 21);
    assert_int_equal(ntries, 4);
    assert_int_equal(tries[0].session, thu);
    assert_int_equal(tries[0].room, 5);
    assert_int_equal(tries[0].neligible, 1);
    assert_int_equal(tries[1].session, thu + 7);
    assert_int_equal(tries[1].room, 0);
    assert_int_equal(tries[1].neligible, 3);
    assert_int_equal(tries[2].neligible, 2);
    assert_int_equal(tries[3].neligible, 3);

    /* Never on or before the day the case arrived. */
    c.arrival = thu + 21;
    assert_int_equal(pnl_select_earliest(&p, &c, thu, &d, NULL, NULL), 0);
    assert_int_equal(d, thu + 28);
    c.arrival = thu - 6;

    /* Within 3 sessions there is none. */
    s_rules.horizon = 3;
    d = 0;
    assert_int_equal(pnl_select_earliest(&p, &c, thu, &d, tries, &ntries),
                     CMN_ENOENT);
    assert_int_equal(ntries, 3);
    assert_int_equal(d, 0);

    /* A conflict no date cures: none within the horizon. */
    s_rules.horizon = 8;
    ex[2].employer = UNIT;
    assert_int_equal(pnl_select_earliest(&p, &c, thu, &d, tries, &ntries),
                     CMN_ENOENT);
    assert_int_equal(ntries, 8);
    assert_int_equal(tries[7].session, thu + 49);
    assert_int_equal(tries[7].neligible, 2);
}

static void
s_invalid_quorum_config(void **state)
{
    (void) state;
    char err[160];
    pnl_rules_t rules;
    const int bad[] = {0, -1, -3, 2, 4, 16, 17};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pnl_rules_default(&rules);
        rules.quorum = bad[i];
        err[0] = '\0';
        assert_int_equal(pnl_rules_check(&rules, err, sizeof err), CMN_ECONFIG);
        char want[160];
        snprintf(want, sizeof want,
                 "\"quorum\" must be an odd number of experts from 1 to 15, "
                 "not %d",
                 bad[i]);
        assert_string_equal(err, want);
    }
    const int good[] = {1, 3, 5, 15};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        pnl_rules_default(&rules);
        rules.quorum = good[i];
        assert_int_equal(pnl_rules_check(&rules, err, sizeof err), 0);
    }
    pnl_rules_default(&rules);
    assert_int_equal(rules.quorum, 3);
    assert_int_equal(rules.horizon, 8);
    rules.expert_max_cases = -1;
    assert_int_equal(pnl_rules_check(&rules, err, sizeof err), CMN_ECONFIG);
    assert_non_null(strstr(err, "\"expert_max_cases\""));
    pnl_rules_default(&rules);
    rules.horizon = 0;
    assert_int_equal(pnl_rules_check(&rules, NULL, 0), CMN_ECONFIG);

    /* Selection refuses to run on a bad configuration. */
    pnl_expert_t ex[] = {{.id = 1, .last_sat = NEVER},
                         {.id = 2, .last_sat = NEVER}};
    pnl_panel_t p = s_panel(ex, 2);
    pnl_case_t c = s_case();
    pnl_pick_t pick;
    dom_date_t d;
    s_rules.quorum = 2;
    assert_int_equal(pnl_select_quorum(&p, &c, c.arrival + 6, &pick),
                     CMN_ECONFIG);
    assert_int_equal(pick.nchosen, 0);
    assert_int_equal(pnl_select_earliest(&p, &c, 0, &d, NULL, NULL),
                     CMN_ECONFIG);
}

static void
s_bad_input(void **state)
{
    (void) state;
    dom_date_t thu = pnl_test_day("2024-05-16");
    pnl_expert_t ex[] = {{.id = 1, .last_sat = NEVER},
                         {.id = 2, .last_sat = NEVER},
                         {.id = 1, .last_sat = NEVER}};
    pnl_panel_t p = s_panel(ex, 3);
    pnl_case_t c = s_case();
    pnl_pick_t pick;

    assert_int_equal(pnl_select_quorum(&p, &c, thu, &pick), CMN_EINVAL);
    p.nexperts = 2;
    assert_int_equal(pnl_select_quorum(&p, &c, thu, &pick), CMN_ENOENT);
    c.unit_code = " ";
    assert_int_equal(pnl_select_quorum(&p, &c, thu, &pick), CMN_EINVAL);
    c.unit_code = NULL;
    assert_int_equal(pnl_select_quorum(&p, &c, thu, &pick), CMN_EINVAL);
    c = s_case();
    ex[0].nconflicts = 1; /* conflicts is NULL */
    assert_int_equal(pnl_select_quorum(&p, &c, thu, &pick), CMN_EINVAL);
    ex[0].nconflicts = 0;
    ex[0].last_sat = DOM_DATE_MAX + 1;
    assert_int_equal(pnl_select_quorum(&p, &c, thu, &pick), CMN_EINVAL);
    ex[0].last_sat = NEVER;
    assert_int_equal(pnl_select_quorum(&p, &c, NEVER, &pick), CMN_EINVAL);
    p.nseats = 1; /* seats is NULL */
    assert_int_equal(pnl_select_quorum(&p, &c, thu, &pick), CMN_EINVAL);
    p.nseats = 0;
    assert_int_equal(pnl_select_quorum(&p, &c, thu, NULL), CMN_EINVAL);

    /* A pick that does not belong to the panel is not explained. */
    assert_int_equal(pnl_select_quorum(&p, &c, thu, &pick), CMN_ENOENT);
    pick.chosen[0] = 2;
    assert_int_equal(pnl_select_explain(&p, &c, &pick, NULL, 0), CMN_EINVAL);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_conflict_by_employer),
        cmocka_unit_test(s_conflict_by_declaration),
        cmocka_unit_test(s_unavailable_date),
        cmocka_unit_test(s_least_recent_first),
        cmocka_unit_test(s_tie_break_by_id),
        cmocka_unit_test(s_rotation_within_session),
        cmocka_unit_test(s_quorum_of_3_and_5),
        cmocka_unit_test(s_no_quorum_with_reasons),
        cmocka_unit_test(s_earliest_session),
        cmocka_unit_test(s_invalid_quorum_config),
        cmocka_unit_test(s_bad_input),
    };
    return PNL_TEST_RUN(tests, argc, argv);
}

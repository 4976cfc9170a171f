/* decide_test.c - the strict-majority decision over opinions. */
#include "pnl/decide.h"
#include "pnl_test.h"

#include <stdlib.h>

static const int64_t s_three[] = {1, 2, 3};
static const int64_t s_five[] = {1, 2, 3, 4, 5};

static pnl_opinion_t
s_confirm(int64_t id)
{
    return (pnl_opinion_t){id, PNL_STANCE_CONFIRM, 0, NULL};
}

static pnl_opinion_t
s_adjust(int64_t id, int level)
{
    return (pnl_opinion_t){id, PNL_STANCE_ADJUST, level, "matrix misapplied"};
}

/* Tallies the ballot, which must be well formed, into *d. */
static void
s_tally(int proposed, const int64_t *seated, size_t nseated,
        const pnl_opinion_t *ops, size_t nops, pnl_decision_t *d)
{
    pnl_ballot_t b = {proposed, seated, nseated, ops, nops};
    char err[160] = "";
    if (pnl_decide_tally(&b, d, err, sizeof err) != 0)
        fail_msg("ballot refused: %s", err);
}

static const char *
s_format(const pnl_decision_t *d)
{
    static char text[256];
    int n = pnl_decide_format(d, text, sizeof text);
    assert_int_equal(n, (int) strlen(text));
    return text;
}

static void
s_majority_confirm(void **state)
{
    (void) state;
    pnl_decision_t d;
    pnl_opinion_t ops[] = {s_confirm(1), s_adjust(2, 4), s_confirm(3)};
    s_tally(3, s_three, 3, ops, 3, &d);
    assert_int_equal(d.outcome, PNL_DECISION_CONFIRM);
    assert_int_equal(d.level, 3);
    assert_int_equal(d.nconfirm, 2);
    assert_int_equal(d.nadjust[4], 1);
    assert_int_equal(d.needed, 2);
    assert_string_equal(s_format(&d), "level 3 confirmed by 2 of 3 seated "
                                      "experts, 2 needed (confirm level 3: "
                                      "2, level 4: 1)");

    /* Five seated: three confirm against two who agree with each other. */
    pnl_opinion_t five[] = {s_adjust(1, 2), s_confirm(2), s_adjust(3, 2),
                            s_confirm(4), s_confirm(5)};
    s_tally(3, s_five, 5, five, 5, &d);
    assert_int_equal(d.outcome, PNL_DECISION_CONFIRM);
    assert_int_equal(d.level, 3);
    assert_int_equal(d.needed, 3);

    /* A majority stands before the last opinion is in. */
    s_tally(3, s_three, 3, ops + 2, 1, &d);
    assert_int_equal(d.outcome, PNL_DECISION_PENDING);
    pnl_opinion_t two[] = {s_confirm(3), s_confirm(1)};
    s_tally(3, s_three, 3, two, 2, &d);
    assert_int_equal(d.outcome, PNL_DECISION_CONFIRM);
}

static void
s_majority_adjust(void **state)
{
    (void) state;
    pnl_decision_t d;
    pnl_opinion_t ops[] = {s_adjust(1, 3), s_confirm(2), s_adjust(3, 3)};
    s_tally(2, s_three, 3, ops, 3, &d);
    assert_int_equal(d.outcome, PNL_DECISION_ADJUST);
    assert_int_equal(d.level, 3);
    assert_int_equal(d.nadjust[3], 2);
    assert_string_equal(s_format(&d), "adjusted to level 3 by 2 of 3 seated "
                                      "experts, 2 needed (confirm level 2: "
                                      "1, level 3: 2)");

    /* Downwards too; five seated, three name level 1. */
    pnl_opinion_t five[] = {s_adjust(5, 1), s_adjust(4, 2), s_adjust(1, 1),
                            s_confirm(2), s_adjust(3, 1)};
    s_tally(3, s_five, 5, five, 5, &d);
    assert_int_equal(d.outcome, PNL_DECISION_ADJUST);
    assert_int_equal(d.level, 1);

    /* Quorum of one. */
    static const int64_t one[] = {7};
    pnl_opinion_t solo[] = {s_adjust(7, 4)};
    s_tally(3, one, 1, solo, 1, &d);
    assert_int_equal(d.outcome, PNL_DECISION_ADJUST);
    assert_int_equal(d.level, 4);
}

/* Adjusting experts who name different levels back different outcomes. */
static void
s_split_opinions(void **state)
{
    (void) state;
    pnl_decision_t d;
    pnl_opinion_t ops[] = {s_confirm(1), s_adjust(2, 3), s_adjust(3, 4)};
    s_tally(2, s_three, 3, ops, 3, &d);
    assert_int_equal(d.outcome, PNL_DECISION_NO_MAJORITY);
    assert_int_equal(d.level, 0);
    assert_string_equal(s_format(&d),
                        "no majority among 3 seated experts, 2 needed "
                        "(confirm level 2: 1, level 3: 1, level 4: 1); "
                        "another session must decide");

    /* Two of three want a change but not the same one. */
    pnl_opinion_t apart[] = {s_adjust(1, 3), s_adjust(2, 4), s_confirm(3)};
    s_tally(2, s_three, 3, apart, 2, &d); /* third still out */
    assert_int_equal(d.outcome, PNL_DECISION_PENDING);
    assert_string_equal(s_format(&d),
                        "pending: 2 of 3 opinions in, 2 needed (confirm "
                        "level 2: 0, level 3: 1, level 4: 1)");
    s_tally(2, s_three, 3, apart, 3, &d);
    assert_int_equal(d.outcome, PNL_DECISION_NO_MAJORITY);

    /* Five: three for a change, split 2 / 1; two confirm. */
    pnl_opinion_t five[] = {s_confirm(1), s_adjust(2, 3), s_adjust(3, 3),
                            s_adjust(4, 4), s_confirm(5)};
    s_tally(2, s_five, 5, five, 5, &d);
    assert_int_equal(d.outcome, PNL_DECISION_NO_MAJORITY);

    /* Four of five in, all different: the fifth cannot make 3. */
    pnl_opinion_t spread[] = {s_confirm(1), s_adjust(2, 3), s_adjust(3, 4),
                              s_adjust(4, 5)};
    s_tally(2, s_five, 5, spread, 4, &d);
    assert_int_equal(d.outcome, PNL_DECISION_NO_MAJORITY);

    /* Nobody has spoken yet. */
    s_tally(2, s_five, 5, NULL, 0, &d);
    assert_int_equal(d.outcome, PNL_DECISION_PENDING);
}

/* Each malformed ballot is refused with a message naming the field. */
static void
s_invalid_ballot(void **state)
{
    (void) state;
    static const int64_t twice[] = {1, 2, 1};
    pnl_opinion_t ok[] = {s_confirm(1)};
    pnl_opinion_t stranger[] = {s_confirm(9)};
    pnl_opinion_t dup[] = {s_confirm(2), s_adjust(2, 4)};
    pnl_opinion_t same[] = {s_adjust(1, 2)};
    pnl_opinion_t bad_level[] = {s_adjust(1, 6)};
    pnl_opinion_t no_reason[] = {{1, PNL_STANCE_ADJUST, 3, " \n"}};
    pnl_opinion_t bad_stance[] = {{1, (pnl_stance_t) 0, 3, "x"}};
    struct {
        pnl_ballot_t b;
        const char *err;
    } cases[] = {
        {{2, s_three, 2, ok, 1},
         "\"nseated\" must be an odd number from 1 to 15, not 2"},
        {{2, s_three, 0, NULL, 0},
         "\"nseated\" must be an odd number from 1 to 15, not 0"},
        {{0, s_three, 3, ok, 1},
         "\"proposed\" must be a level from 1 to 5, not 0"},
        {{2, twice, 3, ok, 1}, "\"seated[2]\": expert 1 is seated twice"},
        {{2, s_three, 3, stranger, 1},
         "opinions[0]: expert 9 is not seated on this case"},
        {{2, s_three, 3, dup, 2},
         "opinions[1]: expert 2 already gave opinions[0]"},
        {{2, s_three, 3, same, 1},
         "\"opinions[0].level\" 2 is the proposed level: that is a "
         "confirmation, not an adjustment"},
        {{2, s_three, 3, bad_level, 1},
         "\"opinions[0].level\" must be from 1 to 5, not 6"},
        {{2, s_three, 3, no_reason, 1},
         "\"opinions[0].reasons\" must not be empty when adjusting"},
        {{2, s_three, 3, bad_stance, 1},
         "\"opinions[0].stance\" must be confirm or adjust, not 0"},
        {{2, NULL, 3, ok, 1}, "\"seated\" or \"opinions\" is missing"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pnl_decision_t d = {.outcome = PNL_DECISION_CONFIRM, .level = 2};
        char err[160] = "";
        assert_int_equal(pnl_decide_tally(&cases[i].b, &d, err, sizeof err),
                         CMN_EINVAL);
        assert_string_equal(err, cases[i].err);
        assert_int_equal(d.outcome, 0); /* zeroed: never half a decision */
        assert_int_equal(d.level, 0);
    }
    pnl_decision_t d;
    assert_int_equal(pnl_decide_tally(NULL, &d, NULL, 0), CMN_EINVAL);
    d.outcome = (pnl_outcome_t) 9;
    assert_int_equal(pnl_decide_format(&d, NULL, 0), CMN_EINVAL);
}

/* The letter's reasons: the majority's only, in order, each text once. */
static void
s_majority_reasons(void **state)
{
    (void) state;
    pnl_opinion_t ops[5] = {
        {1, PNL_STANCE_ADJUST, 3, "matrix misapplied"},
        {2, PNL_STANCE_ADJUST, 4, "national security harmed"},
        {3, PNL_STANCE_ADJUST, 3, "matrix misapplied"},
        {4, PNL_STANCE_CONFIRM, 0, "the unit graded it right"},
        {5, PNL_STANCE_ADJUST, 3, "public interest, not citizens"},
    };
    pnl_decision_t d;
    s_tally(2, s_five, 5, ops, 5, &d);
    assert_int_equal(d.outcome, PNL_DECISION_ADJUST);
    char *r = pnl_decide_reasons(ops, 5, &d);
    assert_non_null(r);
    assert_string_equal(r, "matrix misapplied; public interest, not citizens");
    free(r);

    /* A confirmation: the confirming experts' reasons, none of the
     * adjusting one's; none given at all is "". */
    pnl_opinion_t conf[3] = {s_confirm(1), s_adjust(2, 3), s_confirm(3)};
    s_tally(2, s_three, 3, conf, 3, &d);
    assert_int_equal(d.outcome, PNL_DECISION_CONFIRM);
    r = pnl_decide_reasons(conf, 3, &d);
    assert_non_null(r);
    assert_string_equal(r, "");
    free(r);
    conf[2].reasons = "the matrix gives 2";
    r = pnl_decide_reasons(conf, 3, &d);
    assert_string_equal(r, "the matrix gives 2");
    free(r);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_majority_confirm),
        cmocka_unit_test(s_majority_adjust),
        cmocka_unit_test(s_split_opinions),
        cmocka_unit_test(s_invalid_ballot),
        cmocka_unit_test(s_majority_reasons),
    };
    return PNL_TEST_RUN(tests, argc, argv);
}

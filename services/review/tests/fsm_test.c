/* fsm_test.c - walks the whole review transition table. */
#include "rvw/fsm.h"

#include "cmn_test/unit.h"
#include <stdio.h>
#include <string.h>

/* What fsm.h promises, one row per state: each event's action and, for a
 * move, the states it may reach ("accepted|incomplete"). */
static const char *const s_expected[RVW_ST_COUNT][RVW_EV_COUNT] = {
    [RVW_ST_NONE] = {"decide:pending|accepted|incomplete|panel", "refuse",
                     "refuse", "refuse", "refuse", "refuse", "refuse"},
    [RVW_ST_PENDING] = {"repeat", "ignore", "ignore", "ignore", "ignore",
                        "judge:accepted|incomplete|panel",
                        "decide:pending|accepted|incomplete|panel"},
    [RVW_ST_ACCEPTED] = {"repeat", "ignore", "ignore", "ignore", "ignore",
                         "refuse", "ignore"},
    [RVW_ST_INCOMPLETE] = {"repeat", "settle:pending|accepted|incomplete",
                           "ignore", "ignore", "ignore", "refuse", "ignore"},
    [RVW_ST_PANEL] = {"repeat", "ignore", "settle:pending|accepted|incomplete",
                      "settle:pending|accepted|incomplete|closed",
                      "escalate:escalated", "refuse", "ignore"},
    [RVW_ST_ESCALATED] = {"repeat", "ignore",
                          "settle:pending|accepted|incomplete",
                          "settle:pending|accepted|incomplete|closed", "ignore",
                          "judge:accepted|incomplete", "ignore"},
    [RVW_ST_CLOSED] = {"repeat", "ignore", "ignore", "ignore", "ignore",
                       "refuse", "ignore"},
};

static void
s_describe(const rvw_step_t *st, char *buf, size_t len)
{
    size_t at = (size_t) snprintf(buf, len, "%s", rvw_act_name(st->act));
    const char *sep = ":";
    for (int s = 0; s < RVW_ST_COUNT; s++) {
        if (rvw_fsm_allows(st, (rvw_state_t) s)) {
            at += (size_t) snprintf(buf + at, len - at, "%s%s", sep,
                                    rvw_state_name((rvw_state_t) s));
            sep = "|";
        }
    }
}

static void
s_whole_table(void **state)
{
    (void) state;
    char got[128];
    for (int s = 0; s < RVW_ST_COUNT; s++) {
        for (int e = 0; e < RVW_EV_COUNT; e++) {
            const rvw_step_t *st =
                rvw_fsm_step((rvw_state_t) s, (rvw_event_t) e);
            assert_non_null(st);
            s_describe(st, got, sizeof got);
            if (strcmp(got, s_expected[s][e]) != 0)
                fail_msg("state %s, event %s: got %s, want %s",
                         rvw_state_name((rvw_state_t) s),
                         rvw_event_name((rvw_event_t) e), got,
                         s_expected[s][e]);
            bool moves =
                st->act == RVW_ACT_DECIDE || st->act == RVW_ACT_SETTLE ||
                st->act == RVW_ACT_ESCALATE || st->act == RVW_ACT_JUDGE;
            /* A move names where it may go and needs no reason; a refusal
             * or an ignored message says why and goes nowhere. */
            assert_true(moves ? st->next != 0 : st->next == 0);
            assert_true(moves || (st->why != NULL && st->why[0] != '\0'));
            assert_false(rvw_fsm_allows(st, RVW_ST_NONE));
        }
    }
}

static void
s_names_round_trip(void **state)
{
    (void) state;
    for (int s = RVW_ST_NONE + 1; s < RVW_ST_COUNT; s++) {
        rvw_state_t back = RVW_ST_NONE;
        assert_int_equal(
            rvw_state_parse(rvw_state_name((rvw_state_t) s), &back), 0);
        assert_int_equal(back, s);
    }
    rvw_state_t x = RVW_ST_PANEL;
    assert_int_equal(rvw_state_parse("", &x), CMN_EINVAL);
    assert_int_equal(rvw_state_parse("Accepted", &x), CMN_EINVAL);
    assert_int_equal(rvw_state_parse(NULL, &x), CMN_EINVAL);
    assert_int_equal(x, RVW_ST_PANEL);
    assert_null(rvw_state_name(RVW_ST_COUNT));
    assert_null(rvw_event_name(RVW_EV_COUNT));
}

static void
s_out_of_range_refuses(void **state)
{
    (void) state;
    assert_int_equal(rvw_fsm_step(RVW_ST_COUNT, RVW_EV_FILING)->act,
                     RVW_ACT_REFUSE);
    assert_int_equal(rvw_fsm_step(RVW_ST_PANEL, RVW_EV_COUNT)->act,
                     RVW_ACT_REFUSE);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_whole_table),
        cmocka_unit_test(s_names_round_trip),
        cmocka_unit_test(s_out_of_range_refuses),
    };
    return MLPS_TEST_RUN(tests, argc, argv);
}

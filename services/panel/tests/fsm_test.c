/* fsm_test.c - walks the whole panel transition table. */
#include "pnl/fsm.h"
#include "pnl_test.h"

/* What fsm.h promises: each event's action in each state and, for a move,
 * the states it may reach. */
static const char *const s_expected[PNL_ST_COUNT][PNL_EV_COUNT] = {
    [PNL_ST_NONE] = {"place:scheduled|escalated", "refuse", "refuse", "refuse"},
    [PNL_ST_SCHEDULED] = {"repeat", "tally:scheduled|decided|escalated",
                          "tally:scheduled|decided|escalated",
                          "withdraw:withdrawn"},
    [PNL_ST_DECIDED] = {"repeat", "refuse", "ignore", "ignore"},
    [PNL_ST_ESCALATED] = {"repeat", "refuse", "ignore", "withdraw:withdrawn"},
    [PNL_ST_WITHDRAWN] = {"repeat", "refuse", "ignore", "ignore"},
};

static void
s_describe(const pnl_step_t *st, char *buf, size_t len)
{
    size_t at = (size_t) snprintf(buf, len, "%s", pnl_act_name(st->act));
    const char *sep = ":";
    for (int s = 0; s < PNL_ST_COUNT; s++) {
        if (pnl_fsm_allows(st, (pnl_state_t) s)) {
            at += (size_t) snprintf(buf + at, len - at, "%s%s", sep,
                                    pnl_state_name((pnl_state_t) s));
            sep = "|";
        }
    }
}

static void
s_whole_table(void **state)
{
    (void) state;
    char got[128];
    for (int s = 0; s < PNL_ST_COUNT; s++) {
        for (int e = 0; e < PNL_EV_COUNT; e++) {
            const pnl_step_t *st =
                pnl_fsm_step((pnl_state_t) s, (pnl_event_t) e);
            s_describe(st, got, sizeof got);
            if (strcmp(got, s_expected[s][e]) != 0)
                fail_msg("state %s, event %s: got %s, want %s",
                         pnl_state_name((pnl_state_t) s),
                         pnl_event_name((pnl_event_t) e), got,
                         s_expected[s][e]);
            bool moves = st->act == PNL_ACT_PLACE || st->act == PNL_ACT_TALLY ||
                         st->act == PNL_ACT_WITHDRAW;
            assert_true(moves ? st->next != 0 : st->next == 0);
            assert_true(moves || (st->why != NULL && st->why[0] != '\0'));
            assert_false(pnl_fsm_allows(st, PNL_ST_NONE));
        }
    }
}

static void
s_names_round_trip(void **state)
{
    (void) state;
    for (int s = PNL_ST_NONE + 1; s < PNL_ST_COUNT; s++) {
        pnl_state_t back = PNL_ST_NONE;
        assert_int_equal(
            pnl_state_parse(pnl_state_name((pnl_state_t) s), &back), 0);
        assert_int_equal(back, s);
    }
    pnl_state_t x = PNL_ST_DECIDED;
    assert_int_equal(pnl_state_parse("open", &x), CMN_EINVAL);
    assert_int_equal(pnl_state_parse("", &x), CMN_EINVAL);
    assert_int_equal(x, PNL_ST_DECIDED);
    assert_int_equal(pnl_fsm_step(PNL_ST_COUNT, PNL_EV_OPINION)->act,
                     PNL_ACT_REFUSE);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_whole_table),
        cmocka_unit_test(s_names_round_trip),
    };
    return PNL_TEST_RUN(tests, argc, argv);
}

/* fsm_test.c - walks the whole evaluation transition table. */
#include "evl/fsm.h"
#include "evl_test.h"

#define W "start:choosing|proposed|escalated"

/* What fsm.h promises, by hand: each event's action in each state and,
 * for a move, the states it may reach. Columns: CaseAccepted, choice,
 * assignment, report, plan, plan review, completion, due, overdue,
 * proposal again. */
static const char *const s_expected[EVL_ST_COUNT][EVL_EV_COUNT] = {
    [EVL_ST_NONE] = {W, "refuse", "refuse", "refuse", "refuse", "refuse",
                     "refuse", "refuse", "refuse", "refuse"},
    [EVL_ST_CHOOSING] = {W, "engage:assigned", "refuse", "refuse", "refuse",
                         "refuse", "refuse", "ignore", "flag:choosing",
                         "ignore"},
    [EVL_ST_PROPOSED] = {W, "refuse", "engage:assigned", "refuse", "refuse",
                         "refuse", "refuse", "ignore", "flag:proposed",
                         "propose:proposed|escalated"},
    [EVL_ST_ESCALATED] = {W, "refuse", "engage:assigned", "refuse", "refuse",
                          "refuse", "refuse", "ignore", "flag:escalated",
                          "propose:proposed|escalated"},
    [EVL_ST_ASSIGNED] = {"relevel:assigned", "refuse", "refuse",
                         "conclude:evaluated|rectification", "refuse", "refuse",
                         "refuse", "ignore", "flag:assigned", "ignore"},
    [EVL_ST_EVALUATED] = {"relevel:evaluated", "refuse", "refuse", "refuse",
                          "refuse", "refuse", "refuse", W, "ignore", "ignore"},
    [EVL_ST_RECTIFICATION] = {"relevel:rectification", "refuse", "refuse",
                              "refuse", "plan:plan_review|rectifying", "refuse",
                              "refuse", "ignore", "flag:rectification",
                              "ignore"},
    [EVL_ST_PLAN_REVIEW] = {"relevel:plan_review", "refuse", "refuse", "refuse",
                            "refuse", "review:rectification|rectifying",
                            "refuse", "ignore", "flag:plan_review", "ignore"},
    [EVL_ST_RECTIFYING] = {"relevel:rectifying", "refuse", "refuse", "refuse",
                           "refuse", "refuse", W, "ignore", "flag:rectifying",
                           "ignore"},
};

static void
s_describe(const evl_step_t *st, char *buf, size_t len)
{
    size_t at = (size_t) snprintf(buf, len, "%s", evl_act_name(st->act));
    const char *sep = ":";
    for (int s = 0; s < EVL_ST_COUNT; s++) {
        if (evl_fsm_allows(st, (evl_state_t) s)) {
            at += (size_t) snprintf(buf + at, len - at, "%s%s", sep,
                                    evl_state_name((evl_state_t) s));
            sep = "|";
        }
    }
}

static void
s_whole_table(void **state)
{
    (void) state;
    char got[128];
    for (int s = 0; s < EVL_ST_COUNT; s++) {
        for (int e = 0; e < EVL_EV_COUNT; e++) {
            const evl_step_t *st =
                evl_fsm_step((evl_state_t) s, (evl_event_t) e);
            s_describe(st, got, sizeof got);
            if (strcmp(got, s_expected[s][e]) != 0)
                fail_msg("state %s, event %s: got %s, want %s",
                         evl_state_name((evl_state_t) s),
                         evl_event_name((evl_event_t) e), got,
                         s_expected[s][e]);
            bool moves = st->act != EVL_ACT_REFUSE && st->act != EVL_ACT_IGNORE;
            assert_true(moves ? st->next != 0 : st->next == 0);
            assert_true(moves || (st->why != NULL && st->why[0] != '\0'));
            assert_false(evl_fsm_allows(st, EVL_ST_NONE));
        }
    }
}

/* A flag or a relevel keeps the state it is in; only the waiting states
 * wait for an institution. */
static void
s_stays_and_waits(void **state)
{
    (void) state;
    for (int s = 1; s < EVL_ST_COUNT; s++) {
        const evl_step_t *o = evl_fsm_step((evl_state_t) s, EVL_EV_OVERDUE);
        if (o->act == EVL_ACT_FLAG)
            assert_int_equal(o->next, 1u << s);
        const evl_step_t *a = evl_fsm_step((evl_state_t) s, EVL_EV_ACCEPTED);
        if (a->act == EVL_ACT_RELEVEL)
            assert_int_equal(a->next, 1u << s);
        bool waiting = s == EVL_ST_CHOOSING || s == EVL_ST_PROPOSED ||
                       s == EVL_ST_ESCALATED;
        assert_int_equal(evl_state_waiting((evl_state_t) s), waiting);
        /* A new level restarts a waiting round; it never drops an
         * institution that is engaged. */
        assert_int_equal(a->act == EVL_ACT_START, waiting);
    }
    assert_false(evl_state_waiting(EVL_ST_NONE));
    assert_false(evl_state_waiting(EVL_ST_COUNT));
}

static void
s_names_round_trip(void **state)
{
    (void) state;
    for (int s = EVL_ST_NONE + 1; s < EVL_ST_COUNT; s++) {
        evl_state_t back = EVL_ST_NONE;
        assert_int_equal(
            evl_state_parse(evl_state_name((evl_state_t) s), &back), 0);
        assert_int_equal(back, s);
    }
    evl_state_t x = EVL_ST_ASSIGNED;
    assert_int_equal(evl_state_parse("open", &x), CMN_EINVAL);
    assert_int_equal(evl_state_parse("", &x), CMN_EINVAL);
    assert_int_equal(evl_state_parse(NULL, &x), CMN_EINVAL);
    assert_int_equal(x, EVL_ST_ASSIGNED);
    assert_null(evl_state_name(EVL_ST_COUNT));
    assert_null(evl_event_name(EVL_EV_COUNT));
    assert_null(evl_act_name((evl_act_t) 99));
    assert_int_equal(evl_fsm_step(EVL_ST_COUNT, EVL_EV_REPORT)->act,
                     EVL_ACT_REFUSE);
    assert_int_equal(evl_fsm_step(EVL_ST_ASSIGNED, EVL_EV_COUNT)->act,
                     EVL_ACT_REFUSE);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_whole_table),
        cmocka_unit_test(s_stays_and_waits),
        cmocka_unit_test(s_names_round_trip),
    };
    return MLPS_TEST_RUN(tests, argc, argv);
}

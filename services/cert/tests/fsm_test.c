/* fsm_test.c - walks the whole certificate case transition table. */
#include "cmn_test/unit.h"
#include "crt/fsm.h"

/* What fsm.h promises: each event's action in each state and, for a move,
 * the states it may reach. */
static const char *const s_expected[CRT_ST_COUNT][CRT_EV_COUNT] = {
    [CRT_ST_NONE] = {"decide:waiting|issuing", "record", "refuse", "refuse",
                     "refuse"},
    [CRT_ST_WAITING] = {"decide:waiting|issuing", "decide:waiting|issuing",
                        "refuse", "refuse", "refuse"},
    [CRT_ST_ISSUING] = {"retry", "record", "store:issued", "refuse", "refuse"},
    [CRT_ST_ISSUED] = {"decide:waiting|issuing|issued", "record", "repeat",
                       "revoke:revoked", "reissue:waiting|issuing"},
    [CRT_ST_REVOKED] = {"decide:waiting|issuing", "record", "repeat", "repeat",
                        "refuse"},
};

static void
s_describe(const crt_step_t *st, char *buf, size_t len)
{
    size_t at = (size_t) snprintf(buf, len, "%s", crt_act_name(st->act));
    const char *sep = ":";
    for (int s = 0; s < CRT_ST_COUNT; s++) {
        if (crt_fsm_allows(st, (crt_state_t) s)) {
            at += (size_t) snprintf(buf + at, len - at, "%s%s", sep,
                                    crt_state_name((crt_state_t) s));
            sep = "|";
        }
    }
}

static void
s_whole_table(void **state)
{
    (void) state;
    char got[128];
    for (int s = 0; s < CRT_ST_COUNT; s++) {
        for (int e = 0; e < CRT_EV_COUNT; e++) {
            const crt_step_t *st =
                crt_fsm_step((crt_state_t) s, (crt_event_t) e);
            s_describe(st, got, sizeof got);
            if (strcmp(got, s_expected[s][e]) != 0)
                fail_msg("state %s, event %s: got %s, want %s",
                         crt_state_name((crt_state_t) s),
                         crt_event_name((crt_event_t) e), got,
                         s_expected[s][e]);
            bool moves = st->act >= CRT_ACT_DECIDE;
            assert_true(moves ? st->next != 0 : st->next == 0);
            assert_true(moves || (st->why != NULL && st->why[0] != '\0'));
            assert_false(crt_fsm_allows(st, CRT_ST_NONE));
        }
    }
}

/* Only "issuing" leads to "issued" by a store, and every way into
 * "issuing" is a decision: no certificate is stored without a number. */
static void
s_issued_only_by_store(void **state)
{
    (void) state;
    for (int s = 0; s < CRT_ST_COUNT; s++) {
        for (int e = 0; e < CRT_EV_COUNT; e++) {
            const crt_step_t *st =
                crt_fsm_step((crt_state_t) s, (crt_event_t) e);
            if (st->act == CRT_ACT_STORE)
                assert_int_equal(s, CRT_ST_ISSUING);
            if (crt_fsm_allows(st, CRT_ST_ISSUED) && s != CRT_ST_ISSUED)
                assert_int_equal(st->act, CRT_ACT_STORE);
        }
    }
}

static void
s_names_round_trip(void **state)
{
    (void) state;
    for (int s = CRT_ST_NONE + 1; s < CRT_ST_COUNT; s++) {
        crt_state_t back = CRT_ST_NONE;
        assert_int_equal(
            crt_state_parse(crt_state_name((crt_state_t) s), &back), 0);
        assert_int_equal(back, s);
    }
    crt_state_t x = CRT_ST_ISSUED;
    assert_int_equal(crt_state_parse("due", &x), CMN_EINVAL);
    assert_int_equal(crt_state_parse("", &x), CMN_EINVAL);
    assert_int_equal(crt_state_parse(NULL, &x), CMN_EINVAL);
    assert_int_equal(x, CRT_ST_ISSUED);
    assert_int_equal(crt_fsm_step(CRT_ST_COUNT, CRT_EV_REVOKE)->act,
                     CRT_ACT_REFUSE);
    assert_null(crt_act_name((crt_act_t) 99));
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_whole_table),
        cmocka_unit_test(s_issued_only_by_store),
        cmocka_unit_test(s_names_round_trip),
    };
    return MLPS_TEST_RUN(tests, argc, argv);
}

/* select_test.c - who may evaluate a system (qualified on the day, no
 * conflict, capacity left) and the office's proposal: rotation, capacity,
 * conflicts, ties, none qualifying, and the explanation of each. */
#include "evl/select.h"
#include "evl_test.h"

#define UNIT "91110108MA01ABCD1E"
#define DAY  "2026-11-20"

/* Each institution of a test: one level-evaluation certificate valid
 * 2025-01-01 .. 2027-12-31, surveillance passed, capacity 2, nothing
 * running, never assigned. */
typedef struct {
    dom_qual_cert_t cert;
    evl_inst_t inst;
    const char *related[2], *designed[2];
} s_fix_t;

static void
s_fix(s_fix_t *f, const char *id)
{
    memset(f, 0, sizeof *f);
    f->cert = (dom_qual_cert_t){
        .category = EVL_CATEGORY,
        .level = 2,
        .number = id,
        .issued = evl_test_day("2025-01-01"),
        .expires = evl_test_day("2027-12-31"),
        .surveillance = DOM_SURV_PASSED,
        .surveillance_on = evl_test_day("2026-01-15"),
    };
    f->inst = (evl_inst_t){.id = id,
                           .name = id,
                           .certs = &f->cert,
                           .ncerts = 1,
                           .capacity = 2,
                           .busy = 0,
                           .last_assigned = DOM_DATE_NEVER,
                           .related = f->related,
                           .designed = f->designed};
}

static int
s_why(const s_fix_t *f, const char *day, unsigned checks, char *why, size_t len)
{
    return evl_select_why(&f->inst, UNIT, evl_test_day(day), checks, why, len);
}

/* The proposal among fixes[0..n) on DAY; its explanation into why. */
static int
s_propose(const s_fix_t *fixes, size_t n, size_t *pick, char *why, size_t len)
{
    evl_inst_t insts[8];
    for (size_t i = 0; i < n; i++)
        insts[i] = fixes[i].inst;
    return evl_select_propose(insts, n, UNIT, evl_test_day(DAY), pick, why,
                              len);
}

/* Qualification on a date: each reason refused by itself, and the day of
 * expiry still qualifying. */
static void
s_qualified_on_the_day(void **state)
{
    (void) state;
    s_fix_t f;
    char why[300] = "untouched";
    s_fix(&f, "xa");
    assert_int_equal(s_why(&f, DAY, EVL_CHECK_ALL, why, sizeof why), 0);
    assert_string_equal(why, "untouched");
    /* The day of expiry counts; the day after does not. */
    assert_int_equal(s_why(&f, "2027-12-31", EVL_CHECK_ALL, why, sizeof why),
                     0);
    assert_int_equal(s_why(&f, "2028-01-01", EVL_CHECK_ALL, why, sizeof why),
                     CMN_ENOENT);
    assert_string_equal(why, "certificate xa expired on 2027-12-31");
    /* Suspended. */
    f.cert.suspended = true;
    assert_int_equal(s_why(&f, DAY, EVL_CHECK_ALL, why, sizeof why),
                     CMN_ENOENT);
    assert_string_equal(why, "certificate xa is suspended");
    f.cert.suspended = false;
    /* Failed its surveillance: from that day on. */
    f.cert.surveillance = DOM_SURV_FAILED;
    f.cert.surveillance_on = evl_test_day("2026-11-20");
    assert_int_equal(s_why(&f, DAY, EVL_CHECK_ALL, why, sizeof why),
                     CMN_ENOENT);
    assert_string_equal(why, "certificate xa failed its annual surveillance "
                             "on 2026-11-20");
    assert_int_equal(s_why(&f, "2026-11-19", EVL_CHECK_ALL, why, sizeof why),
                     0);
    f.cert.surveillance = DOM_SURV_PASSED;
    /* A certificate of another category is none at all. */
    f.cert.category = "risk_assessment";
    assert_int_equal(s_why(&f, DAY, EVL_CHECK_ALL, why, sizeof why),
                     CMN_ENOENT);
    assert_string_equal(why, "no certificate of category level_evaluation");
    /* Without the qualification check, the same institution may. */
    assert_int_equal(s_why(&f, DAY, EVL_CHECK_CONFLICT, why, sizeof why), 0);
}

static void
s_conflicts_and_capacity(void **state)
{
    (void) state;
    s_fix_t f;
    char why[300] = "";
    s_fix(&f, "xa");
    f.related[0] = "91110000000000000X";
    f.related[1] = UNIT;
    f.inst.nrelated = 2;
    assert_int_equal(s_why(&f, DAY, EVL_CHECK_CHOICE, why, sizeof why),
                     CMN_ENOENT);
    assert_string_equal(why, "related to the unit");
    f.inst.nrelated = 1; /* related to another unit only */
    assert_int_equal(s_why(&f, DAY, EVL_CHECK_ALL, why, sizeof why), 0);
    f.designed[0] = UNIT;
    f.inst.ndesigned = 1;
    assert_int_equal(s_why(&f, DAY, EVL_CHECK_ALL, why, sizeof why),
                     CMN_ENOENT);
    assert_string_equal(why, "did the unit's security design");
    f.inst.ndesigned = 0;
    f.inst.busy = 2;
    assert_int_equal(s_why(&f, DAY, EVL_CHECK_ALL, why, sizeof why),
                     CMN_ENOENT);
    assert_string_equal(why, "at capacity (2 of 2 evaluations running)");
    /* A unit's own choice does not count capacity. */
    assert_int_equal(s_why(&f, DAY, EVL_CHECK_CHOICE, why, sizeof why), 0);
    /* Every reason at once, in order. */
    f.cert.suspended = true;
    f.inst.ndesigned = 1;
    f.inst.nrelated = 2;
    assert_int_equal(s_why(&f, DAY, EVL_CHECK_ALL, why, sizeof why),
                     CMN_ENOENT);
    assert_string_equal(why, "certificate xa is suspended; related to the "
                             "unit; did the unit's security design; at "
                             "capacity (2 of 2 evaluations running)");
}

/* Rotation: never assigned first, then the least recently assigned. */
static void
s_rotation(void **state)
{
    (void) state;
    s_fix_t f[3];
    char why[600];
    size_t pick = 9;
    s_fix(&f[0], "anping");
    s_fix(&f[1], "beixin");
    s_fix(&f[2], "chengda");
    f[0].inst.last_assigned = evl_test_day("2026-10-01");
    f[2].inst.last_assigned = evl_test_day("2026-09-01");
    assert_int_equal(s_propose(f, 3, &pick, why, sizeof why), 0);
    assert_int_equal(pick, 1);
    assert_string_equal(why, "proposed beixin: qualified, 0 of 2 evaluations "
                             "running, never assigned; passed over: anping: "
                             "assigned more recently (2026-10-01); chengda: "
                             "assigned more recently (2026-09-01)");
    /* Assigning in turn on successive days goes round all three. */
    const char *order[6];
    dom_date_t day = evl_test_day("2026-11-20");
    for (int round = 0; round < 6; round++) {
        assert_int_equal(s_propose(f, 3, &pick, NULL, 0), 0);
        order[round] = f[pick].inst.id;
        f[pick].inst.last_assigned = day++;
        f[pick].inst.busy = 0; /* each finishes before the next */
    }
    assert_string_equal(order[0], "beixin");
    assert_string_equal(order[1], "chengda");
    assert_string_equal(order[2], "anping");
    assert_string_equal(order[3], "beixin");
    assert_string_equal(order[4], "chengda");
    assert_string_equal(order[5], "anping");
}

/* The least recently assigned is at capacity, or in conflict: the next
 * one is proposed, and the explanation says why. */
static void
s_capacity_and_conflict_pass_over(void **state)
{
    (void) state;
    s_fix_t f[3];
    char why[600];
    size_t pick = 9;
    s_fix(&f[0], "anping");
    s_fix(&f[1], "beixin");
    s_fix(&f[2], "chengda");
    f[0].inst.busy = 2; /* never assigned, but full with choices */
    f[1].related[0] = UNIT;
    f[1].inst.nrelated = 1;
    f[2].inst.last_assigned = evl_test_day("2026-11-01");
    assert_int_equal(s_propose(f, 3, &pick, why, sizeof why), 0);
    assert_int_equal(pick, 2);
    assert_string_equal(why, "proposed chengda: qualified, 0 of 2 evaluations "
                             "running, last assigned 2026-11-01; passed over: "
                             "anping: at capacity (2 of 2 evaluations "
                             "running); beixin: related to the unit");
    /* Capacity frees up: anping again (never assigned). */
    f[0].inst.busy = 1;
    assert_int_equal(s_propose(f, 3, &pick, NULL, 0), 0);
    assert_int_equal(pick, 0);
}

/* Equally recently assigned: fewer running first, then the id. */
static void
s_ties(void **state)
{
    (void) state;
    s_fix_t f[3];
    char why[600];
    size_t pick = 9;
    s_fix(&f[0], "chengda");
    s_fix(&f[1], "anping");
    s_fix(&f[2], "beixin");
    for (int i = 0; i < 3; i++)
        f[i].inst.last_assigned = evl_test_day("2026-11-01");
    f[0].inst.capacity = 5;
    f[1].inst.busy = 1;
    assert_int_equal(s_propose(f, 3, &pick, why, sizeof why), 0);
    assert_int_equal(pick, 2); /* beixin: 0 running, before chengda by id */
    assert_string_equal(why, "proposed beixin: qualified, 0 of 2 evaluations "
                             "running, last assigned 2026-11-01; passed over: "
                             "chengda: as recently assigned and as busy, after "
                             "it by id; anping: as recently assigned, more "
                             "evaluations running (1 of 2)");
    /* Neither ever assigned: said so. */
    for (int i = 0; i < 3; i++)
        f[i].inst.last_assigned = DOM_DATE_NEVER;
    assert_int_equal(s_propose(f, 3, &pick, why, sizeof why), 0);
    assert_string_equal(why, "proposed beixin: qualified, 0 of 2 evaluations "
                             "running, never assigned; passed over: chengda: "
                             "never assigned either and as busy, after it by "
                             "id; anping: never assigned either, more "
                             "evaluations running (1 of 2)");
}

static void
s_none_qualifies(void **state)
{
    (void) state;
    s_fix_t f[2];
    char why[600];
    size_t pick = 9;
    s_fix(&f[0], "anping");
    s_fix(&f[1], "beixin");
    f[0].cert.expires = evl_test_day("2026-06-30");
    f[1].designed[0] = UNIT;
    f[1].inst.ndesigned = 1;
    f[1].inst.busy = 2;
    assert_int_equal(s_propose(f, 2, &pick, why, sizeof why), CMN_ENOENT);
    assert_int_equal(pick, 9);
    assert_string_equal(why, "no institution qualifies: anping: certificate "
                             "anping expired on 2026-06-30; beixin: did the "
                             "unit's security design; at capacity (2 of 2 "
                             "evaluations running)");
    assert_int_equal(s_propose(f, 0, &pick, why, sizeof why), CMN_ENOENT);
    assert_string_equal(why, "no institution is registered");
    /* A short buffer is cut, still terminated. */
    char tiny[12];
    assert_int_equal(s_propose(f, 2, &pick, tiny, sizeof tiny), CMN_ENOENT);
    assert_string_equal(tiny, "no institut");
}

static void
s_bad_input(void **state)
{
    (void) state;
    s_fix_t f[2];
    char why[300] = "";
    size_t pick = 9;
    s_fix(&f[0], "anping");
    s_fix(&f[1], "beixin");
    f[1].inst.capacity = 0;
    assert_int_equal(s_propose(f, 2, &pick, why, sizeof why), CMN_EINVAL);
    assert_string_equal(why, "capacity must be 1 or more and busy 0 or more");
    f[1].inst.capacity = 1;
    f[1].cert.expires = f[1].cert.issued - 1;
    assert_int_equal(s_propose(f, 2, &pick, why, sizeof why), CMN_EINVAL);
    assert_string_equal(why, "institution beixin: certs[0]: expires before it "
                             "is issued");
    assert_int_equal(
        evl_select_why(NULL, UNIT, 0, EVL_CHECK_ALL, why, sizeof why),
        CMN_EINVAL);
    assert_int_equal(
        evl_select_propose(NULL, 1, UNIT, 0, &pick, why, sizeof why),
        CMN_EINVAL);
    assert_int_equal(pick, 9);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_qualified_on_the_day),
        cmocka_unit_test(s_conflicts_and_capacity),
        cmocka_unit_test(s_rotation),
        cmocka_unit_test(s_capacity_and_conflict_pass_over),
        cmocka_unit_test(s_ties),
        cmocka_unit_test(s_none_qualifies),
        cmocka_unit_test(s_bad_input),
    };
    return MLPS_TEST_RUN(tests, argc, argv);
}

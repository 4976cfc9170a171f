/* tally_test.c - a month's filings counted, and an aggregate reconciled
 * with what was received: each kind of difference found and named. */
#include "cmn_test/unit.h"
#include "dom/tally.h"

#include <stdio.h>
#include <string.h>

/* The differences one comparison found, one string each. */
typedef struct {
    char lines[32][200];
    size_t n;
} s_lines_t;

static void
s_collect(void *arg, const char *line)
{
    s_lines_t *l = arg;
    if (l->n < 32)
        snprintf(l->lines[l->n], sizeof l->lines[0], "%s", line);
    l->n++;
}

static const dom_tally_item_t s_month[] = {
    {"110108-20261103-00001", 2, "accepted", "金融"},
    {"110108-20261103-00002", 3, "forwarded", "教育"},
    {"110108-20261104-00003", 3, "received", "金融"},
    {"110108-20261110-00004", 2, "incomplete", "能源"},
};
static const char *const s_batches[] = {"110108-B00002", "110108-B00001"};

static void
s_counts(void **state)
{
    (void) state;
    dom_tally_t t;
    assert_int_equal(dom_tally_make(s_month, 4, s_batches, 2, &t), 0);
    assert_int_equal(t.filings, 4);
    assert_int_equal(t.nlevel, 2);
    assert_string_equal(t.by_level[0].key, "2");
    assert_int_equal(t.by_level[0].n, 2);
    assert_string_equal(t.by_level[1].key, "3");
    assert_int_equal(t.by_level[1].n, 2);
    /* received and forwarded are both "filed": before review speaks */
    assert_int_equal(t.nstate, 3);
    assert_string_equal(t.by_state[0].key, "accepted");
    assert_string_equal(t.by_state[1].key, "filed");
    assert_int_equal(t.by_state[1].n, 2);
    assert_string_equal(t.by_state[2].key, "incomplete");
    assert_int_equal(t.nsector, 3);
    assert_int_equal(t.nids, 4);
    assert_string_equal(t.ids[0], "110108-20261103-00001");
    assert_int_equal(t.nbatches, 2);
    assert_string_equal(t.batches[0], "110108-B00001"); /* sorted */
    dom_tally_free(&t);
}

static void
s_repeat_counts_once(void **state)
{
    (void) state;
    const dom_tally_item_t items[] = {
        {"A-1", 2, "accepted", "x"},
        {"A-2", 3, "accepted", "x"},
        {"A-1", 5, "panel", "y"}, /* a repeat: the first stands */
    };
    dom_tally_t t;
    assert_int_equal(dom_tally_make(items, 3, NULL, 0, &t), 0);
    assert_int_equal(t.filings, 2);
    assert_int_equal(t.nids, 2);
    assert_int_equal(t.nlevel, 2);
    assert_int_equal(t.nstate, 1);
    assert_int_equal(t.by_state[0].n, 2);
    assert_int_equal(t.nsector, 1);
    dom_tally_free(&t);
}

static void
s_same_reconciles(void **state)
{
    (void) state;
    dom_tally_t a, b;
    assert_int_equal(dom_tally_make(s_month, 4, s_batches, 2, &a), 0);
    /* The other office lists the same in another order. */
    const dom_tally_item_t rev[] = {s_month[3], s_month[1], s_month[0],
                                    s_month[2]};
    const char *const batches[] = {"110108-B00001", "110108-B00002"};
    assert_int_equal(dom_tally_make(rev, 4, batches, 2, &b), 0);
    assert_int_equal(dom_tally_diff(&a, &b, NULL, NULL), 0);
    dom_tally_free(&a);
    dom_tally_free(&b);
}

static void
s_each_difference(void **state)
{
    (void) state;
    dom_tally_t rep, got;
    assert_int_equal(dom_tally_make(s_month, 4, s_batches, 2, &rep), 0);
    /* Received: 00002 never came; 00004 is with the panel where the
     * district's aggregate says incomplete; a filing the district did not
     * report (00005) came; batch 2 never came and a batch 3 did. */
    const dom_tally_item_t items[] = {
        {"110108-20261103-00001", 2, "accepted", "金融"},
        {"110108-20261104-00003", 3, "received", "金融"},
        {"110108-20261110-00004", 2, "panel", "能源"},
        {"110108-20261111-00005", 4, "pending", "交通"},
    };
    const char *const batches[] = {"110108-B00001", "110108-B00003"};
    assert_int_equal(dom_tally_make(items, 4, batches, 2, &got), 0);
    s_lines_t l = {0};
    size_t n = dom_tally_diff(&rep, &got, s_collect, &l);
    const char *want[] = {
        "level 3: reported 2, received 1",
        "level 4: reported 0, received 1",
        "state filed: reported 2, received 1",
        "state incomplete: reported 1, received 0",
        "state panel: reported 0, received 1",
        "state pending: reported 0, received 1",
        "sector 交通: reported 0, received 1",
        "sector 教育: reported 1, received 0",
        "filing 110108-20261103-00002: reported, not received",
        "filing 110108-20261111-00005: received, not reported",
        "batch 110108-B00002: reported, not received",
        "batch 110108-B00003: received, not reported",
    };
    for (size_t i = 0; i < l.n && i < 32; i++)
        printf("difference: %s\n", l.lines[i]);
    assert_int_equal(n, sizeof want / sizeof want[0]);
    assert_int_equal(l.n, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(l.lines[i], want[i]);
    dom_tally_free(&rep);
    dom_tally_free(&got);
}

static void
s_filings_count_differs(void **state)
{
    (void) state;
    /* An aggregate whose total disagrees with its own lists: the total is
     * a difference of its own. */
    const dom_tally_count_t lv[] = {{"2", 1}};
    const char *const ids[] = {"X-1"};
    dom_tally_t rep, got;
    assert_int_equal(
        dom_tally_from_parts(3, lv, 1, NULL, 0, NULL, 0, ids, 1, NULL, 0, &rep),
        0);
    const dom_tally_item_t items[] = {{"X-1", 2, "filed", ""}};
    assert_int_equal(dom_tally_make(items, 1, NULL, 0, &got), 0);
    s_lines_t l = {0};
    assert_int_equal(dom_tally_diff(&rep, &got, s_collect, &l), 3);
    assert_string_equal(l.lines[0], "filings: reported 3, received 1");
    assert_string_equal(l.lines[1], "state filed: reported 0, received 1");
    assert_string_equal(l.lines[2], "sector : reported 0, received 1");
    dom_tally_free(&rep);
    dom_tally_free(&got);
}

static void
s_parts_merge(void **state)
{
    (void) state;
    /* Counts as someone else sent them: unsorted, a key twice. */
    const dom_tally_count_t st[] = {
        {"panel", 1}, {"accepted", 2}, {"panel", 3}};
    const char *const ids[] = {"B", "A", "B"};
    dom_tally_t t;
    assert_int_equal(
        dom_tally_from_parts(5, NULL, 0, st, 3, NULL, 0, ids, 3, NULL, 0, &t),
        0);
    assert_int_equal(t.nstate, 2);
    assert_string_equal(t.by_state[0].key, "accepted");
    assert_int_equal(t.by_state[1].n, 4);
    assert_int_equal(t.nids, 2);
    assert_string_equal(t.ids[0], "A");
    dom_tally_free(&t);
    dom_tally_free(&t); /* twice is safe */
}

static void
s_long_key_cut_whole(void **state)
{
    (void) state;
    /* A sector of 30 three-byte characters (90 bytes) is cut to whole
     * characters within 63 bytes: 21 of them. */
    char sector[128] = "";
    for (int i = 0; i < 30; i++)
        strcat(sector, "金");
    const dom_tally_item_t items[] = {{"X-1", 2, "filed", sector}};
    dom_tally_t t;
    assert_int_equal(dom_tally_make(items, 1, NULL, 0, &t), 0);
    assert_int_equal(strlen(t.by_sector[0].key), 63);
    dom_tally_free(&t);
}

static void
s_null_id_refused(void **state)
{
    (void) state;
    const dom_tally_item_t items[] = {{NULL, 2, "filed", ""}};
    dom_tally_t t;
    assert_int_equal(dom_tally_make(items, 1, NULL, 0, &t), CMN_EINVAL);
    assert_int_equal(t.nids, 0);
    assert_null(t.ids);
}

static void
s_stage(void **state)
{
    (void) state;
    assert_string_equal(dom_tally_stage("received"), "filed");
    assert_string_equal(dom_tally_stage("forwarded"), "filed");
    assert_string_equal(dom_tally_stage(""), "filed");
    assert_string_equal(dom_tally_stage("held"), "held");
    assert_string_equal(dom_tally_stage("accepted"), "accepted");
    assert_null(dom_tally_stage(NULL));
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_counts),
        cmocka_unit_test(s_repeat_counts_once),
        cmocka_unit_test(s_same_reconciles),
        cmocka_unit_test(s_each_difference),
        cmocka_unit_test(s_filings_count_differs),
        cmocka_unit_test(s_parts_merge),
        cmocka_unit_test(s_long_key_cut_whole),
        cmocka_unit_test(s_null_id_refused),
        cmocka_unit_test(s_stage),
    };
    return MLPS_TEST_RUN(tests, argc, argv);
}

/* matrix_test.c - the GB/T 22240-2020 matrix, cell by cell, and the check
 * that decides outcome C. */
#include "cmn_test/unit.h"
#include "dom/matrix.h"

/* The table of DOMAIN.md, written out again by hand on purpose. */
static const struct {
    dom_object_t object;
    dom_degree_t degree;
    int level;
} s_cells[] = {
    {DOM_OBJECT_CITIZENS, DOM_DEGREE_GENERAL, 1},
    {DOM_OBJECT_CITIZENS, DOM_DEGREE_SERIOUS, 2},
    {DOM_OBJECT_CITIZENS, DOM_DEGREE_ESPECIALLY_SERIOUS, 2}, /* not 3 */
    {DOM_OBJECT_SOCIETY, DOM_DEGREE_GENERAL, 2},
    {DOM_OBJECT_SOCIETY, DOM_DEGREE_SERIOUS, 3},
    {DOM_OBJECT_SOCIETY, DOM_DEGREE_ESPECIALLY_SERIOUS, 4},
    {DOM_OBJECT_NATION, DOM_DEGREE_GENERAL, 3},
    {DOM_OBJECT_NATION, DOM_DEGREE_SERIOUS, 4},
    {DOM_OBJECT_NATION, DOM_DEGREE_ESPECIALLY_SERIOUS, 5},
};
#define S_N_CELLS (sizeof s_cells / sizeof s_cells[0])

static dom_dimension_t
s_dim(dom_object_t object, dom_degree_t degree, int level)
{
    return (dom_dimension_t){object, degree, level};
}

static void
s_every_cell(void **state)
{
    (void) state;
    assert_int_equal(S_N_CELLS, 9);
    for (size_t i = 0; i < S_N_CELLS; i++)
        assert_int_equal(dom_matrix_level(s_cells[i].object, s_cells[i].degree),
                         s_cells[i].level);
}

/* Each cell in the information dimension, the other at the lowest level. */
static void
s_every_cell_info_dimension(void **state)
{
    (void) state;
    for (size_t i = 0; i < S_N_CELLS; i++) {
        int want = s_cells[i].level;
        dom_grading_t g = {
            .info = s_dim(s_cells[i].object, s_cells[i].degree, want),
            .service = s_dim(DOM_OBJECT_CITIZENS, DOM_DEGREE_GENERAL, 1),
            .level = want,
        };
        dom_matrix_check_t c;
        assert_int_equal(dom_matrix_check(&g, &c), 0);
        assert_int_equal(c.info_level, want);
        assert_int_equal(c.service_level, 1);
        assert_int_equal(c.level, want);
        assert_true(c.agrees);
    }
}

/* Each cell in the service dimension, the other at the lowest level. */
static void
s_every_cell_service_dimension(void **state)
{
    (void) state;
    for (size_t i = 0; i < S_N_CELLS; i++) {
        int want = s_cells[i].level;
        dom_grading_t g = {
            .info = s_dim(DOM_OBJECT_CITIZENS, DOM_DEGREE_GENERAL, 1),
            .service = s_dim(s_cells[i].object, s_cells[i].degree, want),
            .level = want,
        };
        dom_matrix_check_t c;
        assert_int_equal(dom_matrix_check(&g, &c), 0);
        assert_int_equal(c.info_level, 1);
        assert_int_equal(c.service_level, want);
        assert_int_equal(c.level, want);
        assert_true(c.agrees);
    }
}

/* The final level is the higher of the two, whichever dimension holds it. */
static void
s_final_level_is_max(void **state)
{
    (void) state;
    static const struct {
        int info_cell, service_cell, level;
    } pairs[] = {
        {0, 8, 5}, /* citizens/general 1 + nation/esp. serious 5 */
        {8, 0, 5}, /* the same, dimensions swapped */
        {4, 6, 3}, /* society/serious 3 + nation/general 3 */
        {2, 3, 2}, /* citizens/esp. serious 2 + society/general 2 */
        {2, 4, 3}, /* citizens/esp. serious 2 + society/serious 3 */
        {5, 7, 4}, /* society/esp. serious 4 + nation/serious 4 */
        {7, 1, 4}, /* nation/serious 4 + citizens/serious 2 */
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        int a = pairs[i].info_cell, b = pairs[i].service_cell;
        dom_grading_t g = {
            .info =
                s_dim(s_cells[a].object, s_cells[a].degree, s_cells[a].level),
            .service =
                s_dim(s_cells[b].object, s_cells[b].degree, s_cells[b].level),
            .level = pairs[i].level,
        };
        dom_matrix_check_t c;
        assert_int_equal(dom_matrix_check(&g, &c), 0);
        assert_int_equal(c.level, pairs[i].level);
        assert_true(c.agrees);
    }
}

/* A unit that reads the wrong table: citizens + especially serious as 3. */
static void
s_citizens_especially_serious_trap(void **state)
{
    (void) state;
    dom_grading_t g = {
        .info = s_dim(DOM_OBJECT_CITIZENS, DOM_DEGREE_ESPECIALLY_SERIOUS, 3),
        .service = s_dim(DOM_OBJECT_CITIZENS, DOM_DEGREE_SERIOUS, 2),
        .level = 3,
    };
    dom_matrix_check_t c;
    assert_int_equal(dom_matrix_check(&g, &c), 0);
    assert_int_equal(c.info_level, 2);
    assert_int_equal(c.service_level, 2);
    assert_int_equal(c.level, 2);
    assert_true(c.info_differs);
    assert_false(c.service_differs);
    assert_true(c.level_differs);
    assert_false(c.agrees);
}

/* Each flag on its own. */
static void
s_each_disagreement_flag(void **state)
{
    (void) state;
    dom_grading_t good = {
        .info = s_dim(DOM_OBJECT_SOCIETY, DOM_DEGREE_SERIOUS, 3),
        .service = s_dim(DOM_OBJECT_SOCIETY, DOM_DEGREE_GENERAL, 2),
        .level = 3,
    };
    dom_matrix_check_t c;
    assert_int_equal(dom_matrix_check(&good, &c), 0);
    assert_true(c.agrees);

    /* Dimensions right, final level not their maximum. */
    dom_grading_t g = good;
    g.level = 2;
    assert_int_equal(dom_matrix_check(&g, &c), 0);
    assert_false(c.info_differs);
    assert_false(c.service_differs);
    assert_true(c.level_differs);
    assert_false(c.agrees);

    /* Service dimension graded too low; the final level still matches. */
    g = good;
    g.service.level = 1;
    assert_int_equal(dom_matrix_check(&g, &c), 0);
    assert_false(c.info_differs);
    assert_true(c.service_differs);
    assert_false(c.level_differs);
    assert_false(c.agrees);

    /* Understated harm: the unit's levels fit a lesser degree. */
    g = good;
    g.info.degree = DOM_DEGREE_ESPECIALLY_SERIOUS;
    assert_int_equal(dom_matrix_check(&g, &c), 0);
    assert_int_equal(c.info_level, 4);
    assert_int_equal(c.level, 4);
    assert_true(c.info_differs);
    assert_false(c.service_differs);
    assert_true(c.level_differs);
}

static void
s_malformed_input(void **state)
{
    (void) state;
    assert_int_equal(dom_matrix_level(DOM_OBJECT_COUNT, DOM_DEGREE_GENERAL),
                     CMN_EINVAL);
    assert_int_equal(dom_matrix_level(DOM_OBJECT_CITIZENS, DOM_DEGREE_COUNT),
                     CMN_EINVAL);
    assert_int_equal(dom_matrix_level((dom_object_t) -1, DOM_DEGREE_GENERAL),
                     CMN_EINVAL);

    dom_grading_t good = {
        .info = s_dim(DOM_OBJECT_NATION, DOM_DEGREE_SERIOUS, 4),
        .service = s_dim(DOM_OBJECT_NATION, DOM_DEGREE_GENERAL, 3),
        .level = 4,
    };
    dom_matrix_check_t c = {.level = 42};
    dom_grading_t g = good;
    g.info.object = DOM_OBJECT_COUNT;
    assert_int_equal(dom_matrix_check(&g, &c), CMN_EINVAL);
    g = good;
    g.service.degree = (dom_degree_t) 7;
    assert_int_equal(dom_matrix_check(&g, &c), CMN_EINVAL);
    g = good;
    g.level = 6;
    assert_int_equal(dom_matrix_check(&g, &c), CMN_EINVAL);
    g = good;
    g.service.level = 0;
    assert_int_equal(dom_matrix_check(&g, &c), CMN_EINVAL);
    assert_int_equal(c.level, 42); /* untouched on error */
    assert_int_equal(dom_matrix_check(NULL, &c), CMN_EINVAL);
    assert_int_equal(dom_matrix_check(&good, NULL), CMN_EINVAL);
}

static void
s_names(void **state)
{
    (void) state;
    assert_string_equal(dom_object_name(DOM_OBJECT_CITIZENS), "citizens");
    assert_string_equal(dom_object_name(DOM_OBJECT_SOCIETY), "society");
    assert_string_equal(dom_object_name(DOM_OBJECT_NATION), "nation");
    assert_null(dom_object_name(DOM_OBJECT_COUNT));
    assert_string_equal(dom_degree_name(DOM_DEGREE_GENERAL), "general");
    assert_string_equal(dom_degree_name(DOM_DEGREE_SERIOUS), "serious");
    assert_string_equal(dom_degree_name(DOM_DEGREE_ESPECIALLY_SERIOUS),
                        "especially_serious");
    assert_null(dom_degree_name(DOM_DEGREE_COUNT));

    for (int i = 0; i < DOM_OBJECT_COUNT; i++) {
        dom_object_t o = DOM_OBJECT_COUNT;
        assert_int_equal(dom_object_parse(dom_object_name(i), &o), 0);
        assert_int_equal(o, i);
    }
    for (int i = 0; i < DOM_DEGREE_COUNT; i++) {
        dom_degree_t d = DOM_DEGREE_COUNT;
        assert_int_equal(dom_degree_parse(dom_degree_name(i), &d), 0);
        assert_int_equal(d, i);
    }
    dom_object_t o = DOM_OBJECT_NATION;
    assert_int_equal(dom_object_parse("Citizens", &o), CMN_EINVAL);
    assert_int_equal(dom_object_parse("", &o), CMN_EINVAL);
    assert_int_equal(dom_object_parse(NULL, &o), CMN_EINVAL);
    assert_int_equal(o, DOM_OBJECT_NATION);
    dom_degree_t d = DOM_DEGREE_GENERAL;
    assert_int_equal(dom_degree_parse("especially serious", &d), CMN_EINVAL);
    assert_int_equal(d, DOM_DEGREE_GENERAL);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_every_cell),
        cmocka_unit_test(s_every_cell_info_dimension),
        cmocka_unit_test(s_every_cell_service_dimension),
        cmocka_unit_test(s_final_level_is_max),
        cmocka_unit_test(s_citizens_especially_serious_trap),
        cmocka_unit_test(s_each_disagreement_flag),
        cmocka_unit_test(s_malformed_input),
        cmocka_unit_test(s_names),
    };
    return MLPS_TEST_RUN(tests, argc, argv);
}

/* matrix.c - the GB/T 22240-2020 grading matrix and the grading check. */
#include "dom/matrix.h"

#include <string.h>

static const int s_levels[DOM_OBJECT_COUNT][DOM_DEGREE_COUNT] = {
    [DOM_OBJECT_CITIZENS] = {1, 2, 2}, /* especially serious is 2, not 3 */
    [DOM_OBJECT_SOCIETY] = {2, 3, 4},
    [DOM_OBJECT_NATION] = {3, 4, 5},
};

static const char *const s_object_names[DOM_OBJECT_COUNT] = {
    [DOM_OBJECT_CITIZENS] = "citizens",
    [DOM_OBJECT_SOCIETY] = "society",
    [DOM_OBJECT_NATION] = "nation",
};

static const char *const s_degree_names[DOM_DEGREE_COUNT] = {
    [DOM_DEGREE_GENERAL] = "general",
    [DOM_DEGREE_SERIOUS] = "serious",
    [DOM_DEGREE_ESPECIALLY_SERIOUS] = "especially_serious",
};

/* The enums may be unsigned: compare through int so both ends are checked. */
static int
s_index(int value, int count)
{
    return value >= 0 && value < count ? value : -1;
}

int
dom_matrix_level(dom_object_t object, dom_degree_t degree)
{
    int o = s_index((int) object, DOM_OBJECT_COUNT);
    int d = s_index((int) degree, DOM_DEGREE_COUNT);
    if (o < 0 || d < 0)
        return CMN_EINVAL;
    return s_levels[o][d];
}

const char *
dom_object_name(dom_object_t object)
{
    int o = s_index((int) object, DOM_OBJECT_COUNT);
    return o < 0 ? NULL : s_object_names[o];
}

const char *
dom_degree_name(dom_degree_t degree)
{
    int d = s_index((int) degree, DOM_DEGREE_COUNT);
    return d < 0 ? NULL : s_degree_names[d];
}

/* Index of name in names[0..count), or -1. */
static int
s_lookup(const char *const *names, int count, const char *name)
{
    if (name == NULL)
        return -1;
    for (int i = 0; i < count; i++) {
        if (strcmp(names[i], name) == 0)
            return i;
    }
    return -1;
}

int
dom_object_parse(const char *name, dom_object_t *out)
{
    int i = s_lookup(s_object_names, DOM_OBJECT_COUNT, name);
    if (i < 0 || out == NULL)
        return CMN_EINVAL;
    *out = (dom_object_t) i;
    return 0;
}

int
dom_degree_parse(const char *name, dom_degree_t *out)
{
    int i = s_lookup(s_degree_names, DOM_DEGREE_COUNT, name);
    if (i < 0 || out == NULL)
        return CMN_EINVAL;
    *out = (dom_degree_t) i;
    return 0;
}

int
dom_matrix_check(const dom_grading_t *proposed, dom_matrix_check_t *out)
{
    if (proposed == NULL || out == NULL)
        return CMN_EINVAL;
    int info = dom_matrix_level(proposed->info.object, proposed->info.degree);
    int service =
        dom_matrix_level(proposed->service.object, proposed->service.degree);
    if (info < 0 || service < 0 || !dom_level_valid(proposed->info.level) ||
        !dom_level_valid(proposed->service.level) ||
        !dom_level_valid(proposed->level))
        return CMN_EINVAL;

    dom_matrix_check_t c = {
        .info_level = info,
        .service_level = service,
        .level = info > service ? info : service,
    };
    c.info_differs = proposed->info.level != c.info_level;
    c.service_differs = proposed->service.level != c.service_level;
    c.level_differs = proposed->level != c.level;
    c.agrees = !c.info_differs && !c.service_differs && !c.level_differs;
    *out = c;
    return 0;
}

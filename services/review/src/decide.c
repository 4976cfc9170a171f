/* decide.c - A, B or C for a filing. */
#include "rvw/decide.h"

#include <string.h>

static int
s_dim(const Mlps__V1__Dimension *d, dom_dimension_t *out)
{
    if (d == NULL || d->object < 1 || d->object > 3 || d->degree < 1 ||
        d->degree > 3)
        return CMN_EINVAL;
    out->object = (dom_object_t) (d->object - 1);
    out->degree = (dom_degree_t) (d->degree - 1);
    out->level = (int) d->proposed_level;
    return 0;
}

int
rvw_from_proto(const Mlps__V1__Grading *g, dom_grading_t *out)
{
    if (g == NULL || s_dim(g->business, &out->info) != 0 ||
        s_dim(g->service, &out->service) != 0)
        return CMN_EINVAL;
    out->level = (int) g->final_level;
    return 0;
}

size_t
rvw_kinds_present(Mlps__V1__Material *const *m, size_t n,
                  dom_material_t out[DOM_MAT_COUNT])
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < DOM_MAT_COUNT; i++) {
        dom_material_t kind;
        if (dom_material_parse(m[i]->kind, &kind) == 0)
            out[k++] = kind;
    }
    return k;
}

int
rvw_decide_materials(int level, bool has_supervisor,
                     const dom_material_t *present, size_t npresent,
                     rvw_decision_t *d)
{
    int rc = dom_materials_missing(level, has_supervisor, present, npresent,
                                   d->missing, &d->nmissing);
    if (rc != 0)
        return rc;
    d->level = level;
    d->outcome = d->nmissing > 0 ? 'B' : 'A';
    return 0;
}

int
rvw_decide_filing(const Mlps__V1__Filing *f, rvw_decision_t *d)
{
    dom_grading_t g;
    dom_material_t present[DOM_MAT_COUNT];
    memset(d, 0, sizeof *d);
    if (f->unit == NULL || rvw_from_proto(f->grading, &g) != 0 ||
        dom_matrix_check(&g, &d->check) != 0)
        return CMN_EINVAL;
    d->proposed = g.level;
    if (!d->check.agrees) {
        d->outcome = 'C';
        d->level = d->check.level;
        return 0;
    }
    size_t n = rvw_kinds_present(f->materials, f->n_materials, present);
    return rvw_decide_materials(g.level, f->unit->has_supervisor, present, n,
                                d);
}

/* decide.h - the review's decision on a filing, as pure functions.
 *
 * First review of a filing (rvw_decide_filing):
 *   C  when the unit's grading disagrees with the GB/T 22240-2020 matrix
 *      (either dimension or the final level): the case goes to the panel;
 *   B  when the grading agrees but materials required at that level are
 *      missing: the reply lists exactly those;
 *   A  otherwise.
 * Later, once the level is settled (panel decision, unit insisting) or
 * materials arrive, only the materials decide (rvw_decide_materials). */
#ifndef RVW_DECIDE_H
#define RVW_DECIDE_H
#include "dom/materials.h"
#include "dom/matrix.h"
#include "mlps/v1/filing.pb-c.h"

typedef struct {
    char outcome;             /* 'A', 'B' or 'C' */
    int proposed;             /* the unit's final level */
    int level;                /* the level decided on (computed for C) */
    dom_matrix_check_t check; /* the matrix's view */
    dom_material_t missing[DOM_MAT_COUNT];
    size_t nmissing;
} rvw_decision_t;

/* Maps the protocol's enums onto the matrix's. CMN_EINVAL for UNSPECIFIED
 * or an undeclared value. */
int rvw_from_proto(const Mlps__V1__Grading *g, dom_grading_t *out);

/* Kinds present among materials (unknown names are skipped; intake has
 * refused them already). Returns how many were written to out. */
size_t rvw_kinds_present(Mlps__V1__Material *const *m, size_t n,
                         dom_material_t out[DOM_MAT_COUNT]);

/* First review. CMN_EINVAL for a malformed grading. */
int rvw_decide_filing(const Mlps__V1__Filing *f,
                      rvw_decision_t *d) CMN_MUST_CHECK;

/* A settled level and the kinds present: 'A' or 'B' with what is missing. */
int rvw_decide_materials(int level, bool has_supervisor,
                         const dom_material_t *present, size_t npresent,
                         rvw_decision_t *d) CMN_MUST_CHECK;

#endif /* RVW_DECIDE_H */

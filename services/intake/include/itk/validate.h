/* validate.h - checks a Filing (and supplemented materials) field by field.
 * Pure functions: no I/O. Every problem is reported with the field's path,
 * e.g. "unit.credit_code" or "materials[2].sha256", and the reason; all
 * problems are collected, not just the first. */
#ifndef ITK_VALIDATE_H
#define ITK_VALIDATE_H
#include "cmn/err.h"
#include "cmn/problem.h"
#include "dom/date.h"
#include "mlps/v1/filing.pb-c.h"

#include <stddef.h>

/* Years a filing's dates may fall in (go-live, grading). */
#define ITK_YEAR_MIN 1990
#define ITK_YEAR_MAX 2100

/* Checks f; today bounds dates that cannot be in the future
 * (DOM_DATE_NEVER: no bound). Returns 0 when valid, CMN_EREJECT with errs
 * filled otherwise. The unified social credit code and the region code are
 * the domain library's checks (dom/codes.h). */
int itk_validate_filing(const Mlps__V1__Filing *f, dom_date_t today,
                        cmn_problem_t *errs);

/* Checks a list of materials; prefix names the list in error paths. */
int itk_validate_materials(Mlps__V1__Material *const *m, size_t n,
                           const char *prefix, cmn_problem_t *errs);

#endif /* ITK_VALIDATE_H */

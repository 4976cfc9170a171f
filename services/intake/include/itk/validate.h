/* validate.h - checks a Filing (and supplemented materials) field by field.
 * Pure functions: no I/O. Every problem is reported with the field's path,
 * e.g. "unit.credit_code" or "materials[2].sha256", and the reason; all
 * problems are collected, not just the first. */
#ifndef ITK_VALIDATE_H
#define ITK_VALIDATE_H
#include "cmn/err.h"
#include "cmn/problem.h"
#include "mlps/v1/filing.pb-c.h"

#include <stddef.h>

/* Checks f; today (YYYY-MM-DD) bounds dates that cannot be in the future.
 * Returns 0 when valid, CMN_EREJECT with errs filled otherwise. */
int itk_validate_filing(const Mlps__V1__Filing *f, const char *today,
                        cmn_problem_t *errs);

/* Checks a list of materials; prefix names the list in error paths. */
int itk_validate_materials(Mlps__V1__Material *const *m, size_t n,
                           const char *prefix, cmn_problem_t *errs);

/* True for a well-formed 18-character unified social credit code
 * (GB 32100-2015 alphabet and check character). */
int itk_credit_code_valid(const char *code);

/* True for a real calendar date written YYYY-MM-DD. */
int itk_date_valid(const char *s);

#endif /* ITK_VALIDATE_H */

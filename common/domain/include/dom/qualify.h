/* qualify.h - whether an institution is qualified in a category on a date
 * (DOMAIN.md, "Qualifications"; references 002-004): an institution whose
 * certificate has lapsed, is suspended, failed its annual surveillance, or
 * does not cover the category cannot be chosen or assigned on that date. */
#ifndef DOM_QUALIFY_H
#define DOM_QUALIFY_H
#include "cmn/err.h"
#include "dom/date.h"

#include <stdbool.h>
#include <stddef.h>

/* The result of a certificate's last annual surveillance. */
typedef enum {
    DOM_SURV_NONE = 0, /* none yet */
    DOM_SURV_PASSED,
    DOM_SURV_FAILED
} dom_surv_t;

/* One qualification certificate of an institution. */
typedef struct {
    const char *category;       /* e.g. "level_evaluation" */
    int level;                  /* 1..3, 1 highest (not used by the check) */
    const char *number;         /* certificate number */
    dom_date_t issued, expires; /* valid issued <= d <= expires (the day of
                                   expiry counts) */
    bool suspended;             /* suspended now: no date qualifies */
    dom_surv_t surveillance;    /* the last annual surveillance's result */
    dom_date_t surveillance_on; /* its date; a failure counts from that day */
} dom_qual_cert_t;

/* 0 when some certificate among certs[0..n) of `category` covers `date`, is
 * not suspended and its last surveillance did not fail on or before `date`.
 * Otherwise CMN_ENOENT with why (if not NULL) naming, for each certificate
 * of the category in order, each thing that failed, joined by "; ":
 *   "certificate X is not valid before D" (date < issued)
 *   "certificate X expired on D"           (date > expires)
 *   "certificate X is suspended"
 *   "certificate X failed its annual surveillance on D"
 * or "no certificate of category C". CMN_EINVAL (why naming it, e.g.
 * "certs[1]: expires before it is issued") if category is NULL, certs is
 * NULL with n > 0, date is not a valid date, or a certificate has no
 * category, or, in the category, no number, an issued or expires date that
 * is not valid or in the wrong order, or a surveillance result that is not
 * a dom_surv_t (with a valid date unless DOM_SURV_NONE). why is written
 * only on failure. Borrows everything. */
int dom_qualified_on(const dom_qual_cert_t *certs, size_t n,
                     const char *category, dom_date_t date, char *why,
                     size_t whylen) CMN_MUST_CHECK;

#endif /* DOM_QUALIFY_H */

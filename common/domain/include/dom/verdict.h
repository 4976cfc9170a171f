/* verdict.h - the verdict of a level evaluation report from its score and
 * risks (DOMAIN.md, "Level evaluation"):
 *   优 excellent  score >= 90 and no medium or high risk
 *   良 good       score >= 80 and no high risk
 *   中 fair       score >= 70 and no high risk
 *   差 poor       otherwise: score < 70, or any high risk
 * int returns: 0 or CMN_EINVAL, with *out untouched on failure. */
#ifndef DOM_VERDICT_H
#define DOM_VERDICT_H
#include "cmn/err.h"

/* The values are stable (stored, sent between services). */
typedef enum {
    DOM_VERDICT_EXCELLENT = 1,
    DOM_VERDICT_GOOD,
    DOM_VERDICT_FAIR,
    DOM_VERDICT_POOR
} dom_verdict_t;

/* The verdict for score (0..100) with high and medium risks found (counts,
 * >= 0). CMN_EINVAL for a score outside 0..100 or a negative count. */
int dom_verdict(int score, int high, int medium,
                dom_verdict_t *out) CMN_MUST_CHECK;

/* Stable name of v: "excellent", "good", "fair", "poor". Static string;
 * NULL if v is not one of the enum's values. */
const char *dom_verdict_name(dom_verdict_t v);

/* Chinese title of v for letters and certificates: "优", "良", "中", "差"
 * (UTF-8). Static string; NULL if v is not one of the enum's values. */
const char *dom_verdict_title(dom_verdict_t v);

/* Parses a stable name (exact, case-sensitive). CMN_EINVAL for any other
 * text, NULL included. */
int dom_verdict_parse(const char *name, dom_verdict_t *out) CMN_MUST_CHECK;

#endif /* DOM_VERDICT_H */

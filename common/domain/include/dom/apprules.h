/* apprules.h - qualification applications checked against versioned rule
 * sets (DOMAIN.md, "Qualifications"; reference 002, the older level-3
 * rules, and reference 004, the newer CCRC level-3 rules). A rule set is
 * data: the conditions an applicant must meet, one rule per condition, in
 * a text file (common/domain/rules/, format in its README.md):
 *
 *   # a comment
 *   ruleset level3-v2
 *   title   CCRC level 3 application conditions (reference 004)
 *   source  reference 004, CCRC level 3 application conditions
 *   rule service_time service.months_in_category >= 4 "engaged in ..."
 *   rule suppliers procedures has suppliers when category in
 *        security_integration,security_operations "..."  (one line)
 *
 * A rule line is `rule ID FIELD OP VALUE [when FIELD in A,B,...] "TEXT"`:
 *   ID     1..40 of a-z 0-9 _, unique in the set;
 *   FIELD  a path into the application's JSON object, names of
 *          a-z 0-9 _ joined by '.' (e.g. "staff.security_services");
 *   OP     ">=" or "<=" (VALUE a whole number 0..1000000000; the field
 *          must be a whole number), "=" (VALUE true, false or a whole
 *          number; the field of the same type), "has" (VALUE a,b,c: the
 *          field, an array of strings, must hold each);
 *   when   the rule applies only when the string FIELD is one of the
 *          names (a field not given: the rule applies);
 *   TEXT   the condition in words, in double quotes, to the line's end.
 * `ruleset NAME` (1..40 of a-z 0-9 _ . -) and `title TEXT` come once,
 * before the first rule; `source TEXT` at most once. Blank lines and lines
 * starting with '#' are skipped. A rule set is read-only once parsed (any
 * thread may check applications against it).
 *
 * int returns: 0 or CMN_EINVAL (the reason in why), CMN_ENOMEM. */
#ifndef DOM_APPRULES_H
#define DOM_APPRULES_H
#include "cmn/err.h"

#include <stddef.h>

#define DOM_RULES_MAX       100           /* rules in one set */
#define DOM_RULES_MAX_BYTES (256 * 1024)  /* largest rule-set text */
#define DOM_APPLICATION_MAX (1024 * 1024) /* largest application JSON */
#define DOM_RULE_REASON_MAX 240           /* bytes of a result's reason */

typedef enum {
    DOM_RULE_MET = 1,
    DOM_RULE_NOT_MET,
    DOM_RULE_NOT_APPLICABLE /* its `when` names another category */
} dom_rule_status_t;

typedef struct dom_ruleset dom_ruleset_t; /* opaque */

/* Parses text[0..len). On an error returns NULL and writes "NAME:LINE:
 * reason" to why (NAME the name given, e.g. the file's; NULL gives
 * "rules"), e.g. `level3-v1.rules:12: rule "staff": OP must be >=, <=, =
 * or has`. Borrows text and name. Caller owns the result and must destroy
 * it when done. */
dom_ruleset_t *dom_ruleset_parse(const char *text, size_t len, const char *name,
                                 char *why, size_t whylen);

/* Frees *self_p and sets it to NULL. Safe on NULL and twice. */
void dom_ruleset_destroy(dom_ruleset_t **self_p);

/* The set's name, title and source ("" when it has none). Borrowed from
 * rs. */
const char *dom_ruleset_name(const dom_ruleset_t *rs);
const char *dom_ruleset_title(const dom_ruleset_t *rs);
const char *dom_ruleset_source(const dom_ruleset_t *rs);

/* Rules in the set, and rule i's id and text (NULL for i out of range). */
size_t dom_ruleset_count(const dom_ruleset_t *rs);
const char *dom_ruleset_rule_id(const dom_ruleset_t *rs, size_t i);
const char *dom_ruleset_rule_text(const dom_ruleset_t *rs, size_t i);

/* What one rule found in an application. */
typedef struct {
    dom_rule_status_t status;
    /* Why, naming the field and what it holds, e.g. "service.
     * months_in_category is 14 (>= 12)", "staff.security_services is 8,
     * needs >= 10", "head.it_management_years is not given", "procedures
     * lacks suppliers, contracts", "applies only when category is one of
     * security_integration, security_operations (it is
     * level_evaluation)". */
    char reason[DOM_RULE_REASON_MAX];
} dom_rule_result_t;

/* Checks the application, JSON text json[0..len) (at most
 * DOM_APPLICATION_MAX; an object; a key twice in one object is refused),
 * against every rule of rs: out[i] for rule i, nout at least
 * dom_ruleset_count(rs). *unmet (if not NULL) gets how many are not met.
 * A field missing or of the wrong type does not meet its rule (the reason
 * says so). CMN_EINVAL with why "NAME:LINE:COLUMN: reason" (NAME as for
 * dom_ruleset_parse, NULL gives "application") when json is not a JSON
 * object, or when nout is too small; out and *unmet are untouched then.
 * Borrows everything. */
int dom_ruleset_check(const dom_ruleset_t *rs, const char *json, size_t len,
                      const char *name, dom_rule_result_t *out, size_t nout,
                      size_t *unmet, char *why, size_t whylen) CMN_MUST_CHECK;

/* "met", "not met", "not applicable"; NULL outside the enum. */
const char *dom_rule_status_name(dom_rule_status_t status);

#endif /* DOM_APPRULES_H */

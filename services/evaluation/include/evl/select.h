/* select.h - which institution may evaluate a system, and which one the
 * office is proposed (DOMAIN.md, "Level evaluation" and "Qualifications").
 *
 * An institution may take a system's evaluation on a date when it is
 * qualified that day for level evaluation (dom_qualified_on(): a
 * certificate of the category covers the date, is not suspended, and its
 * last annual surveillance did not fail), has no conflict with the unit
 * (it is not related to the unit and did not do the unit's security
 * design), and has capacity left (fewer evaluations running than it takes
 * on at once). A level-2 unit's own choice needs the first two; the
 * office's assignment (level 3 and above) all three.
 *
 * The proposal takes, among the institutions that may, the one the office
 * assigned least recently (never before any date: rotation), then the one
 * with fewer evaluations running, then the lowest id; it says why it was
 * chosen and why each other institution was passed over. Pure functions:
 * everything is borrowed for the call. int returns: 0, CMN_ENOENT (none
 * may; the reasons written), CMN_EINVAL (malformed input, named). */
#ifndef EVL_SELECT_H
#define EVL_SELECT_H
#include "cmn/err.h"
#include "dom/date.h"
#include "dom/qualify.h"

#include <stddef.h>

#define EVL_CATEGORY "level_evaluation" /* the certificates that count */

typedef struct {
    const char *id, *name;
    const dom_qual_cert_t *certs; /* certs[0..ncerts), any category */
    size_t ncerts;
    int capacity;               /* evaluations taken on at once, >= 1 */
    int busy;                   /* evaluations running now, >= 0 */
    dom_date_t last_assigned;   /* the office's last; DOM_DATE_NEVER */
    const char *const *related; /* credit codes of related units */
    size_t nrelated;
    const char *const *designed; /* units whose security design it did */
    size_t ndesigned;
} evl_inst_t;

enum {
    EVL_CHECK_QUALIFIED = 1 << 0,
    EVL_CHECK_CONFLICT = 1 << 1,
    EVL_CHECK_CAPACITY = 1 << 2,
    EVL_CHECK_CHOICE = EVL_CHECK_QUALIFIED | EVL_CHECK_CONFLICT,
    EVL_CHECK_ALL = EVL_CHECK_CHOICE | EVL_CHECK_CAPACITY
};

/* 0 when inst may evaluate the system of the unit (credit code unit) on
 * date, by the checks named. Otherwise CMN_ENOENT with each reason, joined
 * by "; ", in why (if not NULL): dom_qualified_on()'s ("certificate X
 * expired on D", "no certificate of category level_evaluation", ...),
 * "related to the unit", "did the unit's security design", "at capacity
 * (N of N evaluations running)". CMN_EINVAL (why naming it) for a NULL
 * argument, no id, a capacity below 1, a negative busy, or a malformed
 * certificate of the category. why is written only on failure. */
int evl_select_why(const evl_inst_t *inst, const char *unit, dom_date_t date,
                   unsigned checks, char *why, size_t whylen) CMN_MUST_CHECK;

/* The proposal among insts[0..n) for the unit on date (all three
 * checks): *pick its index. explain (if not NULL) gets, on 0,
 *   "proposed ID: qualified, N of C evaluations running, never assigned
 *    (or: last assigned D); passed over: ID2: REASONS; ID3: assigned more
 *    recently (D); ID4: as recently assigned, more evaluations running
 *    (N of C); ID5: as recently assigned and as busy, after it by id"
 * ("never assigned either" for "as recently assigned" when neither was)
 * and on CMN_ENOENT "no institution qualifies: ID: REASONS; ..." ("no
 * institution is registered" when n is 0), each institution in the
 * order given; cut to explen, always NUL-terminated. */
int evl_select_propose(const evl_inst_t *insts, size_t n, const char *unit,
                       dom_date_t date, size_t *pick, char *explain,
                       size_t explen) CMN_MUST_CHECK;

#endif /* EVL_SELECT_H */

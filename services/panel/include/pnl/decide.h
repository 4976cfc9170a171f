/* decide.h - the panel's decision on a case from its experts' opinions.
 *
 * Each seated expert gives one opinion: confirm the unit's proposed level,
 * or adjust it to another level, with reasons. An outcome is decided when
 * a strict majority of the seated quorum (nseated / 2 + 1 experts) names
 * it, where "confirm" is one outcome and "adjust to level N" is one outcome
 * for each N. Adjusting experts who name different levels therefore back
 * different outcomes: the panel does not average, take a median, or fold
 * them into a general "adjust". If no outcome can reach a majority the
 * decision is NO_MAJORITY and the case goes to another session.
 *
 * Why: a level is a legal classification; the reply letter should carry a
 * level that a majority of the panel actually named, not one made up from
 * the spread of opinions. With quorum 3 this means: 2 confirm -> confirm;
 * 2 name level 3 -> adjust to 3; confirm / 3 / 4 -> no majority.
 *
 * Missing opinions count against every outcome (an absent expert backs
 * none). While some are missing and a majority is still possible, the
 * decision is PENDING; once the session is over the service treats PENDING
 * as NO_MAJORITY. A decided outcome cannot change with later opinions.
 *
 * Pure functions: no I/O, no allocation. Pointers are borrowed for the
 * call. int returns: 0 or a negative CMN_E* code. */
#ifndef PNL_DECIDE_H
#define PNL_DECIDE_H
#include "cmn/err.h"
#include "dom/level.h"
#include "pnl/select.h"

#include <stddef.h>
#include <stdint.h>


typedef enum {
    PNL_STANCE_CONFIRM = 1, /* keep the proposed level */
    PNL_STANCE_ADJUST,      /* change it to `level` */
} pnl_stance_t;

/* One expert's opinion. */
typedef struct {
    int64_t expert_id; /* one of the seated experts */
    pnl_stance_t stance;
    int level;           /* ADJUST: 1..5, not the proposed level */
    const char *reasons; /* ADJUST: not empty; CONFIRM: may be NULL */
} pnl_opinion_t;

/* The case as the panel re-reviews it. */
typedef struct {
    int proposed;                  /* the unit's level, 1..5 */
    const int64_t *seated;         /* the quorum that sat: distinct ids */
    size_t nseated;                /* odd, 1..PNL_QUORUM_MAX */
    const pnl_opinion_t *opinions; /* at most one per seated expert */
    size_t nopinions;
} pnl_ballot_t;

typedef enum {
    PNL_DECISION_CONFIRM = 1, /* a majority confirms the proposed level */
    PNL_DECISION_ADJUST,      /* a majority names the same new level */
    PNL_DECISION_PENDING,     /* opinions missing; a majority still possible */
    PNL_DECISION_NO_MAJORITY, /* no outcome can have a majority */
} pnl_outcome_t;

typedef struct {
    pnl_outcome_t outcome;
    int level;     /* CONFIRM: the proposed one; ADJUST: the new one; else 0 */
    int proposed;  /* as in the ballot */
    int nseated;   /* as in the ballot */
    int nopinions; /* as in the ballot */
    int needed;    /* nseated / 2 + 1 */
    int nconfirm;  /* opinions confirming */
    int nadjust[DOM_LEVEL_MAX + 1]; /* [N]: opinions adjusting to N */
} pnl_decision_t;

/* Counts the opinions of ballot into *decision. CMN_EINVAL when the ballot
 * is malformed (an even or empty quorum, a duplicate seat, an opinion from
 * an expert not seated or a second one from the same expert, a bad stance
 * or level, adjusting to the proposed level, adjusting without reasons);
 * then a message naming the opinion and field goes to err (if not NULL)
 * and *decision is zeroed. */
int pnl_decide_tally(const pnl_ballot_t *ballot, pnl_decision_t *decision,
                     char *err, size_t errlen) CMN_MUST_CHECK;

/* Writes one line on decision (as pnl_decide_tally filled it) to buf,
 * snprintf-style, e.g.
 *   adjusted to level 3 by 2 of 3 seated experts, 2 needed (confirm
 *   level 2: 1, level 3: 2)
 *   no majority among 3 seated experts, 2 needed (confirm level 2: 1,
 *   level 3: 1, level 4: 1); another session must decide
 * Returns the length of the whole line (buf holds len - 1 bytes of it at
 * most), or CMN_EINVAL. */
int pnl_decide_format(const pnl_decision_t *decision, char *buf, size_t len);

/* The reasons of the n opinions that back decision (adjusting to its level,
 * or confirming), in order and joined with "; ", each text once however
 * many experts gave it; blank ones are skipped. Returns a string the caller
 * frees ("" when none gave any), or NULL when out of memory. */
char *pnl_decide_reasons(const pnl_opinion_t *opinions, size_t n,
                         const pnl_decision_t *decision);

#endif /* PNL_DECIDE_H */

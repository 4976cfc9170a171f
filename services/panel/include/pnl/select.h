/* select.h - which experts may sit on a case, and the quorum chosen.
 *
 * An expert is excluded from a case at a session when any of these holds
 * (all that hold are reported, as PNL_EXCL_* bits):
 *   - EMPLOYER:    the expert's employer is the filing unit's credit code;
 *   - DECLARED:    the expert declared a conflict with the filing unit;
 *   - UNAVAILABLE: the session date is one of the expert's unavailable days;
 *   - FULL:        the expert already sits on rules.expert_max_cases cases
 *                  at that session (only when that limit is not 0).
 * Credit codes compare ignoring ASCII case and surrounding blanks, so a
 * conflict is not missed over how a code was typed.
 *
 * The quorum is the rules.quorum eligible experts who come first in this
 * order: least recently seated first (never seated before anyone else),
 * then fewest cases already at this session, then lowest id. An expert's
 * last seating is the later of last_sat and the latest session in seats,
 * so picking the cases of one session in turn, and adding each pick to
 * seats, rotates the panel without further bookkeeping.
 *
 * When too few experts are eligible, pnl_select_quorum says so (it never
 * returns a short quorum as a success) and pnl_select_explain words why each
 * excluded expert was excluded, for the escalation. pnl_select_earliest
 * finds the first session within a horizon that has room for the case and
 * a quorum for it.
 *
 * Pure functions: no I/O, no allocation. Every pointer is borrowed for the
 * call. int returns: 0, or a negative CMN_E* code as stated. */
#ifndef PNL_SELECT_H
#define PNL_SELECT_H
#include "cmn/err.h"
#include "dom/date.h"
#include "pnl/schedule.h"

#include <stddef.h>
#include <stdint.h>

#define PNL_QUORUM_MAX  15  /* largest quorum pnl_rules_check accepts */
#define PNL_HORIZON_MAX 520 /* most sessions pnl_select_earliest looks at */

typedef struct {
    int quorum;           /* experts per case: odd, 1..PNL_QUORUM_MAX */
    int expert_max_cases; /* cases per expert per session; 0 = no limit */
    int horizon;          /* sessions to look at: 1..PNL_HORIZON_MAX */
} pnl_rules_t;

/* One expert of the panel. */
typedef struct {
    int64_t id;                    /* unique within the panel */
    const char *name;              /* for explanations; may be NULL */
    const char *employer;          /* credit code or org name; may be NULL */
    const char *const *conflicts;  /* credit codes of units declared */
    size_t nconflicts;             /* conflicts may be NULL when 0 */
    const dom_date_t *unavailable; /* days the expert cannot sit */
    size_t nunavailable;           /* unavailable may be NULL when 0 */
    dom_date_t last_sat; /* latest session seated at, or DOM_DATE_NEVER */
} pnl_expert_t;

/* One expert seated on one case at one session (one row per case). */
typedef struct {
    int64_t expert_id;
    dom_date_t session;
} pnl_seat_t;

/* The case to seat. */
typedef struct {
    const char *id;        /* case id, for explanations; may be NULL */
    const char *unit_code; /* filing unit's credit code: not empty */
    dom_date_t arrival;    /* the day the case reached the panel */
} pnl_case_t;

/* What the panel looks like now, as the service loaded it. calendar and
 * loads are used by pnl_select_earliest only. */
typedef struct {
    const pnl_calendar_t *calendar;
    const pnl_rules_t *rules;
    const pnl_expert_t *experts;
    size_t nexperts;
    const pnl_seat_t *seats; /* upcoming seats; NULL when nseats is 0 */
    size_t nseats;
    const pnl_load_t *loads; /* cases booked per session */
    size_t nloads;
} pnl_panel_t;

/* Why an expert may not sit on a case (bits; 0 means eligible). */
enum {
    PNL_EXCL_EMPLOYER = 1u << 0,
    PNL_EXCL_DECLARED = 1u << 1,
    PNL_EXCL_UNAVAILABLE = 1u << 2,
    PNL_EXCL_FULL = 1u << 3,
};

/* The outcome of pnl_select_quorum. */
typedef struct {
    dom_date_t session;
    size_t quorum;                 /* seats to fill */
    size_t nchosen;                /* seats filled: quorum when formed */
    size_t chosen[PNL_QUORUM_MAX]; /* indices into experts, in rank order */
    size_t neligible;              /* experts with no exclusion */
} pnl_pick_t;

/* One session pnl_select_earliest looked at. */
typedef struct {
    dom_date_t session;
    int room;         /* cases the session can still take */
    size_t neligible; /* experts eligible for the case there */
} pnl_try_t;

/* Sets *rules to the default: quorum 3, no per-expert limit, horizon 8. */
void pnl_rules_default(pnl_rules_t *rules);

/* Checks rules. On a bad value (an even quorum, one below 1 or above
 * PNL_QUORUM_MAX, a negative limit, a horizon out of range) returns
 * CMN_ECONFIG and writes a message that names the field and the value to
 * err (if err is not NULL). */
int pnl_rules_check(const pnl_rules_t *rules, char *err,
                    size_t errlen) CMN_MUST_CHECK;

/* The PNL_EXCL_* bits that keep expert i (an index into p->experts) off
 * case c at session; 0 if the expert is eligible. p and c must be ones
 * pnl_select_quorum accepts: this does not check them. */
unsigned pnl_select_why(const pnl_panel_t *p, const pnl_case_t *c,
                        dom_date_t session, size_t i);

/* Chooses the quorum for case c at session (a date the case is booked on;
 * it is not checked against the calendar, so sessions set before a
 * calendar change keep working) and fills *pick.
 * Returns 0 when pick->nchosen == rules.quorum; CMN_ENOENT when fewer
 * experts are eligible (pick holds the ones there are; the case must not
 * wait: escalate with pnl_select_explain); CMN_ECONFIG for bad rules;
 * CMN_EINVAL for a bad argument (no unit code, an invalid date, duplicate
 * expert ids, a NULL array with a count). */
int pnl_select_quorum(const pnl_panel_t *p, const pnl_case_t *c,
                      dom_date_t session, pnl_pick_t *pick) CMN_MUST_CHECK;

/* Writes one line on pick (as pnl_select_quorum filled it for p and c) to
 * buf, snprintf-style: the quorum or the shortfall, then every excluded
 * expert by id and name with all its reasons, e.g.
 *   no quorum for case "C-7" at 2024-05-16: 3 experts needed, 2 of 4
 *   eligible; excluded: expert 3 "Li Lei" (works for the filing unit),
 *   expert 5 (unavailable on 2024-05-16)
 * Control characters and quotes in names and ids print as '?'. Returns the
 * length of the whole line (buf holds len - 1 bytes of it at most), or
 * CMN_EINVAL. */
int pnl_select_explain(const pnl_panel_t *p, const pnl_case_t *c,
                       const pnl_pick_t *pick, char *buf, size_t len);

/* Finds the first session on or after from, and strictly after the case's
 * arrival, among the next rules.horizon calendar sessions, that has room
 * for one more case and a quorum for c: sets *session and returns 0, or
 * returns CMN_ENOENT if there is none. A session the case is already
 * booked on counts its own booking: start after that session. *ntries (if
 * ntries is not NULL) gets the number of sessions looked at, and tries (if
 * not NULL, rules.horizon entries) what was seen at each. Other errors as
 * pnl_select_quorum, and as pnl_schedule_room for the calendar and loads. */
int pnl_select_earliest(const pnl_panel_t *p, const pnl_case_t *c,
                        dom_date_t from, dom_date_t *session, pnl_try_t *tries,
                        size_t *ntries) CMN_MUST_CHECK;

#endif /* PNL_SELECT_H */

/* flow.h - what happens to a review case, shared by the inbox handlers,
 * the API and the watch: the recommendation, the decision (a person's, or
 * the system's under review.auto) with its letter and its messages to the
 * panel, and the clock's notes.
 *
 * Worker thread only, inside the caller's open transaction, with the case
 * row locked. int returns: 0, CMN_EINVAL for data the rules refuse, or a
 * database error (the caller's transaction is then rolled back). */
#ifndef RVW_FLOW_H
#define RVW_FLOW_H
#include "rvw/case.h"
#include "rvw/decide.h"
#include "rvw/fsm.h"
#include "rvw/review.h"

#include <libpq-fe.h>

/* A decision to apply to a case. */
typedef struct {
    char outcome;                  /* 'A', 'B' or 'C' */
    int level;                     /* A, B: the level decided */
    const dom_material_t *missing; /* B: what is missing */
    size_t nmissing;
    const char *who;    /* "system", or the person ("staff:li via web") */
    const char *reason; /* the person's reason ("" none); C: the referral's */
} rvw_verdict_t;

/* Sets the first recommendation of a new case from the review of its
 * filing (decide.h): C with where the grading departs from the matrix, B
 * with what is missing, or A. */
void rvw_flow_recommend_first(rvw_case_t *k, const rvw_decision_t *d);

/* Sets the recommendation once the level is settled (k->level): A, or B
 * with what is missing at that level (A at level 1: closed, not filed). */
int rvw_flow_recommend_settled(rvw_case_t *k) CMN_MUST_CHECK;

/* The case has a new recommendation: review.auto applies it now as the
 * system (for a clean A, or for all), or the case waits for a person in
 * "pending" (audit "case.queued"). Saves the case. */
int rvw_flow_route(PGconn *c, const rvw_t *self, rvw_case_t *k,
                   dom_date_t today) CMN_MUST_CHECK;

/* Applies v: A accepted (closed below level 2), B incomplete with the
 * clock paused, C to the panel (PanelReferral) with the clock paused;
 * the letter, the audit event "case.decided" (actor v->who); saves the
 * case. */
int rvw_flow_apply(PGconn *c, const rvw_t *self, rvw_case_t *k,
                   const rvw_verdict_t *v, dom_date_t today) CMN_MUST_CHECK;

/* The case's state changed: the municipal intake hears of it
 * (CaseDecided, the case's next version to it), when "intake" is among
 * the peers; an accepted case goes on to evaluation and cert
 * (CaseAccepted), to each that is among the peers. Called by
 * rvw_flow_route, rvw_flow_apply and on escalation. */
int rvw_flow_tell(PGconn *c, const rvw_t *self, const rvw_case_t *k,
                  dom_date_t today) CMN_MUST_CHECK;

/* The panel no longer needs the case (PanelWithdrawal, next version). */
int rvw_flow_withdraw(PGconn *c, rvw_case_t *k,
                      const char *reason) CMN_MUST_CHECK;

/* A message the table says to ignore: audited as "ignored: WHY". */
int rvw_flow_ignored(PGconn *c, const rvw_case_t *k, const char *action,
                     const rvw_step_t *step) CMN_MUST_CHECK;

/* A clock operation that returned rc: when it could not be counted (a day
 * past the calendar, or another error), the case's note says so and the
 * clock stays as it was. */
void rvw_flow_clock_note(rvw_case_t *k, int rc, const char *what);

/* A paused clock runs again from today (the panel decided, the unit
 * insisted, the case is back with the office). */
void rvw_flow_resume(rvw_case_t *k, dom_date_t today);

/* Checks that the case reached a state the step allows (an invariant of
 * the handlers; logs and returns CMN_EINVAL if not). */
int rvw_flow_reached(const rvw_case_t *k, rvw_event_t event,
                     const rvw_step_t *step) CMN_MUST_CHECK;

/* May caller read or act on the case: the unit's proof (proof, against
 * the stored hash), the unit's own registered key, or an office identity
 * whose jurisdiction covers the unit's region. */
bool rvw_flow_may_see(const rvw_t *self, const cmn_ident_t *caller,
                      const rvw_case_t *k, const char *proof);

#endif /* RVW_FLOW_H */

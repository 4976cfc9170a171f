/* flow.h - what happens to a review case, shared by the inbox handlers,
 * the API and the watch: the reply letter, settling a case on its
 * materials, the panel's messages, the clock's notes.
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

/* Stores the reply letter for the case's current decision d, issued
 * today. */
int rvw_flow_letter(PGconn *c, const rvw_t *self, const rvw_case_t *k,
                    const rvw_decision_t *d, dom_date_t today) CMN_MUST_CHECK;

/* The level is settled (k->level): A or B on the materials present, or
 * closed below level 2; the letter follows. B pauses a running clock. */
int rvw_flow_settle(PGconn *c, const rvw_t *self, rvw_case_t *k,
                    rvw_decision_t *d, dom_date_t today) CMN_MUST_CHECK;

/* Outcome C: the case goes to the panel (PanelReferral, case version 1),
 * its clock paused on the day of receipt. Inserts the case and its
 * letter. */
int rvw_flow_refer(PGconn *c, const rvw_t *self, rvw_case_t *k,
                   const rvw_decision_t *d, dom_date_t today) CMN_MUST_CHECK;

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

#endif /* RVW_FLOW_H */

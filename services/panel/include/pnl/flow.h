/* flow.h - what happens to a panel case: placement at a session with a
 * quorum (or escalation), the tally after each opinion (decision, or
 * another session), and withdrawal.
 *
 * Worker thread only, inside the caller's open transaction, after
 * pnl_store_lock() and with the case row locked. Each function changes
 * the case row k and saves it, queues what review must hear (with the
 * case's next case_version) and emits exactly one audit event per state
 * change. note (if not NULL) gets one line on what happened, for a reply
 * or a log. int returns: 0, CMN_EINVAL when the rules refuse the case's
 * data, or a database error (retry). */
#ifndef PNL_FLOW_H
#define PNL_FLOW_H
#include "pnl/panel.h"
#include "pnl/store.h"

#include <stdbool.h>
#include <stddef.h>

/* Books the case at the first session with room on or after today and
 * strictly after `after` (the referral day, or the session that could not
 * decide), and seats a quorum there as round k->round + 1; audit `action`
 * ("panel.scheduled" or "panel.rescheduled", its outcome starting with
 * `why` when not NULL). With no quorum there the case is escalated
 * instead: PanelEscalation to review, audit "panel.escalated". */
int pnl_flow_place(PGconn *c, const pnl_t *self, pnl_case_row_t *k,
                   dom_date_t after, const char *action, const char *why,
                   char *note, size_t notelen) CMN_MUST_CHECK;

/* Tallies the open round of a scheduled case. A majority decides it
 * (PanelDecision to review, seated experts' last_sat moved up, audit
 * "panel.decided"); no possible majority, or opinions still missing when
 * session_over, ends the round and places the case again. Otherwise it
 * waits and nothing changes. */
int pnl_flow_tally(PGconn *c, const pnl_t *self, pnl_case_row_t *k,
                   bool session_over, char *note,
                   size_t notelen) CMN_MUST_CHECK;

/* Withdraws an undecided case (scheduled or escalated): its seats are
 * freed, audit "panel.withdrawn" with actor. *changed is false (and
 * nothing happens) for a case already decided or withdrawn. */
int pnl_flow_withdraw(PGconn *c, const pnl_t *self, pnl_case_row_t *k,
                      const char *actor, const char *reason,
                      bool *changed) CMN_MUST_CHECK;

/* True when the session of round k->round is over as of today: today is
 * more than conf.grace_days after it. */
bool pnl_flow_session_over(const pnl_t *self, const pnl_case_row_t *k,
                           dom_date_t today);


#endif /* PNL_FLOW_H */

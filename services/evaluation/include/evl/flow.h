/* flow.h - what happens to a system's evaluation: a round starts (the
 * unit's choice awaited, a proposal, or an escalation), an institution is
 * engaged, a report concludes the round, rectification runs its course,
 * the calendar opens the next round or marks it overdue.
 *
 * Worker thread only, inside the caller's open transaction, with the
 * system row locked (evl_store_sys_load(..., true, ...)). Each function
 * looks its step up in the transition table (fsm.h), changes k and saves
 * it, emits exactly one audit event per state change, queues what the
 * cert service must hear, and checks that the state it reached is one the
 * table allows (CMN_EINVAL otherwise: an invariant, logged). note (if not
 * NULL) gets one line on what happened, for a reply or a log. int
 * returns: 0, CMN_EINVAL, or a database error (the transaction is
 * retried or refused by the caller). */
#ifndef EVL_FLOW_H
#define EVL_FLOW_H
#include "evl/evaluation.h"
#include "evl/store.h"

#include <stdbool.h>
#include <stddef.h>

/* Starts round k->round on event ev (CaseAccepted, completion, due):
 * level 2 waits for the unit's choice (audit "evaluation.choosing");
 * level 3 and above gets the proposal of evl_select_propose()
 * ("evaluation.proposed") or, when no institution qualifies, is escalated
 * ("evaluation.escalated", logged as a warning). cause begins the audit
 * outcome ("accepted at level 3", "due 2027-11-20"). */
int evl_flow_start(PGconn *c, const evl_t *self, evl_sys_t *k, evl_event_t ev,
                   dom_date_t today, const char *cause, char *note,
                   size_t notelen) CMN_MUST_CHECK;

/* The watch on a proposed or escalated system: the proposal again. Only
 * a change (another institution, or proposed <-> escalated) is saved and
 * audited; *changed says whether there was one. */
int evl_flow_repropose(PGconn *c, const evl_t *self, evl_sys_t *k,
                       dom_date_t today, bool *changed) CMN_MUST_CHECK;

/* After the institutions changed (added, changed, a suspension set or
 * lifted): every escalated system, and every proposed one whose proposal
 * no longer may be assigned, is proposed again at once (those another
 * transaction holds are skipped: the watch comes to them). *changed (if
 * not NULL) gets how many changed. Takes evl_store_lock(). */
int evl_flow_refresh(PGconn *c, const evl_t *self, dom_date_t today,
                     int *changed) CMN_MUST_CHECK;

/* Engages institution inst for k's round, chosen by the unit (ev
 * EVL_EV_CHOOSE, audit "evaluation.chosen") or assigned by the office
 * (EVL_EV_ASSIGN, "evaluation.assigned"), by actor; why is kept with the
 * engagement (the proposal's explanation, or the reason for another). The
 * caller checked that inst may (evl_select_why()). */
int evl_flow_engage(PGconn *c, evl_sys_t *k, evl_event_t ev, const char *inst,
                    const char *actor, const char *why,
                    dom_date_t today) CMN_MUST_CHECK;

/* What an institution reports (checked by the caller). */
typedef struct {
    dom_date_t date;
    int score, high, medium;
    const char *sha256;
} evl_report_in_t;

/* The engaged institution's report: the verdict (dom_verdict()); not
 * poor: evaluated, the next evaluation due by the cadence from the report
 * date, the calendar cleared; poor: rectification (the due date stays).
 * The report is recorded, the engagement ends, EvaluationConcluded goes
 * to cert (case_version: the system's count of reports) when it is a
 * peer; audit "evaluation.reported". */
int evl_flow_conclude(PGconn *c, const evl_t *self, evl_sys_t *k,
                      const evl_report_in_t *r, const char *actor, char *note,
                      size_t notelen) CMN_MUST_CHECK;

/* The unit's rectification plan: plan_review for an important system
 * (level 3+), rectifying otherwise; audit "rectification.planned". */
int evl_flow_plan(PGconn *c, evl_sys_t *k, const char *summary,
                  const char *sha256, const char *actor, dom_date_t today,
                  char *note, size_t notelen) CMN_MUST_CHECK;

/* The panel's review of the plan: approved, rectifying; rejected (with
 * reason), rectification again. Audit "rectification.approved" or
 * "rectification.rejected", actor the expert or the staff member. */
int evl_flow_review(PGconn *c, evl_sys_t *k, bool approve, const char *reason,
                    const char *actor, dom_date_t today, char *note,
                    size_t notelen) CMN_MUST_CHECK;

/* The unit reports the rectification done: audit
 * "rectification.completed", then the re-evaluation's round starts
 * (evl_flow_start). */
int evl_flow_complete(PGconn *c, const evl_t *self, evl_sys_t *k,
                      const char *summary, const char *actor, dom_date_t today,
                      char *note, size_t notelen) CMN_MUST_CHECK;

/* The watch, on an evaluated system whose next evaluation is due within
 * evaluation.warn-days: a new round (calendar "due"), audit
 * "evaluation.due" and the round's start. */
int evl_flow_due(PGconn *c, const evl_t *self, evl_sys_t *k, dom_date_t today,
                 char *note, size_t notelen) CMN_MUST_CHECK;

/* The watch, on an open round past its due date: calendar "overdue",
 * audit "evaluation.overdue" (once). */
int evl_flow_overdue(PGconn *c, evl_sys_t *k, dom_date_t today, char *note,
                     size_t notelen) CMN_MUST_CHECK;

/* A later CaseAccepted (the level or the unit's data changed): k's fields
 * from it are already set by the caller, old_level the level before. A
 * waiting round starts again (the level decides choice or assignment);
 * otherwise the state stays and, when evaluated, the due date follows
 * the new level. Audit "evaluation.level" when the level changed. */
int evl_flow_relevel(PGconn *c, const evl_t *self, evl_sys_t *k, int old_level,
                     dom_date_t today, char *note,
                     size_t notelen) CMN_MUST_CHECK;

/* The actor of a unit's action: "unit:CODE" for its own key, else
 * "unit:CODE via IDENTITY" (its proof, through a gateway); into buf. */
const char *evl_flow_unit_actor(const cmn_ident_t *peer, const evl_sys_t *k,
                                char *buf, size_t len);

#endif /* EVL_FLOW_H */

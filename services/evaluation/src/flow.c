/* flow.c - rounds, engagements, reports, rectification and the calendar
 * of a system's evaluation (see flow.h). */
#include "evl/flow.h"
#include "cmn/audit.h"
#include "cmn/log.h"
#include "cmn/outbox.h"
#include "dom/level.h"
#include "dom/verdict.h"
#include "mlps/v1/workflow.pb-c.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_EXPLAIN_MAX 3000

static void
s_day(dom_date_t d, char out[DOM_DATE_BUFSZ])
{
    if (dom_date_valid(d))
        dom_date_format(d, out);
    else
        snprintf(out, DOM_DATE_BUFSZ, "none");
}

/* The state k reached must be one the step may lead to. */
static int
s_reached(const evl_sys_t *k, evl_event_t ev, const evl_step_t *step)
{
    if (evl_fsm_allows(step, k->state))
        return 0;
    cmn_log_error("system %s: %s led to \"%s\", which the table does not "
                  "allow",
                  k->tracking_id, evl_event_name(ev), evl_state_name(k->state));
    return CMN_EINVAL;
}

/* The step of ev in k's state, which must move the system. */
static const evl_step_t *
s_step(const evl_sys_t *k, evl_event_t ev, evl_act_t act)
{
    const evl_step_t *step = evl_fsm_step(k->state, ev);
    if (step->act != act) {
        cmn_log_error("system %s: %s in state \"%s\" is not a %s",
                      k->tracking_id, evl_event_name(ev),
                      evl_state_name(k->state), evl_act_name(act));
        return NULL;
    }
    return step;
}

const char *
evl_flow_unit_actor(const cmn_ident_t *peer, const evl_sys_t *k, char *buf,
                    size_t len)
{
    if (peer->kind == CMN_KIND_UNIT)
        snprintf(buf, len, "%s", peer->name);
    else if (peer->kind == CMN_KIND_DEV)
        snprintf(buf, len, "unit:%s", k->unit_credit_code);
    else
        snprintf(buf, len, "unit:%s via %s", k->unit_credit_code, peer->name);
    return buf;
}

/* --- a round starts --------------------------------------------------- */

/* The proposal for k on today into k (proposed or escalated, detail). */
static int
s_propose(PGconn *c, evl_sys_t *k, dom_date_t today)
{
    evl_snapshot_t s;
    char *why = malloc(S_EXPLAIN_MAX);
    size_t pick = 0;
    int err = why == NULL ? CMN_ENOMEM : evl_store_lock(c);
    if (err == 0)
        err = evl_store_snapshot(c, &s);
    if (err != 0) {
        free(why);
        return err;
    }
    int rc = evl_select_propose(s.insts, s.n, k->unit_credit_code, today, &pick,
                                why, S_EXPLAIN_MAX);
    if (rc == 0) {
        k->state = EVL_ST_PROPOSED;
        snprintf(k->proposal, sizeof k->proposal, "%s", s.insts[pick].id);
    } else if (rc == CMN_ENOENT) {
        k->state = EVL_ST_ESCALATED;
        k->proposal[0] = '\0';
    } else {
        cmn_log_error("system %s: the proposal failed: %s", k->tracking_id,
                      why);
        err = CMN_EINVAL;
    }
    if (err == 0)
        evl_store_detail(k, why);
    evl_store_snapshot_release(&s);
    free(why);
    return err;
}

/* The audit event of the round's start and the note. */
static int
s_started(PGconn *c, const evl_sys_t *k, const char *cause, char *note,
          size_t notelen)
{
    char head[200];
    snprintf(head, sizeof head, "%s: round %d", cause, k->round);
    if (k->state == EVL_ST_CHOOSING) {
        if (note != NULL)
            snprintf(note, notelen,
                     "%s: the unit chooses a qualified "
                     "institution",
                     head);
        return cmn_audit(c, "system", "evaluation.choosing", k->tracking_id,
                         "%s: the unit chooses", head);
    }
    if (k->state == EVL_ST_PROPOSED) {
        if (note != NULL)
            snprintf(note, notelen, "%s: %s proposed", head, k->proposal);
        return cmn_audit(c, "system", "evaluation.proposed", k->tracking_id,
                         "%s; %s", head, k->detail);
    }
    cmn_log_warn("system %s: escalated to the office: %s", k->tracking_id,
                 k->detail);
    if (note != NULL)
        snprintf(note, notelen, "%s: escalated: %s", head, k->detail);
    return cmn_audit(c, "system", "evaluation.escalated", k->tracking_id,
                     "%s; %s", head, k->detail);
}

int
evl_flow_start(PGconn *c, const evl_t *self, evl_sys_t *k, evl_event_t ev,
               dom_date_t today, const char *cause, char *note, size_t notelen)
{
    (void) self;
    const evl_step_t *step = s_step(k, ev, EVL_ACT_START);
    if (step == NULL)
        return CMN_EINVAL;
    int err = 0;
    k->institution_id[0] = k->engaged[0] = k->proposal[0] = '\0';
    k->engaged_on = DOM_DATE_NEVER;
    if (dom_level_important(k->level)) {
        err = s_propose(c, k, today);
    } else {
        k->state = EVL_ST_CHOOSING;
        evl_store_detail(k, "level 2: the unit chooses a qualified "
                            "institution without a conflict");
    }
    if (err == 0)
        err = s_reached(k, ev, step);
    if (err == 0)
        err = evl_store_sys_save(c, k);
    return err == 0 ? s_started(c, k, cause, note, notelen) : err;
}

int
evl_flow_repropose(PGconn *c, const evl_t *self, evl_sys_t *k, dom_date_t today,
                   bool *changed)
{
    (void) self;
    const evl_step_t *step = s_step(k, EVL_EV_REPROPOSE, EVL_ACT_PROPOSE);
    evl_state_t was = k->state;
    char before[EVL_INST_MAX + 1];
    *changed = false;
    if (step == NULL)
        return CMN_EINVAL;
    snprintf(before, sizeof before, "%s", k->proposal);
    int err = s_propose(c, k, today);
    if (err == 0)
        err = s_reached(k, EVL_EV_REPROPOSE, step);
    if (err != 0 || (k->state == was && strcmp(before, k->proposal) == 0))
        return err; /* the same: nothing to save or say */
    *changed = true;
    err = evl_store_sys_save(c, k);
    if (err == 0 && k->state == EVL_ST_PROPOSED)
        err = cmn_audit(c, "system", "evaluation.proposed", k->tracking_id,
                        "proposed again (was %s): %s",
                        before[0] ? before : "escalated", k->detail);
    else if (err == 0)
        err = cmn_audit(c, "system", "evaluation.escalated", k->tracking_id,
                        "%s no longer qualifies; %s", before, k->detail);
    if (err == 0)
        cmn_log_info("system %s: %s", k->tracking_id,
                     k->state == EVL_ST_PROPOSED ? "a proposal again"
                                                 : "escalated again");
    return err;
}

/* True when k's proposal may still be assigned on today (by s). */
static bool
s_stands(const evl_snapshot_t *s, const evl_sys_t *k, dom_date_t today)
{
    const evl_inst_t *in = evl_store_snapshot_find(s, k->proposal);
    return in != NULL && evl_select_why(in, k->unit_credit_code, today,
                                        EVL_CHECK_ALL, NULL, 0) == 0;
}

/* Proposes system tracking (locked by the caller) again if it needs it. */
static int
s_refresh_one(PGconn *c, const evl_t *self, const evl_snapshot_t *s,
              const char *tracking, dom_date_t today, int *changed)
{
    evl_sys_t *k = calloc(1, sizeof *k);
    bool found = false, moved = false;
    int err = k != NULL ? evl_store_sys_load(c, tracking, true, k, &found)
                        : CMN_ENOMEM;
    if (err == 0 && found &&
        (k->state == EVL_ST_ESCALATED ||
         (k->state == EVL_ST_PROPOSED && !s_stands(s, k, today))))
        err = evl_flow_repropose(c, self, k, today, &moved);
    if (err == 0 && moved) {
        (*changed)++;
        cmn_log_info("system %s: %s after the institutions changed",
                     k->tracking_id, evl_state_name(k->state));
    }
    free(k);
    return err;
}

int
evl_flow_refresh(PGconn *c, const evl_t *self, dom_date_t today, int *changed)
{
    evl_snapshot_t s;
    int n = 0, err = evl_store_lock(c);
    if (err == 0)
        err = evl_store_snapshot(c, &s);
    if (err != 0)
        return err;
    /* SKIP LOCKED: never wait for a system another transaction holds
     * (it holds the lock order system, then evl_store_lock). */
    PGresult *r = cmn_pg_exec(c,
                              "SELECT tracking_id FROM systems WHERE state "
                              "IN ('escalated', 'proposed') ORDER BY "
                              "tracking_id LIMIT 500 FOR UPDATE SKIP LOCKED",
                              0, NULL, &err);
    for (int i = 0; r != NULL && err == 0 && i < PQntuples(r); i++)
        err = s_refresh_one(c, self, &s, PQgetvalue(r, i, 0), today, &n);
    PQclear(r);
    evl_store_snapshot_release(&s);
    if (changed != NULL)
        *changed = n;
    return err;
}

/* --- engagement and report -------------------------------------------- */

int
evl_flow_engage(PGconn *c, evl_sys_t *k, evl_event_t ev, const char *inst,
                const char *actor, const char *why, dom_date_t today)
{
    const evl_step_t *step = s_step(k, ev, EVL_ACT_ENGAGE);
    if (step == NULL)
        return CMN_EINVAL;
    const char *how = ev == EVL_EV_CHOOSE ? "chosen" : "assigned";
    snprintf(k->institution_id, sizeof k->institution_id, "%s", inst);
    snprintf(k->engaged, sizeof k->engaged, "%s", how);
    k->engaged_on = today;
    k->state = EVL_ST_ASSIGNED;
    k->proposal[0] = '\0';
    evl_store_detail(k, why);
    int err = s_reached(k, ev, step);
    if (err == 0)
        err = evl_store_engage(c, k, how, actor, why);
    if (err == 0)
        err = evl_store_sys_save(c, k);
    if (err == 0)
        err = cmn_audit(
            c, actor,
            ev == EVL_EV_CHOOSE ? "evaluation.chosen" : "evaluation.assigned",
            k->tracking_id, "round %d: %s (%s)", k->round, inst, why);
    if (err == 0)
        cmn_log_info("system %s: round %d %s %s", k->tracking_id, k->round, how,
                     inst);
    return err;
}

/* The institution's name, for the certificate service. */
static int
s_inst_name(PGconn *c, const char *id, char *out, size_t len)
{
    const char *p[1] = {id};
    int err;
    PGresult *r = cmn_pg_exec(c, "SELECT name FROM institutions WHERE id = $1",
                              1, p, &err);
    if (r == NULL)
        return err;
    snprintf(out, len, "%s", PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : "");
    PQclear(r);
    return 0;
}

/* EvaluationConcluded for the cert service, version k->reports. */
static int
s_tell_cert(PGconn *c, const evl_sys_t *k, const evl_report_in_t *r,
            const char *sha)
{
    char name[EVL_NAME_MAX + 1], day[DOM_DATE_BUFSZ], due[DOM_DATE_BUFSZ] = "";
    int err = s_inst_name(c, k->institution_id, name, sizeof name);
    if (err != 0)
        return err;
    Mlps__V1__EvaluationConcluded m = MLPS__V1__EVALUATION_CONCLUDED__INIT;
    m.tracking_id = (char *) k->tracking_id;
    m.level = (uint32_t) k->level;
    m.institution_id = (char *) k->institution_id;
    m.institution_name = name;
    m.report_date = dom_date_format(r->date, day);
    m.score = (uint32_t) r->score;
    m.high_risks = (uint32_t) r->high;
    m.medium_risks = (uint32_t) r->medium;
    m.verdict = (char *) k->verdict;
    m.report_sha256 = (char *) sha;
    m.round = (uint32_t) k->round;
    if (k->state == EVL_ST_EVALUATED)
        dom_date_format(k->next_due, due);
    m.next_due = due;
    return cmn_outbox_put_pb(c, EVL_CERT_DEST, k->tracking_id,
                             (uint64_t) k->reports, &m.base);
}

/* The verdict and where it leads, into k. */
static int
s_verdict(const evl_t *self, evl_sys_t *k, const evl_report_in_t *r)
{
    dom_verdict_t v;
    if (dom_verdict(r->score, r->high, r->medium, &v) != 0)
        return CMN_EINVAL;
    k->report_date = r->date;
    k->score = r->score;
    k->high = r->high;
    k->medium = r->medium;
    snprintf(k->verdict, sizeof k->verdict, "%s", dom_verdict_name(v));
    if (v == DOM_VERDICT_POOR) {
        k->state = EVL_ST_RECTIFICATION;
        evl_store_detail(k, "poor (差): the unit's rectification plan is "
                            "awaited, then a re-evaluation");
        return 0;
    }
    dom_date_t due;
    if (dom_cadence_next_due(&self->cadence, k->level, r->date, &due) != 0)
        return CMN_EINVAL;
    k->state = EVL_ST_EVALUATED;
    k->next_due = due;
    k->calendar[0] = '\0';
    evl_store_detail(k, "");
    return 0;
}

int
evl_flow_conclude(PGconn *c, const evl_t *self, evl_sys_t *k,
                  const evl_report_in_t *r, const char *actor, char *note,
                  size_t notelen)
{
    const evl_step_t *step = s_step(k, EVL_EV_REPORT, EVL_ACT_CONCLUDE);
    char day[DOM_DATE_BUFSZ], due[DOM_DATE_BUFSZ], tail[80];
    dom_verdict_t v = DOM_VERDICT_POOR;
    if (step == NULL)
        return CMN_EINVAL;
    int err = s_verdict(self, k, r);
    if (err == 0)
        err = s_reached(k, EVL_EV_REPORT, step);
    if (err == 0 && dom_verdict_parse(k->verdict, &v) != 0)
        err = CMN_EINVAL;
    if (err != 0)
        return err;
    evl_report_t row = {r->date,    r->score,  r->high, r->medium,
                        k->verdict, r->sha256, actor};
    k->reports++;
    err = evl_store_report(c, k, &row);
    if (err == 0)
        err = evl_store_engagement_done(c, k);
    if (err == 0 && self->tell_cert)
        err = s_tell_cert(c, k, r, r->sha256);
    if (err == 0)
        err = evl_store_sys_save(c, k);
    s_day(r->date, day);
    s_day(k->next_due, due);
    if (k->state == EVL_ST_EVALUATED)
        snprintf(tail, sizeof tail, "next due %s", due);
    else
        snprintf(tail, sizeof tail, "rectification");
    if (err == 0)
        err = cmn_audit(c, actor, "evaluation.reported", k->tracking_id,
                        "round %d: %s (%s) score %d, high %d, medium %d, "
                        "report %s; %s",
                        k->round, k->verdict, dom_verdict_title(v), r->score,
                        r->high, r->medium, day, tail);
    if (note != NULL)
        snprintf(note, notelen, "verdict %s (%s); %s", k->verdict,
                 dom_verdict_title(v), tail);
    return err;
}

/* --- rectification ---------------------------------------------------- */

int
evl_flow_plan(PGconn *c, evl_sys_t *k, const char *summary, const char *sha256,
              const char *actor, dom_date_t today, char *note, size_t notelen)
{
    const evl_step_t *step = s_step(k, EVL_EV_PLAN, EVL_ACT_PLAN);
    char round[16], on[16];
    if (step == NULL)
        return CMN_EINVAL;
    bool panel = dom_level_important(k->level);
    k->state = panel ? EVL_ST_PLAN_REVIEW : EVL_ST_RECTIFYING;
    evl_store_detail(k, panel ? "the expert panel reviews the rectification "
                                "plan (an important system)"
                              : "the plan stands: the unit carries it out "
                                "and reports it done");
    int err = s_reached(k, EVL_EV_PLAN, step);
    snprintf(round, sizeof round, "%d", k->round);
    evl_store_day_param(today, on);
    const char *p[7] = {
        k->tracking_id,           round, summary, sha256, on, actor,
        panel ? "" : "not_needed"};
    PGresult *r = err != 0 ? NULL
                           : cmn_pg_exec(c,
                                         "INSERT INTO rectifications "
                                         "(tracking_id, round, summary, "
                                         "plan_sha256, planned_on, "
                                         "planned_by, review) VALUES ($1, "
                                         "$2::integer, $3, $4, DATE "
                                         "'1970-01-01' + $5::integer, $6, "
                                         "$7)",
                                         7, p, &err);
    PQclear(r);
    if (err == 0)
        err = evl_store_sys_save(c, k);
    if (err == 0)
        err = cmn_audit(c, actor, "rectification.planned", k->tracking_id,
                        "round %d: plan %.12s...; %s", k->round, sha256,
                        panel ? "to the expert panel" : "it stands");
    if (note != NULL)
        snprintf(note, notelen, "%s", k->detail);
    return err;
}

/* Updates the latest plan of k's round. */
static int
s_plan_update(PGconn *c, const evl_sys_t *k, const char *sql, int n,
              const char *const *extra)
{
    char round[16];
    const char *p[6] = {k->tracking_id, round, NULL, NULL, NULL, NULL};
    snprintf(round, sizeof round, "%d", k->round);
    for (int i = 0; i < n && i < 4; i++)
        p[2 + i] = extra[i];
    int err;
    PGresult *r = cmn_pg_exec(c, sql, 2 + n, p, &err);
    PQclear(r);
    return r == NULL ? err : 0;
}

int
evl_flow_review(PGconn *c, evl_sys_t *k, bool approve, const char *reason,
                const char *actor, dom_date_t today, char *note, size_t notelen)
{
    const evl_step_t *step = s_step(k, EVL_EV_REVIEW, EVL_ACT_REVIEW);
    char on[16];
    if (step == NULL)
        return CMN_EINVAL;
    k->state = approve ? EVL_ST_RECTIFYING : EVL_ST_RECTIFICATION;
    char detail[EVL_DETAIL_MAX + 1];
    snprintf(detail, sizeof detail, "%s by %s%s%.3000s",
             approve ? "plan approved" : "plan rejected", actor,
             reason[0] ? ": " : "", reason);
    evl_store_detail(k, detail);
    int err = s_reached(k, EVL_EV_REVIEW, step);
    evl_store_day_param(today, on);
    const char *extra[4] = {approve ? "approved" : "rejected", reason, actor,
                            on};
    if (err == 0)
        err = s_plan_update(
            c, k,
            "UPDATE rectifications SET review = $3, review_reason = $4, "
            "reviewed_by = $5, reviewed_on = DATE '1970-01-01' + $6::integer "
            "WHERE id = (SELECT max(id) FROM rectifications WHERE "
            "tracking_id = $1 AND round = $2::integer)",
            4, extra);
    if (err == 0)
        err = evl_store_sys_save(c, k);
    if (err == 0)
        err = cmn_audit(c, actor,
                        approve ? "rectification.approved"
                                : "rectification.rejected",
                        k->tracking_id, "round %d%s%.200s", k->round,
                        reason[0] ? ": " : "", reason);
    if (note != NULL)
        snprintf(note, notelen, "%s", k->detail);
    return err;
}

int
evl_flow_complete(PGconn *c, const evl_t *self, evl_sys_t *k,
                  const char *summary, const char *actor, dom_date_t today,
                  char *note, size_t notelen)
{
    if (s_step(k, EVL_EV_COMPLETE, EVL_ACT_START) == NULL)
        return CMN_EINVAL;
    char on[16], cause[64];
    evl_store_day_param(today, on);
    const char *extra[3] = {on, actor, summary};
    int err = s_plan_update(
        c, k,
        "UPDATE rectifications SET completed_on = DATE '1970-01-01' + "
        "$3::integer, completed_by = $4, completion = $5 WHERE id = (SELECT "
        "max(id) FROM rectifications WHERE tracking_id = $1 AND round = "
        "$2::integer)",
        3, extra);
    if (err == 0)
        err = cmn_audit(c, actor, "rectification.completed", k->tracking_id,
                        "round %d: rectification done; a re-evaluation "
                        "follows",
                        k->round);
    snprintf(cause, sizeof cause, "re-evaluation after rectification");
    k->round++;
    return err == 0 ? evl_flow_start(c, self, k, EVL_EV_COMPLETE, today, cause,
                                     note, notelen)
                    : err;
}

/* --- the calendar ----------------------------------------------------- */

int
evl_flow_due(PGconn *c, const evl_t *self, evl_sys_t *k, dom_date_t today,
             char *note, size_t notelen)
{
    char due[DOM_DATE_BUFSZ], cause[64];
    if (s_step(k, EVL_EV_DUE, EVL_ACT_START) == NULL)
        return CMN_EINVAL;
    s_day(k->next_due, due);
    int err = cmn_audit(c, "system", "evaluation.due", k->tracking_id,
                        "next evaluation due %s (in %" PRId64 " days)", due,
                        (int64_t) k->next_due - today);
    snprintf(cause, sizeof cause, "due %s", due);
    k->round++;
    snprintf(k->calendar, sizeof k->calendar, "due");
    return err == 0 ? evl_flow_start(c, self, k, EVL_EV_DUE, today, cause, note,
                                     notelen)
                    : err;
}

int
evl_flow_overdue(PGconn *c, evl_sys_t *k, dom_date_t today, char *note,
                 size_t notelen)
{
    char due[DOM_DATE_BUFSZ];
    const evl_step_t *step = s_step(k, EVL_EV_OVERDUE, EVL_ACT_FLAG);
    if (step == NULL)
        return CMN_EINVAL;
    s_day(k->next_due, due);
    snprintf(k->calendar, sizeof k->calendar, "overdue");
    int err = s_reached(k, EVL_EV_OVERDUE, step);
    if (err == 0)
        err = evl_store_sys_save(c, k);
    if (err == 0)
        err =
            cmn_audit(c, "system", "evaluation.overdue", k->tracking_id,
                      "due %s, %" PRId64 " days ago; state %s", due,
                      (int64_t) today - k->next_due, evl_state_name(k->state));
    cmn_log_warn("system %s: its evaluation was due %s (state %s)",
                 k->tracking_id, due, evl_state_name(k->state));
    if (note != NULL)
        snprintf(note, notelen, "overdue since %s", due);
    return err;
}

/* --- a later acceptance ------------------------------------------------ */

int
evl_flow_relevel(PGconn *c, const evl_t *self, evl_sys_t *k, int old_level,
                 dom_date_t today, char *note, size_t notelen)
{
    const evl_step_t *step = evl_fsm_step(k->state, EVL_EV_ACCEPTED);
    char cause[64];
    int err = 0;
    if (k->level != old_level)
        err = cmn_audit(c, "system", "evaluation.level", k->tracking_id,
                        "accepted again: level %d -> %d", old_level, k->level);
    if (err != 0)
        return err;
    if (step->act == EVL_ACT_START) {
        snprintf(cause, sizeof cause, "accepted again at level %d", k->level);
        return evl_flow_start(c, self, k, EVL_EV_ACCEPTED, today, cause, note,
                              notelen);
    }
    if (step->act != EVL_ACT_RELEVEL)
        return CMN_EINVAL;
    dom_date_t due;
    if (k->state == EVL_ST_EVALUATED && k->level != old_level &&
        dom_cadence_next_due(&self->cadence, k->level, k->report_date, &due) ==
            0)
        k->next_due = due;
    err = s_reached(k, EVL_EV_ACCEPTED, step);
    if (err == 0)
        err = evl_store_sys_save(c, k);
    if (note != NULL)
        snprintf(note, notelen, "accepted again at level %d; it stays %s",
                 k->level, evl_state_name(k->state));
    return err;
}

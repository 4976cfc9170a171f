/* flow.c - placement, tally and withdrawal of a panel case (see flow.h). */
#include "pnl/flow.h"
#include "cmn/audit.h"
#include "cmn/log.h"
#include "cmn/outbox.h"
#include "cmn/pb.h"
#include "mlps/v1/workflow.pb-c.h"
#include "pnl/decide.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool
pnl_flow_session_over(const pnl_t *self, const pnl_case_row_t *k,
                      dom_date_t today)
{
    return k->session != DOM_DATE_NEVER &&
           (int64_t) today > (int64_t) k->session + self->conf.grace_days;
}

/* Queues msg for review with the case's next version. */
static int
s_send(PGconn *c, pnl_case_row_t *k, const ProtobufCMessage *msg)
{
    k->out_version++;
    return cmn_outbox_put_pb(c, PNL_REVIEW_DEST, k->tracking_id,
                             (uint64_t) k->out_version, msg);
}

/* "101,103,105" */
static void
s_ids(const int64_t *ids, size_t n, char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && at < len; i++)
        at += (size_t) snprintf(buf + at, len - at, "%s%" PRId64,
                                i > 0 ? "," : "", ids[i]);
}

static void
s_day(dom_date_t d, char out[DOM_DATE_BUFSZ])
{
    if (dom_date_valid(d))
        dom_date_format(d, out);
    else
        snprintf(out, DOM_DATE_BUFSZ, "?");
}

/* Seats the quorum in pick as the case's next round. */
static int
s_seat(PGconn *c, const pnl_t *self, pnl_case_row_t *k, const pnl_snapshot_t *s,
       const pnl_pick_t *pick, const char *action, const char *why, char *note,
       size_t notelen)
{
    (void) self; /* audit events carry the service's own office */
    int64_t ids[PNL_QUORUM_MAX];
    char day[DOM_DATE_BUFSZ], list[PNL_QUORUM_MAX * 21], *outcome = NULL;
    for (size_t i = 0; i < pick->nchosen; i++)
        ids[i] = s->experts[pick->chosen[i]].id;
    s_day(pick->session, day);
    s_ids(ids, pick->nchosen, list, sizeof list);
    k->round++;
    k->session = pick->session;
    k->state = PNL_ST_SCHEDULED;
    int err = pnl_store_round_open(c, k->tracking_id, k->round, pick->session,
                                   ids, pick->nchosen);
    if (err == 0)
        err = pnl_store_case_detail(k, "");
    if (err == 0)
        err = pnl_store_case_save(c, k);
    size_t len = (why ? strlen(why) : 0) + strlen(list) + 64;
    if (err == 0 && (outcome = malloc(len)) == NULL)
        err = CMN_ENOMEM;
    if (err == 0) {
        snprintf(outcome, len, "%s%ssession %s: %s", why ? why : "",
                 why ? "; " : "", day, list);
        err = cmn_audit(c, "system", action, k->tracking_id, "%s", outcome);
        free(outcome);
    }
    if (note != NULL)
        snprintf(note, notelen, "scheduled at session %s with experts %s", day,
                 list);
    if (err == 0)
        cmn_log_info("case %s: round %d at session %s, experts %s",
                     k->tracking_id, k->round, day, list);
    return err;
}

/* The escalation reason: the shortfall, every exclusion, and the earliest
 * session that would do. Caller frees. */
static char *
s_reason(const pnl_t *self, const pnl_snapshot_t *s, const pnl_case_t *pc,
         const pnl_pick_t *pick, int *err)
{
    char tail[160], day[DOM_DATE_BUFSZ];
    dom_date_t early = 0;
    int rc = pick->session < DOM_DATE_MAX
                 ? pnl_select_earliest(&s->panel, pc, pick->session + 1, &early,
                                       NULL, NULL)
                 : CMN_ENOENT;
    if (rc == 0) {
        s_day(early, day);
        snprintf(tail, sizeof tail,
                 "the earliest session with room and a quorum is %s", day);
    } else if (rc == CMN_ENOENT) {
        snprintf(tail, sizeof tail,
                 "no session among the next %d has room and a quorum",
                 self->rules.horizon);
    } else {
        *err = rc;
        return NULL;
    }
    int len = pnl_select_explain(&s->panel, pc, pick, NULL, 0);
    if (len < 0) {
        *err = CMN_EINVAL;
        return NULL;
    }
    size_t size = (size_t) len + strlen(tail) + 3;
    char *out = malloc(size);
    if (out == NULL) {
        *err = CMN_ENOMEM;
        return NULL;
    }
    if (pnl_select_explain(&s->panel, pc, pick, out, size) < 0)
        out[0] = '\0';
    snprintf(out + strlen(out), size - strlen(out), "; %s", tail);
    *err = 0;
    return out;
}

/* No quorum at pick->session: the office must act. */
static int
s_escalate(PGconn *c, const pnl_t *self, pnl_case_row_t *k,
           const pnl_snapshot_t *s, const pnl_case_t *pc,
           const pnl_pick_t *pick, const char *why, char *note, size_t notelen)
{
    char day[DOM_DATE_BUFSZ], outcome[800];
    int err;
    char *reason = s_reason(self, s, pc, pick, &err);
    if (reason == NULL)
        return err;
    s_day(pick->session, day);
    k->round++;
    k->session = pick->session;
    k->state = PNL_ST_ESCALATED;
    err = pnl_store_round_open(c, k->tracking_id, k->round, pick->session, NULL,
                               0);
    if (err == 0)
        err = pnl_store_case_detail(k, reason);
    Mlps__V1__PanelEscalation pe = MLPS__V1__PANEL_ESCALATION__INIT;
    pe.tracking_id = k->tracking_id;
    pe.reason = reason;
    pe.session_date = day;
    if (err == 0)
        err = s_send(c, k, &pe.base);
    if (err == 0)
        err = pnl_store_case_save(c, k);
    snprintf(outcome, sizeof outcome,
             "%.500s%sno quorum at session %s: %zu of %zu experts eligible, "
             "%zu needed",
             why ? why : "", why ? "; " : "", day, pick->neligible,
             s->panel.nexperts, pick->quorum);
    if (err == 0)
        err = cmn_audit(c, "system", "panel.escalated", k->tracking_id, "%s",
                        outcome);
    if (note != NULL)
        snprintf(note, notelen, "escalated: no quorum at session %s", day);
    if (err == 0)
        cmn_log_warn("case %s escalated: no quorum at session %s (%zu of %zu "
                     "eligible, %zu needed)",
                     k->tracking_id, day, pick->neligible, s->panel.nexperts,
                     pick->quorum);
    free(reason);
    return err;
}

/* Errors of the pure rules mean the case's data cannot be placed. */
static int
s_rules_err(int rc)
{
    return rc == CMN_ECONFIG || rc == CMN_ENOENT ? CMN_EINVAL : rc;
}

int
pnl_flow_place(PGconn *c, const pnl_t *self, pnl_case_row_t *k,
               dom_date_t after, const char *action, const char *why,
               char *note, size_t notelen)
{
    pnl_snapshot_t s;
    dom_date_t today = cmn_svc_today(&self->conf.base), session;
    pnl_pick_t pick;
    int err = pnl_store_snapshot(c, &self->cal, &self->rules, today, &s);
    if (err != 0)
        return err;
    err = s_rules_err(pnl_schedule_place(
        &self->cal, s.panel.loads, s.panel.nloads, after, today, &session));
    if (err == 0) {
        pnl_case_t pc = {.id = k->tracking_id,
                         .unit_code = k->unit_credit_code,
                         .arrival = after};
        int rc = pnl_select_quorum(&s.panel, &pc, session, &pick);
        if (rc == 0)
            err = s_seat(c, self, k, &s, &pick, action, why, note, notelen);
        else if (rc == CMN_ENOENT)
            err = s_escalate(c, self, k, &s, &pc, &pick, why, note, notelen);
        else
            err = s_rules_err(rc);
    }
    pnl_store_snapshot_release(&s);
    return err;
}

static int
s_decide(PGconn *c, const pnl_t *self, pnl_case_row_t *k,
         const pnl_ballot_rows_t *b, const pnl_decision_t *d, const char *line,
         char *note, size_t notelen)
{
    (void) self; /* audit events carry the service's own office */
    bool adjust = d->outcome == PNL_DECISION_ADJUST;
    int majority = adjust ? d->nadjust[d->level] : d->nconfirm;
    char day[DOM_DATE_BUFSZ], detail[600], outcome[160];
    char *reasons = pnl_decide_reasons(b->opinions, b->nopinions, d);
    if (reasons == NULL)
        return CMN_ENOMEM;
    s_day(k->session, day);
    k->state = PNL_ST_DECIDED;
    snprintf(k->verdict, sizeof k->verdict, adjust ? "adjust" : "confirm");
    k->level = d->level;
    snprintf(detail, sizeof detail, "session %s: %s", day, line);
    int err = pnl_store_round_close(c, k->tracking_id, k->round, "decided");
    if (err == 0)
        err = pnl_store_case_detail(k, detail);
    Mlps__V1__PanelDecision pd = MLPS__V1__PANEL_DECISION__INIT;
    pd.tracking_id = k->tracking_id;
    pd.verdict = adjust ? MLPS__V1__PANEL_VERDICT__ADJUST
                        : MLPS__V1__PANEL_VERDICT__CONFIRM;
    pd.level = (uint32_t) d->level;
    pd.reasons = reasons[0] != '\0' ? reasons : (char *) line;
    pd.session_date = day;
    pd.experts = (uint32_t) d->nseated;
    pd.majority = (uint32_t) majority;
    if (err == 0)
        err = s_send(c, k, &pd.base);
    if (err == 0)
        err = pnl_store_case_save(c, k);
    snprintf(outcome, sizeof outcome, "%s level %d by %d of %d at session %s",
             adjust ? "adjust to" : "confirm", d->level, majority, d->nseated,
             day);
    if (err == 0)
        err = cmn_audit(c, "system", "panel.decided", k->tracking_id, "%s",
                        outcome);
    if (note != NULL)
        snprintf(note, notelen, "%s", line);
    if (err == 0)
        cmn_log_info("case %s decided: %s", k->tracking_id, outcome);
    free(reasons);
    return err;
}

/* The round could not decide: another session, with a new quorum. */
static int
s_again(PGconn *c, const pnl_t *self, pnl_case_row_t *k,
        const pnl_decision_t *d, const char *line, char *note, size_t notelen)
{
    char day[DOM_DATE_BUFSZ], why[600], next[200];
    s_day(k->session, day);
    if (d->outcome == PNL_DECISION_PENDING)
        snprintf(why, sizeof why,
                 "session %s is over with opinions missing: %s", day, line);
    else
        snprintf(why, sizeof why, "session %s: %s", day, line);
    int err = pnl_store_round_close(c, k->tracking_id, k->round, "no_majority");
    if (err == 0)
        err = pnl_flow_place(c, self, k, k->session, "panel.rescheduled", why,
                             next, sizeof next);
    if (note != NULL)
        snprintf(note, notelen, "%s; %s",
                 d->outcome == PNL_DECISION_PENDING ? "session over without a "
                                                      "majority"
                                                    : "no majority",
                 next);
    return err;
}

int
pnl_flow_tally(PGconn *c, const pnl_t *self, pnl_case_row_t *k,
               bool session_over, char *note, size_t notelen)
{
    pnl_ballot_rows_t b;
    pnl_decision_t d;
    char why[200], line[400];
    int err = pnl_store_ballot(c, k->tracking_id, k->round, &b);
    if (err != 0)
        return err;
    pnl_ballot_t ballot = {.proposed = k->proposed_level,
                           .seated = b.seated,
                           .nseated = b.nseated,
                           .opinions = b.opinions,
                           .nopinions = b.nopinions};
    err = pnl_decide_tally(&ballot, &d, why, sizeof why);
    if (err != 0) {
        cmn_log_error("case %s round %d: cannot tally: %s", k->tracking_id,
                      k->round, why);
        pnl_store_ballot_release(&b);
        return CMN_EINVAL;
    }
    if (pnl_decide_format(&d, line, sizeof line) < 0)
        snprintf(line, sizeof line, "?");
    /* Once the session is over, PENDING can no longer decide. */
    if (d.outcome == PNL_DECISION_CONFIRM || d.outcome == PNL_DECISION_ADJUST)
        err = s_decide(c, self, k, &b, &d, line, note, notelen);
    else if (d.outcome == PNL_DECISION_NO_MAJORITY || session_over)
        err = s_again(c, self, k, &d, line, note, notelen);
    else if (note != NULL)
        snprintf(note, notelen, "%s", line);
    pnl_store_ballot_release(&b);
    return err;
}

int
pnl_flow_withdraw(PGconn *c, const pnl_t *self, pnl_case_row_t *k,
                  const char *actor, const char *reason, bool *changed)
{
    (void) self; /* audit events carry the service's own office */
    char day[DOM_DATE_BUFSZ], outcome[160], detail[600];
    int err = 0;
    *changed = false;
    if (pnl_fsm_step(k->state, PNL_EV_WITHDRAWAL)->act != PNL_ACT_WITHDRAW)
        return 0;
    s_day(k->session, day);
    if (k->state == PNL_ST_SCHEDULED) {
        err = pnl_store_round_close(c, k->tracking_id, k->round, "withdrawn");
        snprintf(outcome, sizeof outcome, "seats at session %s freed", day);
    } else {
        snprintf(outcome, sizeof outcome, "was escalated (no quorum at %s)",
                 day);
    }
    k->state = PNL_ST_WITHDRAWN;
    snprintf(detail, sizeof detail, "withdrawn: %s", reason);
    if (err == 0)
        err = pnl_store_case_detail(k, detail);
    if (err == 0)
        err = pnl_store_case_save(c, k);
    if (err == 0)
        err = cmn_audit(c, actor, "panel.withdrawn", k->tracking_id, "%s",
                        outcome);
    if (err == 0) {
        *changed = true;
        cmn_log_info("case %s withdrawn: %s", k->tracking_id, outcome);
    }
    return err;
}

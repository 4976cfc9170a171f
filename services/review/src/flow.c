/* flow.c - letters, settling, referral and withdrawal of a review case. */
#include "rvw/flow.h"
#include "cmn/audit.h"
#include "cmn/log.h"
#include "cmn/outbox.h"
#include "dom/level.h"
#include "mlps/v1/workflow.pb-c.h"
#include "rvw/letter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_PANEL "panel"

int
rvw_flow_letter(PGconn *c, const rvw_t *self, const rvw_case_t *k,
                const rvw_decision_t *d, dom_date_t today)
{
    dom_grading_t g;
    char received[DOM_DATE_BUFSZ], issued[DOM_DATE_BUFSZ];
    Mlps__V1__Grading *pg =
        mlps__v1__grading__unpack(NULL, k->grading_len, k->grading);
    int have = pg != NULL && rvw_from_proto(pg, &g) == 0;
    mlps__v1__grading__free_unpacked(pg, NULL);
    rvw_letter_t l = {.tracking_id = k->tracking_id,
                      .office = self->conf.office_name,
                      .unit_name = k->unit_name,
                      .system_name = k->system_name,
                      .received_on = dom_date_format(k->received_on, received),
                      .issued_on = dom_date_format(today, issued),
                      .outcome = k->outcome,
                      .proposed = k->proposed_level,
                      .level = k->level,
                      .grading = have ? &g : NULL,
                      .check = &d->check,
                      .missing = k->missing,
                      .nmissing = k->nmissing,
                      .panel_note = k->panel_note,
                      .liability = k->liability_notice};
    char *body = rvw_letter_render(&l);
    if (body == NULL)
        return CMN_ENOMEM;
    char outcome[2] = {k->outcome, '\0'};
    const char *p[4] = {k->tracking_id, outcome, issued, body};
    int err;
    PGresult *r = cmn_pg_exec(c,
                              "INSERT INTO letters (tracking_id, outcome, "
                              "issued_on, body) VALUES ($1, $2, $3, $4)",
                              4, p, &err);
    PQclear(r);
    free(body);
    return err;
}

void
rvw_flow_clock_note(rvw_case_t *k, int rc, const char *what)
{
    if (rc == CMN_ECALENDAR)
        snprintf(k->clock_note, sizeof k->clock_note,
                 "%s: a day to count lies past the working-day calendar", what);
    else if (rc != 0)
        snprintf(k->clock_note, sizeof k->clock_note, "%s: %s", what,
                 cmn_strerror(rc));
}

void
rvw_flow_resume(rvw_case_t *k, dom_date_t today)
{
    if (rvw_clock_state(&k->clock) == RVW_CLOCK_PAUSED)
        rvw_flow_clock_note(k, rvw_clock_resume(&k->clock, today), "resume");
}

int
rvw_flow_settle(PGconn *c, const rvw_t *self, rvw_case_t *k, rvw_decision_t *d,
                dom_date_t today)
{
    if (!dom_level_filed(k->level)) { /* level 1 systems are not filed */
        k->state = RVW_ST_CLOSED;
        k->decided_on = today;
        return 0;
    }
    int rc = rvw_decide_materials(k->level, k->has_supervisor, k->materials,
                                  k->nmaterials, d);
    if (rc != 0)
        return rc;
    k->outcome = d->outcome;
    memcpy(k->missing, d->missing, sizeof d->missing);
    k->nmissing = d->nmissing;
    if (d->outcome == 'A') {
        k->state = RVW_ST_ACCEPTED;
        k->decided_on = today;
    } else {
        k->state = RVW_ST_INCOMPLETE;
        if (rvw_clock_state(&k->clock) == RVW_CLOCK_RUNNING)
            rvw_flow_clock_note(k, rvw_clock_pause(&k->clock, self->cal, today),
                                "waiting for materials");
    }
    return rvw_flow_letter(c, self, k, d, today);
}

int
rvw_flow_refer(PGconn *c, const rvw_t *self, rvw_case_t *k,
               const rvw_decision_t *d, dom_date_t today)
{
    char referred[DOM_DATE_BUFSZ];
    k->outcome = 'C';
    k->state = RVW_ST_PANEL;
    rvw_flow_clock_note(k,
                        rvw_clock_pause(&k->clock, self->cal, k->received_on),
                        "with the expert panel");
    Mlps__V1__PanelReferral pr = MLPS__V1__PANEL_REFERRAL__INIT;
    char reason[160];
    snprintf(reason, sizeof reason,
             "proposed level %d, the matrix gives %d (business %d, "
             "service %d)",
             d->proposed, d->check.level, d->check.info_level,
             d->check.service_level);
    pr.tracking_id = k->tracking_id;
    pr.unit_name = k->unit_name;
    pr.unit_credit_code = k->unit_credit_code;
    pr.system_name = k->system_name;
    pr.proposed_level = (uint32_t) d->proposed;
    pr.computed_level = (uint32_t) d->check.level;
    pr.reason = reason;
    pr.referred_on = dom_date_format(today, referred);
    k->panel_version = 1;
    int err = cmn_outbox_put_pb(c, S_PANEL, k->tracking_id, 1, &pr.base);
    if (err == 0)
        err = rvw_case_insert(c, k);
    if (err == 0)
        err = rvw_flow_letter(c, self, k, d, today);
    return err;
}

int
rvw_flow_withdraw(PGconn *c, rvw_case_t *k, const char *reason)
{
    Mlps__V1__PanelWithdrawal w = MLPS__V1__PANEL_WITHDRAWAL__INIT;
    w.tracking_id = k->tracking_id;
    w.reason = (char *) reason;
    k->panel_version++;
    return cmn_outbox_put_pb(c, S_PANEL, k->tracking_id,
                             (uint64_t) k->panel_version, &w.base);
}

int
rvw_flow_ignored(PGconn *c, const rvw_case_t *k, const char *action,
                 const rvw_step_t *step)
{
    cmn_log_info("case %s: %s ignored: %s", k->tracking_id, action, step->why);
    return cmn_audit(c, "system", action, k->tracking_id, "ignored: %s",
                     step->why);
}

int
rvw_flow_reached(const rvw_case_t *k, rvw_event_t event, const rvw_step_t *step)
{
    if (rvw_fsm_allows(step, k->state))
        return 0;
    cmn_log_error("case %s: %s led to \"%s\", which the table does not allow",
                  k->tracking_id, rvw_event_name(event),
                  rvw_state_name(k->state));
    return CMN_EINVAL;
}

/* flow.c - recommendations, decisions, letters, referral and withdrawal
 * of a review case (see flow.h). */
#include "rvw/flow.h"
#include "cmn/audit.h"
#include "cmn/log.h"
#include "cmn/outbox.h"
#include "cmn/secret.h"
#include "dom/level.h"
#include "mlps/v1/workflow.pb-c.h"
#include "rvw/letter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_PANEL "panel"

/* The letter of the case's decision, issued today. */
static int
s_letter(PGconn *c, const rvw_t *self, const rvw_case_t *k,
         const rvw_verdict_t *v, dom_date_t today)
{
    dom_grading_t g;
    dom_matrix_check_t check = {0};
    char received[DOM_DATE_BUFSZ], issued[DOM_DATE_BUFSZ];
    Mlps__V1__Grading *pg =
        mlps__v1__grading__unpack(NULL, k->grading_len, k->grading);
    int have = pg != NULL && rvw_from_proto(pg, &g) == 0 &&
               dom_matrix_check(&g, &check) == 0;
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
                      .check = have ? &check : NULL,
                      .missing = k->missing,
                      .nmissing = k->nmissing,
                      .panel_note = k->panel_note,
                      .liability = k->liability_notice,
                      .decided_by = v->who,
                      .reason = v->reason};
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

/* "topology, product_list" */
static void
s_kinds_text(const dom_material_t *m, size_t n, char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && at < len; i++)
        at += (size_t) snprintf(buf + at, len - at, "%s%s", i ? ", " : "",
                                dom_material_name(m[i]));
}

static void
s_recommend_materials(rvw_case_t *k, const rvw_decision_t *d)
{
    k->recommendation = d->outcome;
    memcpy(k->rec_missing, d->missing, sizeof d->missing);
    k->nrec_missing = d->nmissing;
    if (d->outcome == 'B') {
        char list[300];
        s_kinds_text(d->missing, d->nmissing, list, sizeof list);
        snprintf(k->rec_reason, sizeof k->rec_reason,
                 "materials missing at level %d: %s", k->rec_level, list);
    } else {
        snprintf(k->rec_reason, sizeof k->rec_reason,
                 "level %d, materials complete%s", k->rec_level,
                 k->liability_notice[0] ? ", the unit keeps its level with a "
                                          "liability notice"
                                        : "");
    }
}

void
rvw_flow_recommend_first(rvw_case_t *k, const rvw_decision_t *d)
{
    k->rec_level = d->outcome == 'C' ? d->check.level : d->proposed;
    if (d->outcome != 'C') {
        s_recommend_materials(k, d);
        return;
    }
    k->recommendation = 'C';
    k->nrec_missing = 0;
    snprintf(k->rec_reason, sizeof k->rec_reason,
             "proposed level %d, the matrix gives %d (business %d, service %d)",
             d->proposed, d->check.level, d->check.info_level,
             d->check.service_level);
}

int
rvw_flow_recommend_settled(rvw_case_t *k)
{
    rvw_decision_t d;
    memset(&d, 0, sizeof d);
    k->rec_level = k->level;
    if (!dom_level_filed(k->level)) { /* level 1 systems are not filed */
        k->recommendation = 'A';
        k->nrec_missing = 0;
        snprintf(k->rec_reason, sizeof k->rec_reason,
                 "level %d: not filed; the case closes", k->level);
        return 0;
    }
    int rc = rvw_decide_materials(k->level, k->has_supervisor, k->materials,
                                  k->nmaterials, &d);
    if (rc == 0)
        s_recommend_materials(k, &d);
    return rc;
}

/* A clean A: nothing missing, the grading as the matrix gives it, no
 * liability notice: what review.auto=a decides alone. */
static bool
s_clean_a(const rvw_case_t *k)
{
    return k->recommendation == 'A' && k->liability_notice[0] == '\0' &&
           k->rec_level == k->computed_level && dom_level_filed(k->rec_level);
}

int
rvw_flow_route(PGconn *c, const rvw_t *self, rvw_case_t *k, dom_date_t today)
{
    if (self->autodecide == RVW_AUTO_ALL ||
        (self->autodecide == RVW_AUTO_A && s_clean_a(k))) {
        rvw_verdict_t v = {.outcome = k->recommendation,
                           .level = k->rec_level,
                           .missing = k->rec_missing,
                           .nmissing = k->nrec_missing,
                           .who = "system",
                           .reason =
                               k->recommendation == 'C' ? k->rec_reason : ""};
        return rvw_flow_apply(c, self, k, &v, today);
    }
    k->state = RVW_ST_PENDING;
    int err = rvw_case_save(c, k);
    if (err == 0)
        err = rvw_flow_tell(c, self, k, today);
    if (err == 0)
        err = cmn_audit(c, "system", "case.queued", k->tracking_id,
                        "recommend %c at level %d: %s", k->recommendation,
                        k->rec_level, k->rec_reason);
    if (err == 0)
        cmn_log_info("case %s: waits for the office (recommend %c)",
                     k->tracking_id, k->recommendation);
    return err;
}

/* C: the case goes to the panel, its clock paused today. */
static int
s_refer(PGconn *c, const rvw_t *self, rvw_case_t *k, const rvw_verdict_t *v,
        dom_date_t today)
{
    char referred[DOM_DATE_BUFSZ];
    rvw_flow_clock_note(k, rvw_clock_pause(&k->clock, self->cal, today),
                        "with the expert panel");
    k->state = RVW_ST_PANEL;
    Mlps__V1__PanelReferral pr = MLPS__V1__PANEL_REFERRAL__INIT;
    pr.tracking_id = k->tracking_id;
    pr.unit_name = k->unit_name;
    pr.unit_credit_code = k->unit_credit_code;
    pr.system_name = k->system_name;
    pr.proposed_level = (uint32_t) k->proposed_level;
    pr.computed_level = (uint32_t) k->computed_level;
    pr.reason = (char *) (v->reason[0] ? v->reason : k->rec_reason);
    pr.referred_on = dom_date_format(today, referred);
    pr.unit_region_code = k->region_code;
    k->panel_version++;
    return cmn_outbox_put_pb(c, S_PANEL, k->tracking_id,
                             (uint64_t) k->panel_version, &pr.base);
}

static int
s_apply_state(PGconn *c, const rvw_t *self, rvw_case_t *k,
              const rvw_verdict_t *v, dom_date_t today)
{
    k->outcome = v->outcome;
    k->level = v->outcome == 'C' ? k->level : v->level;
    k->nmissing = 0;
    if (v->outcome == 'C')
        return s_refer(c, self, k, v, today);
    if (v->outcome == 'B') {
        memcpy(k->missing, v->missing, v->nmissing * sizeof *v->missing);
        k->nmissing = v->nmissing;
        k->state = RVW_ST_INCOMPLETE;
        if (rvw_clock_state(&k->clock) == RVW_CLOCK_RUNNING)
            rvw_flow_clock_note(k, rvw_clock_pause(&k->clock, self->cal, today),
                                "waiting for materials");
        return 0;
    }
    k->state = dom_level_filed(k->level) ? RVW_ST_ACCEPTED : RVW_ST_CLOSED;
    k->decided_on = today;
    return 0;
}

int
rvw_flow_apply(PGconn *c, const rvw_t *self, rvw_case_t *k,
               const rvw_verdict_t *v, dom_date_t today)
{
    int err = s_apply_state(c, self, k, v, today);
    snprintf(k->decided_by, sizeof k->decided_by, "%s", v->who);
    k->recommendation = '\0';
    if (err == 0 && k->state != RVW_ST_CLOSED)
        err = s_letter(c, self, k, v, today);
    if (err == 0)
        err = rvw_case_save(c, k);
    if (err == 0)
        err = rvw_flow_tell(c, self, k, today);
    if (err == 0)
        err = cmn_audit(c, v->who, "case.decided", k->tracking_id, "%s%s",
                        k->state == RVW_ST_CLOSED ? "closed at level 1"
                        : k->outcome == 'A' && k->liability_notice[0]
                            ? "A with liability notice"
                        : k->outcome == 'A' ? "A"
                        : k->outcome == 'B' ? "B"
                                            : "C",
                        v->reason[0] && v->outcome != 'C' ? " (reasoned)" : "");
    if (err == 0)
        cmn_log_info("case %s: %c at level %d, decided by %s", k->tracking_id,
                     k->outcome, k->level, v->who);
    return err;
}

/* An accepted case goes on: CaseAccepted to evaluation and cert. */
static int
s_accepted(PGconn *c, const rvw_t *self, const rvw_case_t *k, const char *on)
{
    uint64_t version = 0;
    int err = cmn_pg_bump(c, "cases", "accepted_version", "tracking_id",
                          k->tracking_id, &version);
    if (err != 0)
        return err;
    Mlps__V1__CaseAccepted ca = MLPS__V1__CASE_ACCEPTED__INIT;
    ca.tracking_id = (char *) k->tracking_id;
    ca.district = (char *) k->office;
    ca.unit_name = (char *) k->unit_name;
    ca.unit_credit_code = (char *) k->unit_credit_code;
    ca.region_code = (char *) k->region_code;
    ca.system_name = (char *) k->system_name;
    ca.level = (uint32_t) k->level;
    ca.accepted_on = (char *) on;
    ca.decided_by = (char *) k->decided_by;
    ca.unit_secret_sha256 = (char *) k->unit_secret_sha256;
    if (self->tell_eval)
        err = cmn_outbox_put_pb(c, RVW_EVAL_DEST, k->tracking_id, version,
                                &ca.base);
    if (err == 0 && self->tell_cert)
        err = cmn_outbox_put_pb(c, RVW_CERT_DEST, k->tracking_id, version,
                                &ca.base);
    return err;
}

int
rvw_flow_tell(PGconn *c, const rvw_t *self, const rvw_case_t *k,
              dom_date_t today)
{
    char day[DOM_DATE_BUFSZ];
    int err = 0;
    dom_date_format(today, day);
    if (k->state == RVW_ST_ACCEPTED && (self->tell_eval || self->tell_cert))
        err = s_accepted(c, self, k, day);
    if (err != 0 || !self->tell_intake)
        return err;
    uint64_t version = 0;
    err = cmn_pg_bump(c, "cases", "intake_version", "tracking_id",
                      k->tracking_id, &version);
    if (err != 0)
        return err;
    char outcome[2] = "";
    if (k->state != RVW_ST_PENDING && k->outcome)
        outcome[0] = k->outcome;
    Mlps__V1__CaseDecided cd = MLPS__V1__CASE_DECIDED__INIT;
    cd.tracking_id = (char *) k->tracking_id;
    cd.state = (char *) rvw_state_name(k->state);
    cd.outcome = outcome;
    cd.level = k->level > 0 ? (uint32_t) k->level : 0;
    cd.on = day;
    return cmn_outbox_put_pb(c, RVW_INTAKE_DEST, k->tracking_id, version,
                             &cd.base);
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

bool
rvw_flow_may_see(const rvw_t *self, const cmn_ident_t *caller,
                 const rvw_case_t *k, const char *proof)
{
    if (cmn_proof_matches(proof, k->unit_secret_sha256))
        return true;
    if (caller->kind == CMN_KIND_UNIT)
        return strncmp(caller->name, "unit:", 5) == 0 &&
               strcmp(caller->name + 5, k->unit_credit_code) == 0;
    return cmn_svc_covers(self->svc, caller, k->region_code);
}

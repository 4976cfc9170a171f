/* inbox.c - review's durable message handlers (intake's and the panel's
 * messages), each in the inbox's transaction; the table in fsm.h decides
 * what each does in each state. */
#include "cmn/audit.h"
#include "cmn/log.h"
#include "cmn/pb.h"
#include "mlps/v1/workflow.pb-c.h"
#include "rvw/flow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Loads and locks the case a message is about and looks its step up.
 * *found says whether the case exists (k must be released then). */
static int
s_load(PGconn *c, const char *tracking, rvw_event_t ev, rvw_case_t *k,
       const rvw_step_t **step, char *why, size_t whylen)
{
    int found = 0, err = rvw_case_load(c, tracking, true, k, &found);
    if (err != 0)
        return err;
    *step = rvw_fsm_step(found ? k->state : RVW_ST_NONE, ev);
    if ((*step)->act == RVW_ACT_REFUSE) {
        snprintf(why, whylen, "%s \"%.64s\"", (*step)->why, tracking);
        rvw_case_release(k);
        return CMN_EREJECT;
    }
    return 0;
}

static void
s_case_from_filing(rvw_case_t *k, const Mlps__V1__FilingReceived *fr,
                   dom_date_t received, const rvw_decision_t *d)
{
    const Mlps__V1__Filing *f = fr->filing;
    memset(k, 0, sizeof *k);
    snprintf(k->tracking_id, sizeof k->tracking_id, "%s", fr->tracking_id);
    snprintf(k->office, sizeof k->office, "%s", fr->office);
    snprintf(k->unit_name, sizeof k->unit_name, "%s", f->unit->name);
    snprintf(k->unit_credit_code, sizeof k->unit_credit_code, "%s",
             f->unit->credit_code);
    snprintf(k->system_name, sizeof k->system_name, "%s", f->system->name);
    k->received_on = received;
    k->decided_on = k->warned_on = k->breached_on = DOM_DATE_NEVER;
    k->has_supervisor = f->unit->has_supervisor;
    k->proposed_level = d->proposed;
    k->computed_level = d->check.level;
    k->level = d->proposed;
    k->nmaterials =
        rvw_kinds_present(f->materials, f->n_materials, k->materials);
}

/* The first review: A, B or C, stored with the case. */
static int
s_decide_new(PGconn *c, const rvw_t *self, const cmn_env_msg_t *m,
             const Mlps__V1__FilingReceived *fr, dom_date_t received,
             rvw_decision_t *d)
{
    rvw_case_t k;
    dom_date_t today = cmn_svc_today(&self->conf.base);
    s_case_from_filing(&k, fr, received, d);
    if (m->peer[0] != '\0') /* an authenticated office outranks the payload */
        snprintf(k.office, sizeof k.office, "%.32s", m->peer);
    int err =
        cmn_pb_pack(&fr->filing->grading->base, &k.grading, &k.grading_len);
    if (err != 0)
        return err;
    rvw_flow_clock_note(
        &k, rvw_clock_start(&k.clock, received, (int) self->conf.budget),
        "start");
    if (d->outcome == 'C') {
        err = rvw_flow_refer(c, self, &k, d, today);
    } else {
        /* The row must exist before its letter; the decision fills it. */
        k.outcome = d->outcome;
        k.state = d->outcome == 'A' ? RVW_ST_ACCEPTED : RVW_ST_INCOMPLETE;
        err = rvw_case_insert(c, &k);
        if (err == 0)
            err = rvw_flow_settle(c, self, &k, d, today);
        if (err == 0)
            err = rvw_case_save(c, &k);
    }
    if (err == 0)
        err = rvw_flow_reached(&k, RVW_EV_FILING,
                               rvw_fsm_step(RVW_ST_NONE, RVW_EV_FILING));
    if (err == 0)
        err = cmn_audit(c, k.office, "case.decided", k.tracking_id, "%c",
                        d->outcome);
    if (err == 0)
        cmn_log_info("case %s: %c (proposed %d, matrix %d)", k.tracking_id,
                     k.outcome, d->proposed, d->check.level);
    free(k.grading);
    return err;
}

static int
s_on_filing(PGconn *c, const cmn_env_msg_t *m, void *arg, char *why,
            size_t whylen)
{
    const rvw_t *self = arg;
    const Mlps__V1__FilingReceived *fr =
        (const Mlps__V1__FilingReceived *) m->payload;
    rvw_decision_t d;
    rvw_case_t k;
    dom_date_t received;
    int found = 0;
    if (fr->filing == NULL || fr->filing->unit == NULL ||
        fr->filing->system == NULL ||
        dom_date_parse(fr->received_on, &received) != 0 ||
        rvw_decide_filing(fr->filing, &d) != 0) {
        snprintf(why, whylen, "field \"filing\": incomplete or malformed");
        return CMN_EREJECT;
    }
    int err = rvw_case_load(c, fr->tracking_id, false, &k, &found);
    if (err != 0)
        return err;
    rvw_case_release(&k);
    const rvw_step_t *step =
        rvw_fsm_step(found ? k.state : RVW_ST_NONE, RVW_EV_FILING);
    if (step->act == RVW_ACT_REPEAT) /* taken in before */
        return 0;
    return s_decide_new(c, self, m, fr, received, &d);
}

/* Adds the kinds in add[0..n) that k lacks. */
static void
s_add_kinds(rvw_case_t *k, const dom_material_t *add, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        bool have = false;
        for (size_t j = 0; j < k->nmaterials; j++)
            have |= k->materials[j] == add[i];
        if (!have && k->nmaterials < DOM_MAT_COUNT)
            k->materials[k->nmaterials++] = add[i];
    }
}

static int
s_on_supplement(PGconn *c, const cmn_env_msg_t *m, void *arg, char *why,
                size_t whylen)
{
    const rvw_t *self = arg;
    const Mlps__V1__MaterialsSupplemented *ms =
        (const Mlps__V1__MaterialsSupplemented *) m->payload;
    const rvw_step_t *step;
    rvw_case_t k;
    rvw_decision_t d;
    dom_date_t day;
    int err =
        s_load(c, ms->tracking_id, RVW_EV_SUPPLEMENT, &k, &step, why, whylen);
    if (err != 0)
        return err;
    if (step->act == RVW_ACT_IGNORE) {
        err = rvw_flow_ignored(c, &k, "materials.supplemented", step);
        goto out;
    }
    if (dom_date_parse(ms->received_on, &day) != 0) {
        snprintf(why, whylen, "field \"received_on\": not a date");
        err = CMN_EREJECT;
        goto out;
    }
    memset(&d, 0, sizeof d);
    dom_material_t add[DOM_MAT_COUNT];
    s_add_kinds(&k, add,
                rvw_kinds_present(ms->materials, ms->n_materials, add));
    /* The count starts again from the day the materials arrive. */
    k.clock_note[0] = '\0';
    rvw_flow_clock_note(&k, rvw_clock_restart(&k.clock, day), "restart");
    err = rvw_flow_settle(c, self, &k, &d, cmn_svc_today(&self->conf.base));
    if (err == 0)
        err = rvw_flow_reached(&k, RVW_EV_SUPPLEMENT, step);
    if (err == 0)
        err = rvw_case_save(c, &k);
    if (err == 0)
        err = cmn_audit(c, k.unit_credit_code, "case.decided", k.tracking_id,
                        "%c", k.outcome);
    cmn_log_info("case %s: materials arrived, now %c", k.tracking_id,
                 k.outcome);
out:
    rvw_case_release(&k);
    return err;
}

static int
s_on_insist(PGconn *c, const cmn_env_msg_t *m, void *arg, char *why,
            size_t whylen)
{
    const rvw_t *self = arg;
    const Mlps__V1__UnitInsists *ui =
        (const Mlps__V1__UnitInsists *) m->payload;
    const rvw_step_t *step;
    rvw_case_t k;
    rvw_decision_t d;
    int err = s_load(c, ui->tracking_id, RVW_EV_INSIST, &k, &step, why, whylen);
    if (err != 0)
        return err;
    if (step->act == RVW_ACT_IGNORE) {
        err = rvw_flow_ignored(c, &k, "unit.insisted", step);
        goto out;
    }
    dom_date_t today = cmn_svc_today(&self->conf.base);
    bool at_panel = k.state == RVW_ST_PANEL;
    rvw_flow_resume(&k, today);
    k.level = k.proposed_level;
    snprintf(k.liability_notice, sizeof k.liability_notice, "%s",
             ui->statement);
    snprintf(k.panel_note, sizeof k.panel_note,
             "单位坚持原定级（第%d级）并承担相应责任，专家组复审撤回 (the unit "
             "kept level %d; the referral was withdrawn)",
             k.proposed_level, k.proposed_level);
    memset(&d, 0, sizeof d);
    err = rvw_flow_settle(c, self, &k, &d, today);
    if (err == 0 && at_panel)
        err = rvw_flow_withdraw(c, &k,
                                "the unit kept its level with a liability "
                                "notice");
    if (err == 0)
        err = rvw_flow_reached(&k, RVW_EV_INSIST, step);
    if (err == 0)
        err = rvw_case_save(c, &k);
    if (err == 0)
        err =
            cmn_audit(c, k.unit_credit_code, "case.decided", k.tracking_id,
                      "%s", k.outcome == 'A' ? "A with liability notice" : "B");
out:
    rvw_case_release(&k);
    return err;
}

static int
s_on_decision(PGconn *c, const cmn_env_msg_t *m, void *arg, char *why,
              size_t whylen)
{
    const rvw_t *self = arg;
    const Mlps__V1__PanelDecision *pd =
        (const Mlps__V1__PanelDecision *) m->payload;
    const rvw_step_t *step;
    rvw_case_t k;
    rvw_decision_t d;
    if (pd->verdict == MLPS__V1__PANEL_VERDICT__ADJUST &&
        (pd->level < 1 || pd->level > 5)) {
        snprintf(why, whylen, "field \"level\": must be 1 to 5");
        return CMN_EREJECT;
    }
    int err = s_load(c, pd->tracking_id, RVW_EV_PANEL_DECISION, &k, &step, why,
                     whylen);
    if (err != 0)
        return err;
    if (step->act == RVW_ACT_IGNORE) {
        err = rvw_flow_ignored(c, &k, "panel.decided", step);
        goto out;
    }
    dom_date_t today = cmn_svc_today(&self->conf.base);
    rvw_flow_resume(&k, today);
    bool adjust = pd->verdict == MLPS__V1__PANEL_VERDICT__ADJUST;
    k.level = adjust ? (int) pd->level : k.proposed_level;
    snprintf(k.panel_note, sizeof k.panel_note,
             "%s专家组（%u人，%u人同意）%s：%s", pd->session_date, pd->experts,
             pd->majority, adjust ? "决定调整定级" : "确认原定级", pd->reasons);
    memset(&d, 0, sizeof d);
    err = rvw_flow_settle(c, self, &k, &d, today);
    if (err == 0)
        err = rvw_flow_reached(&k, RVW_EV_PANEL_DECISION, step);
    if (err == 0)
        err = rvw_case_save(c, &k);
    if (err == 0)
        err = cmn_audit(c, "panel", "case.decided", k.tracking_id,
                        "%c at level %d", k.outcome ? k.outcome : '-', k.level);
    cmn_log_info("case %s: panel %s, level %d, now %c", k.tracking_id,
                 adjust ? "adjusted" : "confirmed", k.level, k.outcome);
out:
    rvw_case_release(&k);
    return err;
}

static int
s_on_escalation(PGconn *c, const cmn_env_msg_t *m, void *arg, char *why,
                size_t whylen)
{
    const rvw_t *self = arg;
    const Mlps__V1__PanelEscalation *pe =
        (const Mlps__V1__PanelEscalation *) m->payload;
    const rvw_step_t *step;
    rvw_case_t k;
    int err = s_load(c, pe->tracking_id, RVW_EV_PANEL_ESCALATION, &k, &step,
                     why, whylen);
    if (err != 0)
        return err;
    if (step->act == RVW_ACT_IGNORE) {
        err = rvw_flow_ignored(c, &k, "panel.escalated", step);
        goto out;
    }
    /* Back with the office: its clock runs again. */
    rvw_flow_resume(&k, cmn_svc_today(&self->conf.base));
    k.state = RVW_ST_ESCALATED;
    snprintf(k.panel_note, sizeof k.panel_note,
             "专家组无法组成法定人数，已报市信息办 (no quorum: %s)",
             pe->reason);
    err = rvw_flow_reached(&k, RVW_EV_PANEL_ESCALATION, step);
    if (err == 0)
        err = rvw_case_save(c, &k);
    if (err == 0)
        err =
            cmn_audit(c, "panel", "case.escalated", k.tracking_id, "no quorum");
    cmn_log_warn("case %s escalated: the panel has no quorum", k.tracking_id);
out:
    rvw_case_release(&k);
    return err;
}

const cmn_inbox_handler_t rvw_inbox_handlers[] = {
    {"mlps.v1.FilingReceived", &mlps__v1__filing_received__descriptor,
     s_on_filing},
    {"mlps.v1.MaterialsSupplemented",
     &mlps__v1__materials_supplemented__descriptor, s_on_supplement},
    {"mlps.v1.UnitInsists", &mlps__v1__unit_insists__descriptor, s_on_insist},
    {"mlps.v1.PanelDecision", &mlps__v1__panel_decision__descriptor,
     s_on_decision},
    {"mlps.v1.PanelEscalation", &mlps__v1__panel_escalation__descriptor,
     s_on_escalation},
};

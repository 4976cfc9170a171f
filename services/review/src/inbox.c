/* inbox.c - review's durable message handlers (intake's and the panel's
 * messages), each in the inbox's transaction; the table in fsm.h decides
 * what each does in each state, and each recommendation goes to the
 * office's queue or, under review.auto, is applied at once. */
#include "cmn/audit.h"
#include "cmn/log.h"
#include "cmn/pb.h"
#include "mlps/v1/workflow.pb-c.h"
#include "rvw/flow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Loads and locks the case a message is about and looks its step up.
 * When this returns 0 the case exists and must be released. */
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
    snprintf(k->region_code, sizeof k->region_code, "%s", f->unit->region_code);
    snprintf(k->unit_secret_sha256, sizeof k->unit_secret_sha256, "%s",
             fr->unit_secret_sha256);
    snprintf(k->system_name, sizeof k->system_name, "%s", f->system->name);
    k->received_on = received;
    k->decided_on = k->warned_on = k->breached_on = DOM_DATE_NEVER;
    k->has_supervisor = f->unit->has_supervisor;
    k->proposed_level = d->proposed;
    k->computed_level = d->check.level;
    k->level = d->proposed;
    k->state = RVW_ST_PENDING;
    k->nmaterials =
        rvw_kinds_present(f->materials, f->n_materials, k->materials);
}

/* True when named is a district under sender, the municipal office. */
static bool
s_district_of(const rvw_t *self, const char *sender, const char *named)
{
    const dom_hierarchy_t *h = cmn_svc_hierarchy(self->svc);
    const dom_office_t *d = h && named ? dom_hierarchy_office(h, named) : NULL;
    return d != NULL && strcmp(d->parent, sender) == 0;
}

/* The first review: the case is stored with its recommendation, then goes
 * to the queue or is decided under review.auto. */
static int
s_review_new(PGconn *c, const rvw_t *self, const cmn_env_msg_t *m,
             const Mlps__V1__FilingReceived *fr, dom_date_t received,
             const rvw_decision_t *d)
{
    rvw_case_t k;
    dom_date_t today = cmn_svc_today(&self->conf.base);
    s_case_from_filing(&k, fr, received, d);
    /* The office that took it in is the sender's, proven by its key; the
     * municipal intake names the district that forwarded it. */
    if (m->peer.office[0] != '\0' &&
        !s_district_of(self, m->peer.office, fr->office))
        snprintf(k.office, sizeof k.office, "%s", m->peer.office);
    int err =
        cmn_pb_pack(&fr->filing->grading->base, &k.grading, &k.grading_len);
    if (err != 0)
        return err;
    rvw_flow_clock_note(
        &k, rvw_clock_start(&k.clock, received, (int) self->conf.budget),
        "start");
    rvw_flow_recommend_first(&k, d);
    err = rvw_case_insert(c, &k);
    if (err == 0)
        err = rvw_flow_route(c, self, &k, today);
    if (err == 0)
        err = rvw_flow_reached(&k, RVW_EV_FILING,
                               rvw_fsm_step(RVW_ST_NONE, RVW_EV_FILING));
    if (err == 0)
        cmn_log_info("case %s: recommend %c (proposed %d, matrix %d)",
                     k.tracking_id, d->outcome, d->proposed, d->check.level);
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
    if (strcmp(fr->tracking_id, m->env->correlation_id) != 0) {
        snprintf(why, whylen,
                 "field \"tracking_id\": differs from the "
                 "envelope's correlation id");
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
    return s_review_new(c, self, m, fr, received, &d);
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

/* After a message settled the level: a new recommendation, routed. */
static int
s_settle(PGconn *c, const rvw_t *self, rvw_case_t *k, rvw_event_t ev,
         const rvw_step_t *step, dom_date_t today)
{
    int err = rvw_flow_recommend_settled(k);
    if (err == 0)
        err = rvw_flow_route(c, self, k, today);
    if (err == 0)
        err = rvw_flow_reached(k, ev, step);
    return err;
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
    dom_material_t add[DOM_MAT_COUNT];
    size_t nadd = rvw_kinds_present(ms->materials, ms->n_materials, add);
    s_add_kinds(&k, add, nadd);
    /* The count starts again from the day the materials arrive. */
    k.clock_note[0] = '\0';
    rvw_flow_clock_note(&k, rvw_clock_restart(&k.clock, day), "restart");
    err = s_settle(c, self, &k, RVW_EV_SUPPLEMENT, step,
                   cmn_svc_today(&self->conf.base));
    cmn_log_info("case %s: materials arrived, now %s", k.tracking_id,
                 rvw_state_name(k.state));
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
    /* The unit's choice is made: the panel no longer needs the case. */
    if (at_panel)
        err = rvw_flow_withdraw(c, &k,
                                "the unit kept its level with a liability "
                                "notice");
    if (err == 0)
        err = s_settle(c, self, &k, RVW_EV_INSIST, step, today);
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
    err = s_settle(c, self, &k, RVW_EV_PANEL_DECISION, step, today);
    cmn_log_info("case %s: panel %s, level %d, now %s", k.tracking_id,
                 adjust ? "adjusted" : "confirmed", k.level,
                 rvw_state_name(k.state));
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
    k.recommendation = '\0';
    snprintf(k.panel_note, sizeof k.panel_note,
             "专家组无法组成法定人数，已报市信息办 (no quorum: %s)",
             pe->reason);
    err = rvw_flow_reached(&k, RVW_EV_PANEL_ESCALATION, step);
    if (err == 0)
        err = rvw_case_save(c, &k);
    if (err == 0)
        err = rvw_flow_tell(c, self, &k, cmn_svc_today(&self->conf.base));
    if (err == 0)
        err =
            cmn_audit(c, "panel", "case.escalated", k.tracking_id, "no quorum");
    cmn_log_warn("case %s escalated: the panel has no quorum", k.tracking_id);
out:
    rvw_case_release(&k);
    return err;
}

/* A district's changed record, forwarded while the case waits for the
 * office: reviewed afresh (the clock runs on from the first receipt). Once
 * decided, the revision is ignored (audited). */
static int
s_on_revised(PGconn *c, const cmn_env_msg_t *m, void *arg, char *why,
             size_t whylen)
{
    const rvw_t *self = arg;
    const Mlps__V1__FilingRevised *fv =
        (const Mlps__V1__FilingRevised *) m->payload;
    const rvw_step_t *step;
    rvw_decision_t d;
    rvw_case_t k, n;
    if (fv->filing == NULL || fv->filing->unit == NULL ||
        fv->filing->system == NULL || fv->filing->grading == NULL ||
        rvw_decide_filing(fv->filing, &d) != 0) {
        snprintf(why, whylen, "field \"filing\": incomplete or malformed");
        return CMN_EREJECT;
    }
    int err =
        s_load(c, fv->tracking_id, RVW_EV_REVISED, &k, &step, why, whylen);
    if (err != 0)
        return err;
    if (step->act == RVW_ACT_IGNORE) {
        err = rvw_flow_ignored(c, &k, "filing.revised", step);
        rvw_case_release(&k);
        return err;
    }
    /* The new content, the case's history kept. */
    Mlps__V1__FilingReceived fr = MLPS__V1__FILING_RECEIVED__INIT;
    fr.tracking_id = fv->tracking_id;
    fr.office = k.office;
    fr.filing = fv->filing;
    fr.unit_secret_sha256 = fv->unit_secret_sha256 && fv->unit_secret_sha256[0]
                                ? fv->unit_secret_sha256
                                : k.unit_secret_sha256;
    s_case_from_filing(&n, &fr, k.received_on, &d);
    n.clock = k.clock;
    snprintf(n.clock_note, sizeof n.clock_note, "%s", k.clock_note);
    n.panel_version = k.panel_version;
    n.warned_on = k.warned_on;
    n.breached_on = k.breached_on;
    err = cmn_pb_pack(&fv->filing->grading->base, &n.grading, &n.grading_len);
    dom_date_t today = cmn_svc_today(&self->conf.base);
    if (err == 0) {
        rvw_flow_recommend_first(&n, &d);
        err = rvw_case_replace_filing(c, &n);
    }
    if (err == 0)
        err = cmn_audit(c, "system", "case.revised", n.tracking_id,
                        "revision %u: reviewed again", fv->revision);
    if (err == 0)
        err = rvw_flow_route(c, self, &n, today);
    if (err == 0)
        err = rvw_flow_reached(&n, RVW_EV_REVISED, step);
    if (err == 0)
        cmn_log_info("case %s: revision %u, recommend %c", n.tracking_id,
                     fv->revision, d.outcome);
    free(n.grading);
    rvw_case_release(&k);
    return err;
}

/* Who may send what: intake's messages only from intake, the panel's only
 * from the panel (the runtime refuses anyone else before these run). */
const cmn_inbox_handler_t rvw_inbox_handlers[] = {
    {"mlps.v1.FilingReceived", &mlps__v1__filing_received__descriptor,
     s_on_filing, "service:intake", NULL},
    {"mlps.v1.MaterialsSupplemented",
     &mlps__v1__materials_supplemented__descriptor, s_on_supplement,
     "service:intake", NULL},
    {"mlps.v1.UnitInsists", &mlps__v1__unit_insists__descriptor, s_on_insist,
     "service:intake", NULL},
    {"mlps.v1.PanelDecision", &mlps__v1__panel_decision__descriptor,
     s_on_decision, "service:panel", NULL},
    {"mlps.v1.PanelEscalation", &mlps__v1__panel_escalation__descriptor,
     s_on_escalation, "service:panel", NULL},
    {"mlps.v1.FilingRevised", &mlps__v1__filing_revised__descriptor,
     s_on_revised, "service:intake", NULL},
};

/* review.c - the grading review service: handlers, API and clock watch. */
#include "rvw/review.h"
#include "cmn/audit.h"
#include "cmn/log.h"
#include "cmn/pb.h"
#include "mlps/v1/api.pb-c.h"
#include "mlps/v1/workflow.pb-c.h"
#include "rvw/case.h"
#include "rvw/decide.h"
#include "rvw/letter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef RVW_CALENDAR_DEFAULT
#define RVW_CALENDAR_DEFAULT "calendar/cn-2026.txt"
#endif

const cmn_cfg_opt_t rvw_options[] = {
    CMN_SVC_OPTIONS(rvw_conf_t, base),
    {"review.calendar", CMN_CFG_STR, RVW_CALENDAR_DEFAULT, 0, 0,
     offsetof(rvw_conf_t, calendar), "working-day calendar files"},
    {"review.budget", CMN_CFG_INT, "10", 1, 100, offsetof(rvw_conf_t, budget),
     "working days to reply to a filing"},
    {"review.warn-days", CMN_CFG_INT, "2", 0, 100,
     offsetof(rvw_conf_t, warn_days), "warn this many working days ahead"},
    {"review.office-name", CMN_CFG_STR, "市信息化主管部门", 0, 0,
     offsetof(rvw_conf_t, office_name), "the office that signs the letters"},
    {"review.watch-ms", CMN_CFG_INT, "60000", 100, 86400000,
     offsetof(rvw_conf_t, watch_ms), "how often to check deadlines"},
    {NULL, 0, NULL, 0, 0, 0, NULL},
};

static int
s_audit(PGconn *c, const rvw_t *self, const char *actor, const char *action,
        const char *tracking, const char *outcome)
{
    cmn_audit_t ev = {.service = "review",
                      .actor = actor,
                      .action = action,
                      .case_id = tracking,
                      .outcome = outcome,
                      .office = self->conf.base.office};
    return cmn_audit_emit(c, &ev);
}

/* Stores the reply letter for the case's current decision. */
static int
s_letter(PGconn *c, const rvw_t *self, const rvw_case_t *k,
         const rvw_decision_t *d, const char *today)
{
    rvw_grading_t g;
    Mlps__V1__Grading *pg =
        mlps__v1__grading__unpack(NULL, k->grading_len, k->grading);
    int have = pg != NULL && rvw_from_proto(pg, &g) == 0;
    mlps__v1__grading__free_unpacked(pg, NULL);
    rvw_letter_t l = {.tracking_id = k->tracking_id,
                      .office = self->conf.office_name,
                      .unit_name = k->unit_name,
                      .system_name = k->system_name,
                      .received_on = k->received_on,
                      .issued_on = today,
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
    const char *p[4] = {k->tracking_id, outcome, today, body};
    int err;
    PGresult *r = cmn_pg_exec(c,
                              "INSERT INTO letters (tracking_id, outcome, "
                              "issued_on, body) VALUES ($1, $2, $3, $4)",
                              4, p, &err);
    PQclear(r);
    free(body);
    return err;
}

static int
s_date(const char *text, rvw_date_t *out)
{
    return rvw_date_parse(text, out) == 0 ? 0 : CMN_EINVAL;
}

/* Clock operations that cannot be counted (a day past the calendar) leave
 * the clock as it was and say so in the case's note. */
static void
s_clock_note(rvw_case_t *k, int rc, const char *what)
{
    if (rc == RVW_ECALENDAR)
        snprintf(k->clock_note, sizeof k->clock_note,
                 "%s: a day to count lies past the working-day calendar", what);
    else if (rc != 0)
        snprintf(k->clock_note, sizeof k->clock_note, "%s: %s", what,
                 cmn_strerror(rc));
}

/* Applies an A/B decision on materials at k->level, as of today. */
static int
s_apply_materials(PGconn *c, rvw_t *self, rvw_case_t *k, rvw_decision_t *d,
                  const char *today)
{
    rvw_date_t day;
    if (s_date(today, &day) != 0)
        return CMN_EINVAL;
    if (k->level < 2) {
        snprintf(k->state, sizeof k->state, "closed");
        snprintf(k->decided_on, sizeof k->decided_on, "%s", today);
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
        snprintf(k->state, sizeof k->state, "accepted");
        snprintf(k->decided_on, sizeof k->decided_on, "%s", today);
    } else {
        snprintf(k->state, sizeof k->state, "incomplete");
        if (rvw_clock_state(&k->clock) == RVW_CLOCK_RUNNING)
            s_clock_note(k, rvw_clock_pause(&k->clock, self->cal, day),
                         "waiting for materials");
    }
    return s_letter(c, self, k, d, today);
}

/* --- inbox handlers -------------------------------------------------- */

static void
s_case_from_filing(rvw_case_t *k, const Mlps__V1__FilingReceived *fr,
                   const rvw_decision_t *d)
{
    const Mlps__V1__Filing *f = fr->filing;
    memset(k, 0, sizeof *k);
    snprintf(k->tracking_id, sizeof k->tracking_id, "%s", fr->tracking_id);
    snprintf(k->office, sizeof k->office, "%s", fr->office);
    snprintf(k->unit_name, sizeof k->unit_name, "%s", f->unit->name);
    snprintf(k->unit_credit_code, sizeof k->unit_credit_code, "%s",
             f->unit->credit_code);
    snprintf(k->system_name, sizeof k->system_name, "%s", f->system->name);
    snprintf(k->received_on, sizeof k->received_on, "%s", fr->received_on);
    k->has_supervisor = f->unit->has_supervisor;
    k->proposed_level = d->proposed;
    k->computed_level = d->check.level;
    k->level = d->proposed;
    k->nmaterials =
        rvw_kinds_present(f->materials, f->n_materials, k->materials);
}

static int
s_on_filing(PGconn *c, const cmn_env_msg_t *m, void *arg, char *why,
            size_t whylen)
{
    rvw_t *self = arg;
    const Mlps__V1__FilingReceived *fr =
        (const Mlps__V1__FilingReceived *) m->payload;
    rvw_decision_t d;
    rvw_case_t k;
    rvw_date_t received;
    char today[11];
    int found, err;
    if (fr->filing == NULL || fr->filing->unit == NULL ||
        fr->filing->system == NULL || s_date(fr->received_on, &received) ||
        rvw_decide_filing(fr->filing, &d) != 0) {
        snprintf(why, whylen, "field \"filing\": incomplete or malformed");
        return CMN_EREJECT;
    }
    if ((err = rvw_case_load(c, fr->tracking_id, false, &k, &found)) != 0)
        return err;
    rvw_case_release(&k);
    if (found) /* the case exists: this filing was taken in before */
        return 0;
    cmn_svc_today(&self->conf.base, today);
    s_case_from_filing(&k, fr, &d);
    if (m->peer[0] != '\0') /* an authenticated office outranks the payload */
        snprintf(k.office, sizeof k.office, "%.32s", m->peer);
    err = cmn_pb_pack(&fr->filing->grading->base, &k.grading, &k.grading_len);
    if (err != 0)
        return err;
    s_clock_note(&k,
                 rvw_clock_start(&k.clock, received, (int) self->conf.budget),
                 "start");
    if (d.outcome == 'C') {
        k.outcome = 'C';
        snprintf(k.state, sizeof k.state, "panel");
        s_clock_note(&k, rvw_clock_pause(&k.clock, self->cal, received),
                     "with the expert panel");
        Mlps__V1__PanelReferral pr = MLPS__V1__PANEL_REFERRAL__INIT;
        char reason[160];
        snprintf(reason, sizeof reason,
                 "proposed level %d, the matrix gives %d (business %d, "
                 "service %d)",
                 d.proposed, d.check.level, d.check.info_level,
                 d.check.service_level);
        pr.tracking_id = k.tracking_id;
        pr.unit_name = k.unit_name;
        pr.unit_credit_code = k.unit_credit_code;
        pr.system_name = k.system_name;
        pr.proposed_level = (uint32_t) d.proposed;
        pr.computed_level = (uint32_t) d.check.level;
        pr.reason = reason;
        pr.referred_on = today;
        k.panel_version = 1;
        err = cmn_outbox_put_pb(c, "panel", k.tracking_id, 1, &pr.base);
        if (err == 0)
            err = rvw_case_insert(c, &k);
        if (err == 0)
            err = s_letter(c, self, &k, &d, today);
    } else {
        /* The row must exist before its letter; the decision fills it. */
        k.outcome = d.outcome;
        snprintf(k.state, sizeof k.state, "%s",
                 d.outcome == 'A' ? "accepted" : "incomplete");
        err = rvw_case_insert(c, &k);
        if (err == 0)
            err = s_apply_materials(c, self, &k, &d, today);
        if (err == 0)
            err = rvw_case_save(c, &k);
    }
    if (err == 0)
        err = s_audit(c, self, k.office, "case.decided", k.tracking_id,
                      d.outcome == 'A'   ? "A"
                      : d.outcome == 'B' ? "B"
                                         : "C");
    if (err == 0)
        cmn_log_info("case %s: %c (proposed %d, matrix %d)", k.tracking_id,
                     k.outcome, d.proposed, d.check.level);
    free(k.grading);
    k.grading = NULL;
    return err;
}

/* Loads and locks the case a message is about; rejects unknown ones. */
static int
s_load(PGconn *c, const char *tracking, rvw_case_t *k, char *why, size_t whylen)
{
    int found, err = rvw_case_load(c, tracking, true, k, &found);
    if (err == 0 && !found) {
        snprintf(why, whylen, "no review case \"%.64s\"", tracking);
        return CMN_EREJECT;
    }
    return err;
}

static int
s_ignored(PGconn *c, rvw_t *self, rvw_case_t *k, const char *action)
{
    char outcome[64];
    snprintf(outcome, sizeof outcome, "ignored: case is %s", k->state);
    cmn_log_info("case %s: %s %s", k->tracking_id, action, outcome);
    int err = s_audit(c, self, "system", action, k->tracking_id, outcome);
    rvw_case_release(k);
    return err;
}

static int
s_on_supplement(PGconn *c, const cmn_env_msg_t *m, void *arg, char *why,
                size_t whylen)
{
    rvw_t *self = arg;
    const Mlps__V1__MaterialsSupplemented *ms =
        (const Mlps__V1__MaterialsSupplemented *) m->payload;
    rvw_case_t k;
    rvw_decision_t d;
    rvw_date_t day;
    char today[11];
    int err = s_load(c, ms->tracking_id, &k, why, whylen);
    if (err != 0)
        return err;
    if (strcmp(k.state, "incomplete") != 0)
        return s_ignored(c, self, &k, "materials.supplemented");
    if (s_date(ms->received_on, &day) != 0) {
        rvw_case_release(&k);
        snprintf(why, whylen, "field \"received_on\": not a date");
        return CMN_EREJECT;
    }
    memset(&d, 0, sizeof d);
    rvw_material_t add[RVW_MAT_COUNT];
    size_t n = rvw_kinds_present(ms->materials, ms->n_materials, add);
    for (size_t i = 0; i < n; i++) {
        bool have = false;
        for (size_t j = 0; j < k.nmaterials; j++)
            have |= k.materials[j] == add[i];
        if (!have && k.nmaterials < RVW_MAT_COUNT)
            k.materials[k.nmaterials++] = add[i];
    }
    /* The count starts again from the day the materials arrive. */
    k.clock_note[0] = '\0';
    s_clock_note(&k, rvw_clock_restart(&k.clock, day), "restart");
    cmn_svc_today(&self->conf.base, today);
    err = s_apply_materials(c, self, &k, &d, today);
    if (err == 0)
        err = rvw_case_save(c, &k);
    if (err == 0)
        err = s_audit(c, self, k.unit_credit_code, "case.decided",
                      k.tracking_id, k.outcome == 'A' ? "A" : "B");
    cmn_log_info("case %s: materials arrived, now %c", k.tracking_id,
                 k.outcome);
    rvw_case_release(&k);
    return err;
}

static void
s_resume(rvw_t *self, rvw_case_t *k, const char *today)
{
    rvw_date_t day;
    (void) self;
    if (rvw_clock_state(&k->clock) == RVW_CLOCK_PAUSED &&
        s_date(today, &day) == 0)
        s_clock_note(k, rvw_clock_resume(&k->clock, day), "resume");
}

static int
s_withdraw(PGconn *c, rvw_case_t *k, const char *reason)
{
    Mlps__V1__PanelWithdrawal w = MLPS__V1__PANEL_WITHDRAWAL__INIT;
    w.tracking_id = k->tracking_id;
    w.reason = (char *) reason;
    k->panel_version++;
    return cmn_outbox_put_pb(c, "panel", k->tracking_id,
                             (uint64_t) k->panel_version, &w.base);
}

static int
s_on_insist(PGconn *c, const cmn_env_msg_t *m, void *arg, char *why,
            size_t whylen)
{
    rvw_t *self = arg;
    const Mlps__V1__UnitInsists *ui =
        (const Mlps__V1__UnitInsists *) m->payload;
    rvw_case_t k;
    rvw_decision_t d;
    char today[11];
    int err = s_load(c, ui->tracking_id, &k, why, whylen);
    if (err != 0)
        return err;
    if (strcmp(k.state, "panel") != 0 && strcmp(k.state, "escalated") != 0)
        return s_ignored(c, self, &k, "unit.insisted");
    cmn_svc_today(&self->conf.base, today);
    bool at_panel = strcmp(k.state, "panel") == 0;
    s_resume(self, &k, today);
    k.level = k.proposed_level;
    snprintf(k.liability_notice, sizeof k.liability_notice, "%s",
             ui->statement);
    snprintf(k.panel_note, sizeof k.panel_note,
             "单位坚持原定级（第%d级）并承担相应责任，专家组复审撤回 (the unit "
             "kept level %d; the referral was withdrawn)",
             k.proposed_level, k.proposed_level);
    memset(&d, 0, sizeof d);
    err = s_apply_materials(c, self, &k, &d, today);
    if (err == 0 && at_panel)
        err = s_withdraw(c, &k,
                         "the unit kept its level with a liability "
                         "notice");
    if (err == 0)
        err = rvw_case_save(c, &k);
    if (err == 0)
        err =
            s_audit(c, self, k.unit_credit_code, "case.decided", k.tracking_id,
                    k.outcome == 'A' ? "A with liability notice" : "B");
    rvw_case_release(&k);
    return err;
}

static int
s_on_decision(PGconn *c, const cmn_env_msg_t *m, void *arg, char *why,
              size_t whylen)
{
    rvw_t *self = arg;
    const Mlps__V1__PanelDecision *pd =
        (const Mlps__V1__PanelDecision *) m->payload;
    rvw_case_t k;
    rvw_decision_t d;
    char today[11], outcome[48];
    if (pd->verdict == MLPS__V1__PANEL_VERDICT__ADJUST &&
        (pd->level < 1 || pd->level > 5)) {
        snprintf(why, whylen, "field \"level\": must be 1 to 5");
        return CMN_EREJECT;
    }
    int err = s_load(c, pd->tracking_id, &k, why, whylen);
    if (err != 0)
        return err;
    if (strcmp(k.state, "panel") != 0 && strcmp(k.state, "escalated") != 0)
        return s_ignored(c, self, &k, "panel.decided");
    cmn_svc_today(&self->conf.base, today);
    s_resume(self, &k, today);
    bool adjust = pd->verdict == MLPS__V1__PANEL_VERDICT__ADJUST;
    k.level = adjust ? (int) pd->level : k.proposed_level;
    snprintf(k.panel_note, sizeof k.panel_note,
             "%s专家组（%u人，%u人同意）%s：%s", pd->session_date, pd->experts,
             pd->majority, adjust ? "决定调整定级" : "确认原定级", pd->reasons);
    memset(&d, 0, sizeof d);
    err = s_apply_materials(c, self, &k, &d, today);
    if (err == 0)
        err = rvw_case_save(c, &k);
    snprintf(outcome, sizeof outcome, "%c at level %d",
             k.outcome ? k.outcome : '-', k.level);
    if (err == 0)
        err = s_audit(c, self, "panel", "case.decided", k.tracking_id, outcome);
    cmn_log_info("case %s: panel %s, level %d, now %c", k.tracking_id,
                 adjust ? "adjusted" : "confirmed", k.level, k.outcome);
    rvw_case_release(&k);
    return err;
}

static int
s_on_escalation(PGconn *c, const cmn_env_msg_t *m, void *arg, char *why,
                size_t whylen)
{
    rvw_t *self = arg;
    const Mlps__V1__PanelEscalation *pe =
        (const Mlps__V1__PanelEscalation *) m->payload;
    rvw_case_t k;
    char today[11];
    int err = s_load(c, pe->tracking_id, &k, why, whylen);
    if (err != 0)
        return err;
    if (strcmp(k.state, "panel") != 0)
        return s_ignored(c, self, &k, "panel.escalated");
    cmn_svc_today(&self->conf.base, today);
    /* Back with the office: its clock runs again. */
    s_resume(self, &k, today);
    snprintf(k.state, sizeof k.state, "escalated");
    snprintf(k.panel_note, sizeof k.panel_note,
             "专家组无法组成法定人数，已报市信息办 (no quorum: %s)",
             pe->reason);
    err = rvw_case_save(c, &k);
    if (err == 0)
        err = s_audit(c, self, "panel", "case.escalated", k.tracking_id,
                      "no quorum");
    cmn_log_warn("case %s escalated: the panel has no quorum", k.tracking_id);
    rvw_case_release(&k);
    return err;
}

static const cmn_inbox_handler_t s_handlers[] = {
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

/* --- the clock watch --------------------------------------------------- */

/* One case: warn when few working days are left, record a breach once. */
static int
s_watch_one(PGconn *c, rvw_t *self, const char *tracking, rvw_date_t today,
            const char *today_s)
{
    rvw_case_t k;
    rvw_date_t deadline;
    int found, left = 0, err = cmn_pg_cmd(c, "BEGIN");
    if (err == 0)
        err = rvw_case_load(c, tracking, true, &k, &found);
    if (err != 0 || !found)
        return err;
    if (rvw_clock_state(&k.clock) != RVW_CLOCK_RUNNING ||
        rvw_clock_deadline(&k.clock, self->cal, &deadline) != 0 ||
        rvw_calendar_count(self->cal, today, deadline, &left) != 0) {
        rvw_case_release(&k);
        return cmn_pg_cmd(c, "COMMIT");
    }
    char when[RVW_DATE_BUFSZ], outcome[64];
    rvw_date_format(deadline, when);
    if (today > deadline && k.breached_on[0] == '\0') {
        snprintf(k.breached_on, sizeof k.breached_on, "%s", today_s);
        snprintf(outcome, sizeof outcome, "deadline %s passed", when);
        err = rvw_case_save(c, &k);
        if (err == 0)
            err = s_audit(c, self, "system", "deadline.breached", tracking,
                          outcome);
        cmn_log_warn("case %s: review deadline %s breached", tracking, when);
    } else if (today <= deadline && left <= self->conf.warn_days &&
               k.warned_on[0] == '\0') {
        snprintf(k.warned_on, sizeof k.warned_on, "%s", today_s);
        snprintf(outcome, sizeof outcome, "%d working day(s) left, due %s",
                 left, when);
        err = rvw_case_save(c, &k);
        if (err == 0)
            err = s_audit(c, self, "system", "deadline.warning", tracking,
                          outcome);
        cmn_log_warn("case %s: review due %s, %d working day(s) left", tracking,
                     when, left);
    }
    rvw_case_release(&k);
    if (err == 0)
        err = cmn_pg_cmd(c, "COMMIT");
    return err;
}

/* Runs every review.watch-ms (cmn_svc_every). */
static int
s_watch_work(PGconn *c, void *arg)
{
    rvw_t *self = arg;
    char today_s[11];
    rvw_date_t today;
    int err;
    cmn_svc_today(&self->conf.base, today_s);
    if (s_date(today_s, &today) != 0)
        return CMN_EINVAL;
    /* Open cases whose clock runs: those the office must still answer. */
    PGresult *r = cmn_pg_exec(c,
                              "SELECT tracking_id FROM cases WHERE state = "
                              "'escalated' AND breached_on IS NULL ORDER BY "
                              "received_on LIMIT 1000",
                              0, NULL, &err);
    if (r == NULL)
        return err;
    for (int i = 0; err == 0 && i < PQntuples(r); i++)
        err = s_watch_one(c, self, PQgetvalue(r, i, 0), today, today_s);
    PQclear(r);
    return err;
}

/* --- API --------------------------------------------------------------- */

static void
s_fill_deadline(const rvw_t *self, const rvw_case_t *k,
                Mlps__V1__StatusReply *r, char *deadline, char *note,
                size_t notelen)
{
    rvw_date_t d;
    int rc = rvw_clock_deadline(&k->clock, self->cal, &d);
    deadline[0] = note[0] = '\0';
    if (rc == 0)
        rvw_date_format(d, deadline);
    if (strcmp(k->state, "accepted") == 0 || strcmp(k->state, "closed") == 0)
        snprintf(note, notelen, "decided on %s", k->decided_on);
    else if (rc == RVW_ECALENDAR)
        snprintf(note, notelen,
                 "the deadline falls past the working-day "
                 "calendar this office knows");
    else if (rc == CMN_EAGAIN)
        snprintf(note, notelen, "clock paused: %s",
                 strcmp(k->state, "panel") == 0 ? "with the expert panel"
                                                : "waiting for materials");
    if (k->clock_note[0] != '\0' && note[0] == '\0')
        snprintf(note, notelen, "%s", k->clock_note);
    r->deadline = deadline;
    r->deadline_note = note;
}

static int
s_not_found(cmn_api_reply_t *out, const ProtobufCMessageDescriptor *desc,
            const char *tracking)
{
    Mlps__V1__Problem p = MLPS__V1__PROBLEM__INIT;
    char msg[160];
    snprintf(msg, sizeof msg,
             "no review case \"%.64s\" (a filing just submitted may still be "
             "on its way from intake)",
             tracking);
    p.code = "not_found";
    p.message = msg;
    if (desc == &mlps__v1__letter_reply__descriptor) {
        Mlps__V1__LetterReply r = MLPS__V1__LETTER_REPLY__INIT;
        r.problem = &p;
        return cmn_api_reply(out, desc->name, &r.base);
    }
    Mlps__V1__StatusReply r = MLPS__V1__STATUS_REPLY__INIT;
    r.problem = &p;
    return cmn_api_reply(out, desc->name, &r.base);
}

static int
s_status(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    rvw_t *self = arg;
    const Mlps__V1__StatusRequest *req =
        (const Mlps__V1__StatusRequest *) m->payload;
    rvw_case_t k;
    int found, err = rvw_case_load(c, req->tracking_id, false, &k, &found);
    if (err != 0)
        return err;
    if (!found)
        return s_not_found(out, &mlps__v1__status_reply__descriptor,
                           req->tracking_id);
    Mlps__V1__StatusReply r = MLPS__V1__STATUS_REPLY__INIT;
    char outcome[2] = {k.outcome, '\0'}, deadline[RVW_DATE_BUFSZ], note[160];
    char *missing[RVW_MAT_COUNT];
    for (size_t i = 0; i < k.nmissing; i++)
        missing[i] = (char *) rvw_material_name(k.missing[i]);
    r.tracking_id = k.tracking_id;
    r.state = k.state;
    r.outcome = outcome;
    r.proposed_level = (uint32_t) k.proposed_level;
    r.level = (uint32_t) k.level;
    r.received_on = k.received_on;
    s_fill_deadline(self, &k, &r, deadline, note, sizeof note);
    r.n_missing = k.nmissing;
    r.missing = missing;
    r.panel = k.panel_note;
    r.liability_notice = k.liability_notice;
    r.breached = k.breached_on[0] != '\0';
    err = cmn_api_reply(out, mlps__v1__status_reply__descriptor.name, &r.base);
    rvw_case_release(&k);
    return err;
}

static int
s_letter_req(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    (void) arg;
    const Mlps__V1__LetterRequest *req =
        (const Mlps__V1__LetterRequest *) m->payload;
    const char *p[1] = {req->tracking_id};
    int err;
    PGresult *r = cmn_pg_exec(c,
                              "SELECT body FROM letters WHERE tracking_id = "
                              "$1 ORDER BY id DESC LIMIT 1",
                              1, p, &err);
    if (r == NULL)
        return err;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return s_not_found(out, &mlps__v1__letter_reply__descriptor,
                           req->tracking_id);
    }
    Mlps__V1__LetterReply lr = MLPS__V1__LETTER_REPLY__INIT;
    lr.text = PQgetvalue(r, 0, 0);
    err = cmn_api_reply(out, mlps__v1__letter_reply__descriptor.name, &lr.base);
    PQclear(r);
    return err;
}

static const cmn_api_handler_t s_api[] = {
    {"mlps.v1.StatusRequest", &mlps__v1__status_request__descriptor, s_status},
    {"mlps.v1.LetterRequest", &mlps__v1__letter_request__descriptor,
     s_letter_req},
};

/* --- lifecycle --------------------------------------------------------- */

static int
s_load_calendar(rvw_t *self)
{
    char *copy = strdup(self->conf.calendar), *save = NULL, err[256];
    int rc = 0;
    if (copy == NULL || (self->cal = rvw_calendar_new()) == NULL) {
        free(copy);
        return CMN_ENOMEM;
    }
    for (char *f = strtok_r(copy, ",", &save); f && rc == 0;
         f = strtok_r(NULL, ",", &save)) {
        rc = rvw_calendar_load(self->cal, f, err, sizeof err);
        if (rc != 0)
            cmn_log_error("could not load calendar: %s", err);
        else
            cmn_log_info("working-day calendar \"%s\" loaded", f);
    }
    free(copy);
    return rc;
}

static int
s_start(cmn_svc_t *svc, void *arg)
{
    rvw_t *self = arg;
    int rc = s_load_calendar(self);
    if (rc != 0)
        return CMN_ECONFIG;
    if (cmn_svc_outbox(svc, "panel") == NULL ||
        cmn_svc_outbox(svc, CMN_AUDIT_DEST) == NULL) {
        cmn_log_error("\"peers\" must name panel and audit");
        return CMN_ECONFIG;
    }
    return cmn_svc_every(svc, 200, (uint64_t) self->conf.watch_ms, s_watch_work,
                         self);
}

extern const cmn_migration_t review_migrations[];

const cmn_svc_def_t rvw_service = {
    .name = "review",
    .schema = "review",
    .migrations = review_migrations,
    .handlers = s_handlers,
    .nhandlers = sizeof s_handlers / sizeof s_handlers[0],
    .api_handlers = s_api,
    .napi_handlers = sizeof s_api / sizeof s_api[0],
    .on_start = s_start,
};

/* api.c - the evaluation's request handlers for a system: the unit's
 * choice, the office's assignment, the institution's report (the status
 * and the lists: api_status.c); the shared helpers of api_int.h;
 * and the table of every handler with who may ask. A case a caller may
 * not see is answered exactly as one that does not exist. */
#include "api_int.h"
#include "cmn/log.h"
#include "cmn/secret.h"
#include "cmn/text.h"
#include "dom/verdict.h"
#include "evl/flow.h"
#include "mlps/v1/evaluation.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_LIST_MAX 2000 /* systems in one list */

/* --- shared helpers (api_int.h) ---------------------------------------- */

int
evl__action(cmn_api_reply_t *out, const char *code, const char *message,
            cmn_problem_t *errs)
{
    Mlps__V1__ActionReply r = MLPS__V1__ACTION_REPLY__INIT;
    Mlps__V1__Problem p;
    r.ok = code == NULL;
    r.detail = (char *) message;
    if (code != NULL && errs != NULL && errs->count > 0) {
        r.problem = cmn_problem_pb(errs, code, "%s", message);
    } else if (code != NULL) {
        cmn_problem_simple(&p, code, message);
        r.problem = &p;
    }
    return cmn_api_reply(out, mlps__v1__action_reply__descriptor.name, &r.base);
}

int
evl__problem(cmn_api_reply_t *out, const ProtobufCMessageDescriptor *desc,
             const char *code, const char *message)
{
    /* Every reply type of this service has its Problem as a field named
     * "problem": set it in a zeroed message of that type. */
    Mlps__V1__Problem p;
    cmn_problem_simple(&p, code, message);
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(desc, "problem");
    void *msg = calloc(1, desc->sizeof_message);
    if (msg == NULL || f == NULL) {
        free(msg);
        return CMN_ENOMEM;
    }
    protobuf_c_message_init(desc, msg);
    *(Mlps__V1__Problem **) ((char *) msg + f->offset) = &p;
    int err = cmn_api_reply(out, desc->name, msg);
    free(msg);
    return err;
}

bool
evl__this_office(const evl_t *self, const cmn_ident_t *who)
{
    if (who->kind == CMN_KIND_DEV)
        return true;
    return (who->kind == CMN_KIND_OFFICE || who->kind == CMN_KIND_STAFF) &&
           strcmp(who->office, self->conf.base.office) == 0;
}

bool
evl__is_unit(const cmn_ident_t *who, const evl_sys_t *k, const char *proof)
{
    if (who->kind == CMN_KIND_DEV)
        return true;
    if (proof != NULL && cmn_proof_matches(proof, k->unit_secret_sha256))
        return true;
    return who->kind == CMN_KIND_UNIT && strncmp(who->name, "unit:", 5) == 0 &&
           strcmp(who->name + 5, k->unit_credit_code) == 0;
}

const char *
evl__inst_of(const cmn_ident_t *who)
{
    if (who->kind != CMN_KIND_INSTITUTION ||
        strncmp(who->name, "inst:", 5) != 0 || who->name[5] == '\0')
        return NULL;
    return who->name + 5;
}

bool
evl__may_see(const evl_t *self, const cmn_ident_t *who, const evl_sys_t *k,
             const char *proof)
{
    const char *inst = evl__inst_of(who);
    if (evl__is_unit(who, k, proof))
        return true;
    if (inst != NULL)
        return k->institution_id[0] != '\0' &&
               strcmp(inst, k->institution_id) == 0;
    return cmn_svc_covers(self->svc, who, k->region_code);
}

void
evl__text(cmn_problem_t *e, const char *field, const char *s, size_t max,
          unsigned flags)
{
    char why[96];
    if (cmn_text_check(s, max, flags, why, sizeof why) != 0)
        cmn_problem_add(e, field, "%s", why);
}

bool
evl__hex64(const char *s)
{
    if (s == NULL || strlen(s) != 64)
        return false;
    for (; *s != '\0'; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return false;
    return true;
}

int
evl__retry(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out,
           evl__tx_fn tx)
{
    int err = CMN_EAGAIN;
    for (int i = 0; i < EVL__RETRIES && err == CMN_EAGAIN; i++) {
        err = tx(c, m, arg, out);
        cmn_pg_rollback(c);
    }
    return err;
}

/* "no evaluation case" for a case that is absent or not the caller's. */
static int
s_not_found(cmn_api_reply_t *out, const char *tracking)
{
    char msg[200];
    snprintf(msg, sizeof msg,
             "no evaluation case \"%.64s\" for this caller (a unit gives its "
             "proof; an institution sees only its own assignments)",
             tracking);
    return evl__action(out, "not_found", msg, NULL);
}

/* The step of ev for k refused: a "conflict" naming the state. */
static int
s_conflict(cmn_api_reply_t *out, const evl_sys_t *k, const evl_step_t *step)
{
    char msg[300];
    snprintf(msg, sizeof msg, "case \"%s\" is %s: %s", k->tracking_id,
             evl_state_name(k->state), step->why ? step->why : "refused");
    return evl__action(out, "conflict", msg, NULL);
}

/* --- the unit's choice, the office's assignment ------------------------ */

/* Whether inst may be engaged for k today (checks), into errs naming
 * field; the institution's row in *found. */
static void
s_may_engage(const evl_snapshot_t *s, const evl_sys_t *k, const char *inst,
             unsigned checks, dom_date_t today, cmn_problem_t *errs,
             const evl_inst_t **found)
{
    char why[600], day[DOM_DATE_BUFSZ];
    *found = evl_store_snapshot_find(s, inst);
    if (*found == NULL) {
        cmn_problem_add(errs, "institution_id", "no institution \"%.40s\"",
                        inst);
        return;
    }
    int rc = evl_select_why(*found, k->unit_credit_code, today, checks, why,
                            sizeof why);
    if (rc != 0)
        cmn_problem_add(errs, "institution_id",
                        "%s cannot evaluate it on %s: "
                        "%.500s",
                        inst, dom_date_format(today, day), why);
}

static int
s_choose_tx(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    const evl_t *self = arg;
    const Mlps__V1__EvaluationChooseRequest *req =
        (const Mlps__V1__EvaluationChooseRequest *) m->payload;
    dom_date_t today = cmn_svc_today(&self->conf.base);
    evl_sys_t *k = calloc(1, sizeof *k);
    cmn_problem_t *errs = calloc(1, sizeof *errs);
    evl_snapshot_t s = {0};
    const evl_inst_t *inst = NULL;
    char actor[160], msg[300], why[200];
    bool found = false;
    int err = k && errs ? cmn_pg_cmd(c, "BEGIN") : CMN_ENOMEM;
    if (err == 0)
        err = evl_store_sys_load(c, req->tracking_id, true, k, &found);
    if (err != 0)
        goto out;
    if (!found || !evl__is_unit(&m->peer, k, req->unit_secret)) {
        err = s_not_found(out, req->tracking_id);
        goto out;
    }
    const evl_step_t *step = evl_fsm_step(k->state, EVL_EV_CHOOSE);
    if (step->act == EVL_ACT_REFUSE) {
        err = s_conflict(out, k, step);
        goto out;
    }
    evl__text(errs, "institution_id", req->institution_id, EVL_INST_MAX,
              CMN_TEXT_REQUIRED);
    if (errs->count == 0 && (err = evl_store_lock(c)) == 0 &&
        (err = evl_store_snapshot(c, &s)) == 0)
        s_may_engage(&s, k, req->institution_id, EVL_CHECK_CHOICE, today, errs,
                     &inst);
    if (err == 0 && errs->count > 0) {
        err = evl__action(out, "invalid", "the choice was not accepted", errs);
        goto out;
    }
    snprintf(why, sizeof why, "the unit's choice: qualified, no conflict");
    evl_flow_unit_actor(&m->peer, k, actor, sizeof actor);
    if (err == 0)
        err = evl_flow_engage(c, k, EVL_EV_CHOOSE, inst->id, actor, why, today);
    if (err == 0)
        err = cmn_pg_cmd(c, "COMMIT");
    if (err == 0) {
        snprintf(msg, sizeof msg, "case %s: round %d, %s chosen",
                 k->tracking_id, k->round, inst->id);
        out->kick = true;
        err = evl__action(out, NULL, msg, NULL);
    }
out:
    evl_store_snapshot_release(&s);
    free(errs);
    free(k);
    return err;
}

static int
s_choose(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    return evl__retry(c, m, arg, out, s_choose_tx);
}

/* The institution to assign and why, checked into errs. */
static const char *
s_assign_pick(const Mlps__V1__EvaluationAssignRequest *req, const evl_sys_t *k,
              cmn_problem_t *errs, char *why, size_t whylen)
{
    const char *inst =
        req->institution_id[0] ? req->institution_id : k->proposal;
    bool other = strcmp(inst, k->proposal) != 0;
    unsigned flags = CMN_TEXT_MULTILINE | CMN_TEXT_CHARS;
    char chk[96];
    if (other && cmn_text_check(req->reason, 2000, flags | CMN_TEXT_REQUIRED,
                                chk, sizeof chk) != 0)
        cmn_problem_add(errs, "reason",
                        "%s: the assignment departs from the proposal (%s)",
                        chk, k->proposal[0] ? k->proposal : "none");
    else
        evl__text(errs, "reason", req->reason, 2000, flags);
    if (inst[0] == '\0')
        cmn_problem_add(errs, "institution_id",
                        "is required: no institution is proposed (%.300s)",
                        k->detail);
    if (!other)
        snprintf(why, whylen, "as proposed: %.1800s", k->detail);
    else
        snprintf(why, whylen, "instead of the proposal (%s): %.1800s",
                 k->proposal[0] ? k->proposal : "none", req->reason);
    return inst;
}

static int
s_assign_tx(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    const evl_t *self = arg;
    const Mlps__V1__EvaluationAssignRequest *req =
        (const Mlps__V1__EvaluationAssignRequest *) m->payload;
    dom_date_t today = cmn_svc_today(&self->conf.base);
    evl_sys_t *k = calloc(1, sizeof *k);
    cmn_problem_t *errs = calloc(1, sizeof *errs);
    char *why = malloc(EVL_DETAIL_MAX);
    evl_snapshot_t s = {0};
    const evl_inst_t *inst = NULL;
    char actor[160], msg[300];
    bool found = false;
    int err = k && errs && why ? cmn_pg_cmd(c, "BEGIN") : CMN_ENOMEM;
    if (err == 0)
        err = evl_store_sys_load(c, req->tracking_id, true, k, &found);
    if (err != 0)
        goto out;
    if (!found || !cmn_svc_covers(self->svc, &m->peer, k->region_code)) {
        err = s_not_found(out, req->tracking_id);
        goto out;
    }
    const evl_step_t *step = evl_fsm_step(k->state, EVL_EV_ASSIGN);
    if (step->act == EVL_ACT_REFUSE) {
        err = s_conflict(out, k, step);
        goto out;
    }
    const char *pick = s_assign_pick(req, k, errs, why, EVL_DETAIL_MAX);
    if (errs->count == 0 && (err = evl_store_lock(c)) == 0 &&
        (err = evl_store_snapshot(c, &s)) == 0)
        s_may_engage(&s, k, pick, EVL_CHECK_ALL, today, errs, &inst);
    if (err == 0 && errs->count > 0) {
        err = evl__action(out, "invalid", "the assignment was not made", errs);
        goto out;
    }
    if (err == 0)
        err = evl_flow_engage(c, k, EVL_EV_ASSIGN, inst->id,
                              cmn_ident_label(&m->peer, actor, sizeof actor),
                              why, today);
    if (err == 0)
        err = cmn_pg_cmd(c, "COMMIT");
    if (err == 0) {
        snprintf(msg, sizeof msg, "case %s: round %d, %s assigned",
                 k->tracking_id, k->round, inst->id);
        out->kick = true;
        err = evl__action(out, NULL, msg, NULL);
    }
out:
    evl_store_snapshot_release(&s);
    free(why);
    free(errs);
    free(k);
    return err;
}

static int
s_assign(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    char msg[200];
    if (!evl__this_office(arg, &m->peer)) {
        snprintf(msg, sizeof msg,
                 "\"%s\" is not the municipal office's: only its staff "
                 "assign institutions",
                 m->peer.name);
        return evl__action(out, "forbidden", msg, NULL);
    }
    return evl__retry(c, m, arg, out, s_assign_tx);
}

/* --- the institution's report ------------------------------------------ */

static void
s_check_report(const Mlps__V1__EvaluationReportRequest *req, const evl_sys_t *k,
               dom_date_t today, evl_report_in_t *r, cmn_problem_t *e)
{
    char day[DOM_DATE_BUFSZ];
    *r = (evl_report_in_t){DOM_DATE_NEVER, (int) req->score,
                           (int) req->high_risks, (int) req->medium_risks,
                           req->report_sha256};
    if (dom_date_parse(req->report_date, &r->date) != 0)
        cmn_problem_add(e, "report_date", "must be a date YYYY-MM-DD");
    else if (r->date < k->engaged_on)
        cmn_problem_add(e, "report_date",
                        "is before the institution was "
                        "engaged (%s)",
                        dom_date_format(k->engaged_on, day));
    else if (r->date > today)
        cmn_problem_add(e, "report_date", "is after today (%s)",
                        dom_date_format(today, day));
    if (req->score > 100)
        cmn_problem_add(e, "score", "must be 0 to 100");
    if (req->high_risks > 100000)
        cmn_problem_add(e, "high_risks", "must be 0 to 100000");
    if (req->medium_risks > 100000)
        cmn_problem_add(e, "medium_risks", "must be 0 to 100000");
    if (!evl__hex64(req->report_sha256))
        cmn_problem_add(e, "report_sha256",
                        "must be 64 lower-case hex characters");
}

static int
s_report_tx(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    const evl_t *self = arg;
    const Mlps__V1__EvaluationReportRequest *req =
        (const Mlps__V1__EvaluationReportRequest *) m->payload;
    dom_date_t today = cmn_svc_today(&self->conf.base);
    evl_sys_t *k = calloc(1, sizeof *k);
    cmn_problem_t *errs = calloc(1, sizeof *errs);
    evl_report_in_t r;
    const char *me = evl__inst_of(&m->peer);
    char actor[160], msg[300], note[200] = "";
    bool found = false;
    int err = k && errs ? cmn_pg_cmd(c, "BEGIN") : CMN_ENOMEM;
    if (err == 0)
        err = evl_store_sys_load(c, req->tracking_id, true, k, &found);
    if (err != 0)
        goto out;
    /* Only the institution engaged for the round sees it. */
    if (!found || k->institution_id[0] == '\0' ||
        (m->peer.kind != CMN_KIND_DEV &&
         (me == NULL || strcmp(me, k->institution_id) != 0))) {
        err = evl__action(out, "not_found",
                          "no such assignment for this "
                          "institution",
                          NULL);
        goto out;
    }
    const evl_step_t *step = evl_fsm_step(k->state, EVL_EV_REPORT);
    if (step->act == EVL_ACT_REFUSE) {
        err = s_conflict(out, k, step);
        goto out;
    }
    s_check_report(req, k, today, &r, errs);
    if (errs->count > 0) {
        err = evl__action(out, "invalid", "the report was not recorded", errs);
        goto out;
    }
    err = evl_flow_conclude(c, self, k, &r,
                            cmn_ident_label(&m->peer, actor, sizeof actor),
                            note, sizeof note);
    if (err == 0)
        err = cmn_pg_cmd(c, "COMMIT");
    if (err == 0) {
        snprintf(msg, sizeof msg, "case %s: round %d reported; %s",
                 k->tracking_id, k->round, note);
        out->kick = true;
        err = evl__action(out, NULL, msg, NULL);
    }
out:
    free(errs);
    free(k);
    return err;
}

static int
s_report(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    return evl__retry(c, m, arg, out, s_report_tx);
}

const cmn_api_handler_t evl_api_handlers[] = {
    /* EVL_API_HANDLERS */
    {"mlps.v1.EvaluationChooseRequest",
     &mlps__v1__evaluation_choose_request__descriptor, s_choose,
     "unit,gateway"},
    {"mlps.v1.EvaluationAssignRequest",
     &mlps__v1__evaluation_assign_request__descriptor, s_assign,
     "office,staff"},
    {"mlps.v1.EvaluationReportRequest",
     &mlps__v1__evaluation_report_request__descriptor, s_report, "institution"},
    {"mlps.v1.EvaluationStatusRequest",
     &mlps__v1__evaluation_status_request__descriptor, evl__status,
     "unit,gateway,office,staff,institution"},
    {"mlps.v1.EvaluationDueRequest",
     &mlps__v1__evaluation_due_request__descriptor, evl__due, "office,staff"},
    {"mlps.v1.EvaluationQueueRequest",
     &mlps__v1__evaluation_queue_request__descriptor, evl__queue,
     "office,staff"},
    {"mlps.v1.RectificationPlanRequest",
     &mlps__v1__rectification_plan_request__descriptor, evl__rect_plan,
     "unit,gateway"},
    {"mlps.v1.RectificationReviewRequest",
     &mlps__v1__rectification_review_request__descriptor, evl__rect_review,
     "expert,office,staff"},
    {"mlps.v1.RectificationCompleteRequest",
     &mlps__v1__rectification_complete_request__descriptor, evl__rect_complete,
     "unit,gateway"},
    {"mlps.v1.InstitutionPutRequest",
     &mlps__v1__institution_put_request__descriptor, evl__inst_put,
     "office,staff"},
    {"mlps.v1.InstitutionShowRequest",
     &mlps__v1__institution_show_request__descriptor, evl__inst_show,
     "office,staff,institution"},
    {"mlps.v1.InstitutionListRequest",
     &mlps__v1__institution_list_request__descriptor, evl__inst_list,
     "office,staff,unit,gateway,institution"},
    {"mlps.v1.InstitutionSuspendRequest",
     &mlps__v1__institution_suspend_request__descriptor, evl__inst_suspend,
     "office,staff"},
    {"mlps.v1.InspectionPlanRequest",
     &mlps__v1__inspection_plan_request__descriptor, evl__insp_plan,
     "office,staff"},
    {"mlps.v1.InspectionRecordRequest",
     &mlps__v1__inspection_record_request__descriptor, evl__insp_record,
     "office,staff"},
};

/* api.c - the intake service's request handlers: a filing submitted, the
 * materials a B letter asked for, a unit keeping its level after C. */
#include "cmn/audit.h"
#include "cmn/log.h"
#include "cmn/problem.h"
#include "itk/intake.h"
#include "itk/store.h"
#include "itk/validate.h"
#include "mlps/v1/api.pb-c.h"
#include "mlps/v1/workflow.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Refuses the request: every field error in errs, nothing stored. */
static int
s_reply_invalid(cmn_api_reply_t *out, cmn_problem_t *errs,
                const ProtobufCMessageDescriptor *reply_desc)
{
    Mlps__V1__Problem *p = cmn_problem_pb(
        errs, "invalid", "%zu problem(s) found; nothing was stored",
        cmn_problem_found(errs));
    if (reply_desc == &mlps__v1__submit_filing_reply__descriptor) {
        Mlps__V1__SubmitFilingReply r = MLPS__V1__SUBMIT_FILING_REPLY__INIT;
        r.problem = p;
        return cmn_api_reply(out, reply_desc->name, &r.base);
    }
    Mlps__V1__ActionReply r = MLPS__V1__ACTION_REPLY__INIT;
    r.problem = p;
    return cmn_api_reply(out, reply_desc->name, &r.base);
}

static int
s_action_reply(cmn_api_reply_t *out, int ok, const char *detail,
               const char *code)
{
    Mlps__V1__ActionReply r = MLPS__V1__ACTION_REPLY__INIT;
    Mlps__V1__Problem p;
    r.ok = ok;
    r.detail = (char *) detail;
    if (!ok) {
        cmn_problem_simple(&p, code, detail);
        r.problem = &p;
    }
    return cmn_api_reply(out, mlps__v1__action_reply__descriptor.name, &r.base);
}

static int
s_submit(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    itk_t *self = arg;
    const Mlps__V1__SubmitFilingRequest *req =
        (const Mlps__V1__SubmitFilingRequest *) m->payload;
    const Mlps__V1__Filing *f = req->filing;
    cmn_problem_t *errs = calloc(1, sizeof *errs);
    char day[DOM_DATE_BUFSZ], digest[65], tracking[64] = "";
    int err = 0, found = 0, inserted = 0;
    Mlps__V1__SubmitFilingReply r = MLPS__V1__SUBMIT_FILING_REPLY__INIT;
    if (errs == NULL)
        return CMN_ENOMEM;
    dom_date_t today = cmn_svc_today(&self->conf.base);
    dom_date_format(today, day);
    if (f == NULL)
        cmn_problem_add(errs, "filing", "is required");
    if (errs->count > 0 || itk_validate_filing(f, today, errs) != 0) {
        cmn_log_info("refused a filing: %zu problem(s)",
                     cmn_problem_found(errs));
        err = s_reply_invalid(out, errs,
                              &mlps__v1__submit_filing_reply__descriptor);
        goto out;
    }
    if ((err = itk_digest(&f->base, "filing", digest)) != 0 ||
        (err = cmn_pg_cmd(c, "BEGIN")) != 0 ||
        (err = itk_store_find(c, digest, tracking, &found)) != 0)
        goto out;
    if (!found) {
        err = itk_store_insert(c, self, f, digest, day, tracking, &inserted);
        if (err == 0 && !inserted) /* a concurrent twin won the race */
            err = itk_store_find(c, digest, tracking, &found);
    }
    if (err == 0 && inserted) {
        Mlps__V1__FilingReceived fr = MLPS__V1__FILING_RECEIVED__INIT;
        fr.tracking_id = tracking;
        fr.office = self->conf.base.office;
        fr.received_on = day;
        fr.filing = (Mlps__V1__Filing *) f;
        err = cmn_outbox_put_pb(c, ITK_REVIEW_DEST, tracking, 1, &fr.base);
        if (err == 0)
            err = cmn_audit(c, f->unit->credit_code, "filing.received",
                            tracking, "accepted for review");
    }
    if (err == 0)
        err = cmn_pg_cmd(c, "COMMIT");
    if (err != 0)
        goto out;
    if (inserted)
        cmn_log_info("filing %s accepted (level %u)", tracking,
                     f->grading->final_level);
    r.tracking_id = tracking;
    r.duplicate = !inserted;
    out->kick = inserted;
    err = cmn_api_reply(out, mlps__v1__submit_filing_reply__descriptor.name,
                        &r.base);
out:
    free(errs);
    return err;
}

static int
s_finish_action(PGconn *c, cmn_api_reply_t *out, int err, int found, int dup,
                const char *tracking)
{
    char detail[160];
    if (err == 0 && !found) {
        cmn_pg_rollback(c);
        snprintf(detail, sizeof detail, "no filing with tracking id \"%.64s\"",
                 tracking);
        return s_action_reply(out, 0, detail, "not_found");
    }
    if (err == 0)
        err = cmn_pg_cmd(c, "COMMIT");
    if (err != 0)
        return err;
    out->kick = !dup;
    return s_action_reply(
        out, 1,
        dup ? "received before; nothing changed" : "forwarded to review", "");
}

static int
s_supplement(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    itk_t *self = arg;
    Mlps__V1__SupplementRequest *req =
        (Mlps__V1__SupplementRequest *) m->payload;
    cmn_problem_t *errs = calloc(1, sizeof *errs);
    char today[DOM_DATE_BUFSZ], digest[65];
    int err, found = 0, dup = 0;
    if (errs == NULL)
        return CMN_ENOMEM;
    cmn_problem_init(errs);
    dom_date_format(cmn_svc_today(&self->conf.base), today);
    if (itk_validate_materials(req->materials, req->n_materials, "materials",
                               errs) != 0) {
        err = s_reply_invalid(out, errs, &mlps__v1__action_reply__descriptor);
        free(errs);
        return err;
    }
    free(errs);
    Mlps__V1__MaterialsSupplemented ms = MLPS__V1__MATERIALS_SUPPLEMENTED__INIT;
    ms.tracking_id = req->tracking_id;
    ms.received_on = today;
    ms.n_materials = req->n_materials;
    ms.materials = req->materials;
    if ((err = itk_digest(&req->base, "supplement", digest)) != 0 ||
        (err = cmn_pg_cmd(c, "BEGIN")) != 0)
        return err;
    err = itk_store_case_action(c, req->tracking_id, "supplement", digest,
                                today, &ms.base, &found, &dup);
    return s_finish_action(c, out, err, found, dup, req->tracking_id);
}

static int
s_insist(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    itk_t *self = arg;
    Mlps__V1__InsistRequest *req = (Mlps__V1__InsistRequest *) m->payload;
    char today[DOM_DATE_BUFSZ], digest[65];
    int err, found = 0, dup = 0;
    dom_date_format(cmn_svc_today(&self->conf.base), today);
    if (req->statement[0] == '\0' || strlen(req->statement) > 4000) {
        cmn_problem_t *errs = calloc(1, sizeof *errs);
        if (errs == NULL)
            return CMN_ENOMEM;
        cmn_problem_init(errs);
        cmn_problem_add(errs, "statement", "is required, at most 4000 bytes");
        err = s_reply_invalid(out, errs, &mlps__v1__action_reply__descriptor);
        free(errs);
        return err;
    }
    Mlps__V1__UnitInsists ui = MLPS__V1__UNIT_INSISTS__INIT;
    ui.tracking_id = req->tracking_id;
    ui.statement = req->statement;
    ui.received_on = today;
    if ((err = itk_digest(&req->base, "insist", digest)) != 0 ||
        (err = cmn_pg_cmd(c, "BEGIN")) != 0)
        return err;
    err = itk_store_case_action(c, req->tracking_id, "insist", digest, today,
                                &ui.base, &found, &dup);
    return s_finish_action(c, out, err, found, dup, req->tracking_id);
}

const cmn_api_handler_t itk_api_handlers[] = {
    {"mlps.v1.SubmitFilingRequest",
     &mlps__v1__submit_filing_request__descriptor, s_submit},
    {"mlps.v1.SupplementRequest", &mlps__v1__supplement_request__descriptor,
     s_supplement},
    {"mlps.v1.InsistRequest", &mlps__v1__insist_request__descriptor, s_insist},
};

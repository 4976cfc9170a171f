/* api.c - the intake service's request handlers: a filing submitted, the
 * materials a B letter asked for, a unit keeping its level after C. */
#include "itk/api.h"
#include "cmn/audit.h"
#include "cmn/log.h"
#include "cmn/problem.h"
#include "cmn/secret.h"
#include "cmn/text.h"
#include "itk/filing.h"
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

int
itk_action_reply(cmn_api_reply_t *out, int ok, const char *detail,
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

/* Stores a new filing with its unit's proof (itk_filing_new: to review,
 * held, or for the next batch); the proof itself goes back to the
 * submitter once, in proof. */
static int
s_accept(PGconn *c, itk_t *self, const cmn_env_msg_t *m,
         const Mlps__V1__Filing *f, const char *digest, const char *day,
         char tracking[64], char proof[CMN_PROOF_LEN + 1], int *inserted)
{
    char hash[65], actor[160], key[ITK_SYSTEM_KEY_MAX];
    int held = 0, err = cmn_proof_new(proof);
    if (err == 0)
        err = cmn_proof_hash(proof, hash);
    if (err == 0)
        err = itk_system_key(f, key);
    itk_new_filing_t n = {.filing = f,
                          .digest = digest,
                          .received_on = day,
                          .proof_sha256 = hash,
                          .district = self->conf.base.office,
                          .revision = 1,
                          .system_key = key};
    if (err == 0)
        err = itk_filing_new(c, self, &n,
                             cmn_ident_label(&m->peer, actor, sizeof actor),
                             tracking, inserted, &held);
    return err;
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
    char proof[CMN_PROOF_LEN + 1] = "";
    int err = 0, found = 0, inserted = 0;
    Mlps__V1__SubmitFilingReply r = MLPS__V1__SUBMIT_FILING_REPLY__INIT;
    if (errs == NULL)
        return CMN_ENOMEM;
    dom_date_t today = cmn_svc_today(&self->conf.base);
    dom_date_format(today, day);
    if (f == NULL)
        cmn_problem_add(errs, "filing", "is required");
    if (errs->count == 0 && itk_validate_filing(f, today, errs) == 0)
        itk_filing_check_filer(self, m, f, errs);
    if (errs->count > 0) {
        cmn_log_info("refused a filing: %zu problem(s)",
                     cmn_problem_found(errs));
        err = s_reply_invalid(out, errs,
                              &mlps__v1__submit_filing_reply__descriptor);
        goto out;
    }
    if ((err = itk_digest(&f->base, "filing", digest)) != 0 ||
        (err = cmn_pg_cmd(c, "BEGIN")) != 0 ||
        (err = itk_store_find(c, self->conf.base.office, digest, tracking,
                              &found)) != 0)
        goto out;
    if (!found) {
        err = s_accept(c, self, m, f, digest, day, tracking, proof, &inserted);
        if (err == 0 && !inserted) /* a concurrent twin won the race */
            err = itk_store_find(c, self->conf.base.office, digest, tracking,
                                 &found);
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
    r.unit_secret = inserted ? proof : "";
    out->kick = inserted;
    err = cmn_api_reply(out, mlps__v1__submit_filing_reply__descriptor.name,
                        &r.base);
out:
    memset(proof, 0, sizeof proof);
    free(errs);
    return err;
}

/* May the caller act on the filing: the unit's proof, the unit's own key,
 * or an office covering the unit's region. actor gets who it was. */
static bool
s_may_act(const itk_t *self, const cmn_env_msg_t *m,
          const itk_filing_ref_t *ref, const char *proof, char *actor,
          size_t len)
{
    const cmn_ident_t *who = &m->peer;
    if (cmn_proof_matches(proof, ref->proof_sha256)) {
        snprintf(actor, len, "%s%s%s", ref->unit_credit_code,
                 who->kind == CMN_KIND_GATEWAY || who->via[0] ? " via " : "",
                 who->kind == CMN_KIND_GATEWAY ? who->name : who->via);
        return true;
    }
    cmn_ident_label(who, actor, len);
    if (who->kind == CMN_KIND_UNIT)
        return strncmp(who->name, "unit:", 5) == 0 &&
               strcmp(who->name + 5, ref->unit_credit_code) == 0;
    return cmn_svc_covers(self->svc, who, ref->region_code);
}

/* One later action on a filing, in one transaction: the filing locked,
 * the caller's right to it checked, the action recorded and forwarded. */
static int
s_later(PGconn *c, itk_t *self, const cmn_env_msg_t *m, const char *tracking,
        const char *proof, const char *kind, const char *digest,
        const char *today, ProtobufCMessage *msg, char *actor_field,
        size_t actor_len, cmn_api_reply_t *out)
{
    itk_filing_ref_t ref;
    int found = 0, dup = 0, err = cmn_pg_cmd(c, "BEGIN");
    char actor[160], detail[200];
    if (err == 0)
        err = itk_store_lock(c, tracking, &ref, &found);
    if (err != 0)
        return err;
    if (!found || !s_may_act(self, m, &ref, proof, actor, sizeof actor)) {
        cmn_pg_rollback(c);
        snprintf(detail, sizeof detail,
                 "no filing with tracking id \"%.64s\" for this caller (a "
                 "unit gives its proof)",
                 tracking);
        return itk_action_reply(out, 0, detail, "not_found");
    }
    snprintf(actor_field, actor_len, "%s", actor);
    err = itk_store_case_action(
        c, &ref, kind, digest, today, msg,
        self->role == ITK_ROLE_DISTRICT ? self->upstream : ITK_REVIEW_DEST,
        self->role == ITK_ROLE_DISTRICT, actor, &dup);
    if (err == 0)
        err = cmn_pg_cmd(c, "COMMIT");
    if (err != 0)
        return err;
    out->kick = !dup;
    return itk_action_reply(out, 1,
                            dup ? "received before; nothing changed"
                            : self->role == ITK_ROLE_DISTRICT
                                ? "forwarded to the municipal office"
                                : "forwarded to review",
                            "");
}
/* The digest that makes a repeat of a later action a repeat: of the
 * request without the proof it carries. */
static int
s_action_digest(ProtobufCMessage *req, char **secret, const char *salt,
                char out[65])
{
    char *kept = *secret;
    *secret = "";
    int err = itk_digest(req, salt, out);
    *secret = kept;
    return err;
}

static int
s_supplement(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    itk_t *self = arg;
    Mlps__V1__SupplementRequest *req =
        (Mlps__V1__SupplementRequest *) m->payload;
    cmn_problem_t *errs = calloc(1, sizeof *errs);
    char today[DOM_DATE_BUFSZ], digest[65], actor[160] = "";
    int err;
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
    ms.actor = actor; /* filled once the caller is known */
    if ((err = s_action_digest(&req->base, &req->unit_secret, "supplement",
                               digest)) != 0)
        return err;
    return s_later(c, self, m, req->tracking_id, req->unit_secret, "supplement",
                   digest, today, &ms.base, actor, sizeof actor, out);
}

static int
s_insist(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    itk_t *self = arg;
    Mlps__V1__InsistRequest *req = (Mlps__V1__InsistRequest *) m->payload;
    char today[DOM_DATE_BUFSZ], digest[65], actor[160] = "", why[96];
    int err;
    dom_date_format(cmn_svc_today(&self->conf.base), today);
    if (cmn_text_check(req->statement, 4000,
                       CMN_TEXT_REQUIRED | CMN_TEXT_MULTILINE, why,
                       sizeof why) != 0) {
        cmn_problem_t *errs = calloc(1, sizeof *errs);
        if (errs == NULL)
            return CMN_ENOMEM;
        cmn_problem_init(errs);
        cmn_problem_add(errs, "statement", "%s", why);
        err = s_reply_invalid(out, errs, &mlps__v1__action_reply__descriptor);
        free(errs);
        return err;
    }
    Mlps__V1__UnitInsists ui = MLPS__V1__UNIT_INSISTS__INIT;
    ui.tracking_id = req->tracking_id;
    ui.statement = req->statement;
    ui.received_on = today;
    ui.actor = actor;
    if ((err = s_action_digest(&req->base, &req->unit_secret, "insist",
                               digest)) != 0)
        return err;
    return s_later(c, self, m, req->tracking_id, req->unit_secret, "insist",
                   digest, today, &ui.base, actor, sizeof actor, out);
}

/* Who may ask: a unit through a gateway (with its proof) or with its own
 * key, and an office or its staff (for units of their jurisdiction); an
 * office's own system or its staff for its electronic data, its
 * aggregates, its reports and its duplicates (the handlers check the
 * role: a district imports and sends aggregates, the municipal office
 * reports and decides duplicates). */
const cmn_api_handler_t itk_api_handlers[] = {
    {"mlps.v1.SubmitFilingRequest",
     &mlps__v1__submit_filing_request__descriptor, s_submit,
     "unit,gateway,office,staff"},
    {"mlps.v1.SupplementRequest", &mlps__v1__supplement_request__descriptor,
     s_supplement, "unit,gateway,office,staff"},
    {"mlps.v1.InsistRequest", &mlps__v1__insist_request__descriptor, s_insist,
     "unit,gateway,office,staff"},
    {"mlps.v1.ImportRequest", &mlps__v1__import_request__descriptor, itk_import,
     "office,staff"},
    {"mlps.v1.AggregateSendRequest",
     &mlps__v1__aggregate_send_request__descriptor, itk_aggregate_send,
     "office,staff"},
    {"mlps.v1.ReportMonthRequest", &mlps__v1__report_month_request__descriptor,
     itk_report_month, "office,staff"},
    {"mlps.v1.DuplicatesRequest", &mlps__v1__duplicates_request__descriptor,
     itk_duplicates, "office,staff"},
    {"mlps.v1.DuplicateDecideRequest",
     &mlps__v1__duplicate_decide_request__descriptor, itk_duplicate_decide,
     "office,staff"},
};

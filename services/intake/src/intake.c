/* intake.c - the intake service's API handlers. */
#include "itk/intake.h"
#include "cmn/audit.h"
#include "cmn/log.h"
#include "cmn/pb.h"
#include "itk/validate.h"
#include "mlps/v1/api.pb-c.h"
#include "mlps/v1/workflow.pb-c.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_REVIEW "review"

const cmn_cfg_opt_t itk_options[] = {
    CMN_SVC_OPTIONS(itk_conf_t, base),
    {NULL, 0, NULL, 0, 0, 0, NULL},
};

/* Lower-case hex SHA-256 of msg's packed form into out[65]. */
static int
s_digest(const ProtobufCMessage *msg, const char *salt, char out[65])
{
    uint8_t *buf = NULL, md[32];
    size_t len = 0;
    unsigned mdlen = 0;
    int rc = cmn_pb_pack(msg, &buf, &len);
    if (rc != 0)
        return rc;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) ||
        !EVP_DigestUpdate(ctx, salt, strlen(salt) + 1) ||
        !EVP_DigestUpdate(ctx, buf, len) ||
        !EVP_DigestFinal_ex(ctx, md, &mdlen))
        rc = CMN_ENOMEM;
    EVP_MD_CTX_free(ctx);
    free(buf);
    for (unsigned i = 0; rc == 0 && i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    return rc;
}

/* Fills a Problem from collected field errors. Caller frees items. */
static void
s_problem(Mlps__V1__Problem *p, const itk_errors_t *errs,
          Mlps__V1__FieldError *items, Mlps__V1__FieldError **ptrs,
          char *message, size_t mlen)
{
    for (size_t i = 0; i < errs->count; i++) {
        mlps__v1__field_error__init(&items[i]);
        items[i].field = (char *) errs->errors[i].field;
        items[i].reason = (char *) errs->errors[i].reason;
        ptrs[i] = &items[i];
    }
    snprintf(message, mlen, "%zu problem(s) found; nothing was stored",
             errs->count + errs->overflow);
    p->code = "invalid";
    p->message = message;
    p->n_errors = errs->count;
    p->errors = ptrs;
}

static int
s_reply_invalid(cmn_api_reply_t *out, const itk_errors_t *errs,
                const ProtobufCMessageDescriptor *reply_desc)
{
    Mlps__V1__FieldError items[ITK_MAX_ERRORS];
    Mlps__V1__FieldError *ptrs[ITK_MAX_ERRORS];
    Mlps__V1__Problem p = MLPS__V1__PROBLEM__INIT;
    char message[80];
    s_problem(&p, errs, items, ptrs, message, sizeof message);
    if (reply_desc == &mlps__v1__submit_filing_reply__descriptor) {
        Mlps__V1__SubmitFilingReply r = MLPS__V1__SUBMIT_FILING_REPLY__INIT;
        r.problem = &p;
        return cmn_api_reply(out, reply_desc->name, &r.base);
    }
    Mlps__V1__ActionReply r = MLPS__V1__ACTION_REPLY__INIT;
    r.problem = &p;
    return cmn_api_reply(out, reply_desc->name, &r.base);
}

static int
s_action_reply(cmn_api_reply_t *out, int ok, const char *detail,
               const char *code)
{
    Mlps__V1__ActionReply r = MLPS__V1__ACTION_REPLY__INIT;
    Mlps__V1__Problem p = MLPS__V1__PROBLEM__INIT;
    r.ok = ok;
    r.detail = (char *) detail;
    if (!ok) {
        p.code = (char *) code;
        p.message = (char *) detail;
        r.problem = &p;
    }
    return cmn_api_reply(out, mlps__v1__action_reply__descriptor.name, &r.base);
}

/* Finds the tracking id of an already accepted identical submission. */
static int
s_find(PGconn *c, const char *digest, char tracking[64], int *found)
{
    const char *p[1] = {digest};
    int err;
    PGresult *r = cmn_pg_exec(c,
                              "SELECT tracking_id FROM filings WHERE "
                              "content_sha256 = $1",
                              1, p, &err);
    if (r == NULL)
        return err;
    *found = PQntuples(r) == 1;
    if (*found)
        snprintf(tracking, 64, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    return 0;
}

static int
s_insert(PGconn *c, const itk_t *self, const Mlps__V1__Filing *f,
         const char *digest, const char *today, char tracking[64],
         int *inserted)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    int err = cmn_pb_pack(&f->base, &buf, &len);
    if (err != 0)
        return err;
    char level[4];
    snprintf(level, sizeof level, "%u", f->grading->final_level);
    const char *office = self->conf.base.office;
    const char *p[10] = {office,          today,
                         digest,          f->unit->credit_code,
                         f->unit->name,   f->unit->region_code,
                         f->unit->sector, f->system->name,
                         level,           (const char *) buf};
    int lens[10] = {0, 0, 0, 0, 0, 0, 0, 0, 0, (int) len};
    int fmts[10] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    PGresult *r = cmn_pg_execb(
        c,
        "INSERT INTO filings (tracking_id, office, received_on, "
        "content_sha256, unit_credit_code, unit_name, region_code, sector, "
        "system_name, final_level, filing) VALUES ("
        "$1 || '-' || to_char($2::date, 'YYYYMMDD') || '-' || "
        "lpad(nextval('tracking_seq')::text, 5, '0'), $1, $2, $3, $4, $5, $6,"
        " $7, $8, $9, $10) ON CONFLICT (content_sha256) DO NOTHING "
        "RETURNING tracking_id",
        10, p, lens, fmts, &err);
    free(buf);
    if (r == NULL)
        return err;
    *inserted = PQntuples(r) == 1;
    if (*inserted)
        snprintf(tracking, 64, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    return 0;
}

static int
s_submit(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    itk_t *self = arg;
    const Mlps__V1__SubmitFilingRequest *req =
        (const Mlps__V1__SubmitFilingRequest *) m->payload;
    const Mlps__V1__Filing *f = req->filing;
    itk_errors_t *errs = calloc(1, sizeof *errs);
    char today[11], digest[65], tracking[64] = "";
    int err = 0, found = 0, inserted = 0;
    Mlps__V1__SubmitFilingReply r = MLPS__V1__SUBMIT_FILING_REPLY__INIT;
    if (errs == NULL)
        return CMN_ENOMEM;
    cmn_svc_today(&self->conf.base, today);
    if (f == NULL) {
        snprintf(errs->errors[0].field, sizeof errs->errors[0].field, "filing");
        snprintf(errs->errors[0].reason, sizeof errs->errors[0].reason,
                 "is required");
        errs->count = 1;
    }
    if (errs->count > 0 || itk_validate_filing(f, today, errs) != 0) {
        cmn_log_info("refused a filing: %zu problem(s)",
                     errs->count + errs->overflow);
        err = s_reply_invalid(out, errs,
                              &mlps__v1__submit_filing_reply__descriptor);
        goto out;
    }
    if ((err = s_digest(&f->base, "filing", digest)) != 0 ||
        (err = cmn_pg_cmd(c, "BEGIN")) != 0 ||
        (err = s_find(c, digest, tracking, &found)) != 0)
        goto out;
    if (!found) {
        err = s_insert(c, self, f, digest, today, tracking, &inserted);
        if (err == 0 && !inserted) /* a concurrent twin won the race */
            err = s_find(c, digest, tracking, &found);
    }
    if (err == 0 && inserted) {
        Mlps__V1__FilingReceived fr = MLPS__V1__FILING_RECEIVED__INIT;
        fr.tracking_id = tracking;
        fr.office = self->conf.base.office;
        fr.received_on = today;
        fr.filing = (Mlps__V1__Filing *) f;
        err = cmn_outbox_put_pb(c, S_REVIEW, tracking, 1, &fr.base);
        cmn_audit_t ev = {.service = "intake",
                          .actor = f->unit->credit_code,
                          .action = "filing.received",
                          .case_id = tracking,
                          .outcome = "accepted for review",
                          .office = self->conf.base.office};
        if (err == 0)
            err = cmn_audit_emit(c, &ev);
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

/* Records a unit's later action on a case and forwards it to review.
 * *dup is set when the same action was received before. */
static int
s_case_action(PGconn *c, itk_t *self, const char *tracking, const char *kind,
              const char *digest, const char *today, ProtobufCMessage *msg,
              int *found, int *dup)
{
    const char *p[4] = {tracking, kind, digest, today};
    int err;
    *found = *dup = 0;
    PGresult *r = cmn_pg_exec(c,
                              "SELECT case_version, unit_credit_code FROM "
                              "filings WHERE tracking_id = $1 FOR UPDATE",
                              1, p, &err);
    if (r == NULL)
        return err;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return 0;
    }
    *found = 1;
    uint64_t version = strtoull(PQgetvalue(r, 0, 0), NULL, 10) + 1;
    char actor[32];
    snprintf(actor, sizeof actor, "%s", PQgetvalue(r, 0, 1));
    PQclear(r);
    r = cmn_pg_exec(c,
                    "INSERT INTO case_actions (tracking_id, kind, "
                    "content_sha256, received_on) VALUES ($1, $2, $3, $4) "
                    "ON CONFLICT DO NOTHING RETURNING id",
                    4, p, &err);
    if (r == NULL)
        return err;
    *dup = PQntuples(r) == 0;
    PQclear(r);
    if (*dup)
        return 0;
    char ver[24];
    snprintf(ver, sizeof ver, "%llu", (unsigned long long) version);
    const char *q[2] = {tracking, ver};
    r = cmn_pg_exec(c,
                    "UPDATE filings SET case_version = $2 WHERE "
                    "tracking_id = $1",
                    2, q, &err);
    PQclear(r);
    if (err == 0)
        err = cmn_outbox_put_pb(c, S_REVIEW, tracking, version, msg);
    cmn_audit_t ev = {.service = "intake",
                      .actor = actor,
                      .action = strcmp(kind, "insist") == 0
                                    ? "unit.insisted"
                                    : "materials.supplemented",
                      .case_id = tracking,
                      .outcome = "forwarded to review",
                      .office = self->conf.base.office};
    if (err == 0)
        err = cmn_audit_emit(c, &ev);
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
    itk_errors_t *errs = calloc(1, sizeof *errs);
    char today[11], digest[65];
    int err, found = 0, dup = 0;
    if (errs == NULL)
        return CMN_ENOMEM;
    cmn_svc_today(&self->conf.base, today);
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
    if ((err = s_digest(&req->base, "supplement", digest)) != 0 ||
        (err = cmn_pg_cmd(c, "BEGIN")) != 0)
        return err;
    err = s_case_action(c, self, req->tracking_id, "supplement", digest, today,
                        &ms.base, &found, &dup);
    return s_finish_action(c, out, err, found, dup, req->tracking_id);
}

static int
s_insist(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    itk_t *self = arg;
    Mlps__V1__InsistRequest *req = (Mlps__V1__InsistRequest *) m->payload;
    char today[11], digest[65];
    int err, found = 0, dup = 0;
    cmn_svc_today(&self->conf.base, today);
    if (req->statement[0] == '\0' || strlen(req->statement) > 4000) {
        itk_errors_t errs = {.count = 1};
        snprintf(errs.errors[0].field, sizeof errs.errors[0].field,
                 "statement");
        snprintf(errs.errors[0].reason, sizeof errs.errors[0].reason,
                 "is required, at most 4000 bytes");
        return s_reply_invalid(out, &errs, &mlps__v1__action_reply__descriptor);
    }
    Mlps__V1__UnitInsists ui = MLPS__V1__UNIT_INSISTS__INIT;
    ui.tracking_id = req->tracking_id;
    ui.statement = req->statement;
    ui.received_on = today;
    if ((err = s_digest(&req->base, "insist", digest)) != 0 ||
        (err = cmn_pg_cmd(c, "BEGIN")) != 0)
        return err;
    err = s_case_action(c, self, req->tracking_id, "insist", digest, today,
                        &ui.base, &found, &dup);
    return s_finish_action(c, out, err, found, dup, req->tracking_id);
}

static const cmn_api_handler_t s_api[] = {
    {"mlps.v1.SubmitFilingRequest",
     &mlps__v1__submit_filing_request__descriptor, s_submit},
    {"mlps.v1.SupplementRequest", &mlps__v1__supplement_request__descriptor,
     s_supplement},
    {"mlps.v1.InsistRequest", &mlps__v1__insist_request__descriptor, s_insist},
};

static int
s_start(cmn_svc_t *svc, void *arg)
{
    itk_t *self = arg;
    if (self->conf.base.today[0] != '\0' &&
        !itk_date_valid(self->conf.base.today)) {
        cmn_log_error("\"clock.today\" must be a date YYYY-MM-DD");
        return CMN_ECONFIG;
    }
    if (cmn_svc_outbox(svc, S_REVIEW) == NULL ||
        cmn_svc_outbox(svc, CMN_AUDIT_DEST) == NULL) {
        cmn_log_error("\"peers\" must name review and audit");
        return CMN_ECONFIG;
    }
    return 0;
}

extern const cmn_migration_t intake_migrations[];

const cmn_svc_def_t itk_service = {
    .name = "intake",
    .schema = "intake",
    .migrations = intake_migrations,
    .api_handlers = s_api,
    .napi_handlers = sizeof s_api / sizeof s_api[0],
    .on_start = s_start,
};

/* api.c - the certificate service's read requests: a certificate's (or a
 * case's) status and its PDF, for the unit with its proof or an office
 * covering it, and the latest signed revocation list, for anyone with a
 * key; the handler table. A certificate a caller may not see is answered
 * exactly as one that does not exist. */
#include "crt/api.h"
#include "cmn/audit.h"
#include "cmn/log.h"
#include "cmn/problem.h"
#include "crt/flow.h"
#include "crt/render.h"
#include "mlps/v1/cert.pb-c.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
crt_api_problem(cmn_api_reply_t *out, const ProtobufCMessageDescriptor *desc,
                const char *code, const char *fmt, ...)
{
    char msg[300];
    Mlps__V1__Problem p;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cmn_problem_simple(&p, code, msg);
    /* Every reply of cert.proto has a "problem" field: set it by its
     * descriptor, on a zeroed message of that type. */
    ProtobufCMessage *r = calloc(1, desc->sizeof_message);
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(desc, "problem");
    if (r == NULL || f == NULL) {
        free(r);
        return r == NULL ? CMN_ENOMEM : CMN_EINVAL;
    }
    desc->message_init(r);
    *(Mlps__V1__Problem **) ((char *) r + f->offset) = &p;
    int err = cmn_api_reply(out, desc->name, r);
    free(r);
    return err;
}

/* The case of rec, or of tracking, and which number to show. */
static int
s_resolve(PGconn *c, const char *number, const char *tracking, bool lock,
          crt_case_t *k, crt_record_t *rec, bool *have_rec, bool *found)
{
    const char *want = tracking;
    char pick[CRT_NUMBER_MAX + 1] = "";
    int err = 0;
    *have_rec = *found = false;
    if (number[0] != '\0') {
        err = crt_record_load(c, number, rec, have_rec);
        if (err != 0 || !*have_rec)
            return err;
        want = rec->content.tracking_id;
    }
    if ((err = crt_case_load(c, want, lock, k, found)) != 0 || !*found ||
        *have_rec)
        return err;
    if (k->current_number[0] || k->pending_number[0])
        snprintf(pick, sizeof pick, "%s",
                 k->current_number[0] ? k->current_number : k->pending_number);
    else if ((err = crt_record_latest(c, k->tracking_id, pick)) != 0)
        return err;
    return pick[0] ? crt_record_load(c, pick, rec, have_rec) : 0;
}

int
crt_api_find(PGconn *c, const crt_t *self, const cmn_env_msg_t *m,
             const char *number, const char *tracking, const char *proof,
             bool lock, crt_case_t *k, crt_record_t *rec, bool *have_rec,
             bool *found)
{
    int err = s_resolve(c, number, tracking, lock, k, rec, have_rec, found);
    if (err == 0 && *found && !crt_flow_may_see(self, &m->peer, k, proof)) {
        cmn_log_info("case %.64s: not shown to \"%s\"", k->tracking_id,
                     m->peer.name);
        *found = *have_rec = false;
    }
    return err;
}

static int
s_not_found(cmn_api_reply_t *out, const ProtobufCMessageDescriptor *desc,
            const char *what)
{
    return crt_api_problem(out, desc, "not_found",
                           "no certificate \"%.64s\" for this caller (a "
                           "case just accepted may still be on its way; a "
                           "unit gives its proof)",
                           what);
}

/* The status of a record ("valid", "revoked", "issuing"). */
static const char *
s_record_state(const crt_record_t *rec)
{
    return !rec->stored ? "issuing" : rec->revoked ? "revoked" : "valid";
}

static void
s_fill_status(Mlps__V1__CertStatusReply *r, crt_case_t *k, crt_record_t *rec,
              bool have_rec)
{
    crt_content_t *ct = &rec->content;
    r->tracking_id = k->tracking_id;
    r->state =
        (char *) (have_rec ? s_record_state(rec) : crt_state_name(k->state));
    r->level = (uint32_t) (have_rec ? ct->level : k->level);
    r->unit_name = have_rec ? ct->unit_name : k->unit_name;
    r->unit_credit_code = have_rec ? ct->unit_credit_code : k->unit_credit_code;
    r->system_name = have_rec ? ct->system_name : k->system_name;
    r->organ = have_rec ? ct->organ : k->organ;
    bool current = have_rec && (strcmp(rec->number, k->current_number) == 0 ||
                                strcmp(rec->number, k->pending_number) == 0);
    r->note = !have_rec || current ? k->note : "";
    if (!have_rec)
        return;
    r->number = rec->number;
    r->issued_on = ct->issued_on;
    r->key_id = rec->key_id;
    r->alg = rec->alg;
    r->revoked_on = rec->revoked_on;
    r->revoked_reason = rec->reason;
    r->superseded_by = rec->superseded_by;
    r->payload = rec->payload;
}

static int
s_status(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    const crt_t *self = arg;
    const Mlps__V1__CertStatusRequest *req =
        (const Mlps__V1__CertStatusRequest *) m->payload;
    const ProtobufCMessageDescriptor *d =
        &mlps__v1__cert_status_reply__descriptor;
    crt_case_t k;
    crt_record_t rec;
    bool have_rec = false, found = false;
    if ((req->number[0] == '\0') == (req->tracking_id[0] == '\0'))
        return crt_api_problem(out, d, "invalid",
                               "give a number or a tracking_id, not both");
    int err =
        crt_api_find(c, self, m, req->number, req->tracking_id,
                     req->unit_secret, false, &k, &rec, &have_rec, &found);
    if (err != 0)
        return err;
    if (!found)
        return s_not_found(out, d,
                           req->number[0] ? req->number : req->tracking_id);
    Mlps__V1__CertStatusReply r = MLPS__V1__CERT_STATUS_REPLY__INIT;
    s_fill_status(&r, &k, &rec, have_rec);
    return cmn_api_reply(out, d->name, &r.base);
}

/* Renders rec (stored, its payload) as the organ's PDF, by the renderer
 * (mlps-cert-render, a process a print). */
static int
s_render(const crt_t *self, const crt_record_t *rec, uint8_t **pdf, size_t *len,
         char *why, size_t whylen)
{
    crt_content_t ct;
    uint8_t digest[CRT_DIGEST_LEN], sig[CRT_SIGNATURE_LEN];
    int err = crt_payload_parse(rec->payload, &ct, digest, sig, why, whylen);
    if (err != 0)
        return err;
    return crt_render(self->renderer, rec->payload,
                      crt_organ_name(self, ct.organ),
                      (int) self->conf.render_ms, pdf, len, why, whylen);
}

/* The print is audited (and so committed) before the bytes go out. */
static int
s_printed(PGconn *c, const cmn_env_msg_t *m, const crt_record_t *rec)
{
    char who[160];
    cmn_ident_label(&m->peer, who, sizeof who);
    int err = cmn_pg_cmd(c, "BEGIN");
    if (err == 0)
        err = cmn_audit(c, who, "certificate.printed", rec->content.tracking_id,
                        "%s", rec->number);
    if (err == 0)
        err = cmn_pg_cmd(c, "COMMIT");
    cmn_pg_rollback(c);
    return err;
}

static int
s_pdf(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    crt_t *self = arg;
    const Mlps__V1__CertPdfRequest *req =
        (const Mlps__V1__CertPdfRequest *) m->payload;
    const ProtobufCMessageDescriptor *d = &mlps__v1__cert_pdf_reply__descriptor;
    crt_case_t k;
    crt_record_t rec;
    bool have_rec = false, found = false;
    char why[300];
    if (req->number[0] == '\0')
        return crt_api_problem(out, d, "invalid", "number: is required");
    int err = crt_api_find(c, self, m, req->number, "", req->unit_secret, false,
                           &k, &rec, &have_rec, &found);
    if (err != 0)
        return err;
    if (!found || !have_rec)
        return s_not_found(out, d, req->number);
    if (!rec.stored || rec.revoked)
        return crt_api_problem(
            out, d, "conflict", "certificate %s is %s%s%s: not printed",
            rec.number, s_record_state(&rec),
            rec.superseded_by[0] ? ", superseded by " : "", rec.superseded_by);
    Mlps__V1__CertPdfReply r = MLPS__V1__CERT_PDF_REPLY__INIT;
    uint8_t *pdf = NULL;
    size_t len = 0;
    err = s_render(self, &rec, &pdf, &len, why, sizeof why);
    if (err != 0) {
        cmn_log_error("certificate %s: could not render: %s", rec.number, why);
        return crt_api_problem(out, d, "unavailable",
                               "certificate %s could not be rendered: %s",
                               rec.number, why);
    }
    err = s_printed(c, m, &rec);
    r.number = rec.number;
    r.pdf.data = pdf;
    r.pdf.len = len;
    if (err == 0)
        err = cmn_api_reply(out, d->name, &r.base);
    out->kick = err == 0;
    free(pdf);
    return err;
}

static int
s_revocations(PGconn *c, const cmn_env_msg_t *m, void *arg,
              cmn_api_reply_t *out)
{
    (void) m;
    (void) arg;
    const ProtobufCMessageDescriptor *d =
        &mlps__v1__cert_revocations_reply__descriptor;
    int err;
    PGresult *r = cmn_pg_exec(c,
                              "SELECT as_of, entries, body FROM revlists "
                              "ORDER BY id DESC LIMIT 1",
                              0, NULL, &err);
    if (r == NULL)
        return err;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return crt_api_problem(out, d, "unavailable",
                               "no revocation list has been published yet");
    }
    Mlps__V1__CertRevocationsReply rep = MLPS__V1__CERT_REVOCATIONS_REPLY__INIT;
    rep.as_of = PQgetvalue(r, 0, 0);
    rep.entries = (uint32_t) strtoul(PQgetvalue(r, 0, 1), NULL, 10);
    rep.text = PQgetvalue(r, 0, 2);
    err = cmn_api_reply(out, d->name, &rep.base);
    PQclear(r);
    return err;
}

/* Who may ask what (the runtime refuses anyone else before these run; the
 * handlers decide what an allowed caller may see or do): status and the
 * PDF, the unit (its proof, or its own key), a gateway for it, the
 * offices and their staff; revoke and reissue, staff (with the role
 * "registrar", checked in registrar.c); the revocation list, anyone with a
 * key (it holds only numbers, dates and reasons). */
const cmn_api_handler_t crt_api_handlers[] = {
    {"mlps.v1.CertStatusRequest", &mlps__v1__cert_status_request__descriptor,
     s_status, "unit,gateway,office,staff"},
    {"mlps.v1.CertPdfRequest", &mlps__v1__cert_pdf_request__descriptor, s_pdf,
     "unit,gateway,office,staff"},
    {"mlps.v1.CertRevocationsRequest",
     &mlps__v1__cert_revocations_request__descriptor, s_revocations,
     "service:*,office,staff,expert,institution,gateway,unit"},
    {"mlps.v1.CertRevokeRequest", &mlps__v1__cert_revoke_request__descriptor,
     crt_api_revoke, "staff"},
    {"mlps.v1.CertReissueRequest", &mlps__v1__cert_reissue_request__descriptor,
     crt_api_reissue, "staff"},
};

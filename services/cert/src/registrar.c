/* registrar.c - the registrar's requests: revoke a certificate (with a
 * reason code; a second time changes nothing) and reissue one (a new
 * number at the level asked, the old one revoked). Staff with the role
 * "registrar" whose office covers the unit; anyone else is refused
 * ("forbidden"), and a certificate outside the registrar's jurisdiction is
 * answered as one that does not exist. */
#include "cmn/audit.h"
#include "cmn/log.h"
#include "cmn/text.h"
#include "crt/api.h"
#include "crt/flow.h"
#include "crt/issue.h"
#include "crt/revoke.h"
#include "mlps/v1/cert.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_RETRIES  3 /* transactions tried on a deadlock */
#define S_NOTE_MAX 500

/* 0 when the caller may act; else the "forbidden" reply is in out and 1. */
static int
s_registrar(const cmn_env_msg_t *m, const ProtobufCMessageDescriptor *d,
            cmn_api_reply_t *out, int *err)
{
    if (m->peer.kind == CMN_KIND_DEV ||
        cmn_ident_has_role(&m->peer, CRT_REGISTRAR))
        return 0;
    *err = crt_api_problem(out, d, "forbidden",
                           "\"%s\" has no role \"%s\": only a registrar "
                           "revokes or reissues",
                           m->peer.name, CRT_REGISTRAR);
    return 1;
}

/* The certificate a request names, locked with its case: 0 and *ok when
 * it is the case's valid certificate; else the reply is in out. */
static int
s_valid(PGconn *c, const crt_t *self, const cmn_env_msg_t *m,
        const char *number, const ProtobufCMessageDescriptor *d, crt_case_t *k,
        crt_record_t *rec, cmn_api_reply_t *out, bool *ok)
{
    bool have = false, found = false;
    *ok = false;
    int err =
        crt_api_find(c, self, m, number, "", "", true, k, rec, &have, &found);
    if (err != 0)
        return err;
    if (!found || !have)
        return crt_api_problem(out, d, "not_found",
                               "no certificate \"%.64s\" for this caller",
                               number);
    if (!rec->stored)
        return crt_api_problem(out, d, "conflict",
                               "certificate %s is being issued: try again",
                               number);
    if (!rec->revoked && strcmp(k->current_number, number) != 0)
        return crt_api_problem(out, d, "conflict",
                               "certificate %s is not the case's valid one",
                               number);
    *ok = true;
    return 0;
}

static int
s_revoked_reply(cmn_api_reply_t *out, const crt_record_t *rec, bool already,
                const char *as_of)
{
    Mlps__V1__CertRevokeReply r = MLPS__V1__CERT_REVOKE_REPLY__INIT;
    r.number = (char *) rec->number;
    r.revoked_on = (char *) rec->revoked_on;
    r.reason = (char *) rec->reason;
    r.already = already;
    r.revlist_as_of = (char *) as_of;
    return cmn_api_reply(out, mlps__v1__cert_revoke_reply__descriptor.name,
                         &r.base);
}

static int
s_revoke_tx(PGconn *c, crt_t *self, const cmn_env_msg_t *m,
            const Mlps__V1__CertRevokeRequest *req, crt_revoke_reason_t reason,
            cmn_api_reply_t *out)
{
    const ProtobufCMessageDescriptor *d =
        &mlps__v1__cert_revoke_reply__descriptor;
    char as_of[CRT_INSTANT_LEN + 1] = "", who[160];
    crt_case_t k;
    crt_record_t rec;
    bool ok = false;
    int err = cmn_pg_cmd(c, "BEGIN");
    if (err == 0)
        err = s_valid(c, self, m, req->number, d, &k, &rec, out, &ok);
    if (err != 0 || !ok)
        return err;
    if (rec.revoked) /* revoked before: nothing changes */
        return s_revoked_reply(out, &rec, true, "");
    const crt_step_t *step = crt_fsm_step(k.state, CRT_EV_REVOKE);
    if (step->act != CRT_ACT_REVOKE)
        return crt_api_problem(out, d, "conflict", "case %s is %s: %s",
                               k.tracking_id, crt_state_name(k.state),
                               step->why ? step->why : "");
    cmn_ident_label(&m->peer, who, sizeof who);
    err = crt_revoke(c, self, k.tracking_id, rec.number, reason, "", who,
                     req->note, as_of);
    k.state = CRT_ST_REVOKED;
    k.current_number[0] = '\0';
    snprintf(k.note, sizeof k.note, "certificate %s revoked (%s)", rec.number,
             crt_revoke_reason_name(reason));
    if (err == 0)
        err = crt_case_save(c, &k, 0);
    if (err == 0)
        err = cmn_pg_cmd(c, "COMMIT");
    if (err != 0)
        return err;
    dom_date_format(cmn_svc_today(&self->conf.base), rec.revoked_on);
    snprintf(rec.reason, sizeof rec.reason, "%s",
             crt_revoke_reason_name(reason));
    out->kick = true;
    return s_revoked_reply(out, &rec, false, as_of);
}

/* The note is optional text for the record. */
static bool
s_note_ok(const char *note, char *why, size_t whylen)
{
    return cmn_text_check(note, S_NOTE_MAX, CMN_TEXT_CHARS, why, whylen) == 0;
}

int
crt_api_revoke(PGconn *c, const cmn_env_msg_t *m, void *arg,
               cmn_api_reply_t *out)
{
    const Mlps__V1__CertRevokeRequest *req =
        (const Mlps__V1__CertRevokeRequest *) m->payload;
    const ProtobufCMessageDescriptor *d =
        &mlps__v1__cert_revoke_reply__descriptor;
    crt_revoke_reason_t reason;
    char why[120];
    int err = 0;
    if (s_registrar(m, d, out, &err))
        return err;
    if (crt_revoke_reason_parse(req->reason, &reason) != 0 ||
        reason == CRT_REVOKE_SUPERSEDED)
        return crt_api_problem(out, d, "invalid",
                               "reason: must be regraded, withdrawn, fraud or "
                               "decommissioned (superseded comes with a "
                               "reissue), not \"%.40s\"",
                               req->reason);
    if (!s_note_ok(req->note, why, sizeof why))
        return crt_api_problem(out, d, "invalid", "note: %s", why);
    err = CMN_EAGAIN;
    for (int i = 0; i < S_RETRIES && err == CMN_EAGAIN; i++) {
        err = s_revoke_tx(c, arg, m, req, reason, out);
        cmn_pg_rollback(c);
    }
    return err;
}

/* --- reissue ------------------------------------------------------------ */

/* Decides the reissue of req->number in one transaction: the case locked,
 * a number allocated (the caller signs it: its lease is ours) or the case
 * waiting. *moved false when the reply is already in out. */
static int
s_reissue_tx(PGconn *c, crt_t *self, const cmn_env_msg_t *m,
             const Mlps__V1__CertReissueRequest *req, crt_case_t *k,
             cmn_api_reply_t *out, bool *moved)
{
    const ProtobufCMessageDescriptor *d =
        &mlps__v1__cert_reissue_reply__descriptor;
    char who[160];
    crt_record_t rec;
    bool ok = false;
    *moved = false;
    int err = cmn_pg_cmd(c, "BEGIN");
    if (err == 0)
        err = s_valid(c, self, m, req->number, d, k, &rec, out, &ok);
    if (err != 0 || !ok)
        return err;
    const crt_step_t *step = crt_fsm_step(k->state, CRT_EV_REISSUE);
    if (rec.revoked || step->act != CRT_ACT_REISSUE)
        return crt_api_problem(
            out, d, "conflict", "certificate %s cannot be reissued: %s",
            rec.number, rec.revoked ? "it is revoked" : step->why);
    cmn_ident_label(&m->peer, who, sizeof who);
    if (req->level != 0)
        k->level = (int) req->level;
    err = cmn_audit(c, who, "certificate.reissue_requested", k->tracking_id,
                    "%s at level %d%s%.200s", rec.number, k->level,
                    req->note[0] ? ": " : "", req->note);
    if (err == 0)
        err = crt_flow_settle(c, self, k, false, true, CRT_EV_REISSUE, step,
                              who, self->conf.lease_ms);
    if (err == 0)
        err = cmn_pg_cmd(c, "COMMIT");
    *moved = err == 0;
    return err;
}

static int
s_reissue_reply(cmn_api_reply_t *out, const char *old, const crt_case_t *k,
                const char *state)
{
    Mlps__V1__CertReissueReply r = MLPS__V1__CERT_REISSUE_REPLY__INIT;
    r.old_number = (char *) old;
    r.number = (char *) (k->state == CRT_ST_ISSUING ? k->pending_number : "");
    r.level = (uint32_t) k->level;
    r.state = (char *) state;
    r.note = (char *) k->note;
    return cmn_api_reply(out, mlps__v1__cert_reissue_reply__descriptor.name,
                         &r.base);
}

int
crt_api_reissue(PGconn *c, const cmn_env_msg_t *m, void *arg,
                cmn_api_reply_t *out)
{
    crt_t *self = arg;
    const Mlps__V1__CertReissueRequest *req =
        (const Mlps__V1__CertReissueRequest *) m->payload;
    const ProtobufCMessageDescriptor *d =
        &mlps__v1__cert_reissue_reply__descriptor;
    crt_case_t k;
    bool moved = false, stored = false;
    char why[120];
    int err = 0;
    if (s_registrar(m, d, out, &err))
        return err;
    if (req->level != 0 &&
        (req->level < CRT_LEVEL_MIN || req->level > CRT_LEVEL_MAX))
        return crt_api_problem(out, d, "invalid", "level: must be 2 to 5");
    if (!s_note_ok(req->note, why, sizeof why))
        return crt_api_problem(out, d, "invalid", "note: %s", why);
    err = CMN_EAGAIN;
    for (int i = 0; i < S_RETRIES && err == CMN_EAGAIN; i++) {
        err = s_reissue_tx(c, self, m, req, &k, out, &moved);
        cmn_pg_rollback(c);
    }
    if (err != 0 || !moved)
        return err;
    out->kick = true;
    if (k.state != CRT_ST_ISSUING)
        return s_reissue_reply(out, req->number, &k, crt_state_name(k.state));
    /* Signed and stored now; if that fails, the issuer's round does it
     * once the lease runs out. */
    err = crt_issue_claimed(c, self, k.tracking_id, k.pending_number, &stored,
                            NULL);
    if (err != 0)
        cmn_log_warn("case %s: certificate %s left to the issuer: %s",
                     k.tracking_id, k.pending_number, cmn_strerror(err));
    return s_reissue_reply(out, req->number, &k, stored ? "valid" : "issuing");
}

/* flow.c - the issuance rule and settling a case (flow.h). */
#include "crt/flow.h"
#include "cmn/audit.h"
#include "cmn/db.h"
#include "cmn/log.h"
#include "cmn/secret.h"
#include "crt/number.h"
#include "crt/revoke.h"
#include "dom/verdict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
crt_flow_rule(PGconn *c, const crt_t *self, const crt_case_t *k, bool *ok,
              char *note, size_t len)
{
    const char *p[1] = {k->tracking_id};
    int err;
    *ok = !self->needs_evaluation[k->level];
    note[0] = '\0';
    if (*ok)
        return 0;
    PGresult *r = cmn_pg_exec(c,
                              "SELECT level, verdict, report_date::text FROM "
                              "evaluations WHERE tracking_id = $1 ORDER BY "
                              "version DESC LIMIT 1",
                              1, p, &err);
    if (r == NULL)
        return err;
    if (PQntuples(r) == 0) {
        snprintf(note, len,
                 "level %d needs an evaluation report that is not poor "
                 "first; none has come",
                 k->level);
    } else if (atoi(PQgetvalue(r, 0, 0)) != k->level) {
        snprintf(note, len,
                 "the latest evaluation report (%s) evaluated level %s; the "
                 "case is level %d",
                 PQgetvalue(r, 0, 2), PQgetvalue(r, 0, 0), k->level);
    } else if (strcmp(PQgetvalue(r, 0, 1), "poor") == 0) {
        snprintf(note, len,
                 "the latest evaluation report (%s) is poor (差): it waits "
                 "for the re-evaluation after rectification",
                 PQgetvalue(r, 0, 2));
    } else {
        *ok = true;
    }
    PQclear(r);
    return 0;
}

/* The level of the case's valid certificate, or 0. */
static int
s_current_level(PGconn *c, const crt_case_t *k, int *level)
{
    crt_record_t rec;
    bool found = false;
    *level = 0;
    if (k->state != CRT_ST_ISSUED || k->current_number[0] == '\0')
        return 0;
    int err = crt_record_load(c, k->current_number, &rec, &found);
    if (err == 0 && found)
        *level = rec.content.level;
    return err;
}

/* Issue now: a number, the case issuing, the valid certificate (if any)
 * revoked as superseded by the new one. */
static int
s_issue(PGconn *c, crt_t *self, crt_case_t *k, const char *who)
{
    char number[CRT_NUMBER_MAX + 1], today[DOM_DATE_BUFSZ];
    char as_of[CRT_INSTANT_LEN + 1];
    dom_date_format(cmn_svc_today(&self->conf.base), today);
    int err = crt_number_allocate(c, self, k, today, who, number);
    if (err == 0)
        err = cmn_audit(c, who, "number.allocated", k->tracking_id,
                        "%s level %d", number, k->level);
    if (err == 0 && k->current_number[0] != '\0') {
        err = crt_revoke(c, self, k->tracking_id, k->current_number,
                         CRT_REVOKE_SUPERSEDED, number, who, "", as_of);
        if (err == 0)
            err = cmn_audit(c, who, "certificate.reissued", k->tracking_id,
                            "%s -> %s level %d", k->current_number, number,
                            k->level);
    }
    if (err != 0)
        return err;
    cmn_log_info("case %s: number %s allocated (level %d)", k->tracking_id,
                 number, k->level);
    k->current_number[0] = '\0';
    snprintf(k->pending_number, sizeof k->pending_number, "%s", number);
    k->state = CRT_ST_ISSUING;
    k->note[0] = '\0';
    return 0;
}

/* Wait: the note says for what; a valid certificate is revoked as
 * regraded (it no longer says the level the case has). */
static int
s_wait(PGconn *c, crt_t *self, crt_case_t *k, const char *who, const char *note)
{
    char as_of[CRT_INSTANT_LEN + 1];
    int err = 0;
    if (k->current_number[0] != '\0')
        err = crt_revoke(c, self, k->tracking_id, k->current_number,
                         CRT_REVOKE_REGRADED, "", who, note, as_of);
    if (err == 0)
        err = cmn_audit(c, who, "certificate.waiting", k->tracking_id, "%s",
                        note);
    if (err != 0)
        return err;
    cmn_log_info("case %s waits: %s", k->tracking_id, note);
    k->current_number[0] = '\0';
    k->state = CRT_ST_WAITING;
    snprintf(k->note, sizeof k->note, "%s", note);
    return 0;
}

int
crt_flow_settle(PGconn *c, crt_t *self, crt_case_t *k, bool insert, bool force,
                crt_event_t ev, const crt_step_t *step, const char *who,
                long lease_ms)
{
    char note[sizeof k->note];
    bool ok = false;
    int level = 0;
    int err = s_current_level(c, k, &level);
    if (err == 0 && level == k->level && !force) {
        snprintf(k->note, sizeof k->note, "the certificate %s stands",
                 k->current_number);
        err = cmn_audit(c, who, "certificate.stands", k->tracking_id, "%s",
                        k->current_number);
    } else if (err == 0) {
        err = crt_flow_rule(c, self, k, &ok, note, sizeof note);
        if (err == 0)
            err = ok ? s_issue(c, self, k, who) : s_wait(c, self, k, who, note);
    }
    if (err == 0 && !crt_fsm_allows(step, k->state)) {
        cmn_log_error("case %s: %s led to \"%s\", which the table does not "
                      "allow",
                      k->tracking_id, crt_event_name(ev),
                      crt_state_name(k->state));
        err = CMN_EINVAL;
    }
    if (err == 0)
        err = insert ? crt_case_insert(c, k)
                     : crt_case_save(c, k,
                                     k->state == CRT_ST_ISSUING ? lease_ms : 0);
    return err;
}

bool
crt_flow_may_see(const crt_t *self, const cmn_ident_t *caller,
                 const crt_case_t *k, const char *proof)
{
    if (caller->kind == CMN_KIND_DEV)
        return true;
    if (cmn_proof_matches(proof, k->unit_secret_sha256))
        return true;
    if (caller->kind == CMN_KIND_UNIT)
        return strncmp(caller->name, "unit:", 5) == 0 &&
               strcmp(caller->name + 5, k->unit_credit_code) == 0;
    if (caller->kind != CMN_KIND_OFFICE && caller->kind != CMN_KIND_STAFF)
        return false;
    return cmn_svc_covers(self->svc, caller, k->region_code);
}

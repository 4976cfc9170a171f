/* issue.c - signing and storing allocated numbers (issue.h): the lease,
 * the store transaction, the issuer's round, the revocation list on file,
 * the test switch. */
#include "crt/issue.h"
#include "cmn/audit.h"
#include "cmn/db.h"
#include "cmn/file.h"
#include "cmn/log.h"
#include "crt/store.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define S_ROUND 100 /* cases one round signs at most */

static const char *const s_steps[] = {"", "allocated", "signed", "stored"};

const char *
crt_step_name(crt_step_id_t step)
{
    return (unsigned) step <= CRT_STEP_STORED ? s_steps[step] : "";
}

int
crt_step_parse(const char *name, crt_step_id_t *out)
{
    for (int i = CRT_STEP_ALLOCATED; i <= CRT_STEP_STORED; i++)
        if (strcmp(name, s_steps[i]) == 0) {
            *out = (crt_step_id_t) i;
            return 0;
        }
    return CMN_EINVAL;
}

int
crt_fault(crt_t *self, crt_step_id_t step)
{
    if (self->fail_step == CRT_STEP_NONE || self->fail_step != step)
        return 0;
    unsigned n = atomic_fetch_add(&self->fail_seen, 1) + 1;
    if (n % (unsigned) self->conf.fail_every != 0)
        return 0;
    if (self->fail_kill) {
        cmn_log_warn("cert.fail-at: killed at step \"%s\" (time %u)",
                     crt_step_name(step), n);
        kill(getpid(), SIGKILL);
    }
    cmn_log_warn("cert.fail-at: failing at step \"%s\" (time %u)",
                 crt_step_name(step), n);
    return CMN_EIO;
}

/* Signs the fields number was allocated with into payload. */
static int
s_sign(PGconn *c, crt_t *self, const char *number, char *payload, char *who,
       size_t wholen)
{
    crt_record_t rec;
    bool found = false;
    char why[300];
    int err = crt_record_load(c, number, &rec, &found);
    if (err != 0)
        return err;
    if (!found) {
        cmn_log_error("number %s: allocated, but not in cert.numbers", number);
        return CMN_EDB;
    }
    snprintf(who, wholen, "%s", rec.allocated_by);
    if (crt_sign(self->key, &rec.content, payload, CRT_PAYLOAD_MAX, why,
                 sizeof why) != 0) {
        cmn_log_error("number %s: could not sign: %s", number, why);
        return CMN_EIO;
    }
    return 0;
}

/* The store transaction: the certificate, the case issued, the audit. */
static int
s_store(PGconn *c, crt_t *self, const char *tracking_id, const char *number,
        const char *payload, const char *who, bool *stored)
{
    crt_case_t k;
    bool found = false;
    int err = cmn_pg_cmd(c, "BEGIN");
    if (err == 0)
        err = crt_case_load(c, tracking_id, true, &k, &found);
    if (err != 0)
        return err;
    const crt_step_t *step =
        crt_fsm_step(found ? k.state : CRT_ST_NONE, CRT_EV_STORED);
    if (step->act != CRT_ACT_STORE || strcmp(k.pending_number, number) != 0) {
        cmn_log_info("case %s: number %s not stored here: %s", tracking_id,
                     number, step->why ? step->why : "the case moved on");
        return cmn_pg_cmd(c, "ROLLBACK");
    }
    const char *p[5] = {number, tracking_id, crt_key_id(self->key),
                        crt_key_alg(self->key), payload};
    PGresult *r = cmn_pg_exec(c,
                              "INSERT INTO certificates (number, tracking_id, "
                              "key_id, alg, payload) VALUES ($1, $2, $3, $4, "
                              "$5)",
                              5, p, &err);
    if (r == NULL)
        return err;
    PQclear(r);
    k.state = CRT_ST_ISSUED;
    snprintf(k.current_number, sizeof k.current_number, "%s", number);
    k.pending_number[0] = k.note[0] = '\0';
    err = crt_case_save(c, &k, 0);
    if (err == 0)
        err = cmn_audit(c, who, "certificate.issued", tracking_id,
                        "%s level %d key %s %s", number, k.level, p[2], p[3]);
    if (err == 0)
        err = cmn_pg_cmd(c, "COMMIT");
    *stored = err == 0;
    return err;
}

int
crt_issue_claimed(PGconn *c, crt_t *self, const char *tracking_id,
                  const char *number, bool *stored, char *payload)
{
    char signed_payload[CRT_PAYLOAD_MAX], who[CMN_IDENT_MAX + 1];
    *stored = false;
    int err = crt_fault(self, CRT_STEP_ALLOCATED);
    if (err == 0)
        err = s_sign(c, self, number, signed_payload, who, sizeof who);
    if (err == 0)
        err = crt_fault(self, CRT_STEP_SIGNED);
    if (err == 0)
        err =
            s_store(c, self, tracking_id, number, signed_payload, who, stored);
    cmn_pg_rollback(c);
    if (err == 0 && *stored) {
        cmn_log_info("case %s: certificate %s issued", tracking_id, number);
        err = crt_fault(self, CRT_STEP_STORED);
    }
    if (payload != NULL)
        snprintf(payload, CRT_PAYLOAD_MAX, "%s",
                 err == 0 ? signed_payload : "");
    return err;
}

/* Claims the next case left issuing (autocommit): *tracking "" for none. */
static int
s_claim(PGconn *c, const crt_t *self, char tracking[CRT_TRACKING_MAX + 1],
        char number[CRT_NUMBER_MAX + 1])
{
    char lease[24];
    snprintf(lease, sizeof lease, "%ld", self->conf.lease_ms);
    const char *p[1] = {lease};
    int err;
    tracking[0] = number[0] = '\0';
    PGresult *r = cmn_pg_exec(
        c,
        "UPDATE cases SET lease_until = now() + $1::bigint * interval "
        "'1 millisecond' WHERE tracking_id = (SELECT tracking_id FROM cases "
        "WHERE state = 'issuing' AND (lease_until IS NULL OR lease_until < "
        "now()) ORDER BY updated_at LIMIT 1 FOR UPDATE SKIP LOCKED) "
        "RETURNING tracking_id, pending_number",
        1, p, &err);
    if (r == NULL)
        return err;
    if (PQntuples(r) == 1) {
        snprintf(tracking, CRT_TRACKING_MAX + 1, "%s", PQgetvalue(r, 0, 0));
        snprintf(number, CRT_NUMBER_MAX + 1, "%s", PQgetvalue(r, 0, 1));
    }
    PQclear(r);
    return 0;
}

/* The latest list to cert.revlist-file, when it is newer than the one
 * written. */
static int
s_write_revlist(PGconn *c, crt_t *self)
{
    char why[300];
    int err;
    if (self->conf.revlist_file[0] == '\0')
        return 0;
    PGresult *r = cmn_pg_exec(c,
                              "SELECT id, body FROM revlists ORDER BY id "
                              "DESC LIMIT 1",
                              0, NULL, &err);
    if (r == NULL)
        return err;
    long long id = PQntuples(r) ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
    if (id != 0 && id != self->revlist_written) {
        err = cmn_file_write_atomic(
            self->conf.revlist_file, PQgetvalue(r, 0, 1),
            (size_t) PQgetlength(r, 0, 1), 0644, why, sizeof why);
        if (err == 0)
            self->revlist_written = id;
        else
            cmn_log_error("\"cert.revlist-file\": %s", why);
    }
    PQclear(r);
    return err;
}

int
crt_issue_work(PGconn *c, void *arg)
{
    crt_t *self = arg;
    char tracking[CRT_TRACKING_MAX + 1], number[CRT_NUMBER_MAX + 1];
    int err = 0, first = 0;
    for (int i = 0; i < S_ROUND; i++) {
        bool stored = false;
        err = s_claim(c, self, tracking, number);
        if (err != 0 || tracking[0] == '\0')
            break;
        err = crt_issue_claimed(c, self, tracking, number, &stored, NULL);
        if (err != 0 && first == 0)
            first = err; /* the lease runs out; a later round tries again */
    }
    if (err == 0)
        err = first;
    int w = s_write_revlist(c, self);
    return err != 0 ? err : w;
}

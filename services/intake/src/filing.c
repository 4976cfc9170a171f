/* filing.c - taking a filing in (see filing.h). */
#include "itk/filing.h"
#include "cmn/audit.h"
#include "cmn/log.h"
#include "cmn/outbox.h"
#include "cmn/pb.h"
#include "cmn/pgarray.h"
#include "mlps/v1/workflow.pb-c.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
itk_filing_check_filer(const itk_t *self, const cmn_env_msg_t *m,
                       const Mlps__V1__Filing *f, cmn_problem_t *errs)
{
    const cmn_ident_t *who = &m->peer;
    const dom_hierarchy_t *h = cmn_svc_hierarchy(self->svc);
    const char *office = self->conf.base.office;
    const char *region = f->unit->region_code;
    if (who->kind == CMN_KIND_UNIT &&
        (strncmp(who->name, "unit:", 5) != 0 ||
         strcmp(who->name + 5, f->unit->credit_code) != 0))
        cmn_problem_add(errs, "unit.credit_code",
                        "\"%s\" files only its own systems", who->name);
    if (h != NULL) {
        const dom_office_t *there = dom_hierarchy_office_of(h, region);
        if (there == NULL)
            cmn_problem_add(errs, "unit.region_code",
                            "%s is in no office's jurisdiction of this "
                            "region",
                            region);
        else if (strcmp(there->code, office) != 0)
            cmn_problem_add(errs, "unit.region_code",
                            "%s is not in the jurisdiction of office %s: "
                            "its units file at %s (%s)",
                            region, office, there->code, there->name);
    }
    if ((who->kind == CMN_KIND_OFFICE || who->kind == CMN_KIND_STAFF) &&
        !cmn_svc_covers(self->svc, who, region))
        cmn_problem_add(errs, "unit.region_code",
                        "\"%s\" of office %s does not cover region %s",
                        who->name, who->office, region);
}

int
itk_filing_log_stage(PGconn *c, const itk_t *self, const char *tracking,
                     const char *state)
{
    char at[24];
    snprintf(at, sizeof at, "%" PRId64, cmn_svc_now_us(&self->conf.base));
    const char *p[3] = {tracking, state, at};
    int err;
    PGresult *r = cmn_pg_exec(c,
                              "INSERT INTO filing_states (tracking_id, "
                              "state, at_us) VALUES ($1, $2, $3)",
                              3, p, &err);
    PQclear(r);
    return err;
}

int
itk_filing_stage(PGconn *c, const itk_t *self, const char *tracking,
                 const char *state, const char *outcome, unsigned level,
                 const char *on)
{
    char lv[12];
    snprintf(lv, sizeof lv, "%u", level);
    const char *p[5] = {tracking, state, outcome, lv, self->conf.base.office};
    int err;
    /* The district's next version, when a district took the filing in. */
    PGresult *r = cmn_pg_exec(
        c,
        "UPDATE filings SET state = $2, outcome = $3, level = CASE WHEN "
        "$4::int > 0 THEN $4::int ELSE level END, district_version = "
        "district_version + CASE WHEN district <> $5 THEN 1 ELSE 0 END "
        "WHERE tracking_id = $1 RETURNING district, district_version, level",
        5, p, &err);
    if (r == NULL)
        return err;
    if (PQntuples(r) != 1) {
        PQclear(r);
        return CMN_ENOENT;
    }
    char district[8], dest[41];
    snprintf(district, sizeof district, "%s", PQgetvalue(r, 0, 0));
    uint64_t version = strtoull(PQgetvalue(r, 0, 1), NULL, 10);
    unsigned now_level = (unsigned) atoi(PQgetvalue(r, 0, 2));
    PQclear(r);
    err = itk_filing_log_stage(c, self, tracking, state);
    if (err != 0 || strcmp(district, self->conf.base.office) == 0)
        return err;
    Mlps__V1__CaseUpdate u = MLPS__V1__CASE_UPDATE__INIT;
    u.tracking_id = (char *) tracking;
    u.state = (char *) state;
    u.outcome = (char *) outcome;
    u.level = now_level;
    u.on = (char *) on;
    snprintf(dest, sizeof dest, "intake@%s", district);
    return cmn_outbox_put_pb(c, dest, tracking, version, &u.base);
}

/* FilingReceived (case version 1) for review. */
static int
s_received(PGconn *c, const char *tracking, const char *district,
           const char *received_on, const Mlps__V1__Filing *f,
           const char *proof_sha256)
{
    Mlps__V1__FilingReceived fr = MLPS__V1__FILING_RECEIVED__INIT;
    fr.tracking_id = (char *) tracking;
    fr.office = (char *) district;
    fr.received_on = (char *) received_on;
    fr.filing = (Mlps__V1__Filing *) f;
    fr.unit_secret_sha256 = (char *) proof_sha256;
    return cmn_outbox_put_pb(c, ITK_REVIEW_DEST, tracking, 1, &fr.base);
}

/* At the municipal office: another filing of the same system, from any
 * district, makes this one a possible duplicate. */
static int
s_twin(PGconn *c, const itk_t *self, const itk_new_filing_t *n,
       itk_known_t *twin, int *found)
{
    *found = 0;
    if (self->role != ITK_ROLE_MUNICIPAL)
        return 0;
    return itk_store_by_system(c, n->system_key, NULL, twin, found);
}

int
itk_filing_new(PGconn *c, const itk_t *self, itk_new_filing_t *n,
               const char *actor, char tracking[64], int *inserted, int *held)
{
    itk_known_t twin;
    int twins = 0, err = s_twin(c, self, n, &twin, &twins);
    *held = twins && (n->tracking_id == NULL ||
                      strcmp(twin.tracking_id, n->tracking_id) != 0);
    n->state = *held ? "held" : "received";
    if (err == 0)
        err = itk_store_insert(c, self, n, tracking, inserted);
    if (err != 0 || !*inserted)
        return err;
    if (*held) {
        const char *p[2] = {tracking, twin.tracking_id};
        PGresult *r = cmn_pg_exec(c,
                                  "INSERT INTO duplicates (tracking_id, "
                                  "other_tracking_id) VALUES ($1, $2)",
                                  2, p, &err);
        PQclear(r);
        if (err == 0)
            err = cmn_audit(c, actor, "filing.held", tracking,
                            "possible duplicate of %s (the same system of "
                            "unit %s)",
                            twin.tracking_id, n->filing->unit->credit_code);
        if (err == 0)
            err = itk_filing_log_stage(c, self, tracking, "held");
        if (err == 0)
            cmn_log_warn("filing %s held: the same system as %s", tracking,
                         twin.tracking_id);
        return err;
    }
    if (self->role == ITK_ROLE_MUNICIPAL)
        err = s_received(c, tracking, n->district, n->received_on, n->filing,
                         n->proof_sha256);
    if (err == 0 && self->role == ITK_ROLE_MUNICIPAL)
        err = itk_filing_log_stage(c, self, tracking, "filed");
    if (err == 0)
        err = cmn_audit(c, actor, "filing.received", tracking,
                        "accepted (unit %s, level %u)",
                        n->filing->unit->credit_code,
                        n->filing->grading->final_level);
    return err;
}

/* The municipal office's FilingReceived of each new filing, its "filed"
 * stage, and the audit events of all, for itk_filing_new_many: ns[i] whose
 * tracking[i] is set. */
static int
s_received_many(PGconn *c, const itk_t *self, const itk_new_filing_t *ns,
                size_t n, const char *actor, char (*tracking)[64])
{
    bool municipal = self->role == ITK_ROLE_MUNICIPAL;
    cmn_outmsg_t *msgs = calloc(n + 1, sizeof *msgs);
    cmn_audit_t *evs = calloc(n + 1, sizeof *evs);
    char(*outcome)[96] = calloc(n + 1, sizeof *outcome);
    cmn_pgarray_t filed = CMN_PGARRAY_INIT;
    int err = msgs && evs && outcome ? 0 : CMN_ENOMEM;
    size_t m = 0;
    for (size_t i = 0; err == 0 && i < n; i++) {
        if (tracking[i][0] == '\0')
            continue;
        const Mlps__V1__Filing *f = ns[i].filing;
        if (municipal) {
            Mlps__V1__FilingReceived fr = MLPS__V1__FILING_RECEIVED__INIT;
            fr.tracking_id = tracking[i];
            fr.office = (char *) ns[i].district;
            fr.received_on = (char *) ns[i].received_on;
            fr.filing = (Mlps__V1__Filing *) f;
            fr.unit_secret_sha256 = (char *) ns[i].proof_sha256;
            uint8_t *buf = NULL;
            size_t len = 0;
            err = cmn_pb_pack(&fr.base, &buf, &len);
            msgs[m] = (cmn_outmsg_t){.dest = ITK_REVIEW_DEST,
                                     .type = fr.base.descriptor->name,
                                     .correlation_id = tracking[i],
                                     .case_version = 1,
                                     .payload = buf,
                                     .payload_len = len};
            if (err == 0)
                err = cmn_pgarray_add(&filed, tracking[i]);
        }
        snprintf(outcome[m], sizeof outcome[m], "accepted (unit %s, level %u)",
                 f->unit->credit_code, f->grading->final_level);
        evs[m] = (cmn_audit_t){.actor = actor,
                               .action = "filing.received",
                               .case_id = tracking[i],
                               .outcome = outcome[m]};
        m++;
    }
    if (err == 0 && municipal)
        err = cmn_outbox_put_many(c, msgs, m);
    char at[24];
    snprintf(at, sizeof at, "%" PRId64, cmn_svc_now_us(&self->conf.base));
    const char *p[2] = {cmn_pgarray_text(&filed), at};
    if (err == 0 && filed.count > 0)
        PQclear(cmn_pg_exec(c,
                            "INSERT INTO filing_states (tracking_id, state, "
                            "at_us) SELECT t, 'filed', $2 FROM "
                            "unnest($1::text[]) WITH ORDINALITY AS u(t, i) "
                            "ORDER BY i",
                            2, p, &err));
    if (err == 0)
        err = cmn_audit_emit_many(c, evs, m);
    for (size_t i = 0; msgs != NULL && i < m; i++)
        free((void *) msgs[i].payload);
    cmn_pgarray_release(&filed);
    free(msgs);
    free(evs);
    free(outcome);
    return err;
}

int
itk_filing_new_many(PGconn *c, const itk_t *self, itk_new_filing_t *ns,
                    size_t n, const char *actor, char (*tracking)[64])
{
    for (size_t i = 0; i < n; i++)
        ns[i].state = "received";
    int err = itk_store_insert_many(c, self, ns, n, tracking);
    return err ? err : s_received_many(c, self, ns, n, actor, tracking);
}

int
itk_filing_revise(PGconn *c, const itk_t *self, const itk_known_t *known,
                  const Mlps__V1__Filing *f, const char *digest, int revision,
                  const char *system_key, const char *received_on,
                  const char *actor)
{
    int err = itk_store_revise(c, known->tracking_id, f, digest, revision,
                               system_key);
    if (err == 0 && self->role == ITK_ROLE_MUNICIPAL &&
        strcmp(known->state, "held") != 0) {
        uint64_t version = 0;
        Mlps__V1__FilingRevised fr = MLPS__V1__FILING_REVISED__INIT;
        fr.tracking_id = (char *) known->tracking_id;
        fr.revision = (uint32_t) revision;
        fr.received_on = (char *) received_on;
        fr.filing = (Mlps__V1__Filing *) f;
        err = cmn_pg_bump(c, "filings", "case_version", "tracking_id",
                          known->tracking_id, &version);
        if (err == 0)
            err = cmn_outbox_put_pb(c, ITK_REVIEW_DEST, known->tracking_id,
                                    version, &fr.base);
    }
    if (err == 0)
        err = cmn_audit(c, actor, "filing.revised", known->tracking_id,
                        "revision %d", revision);
    return err;
}

int
itk_filing_to_review(PGconn *c, const itk_t *self, const char *tracking)
{
    (void) self;
    const char *p[1] = {tracking};
    int err;
    PGresult *r = cmn_pg_exec(c,
                              "SELECT district, received_on, filing, "
                              "unit_secret_sha256 FROM filings WHERE "
                              "tracking_id = $1",
                              1, p, &err);
    if (r == NULL)
        return err;
    if (PQntuples(r) != 1) {
        PQclear(r);
        return CMN_ENOENT;
    }
    size_t len = 0;
    unsigned char *raw =
        PQunescapeBytea((const unsigned char *) PQgetvalue(r, 0, 2), &len);
    Mlps__V1__Filing *f = raw ? mlps__v1__filing__unpack(NULL, len, raw) : NULL;
    err = f == NULL ? CMN_EDB
                    : s_received(c, tracking, PQgetvalue(r, 0, 0),
                                 PQgetvalue(r, 0, 1), f, PQgetvalue(r, 0, 3));
    mlps__v1__filing__free_unpacked(f, NULL);
    PQfreemem(raw);
    PQclear(r);
    return err;
}

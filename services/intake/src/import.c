/* import.c - a batch import of an office's electronic data (mlpsctl batch
 * import): each record checked as a submission is, then classified against
 * what this office holds (DHIS2's import summary): imported (new), updated
 * (the same system, changed: a new revision), ignored (the same record
 * again) or rejected (each bad field named). One request is one
 * transaction: all of its records, or (a database error) none. A dry run
 * classifies and stores nothing. */
#include "cmn/log.h"
#include "cmn/problem.h"
#include "cmn/secret.h"
#include "itk/api.h"
#include "itk/filing.h"
#include "itk/store.h"
#include "itk/validate.h"
#include "mlps/v1/api.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_MAX_RECORDS 500

/* One record's result, with the storage its reply points into. */
typedef struct {
    Mlps__V1__ImportResult res;
    char tracking[64], proof[CMN_PROOF_LEN + 1];
    cmn_problem_t errs;
} s_row_t;

/* A new record: stored with its unit's proof. */
static int
s_imported(PGconn *c, itk_t *self, const char *actor, const char *day,
           const Mlps__V1__Filing *f, const char *digest, const char *key,
           s_row_t *row)
{
    char hash[65];
    int inserted = 0, held = 0, err = cmn_proof_new(row->proof);
    if (err == 0)
        err = cmn_proof_hash(row->proof, hash);
    itk_new_filing_t n = {.filing = f,
                          .digest = digest,
                          .received_on = day,
                          .proof_sha256 = hash,
                          .district = self->conf.base.office,
                          .revision = 1,
                          .system_key = key};
    if (err == 0)
        err =
            itk_filing_new(c, self, &n, actor, row->tracking, &inserted, &held);
    if (err == 0 && !inserted) /* a twin record earlier in this file */
        return itk_store_find(c, self->conf.base.office, digest, row->tracking,
                              &inserted);
    row->res.status = "imported";
    row->res.unit_secret = row->proof;
    return err;
}

/* Classifies and (unless a dry run) applies one valid record. */
static int
s_record(PGconn *c, itk_t *self, const char *actor, const char *day,
         const Mlps__V1__Filing *f, bool dry, s_row_t *row)
{
    char digest[65], key[ITK_SYSTEM_KEY_MAX];
    itk_known_t known;
    int found = 0, err = itk_digest(&f->base, "filing", digest);
    if (err == 0)
        err = itk_system_key(f, key);
    if (err == 0)
        err = itk_store_find(c, self->conf.base.office, digest, row->tracking,
                             &found);
    if (err != 0 || found) {
        row->res.status = "ignored";
        return err;
    }
    err = itk_store_by_system(c, key, self->conf.base.office, &known, &found);
    if (err != 0)
        return err;
    if (found && strcmp(known.digest, digest) == 0) {
        /* The same content after all (it came in after the lookup by
         * content; the system's lock orders the two): no new revision. */
        snprintf(row->tracking, sizeof row->tracking, "%s", known.tracking_id);
        row->res.status = "ignored";
        return 0;
    }
    if (found) {
        snprintf(row->tracking, sizeof row->tracking, "%s", known.tracking_id);
        row->res.status = "updated";
        return dry ? 0
                   : itk_filing_revise(c, self, &known, f, digest,
                                       known.revision + 1, key, day, actor);
    }
    if (dry) {
        row->res.status = "imported";
        return 0;
    }
    return s_imported(c, self, actor, day, f, digest, key, row);
}

/* Checks a record as a submission is checked; errors go in row->errs. */
static void
s_check(itk_t *self, const cmn_env_msg_t *m, const Mlps__V1__ImportRecord *rec,
        dom_date_t today, s_row_t *row)
{
    cmn_problem_init(&row->errs);
    if (rec->filing == NULL)
        cmn_problem_add(&row->errs, "filing", "is required");
    else if (itk_validate_filing(rec->filing, today, &row->errs) == 0)
        itk_filing_check_filer(self, m, rec->filing, &row->errs);
}

static int
s_fill(PGconn *c, itk_t *self, const cmn_env_msg_t *m,
       const Mlps__V1__ImportRequest *req, s_row_t *rows,
       Mlps__V1__ImportReply *rep)
{
    char actor[160], day[DOM_DATE_BUFSZ];
    dom_date_t today = cmn_svc_today(&self->conf.base);
    dom_date_format(today, day);
    cmn_ident_label(&m->peer, actor, sizeof actor);
    /* Every system of the request locked first, in one order (see
     * itk_store_lock_systems): an import running at once with this one
     * (a retry after a timeout, a second operator) waits for it, and then
     * finds its records; the two never wait for each other in a cycle. */
    const Mlps__V1__Filing **fs = calloc(req->n_records + 1, sizeof *fs);
    int err = fs ? 0 : CMN_ENOMEM;
    for (size_t i = 0; err == 0 && i < req->n_records; i++)
        fs[i] = req->records[i]->filing;
    if (err == 0)
        err = itk_store_lock_systems(c, fs, NULL, req->n_records);
    free(fs);
    for (size_t i = 0; err == 0 && i < req->n_records; i++) {
        const Mlps__V1__ImportRecord *rec = req->records[i];
        s_row_t *row = &rows[i];
        mlps__v1__import_result__init(&row->res);
        row->res.line = rec->line;
        s_check(self, m, rec, today, row);
        if (row->errs.count > 0) {
            row->res.status = "rejected";
            Mlps__V1__Problem *p = cmn_problem_pb(&row->errs, "invalid", "x");
            row->res.n_errors = p->n_errors;
            row->res.errors = p->errors;
            rep->rejected++;
            continue;
        }
        err = s_record(c, self, actor, day, rec->filing, req->dry_run, row);
        row->res.tracking_id = row->tracking;
        const char *st = row->res.status;
        rep->imported += strcmp(st, "imported") == 0;
        rep->updated += strcmp(st, "updated") == 0;
        rep->ignored += strcmp(st, "ignored") == 0;
    }
    return err;
}

int
itk_import(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    itk_t *self = arg;
    const Mlps__V1__ImportRequest *req =
        (const Mlps__V1__ImportRequest *) m->payload;
    Mlps__V1__ImportReply rep = MLPS__V1__IMPORT_REPLY__INIT;
    Mlps__V1__Problem prob;
    if (req->n_records > S_MAX_RECORDS) {
        char msg[120];
        snprintf(msg, sizeof msg, "at most %d records a request, not %zu",
                 S_MAX_RECORDS, req->n_records);
        cmn_problem_simple(&prob, "invalid", msg);
        rep.problem = &prob;
        return cmn_api_reply(out, mlps__v1__import_reply__descriptor.name,
                             &rep.base);
    }
    s_row_t *rows = calloc(req->n_records + 1, sizeof *rows);
    Mlps__V1__ImportResult **res = calloc(req->n_records + 1, sizeof *res);
    int err = rows && res ? cmn_pg_cmd(c, "BEGIN") : CMN_ENOMEM;
    if (err == 0)
        err = s_fill(c, self, m, req, rows, &rep);
    if (err == 0)
        err = cmn_pg_cmd(c, req->dry_run ? "ROLLBACK" : "COMMIT");
    for (size_t i = 0; err == 0 && i < req->n_records; i++) {
        if (req->dry_run)
            rows[i].res.unit_secret = "";
        res[i] = &rows[i].res;
    }
    if (err == 0) {
        rep.n_results = req->n_records;
        rep.results = res;
        out->kick = !req->dry_run && rep.imported + rep.updated > 0;
        cmn_log_info("import%s: %zu records, %u imported, %u updated, %u "
                     "ignored, %u rejected",
                     req->dry_run ? " (dry run)" : "", req->n_records,
                     rep.imported, rep.updated, rep.ignored, rep.rejected);
        err = cmn_api_reply(out, mlps__v1__import_reply__descriptor.name,
                            &rep.base);
    }
    for (size_t i = 0; rows != NULL && i < req->n_records; i++)
        memset(rows[i].proof, 0, sizeof rows[i].proof);
    free(rows);
    free(res);
    return err;
}

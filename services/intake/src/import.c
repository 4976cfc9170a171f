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
    bool valid; /* checked: digest and key are set */
    char digest[65], key[ITK_SYSTEM_KEY_MAX];
} s_row_t;

/* The request's records as a batch: what the office holds of each valid
 * record's content and system (one lookup), and the run of new records
 * not yet stored (stored in a few statements, not a few each). */
typedef struct {
    PGconn *c;
    itk_t *self;
    const char *actor, *day;
    bool dry;
    s_row_t *rows;
    const Mlps__V1__ImportRecord *const *recs;
    size_t n;
    itk_lookup_t *held; /* what the office holds of each valid record */
    size_t *run;        /* indexes of new records not yet stored */
    size_t nrun;
} s_batch_t;

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
    row->res.status = "imported";
    if (err == 0 && !inserted) { /* a twin record earlier in this file */
        row->res.status = "ignored";
        return itk_store_find(c, self->conf.base.office, digest, row->tracking,
                              &inserted);
    }
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

/* Stores the run of new records in a few statements for them all
 * (itk_filing_new_many); as s_imported does each. */
static int
s_flush(s_batch_t *b)
{
    size_t n = b->nrun;
    b->nrun = 0;
    if (n == 0 || b->dry)
        return 0;
    itk_new_filing_t *ns = calloc(n, sizeof *ns);
    char(*hash)[65] = calloc(n, sizeof *hash);
    char(*tracking)[64] = calloc(n, sizeof *tracking);
    int err = ns && hash && tracking ? 0 : CMN_ENOMEM;
    for (size_t j = 0; err == 0 && j < n; j++) {
        s_row_t *row = &b->rows[b->run[j]];
        err = cmn_proof_new(row->proof);
        if (err == 0)
            err = cmn_proof_hash(row->proof, hash[j]);
        ns[j] = (itk_new_filing_t){.filing = b->recs[b->run[j]]->filing,
                                   .digest = row->digest,
                                   .received_on = b->day,
                                   .proof_sha256 = hash[j],
                                   .district = b->self->conf.base.office,
                                   .revision = 1,
                                   .system_key = row->key};
    }
    if (err == 0)
        err = itk_filing_new_many(b->c, b->self, ns, n, b->actor, tracking);
    for (size_t j = 0; err == 0 && j < n; j++) {
        s_row_t *row = &b->rows[b->run[j]];
        if (tracking[j][0] == '\0') { /* a twin (cannot be: see s_fill) */
            int found = 0;
            row->res.status = "ignored";
            err = itk_store_find(b->c, b->self->conf.base.office, row->digest,
                                 row->tracking, &found);
            continue;
        }
        snprintf(row->tracking, sizeof row->tracking, "%s", tracking[j]);
        row->res.unit_secret = row->proof;
    }
    free(ns);
    free(hash);
    free(tracking);
    return err;
}

/* True when row i shares its content or its system with a valid record
 * before it in the request: it depends on what that one did. */
static bool
s_depends(const s_batch_t *b, size_t i)
{
    const s_row_t *r = &b->rows[i];
    for (size_t j = 0; j < i; j++) {
        const s_row_t *o = &b->rows[j];
        if (o->valid &&
            (strcmp(o->digest, r->digest) == 0 || strcmp(o->key, r->key) == 0))
            return true;
    }
    return false;
}

/* Classifies valid record i with the batch's lookup: held content is
 * ignored, a new record joins the run; one whose system is held (an
 * update, a twin) or that depends on an earlier record goes through
 * s_record after the run is stored, as if the records were taken one by
 * one. */
static int
s_batch_record(s_batch_t *b, size_t i)
{
    s_row_t *row = &b->rows[i];
    if (!s_depends(b, i) && b->held[i].content[0] != '\0') {
        snprintf(row->tracking, sizeof row->tracking, "%s", b->held[i].content);
        row->res.status = "ignored";
        return 0;
    }
    if (!s_depends(b, i) && !b->held[i].system) {
        row->res.status = "imported";
        b->run[b->nrun++] = i;
        return 0;
    }
    int err = s_flush(b);
    return err ? err
               : s_record(b->c, b->self, b->actor, b->day, b->recs[i]->filing,
                          b->dry, row);
}

/* The batch's lookup of every valid record; false (nothing looked up) at
 * the municipal office, whose new filings are each also checked against
 * every district's and sent to review: s_record takes them one by one. */
static int
s_lookup(s_batch_t *b, bool *batched)
{
    *batched = false;
    if (b->self->role == ITK_ROLE_MUNICIPAL)
        return 0;
    const char **ds = calloc(b->n + 1, sizeof *ds);
    const char **ks = calloc(b->n + 1, sizeof *ks);
    size_t *at = calloc(b->n + 1, sizeof *at);
    itk_lookup_t *got = calloc(b->n + 1, sizeof *got);
    int err = ds && ks && at && got ? 0 : CMN_ENOMEM;
    size_t m = 0;
    for (size_t i = 0; err == 0 && i < b->n; i++)
        if (b->rows[i].valid) {
            ds[m] = b->rows[i].digest;
            ks[m] = b->rows[i].key;
            at[m++] = i;
        }
    const char *office = b->self->conf.base.office;
    if (err == 0)
        err = itk_store_lookup_many(b->c, office, office, ds, ks, NULL, m, got);
    for (size_t j = 0; err == 0 && j < m; j++)
        b->held[at[j]] = got[j];
    *batched = err == 0;
    free(ds);
    free(ks);
    free(at);
    free(got);
    return err;
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
    size_t n = req->n_records;
    s_batch_t b = {.c = c,
                   .self = self,
                   .actor = actor,
                   .day = day,
                   .dry = req->dry_run,
                   .rows = rows,
                   .recs = (const Mlps__V1__ImportRecord *const *) req->records,
                   .n = n,
                   .held = calloc(n + 1, sizeof *b.held),
                   .run = calloc(n + 1, sizeof *b.run)};
    /* Every system of the request locked first, in one order (see
     * itk_store_lock_systems): an import running at once with this one
     * (a retry after a timeout, a second operator) waits for it, and then
     * finds its records; the two never wait for each other in a cycle. */
    const Mlps__V1__Filing **fs = calloc(n + 1, sizeof *fs);
    int err = fs && b.held && b.run ? 0 : CMN_ENOMEM;
    for (size_t i = 0; err == 0 && i < n; i++)
        fs[i] = req->records[i]->filing;
    if (err == 0)
        err = itk_store_lock_systems(c, fs, NULL, n);
    free(fs);
    for (size_t i = 0; err == 0 && i < n; i++) {
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
            continue;
        }
        err = itk_digest(&rec->filing->base, "filing", row->digest);
        if (err == 0)
            err = itk_system_key(rec->filing, row->key);
        row->valid = err == 0;
    }
    bool batched = false;
    if (err == 0)
        err = s_lookup(&b, &batched);
    for (size_t i = 0; err == 0 && i < n; i++) {
        s_row_t *row = &rows[i];
        if (!row->valid)
            continue;
        err = batched ? s_batch_record(&b, i)
                      : s_record(c, self, actor, day, req->records[i]->filing,
                                 req->dry_run, row);
    }
    if (err == 0)
        err = s_flush(&b);
    for (size_t i = 0; err == 0 && i < n; i++) {
        s_row_t *row = &rows[i];
        row->res.tracking_id = row->tracking;
        const char *st = row->res.status;
        rep->rejected += strcmp(st, "rejected") == 0;
        rep->imported += strcmp(st, "imported") == 0;
        rep->updated += strcmp(st, "updated") == 0;
        rep->ignored += strcmp(st, "ignored") == 0;
    }
    free(b.held);
    free(b.run);
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

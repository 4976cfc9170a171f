/* inbox.c - the intake service's durable handlers: what districts send the
 * municipal office (their batches, their monthly aggregates, their units'
 * later actions), what review tells it (CaseDecided), and what a district
 * hears back (the receipt of each batch, where each case stands).
 *
 * Each runs inside the inbox's transaction: its rows, its messages and its
 * audit events commit with the message's id, or none of them. A message
 * sent to the wrong role, or naming another district than the one whose
 * key sent it, is refused for good (CMN_EREJECT with the reason). */
#include "cmn/audit.h"
#include "cmn/log.h"
#include "cmn/outbox.h"
#include "cmn/pb.h"
#include "cmn/pgarray.h"
#include "cmn/problem.h"
#include "dom/month.h"
#include "itk/aggregate.h"
#include "itk/filing.h"
#include "itk/intake.h"
#include "itk/store.h"
#include "itk/validate.h"
#include "mlps/v1/workflow.pb-c.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_BATCH_MAX 5000 /* filings in one batch at most */

static int s_refuse(char *why, size_t len, const char *fmt, ...)
    CMN_PRINTF(3, 4);

static int
s_refuse(char *why, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, len, fmt, ap);
    va_end(ap);
    return CMN_EREJECT;
}

/* The office whose key sent m (a plain development socket: the office its
 * envelope names). */
static const char *
s_sender_office(const cmn_env_msg_t *m)
{
    if (m->peer.kind == CMN_KIND_DEV || m->peer.office[0] == '\0')
        return m->env->source_office ? m->env->source_office : "";
    return m->peer.office;
}

/* Municipal: the district that sent m, when it is one of this office's. */
static int
s_from_district(const itk_t *self, const cmn_env_msg_t *m, const char *named,
                char *why, size_t len)
{
    const char *sender = s_sender_office(m);
    if (self->role != ITK_ROLE_MUNICIPAL)
        return s_refuse(why, len,
                        "%s goes to the municipal office; this is district "
                        "%s's intake",
                        m->mt->type, self->conf.base.office);
    if (named != NULL && strcmp(named, sender) != 0)
        return s_refuse(why, len,
                        "district: %s names district \"%.16s\", "
                        "but office %s sent it",
                        m->mt->type, named, sender);
    const dom_hierarchy_t *h = cmn_svc_hierarchy(self->svc);
    const dom_office_t *d = h ? dom_hierarchy_office(h, sender) : NULL;
    if (d == NULL || strcmp(d->parent, self->conf.base.office) != 0)
        return s_refuse(why, len, "office %s is no district of %s", sender,
                        self->conf.base.office);
    return 0;
}

/* --- municipal: a district's batch -------------------------------------- */

/* Checks one record of district's batch; the first reasons into reason. */
static bool
s_record_ok(const itk_t *self, const char *district,
            const Mlps__V1__BatchFiling *bf, dom_date_t today,
            cmn_problem_t *errs, char *reason, size_t len)
{
    size_t dl = strlen(district);
    cmn_problem_init(errs);
    if (bf->tracking_id == NULL ||
        strncmp(bf->tracking_id, district, dl) != 0 ||
        bf->tracking_id[dl] != '-' || strlen(bf->tracking_id) > 63)
        cmn_problem_add(errs, "tracking_id",
                        "\"%.64s\" is not one of district %s's",
                        bf->tracking_id, district);
    dom_date_t on;
    if (dom_date_parse(bf->received_on, &on) != 0)
        cmn_problem_add(errs, "received_on", "not a date YYYY-MM-DD");
    if (bf->revision < 1)
        cmn_problem_add(errs, "revision", "must be 1 or more");
    if (bf->filing == NULL)
        cmn_problem_add(errs, "filing", "is required");
    else if (itk_validate_filing(bf->filing, today, errs) == 0) {
        const dom_hierarchy_t *h = cmn_svc_hierarchy(self->svc);
        if (h &&
            !dom_hierarchy_covers(h, district, bf->filing->unit->region_code))
            cmn_problem_add(errs, "filing.unit.region_code",
                            "%s is not in district %s's jurisdiction",
                            bf->filing->unit->region_code, district);
    }
    if (errs->count == 0)
        return true;
    size_t off = 0;
    reason[0] = '\0';
    for (size_t i = 0; i < errs->count && off + 1 < len; i++) {
        int w = snprintf(reason + off, len - off, "%s%s: %s", i ? "; " : "",
                         errs->items[i].field, errs->items[i].reason);
        off += w > 0 ? (size_t) w : 0;
    }
    return false;
}

/* What becomes of one valid record: imported (new), held (new, a possible
 * duplicate), updated (a later revision), ignored (seen before). */
static int
s_record(PGconn *c, const itk_t *self, const Mlps__V1__FilingBatch *b,
         const Mlps__V1__BatchFiling *bf, const char *actor,
         const char **status, char *reason, size_t len)
{
    char digest[65], key[ITK_SYSTEM_KEY_MAX], tracking[64];
    itk_known_t known;
    int found = 0, err = itk_digest(&bf->filing->base, "filing", digest);
    if (err == 0)
        err = itk_system_key(bf->filing, key);
    if (err == 0)
        err = itk_store_by_tracking(c, bf->tracking_id, &known, &found);
    if (err != 0)
        return err;
    if (found) {
        if ((int) bf->revision <= known.revision) {
            *status = "ignored";
            snprintf(reason, len, "revision %u received before", bf->revision);
            return 0;
        }
        *status = "updated";
        return itk_filing_revise(c, self, &known, bf->filing, digest,
                                 (int) bf->revision, key, bf->received_on,
                                 actor);
    }
    itk_new_filing_t n = {.filing = bf->filing,
                          .digest = digest,
                          .received_on = bf->received_on,
                          .proof_sha256 = bf->unit_secret_sha256,
                          .tracking_id = bf->tracking_id,
                          .district = b->district,
                          .batch_id = b->batch_id,
                          .revision = (int) bf->revision,
                          .system_key = key};
    int inserted = 0, held = 0;
    err = itk_filing_new(c, self, &n, actor, tracking, &inserted, &held);
    if (err != 0)
        return err;
    if (!inserted) {
        /* The same content under another of the district's tracking ids. */
        err = itk_store_find(c, b->district, digest, tracking, &found);
        *status = "ignored";
        snprintf(reason, len, "the same filing as %s", found ? tracking : "?");
        return err;
    }
    *status = held ? "held" : "imported";
    if (held)
        snprintf(reason, len,
                 "possible duplicate: the same system was "
                 "filed before; an office decides");
    return 0;
}

/* One record's outcome, kept for the receipt. */
typedef struct {
    Mlps__V1__BatchReceipt__Record rec;
    char reason[400];
    bool valid; /* s_record_ok: digest and key set */
    char digest[65], key[ITK_SYSTEM_KEY_MAX];
} s_rec_t;

/* A batch's records taken in: the run of new ones not yet stored. */
typedef struct {
    PGconn *c;
    const itk_t *self;
    const Mlps__V1__FilingBatch *b;
    const char *actor;
    s_rec_t *recs;
    itk_lookup_t *held; /* what the office holds of each valid record */
    size_t *run, nrun;
} s_take_t;

/* Stores the run: as s_record does each new filing that is not held, in
 * a few statements for them all (itk_filing_new_many). */
static int
s_take_flush(s_take_t *t)
{
    size_t n = t->nrun;
    t->nrun = 0;
    if (n == 0)
        return 0;
    itk_new_filing_t *ns = calloc(n, sizeof *ns);
    char(*tracking)[64] = calloc(n, sizeof *tracking);
    int err = ns && tracking ? 0 : CMN_ENOMEM;
    for (size_t j = 0; err == 0 && j < n; j++) {
        const Mlps__V1__BatchFiling *bf = t->b->filings[t->run[j]];
        s_rec_t *r = &t->recs[t->run[j]];
        ns[j] = (itk_new_filing_t){.filing = bf->filing,
                                   .digest = r->digest,
                                   .received_on = bf->received_on,
                                   .proof_sha256 = bf->unit_secret_sha256,
                                   .tracking_id = bf->tracking_id,
                                   .district = t->b->district,
                                   .batch_id = t->b->batch_id,
                                   .revision = (int) bf->revision,
                                   .system_key = r->key};
    }
    if (err == 0)
        err = itk_filing_new_many(t->c, t->self, ns, n, t->actor, tracking);
    for (size_t j = 0; err == 0 && j < n; j++) {
        s_rec_t *r = &t->recs[t->run[j]];
        if (tracking[j][0] != '\0')
            continue;
        /* A twin (cannot be: it was looked for): as s_record says it. */
        char other[64];
        int found = 0;
        err = itk_store_find(t->c, t->b->district, r->digest, other, &found);
        r->rec.status = "ignored";
        snprintf(r->reason, sizeof r->reason, "the same filing as %s",
                 found ? other : "?");
    }
    free(ns);
    free(tracking);
    return err;
}

/* True when record i shares its tracking id, content or system with a
 * valid record before it in the batch: it depends on what that one did. */
static bool
s_take_depends(const s_take_t *t, size_t i)
{
    const s_rec_t *r = &t->recs[i];
    const char *id = t->b->filings[i]->tracking_id;
    for (size_t j = 0; j < i; j++) {
        const s_rec_t *o = &t->recs[j];
        if (o->valid &&
            (strcmp(o->digest, r->digest) == 0 || strcmp(o->key, r->key) == 0 ||
             strcmp(t->b->filings[j]->tracking_id, id) == 0))
            return true;
    }
    return false;
}

/* The lookup of every valid record at once: its tracking id, its content
 * (the district's) and its system (any district's). */
static int
s_take_lookup(s_take_t *t)
{
    size_t n = t->b->n_filings, m = 0;
    const char **ds = calloc(n + 1, sizeof *ds);
    const char **ks = calloc(n + 1, sizeof *ks);
    const char **ts = calloc(n + 1, sizeof *ts);
    size_t *at = calloc(n + 1, sizeof *at);
    itk_lookup_t *got = calloc(n + 1, sizeof *got);
    int err = ds && ks && ts && at && got ? 0 : CMN_ENOMEM;
    for (size_t i = 0; err == 0 && i < n; i++)
        if (t->recs[i].valid) {
            ds[m] = t->recs[i].digest;
            ks[m] = t->recs[i].key;
            ts[m] = t->b->filings[i]->tracking_id;
            at[m++] = i;
        }
    if (err == 0)
        err = itk_store_lookup_many(t->c, t->b->district, NULL, ds, ks, ts, m,
                                    got);
    for (size_t j = 0; err == 0 && j < m; j++)
        t->held[at[j]] = got[j];
    free(ds);
    free(ks);
    free(ts);
    free(at);
    free(got);
    return err;
}

/* Every record's batch_records row, in one statement. */
static int
s_batch_rows(PGconn *c, const Mlps__V1__FilingBatch *b, const s_rec_t *recs)
{
    enum { ID, REV, STATUS, REASON, NCOLS };
    cmn_pgarray_t a[NCOLS];
    int err = 0;
    for (int k = 0; k < NCOLS; k++)
        a[k] = (cmn_pgarray_t) CMN_PGARRAY_INIT;
    for (size_t i = 0; err == 0 && i < b->n_filings; i++) {
        char rev[12];
        snprintf(rev, sizeof rev, "%u", recs[i].rec.revision);
        const char *v[NCOLS] = {recs[i].rec.tracking_id, rev,
                                recs[i].rec.status, recs[i].reason};
        for (int k = 0; err == 0 && k < NCOLS; k++)
            err = cmn_pgarray_add(&a[k], v[k] ? v[k] : "");
    }
    const char *p[NCOLS + 1] = {b->batch_id};
    for (int k = 0; k < NCOLS; k++)
        p[k + 1] = cmn_pgarray_text(&a[k]);
    if (err == 0)
        PQclear(cmn_pg_exec(c,
                            "INSERT INTO batch_records (batch_id, tracking_id, "
                            "revision, status, reason) SELECT $1, u.t, "
                            "u.r::int, u.s, u.x FROM unnest($2::text[], "
                            "$3::text[], $4::text[], $5::text[]) WITH "
                            "ORDINALITY AS u(t, r, s, x, i) ORDER BY u.i ON "
                            "CONFLICT DO NOTHING",
                            NCOLS + 1, p, &err));
    for (int k = 0; k < NCOLS; k++)
        cmn_pgarray_release(&a[k]);
    return err;
}

static int
s_batch_records(PGconn *c, const itk_t *self, const Mlps__V1__FilingBatch *b,
                const char *actor, s_rec_t *recs, unsigned counts[5])
{
    static const char *const names[5] = {"imported", "updated", "ignored",
                                         "held", "rejected"};
    size_t n = b->n_filings;
    cmn_problem_t *errs = malloc(sizeof *errs);
    s_take_t t = {.c = c,
                  .self = self,
                  .b = b,
                  .actor = actor,
                  .recs = recs,
                  .held = calloc(n + 1, sizeof *t.held),
                  .run = calloc(n + 1, sizeof *t.run)};
    dom_date_t today = cmn_svc_today(&self->conf.base);
    /* Every system of the batch locked first, in one order (see
     * itk_store_lock_systems): another batch or an import sharing its
     * systems waits, never in a cycle. */
    const Mlps__V1__Filing **fs = calloc(n + 1, sizeof *fs);
    const char **ids = calloc(n + 1, sizeof *ids);
    int err = errs && t.held && t.run && fs && ids ? 0 : CMN_ENOMEM;
    for (size_t i = 0; err == 0 && i < n; i++) {
        fs[i] = b->filings[i]->filing;
        ids[i] = b->filings[i]->tracking_id;
    }
    if (err == 0)
        err = itk_store_lock_systems(c, fs, ids, n);
    free(fs);
    free(ids);
    for (size_t i = 0; err == 0 && i < n; i++) {
        const Mlps__V1__BatchFiling *bf = b->filings[i];
        s_rec_t *r = &recs[i];
        mlps__v1__batch_receipt__record__init(&r->rec);
        r->rec.tracking_id = bf->tracking_id ? bf->tracking_id : "";
        r->rec.status = "rejected";
        r->rec.reason = r->reason;
        r->rec.revision = bf->revision;
        r->valid = s_record_ok(self, b->district, bf, today, errs, r->reason,
                               sizeof r->reason);
        if (r->valid)
            err = itk_digest(&bf->filing->base, "filing", r->digest);
        if (r->valid && err == 0)
            err = itk_system_key(bf->filing, r->key);
    }
    if (err == 0)
        err = s_take_lookup(&t);
    /* A new filing that nothing here is of joins the run; any other (a
     * revision, a possible duplicate, one that depends on an earlier
     * record) is taken alone after the run before it is stored, as if the
     * records were taken one by one. */
    for (size_t i = 0; err == 0 && i < n; i++) {
        s_rec_t *r = &recs[i];
        if (!r->valid)
            continue;
        const itk_lookup_t *h = &t.held[i];
        if (!h->tracking && !h->system && h->content[0] == '\0' &&
            !s_take_depends(&t, i)) {
            r->rec.status = "imported";
            t.run[t.nrun++] = i;
            continue;
        }
        const char *status = "rejected";
        err = s_take_flush(&t);
        if (err == 0)
            err = s_record(c, self, b, b->filings[i], actor, &status, r->reason,
                           sizeof r->reason);
        r->rec.status = (char *) status;
    }
    if (err == 0)
        err = s_take_flush(&t);
    if (err == 0)
        err = s_batch_rows(c, b, recs);
    for (size_t i = 0; err == 0 && i < n; i++)
        for (int k = 0; k < 5; k++)
            counts[k] += strcmp(recs[i].rec.status, names[k]) == 0;
    free(errs);
    free(t.held);
    free(t.run);
    return err;
}

static int
s_on_batch(PGconn *c, const cmn_env_msg_t *m, void *arg, char *why, size_t len)
{
    itk_t *self = arg;
    const Mlps__V1__FilingBatch *b = (const Mlps__V1__FilingBatch *) m->payload;
    int err = s_from_district(self, m, b->district, why, len);
    if (err != 0)
        return err;
    size_t dl = strlen(b->district);
    dom_date_t sent;
    if (strncmp(b->batch_id, b->district, dl) != 0 || b->batch_id[dl] != '-' ||
        strlen(b->batch_id) > 40)
        return s_refuse(why, len,
                        "batch_id: \"%.40s\" is not one of "
                        "district %s's",
                        b->batch_id, b->district);
    if (dom_date_parse(b->sent_on, &sent) != 0)
        return s_refuse(why, len, "sent_on: not a date YYYY-MM-DD");
    if (b->n_filings == 0 || b->n_filings > S_BATCH_MAX)
        return s_refuse(why, len, "filings: 1 to %d a batch, not %zu",
                        S_BATCH_MAX, b->n_filings);
    char n[24];
    snprintf(n, sizeof n, "%zu", b->n_filings);
    const char *p[4] = {b->batch_id, b->district, n, b->sent_on};
    PGresult *r = cmn_pg_exec(c,
                              "INSERT INTO batches (batch_id, district, "
                              "filings, sent_on) VALUES ($1, $2, $3, $4) ON "
                              "CONFLICT DO NOTHING RETURNING batch_id",
                              4, p, &err);
    if (r == NULL)
        return err;
    int fresh = PQntuples(r) == 1;
    PQclear(r);
    if (!fresh) { /* the same batch in another message: taken already */
        cmn_log_info("batch %s from %s received before; nothing changed",
                     b->batch_id, b->district);
        return 0;
    }
    s_rec_t *recs = calloc(b->n_filings, sizeof *recs);
    Mlps__V1__BatchReceipt__Record **ptrs = calloc(b->n_filings, sizeof *ptrs);
    unsigned counts[5] = {0};
    char actor[160], dest[41];
    cmn_ident_label(&m->peer, actor, sizeof actor);
    err = recs && ptrs ? s_batch_records(c, self, b, actor, recs, counts)
                       : CMN_ENOMEM;
    if (err == 0) {
        Mlps__V1__BatchReceipt rc = MLPS__V1__BATCH_RECEIPT__INIT;
        rc.batch_id = b->batch_id;
        rc.n_records = b->n_filings;
        for (size_t i = 0; i < b->n_filings; i++)
            ptrs[i] = &recs[i].rec;
        rc.records = ptrs;
        snprintf(dest, sizeof dest, "intake@%s", b->district);
        err = cmn_outbox_put_pb(c, dest, b->batch_id, 0, &rc.base);
    }
    if (err == 0)
        err = cmn_audit(c, actor, "batch.received", b->batch_id,
                        "%zu filings: %u imported, %u updated, %u ignored, "
                        "%u held, %u rejected",
                        b->n_filings, counts[0], counts[1], counts[2],
                        counts[3], counts[4]);
    if (err == 0)
        cmn_log_info("batch %s from %s: %zu filings, %u imported, %u "
                     "updated, %u ignored, %u held, %u rejected",
                     b->batch_id, b->district, b->n_filings, counts[0],
                     counts[1], counts[2], counts[3], counts[4]);
    free(recs);
    free(ptrs);
    return err;
}

/* --- municipal: a district's monthly aggregate -------------------------- */

static int
s_on_aggregate(PGconn *c, const cmn_env_msg_t *m, void *arg, char *why,
               size_t len)
{
    itk_t *self = arg;
    const Mlps__V1__MonthlyAggregate *a =
        (const Mlps__V1__MonthlyAggregate *) m->payload;
    int err = s_from_district(self, m, a->district, why, len);
    dom_month_t month;
    if (err != 0)
        return err;
    if (dom_month_parse(a->month, &month) != 0)
        return s_refuse(why, len, "month: \"%.16s\" is not YYYY-MM", a->month);
    if (a->revision < 1)
        return s_refuse(why, len, "revision: must be 1 or more");
    int64_t now = cmn_svc_now_us(&self->conf.base);
    uint8_t *buf = NULL;
    size_t blen = 0;
    if ((err = cmn_pb_pack(&a->base, &buf, &blen)) != 0)
        return err;
    char rev[12], made[24], recv[24], nf[12], nb[24];
    snprintf(rev, sizeof rev, "%u", a->revision);
    snprintf(made, sizeof made, "%" PRId64, a->made_at_us);
    snprintf(recv, sizeof recv, "%" PRId64, now);
    snprintf(nf, sizeof nf, "%u", a->filings);
    snprintf(nb, sizeof nb, "%zu", a->n_batches);
    const char *p[8] = {a->district, a->month, rev, made,
                        recv,        nf,       nb,  (const char *) buf};
    int lens[8] = {0, 0, 0, 0, 0, 0, 0, (int) blen};
    int fmts[8] = {0, 0, 0, 0, 0, 0, 0, 1};
    PGresult *r = cmn_pg_execb(c,
                               "INSERT INTO aggregates (district, month, "
                               "revision, made_us, received_us, filings, "
                               "batches, aggregate) VALUES ($1, $2, $3, $4, "
                               "$5, $6, $7, $8) ON CONFLICT DO NOTHING "
                               "RETURNING revision",
                               8, p, lens, fmts, &err);
    free(buf);
    if (r == NULL)
        return err;
    int fresh = PQntuples(r) == 1;
    PQclear(r);
    if (!fresh)
        return 0;
    bool on_time = dom_month_on_time(month, now, (int) self->conf.utc_offset_s);
    char actor[160], subject[40];
    cmn_ident_label(&m->peer, actor, sizeof actor);
    snprintf(subject, sizeof subject, "%s/%s", a->district, a->month);
    err = cmn_audit(c, actor, "aggregate.received", subject,
                    "revision %u: %u filings, %zu batches (%s)", a->revision,
                    a->filings, a->n_batches, on_time ? "on time" : "late");
    if (err == 0)
        cmn_log_info("aggregate %s of district %s, revision %u: %u filings "
                     "(%s)",
                     a->month, a->district, a->revision, a->filings,
                     on_time ? "on time" : "late");
    return err;
}

/* --- municipal: a unit's later action, relayed by its district ---------- */

static int
s_relay(PGconn *c, const cmn_env_msg_t *m, itk_t *self, const char *tracking,
        const char *kind, const char *received_on, const char *actor, char *why,
        size_t len)
{
    int err = s_from_district(self, m, NULL, why, len);
    itk_filing_ref_t ref;
    itk_known_t known;
    int found = 0, dup = 0;
    char digest[65];
    if (err == 0)
        err = itk_store_by_tracking(c, tracking, &known, &found);
    if (err != 0)
        return err;
    if (!found) {
        /* Its batch is on the way: the district sends this again. */
        cmn_log_info("%s for %.64s before its filing: later", kind, tracking);
        return CMN_EAGAIN;
    }
    if (strcmp(known.district, s_sender_office(m)) != 0)
        return s_refuse(why, len, "tracking_id: %s is not district %s's",
                        tracking, s_sender_office(m));
    if (strcmp(known.state, "held") == 0 ||
        strcmp(known.state, "duplicate") == 0)
        return s_refuse(why, len, "%s is %s: no review case to act on",
                        tracking, known.state);
    (void) received_on;
    if ((err = itk_digest(m->payload, kind, digest)) != 0 ||
        (err = itk_store_lock(c, tracking, &ref, &found)) != 0)
        return err;
    return itk_store_case_action(c, &ref, kind, digest, received_on, m->payload,
                                 ITK_REVIEW_DEST, false, actor, &dup);
}

static int
s_on_supplement(PGconn *c, const cmn_env_msg_t *m, void *arg, char *why,
                size_t len)
{
    const Mlps__V1__MaterialsSupplemented *ms =
        (const Mlps__V1__MaterialsSupplemented *) m->payload;
    return s_relay(c, m, arg, ms->tracking_id, "supplement", ms->received_on,
                   ms->actor, why, len);
}

static int
s_on_insist(PGconn *c, const cmn_env_msg_t *m, void *arg, char *why, size_t len)
{
    const Mlps__V1__UnitInsists *ui =
        (const Mlps__V1__UnitInsists *) m->payload;
    return s_relay(c, m, arg, ui->tracking_id, "insist", ui->received_on,
                   ui->actor, why, len);
}

/* --- municipal: where a case stands, from review ------------------------ */

static int
s_on_decided(PGconn *c, const cmn_env_msg_t *m, void *arg, char *why,
             size_t len)
{
    itk_t *self = arg;
    const Mlps__V1__CaseDecided *d = (const Mlps__V1__CaseDecided *) m->payload;
    if (self->role != ITK_ROLE_MUNICIPAL)
        return s_refuse(why, len, "review speaks to the municipal intake");
    if (d->state == NULL || d->state[0] == '\0' || strlen(d->state) > 15)
        return s_refuse(why, len, "state: required");
    int err = itk_filing_stage(c, self, d->tracking_id, d->state, d->outcome,
                               d->level, d->on);
    if (err == CMN_ENOENT)
        return s_refuse(why, len, "tracking_id: no filing \"%.64s\" here",
                        d->tracking_id);
    return err;
}

/* --- district: what the municipal office says back ---------------------- */

/* A district hears only from its own municipal office's intake. */
static int
s_from_municipal(const itk_t *self, const cmn_env_msg_t *m, char *why,
                 size_t len)
{
    if (self->role != ITK_ROLE_DISTRICT)
        return s_refuse(why, len,
                        "%s goes to a district; this is the "
                        "municipal office's intake",
                        m->mt->type);
    if (strcmp(s_sender_office(m), self->municipal) != 0)
        return s_refuse(why, len,
                        "office %s is not this district's "
                        "municipal office %s",
                        s_sender_office(m), self->municipal);
    return 0;
}

static int
s_on_receipt(PGconn *c, const cmn_env_msg_t *m, void *arg, char *why,
             size_t len)
{
    itk_t *self = arg;
    const Mlps__V1__BatchReceipt *rc =
        (const Mlps__V1__BatchReceipt *) m->payload;
    int err = s_from_municipal(self, m, why, len);
    unsigned bad = 0;
    enum { ID, STATUS, REASON, REV, NCOLS };
    cmn_pgarray_t a[NCOLS];
    for (int k = 0; k < NCOLS; k++)
        a[k] = (cmn_pgarray_t) CMN_PGARRAY_INIT;
    for (size_t i = 0; err == 0 && i < rc->n_records; i++) {
        const Mlps__V1__BatchReceipt__Record *r = rc->records[i];
        char rev[12];
        snprintf(rev, sizeof rev, "%u", r->revision);
        const char *v[NCOLS] = {r->tracking_id, r->status, r->reason, rev};
        for (int k = 0; err == 0 && k < NCOLS; k++)
            err = cmn_pgarray_add(&a[k], v[k] ? v[k] : "");
        bad += r->status != NULL && strcmp(r->status, "rejected") == 0;
    }
    const char *p[NCOLS];
    for (int k = 0; k < NCOLS; k++)
        p[k] = cmn_pgarray_text(&a[k]);
    /* held and rejected are stages; the others leave the filing
     * forwarded until review speaks (a CaseUpdate may have come first: it
     * stands). Every record in one statement. */
    if (err == 0 && rc->n_records > 0)
        PQclear(cmn_pg_exec(
            c,
            "UPDATE filings f SET upstream = u.s, upstream_reason = u.r, "
            "state = CASE WHEN u.s IN ('held', 'rejected') AND f.state IN "
            "('received', 'forwarded') THEN u.s ELSE f.state END FROM "
            "unnest($1::text[], $2::text[], $3::text[], $4::int[]) AS u(t, s, "
            "r, v) WHERE f.tracking_id = u.t AND f.revision = u.v",
            NCOLS, p, &err));
    for (int k = 0; k < NCOLS; k++)
        cmn_pgarray_release(&a[k]);
    if (err == 0 && bad > 0)
        cmn_log_warn("batch %s: the municipal office rejected %u filing(s)",
                     rc->batch_id, bad);
    if (err == 0)
        err = cmn_audit(c, "system", "batch.receipt", rc->batch_id,
                        "%zu records, %u rejected", rc->n_records, bad);
    return err;
}

static int
s_on_update(PGconn *c, const cmn_env_msg_t *m, void *arg, char *why, size_t len)
{
    itk_t *self = arg;
    const Mlps__V1__CaseUpdate *u = (const Mlps__V1__CaseUpdate *) m->payload;
    int err = s_from_municipal(self, m, why, len);
    if (err != 0)
        return err;
    if (u->state == NULL || u->state[0] == '\0' || strlen(u->state) > 15)
        return s_refuse(why, len, "state: required");
    char lv[12];
    snprintf(lv, sizeof lv, "%u", u->level);
    const char *p[4] = {u->tracking_id, u->state, u->outcome, lv};
    PGresult *r = cmn_pg_exec(c,
                              "UPDATE filings SET state = $2, outcome = $3, "
                              "level = $4 WHERE tracking_id = $1 RETURNING 1",
                              4, p, &err);
    if (r == NULL)
        return err;
    int n = PQntuples(r);
    PQclear(r);
    if (n != 1)
        return s_refuse(why, len, "tracking_id: no filing \"%.64s\" here",
                        u->tracking_id);
    return 0;
}

const cmn_inbox_handler_t itk_inbox_handlers[] = {
    {"mlps.v1.FilingBatch", &mlps__v1__filing_batch__descriptor, s_on_batch,
     "service:intake", NULL},
    {"mlps.v1.MonthlyAggregate", &mlps__v1__monthly_aggregate__descriptor,
     s_on_aggregate, "service:intake", NULL},
    {"mlps.v1.MaterialsSupplemented",
     &mlps__v1__materials_supplemented__descriptor, s_on_supplement,
     "service:intake", NULL},
    {"mlps.v1.UnitInsists", &mlps__v1__unit_insists__descriptor, s_on_insist,
     "service:intake", NULL},
    {"mlps.v1.CaseDecided", &mlps__v1__case_decided__descriptor, s_on_decided,
     "service:review", NULL},
    {"mlps.v1.BatchReceipt", &mlps__v1__batch_receipt__descriptor, s_on_receipt,
     "service:intake", NULL},
    {"mlps.v1.CaseUpdate", &mlps__v1__case_update__descriptor, s_on_update,
     "service:intake", NULL},
};

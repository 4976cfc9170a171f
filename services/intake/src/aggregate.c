/* aggregate.c - a month's filings tallied, a district's monthly aggregate
 * made and sent, and the municipal office's tally of what it received
 * (see aggregate.h). */
#include "itk/aggregate.h"
#include "cmn/audit.h"
#include "cmn/log.h"
#include "cmn/outbox.h"
#include "cmn/pb.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first and last day of month, as text. */
static void
s_span(dom_month_t month, char first[DOM_DATE_BUFSZ], char last[DOM_DATE_BUFSZ])
{
    dom_date_format(dom_month_first(month), first);
    dom_date_format(dom_month_last(month), last);
}

/* Tallies the filings rows (tracking_id, level, state, sector) and the
 * batch rows (batch_id). */
static int
s_tally_rows(const PGresult *f, const PGresult *b, dom_tally_t *out)
{
    size_t n = (size_t) PQntuples(f), nb = (size_t) PQntuples(b);
    dom_tally_item_t *items = calloc(n + 1, sizeof *items);
    const char **batches = calloc(nb + 1, sizeof *batches);
    int rc = items && batches ? 0 : CMN_ENOMEM;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        items[i].tracking_id = PQgetvalue(f, (int) i, 0);
        items[i].level = atoi(PQgetvalue(f, (int) i, 1));
        items[i].state = PQgetvalue(f, (int) i, 2);
        items[i].sector = PQgetvalue(f, (int) i, 3);
    }
    for (size_t i = 0; rc == 0 && i < nb; i++)
        batches[i] = PQgetvalue(b, (int) i, 0);
    if (rc == 0)
        rc = dom_tally_make(items, n, batches, nb, out);
    free(items);
    free(batches);
    return rc;
}

/* Runs the two queries (params: district, first day, last day[, as of])
 * and tallies them. */
static int
s_tally(PGconn *c, const char *fsql, const char *bsql, const char *const *p,
        int np, dom_tally_t *out)
{
    int err;
    PGresult *f = cmn_pg_exec(c, fsql, np, p, &err);
    if (f == NULL)
        return err;
    PGresult *b = cmn_pg_exec(c, bsql, 3, p, &err);
    if (b != NULL)
        err = s_tally_rows(f, b, out);
    PQclear(f);
    PQclear(b);
    return err;
}

#define S_BATCHES_SQL                                                       \
    "SELECT batch_id FROM batches WHERE district = $1 AND sent_on BETWEEN " \
    "$2 AND $3"

/* The district's own month: its state of each filing as it knows it. */
static int
s_tally_own(PGconn *c, const char *district, dom_month_t month,
            dom_tally_t *out)
{
    char first[DOM_DATE_BUFSZ], last[DOM_DATE_BUFSZ];
    s_span(month, first, last);
    const char *p[3] = {district, first, last};
    return s_tally(c,
                   "SELECT tracking_id, final_level, state, sector FROM "
                   "filings WHERE district = $1 AND received_on BETWEEN $2 "
                   "AND $3",
                   S_BATCHES_SQL, p, 3, out);
}

int
itk_tally_received(PGconn *c, const char *district, dom_month_t month,
                   int64_t as_of_us, dom_tally_t *out)
{
    char first[DOM_DATE_BUFSZ], last[DOM_DATE_BUFSZ], asof[24];
    s_span(month, first, last);
    snprintf(asof, sizeof asof, "%" PRId64, as_of_us);
    const char *p[4] = {district, first, last, asof};
    /* A filing received after the aggregate counts as filed: it is the
     * aggregate that missed it. */
    return s_tally(c,
                   "SELECT f.tracking_id, f.final_level, coalesce((SELECT "
                   "s.state FROM filing_states s WHERE s.tracking_id = "
                   "f.tracking_id AND s.at_us <= $4 ORDER BY s.at_us DESC, "
                   "s.id DESC LIMIT 1), 'filed'), f.sector FROM filings f "
                   "WHERE f.district = $1 AND f.received_on BETWEEN $2 AND $3",
                   S_BATCHES_SQL, p, 4, out);
}

/* Counts as the message carries them. */
static Mlps__V1__MonthlyAggregate__Count **
s_counts_pb(const dom_tally_count_t *src, size_t n,
            Mlps__V1__MonthlyAggregate__Count *store)
{
    Mlps__V1__MonthlyAggregate__Count **ptrs = calloc(n + 1, sizeof *ptrs);
    for (size_t i = 0; ptrs && i < n; i++) {
        mlps__v1__monthly_aggregate__count__init(&store[i]);
        store[i].key = (char *) src[i].key;
        store[i].n = src[i].n;
        ptrs[i] = &store[i];
    }
    return ptrs;
}

static int
s_counts_from(Mlps__V1__MonthlyAggregate__Count *const *src, size_t n,
              dom_tally_count_t **out)
{
    *out = calloc(n + 1, sizeof **out);
    if (*out == NULL)
        return CMN_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        snprintf((*out)[i].key, sizeof(*out)[i].key, "%s",
                 src[i]->key ? src[i]->key : "");
        (*out)[i].n = src[i]->n;
    }
    return 0;
}

int
itk_tally_of(const Mlps__V1__MonthlyAggregate *a, dom_tally_t *out)
{
    dom_tally_count_t *lv = NULL, *st = NULL, *se = NULL;
    int rc = s_counts_from(a->by_level, a->n_by_level, &lv);
    if (rc == 0)
        rc = s_counts_from(a->by_state, a->n_by_state, &st);
    if (rc == 0)
        rc = s_counts_from(a->by_sector, a->n_by_sector, &se);
    if (rc == 0)
        rc = dom_tally_from_parts(
            a->filings, lv, a->n_by_level, st, a->n_by_state, se,
            a->n_by_sector, (const char *const *) a->tracking_ids,
            a->n_tracking_ids, (const char *const *) a->batches, a->n_batches,
            out);
    free(lv);
    free(st);
    free(se);
    return rc;
}

/* Keeps the aggregate this district sends (its own record) and queues it. */
static int
s_keep_and_queue(PGconn *c, const itk_t *self, Mlps__V1__MonthlyAggregate *a)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    int err = cmn_pb_pack(&a->base, &buf, &len);
    if (err != 0)
        return err;
    char rev[12], made[24], nf[12], nb[24], corr[40];
    snprintf(rev, sizeof rev, "%u", a->revision);
    snprintf(made, sizeof made, "%" PRId64, a->made_at_us);
    snprintf(nf, sizeof nf, "%u", a->filings);
    snprintf(nb, sizeof nb, "%zu", a->n_batches);
    const char *p[7] = {a->district, a->month,          rev, made, nf,
                        nb,          (const char *) buf};
    int lens[7] = {0, 0, 0, 0, 0, 0, (int) len};
    int fmts[7] = {0, 0, 0, 0, 0, 0, 1};
    PGresult *r = cmn_pg_execb(c,
                               "INSERT INTO aggregates (district, month, "
                               "revision, made_us, received_us, filings, "
                               "batches, aggregate) VALUES ($1, $2, $3, $4, "
                               "$4, $5, $6, $7)",
                               7, p, lens, fmts, &err);
    free(buf);
    PQclear(r);
    snprintf(corr, sizeof corr, "%s/%s", a->district, a->month);
    if (err == 0)
        err = cmn_outbox_put_pb(c, self->upstream, corr, 0, &a->base);
    return err;
}

int
itk_aggregate_send_month(PGconn *c, const itk_t *self, dom_month_t month,
                         const char *actor, uint32_t *revision)
{
    const char *office = self->conf.base.office;
    char mtext[DOM_MONTH_BUFSZ];
    dom_month_format(month, mtext);
    /* One aggregate made at a time (the watch and a clerk's request). */
    int err = cmn_pg_cmd(c, "SELECT pg_advisory_xact_lock(7101)");
    dom_tally_t t = {0};
    if (err == 0)
        err = s_tally_own(c, office, month, &t);
    const char *p[2] = {office, mtext};
    PGresult *r = err == 0 ? cmn_pg_exec(c,
                                         "SELECT coalesce(max(revision), 0) "
                                         "+ 1 FROM aggregates WHERE district "
                                         "= $1 AND month = $2",
                                         2, p, &err)
                           : NULL;
    if (r != NULL) {
        *revision = (uint32_t) atoi(PQgetvalue(r, 0, 0));
        PQclear(r);
    }
    Mlps__V1__MonthlyAggregate__Count *store =
        calloc(t.nlevel + t.nstate + t.nsector + 1, sizeof *store);
    Mlps__V1__MonthlyAggregate a = MLPS__V1__MONTHLY_AGGREGATE__INIT;
    if (err == 0 && store == NULL)
        err = CMN_ENOMEM;
    if (err == 0) {
        a.district = (char *) office;
        a.month = mtext;
        a.revision = *revision;
        a.made_at_us = cmn_svc_now_us(&self->conf.base);
        a.filings = t.filings;
        a.by_level = s_counts_pb(t.by_level, t.nlevel, store);
        a.by_state = s_counts_pb(t.by_state, t.nstate, store + t.nlevel);
        a.by_sector =
            s_counts_pb(t.by_sector, t.nsector, store + t.nlevel + t.nstate);
        a.n_by_level = t.nlevel;
        a.n_by_state = t.nstate;
        a.n_by_sector = t.nsector;
        a.batches = t.batches;
        a.n_batches = t.nbatches;
        a.tracking_ids = t.ids;
        a.n_tracking_ids = t.nids;
        if (!a.by_level || !a.by_state || !a.by_sector)
            err = CMN_ENOMEM;
    }
    if (err == 0)
        err = s_keep_and_queue(c, self, &a);
    char subject[40];
    snprintf(subject, sizeof subject, "%s/%s", office, mtext);
    if (err == 0)
        err = cmn_audit(c, actor, "aggregate.sent", subject,
                        "revision %u: %u filings, %zu batches", *revision,
                        t.filings, t.nbatches);
    if (err == 0)
        cmn_log_info("aggregate %s revision %u: %u filings, %zu batches, "
                     "queued for %s",
                     mtext, *revision, t.filings, t.nbatches, self->upstream);
    free(a.by_level);
    free(a.by_state);
    free(a.by_sector);
    free(store);
    dom_tally_free(&t);
    return err;
}

/* What the last aggregate of month said (*found 0: none), and what the
 * month holds now. */
static int
s_last(PGconn *c, const char *office, dom_month_t month, int *found,
       long long *made_us, long *filings, long *batches, long *now_filings,
       long *now_batches)
{
    char mtext[DOM_MONTH_BUFSZ], first[DOM_DATE_BUFSZ], last[DOM_DATE_BUFSZ];
    dom_month_format(month, mtext);
    s_span(month, first, last);
    const char *p[4] = {office, mtext, first, last};
    int err;
    PGresult *r = cmn_pg_exec(
        c,
        "SELECT (SELECT count(*) FROM filings WHERE district = $1 AND "
        "received_on BETWEEN $3 AND $4), (SELECT count(*) FROM batches WHERE "
        "district = $1 AND sent_on BETWEEN $3 AND $4), a.made_us, "
        "a.filings, a.batches FROM (SELECT 1) one LEFT JOIN (SELECT * FROM "
        "aggregates WHERE district = $1 AND month = $2 ORDER BY revision "
        "DESC LIMIT 1) a ON true",
        4, p, &err);
    if (r == NULL)
        return err;
    *now_filings = atol(PQgetvalue(r, 0, 0));
    *now_batches = atol(PQgetvalue(r, 0, 1));
    *found = !PQgetisnull(r, 0, 2);
    *made_us = *found ? atoll(PQgetvalue(r, 0, 2)) : 0;
    *filings = *found ? atol(PQgetvalue(r, 0, 3)) : 0;
    *batches = *found ? atol(PQgetvalue(r, 0, 4)) : 0;
    PQclear(r);
    return 0;
}

int
itk_aggregate_due(PGconn *c, const itk_t *self)
{
    const char *office = self->conf.base.office;
    dom_date_t today = cmn_svc_today(&self->conf.base);
    dom_month_t month = dom_month_of(today);
    int y, mo, d, found = 0, err;
    long long made = 0;
    long filings, batches, nf, nb;
    uint32_t rev = 0;
    dom_date_to_ymd(today, &y, &mo, &d);
    /* Last month's, if it never went: late, not never. */
    dom_month_t prev = {mo == 1 ? y - 1 : y, mo == 1 ? 12 : mo - 1};
    err = s_last(c, office, prev, &found, &made, &filings, &batches, &nf, &nb);
    if (err == 0 && !found && (nf > 0 || nb > 0))
        err = itk_aggregate_send_month(c, self, prev, "system", &rev);
    int due = (int) self->conf.aggregate_day;
    if (due > dom_days_in_month(y, mo))
        due = dom_days_in_month(y, mo);
    if (err != 0 || d < due)
        return err;
    err = s_last(c, office, month, &found, &made, &filings, &batches, &nf, &nb);
    if (err != 0)
        return err;
    int64_t quiet = (int64_t) self->conf.aggregate_resend_s * 1000000;
    if (!found || ((nf != filings || nb != batches) &&
                   cmn_svc_now_us(&self->conf.base) - made >= quiet))
        err = itk_aggregate_send_month(c, self, month, "system", &rev);
    return err;
}

/* watch.c - what a district's intake does by itself (cmn_svc_every, every
 * intake.batch-ms): forwards the filings not yet forwarded (new ones and
 * new revisions) upward in batches, and sends the monthly aggregate when
 * it is due. Each batch is one transaction: its rows marked forwarded,
 * the FilingBatch queued in the outbox and the audit event, or none. The
 * outbox delivers it when the link is up; a broken link or a dead
 * municipal intake only delays it, and the batch id makes a resend
 * harmless. The municipal intake has nothing to do here. */
#include "cmn/audit.h"
#include "cmn/log.h"
#include "cmn/outbox.h"
#include "cmn/pgarray.h"
#include "itk/aggregate.h"
#include "itk/intake.h"
#include "mlps/v1/workflow.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A batch's frames stay well under the inbox's frame cap (DESIGN.md,
 * "frame caps"): filings are added while the packed batch is below this. */
#define S_BATCH_BYTES (768 * 1024)

/* The rows of one batch, as read. */
typedef struct {
    PGresult *rows;
    Mlps__V1__BatchFiling *bf;
    Mlps__V1__BatchFiling **ptrs;
    Mlps__V1__Filing **filings;
    size_t n;
} s_batch_t;

static void
s_batch_free(s_batch_t *b)
{
    for (size_t i = 0; b->filings && i < b->n; i++)
        mlps__v1__filing__free_unpacked(b->filings[i], NULL);
    free(b->filings);
    free(b->bf);
    free(b->ptrs);
    PQclear(b->rows);
}

/* Reads (and locks) up to batch-max filings waiting to go up, oldest
 * first, as many as fit S_BATCH_BYTES. */
static int
s_batch_read(PGconn *c, const itk_t *self, s_batch_t *b)
{
    char max[12];
    snprintf(max, sizeof max, "%ld", self->conf.batch_max);
    const char *p[1] = {max};
    int err;
    memset(b, 0, sizeof *b);
    b->rows = cmn_pg_exec(c,
                          "SELECT tracking_id, received_on, revision, "
                          "unit_secret_sha256, filing FROM filings WHERE "
                          "forwarded_revision < revision AND state <> "
                          "'rejected' ORDER BY received_at, tracking_id "
                          "LIMIT $1 FOR UPDATE SKIP LOCKED",
                          1, p, &err);
    if (b->rows == NULL)
        return err;
    size_t rows = (size_t) PQntuples(b->rows), bytes = 0;
    b->bf = calloc(rows + 1, sizeof *b->bf);
    b->ptrs = calloc(rows + 1, sizeof *b->ptrs);
    b->filings = calloc(rows + 1, sizeof *b->filings);
    if (!b->bf || !b->ptrs || !b->filings)
        return CMN_ENOMEM;
    for (size_t i = 0; i < rows && bytes < S_BATCH_BYTES; i++) {
        size_t len = 0;
        unsigned char *raw = PQunescapeBytea(
            (const unsigned char *) PQgetvalue(b->rows, (int) i, 4), &len);
        Mlps__V1__Filing *f =
            raw ? mlps__v1__filing__unpack(NULL, len, raw) : NULL;
        PQfreemem(raw);
        if (f == NULL)
            return CMN_EDB;
        Mlps__V1__BatchFiling *x = &b->bf[i];
        mlps__v1__batch_filing__init(x);
        x->tracking_id = PQgetvalue(b->rows, (int) i, 0);
        x->received_on = PQgetvalue(b->rows, (int) i, 1);
        x->revision = (uint32_t) atoi(PQgetvalue(b->rows, (int) i, 2));
        x->unit_secret_sha256 = PQgetvalue(b->rows, (int) i, 3);
        x->filing = f;
        b->filings[i] = f;
        b->ptrs[i] = x;
        b->n = i + 1;
        bytes += len + 200;
    }
    return 0;
}

/* Marks the batch's filings forwarded (their revisions as sent), in one
 * statement. */
static int
s_batch_mark(PGconn *c, const s_batch_t *b, const char *batch_id)
{
    cmn_pgarray_t ids = CMN_PGARRAY_INIT, revs = CMN_PGARRAY_INIT;
    int err = 0;
    for (size_t i = 0; err == 0 && i < b->n; i++) {
        char rev[12];
        snprintf(rev, sizeof rev, "%u", b->bf[i].revision);
        err = cmn_pgarray_add(&ids, b->bf[i].tracking_id);
        if (err == 0)
            err = cmn_pgarray_add(&revs, rev);
    }
    const char *p[3] = {cmn_pgarray_text(&ids), cmn_pgarray_text(&revs),
                        batch_id};
    if (err == 0)
        PQclear(cmn_pg_exec(c,
                            "UPDATE filings f SET forwarded_revision = u.r, "
                            "batch_id = $3, state = CASE WHEN f.state = "
                            "'received' THEN 'forwarded' ELSE f.state END "
                            "FROM unnest($1::text[], $2::int[]) AS u(t, r) "
                            "WHERE f.tracking_id = u.t",
                            3, p, &err));
    cmn_pgarray_release(&ids);
    cmn_pgarray_release(&revs);
    return err;
}

/* Forwards one batch; *sent: how many filings went (0: none waited). */
static int
s_forward(PGconn *c, const itk_t *self, size_t *sent)
{
    s_batch_t b = {0};
    char day[DOM_DATE_BUFSZ], batch_id[40], n[24];
    const char *office = self->conf.base.office;
    *sent = 0;
    int err = cmn_pg_cmd(c, "BEGIN");
    if (err == 0)
        err = s_batch_read(c, self, &b);
    if (err == 0 && b.n == 0) {
        s_batch_free(&b);
        return cmn_pg_cmd(c, "COMMIT");
    }
    PGresult *r =
        err == 0 ? cmn_pg_exec(c, "SELECT nextval('batch_seq')", 0, NULL, &err)
                 : NULL;
    if (r != NULL) {
        snprintf(batch_id, sizeof batch_id, "%s-B%05lld", office,
                 atoll(PQgetvalue(r, 0, 0)));
        PQclear(r);
    }
    dom_date_format(cmn_svc_today(&self->conf.base), day);
    if (err == 0) {
        Mlps__V1__FilingBatch fb = MLPS__V1__FILING_BATCH__INIT;
        fb.batch_id = batch_id;
        fb.district = (char *) office;
        fb.sent_on = day;
        fb.n_filings = b.n;
        fb.filings = b.ptrs;
        err = cmn_outbox_put_pb(c, self->upstream, batch_id, 0, &fb.base);
    }
    snprintf(n, sizeof n, "%zu", b.n);
    const char *p[4] = {batch_id, office, n, day};
    if (err == 0) {
        r = cmn_pg_exec(c,
                        "INSERT INTO batches (batch_id, district, filings, "
                        "sent_on) VALUES ($1, $2, $3, $4)",
                        4, p, &err);
        PQclear(r);
    }
    if (err == 0)
        err = s_batch_mark(c, &b, batch_id);
    if (err == 0)
        err = cmn_audit(c, "system", "batch.sent", batch_id,
                        "%zu filing(s) to %s", b.n, self->upstream);
    if (err == 0)
        err = cmn_pg_cmd(c, "COMMIT");
    if (err == 0) {
        *sent = b.n;
        cmn_log_info("batch %s: %zu filing(s) queued for %s", batch_id, b.n,
                     self->upstream);
    } else {
        cmn_pg_rollback(c);
    }
    s_batch_free(&b);
    return err;
}

int
itk_watch_work(PGconn *c, void *arg)
{
    itk_t *self = arg;
    if (self->role != ITK_ROLE_DISTRICT)
        return 0;
    size_t sent = 0;
    int err = 0, rounds = 0;
    /* A backlog (the link was down) goes in several batches at once. */
    do
        err = s_forward(c, self, &sent);
    while (err == 0 && sent > 0 && ++rounds < 20);
    if (err == 0 && self->conf.aggregate_day > 0) {
        err = cmn_pg_cmd(c, "BEGIN");
        if (err == 0)
            err = itk_aggregate_due(c, self);
        if (err == 0)
            err = cmn_pg_cmd(c, "COMMIT");
        else
            cmn_pg_rollback(c);
    }
    return err;
}

/* outbox_claim.c - the outbox's claims: rows leased under FOR UPDATE SKIP
 * LOCKED (replicas share the table), sent as Envelopes, kept as a batch
 * that awaits its acks. */
#include "cmn/envelope.h"
#include "cmn/log.h"
#include "outbox_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int64_t id;
    char mid[37];
    char *type, *corr;
    uint64_t ver;
    unsigned char *payload;
    size_t len;
    int64_t created_us;
} s_row_t;

typedef struct {
    cmn_outbox_t *ob;
    char dest[64], alias[64];
    int limit, lease_ms;
    s_row_t *rows;
    int n;
} s_claim_t;

/* The pending rows are found through the partial index outbox_pending
 * (dest, id), never by walking the delivered ones, and updated by primary
 * key: "o.id = ANY(ARRAY(...))" keeps the planner from joining the whole
 * table to the claimed ids (a hash join over a sequential scan of the
 * outbox, delivered rows and all, once per claim). */
#define S_CLAIM_SQL(DEST)                                                      \
    "UPDATE outbox o SET lease_until = clock_timestamp() + $3 * interval "     \
    "'1 millisecond', attempts = o.attempts + 1 WHERE o.id = ANY(ARRAY("       \
    "SELECT id FROM outbox WHERE " DEST " AND delivered_at IS NULL AND "       \
    "failed_reason IS NULL AND (lease_until IS NULL OR lease_until < "         \
    "clock_timestamp()) ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)) "        \
    "RETURNING o.id, o.message_id, o.type, o.correlation_id, o.case_version, " \
    "o.payload, (extract(epoch FROM o.created_at) * 1000000)::bigint"

static const char s_claim_sql[] = S_CLAIM_SQL("dest = $1");
static const char s_claim_alias_sql[] = S_CLAIM_SQL("dest IN ($1, $4)");

static int
s_row_cmp(const void *a, const void *b)
{
    const s_row_t *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

static void
s_rows_free(s_row_t *rows, int n)
{
    for (int i = 0; i < n; i++) {
        free(rows[i].type);
        free(rows[i].corr);
        PQfreemem(rows[i].payload);
    }
    free(rows);
}

static int
s_claim_work(PGconn *conn, void *arg)
{
    s_claim_t *c = arg;
    char lim[16], lease[16];
    snprintf(lim, sizeof lim, "%d", c->limit);
    snprintf(lease, sizeof lease, "%d", c->lease_ms);
    const char *params[4] = {c->dest, lim, lease, c->alias};
    int err;
    PGresult *r = c->alias[0]
                      ? cmn_pg_exec(conn, s_claim_alias_sql, 4, params, &err)
                      : cmn_pg_exec(conn, s_claim_sql, 3, params, &err);
    if (r == NULL)
        return err;
    int n = PQntuples(r);
    c->rows = calloc((size_t) (n ? n : 1), sizeof *c->rows);
    if (c->rows == NULL) {
        PQclear(r);
        return CMN_ENOMEM;
    }
    for (int i = 0; i < n; i++) {
        s_row_t *row = &c->rows[i];
        row->id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
        snprintf(row->mid, sizeof row->mid, "%s", PQgetvalue(r, i, 1));
        row->type = strdup(PQgetvalue(r, i, 2));
        row->corr = strdup(PQgetvalue(r, i, 3));
        row->ver = strtoull(PQgetvalue(r, i, 4), NULL, 10);
        row->payload = PQunescapeBytea(
            (const unsigned char *) PQgetvalue(r, i, 5), &row->len);
        row->created_us = strtoll(PQgetvalue(r, i, 6), NULL, 10);
        c->n = i + 1;
        if (row->type == NULL || row->corr == NULL || row->payload == NULL) {
            PQclear(r);
            return CMN_ENOMEM;
        }
    }
    PQclear(r);
    qsort(c->rows, (size_t) c->n, sizeof *c->rows, s_row_cmp);
    return 0;
}

int
cmn__outbox_sent_cmp(const void *a, const void *b)
{
    return memcmp(a, b, 36);
}

/* Sends rows; returns how many went out. */
static int
s_send_rows(cmn_outbox_t *self, s_row_t *rows, int n, cmn__outbox_batch_t *b)
{
    int sent = 0;
    for (int i = 0; i < n; i++) {
        s_row_t *row = &rows[i];
        cmn_env_out_t e = {
            .message_id = row->mid,
            .type = row->type,
            .source = self->source,
            .source_office = self->office,
            .correlation_id = row->corr,
            .case_version = row->ver,
            .created_at_us = row->created_us,
            .payload = row->payload,
            .payload_len = row->len,
        };
        uint8_t *frame = NULL;
        size_t len = 0;
        if (cmn_env_encode(&e, &frame, &len) != 0)
            break;
        const void *parts[1] = {frame};
        int rc = cmn_zsock_send(self->sock, parts, &len, 1);
        free(frame);
        if (rc != 0) /* no peer or queue full: the lease brings it back */
            break;
        memcpy(b->sent[sent].mid, row->mid, sizeof row->mid);
        b->sent[sent++].id = row->id;
    }
    return sent;
}

/* Sends the claimed rows and keeps what went out as a batch. */
static void
s_send_batch(cmn_outbox_t *self, s_claim_t *c)
{
    uint64_t now = uv_now(self->loop);
    cmn__outbox_batch_t *b = calloc(1, sizeof *b);
    cmn__outbox_sent_t *sent = calloc((size_t) c->n, sizeof *sent);
    if (b != NULL && sent != NULL) {
        b->sent = sent;
        b->n = s_send_rows(self, c->rows, c->n, b);
        b->outstanding = b->n;
        b->deadline = now + (uint64_t) self->lease_ms;
        qsort(b->sent, (size_t) b->n, sizeof *b->sent, cmn__outbox_sent_cmp);
        self->stats.sent += (uint64_t) b->n;
        if (b->n > 0) {
            b->next = self->batches;
            self->batches = b;
            self->nbatches++;
            b = NULL;
            sent = NULL;
        } else {
            self->backoff_until = now + 100; /* no peer yet */
        }
    }
    free(sent);
    free(b);
}

static void
s_claim_done(int status, void *arg)
{
    s_claim_t *c = arg;
    cmn_outbox_t *self = c->ob;
    self->claiming = false;
    self->stats.claims++;
    if (status != 0) {
        if (status != CMN_ECANCELED)
            self->backoff_until = uv_now(self->loop) + 500;
    } else if (c->n > 0 && !self->stopped) {
        s_send_batch(self, c);
        if (c->n == c->limit)
            self->claim_again = true;
    }
    s_rows_free(c->rows, c->n);
    free(c);
    cmn__outbox_claim_if_due(self);
}

/* Claims again at once only when there may be more to claim: the last
 * claim came back full, or a kick came while it ran (rows committed after
 * its snapshot). Otherwise the next one waits for a kick or the poll timer;
 * claiming after every claim would spin on an empty outbox. */
void
cmn__outbox_claim_if_due(cmn_outbox_t *self)
{
    if (self->claim_again)
        cmn__outbox_maybe_claim(self);
}

void
cmn__outbox_maybe_claim(cmn_outbox_t *self)
{
    if (self->stopped || self->claiming || self->nbatches >= self->max_batches)
        return;
    if (uv_now(self->loop) < self->backoff_until)
        return;
    s_claim_t *c = calloc(1, sizeof *c);
    if (c == NULL)
        return;
    c->ob = self;
    snprintf(c->dest, sizeof c->dest, "%s", self->dest);
    snprintf(c->alias, sizeof c->alias, "%s", self->alias);
    c->limit = self->batch;
    c->lease_ms = self->lease_ms;
    self->claim_again = false;
    if (cmn_db_submit(self->db, s_claim_work, s_claim_done, c) != 0) {
        free(c);
        return;
    }
    self->claiming = true;
}

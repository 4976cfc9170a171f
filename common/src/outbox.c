/* outbox.c - outbox rows in, Envelopes out, Acks back, rows marked. */
#include "cmn/outbox.h"
#include "cmn/curve.h"
#include "cmn/envelope.h"
#include "cmn/log.h"
#include "cmn/pb.h"
#include "cmn/pgarray.h"
#include "cmn/zsock.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef char s_uuid_t[37];

typedef struct {
    int64_t id;
    s_uuid_t mid;
    char *type, *corr;
    uint64_t ver;
    unsigned char *payload;
    size_t len;
    int64_t created_us;
} s_row_t;

typedef struct s_batch {
    struct s_batch *next;
    s_uuid_t *mids; /* sorted, for bsearch */
    int n;
    int outstanding;
    uint64_t deadline;
} s_batch_t;

typedef struct {
    cmn_outbox_t *ob;
    char dest[64], alias[64];
    int limit, lease_ms;
    s_row_t *rows;
    int n;
} s_claim_t;

typedef struct {
    s_uuid_t mid;
    char reason[200];
} s_fail_t;

typedef struct {
    cmn_outbox_t *ob;
    cmn_pgarray_t delivered, retry;
    s_fail_t *failed;
    int nfailed;
} s_mark_t;

struct cmn_outbox {
    uv_loop_t *loop;
    cmn_db_t *db;
    cmn_zsock_t *sock;
    uv_timer_t timer;
    char source[33], office[33], dest[64], alias[64];
    int batch, lease_ms, poll_ms, max_batches;
    s_batch_t *batches;
    int nbatches;
    bool claiming, marking, stopped, claim_again;
    cmn_pgarray_t delivered, retry; /* acks waiting to be written */
    s_fail_t *failed;
    int nfailed, capfailed;
    uint64_t backoff_until;
    cmn_outbox_stats_t stats;
};

static void s_maybe_claim(cmn_outbox_t *self);
static void s_claim_if_due(cmn_outbox_t *self);
static void s_maybe_mark(cmn_outbox_t *self);

int
cmn_outbox_put(PGconn *conn, const cmn_outmsg_t *m)
{
    char ver[24];
    snprintf(ver, sizeof ver, "%llu", (unsigned long long) m->case_version);
    const char *params[5] = {m->dest, m->type, m->correlation_id, ver,
                             (const char *) m->payload};
    int lengths[5] = {0, 0, 0, 0, (int) m->payload_len};
    int formats[5] = {0, 0, 0, 0, 1};
    int err;
    PGresult *r = cmn_pg_execb(conn,
                               "INSERT INTO outbox (dest, type, correlation_id,"
                               " case_version, payload) VALUES ($1, $2, $3, "
                               "$4, $5)",
                               5, params, lengths, formats, &err);
    PQclear(r);
    return err;
}

int
cmn_outbox_put_pb(PGconn *conn, const char *dest, const char *correlation_id,
                  uint64_t case_version, const ProtobufCMessage *msg)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc = cmn_pb_pack(msg, &buf, &len);
    if (rc != 0)
        return rc;
    cmn_outmsg_t m = {.dest = dest,
                      .type = msg->descriptor->name,
                      .correlation_id = correlation_id,
                      .case_version = case_version,
                      .payload = buf,
                      .payload_len = len};
    rc = cmn_outbox_put(conn, &m);
    free(buf);
    return rc;
}

static uint64_t
s_now(cmn_outbox_t *self)
{
    return uv_now(self->loop);
}

/* --- claiming and sending -------------------------------------------- */

static const char s_claim_sql[] =
    "UPDATE outbox o SET lease_until = clock_timestamp() + $3 * interval "
    "'1 millisecond', attempts = o.attempts + 1 "
    "FROM (SELECT id FROM outbox WHERE dest IN ($1, $4) AND delivered_at IS "
    "NULL "
    "AND failed_reason IS NULL AND (lease_until IS NULL OR lease_until < "
    "clock_timestamp()) ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED) c "
    "WHERE o.id = c.id RETURNING o.id, o.message_id, o.type, "
    "o.correlation_id, o.case_version, o.payload, "
    "(extract(epoch FROM o.created_at) * 1000000)::bigint";

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
    const char *params[4] = {c->dest, lim, lease,
                             c->alias[0] ? c->alias : c->dest};
    int err;
    PGresult *r = cmn_pg_exec(conn, s_claim_sql, 4, params, &err);
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

static int
s_mid_cmp(const void *a, const void *b)
{
    return memcmp(a, b, 36);
}

/* Sends rows; returns how many went out. */
static int
s_send_rows(cmn_outbox_t *self, s_row_t *rows, int n, s_batch_t *b)
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
        memcpy(b->mids[sent++], row->mid, sizeof(s_uuid_t));
    }
    return sent;
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
            self->backoff_until = s_now(self) + 500;
    } else if (c->n > 0 && !self->stopped) {
        s_batch_t *b = calloc(1, sizeof *b);
        s_uuid_t *mids = calloc((size_t) c->n, sizeof *mids);
        if (b != NULL && mids != NULL) {
            b->mids = mids;
            b->n = s_send_rows(self, c->rows, c->n, b);
            b->outstanding = b->n;
            b->deadline = s_now(self) + (uint64_t) self->lease_ms;
            qsort(b->mids, (size_t) b->n, sizeof *b->mids, s_mid_cmp);
            self->stats.sent += (uint64_t) b->n;
            if (b->n > 0) {
                b->next = self->batches;
                self->batches = b;
                self->nbatches++;
                b = NULL;
                mids = NULL;
            } else {
                self->backoff_until = s_now(self) + 100; /* no peer yet */
            }
        }
        free(mids);
        free(b);
        if (c->n == c->limit)
            self->claim_again = true;
    }
    s_rows_free(c->rows, c->n);
    free(c);
    s_claim_if_due(self);
}

/* Claims again at once only when there may be more to claim: the last
 * claim came back full, or a kick came while it ran (rows committed after
 * its snapshot). Otherwise the next one waits for a kick or the poll timer;
 * claiming after every claim would spin on an empty outbox. */
static void
s_claim_if_due(cmn_outbox_t *self)
{
    if (self->claim_again)
        s_maybe_claim(self);
}

static void
s_maybe_claim(cmn_outbox_t *self)
{
    if (self->stopped || self->claiming || self->nbatches >= self->max_batches)
        return;
    if (s_now(self) < self->backoff_until)
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

/* --- acks and marks --------------------------------------------------- */

static void
s_batch_ack(cmn_outbox_t *self, const char *mid)
{
    s_batch_t **pp = &self->batches;
    for (s_batch_t *b = self->batches; b != NULL; pp = &b->next, b = b->next) {
        s_uuid_t *hit =
            bsearch(mid, b->mids, (size_t) b->n, sizeof *b->mids, s_mid_cmp);
        if (hit == NULL)
            continue;
        if ((*hit)[36] == 'x') /* counted already: a repeated ack */
            return;
        (*hit)[36] = 'x'; /* past the compared 36 chars */
        if (--b->outstanding == 0) {
            *pp = b->next;
            free(b->mids);
            free(b);
            self->nbatches--;
        }
        return;
    }
}

static void
s_on_ack(cmn_zsock_t *sock, zmq_msg_t *parts, int nparts, void *arg)
{
    (void) sock;
    cmn_outbox_t *self = arg;
    if (nparts != 1)
        return;
    size_t size = zmq_msg_size(&parts[0]);
    cmn_pb_budget_t budget;
    cmn_pb_budget_init(&budget, 4 * size + 4096);
    char why[200];
    Mlps__V1__Ack *ack = size > (1u << 20)
                             ? NULL
                             : mlps__v1__ack__unpack(&budget.alloc, size,
                                                     zmq_msg_data(&parts[0]));
    if (ack == NULL || cmn_pb_check(&ack->base, 2, why, sizeof why) != 0) {
        cmn_log_warn("ignored a bad Ack from \"%s\" (%zu bytes)", self->dest,
                     size);
        mlps__v1__ack__free_unpacked(ack, &budget.alloc);
        return;
    }
    for (size_t i = 0; i < ack->n_items; i++) {
        Mlps__V1__Ack__Item *it = ack->items[i];
        if (!cmn_env_uuid_valid(it->message_id))
            continue;
        switch (it->status) {
        case MLPS__V1__ACK__STATUS__APPLIED:
        case MLPS__V1__ACK__STATUS__DUPLICATE:
            self->stats.acked++;
            if (cmn_pgarray_add(&self->delivered, it->message_id) != 0)
                break; /* not marked now: the lease brings it back */
            break;
        case MLPS__V1__ACK__STATUS__REJECTED:
            self->stats.failed++;
            if (self->nfailed == self->capfailed) {
                int cap = self->capfailed ? self->capfailed * 2 : 16;
                s_fail_t *f = realloc(self->failed, (size_t) cap * sizeof *f);
                if (f == NULL)
                    continue;
                self->failed = f;
                self->capfailed = cap;
            }
            memcpy(self->failed[self->nfailed].mid, it->message_id, 37);
            snprintf(self->failed[self->nfailed].reason,
                     sizeof self->failed[0].reason, "%s", it->reason);
            self->nfailed++;
            cmn_log_warn("message %s to \"%s\" rejected: %s", it->message_id,
                         self->dest, it->reason);
            break;
        default:
            self->stats.retried++;
            if (cmn_pgarray_add(&self->retry, it->message_id) != 0)
                break; /* not marked now: the lease brings it back */
            break;
        }
        s_batch_ack(self, it->message_id);
    }
    mlps__v1__ack__free_unpacked(ack, &budget.alloc);
    s_maybe_mark(self);
    s_claim_if_due(self); /* a batch may have made room */
}

static int
s_mark_work(PGconn *conn, void *arg)
{
    s_mark_t *m = arg;
    int err = 0;
    PGresult *r;
    if (m->delivered.count > 0) {
        const char *p[1] = {cmn_pgarray_text(&m->delivered)};
        r = cmn_pg_exec(conn,
                        "UPDATE outbox SET delivered_at = clock_timestamp(), "
                        "lease_until = NULL WHERE message_id = ANY($1::uuid[])"
                        " AND delivered_at IS NULL",
                        1, p, &err);
        PQclear(r);
    }
    if (err == 0 && m->retry.count > 0) {
        const char *p[1] = {cmn_pgarray_text(&m->retry)};
        r = cmn_pg_exec(conn,
                        "UPDATE outbox SET lease_until = clock_timestamp() + "
                        "interval '200 milliseconds' WHERE message_id = "
                        "ANY($1::uuid[]) AND delivered_at IS NULL",
                        1, p, &err);
        PQclear(r);
    }
    for (int i = 0; err == 0 && i < m->nfailed; i++) {
        const char *p[2] = {m->failed[i].mid, m->failed[i].reason};
        r = cmn_pg_exec(conn,
                        "UPDATE outbox SET failed_reason = $2, lease_until = "
                        "NULL WHERE message_id = $1 AND delivered_at IS NULL",
                        2, p, &err);
        PQclear(r);
    }
    return err;
}

static void
s_mark_done(int status, void *arg)
{
    s_mark_t *m = arg;
    cmn_outbox_t *self = m->ob;
    self->marking = false;
    if (status != 0 && status != CMN_ECANCELED) {
        /* Not written: the rows stay leased and come back as duplicates,
         * which are acknowledged and marked then. */
        cmn_log_warn("could not mark %zu outbox rows: %s",
                     m->delivered.count + m->retry.count + (size_t) m->nfailed,
                     cmn_strerror(status));
    }
    cmn_pgarray_release(&m->delivered);
    cmn_pgarray_release(&m->retry);
    free(m->failed);
    free(m);
    s_maybe_mark(self);
}

static void
s_maybe_mark(cmn_outbox_t *self)
{
    if (self->marking || (self->delivered.count == 0 &&
                          self->retry.count == 0 && self->nfailed == 0))
        return;
    s_mark_t *m = calloc(1, sizeof *m);
    if (m == NULL)
        return;
    m->ob = self;
    m->delivered = self->delivered;
    m->retry = self->retry;
    m->failed = self->failed;
    m->nfailed = self->nfailed;
    memset(&self->delivered, 0, sizeof self->delivered);
    memset(&self->retry, 0, sizeof self->retry);
    self->failed = NULL;
    self->nfailed = self->capfailed = 0;
    if (cmn_db_submit(self->db, s_mark_work, s_mark_done, m) != 0) {
        cmn_pgarray_release(&m->delivered);
        cmn_pgarray_release(&m->retry);
        free(m->failed);
        free(m);
        return;
    }
    self->marking = true;
}

/* --- lifecycle -------------------------------------------------------- */

static void
s_on_timer(uv_timer_t *t)
{
    cmn_outbox_t *self = t->data;
    uint64_t now = s_now(self);
    s_batch_t **pp = &self->batches;
    while (*pp != NULL) {
        s_batch_t *b = *pp;
        if (b->deadline <= now) { /* lease over: the rows are claimable */
            *pp = b->next;
            free(b->mids);
            free(b);
            self->nbatches--;
        } else {
            pp = &b->next;
        }
    }
    s_maybe_mark(self);
    s_maybe_claim(self);
}

cmn_outbox_t *
cmn_outbox_new(uv_loop_t *loop, void *zctx, cmn_db_t *db,
               const cmn_outbox_opts_t *o, int *err)
{
    cmn_outbox_t *self = calloc(1, sizeof *self);
    if (self == NULL) {
        *err = CMN_ENOMEM;
        return NULL;
    }
    self->loop = loop;
    self->db = db;
    snprintf(self->source, sizeof self->source, "%s", o->source);
    snprintf(self->office, sizeof self->office, "%s",
             o->office ? o->office : "");
    snprintf(self->dest, sizeof self->dest, "%s", o->dest);
    snprintf(self->alias, sizeof self->alias, "%s", o->alias ? o->alias : "");
    self->batch = o->batch > 0 ? o->batch : 500;
    self->lease_ms = o->lease_ms > 0 ? o->lease_ms : 5000;
    self->poll_ms = o->poll_ms > 0 ? o->poll_ms : 100;
    self->max_batches = o->max_batches > 0 ? o->max_batches : 4;
    self->sock = cmn_zsock_new(loop, zctx, ZMQ_DEALER, s_on_ack, self, err);
    if (self->sock == NULL) {
        free(self);
        return NULL;
    }
    void *zs = cmn_zsock_raw(self->sock);
    int one = 1, hwm = self->batch * self->max_batches + 100, ivl = 100;
    int hb = 1000, hbt = 3000;
    zmq_setsockopt(zs, ZMQ_IMMEDIATE, &one, sizeof one);
    zmq_setsockopt(zs, ZMQ_SNDHWM, &hwm, sizeof hwm);
    zmq_setsockopt(zs, ZMQ_RECONNECT_IVL, &ivl, sizeof ivl);
    zmq_setsockopt(zs, ZMQ_HEARTBEAT_IVL, &hb, sizeof hb);
    zmq_setsockopt(zs, ZMQ_HEARTBEAT_TIMEOUT, &hbt, sizeof hbt);
    if (o->curve_server != NULL &&
        (*err = cmn_curve_client(zs, o->curve_secret, o->curve_public,
                                 o->curve_server)) != 0) {
        cmn_zsock_close(&self->sock);
        free(self);
        return NULL;
    }
    if ((*err = cmn_zsock_connect(self->sock, o->endpoints)) != 0) {
        cmn_zsock_close(&self->sock);
        free(self);
        return NULL;
    }
    uv_timer_init(loop, &self->timer);
    self->timer.data = self;
    uv_timer_start(&self->timer, s_on_timer, (uint64_t) self->poll_ms,
                   (uint64_t) self->poll_ms);
    cmn_log_info("sending to \"%s\"%s%s%s at %s%s", self->dest,
                 self->alias[0] ? " (and what is put for \"" : "", self->alias,
                 self->alias[0] ? "\")" : "", o->endpoints,
                 o->curve_server ? " (CURVE)" : "");
    return self;
}

void
cmn_outbox_kick(cmn_outbox_t *self)
{
    self->claim_again = true; /* kept if a claim is running: then again */
    s_maybe_claim(self);
}

void
cmn_outbox_stop(cmn_outbox_t *self)
{
    self->stopped = true;
}

int
cmn_outbox_idle(const cmn_outbox_t *self)
{
    return !self->claiming && !self->marking;
}

void
cmn_outbox_stats(const cmn_outbox_t *self, cmn_outbox_stats_t *out)
{
    *out = self->stats;
}

static void
s_on_timer_close(uv_handle_t *h)
{
    free(h->data);
}

void
cmn_outbox_destroy(cmn_outbox_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    cmn_outbox_t *self = *self_p;
    *self_p = NULL;
    cmn_zsock_close(&self->sock);
    while (self->batches != NULL) {
        s_batch_t *b = self->batches;
        self->batches = b->next;
        free(b->mids);
        free(b);
    }
    cmn_pgarray_release(&self->delivered);
    cmn_pgarray_release(&self->retry);
    free(self->failed);
    uv_close((uv_handle_t *) &self->timer, s_on_timer_close);
}

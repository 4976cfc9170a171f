/* outbox.c - outbox rows in, Acks back, the dispatcher's lifecycle; claims
 * and sends are outbox_claim.c's, marks outbox_mark.c's. */
#include "cmn/curve.h"
#include "cmn/envelope.h"
#include "cmn/log.h"
#include "cmn/pb.h"
#include "cmn/pgarray.h"
#include "outbox_int.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* This thread's deferred puts (outbox_int.h): copies of the messages. */
typedef struct {
    PGconn *conn;
    cmn_outmsg_t *msgs;
    size_t n, cap;
} s_defer_t;

static _Thread_local s_defer_t s_defer;

static void
s_defer_clear(void)
{
    for (size_t i = 0; i < s_defer.n; i++) {
        free((void *) s_defer.msgs[i].dest);
        free((void *) s_defer.msgs[i].type);
        free((void *) s_defer.msgs[i].correlation_id);
        free((void *) s_defer.msgs[i].payload);
    }
    s_defer.n = 0;
}

void
cmn__outbox_defer_begin(PGconn *conn)
{
    s_defer_clear();
    s_defer.conn = conn;
}

void
cmn__outbox_defer_discard(void)
{
    s_defer_clear();
    free(s_defer.msgs);
    memset(&s_defer, 0, sizeof s_defer);
}

int
cmn__outbox_defer_flush(PGconn *conn)
{
    int rc = s_defer.conn == conn
                 ? cmn_outbox_put_many(conn, s_defer.msgs, s_defer.n)
                 : 0;
    cmn__outbox_defer_discard();
    return rc;
}

/* Keeps a copy of m for the flush; CMN_ENOMEM keeps nothing. */
static int
s_defer_put(const cmn_outmsg_t *m)
{
    if (s_defer.n == s_defer.cap) {
        size_t cap = s_defer.cap ? 2 * s_defer.cap : 16;
        cmn_outmsg_t *t = realloc(s_defer.msgs, cap * sizeof *t);
        if (t == NULL)
            return CMN_ENOMEM;
        s_defer.msgs = t;
        s_defer.cap = cap;
    }
    char *dest = strdup(m->dest), *type = strdup(m->type),
         *corr = strdup(m->correlation_id);
    uint8_t *payload = malloc(m->payload_len + 1);
    if (payload == NULL || dest == NULL || type == NULL || corr == NULL) {
        free(dest);
        free(type);
        free(corr);
        free(payload);
        return CMN_ENOMEM;
    }
    if (m->payload_len > 0)
        memcpy(payload, m->payload, m->payload_len);
    s_defer.msgs[s_defer.n++] = (cmn_outmsg_t){.dest = dest,
                                               .type = type,
                                               .correlation_id = corr,
                                               .case_version = m->case_version,
                                               .payload = payload,
                                               .payload_len = m->payload_len};
    return 0;
}

int
cmn_outbox_put(PGconn *conn, const cmn_outmsg_t *m)
{
    if (s_defer.conn != NULL && s_defer.conn == conn)
        return s_defer_put(m);
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
cmn_outbox_put_many(PGconn *conn, const cmn_outmsg_t *msgs, size_t n)
{
    enum { DEST, TYPE, CORR, VER, PAYLOAD, NCOLS };
    cmn_pgarray_t a[NCOLS];
    int err = 0;
    for (int k = 0; k < NCOLS; k++)
        a[k] = (cmn_pgarray_t) CMN_PGARRAY_INIT;
    for (size_t i = 0; err == 0 && i < n; i++) {
        const cmn_outmsg_t *m = &msgs[i];
        char ver[24];
        snprintf(ver, sizeof ver, "%llu", (unsigned long long) m->case_version);
        err = cmn_pgarray_add(&a[DEST], m->dest);
        if (err == 0)
            err = cmn_pgarray_add(&a[TYPE], m->type);
        if (err == 0)
            err = cmn_pgarray_add(&a[CORR], m->correlation_id);
        if (err == 0)
            err = cmn_pgarray_add(&a[VER], ver);
        if (err == 0)
            err = cmn_pgarray_add_hex(&a[PAYLOAD], m->payload, m->payload_len);
    }
    if (err == 0 && n > 0) {
        const char *p[NCOLS];
        for (int k = 0; k < NCOLS; k++)
            p[k] = cmn_pgarray_text(&a[k]);
        PQclear(cmn_pg_exec(conn,
                            "INSERT INTO outbox (dest, type, correlation_id, "
                            "case_version, payload) SELECT u.d, u.t, u.c, "
                            "u.v::bigint, decode(u.p, 'hex') FROM unnest("
                            "$1::text[], $2::text[], $3::text[], $4::text[], "
                            "$5::text[]) WITH ORDINALITY AS u(d, t, c, v, p, i)"
                            " ORDER BY u.i",
                            NCOLS, p, &err));
    }
    for (int k = 0; k < NCOLS; k++)
        cmn_pgarray_release(&a[k]);
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

/* --- acks and marks --------------------------------------------------- */

/* Counts the ack of mid in its batch (freed when it has them all); the
 * row id of mid, or 0 when no batch knows it (its lease ran out). */
static int64_t
s_batch_ack(cmn_outbox_t *self, const char *mid)
{
    cmn__outbox_batch_t **pp = &self->batches;
    for (cmn__outbox_batch_t *b = self->batches; b != NULL;
         pp = &b->next, b = b->next) {
        cmn__outbox_sent_t *hit = bsearch(
            mid, b->sent, (size_t) b->n, sizeof *b->sent, cmn__outbox_sent_cmp);
        if (hit == NULL)
            continue;
        int64_t id = hit->id;
        if (hit->mid[36] == 'x') /* counted already: a repeated ack */
            return id;
        hit->mid[36] = 'x'; /* past the compared 36 chars */
        if (--b->outstanding == 0) {
            *pp = b->next;
            free(b->sent);
            free(b);
            self->nbatches--;
        }
        return id;
    }
    return 0;
}

/* Keeps what one ack item says, to be marked; 0 or CMN_ENOMEM (then it is
 * not marked now: the lease brings the row back). */
static int
s_ack_item(cmn_outbox_t *self, const Mlps__V1__Ack__Item *it)
{
    cmn__outbox_acks_t *a = &self->acks;
    int64_t id = s_batch_ack(self, it->message_id);
    char num[24];
    switch (it->status) {
    case MLPS__V1__ACK__STATUS__APPLIED:
    case MLPS__V1__ACK__STATUS__DUPLICATE:
        self->stats.acked++;
        if (id == 0)
            return cmn_pgarray_add(&a->delivered_mids, it->message_id);
        snprintf(num, sizeof num, "%lld", (long long) id);
        return cmn_pgarray_add(&a->delivered_ids, num);
    case MLPS__V1__ACK__STATUS__REJECTED:
        self->stats.failed++;
        cmn_log_warn("message %s to \"%s\" rejected: %s", it->message_id,
                     self->dest, it->reason);
        if (a->nfailed == a->capfailed) {
            int cap = a->capfailed ? a->capfailed * 2 : 16;
            cmn__outbox_fail_t *f =
                realloc(a->failed, (size_t) cap * sizeof *f);
            if (f == NULL)
                return CMN_ENOMEM;
            a->failed = f;
            a->capfailed = cap;
        }
        memcpy(a->failed[a->nfailed].mid, it->message_id, 37);
        snprintf(a->failed[a->nfailed].reason, sizeof a->failed[0].reason, "%s",
                 it->reason);
        a->nfailed++;
        return 0;
    default:
        self->stats.retried++;
        return cmn_pgarray_add(&a->retry, it->message_id);
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
    for (size_t i = 0; i < ack->n_items; i++)
        if (cmn_env_uuid_valid(ack->items[i]->message_id))
            (void) s_ack_item(self, ack->items[i]);
    mlps__v1__ack__free_unpacked(ack, &budget.alloc);
    cmn__outbox_maybe_mark(self);
    cmn__outbox_claim_if_due(self); /* a batch may have made room */
}

/* --- lifecycle -------------------------------------------------------- */

static void
s_on_timer(uv_timer_t *t)
{
    cmn_outbox_t *self = t->data;
    uint64_t now = uv_now(self->loop);
    cmn__outbox_batch_t **pp = &self->batches;
    while (*pp != NULL) {
        cmn__outbox_batch_t *b = *pp;
        if (b->deadline <= now) { /* lease over: the rows are claimable */
            *pp = b->next;
            free(b->sent);
            free(b);
            self->nbatches--;
        } else {
            pp = &b->next;
        }
    }
    cmn__outbox_maybe_mark(self);
    cmn__outbox_maybe_claim(self);
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
    if (zmq_setsockopt(zs, ZMQ_IMMEDIATE, &one, sizeof one) != 0 ||
        zmq_setsockopt(zs, ZMQ_SNDHWM, &hwm, sizeof hwm) != 0 ||
        zmq_setsockopt(zs, ZMQ_RECONNECT_IVL, &ivl, sizeof ivl) != 0 ||
        zmq_setsockopt(zs, ZMQ_HEARTBEAT_IVL, &hb, sizeof hb) != 0 ||
        zmq_setsockopt(zs, ZMQ_HEARTBEAT_TIMEOUT, &hbt, sizeof hbt) != 0) {
        cmn_log_error(
            "outbox to \"%s\": could not set the socket's options: %s",
            self->dest, zmq_strerror(zmq_errno()));
        *err = CMN_EZMQ;
        cmn_zsock_close(&self->sock);
        free(self);
        return NULL;
    }
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
    (void) uv_timer_init(loop, &self->timer); /* always 0 (uv_timer_init(3)) */
    self->timer.data = self;
    /* fails only for a closing handle or a NULL callback */
    (void) uv_timer_start(&self->timer, s_on_timer, (uint64_t) self->poll_ms,
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
    cmn__outbox_maybe_claim(self);
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
        cmn__outbox_batch_t *b = self->batches;
        self->batches = b->next;
        free(b->sent);
        free(b);
    }
    cmn__outbox_acks_release(&self->acks);
    uv_close((uv_handle_t *) &self->timer, s_on_timer_close);
}

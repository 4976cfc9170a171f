/* inbox.c - Envelopes in, senders checked, batches dispatched, Acks out
 * after commit; inbox_apply.c applies the batches. */
#include "cmn/curve.h"
#include "cmn/log.h"
#include "cmn/pb.h"
#include "inbox_int.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_MAX_QUEUED 100000

/* --- loop thread ----------------------------------------------------- */

static void
s_send_ack(cmn_inbox_t *ib, cmn__inbox_item_t **items, int n)
{
    Mlps__V1__Ack ack = MLPS__V1__ACK__INIT;
    Mlps__V1__Ack__Item *store = calloc((size_t) n, sizeof *store);
    Mlps__V1__Ack__Item **ptrs = calloc((size_t) n, sizeof *ptrs);
    if (store == NULL || ptrs == NULL)
        goto out;
    for (int i = 0; i < n; i++) {
        mlps__v1__ack__item__init(&store[i]);
        store[i].message_id =
            items[i]->m ? items[i]->m->env->message_id : (char *) "";
        store[i].status = (Mlps__V1__Ack__Status) items[i]->status;
        store[i].reason = items[i]->reason;
        ptrs[i] = &store[i];
    }
    ack.n_items = (size_t) n;
    ack.items = ptrs;
    uint8_t *buf = NULL;
    size_t len = 0;
    if (cmn_pb_pack(&ack.base, &buf, &len) == 0) {
        const void *parts[2] = {items[0]->ident, buf};
        size_t lens[2] = {items[0]->identlen, len};
        int rc = cmn_zsock_send(ib->sock, parts, lens, 2);
        (void) rc; /* a lost ack only means the message comes again */
        free(buf);
    }
out:
    free(store);
    free(ptrs);
}

/* Sends one Ack per peer for the items that have a status. */
static void
s_ack_all(cmn_inbox_t *ib, cmn__inbox_item_t **items, int n)
{
    if (n <= 0)
        return;
    cmn__inbox_item_t **group = calloc((size_t) n, sizeof *group);
    bool *done = calloc((size_t) n, sizeof *done);
    for (int i = 0; group && done && i < n; i++) {
        if (done[i] || items[i]->status == 0)
            continue;
        int g = 0;
        for (int k = i; k < n; k++) {
            if (!done[k] && items[k]->status != 0 &&
                items[k]->identlen == items[i]->identlen &&
                memcmp(items[k]->ident, items[i]->ident, items[i]->identlen) ==
                    0) {
                group[g++] = items[k];
                done[k] = true;
            }
        }
        s_send_ack(ib, group, g);
    }
    free(group);
    free(done);
}

static void s_dispatch(cmn_inbox_t *ib);

static void
s_batch_done(int status, void *arg)
{
    cmn__inbox_batch_t *b = arg;
    cmn_inbox_t *ib = b->ib;
    ib->running--;
    int applied = 0;
    if (status != 0 && status != CMN_ECANCELED)
        cmn_log_warn("batch of %d not applied: %s; the sender will resend",
                     b->n, cmn_strerror(status));
    for (int i = 0; i < b->n; i++) {
        cmn__inbox_item_t *it = b->items[i];
        if (status != 0)
            it->status = 0;
        switch (it->status) {
        case MLPS__V1__ACK__STATUS__APPLIED:
            ib->stats.applied++;
            applied++;
            break;
        case MLPS__V1__ACK__STATUS__DUPLICATE:
            ib->stats.duplicates++;
            break;
        case MLPS__V1__ACK__STATUS__REJECTED:
            ib->stats.rejected++;
            cmn_log_warn("rejected message %s (%s): %s", it->m->env->message_id,
                         it->m->env->type, it->reason);
            break;
        case MLPS__V1__ACK__STATUS__RETRY:
            ib->stats.retried++;
            break;
        default:
            break;
        }
    }
    if (ib->sock != NULL)
        s_ack_all(ib, b->items, b->n);
    for (int i = 0; i < b->n; i++) {
        cmn_env_msg_destroy(&b->items[i]->m);
        free(b->items[i]);
    }
    free(b->items);
    free(b);
    if (applied > 0 && ib->opts.on_commit != NULL)
        ib->opts.on_commit(ib->opts.commit_arg);
    s_dispatch(ib);
}

static int
s_item_cmp(const void *a, const void *b)
{
    const Mlps__V1__Envelope *x = (*(cmn__inbox_item_t *const *) a)->m->env;
    const Mlps__V1__Envelope *y = (*(cmn__inbox_item_t *const *) b)->m->env;
    int c = strcmp(x->correlation_id, y->correlation_id);
    if (c == 0)
        c = (x->case_version > y->case_version) -
            (x->case_version < y->case_version);
    return c ? c : strcmp(x->message_id, y->message_id);
}

static void
s_dispatch(cmn_inbox_t *ib)
{
    while (ib->head != NULL && ib->running < ib->opts.concurrency) {
        int n = ib->queued < ib->opts.batch ? ib->queued : ib->opts.batch;
        cmn__inbox_batch_t *b = calloc(1, sizeof *b);
        cmn__inbox_item_t **items = calloc((size_t) n, sizeof *items);
        if (b == NULL || items == NULL) {
            free(b);
            free(items);
            return;
        }
        for (int i = 0; i < n; i++) {
            items[i] = ib->head;
            ib->head = ib->head->next;
        }
        if (ib->head == NULL)
            ib->tail = NULL;
        ib->queued -= n;
        qsort(items, (size_t) n, sizeof *items, s_item_cmp);
        b->ib = ib;
        b->items = items;
        b->n = n;
        if (cmn_db_submit(ib->db, cmn__inbox_batch_work, s_batch_done, b) !=
            0) {
            for (int i = 0; i < n; i++) {
                cmn_env_msg_destroy(&items[i]->m);
                free(items[i]);
            }
            free(items);
            free(b);
            return;
        }
        ib->running++;
    }
}

/* Answers REJECTED for good to a message that never reaches a handler
 * (when its id could be read), and frees it. */
static void
s_refuse(cmn_inbox_t *ib, cmn__inbox_item_t *it, const char *mid,
         const char *why)
{
    if (mid[0] != '\0') {
        Mlps__V1__Envelope e = MLPS__V1__ENVELOPE__INIT;
        cmn_env_msg_t fake = {.env = &e};
        e.message_id = (char *) mid;
        /* The ack reads only the id; it->m is cleared before return. */
        // cppcheck-suppress autoVariables
        it->m = &fake;
        it->status = MLPS__V1__ACK__STATUS__REJECTED;
        snprintf(it->reason, sizeof it->reason, "%s", why);
        s_send_ack(ib, &it, 1);
        it->m = NULL;
    }
    free(it);
}

/* Who sent m: the registry identity of the connection's key (a dev peer on
 * a plain socket), which the type's rule must name and, for a service,
 * the envelope's source and office must agree with. */
static int
s_sender(cmn_inbox_t *ib, cmn_env_msg_t *m, const char *uid, char *why,
         size_t whylen)
{
    const Mlps__V1__Envelope *e = m->env;
    const cmn_ident_t *id = NULL;
    if (ib->opts.curve_secret == NULL) {
        m->peer = (cmn_ident_t){.kind = CMN_KIND_DEV};
        snprintf(m->peer.name, sizeof m->peer.name, "dev");
        snprintf(m->peer.service, sizeof m->peer.service, "%s", e->source);
        snprintf(m->peer.office, sizeof m->peer.office, "%.6s",
                 e->source_office);
    } else if ((id = cmn_registry_find(ib->opts.registry, uid)) == NULL) {
        snprintf(why, whylen, "\"%.64s\" is not in the registry", uid);
        return CMN_EREJECT;
    } else {
        m->peer = *id;
    }
    const char *rule = cmn__inbox_handler(ib, m)->from;
    if (e->acting_for[0] != '\0') {
        snprintf(why, whylen, "an inbox takes no acting_for");
        return CMN_EREJECT;
    }
    if (!cmn_ident_matches(&m->peer, rule)) {
        snprintf(why, whylen, "\"%s\" (kind %s) may not send %s (only %s)",
                 m->peer.name, cmn_kind_name(m->peer.kind), e->type, rule);
        return CMN_EREJECT;
    }
    if (id != NULL && (strcmp(e->source, id->service) != 0 ||
                       strcmp(e->source_office, id->office) != 0)) {
        snprintf(why, whylen,
                 "the envelope says source \"%.32s\" office \"%.32s\"; the "
                 "key is \"%s\"",
                 e->source, e->source_office, id->name);
        return CMN_EREJECT;
    }
    return 0;
}

/* After the poll phase that read the frames: every frame one wake-up
 * brought goes into the batch (a burst is one transaction, not a first
 * message alone and then the rest). */
static void
s_on_check(uv_check_t *h)
{
    cmn_inbox_t *ib = h->data;
    uv_check_stop(h);
    s_dispatch(ib);
}

static void
s_on_frame(cmn_zsock_t *sock, zmq_msg_t *parts, int nparts, void *arg)
{
    (void) sock;
    cmn_inbox_t *ib = arg;
    if (ib->stopped)
        return;
    ib->stats.received++;
    if (nparts != 2 || zmq_msg_size(&parts[0]) > sizeof ib->head->ident) {
        ib->stats.bad_frames++;
        cmn_log_warn("rejected frame: %d parts, expected one Envelope",
                     nparts - 1);
        return;
    }
    cmn__inbox_item_t *it = calloc(1, sizeof *it);
    if (it == NULL)
        return;
    it->identlen = zmq_msg_size(&parts[0]);
    memcpy(it->ident, zmq_msg_data(&parts[0]), it->identlen);
    char mid[37], why[sizeof it->reason];
    int err;
    size_t size = zmq_msg_size(&parts[1]);
    const char *uid = zmq_msg_gets(&parts[1], "User-Id");
    if (ib->opts.curve_secret != NULL && (uid == NULL || uid[0] == '\0')) {
        ib->stats.bad_frames++;
        cmn_log_warn("rejected frame (%zu bytes): no authenticated sender",
                     size);
        free(it);
        return;
    }
    it->m = cmn_env_decode(&ib->rules, zmq_msg_data(&parts[1]), size, &err, mid,
                           why, sizeof why);
    if (it->m == NULL) {
        ib->stats.bad_frames++;
        cmn_log_warn("rejected frame (%zu bytes%s%s): %s", size,
                     mid[0] ? ", message " : "", mid, why);
        s_refuse(ib, it, mid, why);
        return;
    }
    if (s_sender(ib, it->m, uid, why, sizeof why) != 0) {
        ib->stats.refused++;
        cmn_log_warn("refused message %s (%s): %s", mid, it->m->env->type, why);
        cmn_env_msg_destroy(&it->m);
        s_refuse(ib, it, mid, why);
        return;
    }
    if (ib->queued >= S_MAX_QUEUED) { /* unacked: the sender resends */
        cmn_env_msg_destroy(&it->m);
        free(it);
        return;
    }
    if (ib->tail != NULL)
        ib->tail->next = it;
    else
        ib->head = it;
    ib->tail = it;
    ib->queued++;
    if (!uv_is_active((uv_handle_t *) &ib->check))
        (void) uv_check_start(&ib->check, s_on_check); /* fails only for a
                                                          NULL callback */
}

cmn_inbox_t *
cmn_inbox_new(uv_loop_t *loop, void *zctx, cmn_db_t *db,
              const cmn_inbox_opts_t *opts, int *err)
{
    cmn_inbox_t *ib = calloc(1, sizeof *ib);
    if (ib == NULL ||
        (ib->types = calloc(opts->nhandlers + 1, sizeof *ib->types)) == NULL) {
        free(ib);
        *err = CMN_ENOMEM;
        return NULL;
    }
    ib->loop = loop;
    ib->db = db;
    ib->opts = *opts;
    if (ib->opts.batch <= 0)
        ib->opts.batch = 200;
    if (ib->opts.concurrency <= 0)
        ib->opts.concurrency = 2;
    for (size_t i = 0; i < opts->nhandlers; i++) {
        ib->types[i].type = opts->handlers[i].type;
        ib->types[i].descriptor = opts->handlers[i].descriptor;
        if (!cmn_ident_rule_valid(opts->handlers[i].from)) {
            cmn_log_error("inbox handler %s: bad sender rule \"%s\"",
                          opts->handlers[i].type,
                          opts->handlers[i].from ? opts->handlers[i].from
                                                 : "(none)");
            free(ib->types);
            free(ib);
            *err = CMN_ECONFIG;
            return NULL;
        }
    }
    ib->rules.types = ib->types;
    ib->rules.ntypes = opts->nhandlers;
    ib->rules.max_frame =
        opts->max_frame ? opts->max_frame : CMN_ENV_MAX_FRAME_DEFAULT;
    ib->sock = cmn_zsock_new(loop, zctx, ZMQ_ROUTER, s_on_frame, ib, err);
    if (ib->sock == NULL)
        goto fail;
    /* Twice the checked limit: larger frames cost the peer its connection
     * inside libzmq; those in between are refused here with a reason. */
    int64_t hard = (int64_t) ib->rules.max_frame * 2 + 1024;
    int hwm = 100000;
    if (zmq_setsockopt(cmn_zsock_raw(ib->sock), ZMQ_MAXMSGSIZE, &hard,
                       sizeof hard) != 0 ||
        zmq_setsockopt(cmn_zsock_raw(ib->sock), ZMQ_RCVHWM, &hwm, sizeof hwm) !=
            0) {
        cmn_log_error("inbox: could not set the socket's limits: %s",
                      zmq_strerror(zmq_errno()));
        *err = CMN_EZMQ;
        goto fail;
    }
    if (opts->curve_secret != NULL &&
        (*err = cmn_curve_server(cmn_zsock_raw(ib->sock), opts->curve_secret,
                                 CMN_ZAP_INBOX)) != 0)
        goto fail;
    if ((*err = cmn_zsock_bind(ib->sock, opts->endpoints)) != 0)
        goto fail;
    (void) uv_check_init(loop, &ib->check); /* always 0 (uv_check_init(3)) */
    ib->check.data = ib;
    cmn_log_info("receiving at %s%s", opts->endpoints,
                 opts->curve_secret ? " (CURVE: senders proven by key)"
                                    : " (PLAIN: development only)");
    return ib;
fail:
    cmn_zsock_close(&ib->sock);
    free(ib->types);
    free(ib);
    return NULL;
}

void
cmn_inbox_stop(cmn_inbox_t *self)
{
    self->stopped = true;
    while (self->head != NULL) {
        cmn__inbox_item_t *it = self->head;
        self->head = it->next;
        cmn_env_msg_destroy(&it->m);
        free(it);
    }
    self->tail = NULL;
    self->queued = 0;
}

int
cmn_inbox_idle(const cmn_inbox_t *self)
{
    return self->running == 0;
}

void
cmn_inbox_stats(const cmn_inbox_t *self, cmn_inbox_stats_t *out)
{
    *out = self->stats;
}

static void
s_on_check_close(uv_handle_t *h)
{
    cmn_inbox_t *self = h->data;
    free(self->types);
    free(self);
}

void
cmn_inbox_destroy(cmn_inbox_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    cmn_inbox_t *self = *self_p;
    *self_p = NULL;
    cmn_inbox_stop(self);
    cmn_zsock_close(&self->sock);
    uv_close((uv_handle_t *) &self->check, s_on_check_close);
}

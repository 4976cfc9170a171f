/* inbox_apply.c - a batch of received messages applied in one transaction
 * on a worker thread: each message id recorded with the handler's effects
 * (a duplicate only acknowledged), versioned cases in order; when the batch
 * fails, one transaction per message, a refusal recorded for good. */
#include "cmn/log.h"
#include "cmn/pgarray.h"
#include "inbox_int.h"
#include "outbox_int.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Status of a message the inbox has seen: DUPLICATE or REJECTED. */
static int
s_seen(PGconn *c, cmn__inbox_item_t *it)
{
    const char *p[1] = {it->m->env->message_id};
    int err;
    PGresult *r = cmn_pg_exec(c,
                              "SELECT status, coalesce(reason, '') FROM inbox"
                              " WHERE message_id = $1",
                              1, p, &err);
    if (r == NULL)
        return err;
    it->status = MLPS__V1__ACK__STATUS__DUPLICATE;
    if (PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "rejected") == 0) {
        it->status = MLPS__V1__ACK__STATUS__REJECTED;
        snprintf(it->reason, sizeof it->reason, "%s", PQgetvalue(r, 0, 1));
    }
    PQclear(r);
    return 0;
}

/* Moves the message's case to its version when that is the next one (the
 * case's row made for version 1), in one statement that also locks the
 * row. 0 or an error; *moved 1 when it moved. */
static int
s_advance(PGconn *c, cmn__inbox_item_t *it, int *moved)
{
    const Mlps__V1__Envelope *e = it->m->env;
    char ver[24];
    snprintf(ver, sizeof ver, "%llu", (unsigned long long) e->case_version);
    const char *p[3] = {e->source, e->correlation_id, ver};
    int err;
    PGresult *r =
        e->case_version == 1
            ? cmn_pg_exec(c,
                          "INSERT INTO inbox_case VALUES ($1, $2, 1) ON "
                          "CONFLICT (source, correlation_id) DO UPDATE SET "
                          "version = 1 WHERE inbox_case.version = 0 "
                          "RETURNING 1",
                          2, p, &err)
            : cmn_pg_exec(c,
                          "UPDATE inbox_case SET version = $3::bigint WHERE "
                          "source = $1 AND correlation_id = $2 AND version = "
                          "$3::bigint - 1 RETURNING 1",
                          3, p, &err);
    if (r == NULL)
        return err;
    *moved = PQntuples(r) == 1;
    it->advanced = *moved;
    PQclear(r);
    return 0;
}

/* Orders a versioned message. 1 = go on, 0 = decided (status set). The
 * common case, the next version, is one statement (s_advance); the rest
 * (a duplicate, an early one) read the case's version. */
static int
s_order(PGconn *c, cmn__inbox_item_t *it, int *err)
{
    const Mlps__V1__Envelope *e = it->m->env;
    int moved = 0;
    if ((*err = s_advance(c, it, &moved)) != 0 || moved)
        return moved;
    const char *p[2] = {e->source, e->correlation_id};
    PGresult *r = cmn_pg_exec(c,
                              "INSERT INTO inbox_case VALUES ($1, $2, 0) "
                              "ON CONFLICT DO NOTHING",
                              2, p, err);
    PQclear(r);
    if (*err != 0)
        return 0;
    r = cmn_pg_exec(c,
                    "SELECT version FROM inbox_case WHERE source = $1 AND "
                    "correlation_id = $2 FOR UPDATE",
                    2, p, err);
    if (r == NULL)
        return 0;
    unsigned long long cur = strtoull(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    if (e->case_version <= cur) {
        *err = s_seen(c, it);
        return 0;
    }
    if (e->case_version > cur + 1) {
        it->status = MLPS__V1__ACK__STATUS__RETRY;
        snprintf(it->reason, sizeof it->reason,
                 "case version %llu waits for %llu",
                 (unsigned long long) e->case_version, cur + 1);
        return 0;
    }
    return 1;
}

static int
s_record(PGconn *c, cmn__inbox_item_t *it, const char *status,
         const char *reason, int *inserted)
{
    const Mlps__V1__Envelope *e = it->m->env;
    char ver[24];
    snprintf(ver, sizeof ver, "%llu", (unsigned long long) e->case_version);
    const char *p[7] = {e->message_id, e->source, e->type, e->correlation_id,
                        ver,           status,    reason};
    int err;
    PGresult *r = cmn_pg_exec(c,
                              "INSERT INTO inbox (message_id, source, type, "
                              "correlation_id, case_version, status, reason) "
                              "VALUES ($1, $2, $3, $4, $5, $6, $7) "
                              "ON CONFLICT DO NOTHING RETURNING 1",
                              7, p, &err);
    if (r == NULL)
        return err;
    *inserted = PQntuples(r);
    PQclear(r);
    /* A refusal moves the case on too (its own transaction: the one
     * that applied it was rolled back), so a later version is not held
     * back for ever behind a refused one. */
    int moved = 0;
    if (*inserted && e->case_version > 0 && !it->advanced)
        err = s_advance(c, it, &moved);
    return err;
}

/* Puts the case back where s_advance found it: the message's id was
 * recorded before (a resent message, or an id reused), so its version is
 * no new one of the case's. */
static int
s_unadvance(PGconn *c, cmn__inbox_item_t *it)
{
    const Mlps__V1__Envelope *e = it->m->env;
    char ver[24];
    snprintf(ver, sizeof ver, "%llu", (unsigned long long) e->case_version);
    const char *p[3] = {e->source, e->correlation_id, ver};
    int err;
    PGresult *r = cmn_pg_exec(c,
                              "UPDATE inbox_case SET version = $3::bigint - 1 "
                              "WHERE source = $1 AND correlation_id = $2 AND "
                              "version = $3::bigint",
                              3, p, &err);
    PQclear(r);
    it->advanced = false;
    return r == NULL ? err : 0;
}

/* Applies one message inside the open transaction. */
static int
s_apply_one(PGconn *c, cmn_inbox_t *ib, cmn__inbox_item_t *it)
{
    int err = 0, inserted = 0;
    it->status = 0;
    it->reason[0] = '\0';
    it->advanced = false;
    if (it->m->env->case_version > 0 && !s_order(c, it, &err))
        return err;
    err = s_record(c, it, "applied", NULL, &inserted);
    if (err == 0 && !inserted && it->advanced)
        err = s_unadvance(c, it);
    if (err != 0)
        return err;
    if (!inserted)
        return s_seen(c, it);
    err = cmn__inbox_handler(ib, it->m)->apply(c, it->m, ib->opts.arg,
                                               it->reason, sizeof it->reason);
    if (err == 0)
        it->status = MLPS__V1__ACK__STATUS__APPLIED;
    return err;
}

/* One transaction per message; a refusal is recorded for good. */
static int
s_apply_careful(PGconn *c, cmn_inbox_t *ib, cmn__inbox_item_t *it)
{
    int err = cmn_pg_cmd(c, "BEGIN");
    cmn__outbox_defer_begin(c);
    if (err == 0)
        err = s_apply_one(c, ib, it);
    if (err == 0)
        err = cmn__outbox_defer_flush(c);
    if (err == 0)
        return cmn_pg_cmd(c, "COMMIT");
    cmn__outbox_defer_discard();
    if (PQstatus(c) != CONNECTION_OK)
        return CMN_EDBCONN;
    cmn_pg_rollback(c);
    it->advanced = false; /* rolled back with the rest */
    if (err != CMN_EREJECT) {
        it->status = 0; /* unknown: no ack, the sender tries again */
        return 0;
    }
    char reason[200];
    int inserted = 0;
    snprintf(reason, sizeof reason, "%s",
             it->reason[0] ? it->reason : "rejected");
    err = cmn_pg_cmd(c, "BEGIN");
    if (err == 0)
        err = s_record(c, it, "rejected", reason, &inserted);
    if (err == 0)
        err = cmn_pg_cmd(c, "COMMIT");
    if (err != 0) {
        it->status = 0;
        return PQstatus(c) == CONNECTION_OK ? 0 : CMN_EDBCONN;
    }
    it->status = MLPS__V1__ACK__STATUS__REJECTED;
    snprintf(it->reason, sizeof it->reason, "%s", reason);
    return 0;
}

static int
s_str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* New messages of one handler that takes many, waiting to be applied. */
typedef struct {
    const cmn_inbox_handler_t *h;
    const cmn_env_msg_t **msgs;
    cmn__inbox_item_t **items;
    int n;
} s_run_t;

static int
s_run_flush(PGconn *c, cmn_inbox_t *ib, s_run_t *run)
{
    char why[200] = "";
    int err =
        run->h->apply_many(c, run->msgs, run->n, ib->opts.arg, why, sizeof why);
    for (int i = 0; i < run->n; i++)
        if (err == 0)
            run->items[i]->status = MLPS__V1__ACK__STATUS__APPLIED;
    if (err != 0)
        cmn_log_debug("%d x %s applied at once: %s (%s); one by one", run->n,
                      run->h->type, cmn_strerror(err),
                      why[0] ? why : "no reason given");
    run->n = 0;
    /* Any error, a refusal too, fails the batch: it is applied again one
     * message at a time, where a refusal is its message's own. */
    return err;
}

/* Records every unversioned message of the batch in one statement, then
 * applies the new ones (a message that is twice in the batch is new once). */
static int
s_apply_unversioned(PGconn *c, cmn_inbox_t *ib, cmn__inbox_item_t **items,
                    int n)
{
    cmn_pgarray_t arr[4] = {CMN_PGARRAY_INIT, CMN_PGARRAY_INIT,
                            CMN_PGARRAY_INIT, CMN_PGARRAY_INIT};
    int err = 0, m = 0;
    for (int i = 0; err == 0 && i < n; i++) {
        const Mlps__V1__Envelope *e = items[i]->m->env;
        if (e->case_version > 0)
            continue;
        const char *v[4] = {e->message_id, e->source, e->type,
                            e->correlation_id};
        for (int k = 0; err == 0 && k < 4; k++)
            err = cmn_pgarray_add(&arr[k], v[k]);
        m++;
    }
    PGresult *r = NULL;
    const char *params[4] = {
        cmn_pgarray_text(&arr[0]), cmn_pgarray_text(&arr[1]),
        cmn_pgarray_text(&arr[2]), cmn_pgarray_text(&arr[3])};
    if (err == 0 && m > 0)
        r = cmn_pg_exec(c,
                        "INSERT INTO inbox (message_id, source, type, "
                        "correlation_id, status) SELECT u.m, u.s, u.t, u.c, "
                        "'applied' FROM unnest($1::uuid[], $2::text[], "
                        "$3::text[], $4::text[]) AS u(m, s, t, c) ON CONFLICT "
                        "DO NOTHING RETURNING message_id::text",
                        4, params, &err);
    int nnew = r ? PQntuples(r) : 0;
    char **fresh = calloc((size_t) nnew + 1, sizeof *fresh);
    bool *claimed = calloc((size_t) nnew + 1, sizeof *claimed);
    if (err == 0 && (fresh == NULL || claimed == NULL))
        err = CMN_ENOMEM;
    for (int i = 0; err == 0 && i < nnew; i++)
        fresh[i] = PQgetvalue(r, i, 0);
    if (err == 0)
        qsort(fresh, (size_t) nnew, sizeof *fresh, s_str_cmp);
    /* The new ones, in order; a run of one type whose handler takes many
     * goes to it at once. */
    s_run_t run = {.msgs = calloc((size_t) nnew + 1, sizeof *run.msgs),
                   .items = calloc((size_t) nnew + 1, sizeof *run.items)};
    if (err == 0 && (run.msgs == NULL || run.items == NULL))
        err = CMN_ENOMEM;
    for (int i = 0; err == 0 && m > 0 && i < n; i++) {
        cmn__inbox_item_t *it = items[i];
        const char *mid = it->m->env->message_id;
        if (it->m->env->case_version > 0)
            continue;
        char **hit =
            bsearch(&mid, fresh, (size_t) nnew, sizeof *fresh, s_str_cmp);
        if (hit == NULL || claimed[hit - fresh]) {
            err = s_seen(c, it);
            continue;
        }
        claimed[hit - fresh] = true; /* a second copy is a duplicate */
        it->reason[0] = '\0';
        const cmn_inbox_handler_t *h = cmn__inbox_handler(ib, it->m);
        if (run.n > 0 && run.h != h)
            err = s_run_flush(c, ib, &run);
        if (err != 0)
            break;
        if (h->apply_many != NULL) {
            run.h = h;
            run.msgs[run.n] = it->m;
            run.items[run.n++] = it;
            continue;
        }
        err = h->apply(c, it->m, ib->opts.arg, it->reason, sizeof it->reason);
        if (err == 0)
            it->status = MLPS__V1__ACK__STATUS__APPLIED;
    }
    if (err == 0 && run.n > 0)
        err = s_run_flush(c, ib, &run);
    free(run.msgs);
    free(run.items);
    free(fresh);
    free(claimed);
    PQclear(r);
    for (int k = 0; k < 4; k++)
        cmn_pgarray_release(&arr[k]);
    return err;
}

int
cmn__inbox_batch_work(PGconn *c, void *arg)
{
    cmn__inbox_batch_t *b = arg;
    cmn_inbox_t *ib = b->ib;
    int err = cmn_pg_cmd(c, "BEGIN");
    /* The messages' handlers' outbox rows, in one statement at the end. */
    cmn__outbox_defer_begin(c);
    if (err == 0)
        err = s_apply_unversioned(c, ib, b->items, b->n);
    for (int i = 0; err == 0 && i < b->n; i++)
        if (b->items[i]->m->env->case_version > 0)
            err = s_apply_one(c, ib, b->items[i]);
    if (err == 0)
        err = cmn__outbox_defer_flush(c);
    if (err == 0)
        err = cmn_pg_cmd(c, "COMMIT");
    if (err == 0)
        return 0;
    cmn__outbox_defer_discard();
    if (PQstatus(c) != CONNECTION_OK)
        return CMN_EDBCONN;
    cmn_pg_rollback(c);
    if (b->n > 1)
        cmn_log_debug("batch of %d failed (%s); applying one by one", b->n,
                      cmn_strerror(err));
    for (int i = 0; i < b->n; i++) {
        err = s_apply_careful(c, ib, b->items[i]);
        if (err != 0) {
            for (int k = i; k < b->n; k++)
                b->items[k]->status = 0;
            return err;
        }
    }
    return 0;
}

/* outbox_mark.c - the outbox's marks: what the receiver's acks said,
 * written in one job for every ack that came while the last one ran
 * (delivered rows by primary key in one statement per job). */
#include "cmn/log.h"
#include "outbox_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    cmn_outbox_t *ob;
    cmn__outbox_acks_t acks;
} s_mark_t;

void
cmn__outbox_acks_release(cmn__outbox_acks_t *a)
{
    cmn_pgarray_release(&a->delivered_ids);
    cmn_pgarray_release(&a->delivered_mids);
    cmn_pgarray_release(&a->retry);
    free(a->failed);
    memset(a, 0, sizeof *a);
}

static size_t
s_acks_count(const cmn__outbox_acks_t *a)
{
    return a->delivered_ids.count + a->delivered_mids.count + a->retry.count +
           (size_t) a->nfailed;
}

/* Runs sql with the array literal of arr as $1, when it has elements. */
static int
s_mark_array(PGconn *conn, const char *sql, const cmn_pgarray_t *arr)
{
    if (arr->count == 0)
        return 0;
    const char *p[1] = {cmn_pgarray_text(arr)};
    int err;
    PQclear(cmn_pg_exec(conn, sql, 1, p, &err));
    return err;
}

/* Each statement commits on its own: a mark is only a hint that saves a
 * resend (the inbox makes the resend harmless), so a partial one is safe. */
static int
s_mark_work(PGconn *conn, void *arg)
{
    s_mark_t *m = arg;
    int err = s_mark_array(conn,
                           "UPDATE outbox SET delivered_at = clock_timestamp(),"
                           " lease_until = NULL WHERE id = ANY($1::bigint[])"
                           " AND delivered_at IS NULL",
                           &m->acks.delivered_ids);
    if (err == 0)
        err = s_mark_array(conn,
                           "UPDATE outbox SET delivered_at = clock_timestamp(),"
                           " lease_until = NULL WHERE message_id = "
                           "ANY($1::uuid[]) AND delivered_at IS NULL",
                           &m->acks.delivered_mids);
    if (err == 0)
        err = s_mark_array(conn,
                           "UPDATE outbox SET lease_until = clock_timestamp() "
                           "+ interval '200 milliseconds' WHERE message_id = "
                           "ANY($1::uuid[]) AND delivered_at IS NULL",
                           &m->acks.retry);
    for (int i = 0; err == 0 && i < m->acks.nfailed; i++) {
        const char *p[2] = {m->acks.failed[i].mid, m->acks.failed[i].reason};
        PQclear(cmn_pg_exec(conn,
                            "UPDATE outbox SET failed_reason = $2, lease_until"
                            " = NULL WHERE message_id = $1 AND delivered_at IS"
                            " NULL",
                            2, p, &err));
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
                     s_acks_count(&m->acks), cmn_strerror(status));
    }
    cmn__outbox_acks_release(&m->acks);
    free(m);
    cmn__outbox_maybe_mark(self);
}

void
cmn__outbox_maybe_mark(cmn_outbox_t *self)
{
    if (self->marking || s_acks_count(&self->acks) == 0)
        return;
    s_mark_t *m = calloc(1, sizeof *m);
    if (m == NULL)
        return;
    m->ob = self;
    m->acks = self->acks; /* the job owns them now */
    memset(&self->acks, 0, sizeof self->acks);
    if (cmn_db_submit(self->db, s_mark_work, s_mark_done, m) != 0) {
        cmn__outbox_acks_release(&m->acks);
        free(m);
        return;
    }
    self->marking = true;
}

/* gen.c - the generating half of a test sender service (see tst/gen.h). */
#include "tst/gen.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int
s_work(PGconn *c, void *arg)
{
    tst_gen_t *self = arg;
    char lock[64];
    snprintf(lock, sizeof lock, "SELECT pg_advisory_xact_lock(%lld)",
             self->lock_key);
    int err = cmn_pg_cmd(c, "BEGIN");
    if (err == 0) /* one generator at a time, even with several replicas */
        err = cmn_pg_cmd(c, lock);
    PGresult *r = err ? NULL
                      : cmn_pg_exec(c, "SELECT coalesce(max(seq), 0) FROM sent",
                                    0, NULL, &err);
    if (r == NULL)
        return err;
    long long next = strtoll(PQgetvalue(r, 0, 0), NULL, 10) + 1;
    PQclear(r);
    long n = 0;
    for (; err == 0 && n < self->batch && next + n <= self->total; n++)
        err = self->item(c, next + n, self->arg);
    if (err == 0)
        err = cmn_pg_cmd(c, "COMMIT");
    self->made = (err == 0 && n == 0) ? -1 : n;
    return err;
}

static void
s_done(int status, void *arg)
{
    tst_gen_t *self = arg;
    self->busy = false;
    if (status == 0 && self->made > 0)
        cmn_svc_kick(self->svc);
    if (status == 0 && self->made < 0 && !self->done) {
        self->done = true;
        if (self->on_all_done != NULL)
            self->on_all_done(self->svc, self->arg);
    }
}

static void
s_on_timer(uv_timer_t *t)
{
    tst_gen_t *self = t->data;
    if (self->busy || self->done)
        return;
    if (cmn_db_submit(cmn_svc_db(self->svc), s_work, s_done, self) == 0)
        self->busy = true;
}

int
tst_gen_start(tst_gen_t *self, cmn_svc_t *svc)
{
    if (self->item == NULL || self->total < 0 || self->batch < 1 ||
        self->interval_ms < 1)
        return CMN_EINVAL;
    self->busy = self->done = false;
    self->made = 0;
    self->svc = svc;
    (void) uv_timer_init(cmn_svc_loop(svc), &self->timer);
    self->timer.data = self;
    /* Fails only on a closing handle; this one was just opened. */
    (void) uv_timer_start(&self->timer, s_on_timer, 0,
                          (uint64_t) self->interval_ms);
    return 0;
}

void
tst_gen_stop(tst_gen_t *self)
{
    if (self->svc != NULL)
        uv_close((uv_handle_t *) &self->timer, NULL);
}

/* aud_emit.c - a test service that emits audit events the way every mlps
 * service does: cmn_audit_emit() inside a transaction that also records
 * the change (a row in `sent`), delivered to "audit" by the outbox.
 *
 * Event n (1..total) belongs to case "case-" (n mod cases), says "step n"
 * and, when --emit.bad-every=K divides n, has an empty action so the audit
 * service must refuse it for good. */
#include "cmn/audit.h"
#include "cmn/log.h"
#include "cmn/svc.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    cmn_svc_conf_t base;
    long total, batch, interval_ms, cases, bad_every;
} s_conf_t;

static const cmn_cfg_opt_t s_opts[] = {
    CMN_SVC_OPTIONS(s_conf_t, base),
    {"emit.total", CMN_CFG_INT, "1000", 0, 100000000, offsetof(s_conf_t, total),
     "events to emit in all"},
    {"emit.batch", CMN_CFG_INT, "50", 1, 10000, offsetof(s_conf_t, batch),
     "events per transaction"},
    {"emit.interval-ms", CMN_CFG_INT, "20", 1, 60000,
     offsetof(s_conf_t, interval_ms), "time between transactions"},
    {"emit.cases", CMN_CFG_INT, "10", 1, 1000000, offsetof(s_conf_t, cases),
     "distinct case ids"},
    {"emit.bad-every", CMN_CFG_INT, "0", 0, 100000000,
     offsetof(s_conf_t, bad_every), "every K-th event is invalid (0: none)"},
    {NULL, 0, NULL, 0, 0, 0, NULL},
};

typedef struct {
    s_conf_t conf;
    cmn_svc_t *svc;
    uv_timer_t timer;
    bool busy, done;
} s_emit_t;

typedef struct {
    s_emit_t *em;
    long made; /* out: events made; -1 when all were there */
} s_gen_t;

/* Records event n and emits it, in the open transaction. */
static int
s_emit_one(PGconn *c, const s_conf_t *conf, long long n)
{
    char seq[24], case_id[32], outcome[32];
    snprintf(seq, sizeof seq, "%lld", n);
    snprintf(case_id, sizeof case_id, "case-%03lld", n % conf->cases);
    snprintf(outcome, sizeof outcome, "step %lld", n);
    const char *p[2] = {seq, case_id};
    int err;
    PGresult *r = cmn_pg_exec(c,
                              "INSERT INTO sent (seq, case_id) "
                              "VALUES ($1, $2)",
                              2, p, &err);
    PQclear(r);
    if (err != 0)
        return err;
    bool bad = conf->bad_every > 0 && n % conf->bad_every == 0;
    cmn_audit_t ev = {.service = "audemit",
                      .actor = "office-110108",
                      .action = bad ? "" : "test.step",
                      .case_id = case_id,
                      .outcome = outcome,
                      .office = conf->base.office};
    return cmn_audit_emit(c, &ev);
}

static int
s_gen_work(PGconn *c, void *arg)
{
    s_gen_t *g = arg;
    const s_conf_t *conf = &g->em->conf;
    long n = 0;
    int err = cmn_pg_cmd(c, "BEGIN");
    if (err == 0) /* one generator at a time, even with several replicas */
        err = cmn_pg_cmd(c, "SELECT pg_advisory_xact_lock(7101)");
    PGresult *r = err ? NULL
                      : cmn_pg_exec(c, "SELECT coalesce(max(seq), 0) FROM sent",
                                    0, NULL, &err);
    if (r == NULL)
        return err;
    long long next = strtoll(PQgetvalue(r, 0, 0), NULL, 10) + 1;
    PQclear(r);
    for (; err == 0 && n < conf->batch && next + n <= conf->total; n++)
        err = s_emit_one(c, conf, next + n);
    if (err == 0)
        err = cmn_pg_cmd(c, "COMMIT");
    g->made = (err == 0 && n == 0) ? -1 : n;
    return err;
}

static void
s_gen_done(int status, void *arg)
{
    s_gen_t *g = arg;
    s_emit_t *em = g->em;
    em->busy = false;
    if (status == 0 && g->made > 0)
        cmn_svc_kick(em->svc);
    if (status == 0 && g->made < 0 && !em->done) {
        em->done = true;
        cmn_log_info("all %ld events emitted", em->conf.total);
    }
    free(g);
}

static void
s_on_timer(uv_timer_t *t)
{
    s_emit_t *em = t->data;
    if (em->busy || em->done)
        return;
    s_gen_t *g = calloc(1, sizeof *g);
    if (g == NULL)
        return;
    g->em = em;
    if (cmn_db_submit(cmn_svc_db(em->svc), s_gen_work, s_gen_done, g) != 0) {
        free(g);
        return;
    }
    em->busy = true;
}

static int
s_start(cmn_svc_t *svc, void *arg)
{
    s_emit_t *em = arg;
    em->svc = svc;
    uv_timer_init(cmn_svc_loop(svc), &em->timer);
    em->timer.data = em;
    uv_timer_start(&em->timer, s_on_timer, 0, (uint64_t) em->conf.interval_ms);
    return 0;
}

static void
s_stop(cmn_svc_t *svc, void *arg)
{
    (void) svc;
    s_emit_t *em = arg;
    if (em->svc != NULL)
        uv_close((uv_handle_t *) &em->timer, NULL);
}

extern const cmn_migration_t audemit_migrations[];

int
main(int argc, char **argv)
{
    static s_emit_t em;
    static const cmn_svc_def_t def = {
        .name = "audemit",
        .schema = "audemit",
        .migrations = audemit_migrations,
        .on_start = s_start,
        .on_stop = s_stop,
    };
    return cmn_svc_main(&def, s_opts, &em.conf, &em.conf.base, &em, argc, argv);
}

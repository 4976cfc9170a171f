/* aud_emit.c - a test service that emits audit events the way every mlps
 * service does: cmn_audit_emit() inside a transaction that also records
 * the change (a row in `sent`), delivered to "audit" by the outbox.
 *
 * Event n (1..total) belongs to case "case-" (n mod cases), says "step n"
 * and, when --emit.bad-every=K divides n, has an empty action so the audit
 * service must refuse it for good. "--as=NAME" emits them as service NAME
 * (tst/as.h): the events name the service the envelopes come from, as the
 * audit service requires. */
#include "cmn/audit.h"
#include "cmn/log.h"
#include "cmn/svc.h"
#include "tst/as.h"
#include "tst/gen.h"

#include <stdbool.h>
#include <stdio.h>

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
    tst_gen_t gen;
    const char *name; /* the service it runs as */
} s_emit_t;

/* Records event n and emits it, in the open transaction. */
static int
s_emit_one(PGconn *c, long long n, void *arg)
{
    const s_emit_t *em = arg;
    const s_conf_t *conf = &em->conf;
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
    cmn_audit_t ev = {.service = em->name,
                      .actor = "office-110108",
                      .action = bad ? "" : "test.step",
                      .case_id = case_id,
                      .outcome = outcome,
                      .office = conf->base.office};
    return cmn_audit_emit(c, &ev);
}

static void
s_all_done(cmn_svc_t *svc, void *arg)
{
    (void) svc;
    cmn_log_info("all %ld events emitted", ((s_emit_t *) arg)->conf.total);
}

static int
s_start(cmn_svc_t *svc, void *arg)
{
    s_emit_t *em = arg;
    em->gen = (tst_gen_t){.total = em->conf.total,
                          .batch = em->conf.batch,
                          .interval_ms = em->conf.interval_ms,
                          .lock_key = 7101,
                          .item = s_emit_one,
                          .on_all_done = s_all_done,
                          .arg = em};
    return tst_gen_start(&em->gen, svc);
}

static void
s_stop(cmn_svc_t *svc, void *arg)
{
    (void) svc;
    tst_gen_stop(&((s_emit_t *) arg)->gen);
}

extern const cmn_migration_t audemit_migrations[];

int
main(int argc, char **argv)
{
    static s_emit_t em;
    static cmn_svc_def_t def = {
        .schema = "audemit",
        .migrations = audemit_migrations,
        .on_start = s_start,
        .on_stop = s_stop,
    };
    if ((def.name = em.name = tst_as(&argc, argv, "audemit")) == NULL)
        return 2;
    return cmn_svc_main(&def, s_opts, &em.conf, &em.conf.base, &em, argc, argv);
}

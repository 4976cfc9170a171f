/* evl_cert.c - stands in for the cert service in the evaluation tests:
 * applies EvaluationConcluded through the runtime's inbox (so case
 * versions are checked as the cert service would have them checked) by
 * recording each in its own schema, evlcert.got. */
#include "cmn/svc.h"
#include "mlps/v1/workflow.pb-c.h"

#include <stdio.h>

typedef struct {
    cmn_svc_conf_t base;
} s_conf_t;

static const cmn_cfg_opt_t s_opts[] = {
    CMN_SVC_OPTIONS(s_conf_t, base),
    {NULL, 0, NULL, 0, 0, 0, NULL},
};

static int
s_on_concluded(PGconn *c, const cmn_env_msg_t *m, void *arg, char *why,
               size_t whylen)
{
    (void) arg;
    (void) why;
    (void) whylen;
    const Mlps__V1__EvaluationConcluded *e =
        (const Mlps__V1__EvaluationConcluded *) m->payload;
    char ver[24], level[16], score[16], round[16];
    snprintf(ver, sizeof ver, "%llu",
             (unsigned long long) m->env->case_version);
    snprintf(level, sizeof level, "%u", e->level);
    snprintf(score, sizeof score, "%u", e->score);
    snprintf(round, sizeof round, "%u", e->round);
    const char *p[10] = {
        m->env->source, e->tracking_id, ver,        level, e->institution_id,
        e->report_date, score,          e->verdict, round, e->next_due};
    int err;
    PGresult *r = cmn_pg_exec(
        c,
        "INSERT INTO got (source, tracking_id, case_version, level, "
        "institution_id, report_date, score, verdict, round, next_due) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        10, p, &err);
    PQclear(r);
    return err;
}

static const cmn_inbox_handler_t s_handlers[] = {
    {"mlps.v1.EvaluationConcluded", &mlps__v1__evaluation_concluded__descriptor,
     s_on_concluded, "service:evaluation", NULL},
};

extern const cmn_migration_t evlcert_migrations[];

int
main(int argc, char **argv)
{
    static s_conf_t conf;
    static const cmn_svc_def_t def = {
        .name = "cert",
        .schema = "evlcert",
        .migrations = evlcert_migrations,
        .handlers = s_handlers,
        .nhandlers = sizeof s_handlers / sizeof s_handlers[0],
    };
    return cmn_svc_main(&def, s_opts, &conf, &conf.base, NULL, argc, argv);
}

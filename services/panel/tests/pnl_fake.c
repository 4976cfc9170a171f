/* pnl_fake.c - stands in for review and audit in the panel's integration
 * test: applies PanelDecision, PanelEscalation and AuditEvent through the
 * runtime's inbox (so versions are checked as review checks them) by
 * recording each in its own schema. One process is one of them: run with
 * "--as=review" (or "--as=audit", tst/as.h) and that service's key. */
#include "cmn/svc.h"
#include "mlps/v1/workflow.pb-c.h"
#include "tst/as.h"

#include <stdio.h>

typedef struct {
    cmn_svc_conf_t base;
} s_conf_t;

static const cmn_cfg_opt_t s_opts[] = {
    CMN_SVC_OPTIONS(s_conf_t, base),
    {NULL, 0, NULL, 0, 0, 0, NULL},
};

static int
s_got(PGconn *c, const cmn_env_msg_t *m, const char *const v[7])
{
    char ver[24];
    snprintf(ver, sizeof ver, "%llu",
             (unsigned long long) m->env->case_version);
    const char *p[11] = {m->env->type,
                         m->env->source,
                         m->env->correlation_id,
                         ver,
                         v[0],
                         v[1],
                         v[2],
                         v[3],
                         v[4],
                         v[5],
                         v[6]};
    int err;
    PGresult *r = cmn_pg_exec(
        c,
        "INSERT INTO got (type, source, tracking_id, case_version, verdict, "
        "level, reasons, session_date, experts, majority, reason) VALUES "
        "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        11, p, &err);
    PQclear(r);
    return err;
}

static int
s_on_decision(PGconn *c, const cmn_env_msg_t *m, void *arg, char *why,
              size_t whylen)
{
    (void) arg;
    const Mlps__V1__PanelDecision *d =
        (const Mlps__V1__PanelDecision *) m->payload;
    char level[16], experts[16], majority[16];
    if (d->verdict != MLPS__V1__PANEL_VERDICT__CONFIRM &&
        d->verdict != MLPS__V1__PANEL_VERDICT__ADJUST) {
        snprintf(why, whylen, "field \"verdict\": must be CONFIRM or ADJUST");
        return CMN_EREJECT;
    }
    snprintf(level, sizeof level, "%u", d->level);
    snprintf(experts, sizeof experts, "%u", d->experts);
    snprintf(majority, sizeof majority, "%u", d->majority);
    const char *v[7] = {
        d->verdict == MLPS__V1__PANEL_VERDICT__ADJUST ? "ADJUST" : "CONFIRM",
        level,
        d->reasons,
        d->session_date,
        experts,
        majority,
        NULL};
    return s_got(c, m, v);
}

static int
s_on_escalation(PGconn *c, const cmn_env_msg_t *m, void *arg, char *why,
                size_t whylen)
{
    (void) arg;
    (void) why;
    (void) whylen;
    const Mlps__V1__PanelEscalation *e =
        (const Mlps__V1__PanelEscalation *) m->payload;
    const char *v[7] = {NULL, NULL, NULL,     e->session_date,
                        NULL, NULL, e->reason};
    return s_got(c, m, v);
}

static int
s_on_audit(PGconn *c, const cmn_env_msg_t *m, void *arg, char *why,
           size_t whylen)
{
    (void) arg;
    (void) why;
    (void) whylen;
    const Mlps__V1__AuditEvent *e = (const Mlps__V1__AuditEvent *) m->payload;
    char at[24];
    snprintf(at, sizeof at, "%lld", (long long) e->at_us);
    const char *p[7] = {e->service, e->actor,  e->action, e->case_id,
                        e->outcome, e->office, at};
    int err;
    PGresult *r = cmn_pg_exec(c,
                              "INSERT INTO audit (service, actor, action, "
                              "case_id, outcome, office, at_us) VALUES ($1, "
                              "$2, $3, $4, $5, $6, $7)",
                              7, p, &err);
    PQclear(r);
    return err;
}

static const cmn_inbox_handler_t s_handlers[] = {
    {"mlps.v1.PanelDecision", &mlps__v1__panel_decision__descriptor,
     s_on_decision, "service:panel", NULL},
    {"mlps.v1.PanelEscalation", &mlps__v1__panel_escalation__descriptor,
     s_on_escalation, "service:panel", NULL},
    {"mlps.v1.AuditEvent", &mlps__v1__audit_event__descriptor, s_on_audit,
     "service:panel", NULL},
};

extern const cmn_migration_t pnlfake_migrations[];

int
main(int argc, char **argv)
{
    static s_conf_t conf;
    static cmn_svc_def_t def = {
        .schema = "pnlfake",
        .migrations = pnlfake_migrations,
        .handlers = s_handlers,
        .nhandlers = sizeof s_handlers / sizeof s_handlers[0],
    };
    if ((def.name = tst_as(&argc, argv, "pnlfake")) == NULL)
        return 2;
    return cmn_svc_main(&def, s_opts, &conf, &conf.base, NULL, argc, argv);
}

/* kt_recv.c - a receiving test service: applies each numbered message by
 * inserting a row, through the runtime's inbox; its API says how many it
 * applied and who asked. "--as=NAME" runs it under another service name
 * (tst/as.h). */
#include "cmn/log.h"
#include "cmn/pgarray.h"
#include "cmn/svc.h"
#include "kt.pb-c.h"
#include "tst/as.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    cmn_svc_conf_t base;
    long delay_us;
} kt_conf_t;

static const cmn_cfg_opt_t s_opts[] = {
    CMN_SVC_OPTIONS(kt_conf_t, base),
    {"kt.delay-us", CMN_CFG_INT, "0", 0, 10000000,
     offsetof(kt_conf_t, delay_us), "sleep inside each apply (tests)"},
    {NULL, 0, NULL, 0, 0, 0, NULL},
};

typedef struct {
    kt_conf_t conf;
    cmn_svc_t *svc;
} kt_recv_t;

static int
s_apply(PGconn *c, const cmn_env_msg_t *m, void *arg, char *why, size_t whylen)
{
    kt_recv_t *kr = arg;
    const Mlps__Test__KtSeq *seq = (const Mlps__Test__KtSeq *) m->payload;
    if (seq->seq == 0) {
        snprintf(why, whylen, "field \"seq\": must be positive");
        return CMN_EREJECT;
    }
    if (kr->conf.delay_us > 0) {
        struct timespec ts = {kr->conf.delay_us / 1000000,
                              (kr->conf.delay_us % 1000000) * 1000};
        nanosleep(&ts, NULL);
    }
    char s[24];
    snprintf(s, sizeof s, "%llu", (unsigned long long) seq->seq);
    const char *p[3] = {s, m->env->message_id, m->peer.name};
    int err;
    PGresult *r = cmn_pg_exec(c,
                              "INSERT INTO applied (seq, message_id, peer) "
                              "VALUES ($1, $2, $3)",
                              3, p, &err);
    PQclear(r);
    return err;
}

/* Many at once: one INSERT for the run. A zero seq refuses the run; the
 * inbox then applies each with s_apply, which refuses that one only. */
static int
s_apply_many(PGconn *c, const cmn_env_msg_t *const *m, int n, void *arg,
             char *why, size_t whylen)
{
    kt_recv_t *kr = arg;
    cmn_pgarray_t a[3] = {CMN_PGARRAY_INIT, CMN_PGARRAY_INIT, CMN_PGARRAY_INIT};
    int err = 0;
    for (int i = 0; err == 0 && i < n; i++) {
        const Mlps__Test__KtSeq *seq =
            (const Mlps__Test__KtSeq *) m[i]->payload;
        if (seq->seq == 0) {
            snprintf(why, whylen, "field \"seq\": must be positive");
            err = CMN_EREJECT;
            break;
        }
        char s[24];
        snprintf(s, sizeof s, "%llu", (unsigned long long) seq->seq);
        err = cmn_pgarray_add(&a[0], s);
        if (err == 0)
            err = cmn_pgarray_add(&a[1], m[i]->env->message_id);
        if (err == 0)
            err = cmn_pgarray_add(&a[2], m[i]->peer.name);
    }
    if (err == 0 && kr->conf.delay_us > 0) {
        long us = kr->conf.delay_us * n;
        struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
        nanosleep(&ts, NULL);
    }
    if (err == 0) {
        const char *p[3] = {cmn_pgarray_text(&a[0]), cmn_pgarray_text(&a[1]),
                            cmn_pgarray_text(&a[2])};
        PGresult *r = cmn_pg_exec(c,
                                  "INSERT INTO applied (seq, message_id, peer) "
                                  "SELECT * FROM unnest($1::bigint[], "
                                  "$2::uuid[], $3::text[])",
                                  3, p, &err);
        PQclear(r);
    }
    for (int k = 0; k < 3; k++)
        cmn_pgarray_release(&a[k]);
    return err;
}

static const cmn_inbox_handler_t s_handlers[] = {
    {"mlps.test.KtSeq", &mlps__test__kt_seq__descriptor, s_apply,
     "service:ktsend", s_apply_many},
};

/* The count of applied messages and the caller as the runtime proved it:
 * what the trust test asks to see who a request came from. */
static int
s_count(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    (void) arg;
    int err;
    PGresult *r = cmn_pg_exec(c, "SELECT count(*) FROM applied", 0, NULL, &err);
    if (r == NULL)
        return err;
    Mlps__Test__KtCountReply reply = MLPS__TEST__KT_COUNT_REPLY__INIT;
    reply.applied = strtoull(PQgetvalue(r, 0, 0), NULL, 10);
    reply.peer = (char *) m->peer.name;
    reply.via = (char *) m->peer.via;
    err = cmn_api_reply(out, mlps__test__kt_count_reply__descriptor.name,
                        &reply.base);
    PQclear(r);
    return err;
}

/* Staff and offices may ask (a gateway only for one of them). */
static const cmn_api_handler_t s_api_handlers[] = {
    {"mlps.test.KtCountRequest", &mlps__test__kt_count_request__descriptor,
     s_count, "staff,office"},
};

static void
s_stop(cmn_svc_t *svc, void *arg)
{
    (void) svc;
    (void) arg;
}

extern const cmn_migration_t ktrecv_migrations[];

int
main(int argc, char **argv)
{
    static kt_recv_t kr;
    static cmn_svc_def_t def = {
        .schema = "ktrecv",
        .migrations = ktrecv_migrations,
        .handlers = s_handlers,
        .nhandlers = 1,
        .api_handlers = s_api_handlers,
        .napi_handlers = 1,
        .on_stop = s_stop,
    };
    if ((def.name = tst_as(&argc, argv, "ktrecv")) == NULL)
        return 2;
    return cmn_svc_main(&def, s_opts, &kr.conf, &kr.conf.base, &kr, argc, argv);
}

/* kt_send.c - a sending test service: generates numbered messages, each
 * committed with its outbox row in one transaction, and delivers them. */
#include "cmn/log.h"
#include "cmn/pb.h"
#include "cmn/svc.h"
#include "kt.pb-c.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    cmn_svc_conf_t base;
    long total, batch, interval_ms;
    bool generate_only;
    char *dest;
} kt_conf_t;

static const cmn_cfg_opt_t s_opts[] = {
    CMN_SVC_OPTIONS(kt_conf_t, base),
    {"kt.total", CMN_CFG_INT, "10000", 0, 100000000, offsetof(kt_conf_t, total),
     "messages to generate in all"},
    {"kt.batch", CMN_CFG_INT, "50", 1, 10000, offsetof(kt_conf_t, batch),
     "messages per generating transaction"},
    {"kt.interval-ms", CMN_CFG_INT, "100", 1, 60000,
     offsetof(kt_conf_t, interval_ms), "time between transactions"},
    {"kt.generate-only", CMN_CFG_BOOL, "false", 0, 0,
     offsetof(kt_conf_t, generate_only), "stop once all are generated"},
    {"kt.dest", CMN_CFG_STR, "ktrecv", 0, 0, offsetof(kt_conf_t, dest),
     "destination service"},
    {NULL, 0, NULL, 0, 0, 0, NULL},
};

typedef struct {
    kt_conf_t conf;
    cmn_svc_t *svc;
    uv_timer_t timer;
    bool busy, done;
} kt_send_t;

typedef struct {
    kt_send_t *ks;
    long made; /* out: rows generated; -1 when all were there */
} s_gen_t;

static int
s_gen_work(PGconn *c, void *arg)
{
    s_gen_t *g = arg;
    const kt_conf_t *conf = &g->ks->conf;
    int err = cmn_pg_cmd(c, "BEGIN");
    /* One generator at a time, even with several replicas. */
    if (err == 0)
        err = cmn_pg_cmd(c, "SELECT pg_advisory_xact_lock(7001)");
    PGresult *r = err ? NULL
                      : cmn_pg_exec(c, "SELECT coalesce(max(seq), 0) FROM sent",
                                    0, NULL, &err);
    if (r == NULL)
        return err;
    long long next = strtoll(PQgetvalue(r, 0, 0), NULL, 10) + 1;
    PQclear(r);
    long n = 0;
    for (; err == 0 && n < conf->batch && next + n <= conf->total; n++) {
        char seq[24];
        snprintf(seq, sizeof seq, "%lld", next + n);
        const char *p[1] = {seq};
        r = cmn_pg_exec(c, "INSERT INTO sent (seq) VALUES ($1)", 1, p, &err);
        PQclear(r);
        if (err != 0)
            break;
        Mlps__Test__KtSeq m = MLPS__TEST__KT_SEQ__INIT;
        m.seq = (uint64_t) (next + n);
        uint8_t buf[16];
        size_t len = mlps__test__kt_seq__pack(&m, buf);
        cmn_outmsg_t out = {.dest = conf->dest,
                            .type = "mlps.test.KtSeq",
                            .correlation_id = seq,
                            .payload = buf,
                            .payload_len = len};
        err = cmn_outbox_put(c, &out);
    }
    if (err == 0)
        err = cmn_pg_cmd(c, "COMMIT");
    g->made = (err == 0 && n == 0) ? -1 : n;
    return err;
}

static void
s_gen_done(int status, void *arg)
{
    s_gen_t *g = arg;
    kt_send_t *ks = g->ks;
    ks->busy = false;
    if (status == 0 && g->made > 0)
        cmn_svc_kick(ks->svc);
    if (status == 0 && g->made < 0 && !ks->done) {
        ks->done = true;
        cmn_log_info("all %ld messages generated", ks->conf.total);
        if (ks->conf.generate_only)
            cmn_svc_stop(ks->svc);
    }
    free(g);
}

static void
s_on_timer(uv_timer_t *t)
{
    kt_send_t *ks = t->data;
    if (ks->busy || ks->done)
        return;
    s_gen_t *g = calloc(1, sizeof *g);
    if (g == NULL)
        return;
    g->ks = ks;
    if (cmn_db_submit(cmn_svc_db(ks->svc), s_gen_work, s_gen_done, g) != 0) {
        free(g);
        return;
    }
    ks->busy = true;
}

static int
s_start(cmn_svc_t *svc, void *arg)
{
    kt_send_t *ks = arg;
    ks->svc = svc;
    uv_timer_init(cmn_svc_loop(svc), &ks->timer);
    ks->timer.data = ks;
    uv_timer_start(&ks->timer, s_on_timer, 0, (uint64_t) ks->conf.interval_ms);
    return 0;
}

static void
s_stop(cmn_svc_t *svc, void *arg)
{
    (void) svc;
    kt_send_t *ks = arg;
    if (ks->svc != NULL)
        uv_close((uv_handle_t *) &ks->timer, NULL);
}

extern const cmn_migration_t ktsend_migrations[];

int
main(int argc, char **argv)
{
    static kt_send_t ks;
    static const cmn_svc_def_t def = {
        .name = "ktsend",
        .schema = "ktsend",
        .migrations = ktsend_migrations,
        .on_start = s_start,
        .on_stop = s_stop,
    };
    return cmn_svc_main(&def, s_opts, &ks.conf, &ks.conf.base, &ks, argc, argv);
}

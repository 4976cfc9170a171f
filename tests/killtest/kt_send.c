/* kt_send.c - a sending test service: generates numbered messages, each
 * committed with its outbox row in one transaction, and delivers them.
 * "--as=NAME" sends them under another service name (tst/as.h). */
#include "cmn/log.h"
#include "cmn/pb.h"
#include "cmn/svc.h"
#include "kt.pb-c.h"
#include "tst/as.h"
#include "tst/gen.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>

typedef struct {
    cmn_svc_conf_t base;
    long total, batch, interval_ms, refuse_every;
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
    {"kt.refuse-every", CMN_CFG_INT, "0", 0, 100000000,
     offsetof(kt_conf_t, refuse_every),
     "every Nth message says seq 0, which kt_recv refuses (0: none)"},
    {"kt.generate-only", CMN_CFG_BOOL, "false", 0, 0,
     offsetof(kt_conf_t, generate_only), "stop once all are generated"},
    {"kt.dest", CMN_CFG_STR, "ktrecv", 0, 0, offsetof(kt_conf_t, dest),
     "destination service"},
    {NULL, 0, NULL, 0, 0, 0, NULL},
};

typedef struct {
    kt_conf_t conf;
    tst_gen_t gen;
} kt_send_t;

/* Records message n and queues it, in the open transaction. */
static int
s_send_one(PGconn *c, long long n, void *arg)
{
    const kt_conf_t *conf = &((kt_send_t *) arg)->conf;
    char seq[24];
    snprintf(seq, sizeof seq, "%lld", n);
    const char *p[1] = {seq};
    int err;
    PGresult *r =
        cmn_pg_exec(c, "INSERT INTO sent (seq) VALUES ($1)", 1, p, &err);
    PQclear(r);
    if (err != 0)
        return err;
    Mlps__Test__KtSeq m = MLPS__TEST__KT_SEQ__INIT;
    m.seq = conf->refuse_every > 0 && n % conf->refuse_every == 0
                ? 0
                : (uint64_t) n;
    uint8_t buf[16];
    size_t len = mlps__test__kt_seq__pack(&m, buf);
    cmn_outmsg_t out = {.dest = conf->dest,
                        .type = "mlps.test.KtSeq",
                        .correlation_id = seq,
                        .payload = buf,
                        .payload_len = len};
    return cmn_outbox_put(c, &out);
}

static void
s_all_done(cmn_svc_t *svc, void *arg)
{
    const kt_conf_t *conf = &((kt_send_t *) arg)->conf;
    cmn_log_info("all %ld messages generated", conf->total);
    if (conf->generate_only)
        cmn_svc_stop(svc);
}

static int
s_start(cmn_svc_t *svc, void *arg)
{
    kt_send_t *ks = arg;
    ks->gen = (tst_gen_t){.total = ks->conf.total,
                          .batch = ks->conf.batch,
                          .interval_ms = ks->conf.interval_ms,
                          .lock_key = 7001,
                          .item = s_send_one,
                          .on_all_done = s_all_done,
                          .arg = ks};
    return tst_gen_start(&ks->gen, svc);
}

static void
s_stop(cmn_svc_t *svc, void *arg)
{
    (void) svc;
    tst_gen_stop(&((kt_send_t *) arg)->gen);
}

extern const cmn_migration_t ktsend_migrations[];

int
main(int argc, char **argv)
{
    static kt_send_t ks;
    static cmn_svc_def_t def = {
        .schema = "ktsend",
        .migrations = ktsend_migrations,
        .on_start = s_start,
        .on_stop = s_stop,
    };
    if ((def.name = tst_as(&argc, argv, "ktsend")) == NULL)
        return 2;
    return cmn_svc_main(&def, s_opts, &ks.conf, &ks.conf.base, &ks, argc, argv);
}

/* pnl_send.c - sends what review would send the panel, for the panel's
 * integration test. It stands in for review: run it with "--as=review"
 * (tst/as.h) and review's key, so its envelopes say source "review" as
 * the panel requires. Each argument after "--" is one message:
 *   referral:TRACKING:UNIT_CODE:PROPOSED:COMPUTED:REFERRED_ON:VERSION[:REGION]
 *   withdrawal:TRACKING:VERSION
 * (REGION: the unit's GB/T 2260 region code, whose office's jurisdiction
 * the case is in; none when left out)
 * They are committed to the outbox in one transaction, in argument order,
 * then delivered to the peer "panel". Once every one is acknowledged, each
 * is printed as "delivered TYPE TRACKING vN" or "failed TYPE TRACKING vN:
 * REASON". Exit 0 if all were applied, 3 if any was refused, 4 on
 * timeout. */
#include "cmn/log.h"
#include "cmn/pb.h"
#include "cmn/svc.h"
#include "mlps/v1/workflow.pb-c.h"
#include "tst/as.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_FIELDS_MAX 8

typedef struct {
    cmn_svc_conf_t base;
    long timeout_ms;
} s_conf_t;

static const cmn_cfg_opt_t s_opts[] = {
    CMN_SVC_OPTIONS(s_conf_t, base),
    {"send.timeout-ms", CMN_CFG_INT, "30000", 100, 600000,
     offsetof(s_conf_t, timeout_ms), "give up after"},
    {NULL, 0, NULL, 0, 0, 0, NULL},
};

typedef struct {
    s_conf_t conf;
    cmn_svc_t *svc;
    char **msgs;
    int nmsgs;
    long long base_id; /* outbox rows after this one are ours */
    uv_timer_t timer;
    uint64_t deadline;
    bool busy, timing, done;
    int exit_code;
    char *report; /* printed at the end */
} s_send_t;

/* Splits s (modified) at ':' into at most S_FIELDS_MAX fields. */
static int
s_split(char *s, char *f[S_FIELDS_MAX])
{
    int n = 0;
    for (char *p = s; n < S_FIELDS_MAX;) {
        f[n++] = p;
        p = strchr(p, ':');
        if (p == NULL)
            break;
        *p++ = '\0';
    }
    return n;
}

static int
s_put(PGconn *c, const char *tracking, uint64_t version,
      const ProtobufCMessage *msg)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    int err = cmn_pb_pack(msg, &buf, &len);
    if (err != 0)
        return err;
    cmn_outmsg_t m = {.dest = "panel",
                      .type = msg->descriptor->name,
                      .correlation_id = tracking,
                      .case_version = version,
                      .payload = buf,
                      .payload_len = len};
    err = cmn_outbox_put(c, &m);
    free(buf);
    return err;
}

static int
s_put_one(PGconn *c, const char *spec)
{
    char copy[512], *f[S_FIELDS_MAX];
    snprintf(copy, sizeof copy, "%s", spec);
    int n = s_split(copy, f);
    if (strcmp(f[0], "referral") == 0 && (n == 7 || n == 8)) {
        Mlps__V1__PanelReferral r = MLPS__V1__PANEL_REFERRAL__INIT;
        r.tracking_id = f[1];
        r.unit_name = "测试单位";
        r.unit_credit_code = f[2];
        r.system_name = "测试系统";
        r.proposed_level = (uint32_t) strtoul(f[3], NULL, 10);
        r.computed_level = (uint32_t) strtoul(f[4], NULL, 10);
        r.reason = "proposed level differs from the matrix";
        r.referred_on = f[5];
        r.unit_region_code = n == 8 ? f[7] : "";
        return s_put(c, f[1], strtoull(f[6], NULL, 10), &r.base);
    }
    if (strcmp(f[0], "withdrawal") == 0 && n == 3) {
        Mlps__V1__PanelWithdrawal w = MLPS__V1__PANEL_WITHDRAWAL__INIT;
        w.tracking_id = f[1];
        w.reason = "the unit kept its level with a liability notice";
        return s_put(c, f[1], strtoull(f[2], NULL, 10), &w.base);
    }
    cmn_log_error("bad message \"%s\"", spec);
    return CMN_EINVAL;
}

static int
s_put_work(PGconn *c, void *arg)
{
    s_send_t *s = arg;
    int err = cmn_pg_cmd(c, "BEGIN");
    PGresult *r =
        err ? NULL
            : cmn_pg_exec(c, "SELECT coalesce(max(id), 0) FROM outbox", 0, NULL,
                          &err);
    if (r == NULL)
        return err;
    s->base_id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    for (int i = 0; err == 0 && i < s->nmsgs; i++)
        err = s_put_one(c, s->msgs[i]);
    return err == 0 ? cmn_pg_cmd(c, "COMMIT") : err;
}

/* Done when none of ours waits; then the report. */
static int
s_poll_work(PGconn *c, void *arg)
{
    s_send_t *s = arg;
    char base[24];
    snprintf(base, sizeof base, "%lld", s->base_id);
    const char *p[1] = {base};
    int err;
    PGresult *r = cmn_pg_exec(
        c,
        "SELECT count(*) FILTER (WHERE delivered_at IS NULL AND "
        "failed_reason IS NULL), count(*) FILTER (WHERE failed_reason IS NOT "
        "NULL), string_agg(CASE WHEN failed_reason IS NULL THEN 'delivered ' "
        "ELSE 'failed ' END || type || ' ' || correlation_id || ' v' || "
        "case_version || coalesce(': ' || failed_reason, ''), E'\\n' ORDER "
        "BY id) FROM outbox WHERE id > $1",
        1, p, &err);
    if (r == NULL)
        return err;
    if (strcmp(PQgetvalue(r, 0, 0), "0") == 0) {
        s->done = true;
        s->exit_code = strcmp(PQgetvalue(r, 0, 1), "0") == 0 ? 0 : 3;
        s->report = strdup(PQgetvalue(r, 0, 2));
    }
    PQclear(r);
    return 0;
}

static void
s_finish(s_send_t *s, int code)
{
    if (s->timing) {
        uv_close((uv_handle_t *) &s->timer, NULL);
        s->timing = false;
    }
    if (s->report != NULL)
        printf("%s\n", s->report);
    fflush(stdout);
    s->exit_code = code;
    cmn_svc_stop(s->svc);
}

static void
s_poll_done(int status, void *arg)
{
    s_send_t *s = arg;
    s->busy = false;
    if (status == 0 && s->done)
        s_finish(s, s->exit_code);
}

static void
s_on_timer(uv_timer_t *t)
{
    s_send_t *s = t->data;
    if (s->done || s->busy)
        return;
    if (uv_now(t->loop) > s->deadline) {
        cmn_log_error("messages not acknowledged in time");
        s_finish(s, 4);
        return;
    }
    if (cmn_db_submit(cmn_svc_db(s->svc), s_poll_work, s_poll_done, s) == 0)
        s->busy = true;
}

static void
s_put_done(int status, void *arg)
{
    s_send_t *s = arg;
    s->busy = false;
    if (status != 0) {
        cmn_log_error("could not queue the messages: %s", cmn_strerror(status));
        s_finish(s, 2);
        return;
    }
    cmn_svc_kick(s->svc);
}

static int
s_start(cmn_svc_t *svc, void *arg)
{
    s_send_t *s = arg;
    s->svc = svc;
    if (cmn_svc_outbox(svc, "panel") == NULL) {
        cmn_log_error("\"peers\" must name panel");
        return CMN_ECONFIG;
    }
    (void) uv_timer_init(cmn_svc_loop(svc), &s->timer);
    s->timer.data = s;
    s->timing = true;
    s->deadline = uv_now(cmn_svc_loop(svc)) + (uint64_t) s->conf.timeout_ms;
    /* Fails only on a closing handle; this one was just opened. */
    (void) uv_timer_start(&s->timer, s_on_timer, 100, 50);
    int err = cmn_db_submit(cmn_svc_db(svc), s_put_work, s_put_done, s);
    if (err == 0)
        s->busy = true;
    return err;
}

static void
s_stop(cmn_svc_t *svc, void *arg)
{
    (void) svc;
    s_send_t *s = arg;
    if (s->timing) {
        uv_close((uv_handle_t *) &s->timer, NULL);
        s->timing = false;
    }
}

extern const cmn_migration_t pnlsend_migrations[];

int
main(int argc, char **argv)
{
    static s_send_t s;
    static cmn_svc_def_t def = {
        .schema = "pnlsend",
        .migrations = pnlsend_migrations,
        .on_start = s_start,
        .on_stop = s_stop,
    };
    if ((def.name = tst_as(&argc, argv, "pnlsend")) == NULL)
        return 2;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--") == 0) {
            s.msgs = argv + i + 1;
            s.nmsgs = argc - i - 1;
            break;
        }
    if (s.nmsgs == 0) {
        fprintf(stderr, "usage: pnl_send OPTIONS -- MESSAGE...\n");
        return 2;
    }
    int rc = cmn_svc_main(&def, s_opts, &s.conf, &s.conf.base, &s, argc, argv);
    free(s.report);
    return rc != 0 ? rc : s.exit_code;
}

/* svc.c - service skeleton: the start in order (config, migrations,
 * CURVE, pool, inbox, outboxes, API), the accessors, signals and an
 * orderly stop. The steps live in svc_boot.c, svc_peers.c, svc_clock.c. */
#include "svc_internal.h"

#include "cmn/audit.h"
#include "cmn/log.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#define S_STOP_GRACE_MS 10000

uv_loop_t *
cmn_svc_loop(cmn_svc_t *svc)
{
    return &svc->loop;
}

cmn_db_t *
cmn_svc_db(cmn_svc_t *svc)
{
    return svc->db;
}

const cmn_svc_conf_t *
cmn_svc_conf(cmn_svc_t *svc)
{
    return svc->conf;
}

const cmn_registry_t *
cmn_svc_registry(cmn_svc_t *svc)
{
    return svc->registry;
}

const dom_hierarchy_t *
cmn_svc_hierarchy(cmn_svc_t *svc)
{
    return svc->hierarchy;
}

bool
cmn_svc_covers(const cmn_svc_t *svc, const cmn_ident_t *who,
               const char *region_code)
{
    if (who->kind == CMN_KIND_DEV)
        return true;
    if (who->kind != CMN_KIND_OFFICE && who->kind != CMN_KIND_STAFF)
        return false;
    if (svc->hierarchy == NULL)
        return strcmp(who->office, svc->conf->office) == 0;
    return dom_hierarchy_covers(svc->hierarchy, who->office, region_code);
}

static void
s_on_commit(void *arg)
{
    cmn_svc_kick(arg);
}

static bool
s_quiet(const cmn_svc_t *svc)
{
    if (svc->inbox != NULL && !cmn_inbox_idle(svc->inbox))
        return false;
    if (svc->api != NULL && !cmn_api_idle(svc->api))
        return false;
    for (int i = 0; i < svc->nout; i++)
        if (!cmn_outbox_idle(svc->out[i]))
            return false;
    return svc->db == NULL || cmn_db_running(svc->db) == 0;
}

/* Closes h unless it is closing or was never opened: svc was zeroed, and
 * a handle's loop is set only by an init that succeeded. */
static void
s_close_open(uv_handle_t *h)
{
    if (h->loop != NULL && !uv_is_closing(h))
        uv_close(h, NULL);
}

static void
s_teardown(cmn_svc_t *svc)
{
    cmn__svc_close_every(svc);
    cmn_inbox_destroy(&svc->inbox);
    cmn_api_destroy(&svc->api);
    for (int i = 0; i < svc->nout; i++) {
        cmn_outbox_destroy(&svc->out[i]);
        free(svc->dest[i]);
        free(svc->alias[i]);
    }
    svc->nout = 0;
    cmn_db_destroy(&svc->db);
    cmn_zap_destroy(&svc->zap);
    cmn_registry_destroy(&svc->registry);
    dom_hierarchy_destroy(&svc->hierarchy);
    memset(svc->secret, 0, sizeof svc->secret);
    s_close_open((uv_handle_t *) &svc->stop_timer);
    s_close_open((uv_handle_t *) &svc->sigterm);
    s_close_open((uv_handle_t *) &svc->sigint);
}

static void
s_on_stop_timer(uv_timer_t *t)
{
    cmn_svc_t *svc = t->data;
    if (s_quiet(svc) && !svc->quiet_called && svc->def->on_quiet != NULL) {
        svc->quiet_called = true;
        if (svc->def->on_quiet(svc, svc->arg)) {
            /* Its job runs: quiet again after it, with a grace of its own. */
            svc->stop_deadline = uv_now(&svc->loop) + S_STOP_GRACE_MS;
            return;
        }
    }
    if (s_quiet(svc)) {
        cmn_log_info("stopped");
        s_teardown(svc);
    } else if (uv_now(&svc->loop) > svc->stop_deadline) {
        /* Work still running has not committed; it will be redone. */
        cmn_log_warn("stop grace period over with work running; exiting");
        exit(1);
    }
}

void
cmn_svc_stop(cmn_svc_t *svc)
{
    if (svc->stopping)
        return;
    svc->stopping = true;
    cmn_log_info("stopping");
    if (svc->inbox != NULL) {
        cmn_inbox_stats_t st;
        cmn_inbox_stats(svc->inbox, &st);
        cmn_log_info(
            "inbox stats received=%llu applied=%llu duplicates=%llu "
            "rejected=%llu retried=%llu bad_frames=%llu refused=%llu",
            (unsigned long long) st.received, (unsigned long long) st.applied,
            (unsigned long long) st.duplicates,
            (unsigned long long) st.rejected, (unsigned long long) st.retried,
            (unsigned long long) st.bad_frames,
            (unsigned long long) st.refused);
    }
    if (svc->zap != NULL) {
        unsigned long allowed, refused;
        cmn_zap_stats(svc->zap, &allowed, &refused);
        cmn_log_info("zap stats allowed=%lu refused=%lu", allowed, refused);
    }
    for (int i = 0; i < svc->nout; i++) {
        cmn_outbox_stats_t st;
        cmn_outbox_stats(svc->out[i], &st);
        cmn_log_info(
            "outbox stats dest=%s sent=%llu acked=%llu failed=%llu "
            "retried=%llu claims=%llu",
            svc->dest[i], (unsigned long long) st.sent,
            (unsigned long long) st.acked, (unsigned long long) st.failed,
            (unsigned long long) st.retried, (unsigned long long) st.claims);
    }
    if (svc->def->on_stop != NULL)
        svc->def->on_stop(svc, svc->arg);
    cmn__svc_close_every(svc);
    if (svc->inbox != NULL)
        cmn_inbox_stop(svc->inbox);
    if (svc->api != NULL)
        cmn_api_stop(svc->api);
    for (int i = 0; i < svc->nout; i++)
        cmn_outbox_stop(svc->out[i]);
    svc->stop_deadline = uv_now(&svc->loop) + S_STOP_GRACE_MS;
    /* Fails only on a closing handle: the stop timer closes in teardown,
     * after which svc->stopping has kept us from here. */
    (void) uv_timer_start(&svc->stop_timer, s_on_stop_timer, 0, 10);
}

static void
s_on_signal(uv_signal_t *h, int signum)
{
    (void) signum;
    cmn_svc_stop(h->data);
}

#define S_PURGE_BATCH   5000 /* rows a purge transaction deletes at most */
#define S_PURGE_BATCHES 20   /* transactions a purge runs at most */

/* Delivered outbox rows are history once acknowledged; keep a while.
 * Deleted S_PURGE_BATCH at a time in id order (the primary key's index:
 * the oldest rows first, and a batch walks past the ones the last batch
 * deleted in the index, not in a scan of the table), each batch its own
 * transaction, so a week of a busy office's rows is not one long
 * transaction and one burst of WAL; what is left after S_PURGE_BATCHES
 * (a second or so) goes at the next tick, and a stop is not held up. */
static int
s_purge_work(PGconn *conn, void *arg)
{
    const cmn_svc_t *svc = arg;
    char days[24], batch[24];
    int err = 0;
    long total = 0, n = S_PURGE_BATCH;
    snprintf(days, sizeof days, "%ld", svc->conf->outbox_keep_days);
    snprintf(batch, sizeof batch, "%d", S_PURGE_BATCH);
    const char *p[2] = {days, batch};
    for (int i = 0; err == 0 && n == S_PURGE_BATCH && i < S_PURGE_BATCHES;
         i++) {
        PGresult *r = cmn_pg_exec(
            conn,
            "DELETE FROM outbox WHERE id = ANY(ARRAY(SELECT id FROM outbox "
            "WHERE delivered_at < now() - $1::integer * interval '1 day' "
            "ORDER BY id LIMIT $2::integer))",
            2, p, &err);
        n = r != NULL ? atol(PQcmdTuples(r)) : 0;
        total += n;
        PQclear(r);
    }
    if (total > 0)
        cmn_log_info("purged %ld delivered outbox rows", total);
    return err;
}

/* The signal handlers and the stop timer; 0 or CMN_ECONFIG (logged).
 * Whatever was opened is closed by s_teardown. */
static int
s_start_loop(cmn_svc_t *svc)
{
    (void) uv_timer_init(&svc->loop, &svc->stop_timer); /* always 0 */
    svc->sigterm.data = svc->sigint.data = svc->stop_timer.data = svc;
    int uerr = uv_signal_init(&svc->loop, &svc->sigterm);
    if (uerr == 0)
        uerr = uv_signal_init(&svc->loop, &svc->sigint);
    if (uerr == 0)
        uerr = uv_signal_start(&svc->sigterm, s_on_signal, SIGTERM);
    if (uerr == 0)
        uerr = uv_signal_start(&svc->sigint, s_on_signal, SIGINT);
    if (uerr == 0)
        return 0;
    cmn_log_error("could not handle SIGTERM and SIGINT: %s", uv_strerror(uerr));
    return CMN_ECONFIG;
}

static int
s_start(cmn_svc_t *svc)
{
    const cmn_svc_conf_t *c = svc->conf;
    int rc = 0;
    char sql[128];
    if (c->db_admin_url[0] != '\0' && (rc = cmn__svc_migrate(svc)) != 0)
        return rc;
    if ((rc = cmn__svc_start_curve(svc)) != 0 ||
        (rc = cmn__svc_load_hierarchy(svc)) != 0)
        return rc;
    svc->db = cmn_db_new(&svc->loop, c->db_url, (int) c->db_pool, &rc);
    if (svc->db == NULL)
        return rc;
    /* No JIT: a service runs short statements, and the planner's cost of
     * one over a 500-element array (a batch's lookup) passed the JIT
     * threshold, compiling 50 ms of code for a 5 ms query each time. */
    snprintf(sql, sizeof sql,
             "SELECT set_config('search_path', '%s', false), "
             "set_config('jit', 'off', false)",
             svc->def->schema);
    if ((rc = cmn_db_set_session_sql(svc->db, sql)) != 0)
        return rc;
    if (c->listen[0] != '\0' && svc->def->nhandlers > 0) {
        cmn_inbox_opts_t io = {
            .endpoints = c->listen,
            .handlers = svc->def->handlers,
            .nhandlers = svc->def->nhandlers,
            .arg = svc->arg,
            .max_frame = (size_t) c->frame_max,
            .batch = (int) c->inbox_batch,
            .concurrency = (int) c->inbox_concurrency,
            .on_commit = s_on_commit,
            .commit_arg = svc,
            .curve_secret = svc->curve ? svc->secret : NULL,
            .registry = svc->registry,
        };
        svc->inbox = cmn_inbox_new(&svc->loop, svc->zctx, svc->db, &io, &rc);
        if (svc->inbox == NULL)
            return rc;
    }
    if (c->peers[0] != '\0' && (rc = cmn__svc_open_peers(svc)) != 0)
        return rc;
    if ((rc = cmn__svc_check_peers(svc)) != 0)
        return rc;
    if (svc->nout > 0 && c->outbox_keep_days > 0 &&
        (rc = cmn_svc_every(svc, (uint64_t) c->outbox_purge_ms,
                            (uint64_t) c->outbox_purge_ms, s_purge_work,
                            svc)) != 0)
        return rc;
    if (c->api[0] != '\0' && svc->def->napi_handlers > 0) {
        cmn_api_opts_t ao = {
            .service = svc->def->name,
            .endpoints = c->api,
            .max_frame = (size_t) c->frame_max,
            .curve_secret = svc->curve ? svc->secret : NULL,
            .registry = svc->registry,
        };
        svc->api = cmn_api_new(&svc->loop, svc->zctx, svc->db, &ao,
                               svc->def->api_handlers, svc->def->napi_handlers,
                               svc->arg, s_on_commit, svc, &rc);
        if (svc->api == NULL)
            return rc;
    }
    if (svc->def->on_start != NULL)
        rc = svc->def->on_start(svc, svc->arg);
    return rc;
}

int
cmn_svc_main(const cmn_svc_def_t *def, const cmn_cfg_opt_t *opts, void *conf,
             cmn_svc_conf_t *base, void *arg, int argc, char **argv)
{
    char err[512];
    cmn_svc_t svc_store, *svc = &svc_store;
    int rc;
    memset(svc, 0, sizeof *svc);
    cmn_log_init(def->name, CMN_LOG_INFO);
    rc = cmn_cfg_load(opts, conf, argc, argv, NULL, err, sizeof err);
    if (rc == CMN_ECANCELED)
        return 0;
    if (rc != 0) {
        cmn_log_error("%s", err);
        return 2;
    }
    int level = cmn_log_level_parse(base->log_level);
    if (level < 0) {
        cmn_log_error("\"log.level\" must be debug, info, warn or error");
        cmn_cfg_release(opts, conf);
        return 2;
    }
    cmn_log_init(def->name, (cmn_log_level_t) level);
    dom_date_t pinned;
    if (base->today[0] != '\0' && dom_date_parse(base->today, &pinned) != 0) {
        cmn_log_error("\"clock.today\" must be a date YYYY-MM-DD");
        cmn_cfg_release(opts, conf);
        return 2;
    }
    setenv("TZ", base->tz, 1);
    tzset();
    signal(SIGPIPE, SIG_IGN);
    svc->def = def;
    svc->conf = base;
    cmn_audit_origin(def->name, base->office);
    svc->arg = arg != NULL ? arg : svc;
    int uerr = uv_loop_init(&svc->loop);
    if (uerr != 0 || (svc->zctx = zmq_ctx_new()) == NULL) {
        cmn_log_error("could not make the event loop: %s",
                      uerr != 0 ? uv_strerror(uerr)
                                : zmq_strerror(zmq_errno()));
        if (uerr == 0)
            (void) uv_loop_close(&svc->loop); /* nothing open on it yet */
        cmn_cfg_release(opts, conf);
        return 1;
    }
    rc = s_start_loop(svc);
    if (rc == 0)
        rc = s_start(svc);
    if (rc != 0) {
        cmn_log_error("could not start: %s", cmn_strerror(rc));
        svc->stopping = true;
        if (def->on_stop != NULL)
            def->on_stop(svc, svc->arg);
        s_teardown(svc);
    } else {
        cmn_log_info("started");
    }
    uv_run(&svc->loop, UV_RUN_DEFAULT);
    if ((uerr = uv_loop_close(&svc->loop)) != 0)
        cmn_log_warn("event loop closed with handles open: %s",
                     uv_strerror(uerr));
    zmq_ctx_term(svc->zctx);
    cmn_cfg_release(opts, conf);
    return rc == 0 ? 0 : 1;
}

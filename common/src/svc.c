/* svc.c - service skeleton: config, migrations, pool, inbox, outboxes,
 * signals and an orderly stop. */
#include "cmn/svc.h"
#include "cmn/audit.h"
#include "cmn/curve.h"
#include "cmn/file.h"
#include "cmn/log.h"
#include "cmn/secret.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#define S_STOP_GRACE_MS 10000
#define S_MAX_EVERY     4

typedef struct {
    uv_timer_t timer;
    struct cmn_svc *svc;
    cmn_db_work_fn work;
    void *arg;
    bool busy;
} s_every_t;

struct cmn_svc {
    const cmn_svc_def_t *def;
    const cmn_svc_conf_t *conf;
    void *arg;
    uv_loop_t loop;
    void *zctx;
    cmn_db_t *db;
    cmn_inbox_t *inbox;
    cmn_api_t *api;
    cmn_outbox_t *out[CMN_SVC_MAX_PEERS];
    char *dest[CMN_SVC_MAX_PEERS];
    char *alias[CMN_SVC_MAX_PEERS]; /* dest's bare name, or NULL */
    int nout;
    cmn_zap_t *zap;
    cmn_registry_t *registry;
    dom_hierarchy_t *hierarchy;
    char secret[CMN_CURVE_KEYLEN + 1], public_key[CMN_CURVE_KEYLEN + 1];
    bool curve; /* every socket is CURVE (not curve.dev-plain) */
    s_every_t every[S_MAX_EVERY];
    int nevery;
    uv_signal_t sigterm, sigint;
    uv_timer_t stop_timer;
    uint64_t stop_deadline;
    bool stopping;
};

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

/* Reads office.hierarchy, when set; this office must be in it. */
static int
s_load_hierarchy(cmn_svc_t *svc)
{
    const char *path = svc->conf->hierarchy;
    char *text = NULL, why[512];
    size_t len = 0;
    if (path[0] == '\0')
        return 0;
    int rc = cmn_file_read(path, DOM_HIERARCHY_MAX_BYTES, &text, &len, why,
                           sizeof why);
    if (rc == 0 && (svc->hierarchy = dom_hierarchy_parse(text, len, path, why,
                                                         sizeof why)) == NULL)
        rc = CMN_ECONFIG;
    free(text);
    if (rc == 0 && svc->conf->office[0] != '\0' &&
        dom_hierarchy_office(svc->hierarchy, svc->conf->office) == NULL) {
        snprintf(why, sizeof why, "office %s is not in \"%s\"",
                 svc->conf->office, path);
        rc = CMN_ECONFIG;
    }
    if (rc != 0)
        cmn_log_error("\"office.hierarchy\": %s", why);
    return rc;
}

cmn_outbox_t *
cmn_svc_outbox(cmn_svc_t *svc, const char *dest)
{
    for (int i = 0; i < svc->nout; i++)
        if (strcmp(svc->dest[i], dest) == 0 ||
            (svc->alias[i] != NULL && strcmp(svc->alias[i], dest) == 0))
            return svc->out[i];
    return NULL;
}

static int
s_every_work(PGconn *conn, void *arg)
{
    s_every_t *e = arg;
    return e->work(conn, e->arg);
}

static void
s_every_done(int status, void *arg)
{
    s_every_t *e = arg;
    e->busy = false;
    if (status == 0)
        cmn_svc_kick(e->svc);
}

static void
s_on_every(uv_timer_t *t)
{
    s_every_t *e = t->data;
    if (e->busy || e->svc->stopping)
        return;
    if (cmn_db_submit(e->svc->db, s_every_work, s_every_done, e) == 0)
        e->busy = true;
}

int
cmn_svc_every(cmn_svc_t *svc, uint64_t first_ms, uint64_t every_ms,
              cmn_db_work_fn work, void *arg)
{
    if (svc->nevery == S_MAX_EVERY || work == NULL || every_ms == 0)
        return CMN_EINVAL;
    s_every_t *e = &svc->every[svc->nevery++];
    e->svc = svc;
    e->work = work;
    e->arg = arg;
    (void) uv_timer_init(&svc->loop, &e->timer); /* always 0 */
    e->timer.data = e;
    /* Fails only on a closing handle; this one was just opened. */
    (void) uv_timer_start(&e->timer, s_on_every, first_ms, every_ms);
    return 0;
}

dom_date_t
cmn_svc_today(const cmn_svc_conf_t *conf)
{
    dom_date_t d;
    if (conf->today != NULL && conf->today[0] != '\0' &&
        dom_date_parse(conf->today, &d) == 0)
        return d;
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm); /* TZ was set from clock.tz at start */
    if (dom_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, &d) !=
        0)
        d = DOM_DATE_NEVER; /* outside 0001..9999: never on a real clock */
    return d;
}

int64_t
cmn_svc_now_us(const cmn_svc_conf_t *conf)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now = (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
    dom_date_t pinned;
    if (conf->today == NULL || conf->today[0] == '\0' ||
        dom_date_parse(conf->today, &pinned) != 0)
        return now;
    time_t t = ts.tv_sec;
    struct tm tm;
    dom_date_t real;
    localtime_r(&t, &tm);
    if (dom_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                          &real) != 0)
        return now;
    return now + ((int64_t) pinned - (int64_t) real) * 86400 * 1000000;
}

void
cmn_svc_kick(cmn_svc_t *svc)
{
    for (int i = 0; i < svc->nout && !svc->stopping; i++)
        cmn_outbox_kick(svc->out[i]);
}

static void
s_on_commit(void *arg)
{
    cmn_svc_kick(arg);
}

/* First line of db.svc-password-file becomes the service role's password. */
static int
s_set_password(PGconn *c, const cmn_svc_t *svc, char *why, size_t whylen)
{
    char pw[256] = "";
    FILE *f = fopen(svc->conf->db_password_file, "r");
    if (f == NULL || fgets(pw, sizeof pw, f) == NULL || pw[0] == '\n') {
        snprintf(why, whylen, "could not read a password from \"%s\"",
                 svc->conf->db_password_file);
        if (f != NULL)
            fclose(f);
        return CMN_ECONFIG;
    }
    fclose(f);
    pw[strcspn(pw, "\r\n")] = '\0';
    int rc = cmn_migrate_password(c, svc->def->schema, pw, why, whylen);
    memset(pw, 0, sizeof pw);
    return rc;
}

static int
s_migrate(const cmn_svc_t *svc)
{
    int rc = 0, applied = 0;
    char why[512];
    /* A committed example password is refused before anything is done. */
    if (svc->conf->db_password_file[0] != '\0' &&
        cmn_secret_check_file(svc->conf->db_password_file, why, sizeof why)) {
        cmn_log_error("\"db.svc-password-file\": %s", why);
        return CMN_ECONFIG;
    }
    /* The database may still be starting: try for a while before giving up
     * (a supervisor restarts us after that). */
    PGconn *c =
        cmn_pg_connect(svc->conf->db_admin_url, 20, 500, why, sizeof why);
    if (c == NULL) {
        cmn_log_error("could not connect to migrate: %s", why);
        return CMN_EDBCONN;
    }
    const cmn_migration_t *sets[3] = {common_migrations, svc->def->migrations,
                                      NULL};
    rc = cmn_migrate(c, svc->def->schema, sets, &applied, why, sizeof why);
    if (rc == 0 && svc->conf->db_password_file[0] != '\0')
        rc = s_set_password(c, svc, why, sizeof why);
    if (rc != 0)
        cmn_log_error("could not migrate schema \"%s\": %s", svc->def->schema,
                      why);
    else
        cmn_log_info("schema \"%s\" is current (%d migrations applied)",
                     svc->def->schema, applied);
    PQfinish(c);
    return rc;
}

/* The destination of peer "name[@office]" into dest (the whole entry: a
 * service of another office is "intake@110108", this office's "review"),
 * and its public key, the registry identity name@office (this office by
 * default), into key; 0, or -1 (logged). */
static int
s_peer_key(const cmn_svc_t *svc, const char *peer, char dest[41],
           char key[CMN_CURVE_KEYLEN + 1])
{
    char ident[CMN_IDENT_MAX + 1];
    const char *at = strchr(peer, '@');
    size_t n = at ? (size_t) (at - peer) : strlen(peer);
    if (n == 0 || n > 32 || strlen(peer) > 40 || (at && strlen(at + 1) != 6)) {
        cmn_log_error("bad \"peers\" entry \"%s\": a service name, or "
                      "NAME@OFFICE",
                      peer);
        return -1;
    }
    snprintf(dest, 41, "%s", peer);
    snprintf(ident, sizeof ident, "%.*s@%s", (int) n, peer,
             at ? at + 1 : svc->conf->office);
    if (!svc->curve)
        return 0;
    const cmn_ident_t *id = cmn_registry_find(svc->registry, ident);
    if (id == NULL || id->kind != CMN_KIND_SERVICE ||
        cmn_ident_key_text(id, key) != 0) {
        cmn_log_error("\"peers\": the registry has no service \"%s\"", ident);
        return -1;
    }
    return 0;
}

/* The alias of peer entry NAME@OFFICE in peers: NAME, when no other entry
 * is NAME or NAME@ANOTHER (into alias[33]; "" when it has none). */
static void
s_alias(const char *peers, const char *entry, char alias[33])
{
    const char *at = strchr(entry, '@');
    size_t n = at ? (size_t) (at - entry) : 0;
    int same = 0;
    alias[0] = '\0';
    if (at == NULL || n > 32)
        return;
    for (const char *p = peers; p && *p;
         p = strchr(p, ';') ? strchr(p, ';') + 1 : NULL)
        if (strncmp(p, entry, n) == 0 && (p[n] == '@' || p[n] == '='))
            same++;
    if (same == 1)
        snprintf(alias, 33, "%.*s", (int) n, entry);
}

/* "dest=ep,ep;dest2=ep" -> one dispatcher each. */
static int
s_open_peers(cmn_svc_t *svc)
{
    char *copy = strdup(svc->conf->peers), *save = NULL;
    int rc = 0;
    if (copy == NULL)
        return CMN_ENOMEM;
    for (char *p = strtok_r(copy, ";", &save); p && rc == 0;
         p = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(p, '=');
        if (eq == NULL || eq == p || svc->nout == CMN_SVC_MAX_PEERS) {
            cmn_log_error("bad \"peers\" entry \"%s\": expected name=endpoint",
                          p);
            rc = CMN_ECONFIG;
            break;
        }
        *eq = '\0';
        const cmn_svc_conf_t *c = svc->conf;
        char server_key[CMN_CURVE_KEYLEN + 1], dest[41];
        if (s_peer_key(svc, p, dest, server_key) != 0) {
            rc = CMN_ECONFIG;
            break;
        }
        bool curve = svc->curve;
        char alias[33];
        s_alias(svc->conf->peers, dest, alias);
        cmn_outbox_opts_t o = {
            .source = svc->def->name,
            .office = c->office,
            .dest = dest,
            .alias = alias[0] ? alias : NULL,
            .endpoints = eq + 1,
            .batch = (int) c->outbox_batch,
            .lease_ms = (int) c->outbox_lease_ms,
            .poll_ms = (int) c->outbox_poll_ms,
            .max_batches = (int) c->outbox_batches,
            .curve_secret = curve ? svc->secret : NULL,
            .curve_public = curve ? svc->public_key : NULL,
            .curve_server = curve ? server_key : NULL,
        };
        svc->out[svc->nout] =
            cmn_outbox_new(&svc->loop, svc->zctx, svc->db, &o, &rc);
        if (svc->out[svc->nout] != NULL &&
            (svc->dest[svc->nout] = strdup(dest)) != NULL &&
            (alias[0] == '\0' ||
             (svc->alias[svc->nout] = strdup(alias)) != NULL))
            svc->nout++;
        else if (rc == 0)
            rc = CMN_ENOMEM;
    }
    free(copy);
    return rc;
}

/* Every peer the definition requires is among "peers" (by its name, or
 * its alias: a peer of another office, "audit@110100"). */
static int
s_check_peers(const cmn_svc_t *svc)
{
    const char *const *need = svc->def->peers;
    char list[256] = "";
    size_t at = 0;
    bool missing = false;
    for (size_t i = 0; need != NULL && need[i] != NULL; i++) {
        const char *sep = i == 0 ? "" : need[i + 1] ? ", " : " and ";
        if (at < sizeof list)
            at += (size_t) snprintf(list + at, sizeof list - at, "%s%s", sep,
                                    need[i]);
        missing |= cmn_svc_outbox((cmn_svc_t *) svc, need[i]) == NULL;
    }
    if (!missing)
        return 0;
    cmn_log_error("\"peers\" must name %s", list);
    return CMN_ECONFIG;
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

static void
s_close_every(cmn_svc_t *svc)
{
    for (int i = 0; i < svc->nevery; i++)
        if (!uv_is_closing((uv_handle_t *) &svc->every[i].timer))
            uv_close((uv_handle_t *) &svc->every[i].timer, NULL);
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
    s_close_every(svc);
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
    s_close_every(svc);
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

/* Delivered outbox rows are history once acknowledged; keep a while. */
static int
s_purge_work(PGconn *conn, void *arg)
{
    const cmn_svc_t *svc = arg;
    char days[24];
    int err;
    snprintf(days, sizeof days, "%ld", svc->conf->outbox_keep_days);
    const char *p[1] = {days};
    PGresult *r = cmn_pg_exec(conn,
                              "DELETE FROM outbox WHERE delivered_at < now() "
                              "- $1::integer * interval '1 day'",
                              1, p, &err);
    if (r != NULL && atoi(PQcmdTuples(r)) > 0)
        cmn_log_info("purged %s delivered outbox rows", PQcmdTuples(r));
    PQclear(r);
    return err;
}

/* Keys, the registry, and the ZAP handler before any CURVE socket binds. */
static int
s_start_curve(cmn_svc_t *svc)
{
    const cmn_svc_conf_t *c = svc->conf;
    char why[512];
    if (c->curve_dev_plain) {
        cmn_log_warn("curve.dev-plain: every socket is PLAIN and every caller "
                     "is trusted; for development on one machine only, "
                     "never for a deployment");
        return 0;
    }
    if (c->curve_secret_file[0] == '\0' || c->curve_registry[0] == '\0') {
        cmn_log_error("every socket is CURVE: \"curve.secret-key-file\" and "
                      "\"curve.registry\" are required (curve.dev-plain, for "
                      "development only, turns CURVE off)");
        return CMN_ECONFIG;
    }
    if (cmn_curve_load(c->curve_secret_file, svc->secret, svc->public_key, why,
                       sizeof why) != 0 ||
        cmn_secret_check_curve(c->curve_secret_file, svc->secret, why,
                               sizeof why) != 0) {
        cmn_log_error("%s", why);
        return CMN_ECONFIG;
    }
    svc->registry = cmn_registry_load(c->curve_registry, why, sizeof why);
    if (svc->registry == NULL) {
        cmn_log_error("\"curve.registry\": %s", why);
        return CMN_ECONFIG;
    }
    svc->zap =
        cmn_zap_new(&svc->loop, svc->zctx, svc->registry, why, sizeof why);
    if (svc->zap == NULL) {
        cmn_log_error("%s", why);
        return CMN_ECONFIG;
    }
    svc->curve = true;
    cmn_log_info("CURVE public key %s", svc->public_key);
    return 0;
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
    if (c->db_admin_url[0] != '\0' && (rc = s_migrate(svc)) != 0)
        return rc;
    if ((rc = s_start_curve(svc)) != 0 || (rc = s_load_hierarchy(svc)) != 0)
        return rc;
    svc->db = cmn_db_new(&svc->loop, c->db_url, (int) c->db_pool, &rc);
    if (svc->db == NULL)
        return rc;
    snprintf(sql, sizeof sql, "SET search_path TO %s", svc->def->schema);
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
    if (c->peers[0] != '\0' && (rc = s_open_peers(svc)) != 0)
        return rc;
    if ((rc = s_check_peers(svc)) != 0)
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

/* svc.h - the skeleton every mlps service runs in.
 *
 * cmn_svc_main() loads the configuration (common options plus the
 * service's own), starts logging, migrates the service's schema when an
 * admin connection is configured (and sets the service role's password
 * from db.svc-password-file, refused before anything is done when it is a
 * committed example, cmn/secret.h), opens the connection pool as the
 * service's own role, binds the inbox, connects one outbox dispatcher per
 * peer, and runs the libuv loop until SIGTERM or SIGINT.
 *
 * Every socket is CURVE: the service's key is curve.secret-key-file, and
 * curve.registry (cmn/ident.h) says who may connect and as whom, and gives
 * each peer's public key (peer "name[@office]" is the registry identity
 * name@office, this office by default). curve.dev-plain turns every
 * socket plain, for development only, and says so at start. Shutdown stops
 * taking work, lets running transactions finish and acknowledges them, then
 * closes everything: nothing committed is lost, nothing hangs. */
#ifndef CMN_SVC_H
#define CMN_SVC_H
#include "cmn/api.h"
#include "cmn/config.h"
#include "cmn/db.h"
#include "cmn/ident.h"
#include "cmn/inbox.h"
#include "cmn/migrate.h"
#include "cmn/outbox.h"
#include "dom/date.h"
#include "dom/hierarchy.h"

#include <stddef.h>
#include <uv.h>

#define CMN_SVC_MAX_PEERS 8

/* Settings every service has; embed as a member of the service's struct. */
typedef struct {
    char *log_level;
    char *db_url;           /* as the service's own role */
    char *db_admin_url;     /* optional: create and migrate the schema first */
    char *db_password_file; /* optional: set the service role's password */
    long db_pool;
    char *listen;    /* inbox endpoints to bind; "" = none */
    char *api;       /* request/reply endpoints to bind; "" = none */
    char *peers;     /* "dest=ep[,ep];dest2=ep" outbox destinations */
    char *office;    /* the office this instance serves, e.g. "110108" */
    char *hierarchy; /* the office hierarchy (JSON, dom/hierarchy.h) */
    long frame_max;
    long outbox_batch, outbox_lease_ms, outbox_poll_ms, outbox_batches;
    long inbox_batch, inbox_concurrency;
    long outbox_keep_days;   /* delivered rows are purged after this long */
    long outbox_purge_ms;    /* ... looked for this often */
    char *curve_secret_file; /* this service's CURVE secret key */
    char *curve_registry;    /* the key registry (cmn/ident.h) */
    bool curve_dev_plain;    /* plain sockets, every caller trusted */
    char *today; /* "YYYY-MM-DD" pins the office's date (tests, demos) */
    char *tz;    /* time zone of the office's calendar day */
} cmn_svc_conf_t;

/* Option table entries for a cmn_svc_conf_t member m of struct type T. */
/* clang-format off */
#define CMN_SVC_OPTIONS(T, m)                                                  \
    {"log.level", CMN_CFG_STR, "info", 0, 0, offsetof(T, m.log_level),         \
     "debug, info, warn or error"},                                            \
    {"db.url", CMN_CFG_STR, NULL, 0, 0, offsetof(T, m.db_url),                 \
     "libpq connection string, as this service's role"},                       \
    {"db.admin-url", CMN_CFG_STR, "", 0, 0, offsetof(T, m.db_admin_url),       \
     "if set, create and migrate the schema with it at start"},                \
    {"db.svc-password-file", CMN_CFG_STR, "", 0, 0,                            \
     offsetof(T, m.db_password_file),                                          \
     "with db.admin-url: set the service role's password from this file"},     \
    {"db.pool", CMN_CFG_INT, "4", 1, 64, offsetof(T, m.db_pool),               \
     "database connections"},                                                  \
    {"listen", CMN_CFG_STR, "", 0, 0, offsetof(T, m.listen),                   \
     "zmq endpoints to receive on (comma-separated)"},                         \
    {"api", CMN_CFG_STR, "", 0, 0, offsetof(T, m.api),                         \
     "zmq endpoints for client requests (comma-separated)"},                   \
    {"peers", CMN_CFG_STR, "", 0, 0, offsetof(T, m.peers),                     \
     "destinations: name[@office]=endpoint[,endpoint];name2=..."},             \
    {"office", CMN_CFG_STR, "", 0, 0, offsetof(T, m.office),                   \
     "office code this instance serves"},                                      \
    {"office.hierarchy", CMN_CFG_STR, "", 0, 0, offsetof(T, m.hierarchy),      \
     "the municipal office and its districts (JSON): who covers which region"},\
    {"frame-max", CMN_CFG_INT, "1048576", 1024, 16777216,                      \
     offsetof(T, m.frame_max), "largest accepted frame, bytes"},               \
    {"outbox.batch", CMN_CFG_INT, "500", 1, 5000,                              \
     offsetof(T, m.outbox_batch), "messages claimed at once"},                 \
    {"outbox.lease-ms", CMN_CFG_INT, "3000", 50, 600000,                       \
     offsetof(T, m.outbox_lease_ms), "resend unacknowledged after"},           \
    {"outbox.poll-ms", CMN_CFG_INT, "100", 1, 60000,                           \
     offsetof(T, m.outbox_poll_ms), "look for unsent rows this often"},        \
    {"outbox.batches", CMN_CFG_INT, "4", 1, 64,                                \
     offsetof(T, m.outbox_batches), "claimed batches in flight"},              \
    {"outbox.keep-days", CMN_CFG_INT, "7", 0, 3650,                            \
     offsetof(T, m.outbox_keep_days),                                          \
     "purge delivered outbox rows older than this (0: keep)"},                \
    {"outbox.purge-ms", CMN_CFG_INT, "600000", 100, 86400000,                  \
     offsetof(T, m.outbox_purge_ms), "how often to purge the outbox"},        \
    {"inbox.batch", CMN_CFG_INT, "200", 1, 5000,                               \
     offsetof(T, m.inbox_batch), "messages per transaction"},                  \
    {"inbox.concurrency", CMN_CFG_INT, "2", 1, 32,                             \
     offsetof(T, m.inbox_concurrency), "transactions in flight"},              \
    {"curve.secret-key-file", CMN_CFG_STR, "", 0, 0,                          \
     offsetof(T, m.curve_secret_file), "this service's CURVE secret key"},    \
    {"curve.registry", CMN_CFG_STR, "", 0, 0, offsetof(T, m.curve_registry),  \
     "the key registry: who may connect, and as whom"},                       \
    {"curve.dev-plain", CMN_CFG_BOOL, "false", 0, 0,                          \
     offsetof(T, m.curve_dev_plain),                                          \
     "DEVELOPMENT ONLY: plain sockets, every caller trusted"},                \
    {"clock.today", CMN_CFG_STR, "", 0, 0, offsetof(T, m.today),               \
     "pin today's date YYYY-MM-DD (tests, demos)"},                            \
    {"clock.tz", CMN_CFG_STR, "Asia/Shanghai", 0, 0, offsetof(T, m.tz),        \
     "time zone of the office's calendar day"}
/* clang-format on */

typedef struct cmn_svc cmn_svc_t;

typedef struct {
    const char *name;   /* service name, also the log's service= */
    const char *schema; /* its PostgreSQL schema */
    const cmn_migration_t *migrations; /* its own, after the runtime's */
    /* Destinations "peers" must name (NULL-terminated), e.g. {"panel",
     * "audit", NULL}; start-up stops naming them otherwise. May be NULL. */
    const char *const *peers;
    const cmn_inbox_handler_t *handlers;
    size_t nhandlers;
    const cmn_api_handler_t *api_handlers;
    size_t napi_handlers;
    /* After the runtime is up (loop thread). Non-zero stops start-up. */
    int (*on_start)(cmn_svc_t *svc, void *arg);
    /* When shutdown begins: stop timers and close handles of your own. */
    void (*on_stop)(cmn_svc_t *svc, void *arg);
    /* Once shutdown finds the service quiet (inbox, API and outboxes
     * idle, no job running), before the pool closes: a last job may be
     * queued (cmn_svc_db); return true when one was, and the stop waits
     * for it (within the grace period). May be NULL. */
    bool (*on_quiet)(cmn_svc_t *svc, void *arg);
} cmn_svc_def_t;

/* Runs a service to completion; returns the process exit code. opts is the
 * full table (CMN_SVC_OPTIONS plus the service's), conf the struct it fills
 * and base its cmn_svc_conf_t member. arg is passed to handlers and hooks. */
int cmn_svc_main(const cmn_svc_def_t *def, const cmn_cfg_opt_t *opts,
                 void *conf, cmn_svc_conf_t *base, void *arg, int argc,
                 char **argv);

uv_loop_t *cmn_svc_loop(cmn_svc_t *svc);
cmn_db_t *cmn_svc_db(cmn_svc_t *svc);
const cmn_svc_conf_t *cmn_svc_conf(cmn_svc_t *svc);

/* The key registry (NULL with curve.dev-plain). Read-only after start:
 * any thread may look identities up. */
const cmn_registry_t *cmn_svc_registry(cmn_svc_t *svc);

/* The office hierarchy (NULL without office.hierarchy). Read-only after
 * start. */
const dom_hierarchy_t *cmn_svc_hierarchy(cmn_svc_t *svc);

/* True when who (an office or its staff) may see the affairs of a unit in
 * region_code: the hierarchy's jurisdiction of who's office; without a
 * hierarchy, any office identity of this office. Always true for a plain
 * development caller. Any thread. */
bool cmn_svc_covers(const cmn_svc_t *svc, const cmn_ident_t *who,
                    const char *region_code);

/* The dispatcher for dest, or NULL if dest is not among the peers. */
cmn_outbox_t *cmn_svc_outbox(cmn_svc_t *svc, const char *dest);

/* Runs work(conn, arg) on the pool first_ms after start and then every
 * every_ms, never two at once, until shutdown begins; after a run that
 * returned 0 the dispatchers are kicked (it may have queued messages).
 * Loop thread; at most 4 per service. */
int cmn_svc_every(cmn_svc_t *svc, uint64_t first_ms, uint64_t every_ms,
                  cmn_db_work_fn work, void *arg) CMN_MUST_CHECK;

/* Tells every dispatcher that rows were committed. */
void cmn_svc_kick(cmn_svc_t *svc);

/* The office's date today: clock.today when set (checked at start), else
 * the local date in clock.tz. Any thread. */
dom_date_t cmn_svc_today(const cmn_svc_conf_t *conf);

/* Now, in microseconds since the epoch (UTC), on the office's clock: the
 * real time, moved by whole days when clock.today pins the date, so that
 * its local date is the pinned one and its time of day is real. When a
 * district's report arrived is read here. Any thread. */
int64_t cmn_svc_now_us(const cmn_svc_conf_t *conf);

/* Begins a graceful stop, as SIGTERM does. */
void cmn_svc_stop(cmn_svc_t *svc);

#endif /* CMN_SVC_H */

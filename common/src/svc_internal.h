/* svc_internal.h - what the service skeleton's files share (common/src
 * only; services see cmn/svc.h): the service object and the start-up
 * steps each file provides. int returns: 0 or a negative CMN_E* code,
 * already logged. */
#ifndef CMN_SVC_INTERNAL_H
#define CMN_SVC_INTERNAL_H
#include "cmn/curve.h"
#include "cmn/svc.h"

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#define CMN__SVC_MAX_EVERY 4

typedef struct {
    uv_timer_t timer;
    struct cmn_svc *svc;
    cmn_db_work_fn work;
    void *arg;
    bool busy;
} cmn__svc_every_t;

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
    cmn__svc_every_t every[CMN__SVC_MAX_EVERY];
    int nevery;
    uv_signal_t sigterm, sigint;
    uv_timer_t stop_timer;
    uint64_t stop_deadline;
    bool stopping;
    bool quiet_called; /* def->on_quiet ran */
};

/* svc_boot.c: the schema migrated (and the role's password set) through
 * db.admin-url, with connect-and-retry. */
int cmn__svc_migrate(const cmn_svc_t *svc);

/* svc_boot.c: keys, the registry and the ZAP handler before any CURVE
 * socket binds (nothing under curve.dev-plain). */
int cmn__svc_start_curve(cmn_svc_t *svc);

/* svc_boot.c: office.hierarchy read, when set; this office must be in it. */
int cmn__svc_load_hierarchy(cmn_svc_t *svc);

/* svc_peers.c: one outbox dispatcher per "peers" entry. */
int cmn__svc_open_peers(cmn_svc_t *svc);

/* svc_peers.c: every peer the definition requires is among "peers". */
int cmn__svc_check_peers(const cmn_svc_t *svc);

/* svc_clock.c: closes the cmn_svc_every timers (at stop). */
void cmn__svc_close_every(cmn_svc_t *svc);

#endif /* CMN_SVC_INTERNAL_H */

/* evaluation.h - the evaluation assignment service (mlps-evaluation).
 *
 * Data flow: review -> CaseAccepted -> here: the system is registered and
 * its first round starts in the transaction that records the message:
 * level 2 waits for the unit's choice; level 3 and above gets a proposal
 * (a qualified institution with capacity left and no conflict, the least
 * recently assigned first) for the municipal office to confirm or change,
 * or is escalated when none qualifies. The unit (its proof) chooses, the
 * office's staff assign, over the API. The engaged institution, by its
 * key, reports: the verdict follows dom_verdict(); a report that is not
 * poor sets the next evaluation's due date (dom_cadence_next_due()); a
 * poor one starts rectification (the unit's plan, the expert panel's
 * review for important systems, the unit's completion, a new round). Every
 * report goes to the cert service (EvaluationConcluded, versioned per
 * system), when "cert" is among the peers. A watch opens a new round when
 * the next evaluation is due (a warning ahead), marks systems overdue,
 * and proposes again for escalated ones. Every state change is one audit
 * event. Institutions and their certificates are registered over the API
 * (mlpsctl institution add). */
#ifndef EVL_EVALUATION_H
#define EVL_EVALUATION_H
#include "cmn/svc.h"
#include "dom/cadence.h"

#include <stdbool.h>

#define EVL_CERT_DEST "cert" /* optional peer: EvaluationConcluded */

typedef struct {
    cmn_svc_conf_t base;
    char *cadence;  /* "2:24,3:12,4:6,5:6" (dom_cadence_parse) */
    long warn_days; /* a new round opens this many days before due */
    long watch_ms;  /* how often the watch looks */
} evl_conf_t;

typedef struct {
    evl_conf_t conf;
    /* Set at start, read-only afterwards: shared by worker threads. */
    dom_cadence_t cadence;
    bool tell_cert; /* "cert" is among the peers */
    cmn_svc_t *svc;
} evl_t;

extern const cmn_cfg_opt_t evl_options[];
extern const cmn_svc_def_t evl_service;

/* The handler tables (inbox.c; api.c, api_inst.c and api_rect.c join
 * theirs in evl_api_handlers) and the watch (watch.c, run by
 * cmn_svc_every; arg is the evl_t). */
#define EVL_API_HANDLERS 15
extern const cmn_inbox_handler_t evl_inbox_handlers[1];
extern const cmn_api_handler_t evl_api_handlers[EVL_API_HANDLERS];
int evl_watch_work(PGconn *c, void *arg);

#endif /* EVL_EVALUATION_H */

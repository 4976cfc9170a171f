/* panel.h - the expert panel scheduling service (mlps-panel).
 *
 * Data flow: review -> PanelReferral -> here: the case is booked at the
 * first session with room strictly after the referral day and a quorum
 * without conflicts is seated, in the transaction that records the
 * message; no quorum escalates it (PanelEscalation -> review). Seated
 * experts give opinions over the API (OpinionRequest); each opinion is
 * tallied at once: a strict majority decides (PanelDecision -> review), no
 * possible majority sends the case to the next session with a new quorum.
 * A timer treats a session that is over with opinions missing as no
 * majority. PanelWithdrawal drops an undecided case and frees its seats.
 * Every state change is one audit event; every message to review carries
 * the case's next case_version (1, 2, 3 ...). */
#ifndef PNL_PANEL_H
#define PNL_PANEL_H
#include "cmn/svc.h"
#include "pnl/schedule.h"
#include "pnl/select.h"

#include <stdbool.h>

#define PNL_REVIEW_DEST "review"

typedef struct {
    cmn_svc_conf_t base;
    char *experts;   /* experts file (JSON) */
    char *weekday;   /* "monday" .. "sunday" */
    long capacity;   /* cases per session */
    long quorum;     /* experts per case, odd */
    long horizon;    /* sessions an escalation looks ahead */
    long max_cases;  /* cases per expert per session; 0 = no limit */
    long grace_days; /* opinions still taken this many days after */
    long watch_ms;   /* how often to look for sessions that are over */
} pnl_conf_t;

typedef struct {
    pnl_conf_t conf;
    /* Set at start, read-only afterwards: shared by worker threads. */
    pnl_calendar_t cal;
    pnl_rules_t rules;
    cmn_svc_t *svc;
} pnl_t;

extern const cmn_cfg_opt_t pnl_options[];
extern const cmn_svc_def_t pnl_service;

/* The handler tables (inbox.c, api.c) and the watch over sessions that are
 * over (watch.c, run by cmn_svc_every; arg is the pnl_t). */
extern const cmn_inbox_handler_t pnl_inbox_handlers[2];
extern const cmn_api_handler_t pnl_api_handlers[2];
int pnl_watch_work(PGconn *c, void *arg);

/* Parses a weekday name ("monday" .. "sunday", any case) into *out
 * (DOM_MONDAY .. DOM_SUNDAY). CMN_EINVAL for anything else. */
int pnl_weekday_parse(const char *text, int *out) CMN_MUST_CHECK;

#endif /* PNL_PANEL_H */

/* review.h - the grading review service.
 *
 * Data flow: intake -> FilingReceived -> here: the matrix check and the
 * materials check decide A, B or C in the same transaction that stores the
 * case, its reply letter, its audit event and (for C) the PanelReferral.
 * MaterialsSupplemented reopens a B case (the clock starts again);
 * PanelDecision / PanelEscalation come back from the panel; UnitInsists
 * closes a C case with a liability notice. A timer watches the clock of
 * open cases: a warning before the deadline, a breach recorded after it.
 * Clients ask for a case's status and its reply letter over the API. */
#ifndef RVW_REVIEW_H
#define RVW_REVIEW_H
#include "cmn/svc.h"
#include "dom/calendar.h"

typedef struct {
    cmn_svc_conf_t base;
    char *calendar;    /* calendar files, comma-separated */
    long budget;       /* working days to reply */
    long warn_days;    /* warn when this many working days or fewer are left */
    long watch_ms;     /* how often to look at the clocks */
    char *office_name; /* who signs the letters */
} rvw_conf_t;

typedef struct {
    rvw_conf_t conf;
    dom_calendar_t *cal; /* read-only once loaded: shared by workers */
} rvw_t;

extern const cmn_cfg_opt_t rvw_options[];
extern const cmn_svc_def_t rvw_service;

/* The handler tables (inbox.c, api.c) and the clock watch (watch.c, run
 * by cmn_svc_every; arg is the rvw_t). */
extern const cmn_inbox_handler_t rvw_inbox_handlers[5];
extern const cmn_api_handler_t rvw_api_handlers[2];
int rvw_watch_work(PGconn *c, void *arg);

#endif /* RVW_REVIEW_H */

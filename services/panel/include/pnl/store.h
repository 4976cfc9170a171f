/* store.h - the panel's tables (sql/) to and from structs.
 *
 * Worker thread only, inside the caller's open transaction; search_path is
 * the panel schema. Dates cross as dom_date_t day counts. int returns: 0 or
 * a negative CMN_E* code from cmn_pg_exec (CMN_EDB, CMN_EDBCONN,
 * CMN_EAGAIN) or CMN_ENOMEM. */
#ifndef PNL_STORE_H
#define PNL_STORE_H
#include "cmn/db.h"
#include "dom/date.h"
#include "pnl/decide.h"
#include "pnl/fsm.h"
#include "pnl/select.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PNL_TRACKING_MAX 64 /* bytes in a tracking id */
#define PNL_CODE_MAX     64 /* bytes in a credit code */

/* One row of cases. detail is malloc()ed (NULL-safe, "" when empty). */
typedef struct {
    char tracking_id[PNL_TRACKING_MAX + 1];
    char unit_credit_code[PNL_CODE_MAX + 1];
    char region_code[8]; /* the unit's: whose jurisdiction */
    pnl_state_t state;   /* parsed once, at load */
    int proposed_level;
    dom_date_t referred_on;
    int round;           /* the latest round; 0 before the first */
    dom_date_t session;  /* of the latest round; DOM_DATE_NEVER if none */
    char verdict[8];     /* decided: "confirm" or "adjust"; else "" */
    int level;           /* decided: the level; else 0 */
    char *detail;        /* escalation reason, decision summary, ... */
    int64_t out_version; /* last case_version sent to review */
} pnl_case_row_t;

/* Loads case tracking_id into *k (FOR UPDATE when lock). *found says
 * whether it exists; when it does, release k with pnl_store_case_release. */
int pnl_store_case_load(PGconn *c, const char *tracking_id, bool lock,
                        pnl_case_row_t *k, bool *found) CMN_MUST_CHECK;
void pnl_store_case_release(pnl_case_row_t *k);

/* Replaces k->detail with a copy of text. */
int pnl_store_case_detail(pnl_case_row_t *k, const char *text) CMN_MUST_CHECK;

/* What a referral brings; strings borrowed. */
typedef struct {
    const char *tracking_id, *unit_name, *unit_credit_code, *system_name;
    const char *reason;
    const char *region_code; /* the unit's */
    int proposed_level, computed_level;
    dom_date_t referred_on;
} pnl_referral_t;

/* Inserts a new case (state scheduled, round 0) and fills *k from it. */
int pnl_store_case_insert(PGconn *c, const pnl_referral_t *r,
                          pnl_case_row_t *k) CMN_MUST_CHECK;

/* Writes k's state, round, session, verdict, level, detail, out_version. */
int pnl_store_case_save(PGconn *c, const pnl_case_row_t *k) CMN_MUST_CHECK;

/* The panel as pnl_select_* wants it, loaded for sessions on or after
 * `from`: active experts (conflicts; unavailable days from `from` on),
 * upcoming seats, and loads. panel points into the arrays, which point
 * into the results; everything is freed by pnl_store_snapshot_release. */
typedef struct {
    pnl_panel_t panel;
    pnl_expert_t *experts;
    const char **codes; /* every expert's conflicts, sliced per expert */
    dom_date_t *days;   /* every expert's unavailable days, sliced */
    pnl_seat_t *seats;
    pnl_load_t *loads;
    PGresult *res[2]; /* experts, conflicts: strings point into these */
} pnl_snapshot_t;

int pnl_store_snapshot(PGconn *c, const pnl_calendar_t *cal,
                       const pnl_rules_t *rules, dom_date_t from,
                       pnl_snapshot_t *s) CMN_MUST_CHECK;
void pnl_store_snapshot_release(pnl_snapshot_t *s);

/* Books round `round` of a case at session with experts ids[0..n) seated
 * in that order (outcome open), or with no seats when n is 0 (outcome
 * no_quorum, which books nothing). */
int pnl_store_round_open(PGconn *c, const char *tracking_id, int round,
                         dom_date_t session, const int64_t *ids,
                         size_t n) CMN_MUST_CHECK;

/* Ends a round: outcome "decided" or "no_majority" (seats become "sat"
 * and each seated expert's last_sat moves up to the session), or
 * "withdrawn" (seats "released", the booking freed). */
int pnl_store_round_close(PGconn *c, const char *tracking_id, int round,
                          const char *outcome) CMN_MUST_CHECK;

/* The seat state ("seated", "sat", "released") of expert at a round;
 * state[0] is '\0' when the expert has no seat there. */
int pnl_store_seat(PGconn *c, const char *tracking_id, int round,
                   int64_t expert, char state[16]) CMN_MUST_CHECK;

/* The experts seated at a round (not released), in seat order. */
int pnl_store_seated(PGconn *c, const char *tracking_id, int round,
                     int64_t ids[PNL_QUORUM_MAX], size_t *n) CMN_MUST_CHECK;

/* True in *given if expert gave an opinion at the round. */
int pnl_store_opinion_given(PGconn *c, const char *tracking_id, int round,
                            int64_t expert, bool *given) CMN_MUST_CHECK;

/* Records one opinion (level: the proposed one when confirming). */
int pnl_store_opinion_insert(PGconn *c, const char *tracking_id, int round,
                             const pnl_opinion_t *o) CMN_MUST_CHECK;

/* A round's ballot: seated experts and the opinions given, reasons
 * pointing into res. Release with pnl_store_ballot_release. */
typedef struct {
    int64_t seated[PNL_QUORUM_MAX];
    size_t nseated;
    pnl_opinion_t opinions[PNL_QUORUM_MAX];
    size_t nopinions;
    PGresult *res;
} pnl_ballot_rows_t;

int pnl_store_ballot(PGconn *c, const char *tracking_id, int round,
                     pnl_ballot_rows_t *b) CMN_MUST_CHECK;
void pnl_store_ballot_release(pnl_ballot_rows_t *b);

/* Serialises every scheduling transaction of the panel, across replicas:
 * placements read the loads and seats they then add to. */
int pnl_store_lock(PGconn *c) CMN_MUST_CHECK;

#endif /* PNL_STORE_H */

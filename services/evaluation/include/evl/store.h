/* store.h - the evaluation's tables (sql/) to and from structs.
 *
 * Worker thread only, inside the caller's open transaction; search_path is
 * the evaluation schema. Dates cross as dom_date_t day counts. int
 * returns: 0 or a negative CMN_E* code from cmn_pg_exec (CMN_EDB,
 * CMN_EDBCONN, CMN_EAGAIN) or CMN_ENOMEM. */
#ifndef EVL_STORE_H
#define EVL_STORE_H
#include "cmn/db.h"
#include "dom/date.h"
#include "evl/fsm.h"
#include "evl/select.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EVL_TRACKING_MAX 64   /* bytes in a tracking id */
#define EVL_CODE_MAX     64   /* bytes in a credit code */
#define EVL_INST_MAX     40   /* bytes in an institution id */
#define EVL_NAME_MAX     400  /* bytes in a unit, system or institution name */
#define EVL_DETAIL_MAX   4000 /* bytes of a system's detail */

/* One row of systems. */
typedef struct {
    char tracking_id[EVL_TRACKING_MAX + 1];
    char district[8];
    char unit_name[EVL_NAME_MAX + 1];
    char unit_credit_code[EVL_CODE_MAX + 1];
    char region_code[8];
    char system_name[EVL_NAME_MAX + 1];
    int level;
    dom_date_t accepted_on;
    char unit_secret_sha256[65];
    evl_state_t state; /* parsed once, at load */
    int round;
    char institution_id[EVL_INST_MAX + 1]; /* of the round; "" none */
    char engaged[12];                      /* "", chosen, assigned */
    dom_date_t engaged_on;
    char proposal[EVL_INST_MAX + 1]; /* proposed: the institution */
    char detail[EVL_DETAIL_MAX + 1];
    dom_date_t report_date; /* the last report's; DOM_DATE_NEVER none */
    int score, high, medium;
    char verdict[12];    /* dom_verdict_name(), "" before a report */
    dom_date_t next_due; /* DOM_DATE_NEVER before the first report */
    char calendar[12];   /* "", due, overdue */
    int64_t reports;     /* EvaluationConcluded sent (their case_version) */
} evl_sys_t;

/* Loads system tracking_id into *k (FOR UPDATE when lock); *found says
 * whether it exists. */
int evl_store_sys_load(PGconn *c, const char *tracking_id, bool lock,
                       evl_sys_t *k, bool *found) CMN_MUST_CHECK;

/* Inserts k (a new system). */
int evl_store_sys_insert(PGconn *c, const evl_sys_t *k) CMN_MUST_CHECK;

/* Writes every field of k but the tracking id. */
int evl_store_sys_save(PGconn *c, const evl_sys_t *k) CMN_MUST_CHECK;

/* Copies text into k->detail (cut at EVL_DETAIL_MAX on a UTF-8 boundary). */
void evl_store_detail(evl_sys_t *k, const char *text);

/* Serialises every transaction that engages an institution or proposes
 * one (capacity and rotation are counted across systems): an advisory
 * lock until the transaction ends. */
int evl_store_lock(PGconn *c) CMN_MUST_CHECK;

/* Every institution as evl_select_* wants it: its listed certificates,
 * its running engagements (busy), the date of the office's last
 * assignment, its related and designed units. The arrays point into the
 * results; release with evl_store_snapshot_release(). */
typedef struct {
    evl_inst_t *insts;
    size_t n;
    dom_qual_cert_t *certs;
    const char **codes; /* every institution's units, sliced */
    char *codebuf;
    PGresult *res[2];
} evl_snapshot_t;

int evl_store_snapshot(PGconn *c, evl_snapshot_t *s) CMN_MUST_CHECK;
void evl_store_snapshot_release(evl_snapshot_t *s);

/* The institution id in the snapshot, or NULL. */
const evl_inst_t *evl_store_snapshot_find(const evl_snapshot_t *s,
                                          const char *id);

/* Records an engagement of k's round (active) with the institution. */
int evl_store_engage(PGconn *c, const evl_sys_t *k, const char *how,
                     const char *by, const char *why) CMN_MUST_CHECK;

/* Marks the active engagement of k's round reported. */
int evl_store_engagement_done(PGconn *c, const evl_sys_t *k) CMN_MUST_CHECK;

/* One report. */
typedef struct {
    dom_date_t date;
    int score, high, medium;
    const char *verdict; /* dom_verdict_name() */
    const char *sha256;
    const char *by;
} evl_report_t;

int evl_store_report(PGconn *c, const evl_sys_t *k,
                     const evl_report_t *r) CMN_MUST_CHECK;

/* A day as text of its count, for $n::integer parameters. */
void evl_store_day_param(dom_date_t d, char out[16]);

#endif /* EVL_STORE_H */

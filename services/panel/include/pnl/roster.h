/* roster.h - the panel's experts, as the office lists them in a JSON file.
 *
 * The file (option panel.experts) is one object:
 *
 *   {"description": "optional text",
 *    "experts": [
 *      {"id": 101,                          required, 1 .. 2^53
 *       "name": "王建国",                    required, not blank
 *       "employer": "北京某某研究院",         optional
 *       "employer_code": "12110000...",     optional: employer's credit code
 *       "specialties": ["政务云"],            optional
 *       "conflicts": ["91110108MA01ABCD1E"], optional: units declared
 *       "unavailable": ["2026-03-05"],       optional: days it cannot sit
 *       "last_sat": "2026-01-15" | null},    optional: latest session sat
 *      ...]}
 *
 * Unknown keys, wrong types, bad dates, blank codes, control characters in
 * text and duplicate ids are refused with the file and the field named, so
 * the service stops at start-up rather than seat the wrong panel.
 * Loading it into the database (pnl_roster_store) is idempotent: experts are
 * inserted or updated, those no longer listed are made inactive (they keep
 * their history but sit on no new case), and last_sat only moves forward. */
#ifndef PNL_ROSTER_H
#define PNL_ROSTER_H
#include "cmn/db.h"

#include <stddef.h>

typedef struct pnl_roster pnl_roster_t; /* opaque */

#define PNL_ROSTER_MAX 10000 /* experts in one file */

/* Reads and checks the file at path. Caller owns the result and destroys
 * it with pnl_roster_destroy; NULL on failure, with the reason (file,
 * line or field) in err. */
pnl_roster_t *pnl_roster_load(const char *path, char *err, size_t errlen);

/* Experts in the roster. */
size_t pnl_roster_count(const pnl_roster_t *self);

/* Upserts the roster into experts, in the caller's open transaction.
 * *changed gets the number of experts added, changed or made inactive, and
 * ids (if not NULL) their ids, comma-separated (truncated to idslen).
 * Worker or start-up thread. 0 or a cmn_pg_exec error. */
int pnl_roster_store(const pnl_roster_t *self, PGconn *c, int *changed,
                     char *ids, size_t idslen) CMN_MUST_CHECK;

/* Frees *self_p and sets it to NULL. Safe on NULL. */
void pnl_roster_destroy(pnl_roster_t **self_p);

#endif /* PNL_ROSTER_H */

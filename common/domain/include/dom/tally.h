/* tally.h - a month's filings counted, and two counts compared (DOMAIN.md,
 * "Monthly aggregates"): a district tallies the filings it took in that
 * month for its aggregate, the municipal office tallies the filings it
 * received from that district for the same month, and the two are
 * reconciled: every count that differs (filings, per level, per state, per
 * sector), every filing in one and not the other, every batch listed in
 * one and not the other. Both sides count with the same code, so a
 * difference is a difference in the data, never in the arithmetic.
 *
 * States are counted in the stages both offices can see (dom_tally_stage):
 * "filed" until review has spoken, then review's state ("pending",
 * "accepted", "incomplete", "panel", "escalated", "closed"), or "held"
 * (a possible duplicate), "duplicate" (closed as one), "rejected" (refused
 * by the municipal office). Pure: no I/O, no clock. */
#ifndef DOM_TALLY_H
#define DOM_TALLY_H
#include "cmn/err.h"

#include <stdbool.h>
#include <stddef.h>

#define DOM_TALLY_KEY_MAX 64 /* bytes of a count's key, with its NUL */

/* One filing as an office sees it. Strings borrowed. */
typedef struct {
    const char *tracking_id;
    int level;          /* the filed (final) level, 1..5 */
    const char *state;  /* a stage (dom_tally_stage) */
    const char *sector; /* the unit's sector, as filed */
} dom_tally_item_t;

typedef struct {
    char key[DOM_TALLY_KEY_MAX]; /* "3", "accepted", "金融" */
    unsigned n;
} dom_tally_count_t;

/* Counts and lists, each sorted by key (bytewise), ids sorted and unique.
 * Owned by the tally (dom_tally_free). */
typedef struct {
    unsigned filings;
    dom_tally_count_t *by_level, *by_state, *by_sector;
    size_t nlevel, nstate, nsector;
    char **ids; /* tracking ids */
    size_t nids;
    char **batches; /* batch ids */
    size_t nbatches;
} dom_tally_t;

/* The stage of an office's local state: "received", "forwarded" and
 * "filed" are "filed"; the others are themselves. NULL for NULL. */
const char *dom_tally_stage(const char *state);

/* Counts items[0..n) (each state through dom_tally_stage; keys longer
 * than DOM_TALLY_KEY_MAX - 1 bytes are cut at a UTF-8 boundary) and lists
 * batches[0..nbatches) (NULL, 0: none). A tracking id twice counts once
 * (the first). CMN_ENOMEM, or CMN_EINVAL for a NULL tracking id. out is
 * zeroed first and owned by the caller. */
int dom_tally_make(const dom_tally_item_t *items, size_t n,
                   const char *const *batches, size_t nbatches,
                   dom_tally_t *out) CMN_MUST_CHECK;

/* Builds a tally from counts and lists someone else made (an aggregate as
 * received): copies them, sorts them, merges repeated keys and ids. */
int dom_tally_from_parts(unsigned filings, const dom_tally_count_t *by_level,
                         size_t nlevel, const dom_tally_count_t *by_state,
                         size_t nstate, const dom_tally_count_t *by_sector,
                         size_t nsector, const char *const *ids, size_t nids,
                         const char *const *batches, size_t nbatches,
                         dom_tally_t *out) CMN_MUST_CHECK;

void dom_tally_free(dom_tally_t *t);

/* Called once per difference, in a fixed order: the filings count, the
 * levels, the states, the sectors (each by key), the filings only
 * reported, only received, the batches only reported, only received.
 * line is e.g. "level 3: reported 12, received 11", "state accepted:
 * reported 5, received 0", "filing 110108-20261103-00012: reported, not
 * received", "batch 110108-B00004: received, not reported". */
typedef void (*dom_tally_diff_fn)(void *arg, const char *line);

/* Compares what a district reported with what was received; returns the
 * number of differences (0: reconciled). fn may be NULL (count only). */
size_t dom_tally_diff(const dom_tally_t *reported, const dom_tally_t *received,
                      dom_tally_diff_fn fn, void *arg);

#endif /* DOM_TALLY_H */

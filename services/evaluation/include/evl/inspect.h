/* inspect.h - the year's inspection batch (DOMAIN.md, "Supervision"): a
 * joint inspection each year, in batches, so that every important system
 * (level 3 and above) is inspected at least once within two years.
 *
 * A system is *required* in year Y when it would otherwise go two calendar
 * years without an inspection: its last inspection was in Y-2 or earlier,
 * or, never inspected, it was accepted in Y-1 or earlier (a system
 * accepted in Y has until the end of Y+1). Systems inspected in Y already
 * are done and not proposed. The batch is every required system, filled up
 * with others until the year's inspections (done and proposed) reach half
 * of the important systems, rounded up, so the work spreads over the two
 * years: never inspected first, then the longest since their last
 * inspection, then the earliest accepted, then by tracking id. Systems of
 * levels below 3, or accepted after Y, are not counted. Pure: everything
 * is borrowed for the call. */
#ifndef EVL_INSPECT_H
#define EVL_INSPECT_H
#include "cmn/err.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    const char *tracking_id;
    int level;
    int accepted_year;       /* the year review accepted it */
    int last_inspected_year; /* 0: never */
} evl_insp_sys_t;

typedef struct {
    size_t index;     /* into the systems given */
    bool required;    /* must be inspected in the year */
    char reason[120]; /* "required: last inspected 2024", ... */
} evl_insp_pick_t;

typedef struct {
    size_t important; /* important systems of the year */
    size_t done;      /* inspected in the year already */
    size_t target;    /* half of important, rounded up */
} evl_insp_count_t;

/* The batch of year (2000..9999) among sys[0..n) into out[0..*nout) (out
 * has room for n), required ones first, each group in the order above.
 * CMN_EINVAL for a bad year, a NULL argument with n > 0, or a system with
 * no tracking id. */
int evl_inspect_plan(const evl_insp_sys_t *sys, size_t n, int year,
                     evl_insp_pick_t *out, size_t *nout,
                     evl_insp_count_t *count) CMN_MUST_CHECK;

#endif /* EVL_INSPECT_H */

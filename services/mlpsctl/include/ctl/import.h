/* import.h - `mlpsctl batch import`: a batch file's records checked here,
 * sent in ImportRequests, and the summary (docs/batch-format.md).
 *
 * ctl_import_run() reads the file twice. The first pass finds what spoils
 * the whole file (then nothing is sent) and the records that do not
 * convert to a Filing, or are too large for a request: those are rejected
 * here and never sent. The second pass sends the rest in requests of at
 * most max_records records and max_bytes packed bytes, each record with
 * its line, through the caller's send function, and merges each reply into
 * the summary: the counts, one conflict per error of a rejected record
 * (the intake's field followed by its CSV column), and each imported
 * record's unit proof written to the secrets file.
 *
 * Every function borrows its arguments. int returns: 0, or a negative
 * CMN_E* code with the reason in errs. */
#ifndef CTL_IMPORT_H
#define CTL_IMPORT_H
#include "cmn/err.h"
#include "cmn/problem.h"
#include "mlps/v1/api.pb-c.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CTL_IMPORT_MAX_RECORDS   500   /* records of one request, at most */
#define CTL_IMPORT_MAX_CONFLICTS 10000 /* kept; more are only counted */

typedef enum {
    CTL_IMPORT_OK,      /* every record imported, updated or ignored */
    CTL_IMPORT_WARNING, /* some were rejected */
    CTL_IMPORT_ERROR    /* the import could not be done (see unanswered) */
} ctl_import_status_t;

typedef struct {
    uint32_t line;
    char *field; /* "" for the record as a whole */
    char *reason;
    size_t seq; /* the order it was found in: ties of line keep it */
} ctl_conflict_t;

typedef struct {
    ctl_import_status_t status;
    bool dry_run;
    uint64_t imported, updated, ignored, rejected;
    uint64_t unanswered;  /* ERROR: records sent without an answer, or not */
    uint64_t proofs_lost; /* imported records whose proof went to no file */
    size_t requests;      /* requests answered */
    ctl_conflict_t *conflicts; /* sorted by line once the run is over */
    size_t n_conflicts, cap;
    size_t conflicts_dropped; /* beyond CTL_IMPORT_MAX_CONFLICTS */
} ctl_import_summary_t;

/* Sends req to the intake. On 0 *reply is its answer, which the caller of
 * the function (ctl_import_run) frees with
 * protobuf_c_message_free_unpacked(). Anything else: no usable answer (the
 * function has said why); the import stops there. */
typedef int (*ctl_import_send_fn)(void *arg, const Mlps__V1__ImportRequest *req,
                                  Mlps__V1__ImportReply **reply);

typedef struct {
    const char *path; /* the batch file */
    bool dry_run;
    size_t max_records; /* 1..CTL_IMPORT_MAX_RECORDS */
    size_t max_bytes;   /* packed bytes of one request's records */
    FILE *secrets;      /* "TRACKING_ID UNIT_SECRET" lines; NULL: none */
    FILE *progress;     /* progress lines and warnings; NULL: none */
    ctl_import_send_fn send;
    void *arg;
} ctl_import_opts_t;

/* Empties *sum (no allocation). */
void ctl_import_summary_init(ctl_import_summary_t *sum);

/* Frees what *sum holds; it is empty again. */
void ctl_import_summary_release(ctl_import_summary_t *sum);

/* Runs the import into *sum (emptied first; release it in every case).
 * 0 once it got past the first pass: sum->status says how it went, and an
 * ERROR found after that (the file changed, the secrets file could not be
 * written, out of memory) is also in errs. Otherwise nothing was sent:
 * the file-level error (CMN_EIO, CMN_EINVAL) or CMN_ENOMEM, in errs. */
int ctl_import_run(const ctl_import_opts_t *o, ctl_import_summary_t *sum,
                   cmn_problem_t *errs) CMN_MUST_CHECK;

/* The summary on out, as "key: value" lines or (json) one JSON object.
 * Returns the exit code: 0 OK, 1 WARNING, 2 ERROR. */
int ctl_import_print(FILE *out, const ctl_import_summary_t *sum, bool json);

#endif /* CTL_IMPORT_H */

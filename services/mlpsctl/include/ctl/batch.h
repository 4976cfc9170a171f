/* batch.h - the batch files of `mlpsctl batch import` (docs/batch-format.md).
 *
 * Two formats, one filing a record:
 *   - NDJSON: one filing a line in the JSON format of docs/filing-format.md;
 *     blank lines are skipped.
 *   - CSV (RFC 4180, read strictly with libcsv): a header line naming the
 *     columns, then one filing a row; see ctl_batch_csv_column().
 * The file is CSV when its name ends in ".csv" (any case) or its first
 * line that is not blank starts with a column name of the layout
 * ("unit.name,"); otherwise it is NDJSON. A UTF-8 byte order mark at the
 * start is skipped.
 *
 * A reader hands out the records one at a time, each with the line it
 * starts on and either its Filing or every error that keeps it from being
 * one (JSON syntax, JSON types, unknown keys, a bad CSV cell). Each error
 * names its field: a JSON path ("unit.contacts[1].phone"); in a CSV file
 * with the column after it ("unit.contacts[0].phone (column 9)"); a syntax
 * error names the column alone ("column 17").
 *
 * A file that cannot be read as a whole is a file-level error, named
 * "FILE: line N: REASON": it cannot be opened or read, it is not a regular
 * file, its CSV header is bad, a bare carriage return ends a CSV line, a
 * quote is never closed, or a CSV record is longer than
 * CTL_BATCH_RECORD_MAX bytes. (An NDJSON line that long is only that
 * record's error.) After a file-level error every call returns it again.
 *
 * int returns: 0; CMN_ENOENT when no record is left; CMN_EIO (could not
 * open or read) and CMN_EINVAL (malformed file) with the reason in errs;
 * CMN_ENOMEM. */
#ifndef CTL_BATCH_H
#define CTL_BATCH_H
#include "cmn/err.h"
#include "cmn/problem.h"
#include "mlps/v1/filing.pb-c.h"

#include <stddef.h>
#include <stdint.h>

typedef enum { CTL_BATCH_NDJSON, CTL_BATCH_CSV } ctl_batch_format_t;

#define CTL_BATCH_RECORD_MAX (1u << 20) /* bytes of one record */

typedef struct ctl_batch ctl_batch_t; /* opaque */

/* Opens the batch file at path (copied) and finds its format. On 0 the
 * caller owns *out and must close it with ctl_batch_close(); otherwise
 * *out is NULL and errs holds the reason. */
int ctl_batch_open(const char *path, ctl_batch_t **out,
                   cmn_problem_t *errs) CMN_MUST_CHECK;

/* Closes the file, frees *self_p and sets it to NULL. Safe on NULL. */
void ctl_batch_close(ctl_batch_t **self_p);

ctl_batch_format_t ctl_batch_format(const ctl_batch_t *self);

/* Reads the next record; errs is emptied first. On 0, *line is the line
 * the record starts on and either *filing is the record (caller owns it:
 * ctl_filing_free()) or *filing is NULL and errs holds the record's
 * errors. CMN_ENOENT at the end of the file; a file-level error in errs
 * otherwise. */
int ctl_batch_next(ctl_batch_t *self, uint32_t *line, Mlps__V1__Filing **filing,
                   cmn_problem_t *errs) CMN_MUST_CHECK;

/* Goes back to the first record (CSV: reads the header again). */
int ctl_batch_rewind(ctl_batch_t *self, cmn_problem_t *errs) CMN_MUST_CHECK;

/* CSV: the column (from 1) that holds field, a path into the filing such
 * as "unit.contacts[0].phone" or "materials[2].sha256" (the materials
 * column holds every "materials[...]"); 0 when no column does, or for
 * NDJSON, or before the header was read. */
unsigned ctl_batch_column(const ctl_batch_t *self, const char *field);

/* The CSV layout: the name of column kind i (0-based), NULL past the last.
 * The names are paths into the filing, with the one contact as
 * "unit.contacts[0].*" and the materials in one column, "materials". */
const char *ctl_batch_csv_column(size_t i);

#endif /* CTL_BATCH_H */

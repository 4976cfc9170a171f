/* batch_csv.h - the CSV side of batch.c (internal to ctl_core): RFC 4180
 * rows read with libcsv, the header's columns and the row-to-filing
 * mapping (the layout and the cells: batch_csv_cell.c). Error conventions are
 * those of ctl/batch.h. */
#ifndef CTL_BATCH_CSV_H
#define CTL_BATCH_CSV_H
#include "cmn/problem.h"
#include "mlps/v1/filing.pb-c.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct ctl__csv ctl__csv_t; /* opaque */

/* Caller owns the result (ctl__csv_destroy); NULL when out of memory. */
ctl__csv_t *ctl__csv_new(void);

/* Frees *self_p and sets it to NULL. Safe on NULL. */
void ctl__csv_destroy(ctl__csv_t **self_p);

/* Forgets the header and any row in progress: the file starts again. */
void ctl__csv_reset(ctl__csv_t *self);

/* The next record of f (borrowed; name is the file in errors). *lineno is
 * the line the next byte of f is on, and is kept up to date. The return
 * values and outputs are those of ctl_batch_next(). */
int ctl__csv_next(ctl__csv_t *self, FILE *f, const char *name, uint32_t *lineno,
                  uint32_t *line, Mlps__V1__Filing **filing,
                  cmn_problem_t *errs);

/* ctl_batch_column(). */
unsigned ctl__csv_column(const ctl__csv_t *self, const char *field);

/* True if text[0..len), a first line, starts with a column name of the
 * layout (quoted or not) followed by a comma or the end. */
bool ctl__csv_is_header(const char *text, size_t len);

/* batch_csv_cell.c: the layout, CTL__CSV_NLAYOUT columns. */
#define CTL__CSV_NLAYOUT ((size_t) 28)

/* ctl_batch_csv_column(): the name of layout column i, or NULL past the
 * end. */
const char *ctl__csv_layout(size_t i);

/* The layout entry named name, or -1. */
int ctl__csv_layout_find(const char *name);

/* Cell text[0..len) (not empty; column col of the file, from 1) of layout
 * entry k into root at the entry's path. A bad value adds an error to
 * errs, naming the field and column, and returns 0; CMN_ENOMEM. */
int ctl__csv_cell(size_t k, const char *text, size_t len, size_t col,
                  json_t *root, cmn_problem_t *errs);

#endif /* CTL_BATCH_CSV_H */

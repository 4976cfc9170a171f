/* batch_csv.c - CSV batch files: RFC 4180 rows read with libcsv in strict
 * mode, a header line that names the columns, and each row turned into the
 * JSON of a filing (cell by cell in batch_csv_cell.c), which
 * ctl_filing_from_json() converts as it does an NDJSON line
 * (docs/batch-format.md).
 *
 * libcsv is fed one piece of the file at a time, each ending at a carriage
 * return or a line feed (or at the piece buffer's end), so a row can only
 * end with a piece: the line a row starts on is the line of the first piece
 * that holds more than a line end. Spaces are kept (a space is part of a
 * field, as RFC 4180 says), which makes strict mode refuse a space before
 * an opening quote. */
#include "batch_csv.h"
#include "ctl/batch.h"
#include "ctl/json.h"

#include <csv.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define S_MAX_FIELDS 64 /* fields of a row kept; more are only counted */

struct ctl__csv {
    struct csv_parser p;
    /* the row being read: its cells, each NUL-terminated in buf */
    char *buf;
    size_t len, cap;
    size_t off[S_MAX_FIELDS], cell_len[S_MAX_FIELDS];
    size_t nfields; /* those beyond S_MAX_FIELDS counted too */
    bool row_open, row_done, oom;
    int term; /* what ended the row: CSV_CR, CSV_LF or -1 (end of file) */
    uint32_t row_line;
    size_t row_bytes;
    /* the header: the layout entry of each column, and back */
    bool have_header;
    size_t ncols;
    size_t kind_of[S_MAX_FIELDS];
    unsigned col_of[CTL__CSV_NLAYOUT]; /* from 1; 0: not in the file */
    cmn_problem_t walk;                /* the JSON conversion's errors */
};

#define S_OPTIONS (CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)

static int
s_no_space(unsigned char c)
{
    (void) c;
    return 0;
}

static void
s_parser_init(ctl__csv_t *self)
{
    csv_init(&self->p, S_OPTIONS); /* fails only for a NULL parser */
    csv_set_space_func(&self->p, s_no_space);
}

ctl__csv_t *
ctl__csv_new(void)
{
    ctl__csv_t *self = calloc(1, sizeof *self);
    if (self != NULL)
        s_parser_init(self);
    return self;
}

void
ctl__csv_destroy(ctl__csv_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    ctl__csv_t *self = *self_p;
    *self_p = NULL;
    csv_free(&self->p);
    free(self->buf);
    free(self);
}

static void
s_row_clear(ctl__csv_t *self)
{
    self->len = 0;
    self->nfields = 0;
    self->row_open = self->row_done = false;
    self->row_bytes = 0;
}

void
ctl__csv_reset(ctl__csv_t *self)
{
    csv_free(&self->p);
    s_parser_init(self);
    s_row_clear(self);
    self->oom = false;
    self->have_header = false;
    self->ncols = 0;
    memset(self->col_of, 0, sizeof self->col_of);
}

/* --- libcsv's callbacks ---------------------------------------------- */

static void
s_on_field(void *data, size_t len, void *arg)
{
    ctl__csv_t *self = arg;
    size_t i = self->nfields++;
    if (self->oom || i >= S_MAX_FIELDS)
        return;
    if (self->len + len + 1 > self->cap) {
        size_t cap = (self->len + len + 1) * 2;
        char *buf = realloc(self->buf, cap);
        if (buf == NULL) {
            self->oom = true;
            return;
        }
        self->buf = buf;
        self->cap = cap;
    }
    if (len > 0)
        memcpy(self->buf + self->len, data, len);
    self->buf[self->len + len] = '\0';
    self->off[i] = self->len;
    self->cell_len[i] = len;
    self->len += len + 1;
}

static void
s_on_row(int c, void *arg)
{
    ctl__csv_t *self = arg;
    self->row_done = true;
    self->term = c;
}

/* --- errors ---------------------------------------------------------- */

/* A file-level error: "NAME: line N: REASON". Returns CMN_EINVAL. */
static int s_fatal(cmn_problem_t *errs, const char *name, uint32_t line,
                   const char *fmt, ...) CMN_PRINTF(4, 5);

static int
s_fatal(cmn_problem_t *errs, const char *name, uint32_t line, const char *fmt,
        ...)
{
    char reason[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    cmn_problem_add(errs, "", "%.96s: line %u: %s", name, line, reason);
    return CMN_EINVAL;
}

/* At most 64 bytes of text for a message, control characters as '?'. */
static void
s_printable(const char *text, char out[65])
{
    size_t n = strlen(text);
    n = n > 64 ? 64 : n;
    for (size_t i = 0; i < n; i++)
        out[i] = (unsigned char) text[i] < 0x20 ? '?' : text[i];
    out[n] = '\0';
}

/* --- the header ------------------------------------------------------ */

static int
s_header(ctl__csv_t *self, const char *name, cmn_problem_t *errs)
{
    uint32_t line = self->row_line;
    char shown[65];
    if (self->nfields > CTL__CSV_NLAYOUT)
        return s_fatal(errs, name, line,
                       "the header has %zu columns; the layout has %zu",
                       self->nfields, CTL__CSV_NLAYOUT);
    for (size_t i = 0; i < self->nfields; i++) {
        const char *cell = self->buf + self->off[i];
        int k = ctl__csv_layout_find(cell);
        s_printable(cell, shown);
        if (k < 0 || strlen(cell) != self->cell_len[i])
            return s_fatal(errs, name, line,
                           "column %zu: unknown column \"%s\"", i + 1, shown);
        if (self->col_of[k] != 0)
            return s_fatal(errs, name, line,
                           "column %zu: \"%s\" is column %u already", i + 1,
                           shown, self->col_of[k]);
        self->col_of[k] = (unsigned) i + 1;
        self->kind_of[i] = (size_t) k;
    }
    self->ncols = self->nfields;
    self->have_header = true;
    return 0;
}

bool
ctl__csv_is_header(const char *text, size_t len)
{
    size_t q = len > 0 && text[0] == '"';
    for (size_t k = 0; k < CTL__CSV_NLAYOUT; k++) {
        size_t n = strlen(ctl__csv_layout(k)), end = q + n + q;
        if (len < q + n || memcmp(text + q, ctl__csv_layout(k), n) != 0)
            continue;
        if (q && (len < end || text[q + n] != '"'))
            continue;
        if (len == end || text[end] == ',' || text[end] == '\r' ||
            text[end] == '\n')
            return true;
    }
    return false;
}

unsigned
ctl__csv_column(const ctl__csv_t *self, const char *field)
{
    for (size_t k = 0; k < CTL__CSV_NLAYOUT; k++) {
        size_t n = strlen(ctl__csv_layout(k));
        if (strncmp(field, ctl__csv_layout(k), n) == 0 &&
            (field[n] == '\0' || field[n] == '[' || field[n] == '.'))
            return self->col_of[k];
    }
    return 0;
}

/* The conversion's errors into errs, each with its column. */
static void
s_walk_errors(ctl__csv_t *self, cmn_problem_t *errs)
{
    char field[sizeof self->walk.items[0].field];
    for (size_t i = 0; i < self->walk.count; i++) {
        const cmn_field_error_t *e = &self->walk.items[i];
        unsigned col = ctl__csv_column(self, e->field);
        if (col != 0)
            snprintf(field, sizeof field, "%.200s (column %u)", e->field, col);
        else
            snprintf(field, sizeof field, "%s", e->field);
        cmn_problem_add(errs, field, "%s", e->reason);
    }
    errs->overflow += self->walk.overflow;
}

/* The row just read, as a record. */
static int
s_record(ctl__csv_t *self, Mlps__V1__Filing **filing, cmn_problem_t *errs)
{
    json_t *root = NULL;
    int rc = 0;
    if (self->nfields != self->ncols) {
        cmn_problem_add(errs, "",
                        "expected %zu fields as in the header, "
                        "found %zu",
                        self->ncols, self->nfields);
        return 0;
    }
    if ((root = json_object()) == NULL)
        return CMN_ENOMEM;
    for (size_t i = 0; i < self->ncols && rc == 0; i++)
        if (self->cell_len[i] > 0)
            rc = ctl__csv_cell(self->kind_of[i], self->buf + self->off[i],
                               self->cell_len[i], i + 1, root, errs);
    if (rc != 0)
        goto out;
    cmn_problem_init(&self->walk);
    rc = ctl_filing_from_json(root, filing, &self->walk);
    s_walk_errors(self, errs);
    if (rc == CMN_EINVAL)
        rc = 0;
    if (rc == 0 && cmn_problem_found(errs) > 0)
        ctl_filing_free(filing);
out:
    json_decref(root);
    return rc;
}

/* --- reading --------------------------------------------------------- */

/* Reads bytes of f into buf up to and including the next CR or LF, or
 * until buf is full; *n is 0 at the end of the file. */
static int
s_piece(FILE *f, char *buf, size_t cap, size_t *n)
{
    int c = 0;
    *n = 0;
    while (*n < cap && (c = getc(f)) != EOF) {
        buf[(*n)++] = (char) c;
        if (c == '\n' || c == '\r')
            break;
    }
    return c == EOF && ferror(f) ? CMN_EIO : 0;
}

/* A malformed row (libcsv refused a byte of it): the record is rejected,
 * the parser starts again after the rest of the line. */
static int
s_malformed(ctl__csv_t *self, FILE *f, const char *last, uint32_t *lineno,
            cmn_problem_t *errs)
{
    char field[32];
    snprintf(field, sizeof field, "column %zu", self->nfields + 1);
    cmn_problem_add(errs, field,
                    "not valid CSV: a quote may only enclose a whole field "
                    "(and is doubled inside it)");
    int c = *last;
    while (c != '\n' && c != EOF)
        c = getc(f);
    if (c == '\n')
        (*lineno)++;
    csv_free(&self->p);
    s_parser_init(self);
    s_row_clear(self);
    return 0;
}

/* The end of the file: the last row, if it had no line end. */
static int
s_end(ctl__csv_t *self, const char *name, cmn_problem_t *errs)
{
    if (!self->row_open)
        return CMN_ENOENT;
    if (csv_fini(&self->p, s_on_field, s_on_row, self) != 0)
        return s_fatal(errs, name, self->row_line,
                       "column %zu: a quote is never closed",
                       self->nfields + 1);
    if (self->oom)
        return CMN_ENOMEM;
    return self->row_done ? 0 : CMN_ENOENT;
}

/* A row is complete: a CR must be followed by a LF. 0, or a file-level
 * error. */
static int
s_row_end(ctl__csv_t *self, FILE *f, const char *name, uint32_t lineno,
          cmn_problem_t *errs)
{
    if (self->term != CSV_CR)
        return 0;
    int c = getc(f);
    if (c != EOF && c != '\n')
        return s_fatal(errs, name, lineno,
                       "a carriage return without a line feed (lines end "
                       "in CRLF or LF)");
    if (c != EOF)
        ungetc(c, f);
    return 0;
}

/* Feeds f to the parser until a row is complete (0), the file ends
 * (CMN_ENOENT) or a file-level error. *rejected: the row was malformed
 * and errs says why. */
static int
s_read_row(ctl__csv_t *self, FILE *f, const char *name, uint32_t *lineno,
           bool *rejected, cmn_problem_t *errs)
{
    char piece[4096];
    size_t n;
    *rejected = false;
    while (!self->row_done) {
        if (s_piece(f, piece, sizeof piece, &n) != 0) {
            (void) s_fatal(errs, name, *lineno, "could not read: %s",
                           strerror(errno));
            return CMN_EIO;
        }
        if (n == 0)
            return s_end(self, name, errs);
        bool blank = n == 1 && (piece[0] == '\n' || piece[0] == '\r');
        if (!self->row_open && !blank) {
            self->row_open = true;
            self->row_line = *lineno;
        }
        self->row_bytes += n;
        if (self->row_bytes > CTL_BATCH_RECORD_MAX)
            return s_fatal(errs, name, self->row_line,
                           "a record longer than %u bytes (a quote not "
                           "closed?)",
                           CTL_BATCH_RECORD_MAX);
        size_t used = csv_parse(&self->p, piece, n, s_on_field, s_on_row, self);
        if (self->oom)
            return CMN_ENOMEM;
        if (used < n) {
            *rejected = true;
            return s_malformed(self, f, &piece[n - 1], lineno, errs);
        }
        if (piece[n - 1] == '\n')
            (*lineno)++;
    }
    return s_row_end(self, f, name, *lineno, errs);
}

int
ctl__csv_next(ctl__csv_t *self, FILE *f, const char *name, uint32_t *lineno,
              uint32_t *line, Mlps__V1__Filing **filing, cmn_problem_t *errs)
{
    bool rejected;
    *filing = NULL;
    for (;;) {
        int rc = s_read_row(self, f, name, lineno, &rejected, errs);
        if (rc != 0)
            return rc;
        uint32_t start = self->row_line;
        if (rejected && !self->have_header) {
            cmn_field_error_t e = errs->items[0];
            cmn_problem_init(errs);
            return s_fatal(errs, name, start, "the header: %s: %s", e.field,
                           e.reason);
        }
        if (rejected) {
            *line = start;
            return 0;
        }
        if (!self->have_header) {
            rc = s_header(self, name, errs);
            s_row_clear(self);
            if (rc != 0)
                return rc;
            continue;
        }
        *line = start;
        rc = s_record(self, filing, errs);
        s_row_clear(self);
        return rc;
    }
}

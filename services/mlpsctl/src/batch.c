/* batch.c - batch files of filings: opening one, finding its format,
 * NDJSON lines, and the records one at a time (CSV rows come from
 * batch_csv.c). */
#include "ctl/batch.h"
#include "batch_csv.h"
#include "ctl/json.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

struct ctl_batch {
    FILE *f;
    char *name; /* the path, for errors */
    ctl_batch_format_t format;
    uint32_t lineno; /* the line the next byte is on */
    char *buf;       /* NDJSON: the current line */
    size_t cap;
    ctl__csv_t *csv;
    int failed; /* a file-level error's code, given again */
    cmn_field_error_t failure;
};

#define S_DETECT_MAX                                        \
    4096 /* bytes of the first line read to find the format \
          */

static int s_fail(ctl_batch_t *self, cmn_problem_t *errs, int rc,
                  const char *fmt, ...) CMN_PRINTF(4, 5);

/* A file-level error, "NAME: REASON", kept to be given again. */
static int
s_fail(ctl_batch_t *self, cmn_problem_t *errs, int rc, const char *fmt, ...)
{
    char reason[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    cmn_problem_add(errs, "", "%.96s: %s", self->name, reason);
    self->failed = rc;
    self->failure = errs->items[errs->count - 1];
    return rc;
}

/* Skips a UTF-8 byte order mark at the start of the file. */
static int
s_skip_bom(ctl_batch_t *self)
{
    unsigned char bom[3];
    size_t n = fread(bom, 1, sizeof bom, self->f);
    if (ferror(self->f))
        return CMN_EIO;
    if (n == 3 && bom[0] == 0xEF && bom[1] == 0xBB && bom[2] == 0xBF)
        return 0;
    return fseek(self->f, 0, SEEK_SET) == 0 ? 0 : CMN_EIO;
}

/* CSV by the name, or by the first line that is not blank. */
static int
s_detect(ctl_batch_t *self)
{
    size_t n = strlen(self->name);
    if (n >= 4 && strcasecmp(self->name + n - 4, ".csv") == 0) {
        self->format = CTL_BATCH_CSV;
        return 0;
    }
    char line[S_DETECT_MAX];
    size_t len = 0;
    int c;
    while ((c = getc(self->f)) != EOF && len < sizeof line) {
        if (c == '\n' && len == 0)
            continue;
        if (c == '\n')
            break;
        line[len++] = (char) c;
        if (len == 1 && (c == ' ' || c == '\t' || c == '\r'))
            len = 0; /* white space before the first character */
    }
    if (ferror(self->f))
        return CMN_EIO;
    self->format =
        ctl__csv_is_header(line, len) ? CTL_BATCH_CSV : CTL_BATCH_NDJSON;
    return 0;
}

int
ctl_batch_rewind(ctl_batch_t *self, cmn_problem_t *errs)
{
    self->failed = 0;
    self->lineno = 1;
    clearerr(self->f);
    if (self->csv != NULL)
        ctl__csv_reset(self->csv);
    if (fseek(self->f, 0, SEEK_SET) != 0 || s_skip_bom(self) != 0)
        return s_fail(self, errs, CMN_EIO, "could not read: %s",
                      strerror(errno));
    return 0;
}

/* Opens path as a regular file and finds its format. */
static int
s_open(ctl_batch_t *self, const char *path, cmn_problem_t *errs)
{
    struct stat st;
    if ((self->f = fopen(path, "rb")) == NULL)
        return s_fail(self, errs, CMN_EIO, "could not open: %s",
                      strerror(errno));
    if (fstat(fileno(self->f), &st) != 0 || !S_ISREG(st.st_mode))
        return s_fail(self, errs, CMN_EIO, "is not a regular file");
    if (s_skip_bom(self) != 0 || s_detect(self) != 0)
        return s_fail(self, errs, CMN_EIO, "could not read: %s",
                      strerror(errno));
    if (self->format == CTL_BATCH_CSV && (self->csv = ctl__csv_new()) == NULL)
        return CMN_ENOMEM;
    return ctl_batch_rewind(self, errs);
}

int
ctl_batch_open(const char *path, ctl_batch_t **out, cmn_problem_t *errs)
{
    ctl_batch_t *self = calloc(1, sizeof *self);
    int rc = CMN_ENOMEM;
    *out = NULL;
    if (self == NULL || (self->name = strdup(path)) == NULL)
        goto out;
    rc = s_open(self, path, errs);
out:
    if (rc != 0)
        ctl_batch_close(&self);
    *out = self;
    return rc;
}

void
ctl_batch_close(ctl_batch_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    ctl_batch_t *self = *self_p;
    *self_p = NULL;
    if (self->f != NULL)
        fclose(self->f);
    ctl__csv_destroy(&self->csv);
    free(self->buf);
    free(self->name);
    free(self);
}

ctl_batch_format_t
ctl_batch_format(const ctl_batch_t *self)
{
    return self->format;
}

unsigned
ctl_batch_column(const ctl_batch_t *self, const char *field)
{
    return self->csv != NULL ? ctl__csv_column(self->csv, field) : 0;
}

const char *
ctl_batch_csv_column(size_t i)
{
    return ctl__csv_layout(i);
}

/* --- NDJSON ---------------------------------------------------------- */

/* Reads one line, without its LF (and a CR before it), into buf; *len
 * bytes of it, or *len > CTL_BATCH_RECORD_MAX when it was longer (the
 * rest is skipped). CMN_ENOENT at the end of the file. */
static int
s_line(ctl_batch_t *self, size_t *len)
{
    int c;
    size_t n = 0;
    while ((c = getc(self->f)) != EOF && c != '\n') {
        if (n >= CTL_BATCH_RECORD_MAX) {
            n++;
            continue;
        }
        if (n + 1 >= self->cap) {
            size_t cap = self->cap ? self->cap * 2 : 4096;
            char *buf = realloc(self->buf, cap);
            if (buf == NULL)
                return CMN_ENOMEM;
            self->buf = buf;
            self->cap = cap;
        }
        self->buf[n++] = (char) c;
    }
    if (c == EOF && ferror(self->f))
        return CMN_EIO;
    if (c == EOF && n == 0)
        return CMN_ENOENT;
    if (n > 0 && n <= CTL_BATCH_RECORD_MAX && self->buf[n - 1] == '\r')
        n--;
    *len = n;
    return 0;
}

static bool
s_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return false;
    return true;
}

/* One line as JSON, then as a filing. */
static int
s_ndjson_record(ctl_batch_t *self, size_t len, Mlps__V1__Filing **filing,
                cmn_problem_t *errs)
{
    json_error_t e;
    char field[32];
    json_t *json = json_loadb(self->buf, len, JSON_REJECT_DUPLICATES, &e);
    if (json == NULL) {
        if (json_error_code(&e) == json_error_out_of_memory)
            return CMN_ENOMEM;
        snprintf(field, sizeof field, "column %d", e.column);
        cmn_problem_add(errs, field, "%s", e.text);
        return 0;
    }
    int rc = ctl_filing_from_json(json, filing, errs);
    json_decref(json);
    return rc == CMN_EINVAL ? 0 : rc;
}

static int
s_ndjson_next(ctl_batch_t *self, uint32_t *line, Mlps__V1__Filing **filing,
              cmn_problem_t *errs)
{
    size_t len = 0;
    for (;;) {
        int rc = s_line(self, &len);
        if (rc == CMN_EIO)
            return s_fail(self, errs, rc, "line %u: could not read: %s",
                          self->lineno, strerror(errno));
        if (rc != 0)
            return rc;
        *line = self->lineno++;
        if (len > CTL_BATCH_RECORD_MAX) {
            cmn_problem_add(errs, "", "the line is longer than %u bytes",
                            CTL_BATCH_RECORD_MAX);
            return 0;
        }
        if (!s_blank(self->buf, len))
            return s_ndjson_record(self, len, filing, errs);
    }
}

/* --- records --------------------------------------------------------- */

int
ctl_batch_next(ctl_batch_t *self, uint32_t *line, Mlps__V1__Filing **filing,
               cmn_problem_t *errs)
{
    int rc;
    cmn_problem_init(errs);
    *filing = NULL;
    *line = 0;
    if (self->failed != 0) {
        errs->items[errs->count++] = self->failure;
        return self->failed;
    }
    if (self->lineno >= UINT32_MAX - 1)
        return s_fail(self, errs, CMN_EINVAL, "more than %u lines",
                      UINT32_MAX - 2);
    if (self->format == CTL_BATCH_NDJSON)
        rc = s_ndjson_next(self, line, filing, errs);
    else
        rc = ctl__csv_next(self->csv, self->f, self->name, &self->lineno, line,
                           filing, errs);
    if (rc != 0 && rc != CMN_ENOENT && rc != CMN_ENOMEM && self->failed == 0) {
        self->failed = rc; /* the CSV reader named it already */
        self->failure = errs->items[0];
    }
    return rc;
}

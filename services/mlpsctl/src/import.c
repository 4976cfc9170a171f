/* import.c - `mlpsctl batch import`: two passes over a batch file, the
 * requests, the replies merged into a summary, and the summary printed
 * (docs/batch-format.md). */
#include "ctl/import.h"
#include "ctl/batch.h"
#include "ctl/json.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* What the first pass learnt. */
typedef struct {
    uint64_t sendable;  /* records to send */
    size_t requests;    /* requests they make */
    uint32_t *rejected; /* lines rejected here, in order */
    size_t n_rejected, cap;
} s_plan_t;

/* The second pass: the request being filled. */
typedef struct {
    const ctl_import_opts_t *o;
    ctl_import_summary_t *sum;
    ctl_batch_t *b;
    const s_plan_t *plan;
    Mlps__V1__ImportRecord *recs;
    Mlps__V1__ImportRecord **ptrs;
    size_t n, bytes;
    uint64_t sent; /* records answered */
    cmn_problem_t *errs;
} s_run_t;

void
ctl_import_summary_init(ctl_import_summary_t *sum)
{
    memset(sum, 0, sizeof *sum);
}

void
ctl_import_summary_release(ctl_import_summary_t *sum)
{
    for (size_t i = 0; i < sum->n_conflicts; i++) {
        free(sum->conflicts[i].field);
        free(sum->conflicts[i].reason);
    }
    free(sum->conflicts);
    ctl_import_summary_init(sum);
}

static int
s_conflict(ctl_import_summary_t *sum, uint32_t line, const char *field,
           const char *reason)
{
    if (sum->n_conflicts >= CTL_IMPORT_MAX_CONFLICTS) {
        sum->conflicts_dropped++;
        return 0;
    }
    if (sum->n_conflicts == sum->cap) {
        size_t cap = sum->cap ? sum->cap * 2 : 64;
        ctl_conflict_t *c = realloc(sum->conflicts, cap * sizeof *c);
        if (c == NULL)
            return CMN_ENOMEM;
        sum->conflicts = c;
        sum->cap = cap;
    }
    ctl_conflict_t *c = &sum->conflicts[sum->n_conflicts];
    c->line = line;
    c->seq = sum->n_conflicts;
    c->field = strdup(field);
    c->reason = strdup(reason);
    if (c->field == NULL || c->reason == NULL) {
        free(c->field);
        free(c->reason);
        return CMN_ENOMEM;
    }
    sum->n_conflicts++;
    return 0;
}

/* A record rejected here: each of its errors a conflict. */
static int
s_reject(ctl_import_summary_t *sum, uint32_t line, const cmn_problem_t *errs)
{
    int rc = 0;
    sum->rejected++;
    for (size_t i = 0; i < errs->count && rc == 0; i++)
        rc = s_conflict(sum, line, errs->items[i].field, errs->items[i].reason);
    if (rc == 0 && errs->overflow > 0) {
        char more[64];
        snprintf(more, sizeof more, "%zu more errors not shown",
                 errs->overflow);
        rc = s_conflict(sum, line, "", more);
    }
    return rc;
}

static size_t
s_varint_len(size_t n)
{
    size_t len = 1;
    for (; n >= 0x80; n >>= 7)
        len++;
    return len;
}

/* The bytes a record takes in an ImportRequest (its tag and length too). */
static size_t
s_record_size(uint32_t line, Mlps__V1__Filing *filing)
{
    Mlps__V1__ImportRecord rec = MLPS__V1__IMPORT_RECORD__INIT;
    rec.line = line;
    rec.filing = filing;
    size_t n = protobuf_c_message_get_packed_size(&rec.base);
    return 1 + s_varint_len(n) + n;
}

/* True when a record of size bytes does not fit the request so far. */
static bool
s_full(const ctl_import_opts_t *o, size_t n, size_t bytes, size_t size)
{
    return n > 0 && (n >= o->max_records || bytes + size > o->max_bytes);
}

/* --- the first pass -------------------------------------------------- */

static int
s_plan_rejected(s_plan_t *plan, uint32_t line)
{
    if (plan->n_rejected == plan->cap) {
        size_t cap = plan->cap ? plan->cap * 2 : 64;
        uint32_t *r = realloc(plan->rejected, cap * sizeof *r);
        if (r == NULL)
            return CMN_ENOMEM;
        plan->rejected = r;
        plan->cap = cap;
    }
    plan->rejected[plan->n_rejected++] = line;
    return 0;
}

/* A record that converted but is too large for any request. */
static int
s_too_large(ctl_import_summary_t *sum, uint32_t line, size_t size, size_t max)
{
    char reason[128];
    snprintf(reason, sizeof reason,
             "the record takes %zu bytes, more than a request may hold "
             "(%zu)",
             size, max);
    sum->rejected++;
    return s_conflict(sum, line, "", reason);
}

static int
s_first_pass(const ctl_import_opts_t *o, ctl_batch_t *b,
             ctl_import_summary_t *sum, s_plan_t *plan, cmn_problem_t *errs)
{
    Mlps__V1__Filing *filing = NULL;
    uint32_t line;
    size_t n = 0, bytes = 0;
    int rc;
    while ((rc = ctl_batch_next(b, &line, &filing, errs)) == 0) {
        size_t size = filing != NULL ? s_record_size(line, filing) : 0;
        if (filing == NULL)
            rc = s_reject(sum, line, errs);
        else if (size > o->max_bytes)
            rc = s_too_large(sum, line, size, o->max_bytes);
        if (rc == 0 && (filing == NULL || size > o->max_bytes))
            rc = s_plan_rejected(plan, line);
        else if (rc == 0) {
            if (s_full(o, n, bytes, size) || plan->requests == 0) {
                plan->requests++;
                n = bytes = 0;
            }
            n++;
            bytes += size;
            plan->sendable++;
        }
        ctl_filing_free(&filing);
        if (rc != 0)
            return rc;
    }
    return rc == CMN_ENOENT ? 0 : rc;
}

/* --- the replies ----------------------------------------------------- */

/* field, with its CSV column when it has one. */
static int
s_remote_conflict(s_run_t *r, uint32_t line, const char *field,
                  const char *reason)
{
    char buf[320];
    unsigned col = ctl_batch_column(r->b, field);
    if (col != 0) {
        snprintf(buf, sizeof buf, "%.256s (column %u)", field, col);
        field = buf;
    }
    return s_conflict(r->sum, line, field, reason);
}

static int
s_result(s_run_t *r, const Mlps__V1__ImportResult *res)
{
    int rc = 0;
    if (strcmp(res->status, "rejected") == 0) {
        for (size_t k = 0; k < res->n_errors && rc == 0; k++)
            rc = s_remote_conflict(r, res->line, res->errors[k]->field,
                                   res->errors[k]->reason);
        if (rc == 0 && res->n_errors == 0)
            rc = s_conflict(r->sum, res->line, "", "rejected, no reason given");
    } else if (strcmp(res->status, "imported") == 0 &&
               res->unit_secret[0] != '\0') {
        if (r->o->secrets != NULL)
            fprintf(r->o->secrets, "%s %s\n", res->tracking_id,
                    res->unit_secret);
        else
            r->sum->proofs_lost++;
    }
    return rc;
}

/* The secrets written so far reached the file. */
static int
s_secrets_flush(s_run_t *r, size_t n)
{
    FILE *f = r->o->secrets;
    if (f == NULL || (fflush(f) == 0 && !ferror(f)))
        return 0;
    cmn_problem_add(r->errs, "",
                    "could not write the secrets file: %s (the proofs of "
                    "up to %zu imported records of this request are lost)",
                    strerror(errno), n);
    return CMN_EIO;
}

static int
s_merge(s_run_t *r, const Mlps__V1__ImportReply *rep)
{
    ctl_import_summary_t *sum = r->sum;
    uint64_t counted =
        (uint64_t) rep->imported + rep->updated + rep->ignored + rep->rejected;
    sum->imported += rep->imported;
    sum->updated += rep->updated;
    sum->ignored += rep->ignored;
    sum->rejected += rep->rejected;
    if (counted != r->n && r->o->progress != NULL)
        fprintf(r->o->progress,
                "mlpsctl: the intake counted %" PRIu64 " of the %zu records "
                "sent (lines %u to %u)\n",
                counted, r->n, r->recs[0].line, r->recs[r->n - 1].line);
    int rc = 0;
    for (size_t i = 0; i < rep->n_results && rc == 0; i++)
        rc = s_result(r, rep->results[i]);
    if (rc == 0)
        rc = s_secrets_flush(r, rep->imported);
    return rc;
}

/* --- the second pass ------------------------------------------------- */

/* Sends the records collected; frees them. 1 when the import must stop
 * (status ERROR, why said), else 0 or CMN_ENOMEM. */
static int
s_flush(s_run_t *r)
{
    Mlps__V1__ImportRequest req = MLPS__V1__IMPORT_REQUEST__INIT;
    Mlps__V1__ImportReply *rep = NULL;
    int rc = 0;
    if (r->n == 0)
        return 0;
    req.records = r->ptrs;
    req.n_records = r->n;
    req.dry_run = r->o->dry_run;
    if (r->o->send(r->o->arg, &req, &rep) != 0) {
        rc = 1;
        goto out;
    }
    r->sum->requests++;
    r->sent += r->n;
    rc = s_merge(r, rep);
    if (rc == CMN_EIO)
        rc = 1;
    if (rc == 0 && r->o->progress != NULL && r->plan->requests > 1)
        fprintf(r->o->progress,
                "import: %" PRIu64 "/%" PRIu64 " records sent\n", r->sent,
                r->plan->sendable);
out:
    protobuf_c_message_free_unpacked(rep ? &rep->base : NULL, NULL);
    for (size_t i = 0; i < r->n; i++)
        ctl_filing_free(&r->recs[i].filing);
    r->n = r->bytes = 0;
    return rc;
}

/* Whether line was rejected by the first pass: the file must read the
 * same twice. *k walks plan->rejected. */
static bool
s_was_rejected(const s_plan_t *plan, size_t *k, uint32_t line)
{
    if (*k < plan->n_rejected && plan->rejected[*k] == line) {
        (*k)++;
        return true;
    }
    return false;
}

static int
s_changed(s_run_t *r, uint32_t line)
{
    cmn_problem_add(r->errs, "",
                    "the file changed while it was imported "
                    "(at line %u): stopped",
                    line);
    return 1;
}

static int
s_second_pass(s_run_t *r)
{
    Mlps__V1__Filing *filing = NULL;
    uint32_t line;
    size_t k = 0;
    int rc;
    cmn_problem_t *errs = r->errs, local;
    while ((rc = ctl_batch_next(r->b, &line, &filing, &local)) == 0) {
        bool rejected = s_was_rejected(r->plan, &k, line);
        if (filing == NULL || rejected) {
            ctl_filing_free(&filing);
            if (!rejected)
                return s_changed(r, line);
            continue;
        }
        size_t size = s_record_size(line, filing);
        if (s_full(r->o, r->n, r->bytes, size) && (rc = s_flush(r)) != 0) {
            ctl_filing_free(&filing);
            return rc;
        }
        r->recs[r->n] = (Mlps__V1__ImportRecord) MLPS__V1__IMPORT_RECORD__INIT;
        r->recs[r->n].line = line;
        r->recs[r->n].filing = filing;
        r->ptrs[r->n] = &r->recs[r->n];
        r->n++;
        r->bytes += size;
        filing = NULL;
    }
    if (rc != CMN_ENOENT) {
        for (size_t i = 0; i < local.count; i++)
            cmn_problem_add(errs, "", "%s", local.items[i].reason);
        return rc == CMN_ENOMEM ? rc : 1;
    }
    if (r->sent + r->n != r->plan->sendable)
        return s_changed(r, line);
    return s_flush(r);
}

static int
s_by_line(const void *a, const void *b)
{
    const ctl_conflict_t *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The second pass and the outcome. */
static int
s_send(const ctl_import_opts_t *o, ctl_batch_t *b, const s_plan_t *plan,
       ctl_import_summary_t *sum, cmn_problem_t *errs)
{
    s_run_t r = {.o = o, .sum = sum, .b = b, .plan = plan, .errs = errs};
    size_t max = o->max_records;
    int rc = CMN_ENOMEM;
    r.recs = calloc(max, sizeof *r.recs);
    r.ptrs = calloc(max, sizeof *r.ptrs);
    if (r.recs != NULL && r.ptrs != NULL)
        rc = ctl_batch_rewind(b, errs) == 0 ? s_second_pass(&r) : 1;
    for (size_t i = 0; r.recs != NULL && i < r.n; i++)
        ctl_filing_free(&r.recs[i].filing);
    free(r.recs);
    free(r.ptrs);
    if (rc == CMN_ENOMEM)
        cmn_problem_add(errs, "", "%s", cmn_strerror(rc));
    if (rc != 0) {
        sum->status = CTL_IMPORT_ERROR;
        sum->unanswered = plan->sendable - r.sent;
    } else {
        sum->status = sum->rejected > 0 ? CTL_IMPORT_WARNING : CTL_IMPORT_OK;
    }
    if (sum->n_conflicts > 1)
        qsort(sum->conflicts, sum->n_conflicts, sizeof *sum->conflicts,
              s_by_line);
    return 0;
}

int
ctl_import_run(const ctl_import_opts_t *o, ctl_import_summary_t *sum,
               cmn_problem_t *errs)
{
    s_plan_t plan = {0};
    ctl_batch_t *b = NULL;
    ctl_import_summary_init(sum);
    sum->dry_run = o->dry_run;
    if (o->max_records < 1 || o->max_records > CTL_IMPORT_MAX_RECORDS ||
        o->max_bytes < 1) {
        cmn_problem_add(errs, "",
                        "a request must hold 1 to %d records and "
                        "at least 1 byte",
                        CTL_IMPORT_MAX_RECORDS);
        return CMN_EINVAL;
    }
    int rc = ctl_batch_open(o->path, &b, errs);
    if (rc == 0)
        rc = s_first_pass(o, b, sum, &plan, errs);
    if (rc == CMN_ENOMEM && errs->count == 0)
        cmn_problem_add(errs, "", "%s", cmn_strerror(rc));
    if (rc == 0)
        rc = s_send(o, b, &plan, sum, errs);
    ctl_batch_close(&b);
    free(plan.rejected);
    return rc;
}

/* --- the summary ----------------------------------------------------- */

static const char *const s_status_names[] = {"OK", "WARNING", "ERROR"};

/* Writes s with control characters as spaces. */
static void
s_put(FILE *out, const char *s)
{
    for (; *s != '\0'; s++)
        fputc((unsigned char) *s < 0x20 || *s == 0x7f ? ' ' : *s, out);
}

static void
s_print_text(FILE *out, const ctl_import_summary_t *sum)
{
    fprintf(out,
            "status: %s\nimported: %" PRIu64 "\nupdated: %" PRIu64
            "\nignored: %" PRIu64 "\nrejected: %" PRIu64 "\n",
            s_status_names[sum->status], sum->imported, sum->updated,
            sum->ignored, sum->rejected);
    if (sum->status == CTL_IMPORT_ERROR)
        fprintf(out, "unanswered: %" PRIu64 "\n", sum->unanswered);
    for (size_t i = 0; i < sum->n_conflicts; i++) {
        const ctl_conflict_t *c = &sum->conflicts[i];
        fprintf(out, "conflict: line %u: ", c->line);
        if (c->field[0] != '\0') {
            s_put(out, c->field);
            fputs(": ", out);
        }
        s_put(out, c->reason);
        fputc('\n', out);
    }
    if (sum->conflicts_dropped > 0)
        fprintf(out, "conflict: %zu more not shown\n", sum->conflicts_dropped);
    if (sum->dry_run)
        fputs("dry run: nothing was stored\n", out);
}

/* The summary as JSON; NULL when out of memory. */
static json_t *
s_json(const ctl_import_summary_t *sum)
{
    json_t *list = json_array(), *o = NULL;
    for (size_t i = 0; list != NULL && i < sum->n_conflicts; i++) {
        const ctl_conflict_t *c = &sum->conflicts[i];
        json_t *item = json_pack("{sIssss}", "line", (json_int_t) c->line,
                                 "field", c->field, "reason", c->reason);
        if (item == NULL || json_array_append_new(list, item) != 0) {
            json_decref(list);
            return NULL;
        }
    }
    o = json_pack(
        "{sssbsIsIsIsIsIsosI}", "status", s_status_names[sum->status],
        "dry_run", sum->dry_run, "imported", (json_int_t) sum->imported,
        "updated", (json_int_t) sum->updated, "ignored",
        (json_int_t) sum->ignored, "rejected", (json_int_t) sum->rejected,
        "unanswered", (json_int_t) sum->unanswered, "conflicts", list,
        "conflicts_not_shown", (json_int_t) sum->conflicts_dropped);
    return o;
}

int
ctl_import_print(FILE *out, const ctl_import_summary_t *sum, bool json)
{
    static const int codes[] = {0, 1, 2};
    if (!json) {
        s_print_text(out, sum);
        return codes[sum->status];
    }
    json_t *o = s_json(sum);
    if (o == NULL || json_dumpf(o, out, JSON_PRESERVE_ORDER) != 0) {
        json_decref(o);
        fputs("mlpsctl: out of memory\n", stderr);
        return 2;
    }
    fputc('\n', out);
    json_decref(o);
    return codes[sum->status];
}

/* import_test.c - the batch import against a fake intake (a send function
 * that answers each ImportRequest by a rule on the line numbers): the
 * chunking (500 records, or the byte limit), progress lines, the counts
 * and conflicts merged and sorted by line, CSV columns added to the
 * intake's fields, the proofs file, transport failures, file-level errors
 * (nothing sent), and the summary printed as text and as JSON. */
#include "cmn_test/unit.h"
#include "ctl/import.h"
#include "ctl_test.h"

#include <unistd.h>

/* The fake intake: what it was asked, and how it answers. */
typedef struct {
    size_t requests;
    size_t sizes[16];
    uint32_t first[16], last[16];
    bool dry_run[16];
    bool increasing;        /* the lines of every request went up */
    size_t fail_at;         /* 1-based request that gets no answer; 0: none */
    bool bad_counts;        /* answer with counts that do not add up */
    const char *csv_reject; /* field of line 3's error ("": the default) */
} s_intake_t;

/* The rule: a line divisible by 7 is rejected (its credit code), by 11
 * updated, by 13 ignored; the rest imported with proof "s<line>". */
static const char *
s_status_of(uint32_t line)
{
    return line % 7 == 0    ? "rejected"
           : line % 11 == 0 ? "updated"
           : line % 13 == 0 ? "ignored"
                            : "imported";
}

/* The reply as protobuf-c unpacks it, so the caller can free it. */
static Mlps__V1__ImportReply *
s_answer(s_intake_t *in, const Mlps__V1__ImportRequest *req)
{
    Mlps__V1__ImportReply rep = MLPS__V1__IMPORT_REPLY__INIT;
    Mlps__V1__ImportResult *res = calloc(req->n_records, sizeof *res);
    Mlps__V1__ImportResult **ptrs = calloc(req->n_records, sizeof *ptrs);
    Mlps__V1__FieldError fe = MLPS__V1__FIELD_ERROR__INIT, *fes[] = {&fe};
    char(*ids)[24] = calloc(req->n_records, sizeof *ids);
    char(*secrets)[24] = calloc(req->n_records, sizeof *secrets);
    assert_true(res && ptrs && ids && secrets);
    fe.field = (char *) (in->csv_reject ? in->csv_reject : "unit.credit_code");
    fe.reason = "is not a valid 18-character unified social credit code";
    for (size_t i = 0; i < req->n_records; i++) {
        uint32_t line = req->records[i]->line;
        res[i] = (Mlps__V1__ImportResult) MLPS__V1__IMPORT_RESULT__INIT;
        res[i].line = line;
        res[i].status = (char *) s_status_of(line);
        snprintf(ids[i], sizeof ids[i], "T%u", line);
        res[i].tracking_id = ids[i];
        if (strcmp(res[i].status, "rejected") == 0) {
            res[i].errors = fes;
            res[i].n_errors = 1;
            rep.rejected++;
        } else if (strcmp(res[i].status, "imported") == 0) {
            snprintf(secrets[i], sizeof secrets[i], "s%u", line);
            res[i].unit_secret = secrets[i];
            rep.imported++;
        } else {
            *(strcmp(res[i].status, "updated") == 0 ? &rep.updated
                                                    : &rep.ignored) += 1;
        }
        ptrs[i] = &res[i];
    }
    rep.results = ptrs;
    rep.n_results = req->n_records;
    if (in->bad_counts)
        rep.imported += 5;
    size_t len = protobuf_c_message_get_packed_size(&rep.base);
    uint8_t *buf = malloc(len);
    assert_non_null(buf);
    protobuf_c_message_pack(&rep.base, buf);
    Mlps__V1__ImportReply *out = mlps__v1__import_reply__unpack(NULL, len, buf);
    assert_non_null(out);
    free(buf);
    free(res);
    free(ptrs);
    free(ids);
    free(secrets);
    return out;
}

static int
s_send(void *arg, const Mlps__V1__ImportRequest *req,
       Mlps__V1__ImportReply **reply)
{
    s_intake_t *in = arg;
    size_t k = in->requests++;
    *reply = NULL;
    assert_true(k < 16);
    assert_true(req->n_records > 0);
    in->sizes[k] = req->n_records;
    in->dry_run[k] = req->dry_run;
    in->first[k] = req->records[0]->line;
    in->last[k] = req->records[req->n_records - 1]->line;
    for (size_t i = 0; i < req->n_records; i++) {
        assert_non_null(req->records[i]->filing);
        if (i > 0 && req->records[i]->line <= req->records[i - 1]->line)
            in->increasing = false;
    }
    if (k > 0 && in->first[k] <= in->last[k - 1])
        in->increasing = false;
    if (in->fail_at == k + 1)
        return 2;
    *reply = s_answer(in, req);
    return 0;
}

static char s_dir[64];

static const char *
s_path(const char *name)
{
    static char path[128];
    if (s_dir[0] == '\0') {
        snprintf(s_dir, sizeof s_dir, "/tmp/ctl_import_test_XXXXXX");
        assert_non_null(mkdtemp(s_dir));
    }
    snprintf(path, sizeof path, "%s/%s", s_dir, name);
    return path;
}

/* A file of n lines: the level-2 example on every line but those listed
 * in bad (a syntax error) and blank (empty). */
static const char *
s_ndjson(const char *name, uint32_t n, const uint32_t *bad, size_t nbad,
         const uint32_t *blank, size_t nblank)
{
    json_t *json = ctl_test_example("filing-level2");
    char *line = json_dumps(json, JSON_COMPACT);
    json_decref(json);
    const char *path = s_path(name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (uint32_t l = 1; l <= n; l++) {
        bool b = false, e = false;
        for (size_t i = 0; i < nbad; i++)
            b |= bad[i] == l;
        for (size_t i = 0; i < nblank; i++)
            e |= blank[i] == l;
        fprintf(f, "%s\n", b ? "{\"unit\": " : e ? "" : line);
    }
    assert_int_equal(fclose(f), 0);
    free(line);
    return path;
}

typedef struct {
    ctl_import_summary_t sum;
    cmn_problem_t errs;
    char progress[4096];
    int rc;
} s_run_t;

/* Runs the import of path against in. */
static s_run_t *
s_import(const char *path, s_intake_t *in, size_t max_bytes, FILE *secrets,
         bool dry_run)
{
    static s_run_t r;
    char *text = NULL;
    size_t len = 0;
    FILE *progress = open_memstream(&text, &len);
    assert_non_null(progress);
    in->increasing = true;
    ctl_import_opts_t o = {.path = path,
                           .dry_run = dry_run,
                           .max_records = CTL_IMPORT_MAX_RECORDS,
                           .max_bytes = max_bytes,
                           .secrets = secrets,
                           .progress = progress,
                           .send = s_send,
                           .arg = in};
    cmn_problem_init(&r.errs);
    r.rc = ctl_import_run(&o, &r.sum, &r.errs);
    fclose(progress);
    snprintf(r.progress, sizeof r.progress, "%s", text);
    free(text);
    return &r;
}

static uint64_t
s_count(uint32_t n, const char *status, const uint32_t *skip, size_t nskip)
{
    uint64_t c = 0;
    for (uint32_t l = 1; l <= n; l++) {
        bool skipped = false;
        for (size_t i = 0; i < nskip; i++)
            skipped |= skip[i] == l;
        c += !skipped && strcmp(s_status_of(l), status) == 0;
    }
    return c;
}

/* The task's case: a 1,201-record file makes 3 requests (500, 500, 201),
 * a progress line after each; blank lines and local rejects are not
 * sent and keep their line numbers. */
static void
s_chunking(void **state)
{
    (void) state;
    static const uint32_t bad[] = {2, 1000}, blank[] = {5, 6, 777};
    const uint32_t n = 1201 + 2 + 3;
    const uint32_t skip[] = {2, 1000, 5, 6, 777};
    s_intake_t in = {0};
    s_run_t *r = s_import(s_ndjson("big.ndjson", n, bad, 2, blank, 3), &in,
                          16 << 20, NULL, false);
    assert_int_equal(r->rc, 0);
    assert_int_equal(in.requests, 3);
    assert_int_equal(in.sizes[0], 500);
    assert_int_equal(in.sizes[1], 500);
    assert_int_equal(in.sizes[2], 201);
    assert_true(in.increasing);
    assert_int_equal(in.first[0], 1);
    assert_int_equal(in.last[2], n);
    assert_false(in.dry_run[0] || in.dry_run[1] || in.dry_run[2]);
    assert_string_equal(r->progress, "import: 500/1201 records sent\n"
                                     "import: 1000/1201 records sent\n"
                                     "import: 1201/1201 records sent\n");
    assert_int_equal(r->sum.requests, 3);
    assert_int_equal(r->sum.imported, s_count(n, "imported", skip, 5));
    assert_int_equal(r->sum.updated, s_count(n, "updated", skip, 5));
    assert_int_equal(r->sum.ignored, s_count(n, "ignored", skip, 5));
    assert_int_equal(r->sum.rejected, s_count(n, "rejected", skip, 5) + 2);
    assert_int_equal(r->sum.imported + r->sum.updated + r->sum.ignored +
                         r->sum.rejected,
                     1203);
    assert_int_equal(r->sum.status, CTL_IMPORT_WARNING);
    assert_int_equal(r->sum.proofs_lost, r->sum.imported);
    /* conflicts by line: line 2 (local), 7, 14 (the intake's), ... */
    assert_int_equal(r->sum.n_conflicts, r->sum.rejected);
    assert_int_equal(r->sum.conflicts[0].line, 2);
    assert_string_equal(r->sum.conflicts[0].field, "column 9");
    assert_int_equal(r->sum.conflicts[1].line, 7);
    assert_string_equal(r->sum.conflicts[1].field, "unit.credit_code");
    for (size_t i = 1; i < r->sum.n_conflicts; i++)
        assert_true(r->sum.conflicts[i - 1].line < r->sum.conflicts[i].line);
    ctl_import_summary_release(&r->sum);
}

/* The byte limit cuts requests too; a record larger than it is rejected
 * here; a single request prints no progress. */
static void
s_byte_limit(void **state)
{
    (void) state;
    s_intake_t in = {0};
    const char *path = s_ndjson("seven.ndjson", 6, NULL, 0, NULL, 0);
    s_run_t *r = s_import(path, &in, 1 << 20, NULL, false);
    assert_int_equal(in.requests, 1);
    assert_string_equal(r->progress, "");
    ctl_import_summary_release(&r->sum);

    /* the size of one record in a request, from a one-record file */
    Mlps__V1__Filing *f = NULL;
    cmn_problem_t errs;
    cmn_problem_init(&errs);
    json_t *json = ctl_test_example("filing-level2");
    assert_int_equal(ctl_filing_from_json(json, &f, &errs), 0);
    json_decref(json);
    Mlps__V1__ImportRecord rec = MLPS__V1__IMPORT_RECORD__INIT;
    rec.line = 1;
    rec.filing = f;
    size_t size = protobuf_c_message_get_packed_size(&rec.base) + 3;
    ctl_filing_free(&f);

    memset(&in, 0, sizeof in);
    r = s_import(path, &in, 2 * size + size / 2, NULL, false);
    assert_int_equal(r->rc, 0);
    assert_int_equal(in.requests, 3);
    assert_int_equal(in.sizes[0], 2);
    assert_int_equal(in.sizes[2], 2);
    assert_int_equal(
        r->sum.imported + r->sum.updated + r->sum.ignored + r->sum.rejected, 6);
    ctl_import_summary_release(&r->sum);

    memset(&in, 0, sizeof in);
    r = s_import(path, &in, size / 2, NULL, false);
    assert_int_equal(r->rc, 0);
    assert_int_equal(in.requests, 0);
    assert_int_equal(r->sum.rejected, 6);
    assert_int_equal(r->sum.status, CTL_IMPORT_WARNING);
    assert_non_null(
        strstr(r->sum.conflicts[0].reason, "more than a request may hold"));
    ctl_import_summary_release(&r->sum);
}

/* Each imported record's proof goes to the secrets file, and nothing
 * else; a dry run sets dry_run in every request. */
static void
s_secrets_and_dry_run(void **state)
{
    (void) state;
    s_intake_t in = {0};
    char *text = NULL;
    size_t len = 0;
    FILE *secrets = open_memstream(&text, &len);
    assert_non_null(secrets);
    s_run_t *r = s_import(s_ndjson("s.ndjson", 15, NULL, 0, NULL, 0), &in,
                          1 << 20, secrets, false);
    assert_int_equal(fclose(secrets), 0);
    /* 7 and 14 rejected, 11 updated, 13 ignored */
    assert_string_equal(text, "T1 s1\nT2 s2\nT3 s3\nT4 s4\nT5 s5\nT6 s6\n"
                              "T8 s8\nT9 s9\nT10 s10\nT12 s12\nT15 s15\n");
    assert_int_equal(r->sum.proofs_lost, 0);
    assert_int_equal(r->sum.imported, 11);
    free(text);
    ctl_import_summary_release(&r->sum);

    memset(&in, 0, sizeof in);
    r = s_import(s_path("s.ndjson"), &in, 1 << 20, NULL, true);
    assert_int_equal(in.requests, 1);
    assert_true(in.dry_run[0]);
    assert_true(r->sum.dry_run);
    ctl_import_summary_release(&r->sum);
}

/* A request without an answer stops the import: ERROR, and the records
 * not answered counted. */
static void
s_transport_error(void **state)
{
    (void) state;
    s_intake_t in = {.fail_at = 2};
    s_run_t *r = s_import(s_ndjson("t.ndjson", 1100, NULL, 0, NULL, 0), &in,
                          16 << 20, NULL, false);
    assert_int_equal(r->rc, 0);
    assert_int_equal(in.requests, 2);
    assert_int_equal(r->sum.requests, 1);
    assert_int_equal(r->sum.status, CTL_IMPORT_ERROR);
    assert_int_equal(r->sum.unanswered, 600);
    assert_int_equal(r->sum.imported + r->sum.updated + r->sum.ignored +
                         r->sum.rejected,
                     500);
    assert_string_equal(r->progress, "import: 500/1100 records sent\n");
    ctl_import_summary_release(&r->sum);

    /* counts that do not add up are said, and kept as the intake gave */
    memset(&in, 0, sizeof in);
    in.bad_counts = true;
    r = s_import(s_ndjson("c.ndjson", 3, NULL, 0, NULL, 0), &in, 1 << 20, NULL,
                 false);
    assert_int_equal(r->sum.imported, 8);
    assert_string_equal(r->progress, "mlpsctl: the intake counted 8 of the 3 "
                                     "records sent (lines 1 to 3)\n");
    ctl_import_summary_release(&r->sum);
}

/* A file-level error sends nothing; so does a file with nothing to send. */
static void
s_nothing_sent(void **state)
{
    (void) state;
    s_intake_t in = {0};
    FILE *f = fopen(s_path("bad.csv"), "w");
    assert_non_null(f);
    fputs("unit.name\nx\n\"y\n", f);
    fclose(f);
    s_run_t *r = s_import(s_path("bad.csv"), &in, 1 << 20, NULL, false);
    assert_int_equal(r->rc, CMN_EINVAL);
    assert_non_null(strstr(r->errs.items[0].reason,
                           "line 3: column 1: a quote is never closed"));
    assert_int_equal(in.requests, 0);
    ctl_import_summary_release(&r->sum);

    r = s_import("/nonexistent.ndjson", &in, 1 << 20, NULL, false);
    assert_int_equal(r->rc, CMN_EIO);
    assert_int_equal(in.requests, 0);
    ctl_import_summary_release(&r->sum);

    static const uint32_t bad[] = {1, 3};
    r = s_import(s_ndjson("allbad.ndjson", 3, bad, 2, (uint32_t[]){2}, 1), &in,
                 1 << 20, NULL, false);
    assert_int_equal(r->rc, 0);
    assert_int_equal(in.requests, 0);
    assert_int_equal(r->sum.status, CTL_IMPORT_WARNING);
    assert_int_equal(r->sum.rejected, 2);
    ctl_import_summary_release(&r->sum);

    r = s_import(s_ndjson("empty.ndjson", 0, NULL, 0, NULL, 0), &in, 1 << 20,
                 NULL, false);
    assert_int_equal(r->rc, 0);
    assert_int_equal(r->sum.status, CTL_IMPORT_OK);
    assert_int_equal(in.requests, 0);
    ctl_import_summary_release(&r->sum);
}

/* In a CSV import the intake's fields get their columns; the conflicts of
 * both sides come out by line. */
static void
s_csv_columns(void **state)
{
    (void) state;
    char path[1024];
    s_intake_t in = {.csv_reject = "materials[2].sha256"};
    snprintf(path, sizeof path, "%s/deploy/examples/batch.csv", CTL_SOURCE_DIR);
    s_run_t *r = s_import(path, &in, 1 << 20, NULL, false);
    assert_int_equal(r->rc, 0);
    assert_int_equal(in.requests, 1);
    assert_int_equal(in.sizes[0], 6); /* lines 2 3 4 6 7 11 */
    char text[4096] = "";
    for (size_t i = 0; i < r->sum.n_conflicts; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%u %s\n",
                 r->sum.conflicts[i].line, r->sum.conflicts[i].field);
    assert_string_equal(text, "7 materials[2].sha256 (column 28)\n"
                              "8 unit.has_supervisor (column 11)\n"
                              "9 column 1\n"
                              "10 \n");
    ctl_import_summary_release(&r->sum);
}

/* --- the summary printed --------------------------------------------- */

static const char *
s_print(const ctl_import_summary_t *sum, bool json, int want_rc)
{
    static char out[4096];
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    assert_int_equal(ctl_import_print(f, sum, json), want_rc);
    fclose(f);
    snprintf(out, sizeof out, "%s", text);
    free(text);
    return out;
}

static void
s_summary_text(void **state)
{
    (void) state;
    ctl_conflict_t c[] = {
        {3, "column 17", "string or '}' expected near 'x'", 0},
        {9, "unit.name (column 1)", "is\nrequired", 1},
        {12, "", "expected 28 fields as in the header, found 27", 2},
    };
    ctl_import_summary_t sum = {.status = CTL_IMPORT_WARNING,
                                .imported = 40,
                                .updated = 3,
                                .ignored = 2,
                                .rejected = 3,
                                .conflicts = c,
                                .n_conflicts = 3};
    assert_string_equal(
        s_print(&sum, false, 1),
        "status: WARNING\nimported: 40\nupdated: 3\nignored: 2\n"
        "rejected: 3\n"
        "conflict: line 3: column 17: string or '}' expected near 'x'\n"
        "conflict: line 9: unit.name (column 1): is required\n"
        "conflict: line 12: expected 28 fields as in the header, found 27\n");
    ctl_import_summary_t ok = {
        .status = CTL_IMPORT_OK, .ignored = 5, .dry_run = true};
    assert_string_equal(s_print(&ok, false, 0),
                        "status: OK\nimported: 0\nupdated: 0\nignored: 5\n"
                        "rejected: 0\ndry run: nothing was stored\n");
    ctl_import_summary_t err = {.status = CTL_IMPORT_ERROR,
                                .imported = 500,
                                .unanswered = 700,
                                .conflicts = c,
                                .n_conflicts = 1,
                                .conflicts_dropped = 12};
    assert_string_equal(
        s_print(&err, false, 2),
        "status: ERROR\nimported: 500\nupdated: 0\nignored: 0\nrejected: 0\n"
        "unanswered: 700\n"
        "conflict: line 3: column 17: string or '}' expected near 'x'\n"
        "conflict: 12 more not shown\n");
}

static void
s_summary_json(void **state)
{
    (void) state;
    ctl_conflict_t c[] = {
        {3, "column 17", "string or '}' expected near 'x'", 0},
        {12, "", "expected 28 fields", 1},
    };
    ctl_import_summary_t sum = {.status = CTL_IMPORT_WARNING,
                                .dry_run = true,
                                .imported = 40,
                                .updated = 3,
                                .ignored = 2,
                                .rejected = 2,
                                .conflicts = c,
                                .n_conflicts = 2};
    const char *text = s_print(&sum, true, 1);
    assert_int_equal(text[strlen(text) - 1], '\n');
    assert_int_equal(strchr(text, '\n') - text, (long) strlen(text) - 1);
    json_error_t e;
    json_t *o = json_loads(text, 0, &e);
    assert_non_null(o);
    const char *status = NULL;
    int dry = 0;
    json_int_t imported, updated, ignored, rejected, unanswered, dropped;
    json_t *list = NULL;
    assert_int_equal(
        json_unpack_ex(o, &e, JSON_STRICT, "{ss sb sI sI sI sI sI so sI}",
                       "status", &status, "dry_run", &dry, "imported",
                       &imported, "updated", &updated, "ignored", &ignored,
                       "rejected", &rejected, "unanswered", &unanswered,
                       "conflicts", &list, "conflicts_not_shown", &dropped),
        0);
    assert_string_equal(status, "WARNING");
    assert_true(dry);
    assert_int_equal(imported, 40);
    assert_int_equal(updated, 3);
    assert_int_equal(ignored, 2);
    assert_int_equal(rejected, 2);
    assert_int_equal(unanswered, 0);
    assert_int_equal(dropped, 0);
    assert_int_equal(json_array_size(list), 2);
    json_int_t line;
    const char *field, *reason;
    assert_int_equal(json_unpack_ex(json_array_get(list, 1), &e, JSON_STRICT,
                                    "{sI ss ss}", "line", &line, "field",
                                    &field, "reason", &reason),
                     0);
    assert_int_equal(line, 12);
    assert_string_equal(field, "");
    assert_string_equal(reason, "expected 28 fields");
    json_decref(o);
}

static int
s_cleanup(void)
{
    char cmd[128];
    if (s_dir[0] == '\0')
        return 0;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", s_dir);
    return system(cmd);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_chunking),
        cmocka_unit_test(s_byte_limit),
        cmocka_unit_test(s_secrets_and_dry_run),
        cmocka_unit_test(s_transport_error),
        cmocka_unit_test(s_nothing_sent),
        cmocka_unit_test(s_csv_columns),
        cmocka_unit_test(s_summary_text),
        cmocka_unit_test(s_summary_json),
    };
    int rc = MLPS_TEST_RUN(tests, argc, argv);
    return s_cleanup() != 0 ? 1 : rc;
}

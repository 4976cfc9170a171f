/* batch_test.c - the batch file readers: NDJSON and CSV on good and bad
 * files, each error named by its line and its field or column; the
 * format found by name or header; file-level errors; the CSV layout
 * against the proto; the example files; and gen-batch.py's filings. */
#include "cmn/file.h"
#include "cmn_test/unit.h"
#include "ctl/batch.h"
#include "ctl_test.h"
#include "dom/codes.h"
#include "dom/materials.h"
#include "dom/matrix.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char s_dir[64];

/* A new file NAME in a temporary folder with text[0..len); its path. */
static const char *
s_file(const char *name, const char *text, size_t len)
{
    static char path[128];
    if (s_dir[0] == '\0') {
        snprintf(s_dir, sizeof s_dir, "/tmp/ctl_batch_test_XXXXXX");
        assert_non_null(mkdtemp(s_dir));
    }
    snprintf(path, sizeof path, "%s/%s", s_dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return path;
}

static const char *
s_text_file(const char *name, const char *text)
{
    return s_file(name, text, strlen(text));
}

/* Every record of the open reader as text: "N: ok SYSTEM" for a filing,
 * "N: FIELD: REASON" for each error of a rejected one, then "end" or
 * "fatal: REASON" for a file-level error. In a static buffer. */
static const char *
s_records(ctl_batch_t *b)
{
    static char text[16384];
    static cmn_problem_t errs;
    size_t len = 0;
    uint32_t line;
    Mlps__V1__Filing *f;
    int rc;
    text[0] = '\0';
#define S_ADD(...) \
    len += (size_t) snprintf(text + len, sizeof text - len, __VA_ARGS__)
    while ((rc = ctl_batch_next(b, &line, &f, &errs)) == 0) {
        if (f != NULL) {
            assert_int_equal(errs.count, 0);
            S_ADD("%u: ok %s\n", line, f->system ? f->system->name : "-");
            ctl_filing_free(&f);
            continue;
        }
        assert_true(errs.count > 0);
        for (size_t i = 0; i < errs.count; i++)
            S_ADD("%u: %s%s%s\n", line, errs.items[i].field,
                  errs.items[i].field[0] ? ": " : "", errs.items[i].reason);
    }
    if (rc == CMN_ENOENT)
        S_ADD("end\n");
    else
        S_ADD("fatal %s: %s\n", cmn_err_name(rc),
              errs.count ? errs.items[0].reason : "");
#undef S_ADD
    return text;
}

/* s_records() of the file at path (which must open). */
static const char *
s_read(const char *path)
{
    cmn_problem_t errs;
    cmn_problem_init(&errs);
    ctl_batch_t *b = NULL;
    int rc = ctl_batch_open(path, &b, &errs);
    if (rc != 0)
        fail_msg("%s: %s", path, errs.count ? errs.items[0].reason : "?");
    const char *text = s_records(b);
    ctl_batch_close(&b);
    assert_null(b);
    return text;
}

static void
s_expect(const char *got, const char *want)
{
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "want:\n%s\ngot:\n%s", want, got);
        fail();
    }
}

/* An example filing as one line of compact JSON (malloc()ed). */
static char *
s_line_of(const char *example)
{
    json_t *json = ctl_test_example(example);
    char *line = json_dumps(json, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(json);
    assert_non_null(line);
    return line;
}

/* --- NDJSON --------------------------------------------------------- */

static void
s_ndjson_records(void **state)
{
    (void) state;
    char *l2 = s_line_of("filing-level2"), *l3 = s_line_of("filing-level3"),
         *l4 = s_line_of("filing-level4");
    char text[32768];
    snprintf(text, sizeof text,
             "\xEF\xBB\xBF%s\n\n \t\n%s\r\n"
             "{\"unit\": {\"name\": \"x\",}}\n"
             "[1, 2]\n"
             "{\"grading\": {\"final_level\": \"3\"}, \"remarks\": 1}\n"
             "{\"unit\": {}, \"unit\": {}}\n"
             "%s",
             l2, l3, l4);
    s_expect(s_read(s_text_file("a.ndjson", text)),
             "1: ok 海淀区政务服务预约系统\n"
             "4: ok 海淀区全民健康信息平台\n"
             "5: column 23: string or '}' expected near '}'\n"
             "6: expected a JSON object\n"
             "7: grading.final_level: expected an integer from 1 to 5\n"
             "7: unknown key \"remarks\"\n"
             "8: column 19: duplicate object key near '\"unit\"'\n"
             "9: ok 北京市政务云平台\n"
             "end\n");
    free(l2);
    free(l3);
    free(l4);
}

/* A line over the limit is that record's error; the next line reads. */
static void
s_ndjson_long_line(void **state)
{
    (void) state;
    size_t n = CTL_BATCH_RECORD_MAX + 10;
    char *text = malloc(n + 64);
    assert_non_null(text);
    memset(text, ' ', n);
    text[0] = '{';
    snprintf(text + n, 64, "}\n{\"materials\": []}\n");
    s_expect(s_read(s_file("long.ndjson", text, strlen(text))),
             "1: the line is longer than 1048576 bytes\n"
             "2: ok -\n"
             "end\n");
    free(text);
}

/* --- CSV ------------------------------------------------------------ */

/* Columns in any order and any subset; quoted commas, doubled quotes and
 * line breaks; CRLF; a BOM; empty cells not given; colons in a name. */
static void
s_csv_records(void **state)
{
    (void) state;
    const char *text =
        "\xEF\xBB\xBFsystem.name,unit.name,materials,unit.has_supervisor,"
        "grading.final_level,unit.contacts[0].phone\r\n"
        "\"海淀区,预约\",\"他说\"\"好\"\"\",\"filing_form:a.pdf:"
        "0a; topology:b:c.pdf:0b\",true,3,010-1\r\n"
        "\"两行\r\n的名字\",,,false,,\r\n"
        "\r\n"
        "末行,,,,2,";
    const char *path = s_text_file("b.csv", text);
    s_expect(s_read(path), "2: ok 海淀区,预约\n"
                           "3: ok 两行\r\n的名字\n"
                           "6: ok 末行\n"
                           "end\n");
    cmn_problem_t errs;
    cmn_problem_init(&errs);
    ctl_batch_t *b = NULL;
    Mlps__V1__Filing *f = NULL;
    uint32_t line;
    assert_int_equal(ctl_batch_open(path, &b, &errs), 0);
    assert_int_equal(ctl_batch_format(b), CTL_BATCH_CSV);
    assert_int_equal(ctl_batch_next(b, &line, &f, &errs), 0);
    assert_non_null(f);
    assert_string_equal(f->unit->name, "他说\"好\"");
    assert_true(f->unit->has_supervisor);
    assert_int_equal(f->unit->n_contacts, 1);
    assert_string_equal(f->unit->contacts[0]->phone, "010-1");
    assert_string_equal(f->unit->contacts[0]->name, "");
    assert_int_equal(f->grading->final_level, 3);
    assert_null(f->grading->business);
    assert_int_equal(f->n_materials, 2);
    assert_string_equal(f->materials[1]->kind, "topology");
    assert_string_equal(f->materials[1]->name, "b:c.pdf");
    assert_string_equal(f->materials[1]->sha256, "0b");
    ctl_filing_free(&f);
    assert_int_equal(ctl_batch_next(b, &line, &f, &errs), 0);
    assert_int_equal(f->unit->n_contacts, 0); /* no contact cell given */
    assert_int_equal(f->n_materials, 0);
    assert_false(f->unit->has_supervisor);
    ctl_filing_free(&f);
    assert_int_equal(ctl_batch_column(b, "materials[1].name"), 3);
    assert_int_equal(ctl_batch_column(b, "unit.contacts[0].phone"), 6);
    assert_int_equal(ctl_batch_column(b, "unit.contacts[0].name"), 0);
    assert_int_equal(ctl_batch_column(b, "unit.contacts"), 0);
    assert_int_equal(ctl_batch_column(b, "unit.name"), 2);
    assert_int_equal(ctl_batch_column(b, "unit.names"), 0);
    ctl_batch_close(&b);
}

/* Each bad cell is named by its field and column, the record rejected,
 * and the next row read. */
static void
s_csv_cell_errors(void **state)
{
    (void) state;
    const char *text =
        "unit.name,unit.has_supervisor,grading.business.object,"
        "grading.business.proposed_level,grading.final_level,materials\n"
        "a,yes,citizens,2,2,\n"
        "b,true,harmless,3.0,7,filing_form:x\n"
        "c,,,,,\"filing_form:x:0a;;topology\"\n"
        "d\xff,,,-1,,\n"
        "e,,,,\n"
        "f,,,,,,\n"
        "g,\"tr\"ue,,,,\n"
        "h,,,,,\"\"\"\"\n"
        "i,\"x\"y\n"
        "j,false,social_order,3,3,\n";
    s_expect(
        s_read(s_text_file("cells.csv", text)),
        "2: unit.has_supervisor (column 2): expected true or false\n"
        "3: grading.business.proposed_level (column 4): expected an "
        "integer\n"
        "3: materials[0] (column 6): expected KIND:NAME:SHA256\n"
        "3: grading.business.object (column 3): expected one of citizens, "
        "social_order, national_security\n"
        "3: grading.final_level (column 5): expected an integer from 1 to "
        "5\n"
        "4: materials[1] (column 6): expected KIND:NAME:SHA256\n"
        "4: materials[2] (column 6): expected KIND:NAME:SHA256\n"
        "5: unit.name (column 1): is not valid UTF-8\n"
        "5: grading.business.proposed_level (column 4): expected an "
        "integer\n"
        "6: expected 6 fields as in the header, found 5\n"
        "7: expected 6 fields as in the header, found 7\n"
        "8: column 2: not valid CSV: a quote may only enclose a whole field "
        "(and is doubled inside it)\n"
        "9: materials[0] (column 6): expected KIND:NAME:SHA256\n"
        "10: column 2: not valid CSV: a quote may only enclose a whole "
        "field (and is doubled inside it)\n"
        "11: ok -\n"
        "end\n");
}

/* What stops the whole file, named by file and line; given again by
 * every later call. */
static void
s_csv_file_errors(void **state)
{
    (void) state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"unit.name,unit.fax\n", "line 1: column 2: unknown column "
                                 "\"unit.fax\""},
        {"unit.name,system.name,unit.name\n",
         "line 1: column 3: \"unit.name\" is column 1 already"},
        {"unit.name,\"system\".name\n", "line 1: the header: column 2: not "
                                        "valid CSV"},
        {"unit.name\na\n\"b\n\nc,d\n", "line 3: column 1: a quote is never "
                                       "closed"},
        {"unit.name\na\rb\n", "line 2: a carriage return without a line feed"},
        {"\n\nunit.name\na\r\n\"b\rc\"\r\nd\re\n",
         "line 6: a carriage return without a line feed"},
    };
    char name[32], want[256];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(name, sizeof name, "bad%zu.csv", i);
        const char *path = s_text_file(name, cases[i].text);
        const char *got = s_read(path);
        snprintf(want, sizeof want, "fatal CMN_EINVAL: %s: %s", path,
                 cases[i].want);
        if (strstr(got, want) == NULL)
            fail_msg("case %zu: want ...%s..., got:\n%s", i, want, got);
    }
    /* the records before the error are read, and the error stays */
    const char *path = s_text_file("late.csv", "unit.name\na\r\nb\rc\n");
    cmn_problem_t errs;
    cmn_problem_init(&errs);
    ctl_batch_t *b = NULL;
    Mlps__V1__Filing *f = NULL;
    uint32_t line;
    assert_int_equal(ctl_batch_open(path, &b, &errs), 0);
    assert_int_equal(ctl_batch_next(b, &line, &f, &errs), 0);
    assert_int_equal(line, 2);
    ctl_filing_free(&f);
    for (int k = 0; k < 2; k++) {
        assert_int_equal(ctl_batch_next(b, &line, &f, &errs), CMN_EINVAL);
        assert_null(f);
        assert_non_null(strstr(errs.items[0].reason, "line 3: a carriage"));
    }
    ctl_batch_close(&b);
}

/* A record longer than the limit (a quote left open) stops the file. */
static void
s_csv_long_record(void **state)
{
    (void) state;
    size_t n = CTL_BATCH_RECORD_MAX + 100;
    char *text = malloc(n + 64);
    assert_non_null(text);
    snprintf(text, 64, "unit.name\nok\n\"");
    size_t len = strlen(text);
    for (size_t i = len; i < n; i++)
        text[i] = i % 100 == 0 ? '\n' : 'x';
    text[n] = '\0';
    const char *got = s_read(s_text_file("long.csv", text));
    if (strncmp(got, "2: ok -\nfatal CMN_EINVAL: ", 26) != 0 ||
        strstr(got, ": line 3: a record longer than 1048576 bytes") == NULL)
        fail_msg("got %s", got);
    free(text);
}

/* --- the format, opening, rewinding ---------------------------------- */

static void
s_format(void **state)
{
    (void) state;
    static const struct {
        const char *name, *text;
        ctl_batch_format_t want;
    } cases[] = {
        {"x.csv", "", CTL_BATCH_CSV},
        {"x.CSV", "{\"unit\": {}}\n", CTL_BATCH_CSV},
        {"x.ndjson", "unit.credit_code,unit.name\n", CTL_BATCH_CSV},
        {"x.txt", "\n\n  \"materials\"\r\n", CTL_BATCH_CSV},
        {"x.txt", "\xEF\xBB\xBFunit.name\n", CTL_BATCH_CSV},
        {"x.ndjson", "{\"unit\": {}}\n", CTL_BATCH_NDJSON},
        {"x.txt", "unit.names,x\n", CTL_BATCH_NDJSON},
        {"x.txt", "\"unit.name,x\n", CTL_BATCH_NDJSON},
        {"x", "", CTL_BATCH_NDJSON},
    };
    cmn_problem_t errs;
    cmn_problem_init(&errs);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ctl_batch_t *b = NULL;
        const char *path = s_text_file(cases[i].name, cases[i].text);
        assert_int_equal(ctl_batch_open(path, &b, &errs), 0);
        if (ctl_batch_format(b) != cases[i].want)
            fail_msg("case %zu: format %d", i, ctl_batch_format(b));
        if (cases[i].want == CTL_BATCH_NDJSON)
            assert_int_equal(ctl_batch_column(b, "unit.name"), 0);
        ctl_batch_close(&b);
    }
    ctl_batch_t *b = NULL;
    assert_int_equal(ctl_batch_open("/nonexistent/x.csv", &b, &errs), CMN_EIO);
    assert_null(b);
    assert_string_equal(errs.items[0].reason,
                        "/nonexistent/x.csv: could not open: No such file or "
                        "directory");
    cmn_problem_init(&errs);
    assert_int_equal(ctl_batch_open("/tmp", &b, &errs), CMN_EIO);
    assert_string_equal(errs.items[0].reason, "/tmp: is not a regular file");
    ctl_batch_close(&b);
}

/* Rewinding gives the same records again, the CSV header read anew. */
static void
s_rewind(void **state)
{
    (void) state;
    char path[1024];
    static char first[16384];
    const char *names[] = {"batch.ndjson", "batch.csv"};
    for (size_t i = 0; i < 2; i++) {
        cmn_problem_t errs;
        cmn_problem_init(&errs);
        ctl_batch_t *b = NULL;
        snprintf(path, sizeof path, "%s/deploy/examples/%s", CTL_SOURCE_DIR,
                 names[i]);
        assert_int_equal(ctl_batch_open(path, &b, &errs), 0);
        snprintf(first, sizeof first, "%s", s_records(b));
        assert_int_equal(ctl_batch_rewind(b, &errs), 0);
        s_expect(s_records(b), first);
        ctl_batch_close(&b);
    }
}

/* --- the layout against the proto ------------------------------------ */

/* The field descriptor at a layout path, or NULL. */
static const ProtobufCFieldDescriptor *
s_resolve(const char *path)
{
    const ProtobufCMessageDescriptor *md = &mlps__v1__filing__descriptor;
    const ProtobufCFieldDescriptor *f = NULL;
    char buf[128], *save = NULL;
    snprintf(buf, sizeof buf, "%s", path);
    for (char *seg = strtok_r(buf, ".", &save); seg != NULL;
         seg = strtok_r(NULL, ".", &save)) {
        char *bracket = strchr(seg, '[');
        if (md == NULL)
            return NULL;
        if (bracket != NULL)
            *bracket = '\0';
        f = protobuf_c_message_descriptor_get_field_by_name(md, seg);
        bool list = bracket != NULL || strcmp(path, "materials") == 0;
        if (f == NULL || list != (f->label == PROTOBUF_C_LABEL_REPEATED))
            return NULL;
        md = f->type == PROTOBUF_C_TYPE_MESSAGE ? f->descriptor : NULL;
    }
    return f;
}

/* Every leaf field of md (prefix its path) must be a column, a repeated
 * message's as its first item; the materials are one column. */
static void
s_covered(const ProtobufCMessageDescriptor *md, const char *prefix)
{
    char path[128];
    for (unsigned i = 0; i < md->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &md->fields[i];
        snprintf(path, sizeof path, "%s%s%s%s", prefix, *prefix ? "." : "",
                 f->name,
                 f->label == PROTOBUF_C_LABEL_REPEATED &&
                         strcmp(f->name, "materials") != 0
                     ? "[0]"
                     : "");
        if (f->type == PROTOBUF_C_TYPE_MESSAGE &&
            strcmp(f->name, "materials") != 0) {
            s_covered(f->descriptor, path);
            continue;
        }
        bool found = false;
        for (size_t k = 0; ctl_batch_csv_column(k) != NULL; k++)
            found |= strcmp(ctl_batch_csv_column(k), path) == 0;
        if (!found)
            fail_msg("no CSV column for %s", path);
    }
}

static void
s_layout(void **state)
{
    (void) state;
    size_t n = 0;
    for (; ctl_batch_csv_column(n) != NULL; n++) {
        const char *name = ctl_batch_csv_column(n);
        const ProtobufCFieldDescriptor *f = s_resolve(name);
        if (f == NULL)
            fail_msg("column %s is no field of mlps.v1.Filing", name);
        if (strcmp(name, "materials") == 0)
            assert_int_equal(f->type, PROTOBUF_C_TYPE_MESSAGE);
        else if (f->type == PROTOBUF_C_TYPE_MESSAGE)
            fail_msg("column %s is a message", name);
    }
    assert_int_equal(n, 28);
    s_covered(&mlps__v1__filing__descriptor, "");

    /* docs/batch-format.md lists every column */
    char path[1024], *doc = NULL, why[256];
    size_t len = 0;
    snprintf(path, sizeof path, "%s/docs/batch-format.md", CTL_SOURCE_DIR);
    assert_int_equal(cmn_file_read(path, 1 << 20, &doc, &len, why, sizeof why),
                     0);
    for (size_t k = 0; k < n; k++) {
        char cell[96];
        snprintf(cell, sizeof cell, "| %zu | `%s` |", k + 1,
                 ctl_batch_csv_column(k));
        if (strstr(doc, cell) == NULL)
            fail_msg("docs/batch-format.md lacks the row \"%s\"", cell);
    }
    free(doc);
}

/* --- the example files ----------------------------------------------- */

static void
s_examples(void **state)
{
    (void) state;
    char path[1024];
    snprintf(path, sizeof path, "%s/deploy/examples/batch.ndjson",
             CTL_SOURCE_DIR);
    s_expect(s_read(path),
             "1: ok 海淀区卫生健康委员会电子病历系统\n"
             "2: ok 海淀区教育委员会门户网站\n"
             "4: ok 海淀区教育委员会数据共享交换平台\n"
             "5: ok 海淀区市场监督管理局业务管理信息系统\n"
             "6: ok 海淀区卫生健康委员会电子病历系统\n"
             "7: column 382: premature end of input near '\"sys'\n"
             "8: grading.final_level: expected an integer from 1 to 5\n"
             "8: unknown key \"remarks\"\n"
             "9: ok 海淀区财政局视频监控系统\n"
             "10: ok 海淀区财政局财务核算系统\n"
             "end\n");
    snprintf(path, sizeof path, "%s/deploy/examples/batch.csv", CTL_SOURCE_DIR);
    s_expect(s_read(path),
             "2: ok 海淀区财政局客户服务平台\n"
             "3: ok 海淀区人力资源和社会保障局财务核算系统\n"
             "4: ok 海淀区人力资源和社会保障局客户服务平台\n"
             "6: ok 海淀区人力资源和社会保障局政务服务预约系统\n"
             "7: ok 海淀区财政局客户服务平台\n"
             "8: unit.has_supervisor (column 11): expected true or false\n"
             "9: column 1: not valid CSV: a quote may only enclose a whole "
             "field (and is doubled inside it)\n"
             "10: expected 28 fields as in the header, found 27\n"
             "11: ok 海淀区卫生健康委员会医院信息系统\n"
             "end\n");
}

/* --- gen-batch.py ---------------------------------------------------- */

/* The filing is valid as the intake and the review see it: codes, the
 * district's region, grading by the matrix, materials complete. */
static void
s_check_generated(const Mlps__V1__Filing *f)
{
    assert_true(dom_credit_code_valid(f->unit->credit_code));
    assert_memory_equal(f->unit->credit_code + 2, "110105", 6);
    assert_string_equal(f->unit->region_code, "110105");
    assert_true(f->unit->n_contacts >= 1);
    const Mlps__V1__Grading *g = f->grading;
    int b = dom_matrix_level((dom_object_t) (g->business->object - 1),
                             (dom_degree_t) (g->business->degree - 1));
    int s = dom_matrix_level((dom_object_t) (g->service->object - 1),
                             (dom_degree_t) (g->service->degree - 1));
    assert_int_equal(b, (int) g->business->proposed_level);
    assert_int_equal(s, (int) g->service->proposed_level);
    assert_int_equal((int) g->final_level, b > s ? b : s);
    assert_true(g->final_level >= 2 && g->final_level <= 4);
    assert_memory_equal(g->graded_on, "2026-10-", 8);
    dom_material_t have[DOM_MAT_COUNT], miss[DOM_MAT_COUNT];
    size_t nmiss = 0;
    assert_true(f->n_materials <= DOM_MAT_COUNT);
    for (size_t m = 0; m < f->n_materials; m++)
        assert_int_equal(dom_material_parse(f->materials[m]->kind, &have[m]),
                         0);
    assert_int_equal(dom_materials_missing((int) g->final_level,
                                           f->unit->has_supervisor, have,
                                           f->n_materials, miss, &nmiss),
                     0);
    assert_int_equal(nmiss, 0);
}

static void
s_generator(void **state)
{
    (void) state;
    if (system("python3 -c 'import json' >/dev/null 2>&1") != 0)
        skip(); /* deploy/install-deps.sh installs python3 */
    char cmd[1024], path[160], seen[300][96];
    const char *outs[] = {"gen.ndjson", "gen.csv"};
    s_text_file("gen.ndjson", "");
    for (size_t o = 0; o < 2; o++) {
        snprintf(path, sizeof path, "%s/%s", s_dir, outs[o]);
        snprintf(cmd, sizeof cmd,
                 "python3 %s/deploy/examples/gen-batch.py 300 %s "
                 "--district=110105 --month=2026-10",
                 CTL_SOURCE_DIR, path);
        assert_int_equal(system(cmd), 0);
        cmn_problem_t errs;
        cmn_problem_init(&errs);
        ctl_batch_t *b = NULL;
        Mlps__V1__Filing *f = NULL;
        uint32_t line;
        size_t n = 0;
        int levels[6] = {0};
        assert_int_equal(ctl_batch_open(path, &b, &errs), 0);
        assert_int_equal(ctl_batch_format(b),
                         o ? CTL_BATCH_CSV : CTL_BATCH_NDJSON);
        while (ctl_batch_next(b, &line, &f, &errs) == 0) {
            if (f == NULL)
                fail_msg("line %u: %s", line, ctl_test_errors_text(&errs));
            s_check_generated(f);
            levels[f->grading->final_level]++;
            snprintf(seen[n], sizeof seen[n], "%s %s", f->unit->credit_code,
                     f->system->name);
            for (size_t k = 0; k < n; k++)
                if (strcmp(seen[k], seen[n]) == 0)
                    fail_msg("line %u repeats %s", line, seen[n]);
            n++;
            ctl_filing_free(&f);
        }
        assert_int_equal(n, 300);
        assert_true(levels[2] > 0 && levels[3] > 0 && levels[4] > 0);
        ctl_batch_close(&b);
    }
    /* a district the hierarchy does not have */
    snprintf(cmd, sizeof cmd,
             "python3 %s/deploy/examples/gen-batch.py 3 %s/x.ndjson "
             "--district=999999 2>/dev/null",
             CTL_SOURCE_DIR, s_dir);
    assert_int_not_equal(system(cmd), 0);
}

static int
s_cleanup(void)
{
    if (s_dir[0] != '\0') {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", s_dir);
        return system(cmd);
    }
    return 0;
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_ndjson_records),
        cmocka_unit_test(s_ndjson_long_line),
        cmocka_unit_test(s_csv_records),
        cmocka_unit_test(s_csv_cell_errors),
        cmocka_unit_test(s_csv_file_errors),
        cmocka_unit_test(s_csv_long_record),
        cmocka_unit_test(s_format),
        cmocka_unit_test(s_rewind),
        cmocka_unit_test(s_layout),
        cmocka_unit_test(s_examples),
        cmocka_unit_test(s_generator),
    };
    int rc = MLPS_TEST_RUN(tests, argc, argv);
    return s_cleanup() != 0 ? 1 : rc;
}

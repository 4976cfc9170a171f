/* json_test.c - the JSON filing format: the examples, every kind of shape
 * error with its path, syntax errors, round trips, and the documentation. */
#include "ctl_test.h"
#include "dom/codes.h"
#include "dom/materials.h"
#include "dom/matrix.h"

#include "mlps/v1/workflow.pb-c.h"

/* Converts text; returns the rc and leaves the errors in errs. */
static int
s_convert_text(const char *text, cmn_problem_t *errs, Mlps__V1__Filing **out)
{
    json_t *json = NULL;
    int rc = ctl_json_parse(text, strlen(text), "test.json", &json, errs);
    if (rc == 0)
        rc = ctl_filing_from_json(json, out, errs);
    json_decref(json);
    return rc;
}

/* Asserts that text is refused with exactly the error lines want. */
static void
s_expect_errors(const char *text, const char *want)
{
    cmn_problem_t errs;
    cmn_problem_init(&errs);
    Mlps__V1__Filing *filing = (Mlps__V1__Filing *) &errs; /* not NULL */
    int rc = s_convert_text(text, &errs, &filing);
    if (rc != CMN_EINVAL || filing != NULL ||
        strcmp(ctl_test_errors_text(&errs), want) != 0)
        fail_msg("for %s\nwant rc %d:\n%sgot rc %d:\n%s", text, CMN_EINVAL,
                 want, rc, ctl_test_errors_text(&errs));
    cmn_problem_init(&errs);
}

/* Asserts that text converts; caller frees the result. */
static Mlps__V1__Filing *
s_expect_ok(const char *text)
{
    cmn_problem_t errs;
    cmn_problem_init(&errs);
    Mlps__V1__Filing *filing = NULL;
    int rc = s_convert_text(text, &errs, &filing);
    if (rc != 0 || filing == NULL || errs.count != 0)
        fail_msg("for %s\nrc %d:\n%s", text, rc, ctl_test_errors_text(&errs));
    cmn_problem_init(&errs);
    return filing;
}

static Mlps__V1__Filing *
s_example_filing(const char *name)
{
    cmn_problem_t errs;
    cmn_problem_init(&errs);
    Mlps__V1__Filing *filing = NULL;
    json_t *json = ctl_test_example(name);
    int rc = ctl_filing_from_json(json, &filing, &errs);
    if (rc != 0)
        fail_msg("%s: rc %d:\n%s", name, rc, ctl_test_errors_text(&errs));
    json_decref(json);
    cmn_problem_init(&errs);
    return filing;
}

/* --- the examples --------------------------------------------------- */

static void
s_valid_examples_convert(void **state)
{
    (void) state;
    static const struct {
        const char *name;
        uint32_t level;
        size_t contacts, materials;
        int supervisor;
        const char *unit;
    } want[] = {
        {"filing-level2", 2, 2, 5, 1, "北京市海淀区政务服务管理局"},
        {"filing-level3", 3, 2, 11, 1, "北京市海淀区卫生健康委员会"},
        {"filing-level3-missing", 3, 2, 8, 0, "北京市西城区教育委员会"},
        {"filing-misgraded", 2, 2, 10, 0, "北京市朝阳区市场监督管理局"},
        {"filing-insist", 2, 2, 5, 1, "北京市东城区文化和旅游局"},
        {"filing-level4", 4, 3, 11, 1, "北京市大数据中心"},
        {"filing-level5", 5, 3, 11, 1, "北京市某重要信息基础设施运营单位"},
    };
    assert_int_equal(sizeof want / sizeof want[0], CTL_TEST_NVALID);
    for (size_t i = 0; i < CTL_TEST_NVALID; i++) {
        assert_string_equal(want[i].name, ctl_test_valid[i]);
        Mlps__V1__Filing *f = s_example_filing(want[i].name);
        assert_non_null(f->unit);
        assert_non_null(f->system);
        assert_non_null(f->grading);
        assert_non_null(f->grading->business);
        assert_non_null(f->grading->service);
        assert_string_equal(f->unit->name, want[i].unit);
        assert_int_equal(f->grading->final_level, want[i].level);
        assert_int_equal(f->unit->n_contacts, want[i].contacts);
        assert_int_equal(f->n_materials, want[i].materials);
        assert_int_equal(!!f->unit->has_supervisor, want[i].supervisor);
        assert_int_equal(strlen(f->unit->region_code), 6);
        ctl_filing_free(&f);
        assert_null(f);
    }
}

static int
s_hex64(const char *s)
{
    if (strlen(s) != 64)
        return 0;
    for (; *s != '\0'; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return 0;
    return 1;
}

/* The domain library's matrix (GB/T 22240-2020) for one dimension; the
 * protocol's enums start at 1 (0 is UNSPECIFIED), the library's at 0. */
static uint32_t
s_matrix(const Mlps__V1__Dimension *d)
{
    int level = dom_matrix_level((dom_object_t) (d->object - 1),
                                 (dom_degree_t) (d->degree - 1));
    assert_true(level > 0);
    return (uint32_t) level;
}

/* The domain library's list of what a filing lacks at level, space-
 * separated; every material it has must be one the level needs. */
static void
s_missing(const Mlps__V1__Filing *f, uint32_t level, char *out, size_t size)
{
    dom_material_t have[DOM_MAT_COUNT], need[DOM_MAT_COUNT],
        miss[DOM_MAT_COUNT];
    size_t nneed = 0, nmiss = 0;
    assert_true(f->n_materials <= DOM_MAT_COUNT);
    assert_int_equal(dom_materials_required(
                         (int) level, f->unit->has_supervisor, need, &nneed),
                     0);
    for (size_t m = 0; m < f->n_materials; m++) {
        assert_int_equal(dom_material_parse(f->materials[m]->kind, &have[m]),
                         0);
        bool needed = false;
        for (size_t k = 0; k < nneed; k++)
            needed |= need[k] == have[m];
        assert_true(needed); /* nothing extra */
        for (size_t k = 0; k < m; k++)
            assert_true(have[k] != have[m]); /* nothing twice */
    }
    assert_int_equal(dom_materials_missing((int) level, f->unit->has_supervisor,
                                           have, f->n_materials, miss, &nmiss),
                     0);
    out[0] = '\0';
    for (size_t k = 0; k < nmiss; k++)
        snprintf(out + strlen(out), size - strlen(out), "%s%s", *out ? " " : "",
                 dom_material_name(miss[k]));
}

/* The examples are what their names say, so the services' tests can rely
 * on them: valid codes and digests, grading consistent with the matrix
 * except the misgraded one, materials complete except the missing one. */
static void
s_examples_are_what_they_claim(void **state)
{
    (void) state;
    static const struct {
        const char *name;
        int consistent;
        const char *missing;
    } want[] = {
        {"filing-level2", 1, ""},
        {"filing-level3", 1, ""},
        {"filing-level3-missing", 1, "topology product_list"},
        {"filing-misgraded", 0, ""},
        /* kept at level 2 by its unit: lacks what level 3 would need */
        {"filing-insist", 0,
         "topology security_organisation security_policies security_design "
         "product_list evaluation_report"},
        {"filing-level4", 1, ""},
        {"filing-level5", 1, ""},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        Mlps__V1__Filing *f = s_example_filing(want[i].name);
        const Mlps__V1__Grading *g = f->grading;
        assert_true(dom_credit_code_valid(f->unit->credit_code));
        assert_true(dom_region_code_valid(f->unit->region_code));
        assert_memory_equal(f->unit->credit_code + 2, f->unit->region_code, 6);
        assert_int_equal(!!f->unit->has_supervisor,
                         *f->unit->supervisor_name != '\0');
        for (size_t m = 0; m < f->n_materials; m++)
            assert_true(s_hex64(f->materials[m]->sha256));
        uint32_t b = s_matrix(g->business), s = s_matrix(g->service);
        int consistent = b == g->business->proposed_level &&
                         s == g->service->proposed_level &&
                         g->final_level == (b > s ? b : s);
        if (consistent != want[i].consistent)
            fail_msg("%s: consistent %d", want[i].name, consistent);
        /* A misgraded system carries what the matrix's level needs. */
        uint32_t level =
            g->final_level > (b > s ? b : s) ? g->final_level : (b > s ? b : s);
        char missing[256];
        s_missing(f, level, missing, sizeof missing);
        assert_string_equal(missing, want[i].missing);
        ctl_filing_free(&f);
    }
    /* misgraded: social_order + serious is level 3, declared as 2 */
    Mlps__V1__Filing *f = s_example_filing("filing-misgraded");
    assert_int_equal(f->grading->business->object,
                     MLPS__V1__HARM_OBJECT__SOCIAL_ORDER);
    assert_int_equal(f->grading->business->degree,
                     MLPS__V1__HARM_DEGREE__SERIOUS);
    assert_int_equal(f->grading->business->proposed_level, 2);
    ctl_filing_free(&f);
}

static void
s_invalid_example_names_every_error(void **state)
{
    (void) state;
    cmn_problem_t errs;
    cmn_problem_init(&errs);
    Mlps__V1__Filing *filing = NULL;
    json_t *json = ctl_test_example("filing-invalid");
    assert_int_equal(ctl_filing_from_json(json, &filing, &errs), CMN_EINVAL);
    assert_null(filing);
    assert_string_equal(
        ctl_test_errors_text(&errs),
        "unit.credit_code: expected a string\n"
        "unit.contacts[1].phone: expected a string\n"
        "unit.has_supervisor: expected true or false\n"
        "unit: unknown key \"fax\"\n"
        "system.interconnection: expected a string\n"
        "grading.business.object: expected one of citizens, social_order, "
        "national_security\n"
        "grading.business.degree: expected one of general, serious, "
        "especially_serious\n"
        "grading.service.proposed_level: expected an integer from 1 to 5\n"
        "grading.final_level: expected an integer from 1 to 5\n"
        "materials[1]: unknown key \"size\"\n"
        "unknown key \"remarks\"\n");
    json_decref(json);
    cmn_problem_init(&errs);
}

/* --- shape errors --------------------------------------------------- */

static void
s_wrong_types(void **state)
{
    (void) state;
    static const char *const cases[][2] = {
        {"{\"unit\": []}", "unit: expected an object\n"},
        {"{\"unit\": \"x\"}", "unit: expected an object\n"},
        {"{\"unit\": {\"name\": 1}}", "unit.name: expected a string\n"},
        {"{\"unit\": {\"name\": true}}", "unit.name: expected a string\n"},
        {"{\"unit\": {\"name\": {}}}", "unit.name: expected a string\n"},
        {"{\"unit\": {\"contacts\": {}}}",
         "unit.contacts: expected an array\n"},
        {"{\"unit\": {\"contacts\": [\"x\"]}}",
         "unit.contacts[0]: expected an object\n"},
        {"{\"unit\": {\"contacts\": [{}, null]}}",
         "unit.contacts[1]: expected an object\n"},
        {"{\"unit\": {\"contacts\": [{\"email\": []}]}}",
         "unit.contacts[0].email: expected a string\n"},
        {"{\"unit\": {\"has_supervisor\": 1}}",
         "unit.has_supervisor: expected true or false\n"},
        {"{\"unit\": {\"has_supervisor\": \"true\"}}",
         "unit.has_supervisor: expected true or false\n"},
        {"{\"system\": 7}", "system: expected an object\n"},
        {"{\"system\": {\"go_live_date\": 20240101}}",
         "system.go_live_date: expected a string\n"},
        {"{\"grading\": {\"graded_on\": null, \"business\": 2}}",
         "grading.business: expected an object\n"},
        {"{\"grading\": {\"service\": {\"object\": 2}}}",
         "grading.service.object: expected one of citizens, social_order, "
         "national_security\n"},
        {"{\"materials\": {}}", "materials: expected an array\n"},
        {"{\"materials\": [[]]}", "materials[0]: expected an object\n"},
        {"{\"materials\": [{}, {\"sha256\": 1}]}",
         "materials[1].sha256: expected a string\n"},
        {"[]", "expected a JSON object\n"},
        /* every error of a document, in its order */
        {"{\"unit\": {\"name\": 1, \"contacts\": [1, {\"role\": 2}]},"
         " \"materials\": 3}",
         "unit.name: expected a string\n"
         "unit.contacts[0]: expected an object\n"
         "unit.contacts[1].role: expected a string\n"
         "materials: expected an array\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        s_expect_errors(cases[i][0], cases[i][1]);
}

static void
s_unknown_keys(void **state)
{
    (void) state;
    s_expect_errors("{\"foo\": 1}", "unknown key \"foo\"\n");
    s_expect_errors("{\"unit\": {\"foo\": 1}}", "unit: unknown key \"foo\"\n");
    s_expect_errors("{\"Unit\": {}}", "unknown key \"Unit\"\n");
    s_expect_errors("{\"unit\": {\"contacts\": [{}, {\"fax\": \"1\"}]}}",
                    "unit.contacts[1]: unknown key \"fax\"\n");
    s_expect_errors("{\"grading\": {\"business\": {\"level\": 2}}}",
                    "grading.business: unknown key \"level\"\n");
    /* a key unknown in one message is not borrowed from another */
    s_expect_errors("{\"system\": {\"credit_code\": \"x\"}}",
                    "system: unknown key \"credit_code\"\n");
    /* the key is shown on one line and cut at 64 bytes */
    s_expect_errors("{\"a\\nb\\u001b\": 1}", "unknown key \"a?b?\"\n");
    s_expect_errors(
        "{\"" /* 70 x */
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "\": 1}",
        "unknown key "
        "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\""
        "\n");
    /* 22 three-byte characters: the cut falls inside the 22nd */
    s_expect_errors("{\"一二三四五六七八九十一二三四五六七八九十一二\": 1}",
                    "unknown key "
                    "\"一二三四五六七八九十一二三四五六七八九十一\"\n");
    /* all of them, at every depth */
    s_expect_errors("{\"a\": 1, \"unit\": {\"b\": 2, \"contacts\": [{\"c\": "
                    "3}]}, \"grading\": {\"service\": {\"d\": 4}}, \"e\": 5}",
                    "unknown key \"a\"\n"
                    "unit: unknown key \"b\"\n"
                    "unit.contacts[0]: unknown key \"c\"\n"
                    "grading.service: unknown key \"d\"\n"
                    "unknown key \"e\"\n");
}

static void
s_enum_names(void **state)
{
    (void) state;
    static const char *const objects[] = {"citizens", "social_order",
                                          "national_security"};
    static const char *const degrees[] = {"general", "serious",
                                          "especially_serious"};
    for (int o = 0; o < 3; o++) {
        for (int d = 0; d < 3; d++) {
            char text[256];
            snprintf(text, sizeof text,
                     "{\"grading\": {\"business\": {\"object\": \"%s\", "
                     "\"degree\": \"%s\"}}}",
                     objects[o], degrees[d]);
            Mlps__V1__Filing *f = s_expect_ok(text);
            assert_int_equal(f->grading->business->object, o + 1);
            assert_int_equal(f->grading->business->degree, d + 1);
            assert_null(f->grading->service);
            ctl_filing_free(&f);
        }
    }
    static const char *const bad_objects[] = {
        "CITIZENS", "Citizens",  "citizen",      "harm_object_unspecified",
        "",         "citizens ", "social-order", "general"};
    for (size_t i = 0; i < sizeof bad_objects / sizeof bad_objects[0]; i++) {
        char text[256];
        snprintf(text, sizeof text,
                 "{\"grading\": {\"service\": {\"object\": \"%s\"}}}",
                 bad_objects[i]);
        s_expect_errors(text, "grading.service.object: expected one of "
                              "citizens, social_order, national_security\n");
    }
    s_expect_errors("{\"grading\": {\"business\": {\"degree\": \"SERIOUS\"}}}",
                    "grading.business.degree: expected one of general, "
                    "serious, especially_serious\n");
    s_expect_errors(
        "{\"grading\": {\"business\": {\"degree\": \"citizens\"}}}",
        "grading.business.degree: expected one of general, serious, "
        "especially_serious\n");
}

static void
s_integer_ranges(void **state)
{
    (void) state;
    static const char *const bad[] = {
        "0", "6", "-1", "1.0", "2.5", "\"2\"", "true", "4294967297", "[3]"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "{\"grading\": {\"final_level\": %s}}",
                 bad[i]);
        s_expect_errors(text, "grading.final_level: expected an integer from 1 "
                              "to 5\n");
        snprintf(text, sizeof text,
                 "{\"grading\": {\"business\": {\"proposed_level\": %s}}}",
                 bad[i]);
        s_expect_errors(text, "grading.business.proposed_level: expected an "
                              "integer from 1 to 5\n");
    }
    for (uint32_t level = 1; level <= 5; level++) {
        char text[256];
        snprintf(text, sizeof text,
                 "{\"grading\": {\"final_level\": %u, \"service\": "
                 "{\"proposed_level\": %u}}}",
                 (unsigned) level, (unsigned) level);
        Mlps__V1__Filing *f = s_expect_ok(text);
        assert_int_equal(f->grading->final_level, level);
        assert_int_equal(f->grading->service->proposed_level, level);
        ctl_filing_free(&f);
    }
}

/* null is a key not given; empty and absent objects are the intake's to
 * judge, not the converter's. */
static void
s_null_and_absent(void **state)
{
    (void) state;
    Mlps__V1__Filing *f = s_expect_ok(
        "{\"unit\": null, \"system\": {\"name\": null}, \"grading\": "
        "{\"business\": null, \"final_level\": null}, \"materials\": null}");
    assert_null(f->unit);
    assert_non_null(f->system);
    assert_string_equal(f->system->name, "");
    assert_null(f->grading->business);
    assert_int_equal(f->grading->final_level, 0);
    assert_int_equal(f->n_materials, 0);
    ctl_filing_free(&f);

    f = s_expect_ok("{\"unit\": {\"contacts\": []}, \"materials\": []}");
    assert_int_equal(f->unit->n_contacts, 0);
    assert_null(f->unit->contacts);
    ctl_filing_free(&f);

    f = s_expect_ok("{}");
    assert_null(f->unit);
    ctl_filing_free(&f);
    ctl_filing_free(&f); /* NULL-safe */
    ctl_filing_free(NULL);
}

/* Documents that cannot come from a file: a top level that is not an
 * object, and a string holding a NUL. */
static void
s_built_documents(void **state)
{
    (void) state;
    cmn_problem_t errs;
    cmn_problem_init(&errs);
    Mlps__V1__Filing *f = NULL;
    json_t *s = json_string("x");
    assert_int_equal(ctl_filing_from_json(s, &f, &errs), CMN_EINVAL);
    assert_string_equal(ctl_test_errors_text(&errs),
                        "expected a JSON object\n");
    json_decref(s);
    cmn_problem_init(&errs);

    json_t *doc = json_pack("{s:{s:s%}}", "unit", "name", "a\0b", (size_t) 3);
    assert_non_null(doc);
    assert_int_equal(ctl_filing_from_json(doc, &f, &errs), CMN_EINVAL);
    assert_null(f);
    assert_string_equal(ctl_test_errors_text(&errs),
                        "unit.name: must not contain a NUL character\n");
    json_decref(doc);
    cmn_problem_init(&errs);
}

/* --- syntax and files ----------------------------------------------- */

static void
s_syntax_errors(void **state)
{
    (void) state;
    static const char *const cases[][2] = {
        {"{\n  \"unit\": {,}\n}", "test.json:2:12"},
        {"{\"unit\": {}} x", "test.json:1:14"},
        {"{\"unit\": {}, \"unit\": {}}", "test.json:1:19"}, /* duplicate */
        {"", "test.json:1:0"},
        {"{\"unit\": {\"name\": \"\\u0000\"}}", "test.json:1:26"},
        {"{\"a\": \"\xff\"}", "test.json:1:7"}, /* not UTF-8 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cmn_problem_t errs;
        cmn_problem_init(&errs);
        json_t *json = (json_t *) &errs; /* not NULL */
        int rc = ctl_json_parse(cases[i][0], strlen(cases[i][0]), "test.json",
                                &json, &errs);
        if (rc != CMN_EINVAL || json != NULL || errs.count != 1 ||
            strcmp(errs.items[0].field, cases[i][1]) != 0 ||
            *errs.items[0].reason == '\0')
            fail_msg("for %s: rc %d, %s", cases[i][0], rc,
                     ctl_test_errors_text(&errs));
        cmn_problem_init(&errs);
    }
    cmn_problem_t errs;
    cmn_problem_init(&errs);
    json_t *json = NULL;
    assert_int_equal(ctl_json_parse("{\"unit\": {}, \"unit\": {}}", 24,
                                    "d.json", &json, &errs),
                     CMN_EINVAL);
    assert_non_null(strstr(errs.items[0].reason, "duplicate"));
    cmn_problem_init(&errs);
}

static void
s_unreadable_file(void **state)
{
    (void) state;
    cmn_problem_t errs;
    cmn_problem_init(&errs);
    json_t *json = NULL;
    assert_int_equal(
        ctl_json_load_file("/nonexistent/filing.json", &json, &errs), CMN_EIO);
    assert_null(json);
    assert_int_equal(errs.count, 1);
    assert_string_equal(errs.items[0].field, "");
    assert_non_null(strstr(errs.items[0].reason, "/nonexistent/filing.json"));
    cmn_problem_init(&errs);
    cmn_problem_init(&errs);
}

/* --- round trips ---------------------------------------------------- */

static size_t
s_elem_size(ProtobufCType type)
{
    return type == PROTOBUF_C_TYPE_STRING || type == PROTOBUF_C_TYPE_MESSAGE
               ? sizeof(void *)
           : type == PROTOBUF_C_TYPE_BOOL ? sizeof(protobuf_c_boolean)
                                          : sizeof(uint32_t);
}

static int s_msg_equal(const ProtobufCMessage *a, const ProtobufCMessage *b);

static int
s_value_equal(ProtobufCType type, const void *a, const void *b)
{
    switch (type) {
    case PROTOBUF_C_TYPE_STRING:
        return strcmp(*(char *const *) a, *(char *const *) b) == 0;
    case PROTOBUF_C_TYPE_MESSAGE:
        return s_msg_equal(*(ProtobufCMessage *const *) a,
                           *(ProtobufCMessage *const *) b);
    case PROTOBUF_C_TYPE_BOOL:
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_ENUM:
        return memcmp(a, b, s_elem_size(type)) == 0;
    default:
        fail_msg("field type %d not compared", (int) type);
        return 0;
    }
}

/* Field by field, through every nested message and array. */
static int
s_msg_equal(const ProtobufCMessage *a, const ProtobufCMessage *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    const ProtobufCMessageDescriptor *d = a->descriptor;
    if (d != b->descriptor)
        return 0;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        const char *pa = (const char *) a + f->offset;
        const char *pb = (const char *) b + f->offset;
        size_t n = 1, size = s_elem_size(f->type);
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            n = *(const size_t *) ((const char *) a + f->quantifier_offset);
            if (n !=
                *(const size_t *) ((const char *) b + f->quantifier_offset))
                return 0;
            pa = *(const char *const *) pa;
            pb = *(const char *const *) pb;
        }
        for (size_t k = 0; k < n; k++)
            if (!s_value_equal(f->type, pa + k * size, pb + k * size))
                return 0;
    }
    return 1;
}

static void
s_examples_round_trip(void **state)
{
    (void) state;
    for (size_t i = 0; i < CTL_TEST_NVALID; i++) {
        Mlps__V1__Filing *f = s_example_filing(ctl_test_valid[i]);
        size_t len = mlps__v1__filing__get_packed_size(f);
        uint8_t *buf = malloc(len);
        assert_non_null(buf);
        assert_int_equal(mlps__v1__filing__pack(f, buf), len);
        Mlps__V1__Filing *back = mlps__v1__filing__unpack(NULL, len, buf);
        assert_non_null(back);
        if (!s_msg_equal(&f->base, &back->base))
            fail_msg("%s differs after pack and unpack", ctl_test_valid[i]);
        /* and the comparison does see a difference */
        back->materials[back->n_materials - 1]->sha256[0] ^= 1;
        assert_false(s_msg_equal(&f->base, &back->base));
        mlps__v1__filing__free_unpacked(back, NULL);
        free(buf);
        ctl_filing_free(&f);
    }
}

/* --- supplements ---------------------------------------------------- */

static void
s_supplement(void **state)
{
    (void) state;
    cmn_problem_t errs;
    cmn_problem_init(&errs);
    Mlps__V1__SupplementRequest *req = NULL;
    json_t *json = ctl_test_example("supplement-level3");
    assert_int_equal(ctl_supplement_from_json(json, "t-1", &req, &errs), 0);
    assert_string_equal(req->tracking_id, "t-1");
    assert_int_equal(req->n_materials, 2);
    assert_string_equal(req->materials[0]->kind, "topology");
    assert_string_equal(req->materials[1]->kind, "product_list");
    ctl_supplement_free(&req);
    assert_null(req);
    json_decref(json);

    const char *text = "{\"tracking_id\": \"x\", \"materials\": [{\"kind\": "
                       "1}], \"unit\": {}}";
    assert_int_equal(ctl_json_parse(text, strlen(text), "s", &json, &errs), 0);
    req = (Mlps__V1__SupplementRequest *) &errs; /* not NULL */
    assert_int_equal(ctl_supplement_from_json(json, "t-1", &req, &errs),
                     CMN_EINVAL);
    assert_null(req);
    assert_string_equal(ctl_test_errors_text(&errs),
                        "unknown key \"tracking_id\"\n"
                        "materials[0].kind: expected a string\n"
                        "unknown key \"unit\"\n");
    json_decref(json);
    cmn_problem_init(&errs);
    ctl_supplement_free(NULL);
}

/* --- the documentation ---------------------------------------------- */

/* Checks that every field under desc, as path, is in the document. */
static void
s_doc_fields(const char *doc, const ProtobufCMessageDescriptor *desc,
             const char *prefix)
{
    for (unsigned i = 0; i < desc->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &desc->fields[i];
        char path[256], quoted[260];
        snprintf(path, sizeof path, "%s%s%s%s", prefix, *prefix ? "." : "",
                 f->name, f->label == PROTOBUF_C_LABEL_REPEATED ? "[]" : "");
        snprintf(quoted, sizeof quoted, "`%s`", path);
        if (strstr(doc, quoted) == NULL)
            fail_msg("docs/filing-format.md does not describe %s", quoted);
        if (f->type == PROTOBUF_C_TYPE_MESSAGE)
            s_doc_fields(doc, f->descriptor, path);
    }
}

static void
s_docs_describe_every_field(void **state)
{
    (void) state;
    char path[1024];
    snprintf(path, sizeof path, "%s/docs/filing-format.md", CTL_SOURCE_DIR);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char doc[1 << 16];
    size_t n = fread(doc, 1, sizeof doc - 1, f);
    assert_true(n < sizeof doc - 1);
    doc[n] = '\0';
    fclose(f);
    s_doc_fields(doc, &mlps__v1__filing__descriptor, "");
    static const char *const kinds[] = {
        "filing_form",           "electronic_data",     "grading_report",
        "expert_review",         "supervisor_approval", "topology",
        "security_organisation", "security_policies",   "security_design",
        "product_list",          "evaluation_report"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        char quoted[64];
        snprintf(quoted, sizeof quoted, "`%s`", kinds[i]);
        assert_non_null(strstr(doc, quoted));
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_valid_examples_convert),
        cmocka_unit_test(s_examples_are_what_they_claim),
        cmocka_unit_test(s_invalid_example_names_every_error),
        cmocka_unit_test(s_wrong_types),
        cmocka_unit_test(s_unknown_keys),
        cmocka_unit_test(s_enum_names),
        cmocka_unit_test(s_integer_ranges),
        cmocka_unit_test(s_null_and_absent),
        cmocka_unit_test(s_built_documents),
        cmocka_unit_test(s_syntax_errors),
        cmocka_unit_test(s_unreadable_file),
        cmocka_unit_test(s_examples_round_trip),
        cmocka_unit_test(s_supplement),
        cmocka_unit_test(s_docs_describe_every_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* hierarchy_test.c - the office hierarchy: parsing, lookups, jurisdiction,
 * and every kind of bad document with the message it gives. */
#include "cmn/err.h"
#include "cmn_test/unit.h"
#include "dom/hierarchy.h"

#include <stdlib.h>

static const char s_example[] =
    "{\"municipal\": {\"code\": \"110100\", \"name\": "
    "\"北京市信息化主管部门\", \"regions\": [\"110101\", \"110102\"]},\n"
    " \"districts\": [\n"
    "   {\"code\": \"110105\", \"name\": \"朝阳区信息办\", \"regions\": "
    "[\"110105\"]},\n"
    "   {\"code\": \"110108\", \"name\": \"海淀区信息办\", \"regions\": "
    "[\"110108\", \"110109\"]}]}";

static dom_hierarchy_t *
s_parse(const char *json)
{
    char why[256] = "";
    dom_hierarchy_t *h =
        dom_hierarchy_parse(json, strlen(json), "t.json", why, sizeof why);
    if (h == NULL)
        fail_msg("%s", why);
    return h;
}

static void
s_parse_example(void **state)
{
    (void) state;
    dom_hierarchy_t *h = s_parse(s_example);
    const dom_office_t *m = dom_hierarchy_municipal(h);
    assert_string_equal(m->code, "110100");
    assert_string_equal(m->name, "北京市信息化主管部门");
    assert_string_equal(m->parent, "");
    assert_int_equal(m->nregions, 2);
    assert_string_equal(m->regions[0], "110101");
    assert_string_equal(m->regions[1], "110102");
    assert_int_equal(dom_hierarchy_ndistricts(h), 2);
    const dom_office_t *d = dom_hierarchy_district(h, 1);
    assert_string_equal(d->code, "110108");
    assert_string_equal(d->name, "海淀区信息办");
    assert_string_equal(d->parent, "110100");
    assert_int_equal(d->nregions, 2);
    assert_string_equal(d->regions[1], "110109");
    assert_string_equal(dom_hierarchy_district(h, 0)->code, "110105");
    assert_null(dom_hierarchy_district(h, 2));
    dom_hierarchy_destroy(&h);
    assert_null(h);
    dom_hierarchy_destroy(&h); /* NULL-safe, twice */
    dom_hierarchy_destroy(NULL);
}

static void
s_lookups(void **state)
{
    (void) state;
    dom_hierarchy_t *h = s_parse(s_example);
    const dom_office_t *m = dom_hierarchy_municipal(h);
    const dom_office_t *chaoyang = dom_hierarchy_district(h, 0);
    const dom_office_t *haidian = dom_hierarchy_district(h, 1);
    assert_ptr_equal(dom_hierarchy_office(h, "110100"), m);
    assert_ptr_equal(dom_hierarchy_office(h, "110105"), chaoyang);
    assert_ptr_equal(dom_hierarchy_office(h, "110108"), haidian);
    assert_null(dom_hierarchy_office(h, "110101")); /* a region, no office */
    assert_null(dom_hierarchy_office(h, ""));
    assert_null(dom_hierarchy_office(h, NULL));
    assert_ptr_equal(dom_hierarchy_office_of(h, "110101"), m);
    assert_ptr_equal(dom_hierarchy_office_of(h, "110102"), m);
    assert_ptr_equal(dom_hierarchy_office_of(h, "110105"), chaoyang);
    assert_ptr_equal(dom_hierarchy_office_of(h, "110108"), haidian);
    assert_ptr_equal(dom_hierarchy_office_of(h, "110109"), haidian);
    assert_null(dom_hierarchy_office_of(h, "110100"));
    assert_null(dom_hierarchy_office_of(h, "310101"));
    assert_null(dom_hierarchy_office_of(h, NULL));
    /* Nothing at all from no hierarchy. */
    assert_null(dom_hierarchy_municipal(NULL));
    assert_int_equal(dom_hierarchy_ndistricts(NULL), 0);
    assert_null(dom_hierarchy_district(NULL, 0));
    assert_null(dom_hierarchy_office(NULL, "110100"));
    assert_null(dom_hierarchy_office_of(NULL, "110101"));
    assert_false(dom_hierarchy_covers(NULL, "110100", "110101"));
    dom_hierarchy_destroy(&h);
}

/* office, region -> covered, by hand. */
static void
s_covers(void **state)
{
    (void) state;
    dom_hierarchy_t *h = s_parse(s_example);
    static const struct {
        const char *office, *region;
        bool covered;
    } cases[] = {
        {"110100", "110101", true}, /* the municipal office's own */
        {"110100", "110105", true}, /* and every district's */
        {"110100", "110109", true},
        {"110105", "110105", true},  /* a district's own */
        {"110105", "110108", false}, /* not another district's */
        {"110105", "110101", false}, /* nor the municipal office's */
        {"110108", "110109", true},
        {"110108", "110105", false},
        {"110100", "310101", false}, /* a region nobody lists */
        {"110105", "310101", false},
        {"999999", "110105", false}, /* an office nobody knows */
        {"110101", "110101", false}, /* a region is not an office */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (dom_hierarchy_covers(h, cases[i].office, cases[i].region) !=
            cases[i].covered)
            fail_msg("office %s region %s", cases[i].office, cases[i].region);
    assert_false(dom_hierarchy_covers(h, NULL, "110101"));
    assert_false(dom_hierarchy_covers(h, "110100", NULL));
    dom_hierarchy_destroy(&h);
}

static void
s_minimal(void **state)
{
    (void) state;
    /* No districts, and a municipal office with no regions of its own. */
    dom_hierarchy_t *h = s_parse("{\"districts\": [], \"municipal\": "
                                 "{\"regions\": [], \"name\": \"市\", "
                                 "\"code\": \"110100\"}}");
    assert_int_equal(dom_hierarchy_ndistricts(h), 0);
    assert_int_equal(dom_hierarchy_municipal(h)->nregions, 0);
    assert_null(dom_hierarchy_district(h, 0));
    assert_null(dom_hierarchy_office_of(h, "110101"));
    assert_false(dom_hierarchy_covers(h, "110100", "110101"));
    dom_hierarchy_destroy(&h);
}

#define S_M \
    "{\"code\": \"110100\", \"name\": \"市\", \"regions\": [\"110101\"]}"
#define S_D(code, regions) \
    "{\"code\": \"" code "\", \"name\": \"区\", \"regions\": [" regions "]}"
#define S_DOC(municipal, districts) \
    "{\"municipal\": " municipal ", \"districts\": [" districts "]}"

/* Each bad document and the exact message it must give. */
static const struct {
    const char *json, *why;
} s_bad[] = {
    {"[]", "t.json: must be a JSON object"},
    {"{\"municipal\": " S_M ", \"districts\": [], \"extra\": 1}",
     "t.json: unknown key \"extra\" (expected municipal or districts)"},
    {"{\"districts\": []}", "t.json: municipal: is required"},
    {"{\"municipal\": " S_M "}", "t.json: districts: is required"},
    {"{\"municipal\": " S_M ", \"districts\": {}}",
     "t.json: districts: must be an array of offices"},
    {S_DOC("[]", ""), "t.json: municipal: must be an object"},
    {S_DOC(S_M, "\"110105\""), "t.json: districts[0]: must be an object"},
    {S_DOC(S_M, S_D("110105", "\"110105\"") ", {\"code\": \"110108\", "
                                            "\"nmae\": \"x\"}"),
     "t.json: districts[1]: unknown key \"nmae\" (expected code, name or "
     "regions)"},
    {S_DOC(S_M, "{\"name\": \"区\", \"regions\": [\"110105\"]}"),
     "t.json: districts[0].code: is required"},
    {S_DOC(S_M, "{\"code\": 110105, \"name\": \"区\", \"regions\": "
                "[\"110105\"]}"),
     "t.json: districts[0].code: must be a string"},
    {S_DOC("{\"code\": \"11010\", \"name\": \"市\", \"regions\": []}", ""),
     "t.json: municipal.code: \"11010\" is not a 6-digit office code"},
    {S_DOC(S_M, S_D("11010x", "\"110105\"")),
     "t.json: districts[0].code: \"11010x\" is not a 6-digit office code"},
    {S_DOC(S_M, "{\"code\": \"110105\", \"regions\": [\"110105\"]}"),
     "t.json: districts[0].name: is required"},
    {S_DOC(S_M, "{\"code\": \"110105\", \"name\": \"\", \"regions\": "
                "[\"110105\"]}"),
     "t.json: districts[0].name: is required"},
    {S_DOC(S_M, "{\"code\": \"110105\", \"name\": [], \"regions\": "
                "[\"110105\"]}"),
     "t.json: districts[0].name: must be a string"},
    {S_DOC(S_M, "{\"code\": \"110105\", \"name\": \"a\\u0007b\", "
                "\"regions\": [\"110105\"]}"),
     "t.json: districts[0].name: must not contain control characters"},
    {S_DOC(S_M, "{\"code\": \"110105\", \"name\": \"a\\nb\", "
                "\"regions\": [\"110105\"]}"),
     "t.json: districts[0].name: must not contain control characters"},
    {S_DOC(S_M, "{\"code\": \"110105\", \"name\": \"a\\u0085b\", "
                "\"regions\": [\"110105\"]}"),
     "t.json: districts[0].name: must not contain control characters"},
    {S_DOC(S_M, "{\"code\": \"110105\", \"name\": \"区\"}"),
     "t.json: districts[0].regions: is required"},
    {S_DOC(S_M, "{\"code\": \"110105\", \"name\": \"区\", \"regions\": "
                "\"110105\"}"),
     "t.json: districts[0].regions: must be an array of region codes"},
    {S_DOC(S_M, S_D("110105", "")),
     "t.json: districts[0].regions: a district office needs at least one "
     "region"},
    {S_DOC(S_M, S_D("110105", "\"110105\", 110106")),
     "t.json: districts[0].regions[1]: must be a string"},
    {S_DOC(S_M, S_D("110105", "\"110105\"") "," S_D("110108", "\"110001\"")),
     "t.json: districts[1].regions[0]: \"110001\" is not a GB/T 2260 "
     "division code"},
    {S_DOC(S_M, S_D("110105", "\"110105\"") "," S_D("110108", "\"110105\"")),
     "t.json: districts[1].regions[0]: region 110105 is already listed "
     "under districts[0]"},
    {S_DOC(S_M, S_D("110105", "\"110101\"")),
     "t.json: districts[0].regions[0]: region 110101 is already listed "
     "under municipal"},
    {S_DOC(S_M, S_D("110105", "\"110105\", \"110106\", \"110105\"")),
     "t.json: districts[0].regions[2]: region 110105 is already listed "
     "under districts[0]"},
    /* Of two second listings, the one earlier in the document. */
    {S_DOC(S_M, S_D("110105", "\"110105\", \"110101\"") "," S_D("110108",
                                                                "\"110105\"")),
     "t.json: districts[0].regions[1]: region 110101 is already listed "
     "under municipal"},
    {S_DOC(S_M, S_D("110105", "\"110105\"") "," S_D("110105", "\"110108\"")),
     "t.json: districts[1].code: office code 110105 is already used by "
     "districts[0]"},
    {S_DOC(S_M, S_D("110100", "\"110105\"")),
     "t.json: districts[0].code: office code 110100 is already used by "
     "municipal"},
};

static void
s_bad_documents(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof s_bad / sizeof s_bad[0]; i++) {
        char why[256] = "";
        dom_hierarchy_t *h = dom_hierarchy_parse(
            s_bad[i].json, strlen(s_bad[i].json), "t.json", why, sizeof why);
        if (h != NULL || strcmp(why, s_bad[i].why) != 0)
            fail_msg("case %zu: %s, why \"%s\", expected \"%s\"", i,
                     h != NULL ? "parsed" : "refused", why, s_bad[i].why);
        dom_hierarchy_destroy(&h);
    }
}

/* Refused, with why starting with prefix and containing part. */
static void
s_assert_refused(const char *json, size_t len, const char *name,
                 const char *prefix, const char *part)
{
    char why[256] = "";
    dom_hierarchy_t *h = dom_hierarchy_parse(json, len, name, why, sizeof why);
    assert_null(h);
    if (strncmp(why, prefix, strlen(prefix)) != 0 || strstr(why, part) == NULL)
        fail_msg("why \"%s\", expected \"%s...%s...\"", why, prefix, part);
}

static void
s_json_errors(void **state)
{
    (void) state;
    /* Syntax, with line and column from jansson. */
    const char *syntax = "{\"municipal\": \n  {,}}";
    s_assert_refused(syntax, strlen(syntax), "t.json", "t.json:2:", "");
    s_assert_refused("", 0, "t.json", "t.json:", "");
    s_assert_refused(NULL, 0, "t.json", "t.json:", "");
    /* A key twice in one object. */
    const char *dup = S_DOC("{\"code\": \"110100\", \"code\": \"110101\", "
                            "\"name\": \"市\", \"regions\": []}",
                            "");
    s_assert_refused(dup, strlen(dup), "t.json",
                     "t.json:1:", "duplicate object key");
    /* A name, or none. */
    s_assert_refused("[]", 2, NULL, "hierarchy: must be a JSON object", "");
    /* Invalid UTF-8 (jansson checks it). */
    const char *bad_utf8 = S_DOC("{\"code\": \"110100\", \"name\": \"\xff\", "
                                 "\"regions\": []}",
                                 "");
    s_assert_refused(bad_utf8, strlen(bad_utf8), "t.json", "t.json:1:", "");
    /* A NUL escaped into a name. */
    const char *nul = S_DOC("{\"code\": \"110100\", \"name\": \"a\\u0000\", "
                            "\"regions\": []}",
                            "");
    s_assert_refused(nul, strlen(nul), "t.json", "t.json:1:", "");
    /* Bytes after the document. */
    s_assert_refused("{} {}", 5, "t.json", "t.json:1:", "");
    /* No room for the message: still refused. */
    assert_null(dom_hierarchy_parse("[]", 2, "t", NULL, 0));
}

static void
s_limits(void **state)
{
    (void) state;
    /* A name of 200 characters (600 bytes) is fine, 201 is not. */
    char name[700], json[1024];
    for (int n = 200; n <= 201; n++) {
        name[0] = '\0';
        for (int i = 0; i < n; i++)
            strcat(name, "区");
        snprintf(json, sizeof json,
                 "{\"municipal\": {\"code\": \"110100\", \"name\": \"%s\", "
                 "\"regions\": []}, \"districts\": []}",
                 name);
        char why[256] = "";
        dom_hierarchy_t *h =
            dom_hierarchy_parse(json, strlen(json), "t.json", why, sizeof why);
        if (n == 200) {
            assert_non_null(h);
        } else {
            assert_null(h);
            assert_string_equal(why, "t.json: municipal.name: is longer than "
                                     "200 characters");
        }
        dom_hierarchy_destroy(&h);
    }
    /* Larger than 1 MiB: refused before it is parsed. */
    size_t len = DOM_HIERARCHY_MAX_BYTES + 1;
    char *big = malloc(len);
    assert_non_null(big);
    memset(big, ' ', len);
    s_assert_refused(big, len, "big.json",
                     "big.json: larger than 1048576 "
                     "bytes",
                     "");
    free(big);
}

/* Appends to the text buf[0..*len) of cap bytes; fails the test if it
 * would not fit. */
static void CMN_PRINTF(4, 5)
    s_append(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *len, cap - *len, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t) n < cap - *len);
    *len += (size_t) n;
}

/* 300 districts of 10 regions each: every region finds its office. */
static void
s_many_districts(void **state)
{
    (void) state;
    size_t cap = 64 * 1024, len = 0;
    char *json = malloc(cap);
    assert_non_null(json);
    s_append(json, cap, &len, "{\"municipal\": " S_M ", \"districts\": [");
    for (int k = 0; k < 300; k++) {
        s_append(json, cap, &len,
                 "%s{\"code\": \"%06d\", \"name\": \"d%d\", \"regions\": [",
                 k > 0 ? "," : "", 200000 + k, k);
        for (int j = 0; j < 10; j++) {
            int r = k * 10 + j;
            s_append(json, cap, &len, "%s\"12%02d%02d\"", j > 0 ? "," : "",
                     1 + r / 99, 1 + r % 99);
        }
        s_append(json, cap, &len, "]}");
    }
    s_append(json, cap, &len, "]}");
    dom_hierarchy_t *h = s_parse(json);
    free(json);
    assert_int_equal(dom_hierarchy_ndistricts(h), 300);
    for (int k = 0; k < 300; k++) {
        char code[7], region[7];
        snprintf(code, sizeof code, "%06d", 200000 + k);
        const dom_office_t *d = dom_hierarchy_district(h, (size_t) k);
        assert_ptr_equal(dom_hierarchy_office(h, code), d);
        for (int j = 0; j < 10; j++) {
            int r = k * 10 + j;
            snprintf(region, sizeof region, "12%02d%02d", 1 + r / 99,
                     1 + r % 99);
            assert_ptr_equal(dom_hierarchy_office_of(h, region), d);
            assert_true(dom_hierarchy_covers(h, code, region));
            assert_true(dom_hierarchy_covers(h, "110100", region));
            assert_false(
                dom_hierarchy_covers(h, k > 0 ? "200000" : "200001", region));
        }
    }
    dom_hierarchy_destroy(&h);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_parse_example), cmocka_unit_test(s_lookups),
        cmocka_unit_test(s_covers),        cmocka_unit_test(s_minimal),
        cmocka_unit_test(s_bad_documents), cmocka_unit_test(s_json_errors),
        cmocka_unit_test(s_limits),        cmocka_unit_test(s_many_districts),
    };
    return MLPS_TEST_RUN(tests, argc, argv);
}

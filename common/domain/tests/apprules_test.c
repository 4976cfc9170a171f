/* apprules_test.c - the shipped rule sets (rules/level3-v1.rules, reference
 * 002; rules/level3-v2.rules, reference 004) against applications that
 * meet every condition and that miss each one in turn; where the two
 * versions differ; reasons; and malformed rule sets and applications. */
#include "cmn_test/unit.h"
#include "dom/apprules.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>

#define S_V1 DOM_RULES_DIR "/level3-v1.rules"
#define S_V2 DOM_RULES_DIR "/level3-v2.rules"

/* An application that meets every condition of both sets (v2's supplier
 * procedures do not apply to its category). */
static const char s_good[] =
    "{\"applicant\": \"x\", \"category\": \"level_evaluation\","
    " \"legal_person\": {\"independent\": true, \"violations\": 0},"
    " \"finances\": {\"audited_years\": 3, \"management_system\": true},"
    " \"office\": {\"fixed\": true},"
    " \"head\": {\"it_management_years\": 2},"
    " \"technical_director\": {\"qualified\": true, \"security_years\": 2,"
    "   \"passed_evaluation\": true},"
    " \"finance_head\": {\"titled\": true},"
    " \"staff\": {\"security_services\": 10, \"certified_professionals\": 2,"
    "   \"project_managers\": 1, \"project_staff_examined\": true},"
    " \"service\": {\"months_in_category\": 12, \"process_defined\": true},"
    " \"projects\": {\"completed_last_1_year\": 1,"
    "   \"completed_last_3_years\": 1},"
    " \"procedures\": [\"personnel\", \"training\", \"documents\","
    "   \"projects\", \"confidentiality\", \"suppliers\", \"contracts\"]}";

static dom_ruleset_t *
s_load(const char *path)
{
    char why[300] = "", buf[DOM_RULES_MAX_BYTES];
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot open %s", path);
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    dom_ruleset_t *rs = dom_ruleset_parse(buf, len, path, why, sizeof why);
    if (rs == NULL)
        fail_msg("%s", why);
    return rs;
}

/* Checks text against rs into res (count entries); returns the unmet. */
static size_t
s_check(const dom_ruleset_t *rs, const char *text, dom_rule_result_t *res)
{
    char why[200] = "";
    size_t unmet = 99;
    int rc = dom_ruleset_check(rs, text, strlen(text), "app", res,
                               DOM_RULES_MAX, &unmet, why, sizeof why);
    if (rc != 0)
        fail_msg("check: %s", why);
    return unmet;
}

/* The result of rule id. */
static const dom_rule_result_t *
s_result(const dom_ruleset_t *rs, const dom_rule_result_t *res, const char *id)
{
    for (size_t i = 0; i < dom_ruleset_count(rs); i++)
        if (strcmp(dom_ruleset_rule_id(rs, i), id) == 0)
            return &res[i];
    fail_msg("no rule %s in %s", id, dom_ruleset_name(rs));
    return NULL;
}

/* s_good with the value at path (dotted) replaced by the JSON value (or
 * removed when value is NULL). Caller frees. */
static char *
s_spoil(const char *path, const char *value)
{
    json_t *root = json_loads(s_good, 0, NULL), *at = root;
    char buf[128], *save = NULL, *last = NULL;
    snprintf(buf, sizeof buf, "%s", path);
    for (char *t = strtok_r(buf, ".", &save); t != NULL;
         t = strtok_r(NULL, ".", &save)) {
        if (last != NULL)
            at = json_object_get(at, last);
        last = t;
    }
    assert_non_null(at);
    if (value == NULL)
        assert_int_equal(json_object_del(at, last), 0);
    else
        assert_int_equal(
            json_object_set_new(at, last,
                                json_loads(value, JSON_DECODE_ANY, NULL)),
            0);
    char *text = json_dumps(root, 0);
    json_decref(root);
    return text;
}

static void
s_shipped_sets(void **state)
{
    (void) state;
    dom_ruleset_t *v1 = s_load(S_V1), *v2 = s_load(S_V2);
    assert_string_equal(dom_ruleset_name(v1), "level3-v1");
    assert_string_equal(dom_ruleset_name(v2), "level3-v2");
    assert_non_null(strstr(dom_ruleset_title(v1), "reference 002"));
    assert_non_null(strstr(dom_ruleset_title(v2), "reference 004"));
    assert_int_equal(dom_ruleset_count(v1), 16);
    assert_int_equal(dom_ruleset_count(v2), 12);
    assert_null(dom_ruleset_rule_id(v1, 16));
    assert_string_equal(dom_ruleset_rule_id(v1, 0), "legal_person");
    assert_non_null(strstr(dom_ruleset_rule_text(v2, 7), "4 months"));
    dom_ruleset_destroy(&v1);
    dom_ruleset_destroy(&v2);
    assert_null(v1);
    dom_ruleset_destroy(&v2); /* twice is harmless */
}

static void
s_meets_every_condition(void **state)
{
    (void) state;
    const char *paths[] = {S_V1, S_V2};
    for (size_t k = 0; k < 2; k++) {
        dom_ruleset_t *rs = s_load(paths[k]);
        dom_rule_result_t res[DOM_RULES_MAX];
        assert_int_equal(s_check(rs, s_good, res), 0);
        for (size_t i = 0; i < dom_ruleset_count(rs); i++)
            if (res[i].status == DOM_RULE_NOT_MET)
                fail_msg("%s %s: %s", dom_ruleset_name(rs),
                         dom_ruleset_rule_id(rs, i), res[i].reason);
        dom_ruleset_destroy(&rs);
    }
}

/* For each condition, by hand: the field that carries it and a value that
 * misses it by the smallest step, and the reason that says so. */
static const struct {
    const char *set, *id, *path, *value, *reason;
} s_misses[] = {
    {"v1", "legal_person", "legal_person.independent", "false",
     "legal_person.independent is false, needs true"},
    {"v1", "no_violations", "legal_person.violations", "1",
     "legal_person.violations is 1, needs <= 0"},
    {"v1", "finances", "finances.audited_years", "2",
     "finances.audited_years is 2, needs >= 3"},
    {"v1", "office", "office.fixed", "false",
     "office.fixed is false, needs true"},
    {"v1", "head_experience", "head.it_management_years", "1",
     "head.it_management_years is 1, needs >= 2"},
    {"v1", "technical_director", "technical_director.qualified", "false",
     "technical_director.qualified is false, needs true"},
    {"v1", "technical_director_years", "technical_director.security_years", "1",
     "technical_director.security_years is 1, needs >= 2"},
    {"v1", "finance_head", "finance_head.titled", "false",
     "finance_head.titled is false, needs true"},
    {"v1", "staff", "staff.security_services", "9",
     "staff.security_services is 9, needs >= 10"},
    {"v1", "certified_professionals", "staff.certified_professionals", "1",
     "staff.certified_professionals is 1, needs >= 2"},
    {"v1", "project_manager", "staff.project_managers", "0",
     "staff.project_managers is 0, needs >= 1"},
    {"v1", "service_time", "service.months_in_category", "11",
     "service.months_in_category is 11, needs >= 12"},
    {"v1", "projects", "projects.completed_last_3_years", "0",
     "projects.completed_last_3_years is 0, needs >= 1"},
    {"v1", "procedures", "procedures",
     "[\"personnel\", \"training\", \"projects\", \"contracts\", "
     "\"confidentiality\", \"suppliers\"]",
     "procedures lacks documents"},
    {"v1", "suppliers", "procedures",
     "[\"personnel\", \"training\", \"documents\", \"projects\", "
     "\"contracts\", \"confidentiality\"]",
     "procedures lacks suppliers"},
    {"v1", "service_process", "service.process_defined", "false",
     "service.process_defined is false, needs true"},
    {"v2", "legal_person", "legal_person.independent", "false",
     "legal_person.independent is false, needs true"},
    {"v2", "no_violations", "legal_person.violations", "2",
     "legal_person.violations is 2, needs <= 0"},
    {"v2", "finances", "finances.management_system", "false",
     "finances.management_system is false, needs true"},
    {"v2", "office", "office.fixed", "false",
     "office.fixed is false, needs true"},
    {"v2", "head_experience", "head.it_management_years", "1",
     "head.it_management_years is 1, needs >= 2"},
    {"v2", "technical_director", "technical_director.passed_evaluation",
     "false", "technical_director.passed_evaluation is false, needs true"},
    {"v2", "project_staff", "staff.project_staff_examined", "false",
     "staff.project_staff_examined is false, needs true"},
    {"v2", "service_time", "service.months_in_category", "3",
     "service.months_in_category is 3, needs >= 4"},
    {"v2", "projects", "projects.completed_last_1_year", "0",
     "projects.completed_last_1_year is 0, needs >= 1"},
    {"v2", "procedures", "procedures",
     "[\"training\", \"documents\", \"projects\", \"contracts\", "
     "\"confidentiality\", \"suppliers\"]",
     "procedures lacks personnel"},
    {"v2", "service_process", "service.process_defined", "false",
     "service.process_defined is false, needs true"},
};

/* Each condition missed alone: exactly that rule is not met, saying why,
 * and every other rule still is. */
static void
s_misses_each_condition(void **state)
{
    (void) state;
    dom_ruleset_t *v1 = s_load(S_V1), *v2 = s_load(S_V2);
    size_t seen[2] = {0, 0};
    for (size_t m = 0; m < sizeof s_misses / sizeof s_misses[0]; m++) {
        bool is_v1 = strcmp(s_misses[m].set, "v1") == 0;
        dom_ruleset_t *rs = is_v1 ? v1 : v2;
        dom_rule_result_t res[DOM_RULES_MAX];
        char *text = s_spoil(s_misses[m].path, s_misses[m].value);
        size_t unmet = s_check(rs, text, res);
        free(text);
        for (size_t i = 0; i < dom_ruleset_count(rs); i++) {
            bool target =
                strcmp(dom_ruleset_rule_id(rs, i), s_misses[m].id) == 0;
            if ((res[i].status == DOM_RULE_NOT_MET) != target)
                fail_msg("%s, %s spoilt: rule %s is %s (%s)",
                         dom_ruleset_name(rs), s_misses[m].id,
                         dom_ruleset_rule_id(rs, i),
                         dom_rule_status_name(res[i].status), res[i].reason);
        }
        assert_int_equal(unmet, 1);
        assert_string_equal(s_result(rs, res, s_misses[m].id)->reason,
                            s_misses[m].reason);
        seen[is_v1 ? 0 : 1]++;
    }
    /* Every condition of both sets but v2's suppliers (below) was missed. */
    assert_int_equal(seen[0], dom_ruleset_count(v1));
    assert_int_equal(seen[1], dom_ruleset_count(v2) - 1);
    dom_ruleset_destroy(&v1);
    dom_ruleset_destroy(&v2);
}

/* Where references 002 and 004 differ, the sets decide differently. */
static void
s_versions_differ(void **state)
{
    (void) state;
    dom_ruleset_t *v1 = s_load(S_V1), *v2 = s_load(S_V2);
    dom_rule_result_t r1[DOM_RULES_MAX], r2[DOM_RULES_MAX];
    char *text = s_spoil("service.months_in_category", "6");
    assert_int_equal(s_check(v1, text, r1), 1);
    assert_int_equal(s_check(v2, text, r2), 0);
    free(text);
    assert_string_equal(s_result(v1, r1, "service_time")->reason,
                        "service.months_in_category is 6, needs >= 12");
    assert_string_equal(s_result(v2, r2, "service_time")->reason,
                        "service.months_in_category is 6 (>= 4)");
    /* No audited accounts: the older rules want 3 years of them. */
    text = s_spoil("finances.audited_years", NULL);
    assert_int_equal(s_check(v1, text, r1), 1);
    assert_int_equal(s_check(v2, text, r2), 0);
    free(text);
    assert_string_equal(s_result(v1, r1, "finances")->reason,
                        "finances.audited_years is not given");
    /* Eight staff: a staff count only in the older rules. */
    text = s_spoil("staff.security_services", "8");
    assert_int_equal(s_check(v1, text, r1), 1);
    assert_int_equal(s_check(v2, text, r2), 0);
    free(text);
    dom_ruleset_destroy(&v1);
    dom_ruleset_destroy(&v2);
}

/* v2's supplier procedures apply to three categories only. */
static void
s_when_category(void **state)
{
    (void) state;
    dom_ruleset_t *v1 = s_load(S_V1), *v2 = s_load(S_V2);
    dom_rule_result_t r1[DOM_RULES_MAX], r2[DOM_RULES_MAX];
    const char *no_suppliers =
        "[\"personnel\", \"training\", \"documents\", \"projects\", "
        "\"contracts\", \"confidentiality\"]";
    char *text = s_spoil("procedures", no_suppliers);
    assert_int_equal(s_check(v2, text, r2), 0);
    const dom_rule_result_t *s = s_result(v2, r2, "suppliers");
    assert_int_equal(s->status, DOM_RULE_NOT_APPLICABLE);
    assert_string_equal(s->reason,
                        "applies only when category is one of "
                        "security_integration, security_operations, "
                        "disaster_recovery (it is level_evaluation)");
    assert_int_equal(s_check(v1, text, r1), 1); /* always, in v1 */
    free(text);
    /* A security integrator without supplier procedures misses it. */
    json_t *j = json_loads(s_good, 0, NULL);
    json_object_set_new(j, "category", json_string("security_integration"));
    json_object_set_new(j, "procedures",
                        json_loads(no_suppliers, JSON_DECODE_ANY, NULL));
    text = json_dumps(j, 0);
    json_decref(j);
    assert_int_equal(s_check(v2, text, r2), 1);
    assert_int_equal(s_result(v2, r2, "suppliers")->status, DOM_RULE_NOT_MET);
    assert_string_equal(s_result(v2, r2, "suppliers")->reason,
                        "procedures lacks suppliers");
    free(text);
    /* No category given: the rule applies, to be safe. */
    text = s_spoil("category", NULL);
    assert_int_equal(s_check(v2, text, r2), 0);
    assert_int_equal(s_result(v2, r2, "suppliers")->status, DOM_RULE_MET);
    free(text);
    dom_ruleset_destroy(&v1);
    dom_ruleset_destroy(&v2);
}

/* Missing, null and wrongly typed fields never meet a rule. */
static void
s_missing_and_wrong_types(void **state)
{
    (void) state;
    dom_ruleset_t *v1 = s_load(S_V1);
    dom_rule_result_t r[DOM_RULES_MAX];
    static const struct {
        const char *path, *value, *id, *reason;
    } cases[] = {
        {"staff.security_services", NULL, "staff",
         "staff.security_services is not given"},
        {"staff.security_services", "null", "staff",
         "staff.security_services is not given"},
        {"staff.security_services", "\"12\"", "staff",
         "staff.security_services must be a whole number, not a string"},
        {"staff.security_services", "12.5", "staff",
         "staff.security_services must be a whole number, not a number "
         "with a fraction"},
        {"office.fixed", "1", "office",
         "office.fixed must be true or false, not a whole number"},
        {"procedures", "\"personnel\"", "procedures",
         "procedures must be an array of names, not a string"},
        {"head", "3", "head_experience",
         "head.it_management_years is not given"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = s_spoil(cases[i].path, cases[i].value);
        (void) s_check(v1, text, r);
        free(text);
        const dom_rule_result_t *got = s_result(v1, r, cases[i].id);
        assert_int_equal(got->status, DOM_RULE_NOT_MET);
        assert_string_equal(got->reason, cases[i].reason);
    }
    dom_ruleset_destroy(&v1);
}

/* The shipped examples: the young institution meets v2, misses v1 five
 * times. */
static void
s_example_applications(void **state)
{
    (void) state;
    dom_ruleset_t *v1 = s_load(S_V1), *v2 = s_load(S_V2);
    dom_rule_result_t r[DOM_RULES_MAX];
    char buf[8192];
    const char *files[] = {DOM_EXAMPLES_DIR "/application-level3.json",
                           DOM_EXAMPLES_DIR "/application-young.json"};
    size_t want_v1[] = {0, 5}, want_v2[] = {0, 0};
    for (size_t k = 0; k < 2; k++) {
        FILE *f = fopen(files[k], "rb");
        assert_non_null(f);
        size_t len = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[len] = '\0';
        assert_int_equal(s_check(v1, buf, r), want_v1[k]);
        assert_int_equal(s_check(v2, buf, r), want_v2[k]);
    }
    dom_ruleset_destroy(&v1);
    dom_ruleset_destroy(&v2);
}

static void
s_parse_errors(void **state)
{
    (void) state;
    static const char head[] = "ruleset t\ntitle T\n";
    static const struct {
        const char *body, *why;
    } bad[] = {
        {"rule a x.y >= 3\n", "t:3: rule \"a\": TEXT must be given in double "
                              "quotes, last on the line"},
        {"rule a x.y > 3 \"t\"\n",
         "t:3: rule \"a\": OP must be >=, <=, = or has"},
        {"rule a x.y >= -1 \"t\"\n",
         "t:3: rule \"a\": VALUE must be a whole number 0..1000000000"},
        {"rule a x.y >= 1000000001 \"t\"\n",
         "t:3: rule \"a\": VALUE must be a whole number 0..1000000000"},
        {"rule a x.y = yes \"t\"\n",
         "t:3: rule \"a\": VALUE must be true, false or a whole number"},
        {"rule a x.y has a,,b \"t\"\n",
         "t:3: rule \"a\": VALUE must be names (a-z 0-9 _) joined by ','"},
        {"rule A x >= 1 \"t\"\n",
         "t:3: rule \"?\": ID must be 1..40 of a-z 0-9 _"},
        {"rule a x..y >= 1 \"t\"\n",
         "t:3: rule \"a\": FIELD must be a path of names (a-z 0-9 _) joined "
         "by '.'"},
        {"rule a x >= 1 \"t\"\nrule a y >= 1 \"u\"\n",
         "t:4: rule \"a\": this ID is used twice"},
        {"rule a x >= 1 when c on p,q \"t\"\n",
         "t:3: rule \"a\": when: expected \"when FIELD in NAME,NAME\""},
        {"rule a x >= 1 \"t \"q\" u\"\n",
         "t:3: rule \"a\": TEXT must be 1..300 bytes without a double quote "
         "inside"},
        {"rule a x >= 1 \"\"\n", "t:3: rule \"a\": TEXT must be given in "
                                 "double quotes, last on the line"},
        {"rule a x >= 1 \"t\"\ntitle U\n", "t:4: title: given twice"},
        {"rule a x >= 1 \"t\"\nsource S\n",
         "t:4: source: must come before the first rule"},
        {"rules a x >= 1 \"t\"\n",
         "t:3: expected ruleset, title, source or rule"},
        {"", "t: no rule"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[512], why[200] = "";
        snprintf(text, sizeof text, "%s%s", head, bad[i].body);
        dom_ruleset_t *rs =
            dom_ruleset_parse(text, strlen(text), "t", why, sizeof why);
        if (rs != NULL || strcmp(why, bad[i].why) != 0)
            fail_msg("case %zu: got \"%s\", want \"%s\"", i, why, bad[i].why);
    }
    char why[200] = "";
    const char *untitled = "title T\nrule a x >= 1 \"t\"\n";
    assert_null(
        dom_ruleset_parse(untitled, strlen(untitled), NULL, why, sizeof why));
    assert_string_equal(why, "rules: no \"ruleset NAME\" line");
    assert_null(dom_ruleset_parse("ruleset Bad\n", 12, "f", why, sizeof why));
    assert_string_equal(why,
                        "f:1: ruleset: NAME must be 1..40 of a-z 0-9 _ . -");
    /* Comments, blank lines and CRLF are fine. */
    const char ok[] = "# c\r\n\r\n  ruleset ok-1\r\ntitle  The T  \r\n"
                      "rule a x >= 1 when k in p,q \"t\"\r\n";
    dom_ruleset_t *rs =
        dom_ruleset_parse(ok, strlen(ok), "ok", why, sizeof why);
    assert_non_null(rs);
    assert_string_equal(dom_ruleset_title(rs), "The T");
    assert_string_equal(dom_ruleset_source(rs), "");
    assert_string_equal(dom_ruleset_rule_text(rs, 0), "t");
    dom_ruleset_destroy(&rs);
}

static void
s_bad_applications(void **state)
{
    (void) state;
    dom_ruleset_t *v2 = s_load(S_V2);
    dom_rule_result_t r[DOM_RULES_MAX];
    r[0].status = DOM_RULE_MET;
    size_t unmet = 42;
    char why[200] = "";
    static const struct {
        const char *json, *why;
    } bad[] = {
        {"{\"a\": 1,\n \"b\": }", "a.json:2:7: unexpected token near '}'"},
        {"[1, 2]", "a.json: must be a JSON object"},
        {"{\"a\": 1, \"a\": 2}",
         "a.json:1:12: duplicate object key near '\"a\"'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc =
            dom_ruleset_check(v2, bad[i].json, strlen(bad[i].json), "a.json", r,
                              DOM_RULES_MAX, &unmet, why, sizeof why);
        if (rc != CMN_EINVAL || strcmp(why, bad[i].why) != 0)
            fail_msg("case %zu: rc %d, \"%s\"", i, rc, why);
    }
    assert_int_equal(unmet, 42); /* untouched */
    assert_int_equal(dom_ruleset_check(v2, s_good, strlen(s_good), NULL, r, 3,
                                       &unmet, why, sizeof why),
                     CMN_EINVAL); /* too few results */
    dom_ruleset_destroy(&v2);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_shipped_sets),
        cmocka_unit_test(s_meets_every_condition),
        cmocka_unit_test(s_misses_each_condition),
        cmocka_unit_test(s_versions_differ),
        cmocka_unit_test(s_when_category),
        cmocka_unit_test(s_missing_and_wrong_types),
        cmocka_unit_test(s_example_applications),
        cmocka_unit_test(s_parse_errors),
        cmocka_unit_test(s_bad_applications),
    };
    return MLPS_TEST_RUN(tests, argc, argv);
}

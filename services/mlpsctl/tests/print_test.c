/* print_test.c - replies as text: what is empty is left out,
 * control characters kept off the line, and the exit codes. */
#include "ctl/cli.h"
#include "ctl/print.h"
#include "ctl_test.h"

typedef struct {
    char *text;
    size_t len;
    FILE *f;
} s_mem_t;

static void
s_open(s_mem_t *m)
{
    m->text = NULL;
    m->len = 0;
    m->f = open_memstream(&m->text, &m->len);
    assert_non_null(m->f);
}

/* Closes the stream, compares its text with want, frees it. */
static void
s_expect(s_mem_t *m, const char *want)
{
    assert_int_equal(fclose(m->f), 0);
    if (strcmp(m->text, want) != 0)
        fail_msg("want:\n%s\ngot:\n%s", want, m->text);
    free(m->text);
}

static void
s_status(void **state)
{
    (void) state;
    Mlps__V1__StatusReply r = MLPS__V1__STATUS_REPLY__INIT;
    char *missing[] = {"topology", "product_list"};
    r.tracking_id = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";
    r.state = "incomplete";
    r.outcome = "B";
    r.proposed_level = 3;
    r.level = 3;
    r.received_on = "2024-05-06";
    r.deadline = "2024-05-20";
    r.deadline_note = "paused while\nmaterials are missing";
    r.n_missing = 2;
    r.missing = missing;
    r.breached = 1;
    s_mem_t m;
    s_open(&m);
    assert_int_equal(ctl_print_status(m.f, &r), CTL_EXIT_OK);
    s_expect(&m, "tracking_id: 1b4e28ba-2fa1-11d2-883f-0016d3cca427\n"
                 "state: incomplete\n"
                 "outcome: B\n"
                 "proposed_level: 3\n"
                 "level: 3\n"
                 "received: 2024-05-06\n"
                 "deadline: 2024-05-20\n"
                 "deadline_note: paused while materials are missing\n"
                 "missing: topology\n"
                 "missing: product_list\n"
                 "breached: yes\n");

    Mlps__V1__StatusReply empty = MLPS__V1__STATUS_REPLY__INIT;
    s_open(&m);
    assert_int_equal(ctl_print_status(m.f, &empty), CTL_EXIT_OK);
    s_expect(&m, "tracking_id: \nstate: \nbreached: no\n");
    empty.panel = "no quorum on 2024-06-03";
    empty.liability_notice = "我单位坚持原定级并承担相应责任";
    s_open(&m);
    assert_int_equal(ctl_print_status(m.f, &empty), CTL_EXIT_OK);
    s_expect(&m, "tracking_id: \nstate: \npanel: no quorum on 2024-06-03\n"
                 "liability_notice: 我单位坚持原定级并承担相应责任\n"
                 "breached: no\n");
}

static void
s_problem(void **state)
{
    (void) state;
    Mlps__V1__FieldError e1 = MLPS__V1__FIELD_ERROR__INIT;
    Mlps__V1__FieldError e2 = MLPS__V1__FIELD_ERROR__INIT;
    Mlps__V1__FieldError *errors[] = {&e1, &e2};
    Mlps__V1__Problem p = MLPS__V1__PROBLEM__INIT;
    e1.field = "unit.credit_code";
    e1.reason = "check character does not match";
    e2.reason = "the filing is\x1b[31m late";
    p.code = "invalid";
    p.message = "the filing has 2 errors";
    p.n_errors = 2;
    p.errors = errors;
    s_mem_t m;
    s_open(&m);
    ctl_print_problem(m.f, &p);
    s_expect(&m, "error: invalid: the filing has 2 errors\n"
                 "error: unit.credit_code: check character does not match\n"
                 "error: the filing is [31m late\n");

    /* the problem field of any reply, or NULL */
    Mlps__V1__SubmitFilingReply submit = MLPS__V1__SUBMIT_FILING_REPLY__INIT;
    assert_null(ctl_reply_problem(&submit.base));
    submit.problem = &p;
    assert_ptr_equal(ctl_reply_problem(&submit.base), &p);
    Mlps__V1__AuditEventsReply events = MLPS__V1__AUDIT_EVENTS_REPLY__INIT;
    events.problem = &p;
    assert_ptr_equal(ctl_reply_problem(&events.base), &p);
    Mlps__V1__Filing filing = MLPS__V1__FILING__INIT;
    assert_null(ctl_reply_problem(&filing.base));
}

static void
s_submit_and_action(void **state)
{
    (void) state;
    Mlps__V1__SubmitFilingReply r = MLPS__V1__SUBMIT_FILING_REPLY__INIT;
    r.tracking_id = "t-1";
    s_mem_t m, e;
    s_open(&m);
    assert_int_equal(ctl_print_submit(m.f, &r), CTL_EXIT_OK);
    s_expect(&m, "tracking_id: t-1\n");
    r.duplicate = 1;
    s_open(&m);
    assert_int_equal(ctl_print_submit(m.f, &r), CTL_EXIT_OK);
    s_expect(&m, "tracking_id: t-1\nduplicate: yes\n");

    Mlps__V1__ActionReply a = MLPS__V1__ACTION_REPLY__INIT;
    a.ok = 1;
    s_open(&m);
    s_open(&e);
    assert_int_equal(ctl_print_action(m.f, e.f, &a), CTL_EXIT_OK);
    s_expect(&m, "ok: yes\n");
    s_expect(&e, "");
    a.detail = "the case is back with the reviewer";
    s_open(&m);
    s_open(&e);
    assert_int_equal(ctl_print_action(m.f, e.f, &a), CTL_EXIT_OK);
    s_expect(&m, "ok: yes\ndetail: the case is back with the reviewer\n");
    s_expect(&e, "");
    a.ok = 0;
    a.detail = "the case is not waiting for materials";
    s_open(&m);
    s_open(&e);
    assert_int_equal(ctl_print_action(m.f, e.f, &a), CTL_EXIT_REFUSED);
    s_expect(&m, "");
    s_expect(&e, "error: refused: the case is not waiting for materials\n");
}

static void
s_letter(void **state)
{
    (void) state;
    Mlps__V1__LetterReply r = MLPS__V1__LETTER_REPLY__INIT;
    r.text = "关于海淀区全民健康信息平台备案的复函\n\n\t经审核，同意备案。\n";
    s_mem_t m;
    s_open(&m);
    assert_int_equal(ctl_print_letter(m.f, &r), CTL_EXIT_OK);
    s_expect(&m, r.text); /* as is, tab and all */
    r.text = "no final newline";
    s_open(&m);
    assert_int_equal(ctl_print_letter(m.f, &r), CTL_EXIT_OK);
    s_expect(&m, "no final newline\n");
}

static void
s_panel(void **state)
{
    (void) state;
    Mlps__V1__PanelShowReply r = MLPS__V1__PANEL_SHOW_REPLY__INIT;
    char *experts[] = {"E-007", "E-012", "E-031"};
    r.tracking_id = "t-9";
    r.state = "scheduled";
    r.session_date = "2024-06-03";
    r.experts = experts;
    r.n_experts = 3;
    s_mem_t m;
    s_open(&m);
    assert_int_equal(ctl_print_panel(m.f, &r), CTL_EXIT_OK);
    s_expect(&m, "tracking_id: t-9\nstate: scheduled\n"
                 "session_date: 2024-06-03\nexpert: E-007\nexpert: E-012\n"
                 "expert: E-031\n");
    r.n_experts = 0;
    r.detail = "quorum 3";
    s_open(&m);
    assert_int_equal(ctl_print_panel(m.f, &r), CTL_EXIT_OK);
    s_expect(&m, "tracking_id: t-9\nstate: scheduled\n"
                 "session_date: 2024-06-03\ndetail: quorum 3\n");
}

static void
s_audit(void **state)
{
    (void) state;
    Mlps__V1__AuditVerifyReply v = MLPS__V1__AUDIT_VERIFY_REPLY__INIT;
    v.ok = 1;
    v.records = 12345;
    s_mem_t m, e;
    s_open(&m);
    assert_int_equal(ctl_print_audit_verify(m.f, &v), CTL_EXIT_OK);
    s_expect(&m, "audit verify: ok records=12345\n");
    v.key_id = "0123456789abcdef";
    v.checkpoints = 7;
    v.anchored_seq = 12300;
    s_open(&m);
    assert_int_equal(ctl_print_audit_verify(m.f, &v), CTL_EXIT_OK);
    s_expect(&m, "audit verify: ok records=12345 checkpoints=7 "
                 "anchored_seq=12300 key=0123456789abcdef\n");
    v.ok = 0;
    v.first_bad_seq = 812;
    v.reason = "hash does not chain";
    s_open(&m);
    assert_int_equal(ctl_print_audit_verify(m.f, &v), CTL_EXIT_REFUSED);
    s_expect(&m, "audit verify: FAILED at seq=812: hash does not chain\n");

    Mlps__V1__AuditEvent e1 = MLPS__V1__AUDIT_EVENT__INIT;
    Mlps__V1__AuditEvent e2 = MLPS__V1__AUDIT_EVENT__INIT;
    Mlps__V1__AuditEvent *list[] = {&e1, &e2};
    e1.service = "intake";
    e1.actor = "110108";
    e1.action = "filing.accepted";
    e1.case_id = "t-1";
    e1.outcome = "received";
    e1.at_us = 1715000000123456;
    e1.office = "110108";
    e2.service = "review";
    e2.actor = "system";
    e2.action = "case.decided";
    e2.outcome = "level 3 \"C\"\n";
    e2.at_us = 0;
    Mlps__V1__AuditEventsReply r = MLPS__V1__AUDIT_EVENTS_REPLY__INIT;
    r.events = list;
    r.n_events = 2;
    s_open(&m);
    s_open(&e);
    assert_int_equal(ctl_print_audit_events(m.f, e.f, "t-1", &r), CTL_EXIT_OK);
    s_expect(&m, "2024-05-06T12:53:20.123456Z service=intake "
                 "action=filing.accepted actor=110108 outcome=received "
                 "office=110108\n"
                 "1970-01-01T00:00:00.000000Z service=review "
                 "action=case.decided actor=system outcome=\"level 3 "
                 "\\\"C\\\" \" office=\"\"\n");
    s_expect(&e, "");
    r.n_events = 0;
    s_open(&m);
    s_open(&e);
    assert_int_equal(ctl_print_audit_events(m.f, e.f, "t-2", &r),
                     CTL_EXIT_REFUSED);
    s_expect(&m, "");
    s_expect(&e, "error: no audit events for case \"t-2\"\n");
}

static void
s_errors(void **state)
{
    (void) state;
    cmn_problem_t errs;
    cmn_problem_init(&errs);
    cmn_problem_add(&errs, "unit.name", "expected %s", "a string");
    cmn_problem_add(&errs, "", "expected a JSON object");
    for (int i = 0; i < 20; i++)
        cmn_problem_add(&errs, "materials", "n %d", i);
    assert_int_equal(errs.count, 22);
    s_mem_t m;
    s_open(&m);
    ctl_print_error(m.f, NULL, "no field");
    ctl_print_errors(m.f, &errs);
    assert_int_equal(fclose(m.f), 0);
    assert_non_null(strstr(m.text, "error: no field\n"
                                   "error: unit.name: expected a string\n"
                                   "error: expected a JSON object\n"
                                   "error: materials: n 0\n"));
    assert_non_null(strstr(m.text, "error: materials: n 19\n"));
    free(m.text);
    /* Past what one Problem holds, the rest is counted, not lost. */
    for (int i = 0; i < 50; i++)
        cmn_problem_add(&errs, "materials", "m %d", i);
    assert_int_equal(cmn_problem_found(&errs), 72);
    s_open(&m);
    ctl_print_errors(m.f, &errs);
    assert_int_equal(fclose(m.f), 0);
    assert_non_null(strstr(m.text, "error: materials: m 41\n"
                                   "error: 8 more not shown\n"));
    assert_null(strstr(m.text, "m 42"));
    free(m.text);
    cmn_problem_init(&errs);
    assert_int_equal(cmn_problem_found(&errs), 0);
}


/* The month's report: one line per district, then the rates; the month
 * asked for when the reply names none; no percentages without districts;
 * a district's text kept on its line. */
static void
s_report(void **state)
{
    (void) state;
    Mlps__V1__DistrictReport d[2], *ds[] = {&d[0], &d[1]};
    char *diffs[] = {"batch 110106-B00003\nnot received"};
    for (int i = 0; i < 2; i++)
        d[i] = (Mlps__V1__DistrictReport) MLPS__V1__DISTRICT_REPORT__INIT;
    d[0].district = "110106";
    d[0].reported = 1;
    d[0].on_time = 1;
    d[0].filings = 7;
    d[0].differences = diffs;
    d[0].n_differences = 1;
    d[1].district = "110108";
    d[1].reported = 1;
    d[1].filings = 3; /* not reconciled, no difference listed */
    Mlps__V1__ReportMonthReply r = MLPS__V1__REPORT_MONTH_REPLY__INIT;
    r.districts = ds;
    r.n_districts = 2;
    r.reported = 2;
    r.on_time = 1;
    s_mem_t m;
    s_open(&m);
    assert_int_equal(ctl_print_report(m.f, "2026-12", &r), CTL_EXIT_OK);
    s_expect(&m, "report 2026-12: district=110106 reported=yes on_time=yes "
                 "filings=7 reconciled=batch 110106-B00003 not received\n"
                 "report 2026-12: district=110108 reported=yes on_time=no "
                 "filings=3 reconciled=no\n"
                 "report 2026-12: districts=2 reported=2 on_time=1 "
                 "reporting_rate=2/2 on_time_rate=1/2\n");
    Mlps__V1__ReportMonthReply none = MLPS__V1__REPORT_MONTH_REPLY__INIT;
    none.month = "2027-01";
    s_open(&m);
    assert_int_equal(ctl_print_report(m.f, "2026-12", &none), CTL_EXIT_OK);
    s_expect(&m, "report 2027-01: districts=0 reported=0 on_time=0 "
                 "reporting_rate=0/0 on_time_rate=0/0\n");
}

static void
s_duplicates(void **state)
{
    (void) state;
    Mlps__V1__DuplicatesReply r = MLPS__V1__DUPLICATES_REPLY__INIT;
    s_mem_t m;
    s_open(&m);
    assert_int_equal(ctl_print_duplicates(m.f, &r), CTL_EXIT_OK);
    s_expect(&m, "duplicates: 0\n");
    Mlps__V1__DuplicatePair p = MLPS__V1__DUPLICATE_PAIR__INIT, *ps[] = {&p};
    p.tracking_id = "t-2";
    p.other_tracking_id = "t-1";
    p.state = "duplicate";
    p.system_name = "a \"b\"\tc";
    p.decided_by = "office:110100";
    r.pairs = ps;
    r.n_pairs = 1;
    s_open(&m);
    assert_int_equal(ctl_print_duplicates(m.f, &r), CTL_EXIT_OK);
    s_expect(&m, "duplicate: t-2 other=t-1 state=duplicate unit=\"\" "
                 "system=\"a \\\"b\\\" c\" decided_by=office:110100\n"
                 "duplicates: 1\n");
}

/* Any reply as JSON: every field, enumerations by name, unset messages
 * null, 64-bit values as numbers. */
static void
s_json(void **state)
{
    (void) state;
    Mlps__V1__AuditEvent e = MLPS__V1__AUDIT_EVENT__INIT, *es[] = {&e};
    Mlps__V1__AuditEventsReply r = MLPS__V1__AUDIT_EVENTS_REPLY__INIT;
    e.service = "review";
    e.at_us = 1715000000000000;
    r.events = es;
    r.n_events = 1;
    s_mem_t m;
    s_open(&m);
    assert_int_equal(ctl_print_json(m.f, stderr, &r.base), CTL_EXIT_OK);
    s_expect(&m, "{\"events\": [{\"service\": \"review\", \"actor\": \"\", "
                 "\"action\": \"\", \"case_id\": \"\", \"outcome\": \"\", "
                 "\"at_us\": 1715000000000000, \"office\": \"\"}], "
                 "\"problem\": null}\n");
    Mlps__V1__OpinionRequest o = MLPS__V1__OPINION_REQUEST__INIT;
    o.verdict = MLPS__V1__PANEL_VERDICT__ADJUST;
    s_open(&m);
    assert_int_equal(ctl_print_json(m.f, stderr, &o.base), CTL_EXIT_OK);
    s_expect(&m, "{\"tracking_id\": \"\", \"expert_id\": \"\", "
                 "\"verdict\": \"adjust\", \"level\": 0, \"reasons\": \"\"}\n");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_status),
        cmocka_unit_test(s_problem),
        cmocka_unit_test(s_submit_and_action),
        cmocka_unit_test(s_letter),
        cmocka_unit_test(s_panel),
        cmocka_unit_test(s_audit),
        cmocka_unit_test(s_errors),
        cmocka_unit_test(s_report),
        cmocka_unit_test(s_duplicates),
        cmocka_unit_test(s_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

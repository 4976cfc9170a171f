/* eval_cmd_test.c - mlpsctl's evaluation commands against a fake service
 * (a REP socket on a thread that records the request and answers with a
 * canned reply): the request each sends, what it prints, its exit code;
 * usage errors; and institution check, which needs no service. */
#include "cmn/api.h"
#include "cmn/envelope.h"
#include "cmn/pb.h"
#include "cmn_test/unit.h"
#include "ctl/cli.h"
#include "mlps/v1/evaluation.pb-c.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
#include <zmq.h>

extern char **environ;

typedef struct {
    void *ctx, *sock;
    char endpoint[128];
    const ProtobufCMessage *reply;
    pthread_t thread;
    int running;
    char req_type[128];
    ProtobufCMessage *req;
    const ProtobufCMessageDescriptor *want_desc;
} s_server_t;

static s_server_t s_srv;

static void *
s_serve(void *arg)
{
    s_server_t *srv = arg;
    zmq_msg_t m;
    (void) zmq_msg_init(&m);
    if (zmq_msg_recv(&m, srv->sock, 0) < 0)
        goto out;
    Mlps__V1__Envelope *e =
        mlps__v1__envelope__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m));
    if (e == NULL)
        goto out;
    snprintf(srv->req_type, sizeof srv->req_type, "%s", e->type);
    srv->req = protobuf_c_message_unpack(srv->want_desc, NULL, e->payload.len,
                                         e->payload.data);
    uint8_t *payload = NULL, *frame = NULL;
    size_t plen = 0, flen = 0;
    char mid[37];
    cmn_uuid4(mid);
    cmn_env_out_t o = {.message_id = mid,
                       .type = srv->reply->descriptor->name,
                       .source = "fake",
                       .correlation_id = e->correlation_id,
                       .created_at_us = cmn_now_us()};
    if (cmn_pb_pack(srv->reply, &payload, &plen) == 0) {
        o.payload = payload;
        o.payload_len = plen;
        if (cmn_env_encode(&o, &frame, &flen) == 0)
            zmq_send(srv->sock, frame, flen, 0);
    }
    free(frame);
    free(payload);
    mlps__v1__envelope__free_unpacked(e, NULL);
out:
    zmq_msg_close(&m);
    return NULL;
}

/* Answers the next request with reply; the request is decoded as desc. */
static void
s_serve_once(const ProtobufCMessage *reply,
             const ProtobufCMessageDescriptor *desc)
{
    protobuf_c_message_free_unpacked(s_srv.req, NULL);
    s_srv.req = NULL;
    s_srv.reply = reply;
    s_srv.want_desc = desc;
    assert_int_equal(pthread_create(&s_srv.thread, NULL, s_serve, &s_srv), 0);
    s_srv.running = 1;
}

/* The request the fake took, after checking its type. */
static void *
s_request(const char *type)
{
    assert_true(s_srv.running);
    pthread_join(s_srv.thread, NULL);
    s_srv.running = 0;
    assert_string_equal(s_srv.req_type, type);
    assert_non_null(s_srv.req);
    return s_srv.req;
}

static int
s_setup(void **state)
{
    (void) state;
    for (char **e = environ; *e != NULL;) { /* no MLPS_* from outside */
        const char *eq = strchr(*e, '=');
        char name[128];
        if (strncmp(*e, "MLPS_", 5) != 0 || eq == NULL ||
            (size_t) (eq - *e) >= sizeof name) {
            e++;
            continue;
        }
        memcpy(name, *e, (size_t) (eq - *e));
        name[eq - *e] = '\0';
        unsetenv(name);
        e = environ;
    }
    memset(&s_srv, 0, sizeof s_srv);
    s_srv.ctx = zmq_ctx_new();
    s_srv.sock = zmq_socket(s_srv.ctx, ZMQ_REP);
    int zero = 0, wait = 10000;
    assert_int_equal(zmq_setsockopt(s_srv.sock, ZMQ_LINGER, &zero, sizeof zero),
                     0);
    assert_int_equal(
        zmq_setsockopt(s_srv.sock, ZMQ_RCVTIMEO, &wait, sizeof wait), 0);
    if (zmq_bind(s_srv.sock, "tcp://127.0.0.1:*") != 0)
        return -1;
    size_t len = sizeof s_srv.endpoint;
    assert_int_equal(
        zmq_getsockopt(s_srv.sock, ZMQ_LAST_ENDPOINT, s_srv.endpoint, &len), 0);
    return 0;
}

static int
s_teardown(void **state)
{
    (void) state;
    if (s_srv.running)
        pthread_join(s_srv.thread, NULL);
    protobuf_c_message_free_unpacked(s_srv.req, NULL);
    zmq_close(s_srv.sock);
    zmq_ctx_term(s_srv.ctx);
    return 0;
}

typedef struct {
    int rc;
    char out[8192], err[8192];
} s_result_t;

/* mlpsctl --evaluation=<the fake> then the words of cmd. */
static s_result_t *
s_ctl(const char *const *cmd)
{
    static s_result_t r;
    char opt[192], *argv[20];
    int argc = 0;
    argv[argc++] = "mlpsctl";
    argv[argc++] = "--timeout-ms=3000";
    snprintf(opt, sizeof opt, "--evaluation=%s", s_srv.endpoint);
    argv[argc++] = opt;
    for (; *cmd != NULL && argc < 19; cmd++)
        argv[argc++] = (char *) *cmd;
    argv[argc] = NULL;
    char *out = NULL, *err = NULL;
    size_t outlen = 0, errlen = 0;
    FILE *fo = open_memstream(&out, &outlen),
         *fe = open_memstream(&err, &errlen);
    r.rc = ctl_main(argc, argv, fo, fe);
    fclose(fo);
    fclose(fe);
    snprintf(r.out, sizeof r.out, "%s", out);
    snprintf(r.err, sizeof r.err, "%s", err);
    free(out);
    free(err);
    return &r;
}

static void
s_expect(const s_result_t *r, int rc, const char *out, const char *err)
{
    if (r->rc != rc || strcmp(r->out, out) != 0 || strcmp(r->err, err) != 0)
        fail_msg("want rc %d, out:\n%s\nerr:\n%s\ngot rc %d, out:\n%s\n"
                 "err:\n%s",
                 rc, out, err, r->rc, r->out, r->err);
}

static Mlps__V1__ActionReply s_ok = {
    PROTOBUF_C_MESSAGE_INIT(&mlps__v1__action_reply__descriptor), 1,
    "case X: done", NULL};

/* --- status ------------------------------------------------------------ */

static void
s_status_evaluated(void **state)
{
    (void) state;
    Mlps__V1__EvaluationStatusReply r = MLPS__V1__EVALUATION_STATUS_REPLY__INIT;
    r.tracking_id = "110100-1";
    r.state = "evaluated";
    r.level = 3;
    r.round = 2;
    r.institution_id = "xinan";
    r.institution_name = "北京信安";
    r.engaged = "assigned";
    r.engaged_on = "2026-11-20";
    r.verdict = "good";
    r.verdict_title = "良";
    r.score = 85;
    r.medium_risks = 2;
    r.report_date = "2026-11-21";
    r.next_due = "2027-11-21";
    r.unit_name = "单位";
    r.system_name = "系统\n名";
    s_serve_once(&r.base, &mlps__v1__evaluation_status_request__descriptor);
    s_expect(s_ctl((const char *[]){"--unit-secret=s3", "evaluation", "status",
                                    "110100-1", NULL}),
             0,
             "tracking_id: 110100-1\nstate: evaluated\nlevel: 3\nround: 2\n"
             "institution: xinan (北京信安)\nengaged: assigned on 2026-11-20\n"
             "verdict: good (良)\nscore: 85 (high risks 0, medium risks 2)\n"
             "report_date: 2026-11-21\nnext_due: 2027-11-21\nunit: 单位\n"
             "system: 系统 名\n",
             "");
    Mlps__V1__EvaluationStatusRequest *q =
        s_request("mlps.v1.EvaluationStatusRequest");
    assert_string_equal(q->tracking_id, "110100-1");
    assert_string_equal(q->unit_secret, "s3");
}

/* Before any report the five lines are there all the same. */
static void
s_status_waiting(void **state)
{
    (void) state;
    Mlps__V1__EvaluationStatusReply r = MLPS__V1__EVALUATION_STATUS_REPLY__INIT;
    r.tracking_id = "110100-2";
    r.state = "escalated";
    r.level = 4;
    r.round = 1;
    r.calendar = "overdue";
    r.detail = "no institution qualifies: a: at capacity";
    s_serve_once(&r.base, &mlps__v1__evaluation_status_request__descriptor);
    s_expect(s_ctl((const char *[]){"evaluation", "status", "110100-2", NULL}),
             0,
             "tracking_id: 110100-2\nstate: escalated\nlevel: 4\nround: 1\n"
             "institution: none\nverdict: none\nreport_date: none\n"
             "next_due: none\ncalendar: overdue\n"
             "detail: no institution qualifies: a: at capacity\n",
             "");
    s_request("mlps.v1.EvaluationStatusRequest");
}

static void
s_status_not_found(void **state)
{
    (void) state;
    Mlps__V1__Problem p = MLPS__V1__PROBLEM__INIT;
    Mlps__V1__EvaluationStatusReply r = MLPS__V1__EVALUATION_STATUS_REPLY__INIT;
    p.code = "not_found";
    p.message = "no evaluation case \"X\" for this caller";
    r.problem = &p;
    s_serve_once(&r.base, &mlps__v1__evaluation_status_request__descriptor);
    s_expect(s_ctl((const char *[]){"evaluation", "status", "X", NULL}), 1, "",
             "error: not_found: no evaluation case \"X\" for this caller\n");
    s_request("mlps.v1.EvaluationStatusRequest");
}

/* --- choose, assign, report -------------------------------------------- */

static void
s_choose_and_assign(void **state)
{
    (void) state;
    s_serve_once(&s_ok.base, &mlps__v1__evaluation_choose_request__descriptor);
    s_expect(s_ctl((const char *[]){"--unit-secret=abc", "evaluation", "choose",
                                    "T-1", "xinan", NULL}),
             0, "ok: yes\ndetail: case X: done\n", "");
    Mlps__V1__EvaluationChooseRequest *c =
        s_request("mlps.v1.EvaluationChooseRequest");
    assert_string_equal(c->institution_id, "xinan");
    assert_string_equal(c->unit_secret, "abc");
    s_serve_once(&s_ok.base, &mlps__v1__evaluation_assign_request__descriptor);
    s_expect(s_ctl((const char *[]){"evaluation", "assign", "T-1", "huace",
                                    "--reason", "busy", NULL}),
             0, "ok: yes\ndetail: case X: done\n", "");
    Mlps__V1__EvaluationAssignRequest *a =
        s_request("mlps.v1.EvaluationAssignRequest");
    assert_string_equal(a->tracking_id, "T-1");
    assert_string_equal(a->institution_id, "huace");
    assert_string_equal(a->reason, "busy");
    /* No institution: the proposal. */
    s_serve_once(&s_ok.base, &mlps__v1__evaluation_assign_request__descriptor);
    s_expect(s_ctl((const char *[]){"evaluation", "assign", "T-1", NULL}), 0,
             "ok: yes\ndetail: case X: done\n", "");
    a = s_request("mlps.v1.EvaluationAssignRequest");
    assert_string_equal(a->institution_id, "");
}

static void
s_report(void **state)
{
    (void) state;
    s_serve_once(&s_ok.base, &mlps__v1__evaluation_report_request__descriptor);
    s_expect(
        s_ctl((const char *[]){"evaluation", "report", "T-1",
                               "--date=2026-11-20", "--score=62", "--high=1",
                               "--medium", "3", "--sha256=ab", NULL}),
        0, "ok: yes\ndetail: case X: done\n", "");
    Mlps__V1__EvaluationReportRequest *q =
        s_request("mlps.v1.EvaluationReportRequest");
    assert_string_equal(q->report_date, "2026-11-20");
    assert_int_equal(q->score, 62);
    assert_int_equal(q->high_risks, 1);
    assert_int_equal(q->medium_risks, 3);
    assert_string_equal(q->report_sha256, "ab");
}

/* Bad command lines never reach the service. */
static void
s_usage_errors(void **state)
{
    (void) state;
    s_result_t *r =
        s_ctl((const char *[]){"evaluation", "report", "T-1",
                               "--date=2026-11-20", "--score=101", NULL});
    assert_int_equal(r->rc, 2);
    assert_non_null(strstr(r->err, "--score must be a whole number 0 to 100"));
    r = s_ctl(
        (const char *[]){"evaluation", "report", "T-1", "--score=50", NULL});
    assert_int_equal(r->rc, 2);
    assert_non_null(strstr(r->err, "usage: evaluation report TRACKING_ID"));
    r = s_ctl(
        (const char *[]){"evaluation", "due", "--before=2027-02-30", NULL});
    assert_int_equal(r->rc, 2);
    assert_non_null(strstr(r->err, "--before must be a date"));
    r = s_ctl((const char *[]){"evaluation", "frob", NULL});
    assert_int_equal(r->rc, 2);
    assert_non_null(strstr(r->err, "unknown command \"evaluation frob\""));
    assert_non_null(strstr(r->err, "  mlpsctl evaluation due "
                                   "[--before=YYYY-MM-DD]\n"));
    r = s_ctl(
        (const char *[]){"rectification", "review", "T-1", "maybe", NULL});
    assert_int_equal(r->rc, 2);
    r = s_ctl((const char *[]){"inspection", "plan", "20x6", NULL});
    assert_int_equal(r->rc, 2);
    assert_int_equal(s_srv.running, 0); /* nothing was sent */
}

/* --- lists --------------------------------------------------------------- */

static void
s_due_list(void **state)
{
    (void) state;
    Mlps__V1__EvaluationItem a = MLPS__V1__EVALUATION_ITEM__INIT;
    Mlps__V1__EvaluationItem *items[] = {&a};
    Mlps__V1__EvaluationListReply r = MLPS__V1__EVALUATION_LIST_REPLY__INIT;
    a.tracking_id = "K-4";
    a.level = 4;
    a.state = "proposed";
    a.next_due = "2027-02-28";
    a.days_left = -1;
    a.calendar = "overdue";
    a.region_code = "110108";
    r.n_items = 1;
    r.items = items;
    r.before = "2027-03-31";
    s_serve_once(&r.base, &mlps__v1__evaluation_due_request__descriptor);
    s_expect(s_ctl((const char *[]){"evaluation", "due", "--before",
                                    "2027-03-31", NULL}),
             0,
             "due: K-4 level=4 state=proposed next_due=2027-02-28 "
             "days_left=-1 calendar=overdue institution=- region=110108\n"
             "due: 1 listed (due by 2027-03-31, or overdue)\n",
             "");
    Mlps__V1__EvaluationDueRequest *q =
        s_request("mlps.v1.EvaluationDueRequest");
    assert_string_equal(q->before, "2027-03-31");
}

/* --- institutions -------------------------------------------------------- */

static void
s_institution_add(void **state)
{
    (void) state;
    Mlps__V1__InstitutionPutReply__Item i1 =
        MLPS__V1__INSTITUTION_PUT_REPLY__ITEM__INIT;
    Mlps__V1__InstitutionPutReply__Item i2 =
        MLPS__V1__INSTITUTION_PUT_REPLY__ITEM__INIT;
    Mlps__V1__InstitutionPutReply__Item *items[] = {&i1, &i2};
    Mlps__V1__InstitutionPutReply r = MLPS__V1__INSTITUTION_PUT_REPLY__INIT;
    i1.id = "xinan";
    i1.result = "added";
    i2.id = "huace";
    i2.result = "unchanged";
    r.n_items = 2;
    r.items = items;
    s_serve_once(&r.base, &mlps__v1__institution_put_request__descriptor);
    s_expect(s_ctl((const char *[]){
                 "institution", "add",
                 CTL_SOURCE_DIR "/deploy/region/institutions.json", NULL}),
             0,
             "institution: xinan added\ninstitution: huace unchanged\n"
             "institutions: 2 listed, 1 added, 0 changed, 1 unchanged\n",
             "");
    Mlps__V1__InstitutionPutRequest *q =
        s_request("mlps.v1.InstitutionPutRequest");
    assert_int_equal(q->n_institutions, 7);
    assert_string_equal(q->institutions[0]->id, "xinan");
    assert_int_equal(q->institutions[0]->capacity, 3);
    assert_string_equal(q->institutions[1]->related_units[0],
                        "12110105000060126R");
    assert_true(q->institutions[4]->certificates[0]->suspended);
    assert_string_equal(q->institutions[5]->certificates[0]->surveillance,
                        "failed");
}

/* The documented example converts whole, certificate by certificate. */
static void
s_institution_example(void **state)
{
    (void) state;
    Mlps__V1__InstitutionPutReply r = MLPS__V1__INSTITUTION_PUT_REPLY__INIT;
    s_serve_once(&r.base, &mlps__v1__institution_put_request__descriptor);
    s_expect(s_ctl((const char *[]){
                 "institution", "add",
                 CTL_SOURCE_DIR "/deploy/examples/institutions.json", NULL}),
             0, "institutions: 0 listed, 0 added, 0 changed, 0 unchanged\n",
             "");
    Mlps__V1__InstitutionPutRequest *q =
        s_request("mlps.v1.InstitutionPutRequest");
    assert_int_equal(q->n_institutions, 2);
    const Mlps__V1__Institution *x = q->institutions[0];
    assert_int_equal(x->n_contacts, 2);
    assert_string_equal(x->contacts[1]->role, "质量负责人");
    assert_string_equal(x->designed_units[0], "11110108000028265R");
    assert_int_equal(x->n_certificates, 2);
    assert_string_equal(x->certificates[1]->category, "risk_assessment");
    assert_true(q->institutions[1]->certificates[0]->suspended);
}

/* An institutions file with an unknown key: named, nothing sent. */
static void
s_institution_add_bad_file(void **state)
{
    (void) state;
    char path[] = "/tmp/evl_inst_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char text[] = "{\"institutions\": [{\"id\": \"a\", \"capcity\": 2}]}";
    assert_int_equal(write(fd, text, sizeof text - 1),
                     (ssize_t) sizeof text - 1);
    close(fd);
    s_result_t *r = s_ctl((const char *[]){"institution", "add", path, NULL});
    unlink(path);
    assert_int_equal(r->rc, 1);
    assert_non_null(
        strstr(r->err, "error: institutions[0]: unknown key \"capcity\""));
    assert_int_equal(s_srv.running, 0);
}

/* --- institution check: the rule sets, locally -------------------------- */

static void
s_institution_check(void **state)
{
    (void) state;
    const char *young =
        CTL_SOURCE_DIR "/deploy/examples/application-young.json";
    s_result_t *r = s_ctl((const char *[]){"institution", "check", young,
                                           "--rules=level3-v1", NULL});
    assert_int_equal(r->rc, 1);
    assert_non_null(strstr(r->out, "condition service_time: not met: "
                                   "service.months_in_category is 6, needs >= "
                                   "12 ("));
    assert_non_null(strstr(r->out, "result: not met (5 of 16 conditions not "
                                   "met)\n"));
    r = s_ctl((const char *[]){"institution", "check", young, "--rules",
                               "level3-v2", NULL});
    assert_int_equal(r->rc, 0);
    assert_non_null(strstr(r->out, "condition service_time: met: "
                                   "service.months_in_category is 6 (>= 4)\n"));
    assert_non_null(strstr(r->out, "result: met (every condition of "
                                   "level3-v2)\n"));
    r = s_ctl((const char *[]){"institution", "check", young,
                               "--rules=level3-v9", NULL});
    assert_int_equal(r->rc, 2);
    assert_non_null(strstr(r->err, "level3-v9.rules"));
    r = s_ctl((const char *[]){"institution", "check", young, NULL});
    assert_int_equal(r->rc, 2);
    assert_int_equal(s_srv.running, 0);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_status_evaluated),
        cmocka_unit_test(s_status_waiting),
        cmocka_unit_test(s_status_not_found),
        cmocka_unit_test(s_choose_and_assign),
        cmocka_unit_test(s_report),
        cmocka_unit_test(s_usage_errors),
        cmocka_unit_test(s_due_list),
        cmocka_unit_test(s_institution_add),
        cmocka_unit_test(s_institution_example),
        cmocka_unit_test(s_institution_add_bad_file),
        cmocka_unit_test(s_institution_check),
    };
    return MLPS_TEST_RUN_GROUP(tests, s_setup, s_teardown, argc, argv);
}

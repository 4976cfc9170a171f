/* cli_test.c - mlpsctl end to end against a fake service: a REP socket on
 * a thread that records the request and answers with a canned reply. Each
 * command is checked for the endpoint it uses, the request it sends, what
 * it prints and its exit code; and the refusals, transport errors and
 * usage errors. */
#include "cmn/api.h"
#include "cmn/envelope.h"
#include "cmn/pb.h"
#include "ctl/cli.h"
#include "ctl_test.h"

#include <pthread.h>
#include <unistd.h>
#include <zmq.h>

extern char **environ;

typedef struct {
    void *ctx, *sock;
    char endpoint[128];
    /* the answer: reply packed under type (default: its own type) */
    const ProtobufCMessage *reply;
    const char *type;
    int silent; /* take the request, never answer */
    /* the question */
    pthread_t thread;
    int running;
    char req_type[128];
    ProtobufCMessage *req; /* decoded with the descriptor want_desc */
    const ProtobufCMessageDescriptor *want_desc;
} s_server_t;

static s_server_t s_srv;

static void *
s_serve(void *arg)
{
    s_server_t *srv = arg;
    zmq_msg_t m;
    zmq_msg_init(&m);
    if (zmq_msg_recv(&m, srv->sock, 0) < 0)
        goto out;
    Mlps__V1__Envelope *e =
        mlps__v1__envelope__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m));
    if (e == NULL)
        goto out;
    snprintf(srv->req_type, sizeof srv->req_type, "%s", e->type);
    if (srv->want_desc != NULL)
        srv->req = protobuf_c_message_unpack(srv->want_desc, NULL,
                                             e->payload.len, e->payload.data);
    uint8_t *payload = NULL, *frame = NULL;
    size_t plen = 0, flen = 0;
    char mid[37];
    cmn_uuid4(mid);
    cmn_env_out_t out = {.message_id = mid,
                         .type = srv->type ? srv->type
                                           : srv->reply->descriptor->name,
                         .source = "fake",
                         .correlation_id = e->correlation_id,
                         .created_at_us = cmn_now_us()};
    if (!srv->silent && cmn_pb_pack(srv->reply, &payload, &plen) == 0) {
        out.payload = payload;
        out.payload_len = plen;
        if (cmn_env_encode(&out, &frame, &flen) == 0)
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
    s_srv.reply = reply;
    s_srv.want_desc = desc;
    assert_int_equal(pthread_create(&s_srv.thread, NULL, s_serve, &s_srv), 0);
    s_srv.running = 1;
}

/* Waits for the server thread; returns the decoded request (owned by the
 * fixture) after checking its type. */
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

static void
s_clear_env(void)
{
    for (;;) {
        char name[256] = "";
        for (char **e = environ; *e != NULL; e++) {
            const char *eq = strchr(*e, '=');
            if (strncmp(*e, "MLPS_", 5) == 0 && eq != NULL &&
                (size_t) (eq - *e) < sizeof name) {
                memcpy(name, *e, (size_t) (eq - *e));
                name[eq - *e] = '\0';
                break;
            }
        }
        if (name[0] == '\0')
            return;
        assert_int_equal(unsetenv(name), 0);
    }
}

static int
s_setup(void **state)
{
    (void) state;
    s_clear_env();
    memset(&s_srv, 0, sizeof s_srv);
    s_srv.ctx = zmq_ctx_new();
    s_srv.sock = zmq_socket(s_srv.ctx, ZMQ_REP);
    int zero = 0, wait = 10000;
    zmq_setsockopt(s_srv.sock, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(s_srv.sock, ZMQ_RCVTIMEO, &wait, sizeof wait);
    if (zmq_bind(s_srv.sock, "tcp://127.0.0.1:*") != 0)
        return -1;
    size_t len = sizeof s_srv.endpoint;
    zmq_getsockopt(s_srv.sock, ZMQ_LAST_ENDPOINT, s_srv.endpoint, &len);
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
    unsetenv("MLPS_REVIEW");
    unsetenv("MLPS_TIMEOUT_MS");
    return 0;
}

typedef struct {
    int rc;
    char out[8192], err[8192];
} s_result_t;

/* Runs mlpsctl with the option --<service>=<fake endpoint> (service may be
 * NULL) and a 3 s timeout, then the words of cmd (NULL-terminated). */
static s_result_t *
s_ctl(const char *service, const char *const *cmd)
{
    static s_result_t r;
    char opt[192], *argv[16];
    int argc = 0;
    argv[argc++] = "mlpsctl";
    argv[argc++] = "--timeout-ms=3000";
    if (service != NULL) {
        snprintf(opt, sizeof opt, "--%s=%s", service, s_srv.endpoint);
        argv[argc++] = opt;
    }
    for (; *cmd != NULL && argc < 15; cmd++)
        argv[argc++] = (char *) *cmd;
    argv[argc] = NULL;
    char *out = NULL, *err = NULL;
    size_t outlen = 0, errlen = 0;
    FILE *fo = open_memstream(&out, &outlen),
         *fe = open_memstream(&err, &errlen);
    assert_non_null(fo);
    assert_non_null(fe);
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

/* --- intake --------------------------------------------------------- */

static void
s_submit(void **state)
{
    (void) state;
    char path[1024];
    ctl_test_example_path("filing-level3", path, sizeof path);
    Mlps__V1__SubmitFilingReply reply = MLPS__V1__SUBMIT_FILING_REPLY__INIT;
    reply.tracking_id = "7d9f3c1e-1111-4222-8333-444455556666";
    s_serve_once(&reply.base, &mlps__v1__submit_filing_request__descriptor);
    s_expect(s_ctl("intake", (const char *[]){"submit", path, NULL}), 0,
             "tracking_id: 7d9f3c1e-1111-4222-8333-444455556666\n", "");
    Mlps__V1__SubmitFilingRequest *req =
        s_request("mlps.v1.SubmitFilingRequest");
    assert_non_null(req->filing);
    assert_string_equal(req->filing->unit->name, "北京市海淀区卫生健康委员会");
    assert_int_equal(req->filing->grading->final_level, 3);
    assert_int_equal(req->filing->n_materials, 11);
}

static void
s_submit_duplicate(void **state)
{
    (void) state;
    char path[1024];
    ctl_test_example_path("filing-level2", path, sizeof path);
    Mlps__V1__SubmitFilingReply reply = MLPS__V1__SUBMIT_FILING_REPLY__INIT;
    reply.tracking_id = "t-2";
    reply.duplicate = 1;
    s_serve_once(&reply.base, &mlps__v1__submit_filing_request__descriptor);
    s_expect(s_ctl("intake", (const char *[]){"submit", path, NULL}), 0,
             "tracking_id: t-2\nduplicate: yes\n", "");
    s_request("mlps.v1.SubmitFilingRequest");
}

static void
s_submit_refused(void **state)
{
    (void) state;
    char path[1024];
    ctl_test_example_path("filing-level2", path, sizeof path);
    Mlps__V1__FieldError e1 = MLPS__V1__FIELD_ERROR__INIT;
    Mlps__V1__FieldError e2 = MLPS__V1__FIELD_ERROR__INIT;
    Mlps__V1__FieldError *errors[] = {&e1, &e2};
    Mlps__V1__Problem p = MLPS__V1__PROBLEM__INIT;
    Mlps__V1__SubmitFilingReply reply = MLPS__V1__SUBMIT_FILING_REPLY__INIT;
    e1.field = "unit.credit_code";
    e1.reason = "check character does not match";
    e2.field = "materials[1].sha256";
    e2.reason = "expected 64 lower-case hex characters";
    p.code = "invalid";
    p.message = "the filing has 2 errors";
    p.errors = errors;
    p.n_errors = 2;
    reply.problem = &p;
    s_serve_once(&reply.base, &mlps__v1__submit_filing_request__descriptor);
    s_expect(s_ctl("intake", (const char *[]){"submit", path, NULL}), 1, "",
             "error: invalid: the filing has 2 errors\n"
             "error: unit.credit_code: check character does not match\n"
             "error: materials[1].sha256: expected 64 lower-case hex "
             "characters\n");
    s_request("mlps.v1.SubmitFilingRequest");
}

/* JSON errors are printed like a service's, and nobody is asked: the
 * intake option points at a port where nothing listens. */
static void
s_submit_json_errors(void **state)
{
    (void) state;
    char path[1024];
    const char *const intake = "--intake=tcp://127.0.0.1:1";
    ctl_test_example_path("filing-invalid", path, sizeof path);
    s_result_t *r = s_ctl(NULL, (const char *[]){intake, "submit", path, NULL});
    s_expect(r, 1, "",
             "error: unit.credit_code: expected a string\n"
             "error: unit.contacts[1].phone: expected a string\n"
             "error: unit.has_supervisor: expected true or false\n"
             "error: unit: unknown key \"fax\"\n"
             "error: system.interconnection: expected a string\n"
             "error: grading.business.object: expected one of citizens, "
             "social_order, national_security\n"
             "error: grading.business.degree: expected one of general, "
             "serious, especially_serious\n"
             "error: grading.service.proposed_level: expected an integer "
             "from 1 to 5\n"
             "error: grading.final_level: expected an integer from 1 to 5\n"
             "error: materials[1]: unknown key \"size\"\n"
             "error: unknown key \"remarks\"\n");

    char bad[] = "/tmp/ctl_cli_test_XXXXXX";
    int fd = mkstemp(bad);
    assert_true(fd >= 0);
    assert_int_equal(
        write(fd, "{\n  \"unit\": {\n    \"name\": \"x\",\n  }\n}", 35), 35);
    close(fd);
    r = s_ctl(NULL, (const char *[]){intake, "submit", bad, NULL});
    assert_int_equal(r->rc, 1);
    char want[128];
    snprintf(want, sizeof want, "error: %s:4:3: ", bad);
    if (strncmp(r->err, want, strlen(want)) != 0)
        fail_msg("want %s..., got %s", want, r->err);
    assert_string_equal(r->out, "");
    unlink(bad);

    r = s_ctl(NULL,
              (const char *[]){intake, "submit", "/nonexistent.json", NULL});
    assert_int_equal(r->rc, 2);
    assert_non_null(strstr(r->err, "mlpsctl: "));
    assert_non_null(strstr(r->err, "/nonexistent.json"));
}

static void
s_supplement(void **state)
{
    (void) state;
    char path[1024];
    ctl_test_example_path("supplement-level3", path, sizeof path);
    Mlps__V1__ActionReply reply = MLPS__V1__ACTION_REPLY__INIT;
    reply.ok = 1;
    reply.detail = "review clock restarts";
    s_serve_once(&reply.base, &mlps__v1__supplement_request__descriptor);
    s_expect(s_ctl("intake", (const char *[]){"supplement", "t-3", path, NULL}),
             0, "ok: yes\ndetail: review clock restarts\n", "");
    Mlps__V1__SupplementRequest *req = s_request("mlps.v1.SupplementRequest");
    assert_string_equal(req->tracking_id, "t-3");
    assert_int_equal(req->n_materials, 2);
    assert_string_equal(req->materials[1]->kind, "product_list");

    /* a filing is not a supplement */
    ctl_test_example_path("filing-level2", path, sizeof path);
    s_result_t *r =
        s_ctl("intake", (const char *[]){"supplement", "t-3", path, NULL});
    assert_int_equal(r->rc, 1);
    assert_string_equal(r->err, "error: unknown key \"unit\"\n"
                                "error: unknown key \"system\"\n"
                                "error: unknown key \"grading\"\n");
}

static void
s_insist(void **state)
{
    (void) state;
    Mlps__V1__ActionReply reply = MLPS__V1__ACTION_REPLY__INIT;
    reply.ok = 0;
    reply.detail = "the case has no C outcome";
    s_serve_once(&reply.base, &mlps__v1__insist_request__descriptor);
    s_expect(
        s_ctl("intake",
              (const char *[]){"insist", "t-4",
                               "本单位坚持定级为二级，承担相应责任", NULL}),
        1, "", "error: refused: the case has no C outcome\n");
    Mlps__V1__InsistRequest *req = s_request("mlps.v1.InsistRequest");
    assert_string_equal(req->tracking_id, "t-4");
    assert_string_equal(req->statement, "本单位坚持定级为二级，承担相应责任");
}

/* --- review --------------------------------------------------------- */

static void
s_status(void **state)
{
    (void) state;
    Mlps__V1__StatusReply reply = MLPS__V1__STATUS_REPLY__INIT;
    char *missing[] = {"topology", "product_list"};
    reply.tracking_id = "t-5";
    reply.state = "incomplete";
    reply.outcome = "B";
    reply.proposed_level = 3;
    reply.level = 3;
    reply.received_on = "2024-05-06";
    reply.missing = missing;
    reply.n_missing = 2;
    reply.deadline_note = "paused until the materials arrive";
    s_serve_once(&reply.base, &mlps__v1__status_request__descriptor);
    s_expect(s_ctl("review", (const char *[]){"status", "t-5", NULL}), 0,
             "tracking_id: t-5\nstate: incomplete\noutcome: B\n"
             "proposed_level: 3\nlevel: 3\nreceived: 2024-05-06\n"
             "deadline_note: paused until the materials arrive\n"
             "missing: topology\nmissing: product_list\nbreached: no\n",
             "");
    Mlps__V1__StatusRequest *req = s_request("mlps.v1.StatusRequest");
    assert_string_equal(req->tracking_id, "t-5");
}

static void
s_status_not_found(void **state)
{
    (void) state;
    Mlps__V1__Problem p = MLPS__V1__PROBLEM__INIT;
    Mlps__V1__StatusReply reply = MLPS__V1__STATUS_REPLY__INIT;
    p.code = "not_found";
    p.message = "no filing \"t-x\"";
    reply.problem = &p;
    s_serve_once(&reply.base, &mlps__v1__status_request__descriptor);
    s_expect(s_ctl("review", (const char *[]){"status", "t-x", NULL}), 1, "",
             "error: not_found: no filing \"t-x\"\n");
    s_request("mlps.v1.StatusRequest");
}

static void
s_letter(void **state)
{
    (void) state;
    Mlps__V1__LetterReply reply = MLPS__V1__LETTER_REPLY__INIT;
    reply.text = "北京市海淀区卫生健康委员会：\n\n  经审核，同意备案。\n";
    s_serve_once(&reply.base, &mlps__v1__letter_request__descriptor);
    s_expect(s_ctl("review", (const char *[]){"letter", "t-6", NULL}), 0,
             reply.text, "");
    Mlps__V1__LetterRequest *req = s_request("mlps.v1.LetterRequest");
    assert_string_equal(req->tracking_id, "t-6");
}

/* --- panel ---------------------------------------------------------- */

static void
s_panel_show(void **state)
{
    (void) state;
    Mlps__V1__PanelShowReply reply = MLPS__V1__PANEL_SHOW_REPLY__INIT;
    char *experts[] = {"E-1", "E-2", "E-3"};
    reply.tracking_id = "t-7";
    reply.state = "scheduled";
    reply.session_date = "2024-06-03";
    reply.experts = experts;
    reply.n_experts = 3;
    s_serve_once(&reply.base, &mlps__v1__panel_show_request__descriptor);
    s_expect(s_ctl("panel", (const char *[]){"panel", "show", "t-7", NULL}), 0,
             "tracking_id: t-7\nstate: scheduled\nsession_date: 2024-06-03\n"
             "expert: E-1\nexpert: E-2\nexpert: E-3\n",
             "");
    Mlps__V1__PanelShowRequest *req = s_request("mlps.v1.PanelShowRequest");
    assert_string_equal(req->tracking_id, "t-7");
}

static void
s_panel_opinion(void **state)
{
    (void) state;
    Mlps__V1__ActionReply reply = MLPS__V1__ACTION_REPLY__INIT;
    reply.ok = 1;
    s_serve_once(&reply.base, &mlps__v1__opinion_request__descriptor);
    s_expect(s_ctl("panel",
                   (const char *[]){"panel", "opinion", "t-8", "E-2", "adjust",
                                    "3", "危害社会秩序，严重损害", NULL}),
             0, "ok: yes\n", "");
    Mlps__V1__OpinionRequest *req = s_request("mlps.v1.OpinionRequest");
    assert_string_equal(req->tracking_id, "t-8");
    assert_string_equal(req->expert_id, "E-2");
    assert_int_equal(req->verdict, MLPS__V1__PANEL_VERDICT__ADJUST);
    assert_int_equal(req->level, 3);
    assert_string_equal(req->reasons, "危害社会秩序，严重损害");
    protobuf_c_message_free_unpacked(s_srv.req, NULL);
    s_srv.req = NULL;

    s_serve_once(&reply.base, &mlps__v1__opinion_request__descriptor);
    s_expect(s_ctl("panel", (const char *[]){"panel", "opinion", "t-8", "E-3",
                                             "confirm", "matrix agrees", NULL}),
             0, "ok: yes\n", "");
    req = s_request("mlps.v1.OpinionRequest");
    assert_int_equal(req->verdict, MLPS__V1__PANEL_VERDICT__CONFIRM);
    assert_int_equal(req->level, 0);
    assert_string_equal(req->reasons, "matrix agrees");

    /* usage errors never reach the panel */
    static const char *const bad[][4] = {
        {"adjust", "matrix agrees", NULL, NULL},
        {"adjust", "6", "too high", NULL},
        {"adjust", "03", "leading zero", NULL},
        {"confirm", "3", "a level with confirm", NULL},
        {"reject", "x", NULL, NULL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *argv[10] = {"panel", "opinion", "t-8", "E-3"};
        for (int k = 0; k < 4; k++)
            argv[4 + k] = bad[i][k];
        s_result_t *r = s_ctl("panel", argv);
        if (r->rc != 2 || strncmp(r->err, "mlpsctl: ", 9) != 0 || *r->out)
            fail_msg("case %zu: rc %d, %s", i, r->rc, r->err);
    }
}

/* --- audit ---------------------------------------------------------- */

static void
s_audit_verify(void **state)
{
    (void) state;
    Mlps__V1__AuditVerifyReply reply = MLPS__V1__AUDIT_VERIFY_REPLY__INIT;
    reply.ok = 1;
    reply.records = 4021;
    s_serve_once(&reply.base, &mlps__v1__audit_verify_request__descriptor);
    s_expect(s_ctl("audit", (const char *[]){"audit", "verify", NULL}), 0,
             "audit verify: ok records=4021\n", "");
    s_request("mlps.v1.AuditVerifyRequest");
    protobuf_c_message_free_unpacked(s_srv.req, NULL);
    s_srv.req = NULL;

    reply.ok = 0;
    reply.first_bad_seq = 77;
    reply.reason = "hash of seq 77 does not chain";
    s_serve_once(&reply.base, &mlps__v1__audit_verify_request__descriptor);
    s_expect(s_ctl("audit", (const char *[]){"audit", "verify", NULL}), 1,
             "audit verify: FAILED at seq=77: hash of seq 77 does not "
             "chain\n",
             "");
    s_request("mlps.v1.AuditVerifyRequest");
}

static void
s_audit_events(void **state)
{
    (void) state;
    Mlps__V1__AuditEvent e = MLPS__V1__AUDIT_EVENT__INIT;
    Mlps__V1__AuditEvent *events[] = {&e};
    Mlps__V1__AuditEventsReply reply = MLPS__V1__AUDIT_EVENTS_REPLY__INIT;
    e.service = "review";
    e.actor = "system";
    e.action = "case.decided";
    e.case_id = "t-9";
    e.outcome = "A";
    e.at_us = 1715000000000000;
    e.office = "110000";
    reply.events = events;
    reply.n_events = 1;
    s_serve_once(&reply.base, &mlps__v1__audit_events_request__descriptor);
    s_expect(s_ctl("audit", (const char *[]){"audit", "events", "t-9", NULL}),
             0,
             "2024-05-06T12:53:20.000000Z service=review action=case.decided "
             "actor=system outcome=A office=110000\n",
             "");
    Mlps__V1__AuditEventsRequest *req = s_request("mlps.v1.AuditEventsRequest");
    assert_string_equal(req->case_id, "t-9");
}

/* --- transport and usage -------------------------------------------- */

/* A service that answers with a bare Problem envelope (a request it could
 * not decode, or a handler that failed). */
static void
s_bare_problem(void **state)
{
    (void) state;
    Mlps__V1__Problem p = MLPS__V1__PROBLEM__INIT;
    p.code = "unavailable";
    p.message = "database connection lost";
    s_serve_once(&p.base, &mlps__v1__status_request__descriptor);
    s_expect(s_ctl("review", (const char *[]){"status", "t-1", NULL}), 1, "",
             "error: unavailable: database connection lost\n");
    s_request("mlps.v1.StatusRequest");
}

static void
s_wrong_reply_type(void **state)
{
    (void) state;
    Mlps__V1__StatusReply reply = MLPS__V1__STATUS_REPLY__INIT;
    s_serve_once(&reply.base, &mlps__v1__letter_request__descriptor);
    s_expect(s_ctl("review", (const char *[]){"letter", "t-1", NULL}), 2, "",
             "mlpsctl: expected a mlps.v1.LetterReply reply, got "
             "mlps.v1.StatusReply\n");
    s_request("mlps.v1.LetterRequest");
}

static void
s_no_answer(void **state)
{
    (void) state;
    Mlps__V1__StatusReply reply = MLPS__V1__STATUS_REPLY__INIT;
    s_srv.silent = 1;
    s_serve_once(&reply.base, &mlps__v1__status_request__descriptor);
    s_result_t *r = s_ctl(
        "review", (const char *[]){"--timeout-ms=200", "status", "t-1", NULL});
    char want[256];
    snprintf(want, sizeof want,
             "mlpsctl: no answer from \"%s\" within 200 ms\n", s_srv.endpoint);
    s_expect(r, 2, "", want);
    s_request("mlps.v1.StatusRequest");
}

/* CURVE options: each mistake is named before anything is sent. */
static void
s_curve_options(void **state)
{
    (void) state;
    s_result_t *r =
        s_ctl("panel", (const char *[]){"--server-keys=panel=short", "panel",
                                        "show", "t-1", NULL});
    assert_int_equal(r->rc, 2);
    assert_non_null(strstr(r->err, "\"server-keys\": the key of \"panel\""));

    const char *keys =
        "--server-keys=review=@/nonexistent;panel=rq:rM>}U?@Lns47E1%kR.o@n%"
        "FcmmsL/@{H8]yf7";
    r = s_ctl("panel", (const char *[]){keys, "panel", "show", "t-1", NULL});
    assert_int_equal(r->rc, 2);
    assert_non_null(strstr(r->err, "\"key-file\" must give"));

    r = s_ctl("panel", (const char *[]){keys, "--key-file=/nonexistent/key",
                                        "panel", "show", "t-1", NULL});
    assert_int_equal(r->rc, 2);
    assert_non_null(strstr(r->err, "\"key-file\": \"/nonexistent/key\""));

    /* review's key file cannot be read: named, even though panel's is fine */
    r = s_ctl("review", (const char *[]){keys, "status", "t-1", NULL});
    assert_int_equal(r->rc, 2);
    assert_non_null(strstr(r->err, "could not read \"/nonexistent\""));
}

/* Endpoint and timeout from the environment (MLPS_<KEY>). */
static void
s_environment(void **state)
{
    (void) state;
    Mlps__V1__LetterReply reply = MLPS__V1__LETTER_REPLY__INIT;
    reply.text = "ok";
    assert_int_equal(setenv("MLPS_REVIEW", s_srv.endpoint, 1), 0);
    s_serve_once(&reply.base, &mlps__v1__letter_request__descriptor);
    s_expect(s_ctl(NULL, (const char *[]){"letter", "t-1", NULL}), 0, "ok\n",
             "");
    s_request("mlps.v1.LetterRequest");

    assert_int_equal(setenv("MLPS_TIMEOUT_MS", "soon", 1), 0);
    s_result_t *r = s_ctl(NULL, (const char *[]){"letter", "t-1", NULL});
    assert_int_equal(r->rc, 2);
    assert_non_null(strstr(r->err, "timeout-ms"));
}

static void
s_usage(void **state)
{
    (void) state;
    static const char *const cases[][5] = {
        {NULL},
        {"frobnicate", NULL},
        {"status", NULL},
        {"status", "a", "b", NULL},
        {"submit", NULL},
        {"panel", NULL},
        {"panel", "vote", "t-1", NULL},
        {"audit", "verify", "extra", NULL},
        {"--no-such-option=1", "status", "t-1", NULL},
        {"--timeout-ms=0", "status", "t-1", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        s_result_t *r = s_ctl(NULL, cases[i]);
        if (r->rc != 2 || *r->out != '\0' ||
            (strstr(r->err, "usage: mlpsctl") == NULL &&
             strncmp(r->err, "mlpsctl: ", 9) != 0))
            fail_msg("case %zu: rc %d, out %s, err %s", i, r->rc, r->out,
                     r->err);
    }
    s_result_t *r = s_ctl(NULL, (const char *[]){"status", NULL});
    assert_string_equal(r->err,
                        "usage: mlpsctl [OPTION...] status TRACKING_ID\n");
    r = s_ctl(NULL, (const char *[]){"frobnicate", NULL});
    assert_non_null(strstr(r->err, "unknown command \"frobnicate\""));
    assert_non_null(strstr(r->err, "  panel opinion TRACKING_ID EXPERT_ID "
                                   "confirm|adjust [LEVEL] REASONS\n"));
    assert_non_null(strstr(r->err, "  audit verify\n"));
    r = s_ctl(NULL, (const char *[]){"--help", NULL});
    assert_int_equal(r->rc, 0);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, s_setup, s_teardown)
    const struct CMUnitTest tests[] = {
        T(s_submit),           T(s_submit_duplicate),
        T(s_submit_refused),   T(s_submit_json_errors),
        T(s_supplement),       T(s_insist),
        T(s_status),           T(s_status_not_found),
        T(s_letter),           T(s_panel_show),
        T(s_panel_opinion),    T(s_audit_verify),
        T(s_audit_events),     T(s_bare_problem),
        T(s_wrong_reply_type), T(s_no_answer),
        T(s_environment),      T(s_usage),
        T(s_curve_options),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}

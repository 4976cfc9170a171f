/* cli_test.c - mlpsctl end to end against a fake service: REP sockets on
 * a thread that record the request and answer with a canned reply. Each
 * command is checked for the endpoint it uses, the request it sends, what
 * it prints and its exit code; and the refusals, transport errors and
 * usage errors.
 *
 * The fake is a CURVE server, as every service is: one socket per service
 * identity (intake@110100, review@110100, panel@110100, audit@110100 and a
 * district's intake@110108), each with its own key, and a ZAP handler that
 * knows the test's registry and gives the caller's identity as the User-Id.
 * mlpsctl runs with --registry and --key-file (staff:li's key) unless a
 * test says otherwise, so each call also proves it found the right server
 * key and came in as the right identity. */
#include "cmn/api.h"
#include "cmn/envelope.h"
#include "cmn/ident.h"
#include "cmn/pb.h"
#include "ctl/cli.h"
#include "ctl_test.h"

#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

extern char **environ;

/* The fake's sockets, by the service identity each one is. */
typedef enum {
    S_INTAKE,
    S_REVIEW,
    S_PANEL,
    S_AUDIT,
    S_DISTRICT_INTAKE,
    S_NSOCKS
} s_sock_t;

static const char *const s_sock_ident[S_NSOCKS] = {
    "intake@110100", "review@110100", "panel@110100", "audit@110100",
    "intake@110108"};

/* Keys and the registry, made once for the whole run in a temp dir. */
typedef struct {
    char dir[64], registry[128];
    char key_li[128], key_web[128]; /* secret key files */
    char pub[S_NSOCKS][41], sec[S_NSOCKS][41];
    cmn_registry_t *reg;
} s_keys_t;

static s_keys_t s_keys;

typedef struct {
    void *ctx, *sock[S_NSOCKS], *zap;
    char endpoint[S_NSOCKS][128];
    pthread_t zap_thread;
    /* the answer: reply packed under type (default: its own type) */
    const ProtobufCMessage *reply;
    const char *type;
    int silent; /* take the request, never answer */
    /* the question */
    pthread_t thread;
    int running;
    int got_at; /* the socket the request came to, -1 none */
    char req_type[128], user_id[CMN_IDENT_MAX + 1], acting_for[128];
    ProtobufCMessage *req; /* decoded with the descriptor want_desc */
    const ProtobufCMessageDescriptor *want_desc;
} s_server_t;

static s_server_t s_srv;

/* The endpoint of the socket standing for service ("intake", ...). */
static const char *
s_ep(const char *service)
{
    for (int i = 0; i < S_DISTRICT_INTAKE; i++)
        if (strncmp(s_sock_ident[i], service, strlen(service)) == 0 &&
            s_sock_ident[i][strlen(service)] == '@')
            return s_srv.endpoint[i];
    fail_msg("no fake socket for \"%s\"", service);
    return NULL;
}

/* ZAP (RFC 27): the key's registry identity as the User-Id; 400 for a key
 * the registry does not hold. Runs until the context ends. */
static void *
s_zap(void *arg)
{
    s_server_t *srv = arg;
    for (;;) {
        zmq_msg_t part[8];
        int n = 0, more = 1;
        for (; more && n < 8; n++) {
            (void) zmq_msg_init(&part[n]);
            if (zmq_msg_recv(&part[n], srv->zap, 0) < 0) {
                zmq_msg_close(&part[n]);
                zmq_close(srv->zap);
                return NULL;
            }
            more = zmq_msg_more(&part[n]);
        }
        const cmn_ident_t *id =
            n == 7 && zmq_msg_size(&part[6]) == 32
                ? cmn_registry_find_key(s_keys.reg, zmq_msg_data(&part[6]))
                : NULL;
        const char *uid = id ? id->name : "";
        zmq_send(srv->zap, "1.0", 3, ZMQ_SNDMORE);
        zmq_send(srv->zap, zmq_msg_data(&part[1]), zmq_msg_size(&part[1]),
                 ZMQ_SNDMORE);
        zmq_send(srv->zap, id ? "200" : "400", 3, ZMQ_SNDMORE);
        zmq_send(srv->zap, id ? "OK" : "unknown key", id ? 2 : 11, ZMQ_SNDMORE);
        zmq_send(srv->zap, uid, strlen(uid), ZMQ_SNDMORE);
        zmq_send(srv->zap, "", 0, 0);
        for (int i = 0; i < n; i++)
            zmq_msg_close(&part[i]);
    }
}

/* Takes the next request on any socket; records it, who sent it and
 * where, and answers it there. */
static void *
s_serve(void *arg)
{
    s_server_t *srv = arg;
    zmq_pollitem_t items[S_NSOCKS];
    for (int i = 0; i < S_NSOCKS; i++)
        items[i] = (zmq_pollitem_t){srv->sock[i], 0, ZMQ_POLLIN, 0};
    zmq_msg_t m;
    (void) zmq_msg_init(&m);
    srv->got_at = -1;
    if (zmq_poll(items, S_NSOCKS, 10000) <= 0)
        goto out;
    for (int i = 0; i < S_NSOCKS && srv->got_at < 0; i++)
        if (items[i].revents & ZMQ_POLLIN)
            srv->got_at = i;
    void *sock = srv->sock[srv->got_at];
    if (zmq_msg_recv(&m, sock, 0) < 0)
        goto out;
    const char *uid = zmq_msg_gets(&m, "User-Id");
    snprintf(srv->user_id, sizeof srv->user_id, "%s", uid ? uid : "");
    Mlps__V1__Envelope *e =
        mlps__v1__envelope__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m));
    if (e == NULL)
        goto out;
    snprintf(srv->req_type, sizeof srv->req_type, "%s", e->type);
    snprintf(srv->acting_for, sizeof srv->acting_for, "%s", e->acting_for);
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
            zmq_send(sock, frame, flen, 0);
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
 * fixture) after checking its type and that the ZAP handler knew its
 * sender as user_id. */
static void *
s_request_from(const char *type, const char *user_id)
{
    assert_true(s_srv.running);
    pthread_join(s_srv.thread, NULL);
    s_srv.running = 0;
    assert_string_equal(s_srv.req_type, type);
    assert_string_equal(s_srv.user_id, user_id);
    assert_non_null(s_srv.req);
    return s_srv.req;
}

/* The same from staff:li, the key mlpsctl runs with unless told. */
static void *
s_request(const char *type)
{
    return s_request_from(type, "staff:li");
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

/* Writes text to dir/name (mode 600); the path into out. */
static void
s_write_file(const char *name, const char *text, char *out, size_t len)
{
    snprintf(out, len, "%s/%s", s_keys.dir, name);
    FILE *f = fopen(out, "w");
    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(out, 0600), 0);
}

/* A key pair; the secret key written to dir/name.key. */
static void
s_key_file(const char *name, char pub[41], char *path, size_t len)
{
    char sec[41], file[64], line[48];
    assert_int_equal(zmq_curve_keypair(pub, sec), 0);
    snprintf(file, sizeof file, "%s.key", name);
    snprintf(line, sizeof line, "%s\n", sec);
    s_write_file(file, line, path, len);
}

/* The registry: the fake's five service identities, staff:li, the
 * gateway "web" and staff:zhao (no key: reached through a gateway). */
static int
s_group_setup(void **state)
{
    (void) state;
    char text[2048], li[41], web[41], why[256];
    size_t at = 0;
    snprintf(s_keys.dir, sizeof s_keys.dir, "/tmp/ctl_cli_keys_XXXXXX");
    if (mkdtemp(s_keys.dir) == NULL)
        return -1;
    for (int i = 0; i < S_NSOCKS; i++) {
        if (zmq_curve_keypair(s_keys.pub[i], s_keys.sec[i]) != 0)
            return -1;
        at += (size_t) snprintf(
            text + at, sizeof text - at, "%s service %s %s\n", s_sock_ident[i],
            strchr(s_sock_ident[i], '@') + 1, s_keys.pub[i]);
    }
    s_key_file("staff_li", li, s_keys.key_li, sizeof s_keys.key_li);
    s_key_file("web", web, s_keys.key_web, sizeof s_keys.key_web);
    snprintf(text + at, sizeof text - at,
             "staff:li staff 110100 %s reviewer\n"
             "web gateway 110100 %s\n"
             "staff:zhao staff 110100 - reviewer\n",
             li, web);
    s_write_file("registry", text, s_keys.registry, sizeof s_keys.registry);
    s_keys.reg = cmn_registry_load(s_keys.registry, why, sizeof why);
    return s_keys.reg != NULL ? 0 : -1;
}

static int
s_group_teardown(void **state)
{
    (void) state;
    char cmd[128];
    cmn_registry_destroy(&s_keys.reg);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", s_keys.dir);
    return system(cmd) == 0 ? 0 : -1;
}

static int
s_setup(void **state)
{
    (void) state;
    s_clear_env();
    memset(&s_srv, 0, sizeof s_srv);
    s_srv.ctx = zmq_ctx_new();
    /* The ZAP handler first: a CURVE server without one lets anyone in. */
    s_srv.zap = zmq_socket(s_srv.ctx, ZMQ_REP);
    if (zmq_bind(s_srv.zap, "inproc://zeromq.zap.01") != 0 ||
        pthread_create(&s_srv.zap_thread, NULL, s_zap, &s_srv) != 0)
        return -1;
    for (int i = 0; i < S_NSOCKS; i++) {
        void *zs = s_srv.sock[i] = zmq_socket(s_srv.ctx, ZMQ_REP);
        int zero = 0, wait = 10000, one = 1;
        assert_int_equal(zmq_setsockopt(zs, ZMQ_LINGER, &zero, sizeof zero), 0);
        assert_int_equal(zmq_setsockopt(zs, ZMQ_RCVTIMEO, &wait, sizeof wait),
                         0);
        assert_int_equal(zmq_setsockopt(zs, ZMQ_ZAP_DOMAIN, "mlps.api", 8), 0);
        assert_int_equal(zmq_setsockopt(zs, ZMQ_CURVE_SERVER, &one, sizeof one),
                         0);
        assert_int_equal(
            zmq_setsockopt(zs, ZMQ_CURVE_SECRETKEY, s_keys.sec[i], 41), 0);
        if (zmq_bind(zs, "tcp://127.0.0.1:*") != 0)
            return -1;
        size_t len = sizeof s_srv.endpoint[i];
        assert_int_equal(
            zmq_getsockopt(zs, ZMQ_LAST_ENDPOINT, s_srv.endpoint[i], &len), 0);
    }
    return 0;
}

static int
s_teardown(void **state)
{
    (void) state;
    if (s_srv.running)
        pthread_join(s_srv.thread, NULL);
    protobuf_c_message_free_unpacked(s_srv.req, NULL);
    for (int i = 0; i < S_NSOCKS; i++)
        zmq_close(s_srv.sock[i]);
    zmq_ctx_term(s_srv.ctx); /* ends the ZAP thread, which closes its socket */
    pthread_join(s_srv.zap_thread, NULL);
    s_clear_env();
    return 0;
}

typedef struct {
    int rc;
    char out[8192], err[8192];
} s_result_t;

/* Runs mlpsctl with the options --<service>=<its fake endpoint> (service
 * may be NULL), a 3 s timeout and, when curve, --registry and staff:li's
 * --key-file, then the words of cmd (NULL-terminated). */
static s_result_t *
s_run(const char *service, bool curve, const char *const *cmd)
{
    static s_result_t r;
    char opt[192], reg[160], key[160], *argv[24];
    int argc = 0;
    argv[argc++] = "mlpsctl";
    argv[argc++] = "--timeout-ms=3000";
    if (curve) {
        snprintf(reg, sizeof reg, "--registry=%s", s_keys.registry);
        snprintf(key, sizeof key, "--key-file=%s", s_keys.key_li);
        argv[argc++] = reg;
        argv[argc++] = key;
    }
    if (service != NULL) {
        snprintf(opt, sizeof opt, "--%s=%s", service, s_ep(service));
        argv[argc++] = opt;
    }
    for (; *cmd != NULL && argc < 23; cmd++)
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

/* mlpsctl over CURVE as staff:li. */
static s_result_t *
s_ctl(const char *service, const char *const *cmd)
{
    return s_run(service, true, cmd);
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

/* --- intake: batches, aggregates, reports, duplicates ---------------- */

static void s_temp_file(char path[64], const char *text);

/* The intake's answer to deploy/examples/batch.ndjson: 1 2 4 5 imported,
 * 6 updated, 9 and 10 rejected. */
typedef struct {
    Mlps__V1__ImportReply reply;
    Mlps__V1__ImportResult res[7], *ptrs[7];
    Mlps__V1__FieldError e9, e10, *err9[1], *err10[1];
    char ids[7][16], secrets[7][40];
} s_import_reply_t;

static void
s_import_reply(s_import_reply_t *r)
{
    static const uint32_t lines[] = {1, 2, 4, 5, 6, 9, 10};
    r->reply = (Mlps__V1__ImportReply) MLPS__V1__IMPORT_REPLY__INIT;
    r->e9 = (Mlps__V1__FieldError) MLPS__V1__FIELD_ERROR__INIT;
    r->e10 = r->e9;
    r->e9.field = "unit.credit_code";
    r->e9.reason = "is not a valid 18-character unified social credit code";
    r->e10.field = "grading.final_level";
    r->e10.reason = "must be the higher of the two dimension levels (3)";
    r->err9[0] = &r->e9;
    r->err10[0] = &r->e10;
    for (size_t i = 0; i < 7; i++) {
        Mlps__V1__ImportResult *x = &r->res[i];
        *x = (Mlps__V1__ImportResult) MLPS__V1__IMPORT_RESULT__INIT;
        x->line = lines[i];
        snprintf(r->ids[i], sizeof r->ids[i], "110108-%u", lines[i]);
        x->tracking_id = r->ids[i];
        x->status = i < 4 ? "imported" : i == 4 ? "updated" : "rejected";
        if (i < 4) {
            snprintf(r->secrets[i], sizeof r->secrets[i], "%032u", lines[i]);
            x->unit_secret = r->secrets[i];
        }
        r->ptrs[i] = x;
    }
    r->res[5].errors = r->err9;
    r->res[5].n_errors = 1;
    r->res[6].errors = r->err10;
    r->res[6].n_errors = 1;
    r->reply.results = r->ptrs;
    r->reply.n_results = 7;
    r->reply.imported = 4;
    r->reply.updated = 1;
    r->reply.rejected = 2;
}

static const char s_import_summary[] =
    "status: WARNING\nimported: 4\nupdated: 1\nignored: 0\nrejected: 4\n"
    "conflict: line 7: column 382: premature end of input near '\"sys'\n"
    "conflict: line 8: grading.final_level: expected an integer from 1 to 5\n"
    "conflict: line 8: unknown key \"remarks\"\n"
    "conflict: line 9: unit.credit_code: is not a valid 18-character unified "
    "social credit code\n"
    "conflict: line 10: grading.final_level: must be the higher of the two "
    "dimension levels (3)\n";

static void
s_batch_import(void **state)
{
    (void) state;
    char path[1024];
    s_import_reply_t r;
    s_import_reply(&r);
    snprintf(path, sizeof path, "%s/deploy/examples/batch.ndjson",
             CTL_SOURCE_DIR);
    s_serve_once(&r.reply.base, &mlps__v1__import_request__descriptor);
    s_expect(s_ctl("intake", (const char *[]){"batch", "import", path, NULL}),
             1, s_import_summary,
             "mlpsctl: the unit proofs of 4 imported records were not kept "
             "(no --secrets=FILE); they are not given again\n");
    Mlps__V1__ImportRequest *req = s_request("mlps.v1.ImportRequest");
    assert_false(req->dry_run);
    static const uint32_t want[] = {1, 2, 4, 5, 6, 9, 10};
    assert_int_equal(req->n_records, 7);
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(req->records[i]->line, want[i]);
    assert_string_equal(req->records[4]->filing->unit->contacts[0]->phone,
                        "010-82519900");
    protobuf_c_message_free_unpacked(s_srv.req, NULL);
    s_srv.req = NULL;

    /* --dry-run --json */
    s_serve_once(&r.reply.base, &mlps__v1__import_request__descriptor);
    s_result_t *res =
        s_ctl("intake", (const char *[]){"batch", "import", path, "--json",
                                         "--dry-run", NULL});
    assert_int_equal(res->rc, 1);
    req = s_request("mlps.v1.ImportRequest");
    assert_true(req->dry_run);
    json_error_t e;
    json_t *o = json_loads(res->out, 0, &e);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "status")),
                        "WARNING");
    assert_true(json_is_true(json_object_get(o, "dry_run")));
    assert_int_equal(json_integer_value(json_object_get(o, "rejected")), 4);
    assert_int_equal(json_array_size(json_object_get(o, "conflicts")), 5);
    json_decref(o);
}

/* --secrets=FILE: a new file, mode 0600, one line per imported record;
 * an existing file is refused before anything is sent. */
static void
s_batch_secrets(void **state)
{
    (void) state;
    char path[1024], secrets[64], opt[96];
    s_import_reply_t r;
    s_import_reply(&r);
    snprintf(path, sizeof path, "%s/deploy/examples/batch.ndjson",
             CTL_SOURCE_DIR);
    snprintf(secrets, sizeof secrets, "/tmp/ctl_cli_secrets_%d",
             (int) getpid());
    snprintf(opt, sizeof opt, "--secrets=%s", secrets);
    unlink(secrets);
    s_serve_once(&r.reply.base, &mlps__v1__import_request__descriptor);
    s_expect(
        s_ctl("intake", (const char *[]){"batch", "import", path, opt, NULL}),
        1, s_import_summary, "");
    s_request("mlps.v1.ImportRequest");
    struct stat st;
    assert_int_equal(stat(secrets, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char text[512] = "";
    FILE *f = fopen(secrets, "r");
    assert_non_null(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    assert_string_equal(text, "110108-1 00000000000000000000000000000001\n"
                              "110108-2 00000000000000000000000000000002\n"
                              "110108-4 00000000000000000000000000000004\n"
                              "110108-5 00000000000000000000000000000005\n");
    /* again: the file exists; nothing is sent (no server is listening) */
    s_result_t *res =
        s_ctl(NULL, (const char *[]){"--intake=tcp://127.0.0.1:1", "batch",
                                     "import", path, opt, NULL});
    assert_int_equal(res->rc, 2);
    assert_string_equal(res->out, "");
    assert_non_null(strstr(res->err, "could not create"));
    assert_non_null(strstr(res->err, "name a new file"));
    unlink(secrets);

    /* a file-level error: nothing sent, no secrets file left behind */
    char bad[64];
    s_temp_file(bad, "unit.name,unit.fax\n");
    res = s_ctl(NULL, (const char *[]){"--intake=tcp://127.0.0.1:1", "batch",
                                       "import", bad, opt, NULL});
    assert_int_equal(res->rc, 2);
    assert_non_null(strstr(res->err, "unknown column \"unit.fax\""));
    assert_int_not_equal(stat(secrets, &st), 0);
    unlink(bad);
}

/* No answer: ERROR (exit 2) with what was not answered. */
static void
s_batch_no_answer(void **state)
{
    (void) state;
    char path[1024];
    snprintf(path, sizeof path, "%s/deploy/examples/batch.csv", CTL_SOURCE_DIR);
    s_result_t *r =
        s_ctl(NULL, (const char *[]){"--intake=tcp://127.0.0.1:1",
                                     "--batch-timeout-ms=200", "batch",
                                     "import", path, NULL});
    assert_int_equal(r->rc, 2);
    assert_string_equal(
        r->out, "status: ERROR\nimported: 0\nupdated: 0\nignored: 0\n"
                "rejected: 3\nunanswered: 6\n"
                "conflict: line 8: unit.has_supervisor (column 11): expected "
                "true or false\n"
                "conflict: line 9: column 1: not valid CSV: a quote may only "
                "enclose a whole field (and is doubled inside it)\n"
                "conflict: line 10: expected 28 fields as in the header, found "
                "27\n");
    assert_non_null(strstr(r->err, "no answer from"));
    static const char *const bad[][4] = {
        {"--dry", NULL},
        {"--secrets=", NULL},
        {"--json", "--json", "--json", "--json"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *argv[10] = {"batch", "import", path};
        for (int k = 0; k < 4; k++)
            argv[3 + k] = bad[i][k];
        r = s_ctl("intake", argv);
        if (r->rc != 2 || *r->out != '\0')
            fail_msg("case %zu: rc %d, %s", i, r->rc, r->err);
    }
}

static void
s_aggregate_send(void **state)
{
    (void) state;
    Mlps__V1__ActionReply reply = MLPS__V1__ACTION_REPLY__INIT;
    reply.ok = 1;
    reply.detail = "aggregate 2026-11 revision 2 sent: 42 filings";
    s_serve_once(&reply.base, &mlps__v1__aggregate_send_request__descriptor);
    s_expect(
        s_ctl("intake", (const char *[]){"aggregate", "send", "2026-11", NULL}),
        0,
        "ok: yes\ndetail: aggregate 2026-11 revision 2 sent: 42 "
        "filings\n",
        "");
    Mlps__V1__AggregateSendRequest *req =
        s_request("mlps.v1.AggregateSendRequest");
    assert_string_equal(req->month, "2026-11");
    /* a bad month never reaches the intake */
    static const char *const bad[] = {"2026-13",    "2026-1",  "26-11",
                                      "2026-11-01", "2026/11", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        s_result_t *r =
            s_ctl(NULL, (const char *[]){"--intake=tcp://127.0.0.1:1",
                                         "aggregate", "send", bad[i], NULL});
        if (r->rc != 2 || strstr(r->err, "MONTH must be YYYY-MM") == NULL)
            fail_msg("case %zu: rc %d, %s", i, r->rc, r->err);
    }
}

static void
s_report_month(void **state)
{
    (void) state;
    Mlps__V1__DistrictReport d[3];
    Mlps__V1__DistrictReport *ds[] = {&d[0], &d[1], &d[2]};
    char *diffs[] = {"filings: 12 in the aggregate, 11 received",
                     "batch 110102-B00002 not received"};
    for (int i = 0; i < 3; i++)
        d[i] = (Mlps__V1__DistrictReport) MLPS__V1__DISTRICT_REPORT__INIT;
    d[0].district = "110101";
    d[0].reported = d[0].on_time = d[0].reconciled = 1;
    d[0].filings = 40;
    d[1].district = "110102";
    d[1].reported = 1;
    d[1].filings = 12;
    d[1].differences = diffs;
    d[1].n_differences = 2;
    d[2].district = "110105";
    Mlps__V1__ReportMonthReply reply = MLPS__V1__REPORT_MONTH_REPLY__INIT;
    reply.month = "2026-11";
    reply.districts = ds;
    reply.n_districts = 3;
    reply.reported = 2;
    reply.on_time = 1;
    s_serve_once(&reply.base, &mlps__v1__report_month_request__descriptor);
    s_expect(
        s_ctl("intake", (const char *[]){"report", "month", "2026-11", NULL}),
        0,
        "report 2026-11: district=110101 reported=yes on_time=yes filings=40 "
        "reconciled=yes\n"
        "report 2026-11: district=110102 reported=yes on_time=no filings=12 "
        "reconciled=filings: 12 in the aggregate, 11 received; batch "
        "110102-B00002 not received\n"
        "report 2026-11: district=110105 reported=no on_time=no filings=0 "
        "reconciled=no\n"
        "report 2026-11: districts=3 reported=2 on_time=1 "
        "reporting_rate=2/3 on_time_rate=1/3\n",
        "");
    Mlps__V1__ReportMonthRequest *req = s_request("mlps.v1.ReportMonthRequest");
    assert_string_equal(req->month, "2026-11");
    protobuf_c_message_free_unpacked(s_srv.req, NULL);
    s_srv.req = NULL;

    s_serve_once(&reply.base, &mlps__v1__report_month_request__descriptor);
    s_result_t *r =
        s_ctl("intake",
              (const char *[]){"report", "month", "2026-11", "--json", NULL});
    assert_int_equal(r->rc, 0);
    s_request("mlps.v1.ReportMonthRequest");
    json_error_t e;
    json_t *o = json_loads(r->out, 0, &e);
    assert_non_null(o);
    json_t *list = json_object_get(o, "districts");
    assert_int_equal(json_array_size(list), 3);
    json_t *d1 = json_array_get(list, 1);
    assert_string_equal(json_string_value(json_object_get(d1, "district")),
                        "110102");
    assert_true(json_is_false(json_object_get(d1, "on_time")));
    assert_int_equal(json_array_size(json_object_get(d1, "differences")), 2);
    assert_int_equal(json_integer_value(json_object_get(o, "reported")), 2);
    assert_true(json_is_null(json_object_get(o, "problem")));
    json_decref(o);

    r = s_ctl("intake",
              (const char *[]){"report", "month", "2026-11", "--csv", NULL});
    assert_int_equal(r->rc, 2);
    r = s_ctl("intake", (const char *[]){"report", "month", "11/2026", NULL});
    assert_int_equal(r->rc, 2);
}

static void
s_duplicates(void **state)
{
    (void) state;
    Mlps__V1__DuplicatePair p[2], *ps[] = {&p[0], &p[1]};
    for (int i = 0; i < 2; i++)
        p[i] = (Mlps__V1__DuplicatePair) MLPS__V1__DUPLICATE_PAIR__INIT;
    p[0].tracking_id = "110105-0007";
    p[0].other_tracking_id = "110108-0031";
    p[0].unit_credit_code = "11110108000028265R";
    p[0].system_name = "海淀区 全民健康信息平台";
    p[0].state = "held";
    p[1].tracking_id = "110108-0040";
    p[1].other_tracking_id = "110108-0002";
    p[1].unit_credit_code = "11110108000027385A";
    p[1].system_name = "预约系统";
    p[1].state = "distinct";
    p[1].decided_by = "staff:li";
    Mlps__V1__DuplicatesReply reply = MLPS__V1__DUPLICATES_REPLY__INIT;
    reply.pairs = ps;
    reply.n_pairs = 2;
    s_serve_once(&reply.base, &mlps__v1__duplicates_request__descriptor);
    s_expect(s_ctl("intake", (const char *[]){"duplicates", "list", NULL}), 0,
             "duplicate: 110105-0007 other=110108-0031 state=held "
             "unit=11110108000028265R system=\"海淀区 全民健康信息平台\"\n"
             "duplicate: 110108-0040 other=110108-0002 state=distinct "
             "unit=11110108000027385A system=预约系统 decided_by=staff:li\n"
             "duplicates: 2\n",
             "");
    s_request("mlps.v1.DuplicatesRequest");
    protobuf_c_message_free_unpacked(s_srv.req, NULL);
    s_srv.req = NULL;

    Mlps__V1__ActionReply ok = MLPS__V1__ACTION_REPLY__INIT;
    ok.ok = 1;
    s_serve_once(&ok.base, &mlps__v1__duplicate_decide_request__descriptor);
    s_expect(s_ctl("intake",
                   (const char *[]){"duplicates", "decide", "110105-0007",
                                    "yes", "--reason=同一系统重复备案", NULL}),
             0, "ok: yes\n", "");
    Mlps__V1__DuplicateDecideRequest *req =
        s_request("mlps.v1.DuplicateDecideRequest");
    assert_string_equal(req->tracking_id, "110105-0007");
    assert_true(req->duplicate);
    assert_string_equal(req->reason, "同一系统重复备案");
    protobuf_c_message_free_unpacked(s_srv.req, NULL);
    s_srv.req = NULL;

    s_serve_once(&ok.base, &mlps__v1__duplicate_decide_request__descriptor);
    s_expect(s_ctl("intake", (const char *[]){"duplicates", "decide", "t-1",
                                              "no", "--reason=不同系统", NULL}),
             0, "ok: yes\n", "");
    req = s_request("mlps.v1.DuplicateDecideRequest");
    assert_false(req->duplicate);

    static const char *const bad[][3] = {
        {"maybe", "--reason=x"}, {"yes", "--reason="}, {"yes", "x"}};
    for (size_t i = 0; i < 3; i++) {
        s_result_t *r =
            s_ctl("intake", (const char *[]){"duplicates", "decide", "t-1",
                                             bad[i][0], bad[i][1], NULL});
        if (r->rc != 2 || *r->out != '\0')
            fail_msg("case %zu: rc %d, %s", i, r->rc, r->err);
    }
    s_result_t *r = s_ctl(
        "intake", (const char *[]){"duplicates", "decide", "t-1", "yes", NULL});
    assert_int_equal(r->rc, 2);
    assert_non_null(strstr(r->err, "usage: mlpsctl [OPTION...] duplicates "
                                   "decide TRACKING_ID yes|no --reason=TEXT"));
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
             "mlpsctl: no answer from \"%s\" within 200 ms (over CURVE: a "
             "server that does not allow this key answers nothing)\n",
             s_ep("review"));
    s_expect(r, 2, "", want);
    s_request("mlps.v1.StatusRequest");
}

/* Writes text to a new temporary file; its path goes into path. */
static void
s_temp_file(char path[64], const char *text)
{
    snprintf(path, 64, "/tmp/ctl_cli_test_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t n = strlen(text);
    assert_int_equal(write(fd, text, n), (ssize_t) n);
    close(fd);
}

/* CURVE options (--registry, --key-file, --office): each mistake is named
 * before anything is sent. */
static void
s_curve_options(void **state)
{
    (void) state;
    char reg[160], key[160], bad[160], path[128];
    snprintf(reg, sizeof reg, "--registry=%s", s_keys.registry);
    snprintf(key, sizeof key, "--key-file=%s", s_keys.key_li);
    s_result_t *r = s_run("panel", false,
                          (const char *[]){"--registry=/nonexistent/registry",
                                           key, "panel", "show", "t-1", NULL});
    assert_int_equal(r->rc, 2);
    assert_non_null(strstr(r->err, "mlpsctl: \"registry\": "));
    assert_non_null(strstr(r->err, "/nonexistent/registry"));

    r = s_run("panel", false,
              (const char *[]){reg, "panel", "show", "t-1", NULL});
    assert_int_equal(r->rc, 2);
    assert_non_null(strstr(r->err, "\"key-file\" must give"));

    r = s_run("panel", false,
              (const char *[]){reg, "--key-file=/nonexistent/key", "panel",
                               "show", "t-1", NULL});
    assert_int_equal(r->rc, 2);
    assert_non_null(strstr(r->err, "\"key-file\": "));
    assert_non_null(strstr(r->err, "/nonexistent/key"));

    /* the server's key is SERVICE@OFFICE's: an office it has none of */
    r = s_ctl("panel", (const char *[]){"--office=110199", "panel", "show",
                                        "t-1", NULL});
    assert_int_equal(r->rc, 2);
    assert_non_null(strstr(r->err, "(looked for \"panel@110199\")"));

    /* a registry with a bad line: named with file and line */
    s_write_file("bad-registry", "panel@110100 service 110100 short\n", path,
                 sizeof path);
    snprintf(bad, sizeof bad, "--registry=%s", path);
    r = s_run("panel", false,
              (const char *[]){bad, key, "panel", "show", "t-1", NULL});
    assert_int_equal(r->rc, 2);
    char want[192];
    snprintf(want, sizeof want, "%s:1: ", path);
    assert_non_null(strstr(r->err, want));
}

/* Over CURVE the service knows the caller by its key; without a registry
 * mlpsctl talks plain, which a CURVE server never answers. */
static void
s_curve_identity(void **state)
{
    (void) state;
    Mlps__V1__LetterReply reply = MLPS__V1__LETTER_REPLY__INIT;
    reply.text = "ok";
    s_serve_once(&reply.base, &mlps__v1__letter_request__descriptor);
    s_expect(s_ctl("review", (const char *[]){"letter", "t-1", NULL}), 0,
             "ok\n", "");
    s_request_from("mlps.v1.LetterRequest", "staff:li");
    assert_int_equal(s_srv.got_at, S_REVIEW);
    assert_string_equal(s_srv.acting_for, "");

    /* the registry and key from the environment */
    protobuf_c_message_free_unpacked(s_srv.req, NULL);
    s_srv.req = NULL;
    assert_int_equal(setenv("MLPS_REGISTRY", s_keys.registry, 1), 0);
    assert_int_equal(setenv("MLPS_KEY_FILE", s_keys.key_web, 1), 0);
    s_serve_once(&reply.base, &mlps__v1__letter_request__descriptor);
    s_expect(s_run("review", false, (const char *[]){"letter", "t-1", NULL}), 0,
             "ok\n", "");
    s_request_from("mlps.v1.LetterRequest", "web");
    assert_int_equal(unsetenv("MLPS_REGISTRY"), 0);
    assert_int_equal(unsetenv("MLPS_KEY_FILE"), 0);

    /* plain: the CURVE server takes nothing, so nothing answers */
    s_result_t *r =
        s_run("review", false,
              (const char *[]){"--timeout-ms=300", "letter", "t-1", NULL});
    assert_int_equal(r->rc, 2);
    assert_non_null(strstr(r->err, "no answer from"));
}

/* --intake-office picks the intake of a district: its key, not the
 * municipal intake's, which --office gives. */
static void
s_intake_office(void **state)
{
    (void) state;
    char intake[192];
    snprintf(intake, sizeof intake, "--intake=%s",
             s_srv.endpoint[S_DISTRICT_INTAKE]);
    Mlps__V1__ActionReply reply = MLPS__V1__ACTION_REPLY__INIT;
    reply.ok = 1;
    s_serve_once(&reply.base, &mlps__v1__insist_request__descriptor);
    s_expect(s_ctl(NULL, (const char *[]){intake, "--intake-office=110108",
                                          "insist", "t-4", "坚持", NULL}),
             0, "ok: yes\n", "");
    s_request("mlps.v1.InsistRequest");
    assert_int_equal(s_srv.got_at, S_DISTRICT_INTAKE);

    /* without it, mlpsctl expects intake@110100's key there: no answer */
    s_result_t *r =
        s_ctl(NULL, (const char *[]){intake, "--timeout-ms=300", "insist",
                                     "t-4", "坚持", NULL});
    assert_int_equal(r->rc, 2);
    assert_non_null(strstr(r->err, "no answer from"));

    /* --intake-office does not move the other services */
    protobuf_c_message_free_unpacked(s_srv.req, NULL);
    s_srv.req = NULL;
    Mlps__V1__LetterReply letter = MLPS__V1__LETTER_REPLY__INIT;
    letter.text = "ok";
    s_serve_once(&letter.base, &mlps__v1__letter_request__descriptor);
    s_expect(s_ctl("review", (const char *[]){"--intake-office=110108",
                                              "letter", "t-1", NULL}),
             0, "ok\n", "");
    s_request("mlps.v1.LetterRequest");
    assert_int_equal(s_srv.got_at, S_REVIEW);
}

/* --act-for: a gateway's key, the person in the envelope. */
static void
s_act_for(void **state)
{
    (void) state;
    char key[160];
    snprintf(key, sizeof key, "--key-file=%s", s_keys.key_web);
    Mlps__V1__StatusReply reply = MLPS__V1__STATUS_REPLY__INIT;
    reply.tracking_id = "t-5";
    s_serve_once(&reply.base, &mlps__v1__status_request__descriptor);
    s_result_t *r =
        s_ctl("review", (const char *[]){key, "--act-for=staff:zhao", "status",
                                         "t-5", NULL});
    assert_int_equal(r->rc, 0);
    s_request_from("mlps.v1.StatusRequest", "web");
    assert_string_equal(s_srv.acting_for, "staff:zhao");
}

/* A unit's proof: --unit-secret, MLPS_UNIT_SECRET, --unit-secret-file. */
static void
s_unit_secret(void **state)
{
    (void) state;
    Mlps__V1__StatusReply reply = MLPS__V1__STATUS_REPLY__INIT;
    reply.tracking_id = "t-5";
    s_serve_once(&reply.base, &mlps__v1__status_request__descriptor);
    s_ctl("review", (const char *[]){"--unit-secret=0123456789abcdef", "status",
                                     "t-5", NULL});
    Mlps__V1__StatusRequest *req = s_request("mlps.v1.StatusRequest");
    assert_string_equal(req->unit_secret, "0123456789abcdef");
    protobuf_c_message_free_unpacked(s_srv.req, NULL);
    s_srv.req = NULL;

    assert_int_equal(setenv("MLPS_UNIT_SECRET", "fedcba9876543210", 1), 0);
    s_serve_once(&reply.base, &mlps__v1__status_request__descriptor);
    s_ctl("review", (const char *[]){"status", "t-5", NULL});
    req = s_request("mlps.v1.StatusRequest");
    assert_string_equal(req->unit_secret, "fedcba9876543210");
    assert_int_equal(unsetenv("MLPS_UNIT_SECRET"), 0);
    protobuf_c_message_free_unpacked(s_srv.req, NULL);
    s_srv.req = NULL;

    char path[128], opt[160];
    s_write_file("proof", "00112233445566778899aabbccddeeff\nsecond line\n",
                 path, sizeof path);
    snprintf(opt, sizeof opt, "--unit-secret-file=%s", path);
    Mlps__V1__ActionReply ok = MLPS__V1__ACTION_REPLY__INIT;
    ok.ok = 1;
    s_serve_once(&ok.base, &mlps__v1__insist_request__descriptor);
    s_ctl("intake", (const char *[]){opt, "insist", "t-4", "坚持", NULL});
    Mlps__V1__InsistRequest *ins = s_request("mlps.v1.InsistRequest");
    assert_string_equal(ins->unit_secret, "00112233445566778899aabbccddeeff");

    /* an unreadable file is named; nothing is sent */
    s_result_t *r = s_ctl(
        "review", (const char *[]){"--unit-secret-file=/nonexistent/proof",
                                   "status", "t-5", NULL});
    assert_int_equal(r->rc, 2);
    assert_non_null(strstr(
        r->err, "\"unit-secret-file\": could not read \"/nonexistent/proof\""));
}

/* Endpoint and timeout from the environment (MLPS_<KEY>). */
static void
s_environment(void **state)
{
    (void) state;
    Mlps__V1__LetterReply reply = MLPS__V1__LETTER_REPLY__INIT;
    reply.text = "ok";
    assert_int_equal(setenv("MLPS_REVIEW", s_ep("review"), 1), 0);
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
        T(s_curve_options),    T(s_curve_identity),
        T(s_intake_office),    T(s_act_for),
        T(s_unit_secret),      T(s_batch_import),
        T(s_batch_secrets),    T(s_batch_no_answer),
        T(s_aggregate_send),   T(s_report_month),
        T(s_duplicates),
    };
#undef T
    return cmocka_run_group_tests(tests, s_group_setup, s_group_teardown);
}

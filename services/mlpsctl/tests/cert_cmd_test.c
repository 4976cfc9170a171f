/* cert_cmd_test.c - mlpsctl cert ...: offline verification of payloads,
 * files and PDFs against issuer keys and revocation lists (valid, revoked,
 * each kind of invalid), and the service commands against a stub call
 * function (the request sent, the lines printed, the files written). */
#include "cmn/file.h"
#include "cmn_test/unit.h"
#include "crt_test.h"
#include "ctl/cert_cmd.h"
#include "ctl/cli.h"
#include "dom/cert/revlist.h"
#include "mlps/v1/cert.pb-c.h"

#include <unistd.h>

/* What the stub saw and what it answers. */
static struct {
    ProtobufCMessage *req; /* a copy of the last request */
    const ProtobufCMessage *answer;
    int rc;
} s_stub;

static int
s_call(void *arg, const ProtobufCMessage *req,
       const ProtobufCMessageDescriptor *desc, ProtobufCMessage **reply)
{
    (void) arg;
    uint8_t buf[4096];
    size_t n = protobuf_c_message_pack(req, buf);
    protobuf_c_message_free_unpacked(s_stub.req, NULL);
    s_stub.req = protobuf_c_message_unpack(req->descriptor, NULL, n, buf);
    *reply = NULL;
    if (s_stub.rc != CTL_EXIT_OK)
        return s_stub.rc;
    assert_ptr_equal(s_stub.answer->descriptor, desc);
    size_t len = protobuf_c_message_get_packed_size(s_stub.answer);
    uint8_t *a = malloc(len + 1);
    protobuf_c_message_pack(s_stub.answer, a);
    *reply = protobuf_c_message_unpack(desc, NULL, len, a);
    free(a);
    return CTL_EXIT_OK;
}

/* Runs "cert ARGS..." (NULL-terminated); out and err get what it wrote. */
static int
s_run(char *out, size_t outlen, char *err, size_t errlen, ...)
{
    char *argv[16], *ob = NULL, *eb = NULL;
    size_t ol = 0, el = 0;
    int argc = 0;
    va_list ap;
    va_start(ap, errlen);
    for (char *a; argc < 15 && (a = va_arg(ap, char *)) != NULL;)
        argv[argc++] = a;
    va_end(ap);
    FILE *o = open_memstream(&ob, &ol), *e = open_memstream(&eb, &el);
    ctl_cert_t c = {o, e, argc, argv, "proof-1", s_call, NULL};
    int rc = ctl_cert_run(&c);
    fclose(o);
    fclose(e);
    snprintf(out, outlen, "%s", ob);
    snprintf(err, errlen, "%s", eb);
    free(ob);
    free(eb);
    return rc;
}

/* A signed payload of the usual fields with the fixed Ed25519 key, and
 * that key as a keyring file. */
static void
s_signed(char payload[CRT_PAYLOAD_MAX], const char **ring)
{
    *ring = crt_test_path(0, "ring.pem");
    crt_test_write(*ring, CRT_TEST_ED_PEM, strlen(CRT_TEST_ED_PEM));
    crt_key_t *k = crt_test_key(*ring);
    crt_content_t c = crt_test_content();
    crt_test_sign(k, &c, payload);
    crt_key_free(&k);
}

/* payload with the first occurrence of from replaced by to. */
static const char *
s_with(const char *payload, const char *from, const char *to)
{
    static char buf[CRT_PAYLOAD_MAX + 64];
    const char *at = strstr(payload, from);
    assert_non_null(at);
    snprintf(buf, sizeof buf, "%.*s%s%s", (int) (at - payload), payload, to,
             at + strlen(from));
    return buf;
}

static void
s_verify_payload(void **state)
{
    (void) state;
    char p[CRT_PAYLOAD_MAX], out[4096], err[1024];
    const char *ring;
    s_signed(p, &ring);
    int rc = s_run(out, sizeof out, err, sizeof err, "verify", p, "--keys",
                   ring, NULL);
    assert_int_equal(rc, CTL_EXIT_OK);
    assert_non_null(strstr(out, "cert verify: valid\n"));
    assert_non_null(strstr(out, "\nnumber: 11010843001-30001\n"));
    assert_non_null(strstr(out, "\nunit_name: 北京市海淀区某某科技有限公司\n"));
    assert_null(strstr(out, "not to be trusted"));
}

/* A PDF (or a scanner's output) holds the payload among other bytes. */
static void
s_verify_file(void **state)
{
    (void) state;
    char p[CRT_PAYLOAD_MAX], out[4096], err[1024], doc[2048];
    const char *ring, *pdf = crt_test_path(1, "c.pdf");
    s_signed(p, &ring);
    int n = snprintf(doc, sizeof doc,
                     "%%PDF-1.5\n<< /Keywords (%s) >>\nstream\n\x01\x02", p);
    crt_test_write(pdf, doc, (size_t) n);
    assert_int_equal(s_run(out, sizeof out, err, sizeof err, "verify", pdf,
                           "--keys=" /* joined */, NULL),
                     CTL_EXIT_USAGE);
    char keys[600];
    snprintf(keys, sizeof keys, "--keys=%s", ring);
    assert_int_equal(
        s_run(out, sizeof out, err, sizeof err, "verify", pdf, keys, NULL),
        CTL_EXIT_OK);
    assert_non_null(strstr(out, "cert verify: valid\n"));
    crt_test_write(pdf, "%PDF-1.5 nothing here", 21);
    assert_int_equal(
        s_run(out, sizeof out, err, sizeof err, "verify", pdf, keys, NULL),
        CTL_EXIT_USAGE);
    assert_non_null(strstr(err, "holds no certificate payload"));
    unlink(pdf);
}

static void
s_verify_tampered(void **state)
{
    (void) state;
    char p[CRT_PAYLOAD_MAX], out[4096], err[1024];
    const char *ring, *other = crt_test_path(2, "other.pem");
    s_signed(p, &ring);
    static const struct {
        const char *from, *to, *want;
    } cases[] = {
        {";l=3;", ";l=4;", "cert verify: invalid: altered field"},
        {";d=2026-12-01;", ";d=2026-12-02;",
         "cert verify: invalid: altered field"},
        {";s=", ";s=A", "cert verify: invalid: malformed payload"},
        {";un=", ";un=*", "cert verify: invalid: malformed payload"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *t = s_with(p, cases[i].from, cases[i].to);
        assert_int_equal(s_run(out, sizeof out, err, sizeof err, "verify", t,
                               "--keys", ring, NULL),
                         CTL_EXIT_REFUSED);
        if (strstr(out, cases[i].want) == NULL)
            fail_msg("%zu: want \"%s\" in [%s]", i, cases[i].want, out);
    }
    /* one character of the signature changed: the signature is bad */
    char bad[CRT_PAYLOAD_MAX];
    snprintf(bad, sizeof bad, "%s", p);
    char *s = strstr(bad, ";s=") + 3;
    s[5] = s[5] == 'A' ? 'B' : 'A';
    assert_int_equal(s_run(out, sizeof out, err, sizeof err, "verify", bad,
                           "--keys", ring, NULL),
                     CTL_EXIT_REFUSED);
    assert_non_null(strstr(out, "cert verify: invalid: bad signature"));
    assert_non_null(strstr(out, "not to be trusted"));
    crt_test_genkey(other, "ED25519", 0, "w");
    assert_int_equal(s_run(out, sizeof out, err, sizeof err, "verify", p,
                           "--keys", other, NULL),
                     CTL_EXIT_REFUSED);
    assert_non_null(strstr(out, "cert verify: invalid: wrong key"));
    unlink(other);
}

static void
s_verify_revoked(void **state)
{
    (void) state;
    char p[CRT_PAYLOAD_MAX], out[4096], err[1024], why[200];
    const char *ring, *list = crt_test_path(3, "rl.txt");
    char *text = NULL;
    size_t len = 0;
    s_signed(p, &ring);
    crt_key_t *k = crt_test_key(ring);
    crt_revlist_t *rl = crt_revlist_new("2026-12-15T08:00:00Z", why, 200);
    assert_int_equal(crt_revlist_add(rl, "11010843001-30001", "2026-12-01",
                                     "2026-12-02", CRT_REVOKE_FRAUD, why, 200),
                     0);
    assert_int_equal(crt_revlist_write(rl, k, &text, &len, why, 200), 0);
    crt_test_write(list, text, len);
    assert_int_equal(s_run(out, sizeof out, err, sizeof err, "verify", p,
                           "--keys", ring, "--revocations", list, NULL),
                     CTL_EXIT_REFUSED);
    assert_non_null(strstr(out, "cert verify: revoked (fraud, 2026-12-02, as "
                                "of 2026-12-15T08:00:00Z)\n"));
    /* a list whose signature does not verify is no list */
    text[len - 5] = text[len - 5] == 'A' ? 'B' : 'A';
    crt_test_write(list, text, len);
    assert_int_equal(s_run(out, sizeof out, err, sizeof err, "verify", p,
                           "--keys", ring, "--revocations", list, NULL),
                     CTL_EXIT_USAGE);
    assert_non_null(strstr(err, "mlpsctl: cert verify: "));
    free(text);
    crt_revlist_destroy(&rl);
    crt_key_free(&k);
    unlink(list);
}

static void
s_usage_errors(void **state)
{
    (void) state;
    char p[CRT_PAYLOAD_MAX], out[4096], err[1024];
    const char *ring;
    s_signed(p, &ring);
    assert_int_equal(s_run(out, sizeof out, err, sizeof err, "verify", p, NULL),
                     CTL_EXIT_USAGE);
    assert_non_null(strstr(err, "--keys ISSUER_KEYS is required"));
    assert_int_equal(s_run(out, sizeof out, err, sizeof err, "verify", p,
                           "--keys", ring, "--frob", NULL),
                     CTL_EXIT_USAGE);
    assert_non_null(strstr(err, "unexpected \"--frob\""));
    assert_int_equal(s_run(out, sizeof out, err, sizeof err, "frob", NULL),
                     CTL_EXIT_USAGE);
    assert_non_null(strstr(err, "unknown command \"cert frob\""));
    assert_int_equal(s_run(out, sizeof out, err, sizeof err, "pdf", "N1", NULL),
                     CTL_EXIT_USAGE);
    assert_non_null(strstr(err, "cert pdf NUMBER -o FILE.pdf"));
    assert_int_equal(s_run(out, sizeof out, err, sizeof err, "status", "N1",
                           "--case", "T1", NULL),
                     CTL_EXIT_USAGE);
    assert_int_equal(s_run(out, sizeof out, err, sizeof err, "reissue", "N1",
                           "--level=7", NULL),
                     CTL_EXIT_USAGE);
}

static void
s_status(void **state)
{
    (void) state;
    char out[4096], err[1024];
    Mlps__V1__CertStatusReply r = MLPS__V1__CERT_STATUS_REPLY__INIT;
    r.number = "11010843001-30001";
    r.tracking_id = "T1";
    r.state = "revoked";
    r.level = 3;
    r.system_name = "政务\n平台";
    r.revoked_reason = "withdrawn";
    s_stub.answer = &r.base;
    s_stub.rc = CTL_EXIT_OK;
    assert_int_equal(
        s_run(out, sizeof out, err, sizeof err, "status", "--case=T1", NULL),
        CTL_EXIT_OK);
    const Mlps__V1__CertStatusRequest *q =
        (const Mlps__V1__CertStatusRequest *) s_stub.req;
    assert_string_equal(q->number, "");
    assert_string_equal(q->tracking_id, "T1");
    assert_string_equal(q->unit_secret, "proof-1");
    assert_string_equal(out, "number: 11010843001-30001\ntracking_id: T1\n"
                             "state: revoked\nlevel: 3\n"
                             "system_name: 政务 平台\n"
                             "revoked_reason: withdrawn\n");
    s_stub.rc = CTL_EXIT_REFUSED; /* a Problem, printed by the caller */
    assert_int_equal(
        s_run(out, sizeof out, err, sizeof err, "status", "N9", NULL),
        CTL_EXIT_REFUSED);
    assert_string_equal(
        ((const Mlps__V1__CertStatusRequest *) s_stub.req)->number, "N9");
    assert_string_equal(out, "");
}

static void
s_pdf_and_list(void **state)
{
    (void) state;
    char out[4096], err[1024], *got = NULL;
    const char *path = crt_test_path(4, "got.pdf");
    Mlps__V1__CertPdfReply r = MLPS__V1__CERT_PDF_REPLY__INIT;
    uint8_t bytes[] = "%PDF-1.5 \x00\x01 binary";
    r.number = "N1";
    r.pdf.data = bytes;
    r.pdf.len = sizeof bytes;
    s_stub.answer = &r.base;
    s_stub.rc = CTL_EXIT_OK;
    assert_int_equal(
        s_run(out, sizeof out, err, sizeof err, "pdf", "N1", "-o", path, NULL),
        CTL_EXIT_OK);
    char want[2200];
    snprintf(want, sizeof want, "cert pdf: N1 -> %s (%zu bytes)\n", path,
             sizeof bytes);
    assert_string_equal(out, want);
    size_t len = 0;
    assert_int_equal(cmn_file_read(path, 1024, &got, &len, err, 100), 0);
    assert_int_equal(len, sizeof bytes);
    assert_memory_equal(got, bytes, len);
    free(got);
    Mlps__V1__CertRevocationsReply l = MLPS__V1__CERT_REVOCATIONS_REPLY__INIT;
    l.as_of = "2026-12-15T08:00:00Z";
    l.entries = 2;
    l.text = "mlps.cert.revlist.v1\n";
    s_stub.answer = &l.base;
    assert_int_equal(s_run(out, sizeof out, err, sizeof err, "revocations",
                           "--out", path, NULL),
                     CTL_EXIT_OK);
    assert_non_null(
        strstr(out, "cert revocations: as_of=2026-12-15T08:00:00Z entries=2"));
    unlink(path);
}

static void
s_revoke_reissue(void **state)
{
    (void) state;
    char out[4096], err[1024];
    Mlps__V1__CertRevokeReply r = MLPS__V1__CERT_REVOKE_REPLY__INIT;
    r.number = "N1";
    r.revoked_on = "2026-12-02";
    r.reason = "fraud";
    r.already = 1;
    s_stub.answer = &r.base;
    s_stub.rc = CTL_EXIT_OK;
    assert_int_equal(s_run(out, sizeof out, err, sizeof err, "revoke", "N1",
                           "fraud", "--note=forged papers", NULL),
                     CTL_EXIT_OK);
    const Mlps__V1__CertRevokeRequest *q =
        (const Mlps__V1__CertRevokeRequest *) s_stub.req;
    assert_string_equal(q->reason, "fraud");
    assert_string_equal(q->note, "forged papers");
    assert_string_equal(out, "cert revoke: N1 was revoked before (fraud) on "
                             "2026-12-02\n");
    Mlps__V1__CertReissueReply i = MLPS__V1__CERT_REISSUE_REPLY__INIT;
    i.old_number = "N1";
    i.number = "N2";
    i.level = 4;
    i.state = "valid";
    s_stub.answer = &i.base;
    assert_int_equal(s_run(out, sizeof out, err, sizeof err, "reissue", "N1",
                           "--level", "4", NULL),
                     CTL_EXIT_OK);
    assert_int_equal(((const Mlps__V1__CertReissueRequest *) s_stub.req)->level,
                     4);
    assert_string_equal(out, "cert reissue: N1 -> N2 (level 4, valid)\n");
}

static int
s_teardown(void **state)
{
    (void) state;
    protobuf_c_message_free_unpacked(s_stub.req, NULL);
    s_stub.req = NULL;
    unlink(crt_test_path(0, "ring.pem"));
    return 0;
}

int
main(int argc, char **argv)
{
    /* one a line: cmake/MlpsTest.cmake reads them */
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_verify_payload),
        cmocka_unit_test(s_verify_file),
        cmocka_unit_test(s_verify_tampered),
        cmocka_unit_test(s_verify_revoked),
        cmocka_unit_test(s_usage_errors),
        cmocka_unit_test(s_status),
        cmocka_unit_test(s_pdf_and_list),
        cmocka_unit_test(s_revoke_reissue),
    };
    /* clang-format on */
    return MLPS_TEST_RUN_GROUP(tests, NULL, s_teardown, argc, argv);
}

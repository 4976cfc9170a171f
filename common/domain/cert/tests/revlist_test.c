/* revlist_test.c - revocation lists: write and parse back, tampering and
 * the wrong key refused, revoked versus not listed in crt_verify(), and
 * the text's strict lines. */
#include "crt_int.h"
#include "crt_test.h"
#include "dom/cert/revlist.h"

typedef struct {
    crt_key_t *key;
    crt_keyring_t *ring; /* the same key */
    const char *path;
} s_issuer_t;

static s_issuer_t
s_issuer(const char *pem, int slot)
{
    s_issuer_t s;
    s.path = crt_test_path(slot, slot == 0 ? "issuer-a.pem" : "issuer-b.pem");
    crt_test_write(s.path, pem, strlen(pem));
    s.key = crt_test_key(s.path);
    s.ring = crt_test_ring(s.path);
    return s;
}

static void
s_issuer_free(s_issuer_t *s)
{
    crt_key_free(&s->key);
    crt_keyring_free(&s->ring);
    unlink(s->path);
}

static void
s_add(crt_revlist_t *rl, const char *number, const char *issued,
      const char *revoked, crt_revoke_reason_t reason)
{
    char why[200] = "";
    if (crt_revlist_add(rl, number, issued, revoked, reason, why, sizeof why))
        fail_msg("%s", why);
}

/* A list of three, written with key into *text. */
static crt_revlist_t *
s_list(const crt_key_t *key, char **text, size_t *len)
{
    char why[200] = "";
    crt_revlist_t *rl =
        crt_revlist_new("2026-12-15T08:00:00Z", why, sizeof why);
    assert_non_null(rl);
    s_add(rl, "11010843001-30002", "2026-11-02", "2026-12-10",
          CRT_REVOKE_FRAUD);
    s_add(rl, "11010843001-30001", "2026-01-05", "2026-12-01",
          CRT_REVOKE_SUPERSEDED); /* out of order: kept sorted */
    s_add(rl, "11010843001-30001", "2025-06-30", "2026-01-05",
          CRT_REVOKE_REGRADED);
    if (crt_revlist_write(rl, key, text, len, why, sizeof why) != 0)
        fail_msg("%s", why);
    return rl;
}

static void
s_round_trip(void **state)
{
    (void) state;
    s_issuer_t ed = s_issuer(CRT_TEST_ED_PEM, 0);
    char *text = NULL, why[300] = "";
    size_t len = 0;
    crt_revlist_t *rl = s_list(ed.key, &text, &len);
    assert_int_equal(len, strlen(text));
    const char *want_head =
        "mlps.cert.revlist.v1\n"
        "issuer=" CRT_TEST_ED_ID "\n"
        "alg=ed25519\n"
        "as_of=2026-12-15T08:00:00Z\n"
        "revoked=11010843001-30001 2025-06-30 2026-01-05 regraded\n"
        "revoked=11010843001-30001 2026-01-05 2026-12-01 superseded\n"
        "revoked=11010843001-30002 2026-11-02 2026-12-10 fraud\n"
        "signature=";
    assert_int_equal(strncmp(text, want_head, strlen(want_head)), 0);
    assert_int_equal(strlen(text), strlen(want_head) + 86 + 1);

    crt_revlist_t *back =
        crt_revlist_parse(text, len, ed.ring, why, sizeof why);
    if (back == NULL)
        fail_msg("%s", why);
    assert_string_equal(crt_revlist_as_of(back), "2026-12-15T08:00:00Z");
    assert_string_equal(crt_revlist_issuer(back), CRT_TEST_ED_ID);
    assert_string_equal(crt_revlist_issuer(rl), "");
    assert_int_equal(crt_revlist_count(back), 3);
    for (size_t i = 0; i < 3; i++)
        assert_memory_equal(crt_revlist_entry(back, i),
                            crt_revlist_entry(rl, i),
                            sizeof(crt_revlist_entry_t));
    assert_null(crt_revlist_entry(back, 3));
    const crt_revlist_entry_t *e =
        crt_revlist_find(back, "11010843001-30002", "2026-11-02");
    assert_non_null(e);
    assert_int_equal(e->reason, CRT_REVOKE_FRAUD);
    assert_null(crt_revlist_find(back, "11010843001-30002", "2026-11-03"));
    assert_null(crt_revlist_find(back, "11010843001-30003", "2026-11-02"));

    /* through a file, and written again: the same text */
    const char *path = crt_test_path(2, "rl.txt");
    crt_test_write(path, text, len);
    crt_revlist_t *loaded = crt_revlist_load(path, ed.ring, why, sizeof why);
    assert_non_null(loaded);
    char *again = NULL;
    size_t again_len = 0;
    assert_int_equal(
        crt_revlist_write(loaded, ed.key, &again, &again_len, why, sizeof why),
        0);
    assert_int_equal(again_len, len);
    assert_memory_equal(again, text, len); /* Ed25519 is deterministic */
    free(again);
    unlink(path);
    crt_revlist_destroy(&loaded);
    crt_revlist_destroy(&back);
    crt_revlist_destroy(&rl);
    assert_null(rl);
    crt_revlist_destroy(&rl);
    free(text);
    s_issuer_free(&ed);
}

static void
s_empty_and_sm2(void **state)
{
    (void) state;
    s_issuer_t sm = s_issuer(CRT_TEST_SM2_PEM, 0);
    char *text = NULL, why[300] = "";
    size_t len = 0;
    crt_revlist_t *rl =
        crt_revlist_new("2027-01-01T00:00:00Z", why, sizeof why);
    assert_int_equal(
        crt_revlist_write(rl, sm.key, &text, &len, why, sizeof why), 0);
    assert_non_null(strstr(text, "\nalg=sm2\n"));
    crt_revlist_t *back =
        crt_revlist_parse(text, len, sm.ring, why, sizeof why);
    if (back == NULL)
        fail_msg("%s", why);
    assert_int_equal(crt_revlist_count(back), 0);
    /* another SM2 user id on the verifying side: refused */
    assert_int_equal(crt_keyring_set_sm2_id(sm.ring, "other-id"), 0);
    assert_null(crt_revlist_parse(text, len, sm.ring, why, sizeof why));
    assert_non_null(
        strstr(why, "does not verify with key id " CRT_TEST_SM2_ID));
    crt_revlist_destroy(&back);
    crt_revlist_destroy(&rl);
    free(text);
    s_issuer_free(&sm);
}

/* text with the first occurrence of from replaced by to is refused with a
 * reason containing want. */
static void
s_tampered(const char *text, const crt_keyring_t *ring, const char *from,
           const char *to, const char *want)
{
    char t[4096], why[300] = "";
    const char *at = strstr(text, from);
    assert_non_null(at);
    snprintf(t, sizeof t, "%.*s%s%s", (int) (at - text), text, to,
             at + strlen(from));
    crt_revlist_t *rl = crt_revlist_parse(t, strlen(t), ring, why, sizeof why);
    assert_null(rl);
    if (strstr(why, want) == NULL)
        fail_msg("%s -> %s: expected \"%s\", got \"%s\"", from, to, want, why);
}

static void
s_tampering(void **state)
{
    (void) state;
    s_issuer_t ed = s_issuer(CRT_TEST_ED_PEM, 0);
    char *text = NULL;
    size_t len = 0;
    crt_revlist_t *rl = s_list(ed.key, &text, &len);
    const char *bad_sig =
        "the signature does not verify with key id " CRT_TEST_ED_ID;
    s_tampered(text, ed.ring, "2026-12-10 fraud", "2026-12-10 withdrawn",
               bad_sig);
    s_tampered(text, ed.ring, "30002 2026-11-02", "30003 2026-11-02", bad_sig);
    s_tampered(text, ed.ring,
               "revoked=11010843001-30002 2026-11-02 2026-12-10 "
               "fraud\n",
               "", bad_sig); /* an entry removed */
    s_tampered(text, ed.ring, "as_of=2026-12-15T08", "as_of=2026-12-16T08",
               bad_sig);
    s_tampered(text, ed.ring, "signature=", "signature=A",
               "last line: expected signature=<64 bytes");
    s_tampered(text, ed.ring, "mlps.cert.revlist.v1", "mlps.cert.revlist.v2",
               "line 1: expected \"mlps.cert.revlist.v1\"");
    s_tampered(text, ed.ring, "issuer=", "issuer=x",
               "line 2: expected issuer=");
    s_tampered(text, ed.ring, "alg=ed25519", "alg=rsa",
               "line 3: expected alg=");
    s_tampered(text, ed.ring, "as_of=2026-12-15T08:00:00Z",
               "as_of=2026-12-15T08:00:00+08", "line 4: expected as_of=");
    s_tampered(text, ed.ring, " fraud\n", " fraud\x01\n",
               "line 7: contains a control character");
    crt_revlist_destroy(&rl);
    free(text);
    s_issuer_free(&ed);
}

/* Signed by a key not in the keyring, or claiming another issuer. */
static void
s_wrong_key(void **state)
{
    (void) state;
    s_issuer_t ed = s_issuer(CRT_TEST_ED_PEM, 0),
               sm = s_issuer(CRT_TEST_SM2_PEM, 2);
    char *text = NULL, why[300] = "";
    size_t len = 0;
    crt_revlist_t *rl = s_list(ed.key, &text, &len);
    assert_null(crt_revlist_parse(text, len, sm.ring, why, sizeof why));
    assert_string_equal(why, "revocation list: signed by key id " CRT_TEST_ED_ID
                             " (ed25519), which is not among the issuer keys");
    /* the issuer line says sm2's key, the signature is ed25519's */
    s_tampered(text, sm.ring, "issuer=" CRT_TEST_ED_ID "\nalg=ed25519",
               "issuer=" CRT_TEST_SM2_ID "\nalg=sm2",
               "the signature does not verify with key id " CRT_TEST_SM2_ID);
    /* a public key cannot sign a list */
    crt_keyring_t *pub = NULL;
    char *none = NULL;
    const char *pubpath = crt_test_path(4, "ed.pub.pem");
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "openssl pkey -in '%s' -pubout -out '%s'",
             ed.path, pubpath);
    assert_int_equal(system(cmd), 0);
    pub = crt_test_ring(pubpath);
    assert_int_equal(crt_revlist_write(rl, crt_keyring_key(pub, 0), &none, &len,
                                       why, sizeof why),
                     CMN_EINVAL);
    assert_null(none);
    assert_non_null(strstr(why, "cannot sign"));
    crt_keyring_free(&pub);
    unlink(pubpath);
    crt_revlist_destroy(&rl);
    free(text);
    s_issuer_free(&ed);
    s_issuer_free(&sm);
}

/* crt_verify() with a list: revoked (reason, date, as of) versus a
 * certificate not listed, and one of the same number issued another day. */
static void
s_revoked_vs_not_listed(void **state)
{
    (void) state;
    s_issuer_t ed = s_issuer(CRT_TEST_ED_PEM, 0);
    char *text = NULL, why[300] = "";
    size_t len = 0;
    crt_revlist_t *made = s_list(ed.key, &text, &len);
    crt_revlist_t *rl = crt_revlist_parse(text, len, ed.ring, why, sizeof why);
    assert_non_null(rl);

    crt_content_t c = crt_test_content(); /* 30001 issued 2026-12-01 */
    char payload[CRT_PAYLOAD_MAX];
    crt_verify_result_t r;
    crt_test_sign(ed.key, &c, payload);
    assert_int_equal(crt_verify(ed.ring, payload, rl, &r), 0);
    assert_int_equal(r.status, CRT_VALID);
    assert_true(r.revocation_checked);
    assert_string_equal(r.revlist_as_of, "2026-12-15T08:00:00Z");
    assert_non_null(strstr(r.reason, "not revoked as of 2026-12-15T08:00:00Z"));

    char e[200];
    snprintf(e, sizeof e, "issued_on");
    assert_int_equal(crt_content_set(&c, e, "2026-01-05", why, sizeof why), 0);
    crt_test_sign(ed.key, &c, payload);
    assert_int_equal(crt_verify(ed.ring, payload, rl, &r), 0);
    assert_int_equal(r.status, CRT_REVOKED);
    assert_int_equal(r.invalid, CRT_BAD_NONE);
    assert_string_equal(r.revoked_on, "2026-12-01");
    assert_string_equal(r.revoked_reason, "superseded");
    assert_string_equal(r.reason,
                        "revoked on 2026-12-01 (superseded), as of "
                        "2026-12-15T08:00:00Z; the signature is good");
    /* without the list it is valid, and says it was not checked */
    assert_int_equal(crt_verify(ed.ring, payload, NULL, &r), 0);
    assert_int_equal(r.status, CRT_VALID);
    assert_false(r.revocation_checked);
    /* a forged payload for a revoked number stays invalid, not revoked */
    char *l = strstr(payload, ";l=3;");
    assert_non_null(l);
    l[3] = '4';
    assert_int_equal(crt_verify(ed.ring, payload, rl, &r), 0);
    assert_int_equal(r.status, CRT_INVALID);
    assert_int_equal(r.invalid, CRT_BAD_ALTERED);
    crt_revlist_destroy(&rl);
    crt_revlist_destroy(&made);
    free(text);
    s_issuer_free(&ed);
}

static void
s_add_refusals(void **state)
{
    (void) state;
    char why[200] = "";
    assert_null(crt_revlist_new("2026-12-15", why, sizeof why));
    assert_string_equal(why,
                        "as_of: must be an instant YYYY-MM-DDTHH:MM:SSZ (UTC)");
    crt_revlist_t *rl =
        crt_revlist_new("2026-12-15T08:00:00Z", why, sizeof why);
    static const struct {
        const char *n, *i, *r;
        int reason;
        const char *want;
    } bad[] = {
        {"1101 0843", "2026-01-01", "2026-02-01", 1,
         "number: may hold only ASCII letters, digits and '-'"},
        {"N1", "2026-02-30", "2026-03-01", 1,
         "issued_on: must be a date YYYY-MM-DD"},
        {"N1", "2026-01-01", "2026-1-1", 1,
         "revoked_on: must be a date YYYY-MM-DD"},
        {"N1", "2026-03-01", "2026-02-01", 1, "revoked_on: before issued_on"},
        {"N1", "2026-03-01", "2026-12-17", 1,
         "revoked_on: after the day after the list's as_of"},
        {"N1", "2026-03-01", "2026-04-01", 9, "reason: not one of"},
        {"N1", "2026-03-01", "2026-04-01", 0, "reason: not one of"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(crt_revlist_add(rl, bad[i].n, bad[i].i, bad[i].r,
                                         (crt_revoke_reason_t) bad[i].reason,
                                         why, sizeof why),
                         CMN_EINVAL);
        if (strstr(why, bad[i].want) == NULL)
            fail_msg("%zu: expected \"%s\", got \"%s\"", i, bad[i].want, why);
    }
    s_add(rl, "N1", "2026-03-01", "2026-12-15", CRT_REVOKE_WITHDRAWN);
    /* The issuer's day may be a day ahead of as_of's (UTC) date. */
    s_add(rl, "N2", "2026-12-16", "2026-12-16", CRT_REVOKE_FRAUD);
    assert_int_equal(crt_revlist_add(rl, "N1", "2026-03-01", "2026-04-01",
                                     CRT_REVOKE_FRAUD, why, sizeof why),
                     CMN_EINVAL);
    assert_string_equal(why, "number: N1 issued on 2026-03-01 is already on "
                             "the list");
    assert_int_equal(crt_revlist_count(rl), 2);
    crt_revoke_reason_t r;
    assert_int_equal(crt_revoke_reason_parse("decommissioned", &r), 0);
    assert_int_equal(r, CRT_REVOKE_DECOMMISSIONED);
    assert_int_equal(crt_revoke_reason_parse("lost", &r), CMN_EINVAL);
    assert_null(crt_revoke_reason_name((crt_revoke_reason_t) 6));
    crt_revlist_destroy(&rl);
}

/* A signed list whose lines are out of order or malformed: refused even
 * though the signature is good (the issuer wrote a bad list). */
static void
s_signed_but_malformed(void **state)
{
    (void) state;
    s_issuer_t ed = s_issuer(CRT_TEST_ED_PEM, 0);
    static const struct {
        const char *entries, *want;
    } bad[] = {
        {"revoked=B 2026-01-01 2026-02-01 fraud\n"
         "revoked=A 2026-01-01 2026-02-01 fraud\n",
         "line 6: out of order or repeated"},
        {"revoked=A 2026-01-01 2026-02-01 fraud\n"
         "revoked=A 2026-01-01 2026-02-01 fraud\n",
         "line 6: out of order or repeated"},
        {"revoked=A 2026-01-01  2026-02-01 fraud\n",
         "line 5: expected four values, one space apart"},
        {"revoked=A 2026-01-01 2026-02-01 fraud x\n",
         "line 5: expected four values"},
        {"revoked=A 2026-01-01 2026-02-01\n", "line 5: expected four values"},
        {"revoked=A 2026-01-01 2026-02-01 lost\n",
         "line 5: reason: \"lost\" is not one of"},
        {"revoked=A 2026-01-01 2026-12-20 fraud\n",
         "line 5: revoked_on: after the day after the list's as_of"},
        {"note=A\n", "line 5: expected revoked="},
        {"\n", "line 5: expected revoked="},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char body[1024], t[2048], why[300] = "";
        size_t n =
            (size_t) snprintf(body, sizeof body,
                              "mlps.cert.revlist.v1\nissuer=%s\nalg=ed25519\n"
                              "as_of=2026-12-15T08:00:00Z\n%s",
                              CRT_TEST_ED_ID, bad[i].entries);
        uint8_t d[32], s[64];
        char b64[100];
        assert_int_equal(crt__digest("ed25519", body, n, d), 0);
        assert_int_equal(crt__sign_digest(ed.key, d, s), 0);
        assert_true(crt__b64url_encode(s, 64, b64, sizeof b64) == 86);
        snprintf(t, sizeof t, "%ssignature=%s\n", body, b64);
        assert_null(crt_revlist_parse(t, strlen(t), ed.ring, why, sizeof why));
        if (strstr(why, bad[i].want) == NULL)
            fail_msg("%zu: expected \"%s\", got \"%s\"", i, bad[i].want, why);
    }
    char why[300] = "";
    assert_null(crt_revlist_parse("", 0, ed.ring, why, sizeof why));
    assert_string_equal(why, "revocation list: empty");
    assert_null(crt_revlist_parse("mlps.cert.revlist.v1", 20, ed.ring, why,
                                  sizeof why));
    assert_string_equal(why, "revocation list: does not end with a newline");
    const char *head = "mlps.cert.revlist.v1\nissuer=" CRT_TEST_ED_ID
                       "\nalg=ed25519\nas_of=2026-12-15T08:00:00Z\n";
    assert_null(
        crt_revlist_parse(head, strlen(head), ed.ring, why, sizeof why));
    assert_string_equal(why, "line 4: the list ends before its signature");
    assert_null(crt_revlist_load(crt_test_path(6, "missing"), ed.ring, why,
                                 sizeof why));
    assert_non_null(strstr(why, "could not open"));
    s_issuer_free(&ed);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_round_trip),
        cmocka_unit_test(s_empty_and_sm2),
        cmocka_unit_test(s_tampering),
        cmocka_unit_test(s_wrong_key),
        cmocka_unit_test(s_revoked_vs_not_listed),
        cmocka_unit_test(s_add_refusals),
        cmocka_unit_test(s_signed_but_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

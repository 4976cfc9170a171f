/* db_test.c - the audit schema on a real PostgreSQL (the ctest fixture's
 * shared cluster, MLPS_TEST_PGDIR): audit_svc's privileges, appends,
 * verify and what it says about tampering, concurrent appenders. */
#include "aud/anchor.h"
#include "aud/chain.h"
#include "aud/service.h"
#include "aud/verify.h"
#include "cmn/api.h"
#include "cmn/db.h"
#include "cmn/migrate.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cmn_test/pg.h"

#define S_THREADS     4
#define S_THREAD_TXNS 25
#define S_TXN_EVENTS  4

static PGconn *
s_connect(const char *user)
{
    char url[256];
    cmn_test_pg_url(url, sizeof url, user);
    PGconn *c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK)
        fprintf(stderr, "connect as %s: %s", user, PQerrorMessage(c));
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    cmn_pg_quiet(c);
    PQclear(PQexec(c, "SET search_path TO audit"));
    return c;
}

/* Runs sql; returns the SQLSTATE ("00000" on success). */
static const char *
s_try(PGconn *c, const char *sql)
{
    static char state[6];
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    const char *s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    snprintf(state, sizeof state, "%s",
             (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) ? "00000"
             : s                                               ? s
                                                               : "?????");
    PQclear(r);
    return state;
}

/* The first column of the first row of sql, as a long long. */
static long long
s_num(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    long long v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return v;
}

/* Appends n events of case_id in one transaction. */
static int
s_append(PGconn *c, int n, const char *case_id)
{
    int err = cmn_pg_cmd(c, "BEGIN");
    for (int i = 0; err == 0 && i < n; i++) {
        char id[37], outcome[32];
        cmn_uuid4(id);
        snprintf(outcome, sizeof outcome, "step %d", i);
        Mlps__V1__AuditEvent e = MLPS__V1__AUDIT_EVENT__INIT;
        e.service = "dbtest";
        e.actor = "system";
        e.action = "test.step";
        e.case_id = (char *) case_id;
        e.outcome = outcome;
        e.at_us = cmn_now_us() + i; /* odd microseconds on purpose */
        err = aud_chain_append(c, id, &e, NULL);
    }
    if (err == 0)
        err = cmn_pg_cmd(c, "COMMIT");
    else
        cmn_pg_rollback(c);
    return err;
}

static void
s_verify(PGconn *c, aud_verify_result_t *res)
{
    assert_int_equal(aud_verify(c, res), 0);
    if (!res->ok)
        printf("verify: seq=%lld event=%s %s\n", (long long) res->bad_seq,
               res->bad_event, res->reason);
}

static void
s_expect_ok(PGconn *c, long long records)
{
    aud_verify_result_t res;
    s_verify(c, &res);
    assert_true(res.ok);
    assert_int_equal(res.records, records);
    assert_int_equal(res.bad_seq, 0);
}

/* Verify must fail at seq, after `records` good ones, for reason_prefix. */
static void
s_expect_bad(PGconn *c, long long seq, long long records,
             const char *reason_prefix)
{
    aud_verify_result_t res;
    s_verify(c, &res);
    assert_false(res.ok);
    assert_int_equal(res.bad_seq, seq);
    assert_int_equal(res.records, records);
    assert_int_equal(strlen(res.bad_event), 36);
    assert_int_equal(strncmp(res.reason, reason_prefix, strlen(reason_prefix)),
                     0);
}

/* A fresh audit schema, migrated as the service migrates it. */
static int
s_setup(void **state)
{
    (void) state;
    char why[256] = "";
    PGconn *c = s_connect("mlps_admin");
    assert_string_equal(s_try(c, "DROP SCHEMA IF EXISTS audit CASCADE"),
                        "00000");
    const cmn_migration_t *sets[] = {common_migrations, aud_migrations, NULL};
    assert_int_equal(cmn_migrate(c, AUD_SCHEMA, sets, NULL, why, sizeof why),
                     0);
    PQfinish(c);
    return 0;
}

static void
s_empty_chain_verifies(void **state)
{
    (void) state;
    PGconn *svc = s_connect("audit_svc");
    s_expect_ok(svc, 0);
    PQfinish(svc);
}

static void
s_svc_cannot_change_or_remove(void **state)
{
    (void) state;
    PGconn *svc = s_connect("audit_svc");
    assert_int_equal(s_append(svc, 3, "T-priv"), 0);
    assert_string_equal(s_try(svc, "SELECT count(*) FROM audit.chain"),
                        "00000");
    assert_string_equal(s_try(svc, "UPDATE audit.chain SET outcome = 'x'"),
                        "42501");
    assert_string_equal(s_try(svc, "UPDATE audit.chain SET outcome = 'x' "
                                   "WHERE seq = 1"),
                        "42501");
    assert_string_equal(s_try(svc, "DELETE FROM audit.chain"), "42501");
    assert_string_equal(s_try(svc, "DELETE FROM audit.chain WHERE seq = 3"),
                        "42501");
    assert_string_equal(s_try(svc, "TRUNCATE audit.chain"), "42501");
    assert_string_equal(s_try(svc, "ALTER TABLE audit.chain DISABLE TRIGGER "
                                   "ALL"),
                        "42501");
    assert_string_equal(s_try(svc, "DROP TABLE audit.chain"), "42501");
    /* nor rewrite what the inbox says it received */
    assert_string_equal(s_try(svc, "DELETE FROM audit.inbox"), "42501");
    assert_string_equal(s_try(svc, "UPDATE audit.inbox SET status = 'x'"),
                        "42501");
    assert_int_equal(s_num(svc, "SELECT count(*) FROM audit.chain"), 3);
    PQfinish(svc);

    /* Even a superuser's plain UPDATE or DELETE meets the trigger. */
    PGconn *admin = s_connect("mlps_admin");
    assert_string_equal(s_try(admin, "UPDATE audit.chain SET outcome = 'x' "
                                     "WHERE seq = 1"),
                        "42501");
    assert_string_equal(s_try(admin, "DELETE FROM audit.chain WHERE seq = 1"),
                        "42501");
    PQfinish(admin);
}

static void
s_appends_link(void **state)
{
    (void) state;
    PGconn *svc = s_connect("audit_svc");
    long long before = s_num(svc, "SELECT count(*) FROM chain");
    assert_int_equal(s_append(svc, 5, "T-link"), 0);
    assert_int_equal(s_append(svc, 1, "T-link"), 0);
    assert_int_equal(s_num(svc, "SELECT count(*) FROM chain"), before + 6);
    assert_int_equal(s_num(svc, "SELECT max(seq) FROM chain"), before + 6);
    assert_int_equal(s_num(svc, "SELECT count(*) FROM chain c JOIN chain p "
                                "ON p.seq = c.seq - 1 "
                                "WHERE c.prev_hash <> p.hash"),
                     0);
    assert_int_equal(s_num(svc, "SELECT count(*) FROM chain WHERE seq = 1 "
                                "AND prev_hash = repeat('0', 64)"),
                     1);
    s_expect_ok(svc, before + 6);
    PQfinish(svc);
}

/* Runs sql as the superuser (how an intruder with full access would
 * tamper), asserting it touched exactly one row. */
static void
s_tamper(PGconn *admin, const char *sql)
{
    PGresult *r = PQexec(admin, sql);
    assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
    assert_string_equal(PQcmdTuples(r), "1");
    PQclear(r);
}

/* Triggers off for this session: the append-only trigger no longer fires. */
static void
s_triggers_off(PGconn *admin)
{
    assert_string_equal(s_try(admin, "SET session_replication_role = replica"),
                        "00000");
}

/* Recomputes and stores seq's hash from its row as it now stands. */
static void
s_rehash(PGconn *admin, const char *seq)
{
    char hash[AUD_HASH_HEX_LEN + 1];
    const char *p[2] = {seq, hash};
    PGresult *r = PQexecParams(
        admin,
        "SELECT seq, event_id, service, actor, action, case_id, outcome, "
        "office, (extract(epoch FROM at) * 1000000)::bigint, "
        "(extract(epoch FROM recorded_at) * 1000000)::bigint, prev_hash "
        "FROM chain WHERE seq = $1",
        1, NULL, p, NULL, NULL, 0);
    assert_int_equal(PQntuples(r), 1);
    aud_record_t rec = {
        .seq = strtoll(PQgetvalue(r, 0, 0), NULL, 10),
        .event_id = PQgetvalue(r, 0, 1),
        .service = PQgetvalue(r, 0, 2),
        .actor = PQgetvalue(r, 0, 3),
        .action = PQgetvalue(r, 0, 4),
        .case_id = PQgetvalue(r, 0, 5),
        .outcome = PQgetvalue(r, 0, 6),
        .office = PQgetvalue(r, 0, 7),
        .at_us = strtoll(PQgetvalue(r, 0, 8), NULL, 10),
        .recorded_at_us = strtoll(PQgetvalue(r, 0, 9), NULL, 10),
        .prev_hash = PQgetvalue(r, 0, 10),
    };
    assert_int_equal(aud_chain_hash(&rec, hash), 0);
    PQclear(r);
    r = PQexecParams(admin, "UPDATE chain SET hash = $2 WHERE seq = $1", 2,
                     NULL, p, NULL, NULL, 0);
    assert_string_equal(PQcmdTuples(r), "1");
    PQclear(r);
}

static void
s_tampering_found(void **state)
{
    (void) state;
    PGconn *svc = s_connect("audit_svc"), *admin = s_connect("mlps_admin");
    long long n = s_num(svc, "SELECT count(*) FROM chain");
    assert_true(n >= 6);
    s_triggers_off(admin);
    s_tamper(admin, "CREATE TEMP TABLE saved AS SELECT * FROM chain "
                    "WHERE seq = 4");

    /* A changed field: seq 4's hash no longer matches. */
    s_tamper(admin, "UPDATE chain SET outcome = 'tampered' WHERE seq = 4");
    s_expect_bad(svc, 4, 3, "hash:");
    /* ... or its time, by one microsecond. */
    s_tamper(admin, "UPDATE chain c SET outcome = s.outcome, "
                    "at = s.at + interval '1 microsecond' FROM saved s "
                    "WHERE c.seq = 4");
    s_expect_bad(svc, 4, 3, "hash:");
    /* Changed and re-hashed: seq 5 no longer links to it. */
    s_tamper(admin, "UPDATE chain c SET outcome = 'tampered', at = s.at "
                    "FROM saved s WHERE c.seq = 4");
    s_rehash(admin, "4");
    s_expect_bad(svc, 5, 4, "prev_hash: does not match the hash of seq 4");
    s_tamper(admin, "UPDATE chain c SET outcome = s.outcome, hash = s.hash "
                    "FROM saved s WHERE c.seq = 4");
    s_expect_ok(svc, n);
    /* The first record must link to 64 zeros. */
    s_tamper(admin, "UPDATE chain SET prev_hash = repeat('1', 64) "
                    "WHERE seq = 1");
    s_rehash(admin, "1");
    s_expect_bad(svc, 1, 0, "prev_hash: the first record's is not 64 zeros");
    s_tamper(admin, "UPDATE chain SET prev_hash = repeat('0', 64) "
                    "WHERE seq = 1");
    s_rehash(admin, "1");
    s_expect_ok(svc, n);

    /* A removed record: the next one names the gap. */
    s_tamper(admin, "DELETE FROM chain WHERE seq = 4");
    s_expect_bad(svc, 5, 3, "gap: seq 5 follows seq 3; seq 4 is missing");
    s_tamper(admin, "INSERT INTO chain SELECT * FROM saved");
    s_expect_ok(svc, n);
    PQfinish(admin);
    PQfinish(svc);
}

/* A record removed from the end leaves no gap; the inbox still knows the
 * event was applied. */
static void
s_tail_removal_found(void **state)
{
    (void) state;
    PGconn *svc = s_connect("audit_svc"), *admin = s_connect("mlps_admin");
    long long n = s_num(svc, "SELECT count(*) FROM chain");
    s_tamper(admin, "INSERT INTO inbox (message_id, source, type, "
                    "correlation_id, status) SELECT event_id, 'dbtest', "
                    "'mlps.v1.AuditEvent', case_id, 'applied' FROM chain "
                    "ORDER BY seq DESC LIMIT 1");
    s_expect_ok(svc, n);
    s_triggers_off(admin);
    s_tamper(admin, "CREATE TEMP TABLE last AS SELECT * FROM chain "
                    "ORDER BY seq DESC LIMIT 1");
    s_tamper(admin, "DELETE FROM chain WHERE seq = (SELECT seq FROM last)");
    aud_verify_result_t res;
    s_verify(svc, &res);
    assert_false(res.ok);
    assert_int_equal(res.bad_seq, n);
    assert_int_equal(res.records, n - 1);
    assert_non_null(strstr(res.reason, "missing"));
    s_tamper(admin, "INSERT INTO chain SELECT * FROM last");
    s_expect_ok(svc, n);
    PQfinish(admin);
    PQfinish(svc);
}

static void *
s_appender(void *arg)
{
    (void) arg;
    char url[256];
    cmn_test_pg_url(url, sizeof url, "audit_svc");
    PGconn *c = PQconnectdb(url);
    long failed = 0;
    cmn_pg_quiet(c);
    PQclear(PQexec(c, "SET search_path TO audit"));
    for (int t = 0; t < S_THREAD_TXNS; t++)
        if (s_append(c, S_TXN_EVENTS, "T-concurrent") != 0)
            failed++;
    PQfinish(c);
    return (void *) failed;
}

static void
s_concurrent_appends_stay_linear(void **state)
{
    (void) state;
    PGconn *svc = s_connect("audit_svc");
    long long before = s_num(svc, "SELECT count(*) FROM chain");
    pthread_t th[S_THREADS];
    for (int i = 0; i < S_THREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, s_appender, NULL), 0);
    for (int i = 0; i < S_THREADS; i++) {
        void *failed = NULL;
        pthread_join(th[i], &failed);
        assert_null(failed);
    }
    long long want = before + S_THREADS * S_THREAD_TXNS * S_TXN_EVENTS;
    assert_int_equal(s_num(svc, "SELECT count(*) FROM chain"), want);
    assert_int_equal(s_num(svc, "SELECT max(seq) FROM chain"), want);
    s_expect_ok(svc, want);
    PQfinish(svc);
}

/* --- signed checkpoints ------------------------------------------- */

/* A new Ed25519 key pair in two PEM files (private, public). */
static void
s_keypair(char priv[64], char pub[64])
{
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    assert_non_null(k);
    char *paths[2] = {priv, pub};
    for (int i = 0; i < 2; i++) {
        snprintf(paths[i], 64, "/tmp/aud_db_test_key_XXXXXX");
        int fd = mkstemp(paths[i]);
        assert_true(fd >= 0);
        FILE *f = fdopen(fd, "w");
        assert_non_null(f);
        assert_int_equal(
            i == 0 ? PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL)
                   : PEM_write_PUBKEY(f, k),
            1);
        fclose(f);
    }
    EVP_PKEY_free(k);
}

/* The chain and its checkpoints in one snapshot, as the service does. */
static void
s_verify_signed(PGconn *c, const aud_key_t *key, int64_t grace_us,
                aud_verify_result_t *res)
{
    assert_int_equal(cmn_pg_cmd(c, "BEGIN ISOLATION LEVEL REPEATABLE READ"), 0);
    assert_int_equal(aud_verify(c, res), 0);
    assert_true(res->ok);
    assert_int_equal(
        aud_verify_checkpoints(c, key, cmn_now_us(), grace_us, res), 0);
    cmn_pg_rollback(c);
    if (!res->ok)
        printf("verify: seq=%lld %s\n", (long long) res->bad_seq, res->reason);
}

static void
s_expect_signed_bad(PGconn *c, const aud_key_t *key, long long seq,
                    const char *reason_part)
{
    aud_verify_result_t res;
    s_verify_signed(c, key, INT64_C(600000000), &res);
    assert_false(res.ok);
    assert_int_equal(res.bad_seq, seq);
    assert_non_null(strstr(res.reason, reason_part));
}

static void
s_sign_and_check(void **state)
{
    (void) state;
    char priv[64], pub[64], why[256] = "";
    s_keypair(priv, pub);
    aud_key_t *sk = aud_key_load(priv, why, sizeof why),
              *pk = aud_key_load(pub, why, sizeof why);
    assert_non_null(sk);
    assert_non_null(pk);
    assert_true(aud_key_can_sign(sk));
    assert_false(aud_key_can_sign(pk));
    assert_string_equal(aud_key_id(sk), aud_key_id(pk));
    const char *h = "5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d9"
                    "11017c592";
    char sig[AUD_SIG_HEX_LEN + 1];
    assert_int_equal(aud_checkpoint_sign(pk, 7, h, 100, sig), CMN_EINVAL);
    assert_int_equal(aud_checkpoint_sign(sk, 7, h, 100, sig), 0);
    assert_int_equal(aud_checkpoint_check(pk, 7, h, 100, sig), 0);
    assert_int_equal(aud_checkpoint_check(pk, 8, h, 100, sig), CMN_EREJECT);
    assert_int_equal(aud_checkpoint_check(pk, 7, h, 101, sig), CMN_EREJECT);
    char other[AUD_HASH_HEX_LEN + 1];
    snprintf(other, sizeof other, "%s", h);
    other[0] = '6';
    assert_int_equal(aud_checkpoint_check(pk, 7, other, 100, sig), CMN_EREJECT);
    sig[10] = sig[10] == 'a' ? 'b' : 'a';
    assert_int_equal(aud_checkpoint_check(pk, 7, h, 100, sig), CMN_EREJECT);
    assert_int_equal(aud_checkpoint_check(pk, 7, h, 100, "zz"), CMN_EREJECT);

    /* Not a key, or not Ed25519: named. */
    assert_null(aud_key_load("/nonexistent/key.pem", why, sizeof why));
    assert_non_null(strstr(why, "/nonexistent/key.pem"));
    FILE *f = fopen(priv, "w");
    assert_non_null(f);
    fputs("not a key\n", f);
    fclose(f);
    assert_null(aud_key_load(priv, why, sizeof why));
    assert_non_null(strstr(why, "Ed25519"));
    aud_key_free(&sk);
    aud_key_free(&pk);
    unlink(priv);
    unlink(pub);
}

/* Rewrites seq 2's outcome and re-links every later record: a chain that
 * verifies on its own, as a superuser could rebuild it. */
static void
s_rebuild_chain(PGconn *admin, long long last)
{
    s_tamper(admin, "UPDATE chain SET outcome = 'rewritten' WHERE seq = 2");
    for (long long q = 2; q <= last; q++) {
        char seq[24], sql[160];
        snprintf(seq, sizeof seq, "%lld", q);
        snprintf(sql, sizeof sql,
                 "UPDATE chain SET prev_hash = (SELECT hash FROM chain WHERE "
                 "seq = %lld) WHERE seq = %lld",
                 q - 1, q);
        s_tamper(admin, sql);
        s_rehash(admin, seq);
    }
}

static void
s_checkpoints_anchor_the_chain(void **state)
{
    (void) state;
    char priv[64], pub[64], priv2[64], pub2[64], why[256] = "";
    s_keypair(priv, pub);
    s_keypair(priv2, pub2);
    aud_key_t *sk = aud_key_load(priv, why, sizeof why),
              *pk = aud_key_load(pub, why, sizeof why),
              *other = aud_key_load(pub2, why, sizeof why);
    assert_non_null(sk);
    assert_non_null(pk);
    assert_non_null(other);
    PGconn *svc = s_connect("audit_svc"), *admin = s_connect("mlps_admin");
    long long n = s_num(svc, "SELECT count(*) FROM chain");
    int64_t seq = -1;
    aud_verify_result_t res;

    /* Nothing signed yet: only a grace of 0 complains. */
    s_verify_signed(svc, pk, INT64_C(600000000), &res);
    assert_true(res.ok);
    assert_int_equal(res.checkpoints, 0);
    s_verify_signed(svc, pk, 0, &res);
    assert_false(res.ok);
    assert_int_equal(res.bad_seq, 1);
    assert_non_null(strstr(res.reason, "not under a signed checkpoint"));

    assert_int_equal(aud_checkpoint_make(svc, pk, &seq), CMN_EINVAL);
    assert_int_equal(aud_checkpoint_make(svc, sk, &seq), 0);
    assert_int_equal(seq, n);
    assert_int_equal(aud_checkpoint_make(svc, sk, &seq), 0);
    assert_int_equal(seq, 0); /* nothing new */
    assert_int_equal(s_append(svc, 3, "T-anchor"), 0);
    assert_int_equal(aud_checkpoint_make(svc, sk, &seq), 0);
    assert_int_equal(seq, n + 3);
    s_verify_signed(svc, pk, 0, &res);
    assert_true(res.ok);
    assert_int_equal(res.records, n + 3);
    assert_int_equal(res.checkpoints, 2);
    assert_int_equal(res.anchored_seq, n + 3);
    assert_string_equal(res.key_id, aud_key_id(pk));

    /* The service's role cannot change or remove a checkpoint. */
    assert_string_not_equal(s_try(svc, "DELETE FROM checkpoints"), "00000");
    assert_string_not_equal(
        s_try(svc, "UPDATE checkpoints SET signature = repeat('0', 128)"),
        "00000");

    /* Checked with another key. */
    s_expect_signed_bad(svc, other, n, "signed by key");

    s_triggers_off(admin);
    assert_string_equal(
        s_try(admin, "CREATE TEMP TABLE all_saved AS SELECT * FROM chain"),
        "00000");
    s_tamper(admin, "CREATE TEMP TABLE marks AS SELECT * FROM checkpoints "
                    "WHERE seq = (SELECT min(seq) FROM checkpoints)");
    /* A forged signature. */
    s_tamper(admin, "UPDATE checkpoints SET signature = repeat('0', 128) "
                    "WHERE seq = (SELECT min(seq) FROM checkpoints)");
    s_expect_signed_bad(svc, pk, n, "the signature does not match");
    s_tamper(admin, "UPDATE checkpoints k SET signature = m.signature FROM "
                    "marks m WHERE k.seq = m.seq");
    s_verify_signed(svc, pk, 0, &res);
    assert_true(res.ok);

    /* A rebuilt chain verifies by itself, but not against what was
     * signed. */
    s_rebuild_chain(admin, n + 3);
    s_expect_ok(svc, n + 3);
    s_expect_signed_bad(svc, pk, n, "not the one signed");
    /* A chain cut short, ending before a checkpoint. */
    PQclear(PQexec(admin, "DELETE FROM chain"));
    PQclear(PQexec(admin, "INSERT INTO chain SELECT * FROM all_saved"));
    s_verify_signed(svc, pk, 0, &res);
    assert_true(res.ok);
    char sql[96];
    snprintf(sql, sizeof sql, "DELETE FROM chain WHERE seq > %lld", n + 1);
    PQclear(PQexec(admin, sql));
    s_expect_ok(svc, n + 1);
    s_expect_signed_bad(svc, pk, n + 3, "the chain ends at seq");
    PQclear(PQexec(admin, "INSERT INTO chain SELECT * FROM all_saved "
                          "WHERE seq > (SELECT max(seq) FROM chain)"));
    s_verify_signed(svc, pk, 0, &res);
    assert_true(res.ok);
    assert_int_equal(res.checkpoints, 2);

    aud_key_free(&sk);
    aud_key_free(&pk);
    aud_key_free(&other);
    PQfinish(admin);
    PQfinish(svc);
    unlink(priv);
    unlink(pub);
    unlink(priv2);
    unlink(pub2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_empty_chain_verifies),
        cmocka_unit_test(s_svc_cannot_change_or_remove),
        cmocka_unit_test(s_appends_link),
        cmocka_unit_test(s_tampering_found),
        cmocka_unit_test(s_tail_removal_found),
        cmocka_unit_test(s_concurrent_appends_stay_linear),
        cmocka_unit_test(s_sign_and_check),
        cmocka_unit_test(s_checkpoints_anchor_the_chain),
    };
    return cmocka_run_group_tests(tests, s_setup, NULL);
}

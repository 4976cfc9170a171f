/* db_test.c - the audit schema on a real PostgreSQL (the ctest fixture's
 * shared cluster, MLPS_TEST_PGDIR): audit_svc's privileges, appends,
 * verify and what it says about tampering, concurrent appenders. */
#include "aud/anchor.h"
#include "aud/chain.h"
#include "aud/saved.h"
#include "aud/service.h"
#include "aud/signer.h"
#include "aud/verify.h"
#include "cmn/api.h"
#include "cmn/db.h"
#include "cmn/file.h"
#include "cmn/migrate.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* Appends n events of case_id with one aud_chain_append_many, in the open
 * transaction; dup_last: the last event repeats the first's id. */
static int
s_append_many_in(PGconn *c, int n, const char *case_id, bool dup_last)
{
    char(*ids)[37] = calloc((size_t) n, sizeof *ids);
    char(*outcomes)[32] = calloc((size_t) n, sizeof *outcomes);
    Mlps__V1__AuditEvent *evs = calloc((size_t) n, sizeof *evs);
    const char **idp = calloc((size_t) n, sizeof *idp);
    const Mlps__V1__AuditEvent **evp = calloc((size_t) n, sizeof *evp);
    assert_non_null(ids);
    assert_non_null(outcomes);
    assert_non_null(evs);
    assert_non_null(idp);
    assert_non_null(evp);
    for (int i = 0; i < n; i++) {
        cmn_uuid4(ids[i]);
        if (dup_last && i == n - 1 && i > 0)
            memcpy(ids[i], ids[0], sizeof ids[i]);
        snprintf(outcomes[i], sizeof outcomes[i], "many %d", i);
        evs[i] = (Mlps__V1__AuditEvent) MLPS__V1__AUDIT_EVENT__INIT;
        evs[i].service = "dbtest";
        evs[i].actor = "system";
        evs[i].action = "test.many";
        evs[i].case_id = (char *) case_id;
        evs[i].outcome = outcomes[i];
        evs[i].at_us = cmn_now_us() + i;
        idp[i] = ids[i];
        evp[i] = &evs[i];
    }
    int err = aud_chain_append_many(c, idp, evp, n);
    free(ids);
    free(outcomes);
    free(evs);
    free(idp);
    free(evp);
    return err;
}

/* The same, in a transaction of its own. */
static int
s_append_many(PGconn *c, int n, const char *case_id)
{
    int err = cmn_pg_cmd(c, "BEGIN");
    if (err == 0)
        err = s_append_many_in(c, n, case_id, false);
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
    char pw[256]; /* audit_svc logs in with its password, as the service */
    assert_int_equal(cmn_test_pg_password("audit_svc", pw, sizeof pw), 0);
    assert_int_equal(cmn_migrate_password(c, AUD_SCHEMA, pw, why, sizeof why),
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

/* Many at once link as one at a time do: after a single append in the same
 * transaction (one guarded statement), before one, in a transaction of
 * their own (the lock and the read first); a run with a repeated event id
 * puts nothing in, and the next append still links. */
static void
s_appends_many_link(void **state)
{
    (void) state;
    PGconn *svc = s_connect("audit_svc");
    long long before = s_num(svc, "SELECT count(*) FROM chain");
    assert_int_equal(cmn_pg_cmd(svc, "BEGIN"), 0);
    char id[37];
    cmn_uuid4(id);
    Mlps__V1__AuditEvent e = MLPS__V1__AUDIT_EVENT__INIT;
    e.service = "dbtest";
    e.action = "test.one";
    e.case_id = "T-many";
    e.at_us = cmn_now_us();
    assert_int_equal(aud_chain_append(svc, id, &e, NULL), 0);
    assert_int_equal(s_append_many_in(svc, 5, "T-many", false), 0);
    cmn_uuid4(id);
    assert_int_equal(aud_chain_append(svc, id, &e, NULL), 0);
    assert_int_equal(s_append_many_in(svc, 3, "T-many", false), 0);
    assert_int_equal(cmn_pg_cmd(svc, "COMMIT"), 0);
    assert_int_equal(s_append_many(svc, 4, "T-many"), 0);
    assert_int_equal(s_append_many(svc, 1, "T-many"), 0);
    long long want = before + 1 + 5 + 1 + 3 + 4 + 1;
    assert_int_equal(s_num(svc, "SELECT count(*) FROM chain"), want);
    assert_int_equal(s_num(svc, "SELECT max(seq) FROM chain"), want);
    /* one recorded_at per transaction */
    assert_int_equal(s_num(svc, "SELECT count(DISTINCT recorded_at) FROM "
                                "chain WHERE case_id = 'T-many'"),
                     3);
    s_expect_ok(svc, want);

    assert_int_equal(cmn_pg_cmd(svc, "BEGIN"), 0);
    assert_int_not_equal(s_append_many_in(svc, 3, "T-many", true), 0);
    cmn_pg_rollback(svc);
    assert_int_equal(s_num(svc, "SELECT count(*) FROM chain"), want);
    assert_int_equal(s_append_many(svc, 2, "T-many"), 0);
    s_expect_ok(svc, want + 2);
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
    for (int t = 0; t < S_THREAD_TXNS; t++) /* one at a time, or at once */
        if ((t % 2 ? s_append_many(c, S_TXN_EVENTS, "T-concurrent")
                   : s_append(c, S_TXN_EVENTS, "T-concurrent")) != 0)
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
        aud_verify_checkpoints(c, key, cmn_now_us(), grace_us, res, NULL), 0);
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

/* Links records from..last each to the one before and re-hashes them. */
static void
s_relink(PGconn *admin, long long from, long long last)
{
    for (long long q = from; q <= last; q++) {
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

/* Rewrites seq 2's outcome and re-links every later record: a chain that
 * verifies on its own, as a superuser could rebuild it. */
static void
s_rebuild_chain(PGconn *admin, long long last)
{
    s_tamper(admin, "UPDATE chain SET outcome = 'rewritten' WHERE seq = 2");
    s_relink(admin, 2, last);
}

static void
s_checkpoints_anchor_the_chain(void **state)
{
    (void) state;
    char priv[64], pub[64], priv2[64], pub2[64], why[400] = "";
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

    aud_checkpoint_t last = {0};
    assert_int_equal(aud_checkpoint_make(svc, pk, &last, &seq, why, sizeof why),
                     CMN_EINVAL);
    assert_int_equal(aud_checkpoint_make(svc, sk, &last, &seq, why, sizeof why),
                     0);
    assert_int_equal(seq, n);
    assert_int_equal(last.seq, n);
    assert_int_equal(aud_checkpoint_make(svc, sk, &last, &seq, why, sizeof why),
                     0);
    assert_int_equal(seq, 0); /* nothing new */
    assert_int_equal(s_append(svc, 3, "T-anchor"), 0);
    assert_int_equal(aud_checkpoint_make(svc, sk, &last, &seq, why, sizeof why),
                     0);
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


/* --- checkpoints kept outside the database ----------------------------- */

/* Runs sql (one statement or several) as c, asserting it worked. */
static void
s_sql(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
    assert_true(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK);
    PQclear(r);
}

/* The first column of the first row of sql, as text (static buffer). */
static const char *
s_text(PGconn *c, const char *sql)
{
    static char buf[256];
    PGresult *r = PQexec(c, sql);
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    assert_int_equal(PQntuples(r), 1);
    snprintf(buf, sizeof buf, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    return buf;
}

static void
s_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

typedef struct {
    char priv[64], pub[64];
    aud_key_t *sk, *pk; /* signs; verifies only */
} s_keys_t;

static void
s_keys_make(s_keys_t *k)
{
    char why[256];
    s_keypair(k->priv, k->pub);
    k->sk = aud_key_load(k->priv, why, sizeof why);
    k->pk = aud_key_load(k->pub, why, sizeof why);
    assert_non_null(k->sk);
    assert_non_null(k->pk);
}

static void
s_keys_drop(s_keys_t *k)
{
    aud_key_free(&k->sk);
    aud_key_free(&k->pk);
    unlink(k->priv);
    unlink(k->pub);
}

/* aud_verify_all with pk, a grace of 600 s and the kept checkpoints. */
static void
s_verify_kept(PGconn *c, const aud_key_t *pk, const aud_checkpoint_t *since,
              const aud_checkpoint_t *signed_last, aud_verify_result_t *res,
              aud_checkpoint_t *latest)
{
    aud_verify_opts_t o = {
        .key = pk, .grace_s = 600, .since = since, .signed_last = signed_last};
    assert_int_equal(aud_verify_all(c, &o, res, latest), 0);
    if (!res->ok)
        printf("verify: seq=%lld %s\n", (long long) res->bad_seq, res->reason);
}

/* Verify with since must fail, its reason holding part; returns 1. */
static int
s_named(PGconn *c, const aud_key_t *pk, const aud_checkpoint_t *since,
        const char *part)
{
    aud_verify_result_t res;
    s_verify_kept(c, pk, since, NULL, &res, NULL);
    assert_false(res.ok);
    assert_non_null(strstr(res.reason, part));
    return 1;
}

/* Verify without anything kept outside passes: the tables alone show no
 * rewrite. */
static void
s_tables_alone_pass(PGconn *c, const aud_key_t *pk, long long records)
{
    aud_verify_result_t res;
    s_verify_kept(c, pk, NULL, NULL, &res, NULL);
    assert_true(res.ok);
    assert_int_equal(res.records, records);
}

/* The superuser's copy of the chain, its checkpoints and the inbox, and
 * putting them back. */
static void
s_snapshot(PGconn *admin)
{
    s_sql(admin, "CREATE TEMP TABLE k_chain AS SELECT * FROM chain; "
                 "CREATE TEMP TABLE k_marks AS SELECT * FROM checkpoints; "
                 "CREATE TEMP TABLE k_inbox AS SELECT * FROM inbox");
}

static void
s_restore(PGconn *admin)
{
    s_sql(admin, "DELETE FROM chain; INSERT INTO chain SELECT * FROM k_chain; "
                 "DELETE FROM checkpoints; "
                 "INSERT INTO checkpoints SELECT * FROM k_marks; "
                 "DELETE FROM inbox; INSERT INTO inbox SELECT * FROM k_inbox");
}

/* A careful intruder also removes what the inbox says of removed events. */
static void
s_cover_tracks(PGconn *admin)
{
    s_sql(admin, "DELETE FROM inbox i WHERE NOT EXISTS (SELECT 1 FROM chain c "
                 "WHERE c.event_id = i.message_id)");
}

/* Every event of the chain, as the inbox would have recorded it. */
static void
s_inbox_applied(PGconn *admin)
{
    s_sql(admin, "INSERT INTO inbox (message_id, source, type, "
                 "correlation_id, status) SELECT event_id, 'dbtest', "
                 "'mlps.v1.AuditEvent', case_id, 'applied' FROM chain "
                 "ON CONFLICT DO NOTHING");
}

static void
s_saved_file_checked(void **state)
{
    (void) state;
    char dir[] = "/tmp/aud_db_test_saved_XXXXXX", path[96], why[400];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/saved", dir);
    aud_checkpoint_t cp = {.seq = 42, .signed_at_us = 1795000000123456}, back;
    memset(cp.hash, 'a', AUD_HASH_HEX_LEN);
    memset(cp.key_id, 'b', AUD_KEY_ID_HEX_LEN);
    memset(cp.signature, 'c', AUD_SIG_HEX_LEN);
    snprintf(cp.event_id, sizeof cp.event_id, "%s",
             "00000000-0000-4000-8000-000000000001");

    assert_int_equal(aud_saved_read(path, &back, why, sizeof why), CMN_ENOENT);
    assert_int_equal(aud_saved_write(path, &cp, why, sizeof why), 0);
    assert_int_equal(aud_saved_read(path, &back, why, sizeof why), 0);
    assert_int_equal(back.seq, 42);
    assert_string_equal(back.hash, cp.hash);
    assert_int_equal(back.signed_at_us, cp.signed_at_us);
    assert_string_equal(back.key_id, cp.key_id);
    assert_string_equal(back.signature, cp.signature);
    assert_string_equal(back.event_id, cp.event_id);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    /* It begins with the signed text. */
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(cmn_file_read(path, 4096, &text, &len, why, sizeof why),
                     0);
    assert_int_equal(
        strncmp(text, "mlps.audit.checkpoint.v1\nseq=42\nhash=a", 38), 0);
    assert_non_null(strstr(text, "\nsigned_at_us=1795000000123456\nkey_id="));
    free(text);

    /* What is not a checkpoint is named, by line. */
    static const struct {
        const char *text, *named;
    } bad[] = {
        {"not a checkpoint\n", "line 1"},
        {"mlps.audit.checkpoint.v1\nseq=0\n", "line 2: \"seq\""},
        {"mlps.audit.checkpoint.v1\nseq=007\n", "line 2: \"seq\""},
        {"mlps.audit.checkpoint.v1\nseq=4\nhash=ABC\n", "line 3: \"hash\""},
        {"mlps.audit.checkpoint.v1\nhash=ab\n", "line 2: \"seq\""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        s_write_file(path, bad[i].text);
        assert_int_equal(aud_saved_read(path, &back, why, sizeof why),
                         CMN_EINVAL);
        assert_non_null(strstr(why, path));
        assert_non_null(strstr(why, bad[i].named));
    }
    /* A line missing at the end, or one too many. */
    assert_int_equal(aud_saved_write(path, &cp, why, sizeof why), 0);
    assert_int_equal(cmn_file_read(path, 4096, &text, &len, why, sizeof why),
                     0);
    char cut[1024], more[1100];
    snprintf(cut, sizeof cut, "%.*s", (int) (strstr(text, "event_id=") - text),
             text);
    snprintf(more, sizeof more, "%sextra=1\n", text);
    free(text);
    s_write_file(path, cut);
    assert_int_equal(aud_saved_read(path, &back, why, sizeof why), CMN_EINVAL);
    assert_non_null(strstr(why, "line 7: \"event_id\""));
    s_write_file(path, more);
    assert_int_equal(aud_saved_read(path, &back, why, sizeof why), CMN_EINVAL);
    assert_non_null(strstr(why, "line 8"));
    /* Nothing malformed is written. */
    cp.seq = 0;
    assert_int_equal(aud_saved_write(path, &cp, why, sizeof why), CMN_EINVAL);
    assert_non_null(strstr(why, "\"seq\""));
    unlink(path);
    rmdir(dir);
}

/* The verifier's saved checkpoint against five rewrites that leave the
 * tables verifying on their own (records fresh, grace 600 s). */
static void
s_saved_rewrites_named(void **state)
{
    s_setup(state); /* a fresh schema */
    s_keys_t k, k2;
    s_keys_make(&k);
    s_keys_make(&k2);
    PGconn *svc = s_connect("audit_svc"), *admin = s_connect("mlps_admin");
    aud_checkpoint_t last = {0}, latest, saved;
    aud_verify_result_t res;
    char dir[] = "/tmp/aud_db_test_since_XXXXXX", path[96], why[400];
    int64_t seq = 0;
    int named = 0;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/saved", dir);

    /* Signed at 6; the verifier saves that; signed again at 10. */
    assert_int_equal(s_append(svc, 6, "T-since"), 0);
    assert_int_equal(
        aud_checkpoint_make(svc, k.sk, &last, &seq, why, sizeof why), 0);
    assert_int_equal(seq, 6);
    s_verify_kept(svc, k.pk, NULL, NULL, &res, &latest);
    assert_true(res.ok);
    assert_int_equal(latest.seq, 6);
    assert_string_equal(
        latest.event_id,
        s_text(svc, "SELECT event_id FROM chain WHERE seq = 6"));
    assert_int_equal(aud_saved_write(path, &latest, why, sizeof why), 0);
    assert_int_equal(aud_saved_read(path, &saved, why, sizeof why), 0);
    assert_int_equal(s_append(svc, 4, "T-since"), 0);
    assert_int_equal(
        aud_checkpoint_make(svc, k.sk, &last, &seq, why, sizeof why), 0);
    assert_int_equal(seq, 10);
    s_inbox_applied(admin);
    s_verify_kept(svc, k.pk, &saved, NULL, &res, NULL);
    assert_true(res.ok);
    assert_int_equal(res.checkpoints, 2);

    s_triggers_off(admin);
    s_snapshot(admin);
    /* 1. Checkpoints deleted, from the saved one on. */
    s_sql(admin, "DELETE FROM checkpoints WHERE seq >= 6");
    s_tables_alone_pass(svc, k.pk, 10);
    named += s_named(svc, k.pk, &saved, "checkpoints deleted:");
    s_restore(admin);
    /* 2. Rebuilt: seq 2 changed, every later record re-hashed, the
     * checkpoints that no longer match deleted. */
    s_rebuild_chain(admin, 10);
    s_sql(admin, "DELETE FROM checkpoints");
    s_tables_alone_pass(svc, k.pk, 10);
    named += s_named(svc, k.pk, &saved, "rebuilt: the record at seq 6");
    s_restore(admin);
    /* 3. Renumbered: seq 3 removed, the later ones shifted down by one. */
    s_sql(admin, "DELETE FROM chain WHERE seq = 3; "
                 "UPDATE chain SET seq = seq + 1000000 WHERE seq > 3; "
                 "UPDATE chain SET seq = seq - 1000001 WHERE seq > 1000000; "
                 "DELETE FROM checkpoints");
    s_relink(admin, 3, 9);
    s_cover_tracks(admin);
    s_tables_alone_pass(svc, k.pk, 9);
    named += s_named(svc, k.pk, &saved, "renumbered:");
    s_named(svc, k.pk, &saved, "is now at seq 5");
    s_restore(admin);
    /* 4. A forged tail: three records after the head that link up, were
     * never signed, and are dated two hours back. */
    assert_int_equal(s_append(svc, 3, "T-forged"), 0);
    s_sql(admin, "UPDATE chain SET recorded_at = now() - interval '2 hours' "
                 "WHERE seq > 10");
    s_relink(admin, 11, 13);
    named += s_named(svc, k.pk, &saved, "forged tail: seq 11..13");
    s_verify_kept(svc, k.pk, NULL, NULL, &res, NULL); /* the grace sees it */
    assert_false(res.ok);
    assert_int_equal(res.bad_seq, 11);
    s_restore(admin);
    /* 5. Emptied: the chain, its checkpoints and the inbox. */
    s_sql(admin, "DELETE FROM chain; DELETE FROM checkpoints");
    s_cover_tracks(admin);
    s_tables_alone_pass(svc, k.pk, 0);
    named += s_named(svc, k.pk, &saved, "emptied:");
    s_restore(admin);
    printf("saved checkpoint: %d of 5 rewrites detected and named\n", named);
    assert_int_equal(named, 5);

    /* The file changed, or checked with another key. */
    s_verify_kept(svc, k.pk, &saved, NULL, &res, NULL);
    assert_true(res.ok);
    aud_checkpoint_t forged = saved;
    forged.signed_at_us++;
    s_named(svc, k.pk, &forged, "the signature does not match");
    s_named(svc, k2.pk, &saved, "signed by key");

    unlink(path);
    rmdir(dir);
    s_keys_drop(&k);
    s_keys_drop(&k2);
    PQfinish(admin);
    PQfinish(svc);
}

/* The signer's state file: read back, or named when it is not this key's
 * checkpoint. */
static void
s_expect_state(const char *path, long long seq, PGconn *c)
{
    aud_checkpoint_t cp;
    char why[400], sql[96];
    assert_int_equal(aud_saved_read(path, &cp, why, sizeof why), 0);
    assert_int_equal(cp.seq, seq);
    snprintf(sql, sizeof sql, "SELECT hash FROM chain WHERE seq = %lld", seq);
    assert_string_equal(cp.hash, s_text(c, sql));
    snprintf(sql, sizeof sql, "SELECT event_id FROM chain WHERE seq = %lld",
             seq);
    assert_string_equal(cp.event_id, s_text(c, sql));
}

/* One round: its return code; *seq the seq signed. */
static int
s_round(aud_signer_t *sg, PGconn *c, int64_t *seq)
{
    *seq = -1;
    return aud_signer_run(sg, c, seq);
}

/* The signer refuses, with the alarm holding part; signs nothing. */
static void
s_expect_refused(aud_signer_t *sg, PGconn *c, const char *part)
{
    aud_checkpoint_t last;
    char alarm[400];
    int64_t seq;
    long long marks = s_num(c, "SELECT count(*) FROM checkpoints");
    assert_int_equal(s_round(sg, c, &seq), CMN_EREJECT);
    assert_int_equal(seq, 0);
    assert_true(aud_signer_state(sg, &last, alarm, sizeof alarm));
    printf("signer: %s\n", alarm);
    assert_non_null(strstr(alarm, part));
    assert_int_equal(s_num(c, "SELECT count(*) FROM checkpoints"), marks);
}

static void
s_signer_state_survives_restart(void **state)
{
    s_setup(state); /* a fresh schema */
    s_keys_t k;
    s_keys_make(&k);
    PGconn *svc = s_connect("audit_svc");
    char dir[] = "/tmp/aud_db_test_signer_XXXXXX", path[96], path2[96],
         why[400];
    aud_checkpoint_t last, before;
    int64_t seq;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/sign.pem.state", dir);
    snprintf(path2, sizeof path2, "%s/replica.state", dir);

    aud_signer_t *sg = aud_signer_new(k.sk, path, why, sizeof why);
    assert_non_null(sg);
    assert_false(aud_signer_state(sg, &last, why, sizeof why));
    assert_int_equal(last.seq, 0);
    assert_int_equal(s_round(sg, svc, &seq), 0);
    assert_int_equal(seq, 0); /* an empty chain */
    assert_int_equal(aud_saved_read(path, &last, why, sizeof why), CMN_ENOENT);
    assert_int_equal(s_append(svc, 5, "T-signer"), 0);
    assert_int_equal(s_round(sg, svc, &seq), 0);
    assert_int_equal(seq, 5);
    s_expect_state(path, 5, svc);
    assert_int_equal(s_round(sg, svc, &seq), 0);
    assert_int_equal(seq, 0); /* nothing new */
    assert_int_equal(s_append(svc, 3, "T-signer"), 0);
    assert_int_equal(s_round(sg, svc, &seq), 0);
    assert_int_equal(seq, 8);
    s_expect_state(path, 8, svc);
    aud_signer_state(sg, &before, why, sizeof why);

    /* Restarted: the new signer goes on from the state file. */
    aud_signer_destroy(&sg);
    assert_null(sg);
    sg = aud_signer_new(k.sk, path, why, sizeof why);
    assert_non_null(sg);
    assert_false(aud_signer_state(sg, &last, why, sizeof why));
    assert_int_equal(last.seq, 8);
    assert_string_equal(last.signature, before.signature);
    assert_int_equal(s_round(sg, svc, &seq), 0);
    assert_int_equal(seq, 0);
    assert_int_equal(s_append(svc, 2, "T-signer"), 0);
    assert_int_equal(s_round(sg, svc, &seq), 0);
    assert_int_equal(seq, 10);
    s_expect_state(path, 10, svc);

    /* A replica with the same key and no state moves on to seq 10, which
     * the other signed, without signing it again. */
    aud_signer_t *replica = aud_signer_new(k.sk, path2, why, sizeof why);
    assert_non_null(replica);
    assert_int_equal(s_round(replica, svc, &seq), 0);
    assert_int_equal(seq, 0);
    assert_false(aud_signer_state(replica, &last, why, sizeof why));
    assert_int_equal(last.seq, 10);
    s_expect_state(path2, 10, svc);
    aud_signer_destroy(&replica);

    /* Not this key's checkpoint, or not a checkpoint: start-up stops. */
    assert_int_equal(aud_saved_read(path, &last, why, sizeof why), 0);
    last.signed_at_us++;
    assert_int_equal(aud_saved_write(path2, &last, why, sizeof why), 0);
    assert_null(aud_signer_new(k.sk, path2, why, sizeof why));
    assert_non_null(strstr(why, path2));
    assert_non_null(strstr(why, "not a checkpoint signed with key"));
    s_write_file(path2, "seq=10\n");
    assert_null(aud_signer_new(k.sk, path2, why, sizeof why));
    assert_non_null(strstr(why, "line 1"));

    aud_signer_destroy(&sg);
    unlink(path);
    unlink(path2);
    rmdir(dir);
    s_keys_drop(&k);
    PQfinish(svc);
}

/* The superuser rewrites the chain after the signer's last checkpoint;
 * the signer refuses to sign, and keeps refusing. */
static void
s_signer_refuses_rewritten_chain(void **state)
{
    s_setup(state); /* a fresh schema */
    s_keys_t k;
    s_keys_make(&k);
    PGconn *svc = s_connect("audit_svc"), *admin = s_connect("mlps_admin");
    char dir[] = "/tmp/aud_db_test_refuse_XXXXXX", path[96], why[400];
    aud_checkpoint_t kept, none = {0};
    aud_verify_result_t res;
    int64_t seq;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/sign.pem.state", dir);
    aud_signer_t *sg = aud_signer_new(k.sk, path, why, sizeof why);
    assert_non_null(sg);
    assert_int_equal(s_append(svc, 5, "T-refuse"), 0);
    assert_int_equal(s_round(sg, svc, &seq), 0);
    assert_int_equal(s_append(svc, 5, "T-refuse"), 0);
    assert_int_equal(s_round(sg, svc, &seq), 0);
    assert_int_equal(seq, 10);
    assert_int_equal(aud_saved_read(path, &kept, why, sizeof why), 0);
    s_triggers_off(admin);
    s_snapshot(admin);

    /* Cut back: the chain ends before what was signed. */
    s_sql(admin, "DELETE FROM checkpoints WHERE seq > 5; "
                 "DELETE FROM chain WHERE seq > 8");
    s_expect_refused(sg, svc,
                     AUD_SIGNER_NOT_EXTENDED "10: cut: the chain "
                                             "ends at seq 8");
    s_restore(admin);
    aud_signer_destroy(&sg); /* a restart: refusing ends there */
    sg = aud_signer_new(k.sk, path, why, sizeof why);
    assert_non_null(sg);
    assert_int_equal(s_round(sg, svc, &seq), 0);

    /* Checkpoints and records after seq 5 deleted and the chain grown
     * again: what is left verifies on its own, records and checkpoint. */
    s_sql(admin, "DELETE FROM checkpoints WHERE seq > 5; "
                 "DELETE FROM chain WHERE seq > 5");
    assert_int_equal(s_append(svc, 7, "T-rebuilt"), 0);
    s_verify_kept(svc, k.pk, NULL, NULL, &res, NULL);
    assert_true(res.ok);
    assert_int_equal(res.records, 12);
    assert_int_equal(res.anchored_seq, 5);
    /* ... but not against the signer's state file (the command's check). */
    s_verify_kept(svc, k.pk, NULL, &kept, &res, NULL);
    assert_false(res.ok);
    assert_int_equal(res.bad_seq, 10);
    assert_non_null(strstr(res.reason, AUD_SIGNER_NOT_EXTENDED "10: rebuilt:"));
    s_expect_refused(sg, svc,
                     AUD_SIGNER_NOT_EXTENDED "10: rebuilt: seq 10 "
                                             "holds another record");
    s_expect_refused(sg, svc, AUD_SIGNER_NOT_EXTENDED "10:"); /* again */
    aud_checkpoint_t now; /* the state file is as it was */
    assert_int_equal(aud_saved_read(path, &now, why, sizeof why), 0);
    assert_int_equal(now.seq, 10);
    assert_string_equal(now.signature, kept.signature);
    /* Without its state a signer would have signed the rebuilt head. */
    assert_int_equal(
        aud_checkpoint_make(svc, k.sk, &none, &seq, why, sizeof why), 0);
    assert_int_equal(seq, 12);

    /* Put back: the chain extends seq 10 again, and still the signer
     * refuses, until it is restarted. */
    s_restore(admin);
    s_verify_kept(svc, k.pk, NULL, &kept, &res, NULL);
    assert_true(res.ok);
    s_expect_refused(sg, svc, AUD_SIGNER_NOT_EXTENDED "10: rebuilt:");
    aud_signer_destroy(&sg);
    sg = aud_signer_new(k.sk, path, why, sizeof why);
    assert_non_null(sg);
    assert_int_equal(s_append(svc, 1, "T-refuse"), 0);
    assert_int_equal(s_round(sg, svc, &seq), 0);
    assert_int_equal(seq, 11);

    /* A record after the last checkpoint changed, its hash left: the
     * signer names it and signs nothing on top of it. */
    assert_int_equal(s_append(svc, 2, "T-refuse"), 0);
    s_sql(admin, "UPDATE chain SET outcome = 'changed' WHERE seq = 12");
    s_expect_refused(sg, svc, AUD_SIGNER_NOT_EXTENDED "11: seq 12 (event ");
    s_expect_refused(sg, svc, "hash: does not match the record's contents");

    aud_signer_destroy(&sg);
    unlink(path);
    rmdir(dir);
    s_keys_drop(&k);
    PQfinish(admin);
    PQfinish(svc);
}

/* A replica with the same key signed further; the superuser rebuilt the
 * records after this signer's last checkpoint, up to the replica's: the
 * walk links, but the replica's checkpoint no longer matches. */
static void
s_signer_checks_a_replicas_checkpoint(void **state)
{
    s_setup(state); /* a fresh schema */
    s_keys_t k;
    s_keys_make(&k);
    PGconn *svc = s_connect("audit_svc"), *admin = s_connect("mlps_admin");
    char dir[] = "/tmp/aud_db_test_replica_XXXXXX", pa[96], pb[96], why[400];
    int64_t seq;
    assert_non_null(mkdtemp(dir));
    snprintf(pa, sizeof pa, "%s/a.state", dir);
    snprintf(pb, sizeof pb, "%s/b.state", dir);
    aud_signer_t *a = aud_signer_new(k.sk, pa, why, sizeof why),
                 *b = aud_signer_new(k.sk, pb, why, sizeof why);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(s_append(svc, 5, "T-replica"), 0);
    assert_int_equal(s_round(a, svc, &seq), 0);
    assert_int_equal(seq, 5);
    assert_int_equal(s_append(svc, 2, "T-replica"), 0);
    assert_int_equal(s_round(b, svc, &seq), 0);
    assert_int_equal(seq, 7);
    s_triggers_off(admin);
    s_sql(admin, "UPDATE chain SET outcome = 'rewritten' WHERE seq = 6");
    s_relink(admin, 6, 7);
    s_expect_refused(a, svc,
                     "the chain no longer extends the checkpoint at "
                     "seq 7 in audit.checkpoints: rebuilt: the "
                     "record at seq 7");
    s_expect_refused(b, svc, AUD_SIGNER_NOT_EXTENDED "7: rebuilt:");
    aud_signer_destroy(&a);
    aud_signer_destroy(&b);
    unlink(pa);
    unlink(pb);
    rmdir(dir);
    s_keys_drop(&k);
    PQfinish(admin);
    PQfinish(svc);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_empty_chain_verifies),
        cmocka_unit_test(s_svc_cannot_change_or_remove),
        cmocka_unit_test(s_appends_link),
        cmocka_unit_test(s_appends_many_link),
        cmocka_unit_test(s_tampering_found),
        cmocka_unit_test(s_tail_removal_found),
        cmocka_unit_test(s_concurrent_appends_stay_linear),
        cmocka_unit_test(s_sign_and_check),
        cmocka_unit_test(s_checkpoints_anchor_the_chain),
        cmocka_unit_test(s_saved_file_checked),
        cmocka_unit_test(s_saved_rewrites_named),
        cmocka_unit_test(s_signer_state_survives_restart),
        cmocka_unit_test(s_signer_refuses_rewritten_chain),
        cmocka_unit_test(s_signer_checks_a_replicas_checkpoint),
    };
    return cmocka_run_group_tests(tests, s_setup, NULL);
}

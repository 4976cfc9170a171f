/* db_test.c - the audit schema on a real PostgreSQL (the ctest fixture's
 * shared cluster, MLPS_TEST_PGDIR): audit_svc's privileges, appends,
 * verify and what it says about tampering, concurrent appenders. */
#include "aud/chain.h"
#include "aud/service.h"
#include "aud/verify.h"
#include "cmn/api.h"
#include "cmn/db.h"
#include "cmn/migrate.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    };
    return cmocka_run_group_tests(tests, s_setup, NULL);
}

/* db_test.c - migrations, role isolation and the connection pool, against
 * the private PostgreSQL cluster of the ctest fixture (MLPS_TEST_PGDIR). */
#include "cmn/db.h"
#include "cmn/migrate.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmn_test/pg.h"

static char s_admin[256];

static PGconn *
s_connect(const char *user)
{
    char url[256];
    cmn_test_pg_url(url, sizeof url, user);
    PGconn *c = PQconnectdb(url);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    cmn_pg_quiet(c);
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

static const cmn_migration_t s_set_a[] = {
    {"dbt/001_items", "CREATE TABLE items (id int PRIMARY KEY, v text);"
                      "GRANT SELECT, INSERT, UPDATE ON items TO ${svc_role};"},
    {"dbt/002_log", "CREATE TABLE log (id bigserial PRIMARY KEY, what text);"
                    "GRANT SELECT, INSERT ON log TO ${svc_role};"
                    "GRANT USAGE ON SEQUENCE log_id_seq TO ${svc_role};"},
    {NULL, NULL},
};

/* Sets schema's service role's password to the cluster's (made once by
 * pgcluster.sh password), as a service does when it migrates. */
static void
s_set_password(PGconn *admin, const char *schema)
{
    char role[64], pw[256], why[256] = "";
    snprintf(role, sizeof role, "%s_svc", schema);
    assert_int_equal(cmn_test_pg_password(role, pw, sizeof pw), 0);
    assert_int_equal(cmn_migrate_password(admin, schema, pw, why, sizeof why),
                     0);
}

/* Tries to log in with conninfo; returns libpq's message ("" when it got
 * in). */
static const char *
s_login(const char *conninfo)
{
    static char msg[512];
    PGconn *c = PQconnectdb(conninfo);
    snprintf(msg, sizeof msg, "%s",
             PQstatus(c) == CONNECTION_OK ? "" : PQerrorMessage(c));
    PQfinish(c);
    return msg;
}

static int
s_setup(void **state)
{
    (void) state;
    cmn_test_pg_url(s_admin, sizeof s_admin, "mlps_admin");
    PGconn *c = s_connect("mlps_admin");
    assert_string_equal(
        s_try(c, "DROP SCHEMA IF EXISTS dbt_a, dbt_b, dbt_c, dbt_d, dbt_e "
                 "CASCADE"),
        "00000");
    PQfinish(c);
    return 0;
}

static void
test_migrate_idempotent(void **state)
{
    (void) state;
    PGconn *c = s_connect("mlps_admin");
    const cmn_migration_t *sets[] = {common_migrations, s_set_a, NULL};
    char why[256] = "";
    int applied = -1;
    assert_int_equal(cmn_migrate(c, "dbt_a", sets, &applied, why, sizeof why),
                     0);
    assert_int_equal(applied, 5); /* runtime (three) + two of ours */
    s_set_password(c, "dbt_a");
    assert_int_equal(cmn_migrate(c, "dbt_a", sets, &applied, why, sizeof why),
                     0);
    assert_int_equal(applied, 0);
    PGresult *r = PQexec(c, "SELECT count(*) FROM dbt_a.schema_migrations");
    assert_string_equal(PQgetvalue(r, 0, 0), "5");
    PQclear(r);
    PQfinish(c);
}

/* A schema from before 003_refused_versions, where a refused version 1
 * left its case without an inbox_case row (so version 2 waited for ever):
 * the migration moves each case to the newest version its inbox recorded,
 * and never back. */
static void
test_migrate_moves_refused_versions_on(void **state)
{
    (void) state;
    PGconn *c = s_connect("mlps_admin");
    cmn_migration_t before[3] = {
        common_migrations[0], common_migrations[1], {NULL, NULL}};
    assert_string_equal(before[1].id, "common/002_outbox_hot");
    const cmn_migration_t *old_sets[] = {before, NULL};
    const cmn_migration_t *sets[] = {common_migrations, NULL};
    char why[256] = "";
    assert_int_equal(cmn_migrate(c, "dbt_e", old_sets, NULL, why, sizeof why),
                     0);
    assert_string_equal(
        s_try(c, "INSERT INTO dbt_e.inbox (message_id, source, type, "
                 "correlation_id, case_version, status, reason) VALUES "
                 "(gen_random_uuid(), 'intake', 't', 'C-1', 1, 'rejected', "
                 "'x'), (gen_random_uuid(), 'intake', 't', 'C-2', 1, "
                 "'applied', NULL), (gen_random_uuid(), 'intake', 't', "
                 "'C-2', 2, 'rejected', 'x');"
                 "INSERT INTO dbt_e.inbox_case VALUES ('intake', 'C-2', 2), "
                 "('intake', 'C-3', 7)"),
        "00000");
    assert_int_equal(cmn_migrate(c, "dbt_e", sets, NULL, why, sizeof why), 0);
    PGresult *r = PQexec(c, "SELECT string_agg(correlation_id || '=' || "
                            "version, ',' ORDER BY correlation_id) FROM "
                            "dbt_e.inbox_case");
    assert_string_equal(PQgetvalue(r, 0, 0), "C-1=1,C-2=2,C-3=7");
    PQclear(r);
    PQfinish(c);
}

static void
test_migrate_changed_text_refused(void **state)
{
    (void) state;
    PGconn *c = s_connect("mlps_admin");
    const cmn_migration_t changed[] = {
        {"dbt/001_items", "CREATE TABLE items (id int);"}, {NULL, NULL}};
    const cmn_migration_t *sets[] = {changed, NULL};
    char why[256] = "";
    assert_int_equal(cmn_migrate(c, "dbt_a", sets, NULL, why, sizeof why),
                     CMN_ECONFIG);
    assert_non_null(strstr(why, "changed after it was applied"));
    assert_non_null(strstr(why, "dbt/001_items"));
    PQfinish(c);
}

static void
test_migrate_failure_applies_nothing(void **state)
{
    (void) state;
    PGconn *c = s_connect("mlps_admin");
    const cmn_migration_t bad[] = {
        {"dbt/001_half", "CREATE TABLE half (id int); SELECT nonsense();"},
        {NULL, NULL}};
    const cmn_migration_t *sets[] = {bad, NULL};
    char why[256] = "";
    assert_int_not_equal(cmn_migrate(c, "dbt_b", sets, NULL, why, sizeof why),
                         0);
    assert_non_null(strstr(why, "dbt/001_half"));
    assert_string_equal(s_try(c, "SELECT * FROM dbt_b.half"), "42P01");
    PGresult *r = PQexec(c, "SELECT count(*) FROM dbt_b.schema_migrations");
    assert_string_equal(PQgetvalue(r, 0, 0), "0");
    PQclear(r);
    PQfinish(c);
}

static void
test_migrate_rejects_bad_schema_name(void **state)
{
    (void) state;
    PGconn *c = s_connect("mlps_admin");
    const cmn_migration_t *sets[] = {NULL};
    char why[256] = "";
    assert_int_equal(cmn_migrate(c, "x; DROP", sets, NULL, why, sizeof why),
                     CMN_EINVAL);
    assert_non_null(strstr(why, "not a plain identifier"));
    PQfinish(c);
}

static void
test_roles_reach_only_their_schema(void **state)
{
    (void) state;
    PGconn *a = s_connect("mlps_admin");
    const cmn_migration_t *sets[] = {common_migrations, s_set_a, NULL};
    char why[256];
    assert_int_equal(cmn_migrate(a, "dbt_c", sets, NULL, why, sizeof why), 0);
    PQfinish(a);

    PGconn *c = s_connect("dbt_a_svc");
    assert_string_equal(s_try(c, "INSERT INTO dbt_a.items VALUES (1, 'x')"),
                        "00000");
    assert_string_equal(s_try(c, "INSERT INTO dbt_a.log (what) VALUES ('x')"),
                        "00000");
    /* insert-only table: no update, no delete */
    assert_string_equal(s_try(c, "UPDATE dbt_a.log SET what = 'y'"), "42501");
    assert_string_equal(s_try(c, "DELETE FROM dbt_a.log"), "42501");
    /* another service's schema is out of reach */
    assert_string_equal(s_try(c, "SELECT * FROM dbt_c.items"), "42501");
    /* no objects of its own anywhere */
    assert_string_equal(s_try(c, "CREATE TABLE public.t (i int)"), "42501");
    assert_string_equal(s_try(c, "CREATE TABLE dbt_a.t (i int)"), "42501");
    assert_string_equal(s_try(c, "DROP TABLE dbt_a.items"), "42501");
    /* the inbox is insert-only too */
    assert_string_equal(s_try(c, "DELETE FROM dbt_a.inbox"), "42501");
    PQfinish(c);
}

/* Roles are the cluster's, the migration lock a database's: the same
 * schema migrated in two databases of one cluster at once (two offices on
 * one server, or a replica of each) updates the same role rows. Each side
 * must still succeed every time, neither failing with "tuple concurrently
 * updated". */
typedef struct {
    char url[512], pw[256], why[256];
    int failed;
} s_side_t;

static const cmn_migration_t s_set_d[] = {
    {"dbt/001_d", "CREATE TABLE d (id int PRIMARY KEY);"
                  "GRANT SELECT ON d TO ${svc_role};"},
    {NULL, NULL},
};

static void
s_side_run(void *arg)
{
    s_side_t *side = arg;
    PGconn *c = PQconnectdb(side->url);
    if (PQstatus(c) != CONNECTION_OK) {
        snprintf(side->why, sizeof side->why, "%s", PQerrorMessage(c));
        side->failed = 1;
        PQfinish(c);
        return;
    }
    cmn_pg_quiet(c);
    const cmn_migration_t *sets[] = {common_migrations, s_set_d, NULL};
    for (int i = 0; i < 40; i++) {
        if (cmn_migrate(c, "dbt_d", sets, NULL, side->why, sizeof side->why) !=
                0 ||
            cmn_migrate_password(c, "dbt_a", side->pw, side->why,
                                 sizeof side->why) != 0) {
            side->failed++;
            break;
        }
    }
    PQfinish(c);
}

static void
test_migrate_two_databases_at_once(void **state)
{
    (void) state;
    PGconn *a = s_connect("mlps_admin");
    const char *st = s_try(a, "CREATE DATABASE dbt_other");
    assert_true(strcmp(st, "00000") == 0 || strcmp(st, "42P04") == 0);
    PQfinish(a);
    s_side_t sides[2];
    memset(sides, 0, sizeof sides);
    for (int i = 0; i < 2; i++) {
        cmn_test_pg_url(sides[i].url, sizeof sides[i].url, "mlps_admin");
        assert_int_equal(
            cmn_test_pg_password("dbt_a_svc", sides[i].pw, sizeof sides[i].pw),
            0);
    }
    char *db = strstr(sides[1].url, "dbname=mlps");
    assert_non_null(db);
    memmove(db + strlen("dbname=dbt_other"), db + strlen("dbname=mlps"),
            strlen(db + strlen("dbname=mlps")) + 1);
    memcpy(db, "dbname=dbt_other", strlen("dbname=dbt_other"));
    uv_thread_t t[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(uv_thread_create(&t[i], s_side_run, &sides[i]), 0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(uv_thread_join(&t[i]), 0);
    for (int i = 0; i < 2; i++) {
        if (sides[i].failed)
            fprintf(stderr, "side %d: %s\n", i, sides[i].why);
        assert_int_equal(sides[i].failed, 0);
    }
}

/* No role gets in without its password: not the admin, not a service role
 * with a wrong one (pgcluster.sh: scram-sha-256, no trust). */
static void
test_login_needs_the_password(void **state)
{
    (void) state;
    char url[1024], base[512], pw[256];
    cmn_test_pg_url(base, sizeof base, "mlps_admin");
    *strstr(base, " passfile=") = '\0'; /* the same, without the passfile */
    snprintf(url, sizeof url, "%s passfile=/nonexistent", base);
    assert_non_null(strstr(s_login(url), "no password supplied"));
    snprintf(url, sizeof url, "%s password=wrong", base);
    assert_non_null(strstr(s_login(url), "password authentication failed"));

    cmn_test_pg_url(base, sizeof base, "dbt_a_svc");
    *strstr(base, " passfile=") = '\0';
    snprintf(url, sizeof url, "%s passfile=/nonexistent", base);
    assert_non_null(strstr(s_login(url), "no password supplied"));
    snprintf(url, sizeof url, "%s password=wrong", base);
    assert_non_null(strstr(s_login(url), "password authentication failed"));
    assert_int_equal(cmn_test_pg_password("dbt_a_svc", pw, sizeof pw), 0);
    snprintf(url, sizeof url, "%s password=%s", base, pw);
    assert_string_equal(s_login(url), "");
    cmn_test_pg_url(url, sizeof url, "dbt_a_svc"); /* its passfile line */
    assert_string_equal(s_login(url), "");
}

/* --- the pool on a loop ------------------------------------------------ */

typedef struct {
    int done, ok, failed;
} s_tally_t;

static int
s_insert_work(PGconn *c, void *arg)
{
    (void) arg;
    int err;
    PGresult *r =
        cmn_pg_exec(c, "INSERT INTO log (what) VALUES ('pool')", 0, NULL, &err);
    PQclear(r);
    return err;
}

static void
s_done(int status, void *arg)
{
    s_tally_t *t = arg;
    t->done++;
    if (status == 0)
        t->ok++;
    else
        t->failed++;
}

static void
s_run_until(uv_loop_t *loop, const s_tally_t *t, int n)
{
    for (int i = 0; i < 100000 && t->done < n; i++)
        uv_run(loop, UV_RUN_ONCE);
}

static void
test_pool_runs_jobs_and_reconnects(void **state)
{
    (void) state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    char url[256];
    cmn_test_pg_url(url, sizeof url, "dbt_a_svc");
    int err;
    cmn_db_t *db = cmn_db_new(&loop, url, 2, &err);
    assert_non_null(db);
    assert_int_equal(cmn_db_set_session_sql(db, "SET search_path TO dbt_a"), 0);
    s_tally_t t = {0};
    for (int i = 0; i < 20; i++)
        assert_int_equal(cmn_db_submit(db, s_insert_work, s_done, &t), 0);
    assert_true(cmn_db_pending(db) >= 18); /* two run, the rest queue */
    s_run_until(&loop, &t, 20);
    assert_int_equal(t.ok, 20);

    /* Kill the pool's server connections; later jobs must get through. */
    PGconn *a = s_connect("mlps_admin");
    PQclear(PQexec(a, "SELECT pg_terminate_backend(pid) FROM "
                      "pg_stat_activity WHERE usename = 'dbt_a_svc'"));
    s_tally_t t2 = {0};
    for (int round = 0; round < 5 && t2.ok < 10; round++) {
        int before = t2.done;
        for (int i = 0; i < 5; i++)
            assert_int_equal(cmn_db_submit(db, s_insert_work, s_done, &t2), 0);
        s_run_until(&loop, &t2, before + 5);
    }
    assert_true(t2.ok >= 10);
    assert_true(t2.failed <= 2); /* at most one per dead connection */

    PGresult *r = PQexec(a, "SELECT count(*) FROM dbt_a.log WHERE what = "
                            "'pool'");
    assert_int_equal(atoi(PQgetvalue(r, 0, 0)), t.ok + t2.ok);
    PQclear(r);
    PQfinish(a);

    /* Queued jobs are cancelled, each callback still runs once. */
    s_tally_t t3 = {0};
    cmn_db_t *db2 = cmn_db_new(&loop, url, 1, &err);
    assert_int_equal(cmn_db_set_session_sql(db2, "SET search_path TO dbt_a"),
                     0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(cmn_db_submit(db2, s_insert_work, s_done, &t3), 0);
    s_run_until(&loop, &t3, 1);
    cmn_db_destroy(&db2); /* one done, one running, one queued */
    assert_null(db2);
    assert_int_equal(t3.done, 2); /* the queued one was cancelled */
    s_run_until(&loop, &t3, 3);   /* the running one finishes normally */
    assert_int_equal(t3.ok, 2);
    assert_int_equal(t3.failed, 1);

    cmn_db_destroy(&db);
    cmn_db_destroy(&db); /* idempotent */
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
}

/* Runs the pool's statement-cache checks on the pool's connection. */
static int
s_prepared_work(PGconn *c, void *arg)
{
    int *step = arg;
    const char *p[1] = {"prepared"};
    int err;
    for (int i = 0; i < 3; i++) {
        PQclear(
            cmn_pg_exec(c, "INSERT INTO log (what) VALUES ($1)", 1, p, &err));
        assert_int_equal(err, 0);
    }
    PGresult *r = PQexec(c, "SELECT count(*) FROM pg_prepared_statements "
                            "WHERE statement = 'INSERT INTO log (what) "
                            "VALUES ($1)'");
    assert_string_equal(PQgetvalue(r, 0, 0), "1"); /* prepared once */
    PQclear(r);
    /* The server forgets them: outside a transaction it is transparent. */
    assert_string_equal(s_try(c, "DEALLOCATE ALL"), "00000");
    PQclear(cmn_pg_exec(c, "INSERT INTO log (what) VALUES ($1)", 1, p, &err));
    assert_int_equal(err, 0);
    /* Inside one the transaction fails once (it is aborted), then works. */
    assert_string_equal(s_try(c, "DEALLOCATE ALL"), "00000");
    assert_string_equal(s_try(c, "BEGIN"), "00000");
    assert_null(
        cmn_pg_exec(c, "INSERT INTO log (what) VALUES ($1)", 1, p, &err));
    assert_int_equal(err, CMN_EDB);
    assert_string_equal(s_try(c, "ROLLBACK"), "00000");
    PQclear(cmn_pg_exec(c, "INSERT INTO log (what) VALUES ($1)", 1, p, &err));
    assert_int_equal(err, 0);
    /* A statement whose result type changed under it is planned again. */
    r = cmn_pg_exec(c, "SELECT * FROM log WHERE what = $1", 1, p, &err);
    assert_int_equal(PQnfields(r), 2);
    PQclear(r);
    PGconn *a = s_connect("mlps_admin");
    assert_string_equal(s_try(a, "ALTER TABLE dbt_a.log ADD COLUMN extra int"),
                        "00000");
    r = cmn_pg_exec(c, "SELECT * FROM log WHERE what = $1", 1, p, &err);
    assert_int_equal(err, 0);
    assert_int_equal(PQnfields(r), 3);
    assert_int_equal(PQntuples(r), 5);
    PQclear(r);
    assert_string_equal(s_try(a, "ALTER TABLE dbt_a.log DROP COLUMN extra"),
                        "00000");
    PQfinish(a);
    *step = 1;
    return 0;
}

static void
s_prepared_done(int status, void *arg)
{
    int *step = arg;
    assert_int_equal(status, 0);
    *step = 2;
}

/* A pool connection prepares a statement with parameters once and keeps
 * working when the server forgets it or a table changes under it. */
static void
test_pool_prepares_statements(void **state)
{
    (void) state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    char url[256];
    cmn_test_pg_url(url, sizeof url, "dbt_a_svc");
    int err, step = 0;
    cmn_db_t *db = cmn_db_new(&loop, url, 1, &err);
    assert_non_null(db);
    assert_int_equal(cmn_db_set_session_sql(db, "SET search_path TO dbt_a"), 0);
    assert_int_equal(cmn_db_submit(db, s_prepared_work, s_prepared_done, &step),
                     0);
    for (int i = 0; i < 100000 && step < 2; i++)
        uv_run(&loop, UV_RUN_ONCE);
    assert_int_equal(step, 2);
    cmn_db_destroy(&db);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
}

#define S_LOOKUP "SELECT id FROM grow WHERE digest = $1 AND district = $2"

/* The index the plan of the pool's prepared S_LOOKUP scans, its name, and
 * how many statements of that text the server holds. */
static void
s_lookup_plan(PGconn *c, char *index, size_t len, char name[32], int *copies)
{
    PGresult *r = PQexec(c, "SELECT name FROM pg_prepared_statements WHERE "
                            "statement = '" S_LOOKUP "'");
    *copies = PQntuples(r);
    assert_true(*copies >= 1);
    snprintf(name, 32, "%s", PQgetvalue(r, 0, 0));
    char sql[96];
    snprintf(sql, sizeof sql, "EXPLAIN EXECUTE %s('x', '110108')", name);
    PQclear(r);
    r = PQexec(c, sql);
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    snprintf(index, len, "none");
    for (int i = 0; i < PQntuples(r); i++) {
        const char *at = strstr(PQgetvalue(r, i, 0), " on grow_");
        if (at != NULL)
            snprintf(index, len, "%.*s", (int) strcspn(at + 4, " "), at + 4);
    }
    PQclear(r);
}

/* The lookup as a service runs it, on the pool's connection, in phases
 * (*step): 0, 10 runs on the empty table; 1, 300 runs in one transaction
 * once it has grown (due for a replan at 256, which waits for the end of
 * the job: nothing is prepared inside the caller's transaction); 2, the
 * next job: planned again, the old name gone. */
static int
s_grow_work(PGconn *c, void *arg)
{
    int *step = arg;
    static char first[32];
    const char *p[2] = {"none", "110108"};
    int err, copies;
    char index[64], name[32];
    int runs = *step == 0 ? 10 : *step == 1 ? 300 : 0;
    if (*step == 1)
        assert_int_equal(cmn_pg_cmd(c, "BEGIN"), 0);
    for (int i = 0; i < runs; i++) {
        PQclear(cmn_pg_exec(c, S_LOOKUP, 2, p, &err));
        assert_int_equal(err, 0);
    }
    s_lookup_plan(c, index, sizeof index, name, &copies);
    assert_int_equal(copies, 1);
    if (*step == 0) {
        snprintf(first, sizeof first, "%s", name);
    } else if (*step == 1) {
        assert_string_equal(name, first);
        assert_int_equal(cmn_pg_cmd(c, "COMMIT"), 0);
    } else {
        assert_string_not_equal(name, first);
        assert_string_equal(index, "grow_digest");
    }
    (*step)++;
    return 0;
}

static void
s_grow_done(int status, void *arg)
{
    (void) arg;
    assert_int_equal(status, 0);
}

/* A statement first planned while its table was empty is planned again
 * as it keeps running (at 256 runs, then 1,024, ...; or by age), so its
 * plan is of the table as it has grown: the digest's index, not the
 * month's (a plan made on an empty table may take either: at district
 * 110108's first import it took the month index and filtered every row of
 * the district, 3 ms a record at 10,000). The replan waits for the end of
 * the job, and the server holds one statement of the text. */
static void
test_pool_replans_as_tables_grow(void **state)
{
    (void) state;
    PGconn *a = s_connect("mlps_admin");
    assert_string_equal(
        s_try(a, "DROP TABLE IF EXISTS dbt_a.grow;"
                 "CREATE TABLE dbt_a.grow (id bigserial PRIMARY KEY, "
                 "district text NOT NULL, digest text NOT NULL, "
                 "month date NOT NULL, pad text NOT NULL);"
                 "CREATE INDEX grow_month ON dbt_a.grow (district, month);"
                 "CREATE UNIQUE INDEX grow_digest ON dbt_a.grow "
                 "(district, digest);"
                 "GRANT SELECT ON dbt_a.grow TO dbt_a_svc"),
        "00000");
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    char url[256];
    cmn_test_pg_url(url, sizeof url, "dbt_a_svc");
    int err, step = 0;
    cmn_db_t *db = cmn_db_new(&loop, url, 1, &err);
    assert_non_null(db);
    assert_int_equal(cmn_db_set_session_sql(db, "SET search_path TO dbt_a"), 0);
    assert_int_equal(cmn_db_submit(db, s_grow_work, s_grow_done, &step), 0);
    for (int i = 0; i < 100000 && step < 1; i++)
        uv_run(&loop, UV_RUN_ONCE);
    assert_int_equal(step, 1);
    assert_string_equal(
        s_try(a, "INSERT INTO dbt_a.grow (district, digest, month, pad) "
                 "SELECT '110108', md5(i::text) || md5(i::text), "
                 "DATE '2026-11-01', repeat('x', 1500) "
                 "FROM generate_series(1, 5000) i"),
        "00000");
    assert_int_equal(cmn_db_submit(db, s_grow_work, s_grow_done, &step), 0);
    for (int i = 0; i < 100000 && step < 2; i++)
        uv_run(&loop, UV_RUN_ONCE);
    assert_int_equal(step, 2);
    assert_int_equal(cmn_db_submit(db, s_grow_work, s_grow_done, &step), 0);
    for (int i = 0; i < 100000 && step < 3; i++)
        uv_run(&loop, UV_RUN_ONCE);
    assert_int_equal(step, 3);
    cmn_db_destroy(&db);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
    assert_string_equal(s_try(a, "DROP TABLE dbt_a.grow"), "00000");
    PQfinish(a);
}

/* The order jobs finished in: 'b' a background job, 'r' a request. */
typedef struct {
    char order[32];
    int done;
} s_lane_t;

typedef struct {
    s_lane_t *lane;
    char kind;
    const char *sleep; /* seconds */
} s_lane_job_t;

static int
s_lane_work(PGconn *c, void *arg)
{
    s_lane_job_t *j = arg;
    const char *p[1] = {j->sleep};
    int err;
    PQclear(cmn_pg_exec(c, "SELECT pg_sleep($1::float8)", 1, p, &err));
    return err;
}

static void
s_lane_done(int status, void *arg)
{
    s_lane_job_t *j = arg;
    assert_int_equal(status, 0);
    j->lane->order[j->lane->done++] = j->kind;
}

/* Requests are served first and may take the connection kept for them;
 * background jobs run on the others, and one of them runs even while
 * requests flood the pool. */
static void
test_pool_serves_requests_first(void **state)
{
    (void) state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    char url[256];
    cmn_test_pg_url(url, sizeof url, "dbt_a_svc");
    int err;
    cmn_db_t *db = cmn_db_new(&loop, url, 3, &err);
    assert_non_null(db);
    cmn_db_reserve(db, 1);
    /* Four slow background jobs: two run, two wait; the request gets the
     * kept connection and is answered first. */
    s_lane_t lane = {0};
    s_lane_job_t bg = {&lane, 'b', "0.3"}, rq = {&lane, 'r', "0"};
    for (int i = 0; i < 4; i++)
        assert_int_equal(cmn_db_submit(db, s_lane_work, s_lane_done, &bg), 0);
    assert_int_equal(cmn_db_submit_request(db, s_lane_work, s_lane_done, &rq),
                     0);
    assert_int_equal(cmn_db_running(db), 3);
    assert_int_equal(cmn_db_pending(db), 5);
    for (int i = 0; i < 100000 && lane.done < 5; i++)
        uv_run(&loop, UV_RUN_ONCE);
    assert_string_equal(lane.order, "rbbbb");
    /* A flood: eight slow requests, then one background job. The first
     * three requests take the three connections; the background job
     * takes the first to come free, not the last (it finishes 4th at the
     * latest, not 9th). */
    memset(&lane, 0, sizeof lane);
    s_lane_job_t slow = {&lane, 'r', "0.1"}, quick = {&lane, 'b', "0"};
    for (int i = 0; i < 8; i++)
        assert_int_equal(
            cmn_db_submit_request(db, s_lane_work, s_lane_done, &slow), 0);
    assert_int_equal(cmn_db_submit(db, s_lane_work, s_lane_done, &quick), 0);
    for (int i = 0; i < 100000 && lane.done < 9; i++)
        uv_run(&loop, UV_RUN_ONCE);
    assert_true(strchr(lane.order, 'b') - lane.order < 4);
    cmn_db_destroy(&db);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
}

/* cmn_pg_bump counts one up per call and names a missing row. */
static void
test_bump_counts_versions(void **state)
{
    (void) state;
    PGconn *c = s_connect("mlps_admin");
    assert_string_equal(s_try(c, "DROP TABLE IF EXISTS public.bump_t"),
                        "00000");
    assert_string_equal(s_try(c, "CREATE TABLE public.bump_t (k text PRIMARY "
                                 "KEY, v bigint NOT NULL DEFAULT 0)"),
                        "00000");
    assert_string_equal(s_try(c, "INSERT INTO public.bump_t (k) VALUES ('a')"),
                        "00000");
    uint64_t v = 0;
    assert_int_equal(cmn_pg_bump(c, "public.bump_t", "v", "k", "a", &v), 0);
    assert_int_equal(v, 1);
    assert_int_equal(cmn_pg_bump(c, "public.bump_t", "v", "k", "a", &v), 0);
    assert_int_equal(v, 2);
    v = 99;
    assert_int_equal(cmn_pg_bump(c, "public.bump_t", "v", "k", "nope", &v),
                     CMN_ENOENT);
    assert_int_equal(v, 99); /* untouched */
    assert_string_equal(s_try(c, "DROP TABLE public.bump_t"), "00000");
    PQfinish(c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_migrate_idempotent),
        cmocka_unit_test(test_migrate_moves_refused_versions_on),
        cmocka_unit_test(test_migrate_changed_text_refused),
        cmocka_unit_test(test_migrate_failure_applies_nothing),
        cmocka_unit_test(test_migrate_rejects_bad_schema_name),
        cmocka_unit_test(test_roles_reach_only_their_schema),
        cmocka_unit_test(test_login_needs_the_password),
        cmocka_unit_test(test_migrate_two_databases_at_once),
        cmocka_unit_test(test_pool_runs_jobs_and_reconnects),
        cmocka_unit_test(test_pool_prepares_statements),
        cmocka_unit_test(test_pool_replans_as_tables_grow),
        cmocka_unit_test(test_pool_serves_requests_first),
        cmocka_unit_test(test_bump_counts_versions),
    };
    return cmocka_run_group_tests(tests, s_setup, NULL);
}

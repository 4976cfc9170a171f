/* outbox_test.c - outbox rows put many at once, and puts deferred to the
 * end of a transaction (the inbox's), against the private PostgreSQL
 * cluster of the ctest fixture (MLPS_TEST_PGDIR). */
#include "cmn/db.h"
#include "cmn/migrate.h"
#include "cmn/outbox.h"
#include "outbox_int.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cmn_test/pg.h"

static PGconn *
s_connect(void)
{
    char url[256];
    cmn_test_pg_url(url, sizeof url, "mlps_admin");
    PGconn *c = PQconnectdb(url);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    cmn_pg_quiet(c);
    assert_int_equal(cmn_pg_cmd(c, "SET search_path TO dbt_o"), 0);
    return c;
}

/* The outbox's rows, in id order: "dest type corr version hex;..." */
static const char *
s_rows(PGconn *c)
{
    static char out[1024];
    PGresult *r = PQexec(c, "SELECT string_agg(dest || ' ' || type || ' ' || "
                            "correlation_id || ' ' || case_version || ' ' || "
                            "encode(payload, 'hex'), ';' ORDER BY id) FROM "
                            "dbt_o.outbox");
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    snprintf(out, sizeof out, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    return out;
}

static int
s_setup(void **state)
{
    (void) state;
    PGconn *c = s_connect();
    PQclear(PQexec(c, "DROP SCHEMA IF EXISTS dbt_o CASCADE"));
    const cmn_migration_t *sets[] = {common_migrations, NULL};
    char why[256] = "";
    int applied = 0;
    assert_int_equal(cmn_migrate(c, "dbt_o", sets, &applied, why, sizeof why),
                     0);
    PQfinish(c);
    return 0;
}

static void
s_truncate(PGconn *c)
{
    assert_int_equal(cmn_pg_cmd(c, "TRUNCATE dbt_o.outbox"), 0);
}

static const uint8_t s_bin[] = {0x00, 0xff, 0x5c, 0x22, 0x7b};

static void
test_put_many_in_order(void **state)
{
    (void) state;
    PGconn *c = s_connect();
    s_truncate(c);
    cmn_outmsg_t m[3] = {
        {"review", "t.A", "c1", 1, s_bin, sizeof s_bin},
        {"audit", "t.B", "c2", 0, (const uint8_t *) "x", 1},
        {"review", "t.A", "c1", 2, s_bin, 0},
    };
    assert_int_equal(cmn_outbox_put_many(c, m, 0), 0);
    assert_string_equal(s_rows(c), "");
    assert_int_equal(cmn_outbox_put_many(c, m, 3), 0);
    assert_string_equal(s_rows(c), "review t.A c1 1 00ff5c227b;"
                                   "audit t.B c2 0 78;review t.A c1 2 ");
    PQfinish(c);
}

static void
test_deferred_puts_flushed_at_once(void **state)
{
    (void) state;
    PGconn *c = s_connect(), *other = s_connect();
    s_truncate(c);
    cmn_outmsg_t a = {"review", "t.A", "c1", 1, s_bin, sizeof s_bin};
    cmn_outmsg_t b = {"audit", "t.B", "c2", 0, (const uint8_t *) "y", 1};
    assert_int_equal(cmn_pg_cmd(c, "BEGIN"), 0);
    cmn__outbox_defer_begin(c);
    assert_int_equal(cmn_outbox_put(c, &a), 0);
    assert_int_equal(cmn_outbox_put(c, &b), 0);
    /* kept, not written yet, even in its own transaction */
    assert_string_equal(s_rows(c), "");
    /* another connection's puts are its own */
    assert_int_equal(cmn_outbox_put(other, &b), 0);
    assert_string_equal(s_rows(other), "audit t.B c2 0 79");
    assert_int_equal(cmn__outbox_defer_flush(c), 0);
    assert_int_equal(cmn_pg_cmd(c, "COMMIT"), 0);
    assert_string_equal(s_rows(c), "audit t.B c2 0 79;"
                                   "review t.A c1 1 00ff5c227b;"
                                   "audit t.B c2 0 79");
    /* after the flush, puts go straight in again */
    assert_int_equal(cmn_outbox_put(c, &a), 0);
    assert_int_equal(strlen(s_rows(c)) > strlen("audit t.B c2 0 79;"), 1);
    PQfinish(other);
    PQfinish(c);
}

static void
test_deferred_puts_discarded_on_rollback(void **state)
{
    (void) state;
    PGconn *c = s_connect();
    s_truncate(c);
    cmn_outmsg_t a = {"review", "t.A", "c1", 1, s_bin, sizeof s_bin};
    assert_int_equal(cmn_pg_cmd(c, "BEGIN"), 0);
    cmn__outbox_defer_begin(c);
    assert_int_equal(cmn_outbox_put(c, &a), 0);
    cmn__outbox_defer_discard();
    assert_int_equal(cmn_pg_cmd(c, "ROLLBACK"), 0);
    assert_string_equal(s_rows(c), "");
    /* nothing of it comes back with the next transaction's flush */
    assert_int_equal(cmn_pg_cmd(c, "BEGIN"), 0);
    cmn__outbox_defer_begin(c);
    assert_int_equal(cmn__outbox_defer_flush(c), 0);
    assert_int_equal(cmn_pg_cmd(c, "COMMIT"), 0);
    assert_string_equal(s_rows(c), "");
    PQfinish(c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_many_in_order),
        cmocka_unit_test(test_deferred_puts_flushed_at_once),
        cmocka_unit_test(test_deferred_puts_discarded_on_rollback),
    };
    return cmocka_run_group_tests(tests, s_setup, NULL);
}

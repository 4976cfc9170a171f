/* migrate.c - roles, schema and versioned migrations. */
#include "cmn/migrate.h"
#include "cmn/db.h"
#include "cmn/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

static int
s_ident_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 40 || !(s[0] >= 'a' && s[0] <= 'z'))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
              s[i] == '_'))
            return 0;
    return 1;
}

/* Replaces ${schema} and ${svc_role}. Caller frees. */
static char *
s_expand(const char *sql, const char *schema, const char *role)
{
    size_t cap = strlen(sql) * 2 + 256, n = 0;
    char *out = malloc(cap);
    if (out == NULL)
        return NULL;
    for (const char *p = sql; *p;) {
        const char *rep = NULL;
        size_t skip = 0;
        if (strncmp(p, "${schema}", 9) == 0)
            rep = schema, skip = 9;
        else if (strncmp(p, "${svc_role}", 11) == 0)
            rep = role, skip = 11;
        size_t need = rep ? strlen(rep) : 1;
        if (n + need + 1 > cap) {
            cap = (n + need + 1) * 2;
            char *bigger = realloc(out, cap);
            if (bigger == NULL) {
                free(out);
                return NULL;
            }
            out = bigger;
        }
        if (rep) {
            memcpy(out + n, rep, need);
            n += need;
            p += skip;
        } else {
            out[n++] = *p++;
        }
    }
    out[n] = '\0';
    return out;
}

static int
s_exec(PGconn *c, const char *sql, char *why, size_t whylen)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    int rc = 0;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        cmn_pg_errmsg(c, NULL, why, whylen);
        rc = cmn_pg_error(c, r);
    }
    PQclear(r);
    return rc;
}

/* Runs sql that writes rows of the cluster's shared catalogs (roles and
 * their grants and passwords). Those rows are shared by every database of
 * the cluster while the advisory lock is per database, so a service of the
 * same schema migrating another database at the same moment (another
 * office on the same cluster, a replica) updates the same row:
 * PostgreSQL then fails one of them with "tuple concurrently updated" (or
 * a unique violation on the role's name). Both statements are
 * idempotent: try again, with a growing, jittered pause, before giving
 * up. */
static int
s_exec_shared(PGconn *c, const char *sql, char *why, size_t whylen)
{
    int rc = CMN_EDB;
    for (int attempt = 0; attempt < 10 && rc != 0; attempt++) {
        if (attempt > 0)
            uv_sleep(20u * (unsigned) attempt + (unsigned) (uv_hrtime() % 37u));
        rc = s_exec(c, sql, why, whylen);
        if (rc == CMN_EDBCONN)
            break;
    }
    return rc;
}

static int
s_setup(PGconn *c, const char *schema, const char *role, char *why,
        size_t whylen)
{
    char sql[2048];
    snprintf(sql, sizeof sql,
             /* Roles are cluster-wide and the advisory lock is per
              * database: another database's migration may create the same
              * role at the same moment. */
             "DO $$ BEGIN "
             "BEGIN CREATE ROLE %s_owner NOLOGIN; EXCEPTION WHEN "
             "duplicate_object OR unique_violation THEN NULL; END; "
             "BEGIN CREATE ROLE %s LOGIN; EXCEPTION WHEN "
             "duplicate_object OR unique_violation THEN NULL; END; END $$; "
             "GRANT %s_owner TO CURRENT_USER; "
             "REVOKE ALL ON SCHEMA public FROM PUBLIC; "
             "CREATE SCHEMA IF NOT EXISTS %s AUTHORIZATION %s_owner; "
             "GRANT USAGE ON SCHEMA %s TO %s; "
             "CREATE TABLE IF NOT EXISTS %s.schema_migrations ("
             " id text PRIMARY KEY, checksum text NOT NULL,"
             " applied_at timestamptz NOT NULL DEFAULT now()); "
             "ALTER TABLE %s.schema_migrations OWNER TO %s_owner",
             schema, role, schema, schema, schema, schema, role, schema, schema,
             schema);
    return s_exec_shared(c, sql, why, whylen);
}

/* 1 applied now, 0 already there, <0 error. */
static int
s_apply_one(PGconn *c, const char *schema, const char *role,
            const cmn_migration_t *m, char *why, size_t whylen)
{
    char *sql = s_expand(m->sql, schema, role);
    if (sql == NULL)
        return CMN_ENOMEM;
    char q[256];
    snprintf(q, sizeof q,
             "SELECT checksum = md5($2) FROM %s.schema_migrations "
             "WHERE id = $1",
             schema);
    const char *params[2] = {m->id, sql};
    int err, rc;
    PGresult *r = cmn_pg_exec(c, q, 2, params, &err);
    if (r == NULL) {
        snprintf(why, whylen, "could not read %s.schema_migrations", schema);
        free(sql);
        return err;
    }
    if (PQntuples(r) == 1) {
        rc = strcmp(PQgetvalue(r, 0, 0), "t") == 0 ? 0 : CMN_ECONFIG;
        if (rc != 0)
            snprintf(why, whylen,
                     "migration \"%s\" changed after it was "
                     "applied",
                     m->id);
        PQclear(r);
        free(sql);
        return rc;
    }
    PQclear(r);
    snprintf(q, sizeof q,
             "SET LOCAL ROLE %s_owner; SET LOCAL search_path "
             "TO %s",
             schema, schema);
    rc = s_exec(c, "BEGIN", why, whylen);
    if (rc == 0)
        rc = s_exec(c, q, why, whylen);
    if (rc == 0 && (rc = s_exec(c, sql, why, whylen)) != 0) {
        char inner[200];
        snprintf(inner, sizeof inner, "%s", why);
        snprintf(why, whylen, "migration \"%s\": %s", m->id, inner);
    }
    snprintf(q, sizeof q,
             "INSERT INTO %s.schema_migrations (id, checksum) "
             "VALUES ($1, md5($2))",
             schema);
    if (rc == 0) {
        r = cmn_pg_exec(c, q, 2, params, &err);
        rc = err;
        PQclear(r);
    }
    if (rc == 0)
        rc = s_exec(c, "COMMIT", why, whylen);
    if (rc != 0)
        PQclear(PQexec(c, "ROLLBACK"));
    free(sql);
    return rc == 0 ? 1 : rc;
}

int
cmn_migrate(PGconn *admin, const char *schema,
            const cmn_migration_t *const *sets, int *applied, char *why,
            size_t whylen)
{
    char role[64];
    int rc, count = 0;
    if (!s_ident_ok(schema)) {
        snprintf(why, whylen, "schema name \"%s\" is not a plain identifier",
                 schema);
        return CMN_EINVAL;
    }
    snprintf(role, sizeof role, "%s_svc", schema);
    rc = s_exec(admin, "SET client_min_messages = warning", why, whylen);
    if (rc == 0)
        rc = s_exec(admin, "SELECT pg_advisory_lock(hashtext('mlps.migrate'))",
                    why, whylen);
    if (rc != 0)
        return rc;
    rc = s_setup(admin, schema, role, why, whylen);
    for (int s = 0; rc == 0 && sets[s] != NULL; s++) {
        for (const cmn_migration_t *m = sets[s]; rc == 0 && m->id; m++) {
            int one = s_apply_one(admin, schema, role, m, why, whylen);
            if (one > 0) {
                count++;
                cmn_log_info("applied migration \"%s\" to schema \"%s\"", m->id,
                             schema);
            }
            rc = one < 0 ? one : 0;
        }
    }
    char tmp[8];
    (void) s_exec(admin, "SELECT pg_advisory_unlock(hashtext('mlps.migrate'))",
                  tmp, sizeof tmp);
    if (applied != NULL)
        *applied = count;
    return rc;
}

int
cmn_migrate_password(PGconn *admin, const char *schema, const char *password,
                     char *why, size_t whylen)
{
    if (!s_ident_ok(schema)) {
        snprintf(why, whylen, "schema name \"%s\" is not a plain identifier",
                 schema);
        return CMN_EINVAL;
    }
    char *lit = PQescapeLiteral(admin, password, strlen(password));
    if (lit == NULL) {
        snprintf(why, whylen, "could not escape the password");
        return CMN_ENOMEM;
    }
    size_t len = strlen(lit) + 128;
    char *sql = malloc(len);
    int rc = CMN_ENOMEM;
    if (sql != NULL) {
        snprintf(sql, len, "ALTER ROLE %s_svc PASSWORD %s", schema, lit);
        /* Under the migration lock: two replicas starting together would
         * update the role's row at once ("tuple concurrently updated");
         * s_exec_shared covers the same role set from another database. */
        rc = s_exec(admin, "SELECT pg_advisory_lock(hashtext('mlps.migrate'))",
                    why, whylen);
        if (rc == 0) {
            char tmp[8];
            rc = s_exec_shared(admin, sql, why, whylen);
            (void) s_exec(admin,
                          "SELECT pg_advisory_unlock(hashtext('mlps.migrate'))",
                          tmp, sizeof tmp);
        }
        free(sql);
    }
    PQfreemem(lit);
    return rc;
}

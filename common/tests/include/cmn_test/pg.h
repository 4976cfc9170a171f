/* pg.h - connecting tests to the shared private PostgreSQL cluster of the
 * ctest fixture "pg" (MLPS_TEST_PGDIR holds its `port` file and its libpq
 * passfile `pgpass`; every role logs in with a password). Tests only. */
#ifndef CMN_TEST_PG_H
#define CMN_TEST_PG_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* deploy/pgcluster.sh, from the build (common/CMakeLists.txt). */
#ifndef CMN_TEST_PGCLUSTER
#error "CMN_TEST_PGCLUSTER must name deploy/pgcluster.sh"
#endif

static inline const char *
cmn_test_pg_dir(void)
{
    const char *dir = getenv("MLPS_TEST_PGDIR");
    return dir ? dir : ".";
}

/* Writes the fixture cluster's connection string for user into out; user
 * logs in with its line of the cluster's passfile. */
static inline void
cmn_test_pg_url(char *out, size_t len, const char *user)
{
    const char *dir = cmn_test_pg_dir();
    char path[512], port[16] = "";
    snprintf(path, sizeof path, "%s/port", dir);
    FILE *f = fopen(path, "r");
    if (f != NULL) {
        if (fgets(port, sizeof port, f) == NULL)
            port[0] = '\0';
        fclose(f);
    }
    port[strcspn(port, "\n")] = '\0';
    snprintf(out, len,
             "host=127.0.0.1 port=%s dbname=mlps user=%s passfile=%s/pgpass",
             port, user, dir);
}

/* Reads role's password into out: made once per cluster by `pgcluster.sh
 * password` (which also adds it to the passfile), as a service's is. The
 * caller sets it on the role (cmn_migrate_password). 0, or -1 with the
 * reason on stderr. */
static inline int
cmn_test_pg_password(const char *role, char *out, size_t len)
{
    char cmd[1024], path[512] = "";
    const char *dir = cmn_test_pg_dir();
    if (strchr(dir, '\'') != NULL || strchr(role, '\'') != NULL) {
        fprintf(stderr, "cmn_test_pg_password: a quote in the dir or role\n");
        return -1;
    }
    snprintf(cmd, sizeof cmd, "'%s' password '%s' '%s'", CMN_TEST_PGCLUSTER,
             dir, role);
    FILE *p = popen(cmd, "r");
    if (p == NULL || fgets(path, sizeof path, p) == NULL)
        path[0] = '\0';
    if (p != NULL && pclose(p) != 0)
        path[0] = '\0';
    path[strcspn(path, "\n")] = '\0';
    FILE *f = path[0] ? fopen(path, "r") : NULL;
    int rc = (f != NULL && fgets(out, (int) len, f) != NULL) ? 0 : -1;
    if (f != NULL)
        fclose(f);
    out[rc == 0 ? strcspn(out, "\n") : 0] = '\0';
    if (rc != 0)
        fprintf(stderr, "cmn_test_pg_password: no password for %s (%s)\n", role,
                cmd);
    return rc;
}

#endif /* CMN_TEST_PG_H */

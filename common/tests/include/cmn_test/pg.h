/* pg.h - connecting tests to the shared private PostgreSQL cluster of the
 * ctest fixture "pg" (MLPS_TEST_PGDIR holds its `port` file). Tests only. */
#ifndef CMN_TEST_PG_H
#define CMN_TEST_PG_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Writes the fixture cluster's connection string for user into out. */
static inline void
cmn_test_pg_url(char *out, size_t len, const char *user)
{
    const char *dir = getenv("MLPS_TEST_PGDIR");
    char path[512], port[16] = "";
    snprintf(path, sizeof path, "%s/port", dir ? dir : ".");
    FILE *f = fopen(path, "r");
    if (f != NULL) {
        if (fgets(port, sizeof port, f) == NULL)
            port[0] = '\0';
        fclose(f);
    }
    port[strcspn(port, "\n")] = '\0';
    snprintf(out, len, "host=127.0.0.1 port=%s dbname=mlps user=%s", port,
             user);
}

#endif /* CMN_TEST_PG_H */

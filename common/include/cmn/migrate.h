/* migrate.h - each service's schema and role, created and migrated at
 * start-up from versioned SQL files compiled into the binary.
 *
 * For schema S, cmn_migrate() makes (if absent) the roles S_owner (NOLOGIN,
 * owns the schema and its objects) and S_svc (LOGIN, what the service runs
 * as, granted only what the migrations grant it), the schema S, and the
 * table S.schema_migrations. It then applies, in order, every migration not
 * yet recorded there, each in its own transaction as S_owner with
 * search_path S. In the SQL, ${schema} and ${svc_role} are replaced first.
 * Re-running changes nothing; a migration whose text changed after it was
 * applied stops start-up. Concurrent callers serialise on an advisory lock. */
#ifndef CMN_MIGRATE_H
#define CMN_MIGRATE_H
#include "cmn/err.h"

#include <libpq-fe.h>
#include <stddef.h>

typedef struct {
    const char *id;  /* "common/001_runtime"; NULL ends a list */
    const char *sql; /* statements, run as one transaction */
} cmn_migration_t;

/* The runtime's own tables (outbox, inbox), applied to every schema first. */
extern const cmn_migration_t common_migrations[];

/* admin needs CREATEROLE and CREATE on the database (the private cluster's
 * superuser, or a deploy role). sets: NULL-terminated list of lists.
 * *applied (if not NULL) gets how many migrations ran now. */
int cmn_migrate(PGconn *admin, const char *schema,
                const cmn_migration_t *const *sets, int *applied, char *why,
                size_t whylen) CMN_MUST_CHECK;

/* Sets S_svc's login password (for servers that do not trust local
 * connections). The password is sent as an escaped literal and never
 * logged. */
int cmn_migrate_password(PGconn *admin, const char *schema,
                         const char *password, char *why,
                         size_t whylen) CMN_MUST_CHECK;

#endif /* CMN_MIGRATE_H */

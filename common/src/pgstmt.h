/* pgstmt.h - library-internal: each pool connection's prepared statements,
 * made the first time a statement with parameters runs on it (cmn__). */
#ifndef CMN_PGSTMT_H
#define CMN_PGSTMT_H
#include <libpq-fe.h>

/* Gives conn a statement cache, freed with the connection. 0, or
 * CMN_ENOMEM (conn then runs every statement unprepared). */
int cmn__pgstmt_attach(PGconn *conn);

/* Runs sql as PQexecParams would (text results), through a statement
 * prepared once per connection when conn has a cache and sql has
 * parameters; unprepared otherwise (no cache, a full cache, no
 * parameters). A statement the server forgot or must re-plan with another
 * result type is prepared again next time. Caller PQclear()s the result. */
PGresult *cmn__pgstmt_exec(PGconn *conn, const char *sql, int nparams,
                           const char *const *params, const int *lengths,
                           const int *formats);
/* Prepares again the statements due for a new plan (pgstmt.c) and
 * deallocates their old names, when conn is outside a transaction; the
 * pool calls it after each job. */
void cmn__pgstmt_release(PGconn *conn);
#endif /* CMN_PGSTMT_H */

/* db.h - PostgreSQL for a libuv loop: a small pool of libpq connections,
 * each used by one job at a time on libuv's thread pool.
 *
 * A job is a plain synchronous function that gets a connection and runs one
 * transaction (BEGIN ... COMMIT), so a state change, its outbox rows and its
 * inbox record commit together. Its completion callback runs on the loop
 * thread. Jobs never touch loop-owned state; they work on what they are
 * given. A lost connection is re-opened by the next job that needs it. */
#ifndef CMN_DB_H
#define CMN_DB_H
#include "cmn/err.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

typedef struct cmn_db cmn_db_t;

/* Runs on a worker thread with a connection of its own. Returns 0 or a
 * CMN_E* code; an open transaction is rolled back when it returns. */
typedef int (*cmn_db_work_fn)(PGconn *conn, void *arg);
/* Runs on the loop thread with what work returned (CMN_ECANCELED if the
 * pool was destroyed before the job started). */
typedef void (*cmn_db_done_fn)(int status, void *arg);

/* Borrows loop. size connections at most (1..64). The connection string is
 * copied; connections open lazily. Caller owns the result. */
cmn_db_t *cmn_db_new(uv_loop_t *loop, const char *conninfo, int size, int *err);

/* SQL run on each new connection before its first job, e.g.
 * "SET search_path TO intake" (copied). */
int cmn_db_set_session_sql(cmn_db_t *self, const char *sql) CMN_MUST_CHECK;

/* Queues a job. If this returns 0, done runs exactly once; if it returns an
 * error, neither work nor done runs. */
int cmn_db_submit(cmn_db_t *self, cmn_db_work_fn work, cmn_db_done_fn done,
                  void *arg) CMN_MUST_CHECK;

/* As cmn_db_submit, for a caller waiting on the answer (an API request):
 * queued ahead of every background job (inbox, outbox, timers), and it
 * may take the connections cmn_db_reserve keeps. */
int cmn_db_submit_request(cmn_db_t *self, cmn_db_work_fn work,
                          cmn_db_done_fn done, void *arg) CMN_MUST_CHECK;

/* Keeps n connections (at most size - 1) for requests: background jobs
 * run on the others, so a request never waits behind a pool full of
 * inbox batches. 0 (the default): none kept. */
void cmn_db_reserve(cmn_db_t *self, int n);

/* Jobs queued or running. */
int cmn_db_pending(const cmn_db_t *self);

/* Cancels queued jobs (their done runs with CMN_ECANCELED, before this
 * returns) and frees self; jobs already running finish first, their done
 * runs as usual, and the pool is freed after the last. Keep the loop
 * running until then. Sets *self_p to NULL. Safe on NULL. */
void cmn_db_destroy(cmn_db_t **self_p);
int cmn_db_running(const cmn_db_t *self);

/* --- helpers for work functions (worker thread) --- */

/* Runs sql with text params (NULL = SQL NULL) and text results. Returns the
 * result for COMMAND_OK/TUPLES_OK (caller PQclear()s it) or NULL with *err:
 * CMN_EDBCONN when the connection is gone, CMN_EAGAIN for a deadlock or
 * serialization failure, CMN_EDB otherwise. Errors are logged with their
 * SQLSTATE, never with parameter values. On a pool connection a statement
 * with parameters is prepared the first time its text runs there and only
 * executed after that (at most 128 per connection; keep such texts
 * constant, values in parameters). */
PGresult *cmn_pg_exec(PGconn *conn, const char *sql, int nparams,
                      const char *const *params, int *err);

/* As cmn_pg_exec, with per-parameter lengths and formats (1 = binary). */
PGresult *cmn_pg_execb(PGconn *conn, const char *sql, int nparams,
                       const char *const *params, const int *lengths,
                       const int *formats, int *err);

/* Runs a command without parameters and discards its result. */
int cmn_pg_cmd(PGconn *conn, const char *sql) CMN_MUST_CHECK;

/* Adds 1 to the counter column of the row of table whose key_column is
 * key, and gives the new value in *out: the next case version of a
 * message stream ("UPDATE table SET column = column + 1 WHERE key_column
 * = key RETURNING column"). table and the columns are the caller's
 * constants (identifiers, never input); key is a parameter. CMN_ENOENT
 * when no row has that key. */
int cmn_pg_bump(PGconn *conn, const char *table, const char *column,
                const char *key_column, const char *key,
                uint64_t *out) CMN_MUST_CHECK;

/* Rolls back the open transaction, if any; errors are only logged. */
void cmn_pg_rollback(PGconn *conn);

/* Routes the server's notices and warnings to the log, one line each. */
void cmn_pg_quiet(PGconn *conn);

/* Classifies a failed result or connection as a CMN_E* code. */
int cmn_pg_error(PGconn *conn, const PGresult *res);

/* The error of res (when not NULL) or of conn, without the newline libpq
 * ends it with, into buf; returns buf. "no connection" for a NULL conn. */
const char *cmn_pg_errmsg(const PGconn *conn, const PGresult *res, char *buf,
                          size_t len);

/* Opens a connection to conninfo (key=value pairs or a URI), trying up to
 * attempts times, delay_ms apart: the database may still be starting.
 * Notices go to the log (cmn_pg_quiet). Blocks the calling thread: for
 * start-up and command-line tools. Caller owns the result and must
 * PQfinish() it; NULL with the last error in why on failure. */
PGconn *cmn_pg_connect(const char *conninfo, int attempts, int delay_ms,
                       char *why, size_t whylen);

#endif /* CMN_DB_H */

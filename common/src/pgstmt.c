/* pgstmt.c - per-connection prepared statements, keyed by their SQL text.
 *
 * Every statement the runtime and the services send with parameters is a
 * constant of the code, so a connection sees a few dozen distinct texts:
 * each is parsed and planned once (PQprepare) and then only executed
 * (PQexecPrepared), which saves the server's parse and plan on every
 * message. The cache lives in the connection's libpq instance data and is
 * freed by the connection's destroy event; a connection is used by one
 * thread at a time, so it needs no lock.
 *
 * A prepared statement's generic plan is made once, with the table as it
 * was then: a table still empty when a service starts makes any index look
 * as good as another (intake's lookup by content digest took the
 * district's month index and filtered 10,000 rows, 3 ms a record, until
 * an ANALYZE happened to run). So each statement is prepared again after
 * 256 runs, then after 4 times as many each time (1,024, 4,096, ... up to
 * every S_REPLAN_MAX runs), or once it is 5 s old, then 10 s, 20 s, ... up
 * to every 10 minutes (runs count per connection, and a pool spreads them:
 * the clock replans a statement a busy service runs everywhere): the
 * server plans it for the table as it is now, at a cost of one Parse and
 * one DEALLOCATE per replan. A replan is done after the job, outside any
 * transaction (cmn__pgstmt_release), never inside the caller's. */
#include "pgstmt.h"
#include "cmn/err.h"

#include <libpq-events.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define S_SLOTS        256 /* a power of two */
#define S_MAX          128 /* statements prepared per connection at most */
#define S_REPLAN_FIRST 256u
#define S_REPLAN_MAX   (1u << 20)
#define S_AGE_FIRST    5000u   /* ms */
#define S_AGE_MAX      600000u /* ms */

typedef struct {
    char *sql; /* NULL: free slot */
    uint64_t hash;
    char name[24];
    bool dead;          /* to be prepared again */
    uint32_t runs;      /* since it was last prepared */
    uint32_t replan_at; /* runs before it is prepared again */
    uint32_t age_ms;    /* or its age when it is */
    uint64_t born_ms;   /* when it was last prepared (monotonic) */
    int nparams;
    uint8_t due; /* to be replanned after the job: S_DUE_* */
} s_stmt_t;

enum { S_DUE_NO, S_DUE_RUNS, S_DUE_AGE };

typedef struct {
    s_stmt_t slots[S_SLOTS];
    int count;
    unsigned next_name;
    int ndue; /* statements due for a replan */
} s_cache_t;

static void
s_cache_free(s_cache_t *cache)
{
    if (cache == NULL)
        return;
    for (int i = 0; i < S_SLOTS; i++)
        free(cache->slots[i].sql);
    free(cache);
}

static int
s_event(PGEventId id, void *info, void *pass)
{
    (void) pass;
    if (id == PGEVT_CONNDESTROY) {
        PGEventConnDestroy *d = info;
        s_cache_free(PQinstanceData(d->conn, s_event));
    } else if (id == PGEVT_CONNRESET) { /* the server forgot them all */
        PGEventConnReset *r = info;
        s_cache_t *cache = PQinstanceData(r->conn, s_event);
        for (int i = 0; cache != NULL && i < S_SLOTS; i++)
            cache->slots[i].dead = cache->slots[i].sql != NULL;
        for (int i = 0; cache != NULL && i < S_SLOTS; i++)
            cache->slots[i].due = S_DUE_NO;
        if (cache != NULL)
            cache->ndue = 0;
    }
    return 1;
}

int
cmn__pgstmt_attach(PGconn *conn)
{
    s_cache_t *cache = calloc(1, sizeof *cache);
    if (cache == NULL)
        return CMN_ENOMEM;
    if (!PQregisterEventProc(conn, s_event, "cmn_pgstmt", NULL) ||
        !PQsetInstanceData(conn, s_event, cache)) {
        free(cache);
        return CMN_ENOMEM;
    }
    return 0;
}

static uint64_t
s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000u + (uint64_t) ts.tv_nsec / 1000000u;
}

static uint64_t
s_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char) *s) * 1099511628211ull;
    return h;
}

/* The slot of sql, or the free slot where it would go (NULL: table full). */
static s_stmt_t *
s_find(s_cache_t *cache, const char *sql, uint64_t h)
{
    for (unsigned i = 0; i < S_SLOTS; i++) {
        s_stmt_t *s = &cache->slots[(h + i) & (S_SLOTS - 1)];
        if (s->sql == NULL || (s->hash == h && strcmp(s->sql, sql) == 0))
            return s;
    }
    return NULL;
}

/* Prepares s (new or dead); false when it could not be (the result of the
 * failure in *fail when the server refused it). */
static bool
s_prepare(PGconn *conn, s_cache_t *cache, s_stmt_t *s, const char *sql,
          uint64_t h, int nparams, PGresult **fail)
{
    if (s->sql == NULL) {
        if (cache->count >= S_MAX || (s->sql = strdup(sql)) == NULL)
            return false;
        s->hash = h;
        s->nparams = nparams;
        s->replan_at = S_REPLAN_FIRST;
        s->age_ms = S_AGE_FIRST;
        cache->count++;
    }
    s->runs = 0;
    s->born_ms = s_now_ms();
    /* A new name each time: the server may still hold the old one. */
    snprintf(s->name, sizeof s->name, "cmn_%u", cache->next_name++);
    PGresult *r = PQprepare(conn, s->name, sql, nparams, NULL);
    if (PQresultStatus(r) == PGRES_COMMAND_OK) {
        PQclear(r);
        s->dead = false;
        return true;
    }
    *fail = r; /* e.g. a syntax error, or an aborted transaction */
    s->dead = true;
    return false;
}

/* Counts a run of s; once it has run its count since it was prepared,
 * or is old enough, it is due: cmn__pgstmt_release prepares it again after
 * the job, outside any transaction, where a failure (a lock timeout, say)
 * costs the caller nothing. */
static void
s_count_run(s_cache_t *cache, s_stmt_t *s)
{
    if (s->due != S_DUE_NO)
        return;
    if (++s->runs >= s->replan_at)
        s->due = S_DUE_RUNS;
    else if (s_now_ms() - s->born_ms >= s->age_ms)
        s->due = S_DUE_AGE;
    else
        return;
    cache->ndue++;
}

/* Prepares due s again under a new name and deallocates the old one; on a
 * failure s keeps its old name and plan, and waits for its next count. */
static void
s_replan(PGconn *conn, s_cache_t *cache, s_stmt_t *s)
{
    char old[sizeof s->name];
    memcpy(old, s->name, sizeof old);
    bool by_runs = s->due == S_DUE_RUNS;
    s->due = S_DUE_NO;
    PGresult *fail = NULL;
    if (!s_prepare(conn, cache, s, s->sql, s->hash, s->nparams, &fail)) {
        PQclear(fail);
        memcpy(s->name, old, sizeof old); /* still prepared on the server */
        s->dead = false;
        return;
    }
    if (by_runs)
        s->replan_at =
            s->replan_at < S_REPLAN_MAX / 4 ? s->replan_at * 4 : S_REPLAN_MAX;
    else
        s->age_ms = s->age_ms < S_AGE_MAX / 2 ? s->age_ms * 2 : S_AGE_MAX;
    char sql[48];
    snprintf(sql, sizeof sql, "DEALLOCATE %s", old);
    PQclear(PQexec(conn, sql));
}

void
cmn__pgstmt_release(PGconn *conn)
{
    s_cache_t *cache = PQinstanceData(conn, s_event);
    if (cache == NULL || cache->ndue == 0 ||
        PQtransactionStatus(conn) != PQTRANS_IDLE)
        return;
    for (int i = 0; i < S_SLOTS && cache->ndue > 0; i++) {
        s_stmt_t *s = &cache->slots[i];
        if (s->sql == NULL || s->due == S_DUE_NO)
            continue;
        cache->ndue--;
        if (s->dead) /* prepared afresh at its next run anyway */
            s->due = S_DUE_NO;
        else
            s_replan(conn, cache, s);
    }
}

/* 1 when r says the server has no statement of that name (26000, after
 * DEALLOCATE ALL) or a table changed under its cached plan (0A000): the
 * statement did not run; it is prepared again. */
static int
s_stale(const PGresult *r)
{
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    return state != NULL &&
           (strcmp(state, "26000") == 0 || strcmp(state, "0A000") == 0);
}

PGresult *
cmn__pgstmt_exec(PGconn *conn, const char *sql, int nparams,
                 const char *const *params, const int *lengths,
                 const int *formats)
{
    s_cache_t *cache = nparams > 0 ? PQinstanceData(conn, s_event) : NULL;
    uint64_t h = cache ? s_hash(sql) : 0;
    s_stmt_t *s = cache ? s_find(cache, sql, h) : NULL;
    bool idle = PQtransactionStatus(conn) == PQTRANS_IDLE;
    for (int attempt = 0;; attempt++) {
        PGresult *fail = NULL;
        if (s != NULL && (s->sql == NULL || s->dead) &&
            !s_prepare(conn, cache, s, sql, h, nparams, &fail)) {
            if (fail != NULL)
                return fail;
            s = NULL;
        }
        if (s == NULL)
            return PQexecParams(conn, sql, nparams, NULL, params, lengths,
                                formats, 0);
        s_count_run(cache, s);
        PGresult *r =
            PQexecPrepared(conn, s->name, nparams, params, lengths, formats, 0);
        if (!s_stale(r))
            return r;
        s->dead = true;
        /* Outside a transaction nothing was lost: once more, prepared
         * again; inside one the transaction is aborted: the caller's. */
        if (!idle || attempt > 0)
            return r;
        PQclear(r);
    }
}

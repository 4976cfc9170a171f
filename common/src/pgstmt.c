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
 * one DEALLOCATE per replan. */
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
} s_stmt_t;

#define S_OLD 16 /* replaced names waiting for their DEALLOCATE */

typedef struct {
    s_stmt_t slots[S_SLOTS];
    int count;
    unsigned next_name;
    char old[S_OLD][24]; /* prepared on the server, no longer used */
    int nold;
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
        if (cache != NULL)
            cache->nold = 0;
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

/* When s has run its count since it was prepared (and the connection is
 * not in a failed transaction, and there is room to remember the old
 * name): prepares it again under a new name; the old one is deallocated
 * by cmn__pgstmt_release, outside any transaction, where a failure harms
 * nothing. A failure here leaves s as it was, tried again at its next
 * count. */
static void
s_replan(PGconn *conn, s_cache_t *cache, s_stmt_t *s, int nparams)
{
    bool by_runs = ++s->runs >= s->replan_at;
    if (!by_runs && s_now_ms() - s->born_ms < s->age_ms)
        return;
    if (cache->nold >= S_OLD || PQtransactionStatus(conn) == PQTRANS_INERROR)
        return;
    char old[sizeof s->name];
    memcpy(old, s->name, sizeof old);
    uint32_t next = !by_runs                          ? s->replan_at
                    : s->replan_at < S_REPLAN_MAX / 4 ? s->replan_at * 4
                                                      : S_REPLAN_MAX;
    uint32_t age = by_runs                     ? s->age_ms
                   : s->age_ms < S_AGE_MAX / 2 ? s->age_ms * 2
                                               : S_AGE_MAX;
    PGresult *fail = NULL;
    if (!s_prepare(conn, cache, s, s->sql, s->hash, nparams, &fail)) {
        PQclear(fail);
        memcpy(s->name, old, sizeof old); /* still prepared on the server */
        s->dead = false;
        return;
    }
    s->replan_at = next;
    s->age_ms = age;
    memcpy(cache->old[cache->nold++], old, sizeof old);
}

void
cmn__pgstmt_release(PGconn *conn)
{
    s_cache_t *cache = PQinstanceData(conn, s_event);
    if (cache == NULL || cache->nold == 0 ||
        PQtransactionStatus(conn) != PQTRANS_IDLE)
        return;
    for (int i = 0; i < cache->nold; i++) {
        char sql[48];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", cache->old[i]);
        PQclear(PQexec(conn, sql));
    }
    cache->nold = 0;
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
        s_replan(conn, cache, s, nparams);
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

/* db.c - libpq connection pool on libuv's thread pool. */
#include "cmn/db.h"
#include "cmn/log.h"
#include "pgstmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_MAX_CONNS 64

typedef struct s_job {
    uv_work_t req;
    cmn_db_t *db;
    cmn_db_work_fn work;
    cmn_db_done_fn done;
    void *arg;
    int slot;
    int status;
    bool request; /* cmn_db_submit_request */
    struct s_job *next;
} s_job_t;

struct cmn_db {
    uv_loop_t *loop;
    char *conninfo;
    char *session_sql;
    int size;
    PGconn *conns[S_MAX_CONNS]; /* slot i is used by one job at a time */
    bool busy[S_MAX_CONNS];
    int running;
    int queued;
    int reserve;            /* connections kept for requests */
    int background;         /* background jobs running */
    bool closing;           /* destroyed while jobs ran: free after the last */
    bool dying;             /* being destroyed: no new jobs */
    bool last_request;      /* the job started last was a request */
    s_job_t *head, *tail;   /* waiting for a free connection */
    s_job_t *rhead, *rtail; /* requests: served first */
};

/* libuv runs every job on its thread pool, of 4 threads unless
 * UV_THREADPOOL_SIZE says otherwise, read when the first job starts: with
 * more connections than threads, a request queued ahead of the background
 * jobs would still wait in libuv's own queue behind them. So unless the
 * operator set it, it is made the pools' connections so far, plus 2. */
static void
s_threads(int size)
{
    static int total;
    static bool ours;
    if (!ours && getenv("UV_THREADPOOL_SIZE") != NULL)
        return;
    ours = true;
    total += size;
    char v[16];
    snprintf(v, sizeof v, "%d", total + 2 < 4 ? 4 : total + 2);
    (void) setenv("UV_THREADPOOL_SIZE", v, 1); /* fails only without memory */
}

cmn_db_t *
cmn_db_new(uv_loop_t *loop, const char *conninfo, int size, int *err)
{
    if (size < 1 || size > S_MAX_CONNS || conninfo == NULL) {
        *err = CMN_EINVAL;
        return NULL;
    }
    cmn_db_t *self = calloc(1, sizeof *self);
    if (self == NULL || (self->conninfo = strdup(conninfo)) == NULL) {
        free(self);
        *err = CMN_ENOMEM;
        return NULL;
    }
    self->loop = loop;
    self->size = size;
    s_threads(size);
    *err = 0;
    return self;
}

static void
s_notice(void *arg, const char *message)
{
    (void) arg;
    char line[300];
    snprintf(line, sizeof line, "%s", message);
    line[strcspn(line, "\n")] = '\0';
    cmn_log_warn("database says: %s", line);
}

void
cmn_pg_quiet(PGconn *conn)
{
    if (conn != NULL)
        PQsetNoticeProcessor(conn, s_notice, NULL);
}

static int
s_connect(cmn_db_t *db, int slot)
{
    PGconn *c = db->conns[slot];
    if (c != NULL && PQstatus(c) == CONNECTION_OK)
        return 0;
    PQfinish(c);
    /* The string may be key=value pairs or a URI; both expand from dbname. */
    const char *keys[] = {"dbname", "connect_timeout", NULL};
    const char *vals[] = {db->conninfo, "3", NULL};
    c = PQconnectdbParams(keys, vals, 1);
    cmn_pg_quiet(c);
    if (PQstatus(c) == CONNECTION_OK && cmn__pgstmt_attach(c) != 0)
        cmn_log_warn("no statement cache: statements run unprepared");
    if (PQstatus(c) == CONNECTION_OK && db->session_sql != NULL &&
        cmn_pg_cmd(c, db->session_sql) != 0) {
        PQfinish(c);
        db->conns[slot] = NULL;
        return CMN_EDBCONN;
    }
    if (PQstatus(c) != CONNECTION_OK) {
        char msg[256];
        cmn_log_warn("could not connect to database: %s",
                     cmn_pg_errmsg(c, NULL, msg, sizeof msg));
        PQfinish(c);
        db->conns[slot] = NULL;
        return CMN_EDBCONN;
    }
    db->conns[slot] = c;
    return 0;
}

static void
s_work(uv_work_t *req)
{
    s_job_t *job = req->data;
    cmn_db_t *db = job->db;
    job->status = s_connect(db, job->slot);
    if (job->status != 0)
        return;
    PGconn *c = db->conns[job->slot];
    job->status = job->work(c, job->arg);
    if (PQstatus(c) != CONNECTION_OK) {
        PQfinish(c);
        db->conns[job->slot] = NULL;
        if (job->status == 0)
            job->status = CMN_EDBCONN;
        return;
    }
    if (PQtransactionStatus(c) != PQTRANS_IDLE) {
        PGresult *r = PQexec(c, "ROLLBACK");
        PQclear(r);
    }
    cmn__pgstmt_release(c);
}

static void s_dispatch(cmn_db_t *db);
static void s_free(cmn_db_t *self);

static void
s_after(uv_work_t *req, int status)
{
    s_job_t *job = req->data;
    cmn_db_t *db = job->db;
    db->busy[job->slot] = false;
    db->running--;
    db->background -= !job->request;
    int st = status == UV_ECANCELED ? CMN_ECANCELED : job->status;
    cmn_db_done_fn done = job->done;
    void *arg = job->arg;
    free(job);
    if (!db->closing)
        s_dispatch(db);
    done(st, arg);
    if (db->closing && db->running == 0)
        s_free(db);
}

/* The next job to start, taken off its queue: a request first, except
 * that one background job always runs when there is one (a flood of
 * requests never stops delivery), and background jobs leave the reserved
 * connections free. */
static s_job_t *
s_next(cmn_db_t *db)
{
    bool bg_ok = db->head != NULL && db->background < db->size - db->reserve;
    /* (One connection: the two queues take turns.) */
    bool bg_first =
        bg_ok && db->background == 0 && (db->size > 1 || db->last_request);
    s_job_t **head = &db->rhead, **tail = &db->rtail;
    if (bg_first || *head == NULL) {
        if (!bg_ok)
            return NULL;
        head = &db->head;
        tail = &db->tail;
    }
    s_job_t *job = *head;
    *head = job->next;
    if (*head == NULL)
        *tail = NULL;
    db->last_request = job->request;
    return job;
}

static void
s_dispatch(cmn_db_t *db)
{
    s_job_t *job;
    while (db->running < db->size && (job = s_next(db)) != NULL) {
        db->queued--;
        db->background += !job->request;
        int slot = 0;
        while (db->busy[slot])
            slot++;
        db->busy[slot] = true;
        job->slot = slot;
        db->running++;
        job->req.data = job;
        /* Fails only without a work callback (uv_queue_work(3)). */
        (void) uv_queue_work(db->loop, &job->req, s_work, s_after);
    }
}

int
cmn_db_set_session_sql(cmn_db_t *self, const char *sql)
{
    char *copy = strdup(sql);
    if (copy == NULL)
        return CMN_ENOMEM;
    free(self->session_sql);
    self->session_sql = copy;
    return 0;
}

static int
s_submit(cmn_db_t *self, cmn_db_work_fn work, cmn_db_done_fn done, void *arg,
         bool request)
{
    if (self == NULL || work == NULL || done == NULL)
        return CMN_EINVAL;
    if (self->dying) /* a cancelled job's done submitting again */
        return CMN_ECANCELED;
    s_job_t *job = calloc(1, sizeof *job);
    if (job == NULL)
        return CMN_ENOMEM;
    job->db = self;
    job->work = work;
    job->done = done;
    job->arg = arg;
    job->request = request;
    s_job_t **head = request ? &self->rhead : &self->head;
    s_job_t **tail = request ? &self->rtail : &self->tail;
    if (*tail != NULL)
        (*tail)->next = job;
    else
        *head = job;
    *tail = job;
    self->queued++;
    s_dispatch(self);
    return 0;
}

int
cmn_db_submit(cmn_db_t *self, cmn_db_work_fn work, cmn_db_done_fn done,
              void *arg)
{
    return s_submit(self, work, done, arg, false);
}

int
cmn_db_submit_request(cmn_db_t *self, cmn_db_work_fn work, cmn_db_done_fn done,
                      void *arg)
{
    return s_submit(self, work, done, arg, true);
}

void
cmn_db_reserve(cmn_db_t *self, int n)
{
    self->reserve = n < 0 ? 0 : n < self->size ? n : self->size - 1;
    s_dispatch(self);
}

int
cmn_db_pending(const cmn_db_t *self)
{
    return self->running + self->queued;
}

int
cmn_db_running(const cmn_db_t *self)
{
    return self->running;
}

void
cmn_db_destroy(cmn_db_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    cmn_db_t *self = *self_p;
    *self_p = NULL;
    self->dying = true;
    for (int q = 0; q < 2; q++) {
        s_job_t **head = q == 0 ? &self->rhead : &self->head;
        while (*head != NULL) {
            s_job_t *job = *head;
            *head = job->next;
            self->queued--;
            job->done(CMN_ECANCELED, job->arg);
            free(job);
        }
    }
    self->tail = self->rtail = NULL;
    if (self->running > 0) {
        self->closing = true; /* the last s_after frees it */
        return;
    }
    s_free(self);
}

static void
s_free(cmn_db_t *self)
{
    for (int i = 0; i < S_MAX_CONNS; i++)
        PQfinish(self->conns[i]);
    free(self->conninfo);
    free(self->session_sql);
    free(self);
}

int
cmn_pg_error(PGconn *conn, const PGresult *res)
{
    if (PQstatus(conn) != CONNECTION_OK)
        return CMN_EDBCONN;
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (state == NULL)
        return CMN_EDBCONN;
    if (strcmp(state, "40P01") == 0 || strcmp(state, "40001") == 0)
        return CMN_EAGAIN;
    if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0)
        return CMN_EDBCONN;
    return CMN_EDB;
}

PGresult *
cmn_pg_execb(PGconn *conn, const char *sql, int nparams,
             const char *const *params, const int *lengths, const int *formats,
             int *err)
{
    PGresult *r =
        cmn__pgstmt_exec(conn, sql, nparams, params, lengths, formats);
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        *err = 0;
        return r;
    }
    *err = cmn_pg_error(conn, r);
    char msg[300];
    cmn_pg_errmsg(conn, r, msg, sizeof msg);
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    char head[48];
    snprintf(head, sizeof head, "%.40s", sql);
    head[strcspn(head, "\n")] = '\0';
    if (*err == CMN_EDB)
        cmn_log_error("query \"%s...\" failed: sqlstate=%s %s", head,
                      state ? state : "-", msg);
    else
        cmn_log_warn("query \"%s...\" failed: sqlstate=%s %s", head,
                     state ? state : "-", msg);
    PQclear(r);
    return NULL;
}

PGresult *
cmn_pg_exec(PGconn *conn, const char *sql, int nparams,
            const char *const *params, int *err)
{
    return cmn_pg_execb(conn, sql, nparams, params, NULL, NULL, err);
}

int
cmn_pg_cmd(PGconn *conn, const char *sql)
{
    int err;
    PGresult *r = cmn_pg_exec(conn, sql, 0, NULL, &err);
    PQclear(r);
    return err;
}

int
cmn_pg_bump(PGconn *conn, const char *table, const char *column,
            const char *key_column, const char *key, uint64_t *out)
{
    char sql[256];
    int n = snprintf(sql, sizeof sql,
                     "UPDATE %s SET %s = %s + 1 WHERE %s = $1 RETURNING %s",
                     table, column, column, key_column, column);
    if (n < 0 || (size_t) n >= sizeof sql)
        return CMN_EINVAL;
    const char *p[1] = {key};
    int err;
    PGresult *r = cmn_pg_exec(conn, sql, 1, p, &err);
    if (r == NULL)
        return err;
    err = PQntuples(r) == 1 ? 0 : CMN_ENOENT;
    if (err == 0)
        *out = strtoull(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return err;
}

void
cmn_pg_rollback(PGconn *conn)
{
    if (PQtransactionStatus(conn) != PQTRANS_IDLE)
        PQclear(PQexec(conn, "ROLLBACK"));
}

const char *
cmn_pg_errmsg(const PGconn *conn, const PGresult *res, char *buf, size_t len)
{
    const char *m = res != NULL    ? PQresultErrorMessage(res)
                    : conn != NULL ? PQerrorMessage(conn)
                                   : "no connection";
    snprintf(buf, len, "%s", m);
    buf[strcspn(buf, "\n")] = '\0'; /* libpq ends its messages with one */
    return buf;
}

PGconn *
cmn_pg_connect(const char *conninfo, int attempts, int delay_ms, char *why,
               size_t whylen)
{
    /* The string may be key=value pairs or a URI; both expand from dbname. */
    const char *keys[] = {"dbname", "connect_timeout", NULL};
    const char *vals[] = {conninfo, "5", NULL};
    PGconn *c = NULL;
    for (int i = 0; i < (attempts > 0 ? attempts : 1); i++) {
        if (i > 0)
            uv_sleep((unsigned) delay_ms);
        PQfinish(c);
        c = PQconnectdbParams(keys, vals, 1);
        if (PQstatus(c) == CONNECTION_OK) {
            cmn_pg_quiet(c);
            return c;
        }
    }
    cmn_pg_errmsg(c, NULL, why, whylen);
    PQfinish(c);
    return NULL;
}

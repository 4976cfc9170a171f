/* signer.c - the checkpoint signer: signs the chain's head only while the
 * chain extends the last checkpoint it signed (see signer.h). */
#include "aud/signer.h"
#include "aud/saved.h"
#include "aud/verify.h"
#include "cmn/db.h"
#include "cmn/log.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Replicas sign in turn; appends (mlps.audit.chain's lock) go on. */
#define S_SIGN_LOCK "SELECT pg_advisory_xact_lock(hashtext('mlps.audit.sign'))"

/* The newest checkpoint, and the chain's record at its seq. */
#define S_NEWEST_SQL                                                \
    "SELECT k.seq, k.hash, k.signed_at_us, k.key_id, k.signature, " \
    "c.hash, c.event_id FROM checkpoints k LEFT JOIN chain c "      \
    "ON c.seq = k.seq ORDER BY k.seq DESC LIMIT 1"

#define S_INSERT_SQL                                             \
    "INSERT INTO checkpoints (seq, hash, signed_at_us, key_id, " \
    "signature) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (seq) DO NOTHING"

struct aud_signer {
    const aud_key_t *key;
    char *state_path;
    bool unsaved;       /* last is not in the state file yet (run's thread) */
    pthread_mutex_t mu; /* guards last, refused, alarm */
    aud_checkpoint_t last; /* the last checkpoint signed; seq 0: none */
    bool refused;          /* signs nothing more */
    char alarm[400];       /* why */
};

static int s_say(char *why, size_t whylen, const char *fmt, ...)
    CMN_PRINTF(3, 4);

/* Formats the reason into why; returns CMN_EREJECT. */
static int
s_say(char *why, size_t whylen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
    return CMN_EREJECT;
}

/* 1: the chain still holds last. */
static int
s_check_held(PGconn *conn, const aud_checkpoint_t *last, char *why,
             size_t whylen)
{
    char held[256];
    int err = aud_saved_held(conn, last, held, sizeof held);
    if (err == CMN_EREJECT)
        s_say(why, whylen, AUD_SIGNER_NOT_EXTENDED "%" PRId64 ": %s", last->seq,
              held);
    return err;
}

/* 2: the records after last, up to the head, into *walk. */
static int
s_check_walk(PGconn *conn, const aud_checkpoint_t *last,
             aud_verify_result_t *walk, char *why, size_t whylen)
{
    const char *from = last->seq > 0 ? last->hash : AUD_ZERO_HASH;
    int err = aud_verify_after(conn, last->seq, from, walk);
    if (err != 0 || walk->ok)
        return err;
    if (last->seq > 0)
        return s_say(why, whylen,
                     AUD_SIGNER_NOT_EXTENDED "%" PRId64 ": seq %" PRId64
                                             " (event %s): %s",
                     last->seq, walk->bad_seq, walk->bad_event, walk->reason);
    return s_say(why, whylen,
                 "the chain does not verify: seq %" PRId64 " (event %s): %s",
                 walk->bad_seq, walk->bad_event, walk->reason);
}

/* 3: the newest checkpoint (*newest_seq) lies within the chain up to
 * head, and when it is key's and newer than *next, the chain has its hash
 * there and it becomes *next. */
static int
s_check_newest(PGconn *conn, const aud_key_t *key, int64_t head,
               aud_checkpoint_t *next, int64_t *newest_seq, char *why,
               size_t whylen)
{
    aud_checkpoint_t n;
    char held[256];
    int err = 0;
    PGresult *r = cmn_pg_exec(conn, S_NEWEST_SQL, 0, NULL, &err);
    if (r == NULL)
        return err;
    *newest_seq = 0;
    if (PQntuples(r) == 0)
        goto out;
    aud_checkpoint_from_row(r, 0, 0, &n);
    *newest_seq = n.seq;
    bool newer = n.seq > next->seq && strcmp(n.key_id, aud_key_id(key)) == 0 &&
                 aud_checkpoint_check(key, n.seq, n.hash, n.signed_at_us,
                                      n.signature) == 0;
    bool same =
        !PQgetisnull(r, 0, 5) && strcmp(PQgetvalue(r, 0, 5), n.hash) == 0;
    if (n.seq > head || (newer && !same)) {
        /* Names it (emptied, cut, rebuilt): aud_saved_held says no. */
        if (aud_saved_held(conn, &n, held, sizeof held) != CMN_EREJECT)
            snprintf(held, sizeof held, "the chain ends at seq %" PRId64, head);
        err = s_say(why, whylen,
                    "the chain no longer extends the checkpoint at seq %" PRId64
                    " in audit.checkpoints: %s",
                    n.seq, held);
    } else if (newer) { /* a replica signed it with this key */
        snprintf(n.event_id, sizeof n.event_id, "%s", PQgetvalue(r, 0, 6));
        *next = n;
    }
out:
    PQclear(r);
    return err;
}

/* 4: signs the head (walk->last_*) and stores it; *next gets it. */
static int
s_sign_head(PGconn *conn, const aud_key_t *key, const aud_verify_result_t *walk,
            aud_checkpoint_t *next, int64_t *seq)
{
    aud_checkpoint_t cp = {.seq = walk->last_seq};
    char s[24], at[24];
    int err = 0;
    PGresult *r = cmn_pg_exec(conn,
                              "SELECT (extract(epoch FROM "
                              "clock_timestamp()) * 1000000)::bigint",
                              0, NULL, &err);
    if (r == NULL)
        return err;
    cp.signed_at_us = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    snprintf(cp.hash, sizeof cp.hash, "%s", walk->last_hash);
    snprintf(cp.key_id, sizeof cp.key_id, "%s", aud_key_id(key));
    snprintf(cp.event_id, sizeof cp.event_id, "%s", walk->last_event);
    err = aud_checkpoint_sign(key, cp.seq, cp.hash, cp.signed_at_us,
                              cp.signature);
    if (err != 0)
        return err;
    snprintf(s, sizeof s, "%" PRId64, cp.seq);
    snprintf(at, sizeof at, "%" PRId64, cp.signed_at_us);
    const char *p[5] = {s, cp.hash, at, cp.key_id, cp.signature};
    if ((r = cmn_pg_exec(conn, S_INSERT_SQL, 5, p, &err)) == NULL)
        return err;
    if (strcmp(PQcmdTuples(r), "1") == 0) {
        *next = cp;
        *seq = cp.seq;
    }
    PQclear(r);
    return 0;
}

static int
s_make_tx(PGconn *conn, const aud_key_t *key, aud_checkpoint_t *last,
          int64_t *seq, char *why, size_t whylen)
{
    aud_verify_result_t walk = {0}; /* read only once s_check_walk set it */
    aud_checkpoint_t next = *last;
    int64_t newest = 0;
    int err = cmn_pg_cmd(conn, "BEGIN");
    if (err == 0)
        err = cmn_pg_cmd(conn, S_SIGN_LOCK);
    if (err == 0 && last->seq > 0)
        err = s_check_held(conn, last, why, whylen);
    if (err == 0)
        err = s_check_walk(conn, last, &walk, why, whylen);
    if (err == 0)
        err = s_check_newest(conn, key, walk.last_seq, &next, &newest, why,
                             whylen);
    if (err == 0 && walk.last_seq > newest)
        err = s_sign_head(conn, key, &walk, &next, seq);
    if (err == 0)
        err = cmn_pg_cmd(conn, "COMMIT");
    if (err == 0)
        *last = next;
    return err;
}

int
aud_checkpoint_make(PGconn *conn, const aud_key_t *key, aud_checkpoint_t *last,
                    int64_t *seq, char *why, size_t whylen)
{
    *seq = 0;
    if (!aud_key_can_sign(key))
        return CMN_EINVAL;
    int err = s_make_tx(conn, key, last, seq, why, whylen);
    if (err != 0) {
        cmn_pg_rollback(conn);
        *seq = 0;
    }
    return err;
}

/* --- the signer and its state file ------------------------------------ */

aud_signer_t *
aud_signer_new(const aud_key_t *key, const char *state_path, char *why,
               size_t whylen)
{
    aud_signer_t *self = calloc(1, sizeof *self);
    if (self == NULL || (self->state_path = strdup(state_path)) == NULL) {
        snprintf(why, whylen, "out of memory");
        goto fail;
    }
    int rc = aud_saved_read(state_path, &self->last, why, whylen);
    if (rc == CMN_ENOENT) {
        memset(&self->last, 0, sizeof self->last);
        cmn_log_warn("no signer state \"%s\" yet: the chain as it stands is "
                     "trusted until the first checkpoint",
                     state_path);
    } else if (rc != 0) {
        goto fail;
    } else if (strcmp(self->last.key_id, aud_key_id(key)) != 0 ||
               aud_checkpoint_check(key, self->last.seq, self->last.hash,
                                    self->last.signed_at_us,
                                    self->last.signature) != 0) {
        snprintf(why, whylen,
                 "signer state \"%s\": not a checkpoint signed "
                 "with key %s",
                 state_path, aud_key_id(key));
        goto fail;
    }
    if (pthread_mutex_init(&self->mu, NULL) != 0) {
        snprintf(why, whylen, "could not make the signer's lock");
        goto fail;
    }
    self->key = key;
    return self;
fail:
    if (self != NULL)
        free(self->state_path);
    free(self);
    return NULL;
}

void
aud_signer_destroy(aud_signer_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    aud_signer_t *self = *self_p;
    *self_p = NULL;
    pthread_mutex_destroy(&self->mu);
    free(self->state_path);
    free(self);
}

/* Writes last to the state file when it is not there yet. */
static void
s_save(aud_signer_t *self, const aud_checkpoint_t *last)
{
    char why[512];
    if (!self->unsaved)
        return;
    if (aud_saved_write(self->state_path, last, why, sizeof why) != 0) {
        cmn_log_error("could not save the signer state (seq %" PRId64
                      "); trying again next round: %s",
                      last->seq, why);
        return;
    }
    self->unsaved = false;
}

int
aud_signer_run(aud_signer_t *self, PGconn *conn, int64_t *seq)
{
    aud_checkpoint_t last;
    char why[sizeof self->alarm];
    *seq = 0;
    pthread_mutex_lock(&self->mu);
    bool refused = self->refused;
    last = self->last;
    pthread_mutex_unlock(&self->mu);
    if (refused)
        return CMN_EREJECT;
    int64_t before = last.seq;
    int rc = aud_checkpoint_make(conn, self->key, &last, seq, why, sizeof why);
    if (rc != 0 && rc != CMN_EREJECT)
        return rc;
    pthread_mutex_lock(&self->mu);
    if (rc == CMN_EREJECT) {
        self->refused = true;
        memcpy(self->alarm, why, sizeof self->alarm);
    } else if (last.seq != before) {
        self->last = last;
        self->unsaved = true;
    }
    pthread_mutex_unlock(&self->mu);
    if (rc == CMN_EREJECT)
        cmn_log_error("ALARM: refusing to sign checkpoints from now on: %s",
                      why);
    s_save(self, &last);
    return rc;
}

bool
aud_signer_state(aud_signer_t *self, aud_checkpoint_t *last, char *why,
                 size_t whylen)
{
    pthread_mutex_lock(&self->mu);
    *last = self->last;
    bool refused = self->refused;
    snprintf(why, whylen, "%s", refused ? self->alarm : "");
    pthread_mutex_unlock(&self->mu);
    return refused;
}

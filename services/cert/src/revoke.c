/* revoke.c - revocations (insert-only rows) and the signed revocation
 * list, published with every revocation and on a schedule. */
#include "crt/revoke.h"
#include "cmn/audit.h"
#include "cmn/db.h"
#include "cmn/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define S_LOCK "SELECT pg_advisory_xact_lock(hashtext('mlps.cert.revlist'))"

int
crt_revoke(PGconn *c, const crt_t *self, const char *tracking_id,
           const char *number, crt_revoke_reason_t reason,
           const char *superseded_by, const char *who, const char *note,
           char as_of[CRT_INSTANT_LEN + 1])
{
    char today[DOM_DATE_BUFSZ];
    size_t entries = 0;
    int err;
    dom_date_format(cmn_svc_today(&self->conf.base), today);
    const char *p[6] = {number,        today, crt_revoke_reason_name(reason),
                        superseded_by, who,   note};
    PGresult *r = cmn_pg_exec(c,
                              "INSERT INTO revocations (number, revoked_on, "
                              "reason, superseded_by, revoked_by, note) "
                              "VALUES ($1, $2, $3, nullif($4, ''), $5, $6)",
                              6, p, &err);
    if (r == NULL)
        return err;
    PQclear(r);
    err =
        cmn_audit(c, who, "certificate.revoked", tracking_id, "%s %s%s%s",
                  number, p[2], superseded_by[0] ? " by " : "", superseded_by);
    if (err == 0)
        err = crt_revlist_publish(c, self, as_of, &entries);
    if (err == 0)
        cmn_log_info("certificate %s revoked (%s) on %s; list as of %s, %zu "
                     "entries",
                     number, p[2], today, as_of, entries);
    return err;
}

/* Now on the office's clock, in UTC, as YYYY-MM-DDTHH:MM:SSZ. */
static void
s_now(const crt_t *self, char out[CRT_INSTANT_LEN + 1])
{
    time_t t = (time_t) (cmn_svc_now_us(&self->conf.base) / 1000000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, CRT_INSTANT_LEN + 1, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Every revocation into rl. */
static int
s_fill(PGconn *c, crt_revlist_t *rl)
{
    char why[200];
    int err;
    PGresult *r = cmn_pg_exec(
        c,
        "SELECT r.number, n.issued_on::text, r.revoked_on::text, r.reason "
        "FROM revocations r JOIN numbers n ON n.number = r.number "
        "ORDER BY r.number COLLATE \"C\", n.issued_on",
        0, NULL, &err);
    if (r == NULL)
        return err;
    for (int i = 0; err == 0 && i < PQntuples(r); i++) {
        crt_revoke_reason_t reason;
        if (crt_revoke_reason_parse(PQgetvalue(r, i, 3), &reason) != 0)
            err = CMN_EDB;
        else
            err = crt_revlist_add(rl, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
                                  PQgetvalue(r, i, 2), reason, why, sizeof why);
        if (err != 0)
            cmn_log_error("revocation list: %s: %s", PQgetvalue(r, i, 0),
                          err == CMN_EDB ? "unknown reason" : why);
    }
    PQclear(r);
    return err;
}

/* Inserts the signed text into revlists. */
static int
s_insert(PGconn *c, const crt_t *self, const char *as_of, size_t entries,
         const char *text)
{
    char n[24];
    snprintf(n, sizeof n, "%zu", entries);
    const char *p[4] = {as_of, crt_key_id(self->key), n, text};
    int err;
    PGresult *r = cmn_pg_exec(c,
                              "INSERT INTO revlists (as_of, key_id, entries, "
                              "body) VALUES ($1, $2, $3, $4)",
                              4, p, &err);
    PQclear(r);
    return r == NULL ? err : 0;
}

int
crt_revlist_publish(PGconn *c, const crt_t *self,
                    char as_of[CRT_INSTANT_LEN + 1], size_t *entries)
{
    char why[300] = "", *text = NULL;
    size_t len = 0;
    crt_revlist_t *rl = NULL;
    int err = cmn_pg_cmd(c, S_LOCK);
    if (err != 0)
        return err;
    s_now(self, as_of); /* after the lock: later than any list before */
    rl = crt_revlist_new(as_of, why, sizeof why);
    if (rl == NULL)
        return CMN_ENOMEM;
    err = s_fill(c, rl);
    if (err == 0)
        err = crt_revlist_write(rl, self->key, &text, &len, why, sizeof why);
    if (err != 0 && why[0] != '\0')
        cmn_log_error("revocation list: %s", why);
    *entries = crt_revlist_count(rl);
    if (err == 0)
        err = s_insert(c, self, as_of, *entries, text);
    free(text);
    crt_revlist_destroy(&rl);
    return err;
}

int
crt_revlist_work(PGconn *c, void *arg)
{
    const crt_t *self = arg;
    char as_of[CRT_INSTANT_LEN + 1];
    size_t entries = 0;
    int err = cmn_pg_cmd(c, "BEGIN");
    if (err == 0)
        err = crt_revlist_publish(c, self, as_of, &entries);
    if (err == 0)
        err = cmn_pg_cmd(c, "COMMIT");
    if (err == 0)
        cmn_log_info("revocation list published as of %s (%zu entries)", as_of,
                     entries);
    return err;
}

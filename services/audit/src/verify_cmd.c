/* verify_cmd.c - `mlps-audit verify`: checks the chain (and its signed
 * checkpoints, with a key; a checkpoint saved earlier; the signer's state)
 * once, straight from the database. */
#include "aud/saved.h"
#include "aud/service.h"
#include "cmn/db.h"
#include "cmn/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The command reads the service's own options (so the service's config
 * file and environment work for it too) and uses db.url, log.level and
 * the audit.* key and state files, plus two of its own. */
typedef struct {
    aud_conf_t svc; /* first: aud_options' offsets hold */
    char *save, *since;
} s_conf_t;

static const cmn_cfg_opt_t s_own[] = {
    {"save-checkpoint", CMN_CFG_STR, "", 0, 0, offsetof(s_conf_t, save),
     "when the chain verifies, save its newest checkpoint to this file"},
    {"since-checkpoint", CMN_CFG_STR, "", 0, 0, offsetof(s_conf_t, since),
     "check the chain still extends the checkpoint saved in this file"},
};

#define S_OWN  (sizeof s_own / sizeof s_own[0])
#define S_OPTS 64

/* aud_options and s_own in one table (terminated), into opts. */
static void
s_options(cmn_cfg_opt_t opts[S_OPTS])
{
    size_t n = 0;
    while (aud_options[n].key != NULL && n + S_OWN + 1 < S_OPTS) {
        opts[n] = aud_options[n];
        n++;
    }
    for (size_t i = 0; i < S_OWN; i++)
        opts[n++] = s_own[i];
    memset(&opts[n], 0, sizeof opts[n]);
}

static void
s_print_result(const aud_verify_result_t *res, const aud_checkpoint_t *since)
{
    char tail[40] = "";
    if (since->seq > 0)
        snprintf(tail, sizeof tail, " since_seq=%lld", (long long) since->seq);
    if (res->ok && res->key_id[0] != '\0')
        printf("audit verify: ok records=%llu checkpoints=%llu "
               "anchored_seq=%lld key=%s%s\n",
               (unsigned long long) res->records,
               (unsigned long long) res->checkpoints,
               (long long) res->anchored_seq, res->key_id, tail);
    else if (res->ok)
        printf("audit verify: ok records=%llu%s\n",
               (unsigned long long) res->records, tail);
    else
        printf("audit verify: FAILED at seq=%lld (event %s): %s\n",
               (long long) res->bad_seq,
               res->bad_event[0] ? res->bad_event : "-", res->reason);
}

/* Connects to url and verifies. Returns 0 with res filled, or 2 after
 * printing why it could not. */
static int
s_verify_at(const char *url, const aud_verify_opts_t *o,
            aud_verify_result_t *res, aud_checkpoint_t *latest)
{
    char err[512];
    int rc = 2;
    PGconn *c = cmn_pg_connect(url, 1, 0, err, sizeof err);
    if (c == NULL) {
        fprintf(stderr, "audit verify: could not connect: %s\n", err);
        goto out;
    }
    rc = cmn_pg_cmd(c, "SET search_path TO " AUD_SCHEMA);
    if (rc == 0)
        rc = aud_verify_all(c, o, res, latest);
    if (rc != 0) {
        fprintf(stderr, "audit verify: could not verify: %s\n",
                cmn_strerror(rc));
        rc = 2;
    }
out:
    PQfinish(c);
    return rc;
}

/* Reads the checkpoints kept outside: --since-checkpoint (needed when
 * given) and the signer's state file (when there is one). 0 or 2. */
static int
s_read_kept(const s_conf_t *conf, aud_checkpoint_t *since,
            aud_checkpoint_t *last)
{
    char why[512], path[4096];
    int rc = 0;
    if (conf->since[0] != '\0' &&
        aud_saved_read(conf->since, since, why, sizeof why) != 0) {
        fprintf(stderr, "audit verify: \"since-checkpoint\": %s\n", why);
        return 2;
    }
    aud_conf_state_file(&conf->svc, path, sizeof path);
    if (path[0] != '\0')
        rc = aud_saved_read(path, last, why, sizeof why);
    if (rc != 0 && rc != CMN_ENOENT) {
        fprintf(stderr, "audit verify: signer state: %s\n", why);
        return 2;
    }
    if (rc == CMN_ENOENT)
        memset(last, 0, sizeof *last);
    return 0;
}

/* Saves latest to conf->save. 0 or 2. */
static int
s_save(const s_conf_t *conf, const aud_checkpoint_t *latest)
{
    char why[512];
    if (latest->seq == 0) {
        fprintf(stderr, "audit verify: \"save-checkpoint\": no checkpoint "
                        "verified, nothing saved\n");
        return 2;
    }
    if (aud_saved_write(conf->save, latest, why, sizeof why) != 0) {
        fprintf(stderr, "audit verify: \"save-checkpoint\": %s\n", why);
        return 2;
    }
    printf("audit verify: saved the checkpoint at seq=%lld to \"%s\"\n",
           (long long) latest->seq, conf->save);
    return 0;
}

/* Checks the options; loads the key (*key) when one is named. 0 or 2. */
static int
s_check_conf(const s_conf_t *conf, aud_key_t **key)
{
    char err[512];
    int level = cmn_log_level_parse(conf->svc.base.log_level);
    if (level < 0) {
        fprintf(stderr, "audit verify: \"log.level\" must be debug, info, "
                        "warn or error\n");
        return 2;
    }
    cmn_log_init("audit", (cmn_log_level_t) level);
    /* The public key, or the service's own signing key. */
    const char *kf = conf->svc.verify_key_file[0] ? conf->svc.verify_key_file
                                                  : conf->svc.sign_key_file;
    if (kf[0] != '\0' && (*key = aud_key_load(kf, err, sizeof err)) == NULL) {
        fprintf(stderr, "audit verify: %s\n", err);
        return 2;
    }
    if (*key == NULL && (conf->save[0] || conf->since[0])) {
        fprintf(stderr,
                "audit verify: \"%s\" needs a key: "
                "\"audit.verify-key-file\" or "
                "\"audit.sign-key-file\"\n",
                conf->save[0] ? "save-checkpoint" : "since-checkpoint");
        return 2;
    }
    return 0;
}

int
aud_verify_main(int argc, char **argv)
{
    cmn_cfg_opt_t opts[S_OPTS];
    s_conf_t conf = {0};
    aud_key_t *key = NULL;
    aud_verify_result_t res;
    aud_checkpoint_t since = {0}, last = {0}, latest = {0};
    char err[512];
    int first = argc, code = 2;

    cmn_log_init("audit", CMN_LOG_WARN);
    s_options(opts);
    int rc = cmn_cfg_load(opts, &conf, argc, argv, &first, err, sizeof err);
    if (rc == CMN_ECANCELED)
        return 0;
    if (rc != 0) {
        fprintf(stderr, "audit verify: %s\n", err);
        return 2;
    }
    if (first < argc) {
        fprintf(stderr, "audit verify: unexpected argument \"%s\"\n",
                argv[first]);
        goto out;
    }
    if (s_check_conf(&conf, &key) != 0 || s_read_kept(&conf, &since, &last))
        goto out;
    aud_verify_opts_t o = {.key = key,
                           .grace_s = conf.svc.grace_s,
                           .since = &since,
                           .signed_last = &last};
    if (s_verify_at(conf.svc.base.db_url, &o, &res, &latest) != 0)
        goto out;
    s_print_result(&res, &since);
    code = res.ok ? 0 : 1;
    if (res.ok && conf.save[0] != '\0')
        code = s_save(&conf, &latest);
out:
    aud_key_free(&key);
    cmn_cfg_release(opts, &conf);
    return code;
}

/* verify_cmd.c - `mlps-audit verify`: checks the chain (and its signed
 * checkpoints, with a key) once, straight from the database. */
#include "aud/service.h"
#include "cmn/db.h"
#include "cmn/log.h"

#include <stdio.h>
#include <string.h>

/* The command reads the service's own options (so the service's config
 * file and environment work for it too) and uses db.url and log.level. */
static void
s_print_result(const aud_verify_result_t *res)
{
    if (res->ok && res->key_id[0] != '\0')
        printf("audit verify: ok records=%llu checkpoints=%llu "
               "anchored_seq=%lld key=%s\n",
               (unsigned long long) res->records,
               (unsigned long long) res->checkpoints,
               (long long) res->anchored_seq, res->key_id);
    else if (res->ok)
        printf("audit verify: ok records=%llu\n",
               (unsigned long long) res->records);
    else
        printf("audit verify: FAILED at seq=%lld (event %s): %s\n",
               (long long) res->bad_seq,
               res->bad_event[0] ? res->bad_event : "-", res->reason);
}

/* Connects to url and verifies. Returns 0 with res filled, or 2 after
 * printing why it could not. */
static int
s_verify_at(const char *url, const aud_key_t *key, long grace_s,
            aud_verify_result_t *res)
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
        rc = aud_verify_all(c, key, grace_s, res);
    if (rc != 0) {
        fprintf(stderr, "audit verify: could not verify: %s\n",
                cmn_strerror(rc));
        rc = 2;
    }
out:
    PQfinish(c);
    return rc;
}

int
aud_verify_main(int argc, char **argv)
{
    aud_conf_t conf = {0};
    aud_key_t *key = NULL;
    aud_verify_result_t res;
    char err[512];
    int first = argc, code = 2, level;

    cmn_log_init("audit", CMN_LOG_WARN);
    int rc =
        cmn_cfg_load(aud_options, &conf, argc, argv, &first, err, sizeof err);
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
    if ((level = cmn_log_level_parse(conf.base.log_level)) < 0) {
        fprintf(stderr, "audit verify: \"log.level\" must be debug, info, "
                        "warn or error\n");
        goto out;
    }
    cmn_log_init("audit", (cmn_log_level_t) level);
    /* The public key, or the service's own signing key. */
    const char *kf =
        conf.verify_key_file[0] ? conf.verify_key_file : conf.sign_key_file;
    if (kf[0] != '\0' && (key = aud_key_load(kf, err, sizeof err)) == NULL) {
        fprintf(stderr, "audit verify: %s\n", err);
        goto out;
    }
    if (s_verify_at(conf.base.db_url, key, conf.grace_s, &res) != 0)
        goto out;
    s_print_result(&res);
    code = res.ok ? 0 : 1;
out:
    aud_key_free(&key);
    cmn_cfg_release(aud_options, &conf);
    return code;
}

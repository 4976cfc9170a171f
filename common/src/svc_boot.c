/* svc_boot.c - the service skeleton's start-up from its configuration: the
 * schema migrated with the role's password, the CURVE keys, registry and
 * ZAP handler, the office hierarchy. */
#include "svc_internal.h"

#include "cmn/file.h"
#include "cmn/log.h"
#include "cmn/secret.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads office.hierarchy, when set; this office must be in it. */
int
cmn__svc_load_hierarchy(cmn_svc_t *svc)
{
    const char *path = svc->conf->hierarchy;
    char *text = NULL, why[512];
    size_t len = 0;
    if (path[0] == '\0')
        return 0;
    int rc = cmn_file_read(path, DOM_HIERARCHY_MAX_BYTES, &text, &len, why,
                           sizeof why);
    if (rc == 0 && (svc->hierarchy = dom_hierarchy_parse(text, len, path, why,
                                                         sizeof why)) == NULL)
        rc = CMN_ECONFIG;
    free(text);
    if (rc == 0 && svc->conf->office[0] != '\0' &&
        dom_hierarchy_office(svc->hierarchy, svc->conf->office) == NULL) {
        snprintf(why, sizeof why, "office %s is not in \"%s\"",
                 svc->conf->office, path);
        rc = CMN_ECONFIG;
    }
    if (rc != 0)
        cmn_log_error("\"office.hierarchy\": %s", why);
    return rc;
}

/* First line of db.svc-password-file becomes the service role's password. */
static int
s_set_password(PGconn *c, const cmn_svc_t *svc, char *why, size_t whylen)
{
    char pw[256] = "";
    FILE *f = fopen(svc->conf->db_password_file, "r");
    if (f == NULL || fgets(pw, sizeof pw, f) == NULL || pw[0] == '\n') {
        snprintf(why, whylen, "could not read a password from \"%s\"",
                 svc->conf->db_password_file);
        if (f != NULL)
            fclose(f);
        return CMN_ECONFIG;
    }
    fclose(f);
    pw[strcspn(pw, "\r\n")] = '\0';
    int rc = cmn_migrate_password(c, svc->def->schema, pw, why, whylen);
    memset(pw, 0, sizeof pw);
    return rc;
}

int
cmn__svc_migrate(const cmn_svc_t *svc)
{
    int rc = 0, applied = 0;
    char why[512];
    /* A committed example password is refused before anything is done. */
    if (svc->conf->db_password_file[0] != '\0' &&
        cmn_secret_check_file(svc->conf->db_password_file, why, sizeof why)) {
        cmn_log_error("\"db.svc-password-file\": %s", why);
        return CMN_ECONFIG;
    }
    /* The database may still be starting: try for a while before giving up
     * (a supervisor restarts us after that). */
    PGconn *c =
        cmn_pg_connect(svc->conf->db_admin_url, 20, 500, why, sizeof why);
    if (c == NULL) {
        cmn_log_error("could not connect to migrate: %s", why);
        return CMN_EDBCONN;
    }
    const cmn_migration_t *sets[3] = {common_migrations, svc->def->migrations,
                                      NULL};
    rc = cmn_migrate(c, svc->def->schema, sets, &applied, why, sizeof why);
    if (rc == 0 && svc->conf->db_password_file[0] != '\0')
        rc = s_set_password(c, svc, why, sizeof why);
    if (rc != 0)
        cmn_log_error("could not migrate schema \"%s\": %s", svc->def->schema,
                      why);
    else
        cmn_log_info("schema \"%s\" is current (%d migrations applied)",
                     svc->def->schema, applied);
    PQfinish(c);
    return rc;
}

/* Keys, the registry, and the ZAP handler before any CURVE socket binds. */
int
cmn__svc_start_curve(cmn_svc_t *svc)
{
    const cmn_svc_conf_t *c = svc->conf;
    char why[512];
    if (c->curve_dev_plain) {
        cmn_log_warn("curve.dev-plain: every socket is PLAIN and every caller "
                     "is trusted; for development on one machine only, "
                     "never for a deployment");
        return 0;
    }
    if (c->curve_secret_file[0] == '\0' || c->curve_registry[0] == '\0') {
        cmn_log_error("every socket is CURVE: \"curve.secret-key-file\" and "
                      "\"curve.registry\" are required (curve.dev-plain, for "
                      "development only, turns CURVE off)");
        return CMN_ECONFIG;
    }
    if (cmn_curve_load(c->curve_secret_file, svc->secret, svc->public_key, why,
                       sizeof why) != 0 ||
        cmn_secret_check_curve(c->curve_secret_file, svc->secret, why,
                               sizeof why) != 0) {
        cmn_log_error("%s", why);
        return CMN_ECONFIG;
    }
    svc->registry = cmn_registry_load(c->curve_registry, why, sizeof why);
    if (svc->registry == NULL) {
        cmn_log_error("\"curve.registry\": %s", why);
        return CMN_ECONFIG;
    }
    svc->zap =
        cmn_zap_new(&svc->loop, svc->zctx, svc->registry, why, sizeof why);
    if (svc->zap == NULL) {
        cmn_log_error("%s", why);
        return CMN_ECONFIG;
    }
    svc->curve = true;
    cmn_log_info("CURVE public key %s", svc->public_key);
    return 0;
}

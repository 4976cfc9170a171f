/* cert.c - the certificate issuance service: its definition, options and
 * start-up (the signing key, the number format, the issuance rule's
 * levels, the organs' names, the test switch). Handlers are in inbox.c,
 * api.c and registrar.c; the issuer's round in issue.c; revocation lists
 * in revoke.c. */
#include "crt/cert.h"
#include "cmn/audit.h"
#include "cmn/log.h"
#include "cmn/secret.h"
#include "crt/issue.h"
#include "crt/render.h"
#include "crt/revoke.h"
#include "dom/cert/sig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const cmn_cfg_opt_t crt_options[] = {
    CMN_SVC_OPTIONS(crt_conf_t, base),
    {"cert.sign-key-file", CMN_CFG_STR, "", 0, 0,
     offsetof(crt_conf_t, sign_key_file),
     "the issuer's private key (PEM, Ed25519 or SM2) that signs "
     "certificates and revocation lists"},
    {"cert.sm2-id", CMN_CFG_STR, CRT_SM2_DEFAULT_ID, 0, 0,
     offsetof(crt_conf_t, sm2_id), "the SM2 user id (GM/T 0009's default)"},
    {"cert.number-format", CMN_CFG_STR, DOM_CERTNO_DEFAULT, 0, 0,
     offsetof(crt_conf_t, number_format),
     "certificate numbers: {organ:N}, {unit:N}, {level:N}, {system:N} and "
     "literals"},
    {"cert.organ", CMN_CFG_STR, "", 0, 0, offsetof(crt_conf_t, organ),
     "the public security organ's code on every certificate (empty: the "
     "district that took the filing in)"},
    {"cert.organ-names", CMN_CFG_STR, "", 0, 0,
     offsetof(crt_conf_t, organ_names),
     "the issuing organs' names as printed: CODE=NAME;CODE=NAME (others: "
     "公安机关)"},
    {"cert.evaluate-levels", CMN_CFG_STR, "3,4,5", 0, 0,
     offsetof(crt_conf_t, evaluate_levels),
     "levels issued only after an evaluation report that is not poor "
     "(comma-separated; \"none\" for none)"},
    {"cert.issue-ms", CMN_CFG_INT, "500", 10, 60000,
     offsetof(crt_conf_t, issue_ms),
     "how often the issuer signs what was allocated"},
    {"cert.lease-ms", CMN_CFG_INT, "10000", 100, 3600000,
     offsetof(crt_conf_t, lease_ms),
     "an issuer signs an allocated number for this long before another "
     "may"},
    {"cert.revlist-ms", CMN_CFG_INT, "3600000", 100, 86400000,
     offsetof(crt_conf_t, revlist_ms),
     "publish a signed revocation list this often (and with every "
     "revocation)"},
    {"cert.revlist-file", CMN_CFG_STR, "", 0, 0,
     offsetof(crt_conf_t, revlist_file),
     "write the latest revocation list to this file (empty: none)"},
    {"cert.renderer", CMN_CFG_STR, "", 0, 0, offsetof(crt_conf_t, renderer),
     "mlps-cert-render, which prints the PDFs (empty: the one beside this "
     "binary)"},
    {"cert.render-ms", CMN_CFG_INT, "30000", 100, 600000,
     offsetof(crt_conf_t, render_ms),
     "a print that takes longer is killed and refused"},
    {"cert.fail-at", CMN_CFG_STR, "", 0, 0, offsetof(crt_conf_t, fail_at),
     "TEST SWITCH: stop at a step of issuing: allocated, signed or stored"},
    {"cert.fail-mode", CMN_CFG_STR, "kill", 0, 0,
     offsetof(crt_conf_t, fail_mode),
     "TEST SWITCH: kill (SIGKILL the process) or error (fail the step)"},
    {"cert.fail-every", CMN_CFG_INT, "2", 1, 1000000,
     offsetof(crt_conf_t, fail_every),
     "TEST SWITCH: stop the n-th time the step is reached, and every n-th "
     "after"},
    {NULL, 0, NULL, 0, 0, 0, NULL},
};

const char *
crt_organ_name(const crt_t *self, const char *organ)
{
    for (size_t i = 0; i < self->nnames; i++)
        if (strcmp(self->names[i].code, organ) == 0)
            return self->names[i].name;
    return NULL;
}

void
crt_release(crt_t *self)
{
    crt_key_free(&self->key);
}

/* The signing key: never a committed example, a private key. */
static int
s_key(crt_t *self)
{
    const char *path = self->conf.sign_key_file;
    char why[512];
    if (path[0] == '\0') {
        cmn_log_error("\"cert.sign-key-file\" is required: the issuer's "
                      "private key (openssl genpkey -algorithm ed25519)");
        return CMN_ECONFIG;
    }
    if (cmn_secret_check_file(path, why, sizeof why) != 0) {
        cmn_log_error("\"cert.sign-key-file\": %s", why);
        return CMN_ECONFIG;
    }
    self->key = crt_key_load(path, why, sizeof why);
    if (self->key == NULL || !crt_key_can_sign(self->key)) {
        cmn_log_error("\"cert.sign-key-file\": %s",
                      self->key ? "a public key cannot sign" : why);
        return CMN_ECONFIG;
    }
    if (strcmp(crt_key_alg(self->key), "sm2") == 0 &&
        crt_key_set_sm2_id(self->key, self->conf.sm2_id) != 0) {
        cmn_log_error("\"cert.sm2-id\": must be 1 to %d printable ASCII "
                      "characters",
                      CRT_SM2_ID_MAX);
        return CMN_ECONFIG;
    }
    cmn_log_info("signing with %s key %s", crt_key_alg(self->key),
                 crt_key_id(self->key));
    return 0;
}

/* The number format, and a fixed organ that fits it. */
static int
s_format(crt_t *self)
{
    char why[200];
    if (dom_certno_fmt_parse(self->conf.number_format, &self->fmt, why,
                             sizeof why) != 0) {
        cmn_log_error("\"cert.number-format\": %s", why);
        return CMN_ECONFIG;
    }
    if (self->fmt.len > CRT_NUMBER_MAX) {
        cmn_log_error("\"cert.number-format\": its numbers are %d "
                      "characters, a certificate's hold at most %d",
                      self->fmt.len, CRT_NUMBER_MAX);
        return CMN_ECONFIG;
    }
    for (int i = 0; i < self->fmt.nparts; i++)
        if (self->fmt.parts[i].kind == DOM_CERTNO_ORGAN)
            self->organ_width = self->fmt.parts[i].width;
    const char *o = self->conf.organ;
    if (o[0] != '\0' && ((int) strlen(o) != self->organ_width ||
                         strspn(o, "0123456789") != strlen(o))) {
        cmn_log_error("\"cert.organ\": must be %d digits (the number "
                      "format's organ), not \"%s\"",
                      self->organ_width, o);
        return CMN_ECONFIG;
    }
    return 0;
}

/* cert.evaluate-levels: "3,4,5", "" or "none". */
static int
s_levels(crt_t *self)
{
    char copy[64], *save = NULL;
    snprintf(copy, sizeof copy, "%s", self->conf.evaluate_levels);
    if (strcmp(copy, "none") == 0)
        return 0;
    for (char *t = strtok_r(copy, ",", &save); t != NULL;
         t = strtok_r(NULL, ",", &save)) {
        if (t[0] < '2' || t[0] > '5' || t[1] != '\0') {
            cmn_log_error("\"cert.evaluate-levels\": \"%s\" is not a level "
                          "from 2 to 5",
                          t);
            return CMN_ECONFIG;
        }
        self->needs_evaluation[t[0] - '0'] = true;
    }
    return 0;
}

/* cert.organ-names: CODE=NAME;CODE=NAME. */
static int
s_names(crt_t *self)
{
    char *copy = strdup(self->conf.organ_names), *save = NULL;
    int err = copy ? 0 : CMN_ENOMEM;
    for (char *t = copy ? strtok_r(copy, ";", &save) : NULL;
         t != NULL && err == 0; t = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(t, '=');
        size_t nl = eq ? strlen(eq + 1) : 0;
        if (eq == NULL || eq == t || eq - t > 15 || nl == 0 ||
            nl > CRT_ORGAN_NAME_MAX || crt_text_problem(eq + 1, nl) != NULL ||
            self->nnames == CRT_ORGAN_NAMES) {
            cmn_log_error("\"cert.organ-names\": \"%.40s\" is not CODE=NAME "
                          "(at most %d of them, names of at most %d bytes)",
                          t, CRT_ORGAN_NAMES, CRT_ORGAN_NAME_MAX);
            err = CMN_ECONFIG;
            break;
        }
        crt_organ_name_t *n = &self->names[self->nnames++];
        snprintf(n->code, sizeof n->code, "%.*s", (int) (eq - t), t);
        snprintf(n->name, sizeof n->name, "%s", eq + 1);
    }
    free(copy);
    return err;
}

/* The test switch, loud when on. */
static int
s_fault(crt_t *self)
{
    const char *at = self->conf.fail_at, *mode = self->conf.fail_mode;
    if (at[0] == '\0')
        return 0;
    if (crt_step_parse(at, &self->fail_step) != 0 ||
        (strcmp(mode, "kill") != 0 && strcmp(mode, "error") != 0)) {
        cmn_log_error("\"cert.fail-at\" must be allocated, signed or stored "
                      "and \"cert.fail-mode\" kill or error (not \"%s\", "
                      "\"%s\")",
                      at, mode);
        return CMN_ECONFIG;
    }
    self->fail_kill = strcmp(mode, "kill") == 0;
    cmn_log_warn("TEST SWITCH cert.fail-at=%s: the service will %s at that "
                 "step every %ld time(s) it is reached; never in production",
                 at, self->fail_kill ? "kill itself" : "fail",
                 self->conf.fail_every);
    return 0;
}

/* The renderer, checked now rather than at the first print. */
static int
s_renderer(crt_t *self)
{
    char why[300];
    int err = crt_render_path(self->conf.renderer, self->renderer,
                              sizeof self->renderer, why, sizeof why);
    if (err != 0)
        cmn_log_error("%s", why);
    else
        cmn_log_info("printing with %s", self->renderer);
    return err;
}

static int
s_start(cmn_svc_t *svc, void *arg)
{
    crt_t *self = arg;
    self->svc = svc;
    int err = s_key(self);
    if (err == 0)
        err = s_format(self);
    if (err == 0)
        err = s_levels(self);
    if (err == 0)
        err = s_names(self);
    if (err == 0)
        err = s_fault(self);
    if (err == 0)
        err = s_renderer(self);
    if (err != 0)
        return err;
    err = cmn_svc_every(svc, 100, (uint64_t) self->conf.issue_ms,
                        crt_issue_work, self);
    if (err == 0)
        err = cmn_svc_every(svc, 0, (uint64_t) self->conf.revlist_ms,
                            crt_revlist_work, self);
    return err;
}

extern const cmn_migration_t cert_migrations[];

static const char *const s_peers[] = {CMN_AUDIT_DEST, NULL};

const cmn_svc_def_t crt_service = {
    .name = "cert",
    .schema = CRT_SCHEMA,
    .migrations = cert_migrations,
    .peers = s_peers,
    .handlers = crt_inbox_handlers,
    .nhandlers = sizeof crt_inbox_handlers / sizeof crt_inbox_handlers[0],
    .api_handlers = crt_api_handlers,
    .napi_handlers = sizeof crt_api_handlers / sizeof crt_api_handlers[0],
    .on_start = s_start,
};

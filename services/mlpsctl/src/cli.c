/* cli.c - mlpsctl: options, the command table, and one function per
 * command that builds the request, calls the service and prints the reply. */
#include "ctl/cli.h"
#include "cmn/api.h"
#include "cmn/config.h"
#include "cmn/curve.h"
#include "cmn/ident.h"
#include "ctl/cert_cmd.h"
#include "ctl/import.h"
#include "ctl/json.h"
#include "ctl/print.h"
#include "dom/month.h"
#include "eval_cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    char *intake, *review, *panel, *audit, *evaluation, *cert; /* APIs */
    long timeout_ms;
    char *key_file;      /* this client's CURVE secret key */
    char *registry;      /* the key registry: each service's public key */
    char *office;        /* the office whose services these are */
    char *intake_office; /* the office the intake belongs to ("": office) */
    char *act_for;       /* a gateway acting for this person */
    char *unit_secret, *unit_secret_file; /* a unit's proof */
    long import_bytes; /* packed bytes of one ImportRequest's records */
} s_opts_t;

/* The services mlpsctl talks to; s_call() finds each one's endpoint in the
 * options by this order. */
typedef enum {
    S_INTAKE,
    S_REVIEW,
    S_PANEL,
    S_AUDIT,
    S_EVALUATION,
    S_CERT
} s_service_t;

static const char *const s_service_names[] = {"intake", "review",     "panel",
                                              "audit",  "evaluation", "cert"};

static const cmn_cfg_opt_t s_options[] = {
    {"intake", CMN_CFG_STR, "tcp://127.0.0.1:7101", 0, 0,
     offsetof(s_opts_t, intake), "intake service API endpoint"},
    {"review", CMN_CFG_STR, "tcp://127.0.0.1:7201", 0, 0,
     offsetof(s_opts_t, review), "grading review service API endpoint"},
    {"panel", CMN_CFG_STR, "tcp://127.0.0.1:7301", 0, 0,
     offsetof(s_opts_t, panel), "expert panel service API endpoint"},
    {"audit", CMN_CFG_STR, "tcp://127.0.0.1:7401", 0, 0,
     offsetof(s_opts_t, audit), "audit service API endpoint"},
    {"evaluation", CMN_CFG_STR, "tcp://127.0.0.1:7501", 0, 0,
     offsetof(s_opts_t, evaluation), "evaluation service API endpoint"},
    {"cert", CMN_CFG_STR, "tcp://127.0.0.1:7111", 0, 0,
     offsetof(s_opts_t, cert), "certificate service API endpoint"},
    {"timeout-ms", CMN_CFG_INT, "5000", 1, 3600000,
     offsetof(s_opts_t, timeout_ms), "how long to wait for a reply"},
    {"key-file", CMN_CFG_STR, "", 0, 0, offsetof(s_opts_t, key_file),
     "this client's CURVE secret key (mlps-keygen makes one)"},
    {"registry", CMN_CFG_STR, "", 0, 0, offsetof(s_opts_t, registry),
     "the key registry (services' public keys); none: plain, development"},
    {"office", CMN_CFG_STR, "110100", 0, 0, offsetof(s_opts_t, office),
     "the office whose services to reach (their SERVICE@OFFICE keys)"},
    {"intake-office", CMN_CFG_STR, "", 0, 0, offsetof(s_opts_t, intake_office),
     "the office of the intake to file at (a district; default: office)"},
    {"act-for", CMN_CFG_STR, "", 0, 0, offsetof(s_opts_t, act_for),
     "as a gateway: the person (registry identity) to act for"},
    {"unit-secret", CMN_CFG_STR, "", 0, 0, offsetof(s_opts_t, unit_secret),
     "a unit's proof for its filing (given at submission)"},
    {"unit-secret-file", CMN_CFG_STR, "", 0, 0,
     offsetof(s_opts_t, unit_secret_file), "... read from this file"},
    {"import-bytes", CMN_CFG_INT, "1000000", 4096, 16777216,
     offsetof(s_opts_t, import_bytes),
     "batch import: largest request (the intake's frame-max must allow it)"},
    {NULL, CMN_CFG_STR, NULL, 0, 0, 0, NULL},
};

typedef struct {
    s_opts_t opts;
    FILE *out, *err;
    const char *word; /* the command's first word */
    int argc;         /* arguments after the command's words */
    char **argv;
} s_ctx_t;

typedef int (*s_cmd_fn)(s_ctx_t *c);

/* --- calls and files ------------------------------------------------ */

/* The CURVE keys for service into *keys: 1 over CURVE (a registry was
 * given: the server is its SERVICE@OFFICE), 0 plain (development), or an
 * exit code (reason printed). */
static int
s_curve_keys(s_ctx_t *c, s_service_t service, cmn_api_curve_t *keys,
             char server[CMN_CURVE_KEYLEN + 1],
             char secret[CMN_CURVE_KEYLEN + 1],
             char public_key[CMN_CURVE_KEYLEN + 1])
{
    char why[512] = "", ident[CMN_IDENT_MAX + 1];
    const char *name = s_service_names[service];
    if (c->opts.registry[0] == '\0')
        return 0;
    const char *office = service == S_INTAKE && c->opts.intake_office[0]
                             ? c->opts.intake_office
                             : c->opts.office;
    snprintf(ident, sizeof ident, "%s@%s", name, office);
    cmn_registry_t *reg = cmn_registry_load(c->opts.registry, why, sizeof why);
    const cmn_ident_t *id = reg ? cmn_registry_find(reg, ident) : NULL;
    int found = id != NULL && cmn_ident_key_text(id, server) == 0;
    cmn_registry_destroy(&reg);
    if (!found) {
        fprintf(c->err, "mlpsctl: \"registry\": %s\n",
                why[0] ? why : "it has no key for the service");
        if (!why[0])
            fprintf(c->err, "mlpsctl: (looked for \"%s\")\n", ident);
        return CTL_EXIT_USAGE;
    }
    if (c->opts.key_file[0] == '\0') {
        fprintf(c->err,
                "mlpsctl: with a \"registry\", \"key-file\" must give this "
                "client's secret key\n");
        return CTL_EXIT_USAGE;
    }
    if (cmn_curve_load(c->opts.key_file, secret, public_key, why, sizeof why) !=
        0) {
        fprintf(c->err, "mlpsctl: \"key-file\": %s\n", why);
        return CTL_EXIT_USAGE;
    }
    *keys = (cmn_api_curve_t){secret, public_key, server};
    return 1;
}

/* Sends req to service and waits for a reply of type desc. Returns an
 * exit code; on CTL_EXIT_OK the caller owns *reply
 * (protobuf_c_message_free_unpacked). A Problem is printed here. */
static int
s_call(s_ctx_t *c, s_service_t service, const ProtobufCMessage *req,
       const ProtobufCMessageDescriptor *desc, ProtobufCMessage **reply)
{
    char why[512] = "";
    char server[CMN_CURVE_KEYLEN + 1], secret[CMN_CURVE_KEYLEN + 1],
        public_key[CMN_CURVE_KEYLEN + 1];
    const char *endpoints[] = {c->opts.intake,     c->opts.review,
                               c->opts.panel,      c->opts.audit,
                               c->opts.evaluation, c->opts.cert};
    cmn_api_curve_t keys;
    *reply = NULL;
    int curve = s_curve_keys(c, service, &keys, server, secret, public_key);
    if (curve != 0 && curve != 1)
        return curve;
    cmn_api_target_t target = {endpoints[service], curve ? &keys : NULL,
                               c->opts.act_for, (int) c->opts.timeout_ms};
    int rc = cmn_api_request(&target, req->descriptor->name, req, desc, reply,
                             why, sizeof why);
    memset(secret, 0, sizeof secret);
    if (rc == CMN_EREJECT) { /* the service answered with a bare Problem */
        ctl_print_error(c->err, "", why);
        return CTL_EXIT_REFUSED;
    }
    if (rc != 0) {
        fprintf(c->err, "mlpsctl: %s\n", why[0] ? why : cmn_strerror(rc));
        return CTL_EXIT_USAGE;
    }
    const Mlps__V1__Problem *problem = ctl_reply_problem(*reply);
    if (problem != NULL) {
        ctl_print_problem(c->err, problem);
        protobuf_c_message_free_unpacked(*reply, NULL);
        *reply = NULL;
        return CTL_EXIT_REFUSED;
    }
    return CTL_EXIT_OK;
}

/* The unit's proof: --unit-secret, or the first line of --unit-secret-file,
 * into buf ("" when neither is given). An exit code. */
static int
s_unit_secret(s_ctx_t *c, char *buf, size_t len)
{
    snprintf(buf, len, "%s", c->opts.unit_secret);
    if (c->opts.unit_secret_file[0] == '\0')
        return CTL_EXIT_OK;
    FILE *f = fopen(c->opts.unit_secret_file, "r");
    if (f == NULL || fgets(buf, (int) len, f) == NULL) {
        fprintf(c->err,
                "mlpsctl: \"unit-secret-file\": could not read "
                "\"%s\"\n",
                c->opts.unit_secret_file);
        if (f != NULL)
            fclose(f);
        return CTL_EXIT_USAGE;
    }
    fclose(f);
    buf[strcspn(buf, "\r\n")] = '\0';
    return CTL_EXIT_OK;
}

/* Prints the errors of a load or conversion that returned rc; returns the
 * exit code for it. */
static int
s_report(s_ctx_t *c, int rc, const cmn_problem_t *errs)
{
    switch (rc) {
    case 0:
        return CTL_EXIT_OK;
    case CMN_EINVAL:
        ctl_print_errors(c->err, errs);
        return CTL_EXIT_REFUSED;
    case CMN_EIO:
        for (size_t i = 0; i < errs->count; i++)
            fprintf(c->err, "mlpsctl: %s\n", errs->items[i].reason);
        return CTL_EXIT_USAGE;
    default:
        fprintf(c->err, "mlpsctl: %s\n", cmn_strerror(rc));
        return CTL_EXIT_USAGE;
    }
}

/* --- commands ------------------------------------------------------- */

static int
s_submit(s_ctx_t *c)
{
    Mlps__V1__SubmitFilingRequest req = MLPS__V1__SUBMIT_FILING_REQUEST__INIT;
    cmn_problem_t errs;
    cmn_problem_init(&errs);
    json_t *json = NULL;
    ProtobufCMessage *reply = NULL;

    int rc = s_report(c, ctl_json_load_file(c->argv[0], &json, &errs), &errs);
    if (rc == CTL_EXIT_OK)
        rc = s_report(c, ctl_filing_from_json(json, &req.filing, &errs), &errs);
    if (rc != CTL_EXIT_OK)
        goto out;
    rc = s_call(c, S_INTAKE, &req.base,
                &mlps__v1__submit_filing_reply__descriptor, &reply);
    if (rc == CTL_EXIT_OK)
        rc = ctl_print_submit(c->out,
                              (const Mlps__V1__SubmitFilingReply *) reply);
out:
    protobuf_c_message_free_unpacked(reply, NULL);
    ctl_filing_free(&req.filing);
    json_decref(json);
    cmn_problem_init(&errs);
    return rc;
}

static int
s_supplement(s_ctx_t *c)
{
    Mlps__V1__SupplementRequest *req = NULL;
    cmn_problem_t errs;
    cmn_problem_init(&errs);
    json_t *json = NULL;
    ProtobufCMessage *reply = NULL;

    char proof[128];
    int rc = s_unit_secret(c, proof, sizeof proof);
    if (rc == CTL_EXIT_OK)
        rc = s_report(c, ctl_json_load_file(c->argv[1], &json, &errs), &errs);
    if (rc == CTL_EXIT_OK)
        rc = s_report(
            c, ctl_supplement_from_json(json, c->argv[0], &req, &errs), &errs);
    if (rc != CTL_EXIT_OK)
        goto out;
    /* The JSON gives none (the empty default, not to be freed); this copy
     * is freed with the request. */
    req->unit_secret = strdup(proof);
    if (req->unit_secret == NULL) {
        rc = s_report(c, CMN_ENOMEM, &errs);
        goto out;
    }
    rc = s_call(c, S_INTAKE, &req->base, &mlps__v1__action_reply__descriptor,
                &reply);
    if (rc == CTL_EXIT_OK)
        rc = ctl_print_action(c->out, c->err,
                              (const Mlps__V1__ActionReply *) reply);
out:
    protobuf_c_message_free_unpacked(reply, NULL);
    ctl_supplement_free(&req);
    json_decref(json);
    cmn_problem_init(&errs);
    return rc;
}

/* Sends req to service expecting an ActionReply, and prints it. */
static int
s_action(s_ctx_t *c, s_service_t service, const ProtobufCMessage *req)
{
    ProtobufCMessage *reply = NULL;
    int rc =
        s_call(c, service, req, &mlps__v1__action_reply__descriptor, &reply);
    if (rc == CTL_EXIT_OK)
        rc = ctl_print_action(c->out, c->err,
                              (const Mlps__V1__ActionReply *) reply);
    protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

static int
s_insist(s_ctx_t *c)
{
    Mlps__V1__InsistRequest req = MLPS__V1__INSIST_REQUEST__INIT;
    char proof[128];
    int rc = s_unit_secret(c, proof, sizeof proof);
    if (rc != CTL_EXIT_OK)
        return rc;
    req.tracking_id = c->argv[0];
    req.statement = c->argv[1];
    req.unit_secret = proof;
    return s_action(c, S_INTAKE, &req.base);
}

static int
s_status(s_ctx_t *c)
{
    Mlps__V1__StatusRequest req = MLPS__V1__STATUS_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    char proof[128];
    int rc = s_unit_secret(c, proof, sizeof proof);
    if (rc != CTL_EXIT_OK)
        return rc;
    req.tracking_id = c->argv[0];
    req.unit_secret = proof;
    rc = s_call(c, S_REVIEW, &req.base, &mlps__v1__status_reply__descriptor,
                &reply);
    if (rc == CTL_EXIT_OK)
        rc = ctl_print_status(c->out, (const Mlps__V1__StatusReply *) reply);
    protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

static int
s_letter(s_ctx_t *c)
{
    Mlps__V1__LetterRequest req = MLPS__V1__LETTER_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    char proof[128];
    int rc = s_unit_secret(c, proof, sizeof proof);
    if (rc != CTL_EXIT_OK)
        return rc;
    req.tracking_id = c->argv[0];
    req.unit_secret = proof;
    rc = s_call(c, S_REVIEW, &req.base, &mlps__v1__letter_reply__descriptor,
                &reply);
    if (rc == CTL_EXIT_OK)
        rc = ctl_print_letter(c->out, (const Mlps__V1__LetterReply *) reply);
    protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

static int
s_panel_show(s_ctx_t *c)
{
    Mlps__V1__PanelShowRequest req = MLPS__V1__PANEL_SHOW_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    req.tracking_id = c->argv[0];
    int rc = s_call(c, S_PANEL, &req.base,
                    &mlps__v1__panel_show_reply__descriptor, &reply);
    if (rc == CTL_EXIT_OK)
        rc = ctl_print_panel(c->out, (const Mlps__V1__PanelShowReply *) reply);
    protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

/* TRACKING_ID EXPERT_ID confirm REASONS
 * TRACKING_ID EXPERT_ID adjust LEVEL REASONS */
static int
s_panel_opinion(s_ctx_t *c)
{
    Mlps__V1__OpinionRequest req = MLPS__V1__OPINION_REQUEST__INIT;
    req.tracking_id = c->argv[0];
    req.expert_id = c->argv[1];
    const char *verdict = c->argv[2];
    if (strcmp(verdict, "confirm") == 0 && c->argc == 4) {
        req.verdict = MLPS__V1__PANEL_VERDICT__CONFIRM;
    } else if (strcmp(verdict, "adjust") == 0 && c->argc == 5) {
        const char *level = c->argv[3];
        if (level[0] < '1' || level[0] > '5' || level[1] != '\0') {
            fprintf(c->err, "mlpsctl: LEVEL must be 1 to 5, not \"%s\"\n",
                    level);
            return CTL_EXIT_USAGE;
        }
        req.verdict = MLPS__V1__PANEL_VERDICT__ADJUST;
        req.level = (uint32_t) (level[0] - '0');
    } else {
        fprintf(c->err, "mlpsctl: expected \"confirm REASONS\" or \"adjust "
                        "LEVEL REASONS\"\n");
        return CTL_EXIT_USAGE;
    }
    req.reasons = c->argv[c->argc - 1];
    return s_action(c, S_PANEL, &req.base);
}

static int
s_audit_verify(s_ctx_t *c)
{
    Mlps__V1__AuditVerifyRequest req = MLPS__V1__AUDIT_VERIFY_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    int rc = s_call(c, S_AUDIT, &req.base,
                    &mlps__v1__audit_verify_reply__descriptor, &reply);
    if (rc == CTL_EXIT_OK)
        rc = ctl_print_audit_verify(c->out,
                                    (const Mlps__V1__AuditVerifyReply *) reply);
    protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

static int
s_audit_events(s_ctx_t *c)
{
    Mlps__V1__AuditEventsRequest req = MLPS__V1__AUDIT_EVENTS_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    req.case_id = c->argv[0];
    int rc = s_call(c, S_AUDIT, &req.base,
                    &mlps__v1__audit_events_reply__descriptor, &reply);
    if (rc == CTL_EXIT_OK)
        rc = ctl_print_audit_events(c->out, c->err, req.case_id,
                                    (const Mlps__V1__AuditEventsReply *) reply);
    protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

/* LIMIT: the office's queue, oldest first. */
static int
s_review_queue(s_ctx_t *c)
{
    Mlps__V1__ReviewQueueRequest req = MLPS__V1__REVIEW_QUEUE_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    if (c->argc == 1) {
        char *end = NULL;
        long n = strtol(c->argv[0], &end, 10);
        if (*c->argv[0] == '\0' || *end != '\0' || n < 1 || n > 2000) {
            fprintf(c->err, "mlpsctl: LIMIT must be 1 to 2000, not \"%s\"\n",
                    c->argv[0]);
            return CTL_EXIT_USAGE;
        }
        req.limit = (uint32_t) n;
    }
    int rc = s_call(c, S_REVIEW, &req.base,
                    &mlps__v1__review_queue_reply__descriptor, &reply);
    if (rc == CTL_EXIT_OK)
        rc =
            ctl_print_queue(c->out, (const Mlps__V1__ReviewQueueReply *) reply);
    protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

/* The value of "--NAME=VALUE" in arg, or NULL. */
static const char *
s_flag(const char *arg, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(arg, "--", 2) != 0 || strncmp(arg + 2, name, n) != 0 ||
        arg[2 + n] != '=')
        return NULL;
    return arg + 3 + n;
}

/* TRACKING_ID A|B|C [--level=N] [--reason=TEXT] [--missing=a,b,...] */
static int
s_review_decide(s_ctx_t *c)
{
    Mlps__V1__ReviewDecideRequest req = MLPS__V1__REVIEW_DECIDE_REQUEST__INIT;
    char list[512] = "", *missing[16], *save = NULL;
    const char *v;
    req.tracking_id = c->argv[0];
    req.outcome = c->argv[1];
    req.reason = "";
    for (int i = 2; i < c->argc; i++) {
        if ((v = s_flag(c->argv[i], "level")) != NULL && v[0] >= '1' &&
            v[0] <= '5' && v[1] == '\0')
            req.level = (uint32_t) (v[0] - '0');
        else if ((v = s_flag(c->argv[i], "reason")) != NULL)
            req.reason = (char *) v;
        else if ((v = s_flag(c->argv[i], "missing")) != NULL)
            snprintf(list, sizeof list, "%s", v);
        else {
            fprintf(c->err,
                    "mlpsctl: unexpected \"%s\" (--level=1..5, "
                    "--reason=TEXT, --missing=KIND,KIND)\n",
                    c->argv[i]);
            return CTL_EXIT_USAGE;
        }
    }
    for (char *t = strtok_r(list, ",", &save); t && req.n_missing < 16;
         t = strtok_r(NULL, ",", &save))
        missing[req.n_missing++] = t;
    req.missing = missing;
    return s_action(c, S_REVIEW, &req.base);
}

/* --- the intake's batches, aggregates and reports ------------------- */

/* ctl_import_send_fn: one ImportRequest to the intake. */
static int
s_import_send(void *arg, const Mlps__V1__ImportRequest *req,
              Mlps__V1__ImportReply **reply)
{
    ProtobufCMessage *m = NULL;
    int rc = s_call(arg, S_INTAKE, &req->base,
                    &mlps__v1__import_reply__descriptor, &m);
    *reply = (Mlps__V1__ImportReply *) m;
    return rc;
}

/* A new secrets file, mode 0600, never one that exists. */
static int
s_secrets_open(s_ctx_t *c, const char *path, FILE **out)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (*out != NULL)
        return CTL_EXIT_OK;
    fprintf(c->err, "mlpsctl: \"secrets\": could not create \"%s\": %s%s\n",
            path, strerror(errno),
            errno == EEXIST ? " (the proofs are given once: name a new file)"
                            : "");
    if (fd >= 0)
        close(fd);
    return CTL_EXIT_USAGE;
}

/* Writes the secrets file out and closes it; an exit code. */
static int
s_secrets_close(s_ctx_t *c, FILE *f, const char *path)
{
    if (f == NULL)
        return CTL_EXIT_OK;
    int bad = fflush(f) != 0 || fsync(fileno(f)) != 0;
    bad |= fclose(f) != 0;
    if (!bad)
        return CTL_EXIT_OK;
    fprintf(c->err, "mlpsctl: \"secrets\": could not write \"%s\": %s\n", path,
            strerror(errno));
    return CTL_EXIT_USAGE;
}

/* The flags of batch import into *o, *json and *secrets. */
static int
s_import_flags(s_ctx_t *c, ctl_import_opts_t *o, bool *json,
               const char **secrets)
{
    for (int i = 1; i < c->argc; i++) {
        const char *v = s_flag(c->argv[i], "secrets");
        if (strcmp(c->argv[i], "--dry-run") == 0)
            o->dry_run = true;
        else if (strcmp(c->argv[i], "--json") == 0)
            *json = true;
        else if (v != NULL && *v != '\0')
            *secrets = v;
        else {
            fprintf(c->err,
                    "mlpsctl: unexpected \"%s\" (--dry-run, --json, "
                    "--secrets=FILE)\n",
                    c->argv[i]);
            return CTL_EXIT_USAGE;
        }
    }
    return CTL_EXIT_OK;
}

/* After the summary: what became of the proofs, and errors found late. */
static void
s_import_notes(s_ctx_t *c, const ctl_import_summary_t *sum,
               const cmn_problem_t *errs)
{
    for (size_t i = 0; i < errs->count; i++)
        fprintf(c->err, "mlpsctl: %s\n", errs->items[i].reason);
    if (sum->proofs_lost > 0)
        fprintf(c->err,
                "mlpsctl: the unit proofs of %" PRIu64 " imported records "
                "were not kept (no --secrets=FILE); they are not given "
                "again\n",
                sum->proofs_lost);
}

/* FILE [--dry-run] [--json] [--secrets=FILE] */
static int
s_batch_import(s_ctx_t *c)
{
    ctl_import_opts_t o = {.path = c->argv[0],
                           .max_records = CTL_IMPORT_MAX_RECORDS,
                           .max_bytes = (size_t) c->opts.import_bytes,
                           .progress = c->err,
                           .send = s_import_send,
                           .arg = c};
    ctl_import_summary_t sum;
    const char *secrets = NULL;
    bool json = false;
    int rc = s_import_flags(c, &o, &json, &secrets);
    if (rc == CTL_EXIT_OK && secrets != NULL && !o.dry_run)
        rc = s_secrets_open(c, secrets, &o.secrets);
    if (rc != CTL_EXIT_OK)
        return rc;
    cmn_problem_t *errs = calloc(1, sizeof *errs);
    if (errs == NULL) {
        fclose(o.secrets);
        fprintf(c->err, "mlpsctl: %s\n", cmn_strerror(CMN_ENOMEM));
        return CTL_EXIT_USAGE;
    }
    if (ctl_import_run(&o, &sum, errs) != 0) {
        for (size_t i = 0; i < errs->count; i++)
            fprintf(c->err, "mlpsctl: %s\n", errs->items[i].reason);
        if (o.secrets != NULL) { /* nothing was sent: no proof in it */
            fclose(o.secrets);
            unlink(secrets);
        }
        rc = CTL_EXIT_USAGE;
    } else {
        rc = ctl_import_print(c->out, &sum, json);
        s_import_notes(c, &sum, errs);
        if (s_secrets_close(c, o.secrets, secrets) != CTL_EXIT_OK)
            rc = CTL_EXIT_USAGE;
    }
    ctl_import_summary_release(&sum);
    free(errs);
    return rc;
}

/* A month argument, checked here: 0, or a usage error said. */
static int
s_month(s_ctx_t *c, const char *text)
{
    dom_month_t m;
    if (dom_month_parse(text, &m) == 0)
        return CTL_EXIT_OK;
    fprintf(c->err, "mlpsctl: MONTH must be YYYY-MM (01 to 12), not \"%s\"\n",
            text);
    return CTL_EXIT_USAGE;
}

/* YYYY-MM: the district's aggregate of that month, sent now. */
static int
s_aggregate_send(s_ctx_t *c)
{
    Mlps__V1__AggregateSendRequest req = MLPS__V1__AGGREGATE_SEND_REQUEST__INIT;
    int rc = s_month(c, c->argv[0]);
    if (rc != CTL_EXIT_OK)
        return rc;
    req.month = c->argv[0];
    return s_action(c, S_INTAKE, &req.base);
}

/* YYYY-MM [--json] */
static int
s_report_month(s_ctx_t *c)
{
    Mlps__V1__ReportMonthRequest req = MLPS__V1__REPORT_MONTH_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    bool json = c->argc == 2 && strcmp(c->argv[1], "--json") == 0;
    if (c->argc == 2 && !json) {
        fprintf(c->err, "mlpsctl: unexpected \"%s\" (--json)\n", c->argv[1]);
        return CTL_EXIT_USAGE;
    }
    int rc = s_month(c, c->argv[0]);
    if (rc != CTL_EXIT_OK)
        return rc;
    req.month = c->argv[0];
    rc = s_call(c, S_INTAKE, &req.base,
                &mlps__v1__report_month_reply__descriptor, &reply);
    if (rc == CTL_EXIT_OK && json)
        rc = ctl_print_json(c->out, c->err, reply);
    else if (rc == CTL_EXIT_OK)
        rc = ctl_print_report(c->out, req.month,
                              (const Mlps__V1__ReportMonthReply *) reply);
    protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

static int
s_duplicates_list(s_ctx_t *c)
{
    Mlps__V1__DuplicatesRequest req = MLPS__V1__DUPLICATES_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    int rc = s_call(c, S_INTAKE, &req.base,
                    &mlps__v1__duplicates_reply__descriptor, &reply);
    if (rc == CTL_EXIT_OK)
        rc = ctl_print_duplicates(c->out,
                                  (const Mlps__V1__DuplicatesReply *) reply);
    protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

/* TRACKING_ID yes|no --reason=TEXT */
static int
s_duplicates_decide(s_ctx_t *c)
{
    Mlps__V1__DuplicateDecideRequest req =
        MLPS__V1__DUPLICATE_DECIDE_REQUEST__INIT;
    const char *answer = c->argv[1], *reason = s_flag(c->argv[2], "reason");
    int yes = strcmp(answer, "yes") == 0, no = strcmp(answer, "no") == 0;
    if ((!yes && !no) || reason == NULL || *reason == '\0') {
        fprintf(c->err, "mlpsctl: expected \"TRACKING_ID yes|no "
                        "--reason=TEXT\" (yes: a duplicate)\n");
        return CTL_EXIT_USAGE;
    }
    req.tracking_id = c->argv[0];
    req.duplicate = yes;
    req.reason = (char *) reason;
    return s_action(c, S_INTAKE, &req.base);
}

/* --- the evaluation service's commands (eval_cmd.c) ---------------- */

static int
s_eval_call(void *arg, const ProtobufCMessage *req,
            const ProtobufCMessageDescriptor *desc, ProtobufCMessage **reply)
{
    return s_call(arg, S_EVALUATION, req, desc, reply);
}

/* institution|evaluation|rectification|inspection SUBCOMMAND ARGS... */
static int
s_eval(s_ctx_t *c)
{
    char proof[128];
    int rc = s_unit_secret(c, proof, sizeof proof);
    ctl_eval_io_t io = {c->out, c->err, s_eval_call, c, proof};
    return rc == CTL_EXIT_OK ? ctl_eval_command(&io, c->word, c->argc, c->argv)
                             : rc;
}

/* --- certificates (cert_cmd.c) -------------------------------------- */

/* ctl_cert_call_fn: one request to the certificate service. */
static int
s_cert_call(void *arg, const ProtobufCMessage *req,
            const ProtobufCMessageDescriptor *desc, ProtobufCMessage **reply)
{
    return s_call(arg, S_CERT, req, desc, reply);
}

static int
s_cert(s_ctx_t *c)
{
    char proof[128];
    int rc = s_unit_secret(c, proof, sizeof proof);
    ctl_cert_t cc = {c->out, c->err, c->argc, c->argv, proof, s_cert_call, c};
    return rc != CTL_EXIT_OK ? rc : ctl_cert_run(&cc);
}

/* --- dispatch ------------------------------------------------------- */

static const struct {
    const char *words[2]; /* the command: one word or two */
    int min_args, max_args;
    s_cmd_fn run;
    const char *args; /* for the usage text */
} s_commands[] = {
    {{"submit", NULL}, 1, 1, s_submit, "FILE.json"},
    {{"supplement", NULL}, 2, 2, s_supplement, "TRACKING_ID FILE.json"},
    {{"insist", NULL}, 2, 2, s_insist, "TRACKING_ID STATEMENT"},
    {{"status", NULL}, 1, 1, s_status, "TRACKING_ID"},
    {{"letter", NULL}, 1, 1, s_letter, "TRACKING_ID"},
    {{"review", "queue"}, 0, 1, s_review_queue, "[LIMIT]"},
    {{"review", "decide"},
     2,
     5,
     s_review_decide,
     "TRACKING_ID A|B|C [--level=N] [--reason=TEXT] [--missing=KIND,...]"},
    {{"panel", "show"}, 1, 1, s_panel_show, "TRACKING_ID"},
    {{"panel", "opinion"},
     4,
     5,
     s_panel_opinion,
     "TRACKING_ID EXPERT_ID confirm|adjust [LEVEL] REASONS"},
    {{"audit", "verify"}, 0, 0, s_audit_verify, ""},
    {{"audit", "events"}, 1, 1, s_audit_events, "CASE_ID"},
    {{"batch", "import"},
     1,
     4,
     s_batch_import,
     "FILE [--dry-run] [--json] [--secrets=FILE]"},
    {{"aggregate", "send"}, 1, 1, s_aggregate_send, "YYYY-MM"},
    {{"report", "month"}, 1, 2, s_report_month, "YYYY-MM [--json]"},
    {{"duplicates", "list"}, 0, 0, s_duplicates_list, ""},
    {{"duplicates", "decide"},
     3,
     3,
     s_duplicates_decide,
     "TRACKING_ID yes|no --reason=TEXT"},
    {{"institution", NULL}, 1, 12, s_eval, "add|show|list|suspend|check ..."},
    {{"evaluation", NULL},
     1,
     12,
     s_eval,
     "choose|assign|report|status|due|queue ..."},
    {{"rectification", NULL}, 1, 4, s_eval, "plan|review|complete ..."},
    {{"inspection", NULL}, 1, 5, s_eval, "plan|record ..."},
    {{"cert", NULL}, 1, 8, s_cert, "COMMAND ARG... (below)"},
};

#define S_NCOMMANDS (sizeof s_commands / sizeof s_commands[0])

/* "words args" of command i, e.g. "panel show TRACKING_ID". */
static void
s_print_command(FILE *out, size_t i)
{
    fputs(s_commands[i].words[0], out);
    if (s_commands[i].words[1] != NULL)
        fprintf(out, " %s", s_commands[i].words[1]);
    if (*s_commands[i].args != '\0')
        fprintf(out, " %s", s_commands[i].args);
    fputc('\n', out);
}

static void
s_usage(FILE *out)
{
    fputs("usage: mlpsctl [OPTION...] COMMAND ARG...\ncommands:\n", out);
    for (size_t i = 0; i < S_NCOMMANDS; i++) {
        fputs("  ", out);
        s_print_command(out, i);
    }
    ctl_cert_usage(out);
}

/* Finds the command at argv[0..argc); sets *nwords. -1 if there is none. */
static int
s_find(int argc, char **argv, int *nwords)
{
    for (size_t i = 0; i < S_NCOMMANDS; i++) {
        const char *const *w = s_commands[i].words;
        int n = w[1] != NULL ? 2 : 1;
        if (argc >= n && strcmp(argv[0], w[0]) == 0 &&
            (n == 1 || strcmp(argv[1], w[1]) == 0)) {
            *nwords = n;
            return (int) i;
        }
    }
    return -1;
}

int
ctl_main(int argc, char **argv, FILE *out, FILE *err)
{
    s_ctx_t c = {.out = out, .err = err};
    char why[512] = "";
    int first = argc, nwords = 0, rc = CTL_EXIT_USAGE;

    int cfg =
        cmn_cfg_load(s_options, &c.opts, argc, argv, &first, why, sizeof why);
    if (cfg == CMN_ECANCELED) { /* --help printed the options */
        fputs("(each option can also be set as MLPS_<KEY> in the "
              "environment, or in --config=FILE)\n",
              stdout);
        s_usage(stdout);
        return CTL_EXIT_OK;
    }
    if (cfg != 0) {
        fprintf(err, "mlpsctl: %s\n", why[0] ? why : cmn_strerror(cfg));
        return CTL_EXIT_USAGE;
    }
    int cmd = s_find(argc - first, argv + first, &nwords);
    if (cmd < 0) {
        if (first < argc)
            fprintf(err, "mlpsctl: unknown command \"%s\"\n", argv[first]);
        s_usage(err);
        goto out;
    }
    c.word = argv[first];
    c.argc = argc - first - nwords;
    c.argv = argv + first + nwords;
    if (c.argc < s_commands[cmd].min_args ||
        c.argc > s_commands[cmd].max_args) {
        fputs("usage: mlpsctl [OPTION...] ", err);
        s_print_command(err, (size_t) cmd);
        goto out;
    }
    rc = s_commands[cmd].run(&c);
out:
    cmn_cfg_release(s_options, &c.opts);
    return rc;
}

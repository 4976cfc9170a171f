/* cli.c - mlpsctl: options, the call to a service (CURVE keys from the
 * registry), the helpers every command uses, and the command table that
 * dispatches to case_cmd.c, intake_cmd.c, eval_cmd.c and cert_cmd.c. */
#include "cli_internal.h"
#include "cmn/api.h"
#include "cmn/config.h"
#include "cmn/curve.h"
#include "cmn/ident.h"
#include "ctl/cert_cmd.h"
#include "ctl/print.h"
#include "eval_cmd.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const char *const s_service_names[] = {"intake", "review",     "panel",
                                              "audit",  "evaluation", "cert"};

static const cmn_cfg_opt_t s_options[] = {
    {"intake", CMN_CFG_STR, "tcp://127.0.0.1:7101", 0, 0,
     offsetof(ctl__opts_t, intake), "intake service API endpoint"},
    {"review", CMN_CFG_STR, "tcp://127.0.0.1:7201", 0, 0,
     offsetof(ctl__opts_t, review), "grading review service API endpoint"},
    {"panel", CMN_CFG_STR, "tcp://127.0.0.1:7301", 0, 0,
     offsetof(ctl__opts_t, panel), "expert panel service API endpoint"},
    {"audit", CMN_CFG_STR, "tcp://127.0.0.1:7401", 0, 0,
     offsetof(ctl__opts_t, audit), "audit service API endpoint"},
    {"evaluation", CMN_CFG_STR, "tcp://127.0.0.1:7501", 0, 0,
     offsetof(ctl__opts_t, evaluation), "evaluation service API endpoint"},
    {"cert", CMN_CFG_STR, "tcp://127.0.0.1:7111", 0, 0,
     offsetof(ctl__opts_t, cert), "certificate service API endpoint"},
    {"timeout-ms", CMN_CFG_INT, "5000", 1, 3600000,
     offsetof(ctl__opts_t, timeout_ms), "how long to wait for a reply"},
    {"batch-timeout-ms", CMN_CFG_INT, "120000", 1, 3600000,
     offsetof(ctl__opts_t, batch_timeout_ms),
     "how long to wait for the reply to one request of a batch import (up "
     "to 500 records in one transaction)"},
    {"key-file", CMN_CFG_STR, "", 0, 0, offsetof(ctl__opts_t, key_file),
     "this client's CURVE secret key (mlps-keygen makes one)"},
    {"registry", CMN_CFG_STR, "", 0, 0, offsetof(ctl__opts_t, registry),
     "the key registry (services' public keys); none: plain, development"},
    {"office", CMN_CFG_STR, "110100", 0, 0, offsetof(ctl__opts_t, office),
     "the office whose services to reach (their SERVICE@OFFICE keys)"},
    {"intake-office", CMN_CFG_STR, "", 0, 0,
     offsetof(ctl__opts_t, intake_office),
     "the office of the intake to file at (a district; default: office)"},
    {"act-for", CMN_CFG_STR, "", 0, 0, offsetof(ctl__opts_t, act_for),
     "as a gateway: the person (registry identity) to act for"},
    {"unit-secret", CMN_CFG_STR, "", 0, 0, offsetof(ctl__opts_t, unit_secret),
     "a unit's proof for its filing (given at submission)"},
    {"unit-secret-file", CMN_CFG_STR, "", 0, 0,
     offsetof(ctl__opts_t, unit_secret_file), "... read from this file"},
    {"import-bytes", CMN_CFG_INT, "1000000", 4096, 16777216,
     offsetof(ctl__opts_t, import_bytes),
     "batch import: largest request (the intake's frame-max must allow it)"},
    {NULL, CMN_CFG_STR, NULL, 0, 0, 0, NULL},
};

/* --- calls, and what every command uses ------------------------------ */

/* The CURVE keys for service into *keys: 1 over CURVE (a registry was
 * given: the server is its SERVICE@OFFICE), 0 plain (development), or an
 * exit code (reason printed). */
static int
s_curve_keys(ctl__ctx_t *c, ctl__service_t service, cmn_api_curve_t *keys,
             char server[CMN_CURVE_KEYLEN + 1],
             char secret[CMN_CURVE_KEYLEN + 1],
             char public_key[CMN_CURVE_KEYLEN + 1])
{
    char why[512] = "", ident[CMN_IDENT_MAX + 1];
    const char *name = s_service_names[service];
    if (c->opts.registry[0] == '\0')
        return 0;
    const char *office = service == CTL__INTAKE && c->opts.intake_office[0]
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
int
ctl__call(ctl__ctx_t *c, ctl__service_t service, const ProtobufCMessage *req,
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
int
ctl__unit_secret(ctl__ctx_t *c, char *buf, size_t len)
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
int
ctl__report(ctl__ctx_t *c, int rc, const cmn_problem_t *errs)
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

/* Sends req to service expecting an ActionReply, and prints it. */
int
ctl__action(ctl__ctx_t *c, ctl__service_t service, const ProtobufCMessage *req)
{
    ProtobufCMessage *reply = NULL;
    int rc =
        ctl__call(c, service, req, &mlps__v1__action_reply__descriptor, &reply);
    if (rc == CTL_EXIT_OK)
        rc = ctl_print_action(c->out, c->err,
                              (const Mlps__V1__ActionReply *) reply);
    protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

/* The value of "--NAME=VALUE" in arg, or NULL. */
const char *
ctl__flag(const char *arg, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(arg, "--", 2) != 0 || strncmp(arg + 2, name, n) != 0 ||
        arg[2 + n] != '=')
        return NULL;
    return arg + 3 + n;
}

/* --- the evaluation service's commands (eval_cmd.c) ---------------- */

static int
s_eval_call(void *arg, const ProtobufCMessage *req,
            const ProtobufCMessageDescriptor *desc, ProtobufCMessage **reply)
{
    return ctl__call(arg, CTL__EVALUATION, req, desc, reply);
}

/* institution|evaluation|rectification|inspection SUBCOMMAND ARGS... */
static int
s_eval(ctl__ctx_t *c)
{
    char proof[128];
    int rc = ctl__unit_secret(c, proof, sizeof proof);
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
    return ctl__call(arg, CTL__CERT, req, desc, reply);
}

static int
s_cert(ctl__ctx_t *c)
{
    char proof[128];
    int rc = ctl__unit_secret(c, proof, sizeof proof);
    ctl_cert_t cc = {c->out, c->err, c->argc, c->argv, proof, s_cert_call, c};
    return rc != CTL_EXIT_OK ? rc : ctl_cert_run(&cc);
}

/* --- dispatch ------------------------------------------------------- */

static const struct {
    const char *words[2]; /* the command: one word or two */
    int min_args, max_args;
    ctl__cmd_fn run;
    const char *args; /* for the usage text */
} s_commands[] = {
    {{"submit", NULL}, 1, 1, ctl__submit, "FILE.json"},
    {{"supplement", NULL}, 2, 2, ctl__supplement, "TRACKING_ID FILE.json"},
    {{"insist", NULL}, 2, 2, ctl__insist, "TRACKING_ID STATEMENT"},
    {{"status", NULL}, 1, 1, ctl__status, "TRACKING_ID"},
    {{"letter", NULL}, 1, 1, ctl__letter, "TRACKING_ID"},
    {{"review", "queue"}, 0, 1, ctl__review_queue, "[LIMIT]"},
    {{"review", "decide"},
     2,
     5,
     ctl__review_decide,
     "TRACKING_ID A|B|C [--level=N] [--reason=TEXT] [--missing=KIND,...]"},
    {{"panel", "show"}, 1, 1, ctl__panel_show, "TRACKING_ID"},
    {{"panel", "opinion"},
     4,
     5,
     ctl__panel_opinion,
     "TRACKING_ID EXPERT_ID confirm|adjust [LEVEL] REASONS"},
    {{"audit", "verify"}, 0, 0, ctl__audit_verify, ""},
    {{"audit", "events"}, 1, 1, ctl__audit_events, "CASE_ID"},
    {{"batch", "import"},
     1,
     4,
     ctl__batch_import,
     "FILE [--dry-run] [--json] [--secrets=FILE]"},
    {{"aggregate", "send"}, 1, 1, ctl__aggregate_send, "YYYY-MM"},
    {{"report", "month"}, 1, 2, ctl__report_month, "YYYY-MM [--json]"},
    {{"duplicates", "list"}, 0, 0, ctl__duplicates_list, ""},
    {{"duplicates", "decide"},
     3,
     3,
     ctl__duplicates_decide,
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
    ctl__ctx_t c = {.out = out, .err = err};
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

/* cli.c - mlpsctl: options, the command table, and one function per
 * command that builds the request, calls the service and prints the reply. */
#include "ctl/cli.h"
#include "cmn/api.h"
#include "cmn/config.h"
#include "cmn/curve.h"
#include "ctl/json.h"
#include "ctl/print.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *intake, *review, *panel, *audit; /* API endpoints */
    long timeout_ms;
    char *key_file;    /* this client's CURVE secret key */
    char *server_keys; /* "panel=KEY;review=@FILE": services over CURVE */
} s_opts_t;

/* The services mlpsctl talks to; s_call() finds each one's endpoint in the
 * options by this order. */
typedef enum { S_INTAKE, S_REVIEW, S_PANEL, S_AUDIT } s_service_t;

static const char *const s_service_names[] = {"intake", "review", "panel",
                                              "audit"};

static const cmn_cfg_opt_t s_options[] = {
    {"intake", CMN_CFG_STR, "tcp://127.0.0.1:7101", 0, 0,
     offsetof(s_opts_t, intake), "intake service API endpoint"},
    {"review", CMN_CFG_STR, "tcp://127.0.0.1:7201", 0, 0,
     offsetof(s_opts_t, review), "grading review service API endpoint"},
    {"panel", CMN_CFG_STR, "tcp://127.0.0.1:7301", 0, 0,
     offsetof(s_opts_t, panel), "expert panel service API endpoint"},
    {"audit", CMN_CFG_STR, "tcp://127.0.0.1:7401", 0, 0,
     offsetof(s_opts_t, audit), "audit service API endpoint"},
    {"timeout-ms", CMN_CFG_INT, "5000", 1, 3600000,
     offsetof(s_opts_t, timeout_ms), "how long to wait for a reply"},
    {"key-file", CMN_CFG_STR, "", 0, 0, offsetof(s_opts_t, key_file),
     "this client's CURVE secret key (mlps-keygen makes one)"},
    {"server-keys", CMN_CFG_STR, "", 0, 0, offsetof(s_opts_t, server_keys),
     "service=PUBLIC_KEY or service=@FILE;...: services reached over CURVE"},
    {NULL, CMN_CFG_STR, NULL, 0, 0, 0, NULL},
};

typedef struct {
    s_opts_t opts;
    FILE *out, *err;
    int argc; /* arguments after the command's words */
    char **argv;
} s_ctx_t;

typedef int (*s_cmd_fn)(s_ctx_t *c);

/* --- calls and files ------------------------------------------------ */

/* The CURVE keys for service into *keys: 1 when --server-keys names it,
 * 0 when it is reached in the clear, or an exit code (reason printed). */
static int
s_curve_keys(s_ctx_t *c, s_service_t service, cmn_api_curve_t *keys,
             char server[CMN_CURVE_KEYLEN + 1],
             char secret[CMN_CURVE_KEYLEN + 1],
             char public_key[CMN_CURVE_KEYLEN + 1])
{
    char why[512] = "";
    const char *name = s_service_names[service];
    int rc = cmn_curve_key_lookup(c->opts.server_keys, name, server, why,
                                  sizeof why);
    if (rc == 0)
        return 0;
    if (rc < 0) {
        fprintf(c->err, "mlpsctl: \"server-keys\": %s\n", why);
        return CTL_EXIT_USAGE;
    }
    if (c->opts.key_file[0] == '\0') {
        fprintf(c->err,
                "mlpsctl: \"server-keys\" names %s, so \"key-file\" must "
                "give this client's secret key\n",
                name);
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
    const char *endpoints[] = {c->opts.intake, c->opts.review, c->opts.panel,
                               c->opts.audit};
    cmn_api_curve_t keys;
    *reply = NULL;
    int curve = s_curve_keys(c, service, &keys, server, secret, public_key);
    if (curve != 0 && curve != 1)
        return curve;
    int rc = cmn_api_call_curve(
        endpoints[service], curve ? &keys : NULL, req->descriptor->name, req,
        desc, (int) c->opts.timeout_ms, reply, why, sizeof why);
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

    int rc = s_report(c, ctl_json_load_file(c->argv[1], &json, &errs), &errs);
    if (rc == CTL_EXIT_OK)
        rc = s_report(
            c, ctl_supplement_from_json(json, c->argv[0], &req, &errs), &errs);
    if (rc != CTL_EXIT_OK)
        goto out;
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
    req.tracking_id = c->argv[0];
    req.statement = c->argv[1];
    return s_action(c, S_INTAKE, &req.base);
}

static int
s_status(s_ctx_t *c)
{
    Mlps__V1__StatusRequest req = MLPS__V1__STATUS_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    req.tracking_id = c->argv[0];
    int rc = s_call(c, S_REVIEW, &req.base, &mlps__v1__status_reply__descriptor,
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
    req.tracking_id = c->argv[0];
    int rc = s_call(c, S_REVIEW, &req.base, &mlps__v1__letter_reply__descriptor,
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
    {{"panel", "show"}, 1, 1, s_panel_show, "TRACKING_ID"},
    {{"panel", "opinion"},
     4,
     5,
     s_panel_opinion,
     "TRACKING_ID EXPERT_ID confirm|adjust [LEVEL] REASONS"},
    {{"audit", "verify"}, 0, 0, s_audit_verify, ""},
    {{"audit", "events"}, 1, 1, s_audit_events, "CASE_ID"},
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

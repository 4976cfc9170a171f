/* eval_cmd.c - mlpsctl's evaluation commands: the institution registry,
 * the qualification check of an application (local: the domain library's
 * rule sets), a system's choice, assignment, report, status, the due list
 * and the queue, rectification and inspections (see eval_cmd.h). */
#include "eval_cmd.h"
#include "cmn/file.h"
#include "ctl/cli.h"
#include "ctl/json.h"
#include "ctl/print.h"
#include "dom/apprules.h"
#include "dom/date.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#ifndef CTL_RULES_DIR
#define CTL_RULES_DIR "/usr/share/mlps/rules"
#endif

typedef int (*s_fn)(const ctl_eval_io_t *io, int argc, char **argv);

/* --- argument helpers ------------------------------------------------ */

/* The value of "--NAME=VALUE" in argv[*i], or of "--NAME VALUE" (then *i
 * moves past the value); NULL if argv[*i] is not that flag. */
static const char *
s_flag(int argc, char **argv, int *i, const char *name)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, "--", 2) != 0 || strncmp(a + 2, name, n) != 0)
        return NULL;
    if (a[2 + n] == '=')
        return a + 3 + n;
    if (a[2 + n] == '\0' && *i + 1 < argc) {
        *i += 1;
        return argv[*i];
    }
    return NULL;
}

static int
s_unexpected(const ctl_eval_io_t *io, const char *arg, const char *allowed)
{
    fprintf(io->err, "mlpsctl: unexpected \"%s\" (%s)\n", arg, allowed);
    return CTL_EXIT_USAGE;
}

/* A whole number 0..max from text into *out; usage error said. */
static int
s_number(const ctl_eval_io_t *io, const char *what, const char *text,
         unsigned long max, uint32_t *out)
{
    char *end = NULL;
    unsigned long v = strtoul(text, &end, 10);
    if (*text == '\0' || *text == '-' || *end != '\0' || v > max) {
        fprintf(io->err,
                "mlpsctl: %s must be a whole number 0 to %lu, not "
                "\"%s\"\n",
                what, max, text);
        return CTL_EXIT_USAGE;
    }
    *out = (uint32_t) v;
    return CTL_EXIT_OK;
}

/* Calls the service; on success prints the ActionReply. */
static int
s_action(const ctl_eval_io_t *io, const ProtobufCMessage *req)
{
    ProtobufCMessage *reply = NULL;
    int rc =
        io->call(io->arg, req, &mlps__v1__action_reply__descriptor, &reply);
    if (rc == CTL_EXIT_OK)
        rc = ctl_print_action(io->out, io->err,
                              (const Mlps__V1__ActionReply *) reply);
    protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

/* Calls the service expecting desc; prints it with print(out, reply). */
static int
s_show(const ctl_eval_io_t *io, const ProtobufCMessage *req,
       const ProtobufCMessageDescriptor *desc,
       int (*print)(FILE *, const ProtobufCMessage *))
{
    ProtobufCMessage *reply = NULL;
    int rc = io->call(io->arg, req, desc, &reply);
    if (rc == CTL_EXIT_OK)
        rc = print(io->out, reply);
    protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

/* --- institution --------------------------------------------------------- */

static int
s_print_put(FILE *out, const ProtobufCMessage *m)
{
    return ctl_eval_print_put(out, (const Mlps__V1__InstitutionPutReply *) m);
}

/* FILE.json: InstitutionsFile (docs/institutions-format.md). */
static int
s_inst_add(const ctl_eval_io_t *io, int argc, char **argv)
{
    if (argc != 1)
        return s_unexpected(io, argc ? argv[1] : "", "FILE.json");
    cmn_problem_t *errs = calloc(1, sizeof *errs);
    json_t *json = NULL;
    ProtobufCMessage *file = NULL;
    int rc = CTL_EXIT_USAGE;
    if (errs == NULL)
        return rc;
    int err = ctl_json_load_file(argv[0], &json, errs);
    if (err == 0)
        err = ctl_pb_from_json(&mlps__v1__institutions_file__descriptor, json,
                               &file, errs);
    if (err == CMN_EINVAL) {
        ctl_print_errors(io->err, errs);
        rc = CTL_EXIT_REFUSED;
    } else if (err != 0) {
        for (size_t i = 0; i < errs->count; i++)
            fprintf(io->err, "mlpsctl: %s\n", errs->items[i].reason);
        if (errs->count == 0)
            fprintf(io->err, "mlpsctl: %s\n", cmn_strerror(err));
    } else {
        const Mlps__V1__InstitutionsFile *f =
            (const Mlps__V1__InstitutionsFile *) file;
        Mlps__V1__InstitutionPutRequest req =
            MLPS__V1__INSTITUTION_PUT_REQUEST__INIT;
        req.n_institutions = f->n_institutions;
        req.institutions = f->institutions;
        rc = s_show(io, &req.base, &mlps__v1__institution_put_reply__descriptor,
                    s_print_put);
    }
    protobuf_c_message_free_unpacked(file, NULL);
    json_decref(json);
    free(errs);
    return rc;
}

static int
s_print_inst(FILE *out, const ProtobufCMessage *m)
{
    return ctl_eval_print_institution(
        out, (const Mlps__V1__InstitutionShowReply *) m);
}

static int
s_inst_show(const ctl_eval_io_t *io, int argc, char **argv)
{
    if (argc != 1)
        return s_unexpected(io, argc ? argv[1] : "", "ID");
    Mlps__V1__InstitutionShowRequest req =
        MLPS__V1__INSTITUTION_SHOW_REQUEST__INIT;
    req.id = argv[0];
    return s_show(io, &req.base, &mlps__v1__institution_show_reply__descriptor,
                  s_print_inst);
}

static int
s_print_insts(FILE *out, const ProtobufCMessage *m)
{
    return ctl_eval_print_institutions(
        out, (const Mlps__V1__InstitutionListReply *) m);
}

static int
s_inst_list(const ctl_eval_io_t *io, int argc, char **argv)
{
    if (argc != 0)
        return s_unexpected(io, argv[0], "no arguments");
    Mlps__V1__InstitutionListRequest req =
        MLPS__V1__INSTITUTION_LIST_REQUEST__INIT;
    return s_show(io, &req.base, &mlps__v1__institution_list_reply__descriptor,
                  s_print_insts);
}

/* ID [CERTIFICATE] [--lift] [--reason=TEXT] */
static int
s_inst_suspend(const ctl_eval_io_t *io, int argc, char **argv)
{
    Mlps__V1__InstitutionSuspendRequest req =
        MLPS__V1__INSTITUTION_SUSPEND_REQUEST__INIT;
    const char *v;
    int pos = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--lift") == 0)
            req.lift = true;
        else if ((v = s_flag(argc, argv, &i, "reason")) != NULL)
            req.reason = (char *) v;
        else if (argv[i][0] != '-' && pos == 0 && ++pos)
            req.id = argv[i];
        else if (argv[i][0] != '-' && pos == 1 && ++pos)
            req.number = argv[i];
        else
            return s_unexpected(io, argv[i],
                                "ID [CERTIFICATE] [--lift] [--reason=TEXT]");
    }
    if (pos == 0) {
        fprintf(io->err, "mlpsctl: usage: institution suspend ID "
                         "[CERTIFICATE] [--lift] [--reason=TEXT]\n");
        return CTL_EXIT_USAGE;
    }
    return s_action(io, &req.base);
}

/* The rule set named (a path, or NAME.rules in dir). Caller destroys. */
static dom_ruleset_t *
s_rules_load(const ctl_eval_io_t *io, const char *name, const char *dir)
{
    char path[1024], why[512];
    char *text = NULL;
    size_t len = 0;
    if (strchr(name, '/') != NULL)
        snprintf(path, sizeof path, "%s", name);
    else
        snprintf(path, sizeof path, "%s/%s.rules", dir, name);
    if (cmn_file_read(path, DOM_RULES_MAX_BYTES, &text, &len, why,
                      sizeof why) != 0) {
        fprintf(io->err, "mlpsctl: \"rules\": %s\n", why);
        return NULL;
    }
    dom_ruleset_t *rs = dom_ruleset_parse(text, len, path, why, sizeof why);
    free(text);
    if (rs == NULL)
        fprintf(io->err, "mlpsctl: %s\n", why);
    return rs;
}

/* Prints each condition and the result; the exit code. */
static int
s_check_print(const ctl_eval_io_t *io, const dom_ruleset_t *rs,
              const dom_rule_result_t *res, size_t unmet)
{
    fprintf(io->out, "rules: %s (%s)\n", dom_ruleset_name(rs),
            dom_ruleset_title(rs));
    for (size_t i = 0; i < dom_ruleset_count(rs); i++) {
        fprintf(io->out, "condition %s: %s: %s", dom_ruleset_rule_id(rs, i),
                dom_rule_status_name(res[i].status), res[i].reason);
        if (res[i].status == DOM_RULE_NOT_MET)
            fprintf(io->out, " (%s)", dom_ruleset_rule_text(rs, i));
        fputc('\n', io->out);
    }
    if (unmet == 0) {
        fprintf(io->out, "result: met (every condition of %s)\n",
                dom_ruleset_name(rs));
        return CTL_EXIT_OK;
    }
    fprintf(io->out, "result: not met (%zu of %zu conditions not met)\n", unmet,
            dom_ruleset_count(rs));
    return CTL_EXIT_REFUSED;
}

/* APPLICATION.json --rules=NAME [--rules-dir=DIR]: no service involved. */
static int
s_inst_check(const ctl_eval_io_t *io, int argc, char **argv)
{
    const char *file = NULL, *rules = NULL, *dir = CTL_RULES_DIR, *v;
    for (int i = 0; i < argc; i++) {
        if ((v = s_flag(argc, argv, &i, "rules-dir")) != NULL)
            dir = v;
        else if ((v = s_flag(argc, argv, &i, "rules")) != NULL)
            rules = v;
        else if (argv[i][0] != '-' && file == NULL)
            file = argv[i];
        else
            return s_unexpected(io, argv[i],
                                "APPLICATION.json --rules=NAME "
                                "[--rules-dir=DIR]");
    }
    if (file == NULL || rules == NULL || *rules == '\0') {
        fprintf(io->err, "mlpsctl: usage: institution check APPLICATION.json "
                         "--rules=NAME (level3-v1: reference 002; "
                         "level3-v2: reference 004)\n");
        return CTL_EXIT_USAGE;
    }
    dom_ruleset_t *rs = s_rules_load(io, rules, dir);
    char *text = NULL, why[512];
    size_t len = 0, unmet = 0;
    int rc = CTL_EXIT_USAGE;
    dom_rule_result_t *res = calloc(DOM_RULES_MAX, sizeof *res);
    if (rs == NULL || res == NULL)
        goto out;
    if (cmn_file_read(file, DOM_APPLICATION_MAX, &text, &len, why,
                      sizeof why) != 0) {
        fprintf(io->err, "mlpsctl: %s\n", why);
        goto out;
    }
    if (dom_ruleset_check(rs, text, len, file, res, DOM_RULES_MAX, &unmet, why,
                          sizeof why) != 0) {
        ctl_print_error(io->err, "", why);
        rc = CTL_EXIT_REFUSED;
        goto out;
    }
    rc = s_check_print(io, rs, res, unmet);
out:
    free(text);
    free(res);
    dom_ruleset_destroy(&rs);
    return rc;
}

/* --- evaluation -------------------------------------------------------- */

/* TRACKING_ID INSTITUTION, with the unit's proof. */
static int
s_eval_choose(const ctl_eval_io_t *io, int argc, char **argv)
{
    if (argc != 2)
        return s_unexpected(io, argc > 2 ? argv[2] : "",
                            "TRACKING_ID INSTITUTION");
    Mlps__V1__EvaluationChooseRequest req =
        MLPS__V1__EVALUATION_CHOOSE_REQUEST__INIT;
    req.tracking_id = argv[0];
    req.institution_id = argv[1];
    req.unit_secret = (char *) io->unit_secret;
    return s_action(io, &req.base);
}

/* TRACKING_ID [INSTITUTION] [--reason=TEXT] */
static int
s_eval_assign(const ctl_eval_io_t *io, int argc, char **argv)
{
    Mlps__V1__EvaluationAssignRequest req =
        MLPS__V1__EVALUATION_ASSIGN_REQUEST__INIT;
    const char *v;
    int pos = 0;
    for (int i = 0; i < argc; i++) {
        if ((v = s_flag(argc, argv, &i, "reason")) != NULL)
            req.reason = (char *) v;
        else if (argv[i][0] != '-' && pos == 0 && ++pos)
            req.tracking_id = argv[i];
        else if (argv[i][0] != '-' && pos == 1 && ++pos)
            req.institution_id = argv[i];
        else
            return s_unexpected(io, argv[i],
                                "TRACKING_ID [INSTITUTION] [--reason=TEXT]");
    }
    if (pos == 0) {
        fprintf(io->err, "mlpsctl: usage: evaluation assign TRACKING_ID "
                         "[INSTITUTION] [--reason=TEXT]\n");
        return CTL_EXIT_USAGE;
    }
    return s_action(io, &req.base);
}

/* TRACKING_ID --date=D --score=N --high=N --medium=N --sha256=HEX */
static int
s_eval_report(const ctl_eval_io_t *io, int argc, char **argv)
{
    Mlps__V1__EvaluationReportRequest req =
        MLPS__V1__EVALUATION_REPORT_REQUEST__INIT;
    static const char allowed[] =
        "TRACKING_ID --date=YYYY-MM-DD --score=0..100 --high=N --medium=N "
        "--sha256=HEX";
    const char *v;
    int rc = CTL_EXIT_OK;
    bool score = false;
    for (int i = 0; i < argc && rc == CTL_EXIT_OK; i++) {
        if ((v = s_flag(argc, argv, &i, "date")) != NULL)
            req.report_date = (char *) v;
        else if ((v = s_flag(argc, argv, &i, "score")) != NULL &&
                 (score = true))
            rc = s_number(io, "--score", v, 100, &req.score);
        else if ((v = s_flag(argc, argv, &i, "high")) != NULL)
            rc = s_number(io, "--high", v, 100000, &req.high_risks);
        else if ((v = s_flag(argc, argv, &i, "medium")) != NULL)
            rc = s_number(io, "--medium", v, 100000, &req.medium_risks);
        else if ((v = s_flag(argc, argv, &i, "sha256")) != NULL)
            req.report_sha256 = (char *) v;
        else if (argv[i][0] != '-' && req.tracking_id[0] == '\0')
            req.tracking_id = argv[i];
        else
            return s_unexpected(io, argv[i], allowed);
    }
    if (rc == CTL_EXIT_OK &&
        (req.tracking_id[0] == '\0' || req.report_date[0] == '\0' || !score)) {
        fprintf(io->err, "mlpsctl: usage: evaluation report %s\n", allowed);
        rc = CTL_EXIT_USAGE;
    }
    return rc == CTL_EXIT_OK ? s_action(io, &req.base) : rc;
}

static int
s_print_status(FILE *out, const ProtobufCMessage *m)
{
    return ctl_eval_print_status(out,
                                 (const Mlps__V1__EvaluationStatusReply *) m);
}

static int
s_eval_status(const ctl_eval_io_t *io, int argc, char **argv)
{
    if (argc != 1)
        return s_unexpected(io, argc ? argv[1] : "", "TRACKING_ID");
    Mlps__V1__EvaluationStatusRequest req =
        MLPS__V1__EVALUATION_STATUS_REQUEST__INIT;
    req.tracking_id = argv[0];
    req.unit_secret = (char *) io->unit_secret;
    return s_show(io, &req.base, &mlps__v1__evaluation_status_reply__descriptor,
                  s_print_status);
}

static int
s_print_due(FILE *out, const ProtobufCMessage *m)
{
    return ctl_eval_print_list(out, "due",
                               (const Mlps__V1__EvaluationListReply *) m);
}

static int
s_print_queue(FILE *out, const ProtobufCMessage *m)
{
    return ctl_eval_print_list(out, "queue",
                               (const Mlps__V1__EvaluationListReply *) m);
}

/* [--before=DATE] */
static int
s_eval_due(const ctl_eval_io_t *io, int argc, char **argv)
{
    Mlps__V1__EvaluationDueRequest req = MLPS__V1__EVALUATION_DUE_REQUEST__INIT;
    dom_date_t d;
    for (int i = 0; i < argc; i++) {
        const char *v = s_flag(argc, argv, &i, "before");
        if (v == NULL)
            return s_unexpected(io, argv[i], "--before=YYYY-MM-DD");
        if (dom_date_parse(v, &d) != 0) {
            fprintf(io->err,
                    "mlpsctl: --before must be a date YYYY-MM-DD, "
                    "not \"%s\"\n",
                    v);
            return CTL_EXIT_USAGE;
        }
        req.before = (char *) v;
    }
    return s_show(io, &req.base, &mlps__v1__evaluation_list_reply__descriptor,
                  s_print_due);
}

static int
s_eval_queue(const ctl_eval_io_t *io, int argc, char **argv)
{
    if (argc != 0)
        return s_unexpected(io, argv[0], "no arguments");
    Mlps__V1__EvaluationQueueRequest req =
        MLPS__V1__EVALUATION_QUEUE_REQUEST__INIT;
    return s_show(io, &req.base, &mlps__v1__evaluation_list_reply__descriptor,
                  s_print_queue);
}

/* --- rectification ------------------------------------------------------- */

/* TRACKING_ID SHA256 SUMMARY */
static int
s_rect_plan(const ctl_eval_io_t *io, int argc, char **argv)
{
    if (argc != 3)
        return s_unexpected(io, argc > 3 ? argv[3] : "",
                            "TRACKING_ID SHA256 SUMMARY");
    Mlps__V1__RectificationPlanRequest req =
        MLPS__V1__RECTIFICATION_PLAN_REQUEST__INIT;
    req.tracking_id = argv[0];
    req.plan_sha256 = argv[1];
    req.summary = argv[2];
    req.unit_secret = (char *) io->unit_secret;
    return s_action(io, &req.base);
}

/* TRACKING_ID approve|reject [REASON] */
static int
s_rect_review(const ctl_eval_io_t *io, int argc, char **argv)
{
    bool approve = argc >= 2 && strcmp(argv[1], "approve") == 0;
    if (argc < 2 || argc > 3 || (!approve && strcmp(argv[1], "reject") != 0))
        return s_unexpected(io, argc >= 2 ? argv[1] : "",
                            "TRACKING_ID approve|reject [REASON]");
    Mlps__V1__RectificationReviewRequest req =
        MLPS__V1__RECTIFICATION_REVIEW_REQUEST__INIT;
    req.tracking_id = argv[0];
    req.approve = approve;
    if (argc == 3)
        req.reason = argv[2];
    return s_action(io, &req.base);
}

/* TRACKING_ID SUMMARY */
static int
s_rect_complete(const ctl_eval_io_t *io, int argc, char **argv)
{
    if (argc != 2)
        return s_unexpected(io, argc > 2 ? argv[2] : "", "TRACKING_ID SUMMARY");
    Mlps__V1__RectificationCompleteRequest req =
        MLPS__V1__RECTIFICATION_COMPLETE_REQUEST__INIT;
    req.tracking_id = argv[0];
    req.summary = argv[1];
    req.unit_secret = (char *) io->unit_secret;
    return s_action(io, &req.base);
}

/* --- inspection ---------------------------------------------------------- */

static int
s_print_insp(FILE *out, const ProtobufCMessage *m)
{
    return ctl_eval_print_inspection(out,
                                     (const Mlps__V1__InspectionPlanReply *) m);
}

static int
s_insp_plan(const ctl_eval_io_t *io, int argc, char **argv)
{
    Mlps__V1__InspectionPlanRequest req =
        MLPS__V1__INSPECTION_PLAN_REQUEST__INIT;
    if (argc != 1)
        return s_unexpected(io, argc ? argv[1] : "", "YEAR");
    int rc = s_number(io, "YEAR", argv[0], 9999, &req.year);
    return rc == CTL_EXIT_OK
               ? s_show(io, &req.base,
                        &mlps__v1__inspection_plan_reply__descriptor,
                        s_print_insp)
               : rc;
}

/* TRACKING_ID DATE passed|issues [NOTE] */
static int
s_insp_record(const ctl_eval_io_t *io, int argc, char **argv)
{
    if (argc < 3 || argc > 4)
        return s_unexpected(io, argc > 4 ? argv[4] : "",
                            "TRACKING_ID YYYY-MM-DD passed|issues [NOTE]");
    Mlps__V1__InspectionRecordRequest req =
        MLPS__V1__INSPECTION_RECORD_REQUEST__INIT;
    req.tracking_id = argv[0];
    req.inspected_on = argv[1];
    req.result = argv[2];
    if (argc == 4)
        req.note = argv[3];
    return s_action(io, &req.base);
}

/* --- dispatch ------------------------------------------------------------ */

static const struct {
    const char *group, *name;
    s_fn run;
    const char *args;
} s_cmds[] = {
    {"institution", "add", s_inst_add, "FILE.json"},
    {"institution", "show", s_inst_show, "ID"},
    {"institution", "list", s_inst_list, ""},
    {"institution", "suspend", s_inst_suspend,
     "ID [CERTIFICATE] [--lift] [--reason=TEXT]"},
    {"institution", "check", s_inst_check,
     "APPLICATION.json --rules=NAME [--rules-dir=DIR]"},
    {"evaluation", "choose", s_eval_choose, "TRACKING_ID INSTITUTION"},
    {"evaluation", "assign", s_eval_assign,
     "TRACKING_ID [INSTITUTION] [--reason=TEXT]"},
    {"evaluation", "report", s_eval_report,
     "TRACKING_ID --date=YYYY-MM-DD --score=N --high=N --medium=N "
     "--sha256=HEX"},
    {"evaluation", "status", s_eval_status, "TRACKING_ID"},
    {"evaluation", "due", s_eval_due, "[--before=YYYY-MM-DD]"},
    {"evaluation", "queue", s_eval_queue, ""},
    {"rectification", "plan", s_rect_plan, "TRACKING_ID SHA256 SUMMARY"},
    {"rectification", "review", s_rect_review,
     "TRACKING_ID approve|reject [REASON]"},
    {"rectification", "complete", s_rect_complete, "TRACKING_ID SUMMARY"},
    {"inspection", "plan", s_insp_plan, "YEAR"},
    {"inspection", "record", s_insp_record,
     "TRACKING_ID YYYY-MM-DD passed|issues [NOTE]"},
};

int
ctl_eval_command(const ctl_eval_io_t *io, const char *group, int argc,
                 char **argv)
{
    size_t n = sizeof s_cmds / sizeof s_cmds[0];
    for (size_t i = 0; argc > 0 && i < n; i++)
        if (strcmp(s_cmds[i].group, group) == 0 &&
            strcmp(s_cmds[i].name, argv[0]) == 0)
            return s_cmds[i].run(io, argc - 1, argv + 1);
    if (argc > 0)
        fprintf(io->err, "mlpsctl: unknown command \"%s %s\"\n", group,
                argv[0]);
    fprintf(io->err, "usage:\n");
    for (size_t i = 0; i < n; i++)
        if (strcmp(s_cmds[i].group, group) == 0)
            fprintf(io->err, "  mlpsctl %s %s%s%s\n", group, s_cmds[i].name,
                    s_cmds[i].args[0] ? " " : "", s_cmds[i].args);
    return CTL_EXIT_USAGE;
}

/* case_cmd.c - mlpsctl's commands on one filing: submit, supplement,
 * insist, status and letter, the reviewer's queue and decision, the
 * panel's case and opinions, the audit trail. Each builds its request from
 * the arguments, calls the service (ctl__call) and prints the reply. */
#include "cli_internal.h"
#include "ctl/json.h"
#include "ctl/print.h"

#include <stdlib.h>
#include <string.h>

int
ctl__submit(ctl__ctx_t *c)
{
    Mlps__V1__SubmitFilingRequest req = MLPS__V1__SUBMIT_FILING_REQUEST__INIT;
    cmn_problem_t errs;
    cmn_problem_init(&errs);
    json_t *json = NULL;
    ProtobufCMessage *reply = NULL;

    int rc =
        ctl__report(c, ctl_json_load_file(c->argv[0], &json, &errs), &errs);
    if (rc == CTL_EXIT_OK)
        rc = ctl__report(c, ctl_filing_from_json(json, &req.filing, &errs),
                         &errs);
    if (rc != CTL_EXIT_OK)
        goto out;
    rc = ctl__call(c, CTL__INTAKE, &req.base,
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

int
ctl__supplement(ctl__ctx_t *c)
{
    Mlps__V1__SupplementRequest *req = NULL;
    cmn_problem_t errs;
    cmn_problem_init(&errs);
    json_t *json = NULL;
    ProtobufCMessage *reply = NULL;

    char proof[128];
    int rc = ctl__unit_secret(c, proof, sizeof proof);
    if (rc == CTL_EXIT_OK)
        rc =
            ctl__report(c, ctl_json_load_file(c->argv[1], &json, &errs), &errs);
    if (rc == CTL_EXIT_OK)
        rc = ctl__report(
            c, ctl_supplement_from_json(json, c->argv[0], &req, &errs), &errs);
    if (rc != CTL_EXIT_OK)
        goto out;
    /* The JSON gives none (the empty default, not to be freed); this copy
     * is freed with the request. */
    req->unit_secret = strdup(proof);
    if (req->unit_secret == NULL) {
        rc = ctl__report(c, CMN_ENOMEM, &errs);
        goto out;
    }
    rc = ctl__call(c, CTL__INTAKE, &req->base,
                   &mlps__v1__action_reply__descriptor, &reply);
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

int
ctl__insist(ctl__ctx_t *c)
{
    Mlps__V1__InsistRequest req = MLPS__V1__INSIST_REQUEST__INIT;
    char proof[128];
    int rc = ctl__unit_secret(c, proof, sizeof proof);
    if (rc != CTL_EXIT_OK)
        return rc;
    req.tracking_id = c->argv[0];
    req.statement = c->argv[1];
    req.unit_secret = proof;
    return ctl__action(c, CTL__INTAKE, &req.base);
}

int
ctl__status(ctl__ctx_t *c)
{
    Mlps__V1__StatusRequest req = MLPS__V1__STATUS_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    char proof[128];
    int rc = ctl__unit_secret(c, proof, sizeof proof);
    if (rc != CTL_EXIT_OK)
        return rc;
    req.tracking_id = c->argv[0];
    req.unit_secret = proof;
    rc = ctl__call(c, CTL__REVIEW, &req.base,
                   &mlps__v1__status_reply__descriptor, &reply);
    if (rc == CTL_EXIT_OK)
        rc = ctl_print_status(c->out, (const Mlps__V1__StatusReply *) reply);
    protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

int
ctl__letter(ctl__ctx_t *c)
{
    Mlps__V1__LetterRequest req = MLPS__V1__LETTER_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    char proof[128];
    int rc = ctl__unit_secret(c, proof, sizeof proof);
    if (rc != CTL_EXIT_OK)
        return rc;
    req.tracking_id = c->argv[0];
    req.unit_secret = proof;
    rc = ctl__call(c, CTL__REVIEW, &req.base,
                   &mlps__v1__letter_reply__descriptor, &reply);
    if (rc == CTL_EXIT_OK)
        rc = ctl_print_letter(c->out, (const Mlps__V1__LetterReply *) reply);
    protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

int
ctl__panel_show(ctl__ctx_t *c)
{
    Mlps__V1__PanelShowRequest req = MLPS__V1__PANEL_SHOW_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    req.tracking_id = c->argv[0];
    int rc = ctl__call(c, CTL__PANEL, &req.base,
                       &mlps__v1__panel_show_reply__descriptor, &reply);
    if (rc == CTL_EXIT_OK)
        rc = ctl_print_panel(c->out, (const Mlps__V1__PanelShowReply *) reply);
    protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

/* TRACKING_ID EXPERT_ID confirm REASONS
 * TRACKING_ID EXPERT_ID adjust LEVEL REASONS */
int
ctl__panel_opinion(ctl__ctx_t *c)
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
    return ctl__action(c, CTL__PANEL, &req.base);
}

int
ctl__audit_verify(ctl__ctx_t *c)
{
    Mlps__V1__AuditVerifyRequest req = MLPS__V1__AUDIT_VERIFY_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    int rc = ctl__call(c, CTL__AUDIT, &req.base,
                       &mlps__v1__audit_verify_reply__descriptor, &reply);
    if (rc == CTL_EXIT_OK)
        rc = ctl_print_audit_verify(c->out,
                                    (const Mlps__V1__AuditVerifyReply *) reply);
    protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

int
ctl__audit_events(ctl__ctx_t *c)
{
    Mlps__V1__AuditEventsRequest req = MLPS__V1__AUDIT_EVENTS_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    req.case_id = c->argv[0];
    int rc = ctl__call(c, CTL__AUDIT, &req.base,
                       &mlps__v1__audit_events_reply__descriptor, &reply);
    if (rc == CTL_EXIT_OK)
        rc = ctl_print_audit_events(c->out, c->err, req.case_id,
                                    (const Mlps__V1__AuditEventsReply *) reply);
    protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

/* LIMIT: the office's queue, oldest first. */
int
ctl__review_queue(ctl__ctx_t *c)
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
    int rc = ctl__call(c, CTL__REVIEW, &req.base,
                       &mlps__v1__review_queue_reply__descriptor, &reply);
    if (rc == CTL_EXIT_OK)
        rc =
            ctl_print_queue(c->out, (const Mlps__V1__ReviewQueueReply *) reply);
    protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

/* TRACKING_ID A|B|C [--level=N] [--reason=TEXT] [--missing=a,b,...] */
int
ctl__review_decide(ctl__ctx_t *c)
{
    Mlps__V1__ReviewDecideRequest req = MLPS__V1__REVIEW_DECIDE_REQUEST__INIT;
    char list[512] = "", *missing[16], *save = NULL;
    const char *v;
    req.tracking_id = c->argv[0];
    req.outcome = c->argv[1];
    req.reason = "";
    for (int i = 2; i < c->argc; i++) {
        if ((v = ctl__flag(c->argv[i], "level")) != NULL && v[0] >= '1' &&
            v[0] <= '5' && v[1] == '\0')
            req.level = (uint32_t) (v[0] - '0');
        else if ((v = ctl__flag(c->argv[i], "reason")) != NULL)
            req.reason = (char *) v;
        else if ((v = ctl__flag(c->argv[i], "missing")) != NULL)
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
    return ctl__action(c, CTL__REVIEW, &req.base);
}

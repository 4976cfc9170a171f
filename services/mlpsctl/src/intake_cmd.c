/* intake_cmd.c - mlpsctl's commands for the intake's batches and months:
 * batch import (with the proofs' secrets file, written once, mode 0600),
 * a month's aggregate sent and its report, duplicates listed and decided. */
#include "cli_internal.h"
#include "ctl/import.h"
#include "ctl/print.h"
#include "dom/month.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ctl_import_send_fn: one ImportRequest to the intake. */
static int
s_import_send(void *arg, const Mlps__V1__ImportRequest *req,
              Mlps__V1__ImportReply **reply)
{
    ctl__ctx_t *c = arg;
    ProtobufCMessage *m = NULL;
    long plain = c->opts.timeout_ms;
    /* Up to 500 records are one transaction: its own wait. */
    c->opts.timeout_ms = c->opts.batch_timeout_ms;
    int rc = ctl__call(c, CTL__INTAKE, &req->base,
                       &mlps__v1__import_reply__descriptor, &m);
    c->opts.timeout_ms = plain;
    *reply = (Mlps__V1__ImportReply *) m;
    return rc;
}

/* A new secrets file, mode 0600, never one that exists. */
static int
s_secrets_open(ctl__ctx_t *c, const char *path, FILE **out)
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
s_secrets_close(ctl__ctx_t *c, FILE *f, const char *path)
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
s_import_flags(ctl__ctx_t *c, ctl_import_opts_t *o, bool *json,
               const char **secrets)
{
    for (int i = 1; i < c->argc; i++) {
        const char *v = ctl__flag(c->argv[i], "secrets");
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
s_import_notes(ctl__ctx_t *c, const ctl_import_summary_t *sum,
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
int
ctl__batch_import(ctl__ctx_t *c)
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
s_month(ctl__ctx_t *c, const char *text)
{
    dom_month_t m;
    if (dom_month_parse(text, &m) == 0)
        return CTL_EXIT_OK;
    fprintf(c->err, "mlpsctl: MONTH must be YYYY-MM (01 to 12), not \"%s\"\n",
            text);
    return CTL_EXIT_USAGE;
}

/* YYYY-MM: the district's aggregate of that month, sent now. */
int
ctl__aggregate_send(ctl__ctx_t *c)
{
    Mlps__V1__AggregateSendRequest req = MLPS__V1__AGGREGATE_SEND_REQUEST__INIT;
    int rc = s_month(c, c->argv[0]);
    if (rc != CTL_EXIT_OK)
        return rc;
    req.month = c->argv[0];
    return ctl__action(c, CTL__INTAKE, &req.base);
}

/* YYYY-MM [--json] */
int
ctl__report_month(ctl__ctx_t *c)
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
    rc = ctl__call(c, CTL__INTAKE, &req.base,
                   &mlps__v1__report_month_reply__descriptor, &reply);
    if (rc == CTL_EXIT_OK && json)
        rc = ctl_print_json(c->out, c->err, reply);
    else if (rc == CTL_EXIT_OK)
        rc = ctl_print_report(c->out, req.month,
                              (const Mlps__V1__ReportMonthReply *) reply);
    protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

int
ctl__duplicates_list(ctl__ctx_t *c)
{
    Mlps__V1__DuplicatesRequest req = MLPS__V1__DUPLICATES_REQUEST__INIT;
    ProtobufCMessage *reply = NULL;
    int rc = ctl__call(c, CTL__INTAKE, &req.base,
                       &mlps__v1__duplicates_reply__descriptor, &reply);
    if (rc == CTL_EXIT_OK)
        rc = ctl_print_duplicates(c->out,
                                  (const Mlps__V1__DuplicatesReply *) reply);
    protobuf_c_message_free_unpacked(reply, NULL);
    return rc;
}

/* TRACKING_ID yes|no --reason=TEXT */
int
ctl__duplicates_decide(ctl__ctx_t *c)
{
    Mlps__V1__DuplicateDecideRequest req =
        MLPS__V1__DUPLICATE_DECIDE_REQUEST__INIT;
    const char *answer = c->argv[1], *reason = ctl__flag(c->argv[2], "reason");
    int yes = strcmp(answer, "yes") == 0, no = strcmp(answer, "no") == 0;
    if ((!yes && !no) || reason == NULL || *reason == '\0') {
        fprintf(c->err, "mlpsctl: expected \"TRACKING_ID yes|no "
                        "--reason=TEXT\" (yes: a duplicate)\n");
        return CTL_EXIT_USAGE;
    }
    req.tracking_id = c->argv[0];
    req.duplicate = yes;
    req.reason = (char *) reason;
    return ctl__action(c, CTL__INTAKE, &req.base);
}

/* print.c - replies and errors as text for people, one fact per line. */
#include "ctl/print.h"
#include "ctl/cli.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

/* Writes s (NULL as "") with control characters as spaces. */
static void
s_put(FILE *out, const char *s)
{
    if (s == NULL)
        return;
    for (; *s != '\0'; s++)
        fputc((unsigned char) *s < 0x20 || *s == 0x7f ? ' ' : *s, out);
}

static void
s_kv(FILE *out, const char *key, const char *value)
{
    fprintf(out, "%s: ", key);
    s_put(out, value);
    fputc('\n', out);
}

/* s_kv() for a value that may be absent: nothing when it is "". */
static void
s_kv_opt(FILE *out, const char *key, const char *value)
{
    if (value != NULL && *value != '\0')
        s_kv(out, key, value);
}

/* A level, when there is one (not 0). */
static void
s_kv_level(FILE *out, const char *key, uint32_t level)
{
    if (level != 0)
        fprintf(out, "%s: %" PRIu32 "\n", key, level);
}

void
ctl_print_error(FILE *out, const char *field, const char *reason)
{
    fputs("error: ", out);
    if (field != NULL && *field != '\0') {
        s_put(out, field);
        fputs(": ", out);
    }
    s_put(out, reason);
    fputc('\n', out);
}

void
ctl_print_errors(FILE *out, const cmn_problem_t *errs)
{
    for (size_t i = 0; i < errs->count; i++)
        ctl_print_error(out, errs->items[i].field, errs->items[i].reason);
    if (errs->overflow > 0)
        fprintf(out, "error: %zu more not shown\n", errs->overflow);
}

void
ctl_print_problem(FILE *out, const Mlps__V1__Problem *problem)
{
    ctl_print_error(out, problem->code, problem->message);
    for (size_t i = 0; i < problem->n_errors; i++)
        ctl_print_error(out, problem->errors[i]->field,
                        problem->errors[i]->reason);
}

const Mlps__V1__Problem *
ctl_reply_problem(const ProtobufCMessage *reply)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(reply->descriptor,
                                                        "problem");
    if (f == NULL || f->label == PROTOBUF_C_LABEL_REPEATED ||
        f->descriptor != &mlps__v1__problem__descriptor)
        return NULL;
    return *(const Mlps__V1__Problem *const *) ((const char *) reply +
                                                f->offset);
}

int
ctl_print_submit(FILE *out, const Mlps__V1__SubmitFilingReply *reply)
{
    s_kv(out, "tracking_id", reply->tracking_id);
    if (reply->duplicate)
        s_kv(out, "duplicate", "yes");
    return CTL_EXIT_OK;
}

int
ctl_print_action(FILE *out, FILE *err, const Mlps__V1__ActionReply *reply)
{
    if (!reply->ok) {
        ctl_print_error(err, "refused",
                        *reply->detail ? reply->detail : "no reason given");
        return CTL_EXIT_REFUSED;
    }
    s_kv(out, "ok", "yes");
    s_kv_opt(out, "detail", reply->detail);
    return CTL_EXIT_OK;
}

int
ctl_print_status(FILE *out, const Mlps__V1__StatusReply *reply)
{
    s_kv(out, "tracking_id", reply->tracking_id);
    s_kv(out, "state", reply->state);
    s_kv_opt(out, "outcome", reply->outcome);
    s_kv_level(out, "proposed_level", reply->proposed_level);
    s_kv_level(out, "level", reply->level);
    s_kv_opt(out, "received", reply->received_on);
    s_kv_opt(out, "deadline", reply->deadline);
    s_kv_opt(out, "deadline_note", reply->deadline_note);
    for (size_t i = 0; i < reply->n_missing; i++)
        s_kv(out, "missing", reply->missing[i]);
    s_kv_opt(out, "panel", reply->panel);
    s_kv_opt(out, "liability_notice", reply->liability_notice);
    s_kv(out, "breached", reply->breached ? "yes" : "no");
    return CTL_EXIT_OK;
}

int
ctl_print_letter(FILE *out, const Mlps__V1__LetterReply *reply)
{
    size_t n = strlen(reply->text);
    fputs(reply->text, out);
    if (n == 0 || reply->text[n - 1] != '\n')
        fputc('\n', out);
    return CTL_EXIT_OK;
}

int
ctl_print_panel(FILE *out, const Mlps__V1__PanelShowReply *reply)
{
    s_kv(out, "tracking_id", reply->tracking_id);
    s_kv(out, "state", reply->state);
    s_kv_opt(out, "session_date", reply->session_date);
    for (size_t i = 0; i < reply->n_experts; i++)
        s_kv(out, "expert", reply->experts[i]);
    s_kv_opt(out, "detail", reply->detail);
    return CTL_EXIT_OK;
}

int
ctl_print_audit_verify(FILE *out, const Mlps__V1__AuditVerifyReply *reply)
{
    if (reply->ok) {
        fprintf(out, "audit verify: ok records=%" PRIu64, reply->records);
        if (reply->key_id[0] != '\0') {
            fprintf(out,
                    " checkpoints=%" PRIu64 " anchored_seq=%" PRIu64 " key=",
                    reply->checkpoints, reply->anchored_seq);
            s_put(out, reply->key_id);
        }
        fputc('\n', out);
        return CTL_EXIT_OK;
    }
    fprintf(out, "audit verify: FAILED at seq=%" PRIu64 ": ",
            reply->first_bad_seq);
    s_put(out, reply->reason);
    fputc('\n', out);
    return CTL_EXIT_REFUSED;
}

/* key=value, the value quoted (with \" and \\) when it is empty or holds a
 * space, a quote or a backslash. */
static void
s_logfmt(FILE *out, const char *key, const char *value)
{
    int quote = *value == '\0' || strpbrk(value, " \"\\") != NULL;
    fprintf(out, " %s=%s", key, quote ? "\"" : "");
    for (const char *s = value; *s != '\0'; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', out);
        fputc((unsigned char) *s < 0x20 || *s == 0x7f ? ' ' : *s, out);
    }
    if (quote)
        fputc('"', out);
}

static void
s_event(FILE *out, const Mlps__V1__AuditEvent *e)
{
    int64_t sec = e->at_us / 1000000, usec = e->at_us % 1000000;
    if (usec < 0) {
        sec--;
        usec += 1000000;
    }
    time_t t = (time_t) sec;
    struct tm tm;
    char when[32] = "?";
    if (gmtime_r(&t, &tm) != NULL)
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    fprintf(out, "%s.%06" PRId64 "Z", when, usec);
    s_logfmt(out, "service", e->service);
    s_logfmt(out, "action", e->action);
    s_logfmt(out, "actor", e->actor);
    s_logfmt(out, "outcome", e->outcome);
    s_logfmt(out, "office", e->office);
    fputc('\n', out);
}

int
ctl_print_audit_events(FILE *out, FILE *err, const char *case_id,
                       const Mlps__V1__AuditEventsReply *reply)
{
    if (reply->n_events == 0) {
        char reason[300];
        snprintf(reason, sizeof reason, "no audit events for case \"%.256s\"",
                 case_id);
        ctl_print_error(err, "", reason);
        return CTL_EXIT_REFUSED;
    }
    for (size_t i = 0; i < reply->n_events; i++)
        s_event(out, reply->events[i]);
    return CTL_EXIT_OK;
}
